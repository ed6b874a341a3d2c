"""Use cases of meter data: activity data for the inventory, hourly carbon, and the check between them.

    store (meters, nodes, events, readings) → intervals → virtual meters → hours / months
        (the metered year, :mod:`zerocarbon.services.metering.year` → :mod:`zerocarbon.timeseries.year`)
        → activity lines (one per meter and month, :mod:`zerocarbon.timeseries.activity`) → compute_inventory
        → hourly carbon (annual or hourly factors)

Everything is computed on read, so back-filled (late) readings are in the next result.

Consistency check
-----------------
:func:`check_hourly_against_inventory` computes the year's inventory from the monthly activity
lines (Decimal, :func:`zerocarbon.accounting.inventory.compute_inventory`, location-based view, its CO2)
and compares it, per meter and in total, with the sum of the hourly carbon (float64) of the same
meters with the annual factors (summed with ``math.fsum``: correctly rounded, so the same in
every run). Both come from the same intervals and the same library rows, so
they agree to rounding: the check passes when |hourly − inventory| ≤ 1e-6 × |inventory| (relative
tolerance, documented float tolerance; an absolute 1e-9 tCO2 when the inventory is 0). Only the
categories in the hourly carbon are compared (fuel combustion, purchased electricity and heat,
on-site renewables); meters of other categories are listed as not compared.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from zerocarbon.accounting.inventory import compute_inventory
from zerocarbon.accounting.results import Figure
from zerocarbon.errors import InputError
from zerocarbon.factors import FactorLibrary, default_library
from zerocarbon.model.inventory_input import ActivityLine, InventoryInput
from zerocarbon.services.metering.rollups import kept_year
from zerocarbon.services.metering.year import FactoryMeters, MeteredYear, load_factory_meters
from zerocarbon.store.grid_series import series_rows
from zerocarbon.timeseries import activity as ta
from zerocarbon.timeseries import carbon as tc
from zerocarbon.timeseries.activity import merge_metered
from zerocarbon.timeseries.intervals import Estimate

__all__ = ["ConsistencyCheck", "MeterComparison", "activity_from_meters", "carbon_trace",
           "check_hourly_against_inventory", "hourly_carbon", "inventory_input", "merge_metered"]

#: Relative tolerance of the hourly-vs-inventory check (float64 sums against Decimal).
REL_TOL = 1e-6
ABS_TOL = 1e-9


def activity_from_meters(factory_id: str, year: int, url: str | None = None, *, estimate: Estimate | None = None,
                         evidence: dict[str, str] | None = None, power_as_energy: bool = False,
                         metered: MeteredYear | None = None) -> list[ActivityLine]:
    """Activity data from the meters: one line per meter with a category and month
    (:func:`zerocarbon.timeseries.activity.meter_lines` on the metered year, loaded from the store
    unless ``metered`` is given).

    Parameters
    ----------
    evidence : dict, optional
        Meter code → proof of green power (绿电交易凭证); a green-power meter without it raises, as
        green power counts as zero only with proof.
    metered : MeteredYear, optional
        Already computed intervals (to reuse them).
    """
    my = metered or kept_year(factory_id, year, url, estimate=estimate, power_as_energy=power_as_energy)
    return ta.meter_lines(my, evidence)


def inventory_input(factory_id: str, lines: list[ActivityLine], url: str | None = None,
                    factory: FactoryMeters | None = None) -> InventoryInput:
    """An :class:`InventoryInput` of the factory with the given (meter) activity lines; the factory's
    meters are read from the store only when ``factory`` is not given."""
    return ta.inventory_input(factory or load_factory_meters(factory_id, url), lines)


def load_series(name: str, start: int, end: int, url: str | None) -> pa.Table:
    rows = series_rows(name, start, end, url)
    if not rows:
        raise InputError(f"没有名为 {name} 的小时电网排放因子序列（{start}–{end}）",
                         f"no hourly grid-intensity series '{name}' in the store for the year", field="series")
    return pa.table({n: pa.array([r[i] for r in rows], tc.SERIES_SCHEMA.field(n).type)
                     for i, n in enumerate(tc.SERIES_SCHEMA.names)}, schema=tc.SERIES_SCHEMA)


def hourly_carbon(factory_id: str, year: int, url: str | None = None, series: str | pa.Table | None = None, *,
                  estimate: Estimate | None = None, power_as_energy: bool = False,
                  library: FactorLibrary | None = None, metered: MeteredYear | None = None) -> pa.Table:
    """Carbon per meter and local hour of ``year`` [tCO2] (:func:`zerocarbon.timeseries.carbon.hourly_carbon`).

    ``series`` is the name of a grid-intensity series in the store (``grid_factor_series``) or its
    rows as Arrow; it replaces the annual factor of purchased electricity hour by hour. The table
    has a ``meter`` column (code) and carries its derivation as JSON in the schema metadata key
    ``zerocarbon.trace`` (:func:`carbon_trace`): factor rows with provenance, skipped meters, the
    series, gaps and estimated intervals per meter. ``metered``, to reuse a year already loaded, must
    have been loaded with ``hourly=True`` (:meth:`MeteredYear.hourly` raises otherwise).
    """
    my = metered or kept_year(factory_id, year, url, estimate=estimate, power_as_energy=power_as_energy,
                              hourly=True)
    ta.check_power_meters(my.factory, my.power_as_energy)
    fm = my.factory
    factors = tc.annual_factors(fm.meters, year, fm.province, library=library or default_library(), tz=fm.timezone)
    rows = series
    if isinstance(series, str):
        rows = load_series(series, my.start, my.end, url)
    assert rows is None or isinstance(rows, pa.Table)
    # hour roll-ups kept as files (and not yet read) are joined where they lie, in the engine
    hours = my.hour_parts if my.hourly_values is None and my.hour_parts is not None else my.hourly()
    out = tc.hourly_carbon(hours, factors.table, rows)
    ids = fm.meters["meter_id"].combine_chunks()
    codes = fm.meters["code"].combine_chunks()
    indices = pc.index_in(out["meter_id"], value_set=ids).combine_chunks().cast(pa.int32())
    meter = pa.DictionaryArray.from_arrays(indices, codes)
    out = out.add_column(1, "meter", meter)
    code_of = {int(r["meter_id"]): str(r["code"]) for r in fm.meters.to_pylist()}
    gaps: dict[str, dict[str, int]] = {}
    for g in my.gaps.to_pylist():
        entry = gaps.setdefault(code_of.get(int(g["meter_id"]), str(g["meter_id"])), {"missing": 0, "estimated": 0})
        entry["missing"] += int(g["count"])
        entry["estimated"] += int(g["estimated"])
    series_info = None
    if rows is not None:
        srcs = sorted({x for x in rows["source"].unique().to_pylist() if x} if "source" in rows.column_names else [])
        names = sorted({x for x in rows["series"].unique().to_pylist() if x} if "series" in rows.column_names else [])
        series_info = {"series": names, "source": srcs, "hours": rows.num_rows, "unit": "tCO2/MWh"}
    trace = {"factory": factory_id, "year": year, "timezone": fm.timezone, "province": fm.province,
             "view": "location", "unit": "tCO2", "estimate": my.estimate,
             "formula": "co2_t = amount × to_activity × factor (factor of the hour)", **factors.trace(),
             "series": series_info, "gaps": gaps}
    meta = dict(out.schema.metadata or {})
    meta[b"zerocarbon.trace"] = json.dumps(trace, ensure_ascii=False).encode("utf-8")
    return out.replace_schema_metadata(meta)


def carbon_trace(table: pa.Table) -> dict[str, Any]:
    """The derivation stored in the metadata of :func:`hourly_carbon`'s table."""
    raw = (table.schema.metadata or {}).get(b"zerocarbon.trace")
    return dict(json.loads(raw.decode("utf-8"))) if raw else {}


