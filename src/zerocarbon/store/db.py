"""The one way to reach the store: settings, engine, sessions, migrations and Arrow bulk access.

Embedded default: one SQLite file, zero configuration (``./zerocarbon.db``, or the file named by
``ZEROCARBON_DATABASE_URL``). Server: PostgreSQL through ``ZEROCARBON_DATABASE_URL``
(``postgresql+psycopg://user@host:5432/db``). The schema is created and upgraded by Alembic.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

DEFAULT_URL = "sqlite:///zerocarbon.db"


def database_url(url: str | None = None) -> str:
    """The store URL: the argument, else ``ZEROCARBON_DATABASE_URL``, else the embedded default file."""
    return url or os.environ.get("ZEROCARBON_DATABASE_URL") or DEFAULT_URL


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers do not block the writer; synchronous=NORMAL in WAL mode loses nothing on a process
    # crash (kill -9), only possibly the last transactions on an OS crash or power loss.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (cached: one engine per store per process)."""
    target = database_url(url)
    if is_sqlite(target):
        path = make_url(target).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(target, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(target, pool_pre_ping=True)


@contextmanager
def transaction(url: str | None = None) -> Iterator[Connection]:
    """A connection in a transaction: committed when the block ends, rolled back on error."""
    with get_engine(url).begin() as conn:
        yield conn


def migrate(url: str | None = None) -> None:
    """Create or upgrade the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    cfg.set_main_option("sqlalchemy.url", database_url(url).replace("%", "%%"))
    cfg.attributes["connection_url"] = database_url(url)
    command.upgrade(cfg, "head")


_adbc = threading.local()
_open_sessions: list[Any] = []


@atexit.register
def _close_sessions() -> None:
    """Close cached ADBC connections before the interpreter tears its modules down."""
    for conn in _open_sessions:
        with contextlib.suppress(Exception):  # already closed or broken: nothing left to release
            conn.close()
    _open_sessions.clear()


@contextmanager
def adbc_session(url: str | None = None) -> Iterator[Any]:
    """A PostgreSQL ADBC connection kept for reuse by this thread (opening one costs ~50 ms).

    The caller commits; on any error the connection is rolled back, closed and forgotten, so a
    broken session is never handed out again.
    """
    key = database_url(url)
    cache: dict[str, Any] = _adbc.__dict__.setdefault("connections", {})
    conn = cache.pop(key, None)
    if conn is None:
        conn = adbc_connect(key)
        _open_sessions.append(conn)
    try:
        yield conn
    except BaseException:
        _open_sessions.remove(conn)
        try:
            conn.rollback()
        finally:
            conn.close()
        raise
    cache[key] = conn


def adbc_connect(url: str | None = None) -> Any:
    """A DB-API connection of the ADBC driver for the store: Arrow in and out without Python rows."""
    target = make_url(database_url(url))
    if target.get_backend_name() == "sqlite":
        import adbc_driver_sqlite.dbapi as sqlite_adbc

        return sqlite_adbc.connect(target.database or ":memory:")
    import adbc_driver_postgresql.dbapi as pg_adbc

    plain = target.set(drivername="postgresql")
    return pg_adbc.connect(plain.render_as_string(hide_password=False))
