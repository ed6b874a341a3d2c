"""Bulk ingest streams in record batches of bounded size and stores the same readings as one write.

A file larger than the reader's block and the chunk size, and a table larger than the pipeline's
record batch (:data:`zerocarbon.ingest.pipeline.RECORD_BATCH_ROWS`), go through the streaming path
(sizes made small here by monkeypatching); the stored readings (values and flags), the counts, the
rejects and the batch's audit digest are those of the same data written in one piece, and the
digest is the in-memory :func:`zerocarbon.store.audit.readings_digest` of the batch's readings.
On SQLite and on the real PostgreSQL server: two factories with the same meters in one store, one
fed in one piece, one streamed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from sqlalchemy import select

from zerocarbon.ingest import csv_source, pipeline
from zerocarbon.ingest.files import ingest_file
from zerocarbon.ingest.pipeline import IngestReport, close_batch, ingest_table, open_batch
from zerocarbon.model.metering import FactorySetup
from zerocarbon.store import audit
from zerocarbon.store import schema as s
from zerocarbon.store.db import transaction
from zerocarbon.store.factories import load_meters, save_factory_setup
from zerocarbon.store.readings import read_current

#: 2023-06-01 00:00 in Asia/Shanghai = 2023-05-31 16:00 UTC
MIDNIGHT = 1_685_548_800
Q = 900
CODES = ("E1", "E2", "E3")


def _setup(factory: str) -> FactorySetup:
    return FactorySetup.model_validate({
        "factory": {"id": factory, "name_zh": "测试厂", "province": "江苏"},
        "meters": [{"code": c, "carrier": "electricity", "unit": "kWh", "register_kind": "interval"} for c in CODES]})


def _stored(url: str, factory: str) -> list[tuple[str, int, float, int]]:
    codes = {m.id: code for code, m in load_meters(factory, url).items()}
    table = read_current(list(codes), url=url)
    return sorted((codes[r["meter_id"]], r["ts"], r["value"], r["flags"]) for r in table.to_pylist())


def _rejects(url: str, factory: str) -> list[tuple[str, str, str]]:
    r = s.rejected
    with transaction(url) as conn:
        rows = conn.execute(select(r.c.location, r.c.field, r.c.reason).where(r.c.factory_id == factory)).all()
    return sorted((str(a), str(b), str(c)) for a, b, c in rows)


def _digest_entry(url: str, batch: int) -> tuple[int, str]:
    with transaction(url) as conn:
        after = json.loads(conn.execute(select(s.audit_log.c.after).where(
            s.audit_log.c.action == "readings.ingest", s.audit_log.c.entity_id == str(batch))).scalar_one())
    return int(after["readings"]), str(after["readings_sha256"])


def _in_memory_digest(url: str, factory: str, leave_out: tuple[int, int] | None = None) -> tuple[int, str]:
    """The former definition: readings_digest of the batch's readings held in memory whole (the
    factory's readings, but the one at (meter_id, ts) ``leave_out``)."""
    ids = [m.id for m in load_meters(factory, url).values()]
    table = read_current(ids, url=url)
    if leave_out is not None:
        keep = ~((table["meter_id"].to_numpy() == leave_out[0]) & (table["ts"].to_numpy() == leave_out[1]))
        table = table.filter(pa.array(keep))
    return table.num_rows, audit.readings_digest(table, ("meter_id", "ts", "value"))


def _counts(report: IngestReport) -> tuple[int, ...]:
    return report.received, report.accepted, report.duplicates, report.rejected, report.flagged


class _CountingReader:
    """pyarrow's streaming CSV reader, counting the record batches it hands out."""

    def __init__(self, reader: Any, seen: list[int]) -> None:
        self.reader, self.seen, self.schema = reader, seen, reader.schema

    def read_next_batch(self) -> pa.RecordBatch:
        batch = self.reader.read_next_batch()
        self.seen.append(batch.num_rows)
        return batch


