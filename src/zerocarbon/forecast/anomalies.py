"""Anomaly detectors on a meter's hourly consumption series.

Every detector compares the series with what was expected from the meter's own past and returns
:class:`~zerocarbon.forecast.alerts.Alert` values with their evidence; :func:`detect` runs them all
and values the waste (:func:`zerocarbon.forecast.alerts.value`). Grouping and cool-down are
:func:`zerocarbon.forecast.alerts.group_alerts`.

The reference (:func:`reference`): the expected value of an hour is the median of the same hour of
the week over the previous :attr:`Settings.weeks` weeks (at least two known); its spread σ is the
robust standard deviation 1.4826 × MAD of the residuals y − expected, per local hour of day, floored
at 1 % of that hour's median level (so that a very regular meter does not alarm on noise).

Detectors (thresholds in :class:`Settings`):

* ``spike`` — at most ``spike_max_hours`` consecutive hours above expected + ``spike_z``·σ and
  ``spike_rel`` × expected;
* ``off_hours`` — at least ``off_min_hours`` consecutive hours outside production hours above
  expected + max(``off_z``·σ, ``off_rel`` × expected). Production hours are the working days'
  hours from ``production_hours`` (local [from, to)) or, when not given, the hours whose median
  on working days is above the midpoint of that day profile's minimum and maximum; a meter whose
  profile varies by less than 10 % has no off hours (a continuous process) and is not checked;
* ``flat_line`` — at least ``flat_hours`` consecutive hours of the same value while the reference
  over those hours is not flat (a stuck meter or a frozen data feed; a PV meter's zero nights are
  expected flat and pass);
* ``level_shift`` — at least ``level_days`` consecutive days whose total differs by more than
  ``level_rel`` (same sign) from the median total of the days of the same kind (working or off)
  of the 28 days before;
* ``baseload_creep`` — at least ``creep_days`` consecutive days whose baseload (10th percentile
  of the day's hours) exceeds by ``creep_rel`` the median baseload of the same kind of day in the
  days 8–35 before, with a rising trend (least-squares slope > 0) from a week before the run to its end;
* ``forecast_deviation`` — at least ``band_min_hours`` consecutive hours outside a forecast's band.

Estimated waste = Σ max(0, observed − expected) over the alert's hours (for ``baseload_creep``: the
excess baseload × 24 h per day); a flat line is a data problem and wastes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from zerocarbon.forecast.alerts import LABELS, Alert, Valuation, curve, value
from zerocarbon.forecast.calendar import Features, calendar_features
from zerocarbon.forecast.series import HOUR, WEEK_HOURS, FloatArray, Forecast, HourlySeries, IntArray

__all__ = ["Reference", "Settings", "baseload_creep", "detect", "flat_lines", "forecast_deviation",
           "level_shifts", "off_hours", "reference", "runs", "spikes"]


@dataclass(frozen=True)
class Settings:
    """Thresholds of the detectors (see the module docstring)."""

    weeks: int = 4
    spike_z: float = 6.0
    spike_rel: float = 0.25
    spike_max_hours: int = 3
    off_z: float = 4.0
    off_rel: float = 0.15
    off_min_hours: int = 3
    production_hours: tuple[int, int] | None = None
    flat_hours: int = 6
    level_rel: float = 0.15
    level_days: int = 3
    creep_rel: float = 0.10
    creep_days: int = 5
    band_min_hours: int = 2


@dataclass
class Reference:
    """Expected value and robust spread of every hour of a series."""

    expected: FloatArray
    sigma: FloatArray
    features: Features


def runs(mask: np.ndarray) -> list[tuple[int, int]]:  # type: ignore[type-arg]
    """Half-open index ranges [i, j) of the consecutive True values of ``mask``."""
    m = np.concatenate([[False], np.asarray(mask, dtype=bool), [False]])
    edges = np.flatnonzero(np.diff(m.astype(np.int8)))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def reference(series: HourlySeries, settings: Settings = Settings()) -> Reference:
    """The expected value and spread of every hour (module docstring)."""
    y = series.values
    n = len(y)
    lagged = np.full((settings.weeks, n), np.nan)
    for k in range(1, settings.weeks + 1):
        shift = k * WEEK_HOURS
        if shift < n:
            lagged[k - 1, shift:] = y[: n - shift]
    known = np.isfinite(lagged).sum(axis=0)
    expected = np.full(n, np.nan)
    enough = known >= 2
    if enough.any():
        expected[enough] = np.nanmedian(lagged[:, enough], axis=0)
    feats = calendar_features(series.ts, series.tz, series.holidays)
    r = y - expected
    sigma = np.zeros(n)
    for h in range(24):
        at = feats.hour == h
        rh = r[at][np.isfinite(r[at])]
        level = np.nanmedian(np.abs(y[at])) if np.isfinite(y[at]).any() else 0.0
        mad = 1.4826 * float(np.median(np.abs(rh - np.median(rh)))) if len(rh) else 0.0
        sigma[at] = max(mad, 0.01 * float(level), 1e-9)
    return Reference(expected, sigma, feats)


def _severity(observed: float, expected: float) -> str:
    ratio = observed / expected - 1 if expected > 0 else float("inf")
    return "high" if ratio > 0.5 else "medium" if ratio > 0.2 else "low"


def _alert(series: HourlySeries, kind: str, i: int, j: int, expected: FloatArray, lower: FloatArray,
           upper: FloatArray, *, waste: float | None = None, severity: str | None = None,
           note: tuple[str, str] = ("", "")) -> Alert:
    y = series.values[i:j]
    e = expected[i:j]
    ok = np.isfinite(y) & np.isfinite(e)
    obs, exp = float(np.nansum(y[ok])), float(np.nansum(e[ok]))
    w = float(np.clip(y[ok] - e[ok], 0, None).sum()) if waste is None else waste
    zh, en = LABELS[kind]
    u = series.unit
    msg_zh = (f"{series.name} {zh}：{j - i} 小时，实测 {obs:,.1f} {u}，预期 {exp:,.1f} {u}，"
              f"估计多耗 {w:,.1f} {u}{note[0]}")
    msg_en = (f"{series.name} {en}: {j - i} h, observed {obs:,.1f} {u}, expected {exp:,.1f} {u}, "
              f"estimated excess {w:,.1f} {u}{note[1]}")
    return Alert(series.name, kind, int(series.ts[i]), int(series.ts[j - 1]) + HOUR, j - i, obs, exp, w, u,
                 msg_zh, msg_en, severity or _severity(obs, exp),
                 curve(series.ts[i:j], y, e, lower[i:j], upper[i:j]))


def spikes(series: HourlySeries, ref: Reference, s: Settings = Settings()) -> list[Alert]:
    y, e = series.values, ref.expected
    limit = e + np.maximum(s.spike_z * ref.sigma, s.spike_rel * np.abs(e))
    mask = np.isfinite(y) & np.isfinite(e) & (y > limit)
    return [_alert(series, "spike", i, j, e, e - s.spike_z * ref.sigma, limit)
            for i, j in runs(mask) if j - i <= s.spike_max_hours]


def production_mask(series: HourlySeries, ref: Reference, s: Settings = Settings()) -> np.ndarray | None:  # type: ignore[type-arg]
    """True in production hours; None for a meter without a daily cycle (no off hours to watch)."""
    f = ref.features
    if s.production_hours is not None:
        a, b = s.production_hours
        in_hours = (f.hour >= a) & (f.hour < b) if a < b else (f.hour >= a) | (f.hour < b)
        return np.asarray(f.working & in_hours)
    y = series.values
    work = f.working & np.isfinite(y)
    if not work.any():
        return None
    profile = np.array([np.median(y[work & (f.hour == h)]) if (work & (f.hour == h)).any() else np.nan
                        for h in range(24)])
    lo, hi = np.nanmin(profile), np.nanmax(profile)
    if not np.isfinite(hi) or hi <= 0 or (hi - lo) < 0.1 * hi:
        return None
    busy = profile > lo + 0.5 * (hi - lo)
    return np.asarray(f.working & busy[f.hour])


def off_hours(series: HourlySeries, ref: Reference, s: Settings = Settings()) -> list[Alert]:
    producing = production_mask(series, ref, s)
    if producing is None:
        return []
    y, e = series.values, ref.expected
    limit = e + np.maximum(s.off_z * ref.sigma, s.off_rel * np.abs(e))
    mask = ~producing & np.isfinite(y) & np.isfinite(e) & (y > limit)
    return [_alert(series, "off_hours", i, j, e, e - s.off_z * ref.sigma, limit)
            for i, j in runs(mask) if j - i >= s.off_min_hours]


def flat_lines(series: HourlySeries, ref: Reference, s: Settings = Settings()) -> list[Alert]:
    y, e = series.values, ref.expected
    tol = 1e-9 * max(1.0, float(np.nanmedian(np.abs(y))) if np.isfinite(y).any() else 1.0)
    same = np.isfinite(y[1:]) & np.isfinite(y[:-1]) & (np.abs(np.diff(y)) <= tol)
    out = []
    for i, j in runs(same):
        a, b = i, j + 1  # hours i … j hold the same value
        if b - a < s.flat_hours:
            continue
        ev = e[a:b][np.isfinite(e[a:b])]
        if len(ev) < 2 or np.ptp(ev) <= max(tol, 0.5 * float(np.mean(ref.sigma[a:b]))):
            continue  # the meter is expected to be flat here (a PV meter at night, a stopped line)
        out.append(_alert(series, "flat_line", a, b, e, e - ref.sigma, e + ref.sigma, waste=0.0, severity="medium",
                          note=(f"，读数恒为 {y[a]:,.3f}", f", the value stays at {y[a]:,.3f}")))
    return out


def _daily(series: HourlySeries, feats: Features) -> tuple[IntArray, FloatArray, FloatArray, np.ndarray]:  # type: ignore[type-arg]
    """Local days, their totals and baseloads (NaN unless all 24 hours are known) and whether each is worked."""
    days, first = np.unique(feats.day, return_index=True)
    total = np.full(len(days), np.nan)
    base = np.full(len(days), np.nan)
    pos = np.searchsorted(days, feats.day)
    for k in range(len(days)):
        v = series.values[pos == k]
        if len(v) == 24 and np.isfinite(v).all():
            total[k] = v.sum()
            base[k] = np.quantile(v, 0.1)
    return days, total, base, feats.working[first]


def _same_kind_median(x: FloatArray, working: np.ndarray, k: int, lo: int, hi: int) -> float:  # type: ignore[type-arg]
    """Median of x over days k − hi … k − lo of the same kind as day k (NaN with fewer than 3)."""
    idx = np.arange(max(0, k - hi), max(0, k - lo + 1))
    idx = idx[(working[idx] == working[k]) & np.isfinite(x[idx])]
    return float(np.median(x[idx])) if len(idx) >= 3 else float("nan")


def _day_alert(series: HourlySeries, feats: Features, kind: str, days: IntArray, k0: int, k1: int,
               actual: FloatArray, expected_day: FloatArray, waste: float, note: tuple[str, str]) -> Alert:
    """An alert over the local days k0 … k1 − 1, with each day's expected total spread evenly on its hours."""
    pos = np.searchsorted(days, feats.day)
    hours = np.flatnonzero((pos >= k0) & (pos < k1))
    i, j = int(hours[0]), int(hours[-1]) + 1
    e = np.full(len(series), np.nan)
    e[i:j] = expected_day[pos[i:j] - k0] / 24
    alert = _alert(series, kind, i, j, e, e, e, waste=waste, note=note)
    alert.observed, alert.expected = float(np.nansum(actual)), float(np.nansum(expected_day))
    alert.severity = _severity(alert.observed, alert.expected)
    return alert


