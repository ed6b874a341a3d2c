"""Thermal storage (蓄热) in dispatch and sizing: hand-checkable cases, hourly balances, standing loss."""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from tests.renewables.conftest import week_system

from zerocarbon.errors import InputError
from zerocarbon.renewables.dispatch import dispatch
from zerocarbon.renewables.formulation import CapacityVar
from zerocarbon.renewables.sizing import Candidate, _capacity_vars, size
from zerocarbon.renewables.storage import ThermalStorage, standing_loss_from_time_constant
from zerocarbon.renewables.system import EnergySystem, Grid, Heat
from zerocarbon.renewables.tariffs import two_price

DAY = pd.date_range("2026-01-05", periods=24, freq="h", tz="Asia/Shanghai")
DEMAND = np.where((np.arange(24) >= 8) & (np.arange(24) <= 12), 100.0, 0.0)  # 5 h × 100 kW_th = 500 kWh_th
VALLEY = np.ones(24, bool)
VALLEY[8:22] = False


def _tank(loss: float = 0.0, energy: float = 1000.0, **kw: object) -> ThermalStorage:
    return ThermalStorage(energy, 200.0, 100.0, loss, 1.0, 1.0, "hand case", soc_initial=0.0,
                          **kw)  # type: ignore[arg-type]


def _day(tank: ThermalStorage | None, eb_kw: float = 300.0) -> EnergySystem:
    """No electric load; heat 100 kW_th 08–13 h; 谷 0.3 (0–8, 22–24 h) / 峰 1.0 CNY/kWh; electric boiler
    η = 1; gas boiler η = 1 at 0.5 CNY/kWh; no heat pump; no carbon price."""
    grid = Grid(two_price(range(8, 22), 1.0, 0.3, "hand case"), 0.5, "hand case", export_limit_kw=0)
    heat = Heat(DEMAND, 3.0, 0.0, electric_boiler_kw=eb_kw, gas_boiler_kw=float("inf"), electric_boiler_efficiency=1.0,
                gas_boiler_efficiency=1.0, gas_price=0.5, gas_source="hand case", storage=tank)
    return EnergySystem(DAY, np.zeros(24), grid, heat=heat)


def test_night_charge_serves_day_heat() -> None:
    """σ = 0: the 500 kWh_th of day heat come from the tank, charged by the electric boiler at the 谷 price:
    500 · 0.3 = 150 CNY (gas alone: 500 · 0.5 = 250; electric boiler by day: 1.0/kWh)."""
    r = dispatch(_day(_tank()))
    assert_allclose(r.objective, 150.0, rtol=1e-7)
    h = r.hourly
    assert_allclose(h["thermal_charge"][VALLEY].sum(), 500.0, rtol=1e-7)
    assert np.all(h["thermal_charge"][~VALLEY] < 1e-7)
    assert_allclose(h["thermal_discharge"], DEMAND, atol=1e-7)
    assert np.all(h["gas_boiler"] < 1e-7)
    assert_allclose(r.balance["gas"], 0.0, atol=1e-6)
    without = dispatch(_day(None))
    assert_allclose(without.objective, 250.0, rtol=1e-7)


def test_standing_loss_charges_late_and_is_accounted() -> None:
    """σ = 1 %/h. Heat must be in the tank at the end of hour 7: X = 100 · Σ_{k=1..5} 0.99^−k; losses make
    charging as late as possible strictly cheaper, so the boiler charges 200 kW at 7 h and 6 h and
    y = (X − 200 − 0.99·200) / 0.99² at 5 h. Cost 0.3 · (400 + y)."""
    x = 100.0 * sum(0.99 ** -k for k in range(1, 6))
    y = (x - 200.0 - 0.99 * 200.0) / 0.99**2
    r = dispatch(_day(_tank(0.01)))
    assert_allclose(r.objective, 0.3 * (400.0 + y), rtol=1e-7)
    c = r.hourly["thermal_charge"]
    assert_allclose(c[[5, 6, 7]], [y, 200.0, 200.0], rtol=1e-7)
    assert np.all(np.delete(c, [5, 6, 7]) < 1e-7)
    e = r.hourly["thermal_soc"]
    prev = np.concatenate([[0.0], e[:-1]])
    assert_allclose(r.balance["thermal_loss"], 0.01 * prev.sum(), rtol=1e-9)
    assert_allclose(r.balance["thermal_loss"], 400.0 + y - 500.0 - e[-1], rtol=1e-7)


