"""The metering part of the main job: meters → embedded store → activity data, energy, hourly carbon.

The sample factory's meters and a year of readings go through the path users take: the factory
setup is loaded into the store, the readings file is imported (validated, idempotent), intervals
are computed from the stored readings, and monthly activity lines for the inventory come from them.
Declared figures of the same lines are kept beside, as a reconciliation a verifier can read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from zerocarbon.demo.meters import METERS, meter_setup, write_readings_csv
from zerocarbon.energy.comprehensive import ComprehensiveEnergy
from zerocarbon.ingest.activity_file import LoadedInput
from zerocarbon.model.inventory_input import ActivityLine, InventoryInput
from zerocarbon.model.period import Period
from zerocarbon.services.metering.activity import (
    ConsistencyCheck,
    activity_from_meters,
    check_hourly_against_inventory,
    merge_metered,
)
from zerocarbon.services.metering.intake import ingest_meter_file, load_factory_setup
from zerocarbon.services.metering.year import MeteredYear, metered_year
from zerocarbon.services.reports.metering import energy_per_product

__all__ = ["MeteringResult", "energy_per_product", "meter_stage"]
from zerocarbon.store.db import migrate
from zerocarbon.units import conversion_factor

#: The readings file stamps the END of each 15-minute interval, like most Chinese metering exports.
READINGS_LAYOUT = {"layout": "wide", "time_column": "时间", "timezone": "Asia/Shanghai", "timestamp_is": "end"}
#: Declared line-id prefix of each meter (the sample's YAML) → meter code.
DECLARED_PREFIX = {spec[4]: code for code, spec in METERS.items()}


@dataclass
class MeteringResult:
    """What the metering stage did and found, for the summary and the report."""

    store_url: str
    readings_file: Path
    ingest: dict[str, Any]
    meter_lines: int
    gaps: list[dict[str, Any]]
    reconciliation: list[dict[str, Any]]
    consistency: ConsistencyCheck
    #: the metered year the lines came from (handed to the report's findings, not read again)
    metered: MeteredYear | None = None
    energy: ComprehensiveEnergy | None = None
    energy_per_product: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def reconciled(self) -> bool:
        return all(r["ok"] for r in self.reconciliation)

    def to_dict(self) -> dict[str, object]:
        """The metering stage's findings as JSON-able data (``metering.json``, the reports' metering section)."""
        return {
            "store": self.store_url, "readings_file": str(self.readings_file), "ingest": self.ingest,
            "meter_activity_lines": self.meter_lines, "gaps": self.gaps, "reconciled_with_declared": self.reconciled,
            "reconciliation": self.reconciliation, "hourly_vs_annual": self.consistency.to_dict(),
            "energy": self.energy.to_dict() if self.energy else None,
            "energy_per_product": self.energy_per_product,
        }


def _declared_meter(line: ActivityLine) -> str | None:
    for prefix, code in DECLARED_PREFIX.items():
        if line.id.startswith(prefix) and Period.parse(line.period).is_month:
            return code
    return None


def meter_stage(data: InventoryInput, year: int, out_dir: Path) -> tuple[LoadedInput, MeteringResult]:
    """Run the metering stage; returns the inventory input with metered lines from the meters."""
    url = f"sqlite:///{(out_dir / 'zerocarbon.db').resolve()}"
    migrate(url)
    setup_file = out_dir / "sample_meters.json"
    setup_file.write_text(meter_setup().model_dump_json(indent=2), encoding="utf-8")
    load_factory_setup(setup_file, url)
    readings = write_readings_csv(out_dir / f"meter_readings_{year}.csv")
    (out_dir / "meter_readings_layout.yaml").write_text(
        "# column mapping of meter_readings_*.csv (see docs/meter-data-format.md)\n"
        + "".join(f"{k}: {v}\n" for k, v in READINGS_LAYOUT.items()), encoding="utf-8")
    report = ingest_meter_file(readings, data.factory.id, READINGS_LAYOUT, url=url)
    metered = metered_year(data.factory.id, year, url, estimate="linear")
    from_meters = activity_from_meters(data.factory.id, year, url, estimate="linear", metered=metered)
    declared = {(_declared_meter(a), a.period): a for a in data.activity if _declared_meter(a)}
    reconciliation = []
    for line in from_meters:
        code = ", ".join(line.meters)
        ref = declared.get((code, line.period))
        if ref is None:
            continue
        metered_amount = line.amount * conversion_factor(line.unit, ref.unit)
        rel = abs(metered_amount - ref.amount) / ref.amount if ref.amount else Decimal(0)
        reconciliation.append({"meter": code, "period": line.period, "unit": ref.unit,
                               "declared": str(ref.amount), "metered": str(metered_amount),
                               "rel_diff": float(rel), "ok": rel <= Decimal("1e-9")})
    merged = merge_metered(data, from_meters, year)
    locations = {ln.id: {"file": url, "sheet": None, "row": None, "entry": f"meter {', '.join(ln.meters)}"}
                 for ln in from_meters}
    consistency = check_hourly_against_inventory(data.factory.id, year, url, estimate="linear")
    codes = {int(r["meter_id"]): str(r["code"]) for r in metered.factory.meters.to_pylist()}
    gaps = [{**g, "meter": codes.get(int(g["meter_id"]))} for g in metered.gaps.to_pylist()]
    result = MeteringResult(store_url=url, readings_file=readings, ingest=report.to_dict(),
                            meter_lines=len(from_meters), gaps=gaps, reconciliation=reconciliation,
                            consistency=consistency, metered=metered)
    return LoadedInput(merged, out_dir / "sample_meters.json", locations), result

