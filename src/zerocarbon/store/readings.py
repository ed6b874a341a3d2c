"""Readings in the store: the idempotent write path, corrections, and Arrow reads of current values.

Write path (one for every source): validated rows go into a temporary staging table through the
ADBC driver (Arrow, no Python rows), then ``INSERT … SELECT … ON CONFLICT DO NOTHING`` moves the new
ones into ``readings`` in the same transaction. The key (meter, ts, revision 0) makes re-sent data a
no-op; a re-sent reading with a *different* value is a conflict, rejected with its reason (the
accepted value is immutable: send a correction). Nothing is acknowledged before the commit.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import func, insert, select

from zerocarbon.duck import connection
from zerocarbon.errors import InputError
from zerocarbon.store import audit
from zerocarbon.store import schema as s
from zerocarbon.store.columnar import current_readings, register_current
from zerocarbon.store.db import adbc_session, database_url, get_engine, is_sqlite, transaction
from zerocarbon.store.readings_sql import READING_SCHEMA, reading_filter
from zerocarbon.timeseries.columns import transpose

STAGE_COLUMNS = ("meter_id", "ts", "value", "flags")


@dataclass
class WriteResult:
    accepted: int
    duplicates: int
    conflicts: pa.Table  # rows (with location) whose key exists with another value
    new_rows: pa.Table   # the rows inserted by this call (meter_id, ts, value, flags)


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


_INSERT = """
    INSERT INTO readings (meter_id, ts, revision, value, flags, batch_id, received_at)
    SELECT meter_id, ts, 0, value, flags, {batch}, {now} FROM zc_stage WHERE true ON CONFLICT DO NOTHING"""
_MATCHES = """
    SELECT s.meter_id, s.ts, r.value FROM zc_stage s JOIN readings r
      ON r.meter_id = s.meter_id AND r.ts = s.ts AND r.revision = 0"""
_KEY_SCHEMA = pa.schema([("meter_id", pa.int64()), ("ts", pa.int64()), ("stored", pa.float64())])


def _latest_sql(meter_ids: list[int]) -> str:
    """The newest reading time of each meter that has one: one index look-up per meter (the key starts with
    meter and time), never a scan of the meters' readings (a GROUP BY would read all of them)."""
    if not meter_ids:
        return "SELECT NULL, NULL WHERE 1 = 0"
    ids = ",".join(f"({int(m)})" for m in meter_ids)
    return (f"WITH v(id) AS (VALUES {ids}) SELECT id, newest FROM ("
            "SELECT v.id AS id, (SELECT MAX(r.ts) FROM readings r WHERE r.meter_id = v.id) AS newest FROM v) x "
            "WHERE newest IS NOT NULL")


def _flag_late(stage: pa.Table, latest: list[tuple[int, int]]) -> pa.Table:
    """FLAG_LATE on rows older than the newest reading their meter already had."""
    if not latest:
        return stage
    newest = dict(latest)
    uniq, inverse = np.unique(stage["meter_id"].to_numpy(), return_inverse=True)
    # a meter without readings yet has nothing newer: none of its rows is late
    bound = np.array([newest.get(int(m), np.iinfo(np.int64).min) for m in uniq], dtype=np.int64)
    limits = bound[inverse]
    late = stage["ts"].to_numpy() < limits
    flags = stage["flags"].to_numpy() | np.where(late, s.FLAG_LATE, 0)
    return stage.set_column(stage.schema.get_field_index("flags"), "flags", pa.array(flags, pa.int64()))


