"""Use case: the whole hourly carbon of a factory's year (hour × meter) as a download, in bounded memory.

    kept year (hour roll-ups kept as Parquet files next to the store, :mod:`zerocarbon.store.rollup_files`)
        → annual factors of the meters (:func:`zerocarbon.timeseries.carbon.annual_factors`)
        → :func:`zerocarbon.timeseries.carbon.hourly_carbon_batches` (DuckDB, one record batch at a time)
        → display columns (meter code, local month and hour) → CSV / NDJSON / Parquet bytes, chunk by chunk

The rows are those of :func:`zerocarbon.services.metering.activity.hourly_carbon` (same engine, same factors,
same order: meter, hour), so a download equals the in-memory table; at 2,000 meters × 8,760 hours (17.5 M rows)
only one batch of rows and the engine's sort of one range of meters are held at a time. The method the figures
were computed with (view, factor rows with their sources, grid-intensity series, gap estimate, year, time zone)
is :attr:`HourlyExport.method`, written as a header block in CSV and sent as response headers by the API.
A store that keeps no hour files (PostgreSQL without ``$ZEROCARBON_ROLLUP_DIR``) computes the year's hours in
memory first (:meth:`~zerocarbon.timeseries.year.MeteredYear.hourly`): only the output is streamed then.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from zerocarbon.errors import InputError
from zerocarbon.factors import FactorLibrary, default_library
from zerocarbon.services.metering.activity import load_series
from zerocarbon.services.metering.rollups import kept_year
from zerocarbon.services.metering.year import FactoryMeters
from zerocarbon.timeseries import activity as ta
from zerocarbon.timeseries import carbon as tc
from zerocarbon.timeseries.intervals import Estimate
from zerocarbon.timeseries.months import month_starts

__all__ = ["COLUMNS", "SCHEMA", "HourlyExport", "Lang", "Prepared", "csv_chunks", "header_lines", "hourly_export",
           "json_value", "method_header", "ndjson_chunks", "parquet_chunks", "prepare", "text_safe"]

Lang = Literal["zh", "en"]

#: The columns of a download: name, Chinese header, English header.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("meter", "计量表", "meter"),
    ("month", "月份", "month"),
    ("local_start", "本地开始时间", "local start"),
    ("ts", "开始 [UTC 纪元秒]", "start [s since epoch, UTC]"),
    ("ts_end", "结束 [UTC 纪元秒]", "end [s since epoch, UTC]"),
    ("category", "类别", "category"),
    ("scope", "范围", "scope"),
    ("item", "品种", "item"),
    ("cost_centre", "成本中心", "cost centre"),
    ("amount", "用量 [计量单位]", "amount [meter unit]"),
    ("unit", "计量单位", "meter unit"),
    ("activity", "活动数据 [活动数据单位]", "activity [activity unit]"),
    ("activity_unit", "活动数据单位", "activity unit"),
    ("factor", "排放因子 [tCO2/活动数据单位]", "factor [tCO2/activity unit]"),
    ("factor_kind", "因子类型", "factor kind"),
    ("co2_t", "二氧化碳排放 [tCO2]", "CO2 [tCO2]"),
    ("flags", "质量标志位", "quality flags"),
)
NAMES = tuple(c[0] for c in COLUMNS)
SCHEMA = pa.schema([("meter", pa.string()), ("month", pa.string()), ("local_start", pa.string()),
                    ("ts", pa.int64()), ("ts_end", pa.int64()), ("category", pa.string()), ("scope", pa.string()),
                    ("item", pa.string()), ("cost_centre", pa.string()), ("amount", pa.float64()),
                    ("unit", pa.string()), ("activity", pa.float64()), ("activity_unit", pa.string()),
                    ("factor", pa.float64()), ("factor_kind", pa.string()), ("co2_t", pa.float64()),
                    ("flags", pa.int64())])
VIEW = "location"
FORMULA = "co2_t = amount × to_activity × factor (factor of the hour)"


@dataclass
class HourlyExport:
    """A factory's hourly carbon ready to be read batch by batch (:data:`SCHEMA`), with its method.

    ``batches`` is single-use and holds an engine connection until it is exhausted or :meth:`close` d.
    """

    factory_id: str
    year: int
    method: dict[str, Any]
    batches: Iterator[pa.RecordBatch]
    filters: dict[str, list[Any]] = field(default_factory=dict)

    #: what to close besides ``batches`` (the engine's iterator, in case ``batches`` was never started)
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for close in [getattr(self.batches, "close", None), *self.closers]:
            if close is not None:
                close()

    def filename(self, ext: str) -> str:
        return f"{self.factory_id}-hourly-carbon-{self.year}.{ext}"


def _factor_rows(trace: dict[str, Any]) -> list[dict[str, Any]]:
    """The distinct library rows behind the meters' factors, with their sources (the provenance of the table)."""
    rows: dict[str, dict[str, Any]] = {}
    for meter in trace.get("factors", []):
        for f in meter.get("factors", []):
            key = str(f.get("factor_id") or f"{f['item']}/{f['parameter']}")
            entry = rows.setdefault(key, {k: f.get(k) for k in ("factor_id", "item", "parameter", "value", "unit",
                                                                  "source", "edition", "clause", "data_year",
                                                                  "region", "status", "fallback")} | {"meters": 0})
            entry["meters"] += 1
    return sorted(rows.values(), key=lambda r: str(r["factor_id"]))


