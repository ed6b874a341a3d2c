"""Dashboard data: a factory's anomaly alerts (告警) with their evidence curves, and its carbon budgets (预算).

The alerts are those stored by ``zerocarbon forecast detect`` (:func:`zerocarbon.services.forecast.runs.list_alerts`);
acknowledging and closing them is :func:`zerocarbon.services.forecast.runs.change_alert` (the API decides
who may). The budgets' status is :func:`zerocarbon.services.forecast.budgets.budget_report` (actual to date
+ forecast to the period's end, P(overshoot) by bootstrap; docs/forecast.md). This module labels both
languages, turns UTC seconds into the factory's local time and rounds for display; it computes no figure.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from zerocarbon.forecast import budgets as budget_core
from zerocarbon.forecast.alerts import LABELS
from zerocarbon.services.dashboard._base import _cached, _factory_row, fig
from zerocarbon.services.forecast import budgets as budget_service
from zerocarbon.services.forecast import runs as forecast_runs
from zerocarbon.store import alerts as repo

#: Alerts listed at most (newest first); the counts are of these.
ALERT_LIMIT = 500
SEVERITY = {"low": ("低", "low"), "medium": ("中", "medium"), "high": ("高", "high")}
STATUS = {"open": ("待处理", "open"), "acknowledged": ("已确认", "acknowledged"), "closed": ("已关闭", "closed")}


def _pair(pair: tuple[str, str]) -> dict[str, str]:
    return {"zh": pair[0], "en": pair[1]}


def _tz(factory_id: str, url: str | None) -> ZoneInfo:
    return ZoneInfo(str(_factory_row(factory_id, url)["timezone"] or "Asia/Shanghai"))


def _local(ts: int | None, tz: ZoneInfo) -> str | None:
    return None if ts is None else datetime.fromtimestamp(int(ts), tz).strftime("%Y-%m-%d %H:%M")


def _num(x: float | None, places: int) -> dict[str, str | None]:
    return fig(None if x is None else Decimal(repr(float(x))), places)


def _alert(row: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    ev = row["evidence"]
    points = ev.get("curve") or []
    return {
        "id": row["id"], "meter": row["meter_code"], "kind": row["kind"],
        "kind_label": _pair(LABELS.get(row["kind"], (row["kind"], row["kind"]))),
        "severity": row["severity"], "severity_label": _pair(SEVERITY.get(row["severity"], (row["severity"],) * 2)),
        "status": row["status"], "status_label": _pair(STATUS.get(row["status"], (row["status"],) * 2)),
        "start": _local(row["ts_start"], tz), "end": _local(row["ts_end"], tz), "incident": row["incident"],
        "message": {"zh": row["message_zh"], "en": row["message_en"]},
        "waste": _num(row["waste"], 2), "unit": row["unit"], "tco2": _num(row["tco2"], 3),
        "money": _num(row["money"], 2), "currency": ev.get("currency", "CNY"),
        "factor_source": ev.get("factor_source", ""), "hours": ev.get("hours"),
        "raised_at": _local(row["raised_at"], tz),
        "acknowledged_at": _local(row.get("acknowledged_at"), tz), "acknowledged_by": row.get("acknowledged_by"),
        "closed_at": _local(row.get("closed_at"), tz), "closed_by": row.get("closed_by"), "note": row.get("note") or "",
        "curve": {"time": [_local(p["ts"], tz) for p in points],
                  **{k: [p.get(k) for p in points] for k in ("observed", "expected", "lower", "upper")}},
    }


def alert_list(factory_id: str, url: str | None = None, status: str | None = None) -> dict[str, Any]:
    """The factory's stored alerts, newest first (of ``status`` if given), with their counts by status."""
    tz = _tz(factory_id, url)
    rows = forecast_runs.list_alerts(factory_id, url, status, ALERT_LIMIT)
    every = rows if status is None else forecast_runs.list_alerts(factory_id, url, None, ALERT_LIMIT)
    counts = {s: sum(1 for r in every if r["status"] == s) for s in repo.STATUSES}
    return {"factory": factory_id, "status": status, "counts": counts, "alerts": [_alert(r, tz) for r in rows],
            "limit": ALERT_LIMIT}


def change(factory_id: str, alert_id: int, status: str, url: str | None = None, note: str = "") -> dict[str, Any]:
    """Acknowledge or close one of the factory's alerts; an alert of another factory is not there (InputError)."""
    from zerocarbon.errors import InputError

    current = repo.alert_row(alert_id, url)
    if current is None or current["factory_id"] != factory_id:
        raise InputError(f"没有编号为 {alert_id} 的告警", f"no alert {alert_id}", field="alert_id")
    return _alert(forecast_runs.change_alert(alert_id, status, url, note), _tz(factory_id, url))


def _budget(row: dict[str, Any]) -> dict[str, Any]:
    p = row["p_overshoot"]
    q = row["quantiles"]
    return {
        "id": row["id"], "period": row["period"], "cost_centre": row["cost_centre"], "unit": row["unit"],
        "source": row["source"], "as_of": row["as_of"], "days_done": row["days_done"], "days_left": row["days_left"],
        "budget": fig(Decimal(row["budget"])), "actual": _num(row["actual"], 2),
        "forecast_remaining": _num(row["forecast_remaining"], 2), "projected": _num(row["projected"], 2),
        "remaining_budget": _num(row["remaining_budget"], 2),
        "p_overshoot": None if p is None else _num(100 * p, 1),
        "quantiles": {k: _num(q.get(k), 2) for k in ("p10", "p50", "p90")} if q else None,
        "errors_used": row["errors_used"],
        "over": float(row["projected"]) > float(row["budget"]),
    }


def budget_status(factory_id: str, url: str | None = None, period: str | None = None) -> dict[str, Any]:
    """Every budget in force of the factory (of ``period``) with its status (cached per store version);
    ``budgets`` is empty when the factory has set none."""
    _factory_row(factory_id, url)

    def compute() -> dict[str, Any]:
        rows = [] if not repo.budgets_in_force(factory_id, period, url) else \
            budget_service.budget_report(factory_id, period, url)
        return {"factory": factory_id, "period": period, "budgets": [_budget(r) for r in rows],
                "method": {"window": budget_core.WINDOW, "block": budget_core.BLOCK, "draws": budget_core.DRAWS}}

    return _cached("budgets", url, factory_id, period or "", compute)
