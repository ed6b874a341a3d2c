"""Repository of alerts and carbon budgets (tables ``alerts`` and ``carbon_budgets``).

Every write is in the audit chain (:func:`zerocarbon.store.audit.record`) in the same transaction.
An alert is stored once per (factory, meter, kind, start): storing it again adds nothing. A budget
row is never changed; the newest row of a factory, cost centre and period is the one in force.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, update

from zerocarbon.store import schema as s
from zerocarbon.store.audit import record
from zerocarbon.store.db import transaction

STATUSES = ("open", "acknowledged", "closed")


def insert_alerts(factory_id: str, rows: list[dict[str, Any]], url: str | None = None,
                  now: int | None = None) -> list[int]:
    """Store new alerts (dicts of :meth:`zerocarbon.forecast.alerts.Alert.to_dict`); returns the ids of
    the rows added (alerts already stored are skipped)."""
    when = int(time.time()) if now is None else now
    a = s.alerts
    added: list[int] = []
    with transaction(url) as conn:
        for r in rows:
            exists = conn.execute(select(a.c.id).where(
                a.c.factory_id == factory_id, a.c.meter_code == r["meter"], a.c.kind == r["kind"],
                a.c.ts_start == r["start"])).first()
            if exists is not None:
                continue
            evidence = {k: r[k] for k in ("observed", "expected", "hours", "merged", "suppressed",
                                          "suppressed_waste", "currency", "factor_source", "curve") if k in r}
            res = conn.execute(insert(a).values(
                factory_id=factory_id, meter_code=r["meter"], kind=r["kind"], ts_start=r["start"], ts_end=r["end"],
                severity=r["severity"], status="open", incident=r.get("incident", ""), waste=r["waste"],
                unit=r["unit"], tco2=r.get("tco2"), money=r.get("money"), message_zh=r["message_zh"],
                message_en=r["message_en"], evidence=json.dumps(evidence, ensure_ascii=False), raised_at=when))
            new_id = int(res.inserted_primary_key[0])  # type: ignore[index]
            added.append(new_id)
        if added:
            record(conn, "alerts.raise", "alerts", ",".join(map(str, added)), factory_id,
                   after={"ids": added, "count": len(added)}, at=when)
    return added


def last_raised(factory_id: str, url: str | None = None) -> dict[tuple[str, str], int]:
    """(meter code, kind) → the end of its latest stored alert [s, UTC], for the cool-down."""
    a = s.alerts
    with transaction(url) as conn:
        rows = conn.execute(select(a.c.meter_code, a.c.kind, func.max(a.c.ts_end))
                            .where(a.c.factory_id == factory_id).group_by(a.c.meter_code, a.c.kind)).all()
    return {(str(m), str(k)): int(e) for m, k, e in rows}


def _row(r: Any) -> dict[str, Any]:
    out = dict(r)
    out["evidence"] = json.loads(out["evidence"])
    return out


def alert_list(factory_id: str, url: str | None = None, status: str | None = None,
               limit: int = 200) -> list[dict[str, Any]]:
    """The factory's alerts (of ``status`` if given), newest start first."""
    a = s.alerts
    stmt = select(a).where(a.c.factory_id == factory_id).order_by(a.c.ts_start.desc(), a.c.id.desc()).limit(limit)
    if status is not None:
        stmt = stmt.where(a.c.status == status)
    with transaction(url) as conn:
        return [_row(r) for r in conn.execute(stmt).mappings()]


def alert_row(alert_id: int, url: str | None = None) -> dict[str, Any] | None:
    a = s.alerts
    with transaction(url) as conn:
        r = conn.execute(select(a).where(a.c.id == alert_id)).mappings().first()
    return None if r is None else _row(r)


def set_status(alert_id: int, status: str, actor: str, note: str = "", url: str | None = None,
               now: int | None = None) -> dict[str, Any] | None:
    """Move an alert to ``acknowledged`` or ``closed``, with who and when; None when there is no such alert."""
    when = int(time.time()) if now is None else now
    a = s.alerts
    with transaction(url) as conn:
        before = conn.execute(select(a.c.factory_id, a.c.status, a.c.note).where(a.c.id == alert_id)).first()
        if before is None:
            return None
        values: dict[str, Any] = {"status": status}
        if status == "acknowledged":
            values.update(acknowledged_at=when, acknowledged_by=actor)
        elif status == "closed":
            values.update(closed_at=when, closed_by=actor)
        if note:
            values["note"] = note
        conn.execute(update(a).where(a.c.id == alert_id).values(**values))
        record(conn, f"alert.{'acknowledge' if status == 'acknowledged' else 'close'}", "alerts", alert_id,
               str(before[0]), before={"status": before[1], "note": before[2]},
               after={"status": status, "note": note or before[2]}, actor=actor, at=when)
    return alert_row(alert_id, url)


def record_delivery(alert_ids: list[int], attempts: int, delivered: bool, url: str | None = None,
                    now: int | None = None) -> None:
    """Count webhook attempts on the alerts, and when it answered 2xx, when."""
    when = int(time.time()) if now is None else now
    a = s.alerts
    with transaction(url) as conn:
        conn.execute(update(a).where(a.c.id.in_(alert_ids)).values(
            delivery_attempts=a.c.delivery_attempts + attempts, delivered_at=when if delivered else None))


def insert_budget(factory_id: str, period: str, amount: Decimal, *, cost_centre: str | None, unit: str, source: str,
                  note: str, actor: str, url: str | None = None, now: int | None = None) -> int:
    """Append a budget row (the newest one of its factory, cost centre and period is in force); returns its id."""
    when = int(time.time()) if now is None else now
    b = s.carbon_budgets
    with transaction(url) as conn:
        res = conn.execute(insert(b).values(factory_id=factory_id, cost_centre=cost_centre, period=period,
                                            amount=amount, unit=unit, source=source, note=note, created_by=actor,
                                            created_at=when))
        new_id = int(res.inserted_primary_key[0])  # type: ignore[index]
        record(conn, "budget.set", "carbon_budgets", new_id, factory_id,
               after={"period": period, "cost_centre": cost_centre, "amount": str(amount), "unit": unit,
                      "source": source}, actor=actor, at=when)
    return new_id


def budgets_in_force(factory_id: str, period: str | None = None, url: str | None = None) -> list[dict[str, Any]]:
    """The budget in force of each cost centre (and of the whole factory) and period, oldest period first."""
    b = s.carbon_budgets
    stmt = select(b).where(b.c.factory_id == factory_id).order_by(b.c.id)
    if period is not None:
        stmt = stmt.where(b.c.period == period)
    latest: dict[tuple[str | None, str], dict[str, Any]] = {}
    with transaction(url) as conn:
        for r in conn.execute(stmt).mappings():
            latest[(r["cost_centre"], r["period"])] = dict(r)
    return sorted(latest.values(), key=lambda r: (r["period"], r["cost_centre"] or ""))