def test_a_file_larger_than_the_record_batch_streams(store_url: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A 600-row CSV read in ~512-byte blocks, 40 rows a chunk, 16 readings a record batch: the same
    readings, counts, rejects and digest as the file read in one chunk."""
    lines = ["meter,time,value"]
    for k in range(200):
        hh, mm = divmod(k * 15, 60)
        stamp = f"2023-06-{1 + hh // 24:02d} {hh % 24:02d}:{mm:02d}"
        lines += [f"{c},{stamp},{(i + 1) * k / 8:.3f}" for i, c in enumerate(CODES)]
    lines[100] = lines[100].rsplit(",", 1)[0] + ",n/a"   # unreadable value
    lines.append(lines[10])                              # a duplicate, far from its first
    lines.append(lines[20].rsplit(",", 1)[0] + ",1e6")  # a conflict, far from the accepted value
    path = tmp_path / "readings.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for factory in ("A", "B"):
        save_factory_setup(_setup(factory), store_url)
    now = MIDNIGHT + 30 * 86_400
    whole = ingest_file(path, "A", url=store_url, chunk_rows=10_000, now=now)

    sizes: list[int] = []
    blocks: list[int] = []
    real_records, real_open = pipeline._ingest_records, pacsv.open_csv

    def spy_records(rows: pa.Table, *args: Any) -> IngestReport:
        sizes.append(rows.num_rows)
        return real_records(rows, *args)

    monkeypatch.setattr(pipeline, "_ingest_records", spy_records)
    monkeypatch.setattr(pipeline, "RECORD_BATCH_ROWS", 16)
    monkeypatch.setattr(csv_source, "BLOCK_BYTES", 512)
    monkeypatch.setattr(pacsv, "open_csv", lambda *a, **k: _CountingReader(real_open(*a, **k), blocks))
    streamed = ingest_file(path, "B", url=store_url, chunk_rows=40, now=now)

    assert len(blocks) > 20 and max(blocks) < 40  # the file came in many small blocks, never whole
    assert len(sizes) >= 600 // 16 and max(sizes) <= 16
    assert _counts(streamed) == _counts(whole) == (602, 599, 1, 2, 0)
    assert _stored(store_url, "B") == _stored(store_url, "A")
    assert _rejects(store_url, "B") == _rejects(store_url, "A")
    assert _digest_entry(store_url, streamed.batch_id) == _in_memory_digest(store_url, "B")
    assert _digest_entry(store_url, whole.batch_id) == _in_memory_digest(store_url, "A")


def test_a_large_table_is_written_in_record_batches_with_the_same_result(
        store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A shuffled table (late readings, duplicates and a conflict across record batches) written in
    batches of 7 readings stores exactly what one write of the table stores, late flags included."""
    rng = np.random.default_rng(11)
    keys = [(c, k) for c in CODES for k in range(60)]
    picked = [keys[i] for i in rng.permutation(len(keys))]
    rows: dict[str, list[Any]] = {"meter": [c for c, _ in picked], "ts": [MIDNIGHT + Q * k for _, k in picked],
                                  "value": [float(k) for _, k in picked]}
    rows["meter"] += ["E1", "E2", "X9"]
    rows["ts"] += [MIDNIGHT + Q * 5, MIDNIGHT + Q * 6, MIDNIGHT]
    rows["value"] += [5.0, 99.0, 1.0]  # a duplicate, a conflict, an unknown meter
    now = MIDNIGHT + 86_400
    reports: dict[str, IngestReport] = {}
    for factory in ("A", "B"):
        save_factory_setup(_setup(factory), store_url)
        first = open_batch("test", "earlier", url=store_url, factory_id=factory)  # makes older readings late
        close_batch(ingest_table({"meter": ["E1"], "ts": [MIDNIGHT + Q * 30], "value": [30.0]}, factory, first,
                                 "test", store_url, now=now), url=store_url)
        batch = open_batch("test", "table", url=store_url, factory_id=factory)
        if factory == "B":
            monkeypatch.setattr(pipeline, "RECORD_BATCH_ROWS", 7)
        reports[factory] = ingest_table(rows, factory, batch, "test", store_url, now=now)
        close_batch(reports[factory], url=store_url)
    a, b = _stored(store_url, "A"), _stored(store_url, "B")
    assert b == a and len(a) == 180
    assert sum(1 for r in a if r[3] & s.FLAG_LATE) == 30  # E1 before the earlier reading, and only those
    assert _counts(reports["B"]) == _counts(reports["A"]) == (183, 179, 2, 2, 0)
    assert _rejects(store_url, "B") == _rejects(store_url, "A")
    for factory in ("A", "B"):  # the batch's readings: all but the earlier batch's one
        earlier = (load_meters(factory, store_url)["E1"].id, MIDNIGHT + Q * 30)
        assert _digest_entry(store_url, reports[factory].batch_id) == _in_memory_digest(store_url, factory, earlier)