def _week_with_tank() -> EnergySystem:
    s = week_system()
    assert s.heat is not None
    tank = ThermalStorage(600.0, 120.0, 90.0, 0.004, 0.97, 0.96, "synthetic test store", soc_min=0.05)
    heat = Heat(**{**s.heat.__dict__, "heat_pump_kw": 150.0, "electric_boiler_kw": 150.0,
                   "electric_boiler_efficiency": 0.99, "storage": tank})
    return EnergySystem(**{**s.__dict__, "heat": heat})


def test_hourly_balances_close() -> None:
    """Each hour: electricity supplied = load + heat-pump and boiler input + battery charge − discharge;
    heat: hp + eb + gas + thermal discharge − charge = demand; the store: e_t = (1 − σ) e_{t−1} + η_c c −
    d/η_d (cyclic); charge ≤ electric heat; over the week charge − discharge − losses = Δ stored."""
    s = _week_with_tank()
    assert s.heat is not None and s.heat.storage is not None
    r = dispatch(s)
    h, ts = r.hourly, s.heat.storage
    cop = np.asarray(s.heat.cop)
    supply = h["import"] - h["export"] + h["pv"] + h["wind"] + h["discharge"] - h["charge"]
    demand = s.load_kw + h["heat_pump"] / cop + h["electric_boiler"] / 0.99
    assert_allclose(supply, demand, atol=1e-6)
    heat = h["heat_pump"] + h["electric_boiler"] + h["gas_boiler"] + h["thermal_discharge"] - h["thermal_charge"]
    assert_allclose(heat, s.heat.demand_kw, atol=1e-6)
    e = h["thermal_soc"]
    assert_allclose(e, np.roll(e, 1) * (1 - ts.standing_loss) + 0.97 * h["thermal_charge"]
                    - h["thermal_discharge"] / 0.96, atol=1e-6)
    assert np.all(h["thermal_charge"] <= h["heat_pump"] + h["electric_boiler"] + 1e-6)
    assert np.all(e >= 0.05 * 600 - 1e-6) and np.all(e <= 600 + 1e-6)
    b = r.balance
    assert b["thermal_discharge"] > 0
    assert_allclose(b["thermal_charge"] - b["thermal_discharge"] - b["thermal_loss"] - b["thermal_conversion_loss"],
                    b["thermal_stored_end"] - b["thermal_stored_start"], atol=1e-6)


def test_sizing_tank_with_cost() -> None:
    """CRF(0, 10 a) = 0.1; capex 365 CNY/kWh_th → 36.5 CNY/(kWh_th·a) → 0.1 CNY/kWh_th over the day, below the
    0.2 CNY/kWh_th the tank saves (gas 0.5 vs 谷 0.3): the tank is sized to the day's 500 kWh_th, cost
    150 + 0.1 · 500 = 200 CNY. At 1095 CNY/kWh_th (0.3/day) no tank pays: 250 CNY with gas."""
    cand = {"thermal_storage_kwh": Candidate(365.0, 10.0, "hand case")}
    r = size(_day(_tank(energy=0.0)), cand)
    assert_allclose(r.capacities["thermal_storage_kwh"], 500.0, rtol=1e-7)
    assert_allclose(r.result.objective, 200.0, rtol=1e-7)
    assert_allclose(r.result.costs["capacity"], 50.0, rtol=1e-7)
    dear = size(_day(_tank(energy=0.0)), {"thermal_storage_kwh": Candidate(1095.0, 10.0, "hand case")})
    assert_allclose(dear.capacities["thermal_storage_kwh"], 0.0, atol=1e-7)
    assert_allclose(dear.result.objective, 250.0, rtol=1e-7)


