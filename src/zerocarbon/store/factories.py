"""Repository of the metered factory: save a :class:`FactorySetup` (idempotent), read meters back."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from zerocarbon.errors import InputError
from zerocarbon.model.entities import METER_REGISTER
from zerocarbon.model.inventory_input import ProductionRecord
from zerocarbon.model.metering import FactorySetup, MeterRow, MeterSpec
from zerocarbon.model.period import Period
from zerocarbon.store import audit
from zerocarbon.store import schema as s
from zerocarbon.store.db import transaction


def epoch(moment: datetime | None, tz: str = "Asia/Shanghai") -> int | None:
    """Seconds since the epoch (UTC) of ``moment``; a naive time is read in ``tz``."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz))
    return int(aware.timestamp())


def _upsert(conn: Connection, table: Any, key: dict[str, Any], values: dict[str, Any]) -> int | str:
    """Insert the row, or update it where the key exists; returns the primary key."""
    pk = next(iter(table.primary_key.columns))
    where = [table.c[k] == v for k, v in key.items()]
    found = conn.execute(select(pk).where(*where)).scalar_one_or_none()
    if found is None:
        result = conn.execute(table.insert().values(**key, **values))
        new_key = key.get(pk.name) or result.inserted_primary_key[0]  # type: ignore[index]
        return int(new_key) if isinstance(new_key, int) else str(new_key)
    conn.execute(table.update().where(*where).values(**values))
    return int(found) if isinstance(found, int) else str(found)


def save_factory_setup(setup: FactorySetup, url: str | None = None) -> dict[str, int]:
    """Write the factory, its hierarchy, meters, events and products; saving twice changes nothing.

    A save that changes something appends one ``factory.save`` entry to the audit chain (same
    transaction). Returns the ids of the meters by code.
    """
    f = setup.factory
    tz = f.timezone
    with transaction(url) as conn:
        before = audit.factory_snapshot(conn, f.id)
        _upsert(conn, s.factories, {"id": f.id}, {"name_zh": f.name_zh, "name_en": f.name_en,
                                                 "province": f.province, "timezone": tz,
                                                 "created_at": int(time.time())})
        node_ids: dict[str, int] = {}
        pending = list(setup.nodes)
        while pending:  # parents first, whatever the order in the file
            progressed = False
            for node in list(pending):
                if node.parent is not None and node.parent not in node_ids:
                    continue
                node_ids[node.code] = int(_upsert(conn, s.nodes, {"factory_id": f.id, "code": node.code}, {
                    "parent_id": node_ids.get(node.parent) if node.parent else None, "kind": node.kind,
                    "name_zh": node.name_zh, "name_en": node.name_en, "cost_centre": node.cost_centre}))
                pending.remove(node)
                progressed = True
            if not progressed:
                raise InputError("节点层级存在循环", "the node hierarchy has a cycle", field="nodes")
        meter_ids: dict[str, int] = {}
        for m in setup.meters:
            meter_ids[m.code] = int(_upsert(conn, s.meters, {"factory_id": f.id, "code": m.code},
                                            _meter_values(m, node_ids)))
        for ev in setup.events:
            _upsert(conn, s.meter_events, {"meter_id": meter_ids[ev.meter], "ts": epoch(ev.ts, tz), "kind": ev.kind},
                    {"old_final_value": ev.old_final_value, "new_initial_value": ev.new_initial_value,
                     "note": ev.note})
        product_ids: dict[str, int] = {}
        for p in setup.products:
            product_ids[p.code] = int(_upsert(conn, s.products, {"factory_id": f.id, "code": p.code},
                                              {"name_zh": p.name_zh, "name_en": p.name_en, "unit": p.unit}))
        for rec in setup.production:
            start, end = period_bounds(rec.period, tz)
            _upsert(conn, s.production, {"product_id": product_ids[rec.product], "period_start": start},
                    {"period_end": end, "amount": rec.amount})
        change = audit.setup_change(before, audit.factory_snapshot(conn, f.id))
        if change is not None:  # a save that changed nothing leaves no entry
            audit.record(conn, "factory.save", "factory", f.id, f.id, before=change[0], after=change[1])
    return meter_ids


