"""The layouts of meter-reading files: header vocabulary, column resolution, time and number parsing.

One declaration of the header aliases (Chinese and English) maps a file's columns onto the internal
vocabulary of readings (meter, ts, value, unit), the way pvlib's ``VARIABLE_MAP`` maps weather
columns. :class:`FileLayout` overrides any part of it. Everything here is pure (no files, no store): the reader
(:mod:`zerocarbon.ingest.files`) turns a file into chunks of text columns, and :func:`to_readings`
turns a chunk into the pipeline's input table with vectorised parsers over Arrow string arrays.
See ``docs/meter-data-format.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict, Field, field_validator

from zerocarbon.errors import InputError

#: Header aliases by role. Matching ignores case, spaces, ``_`` and ``-`` and a trailing unit in
#: brackets (``读数(kWh)`` is the value column, in kWh).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "meter": ("表计编号", "表号", "表计", "表计代码", "电表编号", "仪表编号", "计量点编号", "计量点", "测点编号",
              "meter", "meter_code", "meter_id", "meter code", "meter no"),
    "time": ("时间", "时间戳", "采集时间", "抄表时间", "数据时间", "读数时间", "日期时间", "时刻",
             "timestamp", "time", "datetime", "date_time", "ts", "reading_time"),
    "date": ("日期", "date"),
    "value": ("读数", "数值", "示数", "表码", "用量", "值", "value", "reading", "reading_value"),
    "unit": ("单位", "计量单位", "unit", "units"),
}
#: Columns of a wide file that are not meters even when not named in ``ignore_columns``.
WIDE_IGNORED: tuple[str, ...] = ("序号", "备注", "说明", "合计", "总计", "小计", "no", "no.", "index", "remark",
                                 "remarks", "note", "notes", "total")

_SPACES = re.compile(r"[\s_\-\u3000]+")
_UNIT_SUFFIX = re.compile(r"^(.*?)\s*[(（\[【]\s*([^()（）\[\]【】]+?)\s*[)）\]】]$")


def norm(header: str) -> str:
    """The form in which headers are compared: no case, spaces, ``_`` or ``-``."""
    return _SPACES.sub("", header).casefold()


def split_unit(header: str) -> tuple[str, str | None]:
    """``'读数(kWh)'`` → ``('读数', 'kWh')``; a header without a bracketed suffix has no unit."""
    found = _UNIT_SUFFIX.match(header.strip())
    if found and found.group(1).strip():
        return found.group(1).strip(), found.group(2)
    return header.strip(), None


_ALIAS = {role: {norm(a) for a in names} for role, names in HEADER_ALIASES.items()}
_IGNORED = {norm(a) for a in WIDE_IGNORED}


def role_of(header: str) -> str | None:
    """The role (meter, time, date, value, unit) a header names by its alias, or None."""
    for text in (header, split_unit(header)[0]):
        key = norm(text)
        for role, names in _ALIAS.items():
            if key in names:
                return role
    return None


class FileLayout(BaseModel):
    """How to read a meter-reading file; every field left empty is found from the header.

    Column fields take the header text as written in the file.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    layout: Literal["long", "wide"] | None = Field(
        None, description="long: one row per reading; wide: one row per time, one column per meter; None: detect")
    meter_column: str | None = Field(None, description="long: column of the meter code")
    time_column: str | None = Field(None, description="column of the time (or of the time of day with date_column)")
    date_column: str | None = Field(None, description="column of the date when date and time are separate")
    value_column: str | None = Field(None, description="long: column of the reading [unit column or meter unit]")
    unit_column: str | None = Field(None, description="long: column of the unit; empty cells mean the meter's unit")
    meter_columns: dict[str, str] | None = Field(
        None, description="wide: header → meter code; None: every other column is a meter named by its header")
    ignore_columns: list[str] = Field(default_factory=list, description="columns that are neither time nor meter")
    timezone: str | None = Field(None, description="IANA zone of times without offset; None: the factory's")
    timestamp_is: Literal["start", "end"] = Field(
        "start", description="for interval registers, whether the time labels the start or end of the interval")
    time_format: str | None = Field(
        None, description="strptime format (e.g. '%d.%m.%Y %H:%M'), 'epoch' [s, UTC], 'epoch_ms' [ms, UTC] or "
                          "'excel' (serial days); None: ISO-like times")
    sheet: str | None = Field(None, description="XLSX: the sheet to read; None: the first")
    header_row: int | None = Field(None, ge=1, description="1-based row of the header; None: detect")
    decimal_comma: bool = Field(False, description="numbers are written 1.234,5 instead of 1,234.5")
    delimiter: str | None = Field(None, min_length=1, max_length=1, description="CSV delimiter; None: detect")
    encoding: str | None = Field(None, description="CSV text encoding; None: UTF-8, else GB18030")

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            check_timezone(value)
        return value

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, value: str | None) -> str | None:
        if value is not None:
            check_encoding(value)
        return value


