"""Synthetic hourly series for the forecast tests: a factory load with shifts, weekends and noise."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from zerocarbon.forecast.series import HourlySeries

START = int(datetime(2024, 3, 4, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp())  # a Monday, local midnight


def factory_load(weeks: int = 8, seed: int = 1, noise: float = 0.02) -> HourlySeries:
    """100 kWh/h from 08:00 to 20:00 on Monday–Friday, 30 kWh/h otherwise, ± ``noise`` relative noise
    (weekdays only: no holiday calendar)."""
    rng = np.random.default_rng(seed)
    n = weeks * 168
    ts = START + 3600 * np.arange(n, dtype=np.int64)
    hour = np.arange(n) % 24
    weekday = (np.arange(n) // 24) % 7
    busy = (weekday < 5) & (hour >= 8) & (hour < 20)
    y = np.where(busy, 100.0, 30.0) * (1 + noise * rng.standard_normal(n))
    return HourlySeries(ts, y, unit="kWh", name="EL-T", carrier="electricity", holidays=False)


@pytest.fixture
def load() -> HourlySeries:
    return factory_load()