@dataclass
class MeterComparison:
    meter: str
    inventory_tco2: Decimal
    hourly_tco2: float
    rel_diff: float
    ok: bool


@dataclass
class ConsistencyCheck:
    """The year's inventory from meter data against the sum of its hourly carbon (location-based)."""

    factory_id: str
    year: int
    inventory_tco2: Decimal
    hourly_tco2: float
    rel_diff: float
    rel_tol: float
    ok: bool
    meters: list[MeterComparison] = field(default_factory=list)
    not_compared: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"factory_id": self.factory_id, "year": self.year, "inventory_tco2": str(self.inventory_tco2),
                "hourly_tco2": self.hourly_tco2, "rel_diff": shown_rel(self.rel_diff), "rel_tol": self.rel_tol,
                "ok": self.ok,
                "meters": [{"meter": m.meter, "inventory_tco2": str(m.inventory_tco2), "hourly_tco2": m.hourly_tco2,
                            "rel_diff": shown_rel(m.rel_diff), "ok": m.ok} for m in self.meters],
                "not_compared": self.not_compared}


#: Relative differences below this are under the resolution of a float64 sum of hourly values.
FLOAT_RESOLUTION = 1e-12


def shown_rel(rel: float) -> float:
    """A relative difference as shown [fraction]: two significant digits, 0 below :data:`FLOAT_RESOLUTION`.

    The verdict (``ok``) is taken on the full value; what is shown carries no float noise.
    """
    return 0.0 if rel < FLOAT_RESOLUTION else float(f"{rel:.2g}")


