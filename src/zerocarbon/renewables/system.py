"""The inputs of dispatch and sizing: the site's energy system over a horizon (plain values).

All power-like arrays are mean power over each time step [kW] on one tz-aware index (hourly or
15-minute); energies are power × step length [kWh]. Costs in CNY, emissions in kg or t CO2 as named.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from zerocarbon.errors import InputError
from zerocarbon.renewables.storage import Battery, ThermalStorage
from zerocarbon.renewables.tariffs import TouTariff

FloatArray = npt.NDArray[np.float64]


def as_profile(values: object, n: int, name: str, *, nonneg: bool = True) -> FloatArray:
    """``values`` (scalar or length-``n`` array) as a float array of length ``n``; bad input raises."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,) or not np.all(np.isfinite(arr)) or (nonneg and np.any(arr < 0)):
        raise InputError(f"{name} 须为 {n} 个有限{'非负' if nonneg else ''}数值",
                         f"{name} must be {n} finite{' non-negative' if nonneg else ''} values",
                         field=name, expected=f"{n} values, one per time step")
    return arr


@dataclass(frozen=True)
class Grid:
    """The grid connection.

    Attributes
    ----------
    tariff : TouTariff
        Energy prices, demand charge and export price (with their source).
    emission_factor : float or array
        Emission factor of grid imports [kgCO2/kWh], annual (scalar) or hourly (array).
    emission_factor_source : str
        Source of the factor (document, table, edition; the method regime decides which).
    non_fossil_share : float or array
        Non-fossil fraction of grid supply [-] credited in the non-fossil share and in hourly
        matching (24/7 CFE's grid CFE share); default 0 (no credit).
    import_limit_kw, export_limit_kw : float
        Connection limits [kW] (``inf`` = none; 0 export = no export allowed).
    """

    tariff: TouTariff
    emission_factor: float | FloatArray
    emission_factor_source: str
    non_fossil_share: float | FloatArray = 0.0
    import_limit_kw: float = float("inf")
    export_limit_kw: float = float("inf")


@dataclass(frozen=True)
class GreenContract:
    """Contracted green power (绿电直连 direct line or 绿电交易 trade) as an hourly profile.

    Attributes
    ----------
    name : str
    profile_kw : array
        Contracted power each step [kW].
    price : float
        Price [CNY/kWh] (delivered; no grid energy price on top).
    physical : bool
        True for a direct line / on-site (physically traceable); False for a contractual trade.
    must_take : bool
        True: take-or-pay, the whole profile is taken; False: up to the profile.
    source : str
        The contract (number, counterparty, period).
    """

    name: str
    profile_kw: FloatArray
    price: float
    physical: bool
    source: str
    must_take: bool = True


@dataclass(frozen=True)
class Heat:
    """A heat demand and the plant that can meet it (heat pump, electric boiler, gas boiler).

    Attributes
    ----------
    demand_kw : array
        Heat demand [kW_th].
    cop : array or float
        Heat-pump COP each step [-] (:mod:`zerocarbon.renewables.heat`).
    heat_pump_kw, electric_boiler_kw, gas_boiler_kw : float
        Thermal output capacities [kW_th] (heat pump: existing capacity when sized).
    electric_boiler_efficiency, gas_boiler_efficiency : float
        Efficiencies [-].
    gas_price : float
        Gas price per kWh of fuel (net calorific value) [CNY/kWh].
    gas_emission_factor : float
        Emission factor of gas per kWh of fuel [kgCO2/kWh].
    gas_source : str
        Source of the gas price and factor.
    storage : ThermalStorage or None
        Thermal storage charged from the heat pump and electric boiler, serving this demand.
    """

    demand_kw: FloatArray
    cop: float | FloatArray
    heat_pump_kw: float
    electric_boiler_kw: float = 0.0
    gas_boiler_kw: float = 0.0
    electric_boiler_efficiency: float = 1.0
    gas_boiler_efficiency: float = 1.0
    gas_price: float = 0.0
    gas_emission_factor: float = 0.0
    gas_source: str = ""
    storage: ThermalStorage | None = None


@dataclass(frozen=True)
class EnergySystem:
    """A site's energy system over a horizon: the input of dispatch (capacities fixed).

    Attributes
    ----------
    index : pandas.DatetimeIndex
        Start of each step, tz-aware, regular (1 h or 15 min).
    load_kw : array
        Electricity demand other than heat [kW].
    grid : Grid
    pv_profile, wind_profile : array or None
        Available output per unit of capacity [kW/kWp, kW/kW] (from :mod:`pv`, :mod:`wind`).
    pv_kwp, wind_kw : float
        Installed capacities [kWp, kW] (existing capacity when sized).
    battery : Battery or None
    heat : Heat or None
    contracts : tuple of GreenContract
    carbon_price : float
        Carbon price in the objective [CNY/tCO2].
    co2_cap_t : float or None
        Cap on emissions over the horizon [tCO2].
    min_non_fossil_share : float or None
        Minimum non-fossil share of final energy [-] (definition in docs/renewables.md).
    """

    index: pd.DatetimeIndex
    load_kw: FloatArray
    grid: Grid
    pv_profile: FloatArray | None = None
    pv_kwp: float = 0.0
    wind_profile: FloatArray | None = None
    wind_kw: float = 0.0
    battery: Battery | None = None
    heat: Heat | None = None
    contracts: tuple[GreenContract, ...] = field(default_factory=tuple)
    carbon_price: float = 0.0
    co2_cap_t: float | None = None
    min_non_fossil_share: float | None = None

    @property
    def steps(self) -> int:
        return len(self.index)

    @property
    def step_hours(self) -> float:
        """Length of one step [h]."""
        if len(self.index) < 2:
            return 1.0
        d = np.diff(self.index.asi8)
        if np.any(d != d[0]):
            raise InputError("时间索引须等间隔", "the time index must be regular", field="index",
                             expected="steps of 1 h or 15 min")
        return float(pd.Timedelta(self.index[1] - self.index[0]).total_seconds()) / 3600.0
