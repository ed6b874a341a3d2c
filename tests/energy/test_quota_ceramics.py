"""GB 21252-2023 建筑卫生陶瓷和耐磨氧化铝球单位产品能源消耗限额, 表1 and 表3-表6 (9 rows).

Expected limits are typed here from adgo07/ECQuota-Insight data/definitions/gb-21252-2023.json (commit 62e6f2bd…,
``base_thresholds`` level_1/2/3), independently of the shipped YAML. Tiles (表1) and ceramic board (表3) are in
kgce/m² and multiplied by the overall thickness coefficient of 表2; the others are in kgce/t without correction.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from zerocarbon.energy.quota import corrected_limits, evaluate
from zerocarbon.energy.reference import load_quota_standard
from zerocarbon.errors import InputError

STD = "gb21252-2023"
CENT = D("0.01")
ROWS = [  # id, table, unit, grade 1/2/3, thickness-corrected
    ("ceramic_tile.absorption_le_0_2.comprehensive_energy", "表1、表2", "kgce/m²", "4.5/5.5/7.0", True),
    ("ceramic_tile.absorption_0_2_to_0_5.comprehensive_energy", "表1、表2", "kgce/m²", "4.0/4.9/6.5", True),
    ("ceramic_tile.absorption_0_5_to_10.comprehensive_energy", "表1、表2", "kgce/m²", "3.4/3.7/4.6", True),
    ("ceramic_tile.absorption_gt_10.comprehensive_energy", "表1、表2", "kgce/m²", "3.2/3.5/4.5", True),
    ("ceramic_board.comprehensive_energy", "表3、表2", "kgce/m²", "6.0/8.7/13.2", True),
    ("hollow_board_extruded_tile.comprehensive_energy", "表4", "kgce/t", "226/238/253", False),
    ("sanitary_ware.absorption_le_0_3.comprehensive_energy", "表5", "kgce/t", "350/500/630", False),
    ("sanitary_ware.absorption_gt_0_3.comprehensive_energy", "表5", "kgce/t", "300/460/610", False),
    ("alumina_grinding_ball.series_90.comprehensive_energy", "表6", "kgce/t", "295/320/370", False),
]


def test_file_and_provenance() -> None:
    std = load_quota_standard(STD)
    assert std.standard == "GB 21252-2023" and std.title_zh == "建筑卫生陶瓷和耐磨氧化铝球单位产品能源消耗限额"
    assert (std.published, std.effective_from) == ("2023-11-27", "2024-12-01")
    assert [i.id for i in std.indicators] == [r[0] for r in ROWS]
    for (_, table, unit, _, thick), ind in zip(ROWS, std.indicators, strict=True):
        assert (ind.table, ind.unit, ind.status) == (table, unit, "unverified")
        assert [c.id for c in ind.corrections] == (["thickness_coef"] if thick else [])
        assert "62e6f2bd343bb7e32db602e124f1df3bf3dbe180" in ind.source
        assert "5d622387f85d8a0432d6d372e4e5954ddc9dbaf396221b1c967a3cb0153e461c" in ind.source


@pytest.mark.parametrize(("indicator", "limits", "thick"), [(r[0], r[3], r[4]) for r in ROWS])
def test_boundaries(indicator: str, limits: str, thick: bool) -> None:
    """Coefficient 1 where it applies: value = Lg grades g; Lg + 0.01 grades g + 1 or 未达限定值."""
    ind = load_quota_standard(STD).indicator(indicator)
    inputs = {"thickness_coef": D(1)} if thick else None
    values = limits.split("/")
    for g, text in enumerate(values, start=1):
        assert evaluate(ind, D(text), inputs).grade == g, (indicator, g)
        assert evaluate(ind, D(text) + CENT, inputs).grade == (g + 1 if g < 3 else None), (indicator, g)


def test_hand_worked_tile_with_thickness_coefficient() -> None:
    """Tiles 0.5 % < E ≤ 10 %, thickness coefficient 1.05: 3.4/3.7/4.6 × 1.05 = 3.570/3.885/4.830 kgce/m².
    A line at 3.80 kgce/m² is grade 2, 0.23 kgce/m² above grade 1 (no tce: the indicator is per m²)."""
    ind = load_quota_standard(STD).indicator("ceramic_tile.absorption_0_5_to_10.comprehensive_energy")
    inputs = {"thickness_coef": D("1.05")}
    limits, applied = corrected_limits(ind, inputs)
    assert limits == {1: D("3.570"), 2: D("3.885"), 3: D("4.830")}
    assert applied[0].factor == D("1.05")
    verdict = evaluate(ind, D("3.80"), inputs, production=D(1_000_000))
    assert (verdict.grade, verdict.gap_to_grade1, verdict.gap_to_limit) == (2, D("0.230"), 0)
    assert verdict.gap_to_grade1_tce is None
    with pytest.raises(InputError):  # the coefficient is never assumed
        evaluate(ind, D("3.80"))


def test_hand_worked_sanitary_ware() -> None:
    """Sanitary ware E ≤ 0.3 % at 520 kgce/t on 20 000 t: grade 3 (500 < 520 ≤ 630), 170 kgce/t above grade 1
    = 3 400 tce."""
    ind = load_quota_standard(STD).indicator("sanitary_ware.absorption_le_0_3.comprehensive_energy")
    verdict = evaluate(ind, D(520), production=D(20_000))
    assert (verdict.grade, verdict.verdict_zh) == (3, "3级")
    assert (verdict.gap_to_grade1, verdict.gap_to_grade1_tce, verdict.gap_to_limit_tce) == (D(170), D(3400), D(0))
