"""Issue 10, the input loop: every mistake of a file in one run, located and said in the user's words.

An energy manager fills the template and runs it; a file with six mistakes must not take six runs.
Each problem names the file, sheet, row and the column header as the user sees it, the value found
and what to write instead, in Chinese and in English (CONVENTIONS.md "Errors").
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from zerocarbon.errors import InputError, InputErrors, UnitError
from zerocarbon.ingest.activity_file import load_activity_file
from zerocarbon.ingest.template import LISTS_SHEET, write_template

SHEET = "活动数据"
FIRST = 3  # first data row of the template (row 1 Chinese headers, row 2 English ones)


@pytest.fixture(scope="module")
def template(sample_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "sample.xlsx"
    write_template(path, load_activity_file(sample_path).data)
    return path


@pytest.fixture(scope="module")
def sample_doc(sample_path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(sample_path.read_text(encoding="utf-8"))
    return doc


def _col(ws: Any, header: str) -> int:
    return [c.value for c in ws[1]].index(header) + 1


def _edit(template: Path, target: Path, cells: dict[tuple[int, str], Any], sheet: str = SHEET) -> Path:
    shutil.copy(template, target)
    wb = openpyxl.load_workbook(target)
    ws = wb[sheet]
    for (row, header), value in cells.items():
        ws.cell(row=row, column=_col(ws, header)).value = value
    wb.save(target)
    return target


def _problems(exc: InputError) -> list[InputError]:
    return list(exc.problems) if isinstance(exc, InputErrors) else [exc]


def test_six_mistakes_give_six_located_errors_in_one_run(template: Path, tmp_path: Path) -> None:
    """Six different mistakes on six lines: one run lists all six, each at its row and column header."""
    mistakes = {
        (FIRST + 0, "数量"): "12,5",          # decimal comma: 12.5 or 125?
        (FIRST + 1, "排放类别"): "烧油",        # not a category
        (FIRST + 2, "期间"): "2023-13",       # month 13
        (FIRST + 3, "单位"): "万m3",          # gas volume without reference conditions
        (FIRST + 4, "设施"): "NOPE",          # undeclared facility
        (FIRST + 5, "编号"): "NG-01",         # duplicate of row 3's id
    }
    path = _edit(template, tmp_path / "six.xlsx", mistakes)
    with pytest.raises(InputErrors) as info:
        load_activity_file(path)
    problems = info.value.problems
    assert len(problems) == 6, "\n".join(p.message("en") for p in problems)
    assert {(p.row, p.field) for p in problems} == {(row, header) for row, header in mistakes}
    assert all(p.file == str(path) and p.sheet == SHEET for p in problems)
    by_field = {p.field: p for p in problems}
    assert "12,5" in by_field["数量"].message_zh and "1.5" in by_field["数量"].message_en
    assert "燃料燃烧" in by_field["排放类别"].message_zh  # the choices, in the user's language
    assert "Fuel combustion" in by_field["排放类别"].message_en
    assert "万Nm3" in by_field["单位"].message_zh and "Nm3" in by_field["单位"].message_en
    assert "第 3 行" in by_field["编号"].message_zh and "row 3" in by_field["编号"].message_en
    for p in problems:  # each message is in one language: no pydantic English inside the Chinese one
        assert "Input should" not in p.message_zh and "Input should" not in p.message_en
        assert "应为：a number" not in p.message("zh")
    text = str(info.value)
    assert text.count("\n") >= 12  # a summary and six lines, in each language


def test_the_same_mistakes_in_yaml_name_their_entries(sample_doc: dict[str, Any], tmp_path: Path) -> None:
    doc = copy.deepcopy(sample_doc)
    doc["activity"][0]["amount"] = "1,5"
    doc["activity"][1]["category"] = "fuel"
    doc["activity"][2]["unit"] = "mwh("
    doc["activity"][4]["id"] = doc["activity"][0]["id"]
    doc["settings"] = {"gbt32150_grid_scope": "world"}
    path = tmp_path / "four.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputErrors) as info:
        load_activity_file(path)
    fields = {p.field for p in info.value.problems}
    assert fields == {"activity[1].amount", "activity[2].category", "activity[3].unit", "activity[5].id",
                      "settings.gbt32150_grid_scope"}
    scope = next(p for p in info.value.problems if p.field == "settings.gbt32150_grid_scope")
    assert "全国电网平均" in scope.message_zh and "national grid average" in scope.message_en
    dup = next(p for p in info.value.problems if p.field == "activity[5].id")
    assert "activity[1]" in dup.message_en


def test_a_unit_error_keeps_its_type_and_lists_the_spellings(template: Path, tmp_path: Path) -> None:
    path = _edit(template, tmp_path / "unit.xlsx", {(FIRST, "单位"): "kWh)"})
    with pytest.raises(UnitError) as info:
        load_activity_file(path)
    assert (info.value.sheet, info.value.row, info.value.field) == (SHEET, FIRST, "单位")
    assert info.value.expected is not None and "MWh" in info.value.expected


@pytest.mark.parametrize("unit", ["mwh", "MWH", "Mwh"])
def test_units_are_read_without_regard_to_case(template: Path, tmp_path: Path, unit: str) -> None:
    path = _edit(template, tmp_path / "case.xlsx", {(FIRST + 3, "单位"): unit})
    line = load_activity_file(path).data.activity[3]
    assert line.unit == unit  # kept as written; the registry reads it as MWh


def test_template_numbers_dropdowns_and_help(template: Path) -> None:
    """Numbers are numbers (SUM() works); every enumerated column has a Chinese drop-down; input help."""
    wb = openpyxl.load_workbook(template)
    ws = wb[SHEET]
    amounts = [ws.cell(row=r, column=_col(ws, "数量")).value for r in range(FIRST, ws.max_row + 1)]
    assert all(isinstance(a, int | float) for a in amounts if a is not None)
    lists = wb[LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    listed = {str(v) for row in lists.iter_rows(values_only=True) for v in row if v is not None}
    for label in ("燃料燃烧", "结算凭证/发票", "电网购电", "输入", "全国电网平均", "扣除20℃水焓", "按年度", "是"):
        assert label in listed, label
    validations = ws.data_validations.dataValidation
    by_cells = {str(dv.sqref): dv for dv in validations}
    for header in ("排放类别", "数据质量", "电力类型", "流向"):
        letter = openpyxl.utils.get_column_letter(_col(ws, header))
        dv = by_cells[f"{letter}3:{letter}5000"]
        assert dv.type == "list" and LISTS_SHEET in str(dv.formula1)
    assert any(dv.showInputMessage and dv.prompt for dv in validations)
    info = wb["企业信息"]
    assert any(dv.type == "list" for dv in info.data_validations.dataValidation)


def test_chinese_dropdown_values_map_back_to_internal_values(template: Path, tmp_path: Path) -> None:
    shutil.copy(template, tmp_path / "settings.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "settings.xlsx")
    ws = wb["企业信息"]
    rows = {ws.cell(row=r, column=1).value: r for r in range(1, ws.max_row + 1)}
    ws.cell(row=rows["GB/T 32150 电网因子范围"], column=3).value = "省级电网"
    ws.cell(row=rows["蒸汽热量基准"], column=3).value = "蒸汽全焓"
    act = wb[SHEET]
    act.cell(row=FIRST, column=_col(act, "数据质量")).value = "统计台账"
    wb.save(tmp_path / "settings.xlsx")
    data = load_activity_file(tmp_path / "settings.xlsx").data
    assert data.settings.gbt32150_grid_scope == "provincial"
    assert data.settings.steam_heat_reference == "none"
    assert data.activity[0].data_quality == "statistical"
