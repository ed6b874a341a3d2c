"""GB 21350-2023 铜及铜合金加工材单位产品能源消耗限额, 表2 管材, 表3 棒材、线材（挤压法）, 表4 棒材、线材（连续法）
and 表5 棒材、线材（连续铸造法） (60 rows, kgce/t).

Expected limits are typed here from adgo07/ECQuota-Insight data/definitions/gb-21350-2023.json (commit 62e6f2bd…,
products table-2-row-1 … table-5-row-60, ``base_thresholds`` level_1/2/3), independently of the shipped YAML. In the
transcription every grade is the base value × the product-specification coefficient of the table footnotes.
Order per table: 紫铜, 普通黄铜, 复杂黄铜, 青铜、高铜, 白铜, each 熔铸工序 / 加工工序 / 全工序.
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


def _cases() -> list[tuple[str, str, str]]:
    out = []
    for table, shape, values in (("表2", "tube", TUBE), ("表3", "bar_wire_extruded", BAR_EXTRUDED),
                                 ("表4", "bar_wire_continuous", BAR_CONTINUOUS),
                                 ("表5", "bar_wire_continuous_casting", BAR_CONTINUOUS_CASTING)):
        ids = [f"copper.{shape}.{a}.{s}.comprehensive_energy" for a in ALLOYS for s in STAGES]
        out += [(table, i, v) for i, v in zip(ids, values, strict=True)]
    return out


CASES = _cases()


def test_file_and_provenance() -> None:
    std = load_quota_standard(STD)
    assert std.standard == "GB 21350-2023" and std.title_zh == "铜及铜合金加工材单位产品能源消耗限额"
    assert std.published == "2023-05-23" and std.effective_from == "2024-06-01"
    assert [i.id for i in std.indicators] == [c[1] for c in CASES]
    for (table, _, _), ind in zip(CASES, std.indicators, strict=True):
        page = "5" if table in ("表2", "表3") else "6"
        assert ind.table == table and ind.page == page and ind.unit == "kgce/t" and ind.status == "unverified"
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
