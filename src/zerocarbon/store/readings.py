"""Readings in the store: the idempotent write path, corrections, and Arrow reads of current values.

Write path (one for every source): validated rows go into a temporary staging table through the
ADBC driver (Arrow, no Python rows), then ``INSERT … SELECT … ON CONFLICT DO NOTHING`` moves the new
ones into ``readings`` in the same transaction. The key (meter, ts, revision 0) makes re-sent data a
no-op; a re-sent reading with a *different* value is a conflict, rejected with its reason (the
accepted value is immutable: send a correction). Nothing is acknowledged before the commit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import func, insert, select

from zerocarbon.errors import InputError
from zerocarbon.store import schema as s
from zerocarbon.store.db import adbc_connect, database_url, get_engine, is_sqlite, transaction
from zerocarbon.timeseries.columns import transpose

STAGE_COLUMNS = ("meter_id", "ts", "value", "flags")


@dataclass
class WriteResult:
    accepted: int
    duplicates: int
    conflicts: pa.Table  # rows (with location) whose key exists with another value


def _dedupe(rows: pa.Table) -> tuple[pa.Table, pa.Table, int]:
    """First row per (meter, ts) in the batch; later rows with another value are conflicts."""
    if rows.num_rows == 0:
        return rows, rows, 0
    indexed = rows.append_column("_i", pa.array(range(rows.num_rows), pa.int64()))
    first = indexed.group_by(["meter_id", "ts"], use_threads=False).aggregate([("_i", "min")])
    keep_idx = pc.sort_indices(first["_i_min"])
    keep = pc.take(first["_i_min"], keep_idx)
    mask = pc.is_in(indexed["_i"], value_set=keep)
    kept = rows.filter(mask)
    others = indexed.filter(pc.invert(mask))
    if others.num_rows == 0:
        return kept, others.drop_columns(["_i"]), 0
    joined = others.join(kept.select(["meter_id", "ts", "value"]).rename_columns(["meter_id", "ts", "_v"]),
                         ["meter_id", "ts"])
    differ = joined.filter(pc.not_equal(joined["value"], joined["_v"]))
    same = joined.num_rows - differ.num_rows
    return kept, differ.drop_columns(["_i", "_v"]), same


_MERGE = """
    INSERT INTO readings (meter_id, ts, revision, value, flags, batch_id, received_at)
    SELECT s.meter_id, s.ts, 0, s.value,
           s.flags | CASE WHEN s.ts < COALESCE(m.max_ts, s.ts) THEN {late} ELSE 0 END, {batch}, {now}
    FROM zc_stage s
    LEFT JOIN (SELECT meter_id, MAX(ts) AS max_ts FROM readings
               WHERE meter_id IN (SELECT DISTINCT meter_id FROM zc_stage) GROUP BY meter_id) m
      ON m.meter_id = s.meter_id
    WHERE true ON CONFLICT DO NOTHING"""
_CLASH = """
    SELECT s.meter_id, s.ts, s.value FROM zc_stage s JOIN readings r
      ON r.meter_id = s.meter_id AND r.ts = s.ts AND r.revision = 0
    WHERE r.value <> s.value"""


def _merge_sqlite(stage: pa.Table, merge_sql: str, url: str) -> tuple[int, pa.Table]:
    """SQLite through the standard-library driver only.

    The ADBC SQLite driver carries its own copy of SQLite; two copies in one process break SQLite's
    POSIX locks (a documented corruption hazard in WAL mode), so SQLite never goes through ADBC here.
    """
    raw = get_engine(url).raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS zc_stage (meter_id INTEGER, ts INTEGER, value REAL, "
                    "flags INTEGER)")
        cur.execute("DELETE FROM zc_stage")
        cur.executemany("INSERT INTO zc_stage VALUES (?, ?, ?, ?)", list(zip(
            stage["meter_id"].to_pylist(), stage["ts"].to_pylist(), stage["value"].to_pylist(),
            stage["flags"].to_pylist(), strict=True)))
        cur.execute(merge_sql)
        accepted = cur.rowcount
        clash = cur.execute(_CLASH).fetchall()
        cur.execute("DELETE FROM zc_stage")
        raw.commit()
    except BaseException:
        raw.rollback()
        raise
    finally:
        raw.close()
    cols = transpose(clash, 3)
    return accepted, pa.table({"meter_id": pa.array(cols[0], pa.int64()), "ts": pa.array(cols[1], pa.int64()),
                               "value": pa.array(cols[2], pa.float64())})


def _merge_postgres(stage: pa.Table, merge_sql: str, url: str) -> tuple[int, pa.Table]:
    """PostgreSQL through ADBC: the staging rows travel as Arrow (COPY), not as Python rows."""
    with adbc_connect(url) as conn:
        cur = conn.cursor()
        cur.execute("DROP TABLE IF EXISTS zc_stage")
        cur.adbc_ingest("zc_stage", stage, mode="create", temporary=True)
        cur.execute(merge_sql)
        accepted = cur.rowcount
        cur.execute(_CLASH)
        clash = cur.fetch_arrow_table()
        cur.execute("DROP TABLE zc_stage")
        conn.commit()
    return accepted, clash.cast(pa.schema([("meter_id", pa.int64()), ("ts", pa.int64()), ("value", pa.float64())]))


def write_readings(rows: pa.Table, batch_id: int | None, url: str | None = None) -> WriteResult:
    """Store validated rows (meter_id, ts, value, flags, location) idempotently; see the module docstring.

    Late rows (older than the newest reading the meter already had) get FLAG_LATE: roll-ups are
    computed on read, so back-filled data is in them; the flag records that it came late.
    """
    kept, in_batch_conflicts, in_batch_dupes = _dedupe(rows)
    if kept.num_rows == 0:
        return WriteResult(0, in_batch_dupes, in_batch_conflicts)
    target = database_url(url)
    stage = kept.select(list(STAGE_COLUMNS))
    merge_sql = _MERGE.format(late=s.FLAG_LATE, batch=batch_id if batch_id is not None else "NULL",
                              now=int(time.time()))
    merge = _merge_sqlite if is_sqlite(target) else _merge_postgres
    accepted, clash = merge(stage, merge_sql, target)
    conflicts = in_batch_conflicts
    if clash.num_rows:
        hit = kept.join(clash, ["meter_id", "ts", "value"], join_type="inner")
        conflicts = pa.concat_tables([conflicts.select(hit.column_names), hit]) if conflicts.num_rows else hit
    duplicates = kept.num_rows - accepted - clash.num_rows + in_batch_dupes
    return WriteResult(accepted, duplicates, conflicts)


def correct_reading(meter_id: int, ts: int, value: float, reason: str, corrected_by: str = "",
                    url: str | None = None) -> int:
    """Append a correction (the next revision) of the reading at (meter, ts); returns the revision.

    The corrected reading stays in the store; queries take the highest revision.
    """
    if not reason.strip():
        raise InputError("更正必须说明原因", "a correction needs a reason", field="reason")
    now = int(time.time())
    with transaction(url) as conn:
        current = conn.execute(select(func.max(s.readings.c.revision)).where(
            s.readings.c.meter_id == meter_id, s.readings.c.ts == ts)).scalar_one_or_none()
        if current is None:
            raise InputError("没有可更正的读数", "there is no reading at that meter and time to correct",
                             field="ts", details={"meter_id": meter_id, "ts": ts})
        revision = int(current) + 1
        conn.execute(insert(s.readings).values(meter_id=meter_id, ts=ts, revision=revision, value=value,
                                               flags=s.FLAG_CORRECTION, batch_id=None, received_at=now))
        conn.execute(insert(s.corrections).values(meter_id=meter_id, ts=ts, revision=revision, reason=reason,
                                                  corrected_by=corrected_by, created_at=now))
    return revision


def _select_arrow(sql: str, url: str | None) -> pa.Table:
    """Run a SELECT of integer/float columns and return Arrow (stdlib driver for SQLite, ADBC for PostgreSQL)."""
    target = database_url(url)
    if not is_sqlite(target):
        with adbc_connect(target) as conn:
            cur = conn.cursor()
            cur.execute(sql)
            return cur.fetch_arrow_table()
    raw = get_engine(target).raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(sql)
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
    finally:
        raw.close()
    cols = transpose(rows, len(names))
    return pa.table({n: pa.array(c, pa.float64() if n == "value" else pa.int64()) for n, c in zip(names, cols,
                                                                                                   strict=True)})


def read_current(meter_ids: list[int] | None = None, start: int | None = None, end: int | None = None,
                 url: str | None = None) -> pa.Table:
    """Current readings (highest revision per meter and ts) as Arrow: meter_id, ts, value, flags.

    ``start``/``end`` bound ts as a half-open interval [start, end).
    """
    where = []
    if meter_ids is not None:
        where.append(f"meter_id IN ({','.join(str(int(m)) for m in meter_ids) or 'NULL'})")
    if start is not None:
        where.append(f"ts >= {int(start)}")
    if end is not None:
        where.append(f"ts < {int(end)}")
    cond = (" AND " + " AND ".join(where)) if where else ""
    base = _select_arrow(f"SELECT meter_id, ts, value, flags FROM readings WHERE revision = 0{cond}", url)
    fixes = _select_arrow(f"SELECT meter_id, ts, revision, value, flags FROM readings WHERE revision > 0{cond}", url)
    schema = pa.schema([("meter_id", pa.int64()), ("ts", pa.int64()), ("value", pa.float64()),
                        ("flags", pa.int64())])
    base = base.cast(schema)
    if fixes.num_rows == 0:
        return base
    import duckdb

    con = duckdb.connect()
    con.register("base", base)
    con.register("fixes", fixes)
    out: Any = con.sql("""
        WITH latest AS (SELECT meter_id, ts, arg_max(value, revision) AS value,
                               bit_or(flags) AS flags FROM fixes GROUP BY meter_id, ts)
        SELECT b.meter_id, b.ts, COALESCE(l.value, b.value) AS value, b.flags | COALESCE(l.flags, 0) AS flags
        FROM base b LEFT JOIN latest l USING (meter_id, ts) ORDER BY b.meter_id, b.ts""").to_arrow_table()
    return out.cast(schema)
