"""Use cases of source decarbonisation (源头减碳): the plan of one factory, from a file or the store.

``make_plan`` composes the core: weather and PV profile (:mod:`zerocarbon.renewables.weather`,
:mod:`~zerocarbon.renewables.pv`), the baseline (:mod:`.baseline`), the measures with interactions,
MAC curve and roadmap (:mod:`zerocarbon.renewables.roadmap`), and least-cost sizing for the user's
targets (:mod:`zerocarbon.renewables.sizing`). The result is a plain dict (JSON, report, API and the
dashboard's read model all take it).
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np

from zerocarbon.accounting.results import Inventory
from zerocarbon.energy.register import EfficiencyRegister
from zerocarbon.errors import InputError, ZerocarbonError
from zerocarbon.renewables.explain import InfeasibleTarget
from zerocarbon.renewables.formulation import Targets
from zerocarbon.renewables.intensity import GAS_ROW, FixedPart, target_trace
from zerocarbon.renewables.pv import PVArray, Site, read_weather, simulate_pv
from zerocarbon.renewables.roadmap import Evaluation, MeasureSpec, roadmap, schedule, sequence
from zerocarbon.renewables.sizing import Candidate, size
from zerocarbon.renewables.storage import Battery
from zerocarbon.renewables.system import EnergySystem, Grid, Heat
from zerocarbon.renewables.weather import read_weather_csv
from zerocarbon.reports.planning import render_planning_html, write_planning_xlsx
from zerocarbon.services.efficiency.diagnose import Diagnosis
from zerocarbon.services.inventory.runs import InventoryRun, run_inventory, run_store_inventory
from zerocarbon.services.planning.assumptions import Assumptions, MeasureInput, load_assumptions
from zerocarbon.services.planning.baseline import BaselineInfo, build_baseline
from zerocarbon.services.planning.fixed_part import fixed_part
from zerocarbon.services.planning.heat_sizing import heat_for_sizing, heat_summary
from zerocarbon.services.planning.intensity import indicator_by_year
from zerocarbon.services.planning.load import metered_hourly_kw
from zerocarbon.services.planning.measures import measure_specs
from zerocarbon.units import denoise


def _weather(a: Assumptions) -> tuple[Any, Site, str, bool]:
    """Weather, site and source text; ``synthetic`` when the file says so."""
    if a.weather.suffix.lower() == ".epw":
        w, site, src = read_weather(a.weather)
        return w, site, src, False
    w, site, header = read_weather_csv(a.weather)
    return w, site, f"{a.weather.name}: {header['source']}; {header.get('method', '')}", \
        "SYNTHETIC" in header["source"].upper()


def _ev(e: Evaluation) -> dict[str, Any]:
    return {"emissions_t": e.emissions_t, "energy_cost": e.energy_cost, "import_kwh": e.import_kwh,
            "export_kwh": e.export_kwh, "onsite_kwh": e.onsite_kwh, "consumed_kwh": e.consumed_kwh,
            "indicators": {k: (None if math.isnan(v) else v) for k, v in e.indicators.items()}}


def _basis(a: Assumptions) -> dict[str, Any] | None:
    """The energy basis of the intensity target as chosen: which coefficients, from where."""
    eb = a.energy_basis
    if eb is None:
        return None
    return {"electricity_kgce_per_kwh": eb.electricity_kgce_per_kwh, "electricity_source": eb.electricity_source,
            "gas_kgce_per_kwh": eb.gas, "gas_from_library": eb.gas_kgce_per_kwh is None,
            "gas_source": eb.gas_source if eb.gas_kgce_per_kwh is not None else f"GB/T 2589-2008 附录A ({GAS_ROW})",
            "description": eb.describe(),
            "scope": "the factory's: the sizing programme's modelled flows + the rest of the baseline inventory held "
                     "constant (sizing.intensity_method), else the modelled flows only, so labelled"}


def _sizing(info: BaselineInfo, a: Assumptions, inv: Inventory) -> dict[str, Any]:
    """Least-cost PV and battery for the targets of the assumptions, or why they cannot be met; the intensity
    is the factory's, the flows outside the programme held at the baseline inventory's (:mod:`.fixed_part`)."""
    if not a.sizing:
        return {"status": "not_requested"}
    b = info.baseline
    cands = {name: Candidate(spec["capex"].value, spec["lifetime_years"].value, spec["capex"].source,
                             fixed_om=spec["fixed_om"].value if "fixed_om" in spec else 0.0,
                             existing=b.pv_kwp if name == "pv_kwp" else 0.0,
                             maximum=spec["maximum"].value if "maximum" in spec else float("inf"))
             for name, spec in a.sizing.items()}
    heat = heat_for_sizing(b, a)
    fixed, account = None, None
    if a.energy_basis is not None:
        fixed, account = fixed_part(inv, a.view, a.energy_basis, heat is not None)
    targets = Targets(**a.targets, energy_basis=a.energy_basis, fixed_part=fixed)  # type: ignore[arg-type]
    battery = None
    if "battery_kwh" in cands or "battery_kw" in cands:
        rt = a.sizing.get("battery_kwh", {}).get("round_trip")
        if rt is None:
            raise InputError("储能优化配置需要 sizing.battery_kwh.round_trip", "battery sizing needs "
                             "sizing.battery_kwh.round_trip", file=str(a.path), field="sizing.battery_kwh.round_trip")
        battery = Battery.from_round_trip(0.0, 0.0, rt.value)
    grid = Grid(b.tariff, b.ef_grid, b.ef_grid_source, export_limit_kw=b.export_limit_kw)
    sys = EnergySystem(b.index, b.load_kw, grid, b.pv_profile, b.pv_kwp, battery=battery, heat=heat)
    t0 = time.perf_counter()
    try:
        # with heat the programme is several times larger: the interior-point solver (with crossover, so the
        # solution is a vertex as with simplex) is about twice as fast on the sample's year
        r = size(sys, cands, targets, a.discount_rate.value, options={"solver": "ipm"} if heat is not None else None)
    except InfeasibleTarget as exc:
        return {"status": "infeasible", "targets": a.targets, "energy_basis": _basis(a),
                "message_zh": exc.message("zh"), "message_en": exc.message("en"), "details": exc.details,
                "intensity_method": _method(fixed, account, a, battery is not None, heat)}
    return {"status": "optimal", "targets": a.targets, "energy_basis": _basis(a), "capacities": r.capacities,
            "new_capacities": r.new_capacities,
            "annual_capacity_cost": r.annual_capacity_cost, "objective": r.result.objective,
            "emissions_t_electricity": r.result.emissions_t, "indicators": r.result.indicators,
            # the intensity's energy and emissions (the factory's when the fixed part is known)
            "energy_tce": r.result.balance.get("intensity_energy_tce"),
            "emissions_t_intensity": r.result.balance.get("intensity_emissions_t"),
            "energy_tce_modelled": r.result.balance.get("energy_tce"),
            "intensity_method": None if r.result.intensity is None else {**r.result.intensity,
                                                                          "baseline_account": account},
            "zero_carbon_intensity": r.result.indicators.get("zero_carbon_intensity"),
            "definitions": r.result.definitions, "seconds": time.perf_counter() - t0,
            "heat": heat_summary(r.result.hourly, r.result.balance) if heat is not None else None,
            "thermal_storage_source": heat.storage.source if heat is not None and heat.storage is not None else None,
            "note": ("electricity and boiler heat (grid import, PV, battery, heat pump, thermal storage, gas boiler)"
                     if heat is not None else "electricity system only (grid import, PV, battery)")
                    + "; capacity costs annualised by CRF"}


def _method(fixed: FixedPart | None, account: dict[str, Any] | None, a: Assumptions, battery: bool,
            heat: Heat | None) -> dict[str, Any] | None:
    """The intensity's method when the programme was not solved (infeasible): the same trace as a solved one."""
    if a.energy_basis is None:
        return None
    flows = ["import", "export", "renewable"] + (["discharge"] if battery else []) + (
        ["heat_pump", "gas_boiler"] if heat is not None else []) + (
        ["thermal_charge"] if heat is not None and heat.storage is not None else [])
    return {**target_trace(fixed, flows, a.energy_basis), "baseline_account": account}


