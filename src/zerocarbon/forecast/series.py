"""The values the forecast package works on: a regular hourly series and a forecast with its band.

Both are plain numpy arrays: hour starts [s since epoch, UTC] on a regular 3600 s grid and values in
the meter's energy unit (kWh, Nm3, t …) per hour; a missing hour is NaN, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from zerocarbon.errors import InputError

HOUR = 3600
DAY = 86_400
WEEK_HOURS = 168

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass
class HourlySeries:
    """Consumption per local hour of one meter (or a sum of meters) on a regular grid.

    Attributes
    ----------
    ts : ndarray of int64
        Hour starts [s since epoch, UTC], strictly increasing by 3600.
    values : ndarray of float64
        Consumption in [ts, ts + 3600) [``unit``]; NaN where unknown.
    unit : str
        The energy unit of the values (``kWh``, ``Nm3``, ``t``, ``tCO2`` …).
    name : str
        What the series is (meter code, cost centre …).
    carrier : str
        The meter class (``electricity``, ``natural_gas`` …), for the backtest's grouping.
    tz : str
        The local zone of the calendar features.
    holidays : bool
        Whether the meter follows the Chinese holiday calendar (:mod:`zerocarbon.forecast.calendar`);
        False for data known to follow the weekdays only (the bundled synthetic sample).
    """

    ts: IntArray
    values: FloatArray
    unit: str = ""
    name: str = ""
    carrier: str = ""
    tz: str = "Asia/Shanghai"
    holidays: bool = True

    def __post_init__(self) -> None:
        self.ts = np.asarray(self.ts, dtype=np.int64)
        self.values = np.asarray(self.values, dtype=np.float64)
        if self.ts.shape != self.values.shape:
            raise ValueError(f"series {self.name}: {len(self.ts)} hours but {len(self.values)} values")
        if len(self.ts) > 1 and not np.all(np.diff(self.ts) == HOUR):
            raise InputError(f"序列 {self.name} 的时间不是连续整点小时", f"series {self.name}: the hours are not a "
                             "regular hourly grid", field="ts", expected="hour starts 3600 s apart")

    @classmethod
    def from_hours(cls, ts: npt.ArrayLike, values: npt.ArrayLike, **kw: Any) -> HourlySeries:
        """A series on the full hourly grid from ``ts[0]`` to ``ts[-1]`` from (possibly gappy) hours."""
        t = np.asarray(ts, dtype=np.int64)
        v = np.asarray(values, dtype=np.float64)
        if len(t) == 0:
            return cls(np.zeros(0, np.int64), np.zeros(0), **kw)
        if np.any(t % HOUR):
            raise InputError("小时序列的时间须为整点", "hour starts must be whole hours", field="ts")
        order = np.argsort(t)
        t, v = t[order], v[order]
        grid = np.arange(t[0], t[-1] + HOUR, HOUR, dtype=np.int64)
        out = np.full(len(grid), np.nan)
        out[(t - t[0]) // HOUR] = v
        return cls(grid, out, **kw)

    def __len__(self) -> int:
        return len(self.ts)

    @property
    def end(self) -> int:
        """The end of the last hour [s, UTC]."""
        return int(self.ts[-1]) + HOUR if len(self.ts) else 0

    def before(self, origin: int) -> HourlySeries:
        """The hours that start before ``origin``."""
        keep = self.ts < origin
        return HourlySeries(self.ts[keep], self.values[keep], self.unit, self.name, self.carrier, self.tz,
                            self.holidays)

    def between(self, start: int, end: int) -> HourlySeries:
        keep = (self.ts >= start) & (self.ts < end)
        return HourlySeries(self.ts[keep], self.values[keep], self.unit, self.name, self.carrier, self.tz,
                            self.holidays)

    def replace(self, values: npt.ArrayLike) -> HourlySeries:
        return HourlySeries(self.ts.copy(), np.asarray(values, dtype=np.float64), self.unit, self.name,
                            self.carrier, self.tz, self.holidays)


@dataclass
class Forecast:
    """Hourly forecast with a central value and a band.

    Attributes
    ----------
    ts : ndarray of int64
        Hour starts [s, UTC].
    mean, lower, upper : ndarray of float64
        Central forecast and the band's bounds [the series' unit per hour].
    model : str
        ``seasonal_naive``, ``similar_day`` or ``gbm``.
    level : float
        The band's nominal coverage (0.9: 5 % and 95 % quantiles of the residuals).
    method : str
        How the band was made (in words, for the trace).
    """

    ts: IntArray
    mean: FloatArray
    lower: FloatArray
    upper: FloatArray
    model: str
    level: float
    unit: str = ""
    method: str = ""
    residuals: FloatArray = field(default_factory=lambda: np.zeros(0))

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "level": self.level, "unit": self.unit, "band_method": self.method,
                "hours": [{"ts": int(t), "mean": _num(m), "lower": _num(lo), "upper": _num(hi)}
                          for t, m, lo, hi in zip(self.ts, self.mean, self.lower, self.upper, strict=True)]}


def _num(x: float) -> float | None:
    return None if not np.isfinite(x) else round(float(x), 6)
