"""How every sheet of the inventory workbook is written: typed cells, formats, widths, frozen header.

Numbers are numbers: a ``Decimal`` becomes a number cell whose format shows the decimals it was
stated with (an amount of 3.731 t shows 3.731), emissions show 2 decimals, years and scopes are
whole numbers, shares are fractions shown as percentages. Text stays text, even when it starts
with ``=`` (a note is never run as a formula); only a :class:`Formula` is written as one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from zerocarbon.reports.i18n import both

T = "#,##0.00"          # tCO2e
PCT = "0.00%"           # a fraction shown as a percentage
MASS = "#,##0.000"      # gas mass [t]
INTENSITY = "#,##0.0000"
TCE = "#,##0.000"       # tonnes of coal equivalent
CHECK = "0.000000"      # a check column: 0 to 6 decimals
INT = "0"               # years, scopes, counts
GENERAL = "General"
HEADER_FILL = PatternFill("solid", fgColor="DCEBE5")
FLAG_FILL = PatternFill("solid", fgColor="FBD5D1")
SECTION_FONT = Font(bold=True)
MAX_PLACES = 10


class Formula(str):
    """An Excel formula (``=…``); any other text is written as text."""


@dataclass(frozen=True)
class Typed:
    """A value with its own number format (overrides the column's)."""

    value: Decimal | float | int | None
    fmt: str


CellValue = str | int | float | Decimal | Formula | Typed | None
#: (catalogue key of the header, or "!" and a header that is the same in both languages (a period); number format)
Col = tuple[str, str | None]


def decimal_format(value: Decimal) -> str:
    """The number format showing the decimals ``value`` was stated with (at most 10)."""
    exponent = value.normalize().as_tuple().exponent
    places = min(max(0, -exponent), MAX_PLACES) if isinstance(exponent, int) else 0
    return "#,##0" + ("." + "0" * places if places else "")


def number_or_text(text: object) -> int | str | None:
    """A year or edition printed as digits (``"2015"``) becomes a number; other text stays text."""
    if text is None or text == "":
        return None
    s = str(text).strip()
    return int(s) if s.isdigit() and len(s) <= 4 else s


def text_width(value: object) -> int:
    """Display width of ``value`` in Excel's character units (CJK counts 2), its longest line."""
    text = str(value) if value is not None else ""
    return max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in part) for part in text.split("\n"))


def _put(cell: XlCell, value: CellValue, col_fmt: str | None) -> int:
    """Write one typed cell; returns the width its content needs."""
    fmt = col_fmt
    if isinstance(value, Typed):
        fmt = value.fmt
        value = value.value
    if isinstance(value, Formula):
        cell.value = str(value)
        cell.number_format = fmt or GENERAL
        return 14
    if isinstance(value, Decimal):
        cell.value = float(value)
        cell.number_format = fmt or decimal_format(value)
        return len(f"{value:,f}") + 2 if fmt is None else 14
    if isinstance(value, bool):
        cell.value = str(value)
        cell.data_type = "s"
        return 6
    if isinstance(value, int):
        cell.value = value
        cell.number_format = fmt if fmt and fmt != T else INT
        return len(str(value)) + 2
    if isinstance(value, float):
        cell.value = value
        cell.number_format = fmt or GENERAL
        return 14
    if value is None:
        return 0
    cell.value = value
    cell.data_type = "s"  # text that starts with "=" stays text
    return text_width(value) + 2


def table(wb: Workbook, title: str, cols: Sequence[Col], rows: Iterable[Sequence[CellValue]],
          flagged: Iterable[int] = (), sections: Iterable[int] = (), freeze: str = "A2",
          wrap: Iterable[int] = ()) -> Worksheet:
    """A sheet with a bilingual, frozen, filterable header row and one typed column per ``cols``.

    ``flagged`` and ``sections`` are 0-based data-row indexes shown in red / in bold (a section title);
    ``wrap`` are 0-based columns whose long text wraps (width capped at 60).
    """
    ws: Worksheet = wb.create_sheet(title)
    headers = [k[1:] if k.startswith("!") else both(k) for k, _ in cols]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [min(max(text_width(h) // 2 + 2, 10), 40) for h in headers]
    wrapped = set(wrap)
    count = 0
    for values in rows:
        count += 1
        for i, value in enumerate(values):
            cell = ws.cell(row=count + 1, column=i + 1)
            need = _put(cell, value, cols[i][1] if i < len(cols) else None)
            if i in wrapped and need > 60:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if i < len(widths):
                widths[i] = min(max(widths[i], need), 60 if i in wrapped else 80)
    for row in flagged:
        for cell in ws[row + 2]:
            cell.fill = FLAG_FILL
    for row in sections:
        for cell in ws[row + 2]:
            cell.font = SECTION_FONT
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = freeze
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{count + 1}"
    return ws