def make_plan(run: InventoryRun, a: Assumptions, *, register: EfficiencyRegister | None = None,
              diagnosis: Diagnosis | None = None, hourly_kw: Any = None) -> dict[str, Any]:
    """The plan of a computed inventory run under the assumptions (module docstring)."""
    t0 = time.perf_counter()
    weather, site, wsource, synthetic_weather = _weather(a)
    site = Site(float(a.site["latitude"]), float(a.site["longitude"]), float(a.site["altitude_m"]),
                tz=str(a.site["tz"]), name=str(a.site["name"]))
    pv = simulate_pv(site, [PVArray("unit", a.pv_tilt_deg, a.pv_azimuth_deg, 1.0)], weather, wsource)
    index = weather.index
    temp = np.asarray(weather["temp_air"], float) if "temp_air" in weather else None
    info = build_baseline(run.inventory, run.year, a, index, pv.profile(), temp, hourly_kw)
    specs, not_assessed = measure_specs(a, info, register or (diagnosis.register if diagnosis else None), diagnosis,
                                        weather)
    order = sequence(info.baseline, specs, a.discount_rate.value)
    years = schedule(order.steps, a.start_year, a.target_year)
    rows = roadmap(info.total_t, order.steps, a.start_year, a.target_year)
    final = order.steps[-1].after if order.steps else order.baseline
    cum = 0.0
    steps = []
    for s in order.steps:
        steps.append({"id": s.measure.id, "kind": s.measure.kind, "title_zh": s.measure.title_zh,
                      "title_en": s.measure.title_en, "year": years[s.measure.id], "params": dict(s.measure.params),
                      "capex": s.measure.capex, "opex": s.measure.opex, "lifetime_years": s.measure.lifetime_years,
                      "source": s.measure.source, "abatement_t": s.abatement_t,
                      "abatement_alone_t": s.abatement_alone_t, "annualised_capex": s.annualised_capex,
                      "energy_cost_change": s.energy_cost_change, "annual_cost": s.annual_cost, "mac": s.mac,
                      "mac_from_t": cum, "mac_to_t": cum + s.abatement_t, "after": _ev(s.after)})
        cum += s.abatement_t
    not_assessed += [{"id": m.id, "kind": m.kind, "title_zh": m.title_zh, "title_en": m.title_en,
                      "reason_zh": "轮到该措施时已无减排效果", "reason_en": why} for m, why in order.not_applied]
    indicator = None
    if "zero-carbon" in run.inventory.to_dict().get("regimes", {}):
        from zerocarbon.services.inventory.indicator import zero_carbon_indicator

        indicator = zero_carbon_indicator(run.inventory).to_dict()
    by_year = indicator_by_year(run, info.baseline, info.parts, a.view, order.steps, years, a.start_year,
                                a.target_year)
    data = run.data
    return denoise({
        "factory": {"id": data.factory.id, "name_zh": data.factory.name_zh,
                    "name_en": data.factory.name_en or data.factory.name_zh},
        "year": run.year, "synthetic": bool(data.factory.synthetic), "view": a.view,
        "assumptions": {"file": a.path.name, "illustrative": a.illustrative, "note": a.note,
                        "discount_rate": a.discount_rate.to_dict(), "gas_price_per_gj": a.gas_price_per_gj.to_dict(),
                        "diesel_price_per_t": a.diesel_price_per_t.to_dict(),
                        "boiler_efficiency": a.boiler_efficiency.to_dict(),
                        "tariff_source": info.baseline.tariff.source,
                        "start_year": a.start_year, "target_year": a.target_year},
        "weather": {"source": wsource, "synthetic": synthetic_weather, "site": site.__dict__,
                    "pv_specific_yield_kwh_per_kwp": pv.specific_yield, "pv_method": pv.method,
                    "annual_ghi_kwh_per_m2": float(weather["ghi"].sum()) / 1000.0},
        "baseline": {**info.parts, "load_basis": info.basis, "notes": info.notes, **_ev(order.baseline)},
        "indicators": {"baseline": _ev(order.baseline)["indicators"], "plan": _ev(final)["indicators"],
                       "zero_carbon": indicator},
        "steps": steps, "not_assessed": not_assessed,
        "roadmap": [{"year": r.year, "measures": r.measures, "abatement_t": r.abatement_t, "residual_t": r.residual_t,
                     "annual_cost": r.annual_cost, "zero_carbon": zc} for r, zc in zip(rows, by_year, strict=True)],
        "residual_at_target_t": rows[-1].residual_t if rows else info.total_t,
        "sizing": _sizing(info, a, run.inventory),
        "method": {"roadmap": "greedy: cheapest abatement first, every remaining measure re-evaluated after each "
                              "(zerocarbon.renewables.roadmap)",
                   "mac": "MAC = (capex·CRF(i,n) + opex + Δenergy cost) / Δemissions [CNY/tCO2]",
                   "schedule": "given year, else spread in MAC order from the start year to the target year",
                   "exports": "exports earn no emission credit",
                   "zero_carbon_by_year": "the data year's lines changed to the state after the measures in place, "
                                          "inventory and indicator recomputed by the same functions "
                                          "(zerocarbon.services.planning.intensity)"},
        "seconds": time.perf_counter() - t0,
    })


