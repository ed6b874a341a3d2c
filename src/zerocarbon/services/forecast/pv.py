"""Use cases of the PV forecast: read a forecast-weather file, forecast a PV plant's output, backtest it.

    forecast-weather file (CSV or XLSX, hourly) → weather on one vocabulary (this module, the edge)
    → :mod:`zerocarbon.forecast.pv_forecast` (pvlib through renewables/pv.py) → forecast / backtest

Weather comes from files only: pvlib.iotools' forecast readers (Solcast, Meteonorm) need an API key,
and the machine this was built on reaches no weather service, so no provider is wired in.

File format: optional ``# key: value`` header lines (``source``, ``latitude``, ``longitude``,
``altitude_m``, ``tz``, as in :mod:`zerocarbon.renewables.weather`'s CSV), then a table with a time
column and ``ghi``/``dni``/``dhi`` [W/m²], or ``ghi``, or ``cloud_cover`` [%], with optional ``temp_air``
[°C] and ``wind_speed`` [m/s]; Chinese headers are mapped (:data:`ALIASES`). Times are hour starts, with
a UTC offset or in the site's zone. The weather must state its source (header or ``weather_source``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from io import StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from zerocarbon.errors import InputError
from zerocarbon.forecast.pv_forecast import PVExpected, backtest_pv, expected_energy, forecast_pv
from zerocarbon.forecast.series import HOUR, FloatArray, HourlySeries, IntArray
from zerocarbon.renewables.pv import PVArray, Site
from zerocarbon.services.forecast.data import load_year, meter_series

#: Column vocabulary: internal name → accepted headers (compared case-insensitively, units in brackets dropped).
ALIASES: dict[str, tuple[str, ...]] = {
    "time": ("time", "datetime", "timestamp", "时间", "日期时间"),
    "ghi": ("ghi", "总辐射", "水平面总辐射"),
    "dni": ("dni", "直接辐射", "法向直接辐射"),
    "dhi": ("dhi", "散射辐射", "水平面散射辐射"),
    "temp_air": ("temp_air", "temperature", "气温", "温度"),
    "wind_speed": ("wind_speed", "风速"),
    "cloud_cover": ("cloud_cover", "总云量", "云量"),
}


@dataclass(frozen=True)
class PVOptions:
    """The plant and its weather.

    Attributes
    ----------
    weather : Path
        Hourly forecast-weather file (module docstring).
    tilt_deg, azimuth_deg : float
        Array tilt [°] and azimuth (180 = south) [°].
    kwp : float or None
        Nameplate DC capacity [kWp]; None = fitted on the PV meter's history.
    latitude, longitude, altitude_m, tz : optional
        The site, when the file's header does not give it.
    weather_source : str or None
        Provenance of the weather, when the header has no ``source``.
    observed : bool
        The weather is observed (or a typical year), not a forecast: the backtest's skill is an upper bound.
    """

    weather: Path
    tilt_deg: float
    azimuth_deg: float
    kwp: float | None = None
    latitude: float | None = None
    longitude: float | None = None
    altitude_m: float | None = None
    tz: str | None = None
    weather_source: str | None = None
    observed: bool = False


def _header(text: str) -> tuple[dict[str, str], int]:
    header: dict[str, str] = {}
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if not line.startswith("#"):
            return header, i
        key, _, value = line[1:].partition(":")
        header[key.strip()] = value.strip()
    return header, len(lines)


def _canonical(name: str) -> str | None:
    plain = str(name).split("[")[0].split("（")[0].split("(")[0].strip().lower()
    for key, names in ALIASES.items():
        if plain in names:
            return key
    return None


def read_forecast_weather(path: str | Path, tz: str | None = None,
                          sheet: str | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """The weather of a CSV or XLSX file on the internal vocabulary (tz-aware hourly index) and its header.

    Raises
    ------
    InputError
        Unreadable file, no time column, a bad time or number (naming file, sheet, row and column).
    """
    p = Path(path)
    suffix = p.suffix.lower()
    header: dict[str, str] = {}
    where: dict[str, Any] = {"file": str(p)}
    try:
        if suffix == ".csv":
            text = p.read_text(encoding="utf-8-sig")
            header, start = _header(text)
            frame = pd.read_csv(StringIO("\n".join(text.splitlines()[start:])))
            first_row = start + 2  # the table's header line, then 1-based
        elif suffix in (".xlsx", ".xlsm"):
            frame = pd.read_excel(p, sheet_name=sheet or 0, comment=None)
            where["sheet"] = sheet or "1"
            first_row = 2
        else:
            raise InputError(f"不支持的气象文件类型 {suffix}", f"unsupported weather file type '{suffix}'", file=str(p),
                             expected=".csv or .xlsx")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"无法读取气象文件：{exc}", f"cannot read the weather file: {exc}", **where) from exc
    mapped = {c: _canonical(str(c)) for c in frame.columns}
    frame = frame.rename(columns={c: k for c, k in mapped.items() if k is not None})[
        [k for k in mapped.values() if k is not None]]
    if "time" not in frame.columns:
        raise InputError("气象文件缺少时间列", "the weather file has no time column", field="time",
                         expected="time (ISO 8601, hour starts)", **where)
    zone = tz or header.get("tz") or "Asia/Shanghai"
    times = frame.pop("time")
    parsed = []
    for i, value in enumerate(times):
        try:
            t = pd.Timestamp(value)
            if pd.isna(t):
                raise ValueError("empty")
            parsed.append(t.tz_localize(zone) if t.tzinfo is None else t.tz_convert(zone))
        except (ValueError, TypeError) as exc:
            raise InputError(f"时间 {value!r} 无效", f"invalid time {value!r}", row=i + first_row, field="time",
                             expected="ISO 8601 hour start", **where) from exc
    data = frame.apply(pd.to_numeric, errors="coerce").set_axis(pd.DatetimeIndex(parsed))
    for col in data.columns:
        bad = np.flatnonzero(~np.isfinite(data[col].to_numpy(dtype=np.float64)))
        if len(bad):
            raise InputError(f"列 {col} 含空值或非数值", f"column {col} has an empty or non-numeric value",
                             row=int(bad[0]) + first_row, field=col, expected="a number", **where)
    return data.sort_index(), header


def load_expected(opts: PVOptions) -> PVExpected:
    """The modelled PV energy per hour of the plant from the weather file (nameplate or per kWp)."""
    weather, header = read_forecast_weather(opts.weather, opts.tz)
    try:
        lat = opts.latitude if opts.latitude is not None else float(header["latitude"])
        lon = opts.longitude if opts.longitude is not None else float(header["longitude"])
    except (KeyError, ValueError) as exc:
        raise InputError("缺少站点经纬度（文件头或 --lat/--lon）", "the site's latitude and longitude are missing "
                         "(file header or --lat/--lon)", file=str(opts.weather), field="latitude/longitude") from exc
    alt = opts.altitude_m if opts.altitude_m is not None else float(header.get("altitude_m", 0) or 0)
    site = Site(lat, lon, alt, tz=opts.tz or header.get("tz") or "Asia/Shanghai", name=header.get("site", ""))
    source = opts.weather_source or header.get("source", "")
    if not source.strip():
        raise InputError("气象数据须注明来源（文件头 # source: 或 --weather-source）", "the weather must state its "
                         "source (header '# source:' or --weather-source)", file=str(opts.weather), field="source")
    kwp = opts.kwp if opts.kwp is not None else 1.0
    arr = PVArray("plant", opts.tilt_deg, opts.azimuth_deg, kwp)
    return expected_energy(site, [arr], weather, f"{Path(opts.weather).name}: {source}",
                           nameplate=opts.kwp is not None, observed_weather=opts.observed)


def _local_midnight(day: str, tz: str) -> int:
    try:
        d = date.fromisoformat(day)
    except ValueError as exc:
        raise InputError(f"日期 {day} 无效", f"invalid date '{day}'", field="start", expected="YYYY-MM-DD") from exc
    return int(datetime(d.year, d.month, d.day, tzinfo=ZoneInfo(tz)).timestamp())


def pv_meter_history(factory_id: str, year: int, url: str | None, meter: str) -> HourlySeries:
    """The PV meter's hourly series (kWh per hour) from the store."""
    series = meter_series(load_year(factory_id, year, url), [meter], holidays=False)
    if not series:
        raise InputError(f"表计 {meter} 没有数据", f"meter {meter} has no data", field="meter")
    if series[0].unit != "kWh":
        raise InputError(f"光伏表计 {meter} 的单位为 {series[0].unit}", f"PV meter {meter} is in {series[0].unit}",
                         field="meter", expected="a PV generation meter in kWh")
    return series[0]


