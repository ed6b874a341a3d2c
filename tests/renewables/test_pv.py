"""PV through pvlib: the documented PVWatts DC model and a TMY3 year of a documented site."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pvlib
import pytest
from numpy.testing import assert_allclose
from pvlib.modelchain import ModelChain
from pvlib.pvsystem import Array, FixedMount, PVSystem, pvwatts_dc
from pvlib.temperature import TEMPERATURE_MODEL_PARAMETERS

from zerocarbon.errors import InputError
from zerocarbon.renewables.pv import PVArray, Site, read_weather, simulate_pv, simulate_pv_clear_sky

#: NREL TMY3 station 723170 (Greensboro Piedmont Triad Intl, NC, 36.1° N, 79.95° W, 273 m), shipped with pvlib
#: as pvlib/data/723170TYA.CSV.
TMY3 = Path(pvlib.__file__).parent / "data" / "723170TYA.CSV"


def test_pvwatts_dc_documented_value() -> None:
    """pvlib's own test (pvlib/tests/test_pvsystem.py::test_pvwatts_dc_scalars): 900 W/m², 30 °C, 100 W,
    γ = −0.003/°C → 88.65 W, i.e. 900/1000 · 100 · (1 − 0.003 · 5)."""
    assert_allclose(pvwatts_dc(900, 30, 100, -0.003), 88.65)


def test_tmy3_year_reproduces_pvlib_modelchain() -> None:
    """Our chain on the Greensboro TMY3 year equals pvlib's ModelChain.with_pvwatts built independently."""
    weather, site, source = read_weather(TMY3)
    assert site.latitude == pytest.approx(36.1) and site.altitude_m == pytest.approx(273.0)
    arr = PVArray("roof", 30.0, 180.0, 100.0)
    ours = simulate_pv(site, [arr], weather, source)
    mount = FixedMount(30.0, 180.0)
    system = PVSystem(arrays=[Array(mount, module_parameters={"pdc0": 100_000.0, "gamma_pdc": -0.0047},
                                    temperature_model_parameters=TEMPERATURE_MODEL_PARAMETERS["sapm"][
                                        "open_rack_glass_polymer"])],
                      inverter_parameters={"pdc0": 100_000.0 / 0.96, "eta_inv_nom": 0.96})
    mc = ModelChain.with_pvwatts(system, site.location(), aoi_model="physical", spectral_model="no_loss")
    mc.run_model(weather)
    ref_kwh = float(mc.results.ac.clip(lower=0).fillna(0).sum()) / 1000.0
    assert_allclose(ours.annual_kwh, ref_kwh, rtol=1e-9)
    assert 1100 < ours.specific_yield < 1600  # plausibility for a south-facing 30° array in North Carolina
    assert not ours.clear_sky_fallback
    assert_allclose(ours.profile().max(), ours.ac_kw.max() / 100.0)


def test_clear_sky_fallback_is_flagged() -> None:
    idx = pd.date_range("2026-06-21", periods=24, freq="h", tz="Asia/Shanghai")
    site = Site(31.23, 121.47, 4.0, name="Shanghai")
    full = simulate_pv_clear_sky(site, [PVArray("a", 25, 180, 10)], idx, 1.0, "test")
    half = simulate_pv_clear_sky(site, [PVArray("a", 25, 180, 10)], idx, 0.5, "test")
    assert half.clear_sky_fallback and "clear-sky fallback" in half.method and half.derate == 0.5
    assert 0.45 * full.annual_kwh < half.annual_kwh < 0.55 * full.annual_kwh
    with pytest.raises(InputError):
        simulate_pv_clear_sky(site, [PVArray("a", 25, 180, 10)], idx, 0.0, "test")


def test_weather_without_columns_is_refused() -> None:
    idx = pd.date_range("2026-06-21", periods=3, freq="h", tz="Asia/Shanghai")
    with pytest.raises(InputError) as exc:
        simulate_pv(Site(31, 121), [PVArray("a", 25, 180, 10)], pd.DataFrame({"ghi": [0, 1, 2]}, index=idx), "x")
    assert exc.value.field == "weather"
