"""Plain reads of the store that the API lists and no service function offers yet.

Factories, their hierarchy and meters, raw readings of a meter, ingest batches, rejected records,
dead letters and sign-offs: rows as stored, no computation (figures always come from the
services). These belong in ``services/`` (a ``services/catalogue.py`` and
``services/data_quality.py``); they live here until then so the API engineer's change stays
inside ``api/``. Nothing else should import them.

Which batches and rejects belong to a factory: the store has no factory column on them, so the
same rule as the dashboard's applies (:func:`zerocarbon.services.dashboard.data_quality`): file
batches are named ``<factory>:<path>``, REST batches ``<factory>:rest:<actor>`` (:func:`rest_batch_name`),
MQTT batches and rejects carry the topic ``zerocarbon/<factory>/…``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow.compute as pc
from sqlalchemy import ColumnElement, Select, func, select

from zerocarbon.store import schema as s
from zerocarbon.store.db import transaction
from zerocarbon.store.readings import read_current


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def rest_batch_name(factory_id: str, actor: str) -> str:
    """The name of a REST batch: the factory first, so the factory's data-quality lists find it."""
    return f"{factory_id}:rest:{actor}"


# ---------------------------------------------------------------------------------------- factories
_FACTORY_COLUMNS = (s.factories.c.id, s.factories.c.name_zh, s.factories.c.name_en, s.factories.c.province,
                    s.factories.c.timezone)


def factories(ids: frozenset[str], url: str) -> list[dict[str, Any]]:
    """The factories among ``ids``, by id."""
    if not ids:
        return []
    with transaction(url) as conn:
        rows = conn.execute(select(*_FACTORY_COLUMNS).where(s.factories.c.id.in_(sorted(ids)))
                            .order_by(s.factories.c.id)).mappings().all()
    return [dict(r) for r in rows]


def factory(factory_id: str, url: str) -> dict[str, Any] | None:
    with transaction(url) as conn:
        row = conn.execute(select(*_FACTORY_COLUMNS).where(s.factories.c.id == factory_id)).mappings().first()
    return None if row is None else dict(row)


def nodes(factory_id: str, url: str) -> list[dict[str, Any]]:
    """The factory's hierarchy, parents before children where ids allow, with the parent's code."""
    n = s.nodes
    with transaction(url) as conn:
        rows = conn.execute(select(n).where(n.c.factory_id == factory_id).order_by(n.c.id)).mappings().all()
    code = {int(r["id"]): str(r["code"]) for r in rows}
    return [{"id": int(r["id"]), "code": r["code"], "kind": r["kind"], "name_zh": r["name_zh"],
             "name_en": r["name_en"] or "", "parent": code.get(r["parent_id"]) if r["parent_id"] is not None else None,
             "cost_centre": r["cost_centre"]} for r in rows]


def meters(factory_id: str, url: str, code: str | None = None) -> list[dict[str, Any]]:
    m, n = s.meters, s.nodes
    stmt = (select(m, n.c.code.label("node_code")).select_from(m.outerjoin(n, n.c.id == m.c.node_id))
            .where(m.c.factory_id == factory_id).order_by(m.c.code))
    if code is not None:
        stmt = stmt.where(m.c.code == code)
    with transaction(url) as conn:
        rows = conn.execute(stmt).mappings().all()
    return [{"id": int(r["id"]), "code": r["code"], "name": r["name"] or "", "node": r["node_code"],
             "carrier": r["carrier"], "unit": r["unit"], "register_kind": r["register_kind"],
             "multiplier": float(r["multiplier"]), "interval_seconds": int(r["interval_seconds"]),
             "timezone": r["timezone"], "category": r["category"], "item": r["item"], "cost_centre": r["cost_centre"],
             "electricity_kind": r["electricity_kind"], "is_virtual": bool(r["is_virtual"]),
             "virtual_formula": r["virtual_formula"]} for r in rows]


def readings(meter_id: int, start: int, end: int, limit: int, tz: str, url: str) -> tuple[list[dict[str, Any]], bool]:
    """Current readings (highest revision) of one meter in [start, end), oldest first; and whether cut at ``limit``."""
    table = read_current([meter_id], start, end, url).sort_by("ts")
    truncated = table.num_rows > limit
    table = table.slice(0, limit)
    zone = ZoneInfo(tz)
    out = []
    for ts, value, flags in zip(table["ts"].to_pylist(), table["value"].to_pylist(),
                                pc.fill_null(table["flags"], 0).to_pylist(), strict=True):
        out.append({"ts": int(ts), "local_time": datetime.fromtimestamp(int(ts), zone).isoformat(),
                    "value": float(value), "flags": int(flags)})
    return out, truncated


# ------------------------------------------------------------------------------------- data quality
def _batch_filter(factory_id: str) -> ColumnElement[bool]:
    b = s.batches
    fid = _like(factory_id)
    return b.c.name.like(f"{fid}:%", escape="\\") | b.c.name.like(f"% zerocarbon/{fid}/%", escape="\\")


def _page(stmt: Select[Any], count: Select[Any], limit: int, offset: int, url: str) -> tuple[int, list[dict[str, Any]]]:
    with transaction(url) as conn:
        total = int(conn.execute(count).scalar() or 0)
        rows = conn.execute(stmt.limit(limit).offset(offset)).mappings().all()
    return total, [dict(r) for r in rows]


def batches(factory_id: str, limit: int, offset: int, url: str) -> tuple[int, list[dict[str, Any]]]:
    """The factory's ingest batches, newest first."""
    b = s.batches
    cond = _batch_filter(factory_id)
    cols = (b.c.id, b.c.source, b.c.name, b.c.started_at, b.c.finished_at, b.c.status, b.c.accepted,
            b.c.duplicates, b.c.rejected, b.c.flagged)
    return _page(select(*cols).where(cond).order_by(b.c.id.desc()),
                 select(func.count()).select_from(b).where(cond), limit, offset, url)


def rejected(factory_id: str, limit: int, offset: int, url: str, batch_id: int | None = None
             ) -> tuple[int, list[dict[str, Any]]]:
    """The factory's rejected records (its batches', and its MQTT topics'), newest first."""
    b, r = s.batches, s.rejected
    cond = _batch_filter(factory_id) | r.c.location.like(f"zerocarbon/{_like(factory_id)}/%", escape="\\")
    if batch_id is not None:
        cond = cond & (r.c.batch_id == batch_id)
    joined = r.outerjoin(b, b.c.id == r.c.batch_id)
    cols = (r.c.id, r.c.batch_id, r.c.source, r.c.location, r.c.field, r.c.reason, r.c.raw, r.c.created_at)
    return _page(select(*cols).select_from(joined).where(cond).order_by(r.c.id.desc()),
                 select(func.count()).select_from(joined).where(cond), limit, offset, url)


def dead_letters(factory_id: str, limit: int, offset: int, url: str) -> tuple[int, list[dict[str, Any]]]:
    """MQTT messages of the factory's topics that could not be read at all, newest first."""
    d = s.dead_letters
    cond = d.c.topic.like(f"zerocarbon/{_like(factory_id)}/%", escape="\\")
    return _page(select(d).where(cond).order_by(d.c.id.desc()), select(func.count()).select_from(d).where(cond),
                 limit, offset, url)


def signoffs(factory_id: str, url: str, period: str | None = None) -> list[dict[str, Any]]:
    g = s.signoffs
    stmt = select(g).where(g.c.factory_id == factory_id).order_by(g.c.id.desc())
    if period is not None:
        stmt = stmt.where(g.c.period == period)
    with transaction(url) as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]
