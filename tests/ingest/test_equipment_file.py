"""The equipment register file: template round trip, and the bad-input matrix (every error located, zh and en)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from zerocarbon.energy.equipment import EQUIPMENT
from zerocarbon.errors import InputError
from zerocarbon.ingest.equipment_file import SHEETS, load_equipment_file, write_equipment_template

SAMPLE = Path(__file__).parents[2] / "src" / "zerocarbon" / "demo" / "sample_equipment.yaml"


def test_template_columns_come_from_the_declaration(tmp_path: Path) -> None:
    path = write_equipment_template(tmp_path / "t.xlsx")
    wb = load_workbook(path)
    assert [s.zh for s in SHEETS] + ["说明"] == wb.sheetnames
    ws = wb["设备台账"]
    assert [c.value for c in ws[1]] == [a.zh for a in EQUIPMENT]
    assert [c.value for c in ws[2]] == [a.name for a in EQUIPMENT]


def test_sample_round_trips_through_the_template(tmp_path: Path) -> None:
    register = load_equipment_file(SAMPLE)
    path = write_equipment_template(tmp_path / "sample.xlsx", register)
    again = load_equipment_file(path)
    assert again.devices == register.devices
    assert again.settings == register.settings and again.conversions == register.conversions


def test_chinese_kind_names_are_mapped(tmp_path: Path) -> None:
    doc = _doc()
    doc["devices"][0]["kind"] = "低压电动机"
    assert _load(tmp_path, doc).devices[0].kind == "motor_lv"


def _doc() -> dict[str, Any]:
    return {"settings": {"year": 2023, "tariff_yuan_per_kwh": "0.7", "discount_rate": "0.06", "lifetime_years": 15},
            "devices": [{"code": "M1", "kind": "motor_lv", "rated_power_kw": "7.5", "poles": 4,
                         "efficiency_pct": "93", "running_hours": "4000", "load_factor": "0.7"},
                        {"code": "M2", "kind": "motor_lv", "rated_power_kw": "11", "poles": 4,
                         "efficiency_pct": "93", "running_hours": "4000", "load_factor": "0.7"}]}


def _load(tmp_path: Path, doc: dict[str, Any]) -> Any:
    path = tmp_path / "reg.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return load_equipment_file(path)


def _set(doc: dict[str, Any], part: str, index: int | None, field: str, value: object) -> dict[str, Any]:
    target = doc[part] if index is None else doc[part][index]
    if value is _DROP:
        target.pop(field)
    else:
        target[field] = value
    return doc


_DROP = object()
MATRIX = [
    # part, index, field, value, expected field, expected row (YAML rows count from 1)
    ("devices", 1, "efficiency_pct", "abc", "efficiency_pct", 2),
    ("devices", 1, "efficiency_pct", "101", "efficiency_pct", 2),
    ("devices", 1, "efficiency_pct", "-5", "efficiency_pct", 2),
    ("devices", 1, "load_factor", "1.3", "load_factor", 2),
    ("devices", 1, "load_factor", "0", "load_factor", 2),
    ("devices", 1, "running_hours", "9000", "running_hours", 2),
    ("devices", 1, "poles", "4.5", "poles", 2),
    ("devices", 1, "kind", "motor", "kind", 2),
    ("devices", 1, "cooling", "oil", "cooling", 2),
    ("devices", 1, "rated_power_kw", "0", "rated_power_kw", 2),
    ("devices", 1, "rated_power_kw", "NaN", "rated_power_kw", 2),
    ("devices", 1, "no_load_loss_kw", "-1", "no_load_loss_kw", 2),
    ("devices", 1, "code", _DROP, "code", 2),
    ("devices", 1, "colour", "red", "colour", 2),
    ("devices", 1, "code", "M1", "code", 2),                        # duplicate code
    ("settings", None, "tariff_yuan_per_kwh", _DROP, "tariff_yuan_per_kwh", None),
    ("settings", None, "tariff_yuan_per_kwh", "0", "tariff_yuan_per_kwh", None),
    ("settings", None, "discount_rate", "1.5", "discount_rate", None),
    ("settings", None, "lifetime_years", "0", "lifetime_years", None),
    ("settings", None, "value_added_10k_yuan", "100", None, None),  # no source given
]


@pytest.mark.parametrize(("part", "index", "field", "value", "want_field", "want_row"), MATRIX)
def test_bad_input_matrix_yaml(tmp_path: Path, part: str, index: int | None, field: str, value: object,
                               want_field: str | None, want_row: int | None) -> None:
    with pytest.raises(InputError) as info:
        _load(tmp_path, _set(_doc(), part, index, field, value))
    err = info.value
    assert err.file == "reg.yaml" and err.sheet == part
    assert err.field == want_field and err.row == want_row
    assert err.message("zh") and err.message("en") and err.message("zh") != err.message("en")


def test_bad_conversions_and_quota_rows(tmp_path: Path) -> None:
    doc = _doc()
    doc["conversions"] = [{"id": "B1", "kind": "boiler", "facility": "UT", "input_carrier": "natural_gas",
                           "output_carrier": "heat", "efficiency": "0.9", "outputs": "L1=0.5; L2=0.4", "note": "x"}]
    with pytest.raises(InputError) as info:
        _load(tmp_path, doc)
    assert (info.value.sheet, info.value.row, info.value.field) == ("conversions", 1, "outputs")
    doc = _doc()
    doc["quota"] = [{"product": "P", "standard": "gb16780-2021", "indicator": "cement.comprehensive_energy",
                     "benchmark": "80", "baseline": "90"}]
    with pytest.raises(InputError) as info:
        _load(tmp_path, doc)
    assert (info.value.sheet, info.value.row) == ("quota", 1) and "levels_source" in info.value.message("en")
    doc["quota"][0].update(levels_source="doc", corrections="clinker_ratio_pct=abc")
    with pytest.raises(InputError) as info:
        _load(tmp_path, doc)
    assert info.value.field == "corrections"


def _xlsx(tmp_path: Path) -> Path:
    return write_equipment_template(tmp_path / "reg.xlsx", load_equipment_file(SAMPLE))


@pytest.mark.parametrize(("cell", "value", "field"), [
    ("F3", "abc", "efficiency_pct"),     # 额定负载效率 (column of efficiency_pct)
    ("C3", "电炉", "kind"),
    ("P3", "2", "load_factor"),
])
def test_bad_cells_in_xlsx_are_located(tmp_path: Path, cell: str, value: str, field: str) -> None:
    path = _xlsx(tmp_path)
    wb = load_workbook(path)
    ws = wb["设备台账"]
    column = [c.value for c in ws[2]].index(field) + 1
    ws.cell(row=int(cell[1:]) + 2, column=column, value=value)  # the fifth device: row 5
    wb.save(path)
    with pytest.raises(InputError) as info:
        load_equipment_file(path)
    err = info.value
    assert (err.file, err.sheet, err.row, err.field) == ("reg.xlsx", "设备台账", 5, field)
    assert "工作表 设备台账" in err.message("zh") and "sheet 设备台账" in err.message("en")


def test_xlsx_structure_errors(tmp_path: Path) -> None:
    path = _xlsx(tmp_path)
    wb = load_workbook(path)
    wb["设备台账"].cell(row=2, column=1, value="serial")
    wb.save(path)
    with pytest.raises(InputError) as info:
        load_equipment_file(path)
    assert (info.value.sheet, info.value.row, info.value.field) == ("设备台账", 1, "serial")
    wb = load_workbook(_xlsx(tmp_path))
    del wb["参数"]
    wb.save(tmp_path / "no_settings.xlsx")
    with pytest.raises(InputError) as info:
        load_equipment_file(tmp_path / "no_settings.xlsx")
    assert info.value.sheet == "参数"
    wb = load_workbook(_xlsx(tmp_path))
    wb["参数"].append(["电费", "tariff", "0.7"])
    wb.save(tmp_path / "unknown_setting.xlsx")
    with pytest.raises(InputError) as info:
        load_equipment_file(tmp_path / "unknown_setting.xlsx")
    assert info.value.sheet == "参数" and info.value.field == "tariff"
    wb = load_workbook(_xlsx(tmp_path))
    wb["参数"].cell(row=3, column=3).value = None  # tariff_yuan_per_kwh emptied
    wb.save(tmp_path / "no_tariff.xlsx")
    with pytest.raises(InputError) as info:
        load_equipment_file(tmp_path / "no_tariff.xlsx")
    assert info.value.sheet == "参数" and info.value.field == "tariff_yuan_per_kwh"


def test_file_level_errors(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("a,b\n", encoding="utf-8")
    (tmp_path / "bad.xlsx").write_text("not a workbook", encoding="utf-8")
    (tmp_path / "list.yaml").write_text("- 1\n", encoding="utf-8")
    (tmp_path / "extra.yaml").write_text("devices: []\nsettings: {}\nmotors: []\n", encoding="utf-8")
    for name, expected in (("x.csv", "unsupported"), ("bad.xlsx", "cannot read"), ("list.yaml", "mapping"),
                           ("extra.yaml", "unknown parts"), ("missing.yaml", "not found")):
        with pytest.raises(InputError, match=expected):
            load_equipment_file(tmp_path / name)


def test_decimals_are_exact_from_xlsx_numbers(tmp_path: Path) -> None:
    path = _xlsx(tmp_path)
    wb = load_workbook(path)
    ws = wb["设备台账"]
    column = [c.value for c in ws[2]].index("efficiency_pct") + 1
    ws.cell(row=3, column=column, value=95.1)  # a number cell, not text
    wb.save(path)
    assert load_equipment_file(path).devices[0].efficiency_pct == D("95.1")


def test_docs_tables_are_the_declarations() -> None:
    from zerocarbon.model.entities import markdown_table

    docs = (Path(__file__).parents[2] / "docs" / "efficiency.md").read_text(encoding="utf-8")
    for spec in SHEETS:
        assert f"### {spec.zh} (`{spec.key}`)\n\n" + markdown_table(spec.entity) in docs