def check_encoding(name: str) -> str:
    """The codec's name (``utf-8``, ``gb18030`` …), or InputError for an encoding Python does not know."""
    import codecs

    try:
        found = codecs.lookup(name)
    except (LookupError, ValueError, TypeError) as exc:
        raise InputError(f"未知编码 “{name[:40]}”", f"unknown encoding '{name[:40]}'", field="encoding",
                         expected="utf-8 or gb18030") from exc
    if found.name in ("utf-8-sig", "utf_8_sig"):
        return "utf-8"
    return str(found.name)


def check_timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(f"未知时区 “{name}”", f"unknown time zone '{name}'", field="timezone",
                         expected="an IANA zone such as Asia/Shanghai") from exc


@dataclass(frozen=True)
class MeterColumn:
    """A column of a wide file: position, meter code and the unit named in its header (if any)."""

    index: int
    code: str
    unit: str | None


@dataclass
class ResolvedLayout:
    """A layout with every column located (0-based positions in the header)."""

    kind: Literal["long", "wide"]
    time: int
    date: int | None = None
    meter: int | None = None
    value: int | None = None
    unit: int | None = None
    value_unit: str | None = None  # long: unit from the value header, e.g. 读数(kWh)
    meters: list[MeterColumn] = field(default_factory=list)

    def needed(self) -> list[int]:
        """Positions of the columns the reader must deliver."""
        cols = [self.time, self.date, self.meter, self.value, self.unit, *(m.index for m in self.meters)]
        return sorted({c for c in cols if c is not None})


def _find(header: Sequence[str], wanted: str | None, role: str, file: str, row: int) -> int | None:
    if wanted is not None:
        for exact in (True, False):
            for i, h in enumerate(header):
                if (h.strip() == wanted.strip()) if exact else (norm(h) == norm(wanted)):
                    return i
        raise InputError(f"表头中没有列 “{wanted}”", f"the header has no column '{wanted}'", file=file, row=row,
                         field=f"{role}_column", expected=f"one of {[h for h in header if h]}")
    for i, h in enumerate(header):
        if h and role_of(h) == role:
            return i
    return None


def _meter_code(header: str, codes: Iterable[str]) -> tuple[str, str | None] | None:
    known = set(codes)
    text = header.strip()
    if text in known:
        return text, None
    code, unit = split_unit(text)
    return (code, unit) if code in known else None


def detect_kind(header: Sequence[str], meter_codes: Iterable[str]) -> Literal["long", "wide"] | None:
    """Wide when the header names two or more of the factory's meters, long when it has a meter column."""
    codes = set(meter_codes)
    if sum(1 for h in header if h and _meter_code(h, codes) is not None) >= 2:
        return "wide"
    if any(h and role_of(h) == "meter" for h in header):
        return "long"
    return None


