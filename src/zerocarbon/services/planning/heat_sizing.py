"""The heat side of the plan's sizing: the boiler's heat demand, a heat pump and thermal storage (蓄热).

When the assumptions' ``sizing`` names ``heat_pump_kw``, ``thermal_storage_kwh`` or
``thermal_storage_kw``, the sizing programme gets the baseline's boiler heat as an hourly demand
[kW_th] = gas [GJ/a] × boiler efficiency / 0.0036 GJ/kWh × the hourly heat shape, the gas boiler
(unlimited, at the baseline's efficiency, gas price and emission factor) and the candidates:

* ``heat_pump_kw``: ``capex`` [CNY/kW_th], ``lifetime_years``, ``sink_c`` (supply temperature [°C]; COP
  by Staffell et al. 2012 from the weather year's air temperature, :mod:`zerocarbon.renewables.heat`);
* ``thermal_storage_kwh``: ``capex`` [CNY/kWh_th], ``lifetime_years``, ``standing_loss`` [1/h] (or
  ``time_constant_h`` [h]), ``eta_charge``, ``eta_discharge`` [-], and ``charge_kw`` / ``discharge_kw``
  [kW_th] unless ``thermal_storage_kw`` (``capex`` [CNY/kW_th], ``lifetime_years``) is sized too.

Every figure of the store is a required input (no default is assumed: they are properties of the
tank, steam accumulator or salt store, from its data sheet); a missing one raises naming the field.
The store is charged only from heat-pump output (no electric boiler in the plan's baseline).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from zerocarbon.errors import InputError
from zerocarbon.renewables.roadmap import GJ_PER_KWH, Baseline
from zerocarbon.renewables.storage import ThermalStorage, standing_loss_from_time_constant
from zerocarbon.renewables.system import Heat
from zerocarbon.services.planning.assumptions import Assumptions, Sourced

HEAT_DECISIONS = ("heat_pump_kw", "thermal_storage_kwh", "thermal_storage_kw")


def _need(a: Assumptions, spec: Mapping[str, Sourced], name: str, key: str) -> Sourced:
    if key not in spec:
        raise InputError(f"优化配置缺少 sizing.{name}.{key}", f"sizing needs sizing.{name}.{key}", file=str(a.path),
                         field=f"sizing.{name}.{key}", expected="{value: …, source: …} (no default is assumed)")
    return spec[key]


def thermal_store(a: Assumptions) -> ThermalStorage | None:
    """The thermal store of ``sizing.thermal_storage_kwh`` (capacities left to the sizing), or None."""
    spec = a.sizing.get("thermal_storage_kwh")
    if spec is None:
        if "thermal_storage_kw" in a.sizing:
            raise InputError("蓄热功率配置需要 sizing.thermal_storage_kwh", "sizing thermal_storage_kw needs "
                             "sizing.thermal_storage_kwh", file=str(a.path), field="sizing.thermal_storage_kwh")
        return None
    name = "thermal_storage_kwh"
    if "standing_loss" in spec:
        loss = spec["standing_loss"]
        sigma, loss_src = loss.value, loss.source
    else:
        tau = _need(a, spec, name, "time_constant_h")
        sigma, loss_src = standing_loss_from_time_constant(tau.value), f"from τ = {tau.value} h ({tau.source})"
    power = "thermal_storage_kw" in a.sizing
    ck = 0.0 if power else _need(a, spec, name, "charge_kw").value
    dk = 0.0 if power else _need(a, spec, name, "discharge_kw").value
    ec, ed = _need(a, spec, name, "eta_charge"), _need(a, spec, name, "eta_discharge")
    try:
        return ThermalStorage(0.0, ck, dk, sigma, ec.value, ed.value,
                              f"standing loss: {loss_src}; η_c: {ec.source}; η_d: {ed.source}")
    except InputError as exc:
        raise exc.with_location(file=str(a.path)) from None


def heat_for_sizing(b: Baseline, a: Assumptions) -> Heat | None:
    """The heat demand and plant of the sizing programme (module docstring), or None without heat decisions."""
    if not any(k in a.sizing for k in HEAT_DECISIONS):
        return None
    if b.gas_gj <= 0:
        raise InputError("基准年没有锅炉用气：无热负荷可配置热泵或蓄热", "the baseline burns no boiler gas: there is "
                         "no heat demand for a heat pump or thermal storage", file=str(a.path), field="sizing")
    if "heat_pump_kw" not in a.sizing:
        raise InputError("蓄热只由热泵充热：需同时配置 sizing.heat_pump_kw", "thermal storage is charged by the heat "
                         "pump only: sizing.heat_pump_kw is needed too", file=str(a.path), field="sizing.heat_pump_kw")
    if b.temp_air_c is None:
        raise InputError("热泵需要逐时气温", "a heat pump needs the hourly air temperature", file=str(a.path),
                         field="weather.temp_air")
    from zerocarbon.renewables.heat import cop_staffell

    sink = _need(a, a.sizing["heat_pump_kw"], "heat_pump_kw", "sink_c").value
    cop = np.maximum(cop_staffell(np.asarray(b.temp_air_c, float), sink, "air"), 1.0)
    demand = b.gas_gj * b.boiler_efficiency / GJ_PER_KWH * np.asarray(b.heat_shape, float)
    return Heat(demand, cop, 0.0, gas_boiler_kw=float("inf"), gas_boiler_efficiency=b.boiler_efficiency,
                gas_price=b.gas_price * GJ_PER_KWH, gas_emission_factor=b.ef_gas * 1000.0 * GJ_PER_KWH,
                gas_source="baseline gas price and the inventory's gas emission factor", storage=thermal_store(a))


def heat_summary(hourly: Mapping[str, Any], balance: Mapping[str, float]) -> dict[str, float]:
    """Heat figures of a sized plan [kWh_th/a]: demand met by each plant and the store's flows and losses."""
    out = {k: float(np.sum(hourly[k])) for k in ("heat_pump", "gas_boiler", "thermal_charge", "thermal_discharge")
           if k in hourly}
    out.update({k: float(v) for k, v in balance.items() if k.startswith("thermal_")})
    return out
