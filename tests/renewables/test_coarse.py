"""The coarse starting point of sizing (renewables/coarse.py): the guess changes where HiGHS starts, never
the optimum."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from zerocarbon.renewables.coarse import capacity_guess, coarsen
from zerocarbon.renewables.explain import InfeasibleTarget
from zerocarbon.renewables.formulation import Targets
from zerocarbon.renewables.lp import LinearProgram, solve_from_guess, solve_program
from zerocarbon.renewables.sizing import Candidate, _capacity_vars, size, sweep
from zerocarbon.renewables.system import EnergySystem

CANDS = {"pv_kwp": Candidate(3000, 25, "synthetic", maximum=800),
         "battery_kwh": Candidate(1200, 15, "synthetic"), "battery_kw": Candidate(600, 15, "synthetic"),
         "heat_pump_kw": Candidate(2500, 20, "synthetic")}


def test_coarsen_averages_blocks(week: EnergySystem) -> None:
    """Every profile is the mean of its block of 4 steps; the step is 4 h; a trailing part block is dropped."""
    s = EnergySystem(**{**week.__dict__, "index": week.index[:10], "load_kw": np.arange(10.0)})
    c = coarsen(s, 4)
    assert c.steps == 2 and c.step_hours == 4.0
    assert_allclose(c.load_kw, [1.5, 5.5])  # (0+1+2+3)/4, (4+5+6+7)/4
    assert week.pv_profile is not None and c.pv_profile is not None and c.heat is not None
    assert_allclose(c.pv_profile, week.pv_profile[:8].reshape(2, 4).mean(axis=1))
    assert_allclose(c.heat.cop, np.asarray(week.heat.cop)[:8].reshape(2, 4).mean(axis=1))  # type: ignore[union-attr]
    assert c.grid.emission_factor == week.grid.emission_factor  # a scalar stays


def test_a_bad_guess_still_gives_the_optimum() -> None:
    """min x + 2y, x + y ≥ 3, x ≤ 2: optimum x = 2, y = 1 (cost 4); from a guess y = 10 (cost 20 when fixed)
    and from an infeasible guess y = 0 (x ≤ 2 < 3) the result is the same."""
    lp = LinearProgram()
    x = lp.add_vars("x", 1, 0.0, 2.0, 1.0)
    y = lp.add_vars("y", 1, 0.0, 100.0, 2.0)
    lp.add_rows("cover", 1, [(0, x, 1.0), (0, y, 1.0)], lower=3.0)
    assert solve_program(lp).objective == pytest.approx(4.0)
    for guess in (10.0, 0.0):
        sol = solve_from_guess(lp, {int(y[0]): guess})
        assert sol.optimal
        assert sol.objective == pytest.approx(4.0)
        assert_allclose(sol.x, [2.0, 1.0])


def test_sizing_from_the_guess_equals_the_cold_solve(small: EnergySystem) -> None:
    """Three days with a physical-share target: same least cost and capacities cold and from the guess."""
    tg = Targets(physical_share=0.3)
    cold = size(small, CANDS, tg, discount_rate=0.06, start_from_coarse=False)
    warm = size(small, CANDS, tg, discount_rate=0.06, start_from_coarse=True)
    assert_allclose(warm.result.objective, cold.result.objective, rtol=1e-9)
    assert warm.result.indicators["physical_share"] >= 0.3 - 1e-7
    for k, v in cold.capacities.items():  # unique here (a degenerate tie would only need equal costs)
        assert warm.capacities[k] == pytest.approx(v, rel=1e-6, abs=1e-6)


def test_infeasible_target_is_still_explained(small: EnergySystem) -> None:
    with pytest.raises(InfeasibleTarget) as exc:
        size(small, CANDS, Targets(physical_share=0.99), discount_rate=0.06, start_from_coarse=True)
    info = exc.value.details["physical_share"]
    assert 0.3 < info["best"] < 0.99  # type: ignore[index,operator]


def test_sweep_from_the_guess_equals_separate_sizing(small: EnergySystem) -> None:
    """A CO2-cap sweep whose first level starts from the guess: each level's cost equals a cold ``size``."""
    free = size(small, CANDS, discount_rate=0.06, start_from_coarse=False).result.emissions_t
    levels = [0.998 * free, 0.995 * free]  # the lowest achievable is ~0.99 of the uncapped plan here
    pts = sweep(small, CANDS, "residual_emissions_t", levels, discount_rate=0.06, start_from_coarse=True)
    for level, pt in zip(levels, pts, strict=True):
        alone = size(small, CANDS, Targets(residual_emissions_t=level), discount_rate=0.06,
                     start_from_coarse=False)
        assert pt.objective is not None
        assert_allclose(pt.objective, alone.result.objective, rtol=1e-9)


def test_level_reachable_on_coarse_steps_only_is_explained(small: EnergySystem) -> None:
    """Averaging smooths the profiles, so the coarse system reaches a slightly higher physical share (0.6554
    on 2- and 4-hour steps here) than the hourly one (0.6552): at 0.6553 the guess exists, the full programme
    is infeasible, and the explanation is the cold one."""
    tg = Targets(physical_share=0.6553)
    assert capacity_guess(small, _capacity_vars(CANDS, 0.06), tg) is not None
    with pytest.raises(InfeasibleTarget) as warm:
        size(small, CANDS, tg, discount_rate=0.06, start_from_coarse=True)
    with pytest.raises(InfeasibleTarget) as cold:
        size(small, CANDS, tg, discount_rate=0.06, start_from_coarse=False)
    best = warm.value.details["physical_share"]["best"]  # type: ignore[index]
    assert best == pytest.approx(cold.value.details["physical_share"]["best"], rel=1e-9)  # type: ignore[index]
    assert 0.65 < best < 0.6553  # type: ignore[operator]


def test_horizon_shorter_than_the_coarse_steps_is_solved_cold(small: EnergySystem) -> None:
    """Three hours asked to start from 4-hour steps: no coarse system can be made (no guess), the cold optimum."""
    s = EnergySystem(**{**small.__dict__, "index": small.index[:3], "load_kw": small.load_kw[:3]})
    s = coarsen(s, 1)  # every profile cut to the three hours
    assert capacity_guess(s, _capacity_vars(CANDS, 0.06), Targets()) is None
    cold = size(s, CANDS, Targets(), discount_rate=0.06, start_from_coarse=False)
    warm = size(s, CANDS, Targets(), discount_rate=0.06, start_from_coarse=True)
    assert_allclose(warm.result.objective, cold.result.objective, rtol=1e-9)
