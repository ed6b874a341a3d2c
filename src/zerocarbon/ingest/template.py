"""Write the Excel activity-data template (Chinese headers, English second row), empty or filled.

The columns come from :mod:`zerocarbon.ingest.columns`, the same declaration the reader uses, so a
filled template read back gives the same :class:`InventoryInput` it was written from.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from zerocarbon.factors import FactorLibrary, default_library
from zerocarbon.ingest.columns import (
    CATEGORY_EN,
    CATEGORY_NAMES,
    FACTORY_FIELDS,
    FACTORY_SHEET,
    MEASURED,
    TABLE_SHEETS,
    Column,
    Sheet,
    choices,
)
from zerocarbon.model.inventory_input import InventoryInput

HEAD = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="2F6B4F")
SUB = Font(italic=True, color="666666")


def _get(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if obj is None:
            return None
        obj = obj.get(part) if isinstance(obj, dict) else getattr(obj, part, None)
    return obj


def _cell(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind == "bool":
        return "是" if value else "否"
    if column.kind == "list":
        return "|".join(value) if value else None
    if column.kind == "enum":
        label = choices(column.key).get(str(value))
        return label.zh if label is not None else str(value)
    if column.kind == "number":
        number = Decimal(str(value))
        # A number cell (SUM() works) when a float holds it exactly as written; else text, every digit kept.
        return number if Decimal(repr(float(number))) == number else str(number)
    return str(value)


def _put(cell: Any, value: Any) -> None:
    """Write a value; a number with decimals is shown with exactly the decimals it was stated with
    (``474.0`` stays ``474.0``, which the reader takes back from the cell's format)."""
    cell.value = value
    if isinstance(value, Decimal):
        places = -int(value.as_tuple().exponent)
        if 0 < places <= 15:
            cell.number_format = "0." + "0" * places


#: Sheet of the drop-down lists (hidden); one column per enumerated field.
LISTS_SHEET = "选项"


class _Lists:
    """The drop-down lists of the workbook, written once each on the hidden lists sheet."""

    def __init__(self, wb: Any) -> None:
        self.ws = wb.create_sheet(LISTS_SHEET)
        self.ws.sheet_state = "hidden"
        self.ranges: dict[str, str] = {}

    def range_of(self, column: Column) -> str | None:
        if column.kind == "bool":
            key, values = "bool", ["是", "否"]
        elif column.kind == "enum":
            key, values = column.key, [label.zh for label in choices(column.key).values()]
        else:
            return None
        if not values:
            return None
        if key not in self.ranges:
            col = get_column_letter(len(self.ranges) + 1)
            for row, value in enumerate(values, start=1):
                self.ws.cell(row=row, column=len(self.ranges) + 1, value=value)
            self.ranges[key] = f"'{LISTS_SHEET}'!${col}$1:${col}${len(values)}"
        return self.ranges[key]


def _validation(ws: Any, column: Column, cells: str, lists: _Lists) -> None:
    """Input help (a prompt when the cell is selected) and, for choices and numbers, a check."""
    listed = lists.range_of(column)
    prompt = column.help_zh or ""
    if listed is not None:
        dv = DataValidation(type="list", formula1=listed, allow_blank=True)
        dv.error, dv.errorTitle = "请从下拉列表中选择 / choose from the list", column.zh[:32]
        prompt = prompt or "从下拉列表中选择"
    elif column.kind == "number":
        dv = DataValidation(type="decimal", operator="between", formula1="-1E+300", formula2="1E+300",
                            allow_blank=True)
        dv.error, dv.errorTitle = "请填数字（小数点用“.”） / a number", column.zh[:32]
        prompt = prompt or "数字（小数点用“.”）"
    elif prompt:
        dv = DataValidation(allow_blank=True)
    else:
        return
    dv.showErrorMessage = listed is not None or column.kind == "number"
    dv.prompt, dv.promptTitle, dv.showInputMessage = prompt[:250], column.zh[:32], True
    ws.add_data_validation(dv)
    dv.add(cells)


def _activity_record(line: Any) -> dict[str, Any]:
    record: dict[str, Any] = line.model_dump()
    evidence = ""
    for key, _, _ in MEASURED:
        if key in line.measured:
            evidence = line.measured[key].evidence
    record["measured_evidence"] = evidence or None
    return record


def _table(ws: Any, sheet: Sheet, records: list[Any], lists: _Lists) -> None:
    for idx, column in enumerate(sheet.columns, start=1):
        head = ws.cell(row=1, column=idx, value=column.zh)
        head.font, head.fill = HEAD, HEAD_FILL
        sub = ws.cell(row=2, column=idx, value=column.en)
        sub.font = SUB
        ws.column_dimensions[get_column_letter(idx)].width = max(10, min(30, len(column.zh) * 2 + 4))
        if column.help_zh:
            from openpyxl.comments import Comment
            head.comment = Comment(column.help_zh, "zerocarbon")
    for row_no, record in enumerate(records, start=3):
        for idx, column in enumerate(sheet.columns, start=1):
            _put(ws.cell(row=row_no, column=idx), _cell(column, _get(record, column.key)))
    for idx, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(idx)
        _validation(ws, column, f"{letter}3:{letter}5000", lists)
    ws.freeze_panes = "A3"


def write_template(path: str | Path, example: InventoryInput | None = None,
                   library: FactorLibrary | None = None) -> Path:
    """Write the template to ``path``; with ``example`` its sheets are filled with that input."""
    lib = library or default_library()
    target = Path(path)
    wb = Workbook()
    info = wb.active
    info.title = FACTORY_SHEET[0]
    for idx, text in enumerate(("字段", "Field", "值 / Value", "说明 / Help"), start=1):
        cell = info.cell(row=1, column=idx, value=text)
        cell.font, cell.fill = HEAD, HEAD_FILL
    lists = _Lists(wb)
    for row_no, column in enumerate(FACTORY_FIELDS, start=2):
        _validation(info, column, f"C{row_no}", lists)
        info.cell(row=row_no, column=1, value=column.zh)
        info.cell(row=row_no, column=2, value=column.en).font = SUB
        value = _get(example, column.key) if example is not None else None
        _put(info.cell(row=row_no, column=3), _cell(column, value))
        info.cell(row=row_no, column=4, value=column.help_zh + (" (必填)" if column.required else ""))
    for letter, width in zip("ABCD", (26, 30, 40, 40), strict=True):
        info.column_dimensions[letter].width = width

    for sheet in TABLE_SHEETS:
        ws = wb.create_sheet(sheet.zh)
        if example is None:
            records: list[Any] = []
        elif sheet.key == "activity":
            records = [_activity_record(a) for a in example.activity]
        elif sheet.key in ("facilities", "products"):
            records = [r.model_dump() for r in getattr(example.factory, sheet.key)]
        else:
            records = [r.model_dump() for r in getattr(example, sheet.key)]
        _table(ws, sheet, records, lists)

    help_ws = wb.create_sheet("说明")
    lines: list[tuple[str, ...]] = [
        ("zerocarbon 活动数据模板 / activity-data template",),
        ("每张表第 1 行为中文表头，第 2 行为英文表头，数据从第 3 行开始。数量一律填正数，排放类别决定加或减。",),
        ("Row 1 holds the Chinese headers, row 2 the English ones; data start in row 3. Amounts are positive;"
         " the category says whether they add or subtract.",),
        (),
        ("排放类别 / Category", "English", "internal value"),
        *((zh, CATEGORY_EN[cat], cat.value) for cat, zh in CATEGORY_NAMES.items()),
        (),
        ("数据质量 / Data quality", "不确定性(%)", "依据 / basis"),
        *((q.tier, str(q.uncertainty_pct), f"{q.name_zh} / {q.name_en} — {q.status}")
          for (applies, _), q in lib.quality.items() if applies == "activity"),
        (),
        ("品种 / Items (可写中文名、英文名或编号)", "English", "id", "默认单位 / default unit"),
        *((i.name_zh, i.name_en, i.item, i.default_unit) for i in lib.items.values()
          if i.kind in ("fuel", "carbonate", "gas")),
    ]
    for row in lines:
        help_ws.append(list(row))
    help_ws.column_dimensions["A"].width = 40
    help_ws.column_dimensions["B"].width = 36
    help_ws.column_dimensions["C"].width = 40
    help_ws["A1"].font = Font(bold=True, size=14)
    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames))  # the hidden lists last
    for row in help_ws.iter_rows(min_row=2, max_row=3):
        row[0].alignment = Alignment(wrap_text=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target
