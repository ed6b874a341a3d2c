"""A starting point for the sizing programme: the capacities of the same system on coarser steps.

The dual simplex on the 8,760-hour sizing programme spends nearly all its time walking from the slack
basis to the optimum (about 40,000 iterations on ``benchmarks/bench_dispatch.py``). Starting it from
the optimal dispatch of good capacities shortens the walk: :func:`capacity_guess` sizes the system on
steps ``k`` times longer (every profile averaged over ``k`` consecutive steps; tariff prices averaged over
the step by :meth:`~zerocarbon.renewables.tariffs.TouTariff.energy_prices`), and
:func:`~zerocarbon.renewables.lp.solve_from_guess` solves the full programme with the capacities fixed
at that guess, then frees them and re-solves from that basis. The guess only chooses where the simplex
starts: the optimum is the full programme's (docs/renewables.md, "Starting point of sizing").
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar, cast

import numpy as np

from zerocarbon.renewables.formulation import CapacityVar, Targets, build
from zerocarbon.renewables.lp import Options, solve_from_guess, solve_program
from zerocarbon.renewables.system import EnergySystem

#: Steps merged into one by the guesses, coarsest first [-]: the year on 4-hour then 2-hour steps, each
#: started from the previous one. On the year of ``benchmarks/bench_dispatch.py`` (CPU seconds, shared
#: 2-core machine, one run each): cold solve ~7.5–8.3; from the 2-hour guess 5.8–6.4 (guess 2.5–2.9);
#: from (4, 2) 5.3–5.5 (guess 2.1); (8, 4, 2) 5.0, (12, 4, 2) 5.4, 3-hour alone 6.9. Same optimum in all.
COARSE_STEPS: tuple[int, ...] = (4, 2)
#: Smallest horizon [steps] on which the guess is used (below it a cold solve takes well under a second).
MIN_STEPS = 2000

T = TypeVar("T")


def _mean(values: T, n: int, k: int) -> T:
    """Means over blocks of ``k`` steps (scalars and None unchanged; a trailing part block dropped)."""
    if values is None or np.ndim(values) == 0:  # type: ignore[arg-type]
        return values
    a = np.asarray(values, dtype=float)[: n // k * k]
    return cast(T, a.reshape(-1, k).mean(axis=1))


def coarsen(sys: EnergySystem, k: int) -> EnergySystem:
    """``sys`` on steps of ``k`` steps: every profile averaged over blocks of ``k`` (a trailing part block
    dropped); capacities, prices, limits and targets unchanged."""
    n = sys.steps
    grid = dataclasses.replace(sys.grid, emission_factor=_mean(sys.grid.emission_factor, n, k),
                               non_fossil_share=_mean(sys.grid.non_fossil_share, n, k))
    heat = sys.heat
    if heat is not None:
        heat = dataclasses.replace(heat, demand_kw=_mean(heat.demand_kw, n, k), cop=_mean(heat.cop, n, k))
    contracts = tuple(dataclasses.replace(c, profile_kw=_mean(c.profile_kw, n, k)) for c in sys.contracts)
    return dataclasses.replace(
        sys, index=sys.index[: n // k * k: k], load_kw=_mean(sys.load_kw, n, k), grid=grid,
        pv_profile=_mean(sys.pv_profile, n, k), wind_profile=_mean(sys.wind_profile, n, k), heat=heat,
        contracts=contracts)


def capacity_guess(sys: EnergySystem, caps: dict[str, CapacityVar], targets: Targets | None,
                   options: Options | None = None, ks: tuple[int, ...] = COARSE_STEPS
                   ) -> tuple[dict[str, float], float] | None:
    """The optimal capacities of :func:`coarsen` (``sys``, ``k``) with the same decisions and targets, and
    the seconds it took; None when that programme has no optimum (then no guess is made). With several
    ``ks`` (coarsest first) each level starts from the previous level's capacities. A ``k`` leaving fewer
    than two coarse steps is skipped (a single step has no step length; none at all, no programme)."""
    import time

    t0 = time.perf_counter()
    guess: dict[str, float] | None = None
    for k in (k for k in ks if sys.steps // k >= 2):
        model = build(coarsen(sys, k), caps, targets)
        if guess is None:
            sol = solve_program(model.lp, options)
        else:
            sol = solve_from_guess(model.lp, {model.capacity_cols[key]: v for key, v in guess.items()}, options)
        if not sol.optimal:
            return None
        guess = {key: float(sol.x[col]) for key, col in model.capacity_cols.items()}
    return (guess, time.perf_counter() - t0) if guess is not None else None
