"""Contribution analysis: hand-worked shares, and that every grouping sums to the footprint."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from zerocarbon.footprint.contribution import (
    UNTAGGED,
    by_flow,
    by_material,
    by_process,
    by_stage,
    by_supplier,
    by_tag,
)
from zerocarbon.footprint.lca import LCA


def test_two_process_by_hand(h: SimpleNamespace) -> None:
    """Battery: steel 0.5 × 2 = 1 kgCO2e (materials, supplier S1), own 1 kgCO2e (manufacturing)."""
    lca = LCA(h.two_process())
    stages = {c.key: (c.amount, c.share) for c in by_stage(lca, {"battery": 1.0})}
    assert stages == {"materials": pytest.approx((1.0, 0.5)), "manufacturing": pytest.approx((1.0, 0.5))}
    assert {c.key: c.amount for c in by_supplier(lca, {"battery": 1.0})} == pytest.approx({"S1": 1.0, UNTAGGED: 1.0})
    assert {c.key: c.amount for c in by_material(lca, {"battery": 1.0})}["steel"] == pytest.approx(1.0)
    assert {c.key: c.amount for c in by_flow(lca, {"battery": 1.0})} == pytest.approx({"co2f": 1.0, "co2b": 1.0})


def test_cyclic_contributions(h: SimpleNamespace) -> None:
    """s = (1/0.9, 0.2/0.9): p1 contributes 1/0.9, p2 10 × 0.2/0.9."""
    got = {c.key: c.amount for c in by_process(LCA(h.cyclic()), {"p1": 1.0})}
    assert got == pytest.approx({"p1": 1 / 0.9, "p2": 2 / 0.9}, rel=1e-12)
    assert [c.key for c in by_process(LCA(h.cyclic()), {"p1": 1.0}, top=1)] == ["p2"]


@pytest.mark.parametrize("tag", ["stage", "supplier", "material"])
def test_groupings_sum_to_the_footprint(tag: str, h: SimpleNamespace) -> None:
    lca = LCA(h.random_system())
    demand = {"p9": 2.0}
    total = lca.footprint(demand).total
    assert sum(c.amount for c in by_tag(lca, demand, tag)) == pytest.approx(total, rel=1e-10)
    assert sum(c.amount for c in by_process(lca, demand)) == pytest.approx(total, rel=1e-10)
    assert sum(c.amount for c in by_flow(lca, demand)) == pytest.approx(total, rel=1e-10)
