"""Repository of declared activity-data files: versions of a factory's file (table ``declared_files``).

Versions are only ever appended. The functions that take a connection run inside the caller's
transaction, so that the lock, the check of the current version, the insert and the audit entry of
an upload share one transaction (:func:`zerocarbon.services.inventory.declared.upload`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.engine import make_url

from zerocarbon.store import schema as s
from zerocarbon.store.db import database_url, is_sqlite


class FileRow(NamedTuple):
    """One stored version, without its bytes."""

    id: int
    factory_id: str
    filename: str
    format: str
    size: int        # [bytes]
    sha256: str
    uploaded_by: str
    uploaded_at: int  # [s since epoch, UTC]
    note: str


class LatestFile(NamedTuple):
    """What :func:`current_path` needs of the newest version."""

    id: int
    filename: str
    format: str
    sha256: str
    size: int  # [bytes]


_d = s.declared_files
_COLUMNS = (_d.c.id, _d.c.factory_id, _d.c.filename, _d.c.format, _d.c.size, _d.c.sha256, _d.c.uploaded_by,
            _d.c.uploaded_at, _d.c.note)


def _file_row(row: Any) -> FileRow:
    return FileRow(int(row[0]), str(row[1]), str(row[2]), str(row[3]), int(row[4]), str(row[5]), str(row[6]),
                   int(row[7]), str(row[8] or ""))


def factory_timezone(conn: Connection, factory_id: str) -> str | None:
    """The factory's time zone (``Asia/Shanghai`` when none is stored); None when the factory is not in the store."""
    tz = conn.execute(select(s.factories.c.timezone).where(s.factories.c.id == factory_id)).scalar_one_or_none()
    return None if tz is None else str(tz or "Asia/Shanghai")


def lock_factory(conn: Connection, factory_id: str) -> str | None:
    """Serialise uploads of a factory until the transaction ends; the factory's time zone (None: no factory)."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(s.factories.c.id).where(s.factories.c.id == factory_id).with_for_update())
    else:
        # SQLite: a write matching no row takes the database write lock (as store.audit does).
        conn.execute(update(_d).where(_d.c.id < 0).values(note=""))
    return factory_timezone(conn, factory_id)


def latest(conn: Connection, factory_id: str) -> FileRow | None:
    """The factory's newest (current) version, or None."""
    row = conn.execute(select(*_COLUMNS).where(_d.c.factory_id == factory_id).order_by(_d.c.id.desc())
                       .limit(1)).first()
    return None if row is None else _file_row(row)


def version(conn: Connection, file_id: int) -> FileRow:
    """The stored version ``file_id`` (it must exist)."""
    return _file_row(conn.execute(select(*_COLUMNS).where(_d.c.id == file_id)).one())


def insert_file(conn: Connection, *, factory_id: str, filename: str, format: str, content: bytes, sha256: str,
                uploaded_by: str, uploaded_at: int, note: str) -> int:
    """Append a version (``size`` is that of ``content`` [bytes]); returns its id."""
    result = conn.execute(insert(_d).values(
        factory_id=factory_id, filename=filename, format=format, content=content, size=len(content), sha256=sha256,
        uploaded_by=uploaded_by, uploaded_at=uploaded_at, note=note))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def versions(conn: Connection, factory_id: str) -> list[FileRow]:
    """Every version of the factory's file, newest first."""
    rows = conn.execute(select(*_COLUMNS).where(_d.c.factory_id == factory_id).order_by(_d.c.id.desc())).all()
    return [_file_row(r) for r in rows]


def version_with_content(conn: Connection, factory_id: str, file_id: int) -> tuple[FileRow, bytes] | None:
    """The version ``file_id`` of the factory's file and its bytes; None when the factory has no such version."""
    row = conn.execute(select(*_COLUMNS, _d.c.content).where(_d.c.id == file_id, _d.c.factory_id == factory_id)
                       ).first()
    return None if row is None else (_file_row(row), bytes(row[9]))


def latest_file(conn: Connection, factory_id: str) -> LatestFile | None:
    """Id, file name, format, sha256 and size of the factory's newest version, or None."""
    row = conn.execute(select(_d.c.id, _d.c.filename, _d.c.format, _d.c.sha256, _d.c.size)
                       .where(_d.c.factory_id == factory_id).order_by(_d.c.id.desc()).limit(1)).first()
    return None if row is None else LatestFile(int(row[0]), str(row[1]), str(row[2]), str(row[3]), int(row[4]))


def content(conn: Connection, file_id: int) -> bytes:
    """The bytes of the version ``file_id``, exactly as uploaded."""
    return bytes(conn.execute(select(_d.c.content).where(_d.c.id == file_id)).scalar_one())


def store_exists(url: str | None) -> bool:
    """False for an SQLite store whose file does not exist (it has no declared files; do not create it)."""
    target = database_url(url)
    if not is_sqlite(target):
        return True
    path = make_url(target).database
    return not path or path == ":memory:" or Path(path).exists()
