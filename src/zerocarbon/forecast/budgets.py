"""Carbon (or energy) budgets of a period: actual to date + forecast to the period's end against the budget.

    projected = Σ actual(days before the as-of day) + Σ forecast(remaining days of the period)

Forecast of the remaining days (:func:`profile_forecast`): each remaining day gets the mean daily
total of the last :data:`WINDOW` days of its kind (working day or day off, from
:mod:`zerocarbon.forecast.calendar`) before the as-of day. It reaches any horizon (a year's budget
in February), which the hourly models do not.

Probability of overshoot (:func:`overshoot`), by a moving-block bootstrap of the forecast's own
errors: the same profile forecast is run for every past day with a full window before it, giving
relative errors e = actual / forecast − 1; a simulated period draws, for its remaining days, blocks
of :data:`BLOCK` consecutive past errors (keeping the correlation of errors within a week), and
takes actual + Σ forecast_d × (1 + e_d). P(overshoot) is the share of :data:`DRAWS` simulated
totals above the budget; the 10/50/90 % quantiles of the simulated totals are reported beside it.
With no remaining day the projection is the actual, and the probability is 0 or 1. With fewer than
:data:`MIN_ERRORS` past errors there is no error distribution: the probability is None (unknown),
never a guess.

Budget amounts are Decimals (a regulator may read them); the projection and the simulation are
floats (documented tolerance: they are estimates, shown rounded).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from zerocarbon.forecast.series import FloatArray

WINDOW = 28
BLOCK = 7
DRAWS = 5000
MIN_ERRORS = 14

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Budget:
    """A budget of one period for a factory or one of its cost centres.

    Attributes
    ----------
    factory_id : str
    period : str
        ``YYYY`` (annual) or ``YYYY-MM`` (monthly).
    amount : Decimal
        The budget [``unit``, tCO2 by default].
    cost_centre : str or None
        None: the whole factory.
    source : str
        Where it comes from: ``user`` or ``roadmap``.
    """

    factory_id: str
    period: str
    amount: Decimal
    cost_centre: str | None = None
    unit: str = "tCO2"
    source: str = "user"
    note: str = ""


@dataclass
class BudgetStatus:
    """Where a budget stands on an as-of day."""

    budget: Budget
    as_of: str
    days_done: int
    days_left: int
    actual: float
    forecast: float
    projected: float
    p_overshoot: float | None
    quantiles: dict[str, float] = field(default_factory=dict)
    errors_used: int = 0
    method: str = ""

    @property
    def remaining_budget(self) -> float:
        return float(self.budget.amount) - self.actual

    def to_dict(self) -> dict[str, Any]:
        b = self.budget
        return {"factory_id": b.factory_id, "cost_centre": b.cost_centre, "period": b.period,
                "budget": str(b.amount), "unit": b.unit, "source": b.source, "as_of": self.as_of,
                "days_done": self.days_done, "days_left": self.days_left, "actual": round(self.actual, 6),
                "forecast_remaining": round(self.forecast, 6), "projected": round(self.projected, 6),
                "remaining_budget": round(self.remaining_budget, 6),
                "p_overshoot": None if self.p_overshoot is None else round(self.p_overshoot, 4),
                "quantiles": {k: round(v, 6) for k, v in self.quantiles.items()},
                "errors_used": self.errors_used, "method": self.method}


def profile_forecast(totals: FloatArray, working: BoolArray, upto: int, targets: BoolArray,
                     window: int = WINDOW) -> FloatArray:
    """Forecast of days whose kinds are ``targets`` (True = working) from the days before index ``upto``:
    the mean total of the last ``window`` days of each kind (NaN for a kind absent from the window)."""
    lo = max(0, upto - window)
    past, kinds = totals[lo:upto], working[lo:upto]
    out = np.full(len(targets), np.nan)
    for kind in (True, False):
        sel = (kinds == kind) & np.isfinite(past)
        if sel.any():
            out[targets == kind] = float(past[sel].mean())
    return out


def past_errors(totals: FloatArray, working: BoolArray, upto: int, window: int = WINDOW) -> FloatArray:
    """Relative errors actual / forecast − 1 of :func:`profile_forecast` one day ahead, for every day
    before ``upto`` with a full window before it (in day order)."""
    out = []
    for d in range(window, upto):
        f = profile_forecast(totals, working, d, working[d:d + 1], window)[0]
        if np.isfinite(f) and f > 0 and np.isfinite(totals[d]):
            out.append(totals[d] / f - 1)
    return np.asarray(out, dtype=np.float64)


def overshoot(actual: float, forecast: FloatArray, errors: FloatArray, budget: float, *, block: int = BLOCK,
              draws: int = DRAWS, seed: int = 0) -> tuple[float | None, dict[str, float]]:
    """P(actual + Σ forecast_d (1 + e_d) > budget) by a moving-block bootstrap of ``errors`` (module docstring),
    and the 10/50/90 % quantiles of the simulated totals."""
    f = np.asarray(forecast, dtype=np.float64)
    if not len(f):
        return float(actual > budget), {"p10": actual, "p50": actual, "p90": actual}
    if len(errors) < MIN_ERRORS:
        return None, {}
    rng = np.random.default_rng(seed)
    b = max(1, min(block, len(errors)))
    n_blocks = -(-len(f) // b)
    starts = rng.integers(0, len(errors) - b + 1, size=(draws, n_blocks))
    idx = (starts[:, :, None] + np.arange(b)[None, None, :]).reshape(draws, -1)[:, : len(f)]
    totals = actual + ((1 + errors[idx]) * f[None, :]).sum(axis=1)
    q = np.quantile(totals, [0.1, 0.5, 0.9])
    return float((totals > budget).mean()), {"p10": float(q[0]), "p50": float(q[1]), "p90": float(q[2])}


def status_of_period(budget: Budget, totals: FloatArray, working: BoolArray, period_start: int, period_end: int,
                     as_of: int, as_of_label: str = "", *, window: int = WINDOW, block: int = BLOCK,
                     draws: int = DRAWS, seed: int = 0) -> BudgetStatus:
    """The budget's status on day index ``as_of``.

    Parameters
    ----------
    totals, working : ndarray
        Daily totals [budget unit] (NaN where unknown, e.g. the future) and day kinds of consecutive
        local days, from the history before the period to the period's end.
    period_start, period_end : int
        Indices of the period's days in those arrays, half-open.
    as_of : int
        Index of the first day not yet known: days before it are actual, the rest of the period is forecast.
    """
    as_of = min(max(as_of, period_start), period_end)
    actual = float(np.nansum(totals[period_start:as_of]))
    rest = working[as_of:period_end]
    fc = profile_forecast(totals, working, as_of, rest, window)
    if np.isnan(fc).any():
        fc = np.where(np.isnan(fc), np.nanmean(fc) if np.isfinite(fc).any() else 0.0, fc)
    errors = past_errors(totals, working, as_of, window)
    p, q = overshoot(actual, fc, errors, float(budget.amount), block=block, draws=draws, seed=seed)
    method = (f"actual to date + mean daily total of the last {window} days of the same kind (working / off) "
              f"per remaining day; P(overshoot) by a moving-block bootstrap (block {block} days, {draws} draws) "
              f"of {len(errors)} past relative errors of that forecast")
    return BudgetStatus(budget, as_of_label, as_of - period_start, period_end - as_of, actual, float(fc.sum()),
                        actual + float(fc.sum()), p, q, len(errors), method)
