"""The streaming batch digest equals the former in-memory one, on SQLite and on the real PostgreSQL server.

``readings_sha256`` of a ``readings.ingest`` audit entry was computed until issue 11 by fetching the
whole batch into Python, sorting and hashing it (17 GB at 70 M readings). It is now computed
streaming (:mod:`zerocarbon.store.batch_digest`); stores written before must keep verifying, so the
value must not change. :func:`reference_digest` is that former method, kept here (not in src) as the
independent implementation the new one is checked against.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

from zerocarbon.ingest.pipeline import IngestReport, close_batch, ingest_table, open_batch
from zerocarbon.model.metering import FactorySetup
from zerocarbon.store import audit, batch_digest, columnar
from zerocarbon.store import schema as s
from zerocarbon.store.db import transaction
from zerocarbon.store.factories import load_meters, save_factory_setup
from zerocarbon.store.readings import correct_reading

T0 = 1_700_000_100  # on a 15-minute boundary
NOW = T0 + 10**7
SETUP = FactorySetup.model_validate({
    "factory": {"id": "F", "name_zh": "测试厂", "province": "江苏"},
    "meters": [{"code": f"E{i}", "carrier": "electricity", "unit": "kWh", "register_kind": "interval"}
               for i in range(4)]})


def reference_digest(url: str, batch_id: int) -> tuple[int, str]:
    """(rows, sha256) of a batch by the method used before issue 11: fetch all, sort, hash in memory."""
    with transaction(url) as conn:
        cursor = conn.connection.cursor()
        cursor.execute(f"SELECT meter_id, ts, value FROM readings WHERE batch_id = {int(batch_id)} AND revision = 0")
        rows = cursor.fetchall()
        cursor.close()
    data = np.array(rows, dtype=np.float64).reshape(len(rows), 3)
    meter_ids, ts = data[:, 0].astype(np.int64), data[:, 1].astype(np.int64)
    order = np.lexsort((ts, meter_ids))
    h = hashlib.sha256()
    for name, values, dtype in (("meter_id", meter_ids[order], "<i8"), ("ts", ts[order], "<i8"),
                                ("value", data[order, 2], "<f8")):
        h.update(f"{name}:{len(rows)};".encode())
        h.update(np.ascontiguousarray(values, dtype=dtype).tobytes())
    return len(rows), h.hexdigest()


def _rows(meters: list[int], steps: range, scale: float = 1.0) -> dict[str, list[Any]]:
    """Readings in a shuffled (fixed) order, with -0.0 among the values."""
    keys = [(m, k) for k in steps for m in meters]
    order = np.random.default_rng(len(keys)).permutation(len(keys))
    picked = [keys[i] for i in order]
    return {"meter": [f"E{m}" for m, _ in picked], "ts": [T0 + 900 * k for _, k in picked],
            "value": [-0.0 if k % 17 == 0 else round(scale * (m + 1) * k / 7, 3) for m, k in picked]}


def _batch(url: str, chunks: list[dict[str, list[Any]]]) -> int:
    batch = open_batch("test", "t", url=url, factory_id="F")
    report = IngestReport(batch_id=batch)
    for chunk in chunks:
        report.add(ingest_table(chunk, "F", batch, "test", url, now=NOW))
    close_batch(report, url=url)
    return batch


def _entry(url: str, batch: int) -> dict[str, Any]:
    with transaction(url) as conn:
        after = conn.execute(select(s.audit_log.c.after).where(s.audit_log.c.action == "readings.ingest",
                                                               s.audit_log.c.entity_id == str(batch))).scalar_one()
    found: dict[str, Any] = json.loads(after)
    return found


def _now(url: str, batch: int) -> tuple[int, str]:
    with transaction(url) as conn:
        digest, counts = batch_digest.batch_digest(conn, batch)
    return sum(c for _, c in counts), digest


@pytest.fixture
def batches(store_url: str) -> list[int]:
    """Four closed batches: chunks out of order with an in-batch conflict and an unknown meter; a
    re-send with a few new readings; a re-send with nothing new (an empty digest); a correction after."""
    save_factory_setup(SETUP, store_url)
    first = _rows([0, 1, 2], range(0, 40))
    first["meter"] += ["E0", "X9"]
    first["ts"] += [T0, T0]
    first["value"] += [999.0, 1.0]  # E0 at T0 again with another value: a conflict; X9: unknown
    a = _batch(store_url, [{k: v[:50] for k, v in first.items()}, {k: v[50:] for k, v in first.items()}])
    b = _batch(store_url, [_rows([2, 3], range(30, 60))])
    c = _batch(store_url, [_rows([1], range(0, 10))])
    meter = load_meters("F", store_url)["E1"].id
    correct_reading(meter, T0 + 900, 5.0, "read wrongly", url=store_url)
    return [a, b, c]


def test_streaming_digest_equals_the_former_method(store_url: str, batches: list[int],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """What each closed batch's audit entry recorded, and the digest computed now, with blocks of 7
    rows, equal the former in-memory digest; the chain verifies."""
    expected = {b: reference_digest(store_url, b) for b in batches}
    assert [expected[b][0] for b in batches] == [120, 50, 0]
    assert expected[batches[2]][1] == hashlib.sha256(b"meter_id:0;ts:0;value:0;").hexdigest()
    for b in batches:
        entry = _entry(store_url, b)
        assert (entry["readings"], entry["readings_sha256"]) == expected[b]
        assert entry["factories"] == (["F"] if expected[b][0] else [])
    monkeypatch.setattr(batch_digest, "BLOCK_ROWS", 7)
    assert {b: _now(store_url, b) for b in batches} == expected
    assert audit.verify(store_url).ok


def test_sqlite_reads_the_parts_or_the_table_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On SQLite the digest reads the batch's Parquet parts (sorted by DuckDB) when their counts per
    meter match the store's, else the table in index order; both give the former digest. -0.0 in
    the parts is read as SQLite stores it (0.0)."""
    from zerocarbon.store.db import migrate

    url = f"sqlite:///{tmp_path / 'd.db'}"
    migrate(url)
    save_factory_setup(SETUP, url)
    batch = _batch(url, [_rows([0, 1, 2, 3], range(0, 50))])
    expected = reference_digest(url, batch)
    root = columnar.cache_dir(url)
    assert root is not None
    parts = columnar.batch_parts(root, batch)
    assert parts and any(np.signbit(np.asarray(pq.read_table(p)["value"])).any() for p in parts)

    def refuse(*_args: object) -> None:
        raise AssertionError("the other path was taken")

    with monkeypatch.context() as m:  # parts intact: the table is never read row by row
        m.setattr(batch_digest, "_sqlite_blocks", refuse)
        m.setattr(batch_digest, "BLOCK_ROWS", 11)
        assert _now(url, batch) == expected
    with monkeypatch.context() as m:  # a part lost: the counts differ, the table is read
        moved = parts[0].rename(parts[0].with_suffix(".away"))
        m.setattr(batch_digest, "_part_blocks", refuse)
        m.setattr(batch_digest, "BLOCK_ROWS", 11)
        assert _now(url, batch) == expected
        moved.rename(parts[0])
    with monkeypatch.context() as m:  # no cache at all (an in-memory store has none)
        m.setattr(batch_digest, "cache_dir", lambda _url: None)
        m.setattr(batch_digest, "_part_blocks", refuse)
        assert _now(url, batch) == expected
    assert not list(root.glob(".digest-*"))  # the sort's temporary directory is removed


