"""Photovoltaic output with pvlib (PVWatts model chain), from site, arrays and hourly weather.

Each array runs through :class:`pvlib.modelchain.ModelChain` with the PVWatts models
(``dc_model="pvwatts"``, ``ac_model="pvwatts"``, ``losses_model="pvwatts"``): transposition to the
plane of array (Perez 1990, as PVWatts v5 and pvlib's ``PVWATTS_CONFIG``), SAPM cell temperature, the
PVWatts DC model ``P_dc = G_poa/1000 · P_dc0 · (1 + γ (T_cell − 25))``, PVWatts system losses and
the PVWatts inverter curve. References: Dobos, *PVWatts Version 5 Manual*, NREL/TP-6A20-62641
(2014); pvlib python, Anderson et al., J. Open Source Softw. 8 (2023) 5994, https://pvlib.readthedocs.io.

Defaults (each documented where it comes from):

* ``gamma_pdc = −0.0047 /°C``: PVWatts v5 "standard" module type (Dobos 2014, Table 2);
* ``losses``: pvlib's :func:`pvlib.pvsystem.pvwatts_losses` defaults (total 14.08 %, the PVWatts v5
  default system losses, Dobos 2014 §"System losses");
* ``inverter_efficiency = 0.96``: PVWatts v5 nominal inverter efficiency (Dobos 2014), also pvlib's
  ``pvwatts_inverter`` default;
* temperature model: pvlib ``TEMPERATURE_MODEL_PARAMETERS["sapm"][mount]`` (King et al., SAND2004-3535).
  Missing ``temp_air``/``wind_speed`` columns are filled by pvlib with 20 °C and 0 m/s.

Clear-sky fallback (:func:`clear_sky_weather`): pvlib's Ineichen–Perez clear-sky model (Linke
turbidity from pvlib's monthly climatology) scaled by a user-supplied derate; the result is flagged
(``clear_sky_fallback=True``) because clear-sky irradiance overstates a real year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from pvlib.iotools import read_epw, read_tmy3
from pvlib.location import Location
from pvlib.modelchain import ModelChain
from pvlib.pvsystem import Array, FixedMount, PVSystem
from pvlib.temperature import TEMPERATURE_MODEL_PARAMETERS

from zerocarbon.errors import InputError

#: PVWatts v5 standard module temperature coefficient [1/°C] (Dobos 2014, Table 2).
GAMMA_STANDARD = -0.0047
#: PVWatts v5 nominal inverter efficiency [-] (Dobos 2014).
ETA_INVERTER = 0.96
WEATHER_COLUMNS = ("ghi", "dni", "dhi")


@dataclass(frozen=True)
class Site:
    """Where the plant is.

    Attributes
    ----------
    latitude, longitude : float
        Degrees north and east [°].
    altitude_m : float
        Altitude above sea level [m].
    tz : str
        IANA time zone of the weather index (default Asia/Shanghai).
    name : str
        Label.
    """

    latitude: float
    longitude: float
    altitude_m: float = 0.0
    tz: str = "Asia/Shanghai"
    name: str = ""

    def location(self) -> Location:
        return Location(self.latitude, self.longitude, tz=self.tz, altitude=self.altitude_m, name=self.name)


@dataclass(frozen=True)
class PVArray:
    """One PV array with its own inverter.

    Attributes
    ----------
    name : str
        Label.
    tilt_deg, azimuth_deg : float
        Surface tilt from horizontal [°] and azimuth clockwise from north (180 = south) [°].
    kwp : float
        DC nameplate capacity P_dc0 [kWp].
    losses : Mapping[str, float] or None
        PVWatts loss breakdown [%] (keys of :func:`pvlib.pvsystem.pvwatts_losses`); None = pvlib's
        defaults (14.08 % total).
    gamma_pdc : float
        Power temperature coefficient γ [1/°C].
    inverter_efficiency : float
        Nominal inverter efficiency [-].
    ac_kw : float or None
        Inverter AC rating [kW]; None = ``kwp`` (DC/AC ratio 1, no clipping: our choice, stated).
    mount : str
        Key of pvlib's SAPM temperature parameters (``open_rack_glass_polymer``, ``close_mount_glass_glass``, …).
    """

    name: str
    tilt_deg: float
    azimuth_deg: float
    kwp: float
    losses: Mapping[str, float] | None = None
    gamma_pdc: float = GAMMA_STANDARD
    inverter_efficiency: float = ETA_INVERTER
    ac_kw: float | None = None
    mount: str = "open_rack_glass_polymer"

    def __post_init__(self) -> None:
        if not (0 <= self.tilt_deg <= 90 and 0 <= self.azimuth_deg <= 360 and self.kwp > 0
                and 0 < self.inverter_efficiency <= 1):
            raise InputError(f"光伏阵列 {self.name} 参数无效", f"PV array {self.name} has invalid parameters",
                             field="tilt_deg/azimuth_deg/kwp/inverter_efficiency",
                             expected="0–90°, 0–360°, kWp > 0, 0 < η_inv ≤ 1")
        if self.mount not in TEMPERATURE_MODEL_PARAMETERS["sapm"]:
            raise InputError(f"未知安装方式 {self.mount}", f"unknown mount {self.mount}", field="mount",
                             expected=", ".join(TEMPERATURE_MODEL_PARAMETERS["sapm"]))


@dataclass(frozen=True)
class PVResult:
    """Simulated PV output.

    Attributes
    ----------
    ac_kw : pandas.Series
        Total AC output, mean power over each step [kW].
    per_array_kw : dict[str, pandas.Series]
        AC output of each array [kW].
    annual_kwh : float
        Energy over the index [kWh] (sum of power × step length).
    specific_yield : float
        ``annual_kwh`` / total kWp [kWh/kWp].
    weather_source : str
        Where the weather came from.
    clear_sky_fallback : bool
        True when the weather is scaled clear sky, not measured or typical-year data.
    derate : float or None
        The clear-sky derate used [-].
    method : str
        The models used (for the trace).
    kwp : float
        Total DC capacity simulated [kWp].
    """

    ac_kw: pd.Series
    per_array_kw: dict[str, pd.Series]
    annual_kwh: float
    specific_yield: float
    weather_source: str
    clear_sky_fallback: bool
    derate: float | None
    method: str
    kwp: float

    def profile(self) -> npt.NDArray[np.float64]:
        """Output per kWp installed [kW/kWp], the availability profile for dispatch and sizing."""
        return np.asarray(self.ac_kw, dtype=np.float64) / self.kwp


METHOD = ("pvlib ModelChain (PVWatts DC/AC/losses, SAPM cell temperature, Perez transposition, "
          "physical IAM)")


def simulate_pv(site: Site, arrays: Sequence[PVArray], weather: pd.DataFrame, weather_source: str,
                *, clear_sky_fallback: bool = False, derate: float | None = None) -> PVResult:
    """AC output of PV arrays [kW] for hourly (or sub-hourly) weather.

    Parameters
    ----------
    site : Site
    arrays : sequence of PVArray
    weather : pandas.DataFrame
        Time-zone-aware index (start of each interval); columns ``ghi``, ``dni``, ``dhi`` [W/m²],
        optional ``temp_air`` [°C], ``wind_speed`` [m/s].
    weather_source : str
        Provenance of the weather (file, dataset, method); required.
    """
    missing = [c for c in WEATHER_COLUMNS if c not in weather.columns]
    if missing or not isinstance(weather.index, pd.DatetimeIndex) or weather.index.tz is None:
        raise InputError(f"气象数据缺少列 {missing} 或无时区时间索引",
                         f"weather lacks columns {missing} or a time-zone-aware index",
                         field="weather", expected="ghi, dni, dhi [W/m²] on a tz-aware DatetimeIndex")
    if not weather_source.strip():
        raise InputError("气象数据缺少来源", "the weather has no stated source", field="weather_source",
                         expected="file, dataset or generating method")
    if not arrays:
        raise InputError("至少需要一个光伏阵列", "at least one PV array is needed", field="arrays")
    loc = site.location()
    per: dict[str, pd.Series] = {}
    for arr in arrays:
        mount = FixedMount(surface_tilt=arr.tilt_deg, surface_azimuth=arr.azimuth_deg)
        array = Array(mount, module_parameters={"pdc0": arr.kwp * 1000.0, "gamma_pdc": arr.gamma_pdc},
                      temperature_model_parameters=TEMPERATURE_MODEL_PARAMETERS["sapm"][arr.mount])
        ac_w = (arr.ac_kw if arr.ac_kw is not None else arr.kwp) * 1000.0
        system = PVSystem(arrays=[array], inverter_parameters={
            "pdc0": ac_w / arr.inverter_efficiency, "eta_inv_nom": arr.inverter_efficiency},
            losses_parameters=dict(arr.losses or {}))
        mc = ModelChain(system, loc, dc_model="pvwatts", ac_model="pvwatts", aoi_model="physical",
                        spectral_model="no_loss", losses_model="pvwatts", transposition_model="perez")
        mc.run_model(weather)
        per[arr.name] = (mc.results.ac.clip(lower=0.0).fillna(0.0) / 1000.0).rename(arr.name)
    total = sum(per.values()).rename("ac_kw")  # type: ignore[union-attr]
    step_h = _step_hours(weather.index)
    annual = float(np.asarray(total).sum() * step_h)
    kwp = sum(a.kwp for a in arrays)
    return PVResult(total, per, annual, annual / kwp, weather_source, clear_sky_fallback, derate,
                    METHOD + (f"; clear-sky fallback (Ineichen–Perez) × derate {derate}" if clear_sky_fallback else ""),
                    kwp)


def _step_hours(index: pd.DatetimeIndex) -> float:
    if len(index) < 2:
        return 1.0
    return float(pd.Series(index).diff().median().total_seconds() / 3600.0)


def clear_sky_weather(site: Site, index: pd.DatetimeIndex, derate: float,
                      temp_air_c: float | pd.Series | None = None) -> pd.DataFrame:
    """Clear-sky irradiance (pvlib Ineichen–Perez) × derate, the flagged fallback weather.

    Parameters
    ----------
    derate : float
        Ratio of the site's real to clear-sky irradiation, in (0, 1] [-]; user-supplied from a
        documented source (no default: it is site-specific).
    temp_air_c : float or Series, optional
        Air temperature [°C]; None lets pvlib assume 20 °C.
    """
    if not 0 < derate <= 1:
        raise InputError("晴空折减系数须在 (0, 1] 内", "the clear-sky derate must be in (0, 1]",
                         field="derate", expected="0 < derate ≤ 1")
    cs = site.location().get_clearsky(index, model="ineichen") * derate
    if temp_air_c is not None:
        cs["temp_air"] = temp_air_c
    return cs


def simulate_pv_clear_sky(site: Site, arrays: Sequence[PVArray], index: pd.DatetimeIndex, derate: float,
                          derate_source: str, temp_air_c: float | pd.Series | None = None) -> PVResult:
    """PV output on derated clear-sky weather; flagged as a fallback in the result."""
    weather = clear_sky_weather(site, index, derate, temp_air_c)
    return simulate_pv(site, arrays, weather, f"clear sky (pvlib Ineichen–Perez) × {derate}; derate from "
                       f"{derate_source}", clear_sky_fallback=True, derate=derate)


def read_weather(path: str | Path) -> tuple[pd.DataFrame, Site, str]:
    """Read an EPW or TMY3 file with pvlib.iotools (``map_variables``): weather, site, source text."""
    p = Path(path)
    suffix = p.suffix.lower()
    try:
        if suffix == ".epw":
            data, meta = read_epw(p, coerce_year=None)
            site = Site(meta["latitude"], meta["longitude"], meta["altitude"], name=str(meta.get("city", "")),
                        tz=_fixed_tz(meta["TZ"]))
        elif suffix == ".csv":
            data, meta = read_tmy3(p, map_variables=True)
            site = Site(meta["latitude"], meta["longitude"], meta["altitude"], name=str(meta.get("Name", "")),
                        tz=_fixed_tz(meta["TZ"]))
        else:
            raise InputError(f"不支持的气象文件类型 {suffix}", f"unsupported weather file type {suffix}",
                             file=str(p), expected=".epw (EnergyPlus) or .csv (TMY3)")
    except (KeyError, ValueError) as exc:
        raise InputError(f"无法读取气象文件：{exc}", f"cannot read the weather file: {exc}", file=str(p),
                         expected="an EPW or TMY3 file") from exc
    return data, site, f"{p.name} read by pvlib.iotools ({'EPW' if suffix == '.epw' else 'TMY3'})"


def _fixed_tz(hours: float) -> str:
    h = round(float(hours))
    return f"Etc/GMT{-h:+d}" if h else "UTC"
