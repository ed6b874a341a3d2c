"""The diagnosis costs compressors, fans and pumps like motors: a measure per device below grade 1.

Register: the three hand-worked devices of tests/energy/test_savings_machines.py (compressor 37 kW e₀ = 7.9,
ΔE = 148 000 × (1 − 6.7/7.9) = 22 481.0127 kWh/a; axial fan η₀ = 65 %, ΔE = 126 000 × 7/72 = 12 250 kWh/a;
pump η₀ = 75 %, ΔE ≈ 3551.25 kWh/a) plus a grade-1 fan (nothing to do) and a fan whose band is missing
(not costed). Tariff 0.72 元/kWh.
"""

from __future__ import annotations

from decimal import Decimal as D

from zerocarbon.energy.equipment import Equipment
from zerocarbon.energy.register import EfficiencyRegister, EfficiencySettings
from zerocarbon.services.efficiency.runs import grade_register


def register() -> EfficiencyRegister:
    devices = [
        Equipment(code="AC1", kind="air_compressor", rated_power_kw=D(37), pressure_mpa=D("0.8"), cooling="air",
                  specific_power=D("7.9"), compressor_type="oil_injected_rotary", supply="line", load_factor=D("0.8"),
                  running_hours=D(5000), replacement_cost_yuan=D(60000)),
        Equipment(code="F1", kind="fan", fan_type="axial", hub_ratio=D("0.25"), machine_number=D(6),
                  efficiency_pct=D(65), rated_power_kw=D(30), load_factor=D("0.7"), running_hours=D(6000)),
        Equipment(code="F2", kind="fan", fan_type="axial", hub_ratio=D("0.25"), machine_number=D(6),
                  efficiency_pct=D(72), rated_power_kw=D(30), load_factor=D("0.7"), running_hours=D(6000)),
        Equipment(code="F3", kind="fan", fan_type="axial", hub_ratio=D("0.25"), machine_number=D(1),
                  efficiency_pct=D(65), rated_power_kw=D(30), load_factor=D("0.7"), running_hours=D(6000)),
        Equipment(code="P1", kind="pump", pump_type="single_stage_single_suction", flow_m3h=D(100), head_m=D(50),
                  speed_rpm=D(2900), efficiency_pct=D(75), rated_power_kw=D("18.5"), load_factor=D("0.8"),
                  running_hours=D(4000)),
    ]
    settings = EfficiencySettings(year=2023, tariff_yuan_per_kwh=D("0.72"), discount_rate=D("0.06"), lifetime_years=15)
    return EfficiencyRegister(factory_id="F", devices=tuple(devices), settings=settings)


def test_measures_for_compressors_fans_and_pumps() -> None:
    diagnosis = grade_register(register())
    by_target = {m.target: m for m in diagnosis.measures}
    assert set(by_target) == {"AC1", "F1", "P1"}
    assert by_target["AC1"].kwh_per_year.quantize(D("0.0001")) == D("22481.0127")
    assert by_target["F1"].kwh_per_year == D(12250)
    assert abs(float(by_target["P1"].kwh_per_year) - 3551.25) < 0.01
    ac = by_target["AC1"]
    assert ac.money_per_year == ac.kwh_per_year * D("0.72") and ac.investment == D(60000)
    assert ac.payback_years == D(60000) / ac.money_per_year
    assert ac.sources == ("GB19153-2019.T1.37kW.0.8MPa.air.g1",) and "e ≤ 6.7 kW/(m³/min)" in ac.title_en
    assert by_target["F1"].investment is None and by_target["F1"].payback_years is None
    assert "ΔE = E₀ × (1 − η₀/η₁)" in by_target["F1"].basis
    view = diagnosis.main_view
    assert view is not None and all(view in m.tco2_per_year for m in diagnosis.measures)
    doc = diagnosis.to_dict()
    devices = {d["code"]: d for d in doc["devices"]}
    assert devices["F2"]["grade"] == 1 and devices["F2"]["savings"] == {}
    assert devices["F3"]["outcome"] == "missing_row" and devices["F3"]["savings"] == {}
    assert D(devices["AC1"]["savings"][view]["kwh_per_year"]) == ac.kwh_per_year
    assert D(doc["summary"]["kwh_per_year"]) == sum((m.kwh_per_year for m in diagnosis.measures), D(0))
