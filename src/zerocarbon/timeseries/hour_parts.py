"""Hour roll-ups as Parquet files written and read by the engine, never fetched into Python on the way.

At 2,000 meters a year has 17.5 M hour rows: the metered year's scan writes each chunk's hour roll-ups
(:func:`zerocarbon.timeseries.rollups.rolled_up`) straight from DuckDB into one file per chunk and
local month (``COPY ... TO``), and what uses them (the hourly carbon join) reads the files in DuckDB.
The files hold exactly the rows of :func:`~zerocarbon.timeseries.rollups.rollup_time` with
``freq="hour"`` (same columns and types), each ordered by meter and hour. Where they are kept is the
store's business (:mod:`zerocarbon.store.rollup_files`); this module only writes and reads them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from zerocarbon.timeseries.intervals import INTERVAL_SCHEMA
from zerocarbon.timeseries.rollups import rolled_up, rollup_time

#: Month bounds of a write: (0-based month, its local start, the next month's start) [s, UTC].
MonthBounds = Sequence[tuple[int, int, int]]


def hour_schema() -> pa.Schema:
    """The columns and types of an hour roll-up of intervals (the same in every time zone)."""
    base = INTERVAL_SCHEMA.empty_table().select(["meter_id", "ts", "ts_end", "value", "value_exact", "flags"])
    return rollup_time(base, "hour", tz="UTC").schema


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _month_case(months: MonthBounds) -> str:
    return " ".join(f"WHEN ts >= {int(lo)} AND ts < {int(hi)} THEN {int(m)}" for m, lo, hi in months)


def copy_months(con: duckdb.DuckDBPyConnection, select: str, months: MonthBounds, folder: Path, *,
                keep: str | None = None) -> dict[int, str]:
    """Write the rows of ``select`` (hour roll-ups with a ``ts`` column) into ``folder``, one Parquet file
    per month of ``months`` that has rows, ordered by meter and hour; returns month → file name. With
    ``keep``, the rows stay in ``con`` as the temporary table of that name (with a column ``_month``) for
    the caller to use and drop."""
    tag = keep or f"_zc_h{uuid.uuid4().hex[:12]}"
    # snappy: about 30 % less CPU than zstd to write 17.5 M hour rows (bigger files, read as fast)
    # materialized once, by month then meter and hour: each month's rows are together (a filtered scan skips
    # the others' row groups) and in order (a scan keeps the insertion order)
    con.execute(f"CREATE TEMP TABLE {tag} AS SELECT *, CASE {_month_case(months)} END AS _month FROM ({select}) "
                "ORDER BY _month, meter_id, ts")
    try:
        out: dict[int, str] = {}
        counts = dict(con.execute(f"SELECT _month, count(*) FROM {tag} GROUP BY _month").fetchall())
        for month, _, _ in months:
            if not counts.get(month):
                continue
            name = f"hour-{month + 1:02d}-{uuid.uuid4().hex}.parquet"
            con.execute(f"COPY (SELECT * EXCLUDE (_month) FROM {tag} WHERE _month = {int(month)}) "
                        f"TO {_sql_path(folder / name)} (FORMAT parquet, COMPRESSION snappy)")
            out[month] = name
        return out
    except BaseException:
        con.execute(f"DROP TABLE IF EXISTS {tag}")
        raise
    finally:
        if keep is None:
            con.execute(f"DROP TABLE IF EXISTS {tag}")


def write_hours(con: duckdb.DuckDBPyConnection, source: str, columns: Sequence[str], tz: str, months: MonthBounds,
                folder: Path, *, within: tuple[int, int] | None = None, keep: str | None = None) -> dict[int, str]:
    """The hour roll-ups of the intervals ``source`` in ``con``, written by :func:`copy_months` (``within``:
    see :func:`~zerocarbon.timeseries.rollups.rolled_up`; ``keep``: the rows stay as that table)."""
    with rolled_up(con, source, list(columns), "hour", tz=tz, ordered=False, within=within) as select:
        return copy_months(con, select, months, folder, keep=keep)


def write_table(table: pa.Table, months: MonthBounds, folder: Path) -> dict[int, str]:
    """:func:`copy_months` of hour roll-ups already in Arrow (e.g. those of virtual meters)."""
    con = duckdb.connect()
    try:
        con.register("t", table)
        return copy_months(con, "SELECT * FROM t", months, folder)
    finally:
        con.close()


def _outside(spans: pa.Table) -> str:
    """A filter keeping the rows outside every meter's span of ``spans`` (meter_id, lo, hi): a plain filter,
    so that a scan through it keeps the rows' order."""
    by_span: dict[tuple[int, int], list[int]] = {}
    for row in spans.to_pylist():
        by_span.setdefault((int(row["lo"]), int(row["hi"])), []).append(int(row["meter_id"]))
    cut = " OR ".join(f"(ts >= {lo} AND ts < {hi} AND meter_id IN ({','.join(map(str, sorted(ids)))}))"
                      for (lo, hi), ids in sorted(by_span.items()))
    return f"NOT ({cut})" if cut else "true"