def test_sizing_tank_power() -> None:
    """With the power sized too (free energy capacity, 3.65 CNY/(kW·a) → 0.01 CNY/kW per day), discharge at
    100 kW_th needs P = 100: 150 + 0.01 · 100 = 151 CNY (charging 500 kWh_th over 10 valley hours needs only
    50 kW, so the discharge sets P)."""
    cand = {"thermal_storage_kwh": Candidate(0.0, 10.0, "hand case"),
            "thermal_storage_kw": Candidate(36.5, 10.0, "hand case")}
    r = size(_day(_tank(energy=0.0)), cand)
    assert_allclose(r.capacities["thermal_storage_kw"], 100.0, rtol=1e-7)
    assert_allclose(r.result.objective, 151.0, rtol=1e-7)


def test_inputs_are_checked() -> None:
    with pytest.raises(InputError):
        ThermalStorage(100.0, 10.0, 10.0, 0.01, 1.0, 1.0, " ")
    with pytest.raises(InputError):
        ThermalStorage(100.0, 10.0, 10.0, 1.5, 1.0, 1.0, "x")
    with pytest.raises(InputError):
        size(_day(None), {"thermal_storage_kwh": Candidate(1.0, 10.0, "x")})
    assert_allclose(standing_loss_from_time_constant(24.0), 1.0 - math.exp(-1.0 / 24.0))
    with pytest.raises(InputError):
        standing_loss_from_time_constant(0.0)


def _with_store(peer: ModuleType, s: EnergySystem, caps: dict[str, CapacityVar] | None = None) -> Any:
    """The peer's network plus the store: electric heat goes to a bus ``eheat`` that feeds the heat bus and
    the store's charger (so only electric heat charges it); Store with PyPSA's ``standing_loss`` (per hour,
    ``(1 − σ)^Δt`` per step), discharger rated on its input (P/η_d)."""
    assert s.heat is not None and s.heat.storage is not None
    ts, big = s.heat.storage, peer.BIG
    n = peer.network(s, caps)
    n.add("Bus", "eheat")
    n.add("Bus", "tes")
    for name in ("heat_pump", "electric_boiler"):
        if name in n.links.index:
            n.links.loc[name, "bus1"] = "eheat"
    n.add("Link", "eheat_to_heat", bus0="eheat", bus1="heat", p_nom=big, carrier="AC")
    n.add("Link", "tes_charger", bus0="eheat", bus1="tes", efficiency=ts.eta_charge, p_nom=ts.charge_kw, carrier="AC")
    n.add("Link", "tes_discharger", bus0="tes", bus1="heat", efficiency=ts.eta_discharge,
          p_nom=ts.discharge_kw / ts.eta_discharge, carrier="AC")
    skw: dict[str, object] = {"e_min_pu": ts.soc_min, "e_max_pu": ts.soc_max, "standing_loss": ts.standing_loss,
                              "e_cyclic": True, "carrier": "AC"}
    if caps and "thermal_storage_kwh" in caps:
        cv = caps["thermal_storage_kwh"]
        skw.update(e_nom_extendable=True, capital_cost=cv.annual_cost * s.steps * s.step_hours / 8760.0,
                   e_nom_min=cv.lower, e_nom_max=min(cv.upper, big))
    else:
        skw["e_nom"] = ts.energy_kwh
    n.add("Store", "tes", bus="tes", **skw)
    return n


def test_dispatch_with_store_equals_pypsa(peer: ModuleType) -> None:
    """The week with the tank (σ = 0.4 %/h, η 0.97/0.96, soc_min 5 %), cyclic: objectives within 1e-6."""
    s = _week_with_tank()
    assert_allclose(dispatch(s).objective, peer.solve(_with_store(peer, s)), rtol=1e-6)


@pytest.mark.parametrize("coarse", [False, True])
def test_sizing_store_equals_pypsa(peer: ModuleType, coarse: bool) -> None:
    """Sizing the tank's energy (30 CNY/kWh_th, 20 a, CRF at 6 %) and the heat pump side by side (solved cold
    and from the coarse guess, renewables/coarse.py)."""
    s = _week_with_tank()
    cands = {"thermal_storage_kwh": Candidate(30.0, 20.0, "synthetic"),
             "heat_pump_kw": Candidate(2500, 20, "synthetic")}
    ours = size(s, cands, discount_rate=0.06, start_from_coarse=coarse)
    assert ours.capacities["thermal_storage_kwh"] > 0
    theirs = peer.solve(_with_store(peer, s, _capacity_vars(cands, 0.06)), sizing=True)
    assert_allclose(ours.result.objective, theirs, rtol=1e-6)
