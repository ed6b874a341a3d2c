"""Monte Carlo: sampling of each distribution, reproducibility, and the same distribution as bw2calc."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from scipy import stats
from scipy.sparse.linalg import spsolve

from zerocarbon.errors import InputError
from zerocarbon.footprint.lca import LCA, Entries, Flow, LCASystem, Process
from zerocarbon.footprint.montecarlo import (
    LOGNORMAL,
    NORMAL,
    TRIANGULAR,
    UNIFORM,
    MonteCarlo,
    Uncertainty,
    standard_normal32,
)


def _u(kind: int, loc: float = np.nan, scale: float = np.nan, lo: float = np.nan, hi: float = np.nan) -> Uncertainty:
    return Uncertainty(np.array([kind]), np.array([loc]), np.array([scale]), np.array([lo]), np.array([hi]),
                       np.array([False]))


@pytest.mark.parametrize(("u", "mean", "std"), [
    (_u(LOGNORMAL, np.log(2.0), 0.2), 2.0 * np.exp(0.02), 2.0 * np.exp(0.02) * np.sqrt(np.exp(0.04) - 1)),
    (_u(NORMAL, 3.0, 0.5), 3.0, 0.5),
    (_u(UNIFORM, lo=1.0, hi=3.0), 2.0, 2 / np.sqrt(12)),
    (_u(TRIANGULAR, 2.0, lo=1.0, hi=4.0), 7 / 3, np.sqrt((1 + 4 + 16 - 4 - 2 - 8) / 18)),
])
def test_distributions_have_their_moments(u: Uncertainty, mean: float, std: float) -> None:
    """Textbook moments (lognormal exp(μ+σ²/2); uniform (b-a)/√12; triangular √((a²+b²+c²-ab-ac-bc)/18))."""
    x = u.sample(np.array([1.0]), np.random.default_rng(0), 200_000)[:, 0]
    assert x.mean() == pytest.approx(mean, rel=5e-3)
    assert x.std() == pytest.approx(std, rel=1e-2)


def test_box_muller_normals_are_standard_normal() -> None:
    """Kolmogorov–Smirnov against N(0, 1), and the two-sided 3σ tail (2·(1 − Φ(3)) = 0.0026998)."""
    z = standard_normal32(np.random.default_rng(4), 1_000_001).astype(np.float64)
    assert len(z) == 1_000_001
    assert stats.kstest(z, "norm").pvalue > 0.01
    assert np.mean(np.abs(z) > 3) == pytest.approx(0.0026998, rel=0.05)
    assert abs(z.mean()) < 5e-3 and z.std() == pytest.approx(1.0, rel=3e-3)


def test_lognormal_with_zero_spread_keeps_its_amount() -> None:
    """σ = 0: the float64 median times exp(0) = 1 exactly, not a float32 rounding of it."""
    amount = 0.123456789012345
    u = _u(LOGNORMAL, np.log(amount), 0.0)
    assert np.all(u.sample(np.array([amount]), np.random.default_rng(0), 10)[:, 0] == np.exp(np.log(amount)))


def test_without_uncertainty_every_sample_is_the_static_score(h: SimpleNamespace) -> None:
    sys_ = h.random_system()
    res = MonteCarlo(sys_).run({"p2": 1.0}, 5)
    np.testing.assert_allclose(res.scores, LCA(sys_).footprint({"p2": 1.0}).total, rtol=1e-9)
    assert res.direct_solves == 0


def test_seeded_runs_repeat(h: SimpleNamespace) -> None:
    sys_ = h.random_system()
    tu, bu = h.lognormal(sys_.technosphere, 0.1, ~sys_.technosphere.flip), h.lognormal(sys_.biosphere, 0.2)
    a = MonteCarlo(sys_, tu, bu, seed=5).run({"p2": 1.0}, 30, block=7)
    c = MonteCarlo(sys_, tu, bu, seed=5).run({"p2": 1.0}, 30, block=7)
    np.testing.assert_array_equal(a.scores, c.scores)
    summary = a.summary()
    assert summary["iterations"] == 30 and summary["unit"] == "kgCO2e"


def test_each_sample_is_the_exact_solution(h: SimpleNamespace) -> None:
    """The iterative solves agree with a direct solve of the same sampled matrices."""
    sys_ = h.random_system()
    tu = h.lognormal(sys_.technosphere, 0.1, ~sys_.technosphere.flip)
    mc = MonteCarlo(sys_, tu, None, seed=9)
    res = mc.run({"p2": 1.0}, 3, block=3, rtol=1e-12)
    rng = np.random.default_rng(9)
    samples = tu.sample(sys_.technosphere.amounts, rng, 3) * np.where(sys_.technosphere.flip, -1, 1)
    for k in range(3):
        a = sys_.a_pattern.matrix(samples[k]).toarray()
        s = np.linalg.solve(a, sys_.demand_vector({"p2": 1.0}))
        assert res.scores[k] == pytest.approx(float(sys_.factors @ (sys_.b_matrix() @ s)), rel=1e-9)


def test_bad_distribution_is_named(h: SimpleNamespace) -> None:
    sys_ = h.two_process()
    u = Uncertainty.none(len(sys_.technosphere.amounts))
    bad = Uncertainty(np.array([0, 0, UNIFORM]), u.loc, u.scale, np.array([np.nan, np.nan, 2.0]),
                      np.array([np.nan, np.nan, 1.0]), u.negative)
    with pytest.raises(InputError, match="exchange 2"):
        MonteCarlo(sys_, bad)


@pytest.mark.parametrize("mixed", [False, True])
def test_same_distribution_as_bw2calc(bw2calc: Any, h: SimpleNamespace, mixed: bool) -> None:
    """1,000 iterations each: means within 4 standard errors, standard deviations within 10 %.

    The random streams differ (numpy PCG64 here, stats_arrays' generator there), so only the
    distribution can agree. ``mixed``: normal, uniform and triangular exchanges and uncertain
    production amounts besides the lognormal ones (the preconditioner then changes per sample).
    """
    sys_ = h.random_system()
    tu, bu = h.lognormal(sys_.technosphere, 0.15, ~sys_.technosphere.flip), h.lognormal(sys_.biosphere, 0.2)
    if mixed:
        t, b = sys_.technosphere, sys_.biosphere
        tu, bu = _mixed(t, ~t.flip, 5), _mixed(b, np.zeros(len(b.amounts), bool), 6)
    n = 1000
    ours = MonteCarlo(sys_, tu, bu, seed=2).run({"p2": 1.0}, n).scores
    lca = bw2calc.LCA({h.PROCESS_ID0 + 2: 1.0}, data_objs=[h.datapackage(sys_, tu, bu)], use_distributions=True,
                      seed_override=3)
    lca.lci()
    lca.lcia()
    theirs = [float(lca.score)]
    for _ in range(n - 1):
        next(lca)
        theirs.append(float(lca.score))
    t = np.array(theirs)
    se = np.sqrt(ours.var(ddof=1) / n + t.var(ddof=1) / n)
    assert abs(ours.mean() - t.mean()) < 4 * se
    assert ours.std(ddof=1) == pytest.approx(t.std(ddof=1), rel=0.1)
    np.testing.assert_allclose(np.percentile(ours, [5, 50, 95]), np.percentile(t, [5, 50, 95]), rtol=0.05)


def _banded_system(n: int, seed: int, duplicates: bool = True) -> LCASystem:
    """The benchmark's kind of background (bench_lca.py) at a test's size: about 7 suppliers per process
    within ±40 positions (loops everywhere), duplicates summed (or dropped), 4 flows per process, 200 flows."""
    rng = np.random.default_rng(seed)
    cols = np.repeat(np.arange(n), 7)
    rows = cols + rng.integers(-40, 41, len(cols))
    keep = (rows != cols) & (rows >= 0) & (rows < n)
    if not duplicates:  # then every sampled exchange has its own place in A (the write-only path)
        first = np.zeros(len(rows), bool)
        first[np.unique(rows * n + cols, return_index=True)[1]] = True
        keep &= first
    rows, cols = rows[keep], cols[keep]
    t = Entries(np.concatenate([np.arange(n), rows]), np.concatenate([np.arange(n), cols]),
                np.concatenate([np.ones(n), rng.uniform(0.01, 0.1, len(rows))]),
                np.concatenate([np.zeros(n, bool), np.ones(len(rows), bool)]))
    bcols = np.repeat(np.arange(n), 4)
    m = 200
    b = Entries(rng.integers(0, m, len(bcols)), bcols, rng.uniform(-0.1, 1, len(bcols)), np.zeros(len(bcols), bool))
    return LCASystem([Process(f"p{i}") for i in range(n)], [Flow(f"f{j}", kind="fossil") for j in range(m)], t, b,
                     rng.uniform(0, 2, m), method="test factors")


def _mixed(entries: Entries, pivots: np.ndarray, seed: int) -> Uncertainty:
    """Lognormal (σ 0.1–0.3) on most exchanges, normal, uniform and triangular on some, pivots uniform ±5 %."""
    rng = np.random.default_rng(seed)
    a = entries.amounts
    kind = rng.choice([LOGNORMAL, LOGNORMAL, LOGNORMAL, NORMAL, UNIFORM, TRIANGULAR], len(a))
    kind[pivots] = UNIFORM
    spread = np.abs(a) * np.where(pivots, 0.05, 0.2)
    bounded = np.isin(kind, [UNIFORM, TRIANGULAR])  # stats_arrays would truncate a normal or lognormal at bounds
    return Uncertainty(kind.astype(np.int64), np.where(kind == LOGNORMAL, np.log(np.abs(a)), a),
                       np.where(kind == LOGNORMAL, rng.uniform(0.1, 0.3, len(a)), spread),
                       np.where(bounded, a - spread, np.nan), np.where(bounded, a + 1.5 * spread, np.nan), a < 0)


@pytest.mark.parametrize(("seed", "mixed", "duplicates"), [(1, False, False), (2, False, True), (3, True, True),
                                                          (4, True, False)])
def test_scores_equal_direct_solves_of_the_same_samples(seed: int, mixed: bool, duplicates: bool) -> None:
    """The fast path (BiCGSTAB from the static solution, adjoint-corrected score) against ``spsolve`` of the
    very matrices it sampled (drawn again from the same seed: per block the technosphere, then the biosphere)."""
    sys_ = _banded_system(1500, seed, duplicates)
    t, b = sys_.technosphere, sys_.biosphere
    if mixed:
        tu, bu = _mixed(t, ~t.flip, seed), _mixed(b, np.zeros(len(b.amounts), bool), seed + 100)
    else:
        tu = Uncertainty(np.where(t.flip, LOGNORMAL, 0).astype(np.int64), np.log(t.amounts),
                         np.full(len(t.amounts), 0.2), *(np.full(len(t.amounts), np.nan),) * 2,
                         np.zeros(len(t.amounts), bool))
        bu = Uncertainty(np.full(len(b.amounts), LOGNORMAL, dtype=np.int64), np.log(np.abs(b.amounts)),
                         np.full(len(b.amounts), 0.2), *(np.full(len(b.amounts), np.nan),) * 2, b.amounts < 0)
    n_iter, block = 6, 4
    res = MonteCarlo(sys_, tu, bu, seed=seed).run({"p700": 2.0}, n_iter, block=block)
    assert res.direct_solves == 0 and res.matvecs > 4 * n_iter  # the iterative path did the work
    rng = np.random.default_rng(seed)
    f = sys_.demand_vector({"p700": 2.0})
    expected = []
    for start in range(0, n_iter, block):
        size = min(block, n_iter - start)
        ts = tu.sample(t.amounts, rng, size) * np.where(t.flip, -1, 1)
        bs = bu.sample(b.amounts, rng, size)
        for k in range(size):
            x = spsolve(sys_.a_pattern.matrix(ts[k]).tocsc(), f)
            expected.append(float(sys_.factors @ (sys_.b_pattern.matrix(bs[k]) @ x)))
    np.testing.assert_allclose(res.scores, expected, rtol=1e-9, atol=0)
    assert np.std(expected) > 0.01 * abs(np.mean(expected))  # the samples really differ
