"""Use cases of carbon budgets: set a budget, and report where the budgets of a period stand.

    store (carbon_budgets) + hourly carbon of the meters (services.metering) → daily tCO2 per cost centre
        → :func:`zerocarbon.forecast.budgets.status_of_period` (actual + forecast, P(overshoot))
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np

from zerocarbon.errors import InputError
from zerocarbon.forecast.budgets import Budget, status_of_period
from zerocarbon.services.forecast.data import DailyCarbon, daily_carbon
from zerocarbon.store import alerts as repo
from zerocarbon.store.audit import current_actor

_PERIOD = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")
EPOCH = date(1970, 1, 1).toordinal()


def _check_period(period: str) -> None:
    if not _PERIOD.match(period):
        raise InputError(f"预算期间 {period} 格式不对", f"budget period '{period}' is not valid", field="period",
                         expected="YYYY or YYYY-MM")


def set_budget(factory_id: str, period: str, amount: str | Decimal, *, cost_centre: str | None = None,
               source: str = "user", note: str = "", url: str | None = None, actor: str | None = None) -> int:
    """Record a budget [tCO2] of a factory (or one cost centre) for a year or month; returns its id."""
    _check_period(period)
    try:
        value = Decimal(str(amount))
    except InvalidOperation as exc:
        raise InputError(f"预算值 {amount} 不是数字", f"budget amount '{amount}' is not a number",
                         field="amount") from exc
    if not value.is_finite() or value <= 0:
        raise InputError("预算值须为正数", "the budget must be a positive number", field="amount", expected="> 0")
    if source not in ("user", "roadmap"):
        raise InputError(f"未知的预算来源 {source}", f"unknown budget source '{source}'", field="source",
                         expected="user, roadmap")
    return repo.insert_budget(factory_id, period, value, cost_centre=cost_centre, unit="tCO2", source=source,
                              note=note, actor=actor or current_actor.get(), url=url)


def _period_days(daily: DailyCarbon, period: str) -> tuple[int, int]:
    year = int(period[:4])
    if len(period) == 4:
        return 0, len(daily.days)
    month = int(period[5:7])
    first = date(year, month, 1).toordinal() - EPOCH
    last = (date(year + (month == 12), month % 12 + 1, 1).toordinal() - EPOCH)
    return int(np.searchsorted(daily.days, first)), int(np.searchsorted(daily.days, last))


def budget_report(factory_id: str, period: str | None = None, url: str | None = None, *, as_of: str | None = None,
                  holidays: bool = True, draws: int = 5000) -> list[dict[str, Any]]:
    """Status of every budget in force of the factory (of ``period`` if given) on ``as_of`` (YYYY-MM-DD: days
    before it are actual; by default the day after the last day with meter data)."""
    if period is not None:
        _check_period(period)
    budgets = repo.budgets_in_force(factory_id, period, url)
    if not budgets:
        raise InputError(f"工厂 {factory_id} 没有{'期间 ' + period + ' 的' if period else ''}碳预算",
                         f"factory {factory_id} has no carbon budget{' for ' + period if period else ''}",
                         field="period")
    cache: dict[int, DailyCarbon] = {}
    out = []
    for row in budgets:
        year = int(row["period"][:4])
        daily = cache.get(year) or cache.setdefault(year, daily_carbon(factory_id, year, url, holidays))
        start, end = _period_days(daily, row["period"])
        first_unknown = daily.last_day + 1
        if as_of is not None:
            try:
                day = date.fromisoformat(as_of).toordinal() - EPOCH
            except ValueError as exc:
                raise InputError(f"日期 {as_of} 格式不对", f"date '{as_of}' is not valid", field="as_of",
                                 expected="YYYY-MM-DD") from exc
            index = int(np.searchsorted(daily.days, day))
            if index > first_unknown:
                raise InputError(f"{as_of} 之前的表计数据不全（数据止于第 {first_unknown} 天）",
                                 f"meter data ends before {as_of}", field="as_of")
            first_unknown = index
        totals = daily.totals.get(row["cost_centre"])
        if totals is None:
            raise InputError(f"成本中心 {row['cost_centre']} 没有计算排放的表计",
                             f"cost centre {row['cost_centre']} has no meter with emissions", field="cost_centre",
                             expected=", ".join(sorted(str(k) for k in daily.totals if k is not None)))
        known = totals.copy()
        known[first_unknown:] = np.nan
        budget = Budget(factory_id, row["period"], Decimal(str(row["amount"])), row["cost_centre"], row["unit"],
                        row["source"], row["note"])
        label = date.fromordinal(int(daily.days[min(first_unknown, len(daily.days) - 1)]) + EPOCH).isoformat() \
            if first_unknown < len(daily.days) else f"{year + 1}-01-01"
        status = status_of_period(budget, known, daily.working, start, end, first_unknown, label, draws=draws)
        out.append({"id": row["id"], **status.to_dict()})
    return out
