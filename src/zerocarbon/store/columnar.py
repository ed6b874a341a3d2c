"""Columnar read path of the embedded store: a Parquet cache of closed batches, read by DuckDB.

SQLite is the source of truth. Reading 70 million rows out of it through the standard-library
driver costs about a microsecond a row (Python tuples), so analytics on the embedded store read a
derived copy instead:

* The write path hands the rows each chunk *inserted* to :func:`write_part` after the commit; they
  land as Parquet parts under ``<database>.columnar/batch-<id>/``.
* :func:`finalize_batch` (called when a batch closes, before its audit digest is computed from the
  parts) trusts the parts only if their row count equals the store's count of rows carrying that
  batch id; otherwise it deletes them and re-exports the batch from SQLite, a block of
  :data:`EXPORT_ROWS` rows at a time. A crash between a commit and a part write therefore costs a
  re-export, never a wrong figure. Batches still open are read live from SQLite, and so are rows without a batch and
  corrections (revision > 0).
* :func:`current_readings` unions cached parts and live rows in DuckDB and applies corrections.

PostgreSQL needs none of this: its rows come out as Arrow through ADBC (binary COPY).
"""

from __future__ import annotations

import bisect
import json
import os
import shutil
import threading
import uuid
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import select
from sqlalchemy.engine import make_url

from zerocarbon.duck import connection
from zerocarbon.store import schema as s
from zerocarbon.store.db import database_url, get_engine, is_sqlite, transaction
from zerocarbon.store.readings_sql import READING_SCHEMA, reading_filter
from zerocarbon.timeseries.columns import transpose

COMPLETE = "COMPLETE.json"
#: Rows per part when a batch is re-exported from SQLite (the export holds one such block at a time).
EXPORT_ROWS = 250_000


def cache_dir(url: str | None = None) -> Path | None:
    """Where the Parquet cache of an SQLite store lives (``None`` for a server store)."""
    target = database_url(url)
    if not is_sqlite(target):
        return None
    db = make_url(target).database
    if not db or db == ":memory:":
        return None
    return Path(db).with_name(Path(db).name + ".columnar")


def _batch_dir(root: Path, batch_id: int) -> Path:
    return root / f"batch-{batch_id:08d}"


def batch_parts(root: Path, batch_id: int) -> list[Path]:
    """The Parquet parts of a batch in the cache ``root`` (none when it has no folder)."""
    folder = _batch_dir(root, batch_id)
    return sorted(folder.glob("part-*.parquet")) if folder.exists() else []


def write_part(batch_id: int, rows: pa.Table, url: str | None = None) -> None:
    """Write rows a committed chunk inserted as one Parquet part of the batch (atomic rename)."""
    root = cache_dir(url)
    if root is None or rows.num_rows == 0:
        return
    folder = _batch_dir(root, batch_id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / COMPLETE).unlink(missing_ok=True)
    final = folder / f"part-{uuid.uuid4().hex}.parquet"
    tmp = final.with_suffix(".tmp")
    pq.write_table(rows.select(READING_SCHEMA.names).cast(READING_SCHEMA), tmp, compression="zstd")
    os.replace(tmp, final)


def _sqlite_rows(sql: str, url: str, with_revision: bool = False) -> pa.Table:
    """Rows (meter_id, ts, value, flags[, revision]) of an SQL query on the SQLite store, as Arrow."""
    schema = READING_SCHEMA.append(pa.field("revision", pa.int64())) if with_revision else READING_SCHEMA
    raw = get_engine(url).raw_connection()
    try:
        rows = raw.cursor().execute(sql).fetchall()
    finally:
        raw.close()
    cols: list[list[Any]] = [[r[i] for r in rows] for i in range(len(schema))]
    return pa.table([pa.array(c, f.type) for c, f in zip(cols, schema, strict=True)], schema=schema)


def _open_batches(url: str) -> list[int]:
    with transaction(url) as conn:
        return [int(b) for b in conn.execute(select(s.batches.c.id).where(s.batches.c.status == "running"))
                .scalars()]


def finalize_batch(batch_id: int, url: str | None = None) -> None:
    """Mark the batch's cache complete if its parts hold exactly the store's rows; else re-export it."""
    root = cache_dir(url)
    if root is None:
        return
    target = database_url(url)
    folder = _batch_dir(root, batch_id)
    stored = int(_scalar(f"SELECT COUNT(*) FROM readings WHERE batch_id = {int(batch_id)}", target))
    parts = batch_parts(root, batch_id)
    cached = sum(pq.ParquetFile(p).metadata.num_rows for p in parts)
    if cached != stored:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        _export(batch_id, target)
    folder.mkdir(parents=True, exist_ok=True)  # a batch that inserted nothing (a re-import) has no parts
    (folder / COMPLETE).write_text(json.dumps({"batch_id": batch_id, "rows": stored}), encoding="utf-8")


def _export(batch_id: int, url: str) -> None:
    """Write the batch's rows from SQLite as parts of :data:`EXPORT_ROWS` rows each, a block at a time."""
    raw = get_engine(url).raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"SELECT meter_id, ts, value, flags FROM readings WHERE batch_id = {int(batch_id)} "
                       "AND revision = 0")
        while rows := cursor.fetchmany(EXPORT_ROWS):
            cols = transpose(rows, len(READING_SCHEMA))
            write_part(batch_id, pa.table([pa.array(c, f.type) for c, f in zip(cols, READING_SCHEMA, strict=True)],
                                          schema=READING_SCHEMA), url)
    finally:
        raw.close()


def _scalar(sql: str, url: str) -> Any:
    raw = get_engine(url).raw_connection()
    try:
        return raw.cursor().execute(sql).fetchone()[0]
    finally:
        raw.close()