@dataclass
class Prepared:
    """What an hourly carbon read needs, checked: the kept hours, the factors of the chosen meters, the hourly
    series, the month windows and the method (:func:`prepare`)."""

    factory: FactoryMeters
    hours: pa.Table | Sequence[str]
    factors: pa.Table
    series: pa.Table | None
    windows: list[tuple[int, int]] | None
    months: list[int] | None
    method: dict[str, Any]

    def meter_codes(self) -> pa.Array:
        """The factory's meter codes, in the order of its ``meters["meter_id"]``."""
        return pa.array([str(c) for c in self.factory.meters["code"].to_pylist()], pa.string())


def prepare(factory_id: str, year: int, url: str | None = None, *, meters: Sequence[str] | None = None,
            months: Sequence[int] | None = None, series: str | None = None, estimate: Estimate | None = "linear",
            power_as_energy: bool = False, library: FactorLibrary | None = None) -> Prepared:
    """The kept year's hours with the factors of ``meters`` (default all), the months and series checked.

    An unknown meter code or a month outside 1–12 raises :class:`~zerocarbon.errors.InputError` (fields
    ``meter``, ``month``), before any engine work on the hours.
    """
    my = kept_year(factory_id, year, url, estimate=estimate, power_as_energy=power_as_energy, hourly=True)
    ta.check_power_meters(my.factory, my.power_as_energy)
    fm = my.factory
    lib = library or default_library()
    factors = tc.annual_factors(fm.meters, year, fm.province, library=lib, tz=fm.timezone)
    codes = [str(c) for c in fm.meters["code"].to_pylist()]
    filters: dict[str, list[Any]] = {}
    table = factors.table
    if meters is not None:
        wanted = list(dict.fromkeys(meters))
        unknown = [c for c in wanted if c not in codes]
        if unknown:
            raise InputError(f"工厂 {factory_id} 没有计量表 {', '.join(unknown)}",
                             f"factory {factory_id} has no meter {', '.join(unknown)}", field="meter",
                             expected="a meter code of the factory")
        ids = [int(i) for i, c in zip(fm.meters["meter_id"].to_pylist(), codes, strict=True) if c in wanted]
        table = table.filter(pc.is_in(table["meter_id"], value_set=pa.array(ids, pa.int64())))
        filters["meter"] = wanted
    windows, chosen = None, None
    if months is not None:
        chosen = sorted(set(months))
        bad = [m for m in chosen if not 1 <= m <= 12]
        if bad:
            raise InputError(f"月份须在 1–12 之间：{bad}", f"months must be 1–12, not {bad}", field="month")
        starts = month_starts(year, fm.timezone)
        windows = [(starts[m - 1], starts[m]) for m in chosen]
        filters["month"] = chosen
    rows = load_series(series, my.start, my.end, url) if series is not None else None
    hours = my.hour_parts if my.hourly_values is None and my.hour_parts is not None else my.hourly()
    trace = factors.trace()
    series_info = None
    if rows is not None:
        series_info = {"series": series, "unit": "tCO2/MWh", "hours": rows.num_rows,
                       "source": sorted({x for x in rows["source"].to_pylist() if x})}
    method = {"factory": factory_id, "year": year, "timezone": fm.timezone, "province": fm.province,
              "view": VIEW, "unit": "tCO2", "formula": FORMULA, "estimate": my.estimate,
              "power_as_energy": my.power_as_energy, "factor_rows": _factor_rows(trace), "series": series_info,
              "skipped": trace["skipped"], "filters": filters,
              "engine": "zerocarbon.timeseries.carbon.hourly_carbon_batches (DuckDB, float64)"}
    return Prepared(fm, hours, table, rows, windows, chosen, method)


