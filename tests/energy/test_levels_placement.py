"""Where a unit-product energy sits between 标杆水平 B and 基准水平 Z: the share of the way from the baseline to the
benchmark, the gaps per unit and in tce, the sentence in zh and en, and where the levels came from.

Levels used: 硅铁 单位产品综合能耗 B = 1770, Z = 1850 kgce/t, typed from the page the shipped row was read from
(http://ny.zjferroalloy.com/blog/energy-eficiency-benchmark-level-and-benchmark-level-in-key-fields-of-ferrosilicon-
lndustry-2023-edition, 2023 edition); the kWh/t and negative pairs are hypothetical levels a user could supply.
Boundary (levels.py, :func:`position`): a value equal to a level reaches it (x ≤ B 达到标杆, B < x ≤ Z 达到基准),
as a quota grade is reached at its limit. Hand-worked values:

* x = 1820, 2000 t: share (1850 − 1820) / (1850 − 1770) = 30 / 80 = 0.375; gap to B 50 kgce/t × 2000 t / 1000 =
  100 tce; gap to Z 0.
* x = 1850.01, 2000 t: above Z by 0.01 → 0.02 tce; gap to B 80.01 → 160.02 tce.
* kWh/t, B = 8000, Z = 8400, x = 8100, 1000 t, 0.1229 kgce/kWh: share 300 / 400 = 0.75; gap 100 kWh/t →
  100 × 1000 × 0.1229 / 1000 = 12.29 tce.
* B = −30, Z = −10 (an exporting process), x = −20: share (−10 + 20) / 20 = 0.5.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from zerocarbon.energy.levels import ACTIONS, NO_LEVELS, ORIGINS, SHIPPED, load_levels, no_levels_text, position
from zerocarbon.energy.quota import BenchmarkLevels
from zerocarbon.errors import InputError

FESI = BenchmarkLevels(D(1770), D(1850), "企业摘录 723号 硅铁", "user-supplied")
T = D(2000)  # production [t]


@pytest.mark.parametrize(("value", "key", "share", "gap_b", "gap_z"), [
    (D("1769.99"), "benchmark", None, D(0), D(0)),
    (D("1770"), "benchmark", None, D(0), D(0)),                    # equal to the benchmark: reached
    (D("1770.01"), "baseline", D("79.99") / D(80), D("0.01"), D(0)),
    (D("1820"), "baseline", D("0.375"), D(50), D(0)),
    (D("1850"), "baseline", D(0), D(80), D(0)),                     # equal to the baseline: reached, 0 % of the way
    (D("1850.01"), "below_baseline", None, D("80.01"), D("0.01")),
])
def test_both_sides_of_each_level(value: D, key: str, share: D | None, gap_b: D, gap_z: D) -> None:
    p = position(FESI, value, unit="kgce/t", production=T)
    assert (p.key, p.share_to_benchmark, p.gap_to_benchmark, p.gap_to_baseline) == (key, share, gap_b, gap_z)
    assert p.gap_to_benchmark_tce == gap_b * T / 1000 and p.gap_to_baseline_tce == gap_z * T / 1000


def test_hand_worked_tce() -> None:
    assert position(FESI, D(1820), unit="kgce/t", production=T).gap_to_benchmark_tce == D(100)
    below = position(FESI, D("1850.01"), unit="kgce/t", production=T)
    assert (below.gap_to_baseline_tce, below.gap_to_benchmark_tce) == (D("0.02"), D("160.02"))
    assert position(FESI, D(1820), unit="kgce/t").gap_to_benchmark_tce is None      # no production: no tce


def test_electricity_levels_need_the_coefficient() -> None:
    kwh = BenchmarkLevels(D(8000), D(8400), "hypothetical", "user-supplied")
    p = position(kwh, D(8100), unit="kWh/t", production=D(1000), kgce_per_kwh=D("0.1229"))
    assert p.share_to_benchmark == D("0.75") and p.gap_to_benchmark == D(100) and p.gap_to_benchmark_tce == D("12.29")
    assert position(kwh, D(8100), unit="kWh/t", production=D(1000)).gap_to_benchmark_tce is None


def test_lower_is_better() -> None:
    """Along increasing x the position never improves and the share never grows."""
    rank = {"benchmark": 0, "baseline": 1, "below_baseline": 2}
    xs = [D(1700) + D(5) * i for i in range(40)]  # 1700 … 1895
    placed = [position(FESI, x) for x in xs]
    assert [rank[p.key] for p in placed] == sorted(rank[p.key] for p in placed)
    shares = [p.share_to_benchmark for p in placed if p.share_to_benchmark is not None]
    assert shares == sorted(shares, reverse=True) and shares[0] < 1 and shares[-1] == 0
    assert [p.gap_to_benchmark for p in placed] == sorted(p.gap_to_benchmark for p in placed)


def test_negative_levels_and_equal_levels() -> None:
    export = BenchmarkLevels(D(-30), D(-10), "hypothetical", "user-supplied")
    assert position(export, D(-20)).share_to_benchmark == D("0.5")
    assert position(export, D(-31)).key == "benchmark" and position(export, D(-9)).key == "below_baseline"
    same = BenchmarkLevels(D(100), D(100), "hypothetical", "user-supplied")  # no band between them
    assert [position(same, D(v)).key for v in ("100", "100.01")] == ["benchmark", "below_baseline"]


def test_refusals() -> None:
    with pytest.raises(InputError) as err:
        position(BenchmarkLevels(D(1850), D(1770), "swapped", "user-supplied"), D(1800))
    assert err.value.field == "benchmark" and "基准水平" in err.value.message("zh")
    for bad in (D("NaN"), D("Infinity")):
        with pytest.raises(InputError):
            position(FESI, bad)


def test_sentences_in_each_language() -> None:
    between = position(FESI, D(1820), unit="kgce/t", production=T)
    assert between.text("zh") == ("介于标杆与基准之间：已完成由基准 1850 至标杆 1770 的 37.5%；"
                                  "距标杆 50 kgce/t（100 tce）")
    assert between.text("en") == ("between the benchmark and the baseline: 37.5 % of the way from the baseline 1850 "
                                  "to the benchmark 1770; 50 kgce/t (100 tce) to the benchmark")
    below = position(FESI, D("1850.01"), unit="kgce/t", production=T)
    assert below.text("zh").startswith("未达基准：高于基准 1850 kgce/t，超出 0.01 kgce/t（0.02 tce）；"
                                       "距标杆 80.01 kgce/t")
    assert below.text("zh").endswith(ACTIONS["below_baseline"][0]) and "淘汰" in below.text("zh")
    assert "elimination" in below.text("en") and not any("\u4e00" <= c <= "\u9fff" for c in below.text("en"))
    assert position(FESI, D(1770), unit="kgce/t").text("zh") == "达到标杆：不高于标杆 1770 kgce/t"
    assert no_levels_text("zh") == NO_LEVELS[0] and "not placed" in no_levels_text("en")


def test_origin_and_dict() -> None:
    shipped = next(r for r in load_levels() if r.product_zh == "硅铁").levels()
    assert shipped.origin == SHIPPED and "No. 723" not in shipped.document
    assert shipped.document_en.startswith("Energy-efficiency benchmark and baseline levels")
    assert "row NDRC2023-723.ferroalloy.ferrosilicon" in shipped.document_en
    d = position(shipped, D(1820), unit="kgce/t", production=T).to_dict()
    assert d["key"] == "baseline" and d["share_to_benchmark"] == "0.375" and d["gap_to_benchmark_tce"] == "100"
    assert (d["origin"], d["origin_zh"], d["origin_en"]) == (SHIPPED, *ORIGINS[SHIPPED])
    assert d["text_zh"].startswith("介于标杆与基准之间") and d["status"] == "unverified"
    own = position(FESI, D(1700)).to_dict()
    assert own["origin"] == "user-supplied" and own["document_en"] == own["document"] == "企业摘录 723号 硅铁"
    assert own["share_to_benchmark"] is None and own["gap_to_benchmark_tce"] is None


def test_rounding_never_contradicts_the_position() -> None:
    """A value a hair above a level: the sentence never shows a 0 gap, nor 100 % of the way before the benchmark.

    x = 1770.004 (B = 1770, Z = 1850, 2000 t): 达到基准, gap to B 0.004 kgce/t (0.008 tce), share 79.996 / 80 =
    99.995 % (half-up to one place would print 100 %); x = 1850.004: above Z by 0.004 kgce/t (0.008 tce).
    """
    near_b = position(FESI, D("1770.004"), unit="kgce/t", production=T)
    zh, en = near_b.text("zh"), near_b.text("en")
    assert near_b.key == "baseline" and "100%" not in zh and "100 %" not in en
    assert "的 99.9%；距标杆 <0.01 kgce/t（0.01 tce）" in zh and "99.9 % of the way" in en
    above_z = position(FESI, D("1850.004"), unit="kgce/t")
    assert above_z.key == "below_baseline" and "超出 <0.01 kgce/t" in above_z.text("zh")
    assert "by <0.01 kgce/t" in above_z.text("en")
    # ordinary values keep the half-up display
    assert "的 62.5%；距标杆 30 kgce/t" in position(FESI, D(1800), unit="kgce/t").text("zh")


def test_refusals_of_non_finite_levels_and_negative_production() -> None:
    with pytest.raises(InputError) as err:
        position(BenchmarkLevels(D("NaN"), D(1850), "bad", "user-supplied"), D(1800))
    assert err.value.field == "benchmark"
    with pytest.raises(InputError):
        position(BenchmarkLevels(D(1770), D("Infinity"), "bad", "user-supplied"), D(1800))
    with pytest.raises(InputError) as err:
        position(FESI, D(1800), unit="kgce/t", production=D(-2000))
    assert err.value.field == "production"
    with pytest.raises(InputError):
        position(FESI, D(1800), unit="kgce/t", production=D("NaN"))
    assert position(FESI, D(1800), unit="kgce/t", production=D(0)).gap_to_benchmark_tce == 0