def level_shifts(series: HourlySeries, ref: Reference, s: Settings = Settings()) -> list[Alert]:
    days, total, _, working = _daily(series, ref.features)
    expected = np.array([_same_kind_median(total, working, k, 1, 28) for k in range(len(days))])
    with np.errstate(invalid="ignore", divide="ignore"):
        x = total / expected - 1
    out = []
    for sign in (1, -1):
        mask = np.isfinite(x) & (sign * x > s.level_rel)
        for a, b in runs(mask):
            if b - a < s.level_days:
                continue
            ratio = float(np.nanmedian(x[a:b]))
            waste = float(np.clip(total[a:b] - expected[a:b], 0, None).sum())
            out.append(_day_alert(series, ref.features, "level_shift", days, a, b, total[a:b], expected[a:b], waste,
                                  (f"，日用量变化 {100 * ratio:+.0f}%", f", daily consumption {100 * ratio:+.0f}%")))
    return out


def baseload_creep(series: HourlySeries, ref: Reference, s: Settings = Settings()) -> list[Alert]:
    days, total, base, working = _daily(series, ref.features)
    expected = np.array([_same_kind_median(base, working, k, 8, 35) for k in range(len(days))])
    with np.errstate(invalid="ignore", divide="ignore"):
        z = base / expected - 1
    out = []
    for a, b in runs(np.isfinite(z) & (z > s.creep_rel)):
        if b - a < s.creep_days:
            continue
        lo = max(0, a - 7)
        pts = np.isfinite(base[lo:b])
        if pts.sum() < 3 or np.polyfit(np.arange(lo, b)[pts], base[lo:b][pts], 1)[0] <= 0:
            continue
        waste = float(np.clip(base[a:b] - expected[a:b], 0, None).sum() * 24)
        rise = float(np.nanmax(z[a:b]))
        alert = _day_alert(series, ref.features, "baseload_creep", days, a, b, total[a:b],
                           total[a:b] - waste / (b - a), waste,
                           (f"，基础负荷最高高出 {100 * rise:.0f}%", f", baseload up to {100 * rise:.0f}% above"))
        out.append(alert)
    return out


