"""The zero-carbon indicator (单位能耗碳排放, tCO2/tce) of each roadmap year, after the measures in place.

The indicator is not recomputed here: each year's activity data are the factory's own lines with the
modelled parts changed to the state after the measures in place that year (the roadmap's core,
:func:`zerocarbon.renewables.roadmap.apply` and :func:`~zerocarbon.renewables.roadmap.evaluate`), and the
inventory and indicator are computed by the same functions as for the data year
(:func:`zerocarbon.accounting.inventory.compute_inventory`,
:func:`zerocarbon.services.assessment.indicators.inventory_indicators`). Changed lines:

Each modelled quantity moves by the state's difference from the baseline state (so the data year's own
figures, e.g. a declared export the hourly model does not reproduce, stay as declared):

* grid electricity purchased: by the change of the grid import, less the green power bought by measures;
* green power bought by a measure: a new ``green_power`` line (the measure's MWh), evidence "planned";
* certificates bought by a measure: a new retired certificate record for the year, proof "planned";
* on-site generation and export: by the change of the state's generation and export (a new line when
  the data year had none);
* natural gas burnt and forklift diesel: scaled to the state's gas [GJ] and diesel [t].

Other lines (process emissions, other fuels, heat bought …) are held as in the data year; so is the
equal-value coefficient (供电标准煤耗) of the settings. When the indicator cannot be assessed (no
zero-carbon regime, no equal-value coefficient), each year says so with the verdict's reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from zerocarbon.accounting.inventory import compute_inventory
from zerocarbon.model.inventory_input import ActivityLine, Category, Certificate, InventoryInput
from zerocarbon.renewables.roadmap import Baseline, State, Step, apply, evaluate
from zerocarbon.services.assessment.indicators import inventory_indicators
from zerocarbon.services.inventory.runs import InventoryRun
from zerocarbon.services.planning.baseline import modelled_lines
from zerocarbon.units import conversion_factor

PLANNED = "planned (zerocarbon plan): not yet contracted"


def _d(v: float) -> Decimal:
    return Decimal(repr(float(v)))


def _scaled(lines: Sequence[ActivityLine], ids: Sequence[str], target: float, unit_total: float) -> list[ActivityLine]:
    """The lines ``ids`` scaled together from ``unit_total`` to ``target`` (same units)."""
    k = _d(target / unit_total) if unit_total > 0 else Decimal(0)
    chosen = set(ids)
    return [ln.model_copy(update={"amount": ln.amount * k, "note": (ln.note + " · " if ln.note else "")
                                  + f"scaled ×{float(k):.6g} by the plan"}) if ln.id in chosen else ln
            for ln in lines]


def _kwh(run: InventoryRun, ids: Sequence[str]) -> float:
    """Total of the lines ``ids`` [kWh]."""
    by = {r.line.id: r for r in run.inventory.lines}
    return float(sum((by[i].line.amount * conversion_factor(by[i].line.unit, "kWh") for i in ids), Decimal(0)))


def state_input(run: InventoryRun, b: Baseline, parts: Mapping[str, Any], view: str, s: State,
                step_ids: Sequence[str], certs_by_measure: Mapping[str, float]) -> InventoryInput:
    """The data year's input with the modelled lines changed by the state's differences from the baseline's
    (module docstring); the baseline state gives back the data year's input unchanged."""
    data, year = run.data, run.year
    ev0, ev = evaluate(b, State.of(b)), evaluate(b, s)
    roles = modelled_lines(run.inventory, view)
    lines = list(data.activity)
    facility = data.factory.facilities[0].id

    def new(suffix: str, cat: Category, kwh: float, **kw: Any) -> ActivityLine:
        return ActivityLine(id=f"plan-{suffix}", facility=facility, category=cat, amount=_d(kwh), unit="kWh",
                            period=str(year), source=PLANNED, **kw)

    added_green_kwh = (s.instruments_mwh - b.instruments_mwh) * 1000.0
    grid_now = _kwh(run, roles["grid"])
    grid_target = max(grid_now + ev.import_kwh - ev0.import_kwh - added_green_kwh, 0.0)
    if roles["grid"]:
        lines = _scaled(lines, roles["grid"], grid_target, grid_now)
    elif grid_target > 0:
        lines.append(new("grid", Category.ELECTRICITY_PURCHASED, grid_target, electricity_kind="grid"))
    if added_green_kwh > 0:
        lines.append(new("green-power", Category.ELECTRICITY_PURCHASED, added_green_kwh,
                         electricity_kind="green_power", evidence=PLANNED))
    for role, cat, delta in (("onsite", Category.ONSITE_RENEWABLE, ev.onsite_kwh - ev0.onsite_kwh),
                             ("export", Category.ELECTRICITY_EXPORTED, ev.export_kwh - ev0.export_kwh)):
        now = _kwh(run, roles[role])
        if roles[role]:
            lines = _scaled(lines, roles[role], max(now + delta, 0.0), now)
        elif delta > 0:
            lines.append(new(role, cat, delta))
    if roles["gas"]:
        lines = _scaled(lines, roles["gas"], s.gas_gj, float(parts["gas_gj"]))
    if roles["diesel"]:
        lines = _scaled(lines, roles["diesel"], s.diesel_t, float(parts["diesel_t"]))
    certs = list(data.certificates)
    for mid in step_ids:
        mwh = certs_by_measure.get(mid, 0.0)
        if mwh > 0:
            certs.append(Certificate(serial=f"plan-{mid}-{year}", mwh=_d(mwh), generation_period=f"{year}-01",
                                     retired=True, retired_for=str(year), evidence=PLANNED,
                                     retirement_proof=f"planned:{mid}"))
    return data.model_copy(update={"activity": lines, "certificates": certs})