def resolve(header: Sequence[str], layout: FileLayout, meter_codes: Iterable[str], file: str,
            row: int) -> ResolvedLayout:
    """Locate every column of ``layout`` in ``header`` (row ``row`` of ``file``); raises InputError."""
    codes = set(meter_codes)
    kind = layout.layout or detect_kind(header, codes)
    if kind is None:
        raise InputError(
            "无法判断文件布局：表头既没有表计编号列，也没有两个以上已登记的表计编号",
            "cannot tell the layout: the header has neither a meter column nor two known meter codes",
            file=file, row=row, expected="a column 表计编号/meter (long), or one column per meter code (wide)")
    time_at = _find(header, layout.time_column, "time", file, row)
    date_at = _find(header, layout.date_column, "date", file, row)
    if time_at is None:
        time_at, date_at = date_at, None
    if time_at is None:
        raise InputError("表头中没有时间列", "the header has no time column", file=file, row=row,
                         field="time_column", expected="时间 / 时间戳 / timestamp / time (or set time_column)")
    if kind == "long":
        meter_at = _find(header, layout.meter_column, "meter", file, row)
        value_at = _find(header, layout.value_column, "value", file, row)
        for at, role, hint in ((meter_at, "meter", "表计编号 / meter"), (value_at, "value", "读数 / 数值 / value")):
            if at is None:
                raise InputError(f"表头中没有{'表计编号' if role == 'meter' else '读数'}列",
                                 f"the header has no {role} column", file=file, row=row, field=f"{role}_column",
                                 expected=f"{hint} (or set {role}_column)")
        unit_at = _find(header, layout.unit_column, "unit", file, row)
        value_unit = split_unit(header[value_at])[1] if value_at is not None else None
        return ResolvedLayout("long", time_at, date_at, meter_at, value_at, unit_at, value_unit)
    taken = {time_at, date_at}
    ignored = {norm(c) for c in layout.ignore_columns} | _IGNORED
    meters: list[MeterColumn] = []
    if layout.meter_columns is not None:
        for head, code in layout.meter_columns.items():
            at = _find(header, head, "meter", file, row)
            assert at is not None  # _find raises when a named column is missing
            meters.append(MeterColumn(at, code, split_unit(header[at])[1]))
    else:
        for i, h in enumerate(header):
            if i in taken or not h.strip() or norm(h) in ignored:
                continue
            found = _meter_code(h, codes)
            meters.append(MeterColumn(i, *(found or (h.strip(), None))))
    if not meters:
        raise InputError("宽表中没有表计列", "the wide file has no meter columns", file=file, row=row,
                         expected="one column per meter code after the time column")
    return ResolvedLayout("wide", time_at, date_at, meters=meters)


def find_header_row(rows: Sequence[Sequence[str]], layout: FileLayout) -> int:
    """0-based index of the header among the first ``rows``: the first naming a time (or date) column."""
    if layout.header_row is not None:
        return layout.header_row - 1
    wanted = {norm(c) for c in (layout.time_column, layout.date_column) if c}
    for i, row in enumerate(rows):
        for h in row:
            if h and (norm(h) in wanted or (not wanted and role_of(h) in ("time", "date"))):
                return i
    return 0


# ------------------------------------------------------------------------------------------ numbers
_NUMBER = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
_THOUSANDS = r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$"
_THOUSANDS_EU = r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$"


def parse_values(raw: pa.Array, decimal_comma: bool = False) -> tuple[pa.Array, np.ndarray]:
    """Numbers from text: ``(float64 array, ok mask)``; null text is not ok, nor is text that is not a number.

    Thousands separators are accepted only in their exact pattern (``1,234.5``; with
    ``decimal_comma``: ``1.234,5``), so ``1,5`` is never read as 15.
    """
    text = pc.utf8_trim_whitespace(raw.cast(pa.string()))
    if decimal_comma:
        text = pc.if_else(pc.match_substring_regex(text, _THOUSANDS_EU), pc.replace_substring(text, ".", ""), text)
        text = pc.replace_substring(text, ",", ".")
    else:
        text = pc.if_else(pc.match_substring_regex(text, _THOUSANDS), pc.replace_substring(text, ",", ""), text)
    ok = pc.fill_null(pc.match_substring_regex(text, _NUMBER), False)
    values = pc.cast(pc.if_else(ok, text, pa.scalar(None, pa.string())), pa.float64())
    return values, ok.to_numpy(zero_copy_only=False)


