"""GB 21342-2025 焦炭单位产品能源消耗限额, 表1 with the corrections of 5.3 / 表2.

Expected values are typed here from adgo07/ECQuota-Insight data/definitions/gb-21342-2025.json (commit 62e6f2bd…,
products top-charging-coke-oven and stamp-charging-coke-oven), independently of the shipped YAML:

* 顶装 110 / 110 / 135 kgce/t; mixed gas + 8.00 × share; volatile matter (dry basis) 21…28 % →
  −8.30, −4.20, 0, 4.25, 8.55, 11.00, 14.08, 18.71 (linear between); moisture (M − 10) × 3.67;
* 捣固 115 / 115 / 140 kgce/t; mixed gas + 12.00 × share; volatile 25…32 % → 0, 3.20, 6.44, 11.40, 14.65,
  17.93, 21.23, 24.50; moisture (M − 10.5) × 3.71;
* both: wet quenching + 46.46 on grade 3; oven age ≤ 15 a: 0, (15, 25] a: + 2.50, > 25 a: + 5.50 on grades 1 and 3.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from zerocarbon.energy.quota import corrected_limits, evaluate
from zerocarbon.energy.reference import load_quota_standard
from zerocarbon.errors import FactorError, InputError

STD = "gb21342-2025"
TOP = "coke.top_charging.energy"
STAMP = "coke.stamp_charging.energy"
TOP_VOLATILE = ["-8.30", "-4.20", "0", "4.25", "8.55", "11.00", "14.08", "18.71"]  # 21 … 28 %
STAMP_VOLATILE = ["0", "3.20", "6.44", "11.40", "14.65", "17.93", "21.23", "24.50"]  # 25 … 32 %


def _neutral(volatile: str) -> dict[str, D]:
    """Inputs that correct nothing but volatile matter: coke-oven gas, reference moisture, dry quenching, young oven."""
    return {"mixed_gas_time_share": D(0), "coal_volatile_dry_pct": D(volatile), "coal_total_moisture_pct": D(10),
            "wet_quenching": D(0), "oven_age_years": D(5)}


def test_file_and_provenance() -> None:
    std = load_quota_standard(STD)
    assert std.standard == "GB 21342-2025" and std.title_zh == "焦炭单位产品能源消耗限额"
    assert (std.published, std.effective_from) == ("2025-04-25", "2026-05-01")
    assert [i.id for i in std.indicators] == [TOP, STAMP]
    for ind in std.indicators:
        assert ind.unit == "kgce/t" and ind.status == "unverified" and ind.page == "6" and ind.table == "表1、表2"
        assert "62e6f2bd343bb7e32db602e124f1df3bf3dbe180" in ind.source
        assert "00fcc51c02c6d73d39bcab3103227fca2ee93841abce45d1576edaeba25595a0" in ind.source
        assert [c.id for c in ind.corrections] == ["mixed_gas", "volatile_matter", "moisture", "wet_quenching",
                                                   "oven_age"]
    assert std.indicator(TOP).grades == {1: D(110), 2: D(110), 3: D(135)}
    assert std.indicator(STAMP).grades == {1: D(115), 2: D(115), 3: D(140)}


@pytest.mark.parametrize(("indicator", "first", "table", "base"), [
    (TOP, 21, TOP_VOLATILE, ("110", "110", "135")), (STAMP, 25, STAMP_VOLATILE, ("115", "115", "140")),
])
def test_volatile_table_points(indicator: str, first: int, table: list[str], base: tuple[str, str, str]) -> None:
    """At every listed volatile matter each grade is the base plus the table value (stamp: moisture 10.5 % neutral)."""
    ind = load_quota_standard(STD).indicator(indicator)
    for i, amount in enumerate(table):
        inputs = _neutral(str(first + i))
        if indicator == STAMP:
            inputs["coal_total_moisture_pct"] = D("10.5")
        limits, _ = corrected_limits(ind, inputs)
        assert limits == {g: D(base[g - 1]) + D(amount) for g in (1, 2, 3)}, (indicator, first + i)


def test_hand_worked_top_charging() -> None:
    """顶装, mixed gas half the time, volatile 25.4 %, moisture 11 %, wet quenching, oven 10 years:

    mixed gas 0.5 × 8.00 = 4.00; volatile 8.55 + 0.4 × (11.00 − 8.55) = 9.53; moisture (11 − 10) × 3.67 = 3.67;
    common 17.20 → grade 1 = grade 2 = 127.20; grade 3 = 135 + 17.20 + 46.46 = 198.66.
    A factory at 150 kgce/t is grade 3, 22.80 kgce/t above grade 1: 22 800 tce on 1 000 000 t of coke.
    """
    ind = load_quota_standard(STD).indicator(TOP)
    inputs = {"mixed_gas_time_share": D("0.5"), "coal_volatile_dry_pct": D("25.4"), "coal_total_moisture_pct": D(11),
              "wet_quenching": D(1), "oven_age_years": D(10)}
    limits, applied = corrected_limits(ind, inputs)
    assert limits == {1: D("127.20"), 2: D("127.20"), 3: D("198.66")}
    assert [a.id for a in applied] == ["mixed_gas", "volatile_matter", "moisture", "wet_quenching", "oven_age"]
    assert applied[1].after[1] - applied[1].before[1] == D("9.53")
    verdict = evaluate(ind, D(150), inputs, production=D(1_000_000))
    assert (verdict.grade, verdict.verdict_zh) == (3, "3级")
    assert verdict.gap_to_grade1 == D("22.80") and verdict.gap_to_limit == 0
    assert verdict.gap_to_grade1_tce == D(22_800)
    assert evaluate(ind, D("127.20"), inputs).grade == 1
    assert evaluate(ind, D("127.21"), inputs).grade == 3
    assert evaluate(ind, D("198.67"), inputs).verdict_zh == "未达限定值"


def test_hand_worked_stamp_charging_old_oven() -> None:
    """捣固, mixed gas all the time, volatile 27.5 %, moisture 9.5 %, dry quenching, oven 30 years:

    12.00 + (6.44 + 0.5 × 4.96 = 8.92) + (9.5 − 10.5) × 3.71 = 17.21 on every grade; oven age + 5.50 on grades 1
    and 3 only → 137.71 / 132.21 / 162.71. The corrected grade 1 is above grade 2 (grade 2 has no oven-age term,
    as transcribed): 135 kgce/t meets grade 1's limit and is graded 1.
    """
    ind = load_quota_standard(STD).indicator(STAMP)
    inputs = {"mixed_gas_time_share": D(1), "coal_volatile_dry_pct": D("27.5"), "coal_total_moisture_pct": D("9.5"),
              "wet_quenching": D(0), "oven_age_years": D(30)}
    limits, _ = corrected_limits(ind, inputs)
    assert limits == {1: D("137.71"), 2: D("132.21"), 3: D("162.71")}
    assert evaluate(ind, D(135), inputs).grade == 1
    assert evaluate(ind, D("137.72"), inputs).grade == 3


@pytest.mark.parametrize(("age", "extra"), [("0", "0"), ("15", "0"), ("15.1", "2.50"), ("25", "2.50"),
                                            ("25.01", "5.50"), ("40", "5.50")])
def test_oven_age_bands(age: str, extra: str) -> None:
    ind = load_quota_standard(STD).indicator(TOP)
    limits, _ = corrected_limits(ind, {**_neutral("23"), "oven_age_years": D(age)})
    assert limits == {1: D(110) + D(extra), 2: D(110), 3: D(135) + D(extra)}


def test_inputs_outside_the_table_are_refused() -> None:
    top = load_quota_standard(STD).indicator(TOP)
    for name, value in (("coal_volatile_dry_pct", "20.9"), ("coal_volatile_dry_pct", "28.1"),
                        ("mixed_gas_time_share", "1.2"), ("wet_quenching", "0.5"), ("oven_age_years", "-1")):
        with pytest.raises(InputError):
            corrected_limits(top, {**_neutral("23"), name: D(value)})
    stamp = load_quota_standard(STD).indicator(STAMP)
    with pytest.raises(InputError):  # 23 % is in the top-charging table, not in the stamp-charging one
        corrected_limits(stamp, _neutral("23"))
    with pytest.raises(InputError):  # nothing is assumed
        evaluate(top, D(120), {"coal_volatile_dry_pct": D(23)})


def test_loader_rejects_bad_tables(tmp_path: Path) -> None:
    head = ("standard: GB X\ntitle_zh: x\ntitle_en: x\nedition: '1'\npublished: ''\neffective_from: ''\n"
            "source: adgo07/ECQuota-Insight:data/definitions/x.json\nindicators:\n"
            "  - {id: a, name_zh: a, name_en: a, unit: kgce/t, clause: '4', table: 表1, status: unverified,\n"
            "     grades: {1: '1', 2: '2', 3: '3'}, corrections: [{id: c, input: x, clause: '5', grades: [1], ")
    for body in ("kind: interpolate, points: [['2', '0'], ['1', '1']]}]}\n",
                 "kind: steps, bands: [['5', '0'], ['6', '1']]}]}\n",
                 "kind: steps, bands: [['5', '0'], ['4', '1'], [null, '2']]}]}\n"):
        path = tmp_path / "bad.yaml"
        path.write_text(head + body, encoding="utf-8")
        with pytest.raises(FactorError):
            load_quota_standard(path)