def _merge_sqlite(stage: pa.Table, batch_id: int | None, url: str) -> tuple[int, pa.Table, pa.Table]:
    """SQLite through the standard-library driver only, in one IMMEDIATE (write-locked) transaction.

    The ADBC SQLite driver carries its own copy of SQLite; two copies in one process break SQLite's
    POSIX locks (a documented corruption hazard in WAL mode), so SQLite never goes through ADBC here.
    """
    raw = get_engine(url).raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("BEGIN IMMEDIATE")
        stage = _flag_late(stage, cur.execute(_latest_sql(pc.unique(stage["meter_id"]).to_pylist())).fetchall())
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS zc_stage (meter_id INTEGER, ts INTEGER, value REAL, "
                    "flags INTEGER)")
        cur.execute("DELETE FROM zc_stage")
        cur.executemany("INSERT INTO zc_stage VALUES (?, ?, ?, ?)", list(zip(
            stage["meter_id"].to_pylist(), stage["ts"].to_pylist(), stage["value"].to_pylist(),
            stage["flags"].to_pylist(), strict=True)))
        matches = cur.execute(_MATCHES).fetchall()
        cur.execute(_INSERT.format(batch=batch_id if batch_id is not None else "NULL", now=int(time.time())))
        accepted = cur.rowcount
        cur.execute("DELETE FROM zc_stage")
        raw.commit()
    except BaseException:
        raw.rollback()
        raise
    finally:
        raw.close()
    cols = transpose(matches, 3)
    return accepted, stage, pa.table([pa.array(c, t.type) for c, t in zip(cols, _KEY_SCHEMA, strict=True)],
                                     schema=_KEY_SCHEMA)


def _merge_postgres(stage: pa.Table, batch_id: int | None, url: str) -> tuple[int, pa.Table, pa.Table]:
    """PostgreSQL through ADBC: the staging rows travel as Arrow (COPY), not as Python rows.

    Writers are serialised by a table lock (readers are not blocked), so the duplicate and
    conflict accounting below is exact.
    """
    with adbc_session(url) as conn:
        cur = conn.cursor()
        cur.execute("LOCK TABLE readings IN SHARE ROW EXCLUSIVE MODE")
        cur.execute(_latest_sql(pc.unique(stage["meter_id"]).to_pylist()))
        latest = [(int(a), int(b)) for a, b in cur.fetchall()]
        stage = _flag_late(stage, latest)
        cur.execute("DROP TABLE IF EXISTS zc_stage")
        cur.adbc_ingest("zc_stage", stage, mode="create", temporary=True)
        cur.execute(_MATCHES)
        matches = cur.fetch_arrow_table()
        cur.execute(_INSERT.format(batch=batch_id if batch_id is not None else "NULL", now=int(time.time())))
        accepted = cur.rowcount
        cur.execute("DROP TABLE zc_stage")
        conn.commit()
        cur.close()
    return accepted, stage, matches.rename_columns(list(_KEY_SCHEMA.names)).cast(_KEY_SCHEMA)


def write_readings(rows: pa.Table, batch_id: int | None, url: str | None = None) -> WriteResult:
    """Store validated rows (meter_id, ts, value, flags, location) idempotently; see the module docstring.

    Late rows (older than the newest reading the meter already had) get FLAG_LATE: roll-ups are
    computed on read, so back-filled data is in them; the flag records that it came late.
    ``WriteResult.new_rows`` are exactly the rows this call inserted (for the columnar cache).
    """
    kept, in_batch_conflicts, in_batch_dupes = _dedupe(rows)
    if kept.num_rows == 0:
        return WriteResult(0, in_batch_dupes, in_batch_conflicts, kept.select(list(STAGE_COLUMNS)))
    target = database_url(url)
    merge = _merge_sqlite if is_sqlite(target) else _merge_postgres
    accepted, staged, matches = merge(kept.select(list(STAGE_COLUMNS)), batch_id, target)
    keyed = staged.append_column("location", kept["location"])
    found = keyed.join(matches, ["meter_id", "ts"], join_type="inner")
    clash = found.filter(pc.not_equal(found["value"], found["stored"])).drop_columns(["stored"])
    new_rows = keyed.join(matches.select(["meter_id", "ts"]), ["meter_id", "ts"], join_type="left anti")
    if new_rows.num_rows != accepted:  # cannot happen with writers serialised; never trust a guess
        raise RuntimeError(f"store accepted {accepted} readings but {new_rows.num_rows} were new")
    conflicts = in_batch_conflicts
    if clash.num_rows:
        clash = clash.select(conflicts.column_names) if conflicts.num_rows else clash
        conflicts = pa.concat_tables([conflicts, clash]) if conflicts.num_rows else clash
    duplicates = found.num_rows - clash.num_rows + in_batch_dupes
    return WriteResult(accepted, duplicates, conflicts, new_rows.select(list(STAGE_COLUMNS)))


