"""GB 21351-2023 变形铝及铝合金单位产品能源消耗限额, 表2-表19 (108 rows of 单位产品综合能耗, kgce/t).

Expected limits are typed here from adgo07/ECQuota-Insight data/definitions/gb-21351-2023.json (commit 882a07e0…,
products table-2-row-1 … table-19-row-108, ``base_thresholds`` level_1/2/3), independently of the shipped YAML, so
that a transcription slip in either fails. Each entry: (json row, table, indicator id without the
``.comprehensive_energy`` suffix, "grade 1/grade 2/grade 3"). Forgings (表18/表19) add k_g per average forging heat
beyond the first (k = 260/290/320 open-die, 300/330/370 closed-die).
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from zerocarbon.energy.quota import corrected_limits, evaluate
from zerocarbon.energy.reference import load_quota_standard
from zerocarbon.errors import InputError

CENT = D("0.01")
STD = "gb21351-2023"
ONE_HEAT = {"forging_heats": D(1)}

M, R = "molten", "remelt"
ROWS: list[tuple[int, str, str, str]] = [
    (1, "表2", f"flat_ingot.{M}.cast.class_1", "70/85/100"),
    (2, "表2", f"flat_ingot.{M}.cast_homogenised.class_1", "110/130/150"),
    (3, "表2", f"flat_ingot.{R}.cast.class_1", "125/145/185"),
    (4, "表2", f"flat_ingot.{R}.cast_homogenised.class_1", "165/190/235"),
    (5, "表2", f"flat_ingot.{R}.cast.class_2", "175/200/240"),
    (6, "表2", f"flat_ingot.{R}.cast_homogenised.class_2", "225/255/300"),
    (7, "表3", f"round_billet.architectural.{M}.cast.class_1", "10/30/50"),
    (8, "表3", f"round_billet.architectural.{M}.cast_homogenised.class_1", "45/65/85"),
    (9, "表3", f"round_billet.architectural.{R}.cast.class_1", "55/85/125"),
    (10, "表3", f"round_billet.architectural.{R}.cast_homogenised.class_1", "90/120/160"),
    (11, "表3", f"round_billet.other.{M}.cast.class_1", "45/65/85"),
    (12, "表3", f"round_billet.other.{M}.cast_homogenised.class_1", "85/110/135"),
    (13, "表3", f"round_billet.other.{R}.cast.class_1", "110/130/170"),
    (14, "表3", f"round_billet.other.{R}.cast_homogenised.class_1", "150/175/220"),
    (15, "表3", f"round_billet.other.{R}.cast.class_2", "160/190/220"),
    (16, "表3", f"round_billet.other.{R}.cast_homogenised.class_2", "210/245/280"),
    (17, "表4", f"hollow_billet.{R}.cast.class_1", "215/240/275"),
    (18, "表4", f"hollow_billet.{R}.cast_homogenised.class_1", "255/285/325"),
    (19, "表4", f"hollow_billet.{R}.cast.class_2", "250/285/330"),
    (20, "表4", f"hollow_billet.{R}.cast_homogenised.class_2", "300/340/390"),
    (21, "表5", "hot_rolled_plate.hot_rolled.class_1", "100/120/140"),
    (22, "表5", "hot_rolled_plate.hot_rolled.class_2", "120/160/200"),
    (23, "表5", "hot_rolled_plate.hot_rolled_annealed.class_1", "135/160/185"),
    (24, "表5", "hot_rolled_plate.hot_rolled_annealed.class_2", "160/205/250"),
    (25, "表5", "hot_rolled_plate.hot_rolled_solution.class_1", "185/215/245"),
    (26, "表5", "hot_rolled_plate.hot_rolled_solution.class_2", "220/270/320"),
    (27, "表5", "hot_rolled_plate.hot_rolled_solution_aged.class_1", "215/250/285"),
    (28, "表5", "hot_rolled_plate.hot_rolled_solution_aged.class_2", "250/310/360"),
    (29, "表6", "cold_rolled_plate.cold_rolled.class_1", "90/120/145"),
    (30, "表6", "cold_rolled_plate.cold_rolled.class_2", "140/180/210"),
    (31, "表6", "cold_rolled_plate.cold_rolled_annealed.class_1", "135/170/200"),
    (32, "表6", "cold_rolled_plate.cold_rolled_annealed.class_2", "195/245/285"),
    (33, "表6", "cold_rolled_plate.cold_rolled_solution.class_1", "200/235/265"),
    (34, "表6", "cold_rolled_plate.cold_rolled_solution.class_2", "260/305/340"),
    (35, "表6", "cold_rolled_plate.cold_rolled_solution_aged.class_1", "230/270/305"),
    (36, "表6", "cold_rolled_plate.cold_rolled_solution_aged.class_2", "290/340/380"),
    (37, "表7", "hot_rolled_strip.hot_rolled.class_1", "75/95/120"),
    (38, "表7", "hot_rolled_strip.hot_rolled.class_2", "120/150/170"),
    (39, "表7", "hot_rolled_strip.hot_rolled_annealed.class_1", "105/130/160"),
    (40, "表7", "hot_rolled_strip.hot_rolled_annealed.class_2", "155/190/215"),
    (41, "表8", "cold_rolled_strip.cold_rolled.class_1", "70/90/110"),
    (42, "表8", "cold_rolled_strip.cold_rolled.class_2", "100/120/140"),
    (43, "表8", "cold_rolled_strip.cold_rolled_annealed.class_1", "110/135/160"),
    (44, "表8", "cold_rolled_strip.cold_rolled_annealed.class_2", "150/190/230"),
    (45, "表8", "cold_rolled_strip.cold_rolled_solution.class_1", "170/195/220"),
    (46, "表8", "cold_rolled_strip.cold_rolled_solution.class_2", "210/235/260"),
    (47, "表8", "cold_rolled_strip.cold_rolled_solution_aged.class_1", "200/230/260"),
    (48, "表8", "cold_rolled_strip.cold_rolled_solution_aged.class_2", "240/270/290"),
    (49, "表9", f"cast_rolled_strip.{M}", "80/100/120"),
    (50, "表9", f"cast_rolled_strip.{R}", "130/160/180"),
    (51, "表10", "foil.no_zero.cold_rolled", "45/55/65"),
    (52, "表10", "foil.no_zero.cold_rolled_annealed", "75/90/105"),
    (53, "表10", "foil.single_zero.cold_rolled", "80/115/150"),
    (54, "表10", "foil.single_zero.cold_rolled_annealed", "110/150/190"),
    (55, "表10", "foil.double_zero.cold_rolled", "120/150/230"),
    (56, "表10", "foil.double_zero.cold_rolled_annealed", "150/185/270"),
    (57, "表11", "extruded_seamless_tube.extruded.class_1", "160/190/220"),
    (58, "表11", "extruded_seamless_tube.extruded.class_2", "250/300/350"),
    (59, "表11", "extruded_seamless_tube.extruded_annealed.class_1", "220/260/300"),
    (60, "表11", "extruded_seamless_tube.extruded_annealed.class_2", "310/370/430"),
    (61, "表11", "extruded_seamless_tube.extruded_solution.class_1", "245/285/330"),
    (62, "表11", "extruded_seamless_tube.extruded_solution.class_2", "335/395/460"),
    (63, "表11", "extruded_seamless_tube.extruded_solution_aged.class_1", "275/320/370"),
    (64, "表11", "extruded_seamless_tube.extruded_solution_aged.class_2", "365/430/500"),
    (65, "表12", "extruded_bar_plate_wire.extruded.class_1", "120/140/160"),
    (66, "表12", "extruded_bar_plate_wire.extruded.class_2", "180/205/240"),
    (67, "表12", "extruded_bar_plate_wire.extruded_annealed.class_1", "180/195/210"),
    (68, "表12", "extruded_bar_plate_wire.extruded_annealed.class_2", "240/275/320"),
    (69, "表12", "extruded_bar_plate_wire.extruded_solution.class_1", "205/220/240"),
    (70, "表12", "extruded_bar_plate_wire.extruded_solution.class_2", "265/300/350"),
    (71, "表12", "extruded_bar_plate_wire.extruded_solution_aged.class_1", "235/255/280"),
    (72, "表12", "extruded_bar_plate_wire.extruded_solution_aged.class_2", "295/335/390"),
    (73, "表13", "extruded_profile_industrial.extruded.class_1", "135/160/190"),
    (74, "表13", "extruded_profile_industrial.extruded.class_2", "220/255/305"),
    (75, "表13", "extruded_profile_industrial.extruded_annealed.class_1", "195/230/270"),
    (76, "表13", "extruded_profile_industrial.extruded_annealed.class_2", "280/325/385"),
    (77, "表13", "extruded_profile_industrial.extruded_solution.class_1", "220/255/300"),
    (78, "表13", "extruded_profile_industrial.extruded_solution.class_2", "305/350/415"),
    (79, "表13", "extruded_profile_industrial.extruded_solution_aged.class_1", "250/290/340"),
    (80, "表13", "extruded_profile_industrial.extruded_solution_aged.class_2", "335/385/455"),
    (81, "表13", "architectural_profile.extruded.class_1", "100/125/150"),
    (82, "表14", "drawn_tube.wall_gt_3mm.drawn", "130/145/170"),
    (83, "表14", "drawn_tube.wall_gt_3mm.drawn_solution", "210/225/250"),
    (84, "表14", "drawn_tube.wall_gt_3mm.drawn_solution_aged", "270/285/310"),
    (85, "表14", "drawn_tube.wall_le_3mm.drawn", "200/220/240"),
    (86, "表14", "drawn_tube.wall_le_3mm.drawn_solution", "290/310/330"),
    (87, "表14", "drawn_tube.wall_le_3mm.drawn_solution_aged", "360/380/400"),
    (88, "表15", "continuous_cast_rolled_rod", "130/150/235"),
    (89, "表15", "drawn_bar_fastener_wire.d_gt_10mm", "140/160/180"),
    (90, "表15", "drawn_bar_fastener_wire.d_5_10mm", "175/195/215"),
    (91, "表15", "drawn_bar_fastener_wire.d_le_5mm", "220/240/260"),
    (92, "表15", "drawn_bar_fastener_wire.other_wire.d_5_10mm", "20/25/35"),
    (93, "表15", "drawn_bar_fastener_wire.other_wire.d_3_5mm", "35/50/75"),
    (94, "表15", "drawn_bar_fastener_wire.other_wire.d_1_3mm", "60/80/125"),
    (95, "表15", "drawn_bar_fastener_wire.other_wire.d_0_5_1mm", "98/115/165"),
    (96, "表15", "drawn_bar_fastener_wire.other_wire.d_0_25_0_5mm", "110/145/195"),
    (97, "表15", "drawn_bar_fastener_wire.other_wire.d_0_10_0_25mm", "140/195/235"),
    (98, "表16", "surface_treated.anodised", "115/125/150"),
    (99, "表16", "surface_treated.electrophoretic", "155/170/200"),
    (100, "表16", "surface_treated.powder_coated", "55/65/90"),
    (101, "表16", "surface_treated.painted", "150/180/230"),
    (102, "表17", "composite_profile", "3/4/5"),
    (103, "表18", "open_die_forging.forged", "440/490/540"),
    (104, "表18", "open_die_forging.forged_annealed", "540/600/660"),
    (105, "表18", "open_die_forging.forged_solution_aged", "610/680/750"),
    (106, "表19", "closed_die_forging.forged", "480/530/590"),
    (107, "表19", "closed_die_forging.forged_annealed", "590/650/725"),
    (108, "表19", "closed_die_forging.forged_solution_aged", "670/740/825"),
]
PAGES = {"表2": "6", "表3": "7", "表4": "7", "表5": "8", "表6": "8", "表7": "8", "表8": "9", "表9": "9", "表10": "10",
         "表11": "10", "表12": "11", "表13": "11", "表14": "12", "表15": "12", "表16": "13", "表17": "13", "表18": "14",
         "表19": "14"}


def test_file_and_provenance() -> None:
    std = load_quota_standard(STD)
    assert std.standard == "GB 21351-2023" and std.title_zh == "变形铝及铝合金单位产品能源消耗限额"
    assert std.published == "2023-05-23" and std.effective_from == "2024-06-01"
    assert [i.id for i in std.indicators] == [f"{r[2]}.comprehensive_energy" for r in ROWS]
    assert [r[0] for r in ROWS] == list(range(1, 109))
    for (_, table, _, _), ind in zip(ROWS, std.indicators, strict=True):
        assert ind.table == table and ind.page == PAGES[table] and ind.clause == "4", ind.id
        assert ind.unit == "kgce/t" and ind.status == "unverified", ind.id
        assert bool(ind.corrections) == (table in ("表18", "表19")), ind.id
        assert "882a07e02e107340177d54ea6180ae45fd57bcda" in ind.source
        assert "b5cf90fc409e34926e6bd99c3b4215dac6c50c4f38ca61c7a82ae7c97afd1b10" in ind.source


@pytest.mark.parametrize(("row", "table", "indicator", "limits"), ROWS)
def test_boundaries(row: int, table: str, indicator: str, limits: str) -> None:
    """value = Lg grades g; Lg + 0.01 grades g + 1 (or 未达限定值 past grade 3). Forgings at 1 heat (no increment)."""
    ind = load_quota_standard(STD).indicator(f"{indicator}.comprehensive_energy")
    inputs = ONE_HEAT if table in ("表18", "表19") else None
    values = limits.split("/")
    for g, text in enumerate(values, start=1):
        limit = D(text)
        assert evaluate(ind, limit, inputs).grade == g, (row, g)
        assert evaluate(ind, limit + CENT, inputs).grade == (g + 1 if g < 3 else None), (row, g)
    assert evaluate(ind, D(values[2]) + CENT, inputs).verdict_zh == "未达限定值"


def test_gap_in_tce() -> None:
    """Flat ingot from remelt, cast + homogenised, class I, at 200 kgce/t on 50 000 t: 35 kgce/t over grade 1
    (165) = 1750 tce; 3级 (190 < 200 ≤ 235)."""
    ind = load_quota_standard(STD).indicator("flat_ingot.remelt.cast_homogenised.class_1.comprehensive_energy")
    r = evaluate(ind, D(200), production=D(50000))
    assert r.verdict_zh == "3级" and r.gap_to_grade1 == D(35) and r.gap_to_grade1_tce == D(1750)


@pytest.mark.parametrize(("indicator", "heats", "expected"), [
    # open-die forging 440/490/540 + (h − 1) × 260/290/320
    ("open_die_forging.forged", "1", ("440", "490", "540")),
    ("open_die_forging.forged", "2", ("700", "780", "860")),
    ("open_die_forging.forged", "2.5", ("830", "925", "1020")),
    # closed-die forging, solution + ageing 670/740/825 + (h − 1) × 300/330/370
    ("closed_die_forging.forged_solution_aged", "3", ("1270", "1400", "1565")),
    ("closed_die_forging.forged_annealed", "1.2", ("650", "716", "799")),
])
def test_forging_heats(indicator: str, heats: str, expected: tuple[str, str, str]) -> None:
    ind = load_quota_standard(STD).indicator(f"{indicator}.comprehensive_energy")
    inputs = {"forging_heats": D(heats)}
    limits, applied = corrected_limits(ind, inputs)
    assert limits == {g: D(v) for g, v in enumerate(expected, start=1)}
    assert applied[0].id == "forging_heats"
    top = D(expected[2])
    assert evaluate(ind, top, inputs).grade == 3 and evaluate(ind, top + CENT, inputs).grade is None


def test_forging_heats_required_and_at_least_one() -> None:
    ind = load_quota_standard(STD).indicator("open_die_forging.forged.comprehensive_energy")
    with pytest.raises(InputError):
        evaluate(ind, D(400))
    with pytest.raises(InputError):
        evaluate(ind, D(400), {"forging_heats": D("0.5")})