def period_bounds(period: str, tz: str) -> tuple[int, int]:
    """[start, end) of a month or year in local time ``tz`` [s since epoch, UTC]."""
    p = Period.parse(period)
    start = datetime(p.year, p.month or 1, 1, tzinfo=ZoneInfo(tz))
    if p.month is None:
        end = datetime(p.year + 1, 1, 1, tzinfo=ZoneInfo(tz))
    else:
        end = datetime(p.year + (p.month == 12), p.month % 12 + 1, 1, tzinfo=ZoneInfo(tz))
    return int(start.timestamp()), int(end.timestamp())


def load_production(factory_id: str, url: str | None = None) -> list[ProductionRecord]:
    """The factory's production records from the store, as the inventory model takes them."""
    with transaction(url) as conn:
        tz = conn.execute(select(s.factories.c.timezone).where(s.factories.c.id == factory_id)).scalar_one()
        rows = conn.execute(
            select(s.products.c.code, s.products.c.unit, s.production.c.period_start, s.production.c.period_end,
                   s.production.c.amount)
            .join(s.production, s.production.c.product_id == s.products.c.id)
            .where(s.products.c.factory_id == factory_id).order_by(s.products.c.code, s.production.c.period_start)
        ).all()
    out = []
    for code, unit, start, end, amount in rows:
        local = datetime.fromtimestamp(int(start), ZoneInfo(str(tz)))
        months = (end - start) < 32 * 86400
        period = f"{local.year}-{local.month:02d}" if months else str(local.year)
        out.append(ProductionRecord(product=code, period=period, amount=amount, unit=unit))
    return out


def _meter_values(m: MeterSpec, node_ids: dict[str, int]) -> dict[str, Any]:
    return {
        "node_id": node_ids.get(m.node) if m.node else None, "name": m.name, "carrier": m.carrier,
        "unit": m.unit, "register_kind": m.register_kind, "multiplier": m.multiplier,
        "interval_seconds": m.interval_seconds, "timezone": m.timezone,
        "category": m.category.value if m.category else None, "item": m.item, "cost_centre": m.cost_centre,
        "electricity_kind": m.electricity_kind, "commissioned_at": epoch(m.commissioned_at, m.timezone),
        "valid_from": epoch(m.valid_from, m.timezone), "valid_to": epoch(m.valid_to, m.timezone),
        "rollover_at": m.rollover_at, "spike_limit": m.spike_limit, "virtual_formula": m.virtual_formula,
        "is_virtual": m.virtual_formula is not None,
        "steam_pressure_mpa": m.steam.pressure_mpa if m.steam else None,
        "steam_temperature_c": m.steam.temperature_c if m.steam else None,
        "steam_gauge": bool(m.steam and m.steam.gauge),
        **{k: getattr(m, k) for k in METER_REGISTER},
    }


def load_meters(factory_id: str, url: str | None = None) -> dict[str, MeterRow]:
    """The factory's meters by code."""
    with transaction(url) as conn:
        rows = conn.execute(select(s.meters).where(s.meters.c.factory_id == factory_id)).mappings().all()
    out: dict[str, MeterRow] = {}
    for r in rows:
        values = {k: r[k] for k in MeterRow.__dataclass_fields__}
        values["multiplier"] = float(values["multiplier"])
        values["is_virtual"] = bool(values["is_virtual"])
        values["steam_gauge"] = bool(values["steam_gauge"])
        for key in ("steam_pressure_mpa", "steam_temperature_c"):
            values[key] = None if values[key] is None else float(values[key])
        out[r["code"]] = MeterRow(**values)
    return out


