"""The three input forms (YAML, JSON, the Excel template) read to one and the same model.

template.py promises that "a filled template read back gives the same InventoryInput it was
written from"; CONVENTIONS.md "Numbers": figures reach Decimal without a float detour, so a number
typed into Excel as a numeric cell gives the same Decimal as the text the template writes.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from zerocarbon.accounting.inventory import compute_inventory
from zerocarbon.errors import InputError, InputErrors
from zerocarbon.ingest.activity_file import load_activity_file
from zerocarbon.ingest.template import write_template
from zerocarbon.model.inventory_input import InventoryInput

ACTIVITY_SHEET = "活动数据"
FIRST_DATA_ROW = 3


@pytest.fixture(scope="module")
def sample(sample_path: Path) -> InventoryInput:
    return load_activity_file(sample_path).data


def _col(ws: Any, header_zh: str) -> int:
    return [c.value for c in ws[1]].index(header_zh) + 1


def _row_of(ws: Any, line_id: str) -> int:
    for row in range(FIRST_DATA_ROW, ws.max_row + 1):
        if ws.cell(row=row, column=_col(ws, "编号")).value == line_id:
            return row
    raise KeyError(line_id)


def test_template_roundtrip_gives_the_same_model(sample: InventoryInput, tmp_path: Path) -> None:
    path = write_template(tmp_path / "sample.xlsx", sample)
    loaded = load_activity_file(path)
    assert loaded.data == sample
    assert loaded.data.model_dump(mode="json") == sample.model_dump(mode="json")
    # every activity line knows its cell: first data line in row 3, in file order
    assert loaded.locations[sample.activity[0].id] == {"file": str(path), "sheet": ACTIVITY_SHEET,
                                                       "row": FIRST_DATA_ROW}
    last = sample.activity[-1].id
    assert loaded.locations[last]["row"] == FIRST_DATA_ROW + len(sample.activity) - 1


def test_template_roundtrip_gives_the_same_inventory(sample: InventoryInput, tmp_path: Path) -> None:
    loaded = load_activity_file(write_template(tmp_path / "sample.xlsx", sample))
    a = compute_inventory(sample, 2023, mc_draws=0).totals
    b = compute_inventory(loaded.data, 2023, locations=loaded.locations, mc_draws=0).totals
    assert a == b


def test_json_form_reads_to_the_same_model(sample: InventoryInput, sample_path: Path, tmp_path: Path) -> None:
    raw = yaml.safe_load(sample_path.read_text(encoding="utf-8"))
    path = tmp_path / "sample.json"
    path.write_text(json.dumps(raw, ensure_ascii=False, indent=1), encoding="utf-8")
    assert load_activity_file(path).data == sample


def test_json_numbers_reach_decimal_without_float(sample: InventoryInput, sample_path: Path, tmp_path: Path) -> None:
    """JSON numbers (not strings) are parsed as text: 12.121 stays exactly 12.121."""
    raw = yaml.safe_load(sample_path.read_text(encoding="utf-8"))
    for line in raw["activity"]:
        line["amount"] = float(line["amount"])
    path = tmp_path / "numbers.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    data = load_activity_file(path).data
    assert data == sample
    assert str(data.activity[0].amount) == "12.121"


def test_empty_template_gives_a_clear_error(tmp_path: Path) -> None:
    """The template as handed out (no factory information, no lines) is refused, naming the sheet."""
    path = write_template(tmp_path / "empty.xlsx", None)
    with pytest.raises(InputError) as info:
        load_activity_file(path)
    exc = info.value
    assert exc.file == str(path)
    assert exc.sheet == "企业信息"
    problems = exc.problems if isinstance(exc, InputErrors) else [exc]
    # every required field of the factory sheet is named by its header, in one run
    assert {p.field for p in problems} >= {"企业编号", "企业名称", "所在省份"}
    assert all(p.sheet == "企业信息" and p.row is not None for p in problems)
    assert exc.message_zh and exc.message_en


def test_template_with_factory_but_no_activity_gives_a_clear_error(sample: InventoryInput, tmp_path: Path) -> None:
    """Factory information filled in, activity sheet left empty: an InputError, at reading or at computing."""
    no_lines = sample.model_copy(update={"activity": [], "certificates": [], "production": []})
    path = write_template(tmp_path / "factory_only.xlsx", no_lines)
    with pytest.raises(InputError) as info:
        loaded = load_activity_file(path)
        compute_inventory(loaded.data, 2023, locations=loaded.locations, mc_draws=0)
    assert info.value.message_zh and info.value.message_en


@pytest.mark.parametrize(("line_id", "value", "text"), [
    ("NG-01", 12.121, "12.121"),
    ("STM-01", 836.8, "836.8"),
    ("EL-L1-01", 1406.6, "1406.6"),
    ("GP-2023", 6000, "6000"),
])
def test_numeric_cells_give_the_same_decimal(sample: InventoryInput, tmp_path: Path, line_id: str, value: float,
                                             text: str) -> None:
    """A user types numbers into Excel, which stores them as numeric cells (floats), not text."""
    path = write_template(tmp_path / "numeric.xlsx", sample)
    wb = openpyxl.load_workbook(path)
    ws = wb[ACTIVITY_SHEET]
    cell = ws.cell(row=_row_of(ws, line_id), column=_col(ws, "数量"))
    # issue 10: the template writes numbers as numbers (SUM() works), exactly as stated
    assert not isinstance(cell.value, str) and Decimal(repr(cell.value)) == Decimal(text)
    cell.value = value
    wb.save(path)
    wb = openpyxl.load_workbook(path)
    ws = wb[ACTIVITY_SHEET]
    assert not isinstance(ws.cell(row=_row_of(ws, line_id), column=_col(ws, "数量")).value, str)

    data = load_activity_file(path).data
    amount = next(a.amount for a in data.activity if a.id == line_id)
    assert amount == Decimal(text)
    assert str(amount) == text
    assert data == sample


def test_numeric_and_date_cells_for_period_and_certificates(sample: InventoryInput, tmp_path: Path) -> None:
    """Excel turns a typed 2023-01 into a date and a typed 2023 into a number; both mean the same period."""
    path = write_template(tmp_path / "typed.xlsx", sample)
    wb = openpyxl.load_workbook(path)
    ws = wb[ACTIVITY_SHEET]
    ws.cell(row=_row_of(ws, "NG-01"), column=_col(ws, "期间")).value = datetime(2023, 1, 1)
    ws.cell(row=_row_of(ws, "GP-2023"), column=_col(ws, "期间")).value = 2023
    certs = wb["绿证"]
    certs.cell(row=FIRST_DATA_ROW, column=_col(certs, "电量(MWh)")).value = 6000
    certs.cell(row=FIRST_DATA_ROW, column=_col(certs, "核销年度")).value = 2023
    wb.save(path)
    assert load_activity_file(path).data == sample
