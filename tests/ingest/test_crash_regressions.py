"""Issue 10, "bad input that crashes": each crash the fuzz found, reproduced; now the project's own error.

A fuzz of 2,000 mutated activity files and 2,000 mutated meter files ended 73 + 49 times in an
exception other than :class:`~zerocarbon.errors.ZerocarbonError`. Each input below is one of those
(or its kind); each must now end in an :class:`InputError` that names the file (and, where there is
one, the sheet, row and field), and a refused meter file must leave nothing in the store.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from sqlalchemy import func, select

from zerocarbon.errors import InputError, ZerocarbonError
from zerocarbon.ingest.activity_file import load_activity_file
from zerocarbon.ingest.template import write_template
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.metering.intake import ingest_meter_file, read_file_layout
from zerocarbon.store import schema as s
from zerocarbon.store.db import transaction
from zerocarbon.store.factories import save_factory_setup

SHEET = "活动数据"


@pytest.fixture(scope="module")
def doc(sample_path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(sample_path.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def template(sample_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "sample.xlsx"
    write_template(path, load_activity_file(sample_path).data)
    return path


def _refused(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_activity_file(path)
    exc = info.value
    assert exc.file == str(path)
    str(exc).encode("utf-8")  # printable
    return exc


def _cell(template: Path, target: Path, header: str, value: Any, row: int = 3) -> Path:
    shutil.copy(template, target)
    wb = openpyxl.load_workbook(target)
    ws = wb[SHEET]
    ws.cell(row=row, column=[c.value for c in ws[1]].index(header) + 1).value = value
    wb.save(target)
    return target


def _rewrite_part(source: Path, target: Path, part: str, edit: Any) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == part:
                data = edit(data)
                if data is None:
                    continue
            zout.writestr(item, data)
    return target


def _sheet_part(template: Path, name: str) -> str:
    return f"xl/worksheets/sheet{openpyxl.load_workbook(template, read_only=True).sheetnames.index(name) + 1}.xml"


# ---------------------------------------------------------------------------------- activity files
@pytest.mark.parametrize("value", ["abc", "NaN", "INF", "-Infinity", "1,5", "0x1F", "yes", "1E+400", "1e999999"])
def test_bad_number_cells(template: Path, tmp_path: Path, value: str) -> None:
    exc = _refused(_cell(template, tmp_path / "n.xlsx", "数量", value))
    assert (exc.sheet, exc.row, exc.field) == (SHEET, 3, "数量")
    assert value[:4] in exc.message_zh


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_non_finite_float_cells(template: Path, tmp_path: Path, value: float) -> None:
    exc = _refused(_cell(template, tmp_path / "f.xlsx", "数量", value))
    assert (exc.row, exc.field) == (3, "数量")


@pytest.mark.parametrize(("header", "value"), [("期间", "0000"), ("期间", "2023-13"), ("期间", 2023.5),
                                               ("单位", "("), ("单位", "kWh)"), ("单位", "'"), ("单位", "1/0"),
                                               ("单位", "k" * 32_000), ("数据质量", "superb")])
def test_bad_period_unit_and_choice_cells(template: Path, tmp_path: Path, header: str, value: Any) -> None:
    exc = _refused(_cell(template, tmp_path / "c.xlsx", header, value))
    assert (exc.sheet, exc.row, exc.field) == (SHEET, 3, header)


def test_a_date_cell_that_is_no_date(template: Path, tmp_path: Path) -> None:
    """``2023-13-45`` in a cell typed as a date: openpyxl's ValueError escaped while reading the rows."""
    part = _sheet_part(template, SHEET)

    def edit(data: bytes) -> bytes:
        return re.sub(rb'<c r="G3"[^>]*?(/>|>.*?</c>)', b'<c r="G3" t="d"><v>2023-13-45</v></c>', data, count=1,
                      flags=re.S)

    exc = _refused(_rewrite_part(template, tmp_path / "d.xlsx", part, edit))
    assert exc.sheet == SHEET or any(p.sheet == SHEET for p in getattr(exc, "problems", []))


