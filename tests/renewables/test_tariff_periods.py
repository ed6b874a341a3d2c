"""Critical-peak (尖峰) and deep-valley (深谷) periods in a user-supplied table: half-hour slots, month and
date overrides, the price of each step, and the dispatch cost they make (hand-worked)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from zerocarbon.errors import InputError
from zerocarbon.renewables.dispatch import dispatch
from zerocarbon.renewables.storage import Battery
from zerocarbon.renewables.system import EnergySystem, Grid
from zerocarbon.renewables.tariffs import TouTariff

PRICES = {"尖峰": 1.5, "峰": 1.2, "平": 0.7, "谷": 0.3, "深谷": 0.1}
SOURCE = "user-supplied test table (hypothetical periods and prices, not a province's)"


def _half_hours(spans: dict[str, list[tuple[float, float]]], default: str) -> tuple[str, ...]:
    """48 half-hour slots from [start, end) clock-hour spans."""
    out = [default] * 48
    for name, ranges in spans.items():
        for a, b in ranges:
            for k in range(int(a * 2), int(b * 2)):
                out[k] = name
    return tuple(out)


BASE = _half_hours({"谷": [(0, 8)], "峰": [(8, 11), (18, 22)]}, "平")
JULY = _half_hours({"谷": [(0, 8)], "峰": [(8, 11), (18, 19.5), (21.5, 22)], "尖峰": [(19.5, 21.5)]}, "平")
#: a July holiday: 深谷 11:00–15:00 and 谷 15:00–17:00 on top of the July table
HOLIDAY = _half_hours({"谷": [(0, 8), (15, 17)], "深谷": [(11, 15)], "峰": [(8, 11), (18, 19.5), (21.5, 22)],
                       "尖峰": [(19.5, 21.5)]}, "平")
TARIFF = TouTariff(BASE, PRICES, SOURCE, month_schedules={7: JULY}, date_schedules={"2026-07-15": HOLIDAY})


def _day(date: str, freq: str = "h", periods: int = 24) -> pd.DatetimeIndex:
    return pd.date_range(date, periods=periods, freq=freq, tz="Asia/Shanghai")


def test_periods_month_and_date_overrides() -> None:
    june, july, holiday = (list(TARIFF.periods(_day(d))) for d in ("2026-06-10", "2026-07-10", "2026-07-15"))
    assert june[19:22] == ["峰", "峰", "峰"] and "尖峰" not in june
    assert july[19:22] == ["峰", "尖峰", "尖峰"]  # the period at the start of each hour
    assert holiday[11:15] == ["深谷"] * 4 and holiday[20] == "尖峰"
    quarter = TARIFF.periods(_day("2026-07-10", "15min", 96))
    assert list(quarter[78:80]) == ["尖峰", "尖峰"] and list(quarter[76:78]) == ["峰", "峰"]  # 19:30 = slot 78


def test_hour_across_a_half_hour_boundary_pays_the_mean() -> None:
    """19:00–20:00 in July = half 峰 + half 尖峰 = (1.2 + 1.5)/2; 21:00–22:00 likewise; 20:00–21:00 all 尖峰."""
    p = TARIFF.energy_prices(_day("2026-07-10"))
    assert_allclose(p[19:22], [1.35, 1.5, 1.35])
    assert_allclose(p[[0, 9, 12]], [0.3, 1.2, 0.7])
    q = TARIFF.energy_prices(_day("2026-07-10", "15min", 96))
    assert_allclose(q[76:80], [1.2, 1.2, 1.5, 1.5])


def test_dispatch_cost_by_hand() -> None:
    """The July holiday, load 100 kW. Hourly prices: 0–8 谷 0.3, 8–11 峰 1.2, 11–15 深谷 0.1, 15–17 谷 0.3,
    17 平 0.7, 18 峰 1.2, 19 and 21 half 峰 half 尖峰 1.35, 20 尖峰 1.5, 22–24 平 0.7; grid cost = 100 × Σ.
    A lossless 100 kWh / 100 kW battery (cyclic, no degradation cost) makes two cycles: 谷 night → 峰
    morning (100 × 0.9 = 90 CNY) and 深谷 → the 尖峰 hour 20:00 (100 × 1.4 = 140 CNY); no third pays,
    no cheap hour lies between the evening hours. Saving 230 CNY."""
    idx = _day("2026-07-15")
    base = 100 * (8 * 0.3 + 3 * 1.2 + 4 * 0.1 + 2 * 0.3 + 0.7 + 1.2 + 1.35 + 1.5 + 1.35 + 2 * 0.7)
    assert_allclose(100.0 * TARIFF.energy_prices(idx).sum(), base)
    grid = Grid(TARIFF, 0.5, "test factor", export_limit_kw=0.0)
    plain = dispatch(EnergySystem(idx, np.full(24, 100.0), grid))
    assert_allclose(plain.costs["grid_energy"], base, rtol=1e-9)
    bat = Battery(100.0, 100.0, 1.0, 1.0)
    r = dispatch(EnergySystem(idx, np.full(24, 100.0), grid, battery=bat))
    assert_allclose(r.costs["grid_energy"], base - 90 - 140, rtol=1e-9)
    assert_allclose(r.hourly["discharge"][20], 100.0, rtol=1e-9)
    assert_allclose(r.hourly["charge"][11:15].sum(), 100.0, rtol=1e-9)


def test_bad_tables_are_refused() -> None:
    with pytest.raises(InputError) as exc:
        TouTariff(BASE[:30], PRICES, SOURCE)
    assert exc.value.field == "schedule"
    with pytest.raises(InputError) as exc:
        TouTariff(BASE, PRICES, SOURCE, date_schedules={"2026-13-40": BASE})
    assert exc.value.field == "date_schedules[2026-13-40]"
    with pytest.raises(InputError):
        TouTariff(BASE, {"峰": 1.0}, SOURCE)  # periods without a price
