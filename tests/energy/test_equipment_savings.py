"""Savings of upgrading a motor to grade 1 (hand-worked).

Case: 55 kW, 4 poles, nameplate efficiency η₀ = 94.6 % (exactly the grade-3 minimum of GB 18613-2020
表1, row GB18613-R000023, 55 kW / 4 poles: 96.5 / 95.7 / 94.6 %), load factor 0.75, 6000 h/a.

* shaft power 55 × 0.75 = 41.25 kW;
* ΔE = 41.25 × (100/94.6 − 100/96.5) × 6000 = 247 500 × 0.0208130223794761690893754989… = 5151.2230389… kWh/a;
* ΔC with EF 0.5703 tCO2/MWh (a value the caller passes): 5151.2230389 × 0.5703 / 1000 = 2.93774… tCO2/a;
* ΔM at 0.65 元/kWh: 3348.2949753 元/a; payback 30 000 / 3348.2949753 = 8.9598… a;
* NPV at 8 %, 15 a: −30 000 + 3348.2949753 × 8.5594787… = −1340.34… 元.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from zerocarbon.energy.equipment import Equipment, grade_motor
from zerocarbon.energy.savings import kwh_saved, npv, upgrade_to_grade1
from zerocarbon.errors import InputError


def device(**kw: object) -> Equipment:
    base: dict[str, object] = {"code": "M55", "kind": "motor_lv", "rated_power_kw": D(55), "poles": 4,
                               "efficiency_pct": D("94.6"), "load_factor": D("0.75"), "running_hours": D(6000)}
    base.update(kw)
    return Equipment(**base)  # type: ignore[arg-type]


def test_hand_worked_case() -> None:
    m = device()
    grade = grade_motor(m)
    assert grade.grade == 3
    s = upgrade_to_grade1(m, grade, electricity_factor=D("0.5703"), tariff=D("0.65"), replacement_cost=D(30000),
                          discount_rate=D("0.08"), lifetime_years=15)
    assert s.efficiency_grade1_pct == D("96.5") and s.row_id == "GB18613-2020.T1.55kW.4p.g1"
    assert s.shaft_power_kw == D("41.25")
    assert s.kwh_per_year == D("41.25") * (D(100) / D("94.6") - D(100) / D("96.5")) * D(6000)
    assert s.kwh_per_year.quantize(D("0.0001")) == D("5151.2230")
    assert s.tco2_per_year.quantize(D("0.00001")) == D("2.93774")
    assert s.money_per_year.quantize(D("0.01")) == D("3348.29")
    assert s.payback_years is not None and s.payback_years.quantize(D("0.001")) == D("8.960")
    annuity = sum(D(1) / D("1.08") ** t for t in range(1, 16))
    assert (s.npv - (-D(30000) + s.money_per_year * annuity)).copy_abs() < D("1e-18")
    assert s.npv.quantize(D("0.01")) == D("-1340.34")


def test_grade_1_motor_saves_nothing_and_hours_override() -> None:
    m = device(efficiency_pct=D("96.5"))
    s = upgrade_to_grade1(m, grade_motor(m), electricity_factor=D("0.5703"), tariff=D("0.65"),
                          replacement_cost=D(30000), discount_rate=D("0.08"), lifetime_years=15)
    assert s.kwh_per_year == 0 and s.payback_years is None and s.npv == D(-30000)
    m2 = device(running_hours=None)
    s2 = upgrade_to_grade1(m2, grade_motor(m2), electricity_factor=D(1), tariff=D(1), replacement_cost=D(1),
                           discount_rate=D(0), lifetime_years=1, hours=D(3000))
    assert s2.kwh_per_year == D("41.25") * (D(100) / D("94.6") - D(100) / D("96.5")) * D(3000)


def test_bad_inputs() -> None:
    m = device(running_hours=None)
    with pytest.raises(InputError):
        upgrade_to_grade1(m, grade_motor(m), electricity_factor=D(1), tariff=D(1), replacement_cost=D(1),
                          discount_rate=D(0), lifetime_years=1)
    missing = device(rated_power_kw=D(8))
    with pytest.raises(InputError):
        upgrade_to_grade1(missing, grade_motor(missing), electricity_factor=D(1), tariff=D(1),
                          replacement_cost=D(1), discount_rate=D(0), lifetime_years=1)
    with pytest.raises(InputError):
        kwh_saved(D(1), D(1), D(1), D(0), D(90))
    with pytest.raises(InputError):
        npv(D(1), D(1), D("-0.1"), 5)
    assert npv(D(100), D(50), D(0), 3) == D(50)
