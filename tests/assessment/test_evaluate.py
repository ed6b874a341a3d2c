"""The verdict: every criterion of every shipped set on both sides of its threshold; levels; gaps."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zerocarbon.assessment.criteria import Criterion, criteria_set, load_criteria
from zerocarbon.assessment.evaluate import Indicator, evaluate

SETS = load_criteria().sets
NUMERIC = [(s.id, c) for s in SETS for c in s.criteria if c.op in ("le", "ge", "lt", "gt")]
BOOLEAN = [(s.id, c) for s in SETS for c in s.criteria if c.op == "holds"]
STEP = Decimal("0.001")


def _conditions_hold(c: Criterion) -> dict[str, Indicator]:
    out = {}
    for cond in c.applies_if:
        if isinstance(cond.value, bool):
            out[cond.indicator] = Indicator(cond.indicator, cond.value)
        else:
            v = Decimal(cond.value)
            v = v - STEP if cond.op == "lt" else v + STEP if cond.op == "gt" else v
            out[cond.indicator] = Indicator(cond.indicator, v)
    return out


def _only(set_id: str, c: Criterion, value: Decimal | bool | None) -> str:
    cset = next(s for s in SETS if s.id == set_id)
    ind = _conditions_hold(c)
    ind[c.indicator] = Indicator(c.indicator, value)
    return evaluate(cset, ind, 2023).result(c.id).status


@pytest.mark.parametrize(("set_id", "c"), NUMERIC, ids=[f"{s}:{c.id}" for s, c in NUMERIC])
def test_numeric_criterion_on_both_sides(set_id: str, c: Criterion) -> None:
    assert c.threshold is not None
    inside = c.threshold - STEP if c.op in ("le", "lt") else c.threshold + STEP
    outside = c.threshold + STEP if c.op in ("le", "lt") else c.threshold - STEP
    assert _only(set_id, c, inside) == "met"
    assert _only(set_id, c, outside) == "not_met"
    if c.op in ("le", "ge"):
        assert _only(set_id, c, c.threshold) == "met"  # the limit itself meets ≤ / ≥
    assert _only(set_id, c, None) == "not_assessable"


@pytest.mark.parametrize(("set_id", "c"), BOOLEAN, ids=[f"{s}:{c.id}" for s, c in BOOLEAN])
def test_declared_criterion_on_both_sides(set_id: str, c: Criterion) -> None:
    assert _only(set_id, c, True) == "met"
    assert _only(set_id, c, False) == "not_met"
    assert _only(set_id, c, None) == "not_assessable"


def _national(**values: object) -> dict[str, Indicator]:
    return {k: Indicator(k, v if isinstance(v, bool) or v is None else Decimal(str(v))) for k, v in values.items()}


def test_physical_share_applies_only_to_large_non_computing_users() -> None:
    cset = criteria_set("miit-2026-national")
    base = {"zero_carbon_intensity": "1.5", "non_fossil_share": "0.4", "traceable_share": "0.10"}
    small = evaluate(cset, _national(**base, electricity_mwh="4999", computing_facility=False), 2023)
    assert small.result("1.3-basic").status == "not_applicable"
    assert small.level("basic").status == "met"
    large = evaluate(cset, _national(**base, electricity_mwh="5000", computing_facility=False), 2023)
    assert large.result("1.3-basic").status == "not_met"
    assert large.level("basic").status == "not_met" and large.level("basic").not_met == ("1.3-basic",)
    computing = evaluate(cset, _national(**base, electricity_mwh="90000", computing_facility=True), 2023)
    assert computing.result("1.3-basic").status == "not_applicable"
    unknown = evaluate(cset, _national(**base, computing_facility=False), 2023)
    assert unknown.result("1.3-basic").status == "not_assessable"
    assert unknown.level("basic").status == "not_assessable"


def test_target_level_includes_the_basic_criteria() -> None:
    cset = criteria_set()
    assert cset.id == "miit-2026-national"
    ev = evaluate(
        cset,
        _national(
            zero_carbon_intensity="0.1",
            non_fossil_share="0.97",
            traceable_share="0.2",
            electricity_mwh="9000",
            computing_facility=False,
        ),
        2023,
    )
    assert ev.level("target").status == "not_met"  # physical share 20 % < 35 % fails the basic gate
    assert ev.level("target").not_met == ("1.3-basic",)


def test_gap_closers_are_computed_from_the_factorys_figures() -> None:
    cset = criteria_set("miit-2026-national")
    ind = _national(
        zero_carbon_intensity="2.3",
        energy_tce="10000",
        fossil_factor_kg_per_kwh="0.8325",
        non_fossil_share="0.25",
        equal_value_kgce_per_kwh="0.3",
        traceable_share="0.2",
        non_fossil_electricity_mwh="8000",
        traceable_mwh="1600",
        electricity_mwh="30000",
        computing_facility=False,
    )
    ev = evaluate(cset, ind, 2023)
    r = ev.result("1.1-basic")
    # (2.3 − 1.8) × 10,000 tce = 5,000 t; / 0.8325 t/MWh = 6,006.006… MWh
    assert r.shortfall == Decimal("0.5")
    co2 = next(k for k in r.closers if k.kind == "co2_avoided_t")
    assert co2.amount == Decimal("5000.0")
    mwh = next(k for k in r.closers if k.kind == "non_fossil_mwh")
    assert mwh.amount is not None and abs(mwh.amount - Decimal("6006.006006")) < Decimal("0.001")
    nf = ev.result("1.2-basic")
    tce = next(k for k in nf.closers if k.kind == "non_fossil_tce")
    assert tce.amount == Decimal("500.00")  # (0.30 − 0.25) × 10,000
    nf_mwh = next(k for k in nf.closers if k.kind == "non_fossil_mwh")
    assert nf_mwh.amount is not None and abs(nf_mwh.amount - Decimal("1666.6667")) < Decimal("0.001")
    ph = ev.result("1.3-basic")
    x = next(k for k in ph.closers if k.kind == "traceable_mwh")
    # (0.35 × 8,000 − 1,600) / 0.65 = 1,846.15…; check: (1,600 + x)/(8,000 + x) = 0.35
    assert x.amount is not None and abs(
        (Decimal(1600) + x.amount) / (Decimal(8000) + x.amount) - Decimal("0.35")
    ) < Decimal("1e-20")


def test_gaps_rank_missing_data_first_then_by_effort_or_cost() -> None:
    cset = criteria_set("miit-2026-national")
    ind = _national(
        zero_carbon_intensity="1.9",
        energy_tce="10000",
        fossil_factor_kg_per_kwh="0.8",
        traceable_share="0.0",
        non_fossil_electricity_mwh="1000",
        traceable_mwh="0",
        electricity_mwh="30000",
        computing_facility=False,
    )
    ev = evaluate(cset, ind, 2023)
    ids = [g.criterion.id for g in ev.gaps]
    assert ids[0] in ("1.2-basic", "1.2-target")  # non-fossil share missing: data first
    assert ids.index("1.3-basic") < ids.index("1.1-basic")  # 538.5 MWh × 0.8 = 430.8 t < 1,000 t
    priced = evaluate(cset, ind, 2023, costs={"co2_avoided_t": Decimal("1"), "traceable_mwh": Decimal("1000")})
    pids = [g.criterion.id for g in priced.gaps if g.status == "not_met"]
    assert pids.index("1.1-basic") < pids.index("1.3-basic")  # 1,000 t × 1 < 538.5 MWh × 1,000


def test_park_band_by_energy_use() -> None:
    cset = criteria_set("ndrc-2025-park")
    small = evaluate(cset, _national(zero_carbon_intensity="0.25", energy_tce="50000"), 2023)
    assert small.result("core-small").status == "not_met" and small.result("core-large").status == "not_applicable"
    large = evaluate(cset, _national(zero_carbon_intensity="0.25", energy_tce="1000000"), 2023)
    assert large.result("core-large").status == "met" and large.result("core-small").status == "not_applicable"


def test_to_dict_is_plain_and_bilingual() -> None:
    ev = evaluate(criteria_set(), _national(zero_carbon_intensity="2"), 2023)
    d = ev.to_dict()
    assert d["criteria_set"] == "miit-2026-national" and d["confidence"] == "S"
    r = next(x for x in d["results"] if x["id"] == "1.1-basic")
    assert r["status"] == "not_met" and r["value"] == "2" and r["threshold"] == "1.8"
    assert set(r["note"]) == {"zh", "en"}
    assert d["sources"]["ithome"]["url"].startswith("https://")