def write_rejects(rejects: Sequence[Mapping[str, Any]], factory_id: str, batch_id: int | None, source: str,
                  url: str | None = None) -> int:
    """Keep rejected records (``rejected_records``) of ``factory_id``; returns how many.

    The one place they are written, whatever brought them (file, REST, MQTT), so every one carries
    the factory it was sent for: the data-quality lists select them by that, never by batch names.

    Parameters
    ----------
    rejects : sequence of mappings
        ``location``, ``field``, ``reason`` and ``raw`` (any JSON-able value, kept as JSON text).
    factory_id : str
        The factory the records were sent for (a factory of the store).
    batch_id : int or None
        The ingest batch they arrived in.
    source : str
        ``file``, ``rest`` or ``mqtt``.
    """
    if not rejects:
        return 0
    now = int(time.time())
    with transaction(url) as conn:
        conn.execute(insert(s.rejected), [
            {"batch_id": batch_id, "factory_id": factory_id, "source": source,
             "location": str(r.get("location") or ""), "field": str(r.get("field") or ""), "reason": str(r["reason"]),
             "raw": json.dumps(r.get("raw"), ensure_ascii=False, default=str), "created_at": now}
            for r in rejects])
    return len(rejects)


def correct_reading(meter_id: int, ts: int, value: float, reason: str, corrected_by: str = "",
                    url: str | None = None) -> int:
    """Append a correction (the next revision) of the reading at (meter, ts); returns the revision.

    The corrected reading stays in the store; queries take the highest revision. The correction
    appends a ``reading.correct`` entry (old and new value and revision, reason) to the audit chain
    in the same transaction.
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
        previous = conn.execute(select(s.readings.c.value).where(
            s.readings.c.meter_id == meter_id, s.readings.c.ts == ts, s.readings.c.revision == current)).scalar_one()
        factory_id = conn.execute(select(s.meters.c.factory_id).where(s.meters.c.id == meter_id)).scalar_one_or_none()
        audit.record(conn, "reading.correct", "reading", f"{meter_id}@{ts}", factory_id,
                     before={"meter_id": meter_id, "ts": ts, "revision": int(current), "value": previous},
                     after={"meter_id": meter_id, "ts": ts, "revision": revision, "value": value, "reason": reason,
                            "corrected_by": corrected_by}, at=now)
    return revision


def corrected_revisions(meter_ids: Sequence[int], start: int, end: int, url: str | None = None) -> list[list[int]]:
    """[meter_id, ts, highest revision] of every corrected reading of ``meter_ids`` with ts in [start, end).

    Sorted by meter and ts; ``start``/``end`` [s since epoch, UTC].
    """
    r = s.readings
    with transaction(url) as conn:
        return [[int(a), int(b), int(c)] for a, b, c in conn.execute(
            select(r.c.meter_id, r.c.ts, func.max(r.c.revision))
            .where(r.c.revision > 0, r.c.meter_id.in_(list(meter_ids) or [-1]), r.c.ts >= start, r.c.ts < end)
            .group_by(r.c.meter_id, r.c.ts).order_by(r.c.meter_id, r.c.ts))]


def _select_arrow(sql: str, url: str | None) -> pa.Table:
    """Run a SELECT of integer/float columns and return Arrow (stdlib driver for SQLite, ADBC for PostgreSQL)."""
    target = database_url(url)
    if not is_sqlite(target):
        with adbc_session(target) as conn:
            cur = conn.cursor()
            cur.execute(sql)
            table = cur.fetch_arrow_table()
            cur.close()
            conn.commit()  # end the read transaction so the reused session sees later commits
            return table
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

    ``start``/``end`` bound ts as a half-open interval [start, end). On SQLite the rows come from the
    columnar cache (:mod:`zerocarbon.store.columnar`); on PostgreSQL straight out as Arrow.
    """
    if is_sqlite(database_url(url)):
        return current_readings(meter_ids, start, end, url)
    cond = " AND " + reading_filter(meter_ids, start, end)
    base = _select_arrow(f"SELECT meter_id, ts, value, flags FROM readings WHERE revision = 0{cond}", url)
    fixes = _select_arrow(f"SELECT meter_id, ts, revision, value, flags FROM readings WHERE revision > 0{cond}", url)
    base = base.cast(READING_SCHEMA)
    if fixes.num_rows == 0:
        return base
    con = connection()
    try:
        con.register("base", base)
        con.register("fixes", fixes)
        out: Any = con.sql("""
            WITH latest AS (SELECT meter_id, ts, arg_max(value, revision) AS value,
                                   bit_or(flags) AS flags FROM fixes GROUP BY meter_id, ts)
            SELECT b.meter_id, b.ts, COALESCE(l.value, b.value) AS value, b.flags | COALESCE(l.flags, 0) AS flags
            FROM base b LEFT JOIN latest l USING (meter_id, ts) ORDER BY b.meter_id, b.ts""").to_arrow_table()
    finally:
        con.close()
    return out.cast(READING_SCHEMA)