def hourly_export(factory_id: str, year: int, url: str | None = None, *, meters: Sequence[str] | None = None,
                  months: Sequence[int] | None = None, series: str | None = None,
                  estimate: Estimate | None = "linear", power_as_energy: bool = False,
                  library: FactorLibrary | None = None, batch_rows: int = tc.BATCH_ROWS,
                  rows_per_query: int = tc.STREAM_ROWS_PER_QUERY) -> HourlyExport:
    """The hourly carbon of ``factory_id``'s local calendar ``year`` as batches of :data:`SCHEMA` rows.

    Parameters
    ----------
    meters : sequence of str, optional
        Meter codes to keep (default: every meter in the hourly carbon); an unknown code raises
        :class:`~zerocarbon.errors.InputError` (field ``meter``).
    months : sequence of int, optional
        Local months 1–12 to keep (default: the whole year).
    series : str, optional
        A grid-intensity series of the store replacing the annual grid factor hour by hour.
    batch_rows : int
        Rows per batch [rows]; ``rows_per_query`` hour rows are sorted by the engine at a time.

    Everything that can fail on the caller's input fails here, before the first batch is read.
    """
    p = prepare(factory_id, year, url, meters=meters, months=months, series=series, estimate=estimate,
                power_as_energy=power_as_energy, library=library)
    fm = p.factory
    batches = tc.hourly_carbon_batches(p.hours, p.factors, p.series, windows=p.windows, batch_rows=batch_rows,
                                       rows_per_query=rows_per_query)
    meter_ids = fm.meters["meter_id"].combine_chunks()
    meter_codes = p.meter_codes()
    meter_units = fm.meters["energy_unit"].combine_chunks().cast(pa.string())
    out: Generator[pa.RecordBatch, None, None] = (_display(b, meter_ids, meter_codes, meter_units, fm.timezone)
                                                  for b in batches)
    first = next(out, None)  # the engine's query runs (and any error is raised) before anything is sent

    def chained() -> Iterator[pa.RecordBatch]:
        try:
            if first is not None:
                yield first
            yield from out
        finally:
            out.close()
            batches.close()

    return HourlyExport(factory_id, year, p.method, chained(), p.method["filters"], [out.close, batches.close])