def sync(url: str | None = None) -> list[int]:
    """Finalize every closed batch whose cache is not complete; returns the ids of closed batches."""
    root = cache_dir(url)
    if root is None:
        return []
    with transaction(url) as conn:
        closed = [int(b) for b in conn.execute(select(s.batches.c.id).where(s.batches.c.status != "running"))
                  .scalars()]
    for batch_id in closed:
        if not (_batch_dir(root, batch_id) / COMPLETE).exists():
            finalize_batch(batch_id, url)
    return closed


#: The meters and times each part holds (its Parquet statistics), by path: parts are written once under
#: unique names and never changed (a re-export writes new names), so what was read once stays true.
_RANGES: dict[str, tuple[int, int, int, int] | None] = {}
_RANGES_LOCK = threading.Lock()


def part_range(path: str) -> tuple[int, int, int, int] | None:
    """(first meter, last meter, first ts, last ts) of a part from its Parquet statistics, or None when
    a row group has none (the part is then read whatever the filter)."""
    with _RANGES_LOCK:
        if path in _RANGES:
            return _RANGES[path]
    meta = pq.read_metadata(path)
    names = meta.schema.names
    lo_m = hi_m = lo_t = hi_t = None
    found: tuple[int, int, int, int] | None = None
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        m, t = group.column(names.index("meter_id")).statistics, group.column(names.index("ts")).statistics
        if m is None or t is None or not m.has_min_max or not t.has_min_max:
            break
        lo_m = m.min if lo_m is None else min(lo_m, m.min)
        hi_m = m.max if hi_m is None else max(hi_m, m.max)
        lo_t = t.min if lo_t is None else min(lo_t, t.min)
        hi_t = t.max if hi_t is None else max(hi_t, t.max)
    else:
        if lo_m is not None and hi_m is not None and lo_t is not None and hi_t is not None:
            found = (int(lo_m), int(hi_m), int(lo_t), int(hi_t))
    with _RANGES_LOCK:
        _RANGES[path] = found
    return found


def overlapping(files: list[str], meter_ids: list[int] | None, start: int | None, end: int | None) -> list[str]:
    """The parts of ``files`` that may hold readings of ``meter_ids`` in [start, end) (by their statistics):
    DuckDB would skip the others by the same statistics, after opening each one."""
    ids = sorted(meter_ids) if meter_ids is not None else None
    out = []
    for f in files:
        span = part_range(f)
        if span is not None:
            lo_m, hi_m, lo_t, hi_t = span
            if ids is not None:
                i = bisect.bisect_left(ids, lo_m)
                if i == len(ids) or ids[i] > hi_m:
                    continue
            if (start is not None and hi_t < start) or (end is not None and lo_t >= end):
                continue
        out.append(f)
    return out


def register_current(con: duckdb.DuckDBPyConnection, name: str, meter_ids: list[int] | None,
                     start: int | None, end: int | None, url: str | None = None) -> None:
    """Define view ``name`` in ``con``: current readings (meter_id, ts, value, flags) of an SQLite store.

    Nothing is materialised: DuckDB reads the cached Parquet parts (with filter push-down) and the
    small live tables when the view is queried.
    """
    target = database_url(url)
    root = cache_dir(target)
    closed = sync(target)
    cond = reading_filter(meter_ids, start, end)
    # Rows not in the cache: those of open batches and those with no batch (corrections among them).
    # Both predicates use the batch_id index; a NOT IN over the closed ones would scan the table.
    opened = _open_batches(target)
    in_open = f" OR batch_id IN ({','.join(str(b) for b in opened)})" if opened else ""
    uncached = _sqlite_rows(f"SELECT meter_id, ts, value, flags, revision FROM readings "
                            f"WHERE (batch_id IS NULL{in_open}) AND {cond}", target, with_revision=True)
    is_fix = pc.greater(uncached["revision"], 0)
    live = uncached.filter(pc.invert(is_fix)).drop_columns(["revision"])
    fixes = uncached.filter(is_fix).select(["meter_id", "ts", "value", "revision"])
    files = [str(p) for b in closed for p in sorted(_batch_dir(root, b).glob("part-*.parquet"))] if root else []
    files = overlapping(files, meter_ids, start, end)
    con.register(f"{name}_live", live)
    con.register(f"{name}_fixes", fixes)
    cached = f"SELECT meter_id, ts, value, flags FROM read_parquet({files!r}) WHERE {cond}" if files else \
        f"SELECT * FROM {name}_live WHERE FALSE"
    fix_join = "" if fixes.num_rows == 0 else f"""
        LEFT JOIN (SELECT meter_id, ts, arg_max(value, revision) AS fixed FROM {name}_fixes
                   GROUP BY meter_id, ts) l USING (meter_id, ts)"""
    value = "b.value" if fixes.num_rows == 0 else "COALESCE(l.fixed, b.value)"
    flags = "b.flags" if fixes.num_rows == 0 else \
        f"b.flags | CASE WHEN l.fixed IS NULL THEN 0 ELSE {s.FLAG_CORRECTION} END"
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW {name} AS
        SELECT b.meter_id, b.ts, {value} AS value, {flags} AS flags
        FROM ({cached} UNION ALL SELECT * FROM {name}_live) b {fix_join}""")


def current_readings(meter_ids: list[int] | None, start: int | None, end: int | None,
                     url: str | None = None) -> pa.Table:
    """Current readings of an SQLite store (cache ∪ live rows, corrections applied), as Arrow, sorted."""
    con = connection()
    try:
        register_current(con, "current", meter_ids, start, end, url)
        out: Any = con.sql("SELECT * FROM current ORDER BY meter_id, ts").to_arrow_table()
    finally:
        con.close()
    return out.cast(READING_SCHEMA)
