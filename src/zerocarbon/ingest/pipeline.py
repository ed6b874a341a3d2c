"""The one path readings take into the store, whatever brought them (file, REST, MQTT).

    table of raw readings → validate (timeseries.validation) → write (store.readings) → report

Rejected rows are kept in ``rejected_records`` with their factory, location, field and reason
(:func:`~zerocarbon.store.readings.write_rejects`); the batch row in ``ingest_batches`` records the
counts. Re-sending the same readings changes nothing: they count as duplicates. A file sent again
(the same bytes) records no reject a second time: its rows already rejected are counted in the
report (``repeated``) but not stored again (``known`` of :func:`ingest_table`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import insert, select, update

from zerocarbon.errors import printable
from zerocarbon.store import audit
from zerocarbon.store import schema as s
from zerocarbon.store.batches import reject_key
from zerocarbon.store.columnar import finalize_batch, write_part
from zerocarbon.store.db import transaction
from zerocarbon.store.factories import load_meters
from zerocarbon.store.readings import write_readings, write_rejects
from zerocarbon.timeseries.validation import INPUT_SCHEMA, validate_readings

log = logging.getLogger(__name__)

#: Readings validated and written at a time [rows]: a larger table given to :func:`ingest_table`
#: is taken in record batches of this size (the files' readers already send chunks of at most
#: :data:`zerocarbon.ingest.files.CHUNK_ROWS`).
RECORD_BATCH_ROWS = 200_000


@dataclass
class IngestReport:
    """What happened to a batch of readings."""

    batch_id: int
    received: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    flagged: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    #: Rejected rows already recorded from an earlier sending of the same file (not stored again).
    repeated: int = 0
    #: The first and last reading time the batch stored [s, UTC] (None: it stored nothing new): which
    #: roll-ups it changed.
    first_ts: int | None = None
    last_ts: int | None = None

    def add(self, other: IngestReport) -> None:
        if other.first_ts is not None:
            self.first_ts = other.first_ts if self.first_ts is None else min(self.first_ts, other.first_ts)
        if other.last_ts is not None:
            self.last_ts = other.last_ts if self.last_ts is None else max(self.last_ts, other.last_ts)
        self.repeated += other.repeated
        self.received += other.received
        self.accepted += other.accepted
        self.duplicates += other.duplicates
        self.rejected += other.rejected
        self.flagged += other.flagged
        for k, v in other.reasons.items():
            self.reasons[k] = self.reasons.get(k, 0) + v

    def to_dict(self) -> dict[str, Any]:
        return {"batch_id": self.batch_id, "received": self.received, "accepted": self.accepted,
                "duplicates": self.duplicates, "rejected": self.rejected, "flagged": self.flagged,
                "reasons": dict(self.reasons)}


def open_batch(source: str, name: str, content_hash: str | None = None, url: str | None = None, *,
               factory_id: str | None) -> int:
    """Start a batch of readings (a row of ``ingest_batches``, and a ``readings.batch_open`` audit entry).

    Parameters
    ----------
    factory_id : str or None
        The factory the batch is for: its data-quality lists show the batch
        (:func:`zerocarbon.services.metering.quality.batches`). None only for a batch that takes readings
        of several factories (the MQTT subscriber over every factory's topics): no factory's list
        shows it. Required, so that no path in forgets it.
    """
    with transaction(url) as conn:
        result = conn.execute(insert(s.batches).values(source=source, name=name, factory_id=factory_id,
                                                       content_hash=content_hash, started_at=int(time.time())))
        batch_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        audit.record(conn, "readings.batch_open", "ingest_batch", batch_id, factory_id,
                     after={"batch_id": batch_id, "source": source, "name": name, "factory_id": factory_id,
                            "content_hash": content_hash})
        return batch_id


def close_batch(report: IngestReport, status: str = "done", resume_offset: int | None = None,
                url: str | None = None) -> None:
    """Record a batch's counts and status; a closed batch (status not 'running') appends one
    ``readings.ingest`` audit entry with its counts and the digest of the readings it stored
    (:func:`zerocarbon.store.audit.batch_summary`, streaming: bounded memory at any batch size).

    The columnar cache of a closing batch is checked (and rebuilt if it does not hold the store's
    rows) first, so that the digest can read the batch's sorted rows from its Parquet parts. If
    that fails (a full disk …) the batch still closes: the digest then reads the store's table, and
    the cache is redone when it is next read (:func:`zerocarbon.store.columnar.sync`).
    """
    closing = status != "running"
    if closing:
        try:
            finalize_batch(report.batch_id, url)
        except Exception:  # the cache is derived data: never let it keep a batch open
            log.exception("columnar cache of batch %d could not be checked; the digest reads the store",
                          report.batch_id)
    values: dict[str, Any] = {"finished_at": int(time.time()), "status": status, "accepted": report.accepted,
                              "duplicates": report.duplicates, "rejected": report.rejected,
                              "flagged": report.flagged}
    if resume_offset is not None:
        values["resume_offset"] = resume_offset
    with transaction(url) as conn:
        conn.execute(update(s.batches).where(s.batches.c.id == report.batch_id).values(**values))
        if closing:  # one entry per closed batch, never one per reading
            batch = conn.execute(select(s.batches.c.source, s.batches.c.name, s.batches.c.content_hash)
                                 .where(s.batches.c.id == report.batch_id)).first()
            stored = audit.batch_summary(conn, report.batch_id)
            factories = stored["factories"]
            counts = report.to_dict()
            counts["reasons"] = dict(sorted(report.reasons.items(), key=lambda kv: -kv[1])[:20])  # bounded
            audit.record(conn, "readings.ingest", "ingest_batch", report.batch_id,
                         factories[0] if len(factories) == 1 else None,
                         after={**counts, "status": status, "source": batch[0] if batch else None,
                                "name": batch[1] if batch else None, "content_hash": batch[2] if batch else None,
                                **stored})


def as_input_table(rows: dict[str, list[Any]] | pa.Table) -> pa.Table:
    """Coerce a dict of columns or a table to the input schema (meter, ts, value, unit, location)."""
    table = rows if isinstance(rows, pa.Table) else pa.table(rows)
    for name in INPUT_SCHEMA.names:
        if name not in table.column_names:
            table = table.append_column(name, pa.nulls(table.num_rows, INPUT_SCHEMA.field(name).type))
    return table.select(INPUT_SCHEMA.names).cast(INPUT_SCHEMA)


def ingest_table(table: dict[str, list[Any]] | pa.Table, factory_id: str, batch_id: int, source: str,
                 url: str | None = None, now: int | None = None, extra_rejects: list[dict[str, Any]] | None = None,
                 *, known: set[tuple[str, str, str]] | None = None) -> IngestReport:
    """Validate and store one chunk of readings of ``factory_id``; returns its report.

    ``extra_rejects`` are rows an adapter could not even parse (bad JSON, unreadable time …), stored
    with the others so nothing is lost. ``known`` are the keys
    (:func:`zerocarbon.store.batches.reject_key`) of rejects already stored from an earlier sending
    of the same file: counted, not stored again.

    A table of more than :data:`RECORD_BATCH_ROWS` readings is validated and written in record
    batches of that size, so the write path's memory stays bounded whatever the table's size. Its
    rows are first put in (meter, time) order (a stable sort): a reading then never follows, in a
    later record batch, a newer reading of its meter from the same table, so the late flag and the
    first-of-duplicates rule give the same stored readings as one write of the whole table.
    """
    rows = as_input_table(table)
    if rows.num_rows <= RECORD_BATCH_ROWS:
        return _ingest_records(rows, factory_id, batch_id, source, url, now, extra_rejects, known)
    order = pc.sort_indices(rows, sort_keys=[("meter", "ascending", "at_end"), ("ts", "ascending", "at_end")])
    ordered = rows.take(order)
    del rows, order
    report = IngestReport(batch_id=batch_id)
    for start in range(0, ordered.num_rows, RECORD_BATCH_ROWS):
        report.add(_ingest_records(ordered.slice(start, RECORD_BATCH_ROWS), factory_id, batch_id, source, url, now,
                                   extra_rejects if start == 0 else None, known))
    return report


def _ingest_records(rows: pa.Table, factory_id: str, batch_id: int, source: str, url: str | None, now: int | None,
                    extra_rejects: list[dict[str, Any]] | None, known: set[tuple[str, str, str]] | None
                    ) -> IngestReport:
    """:func:`ingest_table` of at most :data:`RECORD_BATCH_ROWS` rows of the input schema."""
    meters = load_meters(factory_id, url)
    checked = validate_readings(rows, meters, now if now is not None else int(time.time()))
    written = write_readings(checked.accepted, batch_id, url)
    write_part(batch_id, written.new_rows, url)
    report = IngestReport(batch_id=batch_id, received=rows.num_rows + len(extra_rejects or []),
                          accepted=written.accepted, duplicates=written.duplicates)
    if written.new_rows.num_rows:
        span = pc.min_max(written.new_rows["ts"]).as_py()
        report.first_ts, report.last_ts = int(span["min"]), int(span["max"])
    rejects: list[dict[str, Any]] = list(extra_rejects or [])
    for r in checked.rejected.to_pylist():
        rejects.append({"location": r["location"], "field": r["field"], "reason": r["reason"],
                        "raw": {"meter": r["meter"], "ts": r["ts"], "value": r["value"], "unit": r["unit"]}})
    by_id = {m.id: m.code for m in meters.values()}
    for r in written.conflicts.to_pylist():
        rejects.append({"location": r.get("location") or "", "field": "value",
                        "reason": "conflicts with the accepted value for this meter and time (send a correction)",
                        "raw": {"meter": by_id.get(r["meter_id"]), "ts": r["ts"], "value": r["value"]}})
    rejects = [_printable(r) for r in rejects]
    report.rejected = len(rejects)
    report.flagged = checked.flagged
    for r in rejects:
        report.reasons[r["reason"]] = report.reasons.get(r["reason"], 0) + 1
    if known:
        new = [r for r in rejects if reject_key(str(r.get("location") or ""), str(r.get("field") or ""),
                                                str(r["reason"])) not in known]
        report.repeated = len(rejects) - len(new)
        rejects = new
    write_rejects(rejects, factory_id, batch_id, source, url)
    return report


def _printable(value: Any) -> Any:
    """A reject as stored: text a broken sender put in it (lone surrogates) written as escapes."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable(str(k)): _printable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_printable(v) for v in value]
    return value
