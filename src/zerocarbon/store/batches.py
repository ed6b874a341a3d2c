"""Repository of what became of the data sent in: ingest batches, rejected records, dead letters.

Rows as stored, newest first, a page at a time. Which factory a batch or a rejected record belongs
to is stored with it (``ingest_batches.factory_id``, ``rejected_records.factory_id``); dead letters
have no such column and are selected by their topic, ``zerocarbon/<factory>/…``
(:func:`dead_letter_filter`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from zerocarbon.store import schema as s
from zerocarbon.store.db import transaction


def _like(value: str) -> str:
    """``value`` as a literal inside a LIKE pattern (escape character ``\\``)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def batch_filter(factory_id: str) -> ColumnElement[bool]:
    """Condition on ``ingest_batches``: the batches opened for ``factory_id``."""
    return s.batches.c.factory_id == factory_id


def rejected_filter(factory_id: str) -> ColumnElement[bool]:
    """Condition on ``rejected_records``: the records sent for ``factory_id``."""
    return s.rejected.c.factory_id == factory_id


def dead_letter_filter(factory_id: str) -> ColumnElement[bool]:
    """Condition on ``dead_letters``: messages on the factory's topics, as the topic scheme reads them.

    Exactly ``zerocarbon/<factory>/readings`` or ``zerocarbon/<factory>/meters/<meter>`` with one level
    for the meter (:func:`zerocarbon.ingest.mqtt_messages.parse_topic`), so a prefix never reaches into
    another factory's topics (``zerocarbon/A/%`` would also match factory ``A/x``). Messages off the
    scheme belong to no factory.
    """
    topic = s.dead_letters.c.topic
    fid = _like(factory_id)
    return (topic == f"zerocarbon/{factory_id}/readings") | (
        topic.like(f"zerocarbon/{fid}/meters/_%", escape="\\")
        & ~topic.like(f"zerocarbon/{fid}/meters/%/%", escape="\\"))


def _page(stmt: Select[Any], count: Select[Any], limit: int, offset: int, url: str | None
          ) -> tuple[int, list[dict[str, Any]]]:
    with transaction(url) as conn:
        total = int(conn.execute(count).scalar() or 0)
        rows = conn.execute(stmt.limit(limit).offset(offset)).mappings().all()
    return total, [dict(r) for r in rows]


def batch_page(factory_id: str, limit: int, offset: int, url: str | None = None
               ) -> tuple[int, list[dict[str, Any]]]:
    """(total, a page of) the factory's ingest batches, newest first."""
    b = s.batches
    cond = batch_filter(factory_id)
    cols = (b.c.id, b.c.factory_id, b.c.source, b.c.name, b.c.started_at, b.c.finished_at, b.c.status,
            b.c.accepted, b.c.duplicates, b.c.rejected, b.c.flagged)
    return _page(select(*cols).where(cond).order_by(b.c.id.desc()),
                 select(func.count()).select_from(b).where(cond), limit, offset, url)


def rejected_page(factory_id: str, limit: int, offset: int, url: str | None = None, batch_id: int | None = None
                  ) -> tuple[int, list[dict[str, Any]]]:
    """(total, a page of) the factory's rejected records (of one batch if given), newest first."""
    r = s.rejected
    cond = rejected_filter(factory_id)
    if batch_id is not None:
        cond = cond & (r.c.batch_id == batch_id)
    cols = (r.c.id, r.c.batch_id, r.c.factory_id, r.c.source, r.c.location, r.c.field, r.c.reason, r.c.raw,
            r.c.created_at)
    return _page(select(*cols).where(cond).order_by(r.c.id.desc()),
                 select(func.count()).select_from(r).where(cond), limit, offset, url)


def rejected_reason_counts(factory_id: str, url: str | None = None, most: int = 20) -> list[tuple[str, int]]:
    """(reason, count) of the factory's rejected records, the ``most`` commonest first."""
    r = s.rejected
    with transaction(url) as conn:
        rows = conn.execute(select(r.c.reason, func.count()).where(rejected_filter(factory_id))
                            .group_by(r.c.reason).order_by(func.count().desc(), r.c.reason).limit(most)).all()
    return [(str(k), int(v)) for k, v in rows]


def dead_letter_page(factory_id: str, limit: int, offset: int, url: str | None = None
                     ) -> tuple[int, list[dict[str, Any]]]:
    """(total, a page of) the MQTT messages of the factory's topics that could not be read at all, newest first."""
    d = s.dead_letters
    cond = dead_letter_filter(factory_id)
    return _page(select(d).where(cond).order_by(d.c.id.desc()), select(func.count()).select_from(d).where(cond),
                 limit, offset, url)


def reject_key(location: str, field: str, reason: str) -> tuple[str, str, str]:
    """What makes a rejected record the same one when a file is sent again: its row (and column) in
    the file, field and reason; not the file's name (``… row 12 col C``)."""
    at = location.rfind(" row ")
    return (location[at + 1:] if at >= 0 else location, field, reason)


def rejects_of_file(content_hash: str, factory_id: str, url: str | None = None) -> set[tuple[str, str, str]]:
    """The keys (:func:`reject_key`) of the records already rejected from a file with these bytes
    (sha256 ``content_hash``) for ``factory_id``, in any earlier batch."""
    r, b = s.rejected, s.batches
    with transaction(url) as conn:
        rows = conn.execute(select(r.c.location, r.c.field, r.c.reason).join(b, b.c.id == r.c.batch_id)
                            .where(b.c.content_hash == content_hash, b.c.factory_id == factory_id,
                                   r.c.factory_id == factory_id)).all()
    return {reject_key(str(loc or ""), str(fld or ""), str(why or "")) for loc, fld, why in rows}


def rejected_rows(factory_id: str, url: str | None = None, batch_id: int | None = None, reason: str | None = None,
                  limit: int | None = None) -> list[dict[str, Any]]:
    """The factory's rejected records in the order they were stored (oldest first), of one batch and
    with a reason containing ``reason`` (case-insensitive) when given."""
    r, b = s.rejected, s.batches
    cond = rejected_filter(factory_id)
    if batch_id is not None:
        cond = cond & (r.c.batch_id == batch_id)
    if reason:
        cond = cond & func.lower(r.c.reason).like(f"%{_like(reason.lower())}%", escape="\\")
    stmt = (select(r.c.id, r.c.batch_id, b.c.name.label("batch_name"), r.c.source, r.c.location, r.c.field,
                   r.c.reason, r.c.raw, r.c.created_at)
            .select_from(r.outerjoin(b, b.c.id == r.c.batch_id)).where(cond).order_by(r.c.id))
    if limit is not None:
        stmt = stmt.limit(limit)
    with transaction(url) as conn:
        return [dict(row) for row in conn.execute(stmt).mappings().all()]