def forecast_deviation(series: HourlySeries, fc: Forecast, s: Settings = Settings()) -> list[Alert]:
    """Runs of hours of ``series`` outside the band of ``fc`` (same hours)."""
    part = series.between(int(fc.ts[0]), int(fc.ts[-1]) + HOUR) if len(fc.ts) else series.between(0, 0)
    if not len(part):
        return []
    idx = (part.ts - fc.ts[0]) // HOUR
    mean, lower, upper = fc.mean[idx], fc.lower[idx], fc.upper[idx]
    y = part.values
    outside = np.isfinite(y) & np.isfinite(lower) & np.isfinite(upper) & ((y > upper) | (y < lower))
    return [_alert(part, "forecast_deviation", i, j, mean, lower, upper,
                   note=(f"（{fc.model}，{100 * fc.level:g}% 区间）", f" ({fc.model}, {100 * fc.level:g}% band)"))
            for i, j in runs(outside) if j - i >= s.band_min_hours]


def detect(series: HourlySeries, settings: Settings = Settings(), valuation: Valuation | None = None,
           fc: Forecast | None = None) -> list[Alert]:
    """Every detector on ``series`` (and the forecast band check when ``fc`` is given), valued."""
    if len(series) < 2 * WEEK_HOURS:
        return []  # not enough past for a reference: nothing can be called abnormal yet
    ref = reference(series, settings)
    found = [*spikes(series, ref, settings), *off_hours(series, ref, settings), *flat_lines(series, ref, settings),
             *level_shifts(series, ref, settings), *baseload_creep(series, ref, settings)]
    if fc is not None:
        found += forecast_deviation(series, fc, settings)
    return [value(a, valuation) for a in found]
