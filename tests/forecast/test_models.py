"""The forecast models on a synthetic factory load whose pattern is known exactly."""

from __future__ import annotations

import numpy as np
import pytest

from zerocarbon.errors import InputError
from zerocarbon.forecast.models import band, forecast, seasonal_naive, similar_day
from zerocarbon.forecast.series import HourlySeries

from .conftest import factory_load


def test_seasonal_naive_repeats_last_week(load: HourlySeries) -> None:
    past = load.before(int(load.ts[-168]))
    ts = past.end + 3600 * np.arange(200)
    got = seasonal_naive(past, ts)
    assert np.array_equal(got[:168], past.values[-168:])
    assert np.array_equal(got[168:], past.values[-168:][:32])  # beyond a week: the same last week again


def test_similar_day_averages_days_of_the_same_kind(load: HourlySeries) -> None:
    noiseless = factory_load(weeks=3, noise=0.0)
    got = similar_day(noiseless, noiseless.end + 3600 * np.arange(48))  # Monday and Tuesday after three weeks
    expected = np.where((np.arange(48) % 24 >= 8) & (np.arange(48) % 24 < 20), 100.0, 30.0)
    assert np.allclose(got, expected)


def test_gbm_learns_the_pattern_and_bands_cover() -> None:
    series = factory_load(weeks=6, noise=0.02)
    past = series.before(int(series.ts[-168]))
    f = forecast(past, 168, "gbm")
    actual = series.values[-168:]
    assert np.mean(np.abs(actual - f.mean)) < 3.0  # noise σ is 2 kWh at 100 kWh
    inside = np.mean((actual >= f.lower) & (actual <= f.upper))
    assert 0.7 <= inside <= 1.0
    assert f.model == "gbm" and "residual quantiles" in f.method


def test_band_uses_hourly_quantiles_when_there_are_enough() -> None:
    res = np.tile(np.arange(-12.0, 13.0), 24)  # 25 residuals per hour: −12 … 12
    hours = np.repeat(np.arange(24), 25)
    lo, hi = band(np.array([100.0, 50.0]), np.array([3, 4]), res, hours, 0.8)
    assert np.allclose(lo, [100 - 9.6, 50 - 9.6]) and np.allclose(hi, [109.6, 59.6])
    nan_lo, _ = band(np.array([1.0]), np.array([0]), np.zeros(0), np.zeros(0, np.int64), 0.9)
    assert np.isnan(nan_lo).all()


def test_bad_requests_are_refused(load: HourlySeries) -> None:
    with pytest.raises(InputError):
        forecast(load, 24, "prophet")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        forecast(load, 24, "seasonal_naive", level=1.5)
    with pytest.raises(InputError):
        forecast(load.before(int(load.ts[100])), 24, "gbm")  # too little history
    with pytest.raises(InputError):
        HourlySeries(np.array([0, 7200]), np.array([1.0, 2.0]))
