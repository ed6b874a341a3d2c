"""The sparse LCA: hand-worked cases, a cyclic system, the adjoint, and equality with bw2calc."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from zerocarbon.errors import InputError
from zerocarbon.footprint.lca import LCA, Flow, Process, block_order, build_system

# A three-process loop (conftest fixtures do not mix with hypothesis' repeated examples).
_RANDOM = build_system([Process("p1"), Process("p2"), Process("p3")], [Flow("co2", kind="fossil"), Flow("ch4")],
                       [("p1", "p1", 1.0, False), ("p2", "p2", 2.0, False), ("p3", "p3", 1.0, False),
                        ("p2", "p1", 0.3, True), ("p3", "p2", 0.4, True), ("p1", "p3", 0.2, True)],
                       [("co2", "p1", 1.5), ("ch4", "p2", 0.01), ("co2", "p3", -0.2)], {"co2": 1.0, "ch4": 27.0})


def test_two_process_by_hand(h: SimpleNamespace) -> None:
    """Battery: 0.5 kg steel × 2 kg CO2/kg (fossil) + 1 kg CO2 (biogenic) = 2 kgCO2e per piece."""
    fp = LCA(h.two_process()).footprint({"battery": 1.0})
    assert fp.total == pytest.approx(2.0, rel=1e-12)
    assert (fp.fossil, fp.biogenic, fp.other) == pytest.approx((1.0, 1.0, 0.0), rel=1e-12)
    assert fp.unit == "kgCO2e" and fp.declared_unit == "piece" and fp.method == "test factors"
    assert LCA(h.two_process()).footprint({"battery": 4.0}).per_declared_unit == pytest.approx(2.0)


def test_cyclic_by_hand(h: SimpleNamespace) -> None:
    """A = [[1, -0.5], [-0.2, 1]], det 0.9: s = (1/0.9, 0.2/0.9) for 1 kg of p1; h = (1 + 10·0.2)/0.9."""
    lca = LCA(h.cyclic())
    np.testing.assert_allclose(lca.supply(np.array([1.0, 0.0])), [1 / 0.9, 0.2 / 0.9], rtol=1e-13)
    assert lca.footprint({"p1": 1.0}).total == pytest.approx(3.0 / 0.9, rel=1e-13)
    assert lca.footprint({"p2": 1.0}).total == pytest.approx((0.5 + 10) / 0.9, rel=1e-13)


def test_adjoint_equals_supply_route_for_many_demands(h: SimpleNamespace) -> None:
    lca = LCA(h.random_system())
    f = np.random.default_rng(1).uniform(0, 2, (lca.system.size, 40))
    np.testing.assert_allclose(lca.scores(f), lca.scores_direct(f, chunk=7), rtol=1e-11, atol=1e-12)
    fps = lca.footprints([{"p3": 1.0}, {"p4": 2.0, "p5": 1.0}])
    assert fps[1].declared_unit == "demand"
    assert fps[0].total == pytest.approx(fps[0].fossil + fps[0].biogenic + fps[0].other, rel=1e-12)


def test_block_order_makes_an_acyclic_system_triangular() -> None:
    rng = np.random.default_rng(0)
    n = 200
    rows = rng.integers(0, n, 600)
    cols = rng.integers(0, n, 600)
    lower = rows > cols
    a = sp.csc_matrix((np.r_[np.ones(n), -0.1 * np.ones(lower.sum())], (np.r_[np.arange(n), rows[lower]],
                                                                        np.r_[np.arange(n), cols[lower]])), (n, n))
    perm = rng.permutation(n)
    shuffled = sp.csc_matrix(a[perm][:, perm])
    order = block_order(shuffled)
    p = sp.csc_matrix(shuffled[order][:, order])
    assert sp.tril(p, -1).nnz == 0 or sp.triu(p, 1).nnz == 0


@pytest.mark.parametrize("ordering", ["blocks", "COLAMD"])
def test_orderings_agree(ordering: str, h: SimpleNamespace) -> None:
    sys_ = h.random_system()
    assert LCA(sys_, ordering).footprint({"p7": 1.0}).total == pytest.approx(
        LCA(sys_).footprint({"p7": 1.0}).total, rel=1e-12)


def test_singular_system_is_refused() -> None:
    procs = [Process("a"), Process("b")]
    sys_ = build_system(procs, [Flow("co2")], [("a", "a", 1.0, False), ("a", "b", 1.0, False)], [], {"co2": 1.0})
    with pytest.raises(InputError, match="singular"):
        LCA(sys_)


def test_bad_ids_are_named(h: SimpleNamespace) -> None:
    with pytest.raises(InputError, match="nope"):
        LCA(h.two_process()).footprint({"nope": 1.0})
    with pytest.raises(InputError, match="flow x"):
        build_system([Process("a")], [Flow("co2")], [("a", "a", 1.0, False)], [("x", "a", 1.0)], {})


def _bw_score(bc: Any, dp: Any, demand: dict[int, float]) -> float:
    lca = bc.LCA(demand, data_objs=[dp])
    lca.lci()
    lca.lcia()
    return float(lca.score)


@pytest.mark.parametrize("name", ["cyclic", "random", "two_process"])
def test_equals_bw2calc_lca(name: str, bw2calc: Any, h: SimpleNamespace) -> None:
    """Every product of each shared test system: our score = bw2calc ``LCA.score`` within 1e-9 relative."""
    sys_ = h.SYSTEMS[name]()
    dp = h.datapackage(sys_)
    lca = LCA(sys_)
    for i, p in enumerate(sys_.processes[:12]):
        ours = lca.footprint({p.id: 1.0}).total
        theirs = _bw_score(bw2calc, dp, {h.PROCESS_ID0 + i: 1.0})
        assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-300)


def test_equals_bw2calc_inventory_and_multilca(bw2calc: Any, h: SimpleNamespace) -> None:
    """Inventory vector and 20 demands at once (bw2calc ``MultiLCA``) within 1e-9 relative."""
    sys_ = h.random_system()
    dp = h.datapackage(sys_)
    bw = bw2calc.LCA({h.PROCESS_ID0 + 5: 1.0}, data_objs=[dp])
    bw.lci()
    g_bw = np.asarray(bw.inventory.sum(axis=1)).ravel()
    g = LCA(sys_).inventory({"p5": 1.0})
    rows = [bw.dicts.biosphere[h.FLOW_ID0 + j] for j in range(len(sys_.flows))]
    np.testing.assert_allclose(g, g_bw[rows], rtol=1e-9, atol=1e-12)
    demands = {f"d{i}": {h.PROCESS_ID0 + i: float(i + 1)} for i in range(20)}
    mlca = bw2calc.MultiLCA(demands=demands, method_config={"impact_categories": [("gwp",)]}, data_objs=[dp])
    mlca.lci()
    mlca.lcia()
    ours = LCA(sys_).footprints([{f"p{i}": float(i + 1)} for i in range(20)])
    for i, fp in enumerate(ours):
        assert fp.total == pytest.approx(mlca.scores[(("gwp",), f"d{i}")], rel=1e-9)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-50, 50, allow_nan=False), min_size=3, max_size=3),
       st.floats(-10, 10, allow_nan=False))
def test_scores_are_linear_in_the_demand(amounts: list[float], k: float) -> None:
    """h(k·f1 + f2) = k·h(f1) + h(f2) (property test on the random system)."""
    lca = LCA(_RANDOM)
    f1 = _RANDOM.demand_vector({"p1": amounts[0], "p2": amounts[1]})
    f2 = _RANDOM.demand_vector({"p3": amounts[2]})
    lhs = lca.scores(k * f1 + f2)
    rhs = k * lca.scores(f1) + lca.scores(f2)
    np.testing.assert_allclose(lhs, rhs, rtol=1e-9, atol=1e-9 * (1 + np.abs(rhs).max()))
