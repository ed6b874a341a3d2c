"""The roadmap core: hand-checkable MAC ordering, residual = baseline − cumulative abatement, interactions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from zerocarbon.errors import InputError
from zerocarbon.renewables.roadmap import Baseline, MeasureSpec, State, apply, evaluate, roadmap, sequence
from zerocarbon.renewables.tariffs import TouTariff

HOURS = 24


def baseline(load_kw: float = 100.0, **kw: object) -> Baseline:
    """One day, flat load, flat price 1 CNY/kWh, grid 0.5 tCO2/MWh, gas 0.056 tCO2/GJ at 10 CNY/GJ."""
    index = pd.date_range("2023-06-01", periods=HOURS, freq="h", tz="Asia/Shanghai")
    pv = np.where((index.hour >= 8) & (index.hour < 16), 0.5, 0.0)
    args: dict[str, object] = dict(
        index=index, load_kw=np.full(HOURS, load_kw), pv_profile=pv, pv_kwp=0.0, temp_air_c=np.full(HOURS, 7.0),
        heat_shape=np.full(HOURS, 1.0 / HOURS), gas_gj=100.0, boiler_efficiency=0.9, diesel_t=0.0, ef_grid=0.5,
        ef_gas=0.056, ef_diesel=3.1, other_t=0.0, instruments_mwh=0.0, credits_instruments=True,
        tariff=TouTariff(("平",) * 24, {"平": 1.0}, "test tariff"), gas_price=10.0, diesel_price=0.0)
    args.update(kw)
    return Baseline(**args)  # type: ignore[arg-type]


def m(mid: str, kind: str, params: dict[str, float], capex: float = 0.0, opex: float = 0.0,
      life: float = 1.0) -> MeasureSpec:
    return MeasureSpec(mid, kind, mid, mid, params, capex, opex, life, "test")


def test_baseline_emissions_by_hand() -> None:
    """2,400 kWh × 0.5 t/MWh + 100 GJ × 0.056 t/GJ = 1.2 + 5.6 = 6.8 tCO2; cost 2,400 + 1,000 CNY."""
    e = evaluate(baseline(), State.of(baseline()))
    assert e.emissions_t == pytest.approx(6.8)
    assert e.energy_cost == pytest.approx(3400.0)


def test_mac_ordering_by_hand() -> None:
    """A: 240 kWh saved, opex 100 → (100 − 240)/0.12 = −1,166.7 CNY/t; C: 10 GJ gas saved, capex 1,000 over
    10 a at i = 0 → (100 − 100)/0.56 = 0; B: 1 MWh green power at 50 CNY/MWh → 50/0.5 = 100 CNY/t."""
    b = baseline()
    order = sequence(b, [m("B", "green_power", {"mwh": 1.0, "price_per_mwh": 50.0}),
                         m("A", "electricity_saving", {"kwh": 240.0}, opex=100.0),
                         m("C", "gas_saving", {"gj": 10.0}, capex=1000.0, life=10.0)], discount_rate=0.0)
    assert [s.measure.id for s in order.steps] == ["A", "C", "B"]
    assert [s.mac for s in order.steps] == pytest.approx([-140 / 0.12, 0.0, 100.0])
    assert [s.abatement_t for s in order.steps] == pytest.approx([0.12, 0.56, 0.5])


def test_roadmap_residual_is_baseline_minus_cumulative_abatement() -> None:
    b = baseline()
    order = sequence(b, [m("A", "electricity_saving", {"kwh": 240.0}, opex=100.0),
                         m("C", "gas_saving", {"gj": 10.0}, capex=1000.0, life=10.0),
                         m("B", "green_power", {"mwh": 1.0, "price_per_mwh": 50.0})], discount_rate=0.0)
    rows = roadmap(6.8, order.steps, 2024, 2026)
    assert [r.year for r in rows] == [2024, 2025, 2026]
    assert [r.measures for r in rows] == [["A"], ["C"], ["B"]]
    assert [r.residual_t for r in rows] == pytest.approx([6.8 - 0.12, 6.8 - 0.68, 6.8 - 1.18])
    assert rows[-1].residual_t == pytest.approx(order.steps[-1].after.emissions_t)


def test_interactions_heat_pump_raises_what_pv_displaces() -> None:
    """With PV surplus (exports earn nothing), a heat pump's load lets PV displace more grid power."""
    b = baseline(load_kw=10.0)
    pv = m("pv", "pv", {"kwp": 100.0})
    hp = m("hp", "heat_pump", {"share": 1.0, "sink_c": 45.0})
    s0 = State.of(b)
    alone = evaluate(b, s0).emissions_t - evaluate(b, apply(b, s0, pv)).emissions_t
    s1 = apply(b, s0, hp)
    after_hp = evaluate(b, s1).emissions_t - evaluate(b, apply(b, s1, pv)).emissions_t
    assert after_hp > alone + 1e-6
    order = sequence(b, [pv, hp], discount_rate=0.0)
    second = order.steps[-1]
    assert second.abatement_t != pytest.approx(second.abatement_alone_t)


def test_certificates_not_credited_when_regime_does_not() -> None:
    b = baseline(credits_certificates=False)
    order = sequence(b, [m("gec", "certificates", {"mwh": 1.0, "price_per_mwh": 5.0})], discount_rate=0.0)
    assert order.steps == [] and order.not_applied[0][0].id == "gec"


def test_battery_stores_pv_surplus() -> None:
    """A battery abates when PV surplus would be exported for nothing (least-cost dispatch on HiGHS)."""
    b = baseline(load_kw=10.0, pv_kwp=100.0)
    bat = m("bat", "battery", {"kwh": 100.0, "kw": 40.0, "round_trip": 0.9})
    s0 = State.of(b)
    assert evaluate(b, apply(b, s0, bat)).emissions_t < evaluate(b, s0).emissions_t - 0.01


def test_bad_measure_raises() -> None:
    with pytest.raises(InputError):
        m("x", "pv", {})
    with pytest.raises(InputError):
        MeasureSpec("x", "nuclear", "x", "x", {}, 0, 0, 1, "s")
    with pytest.raises(InputError):
        MeasureSpec("x", "pv", "x", "x", {"kwp": 1}, 0, 0, 1, " ")
