"""Shared small systems for the renewables tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from zerocarbon.renewables.storage import Battery
from zerocarbon.renewables.system import EnergySystem, Grid, Heat
from zerocarbon.renewables.tariffs import two_price


def week_system(steps: int = 168) -> EnergySystem:
    """A synthetic week: PV and wind profiles, battery, heat, two-price tariff with demand charge."""
    idx = pd.date_range("2026-06-01", periods=steps, freq="h", tz="Asia/Shanghai")
    h = np.arange(steps) % 24
    pv = np.clip(np.sin((h - 6) / 12 * np.pi), 0, None) * 0.8
    wind = 0.3 + 0.2 * np.sin(np.arange(steps) / 7.0)
    tar = two_price(range(8, 22), 1.0, 0.3, "test tariff (synthetic)", demand_charge=30.0, export_price=0.35)
    grid = Grid(tar, 0.58, "test factor (synthetic)", export_limit_kw=200)
    heat = Heat(np.full(steps, 80.0), 3.0 + 0.5 * np.sin(np.arange(steps) / 5), 50.0, gas_boiler_kw=float("inf"),
                gas_boiler_efficiency=0.9, gas_price=0.3, gas_emission_factor=0.2, gas_source="synthetic")
    return EnergySystem(idx, 300 + 50 * np.sin(np.arange(steps) / 3), grid, pv_profile=pv, pv_kwp=400,
                        wind_profile=wind, wind_kw=100, battery=Battery(500, 250, 0.95, 0.95, degradation_cost=0.05),
                        heat=heat, carbon_price=80)


@pytest.fixture
def week() -> EnergySystem:
    return week_system()


@pytest.fixture
def small() -> EnergySystem:
    """Three days, PV only (no wind), for the sizing tests."""
    s = week_system(72)
    return EnergySystem(**{**s.__dict__, "wind_profile": None, "wind_kw": 0.0})


@pytest.fixture
def peer() -> ModuleType:
    """tests/renewables/pypsa_peer.py, the PyPSA side of the side-by-side tests (skips without pypsa)."""
    pytest.importorskip("pypsa", reason="PyPSA is a test dependency (extras 'test'); not installed here")
    path = Path(__file__).with_name("pypsa_peer.py")
    spec = importlib.util.spec_from_file_location("pypsa_peer", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
