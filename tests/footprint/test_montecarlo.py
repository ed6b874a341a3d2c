"""Monte Carlo: sampling of each distribution, reproducibility, and the same distribution as bw2calc."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from zerocarbon.errors import InputError
from zerocarbon.footprint.lca import LCA
from zerocarbon.footprint.montecarlo import LOGNORMAL, NORMAL, TRIANGULAR, UNIFORM, MonteCarlo, Uncertainty


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


def test_same_distribution_as_bw2calc(bw2calc: Any, h: SimpleNamespace) -> None:
    """1,000 iterations each: means within 4 standard errors, standard deviations within 10 %.

    The random streams differ (numpy PCG64 here, stats_arrays' generator there), so only the
    distribution can agree.
    """
    sys_ = h.random_system()
    tu, bu = h.lognormal(sys_.technosphere, 0.15, ~sys_.technosphere.flip), h.lognormal(sys_.biosphere, 0.2)
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
