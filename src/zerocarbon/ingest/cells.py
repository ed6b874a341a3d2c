"""Reading one value of an activity-data file: numbers, periods, yes/no, lists and choices.

Each function takes what a cell (Excel) or a field (YAML/JSON) holds and returns the internal value,
or raises :class:`CellProblem` with the reason in Chinese and English and what to write instead.
Nothing is silently fixed: ``1,5`` is refused (it may mean 1.5 or 15), ``NaN``, ``INF``, ``0x1F``
and numbers beyond a float's range are refused, as are periods such as ``2023-13`` or ``0000``.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from zerocarbon.ingest.columns import BOOL_FALSE, BOOL_TRUE, Column, choices, enum_value
from zerocarbon.model.period import Period

#: Largest magnitude of a number accepted: what a report's charts (floats) can still draw.
FLOAT_MAX = Decimal("1.7976931348623157e308")
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,4})?$")
_THOUSANDS = re.compile(r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$")


class CellProblem(ValueError):
    """A value that cannot be read: (zh, en) reasons."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= 40 else text[:40] + "…"


def cell_text(value: Any) -> str:
    """A cell as text: dates as YYYY-MM, whole floats without ``.0``, text stripped."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m")
    if isinstance(value, float):
        return str(int(value)) if math.isfinite(value) and value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value).strip()


def parse_number(value: Any) -> Decimal:
    """A number from a cell or field, exactly (floats via their repr), or :class:`CellProblem`."""
    if isinstance(value, bool):
        raise CellProblem("应填数字，不是 是/否", "a number is expected, not yes/no")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise CellProblem(f"“{_shown(value)}” 不是有限的数", f"'{_shown(value)}' is not a finite number")
        number = Decimal(repr(value))
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, datetime | date | time):
        raise CellProblem(f"应填数字，单元格是日期 {_shown(str(value))}",
                          f"a number is expected, the cell holds the date {_shown(str(value))}")
    elif isinstance(value, str):
        text = value.strip()
        if "," in text:
            if not _THOUSANDS.match(text):
                raise CellProblem(f"“{_shown(text)}” 不是数字：小数点请用“.”（如 1.5），千位分隔符为“,”（如 1,234.5）",
                                  f"'{_shown(text)}' is not a number: write the decimal point as '.' (1.5); "
                                  "',' only separates thousands (1,234.5)")
            text = text.replace(",", "")
        if not _NUMBER.match(text):
            raise CellProblem(f"“{_shown(value)}” 不是数字（应填如 12.5 或 1.2E3）",
                              f"'{_shown(value)}' is not a number (write e.g. 12.5 or 1.2E3)")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellProblem(f"“{_shown(value)}” 不是数字", f"'{_shown(value)}' is not a number") from None
    else:
        raise CellProblem("应填数字", "a number is expected")
    if not number.is_finite():
        raise CellProblem(f"“{_shown(value)}” 不是有限的数", f"'{_shown(value)}' is not a finite number")
    if abs(number) > FLOAT_MAX:
        raise CellProblem(f"“{_shown(value)}” 超出可计算的范围", f"'{_shown(value)}' is beyond the range that can be "
                          "computed")
    return number


def parse_period(value: Any) -> str:
    """A period ``YYYY`` or ``YYYY-MM`` (a date cell gives its month), or :class:`CellProblem`."""
    if isinstance(value, bool):
        raise CellProblem("期间应写作 YYYY 或 YYYY-MM", "a period is YYYY or YYYY-MM")
    if isinstance(value, datetime | date):
        text = value.strftime("%Y-%m")
    elif isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer()):
            raise CellProblem(f"期间 “{_shown(value)}” 应写作 YYYY 或 YYYY-MM",
                              f"period '{_shown(value)}' is not YYYY or YYYY-MM")
        text = str(int(value))
    else:
        text = str(value).strip()
    try:
        period = Period.parse(text)
    except ValueError:
        raise CellProblem(f"期间 “{_shown(text)}” 应写作 YYYY 或 YYYY-MM（如 2023 或 2023-01）",
                          f"period '{_shown(text)}' is not YYYY or YYYY-MM (write 2023 or 2023-01)") from None
    if period.year < 1:  # year 0 has no calendar date (datetime.date starts at year 1)
        raise CellProblem(f"期间 “{_shown(text)}” 的年份不是公历年份（如 2023）",
                          f"the year of period '{_shown(text)}' is not a calendar year such as 2023")
    return str(period)


def parse_date(value: Any) -> str:
    """A calendar date as ``YYYY-MM-DD``, from a date cell or a text cell."""
    if isinstance(value, datetime):
        if value.time() != time(0):
            raise CellProblem(f"“{_shown(str(value))}” 含时刻，此列只填日期", f"'{_shown(str(value))}' has a time of "
                              "day; this column takes a date")
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = cell_text(value)
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise CellProblem(f"日期 “{_shown(text)}” 应写作 YYYY-MM-DD（如 2024-03-31）",
                          f"date '{_shown(text)}' is not YYYY-MM-DD (write e.g. 2024-03-31)") from None


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    low = cell_text(value).lower()
    if low in BOOL_TRUE:
        return True
    if low in BOOL_FALSE:
        return False
    raise CellProblem(f"“{_shown(value)}” 不是 是/否（请填 是 或 否）",
                      f"'{_shown(value)}' is not yes/no (write 是 or 否)")


def convert(column: Column, value: Any) -> Any:
    """The internal value of a cell of ``column`` (the template reader's edge mapping)."""
    if column.kind == "number":
        return parse_number(value)
    if column.kind == "period":
        return parse_period(value)
    if column.kind == "bool":
        return parse_bool(value)
    if column.kind == "date":
        return parse_date(value)
    if isinstance(value, datetime | date | time) and column.kind != "text":
        raise CellProblem(f"“{_shown(str(value))}” 是日期，此列应填文本", f"'{_shown(str(value))}' is a date; "
                          "this column takes text")
    text = cell_text(value)
    if column.kind == "list":
        return [p.strip() for p in text.split("|") if p.strip()]
    if column.kind == "enum":
        found = enum_value(column, text)
        known = choices(column.key)
        if known and found not in known:
            zh = "、".join(label.zh for label in known.values())
            en = ", ".join(label.en for label in known.values())
            raise CellProblem(f"“{_shown(text)}” 不是可选的值；可填：{zh}",
                              f"'{_shown(text)}' is not one of the choices; write one of: {en}")
        return found
    return text