def register_readings(con: Any, name: str, meter_ids: list[int] | None, start: int | None, end: int | None,
                      url: str | None = None) -> None:
    """Define ``name`` in the DuckDB connection ``con``: the current readings (as :func:`read_current`).

    On SQLite a view over the columnar cache (:func:`zerocarbon.store.columnar.register_current`): the
    rows stay in the engine. On PostgreSQL the rows come out as Arrow (ADBC) and are registered.
    """
    if is_sqlite(database_url(url)):
        register_current(con, name, meter_ids, start, end, url)
    else:
        con.register(name, read_current(meter_ids, start, end, url))


def latest_reading_time(meter_ids: Sequence[int], url: str | None = None) -> int | None:
    """The newest reading time of any of ``meter_ids`` [s, UTC], or None without readings (one index seek per meter)."""
    r = s.readings
    latest: int | None = None
    with transaction(url) as conn:
        for mid in meter_ids:
            ts = conn.execute(select(func.max(r.c.ts)).where(r.c.meter_id == int(mid))).scalar()
            if ts is not None and (latest is None or int(ts) > latest):
                latest = int(ts)
    return latest


def write_dead_letters(rows: Sequence[Mapping[str, Any]], factory_id: str | None, url: str | None = None) -> None:
    """Keep messages that could not be read at all (``dead_letters``: received_at, topic, payload, reason),
    with one ``mqtt.dead_letter`` entry (count, topics, reasons) in the audit chain, same transaction.

    Parameters
    ----------
    rows : sequence of mapping
        One row per message: ``received_at`` [s, UTC], ``topic``, ``payload`` (text), ``reason``.
    factory_id : str or None
        The factory of the subscriber that received them (None: a subscriber over every factory).
    """
    if not rows:
        return
    reasons: dict[str, int] = {}
    for row in rows:
        reasons[str(row["reason"])] = reasons.get(str(row["reason"]), 0) + 1
    with transaction(url) as conn:
        conn.execute(insert(s.dead_letters), [dict(r) for r in rows])
        audit.record(conn, "mqtt.dead_letter", "dead_letters", "", factory_id,
                     after={"count": len(rows), "topics": sorted({str(r["topic"]) for r in rows})[:50],
                            "reasons": reasons})
