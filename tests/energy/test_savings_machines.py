"""Savings of upgrading an air compressor, a fan or a pump to grade 1 (hand-worked cases).

Compressor: GB 19153-2019 表1, 37 kW, 0.8 MPa, air-cooled (rows GB19153-2019.T1.37kW.0.8MPa.air.g1–g3:
6.7 / 7.3 / 8.1 kW/(m³/min)); e₀ = 7.9 (grade 3), β = 0.8, 5000 h/a:
E₀ = 37 × 0.8 × 5000 = 148 000 kWh/a; ΔE = 148 000 × (1 − 6.7/7.9) = 177 600 / 7.9 = 22 481.0127 kWh/a;
ΔC at 0.5703 tCO2/MWh = 12.82092 tCO2/a; ΔM at 0.65 元/kWh = 14 612.658 元/a; payback 60 000 / ΔM = 4.1060 a.

Fan: GB 19761-2020 表3, axial, γ < 0.3, No5 ≤ 机号 < No10 (grade 1/2/3: 72 / 69 / 58 %); η₀ = 65 % (grade 3),
30 kW, β = 0.7, 6000 h/a: E₀ = 126 000 kWh/a; ΔE = 126 000 × (1 − 65/72) = 126 000 × 7/72 = 12 250 kWh/a exactly;
metered 100 000 kWh/a: ΔE = 100 000 × 7/72 = 9722.2̅ kWh/a.

Pump: GB 19762-2025, single-stage single-suction, Q = 100 m³/h, H = 50 m, n = 2900 r/min (η₁ = 79.786165 %,
worked in tests/energy/test_grading_gb19762.py); η₀ = 75 % (grade 3), 18.5 kW, β = 0.8, 4000 h/a:
E₀ = 59 200 kWh/a; ΔE = 59 200 × (1 − 75/79.786165) = 3551.25 kWh/a (floating point, independently).
"""

from __future__ import annotations

import math
from decimal import Decimal as D

import pytest

from zerocarbon.energy.equipment import Equipment
from zerocarbon.energy.grading import grade_device
from zerocarbon.energy.savings_more import machine_upgrade_to_grade1, saved_share_efficiency
from zerocarbon.errors import InputError

ECON = {"electricity_factor": D("0.5703"), "tariff": D("0.65"), "replacement_cost": D(60000),
        "discount_rate": D("0.08"), "lifetime_years": 15}


def compressor(e: str = "7.9", **kw: object) -> Equipment:
    base: dict[str, object] = {
        "code": "AC1", "kind": "air_compressor", "rated_power_kw": D(37), "pressure_mpa": D("0.8"), "cooling": "air",
        "specific_power": D(e), "compressor_type": "oil_injected_rotary", "supply": "line", "load_factor": D("0.8"),
        "running_hours": D(5000)}
    base.update(kw)
    return Equipment(**base)  # type: ignore[arg-type]


def fan(eta: str = "65", **kw: object) -> Equipment:
    base: dict[str, object] = {
        "code": "F1", "kind": "fan", "fan_type": "axial", "hub_ratio": D("0.25"), "machine_number": D(6),
        "efficiency_pct": D(eta), "rated_power_kw": D(30), "load_factor": D("0.7"), "running_hours": D(6000)}
    base.update(kw)
    return Equipment(**base)  # type: ignore[arg-type]


def pump(eta: str = "75") -> Equipment:
    return Equipment(code="P1", kind="pump", pump_type="single_stage_single_suction", flow_m3h=D(100),
                     head_m=D(50), speed_rpm=D(2900), efficiency_pct=D(eta), rated_power_kw=D("18.5"),
                     load_factor=D("0.8"), running_hours=D(4000))