def _display(batch: pa.RecordBatch, ids: pa.Array, codes: pa.Array, units: pa.Array, tz: str) -> pa.RecordBatch:
    """One batch of the engine's rows with the meter's code and unit and the local month and hour."""
    at = pc.index_in(batch.column("meter_id"), value_set=ids)
    local = pc.cast(batch.column("ts"), pa.timestamp("s", tz="UTC")).cast(pa.timestamp("s", tz=tz))
    cols: dict[str, pa.Array] = {
        "meter": pc.take(codes, at), "month": pc.strftime(local, format="%Y-%m"),
        "local_start": pc.strftime(local, format="%Y-%m-%d %H:%M"), "unit": pc.take(units, at)}
    for name in ("ts", "ts_end", "category", "scope", "item", "cost_centre", "amount", "activity", "activity_unit",
                 "factor", "factor_kind", "co2_t", "flags"):
        cols[name] = batch.column(name)
    return pa.RecordBatch.from_arrays([pc.cast(cols[f.name], f.type) for f in SCHEMA], schema=SCHEMA)


# --- what the method says, in one language ---------------------------------------------------------------

_LABELS = {"zh": {"title": "逐时碳排放（每表每小时）", "factory": "工厂", "year": "年份", "timezone": "时区",
                  "province": "省份", "view": "口径",
                  "view_value": "基于位置（电网平均排放因子；有逐时序列时按小时替换）",
                  "formula": "公式", "estimate": "缺口估算", "none": "无", "series": "逐时电网排放因子序列",
                  "factor": "因子", "meters": "块表", "skipped": "未计入", "filters": "筛选",
                  "all": "全部", "month": "月份", "meter": "计量表"},
           "en": {"title": "Hourly carbon (meter × hour)", "factory": "factory", "year": "year",
                  "timezone": "time zone", "province": "province", "view": "view",
                  "view_value": "location-based (grid-average factor; replaced hour by hour where a series is given)",
                  "formula": "formula", "estimate": "gap estimate", "none": "none",
                  "series": "hourly grid-intensity series", "factor": "factor", "meters": "meters",
                  "skipped": "not included", "filters": "filters", "all": "all", "month": "months",
                  "meter": "meters"}}


def header_lines(method: dict[str, Any], lang: Lang = "zh") -> list[str]:
    """The method as ``key: value`` lines in ``lang`` (the CSV's header block, each line after ``# ``)."""
    t = _LABELS[lang]
    lines = [str(t["title"]), f"{t['factory']}: {method['factory']}", f"{t['year']}: {method['year']}",
             f"{t['timezone']}: {method['timezone']}", f"{t['province']}: {method['province']}",
             f"{t['view']}: {t['view_value']}", f"{t['formula']}: {method['formula']}",
             f"{t['estimate']}: {method['estimate'] or t['none']}"]
    s = method.get("series")
    lines.append(f"{t['series']}: " + (f"{s['series']} ({', '.join(s['source']) or '-'}; {s['hours']} h, {s['unit']})"
                                        if s else str(t["none"])))
    for r in method["factor_rows"]:
        where = "; ".join(str(x) for x in (r["source"],) if x)
        lines.append(f"{t['factor']}: {r['factor_id']} = {r['value']} {r['unit']} ({r['meters']} {t['meters']}) — "
                     f"{where}")
    for sk in method["skipped"]:
        lines.append(f"{t['skipped']}: {sk['meter']} ({sk['category']}) — {sk.get(f'reason_{lang}', sk['reason'])}")
    filters = method.get("filters") or {}
    shown = "; ".join(f"{t.get(k, k)} {', '.join(str(v) for v in vs)}" for k, vs in filters.items())
    lines.append(f"{t['filters']}: {shown or t['all']}")
    return lines


def method_header(method: dict[str, Any]) -> str:
    """The method as compact ASCII JSON for an HTTP header (factor rows by id; the CSV block has their sources)."""
    short = {k: method[k] for k in ("factory", "year", "timezone", "province", "view", "unit", "estimate", "filters")}
    short["factor_ids"] = [r["factor_id"] for r in method["factor_rows"]]
    short["series"] = None if method["series"] is None else method["series"]["series"]
    short["skipped"] = [s["meter"] for s in method["skipped"]]
    return json.dumps(short, ensure_ascii=True, separators=(",", ":"))