def test_a_lost_part_is_rebuilt_before_the_digest(tmp_path: Path) -> None:
    """A part missing when the batch closes (a crash between a commit and its part) is re-exported
    from the store, block by block, before the digest is taken; the digest is the former one."""
    from zerocarbon.store.db import migrate

    url = f"sqlite:///{tmp_path / 'e.db'}"
    migrate(url)
    save_factory_setup(SETUP, url)
    batch = open_batch("test", "t", url=url, factory_id="F")
    report = IngestReport(batch_id=batch)
    report.add(ingest_table(_rows([0, 1], range(0, 30)), "F", batch, "test", url, now=NOW))
    report.add(ingest_table(_rows([2, 3], range(0, 30)), "F", batch, "test", url, now=NOW))
    root = columnar.cache_dir(url)
    assert root is not None
    columnar.batch_parts(root, batch)[0].unlink()
    close_batch(report, url=url)
    assert len(columnar.batch_parts(root, batch)) == 1  # one re-exported part of every row
    assert (_entry(url, batch)["readings"], _entry(url, batch)["readings_sha256"]) == reference_digest(url, batch)


def test_a_cache_that_cannot_be_checked_does_not_keep_the_batch_open(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The columnar cache is derived data: if checking it fails (a full disk), the batch still
    closes with the right digest, read from the store's table."""
    from zerocarbon.ingest import pipeline
    from zerocarbon.store.db import migrate

    url = f"sqlite:///{tmp_path / 'f.db'}"
    migrate(url)
    save_factory_setup(SETUP, url)

    def full_disk(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline, "finalize_batch", full_disk)
    monkeypatch.setattr(batch_digest, "batch_parts", lambda *_args: [])  # as if no part could be written
    batch = _batch(url, [_rows([0, 1], range(0, 20))])
    with transaction(url) as conn:
        status = conn.execute(select(s.batches.c.status).where(s.batches.c.id == batch)).scalar_one()
    assert status == "done"
    assert (_entry(url, batch)["readings"], _entry(url, batch)["readings_sha256"]) == reference_digest(url, batch)
