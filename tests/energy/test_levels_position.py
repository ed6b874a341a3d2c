"""达到标杆 / 达到基准 / 未达基准 against the shipped 2023 levels (发改产业〔2023〕723号).

Expected levels are typed here from the page they were read from, independently of the shipped CSV:
http://ny.zjferroalloy.com/blog/energy-eficiency-benchmark-level-and-benchmark-level-in-key-fields-of-ferrosilicon-lndustry-2023-edition
(posted 2023-07-07, 2023 edition): 硅铁 单位产品综合能耗 1850 / 1770 kgce/t, 锰硅合金 950 / 860 kgce/t (the lower
one is the 标杆). The measured values below are chosen by hand around those levels.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from zerocarbon.energy.levels import LEVEL_COLUMNS, POSITIONS, levels_for, load_levels, position
from zerocarbon.energy.quota import BenchmarkLevels
from zerocarbon.errors import InputError

#: product → (标杆, 基准) [kgce/t], from the page above.
READ = {"硅铁": (D(1770), D(1850)), "锰硅合金": (D(860), D(950))}


def _levels(product: str) -> BenchmarkLevels:
    return next(r for r in load_levels() if r.product_zh == product).levels()


@pytest.mark.parametrize(("product", "value", "zh", "gap_b", "gap_z"), [
    ("硅铁", D("1700"), "达到标杆", D(0), D(0)),
    ("硅铁", D("1770"), "达到标杆", D(0), D(0)),            # at the benchmark: reached
    ("硅铁", D("1770.01"), "达到基准", D("0.01"), D(0)),
    ("硅铁", D("1850"), "达到基准", D(80), D(0)),             # at the baseline: reached
    ("硅铁", D("1850.01"), "未达基准", D("80.01"), D("0.01")),
    ("锰硅合金", D("860"), "达到标杆", D(0), D(0)),
    ("锰硅合金", D("905"), "达到基准", D(45), D(0)),
    ("锰硅合金", D("1000"), "未达基准", D(140), D(50)),
])
def test_position_against_shipped_rows(product: str, value: D, zh: str, gap_b: D, gap_z: D) -> None:
    levels = _levels(product)
    assert (levels.benchmark, levels.baseline) == READ[product]
    out = position(levels, value)
    assert out.verdict_zh == zh
    assert (out.gap_to_benchmark, out.gap_to_baseline) == (gap_b, gap_z)
    assert POSITIONS[out.key] == (out.verdict_zh, out.verdict_en)
    assert out.levels.status == "unverified" and "发改产业〔2023〕723号" in out.levels.document


def test_english_words() -> None:
    levels = _levels("硅铁")
    assert [position(levels, D(v)).verdict_en for v in ("1770", "1800", "1900")] == [
        "benchmark reached", "baseline reached", "below baseline"]


def test_mapped_row_through_levels_for(tmp_path: Path) -> None:
    """A row mapped to a quota indicator (test file: the shipped rows are not mapped) gives the same verdicts."""
    path = tmp_path / "levels.csv"
    path.write_text(
        "# test file\n" + ",".join(LEVEL_COLUMNS) + "\n"
        "T1,铁合金冶炼,硅铁,单位产品综合能耗,kgce/t,1770,1850,GB 21341-2022,gb21341-2022,"
        "ferroalloy.ferrosilicon.comprehensive_energy,test source,,unverified,\n", encoding="utf-8")
    levels = levels_for("gb21341-2022", "ferroalloy.ferrosilicon.comprehensive_energy", path)
    assert levels is not None
    assert [position(levels, D(v)).key for v in ("1769.99", "1850", "1851")] == [
        "benchmark", "baseline", "below_baseline"]


def test_value_must_be_decimal() -> None:
    with pytest.raises(InputError):
        position(_levels("硅铁"), 1800)  # type: ignore[arg-type]
