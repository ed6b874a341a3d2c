"""Sizing: CRF, each target type, sweep, infeasibility explanation."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from zerocarbon.renewables.explain import InfeasibleTarget
from zerocarbon.renewables.formulation import Targets
from zerocarbon.renewables.sizing import Candidate, crf, size, sweep
from zerocarbon.renewables.system import EnergySystem

CANDS = {"pv_kwp": Candidate(3000, 25, "synthetic", maximum=800),
         "battery_kwh": Candidate(1200, 15, "synthetic"), "battery_kw": Candidate(600, 15, "synthetic"),
         "heat_pump_kw": Candidate(2500, 20, "synthetic")}


def test_crf_textbook_values() -> None:
    """CRF(8 %, 20 a) = 0.10185 (standard annuity tables); CRF(0, n) = 1/n."""
    assert_allclose(crf(0.08, 20), 0.101852, rtol=1e-5)
    assert crf(0.0, 10) == 0.1


@pytest.mark.parametrize("name,level", [("non_fossil_share", 0.4), ("physical_share", 0.35),
                                        ("hourly_matching", 0.4), ("residual_emissions_t", 25.0)])
def test_each_target_is_met_at_least_cost(small: EnergySystem, name: str, level: float) -> None:
    free = size(small, CANDS, discount_rate=0.06)
    r = size(small, CANDS, Targets(**{name: level}), discount_rate=0.06)  # type: ignore[arg-type]
    got = r.result.emissions_t if name == "residual_emissions_t" else r.result.indicators[name]
    if name == "residual_emissions_t":
        assert got <= level + 1e-6
    else:
        assert got >= level - 1e-6
    assert r.result.objective >= free.result.objective - 1e-6


def test_sweep_costs_rise_and_infeasible_level_is_explained(small: EnergySystem) -> None:
    pts = sweep(small, CANDS, "physical_share", [0.1, 0.3, 0.99], discount_rate=0.06)
    assert pts[0].objective is not None and pts[1].objective is not None
    assert pts[1].objective >= pts[0].objective - 1e-6
    bad = pts[2]
    assert bad.objective is None and bad.infeasible is not None
    info = bad.infeasible.details["physical_share"]
    assert 0.3 < info["best"] < 0.99  # type: ignore[index]
    assert "best achievable" in bad.infeasible.message_en


def test_best_level_is_exact(small: EnergySystem) -> None:
    """The reported best level is reachable: asking for exactly it succeeds."""
    with pytest.raises(InfeasibleTarget) as exc:
        size(small, CANDS, Targets(physical_share=0.99), discount_rate=0.06)
    best = float(exc.value.details["physical_share"]["best"])  # type: ignore[index]
    r = size(small, CANDS, Targets(physical_share=best - 1e-7), discount_rate=0.06)
    assert_allclose(r.result.indicators["physical_share"], best, rtol=1e-5)
    assert r.capacities["pv_kwp"] == pytest.approx(800, rel=1e-6)


def test_existing_capacity_is_sunk(small: EnergySystem) -> None:
    c = dict(CANDS)
    c["pv_kwp"] = Candidate(3000, 25, "synthetic", existing=100, maximum=800)
    r = size(small, c, discount_rate=0.06)
    assert r.capacities["pv_kwp"] >= 100 - 1e-9
    assert_allclose(r.new_capacities["pv_kwp"], r.capacities["pv_kwp"] - 100)
    assert np.isfinite(r.result.objective)


@pytest.mark.parametrize("name,levels", [("non_fossil_share", [0.2, 0.4, 0.3]), ("physical_share", [0.3, 0.99, 0.35]),
                                         ("hourly_matching", [0.3, 0.45]), ("residual_emissions_t", [40.0, 25.0])])
def test_warm_started_sweep_equals_separate_sizing(small: EnergySystem, name: str, levels: list[float]) -> None:
    """The sweep solves one HiGHS model level after level (warm start); each level's cost equals a separate
    :func:`size` run, and an infeasible level in the middle does not disturb the next."""
    pts = sweep(small, CANDS, name, levels, discount_rate=0.06)
    for p in pts:
        try:
            tg = Targets(**{name: p.level})  # type: ignore[arg-type]
            alone = size(small, CANDS, tg, discount_rate=0.06).result.objective
        except InfeasibleTarget:
            assert p.objective is None and p.infeasible is not None
            continue
        assert p.objective is not None
        assert_allclose(p.objective, alone, rtol=1e-7)