def pv_hours(opts: PVOptions, ts: IntArray, history: HourlySeries | None,
             level: float = 0.9) -> tuple[dict[str, Any], FloatArray]:
    """The pvlib forecast of the hours ``ts`` (with history: fitted capacity and band) as a dict, and its
    central values [kWh per hour]."""
    expected = load_expected(opts)
    fc, k = forecast_pv(expected, np.asarray(ts, dtype=np.int64), history, level)
    return {**fc.to_dict(), "total_kwh": round(float(fc.mean.sum()), 3), "kwp": opts.kwp,
            "fitted_kwp": None if k is None else round(k, 3), **expected.describe()}, fc.mean


def run_pv_forecast(opts: PVOptions, *, factory_id: str | None = None, year: int | None = None,
                    url: str | None = None, meter: str | None = None, start: str | None = None,
                    horizon: int = 24, level: float = 0.9) -> dict[str, Any]:
    """Forecast the plant's output for ``horizon`` hours from ``start`` (local date; default: the hour after
    the PV meter's last reading, or the first local midnight of the weather)."""
    if not 1 <= horizon <= 24 * 14:
        raise InputError("预测时长须在 1–336 小时之间", "the horizon must be 1–336 hours", field="horizon")
    history = None
    if meter is not None:
        if factory_id is None or year is None:
            raise InputError("按表计拟合须给出工厂与年份", "fitting on a meter needs the factory and the year",
                             field="factory/year")
        history = pv_meter_history(factory_id, year, url, meter)
    tz = opts.tz or (history.tz if history is not None else "Asia/Shanghai")
    if start is not None:
        origin = _local_midnight(start, tz)
    elif history is not None:
        origin = int(history.ts[np.isfinite(history.values)][-1]) + HOUR
    else:
        w, _ = read_forecast_weather(opts.weather, opts.tz)
        local = w.index.tz_convert(tz)
        origin = int(local[local.hour == 0][0].timestamp()) if (local.hour == 0).any() else int(local[0].timestamp())
    if history is not None:
        history = history.before(origin)
    ts = origin + HOUR * np.arange(horizon, dtype=np.int64)
    out, _ = pv_hours(opts, ts, history, level)
    return {"origin": origin, "horizon_h": horizon, "meter": meter, **out}


def run_pv_backtest(factory_id: str, year: int, opts: PVOptions, url: str | None = None, *, meter: str,
                    horizon: int = 24, origins: int = 8, level: float = 0.9) -> dict[str, Any]:
    """Rolling-origin backtest of the pvlib forecast against the similar-day and seasonal naive models."""
    history = pv_meter_history(factory_id, year, url, meter)
    result = backtest_pv(history, load_expected(opts), horizon, origins, level=level)
    return {"factory_id": factory_id, "year": year, **result.to_dict()}
