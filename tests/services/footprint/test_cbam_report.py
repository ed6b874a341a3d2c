"""The CBAM installation file → operator-to-importer data (services/footprint/cbam_report.py).

The sample (src/zerocarbon/demo/sample_cbam.yaml, synthetic) worked by hand, rules as in
tests/footprint/test_cbam.py: billets 7601 20 80: 150 / 6000 = 0.025; ingot A 4200 / 6000 = 0.7 × 1.9
= 1.33; ingot B (default) 1900 / 6000 × 2.5 = 0.791666…; SEE = 2.146666… (aluminium: indirect not
counted). Profiles 7604 29 10: 30 / 4500 + 5400 / 4500 × 2.146666… = 0.006666… + 2.576 = 2.582666….
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import load_workbook

from zerocarbon.errors import InputError, InputErrors
from zerocarbon.services.footprint.cbam_report import run_cbam, write_cbam_outputs

SAMPLE = Path(__file__).resolve().parents[3] / "src" / "zerocarbon" / "demo" / "sample_cbam.yaml"

FACTORY = """
schema_version: 1
factory:
  id: T1
  name_zh: 测试工厂
  name_en: Test factory
  province: 江苏
  synthetic: true
  facilities:
  - {id: L1, name_zh: 线1, name_en: Line 1, kind: 主要生产系统}
activity:
- {id: NG, facility: L1, category: fuel_combustion, amount: '10', unit: 万Nm3, period: '2026', item: 天然气,
   source: bill}
"""

INSTALLATION = """
synthetic: true
installation: {name_zh: 测试装置, name_en: Test installation, operator: T1, country: CN, non_cbam_share: '0.6'}
reporting_period: {start: 2026-01-01, end: 2026-12-31}
goods:
- id: G
  name_zh: 型材
  name_en: profiles
  cn_code: 7604 29 10
  production_route: extrusion
  activity_t: '100'
  direct_share: '0.4'
  carbon_price: {scheme: test scheme, amount: '12.5', currency: CNY}
"""


def test_sample_hand_worked_and_files(tmp_path: Path) -> None:
    report = run_cbam(SAMPLE)
    data = report.to_dict()
    goods = {g["id"]: g for g in data["goods"]}
    assert D(goods["BIL"]["see_total"]) == D("0.025") + D("1.33") + D(1900) / D(6000) * D("2.5")
    assert D(goods["PRF"]["see_total"]) == D(30) / D(4500) + D(5400) / D(4500) * D(goods["BIL"]["see_total"])
    assert goods["PRF"]["see_indirect"] == "0" and goods["PRF"]["direct_only_annex_ii"] is True
    assert goods["BIL"]["derivation"][0]["values"] == "0.15 × 1000 = 150.00"
    assert data["synthetic"] is True and data["year"] == 2026 and data["not_implemented"]
    files = write_cbam_outputs(report, tmp_path)
    assert [f.name for f in files] == ["cbam.json", "cbam.zh-CN.xlsx", "cbam.en.xlsx"]
    zh, en = load_workbook(files[1]), load_workbook(files[2])
    assert zh.sheetnames == ["货物", "前体", "推导", "装置"] and en.sheetnames[0] == "Goods"
    heads_en = [c.value for c in en["Goods"][1]]
    assert "SEE direct [tCO2e/t]" in heads_en and "直接内含排放 [tCO2e/t]" in [c.value for c in zh["货物"][1]]
    assert not any(any("\u4e00" <= ch <= "\u9fff" for ch in str(h)) for h in heads_en)
    row = {h: c.value for h, c in zip(heads_en, en["Goods"][2], strict=True)}
    assert row["CN code"] == "76012080"
    assert abs(D(str(row["SEE total [tCO2e/t]"])) - D(goods["BIL"]["see_total"])) < D("1e-12")
    assert [c.value for c in en["Precursors"][2]][:3] == ["BIL", "ING-A", "76011000"]


def test_installation_direct_from_the_inventory(tmp_path: Path) -> None:
    """direct_share 0.4 of the inventory's scope-1 CO2 (10 万Nm3 of natural gas) over 100 t of profiles."""
    (tmp_path / "factory.yaml").write_text(FACTORY, encoding="utf-8")
    path = tmp_path / "cbam.yaml"
    path.write_text(INSTALLATION, encoding="utf-8")
    report = run_cbam(path, tmp_path / "factory.yaml")
    direct = report.installation_direct
    assert direct is not None and direct["lines"][0]["line"] == "NG" and D(direct["tco2e"]) > 0
    good = report.to_dict()["goods"][0]
    assert D(good["see_direct"]) == D("0.4") * D(direct["tco2e"]) / 100
    assert good["carbon_price"]["amount"] == "12.5" and "not deducted" in good["carbon_price"]["note"]


