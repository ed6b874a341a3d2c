"""Rolling-origin backtest of the forecast models, and the choice of a meter's default model.

Procedure (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., §5.10
"time series cross-validation"): origins at local midnight, the last one ``horizon`` hours before the
series' end and the others ``step_days`` apart before it; at each origin every model sees only the
hours before it, forecasts ``horizon`` hours, and is scored on them.

Metrics, over every forecast hour with a known value:

* MAE = mean |y − ŷ| [the series' unit per hour];
* sMAPE = 100 × mean 2|y − ŷ| / (|y| + |ŷ|) [%], hours with y = ŷ = 0 (a PV meter at night) left out;
* skill = 1 − MAE(model) / MAE(seasonal naive) (> 0: better than the baseline);
* coverage = share of hours inside the model's band (when bands are computed).

The default model of a series is the model with the highest positive skill; when none beats the
seasonal naive baseline, the baseline itself (:func:`default_model`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from zerocarbon.errors import InputError
from zerocarbon.forecast.calendar import calendar_features
from zerocarbon.forecast.models import MIN_GBM_HOURS, MODELS, ModelName, forecast
from zerocarbon.forecast.series import DAY, HOUR, WEEK_HOURS, FloatArray, HourlySeries

BASELINE: ModelName = "seasonal_naive"


@dataclass
class Errors:
    """Summed errors of one model over the backtest's hours (kept as sums so results pool exactly)."""

    n: int = 0
    abs_error: float = 0.0
    smape_sum: float = 0.0
    smape_n: int = 0
    inside: int = 0
    banded: int = 0

    def add(self, actual: FloatArray, mean: FloatArray, lower: FloatArray, upper: FloatArray) -> None:
        ok = np.isfinite(actual) & np.isfinite(mean)
        a, m = actual[ok], mean[ok]
        self.n += int(ok.sum())
        self.abs_error += float(np.abs(a - m).sum())
        denom = np.abs(a) + np.abs(m)
        nz = denom > 0
        self.smape_sum += float((2 * np.abs(a - m)[nz] / denom[nz]).sum())
        self.smape_n += int(nz.sum())
        b = ok & np.isfinite(lower) & np.isfinite(upper)
        self.banded += int(b.sum())
        self.inside += int(((actual >= lower) & (actual <= upper))[b].sum())

    def merge(self, other: Errors) -> None:
        for name in ("n", "abs_error", "smape_sum", "smape_n", "inside", "banded"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def mae(self) -> float | None:
        return self.abs_error / self.n if self.n else None

    @property
    def smape(self) -> float | None:
        return 100 * self.smape_sum / self.smape_n if self.smape_n else None

    @property
    def coverage(self) -> float | None:
        return self.inside / self.banded if self.banded else None


def skill(model: Errors, baseline: Errors) -> float | None:
    """1 − MAE(model) / MAE(baseline) over the same hours; None without a baseline error."""
    if not model.n or not baseline.n or baseline.abs_error == 0:
        return None
    return 1 - model.abs_error / baseline.abs_error


@dataclass
class Backtest:
    """The backtest of one series."""

    name: str
    carrier: str
    unit: str
    horizon: int
    origins: list[int]
    errors: dict[str, Errors]
    level: float
    skipped: dict[str, str] = field(default_factory=dict)

    def skill(self, model: str) -> float | None:
        return skill(self.errors[model], self.errors[BASELINE]) if model in self.errors else None

    @property
    def default_model(self) -> str:
        return default_model({m: self.skill(m) for m in self.errors})

    def to_dict(self) -> dict[str, Any]:
        return {"series": self.name, "carrier": self.carrier, "unit": self.unit, "horizon_h": self.horizon,
                "origins": len(self.origins), "level": self.level, "default_model": self.default_model,
                "skipped": self.skipped,
                "models": {m: scores(e, self.errors[BASELINE]) for m, e in self.errors.items()}}


def scores(e: Errors, baseline: Errors) -> dict[str, Any]:
    def r(x: float | None, d: int) -> float | None:
        return None if x is None else round(x, d)
    return {"hours": e.n, "mae": r(e.mae, 4), "smape_pct": r(e.smape, 3), "skill": r(skill(e, baseline), 4),
            "coverage": r(e.coverage, 4)}


def default_model(skills: dict[str, float | None]) -> str:
    """The model with the highest skill above 0, else the seasonal naive baseline."""
    best = [(s, m) for m, s in skills.items() if m != BASELINE and s is not None and s > 0]
    return max(best)[1] if best else BASELINE


def origins(series: HourlySeries, horizon: int, count: int, step_days: int = 7) -> list[int]:
    """``count`` local midnights, ``step_days`` apart, the last ``horizon`` hours (rounded up to a day)
    before the series' end; only those with at least two weeks of history before them."""
    if not len(series):
        return []
    first = int(series.ts[0])
    hours = calendar_features(series.ts[:24], series.tz, series.holidays).hour
    zero = int(series.ts[:24][hours == 0][0]) if (hours == 0).any() else first  # the first local midnight
    days_needed = -(-horizon // 24)
    last = zero + ((series.end - days_needed * DAY - zero) // DAY) * DAY
    out = [last - k * step_days * DAY for k in range(count)]
    return sorted(o for o in out if o - first >= 2 * WEEK_HOURS * HOUR)


def backtest(series: HourlySeries, horizon: int = 24, count: int = 8, step_days: int = 7,
             models: tuple[ModelName, ...] = MODELS, level: float = 0.9, bands: bool = True) -> Backtest:
    """Rolling-origin backtest of ``models`` on ``series`` (see the module docstring).

    ``gbm`` is skipped (recorded in ``skipped``) at origins with less than
    :data:`~zerocarbon.forecast.models.MIN_GBM_HOURS` hours of history; the seasonal naive baseline
    is always run, as every skill is measured against it.
    """
    if BASELINE not in models:
        models = (BASELINE, *models)
    points = origins(series, horizon, count, step_days)
    if not points:
        raise InputError(f"序列 {series.name} 的历史太短，无法回测（至少需要两周加预测时长）",
                         f"series {series.name}: too short for a backtest (two weeks plus the horizon needed)",
                         field="series")
    errors: dict[str, Errors] = {m: Errors() for m in models}
    skipped: dict[str, str] = {}
    for origin in points:
        past = series.before(origin)
        actual = series.between(origin, origin + horizon * HOUR).values
        per_origin: dict[str, Errors] = {}
        for m in models:
            if m == "gbm" and len(past) < MIN_GBM_HOURS:
                skipped[m] = f"less than {MIN_GBM_HOURS} hours of history at some origins"
                continue
            f = forecast(past, horizon, m, level, bands=bands)
            e = Errors()
            e.add(actual, f.mean[: len(actual)], f.lower[: len(actual)], f.upper[: len(actual)])
            per_origin[m] = e
        if "gbm" in models and "gbm" not in per_origin:
            continue  # score every model on the same origins, so that skills compare like with like
        for name, e in per_origin.items():
            errors[name].merge(e)
    return Backtest(series.name, series.carrier, series.unit, horizon, points, errors, level, skipped)


def by_carrier(results: list[Backtest]) -> dict[str, dict[str, Any]]:
    """Backtests pooled per meter class (carrier): summed errors, skill over the pooled hours, MAE only
    where every series of the class has the same unit, and how many series chose each default model."""
    groups: dict[str, list[Backtest]] = defaultdict(list)
    for r in results:
        groups[r.carrier or "?"].append(r)
    out: dict[str, dict[str, Any]] = {}
    for carrier, items in sorted(groups.items()):
        pooled: dict[str, Errors] = defaultdict(Errors)
        for r in items:
            for m, e in r.errors.items():
                pooled[m].merge(e)
        units = {r.unit for r in items}
        chosen: dict[str, int] = defaultdict(int)
        for r in items:
            chosen[r.default_model] += 1
        models = {m: scores(e, pooled[BASELINE]) for m, e in pooled.items()}
        if len(units) > 1:
            for s in models.values():
                s["mae"] = None
        out[carrier] = {"series": [r.name for r in items], "unit": units.pop() if len(units) == 1 else None,
                        "models": models, "default_models": dict(chosen)}
    return out
