"""Hourly load forecasts: two baselines and a gradient-boosting model, each with a residual band.

Models (all forecast the hours ``ts`` after the history's ``origin``, knowing only hours before it):

* ``seasonal_naive`` — the same hour one week earlier: ŷ(t) = y(t − 168 h·k), the smallest k ≥ 1 for
  which that hour is before the origin (so a week-ahead forecast repeats the last week).
* ``similar_day`` — the mean of the same hour on the last :data:`SIMILAR_DAYS` days before the origin
  of the same kind (working day, or day off: weekend and public holiday, by
  :mod:`zerocarbon.forecast.calendar`). This is the usual "similar day" baseline of load forecasting.
* ``gbm`` — scikit-learn's ``HistGradientBoostingRegressor`` (least squares) on calendar features
  (hour, weekday, month, public holiday, adjusted working day, working day) and lags that are known
  for any horizon up to a week: y(t − 168 h), y(t − 336 h), whether t − 168 h was a working day, and the
  mean of the week ending at t − 168 h. It is a direct model: one fit serves every horizon ≤ 168 h.

Band (the same method for every model, "residual-based"): the model's out-of-sample residuals
r = y − ŷ over a calibration window before the origin give the band
[ŷ + q((1 − level)/2), ŷ + q((1 + level)/2)] with q the empirical quantiles of r, per hour of day
when every hour has at least :data:`MIN_PER_HOUR` residuals, else over all hours. The calibration
residuals of the baselines come from re-running them as of the :data:`CALIBRATION_WEEKS` weekly
origins before; those of ``gbm`` from a model fitted without the last :data:`CALIBRATION_WEEKS`
weeks (fewer when the history is short, at least one) and evaluated on them (then refitted on the
whole history for the forecast). A band made this way assumes tomorrow's errors are like the last
weeks'; the backtest reports its coverage.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from zerocarbon.errors import InputError
from zerocarbon.forecast.calendar import calendar_features
from zerocarbon.forecast.series import DAY, HOUR, WEEK_HOURS, FloatArray, Forecast, HourlySeries, IntArray

ModelName = Literal["seasonal_naive", "similar_day", "gbm"]
MODELS: tuple[ModelName, ...] = ("seasonal_naive", "similar_day", "gbm")
LABELS = {"seasonal_naive": ("季节性朴素（上周同时刻）", "seasonal naive (same hour last week)"),
          "similar_day": ("相似日均值", "similar-day mean"),
          "gbm": ("梯度提升树", "gradient boosting")}

SIMILAR_DAYS = 4
CALIBRATION_WEEKS = 4
MIN_PER_HOUR = 25
#: Hours of history the gradient-boosting model needs (its lags reach back two weeks, plus two weeks to learn on).
MIN_GBM_HOURS = 4 * WEEK_HOURS
GBM_PARAMS: dict[str, float | int] = {"max_iter": 100, "learning_rate": 0.1, "max_leaf_nodes": 15,
                                      "min_samples_leaf": 20, "random_state": 0}

PointModel = Callable[[HourlySeries, IntArray], FloatArray]


def _index(history: HourlySeries, ts: IntArray) -> IntArray:
    """Positions of ``ts`` on the history's grid (may fall outside it)."""
    if not len(history):
        raise InputError("没有历史数据，无法预测", f"series {history.name}: no history to forecast from",
                         field="history")
    return np.asarray((ts - history.ts[0]) // HOUR, dtype=np.int64)


def _at(history: HourlySeries, ts: IntArray) -> FloatArray:
    """The history's values at ``ts`` (NaN outside it)."""
    i = _index(history, ts)
    ok = (i >= 0) & (i < len(history))
    out = np.full(len(ts), np.nan)
    out[ok] = history.values[i[ok]]
    return out


def seasonal_naive(history: HourlySeries, ts: IntArray) -> FloatArray:
    """ŷ(t) = y(t − 168 h·k), k the smallest with t − 168 h·k before the end of the history."""
    ts = np.asarray(ts, dtype=np.int64)
    weeks = np.maximum(1, (ts - history.end) // (WEEK_HOURS * HOUR) + 1)
    return _at(history, ts - weeks * WEEK_HOURS * HOUR)


def similar_day(history: HourlySeries, ts: IntArray, days: int = SIMILAR_DAYS) -> FloatArray:
    """Mean of the same local hour on the last ``days`` days of the same kind (working / off) before the
    history's end; the seasonal naive value where no such day is in the history."""
    ts = np.asarray(ts, dtype=np.int64)
    f_hist = calendar_features(history.ts, history.tz, history.holidays)
    f_new = calendar_features(ts, history.tz, history.holidays)
    out = np.full(len(ts), np.nan)
    for working in (True, False):
        past_days = np.unique(f_hist.day[f_hist.working == working])
        if not len(past_days):
            continue
        picked = past_days[-days:]
        sel_hist = np.isin(f_hist.day, picked)
        sums = np.zeros(24)
        counts = np.zeros(24)
        np.add.at(sums, f_hist.hour[sel_hist], np.nan_to_num(history.values[sel_hist]))
        np.add.at(counts, f_hist.hour[sel_hist], np.isfinite(history.values[sel_hist]))
        with np.errstate(invalid="ignore", divide="ignore"):
            profile = sums / counts
        target = f_new.working == working
        out[target] = profile[f_new.hour[target]]
    missing = ~np.isfinite(out)
    if missing.any():
        out[missing] = seasonal_naive(history, ts[missing])
    return out


def _gbm_features(series: HourlySeries, ts: IntArray) -> FloatArray:
    """Calendar features of ``ts`` and the lags of ``series`` known a week ahead."""
    cal = calendar_features(ts, series.tz, series.holidays)
    lag1 = _at(series, ts - WEEK_HOURS * HOUR)
    lag2 = _at(series, ts - 2 * WEEK_HOURS * HOUR)
    was_working = calendar_features(ts - WEEK_HOURS * HOUR, series.tz, series.holidays).working.astype(np.float64)
    values = np.nan_to_num(series.values)
    known = np.isfinite(series.values).astype(np.float64)
    csum = np.concatenate([[0.0], np.cumsum(values)])
    ccount = np.concatenate([[0.0], np.cumsum(known)])
    end = np.clip(_index(series, ts - WEEK_HOURS * HOUR) + 1, 0, len(series))
    start = np.clip(end - WEEK_HOURS, 0, len(series))
    with np.errstate(invalid="ignore", divide="ignore"):
        week_mean = (csum[end] - csum[start]) / (ccount[end] - ccount[start])
    return np.column_stack([cal.matrix(), lag1, lag2, was_working, week_mean])


def fit_gbm(history: HourlySeries) -> HistGradientBoostingRegressor:
    """The gradient-boosting model fitted on every hour of ``history`` with a known value and lags."""
    if len(history) < MIN_GBM_HOURS:
        raise InputError(f"梯度提升模型至少需要 {MIN_GBM_HOURS // 24} 天历史数据",
                         f"series {history.name}: the gradient-boosting model needs {MIN_GBM_HOURS // 24} days of "
                         "history", field="history")
    x = _gbm_features(history, history.ts)
    y = history.values
    keep = np.isfinite(y) & np.isfinite(x[:, 6])  # a target and its week-ago lag
    model = HistGradientBoostingRegressor(**GBM_PARAMS)  # type: ignore[arg-type]
    # one OpenMP thread: on a shared machine with fewer free cores than threads, OpenMP's spinning
    # threads made one fit of a year of hours 30–100× slower (56 s against 1.7 s, measured)
    with threadpool_limits(1, "openmp"):
        model.fit(x[keep], y[keep])
    return model


def gbm(history: HourlySeries, ts: IntArray, model: HistGradientBoostingRegressor | None = None) -> FloatArray:
    """Gradient-boosting forecast of ``ts`` (at most a week after the history's end)."""
    ts = np.asarray(ts, dtype=np.int64)
    if len(ts) and int(ts.max()) >= history.end + WEEK_HOURS * HOUR:
        raise ValueError("the gradient-boosting model forecasts at most 168 hours ahead")
    fitted = model or fit_gbm(history)
    with threadpool_limits(1, "openmp"):
        return np.asarray(fitted.predict(_gbm_features(history, ts)), dtype=np.float64)


POINT: dict[str, PointModel] = {"seasonal_naive": seasonal_naive, "similar_day": similar_day, "gbm": gbm}


def _residuals(name: str, history: HourlySeries, horizon: int) -> tuple[FloatArray, IntArray]:
    """Out-of-sample residuals y − ŷ and their local hours over the calibration window (module docstring)."""
    res: list[FloatArray] = []
    hours: list[IntArray] = []
    if name == "gbm":
        weeks = min(CALIBRATION_WEEKS, (len(history) - MIN_GBM_HOURS) // WEEK_HOURS)
        if weeks < 1:
            return np.zeros(0), np.zeros(0, np.int64)
        cut = history.end - weeks * WEEK_HOURS * HOUR
        train = history.before(cut)
        model = fit_gbm(train)
        held = history.between(cut, history.end)
        for w in range(weeks):  # one week at a time: the model's horizon
            part = held.between(cut + w * WEEK_HOURS * HOUR, cut + (w + 1) * WEEK_HOURS * HOUR)
            known = history.before(int(part.ts[0])) if len(part) else train
            if len(part):
                res.append(part.values - gbm(known, part.ts, model))
                hours.append(calendar_features(part.ts, history.tz, history.holidays).hour)
    else:
        for w in range(1, CALIBRATION_WEEKS + 1):
            origin = history.end - w * WEEK_HOURS * HOUR
            part = history.between(origin, origin + horizon * HOUR)
            past = history.before(origin)
            if len(past) < WEEK_HOURS or not len(part):
                continue
            res.append(part.values - POINT[name](past, part.ts))
            hours.append(calendar_features(part.ts, history.tz, history.holidays).hour)
    if not res:
        return np.zeros(0), np.zeros(0, np.int64)
    r, h = np.concatenate(res), np.concatenate(hours)
    ok = np.isfinite(r)
    return r[ok], h[ok]


def band(mean: FloatArray, hours: IntArray, residuals: FloatArray, res_hours: IntArray,
         level: float) -> tuple[FloatArray, FloatArray]:
    """[lower, upper] = ŷ + the (1 ∓ level)/2 quantiles of the residuals, per hour of day when each hour
    has :data:`MIN_PER_HOUR` of them, else pooled. No residuals: an empty band (NaN)."""
    lo_q, hi_q = (1 - level) / 2, (1 + level) / 2
    if not len(residuals):
        nan = np.full(len(mean), np.nan)
        return nan, nan.copy()
    counts = np.bincount(res_hours, minlength=24)
    if counts.min() >= MIN_PER_HOUR:
        lo = np.array([np.quantile(residuals[res_hours == h], lo_q) for h in range(24)])
        hi = np.array([np.quantile(residuals[res_hours == h], hi_q) for h in range(24)])
        return mean + lo[hours], mean + hi[hours]
    return mean + np.quantile(residuals, lo_q), mean + np.quantile(residuals, hi_q)


def forecast(history: HourlySeries, horizon: int = 24, model: ModelName = "gbm", level: float = 0.9,
             bands: bool = True) -> Forecast:
    """Forecast the ``horizon`` hours after the history's end with ``model`` and a residual band.

    Parameters
    ----------
    history : HourlySeries
        Everything known at the origin (the end of the history).
    horizon : int
        Hours ahead (24 day-ahead, 168 week-ahead; at most 168 for ``gbm``).
    level : float
        Nominal coverage of the band (0 < level < 1).
    bands : bool
        False skips the band (the backtest's point forecasts).
    """
    if model not in POINT:
        raise InputError(f"未知的预测模型 {model}", f"unknown forecast model '{model}'", field="model",
                         expected=", ".join(MODELS))
    if not 0 < level < 1:
        raise InputError("置信水平须在 0 与 1 之间", "the band's level must be between 0 and 1", field="level")
    ts = history.end + HOUR * np.arange(horizon, dtype=np.int64)
    mean = POINT[model](history, ts)
    nonneg = bool(len(history) and np.nanmin(history.values) >= 0)
    if nonneg:
        mean = np.maximum(mean, 0.0)
    if bands:
        r, rh = _residuals(model, history, horizon)
        lower, upper = band(mean, calendar_features(ts, history.tz, history.holidays).hour, r, rh, level)
        if nonneg:
            lower = np.maximum(lower, 0.0)
    else:
        r = np.zeros(0)
        lower = upper = np.full(horizon, np.nan)
    method = (f"residual quantiles {100 * (1 - level) / 2:g}–{100 * (1 + level) / 2:g} % of {len(r)} out-of-sample "
              f"errors over the last {CALIBRATION_WEEKS} weeks")
    return Forecast(ts, mean, lower, upper, model, level, history.unit, method, r)


def origin_of_day(ts: int, tz_offset: int = 8 * HOUR) -> int:
    """The local midnight at or before ``ts`` [s, UTC] for a zone of fixed offset ``tz_offset``."""
    return ((ts + tz_offset) // DAY) * DAY - tz_offset
