"""The digest of what a batch of readings stored, computed streaming in bounded memory.

The ``readings.ingest`` audit entry of a closed batch records ``readings_sha256``: the
:func:`zerocarbon.store.audit.readings_digest` of the batch's readings (revision 0) in key order
(meter_id, ts), over the columns meter_id, ts and value. That digest is one sha256 over

    "meter_id:<n>;" + n × int64 meter_id  +  "ts:<n>;" + n × int64 ts  +  "value:<n>;" + n × float64 value

(little-endian), so a batch of 70 M rows cannot be hashed by holding its three columns in memory.
It is computed here from one pass over the batch's readings in key order, block by block, none of
which holds the batch:

* the meter_id section is rebuilt from the runs of each meter (a meter's ids are one run in key
  order: a few numbers per meter);
* the ts and value bytes of each block are spooled to two temporary files next to the store
  (16 bytes a reading on disk, never in memory) and hashed after the meter_id section, in turn.

Where the readings in key order come from:

* SQLite with its columnar cache (:mod:`zerocarbon.store.columnar`): the batch's immutable Parquet
  parts, sorted by DuckDB under a memory limit (spilling to disk), trusted only when their count
  of readings *per meter* equals the store's; otherwise the store itself.
* SQLite without a cache (an in-memory store), or a cache that does not match: the table itself
  through the caller's transaction, in the order of the index ``ix_readings_batch`` (which holds
  the primary key (meter_id, ts, revision) after batch_id, so no sort is needed), a block at a time.
* PostgreSQL: an ordered query whose rows come out as Arrow record batches (ADBC, binary COPY).

The value is the same as :func:`zerocarbon.store.audit.readings_digest` of the whole batch, bit
for bit (``tests/store/test_batch_digest.py`` checks it against the former in-memory method on
both back ends). One detail: SQLite stores a REAL -0.0 as the integer 0 and reads it back as 0.0,
so values from the Parquet parts (which keep -0.0) are normalised the same way.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Connection

from zerocarbon.store.columnar import batch_parts, cache_dir
from zerocarbon.store.db import adbc_session

#: Readings per block of the ordered pass [rows]: the memory of the pass is a few times this × 16 B.
BLOCK_ROWS = 1 << 16
#: Memory DuckDB may use to sort a batch's parts; beyond it, it spills to a temporary directory.
SORT_MEMORY = "256MB"
#: Bytes read at a time from the value spool.
_SPOOL_BLOCK = 1 << 22

MeterCounts = list[tuple[int, int]]


class _Digest:
    """The batch digest fed with (meter_id, ts, value) blocks in key order.

    The meter_id section is rebuilt from the runs of each meter (a few numbers per meter); the ts
    and value bytes are spooled to two temporary files and hashed after it, in the documented order.
    """

    def __init__(self, ts: BinaryIO, value: BinaryIO) -> None:
        self.counts: MeterCounts = []
        self.ts, self.value = ts, value

    def add(self, meter_id: np.ndarray[Any, Any], ts: np.ndarray[Any, Any], value: np.ndarray[Any, Any]) -> None:
        if len(meter_id) == 0:
            return
        starts = np.concatenate(([0], np.flatnonzero(np.diff(meter_id)) + 1))
        lengths = np.diff(np.append(starts, len(meter_id)))
        for m, n in zip(meter_id[starts].tolist(), lengths.tolist(), strict=True):
            if self.counts and self.counts[-1][0] == m:
                self.counts[-1] = (m, self.counts[-1][1] + n)
            else:
                self.counts.append((int(m), int(n)))
        self.ts.write(np.ascontiguousarray(ts, dtype="<i8").tobytes())
        self.value.write(np.ascontiguousarray(value, dtype="<f8").tobytes())

    def hexdigest(self) -> str:
        rows = sum(c for _, c in self.counts)
        h = hashlib.sha256()
        h.update(f"meter_id:{rows};".encode())
        step = _SPOOL_BLOCK // 8
        for meter_id, count in self.counts:
            for start in range(0, count, step):
                h.update(np.full(min(count - start, step), meter_id, dtype="<i8").tobytes())
        for name, spool in (("ts", self.ts), ("value", self.value)):
            h.update(f"{name}:{rows};".encode())
            spool.seek(0)
            for block in iter(lambda: spool.read(_SPOOL_BLOCK), b""):  # noqa: B023 (used at once)
                h.update(block)
        return h.hexdigest()


Block = tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]


def _digest(blocks: Iterable[Block], spool_dir: Path | None) -> tuple[str, MeterCounts]:
    """(digest, readings per meter) of (meter_id, ts, value) blocks given in key order."""
    with tempfile.TemporaryFile(dir=spool_dir, prefix="zc-digest-") as ts_spool, \
            tempfile.TemporaryFile(dir=spool_dir, prefix="zc-digest-") as value_spool:
        digest = _Digest(ts_spool, value_spool)
        for meter_id, ts, value in blocks:
            digest.add(meter_id, ts, value)
        return digest.hexdigest(), digest.counts


def _where(batch_id: int) -> str:
    return f"WHERE batch_id = {int(batch_id)} AND revision = 0"


# ------------------------------------------------------------------------------------------ SQLite
def _sqlite_counts(cursor: Any, batch_id: int) -> MeterCounts:
    rows = cursor.execute(f"SELECT meter_id, COUNT(*) FROM readings {_where(batch_id)} "
                          "GROUP BY meter_id ORDER BY meter_id").fetchall()
    return [(int(m), int(c)) for m, c in rows]


def _sqlite_blocks(cursor: Any, batch_id: int) -> Iterator[Block]:
    cursor.execute(f"SELECT meter_id, ts, value FROM readings {_where(batch_id)} ORDER BY meter_id, ts")
    while rows := cursor.fetchmany(BLOCK_ROWS):
        # float64 holds meter ids and epoch seconds exactly (far below 2**53), as the former method read them
        data = np.array(rows, dtype=np.float64).reshape(len(rows), 3)
        yield data[:, 0].astype(np.int64), data[:, 1].astype(np.int64), data[:, 2]


def _part_blocks(files: list[Path], work: Path) -> Iterator[Block]:
    con = duckdb.connect(config={"memory_limit": SORT_MEMORY, "temp_directory": str(work),
                                 "preserve_insertion_order": True})
    try:
        names = [str(f) for f in files]
        reader = con.sql(f"SELECT meter_id, ts, value FROM read_parquet({names!r}) ORDER BY meter_id, ts"
                         ).to_arrow_reader(BLOCK_ROWS)
        for block in reader:
            value = block.column(2).to_numpy() + 0.0  # -0.0 → 0.0, as SQLite stores it
            yield block.column(0).to_numpy(), block.column(1).to_numpy(), value
    finally:
        con.close()


def _part_counts(files: list[Path]) -> MeterCounts:
    counts: dict[int, int] = {}
    for f in files:
        ids = pq.read_table(f, columns=["meter_id"])["meter_id"].value_counts()
        for item in ids.to_pylist():
            counts[int(item["values"])] = counts.get(int(item["values"]), 0) + int(item["counts"])
    return sorted(counts.items())


def _sqlite(conn: Connection, batch_id: int) -> tuple[str, MeterCounts]:
    # The driver's own cursor: same connection, same transaction as the caller's.
    cursor = conn.connection.cursor()
    try:
        root = cache_dir(conn.engine.url.render_as_string(hide_password=False))
        files = batch_parts(root, batch_id) if root is not None else []
        if root is not None and files and _part_counts(files) == _sqlite_counts(cursor, batch_id):
            with tempfile.TemporaryDirectory(dir=root, prefix=".digest-") as work:
                return _digest(_part_blocks(files, Path(work)), Path(work))
        spool = root if root is not None and root.exists() else None
        return _digest(_sqlite_blocks(cursor, batch_id), spool)
    finally:
        cursor.close()


# -------------------------------------------------------------------------------------- PostgreSQL
def _postgres(url: str, batch_id: int) -> tuple[str, MeterCounts]:
    with adbc_session(url) as session:
        cur = session.cursor()
        try:
            cur.execute(f"SELECT meter_id, ts, value FROM readings {_where(batch_id)} ORDER BY meter_id, ts")
            reader: pa.RecordBatchReader = cur.fetch_record_batch()

            def blocks() -> Iterator[Block]:
                for block in reader:
                    yield tuple(block.column(i).to_numpy(zero_copy_only=False).astype(t, copy=False)
                                for i, t in enumerate((np.int64, np.int64, np.float64)))  # type: ignore[misc]

            found = _digest(blocks(), None)
        finally:
            cur.close()
        session.commit()  # end the read transaction: the reused session must see later commits
    return found


def batch_digest(conn: Connection, batch_id: int) -> tuple[str, MeterCounts]:
    """(``readings_sha256``, [(meter_id, readings)] in meter order) of a batch, in bounded memory.

    Parameters
    ----------
    conn : Connection
        A transaction on the store (SQLite: the readings are read in it; PostgreSQL: the batch's
        readings, committed by the ingest before, are read through the store's ADBC session).
    batch_id : int
        The ingest batch.
    """
    if conn.dialect.name == "sqlite":
        return _sqlite(conn, batch_id)
    return _postgres(conn.engine.url.render_as_string(hide_password=False), batch_id)
