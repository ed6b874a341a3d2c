"""The metering findings a report shows, built from the store the same way for the main job, the CLI and the API.

What the report's meter register, facilities and "meter data and energy" section need: the factory's
meters as registered (with calibration), the ingest batches, the gaps of the metered year, the
check of every metered line against the declared figure kept beside it, the check of the hourly
carbon against the annual inventory, comprehensive energy by carrier and month, and energy per
unit of product. All as JSON-able plain data (``metering.json``), so the report layer stays a renderer.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Final

from zerocarbon.accounting.results import Inventory, plain
from zerocarbon.energy.comprehensive import comprehensive_energy
from zerocarbon.energy.uses import energy_of, facility_energy_uses
from zerocarbon.footprint.allocation import allocate, product_output
from zerocarbon.model.inventory_input import InventoryInput
from zerocarbon.services.inventory.runs import InventoryRun
from zerocarbon.services.metering import catalog
from zerocarbon.services.metering import quality as batches_service
from zerocarbon.services.metering.activity import check_hourly_against_inventory
from zerocarbon.services.metering.year import MeteredYear, metered_year
from zerocarbon.units import conversion_factor

#: How gaps in counters are filled for the report (as the main job and the cached year run do).
ESTIMATE: Final = "linear"
#: Most batches summed for the report (the newest first).
MAX_BATCHES = 10_000


def energy_per_product(data: InventoryInput, inv: Inventory) -> list[dict[str, Any]]:
    """Comprehensive energy per unit of product (单位产品综合能耗) [tce per unit], attributed like emissions.

    The energy of each line (:func:`zerocarbon.energy.uses.facility_energy_uses`, GB/T 2589) is
    allocated to products by the same rule as the emission intensities
    (:func:`zerocarbon.footprint.allocation.allocate`), so the two can be read together.
    """
    if not data.factory.products:
        return []
    uses = facility_energy_uses(inv)
    lines = comprehensive_energy([use for _, use in uses]).lines if uses else []
    allocated = allocate(data.factory.products,
                         ((facility, line.tce) for (facility, _), line in zip(uses, lines, strict=True)))
    period = inv.settings.get("period", str(inv.year))
    out = []
    for a in allocated:
        p = a.product
        output = product_output(data.production, p, period)
        out.append({"product": p.id, "name_zh": p.name_zh, "name_en": p.name_en, "unit": p.unit,
                    "output": str(output), "energy_tce": str(a.amount),
                    "tce_per_unit": str(a.amount / output) if output else None,
                    "derivation": a.derivation("tce", output, lambda v: plain(v, 4))})
    return out


def reconciliation(data: InventoryInput) -> list[dict[str, Any]]:
    """Every metered line against the declared figure of the same flow and period kept beside it (the merge's)."""
    out = []
    for line in data.activity:
        if not line.meters or line.declared_amount is None or not line.declared_unit:
            continue
        metered_amount = line.amount * conversion_factor(line.unit, line.declared_unit)
        ref = line.declared_amount
        rel = abs(metered_amount - ref) / ref if ref else Decimal(0)
        out.append({"meter": ", ".join(line.meters), "period": line.period, "unit": line.declared_unit,
                    "declared": str(ref), "metered": str(metered_amount), "rel_diff": float(rel),
                    "ok": rel <= Decimal("1e-9")})
    return out


def _json_meter(meter: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in meter.items()}


def _ingest(factory_id: str, url: str | None) -> tuple[dict[str, Any], str | None]:
    """The factory's ingest batches summed, and the name of the newest batch's file (None: no batch)."""
    _, rows = batches_service.batches(factory_id, MAX_BATCHES, 0, url)
    sums = {k: sum(int(r.get(k) or 0) for r in rows) for k in ("accepted", "duplicates", "rejected", "flagged")}
    files = [r for r in rows if r.get("source") == "file"]
    return ({"batches": len(rows), "received": sums["accepted"] + sums["duplicates"] + sums["rejected"], **sums},
            str(files[0]["name"]) if files else None)


def metering_findings(run: InventoryRun, url: str | None = None, *, metered: MeteredYear | None = None
                      ) -> dict[str, Any]:
    """The metering findings of ``run`` (a factory's year, its metered lines from the store at ``url``).

    Parameters
    ----------
    run : InventoryRun
        The inventory (from :func:`zerocarbon.services.inventory.compute.factory_inventory`, or the main
        job's merge of meters and declared data); its factory must be in the store.
    url : str, optional
        The store.
    metered : MeteredYear, optional
        The year's metered data when already computed (else ``run.metered``, else read from the store).

    Returns
    -------
    dict
        ``meters`` (the register, dates as ISO text), ``ingest`` (batches summed), ``readings_file``
        (newest file batch's name), ``store``, ``meter_activity_lines``, ``gaps``, ``reconciliation``,
        ``reconciled_with_declared``, ``hourly_vs_annual``, ``energy`` (comprehensive energy, tce) and
        ``energy_per_product``.
    """
    factory_id, year = run.data.factory.id, run.year
    my = metered or run.metered or metered_year(factory_id, year, url, estimate=ESTIMATE)
    codes = {int(r["meter_id"]): str(r["code"]) for r in my.factory.meters.to_pylist()}
    gaps = [{**g, "meter": codes.get(int(g["meter_id"]))} for g in my.gaps.to_pylist()]
    recon = reconciliation(run.data)
    ingest, readings_file = _ingest(factory_id, url)
    consistency = check_hourly_against_inventory(factory_id, year, url, estimate=ESTIMATE)
    return {
        "store": url, "readings_file": readings_file, "ingest": ingest,
        "meters": [_json_meter(m) for m in catalog.meters(factory_id, url)],
        "meter_activity_lines": sum(1 for r in run.inventory.lines if r.line.meters), "gaps": gaps,
        "reconciled_with_declared": all(r["ok"] for r in recon), "reconciliation": recon,
        "hourly_vs_annual": consistency.to_dict(),
        "energy": energy_of(run.inventory).to_dict(),
        "energy_per_product": energy_per_product(run.data, run.inventory),
    }
