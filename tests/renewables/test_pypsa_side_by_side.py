"""Side by side with PyPSA (HiGHS through linopy) on the same dispatch and sizing problems:
objectives equal within 1e-6 relative. PyPSA is a test dependency; without it the tests skip."""

from __future__ import annotations

from types import ModuleType

import pytest
from numpy.testing import assert_allclose

from zerocarbon.renewables.dispatch import dispatch
from zerocarbon.renewables.formulation import Targets
from zerocarbon.renewables.sizing import Candidate, _capacity_vars, size
from zerocarbon.renewables.system import EnergySystem

CANDS = {"pv_kwp": Candidate(3000, 20, "synthetic"), "wind_kw": Candidate(5000, 20, "synthetic"),
         "battery_kwh": Candidate(1200, 20, "synthetic"), "battery_kw": Candidate(600, 20, "synthetic"),
         "heat_pump_kw": Candidate(2500, 20, "synthetic")}


def test_dispatch_week_equals_pypsa(week: EnergySystem, peer: ModuleType) -> None:
    """168 h: load, PV, wind, battery with degradation cost, heat pump + gas boiler, two-price tariff, one-month
    demand charge, export price and limit, carbon price."""
    ours = dispatch(week)
    theirs = peer.solve(peer.network(week))
    assert_allclose(ours.objective, theirs, rtol=1e-6)


@pytest.mark.parametrize("coarse", [False, True])
def test_sizing_week_equals_pypsa(week: EnergySystem, peer: ModuleType, coarse: bool) -> None:
    """168 h sizing of PV, wind, battery energy and power and heat pump (CRF at 6 %); solved cold and from
    the coarse guess (renewables/coarse.py)."""
    ours = size(week, CANDS, discount_rate=0.06, start_from_coarse=coarse)
    theirs = peer.solve(peer.network(week, _capacity_vars(CANDS, 0.06)), sizing=True)
    assert_allclose(ours.result.objective, theirs, rtol=1e-6)


@pytest.mark.parametrize("coarse", [False, True])
def test_sizing_with_co2_cap_equals_pypsa(week: EnergySystem, peer: ModuleType, coarse: bool) -> None:
    """As above under a residual-emissions cap (scalar factor: PyPSA's primary-energy global constraint)."""
    free = size(week, CANDS, discount_rate=0.06)
    cap = 0.5 * free.result.emissions_t
    capped = EnergySystem(**{**week.__dict__, "co2_cap_t": cap})
    ours = size(capped, CANDS, Targets(), discount_rate=0.06, start_from_coarse=coarse)
    assert ours.result.emissions_t <= cap * (1 + 1e-6)
    theirs = peer.solve(peer.network(capped, _capacity_vars(CANDS, 0.06)), sizing=True)
    assert_allclose(ours.result.objective, theirs, rtol=1e-6)


def test_dispatch_two_billing_months_equals_pypsa(peer: ModuleType) -> None:
    """96 h across 31 May / 1 June: two monthly demand-charge peaks (PyPSA side: extra constraints)."""
    import numpy as np
    import pandas as pd

    from zerocarbon.renewables.storage import Battery
    from zerocarbon.renewables.system import Grid
    from zerocarbon.renewables.tariffs import two_price

    idx = pd.date_range("2026-05-30", periods=96, freq="h", tz="Asia/Shanghai")
    load = 100 + 60 * (np.arange(96) % 24 == 19) + 30 * (np.arange(96) >= 48)
    tar = two_price(range(8, 22), 1.0, 0.3, "synthetic", demand_charge=40.0)
    s = EnergySystem(idx, load.astype(float), Grid(tar, 0.6, "synthetic", export_limit_kw=0),
                     battery=Battery(100, 50, 0.95, 0.95), carbon_price=50)
    ours = dispatch(s)
    assert ours.costs["demand_charge"] > 0
    assert_allclose(ours.objective, peer.solve(peer.network(s)), rtol=1e-6)


def test_sizing_with_must_take_contract_equals_pypsa(week: EnergySystem, peer: ModuleType) -> None:
    """With a must-take contract the battery keeps separate charge and discharge limits (c ≤ P, d ≤ P)."""
    import numpy as np

    from zerocarbon.renewables.system import GreenContract

    c = GreenContract("line", np.full(week.steps, 120.0), 0.45, physical=True, source="synthetic")
    s = EnergySystem(**{**week.__dict__, "contracts": (c,)})
    ours = size(s, CANDS, discount_rate=0.06)
    assert_allclose(ours.result.objective, peer.solve(peer.network(s, _capacity_vars(CANDS, 0.06))), rtol=1e-6)