def _rel(a: float, b: Decimal) -> tuple[float, bool]:
    ref = float(b)
    diff = abs(a - ref)
    if ref == 0:
        return diff, diff <= ABS_TOL
    rel = diff / abs(ref)
    return rel, rel <= REL_TOL


def _co2_part(figure: Figure | None) -> Decimal:
    """The CO2 of a location-based figure [tCO2]: hourly carbon is CO2 only, while the GHG Protocol's
    scope 1 of a fuel also carries its CH4 and N2O (``Figure.gases_co2e``)."""
    if figure is None:
        return Decimal(0)
    if figure.gases_co2e:
        return figure.gases_co2e.get("CO2", Decimal(0))
    return figure.emissions


def check_hourly_against_inventory(factory_id: str, year: int, url: str | None = None, *,
                                   estimate: Estimate | None = None, evidence: dict[str, str] | None = None,
                                   power_as_energy: bool = False,
                                   library: FactorLibrary | None = None) -> ConsistencyCheck:
    """Annual inventory from meters = Σ of its hourly carbon, per meter and in total (see module docstring)."""
    lib = library or default_library()
    my = kept_year(factory_id, year, url, estimate=estimate, power_as_energy=power_as_energy, hourly=True)
    ta.check_power_meters(my.factory, my.power_as_energy)
    lines = activity_from_meters(factory_id, year, url, evidence=evidence, metered=my)
    data = inventory_input(factory_id, lines, url, factory=my.factory)
    inventory = compute_inventory(data, year, lib, mc_draws=0)
    carbon = hourly_carbon(factory_id, year, url, library=lib, metered=my)
    # math.fsum: the correctly rounded sum of every hour, whatever the order the rows come in
    hours: dict[str, list[float]] = defaultdict(list)
    for code, co2 in zip(carbon["meter"].cast(pa.string()).to_pylist(), carbon["co2_t"].to_pylist(), strict=True):
        if co2 is not None:
            hours[str(code)].append(float(co2))
    hourly_by_meter = {code: math.fsum(values) for code, values in hours.items()}
    compared = {str(r["meter"]) for r in carbon_trace(carbon).get("factors", [])}
    inv_by_meter: dict[str, Decimal] = defaultdict(Decimal)
    for result in inventory.lines:
        for code in result.line.meters:
            if code in compared:
                inv_by_meter[code] += _co2_part(result.figures.get("location"))
    comparisons = []
    for code in sorted(compared):
        rel, ok = _rel(hourly_by_meter.get(code, 0.0), inv_by_meter.get(code, Decimal(0)))
        comparisons.append(MeterComparison(code, inv_by_meter.get(code, Decimal(0)), hourly_by_meter.get(code, 0.0),
                                           rel, ok))
    inv_total = sum(inv_by_meter.values(), Decimal(0))
    hourly_total = math.fsum(v for c in compared for v in hours.get(c, []))
    rel, ok = _rel(hourly_total, inv_total)
    not_compared = list(carbon_trace(carbon).get("skipped", []))
    return ConsistencyCheck(factory_id, year, inv_total, hourly_total, rel, REL_TOL,
                            ok and all(c.ok for c in comparisons), comparisons, not_compared)
