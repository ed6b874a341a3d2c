"""Wind curves and hub height, heat-pump COP and boilers, battery parameters (hand-checked)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from zerocarbon.errors import InputError
from zerocarbon.renewables.heat import boiler_input_kw, cop_carnot, cop_staffell
from zerocarbon.renewables.storage import Battery
from zerocarbon.renewables.wind import CURVES, PowerCurve, capacity_factor, hub_speed_log, hub_speed_power


def test_hub_height_laws() -> None:
    """Power law: 5 m/s at 10 m → 5·(100/10)^(1/7) = 6.9531 m/s; log law with z0 = 0.03 m:
    5·ln(100/0.03)/ln(10/0.03) = 6.9836 m/s."""
    assert_allclose(hub_speed_power(np.array([5.0]), 10, 100), 5 * 10 ** (1 / 7))
    assert_allclose(hub_speed_log(np.array([5.0]), 10, 100, 0.03), 5 * math.log(100 / 0.03) / math.log(10 / 0.03))
    with pytest.raises(InputError):
        hub_speed_log(np.array([5.0]), 10, 100, 0.0)


def test_curve_interpolation_cut_in_and_out() -> None:
    """IEA 3.4 MW: 51.6 kW at 3 m/s (cut-in), rated 3370 kW at 9.8127 m/s and above, 0 beyond 25 m/s."""
    c = CURVES["IEA_3.4MW_130"]
    out = capacity_factor(c, np.array([2.0, 3.0, 12.0, 25.0, 26.0])) * c.rated_kw
    assert_allclose(out, [0.0, 51.6, 3370.0, 3370.0, 0.0])
    ge = capacity_factor(CURVES["DOE_GE_1.5MW_77"], np.array([8.0]))
    assert_allclose(ge, 742.33 / 1500.0)
    with pytest.raises(InputError):
        PowerCurve("x", (3.0, 2.0), (0.0, 1.0), 1.0, None, "src")
    with pytest.raises(InputError):
        PowerCurve("x", (2.0, 3.0), (0.0, 1.0), 1.0, None, "")


def test_cop() -> None:
    """Carnot fraction 0.5, 0 → 35 °C: 0.5 · 308.15/35 = 4.40214; Staffell ASHP at ΔT 35 K:
    6.81 − 0.121·35 + 0.000630·35² = 3.34675."""
    assert_allclose(cop_carnot(np.array([0.0]), 35.0, 0.5), 0.5 * 308.15 / 35)
    assert_allclose(cop_carnot(np.array([30.0]), 35.0, 0.5, cop_max=6.0), 6.0)
    assert_allclose(cop_staffell(np.array([0.0]), 35.0), 3.34675)
    assert_allclose(cop_staffell(np.array([0.0]), 35.0, "ground"), 8.77 - 0.150 * 35 + 0.000734 * 35**2)
    assert_allclose(boiler_input_kw(np.array([90.0]), 0.9), 100.0)
    with pytest.raises(InputError):
        cop_carnot(np.array([40.0]), 35.0, 0.5)


def test_battery_round_trip_split() -> None:
    b = Battery.from_round_trip(100, 50, 0.81)
    assert_allclose([b.eta_charge, b.eta_discharge, b.round_trip], [0.9, 0.9, 0.81])
    with pytest.raises(InputError):
        Battery(100, 50, 0.9, 0.9, soc_min=0.5, soc_max=0.4)


def test_matching_forms_agree_without_storage() -> None:
    """Without storage the balance form equals the per-hour form Σ[min(L, G) + cfe·max(0, L − G)] / Σ L:
    L = (100, 100), G = (150, 20), grid CFE 0.5 → import (0, 80), export 50 in hour 0;
    matched = 100 + (20 + 0.5·80) = 160 → 0.8."""
    from zerocarbon.renewables.matching import hourly_matching, per_hour_matching, self_consumption, self_sufficiency

    score, per_t = hourly_matching(np.array([100.0, 100.0]), np.array([0.0, 80.0]), 0.5)
    assert_allclose(score, 0.8)
    assert_allclose(per_t, [100.0, 60.0])
    assert_allclose(per_hour_matching(np.array([100.0, 100.0]), np.array([150.0, 20.0]), 0.5), 0.8)
    assert_allclose([self_consumption(170, 50), self_sufficiency(170, 50, 200)], [120 / 170, 0.6])
    with pytest.raises(InputError):
        hourly_matching(np.ones(2), np.ones(3))
