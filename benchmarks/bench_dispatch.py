"""Dispatch and sizing over 8,760 hours: our sparse-matrix HiGHS build vs PyPSA (linopy + HiGHS).

Prints one JSON object: for each problem (dispatch, sizing) the medians (with min/max) over
``--repeats`` warm runs of build and solve times of ours and PyPSA's (network, model, solve), the
end-to-end ratio PyPSA / ours, the two objectives and their relative difference; the one-off
``import pypsa`` time and the process's peak RSS. The first (cold) run of each side is a warm-up and
is not in the medians. Inputs are synthetic and stated in the output: load, a clear-sky PV year for
Shanghai (pvlib, derate 0.7), Weibull wind on the IEA 3.4 MW curve, a 尖/峰/平/谷 tariff with a
monthly demand charge, battery, heat pump + gas boiler.

    .venv/bin/python benchmarks/bench_dispatch.py [--repeats 3] [--io-api direct|lp|mps|default] [--sweep 0.9,0.8,0.7]

With ``--sweep`` (default on) it also times the cost of each level of a CO2 cap (the sizing sweep): ours
one HiGHS model re-solved level after level from the previous basis, PyPSA a network per level.
CPU seconds (``cpu``, process time) are reported beside wall times (the machine may be shared).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import resource
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from zerocarbon.renewables.dispatch import dispatch
from zerocarbon.renewables.heat import cop_carnot
from zerocarbon.renewables.pv import PVArray, Site, simulate_pv_clear_sky
from zerocarbon.renewables.sizing import Candidate, _capacity_vars, size, sweep
from zerocarbon.renewables.storage import Battery
from zerocarbon.renewables.system import EnergySystem, Grid, Heat
from zerocarbon.renewables.tariffs import TouTariff
from zerocarbon.renewables.wind import CURVES, capacity_factor

CANDS = {"pv_kwp": Candidate(3000, 25, "synthetic", maximum=3000), "wind_kw": Candidate(6000, 20, "synthetic"),
         "battery_kwh": Candidate(1000, 15, "synthetic"), "battery_kw": Candidate(500, 15, "synthetic"),
         "heat_pump_kw": Candidate(2500, 20, "synthetic")}


def year_system() -> EnergySystem:
    idx = pd.date_range("2026-01-01", periods=8760, freq="h", tz="Asia/Shanghai")
    rng = np.random.default_rng(7)
    hour = np.asarray(idx.hour)
    day = np.arange(8760) // 24
    working = (np.asarray(idx.dayofweek) < 6) & (hour >= 8) & (hour < 20)
    load = 800 + 700 * working + 50 * rng.standard_normal(8760)
    site = Site(31.23, 121.47, 4.0, name="Shanghai (synthetic)")
    pv = simulate_pv_clear_sky(site, [PVArray("roof", 22, 180, 1.0)], idx, 0.7, "synthetic benchmark").profile()
    wind = capacity_factor(CURVES["IEA_3.4MW_130"], 8.0 * rng.weibull(2.0, 8760))
    t_air = 16 + 10 * np.sin((day - 110) / 365 * 2 * np.pi) + 4 * np.sin((hour - 9) / 24 * 2 * np.pi)
    heat_kw = np.clip(400 - 15 * t_air, 50, None)
    cop = cop_carnot(t_air, 60.0, 0.45, cop_max=6.0)
    sched = (("谷",) * 8 + ("平",) * 2 + ("峰",) * 2 + ("平",) * 5 + ("峰",) * 2 + ("尖",) * 2 + ("峰",)
             + ("平",) * 2)
    tar = TouTariff(sched, {"尖": 1.25, "峰": 1.0, "平": 0.62, "谷": 0.3}, "synthetic benchmark tariff",
                    demand_charge=38.0, export_price=0.39)
    grid = Grid(tar, 0.5703, "synthetic benchmark factor", export_limit_kw=500)
    heat = Heat(heat_kw, cop, 200.0, gas_boiler_kw=float("inf"), gas_boiler_efficiency=0.92, gas_price=0.32,
                gas_emission_factor=0.2, gas_source="synthetic")
    return EnergySystem(idx, load, grid, pv_profile=pv, pv_kwp=1500, wind_profile=wind, wind_kw=1000,
                        battery=Battery.from_round_trip(2000, 1000, 0.88, degradation_cost=0.05), heat=heat,
                        carbon_price=100.0)


def _peer() -> tuple[Any, float]:
    t0 = time.perf_counter()
    import pypsa  # noqa: F401

    imported = time.perf_counter() - t0
    path = Path(__file__).resolve().parents[1] / "tests" / "renewables" / "pypsa_peer.py"
    spec = importlib.util.spec_from_file_location("pypsa_peer", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod, imported


def _ours(s: EnergySystem, sizing: bool) -> dict[str, float]:
    t0, c0 = time.perf_counter(), time.process_time()
    r = size(s, CANDS, discount_rate=0.06).result if sizing else dispatch(s)
    total = time.perf_counter() - t0
    return {"build": r.build_seconds, "solve": r.solve_seconds, "total": total, "cpu": time.process_time() - c0,
            "objective": r.objective}


def _theirs(peer: Any, s: EnergySystem, sizing: bool, io_api: str | None) -> dict[str, float]:
    t0, c0 = time.perf_counter(), time.process_time()
    n = peer.network(s, _capacity_vars(CANDS, 0.06) if sizing else None)
    t1 = time.perf_counter()
    peer.create(n)
    t2 = time.perf_counter()
    kwargs: dict[str, Any] = {"io_api": io_api} if io_api else {}
    status, _ = n.optimize.solve_model(solver_name="highs", log_to_console=False, **kwargs)
    t3 = time.perf_counter()
    assert status == "ok"
    return {"network": t1 - t0, "model": t2 - t1, "solve": t3 - t2, "total": t3 - t0, "cpu": time.process_time() - c0,
            "objective": float(n.objective)}


def _sweep(peer: Any, s: EnergySystem, fractions: list[float], io_api: str | None) -> dict[str, Any]:
    """The cost of each level of a CO2 cap (fractions of the uncapped plan's emissions): ours one warm-started
    HiGHS model (``sizing.sweep``), PyPSA one network and solve per level (GlobalConstraint on CO2)."""
    free = size(s, CANDS, discount_rate=0.06).result.emissions_t
    levels = [f * free for f in fractions]
    t0, c0 = time.perf_counter(), time.process_time()
    pts = sweep(s, CANDS, "residual_emissions_t", levels, discount_rate=0.06)
    ours = {"total": time.perf_counter() - t0, "cpu": time.process_time() - c0}
    theirs_obj: list[float] = []
    t0, c0 = time.perf_counter(), time.process_time()
    for level in levels:
        theirs_obj.append(_theirs(peer, EnergySystem(**{**s.__dict__, "co2_cap_t": level}), True, io_api)["objective"])
    theirs = {"total": time.perf_counter() - t0, "cpu": time.process_time() - c0}
    ours_obj = [float("nan") if p.objective is None else p.objective for p in pts]
    return {"levels_tco2": levels, "fractions_of_uncapped": fractions, "ours": ours, "pypsa": theirs,
            "objectives_ours": ours_obj, "objectives_pypsa": theirs_obj,
            "objective_rel_diff_max": max(abs(a - b) / abs(b) for a, b in zip(ours_obj, theirs_obj, strict=True)),
            "speedup_end_to_end": theirs["total"] / ours["total"], "speedup_cpu": theirs["cpu"] / ours["cpu"],
            "reported": "one run each (no warm-up)"}


def _stats(runs: list[dict[str, float]]) -> dict[str, Any]:
    keys = [k for k in runs[0] if k != "objective"]
    return {k: {"median": statistics.median(r[k] for r in runs), "min": min(r[k] for r in runs),
                "max": max(r[k] for r in runs)} for k in keys} | {"objective": runs[-1]["objective"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--io-api", default="direct", choices=["direct", "lp", "mps", "default"],
                    help="linopy's interface to HiGHS for PyPSA ('default' = linopy's own choice)")
    ap.add_argument("--sweep", default="0.9,0.8,0.7",
                    help="CO2-cap levels of the sweep as fractions of the uncapped plan's emissions ('' = no sweep)")
    args = ap.parse_args()
    io_api = None if args.io_api == "default" else args.io_api
    # HiGHS writes its banner and logs to file descriptor 1: keep stdout for the JSON only
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        out = _run(args.repeats, io_api, [float(f) for f in args.sweep.split(",") if f.strip()])
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
    print(json.dumps(out, indent=2))


def _run(repeats: int, io_api: str | None, sweep_fractions: list[float]) -> dict[str, Any]:
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    s = year_system()
    peer, import_s = _peer()
    out: dict[str, Any] = {"steps": s.steps, "repeats": repeats, "pypsa_import_seconds": import_s,
                           "pypsa_io_api": io_api or "linopy default",
                           "inputs": "synthetic (see docstring)",
                           "reported": "medians of warm runs; first run discarded"}
    for name, sizing in (("dispatch", False), ("sizing", True)):
        _ours(s, sizing), _theirs(peer, s, sizing, io_api)  # warm-up
        ours = [_ours(s, sizing) for _ in range(repeats)]
        theirs = [_theirs(peer, s, sizing, io_api) for _ in range(repeats)]
        a, b = _stats(ours), _stats(theirs)
        out[name] = {"ours": a, "pypsa": b, "speedup_end_to_end": b["total"]["median"] / a["total"]["median"],
                     "speedup_cpu": b["cpu"]["median"] / a["cpu"]["median"],
                     "objective_rel_diff": abs(a["objective"] - b["objective"]) / abs(b["objective"])}
    if sweep_fractions:
        out["sweep_co2_cap"] = _sweep(peer, s, sweep_fractions, io_api)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from importlib.metadata import version

    import pvlib
    import pypsa

    out["versions"] = {"highspy": version("highspy"), "pypsa": pypsa.__version__, "linopy": version("linopy"),
                       "pvlib": pvlib.__version__, "python": sys.version.split()[0]}
    return out


if __name__ == "__main__":
    main()