def indicator_by_year(run: InventoryRun, b: Baseline, parts: Mapping[str, Any], view: str,
                      steps: Sequence[Step], years: Mapping[str, int], start_year: int,
                      target_year: int) -> list[dict[str, Any]]:
    """Per roadmap year: the zero-carbon intensity [tCO2/tce] after the measures in place, or why not."""
    certs = {s.measure.id: float(s.measure.params.get("mwh", 0.0)) for s in steps if s.measure.kind == "certificates"}
    out: list[dict[str, Any]] = []
    cache: dict[tuple[str, ...], dict[str, Any]] = {}
    base = inventory_indicators(run.inventory)["zero_carbon_intensity"]
    if base.value is None:  # the regime and the equal-value coefficient are the data year's: same reason every year
        why = {"intensity_tco2_per_tce": None, "co2_t": None, "energy_tce": None, "basis_zh": base.basis_zh,
               "basis_en": base.basis_en, "reason_zh": base.reason_zh, "reason_en": base.reason_en}
        return [{"year": y, "measures_in_place": [s.measure.id for s in steps if years[s.measure.id] <= y], **why}
                for y in range(start_year, target_year + 1)]
    for y in range(start_year, target_year + 1):
        done = tuple(s.measure.id for s in steps if years[s.measure.id] <= y)
        if done not in cache:
            state = State.of(b)
            for s in steps:
                if s.measure.id in done:
                    state = apply(b, state, s.measure)
            inv = compute_inventory(state_input(run, b, parts, view, state, done, certs), run.year, mc_draws=0)
            ind = inventory_indicators(inv)
            zc, e = ind["zero_carbon_intensity"], ind["co2_zero_carbon_t"]
            cache[done] = {"intensity_tco2_per_tce": None if zc.value is None else float(zc.value),  # type: ignore[arg-type]
                           "co2_t": None if e.value is None else float(e.value),  # type: ignore[arg-type]
                           "energy_tce": None if ind["energy_tce"].value is None
                           else float(ind["energy_tce"].value),  # type: ignore[arg-type]
                           "basis_zh": zc.basis_zh, "basis_en": zc.basis_en,
                           "reason_zh": zc.reason_zh, "reason_en": zc.reason_en}
        out.append({"year": y, "measures_in_place": list(done), **cache[done]})
    return out
