"""Hourly PV output forecasts from forecast weather through pvlib, and their rolling-origin backtest.

Chain: hourly forecast weather → :func:`complete_irradiance` (GHI, DNI, DHI) → the project's PV model
:func:`zerocarbon.renewables.pv.simulate_pv` (pvlib PVWatts model chain; nothing of it is repeated
here) → energy per hour [kWh] → a :class:`~zerocarbon.forecast.series.Forecast` with a residual band.

Irradiance (:func:`complete_irradiance`), by what the weather gives:

* ``ghi``, ``dni``, ``dhi`` [W/m²]: used as they are;
* ``ghi`` only: DNI and DHI by the Erbs et al. decomposition (Solar Energy 28 (1982) 293–302,
  ``pvlib.irradiance.erbs``), as :mod:`zerocarbon.renewables.weather` does;
* ``cloud_cover`` [%] only: GHI = (c₀ + (100 − c₀)(1 − cc/100)) / 100 × GHI_clear with c₀ = 35 %
  (:func:`cloud_cover_to_ghi`; Larson, Nonnenmacher & Coimbra, "Day-ahead forecasting of solar power
  output from photovoltaic plants in the American Southwest", Renewable Energy 91 (2016) 11–20, as
  implemented in pvlib-python ≤ 0.10 ``pvlib.forecast.ForecastModel.cloud_cover_to_ghi_linear``,
  removed in 0.11), GHI_clear by pvlib's Ineichen–Perez model, then Erbs. Cloud cover is the coarsest
  input: the result is labelled with the method.

Timing: a value stamped t is the mean over [t, t + 1 h); the model runs at the middle of the hour
(t + 30 min) so that the sun position matches an hourly mean, and the result is stamped back at t.

Capacity: with the plant's nameplate kWp the simulated output is the forecast. Without it (a PV meter
whose plant is not declared) the simulation runs for 1 kWp and is scaled by k = Σ y·p / Σ p² (least
squares through the origin) over the last :data:`FIT_DAYS` days of the meter's history before the
origin; the forecast then says ``capacity: fitted``.

Band: the residual method of :func:`zerocarbon.forecast.models.band` on the model's errors over the
last :data:`FIT_DAYS` days before the origin (with a fitted capacity the scale was fitted on the same
hours, so the band is somewhat narrow; the backtest reports its coverage).

Backtest (:func:`backtest_pv`): the origins of :func:`zerocarbon.forecast.backtest.origins`; at each
origin the pvlib forecast reads the weather of the forecast hours only, the baselines (seasonal naive,
similar day) the meter's history; all are scored on the same hours, and the skill is given against both.
When the weather is *observed* rather than archived forecasts, the pvlib skill is an upper bound (a
perfect weather forecast), and the result says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from pvlib.irradiance import erbs

from zerocarbon.errors import InputError
from zerocarbon.forecast.backtest import BASELINE, Backtest, Errors, origins, skill
from zerocarbon.forecast.calendar import calendar_features
from zerocarbon.forecast.models import band, seasonal_naive, similar_day
from zerocarbon.forecast.series import HOUR, FloatArray, Forecast, HourlySeries, IntArray
from zerocarbon.renewables.pv import PVArray, Site, simulate_pv

#: Minimum GHI at 100 % cloud cover as a share of clear-sky GHI [%] (Larson et al. 2016; pvlib ≤ 0.10).
CLOUD_OFFSET_PCT = 35.0
CLOUD_SOURCE = ("Larson, Nonnenmacher & Coimbra, Renewable Energy 91 (2016) 11-20, linear cloud cover to GHI "
                "(offset 35 %), as in pvlib-python <= 0.10 cloud_cover_to_ghi_linear")
#: Days of history the capacity scale and the band are fitted on.
FIT_DAYS = 28
PV_MODEL = "pvlib"


def cloud_cover_to_ghi(cloud_cover: FloatArray, ghi_clear: FloatArray, offset: float = CLOUD_OFFSET_PCT) -> FloatArray:
    """GHI [W/m²] from total cloud cover [%] and clear-sky GHI [W/m²] (module docstring, Larson et al. 2016).

    0 % cloud gives ``ghi_clear``; 100 % gives ``offset`` % of it.
    """
    cc = np.asarray(cloud_cover, dtype=np.float64)
    if np.any((cc < 0) | (cc > 100)):
        raise InputError("云量须在 0–100 % 之间", "cloud cover must be between 0 and 100 %", field="cloud_cover",
                         expected="0–100 [%]")
    return np.asarray((offset + (100.0 - offset) * (1.0 - cc / 100.0)) / 100.0 * np.asarray(ghi_clear, float))


def complete_irradiance(site: Site, weather: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """``weather`` with ``ghi``, ``dni``, ``dhi`` [W/m²] (module docstring) and how they were obtained.

    ``weather`` has a tz-aware hourly index (start of each hour) and ``ghi``/``dni``/``dhi``, or ``ghi``,
    or ``cloud_cover`` [%]; ``temp_air`` [°C] and ``wind_speed`` [m/s] pass through.
    """
    if not isinstance(weather.index, pd.DatetimeIndex) or weather.index.tz is None:
        raise InputError("预报气象数据须有带时区的时间索引", "the forecast weather needs a time-zone-aware index",
                         field="time", expected="hour starts with a UTC offset")
    cols = set(weather.columns)
    out = weather.copy()
    mid = weather.index + pd.Timedelta(minutes=30)
    if {"ghi", "dni", "dhi"} <= cols:
        return out, "GHI, DNI, DHI as given"
    if "ghi" in cols:
        how = "GHI as given; DNI, DHI by Erbs (1982) decomposition (pvlib.irradiance.erbs)"
    elif "cloud_cover" in cols:
        clear = site.location().get_clearsky(mid, model="ineichen")
        out["ghi"] = cloud_cover_to_ghi(np.asarray(weather["cloud_cover"], float), np.asarray(clear["ghi"], float))
        how = (f"GHI from cloud cover: {CLOUD_SOURCE}, clear sky by pvlib Ineichen-Perez; DNI, DHI by Erbs (1982)")
    else:
        raise InputError("预报气象数据须含 ghi/dni/dhi、ghi 或 cloud_cover 列",
                         "the forecast weather needs ghi/dni/dhi, ghi, or cloud_cover columns", field="columns",
                         expected="ghi, dni, dhi [W/m²] | ghi | cloud_cover [%]")
    zenith = np.asarray(site.location().get_solarposition(mid)["zenith"], float)
    split = erbs(np.asarray(out["ghi"], float), zenith, mid)
    out["dni"] = np.nan_to_num(np.asarray(split["dni"], float))
    out["dhi"] = np.nan_to_num(np.asarray(split["dhi"], float))
    return out, how


@dataclass
class PVExpected:
    """Modelled PV energy per hour from forecast weather, on the weather's hours.

    Attributes
    ----------
    ts : ndarray of int64
        Hour starts [s, UTC].
    kwh : ndarray of float64
        Energy in each hour [kWh] for the arrays as given (``nameplate``), or per kWp [kWh/kWp].
    nameplate : bool
        True: the arrays carry the plant's nameplate kWp; False: 1 kWp, to be scaled on the meter's history.
    weather_source, irradiance, method : str
        Provenance of the weather, how GHI/DNI/DHI were obtained, the PV model chain.
    observed_weather : bool
        True when the weather is observed (or a typical year), not a forecast: skill is an upper bound.
    """

    ts: IntArray
    kwh: FloatArray
    nameplate: bool
    weather_source: str
    irradiance: str
    method: str
    observed_weather: bool = False

    def at(self, ts: IntArray) -> FloatArray:
        """Modelled energy at the hours ``ts`` (NaN where the weather has no value)."""
        ts = np.asarray(ts, dtype=np.int64)
        out = np.full(len(ts), np.nan)
        if not len(self.ts):
            return out
        pos = np.searchsorted(self.ts, ts)
        ok = (pos < len(self.ts)) & (self.ts[np.minimum(pos, len(self.ts) - 1)] == ts)
        out[ok] = self.kwh[pos[ok]]
        return out

    def describe(self) -> dict[str, Any]:
        return {"weather_source": self.weather_source, "irradiance": self.irradiance, "pv_model": self.method,
                "capacity": "nameplate" if self.nameplate else "fitted", "observed_weather": self.observed_weather}


def expected_energy(site: Site, arrays: Sequence[PVArray], weather: pd.DataFrame, weather_source: str, *,
                    nameplate: bool = True, observed_weather: bool = False) -> PVExpected:
    """PV energy per hour [kWh] of ``arrays`` from hourly ``weather`` (module docstring).

    Parameters
    ----------
    arrays : sequence of PVArray
        The plant (``nameplate=True``), or one 1 kWp array of the plant's orientation (``nameplate=False``).
    weather : pandas.DataFrame
        Hourly forecast weather (see :func:`complete_irradiance`).
    """
    idx = weather.index
    if len(idx) == 0:
        raise InputError("预报气象数据为空", "the forecast weather is empty", field="weather")
    steps = np.diff(np.asarray(idx.tz_convert("UTC").as_unit("s").asi8, dtype=np.int64))
    if np.any(steps != HOUR):
        raise InputError("预报气象数据须为连续的逐时数据", "the forecast weather must be hourly without gaps",
                         field="time", expected="one row per hour")
    full, how = complete_irradiance(site, weather)
    missing = full[["ghi", "dni", "dhi"]].isna().any(axis=1).to_numpy()
    if missing.any():
        raise InputError("预报气象数据含空值", "the forecast weather has empty values", field="ghi/dni/dhi",
                         row=int(np.flatnonzero(missing)[0]) + 1)
    result = simulate_pv(site, arrays, full.set_axis(idx + pd.Timedelta(minutes=30)), weather_source)
    ts = np.asarray(idx.tz_convert("UTC").as_unit("s").asi8, dtype=np.int64)
    # mean power over a one-hour step [kW] × 1 h = energy in the hour [kWh]
    return PVExpected(ts, np.asarray(result.ac_kw, dtype=np.float64), nameplate, weather_source, how,
                      result.method + "; evaluated at mid-hour", observed_weather)


def fit_scale(history: HourlySeries, expected: PVExpected, days: int = FIT_DAYS) -> float | None:
    """k = Σ y·p / Σ p² over the last ``days`` days of ``history`` with both known [kWp]; None when the
    weather covers none of them or the modelled output is all zero."""
    part = history.between(history.end - days * 24 * HOUR, history.end)
    p = expected.at(part.ts)
    ok = np.isfinite(p) & np.isfinite(part.values)
    den = float((p[ok] ** 2).sum())
    if not ok.any() or den <= 0:
        return None
    return float((part.values[ok] * p[ok]).sum() / den)


def _scaled(history: HourlySeries | None, expected: PVExpected, ts: IntArray) -> tuple[FloatArray, float | None]:
    p = expected.at(ts)
    if expected.nameplate:
        return p, None
    if history is None or not len(history):
        raise InputError("未给出装机容量时，须用光伏表计的历史数据拟合", "without the nameplate kWp the forecast "
                         "needs the PV meter's history to fit the capacity", field="kwp")
    k = fit_scale(history, expected)
    if k is None:
        raise InputError("气象数据未覆盖光伏表计的近期历史，无法拟合装机容量",
                         "the weather does not cover the PV meter's recent history: the capacity cannot be fitted",
                         field="weather", expected=f"weather for the {FIT_DAYS} days before the forecast")
    return k * p, k


def forecast_pv(expected: PVExpected, ts: IntArray, history: HourlySeries | None = None, level: float = 0.9,
                bands: bool = True) -> tuple[Forecast, float | None]:
    """The pvlib forecast of the hours ``ts`` [kWh per hour] and the fitted kWp (None with a nameplate).

    ``history`` (the PV meter's hours before ``ts``) fits the capacity when there is no nameplate and gives
    the band; without it the band is empty (NaN).
    """
    ts = np.asarray(ts, dtype=np.int64)
    mean, k = _scaled(history, expected, ts)
    if np.isnan(mean).any():
        first = int(ts[np.flatnonzero(np.isnan(mean))[0]])
        raise InputError("预报气象数据未覆盖全部预测时段", "the forecast weather does not cover every forecast hour",
                         field="time", expected=f"weather for the hour starting {first} [s, UTC]")
    lower = upper = np.full(len(ts), np.nan)
    r = np.zeros(0)
    unit = history.unit if history is not None else "kWh"
    tz = history.tz if history is not None else "Asia/Shanghai"
    if bands and history is not None and len(history):
        past = history.between(history.end - FIT_DAYS * 24 * HOUR, history.end)
        fitted = expected.at(past.ts) * (k if k is not None else 1.0)
        res = past.values - fitted
        ok = np.isfinite(res)
        r = res[ok]
        rh = calendar_features(past.ts[ok], tz, False).hour
        lower, upper = band(mean, calendar_features(ts, tz, False).hour, r, rh, level)
        lower = np.maximum(lower, 0.0)
    method = (f"residual quantiles {100 * (1 - level) / 2:g}–{100 * (1 + level) / 2:g} % of {len(r)} errors over "
              f"the last {FIT_DAYS} days")
    return Forecast(ts, np.maximum(mean, 0.0), lower, upper, PV_MODEL, level, unit, method, r), k


@dataclass
class PVBacktest:
    """The backtest of the pvlib forecast against the meter's own baselines."""

    backtest: Backtest
    expected: PVExpected
    scales: list[float]

    def to_dict(self) -> dict[str, Any]:
        out = self.backtest.to_dict()
        e = self.backtest.errors
        out["skill_vs_similar_day"] = {m: _r(skill(e[m], e["similar_day"])) for m in e}
        out["weather"] = self.expected.describe()
        out["fitted_kwp"] = [round(k, 3) for k in self.scales]
        if self.expected.observed_weather:
            out["note_en"] = ("observed weather used as a perfect forecast: the pvlib skill is an upper bound of what "
                              "a real weather forecast gives")
            out["note_zh"] = "以实测气象代替预报（完美预报）：pvlib 的技能分是实际预报可达到的上限"
        return out


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def backtest_pv(observed: HourlySeries, expected: PVExpected, horizon: int = 24, count: int = 8,
                step_days: int = 7, level: float = 0.9, bands: bool = True) -> PVBacktest:
    """Rolling-origin backtest of the pvlib forecast, the seasonal naive and the similar-day models on a PV
    meter (module docstring); only origins whose forecast hours all have weather are used."""
    points = [o for o in origins(observed, horizon, count, step_days)
              if np.isfinite(expected.at(o + HOUR * np.arange(horizon, dtype=np.int64))).all()]
    if not points:
        raise InputError(f"表计 {observed.name} 的历史或气象数据不足，无法回测",
                         f"meter {observed.name}: not enough history or weather for a backtest", field="weather",
                         expected="two weeks of history and weather for the forecast days")
    errors = {m: Errors() for m in (BASELINE, "similar_day", PV_MODEL)}
    scales: list[float] = []
    for origin in points:
        past = observed.before(origin)
        ts = origin + HOUR * np.arange(horizon, dtype=np.int64)
        actual = observed.between(origin, origin + horizon * HOUR).values
        n = len(actual)
        fc, k = forecast_pv(expected, ts, past, level, bands)
        if k is not None:
            scales.append(k)
        nan = np.full(n, np.nan)
        errors[PV_MODEL].add(actual, fc.mean[:n], fc.lower[:n], fc.upper[:n])
        errors[BASELINE].add(actual, np.maximum(seasonal_naive(past, ts), 0.0)[:n], nan, nan)
        errors["similar_day"].add(actual, np.maximum(similar_day(past, ts), 0.0)[:n], nan, nan)
    bt = Backtest(observed.name, observed.carrier, observed.unit, horizon, points, errors, level)
    return PVBacktest(bt, expected, scales)


def unit_array(arr: PVArray) -> PVArray:
    """The 1 kWp array of ``arr``'s orientation and losses (for a plant whose kWp is to be fitted)."""
    return replace(arr, kwp=1.0, ac_kw=None if arr.ac_kw is None else arr.ac_kw / arr.kwp)
