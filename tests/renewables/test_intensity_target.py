"""The zero-carbon intensity target (E − w·Q ≤ 0): hand-worked cases, infeasibility, inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from zerocarbon.errors import InputError
from zerocarbon.renewables.explain import InfeasibleTarget
from zerocarbon.renewables.formulation import Targets
from zerocarbon.renewables.intensity import EnergyBasis, gas_kgce_per_kwh
from zerocarbon.renewables.sizing import Candidate, size, sweep
from zerocarbon.renewables.system import EnergySystem, Grid, Heat
from zerocarbon.renewables.tariffs import two_price

IDX = pd.date_range("2026-06-01", periods=2, freq="h", tz="Asia/Shanghai")
FLAT = two_price([], 1.0, 1.0, "hand case: 1 CNY/kWh all hours")
# capex 8 760 CNY, 1 year, no discount: 8 760 CNY/a, charged 2/8760 of a year = 2 CNY per unit
CAND = Candidate(8760.0, 1.0, "hand case", maximum=300.0)
BASIS = EnergyBasis(0.3, "hand case: 0.3 kgce/kWh (an assumed equal value, not a published one)")


def pv_site() -> EnergySystem:
    """Load 100 kW for 2 h; PV availability 1.0 then 0; grid 0.5 kg/kWh; no export."""
    grid = Grid(FLAT, 0.5, "hand case", export_limit_kw=0.0)
    return EnergySystem(IDX, np.full(2, 100.0), grid, pv_profile=np.array([1.0, 0.0]))


def test_gas_coefficient_is_gbt2589_row_at_its_calorific_value() -> None:
    """1.2143 kgce/m³ at 35 544 kJ/m³ (GB/T 2589-2008 附录A 气田天然气) → per kWh of fuel."""
    assert_allclose(gas_kgce_per_kwh(), 1.2143 * 3600 / 35544, rtol=1e-12)


def test_pv_case_by_hand() -> None:
    """Q = 0.3 × 200 = 60 kgce whatever P (no export); E = 0.5 (200 − P) kg. w = 1.0 → E ≤ 60 → P ≥ 80;
    cost = 120 kWh × 1 + 80 kWp × 2 = 280 CNY. Without the target P = 0 (PV costs 2 and saves 1)."""
    free = size(pv_site(), {"pv_kwp": CAND}, Targets(energy_basis=BASIS))
    assert_allclose(free.capacities["pv_kwp"], 0.0, atol=1e-7)
    assert_allclose(free.result.indicators["zero_carbon_intensity"], 100 / 60, rtol=1e-9)
    r = size(pv_site(), {"pv_kwp": CAND}, Targets(intensity_tco2_per_tce=1.0, energy_basis=BASIS))
    assert_allclose(r.capacities["pv_kwp"], 80.0, rtol=1e-7)
    assert_allclose(r.result.objective, 280.0, rtol=1e-9)
    assert_allclose(r.result.indicators["zero_carbon_intensity"], 1.0, rtol=1e-7)
    assert_allclose(r.result.balance["energy_tce"], 0.060, rtol=1e-9)


def test_heat_pump_case_by_hand() -> None:
    """The energy moves with the decision: per hour L = 100, H = 300, COP 3, gas boiler η = 1,
    ef = 0.3, gas 0.2 kg/kWh; E(hp) = 0.3 (100 + hp/3) + 0.2 (300 − hp),
    Q(hp) = 0.3 (100 + hp/3) + k_g (300 − hp); E − wQ = 0 at hp* solved below."""
    kg, w = gas_kgce_per_kwh(), 1.2
    heat = Heat(np.full(2, 300.0), 3.0, 0.0, gas_boiler_kw=float("inf"), gas_boiler_efficiency=1.0, gas_price=0.0,
                gas_emission_factor=0.2, gas_source="hand case")
    s = EnergySystem(IDX, np.full(2, 100.0), Grid(FLAT, 0.3, "hand case", export_limit_kw=0.0), heat=heat)
    e0, q0 = 0.3 * 100 + 0.2 * 300, 0.3 * 100 + kg * 300
    hp = (e0 - w * q0) / (w * (0.3 / 3 - kg) - (0.3 / 3 - 0.2))
    assert 0 < hp < 300
    r = size(s, {"heat_pump_kw": CAND}, Targets(intensity_tco2_per_tce=w, energy_basis=BASIS))
    assert_allclose(r.capacities["heat_pump_kw"], hp, rtol=1e-7)
    assert_allclose(r.result.objective, 2 * (100 + hp / 3) + 2 * hp, rtol=1e-9)
    emissions_t = 2 * (0.3 * (100 + hp / 3) + 0.2 * (300 - hp)) / 1000
    energy_tce = 2 * (0.3 * (100 + hp / 3) + kg * (300 - hp)) / 1000
    assert_allclose(r.result.emissions_t, emissions_t, rtol=1e-7)
    assert_allclose(r.result.balance["energy_tce"], energy_tce, rtol=1e-7)
    assert_allclose(r.result.indicators["zero_carbon_intensity"], w, rtol=1e-7)


def test_unreachable_intensity_names_best_and_gap() -> None:
    """Best = all hour-0 load from PV: E = 0.5 × 100 = 50 kg over Q = 60 kgce → 0.8333 tCO2/tce."""
    with pytest.raises(InfeasibleTarget) as exc:
        size(pv_site(), {"pv_kwp": CAND}, Targets(intensity_tco2_per_tce=0.5, energy_basis=BASIS))
    d = exc.value.details["intensity_tco2_per_tce"]
    assert_allclose(d["best"], 50 / 60, rtol=1e-7)  # type: ignore[index]
    assert_allclose(d["gap"], 50 / 60 - 0.5, rtol=1e-6)  # type: ignore[index]
    assert d["unit"] == "tCO2/tce"  # type: ignore[index]
    assert "0.8333" in exc.value.message_en and "单位能耗碳排放" in exc.value.message_zh


def test_sweep_over_intensity_levels() -> None:
    pts = sweep(pv_site(), {"pv_kwp": CAND}, "intensity_tco2_per_tce", [1.5, 1.0, 0.5],
                base=Targets(energy_basis=BASIS))
    # P = 200 − 120 w for w = 1.5, 1.0 (E ≤ 60 w): cost = (200 − P) + 2 P
    assert_allclose([float(p.objective or 0.0) for p in pts[:2]], [200 + 20, 200 + 80], rtol=1e-9)
    assert pts[2].objective is None and pts[2].infeasible is not None


def test_intensity_target_needs_an_energy_basis() -> None:
    with pytest.raises(InputError) as exc:
        size(pv_site(), {"pv_kwp": CAND}, Targets(intensity_tco2_per_tce=1.0))
    assert exc.value.field == "targets.energy_basis"
    with pytest.raises(InputError):
        EnergyBasis(0.3, " ")