def test_inventory_of_another_year_is_refused(tmp_path: Path) -> None:
    (tmp_path / "factory.yaml").write_text(FACTORY.replace("'2026'", "'2027'"), encoding="utf-8")
    path = tmp_path / "cbam.yaml"
    path.write_text(INSTALLATION, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        run_cbam(path, tmp_path / "factory.yaml")
    assert "2027" in exc.value.message("en")


def test_shares_must_cover_the_installation(tmp_path: Path) -> None:
    path = tmp_path / "cbam.yaml"
    path.write_text(INSTALLATION.replace("non_cbam_share: '0.6'", "non_cbam_share: '0.5', direct_emissions_t: '80'"),
                    encoding="utf-8")
    with pytest.raises(InputError) as exc:
        run_cbam(path)
    assert exc.value.field == "goods[].direct_share" and "0.9" in (exc.value.expected or "")


def test_every_problem_located_in_both_languages(tmp_path: Path) -> None:
    bad = (INSTALLATION.replace("activity_t: '100'", "activity_t: '-1'").replace("2026-01-01", "2025-01-01")
           .replace("  direct_share: '0.4'\n", ""))
    path = tmp_path / "cbam.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(InputErrors) as exc:
        run_cbam(path)
    fields = {p.field for p in exc.value.problems}
    assert {"goods[0].activity_t", "reporting_period", "goods[0].attributed_direct_t"} <= fields
    assert all(p.file == str(path) for p in exc.value.problems)
    assert "第" in exc.value.message("zh") and "row" in exc.value.message("en")


def test_calculation_error_names_file_line_and_field(tmp_path: Path) -> None:
    text = INSTALLATION.replace("  direct_share: '0.4'\n", "  attributed_direct_t: '4'\n").replace(
        "non_cbam_share: '0.6'", "non_cbam_share: '0.6'") + (
        "  precursors:\n  - {id: X, cn_code: 7601 10 00, country: CN, basis: actual, mass_t: '10', see_direct: '2'}\n")
    path = tmp_path / "cbam.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        run_cbam(path)
    assert exc.value.file == str(path) and exc.value.row == 6
    assert exc.value.field == "goods.G.precursors[0].source"
    assert "核查报告" in exc.value.message("zh") and "verification report" in exc.value.message("en")


def test_default_basis_good_is_marked_up(tmp_path: Path) -> None:
    """Default total 2.0 for aluminium in 2027: × 1.20 = 2.4; the carbon price only by default prices."""
    text = INSTALLATION.replace("2026-", "2027-").replace("  direct_share: '0.4'\n", "  basis: default\n  "
                                                         "default_value: {total: '2.0', country: CN, source: test}\n")
    path = tmp_path / "cbam.yaml"
    path.write_text(text, encoding="utf-8")
    good = run_cbam(path).to_dict()["goods"][0]
    assert (good["see_total"], good["markup"], good["basis"]) == ("2.400", "0.20", "default")
    assert "default carbon prices" in good["carbon_price"]["note"]
