"""PV forecasts from forecast weather through pvlib (zerocarbon.forecast.pv_forecast)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from zerocarbon.errors import InputError
from zerocarbon.forecast.pv_forecast import (
    PV_MODEL,
    backtest_pv,
    cloud_cover_to_ghi,
    complete_irradiance,
    expected_energy,
    fit_scale,
    forecast_pv,
    unit_array,
)
from zerocarbon.forecast.series import HOUR, HourlySeries
from zerocarbon.renewables.pv import PVArray, Site, simulate_pv
from zerocarbon.renewables.weather import SyntheticClimate, synthetic_year

SITE = Site(31.78, 119.95, 5.0, tz="Asia/Shanghai")
ARRAY = PVArray("roof", 20, 180, 100.0)
#: Test climate: illustrative parameters (not statistics of any site), for weather with day-to-day clouds.
CLIMATE = SyntheticClimate([0.6] * 12, 4.0, 16.0, 10.0, 4.0, 200.0, 14.0, "test: illustrative parameters")


def _weather(seed: int, days: int = 70) -> pd.DataFrame:
    return synthetic_year(SITE, 2023, CLIMATE, seed).iloc[120 * 24:(120 + days) * 24]


def _observed(weather: pd.DataFrame, kwp: float, noise: float, seed: int = 0) -> HourlySeries:
    """A PV meter whose output is pvlib's from ``weather`` (the truth) with relative noise."""
    truth = expected_energy(SITE, [replace_kwp(kwp)], weather, "truth")
    rng = np.random.default_rng(seed)
    return HourlySeries(truth.ts, truth.kwh * (1 + noise * rng.standard_normal(len(truth.ts))), unit="kWh",
                        name="PV1", carrier="pv", holidays=False)


def replace_kwp(kwp: float) -> PVArray:
    return PVArray("roof", 20, 180, kwp)


def test_cloud_cover_linear_to_ghi() -> None:
    """Larson et al. (2016) linear relation, offset 35 %: 0 % → clear sky, 100 % → 35 %, 50 % → 67.5 %."""
    clear = np.array([800.0, 800.0, 800.0, 0.0])
    np.testing.assert_allclose(cloud_cover_to_ghi(np.array([0.0, 100.0, 50.0, 30.0]), clear), [800, 280, 540, 0])
    with pytest.raises(InputError):
        cloud_cover_to_ghi(np.array([120.0]), np.array([800.0]))


def test_irradiance_completed_from_ghi_or_cloud_cover() -> None:
    w = _weather(1, days=3)
    solpos = SITE.location().get_solarposition(w.index + pd.Timedelta(minutes=30))
    cosz = np.cos(np.radians(np.asarray(solpos["zenith"], float)))
    only_ghi, how = complete_irradiance(SITE, w[["ghi", "temp_air"]])
    assert "Erbs" in how
    day = np.asarray(solpos["zenith"]) < 85
    # the decomposition closes: GHI = DNI cos z + DHI (Erbs), in daylight
    np.testing.assert_allclose((only_ghi["dni"] * cosz + only_ghi["dhi"])[day], only_ghi["ghi"][day], rtol=1e-6,
                               atol=1e-6)
    cc = pd.DataFrame({"cloud_cover": 100.0}, index=w.index)
    from_cc, how_cc = complete_irradiance(SITE, cc)
    clear = SITE.location().get_clearsky(w.index + pd.Timedelta(minutes=30), model="ineichen")
    np.testing.assert_allclose(from_cc["ghi"], 0.35 * clear["ghi"], rtol=1e-9)
    assert "Larson" in how_cc
    with pytest.raises(InputError):
        complete_irradiance(SITE, w[["temp_air"]])


def test_expected_energy_is_the_projects_pv_model_at_mid_hour() -> None:
    """No second PV model: the forecast is renewables.pv.simulate_pv evaluated at the middle of each hour."""
    w = _weather(2, days=5)
    e = expected_energy(SITE, [ARRAY], w, "test weather")
    direct = simulate_pv(SITE, [ARRAY], w.set_axis(w.index + pd.Timedelta(minutes=30)), "test weather")
    np.testing.assert_allclose(e.kwh, np.asarray(direct.ac_kw), rtol=1e-12)
    assert e.ts[0] == int(w.index[0].timestamp()) and np.all(np.diff(e.ts) == HOUR)
    noon = pd.DatetimeIndex(pd.to_datetime(e.ts, unit="s", utc=True)).tz_convert("Asia/Shanghai").hour == 12
    assert e.kwh[noon].max() > 30 and e.kwh[noon].max() <= ARRAY.kwp  # a 100 kWp roof at noon, below nameplate
    with pytest.raises(InputError):
        expected_energy(SITE, [ARRAY], w.drop(w.index[5]), "gappy")


def test_fitted_capacity_recovers_the_plant() -> None:
    w = _weather(3, days=35)
    observed = _observed(w, 250.0, 0.0)
    unit = expected_energy(SITE, [unit_array(ARRAY)], w, "test", nameplate=False)
    assert fit_scale(observed, unit) == pytest.approx(250.0, rel=1e-9)
    fc, k = forecast_pv(unit, observed.ts[-48:], observed.before(int(observed.ts[-48])))
    assert k == pytest.approx(250.0, rel=1e-9)
    np.testing.assert_allclose(fc.mean, observed.values[-48:], atol=1e-6)
    with pytest.raises(InputError):
        forecast_pv(unit, observed.ts[-24:], None)  # no nameplate and no history


def test_forecast_needs_weather_for_every_hour() -> None:
    w = _weather(4, days=3)
    e = expected_energy(SITE, [ARRAY], w, "test")
    with pytest.raises(InputError):
        forecast_pv(e, e.ts[-1] + HOUR * np.arange(24, dtype=np.int64))


def test_backtest_skill_with_the_right_weather_and_without() -> None:
    """With the weather that made the output, pvlib beats the similar-day model by far; with another
    weather year's clouds it does not: the skill measures the weather forecast, not the curve's shape."""
    w = _weather(5)
    observed = _observed(w, 400.0, 0.03)
    right = backtest_pv(observed, expected_energy(SITE, [unit_array(ARRAY)], w, "truth", nameplate=False,
                                                  observed_weather=True), count=6)
    d = right.to_dict()
    assert d["skill_vs_similar_day"][PV_MODEL] > 0.8
    assert d["models"][PV_MODEL]["skill"] > 0.8
    assert right.backtest.default_model == PV_MODEL
    assert all(k == pytest.approx(400.0, rel=0.02) for k in right.scales)
    assert 0.6 <= d["models"][PV_MODEL]["coverage"] <= 1.0
    assert "upper bound" in d["note_en"]
    wrong_weather = _weather(99).set_axis(w.index)
    wrong = backtest_pv(observed, expected_energy(SITE, [unit_array(ARRAY)], wrong_weather, "another year",
                                                  nameplate=False), count=6).to_dict()
    assert wrong["skill_vs_similar_day"][PV_MODEL] < d["skill_vs_similar_day"][PV_MODEL] - 0.5
    assert "note_en" not in wrong
