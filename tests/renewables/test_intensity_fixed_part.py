"""The factory's intensity target: constants for the flows outside the programme (process emissions, fuels
not modelled), hand-worked on one day.

The site (all figures test inputs, not published ones): load 100 kW for 24 h; PV availability 1.0 kW/kWp in
the six hours 09–14, 0 otherwise; grid 0.5 kg CO2/kWh at 1 CNY/kWh, no export; equal value 0.3 kgce/kWh;
PV 8 760 CNY/kWp over one year, no discount, so 24 CNY/kWp for the day, and it saves 6 kWh × 1 CNY per kWp:
without a target no PV is built. For P ≤ 100 kWp all PV is used, so over the day

    E_model = 0.5 · (2 400 − 6 P) = 1 200 − 3 P  [kg]      Q_model = 0.3 · 2 400 = 720 kgce (any P)
    cost    = (2 400 − 6 P) · 1 + 24 P = 2 400 + 18 P  [CNY]

and the target (E_model + X) − w (Q_model + Y) ≤ 0 gives P ≥ (1 200 + X − w (720 + Y)) / 3.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from zerocarbon.errors import InputError
from zerocarbon.renewables.explain import InfeasibleTarget
from zerocarbon.renewables.formulation import Targets
from zerocarbon.renewables.intensity import EnergyBasis, FixedPart
from zerocarbon.renewables.sizing import Candidate, size, sweep
from zerocarbon.renewables.system import EnergySystem, Grid
from zerocarbon.renewables.tariffs import two_price

IDX = pd.date_range("2026-06-01", periods=24, freq="h", tz="Asia/Shanghai")
FLAT = two_price([], 1.0, 1.0, "hand case: 1 CNY/kWh all hours")
CAND = Candidate(8760.0, 1.0, "hand case", maximum=300.0)
BASIS = EnergyBasis(0.3, "hand case: 0.3 kgce/kWh (an assumed equal value, not a published one)")
W = 1.5


def site() -> EnergySystem:
    pv = np.zeros(24)
    pv[9:15] = 1.0
    return EnergySystem(IDX, np.full(24, 100.0), Grid(FLAT, 0.5, "hand case", export_limit_kw=0.0), pv_profile=pv)


def fixed(x_kg: float, y_kgce: float) -> FixedPart:
    return FixedPart(x_kg, y_kgce, "hand case: a process emission and its energy",
                     ({"line": "process", "emissions_kg": x_kg, "energy_kgce": y_kgce},))


def test_modelled_flows_only_is_labelled() -> None:
    """No fixed part: 1 200 − 3 P ≤ 1.5 × 720 = 1 080 → P = 40 kWp, cost 2 400 + 18 × 40 = 3 120 CNY."""
    r = size(site(), {"pv_kwp": CAND}, Targets(intensity_tco2_per_tce=W, energy_basis=BASIS))
    assert_allclose(r.capacities["pv_kwp"], 40.0, rtol=1e-7)
    assert_allclose(r.result.objective, 3120.0, rtol=1e-9)
    tr = r.result.intensity
    assert tr is not None and tr["scope"] == "modelled_flows_only" and tr["constants"] == []
    assert "未给出基准年清单" in str(tr["note_zh"]) and "no baseline inventory" in str(tr["note_en"])
    assert {f["flow"] for f in tr["modelled_flows"]} == {"import", "export", "renewable"}  # type: ignore[attr-defined]


@pytest.mark.parametrize(("x", "y", "pv"), [
    (300.0, 100.0, 90.0),  # X/Y = 3 > w: 1 500 − 3 P ≤ 1.5 × 820 = 1 230 → P = 90 (more PV)
    (90.0, 100.0, 20.0),   # X/Y = 0.9 < w: 1 290 − 3 P ≤ 1 230 → P = 20 (less PV)
    (60.0, 120.0, 0.0),    # 1 260 − 3 P ≤ 1.5 × 840 = 1 260 → P = 0 (boundary: the target just holds)
])
def test_fixed_part_moves_the_least_cost_pv(x: float, y: float, pv: float) -> None:
    r = size(site(), {"pv_kwp": CAND}, Targets(intensity_tco2_per_tce=W, energy_basis=BASIS, fixed_part=fixed(x, y)))
    assert_allclose(r.capacities["pv_kwp"], pv, rtol=1e-7, atol=1e-6)
    assert_allclose(r.result.objective, 2400.0 + 18.0 * pv, rtol=1e-9)
    e, q = 1200.0 - 3.0 * pv + x, 720.0 + y
    assert_allclose(r.result.balance["intensity_emissions_t"], e / 1000, rtol=1e-7)
    assert_allclose(r.result.balance["intensity_energy_tce"], q / 1000, rtol=1e-12)
    assert_allclose(r.result.balance["energy_tce"], 0.720, rtol=1e-12)  # the modelled flows' alone
    assert_allclose(r.result.emissions_t, (1200.0 - 3.0 * pv) / 1000, rtol=1e-7, atol=1e-9)
    assert_allclose(r.result.indicators["zero_carbon_intensity"], e / q, rtol=1e-7)
    tr = r.result.intensity
    assert tr is not None and tr["scope"] == "factory"
    assert [(c["name"], c["value"], c["unit"]) for c in tr["constants"]] == [  # type: ignore[attr-defined]
        ("E_fixed", x, "kg CO2"), ("Q_fixed", y, "kgce")]
    assert "hand case: a process emission" in str(tr["note_en"]) and "工厂口径" in str(tr["note_zh"])
    assert "E_fixed" in str(tr["formula"])


def test_sweep_uses_the_same_constants() -> None:
    """X = 300 kg, Y = 100 kgce: w = 1.5 → P = 90; w = 1.48 → P = (1 500 − 1.48 × 820) / 3 = 95.4667;
    w = 1.2 unreachable: the best is all six sunny hours from PV, (300 + 300 + 600) / 820 = 1.46341."""
    tg = Targets(energy_basis=BASIS, fixed_part=fixed(300.0, 100.0))
    pts = sweep(site(), {"pv_kwp": CAND}, "intensity_tco2_per_tce", [1.5, 1.48, 1.2], base=tg)
    p148 = (1500.0 - 1.48 * 820.0) / 3.0
    assert_allclose([pts[0].capacities["pv_kwp"], pts[1].capacities["pv_kwp"]], [90.0, p148], rtol=1e-7)
    assert_allclose([pts[0].objective or 0.0, pts[1].objective or 0.0], [4020.0, 2400.0 + 18.0 * p148], rtol=1e-9)
    assert pts[2].objective is None and pts[2].infeasible is not None
    assert_allclose(pts[2].infeasible.details["intensity_tco2_per_tce"]["best"],  # type: ignore[index]
                    1200.0 / 820.0, rtol=1e-7)


def test_process_emissions_alone_over_the_target_are_explained() -> None:
    """X = 5 000 kg > w (Q_model + Y) = 1.5 × 820 = 1 230 kg even with no grid at all; the best is
    (0.5 × (2 400 − 600) + 5 000) / 820 = 5 900 / 820 = 7.19512 tCO2/tce, over by 5.69512."""
    with pytest.raises(InfeasibleTarget) as exc:
        size(site(), {"pv_kwp": CAND}, Targets(intensity_tco2_per_tce=W, energy_basis=BASIS,
                                               fixed_part=fixed(5000.0, 100.0)))
    d = exc.value.details["intensity_tco2_per_tce"]
    assert_allclose(d["best"], 5900.0 / 820.0, rtol=1e-7)  # type: ignore[index]
    assert_allclose(d["gap"], 5900.0 / 820.0 - W, rtol=1e-6)  # type: ignore[index]
    assert d["fixed_emissions_t"] == 5.0 and d["fixed_energy_tce"] == 0.1  # type: ignore[index]
    assert "单位能耗碳排放" in exc.value.message_zh and "7.1951" in exc.value.message_zh
    assert "5.6951" in exc.value.message_en and "zero-carbon intensity" in exc.value.message_en
    assert "5.000 tCO2" in exc.value.message_en and "模型外的排放 5.000 tCO2" in exc.value.message_zh
    # the same site is reachable without the fixed part (best 900 / 720 = 1.25 ≤ 1.5)
    r = size(site(), {"pv_kwp": CAND}, Targets(intensity_tco2_per_tce=W, energy_basis=BASIS))
    assert r.capacities["pv_kwp"] < 100.0


@pytest.mark.parametrize(("x", "y", "src"), [(float("nan"), 1.0, "s"), (1.0, -1.0, "s"), (1.0, 1.0, " ")])
def test_bad_fixed_part_is_refused(x: float, y: float, src: str) -> None:
    with pytest.raises(InputError) as exc:
        FixedPart(x, y, src)
    assert exc.value.field is not None and exc.value.field.startswith("fixed_part")
