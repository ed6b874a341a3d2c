"""GB 30251-2024 炼化行业单位产品能源消耗限额, 表1-表8 (14 rows, no corrections).

Expected limits are typed here from adgo07/ECQuota-Insight data/definitions/gb-30251-2024.json (commit 62e6f2bd…,
``base_thresholds`` level_1/2/3), independently of the shipped YAML. The chlorohydrin propylene-oxide row has
grades 1 and 2 "—"; the phthalic-anhydride limits are negative.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from zerocarbon.energy.quota import NOT_SET_ZH, evaluate
from zerocarbon.energy.reference import load_quota_standard
from zerocarbon.errors import InputError

STD = "gb30251-2024"
CENT = D("0.01")
ROWS = [  # id, table, unit, grade 1/2/3 ("-" for a grade the standard leaves empty)
    ("refinery.energy_factor_energy", "表1", "kgoe/(t·能量因数)", "6.85/7.50/8.50"),
    ("ethylene.comprehensive_energy", "表2", "kgoe/t", "580/590/640"),
    ("polypropylene.continuous_gas_phase.comprehensive_energy", "表3", "kgoe/t", "48/54/79"),
    ("polypropylene.continuous_liquid_bulk.comprehensive_energy", "表3", "kgoe/t", "51/64/95"),
    ("styrene.ethylbenzene_dehydrogenation.comprehensive_energy", "表4", "kgoe/t", "238/260/362"),
    ("styrene.dry_gas.comprehensive_energy", "表4", "kgoe/t", "424/480/545"),
    ("styrene.ethylbenzene_cooxidation.comprehensive_energy", "表4", "kgoe/t", "270/315/320"),
    ("p_xylene.comprehensive_energy", "表5", "kgoe/t", "370/380/550"),
    ("pta.comprehensive_energy", "表6", "kgce/t", "70/80/180"),
    ("propylene_oxide.chlorohydrin.comprehensive_energy", "表7", "kgce/t", "-/-/380"),
    ("propylene_oxide.ethylbenzene_cooxidation.comprehensive_energy", "表7", "kgce/t", "386/450/457"),
    ("propylene_oxide.isobutane_cooxidation.comprehensive_energy", "表7", "kgce/t", "280/345/390"),
    ("propylene_oxide.hydrogen_peroxide.comprehensive_energy", "表7", "kgce/t", "480/545/550"),
    ("phthalic_anhydride.comprehensive_energy", "表8", "kgce/t", "-296/-249/-111"),
]


def test_file_and_provenance() -> None:
    std = load_quota_standard(STD)
    assert std.standard == "GB 30251-2024" and std.title_zh == "炼化行业单位产品能源消耗限额"
    assert (std.published, std.effective_from) == ("2024-04-29", "2025-05-01")
    assert [i.id for i in std.indicators] == [r[0] for r in ROWS]
    for (_, table, unit, _), ind in zip(ROWS, std.indicators, strict=True):
        assert (ind.table, ind.unit, ind.status, ind.corrections) == (table, unit, "unverified", ())
        assert "62e6f2bd343bb7e32db602e124f1df3bf3dbe180" in ind.source
        assert "c7db39b4946eef9832f8d8374dbf27a5a3ce1f7f8a0f74e6f323d6e70ead05bd" in ind.source


@pytest.mark.parametrize(("indicator", "limits"), [(r[0], r[3]) for r in ROWS if not r[3].startswith("-/")])
def test_boundaries(indicator: str, limits: str) -> None:
    """value = Lg grades g; Lg + 0.01 grades g + 1 or 未达限定值 (a split on "/" keeps the minus signs)."""
    ind = load_quota_standard(STD).indicator(indicator)
    for g, text in enumerate(limits.split("/"), start=1):
        assert evaluate(ind, D(text)).grade == g, (indicator, g)
        assert evaluate(ind, D(text) + CENT).grade == (g + 1 if g < 3 else None), (indicator, g)


def test_chlorohydrin_propylene_oxide_has_only_the_limit() -> None:
    """表7 氯醇法 —/—/380: 300 kgce/t is grade 3 (no better grade exists), 380.01 is below the limit."""
    ind = load_quota_standard(STD).indicator("propylene_oxide.chlorohydrin.comprehensive_energy")
    verdict = evaluate(ind, D(300), production=D(100_000))
    assert (verdict.grade, verdict.missing_grades, verdict.gap_to_grade1) == (3, (1, 2), None)
    assert NOT_SET_ZH in verdict.missing_note_zh
    assert evaluate(ind, D("380.01")).verdict_zh == "未达限定值"


def test_hand_worked_ethylene_and_phthalic_anhydride() -> None:
    """Ethylene at 600 kgoe/t: grade 3 (590 < 600 ≤ 640), 20 kgoe/t above grade 1 (no tce: the unit is oil
    equivalent). Phthalic anhydride at −260 kgce/t on 50 000 t: grade 2 (−296 < −260 ≤ −249), 36 kgce/t above
    grade 1 = 1 800 tce; a negative value is accepted only for this row."""
    std = load_quota_standard(STD)
    eth = evaluate(std.indicator("ethylene.comprehensive_energy"), D(600), production=D(1_000_000))
    assert (eth.grade, eth.gap_to_grade1, eth.gap_to_grade1_tce) == (3, D(20), None)
    pa = evaluate(std.indicator("phthalic_anhydride.comprehensive_energy"), D(-260), production=D(50_000))
    assert (pa.grade, pa.gap_to_grade1, pa.gap_to_grade1_tce, pa.gap_to_limit) == (2, D(36), D(1800), D(0))
    with pytest.raises(InputError):
        evaluate(std.indicator("pta.comprehensive_energy"), D(-1))