def test_compressor_hand_worked() -> None:
    c = compressor()
    g = grade_device(c)
    assert g.grade == 3
    s = machine_upgrade_to_grade1(c, g, **ECON)  # type: ignore[arg-type]
    assert s.row_id == "GB19153-2019.T1.37kW.0.8MPa.air.g1" and s.value_grade1 == D("6.7")
    assert s.input_kwh == D(148000)
    assert s.kwh_per_year == D(148000) * (1 - D("6.7") / D("7.9"))
    assert s.kwh_per_year.quantize(D("0.0001")) == D("22481.0127")
    assert s.tco2_per_year.quantize(D("0.00001")) == D("12.82092")
    assert s.money_per_year.quantize(D("0.001")) == D("14612.658")
    assert s.payback_years is not None and s.payback_years.quantize(D("0.0001")) == D("4.1060")
    assert s.formula == "ΔE = E₀ × (1 − e₁/e₀)" and s.unit == "kW/(m³/min)"


def test_compressor_below_minimum_is_costed_and_grade_1_saves_nothing() -> None:
    c = compressor("9.0")
    g = grade_device(c)
    assert g.outcome == "below_minimum"
    s = machine_upgrade_to_grade1(c, g, **ECON)  # type: ignore[arg-type]
    assert s.kwh_per_year == D(148000) * (D("9.0") - D("6.7")) / D("9.0")  # = 37,822.2…
    best = compressor("6.7")
    s1 = machine_upgrade_to_grade1(best, grade_device(best), **ECON)  # type: ignore[arg-type]
    assert s1.kwh_per_year == 0 and s1.payback_years is None and s1.npv == D(-60000)


def test_fan_hand_worked_register_and_metered() -> None:
    f = fan()
    g = grade_device(f)
    assert g.grade == 3
    s = machine_upgrade_to_grade1(f, g, **ECON)  # type: ignore[arg-type]
    assert s.row_id == "GB19761-2020.T3.R21.No5≤机号<No10.g1" and s.value_grade1 == D(72)
    assert s.input_kwh == D(126000) and s.kwh_per_year == D(12250)
    assert s.basis == "register"
    m = machine_upgrade_to_grade1(fan(load_factor=None), g, metered_input_kwh=D(100000), **ECON)  # type: ignore[arg-type]
    assert m.basis == "metered" and m.kwh_per_year.quantize(D("0.0001")) == D("9722.2222")


def test_pump_hand_worked_against_floating_point() -> None:
    p = pump()
    g = grade_device(p)
    assert g.grade == 3
    s = machine_upgrade_to_grade1(p, g, **ECON)  # type: ignore[arg-type]
    ns = 3.65 * 2900 * math.sqrt(100 / 3600) / 50 ** 0.75
    x, y = math.log(ns), math.log(100)
    eta1 = -8.44 * x * x - 0.48 * y * y + 0.09 * x * y + 84.63 * x + 8.5 * y - 161.33
    assert float(s.value_grade1) == pytest.approx(eta1, abs=1e-9)
    assert float(s.kwh_per_year) == pytest.approx(59200 * (1 - 75 / eta1), rel=1e-12)
    assert float(s.kwh_per_year) == pytest.approx(3551.25, abs=0.01)


def test_refusals_name_the_field() -> None:
    f = fan(load_factor=None)
    with pytest.raises(InputError) as err:
        machine_upgrade_to_grade1(f, grade_device(f), **ECON)  # type: ignore[arg-type]
    assert err.value.field == "load_factor"
    missing = fan(machine_number=D(1))  # no band holds No1: missing_row, nothing to compare with
    assert grade_device(missing).outcome == "missing_row"
    with pytest.raises(InputError):
        machine_upgrade_to_grade1(missing, grade_device(missing), **ECON)  # type: ignore[arg-type]
    motor = Equipment(code="M", kind="motor_lv", rated_power_kw=D(55), poles=4, efficiency_pct=D("94.6"))
    with pytest.raises(InputError) as err:
        machine_upgrade_to_grade1(motor, grade_device(motor), **ECON)  # type: ignore[arg-type]
    assert err.value.field == "kind"
    with pytest.raises(InputError):
        saved_share_efficiency(D(0), D(72))
    with pytest.raises(InputError):
        machine_upgrade_to_grade1(f, grade_device(fan()), metered_input_kwh=D(-1), **ECON)  # type: ignore[arg-type]
