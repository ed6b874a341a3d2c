"""Dispatch: hand-checkable cases with known optimal dispatch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from zerocarbon.errors import InputError
from zerocarbon.renewables.dispatch import dispatch
from zerocarbon.renewables.explain import InfeasibleTarget
from zerocarbon.renewables.storage import Battery
from zerocarbon.renewables.system import EnergySystem, GreenContract, Grid
from zerocarbon.renewables.tariffs import TouTariff, two_price

DAY = pd.date_range("2026-01-05", periods=24, freq="h", tz="Asia/Shanghai")


def _day(carbon_price: float = 0.0, **kw: object) -> EnergySystem:
    tar = two_price(range(8, 22), 1.0, 0.3, "hand case")
    grid = Grid(tar, 0.5, "hand case", export_limit_kw=0)
    return EnergySystem(DAY, np.full(24, 100.0), grid, battery=Battery(200, 50, 0.9, 0.9),
                        carbon_price=carbon_price, **kw)  # type: ignore[arg-type]


def test_one_day_battery_two_prices() -> None:
    """Load 100 kW flat; 峰 1.0 CNY/kWh 08–22 h (14 h), 谷 0.3 otherwise (10 h, contiguous over midnight);
    battery 200 kWh / 50 kW, η_c = η_d = 0.9, cyclic. One full cycle is optimal: store 200 kWh, i.e.
    charge 200/0.9 = 222.22 kWh in 谷 and deliver 200·0.9 = 180 kWh in 峰.
    Cost = 100·(14·1.0 + 10·0.3) − 180·1.0 + 222.22·0.3 = 1700 − 180 + 66.667 = 1586.667 CNY."""
    r = dispatch(_day())
    assert_allclose(r.objective, 1586.6667, rtol=1e-6)
    assert_allclose(r.hourly["discharge"].sum(), 180.0, rtol=1e-6)
    assert_allclose(r.hourly["charge"].sum(), 2000 / 9, rtol=1e-6)
    peak = np.zeros(24, bool)
    peak[8:22] = True
    assert np.all(r.hourly["charge"][peak] < 1e-9) and np.all(r.hourly["discharge"][~peak] < 1e-9)


def test_carbon_price_adds_to_price() -> None:
    """As above with EF 0.5 kg/kWh and 100 CNY/t (adds 0.05 CNY/kWh): 2400·0.05 = 120 more, the cycle
    gains 180·1.05 − 222.22·0.35 = 111.222: objective 1820 − 111.222 = 1708.778; emissions
    (2400 − 180 + 222.22)·0.5 kg = 1.2211 t."""
    r = dispatch(_day(carbon_price=100.0))
    assert_allclose(r.objective, 1708.7778, rtol=1e-6)
    assert_allclose(r.emissions_t, 1.221111, rtol=1e-6)
    assert_allclose(r.costs["total"], r.objective, rtol=1e-9)


def test_co2_cap_infeasible_explains_best_level() -> None:
    """Without on-site supply the least emissions are 2400 kWh · 0.5 = 1.2 t: a 1.0 t cap fails by 0.2 t."""
    with pytest.raises(InfeasibleTarget) as exc:
        dispatch(_day(co2_cap_t=1.0))
    info = exc.value.details["residual_emissions_t"]
    assert_allclose(info["best"], 1.2, rtol=1e-6)  # type: ignore[index]
    assert "1.200" in exc.value.message_en


def test_pv_export_limit_and_contract_shares() -> None:
    """PV 100 kW at hours 10–13 on 50 kW load with a must-take physical contract of 10 kW all day and an
    export limit of 20 kW: PV serves 40 kW, exports 20 kW, 40 kW is curtailed each of the 4 hours."""
    pv = np.zeros(24)
    pv[10:14] = 1.0
    tar = TouTariff(("平",) * 24, {"平": 0.6}, "hand case", export_price=0.2)
    grid = Grid(tar, 0.5, "hand case", export_limit_kw=20)
    c = GreenContract("line", np.full(24, 10.0), 0.4, physical=True, source="hand case")
    s = EnergySystem(DAY, np.full(24, 50.0), grid, pv_profile=pv, pv_kwp=100, contracts=(c,))
    r = dispatch(s)
    assert_allclose(r.hourly["export"][10:14], 20.0, atol=1e-9)
    assert_allclose(r.balance["pv"], 4 * 60.0)
    # consumed 1200 kWh; on-site used 240 − 80 = 160; contract 240 kWh physical
    assert_allclose(r.indicators["physical_share"], (160 + 240) / 1200, rtol=1e-9)
    assert_allclose(r.indicators["self_consumption"], 160 / 240, rtol=1e-9)
    assert_allclose(r.indicators["hourly_matching"], 1 - r.balance["import"] / 1200, rtol=1e-9)
    # cost: import 1200 − 240 − 160 = 800 kWh · 0.6 + 240 · 0.4 − 80 · 0.2
    assert_allclose(r.objective, 800 * 0.6 + 96 - 16, rtol=1e-9)


def test_min_share_forces_contract_take() -> None:
    """An optional contract (0.8 CNY/kWh > grid 0.6) is taken only as far as a 50 % share requires."""
    tar = TouTariff(("平",) * 24, {"平": 0.6}, "hand case")
    grid = Grid(tar, 0.5, "hand case", export_limit_kw=0)
    c = GreenContract("trade", np.full(24, 100.0), 0.8, physical=False, must_take=False, source="hand case")
    r = dispatch(EnergySystem(DAY, np.full(24, 100.0), grid, contracts=(c,), min_non_fossil_share=0.5))
    assert_allclose(r.balance["contracts"], 1200.0, rtol=1e-6)
    assert_allclose(r.indicators["non_fossil_share"], 0.5, rtol=1e-6)
    assert_allclose(r.indicators["physical_share"], 0.0, atol=1e-9)


def test_demand_charge_flattens_import() -> None:
    """Demand charge 100 CNY/kW·month, flat energy price: the battery shaves a 2-hour 200 kW peak on a 100 kW
    base down to the level where its 100 kWh (η = 1) covers the excess: 2·(200 − P) = 100 → P = 150 kW."""
    load = np.full(24, 100.0)
    load[18:20] = 200.0
    tar = TouTariff(("平",) * 24, {"平": 0.5}, "hand case", demand_charge=100.0)
    s = EnergySystem(DAY, load, Grid(tar, 0.0, "hand case", export_limit_kw=0), battery=Battery(100, 100, 1.0, 1.0))
    r = dispatch(s)
    assert_allclose(r.hourly["import"].max(), 150.0, rtol=1e-6)
    assert_allclose(r.costs["demand_charge"], 15000.0, rtol=1e-6)


def test_fifteen_minute_steps_match_hourly() -> None:
    """The same flat day at 15-minute resolution gives the same cost (energy = power × 0.25 h)."""
    idx = pd.date_range("2026-01-05", periods=96, freq="15min", tz="Asia/Shanghai")
    tar = two_price(range(8, 22), 1.0, 0.3, "hand case")
    s = EnergySystem(idx, np.full(96, 100.0), Grid(tar, 0.5, "hand case", export_limit_kw=0),
                     battery=Battery(200, 50, 0.9, 0.9))
    assert_allclose(dispatch(s).objective, 1586.6667, rtol=1e-6)


def test_bad_input_names_field() -> None:
    with pytest.raises(InputError) as exc:
        dispatch(EnergySystem(DAY, np.full(23, 1.0), _day().grid))
    assert exc.value.field == "load_kw"
    with pytest.raises(InputError):
        TouTariff(("峰",) * 24, {"谷": 1.0}, "x")
    with pytest.raises(InputError):
        two_price([8], 1.0, 0.3, " ")


def test_week_costs_add_up_and_balances_close(week: EnergySystem) -> None:
    """Cost components sum to the objective; electricity and heat balances close every hour."""
    r = dispatch(week)
    assert_allclose(r.costs["total"], r.objective, rtol=1e-9)
    h = r.hourly
    supply = h["import"] - h["export"] + h["pv"] + h["wind"] + h["discharge"] - h["charge"]
    assert week.heat is not None
    demand = week.load_kw + h["heat_pump"] / week.heat.cop
    assert_allclose(supply, demand, atol=1e-6)
    assert_allclose(h["heat_pump"] + h["gas_boiler"], week.heat.demand_kw, atol=1e-6)
    assert np.all(h["pv"] <= week.pv_kwp * np.asarray(week.pv_profile) + 1e-6)
    assert 0.0 <= r.indicators["hourly_matching"] <= 1.0


def test_balance_infeasible_names_worst_hour() -> None:
    """Import limited to 60 kW, load 100 kW, no on-site supply: 40 kW short every hour, 960 kWh."""
    tar = TouTariff(("平",) * 24, {"平": 0.6}, "hand case")
    s = EnergySystem(DAY, np.full(24, 100.0), Grid(tar, 0.5, "hand case", import_limit_kw=60, export_limit_kw=0))
    with pytest.raises(InfeasibleTarget) as exc:
        dispatch(s)
    info = exc.value.details["balance"]
    assert_allclose([info["worst_kw"], info["unserved_or_surplus_kwh"]], [40.0, 960.0])  # type: ignore[index]
    assert exc.value.field == "balance" and "import limit" in exc.value.message_en