# -------------------------------------------------------------------------------------------- times
_TIME = re.compile(
    r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?"
    r"(?:(?:\s+|T)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d+))?)?)?"
    r"\s*(?P<z>Z|[+-]\d{2}:?\d{2})?$")
TIME_EXAMPLE = "2023-01-01 00:15[:00][+08:00]"


@dataclass
class ParsedTimes:
    """Times as UTC epoch seconds with a reason for each one that could not be read (None where ok)."""

    ts: np.ndarray      # int64 [s since the epoch, UTC]; 0 where not ok
    ok: np.ndarray      # bool
    reason: list[str | None]


def _ints(parts: pa.StructArray, name: str, default: int) -> np.ndarray:
    col = pc.struct_field(parts, name)
    col = pc.if_else(pc.equal(col, ""), pa.scalar(str(default)), col)
    return np.asarray(pc.cast(pc.fill_null(col, str(default)), pa.int64()).to_numpy(zero_copy_only=False))


def _localize(naive: np.ndarray, tz: str) -> tuple[np.ndarray, np.ndarray]:
    """Local wall-clock seconds → UTC; ``exists`` is False inside a clock-change gap.

    An ambiguous time (clocks set back) is read as the earlier instant.
    """
    wall = pa.array(naive, pa.timestamp("s"))
    early = pc.assume_timezone(wall, tz, ambiguous="earliest", nonexistent="earliest").cast(pa.int64())
    late = pc.assume_timezone(wall, tz, ambiguous="earliest", nonexistent="latest").cast(pa.int64())
    a = np.asarray(early.to_numpy(zero_copy_only=False))
    return a, a == np.asarray(late.to_numpy(zero_copy_only=False))