# --- encoders: one chunk of bytes per batch ----------------------------------------------------------------

def csv_chunks(export: HourlyExport, lang: Lang = "zh", *, bom: bool = True,
               method_block: bool = True) -> Iterator[bytes]:
    """UTF-8 CSV (with a byte-order mark, so Excel reads the Chinese text): the method as ``# `` lines, the column
    headers in ``lang``, then one chunk per batch (floats written as their shortest round-trip text)."""
    head = io.StringIO()
    writer = csv.writer(head, lineterminator="\r\n")
    if method_block:
        for line in header_lines(export.method, lang):
            writer.writerow([f"# {line}"])
    writer.writerow([c[1] if lang == "zh" else c[2] for c in COLUMNS])
    yield (b"\xef\xbb\xbf" if bom else b"") + head.getvalue().encode("utf-8")
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    try:
        for batch in export.batches:
            sink = pa.BufferOutputStream()
            pacsv.write_csv(_text_safe(batch), sink, write_options=options)
            yield sink.getvalue().to_pybytes()
    finally:
        export.close()


#: A text cell a spreadsheet would read as a formula starts with one of these (OWASP "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: the same characters as the engine's pattern (``-`` escaped inside the class)
_FORMULA_START = "^[" + "".join("\\" + c if c in "-\\]^" else c for c in FORMULA_START) + "]"


def text_safe(value: Any) -> Any:
    """A cell's value as a spreadsheet should get it: a text starting like a formula prefixed by ``'``."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _text_safe(batch: pa.RecordBatch) -> pa.RecordBatch:
    """``batch`` with every text cell starting like a formula prefixed by ``'`` (Excel then shows it as text; a
    meter code, item or cost centre such as ``=HYPERLINK(…)`` is not run). Numbers are left as they are."""
    cols = []
    for col in batch.columns:
        if pa.types.is_string(col.type):
            risky = pc.fill_null(pc.match_substring_regex(col, _FORMULA_START), False)
            if pc.any(risky).as_py():
                col = pc.if_else(risky, pc.binary_join_element_wise("'", col, ""), col)
        cols.append(col)
    return pa.RecordBatch.from_arrays(cols, schema=batch.schema)


def json_value(v: Any) -> Any:
    """A value as JSON takes it (a non-finite float is null)."""
    return None if isinstance(v, float) and not math.isfinite(v) else v


def ndjson_chunks(export: HourlyExport) -> Iterator[bytes]:
    """One JSON object per line (``application/x-ndjson``), the keys of :data:`SCHEMA`; one chunk per batch."""
    try:
        for batch in export.batches:
            yield "".join(json.dumps({k: json_value(v) for k, v in row.items()}, ensure_ascii=False) + "\n"
                          for row in batch.to_pylist()).encode("utf-8")
    finally:
        export.close()


class _Sink:
    """A write-only file collecting what a writer writes, taken out chunk by chunk."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._pos = 0
        self.closed = False

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self._pos += len(data)
        return len(data)

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def take(self) -> bytes:
        out, self._parts = b"".join(self._parts), []
        return out


def parquet_chunks(export: HourlyExport) -> Iterator[bytes]:
    """Parquet (zstd), one row group per batch, sent as each is written; the method as file metadata
    (``zerocarbon.method``, JSON)."""
    sink = _Sink()
    schema = SCHEMA.with_metadata({b"zerocarbon.method": json.dumps(export.method, ensure_ascii=False).encode()})
    writer = pq.ParquetWriter(pa.PythonFile(sink, mode="w"), schema, compression="zstd")
    try:
        for batch in export.batches:
            writer.write_batch(batch.replace_schema_metadata(schema.metadata))
            yield sink.take()
        writer.close()
        yield sink.take()
    finally:
        export.close()
