"""Use cases of forecasts and alerts, from the store: backtest, forecast, detect, acknowledge, close.

The faces (``zerocarbon forecast …``, later the API and the dashboard) call these; each loads the
factory's metered year once (:mod:`zerocarbon.services.forecast.data`) and hands plain series to the
core (:mod:`zerocarbon.forecast`). Alerts are stored through :mod:`zerocarbon.store.alerts`.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from zerocarbon.errors import InputError
from zerocarbon.forecast.alerts import group_alerts
from zerocarbon.forecast.anomalies import Settings, detect
from zerocarbon.forecast.backtest import backtest, by_carrier
from zerocarbon.forecast.models import MIN_GBM_HOURS, MODELS, ModelName, forecast
from zerocarbon.forecast.series import HOUR, HourlySeries
from zerocarbon.services.forecast.data import load_year, meter_series, valuations
from zerocarbon.services.forecast.webhook import deliver, webhook_url
from zerocarbon.store import alerts as repo
from zerocarbon.store.audit import current_actor


def run_backtest(factory_id: str, year: int, url: str | None = None, *, meters: list[str] | None = None,
                 horizon: int = 24, origins: int = 8, holidays: bool = True, bands: bool = True) -> dict[str, Any]:
    """Rolling-origin backtest of every model on each meter, and pooled per carrier."""
    my = load_year(factory_id, year, url)
    results = [backtest(s, horizon, origins, bands=bands) for s in meter_series(my, meters, holidays)
               if _usable(s)]
    return {"factory_id": factory_id, "year": year, "horizon_h": horizon, "origins": origins,
            "holidays": holidays, "series": [r.to_dict() for r in results], "by_carrier": by_carrier(results)}


def _usable(s: HourlySeries) -> bool:
    """Three weeks of known hours, not all zero: less gives no reference to forecast or judge from."""
    known = s.values[np.isfinite(s.values)]
    return len(known) >= 3 * 168 and bool((known != 0).any())


def choose_model(s: HourlySeries, model: str, horizon: int) -> tuple[ModelName, dict[str, Any] | None]:
    """The model to run on ``s``: ``model`` as asked, or with ``"auto"`` the best of the back-test (and its
    evidence)."""
    if model != "auto":
        if model not in MODELS:
            raise InputError(f"未知的预测模型 {model}", f"unknown forecast model '{model}'", field="model",
                             expected="auto, " + ", ".join(MODELS))
        return model, None  # type: ignore[return-value]
    result = backtest(s, horizon, 4, bands=False, models=MODELS if len(s) >= MIN_GBM_HOURS + 336 else
                      ("seasonal_naive", "similar_day"))
    return result.default_model, result.to_dict()  # type: ignore[return-value]


def run_forecast(factory_id: str, year: int, url: str | None = None, *, meters: list[str] | None = None,
                 horizon: int = 24, model: str = "auto", level: float = 0.9,
                 holidays: bool = True) -> dict[str, Any]:
    """Forecast the ``horizon`` hours after each meter's last hour (24 day-ahead, 168 week-ahead).

    ``model="auto"`` takes each meter's default model (the one that beats the seasonal naive baseline
    in a four-origin backtest, else the baseline). Each forecast carries its emissions: the forecast
    consumption × the meter's location-based factor [tCO2], where the meter has one.
    """
    if horizon < 1 or horizon > 168:
        raise InputError("预测时长须在 1–168 小时之间", "the horizon must be 1–168 hours", field="horizon")
    my = load_year(factory_id, year, url)
    value = valuations(my)
    out = []
    for s in meter_series(my, meters, holidays):
        last = int(s.ts[np.isfinite(s.values)][-1]) + HOUR if _usable(s) else None
        if last is None:
            continue
        history = s.before(last)
        chosen, evidence = choose_model(history, model, horizon)
        fc = forecast(history, horizon, chosen, level)
        v = value.get(s.name)
        factor = v.factor if v is not None else None
        out.append({"meter": s.name, "carrier": s.carrier, "unit": s.unit, "origin": last, "model": chosen,
                    "chosen_by": evidence, **fc.to_dict(),
                    "total": round(float(fc.mean.sum()), 6),
                    "tco2": None if factor is None else round(float(fc.mean.sum()) * factor, 6),
                    "factor_source": v.factor_source if v is not None else ""})
    return {"factory_id": factory_id, "year": year, "horizon_h": horizon, "forecasts": out}


def run_detect(factory_id: str, year: int, url: str | None = None, *, meters: list[str] | None = None,
               settings: Settings | None = None, tariffs: dict[str, float] | None = None, currency: str = "CNY",
               holidays: bool = True, store: bool = True, webhook: str | None = None, gap_hours: int = 6,
               cooldown_hours: int = 24, since: int | None = None, now: int | None = None) -> dict[str, Any]:
    """Detect anomalies on each meter, group them, store the new ones and deliver them by webhook.

    The last day of each meter is also checked against a day-ahead forecast's band (the meter's
    default model). ``since`` keeps only alerts ending after it [s, UTC]. Alerts already stored start
    the cool-down (``last_raised``), so re-running adds nothing new for a persisting condition.
    """
    my = load_year(factory_id, year, url)
    value = valuations(my, tariffs, currency)
    found = []
    for s in meter_series(my, meters, holidays):
        if not _usable(s):
            continue
        known = s.ts[np.isfinite(s.values)]
        last_day = int(known[-1]) + HOUR - 24 * HOUR
        fc = None
        if last_day - int(s.ts[0]) >= 3 * 168 * HOUR:
            chosen, _ = choose_model(s.before(last_day), "auto", 24)
            fc = forecast(s.before(last_day), 24, chosen)
        found += detect(s, settings or Settings(), value.get(s.name), fc)
    if since is not None:
        found = [a for a in found if a.end > since]
    previous = repo.last_raised(factory_id, url) if store else {}
    grouped = group_alerts(found, gap_hours, cooldown_hours, previous)
    rows = [a.to_dict() for a in grouped.raised]
    added = repo.insert_alerts(factory_id, rows, url, now=now) if store else []
    delivery = None
    target = webhook_url(webhook)
    if target and added:
        stored = [r for r in repo.alert_list(factory_id, url, limit=len(added) + 50) if r["id"] in set(added)]
        payload = {"factory_id": factory_id, "alerts": [_public(r) for r in stored]}
        result = deliver(target, payload)
        repo.record_delivery(added, result.attempts, result.delivered, url)
        delivery = result.to_dict()
    return {"factory_id": factory_id, "year": year, "detected": len(found), "raised": rows,
            "stored": added, "suppressed": grouped.suppressed, "merged": grouped.merged, "delivery": delivery}


def _public(row: dict[str, Any]) -> dict[str, Any]:
    keep = ("id", "factory_id", "meter_code", "kind", "ts_start", "ts_end", "severity", "status", "incident",
            "waste", "unit", "tco2", "money", "message_zh", "message_en")
    return {k: row[k] for k in keep}


def list_alerts(factory_id: str, url: str | None = None, status: str | None = None,
                limit: int = 200) -> list[dict[str, Any]]:
    """The factory's stored alerts, newest first (the dashboard's read model reads the same)."""
    if status is not None and status not in repo.STATUSES:
        raise InputError(f"未知的告警状态 {status}", f"unknown alert status '{status}'", field="status",
                         expected=", ".join(repo.STATUSES))
    return repo.alert_list(factory_id, url, status, limit)


def change_alert(alert_id: int, status: str, url: str | None = None, note: str = "",
                 actor: str | None = None, now: int | None = None) -> dict[str, Any]:
    """Acknowledge (``acknowledged``) or close (``closed``) an alert. A closed alert cannot be reopened
    or acknowledged again; acknowledging is optional before closing."""
    if status not in ("acknowledged", "closed"):
        raise InputError(f"告警只能确认或关闭，不能设为 {status}", f"an alert can be acknowledged or closed, not "
                         f"set to '{status}'", field="status", expected="acknowledged, closed")
    current = repo.alert_row(alert_id, url)
    if current is None:
        raise InputError(f"没有编号为 {alert_id} 的告警", f"no alert {alert_id}", field="alert_id")
    if current["status"] == "closed":
        raise InputError(f"告警 {alert_id} 已关闭", f"alert {alert_id} is already closed", field="status")
    if current["status"] == status:
        raise InputError(f"告警 {alert_id} 已是该状态", f"alert {alert_id} is already {status}", field="status")
    changed = repo.set_status(alert_id, status, actor or current_actor.get(), note, url,
                              now=int(time.time()) if now is None else now)
    if changed is None:  # deleted between the two reads: say so rather than pretend
        raise InputError(f"没有编号为 {alert_id} 的告警", f"no alert {alert_id}", field="alert_id")
    return changed
