"""Benchmark/baseline levels of 《工业重点领域能效标杆水平和基准水平（2023年版）》 (发改产业〔2023〕723号).

Expected values are typed here from the page they were read from, independently of the shipped CSV:
http://ny.zjferroalloy.com/blog/energy-eficiency-benchmark-level-and-benchmark-level-in-key-fields-of-ferrosilicon-lndustry-2023-edition
(posted 2023-07-07): 锰硅合金 单位产品综合能耗 950 / 860 kgce/t, 硅铁 1850 / 1770 kgce/t (the lower one is the
标杆, lower energy being better). The grading boundaries pair them with the GB 21341-2022 indicators of the same
name and unit for the test only: the shipped file does not map them (the table's 参考标准 was not read).
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from zerocarbon.energy import levels as levels_mod
from zerocarbon.energy.levels import DOCUMENT_NO, LEVEL_COLUMNS, levels_for, load_levels
from zerocarbon.energy.quota import BenchmarkLevels, evaluate
from zerocarbon.energy.reference import load_quota_standard
from zerocarbon.energy.register import QuotaRow
from zerocarbon.errors import FactorError
from zerocarbon.services.efficiency.indicators import grade_indicators

CENT = D("0.01")
KGCE = D("0.1229")
#: product → (benchmark, baseline) [kgce/t], from the page above.
READ = {"锰硅合金": (D(860), D(950)), "硅铁": (D(1770), D(1850))}
GB21341 = {"锰硅合金": "ferroalloy.silicomanganese.comprehensive_energy",
           "硅铁": "ferroalloy.ferrosilicon.comprehensive_energy"}
HEADER = ",".join(LEVEL_COLUMNS)


def _row(product: str) -> levels_mod.LevelRow:
    return next(r for r in load_levels() if r.product_zh == product)


def test_shipped_file_loads_with_provenance() -> None:
    rows = load_levels()
    assert {r.product_zh: (r.benchmark, r.baseline) for r in rows} == READ
    for r in rows:
        assert r.unit == "kgce/t" and r.indicator_zh == "单位产品综合能耗" and r.sector_zh == "铁合金冶炼"
        assert r.status == "unverified" and r.check_source == ""
        assert "zjferroalloy.com" in r.source and "2023-07-07" in r.source
        assert (r.quota_standard, r.quota_indicator, r.reference_standard) == ("", "", "")   # not mapped
        assert DOCUMENT_NO in r.document and r.product_zh in r.document
    assert len({r.row_id for r in rows}) == len(rows)


def test_unmapped_rows_give_no_levels() -> None:
    for product, iid in GB21341.items():
        assert levels_for("gb21341-2022", iid) is None, product


@pytest.mark.parametrize("product", sorted(READ))
def test_grading_at_the_benchmark(product: str) -> None:
    """x = B → 达到标杆; x = B + 0.01 → the quota grade (GB 21341-2022: B is grade 2, so 3级); x = baseline + 0.01
    → 未达限定值 (the baseline equals GB 21341-2022 grade 3)."""
    bench, base = READ[product]
    levels = _row(product).levels()
    assert (levels.benchmark, levels.baseline, levels.status) == (bench, base, "unverified")
    assert DOCUMENT_NO in levels.document and "zjferroalloy.com" in levels.document
    ind = load_quota_standard("gb21341-2022").indicator(GB21341[product])
    at = evaluate(ind, bench, levels=levels)
    assert at.verdict_zh == "达到标杆" and at.gap_to_benchmark == 0
    above = evaluate(ind, bench + CENT, levels=levels, production=D(1000))
    assert above.verdict_zh == "3级" and above.gap_to_benchmark == CENT
    assert above.gap_to_benchmark_tce == CENT * D(1000) / D(1000)          # kgce/t × t ÷ 1000 = tce
    assert evaluate(ind, base + CENT, levels=levels).verdict_zh == "未达限定值"


def _mapped_file(tmp_path: Path, *, unit: str = "kgce/t", bench: str = "860", base: str = "950",
                 indicator: str = "ferroalloy.silicomanganese.comprehensive_energy", status: str = "unverified",
                 reference: str = "GB 21341-2022", extra: str = "") -> Path:
    path = tmp_path / "levels.csv"
    path.write_text(
        "# test file\n" + HEADER + "\n"
        f"T1,铁合金冶炼,锰硅合金,单位产品综合能耗,{unit},{bench},{base},{reference},gb21341-2022,{indicator},"
        f"test source,,{status},\n" + extra, encoding="utf-8")
    return path


def test_diagnosis_uses_mapped_levels_when_the_factory_gives_none(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(levels_mod, "LEVELS_PATH", _mapped_file(tmp_path))
    iid = "ferroalloy.silicomanganese.comprehensive_energy"
    at = QuotaRow(product="锰硅", standard="gb21341-2022", indicator=iid, value=D(860))
    above = QuotaRow(product="锰硅", standard="gb21341-2022", indicator=iid, value=D("860.01"))
    out_at, out_above = (r.to_dict() for r in grade_indicators([at, above], None, None, KGCE))
    assert out_at["verdict_zh"].startswith("达到标杆（") and DOCUMENT_NO in out_at["verdict_zh"]
    assert "锰硅合金" in out_at["verdict_zh"] and DOCUMENT_NO in out_at["verdict_en"]
    assert out_at["benchmark"] == "860" and out_at["baseline"] == "950" and out_at["levels_status"] == "unverified"
    assert "test source" in out_at["levels_source"] and out_at["gap_to_benchmark"] == "0"
    assert out_above["verdict_zh"] == "3级" and out_above["gap_to_benchmark"] == "0.01"


def test_factory_levels_take_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(levels_mod, "LEVELS_PATH", _mapped_file(tmp_path))
    row = QuotaRow(product="锰硅", standard="gb21341-2022", indicator="ferroalloy.silicomanganese.comprehensive_energy",
                   value=D(855), benchmark=D(850), baseline=D(950), levels_source="企业对标文件 表3")
    out = grade_indicators([row], None, None, KGCE)[0].to_dict()
    # the mapped test row (860) would say 达到标杆 at 855; the factory's own 850 does not: 855 > 850 = grade 1
    assert out["verdict_zh"] == "2级" and out["benchmark"] == "850" and out["levels_source"] == "企业对标文件 表3"
    assert out["levels_status"] == "user-supplied"


def test_broken_levels_file_is_reported_per_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(levels_mod, "LEVELS_PATH", _mapped_file(tmp_path, unit="kWh/t"))
    row = QuotaRow(product="锰硅", standard="gb21341-2022", indicator="ferroalloy.silicomanganese.comprehensive_energy",
                   value=D(860))
    result = grade_indicators([row], None, None, KGCE)[0]
    assert result.verdict is None and "levels.csv" in result.reason_en and "unit" in result.reason_en


def test_shipped_data_leaves_the_verdict_to_the_grades() -> None:
    row = QuotaRow(product="锰硅", standard="gb21341-2022", indicator="ferroalloy.silicomanganese.comprehensive_energy",
                   value=D(860))
    out = grade_indicators([row], None, None, KGCE)[0].to_dict()
    assert out["verdict_zh"] == "2级" and out["benchmark"] is None and out["gap_to_benchmark"] is None


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"status": "checked"}, "status"),
    ({"bench": "960"}, "benchmark"),
    ({"unit": "kWh/t"}, "unit"),
    ({"indicator": "ferroalloy.no_such.comprehensive_energy"}, "quota_indicator"),
    ({"reference": ""}, "quota_indicator"),
    ({"bench": "八六〇"}, None),
])
def test_loader_rejects_bad_rows(tmp_path: Path, kwargs: dict[str, str], field: str | None) -> None:
    with pytest.raises(FactorError) as err:
        load_levels(_mapped_file(tmp_path, **kwargs))
    assert err.value.file == "levels.csv"
    if field is not None:
        assert err.value.field == field


def test_loader_rejects_repeats(tmp_path: Path) -> None:
    twice = ("T2,铁合金冶炼,锰硅合金,单位产品综合能耗,kgce/t,860,950,GB 21341-2022,gb21341-2022,"
             "ferroalloy.silicomanganese.comprehensive_energy,x,,unverified,\n")
    with pytest.raises(FactorError) as err:
        load_levels(_mapped_file(tmp_path, extra=twice))
    assert "mapped twice" in err.value.message("en")
    with pytest.raises(FactorError):
        load_levels(_mapped_file(tmp_path, extra=twice.replace("T2", "T1").replace("silicomanganese", "ferrosilicon")))


def test_benchmark_levels_shape() -> None:
    assert isinstance(_row("硅铁").levels(), BenchmarkLevels)
