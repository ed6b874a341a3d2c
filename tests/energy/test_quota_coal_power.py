"""GB 21258-2024 燃煤发电机组单位产品能源消耗限额, 表1 with the corrections of 5.3 as transcribed.

Expected values are typed here from adgo07/ECQuota-Insight data/definitions/gb-21258-2024.json (commit 62e6f2bd…),
independently of the shipped YAML: 供电煤耗率 [gce/(kW·h)] 超超临界 1000 MW 268/276/283, 600 MW 275/282/291, 超高压
200 MW 及以下 —/—/352, Lg = value × K (+ 表2 increase on grades 1 and 3); 供热煤耗率 [kgce/GJ] 40/40.5/42 (超超临界 and
超临界) or 40/40.5/42.5 (亚临界), Lg = value × K. The four non-monotonic 供电煤耗率 rows are not shipped.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from zerocarbon.energy.quota import corrected_limits, evaluate
from zerocarbon.energy.reference import load_quota_standard
from zerocarbon.errors import FactorError, InputError

STD = "gb21258-2024"
NEUTRAL = {"influence_total_factor": D(1), "supply_coal_increase_g_kwh": D(0)}
POWER = [
    ("coal_unit.ultra_supercritical_1000mw.supply_coal_rate", {1: "268", 2: "276", 3: "283"}),
    ("coal_unit.ultra_supercritical_600mw.supply_coal_rate", {1: "275", 2: "282", 3: "291"}),
    ("coal_unit.ultra_high_pressure_200mw_and_below.supply_coal_rate", {3: "352"}),
]
HEAT = [
    ("coal_unit.ultra_supercritical_1000mw.heat_supply_coal_rate", "42"),
    ("coal_unit.ultra_supercritical_600mw.heat_supply_coal_rate", "42"),
    ("coal_unit.supercritical_600mw.heat_supply_coal_rate", "42"),
    ("coal_unit.supercritical_300mw.heat_supply_coal_rate", "42"),
    ("coal_unit.subcritical_600mw.heat_supply_coal_rate", "42.5"),
    ("coal_unit.subcritical_300mw.heat_supply_coal_rate", "42.5"),
]


def test_file_and_provenance() -> None:
    std = load_quota_standard(STD)
    assert std.standard == "GB 21258-2024" and (std.published, std.effective_from) == ("2024-09-29", "2025-04-01")
    assert [i.id for i in std.indicators] == [p[0] for p in POWER] + [h[0] for h in HEAT]
    for ind in std.indicators:
        assert ind.status == "unverified" and ind.table == "表1" and ind.page == "8"
        assert "62e6f2bd343bb7e32db602e124f1df3bf3dbe180" in ind.source
        assert "fd411f6cc35f2cb6fc42746618b1000630710116abb67aaa09166748476908b9" in ind.source
    for iid, grades in POWER:
        ind = std.indicator(iid)
        assert ind.unit == "gce/(kW·h)" and ind.grades == {g: D(v) for g, v in grades.items()}
        assert [c.id for c in ind.corrections] == ["total_factor", "supply_coal_increase"]
    for iid, g3 in HEAT:
        ind = std.indicator(iid)
        assert ind.unit == "kgce/GJ" and ind.grades == {1: D(40), 2: D("40.5"), 3: D(g3)}
        assert [c.id for c in ind.corrections] == ["total_factor"]
    with pytest.raises(FactorError):  # non-monotonic in the transcription (286/285/299): left out
        std.indicator("coal_unit.supercritical_600mw.supply_coal_rate")


def test_hand_worked_air_cooled_unit() -> None:
    """超超临界 600 MW, K = 1.02, 表2 increase 10 gce/(kW·h) (air-cooled): the increase is added after × K, to
    grades 1 and 3 only: 275 × 1.02 + 10 = 290.50; 282 × 1.02 = 287.64; 291 × 1.02 + 10 = 306.82.
    A unit at 295 gce/(kW·h) is grade 3, 4.50 above grade 1 (grade 1 exceeds grade 2 here, as transcribed)."""
    ind = load_quota_standard(STD).indicator("coal_unit.ultra_supercritical_600mw.supply_coal_rate")
    inputs = {"influence_total_factor": D("1.02"), "supply_coal_increase_g_kwh": D(10)}
    limits, applied = corrected_limits(ind, inputs)
    assert limits == {1: D("290.50"), 2: D("287.64"), 3: D("306.82")}
    assert [a.id for a in applied] == ["total_factor", "supply_coal_increase"]
    verdict = evaluate(ind, D(295), inputs)
    assert (verdict.grade, verdict.gap_to_grade1, verdict.gap_to_limit) == (3, D("4.50"), 0)
    assert evaluate(ind, D("306.83"), inputs).verdict_zh == "未达限定值"


@pytest.mark.parametrize(("indicator", "grades"), POWER)
def test_power_boundaries_with_neutral_corrections(indicator: str, grades: dict[int, str]) -> None:
    ind = load_quota_standard(STD).indicator(indicator)
    for g, text in grades.items():
        assert evaluate(ind, D(text), NEUTRAL).grade == g
    assert evaluate(ind, D(grades[3]) + D("0.01"), NEUTRAL).grade is None


def test_heat_rate_multiplied_and_small_units_missing_grades() -> None:
    """供热煤耗率 亚临界 300 MW × K = 0.98: 39.2 / 39.69 / 41.65 kgce/GJ. 超高压 ≤200 MW: only grade 3 exists."""
    heat = load_quota_standard(STD).indicator("coal_unit.subcritical_300mw.heat_supply_coal_rate")
    limits, _ = corrected_limits(heat, {"influence_total_factor": D("0.98")})
    assert limits == {1: D("39.20"), 2: D("39.690"), 3: D("41.650")}
    small = load_quota_standard(STD).indicator("coal_unit.ultra_high_pressure_200mw_and_below.supply_coal_rate")
    verdict = evaluate(small, D(340), NEUTRAL)
    assert (verdict.grade, verdict.missing_grades, verdict.gap_to_grade1) == (3, (1, 2), None)


def test_inputs_are_never_assumed() -> None:
    ind = load_quota_standard(STD).indicator("coal_unit.ultra_supercritical_1000mw.supply_coal_rate")
    with pytest.raises(InputError):
        evaluate(ind, D(270), {"influence_total_factor": D(1)})
    with pytest.raises(InputError):
        evaluate(ind, D(270), {"supply_coal_increase_g_kwh": D(0)})
    with pytest.raises(InputError):  # the 表2 increase is not negative
        evaluate(ind, D(270), {"influence_total_factor": D(1), "supply_coal_increase_g_kwh": D(-1)})
