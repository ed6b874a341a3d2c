"""Repository of the PACT v3 exchange: footprints (published and suppliers'), client credentials, events.

Small named statements against :mod:`zerocarbon.store.schema`, each run inside the caller's
transaction (``conn`` from :func:`zerocarbon.store.db.transaction`). The rules (hashing secrets,
deprecating a replaced footprint, validating documents, the audit entries) are in
:mod:`zerocarbon.services.footprint.pact_host`; this module only reads and writes rows, which come
back as read-only mappings. Times are integers [s since epoch, UTC].
"""

from __future__ import annotations

from typing import Any, TypeAlias

from sqlalchemy import Connection, RowMapping, insert, select, update

from zerocarbon.store import schema as s

__all__ = [
    "client_by_client_id", "clients_of_factory", "event_by_key", "events_of_factory", "footprint_by_pf_id",
    "footprints_of_factory", "insert_client", "insert_event", "insert_footprint", "revoke_client", "set_deprecated",
    "set_event_answer",
]

Row: TypeAlias = RowMapping


# ------------------------------------------------------------------------------------------ footprints
def insert_footprint(conn: Connection, **values: Any) -> int:
    """Add a footprint row (columns of ``pact_footprints``); returns its row id."""
    return int(conn.execute(insert(s.pact_footprints).values(**values)).inserted_primary_key[0])  # type: ignore[index]


def footprint_by_pf_id(conn: Connection, factory_id: str, origin: str, pf_id: str) -> Row | None:
    """The footprint ``pf_id`` of a factory (``origin``: published | supplier), or None; ids match case-blind."""
    t = s.pact_footprints
    return conn.execute(select(t).where(t.c.factory_id == factory_id, t.c.origin == origin,
                                        t.c.pf_id == pf_id.lower())).mappings().first()


def footprints_of_factory(conn: Connection, factory_id: str, origin: str) -> list[Row]:
    """Every footprint of a factory of one origin, in the order they were stored (a stable paging order)."""
    t = s.pact_footprints
    return list(conn.execute(select(t).where(t.c.factory_id == factory_id, t.c.origin == origin)
                             .order_by(t.c.id)).mappings().all())


def set_deprecated(conn: Connection, row_id: int, at: int) -> None:
    """Mark a footprint row as replaced by a newer one."""
    t = s.pact_footprints
    conn.execute(update(t).where(t.c.id == row_id, t.c.deprecated_at.is_(None)).values(deprecated_at=at))


# ------------------------------------------------------------------------------------------ clients
def insert_client(conn: Connection, **values: Any) -> int:
    """Add client credentials (columns of ``pact_clients``); returns the row id."""
    return int(conn.execute(insert(s.pact_clients).values(**values)).inserted_primary_key[0])  # type: ignore[index]


def client_by_client_id(conn: Connection, client_id: str) -> Row | None:
    t = s.pact_clients
    return conn.execute(select(t).where(t.c.client_id == client_id)).mappings().first()


def clients_of_factory(conn: Connection, factory_id: str) -> list[Row]:
    """A factory's clients, newest first (never the secret: only its hash is stored)."""
    t = s.pact_clients
    return list(conn.execute(select(t).where(t.c.factory_id == factory_id).order_by(t.c.id.desc())).mappings().all())


def revoke_client(conn: Connection, row_id: int, at: int) -> None:
    t = s.pact_clients
    conn.execute(update(t).where(t.c.id == row_id, t.c.revoked_at.is_(None)).values(revoked_at=at))


# ------------------------------------------------------------------------------------------ events
def insert_event(conn: Connection, **values: Any) -> int:
    """Add a received event (columns of ``pact_events``); returns the row id."""
    return int(conn.execute(insert(s.pact_events).values(**values)).inserted_primary_key[0])  # type: ignore[index]


def event_by_key(conn: Connection, factory_id: str, source: str, event_id: str) -> Row | None:
    t = s.pact_events
    return conn.execute(select(t).where(t.c.factory_id == factory_id, t.c.source == source,
                                        t.c.event_id == event_id)).mappings().first()


def events_of_factory(conn: Connection, factory_id: str, status: str | None = None) -> list[Row]:
    """A factory's received events in arrival order (only those with ``status`` when given)."""
    t = s.pact_events
    query = select(t).where(t.c.factory_id == factory_id)
    if status is not None:
        query = query.where(t.c.status == status)
    return list(conn.execute(query.order_by(t.c.id)).mappings().all())


def set_event_answer(conn: Connection, row_id: int, status: str, answer: str | None) -> None:
    t = s.pact_events
    conn.execute(update(t).where(t.c.id == row_id).values(status=status, answer=answer))
