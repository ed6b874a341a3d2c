"""One in-memory DuckDB database per process; each use gets its own connection to it.

Opening a DuckDB database costs about 50–90 ms (its catalogue, extensions and buffer manager); a
connection to an open one costs under a millisecond. The dashboard's meter series and the metered
year (one computation per chunk of meters) open several per request, so they share one database:
:func:`connection` returns a new connection (``cursor()``) whose registered Arrow tables and temp
tables are its own and go when it is closed, so concurrent requests do not see each other's
tables. A forked child opens its own database (DuckDB's state does not survive ``fork``).

The database caches Parquet footers (``parquet_metadata_cache``): the columnar cache's parts are
written once under unique names and never changed (:mod:`zerocarbon.store.columnar`), so a meter's
week no longer re-reads the footers of every part (about a quarter of its read time at 70 M rows).
"""

from __future__ import annotations

import os
import threading

import duckdb

_lock = threading.Lock()
_db: duckdb.DuckDBPyConnection | None = None
_pid = -1


def connection() -> duckdb.DuckDBPyConnection:
    """A new connection to the process's in-memory DuckDB database; close it when done."""
    global _db, _pid
    with _lock:
        if _db is None or _pid != os.getpid():
            _db = duckdb.connect()
            _db.execute("SET GLOBAL parquet_metadata_cache = true")
            _pid = os.getpid()
        return _db.cursor()
