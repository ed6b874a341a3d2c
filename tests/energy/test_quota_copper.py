"""GB 21350-2023 铜及铜合金加工材单位产品能源消耗限额, 表2 管材, 表3 棒材、线材（挤压法）, 表4 棒材、线材（连续法）,
表5 棒材、线材（连续铸造法）, 表6 线材（连铸法）, 表7 板、带、箔材（热轧法）, 表8 板、带、箔材（水平方向连续铸造法）,
表9 板、带、箔材（连续挤压法） and 表10 电工用铜线坯 (108 rows, kgce/t).

Expected limits are typed here from adgo07/ECQuota-Insight data/definitions/gb-21350-2023.json (commit 62e6f2bd…,
products table-2-row-1 … table-9-row-105 and table-10-wire-106 … 108, ``base_thresholds`` level_1/2/3),
independently of the shipped YAML. In the transcription every grade of 表2–表9 is the base value × the
product-specification coefficient of the table footnotes; 表10 has no coefficient.
Order per table: 紫铜, 普通黄铜, 复杂黄铜, 青铜、高铜 (表6, 表8: 青铜), 白铜 (表8 has no 复杂黄铜, 表9 only 紫铜), each
熔铸工序 / 加工工序 / 全工序.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from zerocarbon.energy.quota import corrected_limits, evaluate
from zerocarbon.energy.reference import load_quota_standard
from zerocarbon.errors import InputError

CENT = D("0.01")
STD = "gb21350-2023"
ONE = {"product_spec_coef": D(1)}
ALLOYS = ["pure_copper", "common_brass", "complex_brass", "bronze_high_copper", "cupronickel"]
STAGES = ["casting", "processing", "whole_process"]
TUBE = [  # 表2 管材
    "55/60/70", "120/130/160", "190/200/250",       # 紫铜
    "60/68/80", "155/160/185", "270/290/320",       # 普通黄铜
    "90/95/110", "195/200/210", "400/450/510",      # 复杂黄铜
    "98/100/105", "158/160/175", "480/490/530",     # 青铜、高铜
    "90/100/115", "195/200/210", "430/450/500",     # 白铜
]
BAR_EXTRUDED = [  # 表3 棒材、线材（挤压法）
    "68/73/79", "117/125/152", "199/215/270",
    "58/62/76", "134/145/183", "197/212/274",
    "64/70/87", "134/146/184", "211/219/284",
    "110/118/146", "218/223/286", "340/366/458",
    "112/120/148", "200/214/263", "318/342/428",
]
BAR_CONTINUOUS = [  # 表4 棒材、线材（连续法）, PDF p.6
    "68/73/79", "34/37/41", "106/117/129",
    "58/62/76", "125/131/141", "179/212/232",
    "45/55/69", "72/93/119", "135/164/194",
    "67/70/75", "120/129/140", "194/206/218",
    "90/98/109", "108/119/132", "203/226/247",
]
BAR_CONTINUOUS_CASTING = [  # 表5 棒材、线材（连续铸造法）, PDF p.6
    "41/43/47", "26/31/37", "70/80/90",
    "45/48/53", "31/35/40", "91/106/119",
    "41/46/54", "35/42/52", "91/106/119",
    "95/107/121", "66/78/93", "172/194/215",
    "74/78/84", "76/83/92", "159/173/185",
]
WIRE_CONTINUOUS_CASTING = [  # 表6 线材（连铸法）, PDF p.8; alloys 紫铜, 普通黄铜, 复杂黄铜, 青铜, 白铜
    "45/47/51", "43/52/63", "100/114/129",
    "50/54/59", "71/79/89", "130/151/170",
    "45/52/60", "78/96/116", "130/151/170",
    "106/118/133", "94/112/133", "229/257/286",
    "82/87/93", "109/119/131", "199/216/231",
]
PLATE_HOT_ROLLED = [  # 表7 板、带、箔材（热轧法）, PDF p.8
    "58/63/73", "115/120/155", "190/200/270",
    "53/55/63", "210/220/250", "280/290/350",
    "77/80/93", "280/290/330", "460/480/540",
    "133/138/155", "275/290/315", "540/570/620",
    "133/138/155", "270/285/315", "500/520/580",
]
PLATE_HORIZONTAL_CASTING = [  # 表8 板、带、箔材（水平方向连续铸造法）, PDF p.9; 紫铜, 普通黄铜, 青铜, 白铜
    "53/58/68", "100/110/125", "170/180/200",
    "45/50/60", "110/115/130", "170/180/210",
    "90/95/110", "210/220/260", "370/400/430",
    "90/100/130", "230/245/285", "430/450/500",
]
PLATE_CONTINUOUS_EXTRUSION = ["40/42/46", "110/120/130", "160/170/185"]  # 表9, PDF p.9, 紫铜 only
WIRE_ROD = [  # 表10 电工用铜线坯, PDF p.9, no specification coefficient
    ("copper.wire_rod.upcast.cathode_copper.comprehensive_energy", "45/52/56"),
    ("copper.wire_rod.continuous_cast_rolled.cathode_copper.comprehensive_energy", "54/57/66"),
    ("copper.wire_rod.continuous_cast_rolled.recycled_copper.comprehensive_energy", "100/130/180"),
]
PAGE = {"表2": "5", "表3": "5", "表4": "6", "表5": "6", "表6": "8", "表7": "8", "表8": "9", "表9": "9", "表10": "9"}


def _cases() -> list[tuple[str, str, str]]:
    out = []
    for table, shape, values in (("表2", "tube", TUBE), ("表3", "bar_wire_extruded", BAR_EXTRUDED),
                                 ("表4", "bar_wire_continuous", BAR_CONTINUOUS),
                                 ("表5", "bar_wire_continuous_casting", BAR_CONTINUOUS_CASTING)):
        ids = [f"copper.{shape}.{a}.{s}.comprehensive_energy" for a in ALLOYS for s in STAGES]
        out += [(table, i, v) for i, v in zip(ids, values, strict=True)]
    for table, shape, alloys, values in (
            ("表6", "wire_continuous_casting", [*ALLOYS[:3], "bronze", "cupronickel"], WIRE_CONTINUOUS_CASTING),
            ("表7", "plate_strip_foil_hot_rolled", ALLOYS, PLATE_HOT_ROLLED),
            ("表8", "plate_strip_foil_horizontal_continuous_casting",
             ["pure_copper", "common_brass", "bronze", "cupronickel"], PLATE_HORIZONTAL_CASTING),
            ("表9", "plate_strip_foil_continuous_extrusion", ["pure_copper"], PLATE_CONTINUOUS_EXTRUSION)):
        ids = [f"copper.{shape}.{a}.{s}.comprehensive_energy" for a in alloys for s in STAGES]
        out += [(table, i, v) for i, v in zip(ids, values, strict=True)]
    return out + [("表10", i, v) for i, v in WIRE_ROD]


CASES = _cases()


def test_file_and_provenance() -> None:
    std = load_quota_standard(STD)
    assert std.standard == "GB 21350-2023" and std.title_zh == "铜及铜合金加工材单位产品能源消耗限额"
    assert std.published == "2023-05-23" and std.effective_from == "2024-06-01"
    assert [i.id for i in std.indicators] == [c[1] for c in CASES]
    assert len(CASES) == 108
    for (table, _, _), ind in zip(CASES, std.indicators, strict=True):
        assert ind.table == table and ind.page == PAGE[table] and ind.unit == "kgce/t" and ind.status == "unverified"
        if table == "表10":
            assert ind.corrections == ()
            continue
        assert [c.id for c in ind.corrections] == ["product_spec_coef"] and ind.corrections[0].kind == "multiply"
        assert "62e6f2bd343bb7e32db602e124f1df3bf3dbe180" in ind.source
        assert "9d199c95ec19deb1876292e3fdd597726a2cc07ba3fd67adf55d54c35f46d327" in ind.source


@pytest.mark.parametrize(("table", "indicator", "limits"), CASES)
def test_boundaries(table: str, indicator: str, limits: str) -> None:
    """Ordinary specification (coefficient 1): value = Lg grades g; Lg + 0.01 grades g + 1 or 未达限定值."""
    ind = load_quota_standard(STD).indicator(indicator)
    values = limits.split("/")
    for g, text in enumerate(values, start=1):
        assert evaluate(ind, D(text), ONE).grade == g, (indicator, g)
        assert evaluate(ind, D(text) + CENT, ONE).grade == (g + 1 if g < 3 else None), (indicator, g)
    assert evaluate(ind, D(values[2]) + CENT, ONE).verdict_zh == "未达限定值"


def test_specification_coefficient_multiplies_every_grade() -> None:
    """Tube, pure copper, whole process 190/200/250 × 1.2 = 228/240/300."""
    ind = load_quota_standard(STD).indicator("copper.tube.pure_copper.whole_process.comprehensive_energy")
    inputs = {"product_spec_coef": D("1.2")}
    limits, applied = corrected_limits(ind, inputs)
    assert limits == {1: D("228.0"), 2: D("240.0"), 3: D("300.0")}
    assert applied[0].factor == D("1.2")
    assert evaluate(ind, D(300), inputs).grade == 3 and evaluate(ind, D("300.01"), inputs).grade is None


def test_specification_coefficient_is_never_assumed() -> None:
    ind = load_quota_standard(STD).indicator("copper.bar_wire_extruded.cupronickel.casting.comprehensive_energy")
    with pytest.raises(InputError):
        evaluate(ind, D(100))
    with pytest.raises(InputError):
        evaluate(ind, D(100), {"product_spec_coef": D(0)})


def test_hand_worked_continuous_casting_rod() -> None:
    """表5 棒材、线材（连续铸造法）, 紫铜 全工序 70/80/90 kgce/t, specification coefficient 1.05: 73.5/84/94.5.
    A plant at 82 kgce/t on 50 000 t is grade 2, 8.5 kgce/t above grade 1 = 425 tce."""
    ind = load_quota_standard(STD).indicator("copper.bar_wire_continuous_casting.pure_copper.whole_process"
                                             ".comprehensive_energy")
    inputs = {"product_spec_coef": D("1.05")}
    assert corrected_limits(ind, inputs)[0] == {1: D("73.50"), 2: D("84.00"), 3: D("94.50")}
    verdict = evaluate(ind, D(82), inputs, production=D(50_000))
    assert (verdict.grade, verdict.gap_to_grade1, verdict.gap_to_grade1_tce) == (2, D("8.50"), D("425"))


def test_hand_worked_hot_rolled_strip() -> None:
    """表7 板、带、箔材（热轧法）, 普通黄铜 全工序 280/290/350 kgce/t, coefficient 1.1: 308/319/385.
    A mill at 300 kgce/t on 20 000 t is grade 1 (gap 0); at 320 it is grade 3, 12 kgce/t above grade 1 = 240 tce;
    at 386 it misses the 限定值."""
    ind = load_quota_standard(STD).indicator("copper.plate_strip_foil_hot_rolled.common_brass.whole_process"
                                             ".comprehensive_energy")
    inputs = {"product_spec_coef": D("1.1")}
    assert corrected_limits(ind, inputs)[0] == {1: D("308.0"), 2: D("319.0"), 3: D("385.0")}
    assert evaluate(ind, D(300), inputs).grade == 1
    verdict = evaluate(ind, D(320), inputs, production=D(20_000))
    assert (verdict.grade, verdict.gap_to_grade1, verdict.gap_to_grade1_tce) == (3, D("12.0"), D("240"))
    missed = evaluate(ind, D(386), inputs)
    assert missed.grade is None and missed.verdict_zh == "未达限定值"


def test_hand_worked_wire_continuous_casting() -> None:
    """表6 线材（连铸法）, 青铜 全工序 229/257/286 kgce/t, ordinary specification (1.000): a plant at 250 kgce/t on
    8 000 t is grade 2, 21 kgce/t above grade 1 = 168 tce."""
    ind = load_quota_standard(STD).indicator("copper.wire_continuous_casting.bronze.whole_process.comprehensive_energy")
    verdict = evaluate(ind, D(250), ONE, production=D(8_000))
    assert (verdict.grade, verdict.gap_to_grade1, verdict.gap_to_grade1_tce) == (2, D("21"), D("168"))


def test_hand_worked_wire_rod_needs_no_coefficient() -> None:
    """表10 电工用铜线坯, 连铸连轧法 再生铜 100/130/180 kgce/t, no coefficient: 150 kgce/t on 30 000 t is grade 3,
    50 kgce/t above grade 1 = 1 500 tce; 上引连铸法 阴极铜 45/52/56: 52 is grade 2, 56.01 misses the 限定值."""
    std = load_quota_standard(STD)
    recycled = std.indicator("copper.wire_rod.continuous_cast_rolled.recycled_copper.comprehensive_energy")
    verdict = evaluate(recycled, D(150), production=D(30_000))
    assert (verdict.grade, verdict.gap_to_grade1, verdict.gap_to_grade1_tce) == (3, D("50"), D("1500"))
    upcast = std.indicator("copper.wire_rod.upcast.cathode_copper.comprehensive_energy")
    assert evaluate(upcast, D(52)).grade == 2 and evaluate(upcast, D("56.01")).grade is None


def test_horizontal_casting_plate_has_no_complex_brass() -> None:
    """表8 lists 紫铜, 普通黄铜, 青铜, 白铜 only; 表9 only 紫铜 (as transcribed)."""
    ids = {i.id for i in load_quota_standard(STD).indicators}
    assert "copper.plate_strip_foil_horizontal_continuous_casting.bronze.casting.comprehensive_energy" in ids
    assert not any(i.startswith("copper.plate_strip_foil_horizontal_continuous_casting.complex_brass") for i in ids)
    assert sum(i.startswith("copper.plate_strip_foil_continuous_extrusion.") for i in ids) == 3
