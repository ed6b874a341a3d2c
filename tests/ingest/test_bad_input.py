"""Bad activity data is refused with an error that says where the problem is.

CONVENTIONS.md "Errors": bad input raises one of a few documented exception types that name the
file, sheet, row, field and what was expected, in Chinese and English; never a bare traceback for a
user mistake, never a silent fix. Each case below is tried on the YAML form of the bundled sample
and on the Excel template filled with it (sheet 活动数据: row 1 Chinese headers, row 2 English
headers, first data line in row 3).

In a YAML file there is no sheet or row, so the field path must carry the entry
(``activity[1].amount``, 1-based) for the user to find the line.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from zerocarbon.accounting.inventory import compute_inventory
from zerocarbon.errors import FactorError, InputError, UnitError, ZerocarbonError
from zerocarbon.ingest.activity_file import load_activity_file
from zerocarbon.ingest.template import write_template
from zerocarbon.units import conversion_factor

ACTIVITY_SHEET = "活动数据"
CERT_SHEET = "绿证"
FIRST_DATA_ROW = 3

# Lines of the sample used below (0-based index into `activity`), see sample_factory.yaml.
NG = 0        # NG-01: natural gas, 12.121 万Nm3, 2023-01
DIESEL = 1    # DSL-FL-01
GRID = 3      # EL-L1-01: grid electricity, 1406.6 MWh, 2023-01
CERT = 1      # GEC-2023-PV-03: 5000 MWh generated 2023-03, retired for 2023

YamlEdit = Callable[[dict[str, Any]], None]
XlsxEdit = Callable[[Any], None]


# ---------------------------------------------------------------------------------------- helpers
def _header_col(ws: Any, header_zh: str) -> int:
    headers = [c.value for c in ws[1]]
    return headers.index(header_zh) + 1


def _set_line(index: int, key: str, value: Any) -> YamlEdit:
    def edit(doc: dict[str, Any]) -> None:
        if value is None:
            doc["activity"][index].pop(key)
        else:
            doc["activity"][index][key] = value
    return edit


def _set_cell(sheet: str, index: int, header_zh: str, value: Any) -> XlsxEdit:
    def edit(wb: Any) -> None:
        ws = wb[sheet]
        # `ws.cell(..., value=None)` leaves the old value: assign to clear the cell
        ws.cell(row=FIRST_DATA_ROW + index, column=_header_col(ws, header_zh)).value = value
    return edit


def _set_cert(index: int, key: str, value: Any) -> YamlEdit:
    def edit(doc: dict[str, Any]) -> None:
        doc["certificates"][index][key] = value
    return edit


def _load_and_compute(path: Path, year: int) -> None:
    """What a user's run does: read the file, then compute the data year with the file's locations."""
    loaded = load_activity_file(path)
    compute_inventory(loaded.data, year, locations=loaded.locations, mc_draws=0)


def _check_messages(exc: ZerocarbonError) -> None:
    assert exc.message_zh.strip() and exc.message_en.strip()
    zh, en = str(exc).split("\n")
    assert exc.message_zh in zh and exc.message_en in en


def _field_names(exc: ZerocarbonError, tokens: tuple[str, ...]) -> bool:
    return exc.field is not None and any(t in exc.field for t in tokens)


@dataclass(frozen=True)
class Case:
    yaml_edit: YamlEdit
    xlsx_edit: XlsxEdit
    errors: tuple[type[ZerocarbonError], ...]
    sheet: str
    index: int                    # 0-based entry in the list (activity or certificates)
    fields: tuple[str, ...]       # any of these in exc.field names the field (internal key or Chinese header)
    year: int = 2023

    @property
    def entry(self) -> str:
        return f"{'certificates' if self.sheet == CERT_SHEET else 'activity'}[{self.index + 1}]"


CASES: dict[str, Case] = {
    "unknown_fuel": Case(_set_line(NG, "item", "可燃冰"), _set_cell(ACTIVITY_SHEET, NG, "品种", "可燃冰"),
                         (FactorError, InputError), ACTIVITY_SHEET, NG, ("item", "品种")),
    "negative_amount": Case(_set_line(NG, "amount", "-1"), _set_cell(ACTIVITY_SHEET, NG, "数量", "-1"),
                            (InputError,), ACTIVITY_SHEET, NG, ("amount", "数量")),
    "missing_unit": Case(_set_line(NG, "unit", None), _set_cell(ACTIVITY_SHEET, NG, "单位", None),
                         (InputError,), ACTIVITY_SHEET, NG, ("unit", "单位")),
    # A fuel stated as heat (MWh, GJ) is accepted since CH4/N2O landed; a power (kW) is not an amount of fuel.
    "fuel_in_kw": Case(_set_line(NG, "unit", "kW"), _set_cell(ACTIVITY_SHEET, NG, "单位", "kW"),
                       (UnitError,), ACTIVITY_SHEET, NG, ("unit", "单位")),
    "electricity_in_t": Case(_set_line(GRID, "unit", "t"), _set_cell(ACTIVITY_SHEET, GRID, "单位", "t"),
                             (UnitError,), ACTIVITY_SHEET, GRID, ("unit", "单位")),
    # 2015 has no grid factor in the library; the field may name the period or the (factor) item.
    "year_without_factor": Case(_set_line(GRID, "period", "2015"), _set_cell(ACTIVITY_SHEET, GRID, "期间", "2015"),
                                (FactorError,), ACTIVITY_SHEET, GRID, ("period", "期间", "item", "品种"), year=2015),
    "certificate_claim_too_large": Case(_set_cert(CERT, "mwh", "1000000"),
                                        _set_cell(CERT_SHEET, CERT, "电量(MWh)", "1000000"),
                                        (InputError,), CERT_SHEET, CERT, ("mwh", "电量(MWh)")),
    "duplicate_id": Case(_set_line(DIESEL, "id", "NG-01"), _set_cell(ACTIVITY_SHEET, DIESEL, "编号", "NG-01"),
                         (InputError,), ACTIVITY_SHEET, DIESEL, ("id", "编号")),
    "unknown_facility": Case(_set_line(NG, "facility", "ZZ"), _set_cell(ACTIVITY_SHEET, NG, "设施", "ZZ"),
                             (InputError,), ACTIVITY_SHEET, NG, ("facility", "设施")),
    "non_numeric_amount": Case(_set_line(NG, "amount", "abc"), _set_cell(ACTIVITY_SHEET, NG, "数量", "abc"),
                               (InputError,), ACTIVITY_SHEET, NG, ("amount", "数量")),
    "month_13": Case(_set_line(NG, "period", "2023-13"), _set_cell(ACTIVITY_SHEET, NG, "期间", "2023-13"),
                     (InputError,), ACTIVITY_SHEET, NG, ("period", "期间")),
    # A rule across two fields of one line: naming the line itself (activity[4]) is accepted as the field.
    "green_power_without_evidence": Case(
        _set_line(GRID, "electricity_kind", "green_power"), _set_cell(ACTIVITY_SHEET, GRID, "电力类型", "绿电交易"),
        (InputError,), ACTIVITY_SHEET, GRID, ("evidence", "证明材料", "electricity_kind", "电力类型", "activity[4]")),
    # A plain m3 has no reference conditions (standard vs normal); it must not become Nm3.
    "natural_gas_plain_m3": Case(_set_line(NG, "unit", "m3"), _set_cell(ACTIVITY_SHEET, NG, "单位", "m3"),
                                 (UnitError,), ACTIVITY_SHEET, NG, ("unit", "单位")),
}


@pytest.fixture(scope="module")
def sample_doc(sample_path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(sample_path.read_text(encoding="utf-8"))
    return doc


@pytest.fixture(scope="module")
def sample_workbook(sample_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "sample.xlsx"
    write_template(path, load_activity_file(sample_path).data)
    return path


def _yaml_file(doc: dict[str, Any], edit: YamlEdit, path: Path) -> Path:
    changed = copy.deepcopy(doc)
    edit(changed)
    path.write_text(yaml.safe_dump(changed, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _xlsx_file(template: Path, edit: XlsxEdit, path: Path) -> Path:
    shutil.copy(template, path)
    wb = openpyxl.load_workbook(path)
    edit(wb)
    wb.save(path)
    return path


# ---------------------------------------------------------------------------------------- tests
def test_unmodified_sample_is_accepted(sample_doc: dict[str, Any], sample_workbook: Path, tmp_path: Path) -> None:
    """The base documents are valid: every error below is caused by its one edit."""
    _load_and_compute(_yaml_file(sample_doc, lambda d: None, tmp_path / "ok.yaml"), 2023)
    _load_and_compute(sample_workbook, 2023)


@pytest.mark.parametrize("name", list(CASES))
def test_yaml_error_names_file_and_entry(name: str, sample_doc: dict[str, Any], tmp_path: Path) -> None:
    case = CASES[name]
    path = _yaml_file(sample_doc, case.yaml_edit, tmp_path / f"{name}.yaml")
    with pytest.raises(case.errors) as info:
        _load_and_compute(path, case.year)
    exc = info.value
    assert exc.file == str(path), f"file not named: {exc!s}"
    assert exc.sheet is None and exc.row is None
    assert exc.field is not None and case.entry in exc.field, f"entry {case.entry} not named: field={exc.field!r}"
    assert _field_names(exc, case.fields), f"field not named: {exc.field!r}"
    _check_messages(exc)


@pytest.mark.parametrize("name", list(CASES))
def test_excel_error_names_file_sheet_row_and_field(name: str, sample_workbook: Path, tmp_path: Path) -> None:
    case = CASES[name]
    path = _xlsx_file(sample_workbook, case.xlsx_edit, tmp_path / f"{name}.xlsx")
    with pytest.raises(case.errors) as info:
        _load_and_compute(path, case.year)
    exc = info.value
    assert exc.file == str(path), f"file not named: {exc!s}"
    assert exc.sheet == case.sheet, f"sheet: {exc!s}"
    assert exc.row == FIRST_DATA_ROW + case.index, f"row: {exc!s}"
    assert _field_names(exc, case.fields), f"field not named: {exc.field!r}"
    _check_messages(exc)


def test_excel_unknown_column_header(sample_workbook: Path, tmp_path: Path) -> None:
    def edit(wb: Any) -> None:
        ws = wb[ACTIVITY_SHEET]
        ws.cell(row=1, column=ws.max_column + 1).value = "神秘列"

    path = _xlsx_file(sample_workbook, edit, tmp_path / "unknown_column.xlsx")
    with pytest.raises(InputError) as info:
        load_activity_file(path)
    exc = info.value
    assert (exc.file, exc.sheet, exc.row, exc.field) == (str(path), ACTIVITY_SHEET, 1, "神秘列")
    assert exc.expected
    _check_messages(exc)


def test_excel_missing_required_column(sample_workbook: Path, tmp_path: Path) -> None:
    def edit(wb: Any) -> None:
        ws = wb[ACTIVITY_SHEET]
        ws.delete_cols(_header_col(ws, "单位"))

    path = _xlsx_file(sample_workbook, edit, tmp_path / "missing_column.xlsx")
    with pytest.raises(InputError) as info:
        load_activity_file(path)
    exc = info.value
    assert (exc.file, exc.sheet, exc.row) == (str(path), ACTIVITY_SHEET, 1)
    assert "单位" in exc.message_zh
    assert exc.field == "单位", f"the missing column is not named in the field: {exc.field!r}"
    _check_messages(exc)


def test_plain_m3_never_converts_to_nm3() -> None:
    """units.py: a plain m3 does not convert to Nm3; the reference conditions must be stated."""
    with pytest.raises(UnitError):
        conversion_factor("m3", "Nm3")
    with pytest.raises(UnitError):
        conversion_factor("m3", "万Nm3")


@pytest.mark.parametrize("key", ["activity", "certificates"])
def test_a_section_that_is_not_a_list_is_refused_by_name(key: str, sample_doc: dict[str, Any],
                                                         tmp_path: Path) -> None:
    path = _yaml_file(sample_doc, lambda d: d.__setitem__(key, 5), tmp_path / "scalar.yaml")
    with pytest.raises(InputError) as info:
        load_activity_file(path)
    assert info.value.file == str(path) and info.value.field == key


def test_gb18030_yaml_is_read_and_undecodable_bytes_are_refused(sample_doc: dict[str, Any], tmp_path: Path) -> None:
    """Chinese Windows editors save GB18030: such a file reads as its UTF-8 twin; bytes that are neither are refused."""
    utf8 = _yaml_file(sample_doc, lambda d: None, tmp_path / "utf8.yaml")
    gbk = tmp_path / "gb18030.yaml"
    gbk.write_bytes(utf8.read_text(encoding="utf-8").encode("gb18030"))
    assert load_activity_file(gbk).data == load_activity_file(utf8).data
    bad = tmp_path / "binary.yaml"
    bad.write_bytes(b"activity: [\x81\x30\xff\xfe]\n")
    with pytest.raises(InputError) as info:
        load_activity_file(bad)
    assert info.value.file == str(bad)