def test_missing_shared_strings_and_truncated_sheet(template: Path, tmp_path: Path) -> None:
    """A cell pointing into a shared-strings part the file lacks (IndexError), a sheet cut short (ParseError)."""
    part = _sheet_part(template, SHEET)

    def shared(data: bytes) -> bytes:
        return re.sub(rb'<c r="A3"[^>]*?(/>|>.*?</c>)', b'<c r="A3" t="s"><v>7</v></c>', data, count=1, flags=re.S)

    _refused(_rewrite_part(template, tmp_path / "s.xlsx", part, shared))
    _refused(_rewrite_part(template, tmp_path / "t.xlsx", part, lambda data: data[: len(data) // 2]))
    (tmp_path / "z.xlsx").write_bytes(template.read_bytes()[:5000])
    _refused(tmp_path / "z.xlsx")


def test_lone_surrogate_in_json(doc: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    text = json.dumps(doc, ensure_ascii=True, default=str).replace('"NG-01"', '"NG-\\ud800"', 1)
    path.write_text(text, encoding="utf-8")
    exc = _refused(path)
    assert exc.field is not None and exc.field.startswith("activity[1]")


def test_nan_constant_in_json(doc: dict[str, Any], tmp_path: Path) -> None:
    changed = copy.deepcopy(doc)
    changed["activity"][0]["amount"] = "__NAN__"
    path = tmp_path / "n.json"
    path.write_text(json.dumps(changed, default=str).replace('"__NAN__"', "NaN"), encoding="utf-8")
    assert _refused(path).field == "activity[1].amount"


def test_yaml_nested_1000_deep(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("factory: " + "[" * 1000 + "]" * 1000 + "\n", encoding="utf-8")
    _refused(path)
    path.write_text("a:\n" + "".join("  " * i + "- \n" for i in range(1, 400)), encoding="utf-8")
    _refused(path)


def test_bytes_neither_utf8_nor_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_bytes(b"factory: \x81\x30\xff\xfe\n")
    _refused(path)


def test_production_unit_differs_from_its_product(doc: dict[str, Any], tmp_path: Path) -> None:
    """It said "unknown unit 'pack'" naming the wrong unit and no place."""
    changed = copy.deepcopy(doc)
    changed["production"][0]["unit"] = "台"
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
    exc = _refused(path)
    assert exc.field == "production[1].unit" and "台" in exc.message_zh


# ---------------------------------------------------------------------------------- meter files
def _setup(url: str) -> None:
    save_factory_setup(FactorySetup.model_validate({
        "factory": {"id": "F", "name_zh": "厂", "province": "江苏"},
        "meters": [{"code": "E1", "carrier": "electricity", "unit": "kWh", "register_kind": "interval"}]}), url)


def _nothing_written(url: str) -> None:
    with transaction(url) as conn:
        for table in (s.readings, s.rejected):
            assert conn.execute(select(func.count()).select_from(table)).scalar() == 0


def test_csv_that_is_a_header_without_newline(store_url: str, tmp_path: Path) -> None:
    _setup(store_url)
    path = tmp_path / "h.csv"
    path.write_text("meter,time,value", encoding="utf-8")
    report = ingest_meter_file(path, "F", url=store_url)
    assert report.received == 0
    _nothing_written(store_url)


def test_csv_bytes_neither_utf8_nor_gb18030(store_url: str, tmp_path: Path) -> None:
    _setup(store_url)
    path = tmp_path / "b.csv"
    path.write_bytes(b"meter,time,value\nE1,2023-01-01 00:00,1\n" + b"E1,\x81\x30\xff\xfe,2\n")
    with pytest.raises(InputError) as info:
        ingest_meter_file(path, "F", url=store_url)
    assert info.value.file == "b.csv"
    _nothing_written(store_url)


def test_unknown_layout_encoding(store_url: str, tmp_path: Path) -> None:
    _setup(store_url)
    layout = tmp_path / "layout.yaml"
    layout.write_text("encoding: klingon\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_file_layout(layout)
    assert info.value.file == str(layout) and info.value.field == "encoding"


@pytest.mark.parametrize("unit", ["(", "kWh)", "'", "1/0", "k" * 32_000])
def test_meter_unit_column_with_no_unit(store_url: str, tmp_path: Path, unit: str) -> None:
    _setup(store_url)
    path = tmp_path / "u.csv"
    path.write_text(f"meter,time,value,unit\nE1,2023-01-01 00:00,1,{unit}\nE1,2023-01-01 00:15,2,kwh\n",
                    encoding="utf-8")
    report = ingest_meter_file(path, "F", url=store_url)
    assert (report.accepted, report.rejected) == (1, 1)


def test_unknown_factory_points_to_store_load(store_url: str, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("meter,time,value\nE1,2023-01-01 00:00,1\n", encoding="utf-8")
    with pytest.raises(ZerocarbonError) as info:
        ingest_meter_file(path, "NOPE", url=store_url)
    assert "zerocarbon store load" in info.value.message_zh and "zerocarbon store load" in info.value.message_en
    assert "load_factory_setup" not in str(info.value)
