"""Hourly weather years: a documented synthetic generator and the CSV format it is shipped in.

Synthetic year (:func:`synthetic_year`), for a site without a measured or typical-year file; the
result is labelled synthetic wherever it is used:

1. clear-sky irradiance: pvlib's Ineichen–Perez model with the Linke turbidity of pvlib's monthly
   climatology (``pvlib.clearsky.lookup_linke_turbidity``; Ineichen & Perez, Solar Energy 73 (2002)
   151–157; Remund et al., ISES 2003), evaluated at the middle of each hour;
2. a daily clear-sky index ``k_d = GHI / GHI_clear``, drawn independently for each day from a Beta
   distribution with the month's mean ``μ_m`` and concentration ``φ`` (``a = μφ``, ``b = (1 − μ)φ``),
   seeded (numpy PCG64); ``GHI_t = k_d · GHI_clear,t`` (no variability within a day);
3. beam and diffuse from GHI by the Erbs et al. (Solar Energy 28 (1982) 293–302) decomposition
   (``pvlib.irradiance.erbs``), ``DHI = GHI − DNI·cos(zenith)``;
4. air temperature ``T = T̄ + A_y·cos(2π(d − d_peak)/365.25) + A_d·cos(2π(h + 0.5 − h_peak)/24)``
   [°C] (day of year d, clock hour h).

The parameters (μ_m, φ, T̄, A_y, d_peak, A_d, h_peak) are the caller's and are written in the file
header; they are modelling choices, not measured statistics, unless the caller cites a source.

CSV format (:func:`write_weather_csv`, :func:`read_weather_csv`): ``# key: value`` header lines
(``source``, ``latitude``, ``longitude``, ``altitude_m``, ``tz`` and the method), then the columns
``time`` (ISO 8601 with offset, start of the hour), ``ghi``, ``dni``, ``dhi`` [W/m², mean over the
hour], ``temp_air`` [°C] and optionally ``wind_speed`` [m/s].
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pvlib.irradiance import erbs

from zerocarbon.errors import InputError
from zerocarbon.renewables.pv import Site

COLUMNS = ("ghi", "dni", "dhi", "temp_air")
METHOD = ("synthetic: pvlib Ineichen-Perez clear sky (Linke turbidity from pvlib's climatology) x daily "
          "clear-sky index ~ Beta(mean mu_m, concentration phi), seeded; DNI/DHI by Erbs (1982); "
          "temperature by annual + diurnal cosines (zerocarbon.renewables.weather)")


@dataclass(frozen=True)
class SyntheticClimate:
    """Parameters of a synthetic year (module docstring).

    Attributes
    ----------
    clear_sky_index : sequence of 12 float
        Mean daily clear-sky index μ_m of each month [-], in (0, 1).
    concentration : float
        φ of the Beta distribution [-] (> 0; larger = less day-to-day spread).
    temp_mean_c, temp_annual_amplitude_c, temp_daily_amplitude_c : float
        T̄, A_y, A_d [°C].
    temp_peak_day, temp_peak_hour : float
        d_peak [day of year], h_peak [h].
    source : str
        Where the parameters come from (or that they are illustrative choices).
    """

    clear_sky_index: Sequence[float]
    concentration: float
    temp_mean_c: float
    temp_annual_amplitude_c: float
    temp_daily_amplitude_c: float
    temp_peak_day: float
    temp_peak_hour: float
    source: str

    def __post_init__(self) -> None:
        mu = np.asarray(self.clear_sky_index, float)
        if mu.shape != (12,) or np.any(mu <= 0) or np.any(mu >= 1) or self.concentration <= 0:
            raise InputError("晴空指数须为 12 个 (0, 1) 内的月均值，集中度须为正",
                             "the clear-sky index needs 12 monthly means in (0, 1) and a positive concentration",
                             field="clear_sky_index", expected="12 values in (0, 1); concentration > 0")


def synthetic_year(site: Site, year: int, climate: SyntheticClimate, seed: int) -> pd.DataFrame:
    """An hourly synthetic weather year [W/m², °C] (module docstring), index = start of each hour."""
    index = pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq="h", tz=site.tz, inclusive="left")
    mid = index + pd.Timedelta(minutes=30)
    loc = site.location()
    cs = loc.get_clearsky(mid, model="ineichen")
    solpos = loc.get_solarposition(mid)
    rng = np.random.default_rng(seed)
    days = np.asarray(index.normalize().asi8)
    _, first, inverse = np.unique(days, return_index=True, return_inverse=True)
    months = np.asarray(index.month)[first]
    mu = np.asarray(climate.clear_sky_index, float)[months - 1]
    k_day = rng.beta(mu * climate.concentration, (1.0 - mu) * climate.concentration)
    ghi = np.asarray(cs["ghi"], float) * k_day[inverse]
    split = erbs(ghi, np.asarray(solpos["zenith"], float), mid)
    dni = np.nan_to_num(np.asarray(split["dni"], float))
    dhi = np.nan_to_num(np.asarray(split["dhi"], float))
    doy = np.asarray(index.day_of_year, float)
    hour = np.asarray(index.hour, float)
    temp = (climate.temp_mean_c
            + climate.temp_annual_amplitude_c * np.cos(2 * np.pi * (doy - climate.temp_peak_day) / 365.25)
            + climate.temp_daily_amplitude_c * np.cos(2 * np.pi * (hour + 0.5 - climate.temp_peak_hour) / 24))
    return pd.DataFrame({"ghi": ghi, "dni": dni, "dhi": dhi, "temp_air": temp}, index=index)


def write_weather_csv(path: str | Path, weather: pd.DataFrame, site: Site, header: Mapping[str, str]) -> Path:
    """Write ``weather`` in the CSV format (module docstring) with its provenance header."""
    p = Path(path)
    lines = [f"# {k}: {v}" for k, v in {
        **header, "latitude": site.latitude, "longitude": site.longitude, "altitude_m": site.altitude_m,
        "tz": site.tz}.items()]
    cols = [c for c in (*COLUMNS, "wind_speed") if c in weather.columns]
    body = weather[cols].round(1).copy()
    body.insert(0, "time", [ts.isoformat() for ts in weather.index])
    p.write_text("\n".join(lines) + "\n" + body.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    return p


def read_weather_csv(path: str | Path) -> tuple[pd.DataFrame, Site, dict[str, str]]:
    """Read the CSV format: weather (tz-aware index), the site and the header (``source`` required).

    Raises
    ------
    InputError
        A missing header key or column, a bad number or time (with the file and row).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"无法读取气象文件：{exc}", f"cannot read the weather file: {exc}", file=str(p)) from exc
    header: dict[str, str] = {}
    body_start = 0
    for i, line in enumerate(text.splitlines()):
        if not line.startswith("#"):
            body_start = i
            break
        key, _, value = line[1:].partition(":")
        header[key.strip()] = value.strip()
    missing = [k for k in ("source", "latitude", "longitude", "tz") if k not in header]
    if missing:
        raise InputError(f"气象文件头缺少 {missing}", f"the weather file header lacks {missing}", file=str(p),
                         expected="# source: …, # latitude: …, # longitude: …, # tz: …")
    from io import StringIO

    frame = pd.read_csv(StringIO("\n".join(text.splitlines()[body_start:])))
    absent = [c for c in ("time", *COLUMNS) if c not in frame.columns]
    if absent:
        raise InputError(f"气象文件缺少列 {absent}", f"the weather file lacks columns {absent}", file=str(p),
                         expected="time, ghi, dni, dhi, temp_air")
    try:
        index = pd.DatetimeIndex(pd.to_datetime(frame.pop("time"), utc=True)).tz_convert(header["tz"])
        site = Site(float(header["latitude"]), float(header["longitude"]), float(header.get("altitude_m", 0)),
                    tz=header["tz"], name=header.get("site", ""))
        data = frame.astype(float).set_axis(index)
    except (ValueError, TypeError) as exc:
        raise InputError(f"气象文件数值或时间无效：{exc}", f"invalid number or time in the weather file: {exc}",
                         file=str(p)) from exc
    bad = np.flatnonzero(~np.isfinite(data[list(COLUMNS)].to_numpy()).all(axis=1))
    if len(bad):
        raise InputError("气象文件含空值或非数值", "the weather file has empty or non-numeric values", file=str(p),
                         row=int(bad[0]) + body_start + 2)
    return data, site, header