def rewrite(parts: Sequence[str | Path], new: pa.Table, spans: pa.Table, months: MonthBounds,
            folder: Path) -> dict[int, list[str]]:
    """The roll-up rows of one month's files ``parts`` with those of each meter's span of ``spans``
    (meter_id, lo, hi: [lo, hi) [s, UTC]) replaced by ``new``'s, in the engine (nothing fetched): a file with
    no row in a span is kept as it is (its name is returned), one with some is copied without them into
    ``folder`` (in its order), and ``new``'s rows go to files of their own (:func:`copy_months`).
    Returns month → the file names that now hold its rows (``months`` has one month when ``parts`` is
    given)."""
    schema = hour_schema()
    names = ", ".join(f'"{n}"' for n in schema.names)
    out: dict[int, list[str]] = {}
    con = duckdb.connect()
    try:
        lo = min(spans["lo"].to_pylist(), default=0)
        hi = max(spans["hi"].to_pylist(), default=0)
        keep = _outside(spans)
        for part in parts:
            path = Path(part)
            row = con.execute("SELECT min(stats_min_value::BIGINT), max(stats_max_value::BIGINT) FROM "
                              f"parquet_metadata({_sql_path(path)}) WHERE path_in_schema = 'ts'").fetchall()[0]
            month = months[0][0]
            if row[0] is not None and (row[1] < lo or row[0] >= hi):
                out.setdefault(month, []).append(path.name)  # no row in any span: kept as it is
                continue
            name = f"{path.name.split('-')[0]}-{month + 1:02d}-{uuid.uuid4().hex}.parquet"
            con.execute(f"COPY (SELECT {names} FROM read_parquet({_sql_path(path)}) WHERE {keep}) "
                        f"TO {_sql_path(folder / name)} (FORMAT parquet, COMPRESSION snappy)").fetchall()
            out.setdefault(month, []).append(name)
        con.register("n", new.select(schema.names).cast(schema))
        for month, name in copy_months(con, f"SELECT {names} FROM n", months, folder).items():
            out.setdefault(month, []).append(name)
        return out
    finally:
        con.close()


def scan_sql(parts: Sequence[str | Path]) -> str:
    """A FROM-clause relation over the Parquet files ``parts`` (at least one)."""
    return "read_parquet([" + ", ".join(_sql_path(Path(p)) for p in parts) + "])"


def read_hours(parts: Sequence[str | Path]) -> pa.Table:
    """The hour roll-ups in ``parts`` as one Arrow table ordered by meter and hour (the types of
    :func:`hour_schema`)."""
    schema = hour_schema()
    if not parts:
        return schema.empty_table()
    con = duckdb.connect()
    try:
        table = con.sql(f"SELECT * FROM {scan_sql(parts)} ORDER BY meter_id, ts").to_arrow_table()
    finally:
        con.close()
    return table.select(schema.names).cast(schema)