def metering_setup(factory_id: str, url: str | None = None
                   ) -> tuple[dict[str, Any] | None, list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The factory's row, its nodes and the events of its meters, read in one transaction.

    Returns
    -------
    factory : dict or None
        Every column of ``factories``; None when the store does not know the factory.
    nodes : list of tuple
        (id, parent_id, code, kind, cost_centre) per node.
    events : list of tuple
        (meter_id, ts [s since epoch, UTC], kind, old_final_value, new_initial_value) per meter event.
    """
    with transaction(url) as conn:
        fac = conn.execute(select(s.factories).where(s.factories.c.id == factory_id)).mappings().first()
        if fac is None:
            return None, [], []
        node_rows = conn.execute(select(s.nodes.c.id, s.nodes.c.parent_id, s.nodes.c.code, s.nodes.c.kind,
                                        s.nodes.c.cost_centre).where(s.nodes.c.factory_id == factory_id)).all()
        event_rows = conn.execute(
            select(s.meter_events.c.meter_id, s.meter_events.c.ts, s.meter_events.c.kind,
                   s.meter_events.c.old_final_value, s.meter_events.c.new_initial_value)
            .join(s.meters, s.meters.c.id == s.meter_events.c.meter_id)
            .where(s.meters.c.factory_id == factory_id)).all()
    return dict(fac), [tuple(r) for r in node_rows], [tuple(r) for r in event_rows]


_FACTORY_COLUMNS = (s.factories.c.id, s.factories.c.name_zh, s.factories.c.name_en, s.factories.c.province,
                    s.factories.c.timezone)


def factories_among(ids: frozenset[str], url: str | None = None) -> list[dict[str, Any]]:
    """The factories among ``ids`` (id, name_zh, name_en, province, timezone), by id."""
    if not ids:
        return []
    with transaction(url) as conn:
        rows = conn.execute(select(*_FACTORY_COLUMNS).where(s.factories.c.id.in_(sorted(ids)))
                            .order_by(s.factories.c.id)).mappings().all()
    return [dict(r) for r in rows]


def factory_summary(factory_id: str, url: str | None = None) -> dict[str, Any] | None:
    """One factory (id, name_zh, name_en, province, timezone), or None if the store does not know it."""
    with transaction(url) as conn:
        row = conn.execute(select(*_FACTORY_COLUMNS).where(s.factories.c.id == factory_id)).mappings().first()
    return None if row is None else dict(row)


def node_rows(factory_id: str, url: str | None = None) -> list[dict[str, Any]]:
    """The factory's nodes as stored (every column of ``nodes``), by id."""
    n = s.nodes
    with transaction(url) as conn:
        rows = conn.execute(select(n).where(n.c.factory_id == factory_id).order_by(n.c.id)).mappings().all()
    return [dict(r) for r in rows]


def meter_rows(factory_id: str, url: str | None = None, code: str | None = None) -> list[dict[str, Any]]:
    """The factory's meters as stored (only ``code`` if given), by code, with the ``node_code`` of their node."""
    m, n = s.meters, s.nodes
    stmt = (select(m, n.c.code.label("node_code")).select_from(m.outerjoin(n, n.c.id == m.c.node_id))
            .where(m.c.factory_id == factory_id).order_by(m.c.code))
    if code is not None:
        stmt = stmt.where(m.c.code == code)
    with transaction(url) as conn:
        rows = conn.execute(stmt).mappings().all()
    return [dict(r) for r in rows]


def factory_exists(factory_id: str, url: str | None = None) -> bool:
    with transaction(url) as conn:
        return conn.execute(select(s.factories.c.id).where(s.factories.c.id == factory_id)).first() is not None


def factory_record(factory_id: str, url: str | None = None) -> dict[str, Any] | None:
    """The stored row of a factory (every column of ``factories``), or None when there is none."""
    with transaction(url) as conn:
        row = conn.execute(select(s.factories).where(s.factories.c.id == factory_id)).mappings().first()
    return None if row is None else dict(row)


def factory_list(url: str | None = None) -> list[dict[str, Any]]:
    """Every factory in the store: id, name_zh, name_en, province, timezone; by id."""
    f = s.factories
    with transaction(url) as conn:
        rows = conn.execute(select(f.c.id, f.c.name_zh, f.c.name_en, f.c.province, f.c.timezone)
                            .order_by(f.c.id)).mappings().all()
    return [dict(r) for r in rows]


def factory_nodes(factory_id: str, url: str | None = None) -> list[dict[str, Any]]:
    """The factory's hierarchy: one dict per node with code, kind, name_zh, name_en and its parent's code (or None)."""
    n, p = s.nodes, s.nodes.alias("parent")
    with transaction(url) as conn:
        rows = conn.execute(select(n.c.code, n.c.kind, n.c.name_zh, n.c.name_en, p.c.code.label("parent"))
                            .select_from(n.outerjoin(p, p.c.id == n.c.parent_id))
                            .where(n.c.factory_id == factory_id)).mappings().all()
    return [dict(r) for r in rows]