def parse_times(raw: pa.Array, tz: str, time_format: str | None = None) -> ParsedTimes:
    """Times from text; times without an offset are wall-clock time in ``tz``.

    Without ``time_format``: ``YYYY-MM-DD[ HH:MM[:SS[.000]]][offset]`` with ``-``, ``/``, ``.`` or
    年月日 between date parts, ``T`` or spaces before the time, ``Z`` or ``±HH[:]MM`` as offset. Dates
    are checked (2023-02-30 is not a time), ``24:00`` is the next midnight, and a fraction of a second
    other than zero is refused (readings are stored to the second).
    """
    text = pc.utf8_trim_whitespace(raw.cast(pa.string()))
    n = len(text)
    present = np.asarray(pc.is_valid(text).to_numpy(zero_copy_only=False)) & np.asarray(
        pc.fill_null(pc.not_equal(text, ""), False).to_numpy(zero_copy_only=False))
    if time_format is not None:
        ts, ok = _parse_with_format(text, tz, time_format)
        ok &= present
        expected = f"format {time_format}"
        exists = np.ones(n, dtype=bool)
    else:
        parts = pc.extract_regex(text, _TIME.pattern)
        matched = np.asarray(pc.is_valid(parts).to_numpy(zero_copy_only=False)) & present
        parts = pc.fill_null(parts, pa.scalar({k: "" for k in "ymdHMSfz"}, parts.type))
        y, m, d = _ints(parts, "y", 1970), _ints(parts, "m", 1), _ints(parts, "d", 1)
        hh, mm, ss = _ints(parts, "H", 0), _ints(parts, "M", 0), _ints(parts, "S", 0)
        frac = pc.struct_field(parts, "f")
        whole = np.asarray(pc.match_substring_regex(frac, r"^0*$").to_numpy(zero_copy_only=False))
        month = np.clip(m, 1, 12) - 1
        first = ((y - 1970) * 12 + month).astype("datetime64[M]")
        days_in = ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(np.int64)
        ok = (matched & (m >= 1) & (m <= 12) & (d >= 1) & (d <= days_in) & (mm <= 59) & (ss <= 59)
              & ((hh <= 23) | ((hh == 24) & (mm == 0) & (ss == 0))) & whole)
        day = first.astype("datetime64[D]").astype(np.int64) + np.clip(d, 1, 31) - 1
        naive = day * 86_400 + hh * 3_600 + mm * 60 + ss
        zone = pc.struct_field(parts, "z")
        has_zone = np.asarray(pc.not_equal(zone, "").to_numpy(zero_copy_only=False))
        offs = pc.replace_substring(pc.replace_substring(zone, ":", ""), "Z", "+0000")
        offs = pc.if_else(pc.equal(offs, ""), "+0000", offs)
        sign = np.where(np.asarray(pc.starts_with(offs, "-").to_numpy(zero_copy_only=False)), -1, 1)
        oh = np.asarray(pc.cast(pc.utf8_slice_codeunits(offs, 1, 3), pa.int64()).to_numpy(zero_copy_only=False))
        om = np.asarray(pc.cast(pc.utf8_slice_codeunits(offs, 3, 5), pa.int64()).to_numpy(zero_copy_only=False))
        local, exists = _localize(naive, tz)
        ts = np.where(has_zone, naive - sign * (oh * 3_600 + om * 60), local)
        exists |= has_zone
        ok &= exists
        expected = f"e.g. {TIME_EXAMPLE}"
    reason: list[str | None] = [None] * n
    # Reasons name the problem, not the text (which is kept with the reject), so they can be counted.
    for i in np.flatnonzero(~ok):
        if not present[i]:
            reason[i] = "no time"
        elif not exists[i]:
            reason[i] = f"not a time in {tz} (clocks were set forward)"
        else:
            reason[i] = f"not a time (expected {expected})"
    return ParsedTimes(np.where(ok, ts, 0).astype(np.int64), ok, reason)


def _parse_with_format(text: pa.Array, tz: str, time_format: str) -> tuple[np.ndarray, np.ndarray]:
    if time_format in ("epoch", "epoch_ms", "excel"):
        values, ok = parse_values(text)
        v = np.asarray(pc.fill_null(values, 0.0).to_numpy(zero_copy_only=False))
        if time_format == "excel":
            # Serial days since 1899-12-30 (the 1900 system, after its fictitious 29 February) in local time.
            naive = np.round((v - 25_569.0) * 86_400.0).astype(np.int64)
            local, exists = _localize(naive, tz)
            return local, ok & exists & (v >= 61)
        seconds = v / 1000.0 if time_format == "epoch_ms" else v
        return np.floor(seconds).astype(np.int64), ok & (seconds == np.floor(seconds))
    parsed = pc.strptime(text, format=time_format, unit="s", error_is_null=True)
    ok = np.asarray(pc.is_valid(parsed).to_numpy(zero_copy_only=False))
    if "%z" not in time_format:
        # strptime rolls 30 February over into March: a round trip (leading zeros aside) catches it.
        again = pc.strftime(pc.fill_null(parsed, 0), format=time_format)
        strip = r"(^|\D)0+(\d)"
        same = pc.equal(pc.replace_substring_regex(again, strip, r"\1\2"),
                        pc.replace_substring_regex(text, strip, r"\1\2"))
        ok &= np.asarray(pc.fill_null(same, False).to_numpy(zero_copy_only=False))
        naive = np.asarray(pc.fill_null(parsed, 0).cast(pa.int64()).to_numpy(zero_copy_only=False))
        local, exists = _localize(naive, tz)
        return local, ok & exists
    ts = np.asarray(pc.fill_null(parsed.cast(pa.int64()), 0).to_numpy(zero_copy_only=False))
    return ts, ok