def plan_json(plan: dict[str, Any]) -> str:
    """The plan as JSON text (non-finite numbers as null)."""
    return json.dumps(_finite(plan), ensure_ascii=False, indent=2, default=_json)


def _finite(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _finite(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_finite(x) for x in v]
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def write_plan(plan: dict[str, Any], out_dir: Path) -> list[Path]:
    """Write ``planning.json``, ``planning_report.{zh-CN,en}.html`` and ``planning.xlsx`` into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "planning.json"
    path.write_text(plan_json(plan), encoding="utf-8")
    return [path, *(render_planning_html(plan, out, lang) for lang in ("zh", "en")),
            write_planning_xlsx(plan, out / "planning.xlsx")]


def _json(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    return str(v)


def plan_files(activity: str | Path, assumptions: str | Path, *, register: str | Path | None = None,
               year: int | None = None) -> dict[str, Any]:
    """The plan from an activity-data file, an assumptions file and (optionally) an equipment register."""
    from zerocarbon.services.efficiency.runs import diagnose_run, load_register

    a = load_assumptions(assumptions)
    run = run_inventory(activity, year, mc_draws=0)
    reg = load_register(register) if register else None
    return make_plan(run, a, register=reg, diagnosis=diagnose_run(reg, run) if reg else None)


def plan_factory(factory_id: str, assumptions: str | Path, *, register: str | Path | None = None,
                 year: int | None = None, url: str | None = None) -> dict[str, Any]:
    """The plan of a factory in the store: its metered hours (when it has them) shape the load."""
    from zerocarbon.services.efficiency.runs import diagnose_run, load_register

    a = load_assumptions(assumptions)
    run = run_store_inventory(factory_id, year, url=url, mc_draws=0)
    reg = load_register(register) if register else None
    return make_plan(run, a, register=reg, diagnosis=diagnose_run(reg, run) if reg else None,
                     hourly_kw=metered_hourly_kw(factory_id, run.year, url))


def plan_run(run: InventoryRun, assumptions: str | Path, out_dir: Path, *, diagnosis: Diagnosis | None = None,
             url: str | None = None) -> tuple[dict[str, Any], list[Path]]:
    """The main job's stage: plan ``run`` (metered hours from the store at ``url``) and write the outputs."""
    hourly = metered_hourly_kw(run.data.factory.id, run.year, url) if url else None
    plan = make_plan(run, load_assumptions(assumptions), diagnosis=diagnosis, hourly_kw=hourly)
    return plan, write_plan(plan, out_dir)


def plan_sample(out_dir: Path, run: InventoryRun, assumptions: str | Path, *, diagnosis: Diagnosis | None = None,
                url: str | None = None) -> list[Path]:
    """The sample factory's plan files (the main job passes ``zerocarbon.demo.weather.SAMPLE_PLANNING``)."""
    return plan_run(run, assumptions, out_dir, diagnosis=diagnosis, url=url)[1]


__all__ = ["MeasureInput", "MeasureSpec", "ZerocarbonError", "make_plan", "plan_factory", "plan_files", "plan_json",
           "plan_run", "plan_sample", "write_plan"]
