"""Chunks of a meter-reading file's text turned into the pipeline's readings (vectorised, Arrow).

The reader (:mod:`zerocarbon.ingest.files`, :mod:`zerocarbon.ingest.csv_source`) hands over chunks of
text columns; :func:`to_readings` parses their times and values with the parsers of
:mod:`zerocarbon.ingest.file_layouts` and returns the input table plus the rows that could not be
read, each with its location (file, sheet, row and, for wide files, column).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zerocarbon.ingest.file_layouts import FileLayout, ResolvedLayout, parse_times, parse_values
from zerocarbon.timeseries.validation import INPUT_SCHEMA


@dataclass
class Chunk:
    """Rows of a file as text columns, numbered as a spreadsheet shows them."""

    columns: dict[int, pa.Array]  # header position → text (null where empty)
    first_row: int                # 1-based row in the file/sheet of the chunk's first data row
    num_rows: int
    #: Row of each data row when rows of the file were set aside (a CSV row with the wrong number of
    #: fields); None: consecutive from ``first_row``.
    row_numbers: np.ndarray | None = None
    #: Rows of the file the chunk covers, set-aside rows included (the resume offset moves by this).
    span: int | None = None
    #: Rows that could not be split into fields, as rejects (location, field, reason, raw).
    rejects: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rows_covered(self) -> int:
        return self.num_rows if self.span is None else self.span


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


@dataclass
class ReadContext:
    """What turning text into readings needs besides the text."""

    where: str
    resolved: ResolvedLayout
    layout: FileLayout
    tz: str
    shift: dict[str, int]  # meter code → seconds subtracted from a time that labels the interval end


def _present(raw: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(raw), ""), False)
                      .to_numpy(zero_copy_only=False))


def _time_text(chunk: Chunk, r: ResolvedLayout) -> pa.Array:
    if r.date is None:
        return chunk.columns[r.time]
    return pc.binary_join_element_wise(chunk.columns[r.date], chunk.columns[r.time], " ")


def _shifts(codes: pa.Array, shift: dict[str, int]) -> np.ndarray:
    if not shift:
        return np.zeros(len(codes), dtype=np.int64)
    keys = list(shift)
    at = pc.index_in(codes, value_set=pa.array(keys, pa.string()))
    table = pa.array([shift[k] for k in keys], pa.int64())
    return np.asarray(pc.fill_null(pc.take(table, at), 0).to_numpy(zero_copy_only=False))


def to_readings(chunk: Chunk, ctx: ReadContext) -> tuple[pa.Table, list[dict[str, Any]]]:
    """One chunk of text as the pipeline's input table, plus the rows that could not be read."""
    r = ctx.resolved
    rows = (chunk.row_numbers if chunk.row_numbers is not None
            else np.arange(chunk.first_row, chunk.first_row + chunk.num_rows))
    rejects: list[dict[str, Any]] = list(chunk.rejects)
    if chunk.num_rows == 0:
        return INPUT_SCHEMA.empty_table(), rejects
    time_raw = _time_text(chunk, r)
    times = parse_times(time_raw, ctx.tz, ctx.layout.time_format)
    time_list = time_raw.to_pylist()
    parts: list[pa.Table] = []

    def reject(at: str, fld: str, reason: str, raw: dict[str, Any]) -> None:
        rejects.append({"location": at, "field": fld, "reason": reason, "raw": raw})

    def part(keep: np.ndarray, codes: pa.Array, values: pa.Array, units: pa.Array, suffix: str) -> None:
        mask = pa.array(keep)
        codes, values, units = codes.filter(mask), values.filter(mask), units.filter(mask)
        ts = times.ts[keep] - _shifts(codes, ctx.shift)
        parts.append(pa.table({"meter": codes, "ts": pa.array(ts, pa.int64()), "value": values, "unit": units,
                               "location": pa.array([f"{ctx.where} row {n}{suffix}" for n in rows[keep]])},
                              schema=INPUT_SCHEMA))

    if r.kind == "long":
        assert r.meter is not None and r.value is not None
        meter_raw, value_raw = chunk.columns[r.meter], chunk.columns[r.value]
        unit_raw = (pc.utf8_trim_whitespace(chunk.columns[r.unit]) if r.unit is not None
                    else pa.array([r.value_unit] * chunk.num_rows, pa.string()))
        unit_raw = pc.if_else(pc.equal(unit_raw, ""), pa.scalar(None, pa.string()), unit_raw)
        if r.value_unit is not None:
            unit_raw = pc.fill_null(unit_raw, r.value_unit)
        codes = pc.utf8_trim_whitespace(meter_raw)
        has_meter, has_value = _present(meter_raw), _present(value_raw)
        values, ok = parse_values(value_raw, ctx.layout.decimal_comma)
        used = has_meter | has_value | _present(time_raw)  # an empty line is not a reading
        bad = used & ~(has_meter & times.ok & ok)
        meter_list, value_list, unit_list = meter_raw.to_pylist(), value_raw.to_pylist(), unit_raw.to_pylist()
        for i in np.flatnonzero(bad):
            raw = {"meter": meter_list[i], "time": time_list[i], "value": value_list[i], "unit": unit_list[i]}
            at = f"{ctx.where} row {rows[i]}"
            if not has_meter[i]:
                reject(at, "meter", "no meter code", raw)
            elif not times.ok[i]:
                reject(at, "ts", str(times.reason[i]), raw)
            else:
                reject(at, "value", "not a number" if has_value[i] else "no value", raw)
        part(used & ~bad, codes, values, unit_raw, "")
    else:
        for col in r.meters:
            raw_col = chunk.columns[col.index]
            present = _present(raw_col)
            values, ok = parse_values(raw_col, ctx.layout.decimal_comma)
            bad = present & ~(times.ok & ok)
            letter = _letter(col.index)
            raw_list = raw_col.to_pylist() if bad.any() else []
            for i in np.flatnonzero(bad):
                raw = {"meter": col.code, "time": time_list[i], "value": raw_list[i], "unit": col.unit}
                at = f"{ctx.where} row {rows[i]} col {letter}"
                if not times.ok[i]:
                    reject(at, "ts", str(times.reason[i]), raw)
                else:
                    reject(at, "value", "not a number", raw)
            n = int(present.sum())
            if n:
                part(present & ~bad, pa.array([col.code] * chunk.num_rows, pa.string()), values,
                     pa.array([col.unit] * chunk.num_rows, pa.string()), f" col {letter}")
    table = pa.concat_tables(parts) if parts else INPUT_SCHEMA.empty_table()
    return table, rejects
