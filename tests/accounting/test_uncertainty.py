"""Approach 1 (error propagation) and Approach 2 (Monte Carlo) of IPCC 2006 Vol.1 Ch.3."""

from __future__ import annotations

from decimal import Decimal as D

import numpy as np

from zerocarbon.accounting.uncertainty import UncertainLine, approach1, monte_carlo


def test_single_line_matches_lognormal_quantiles() -> None:
    """One input with U = 10 %: the MC 97.5th percentile is 1.10 × E (σ_ln = ln 1.1 / 1.96)."""
    mc = monte_carlo([UncertainLine(100.0, (("a", 10.0),))], draws=200_000, seed=1)
    assert abs(mc.mean - 100.0) < 0.1
    assert abs(mc.p97_5 - 100 * np.exp(np.log(1.1) - 0.5 * (np.log(1.1) / 1.96) ** 2)) < 0.2


def test_independent_lines_agree_with_approach1() -> None:
    """Many small independent inputs: MC half-width ≈ Approach 1 (Eq. 3.1/3.2) within a few percent of it."""
    lines = [UncertainLine(float(e), ((f"ad{i}", 5.0), (f"ef{i}", 3.0))) for i, e in enumerate([100, 200, 300, 50])]
    total_pct, per_line = approach1([(D(str(ln.emission)), [(k, D(str(u))) for k, u in ln.parts]) for ln in lines])
    assert all(abs(p - D(34).sqrt()) < D("1e-20") for p in per_line)  # √(5² + 3²)
    mc = monte_carlo(lines, draws=100_000, seed=7)
    half = (mc.p97_5 - mc.p2_5) / 2 / 650 * 100
    assert abs(half - float(total_pct)) / float(total_pct) < 0.05


def test_shared_factor_is_correlated() -> None:
    """Two lines sharing one factor: the factor's uncertainty does not average out (IPCC Vol.1 §3.2.3)."""
    shared = [UncertainLine(100.0, (("ad1", 0.0), ("ef", 10.0))), UncertainLine(100.0, (("ad2", 0.0), ("ef", 10.0)))]
    own = [UncertainLine(100.0, (("ad1", 0.0), ("ef1", 10.0))), UncertainLine(100.0, (("ad2", 0.0), ("ef2", 10.0)))]
    w_shared = np.subtract(*np.percentile(monte_carlo(shared, 50_000, 3).samples, [97.5, 2.5]))
    w_own = np.subtract(*np.percentile(monte_carlo(own, 50_000, 3).samples, [97.5, 2.5]))
    assert w_shared / w_own > 1.3  # √2 in the limit
    t_shared, _ = approach1([(D(100), [("activity:1", D(0)), ("ef", D(10))]),
                             (D(100), [("activity:2", D(0)), ("ef", D(10))])])
    t_own, _ = approach1([(D(100), [("activity:1", D(0)), ("ef1", D(10))]),
                          (D(100), [("activity:2", D(0)), ("ef2", D(10))])])
    assert t_shared == D(10) and abs(t_own - D(10) / D(2).sqrt()) < D("1e-20")


def test_seeded_and_reproducible() -> None:
    lines = [UncertainLine(10.0, (("a", 5.0),)), UncertainLine(-3.0, (("b", 20.0),))]
    a, b = monte_carlo(lines, 10_000, 42), monte_carlo(lines, 10_000, 42)
    assert a.mean == b.mean and a.p2_5 == b.p2_5 and a.draws == 10_000
    assert monte_carlo(lines, 10_000, 43).mean != a.mean


def test_sample_inventory_reports_both(sample_path) -> None:  # type: ignore[no-untyped-def]
    from zerocarbon.services.inventory.runs import run_inventory

    inv = run_inventory(sample_path).inventory
    u = inv.uncertainty
    assert u is not None and u.mc_draws >= 10_000
    assert u.mc_low < float(inv.totals.gbt32150_total) < u.mc_high
    assert abs(abs(u.mc_high_pct) - float(u.approach1_pct)) / float(u.approach1_pct) < 0.25
