"""The sample weather year: shipped file = a fresh generation, with its provenance in the header."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from zerocarbon.demo.weather import SAMPLE_PLANNING, SAMPLE_WEATHER, write_sample_weather
from zerocarbon.renewables.weather import read_weather_csv


def test_shipped_weather_is_the_documented_generation(tmp_path: Path) -> None:
    shipped, site, header = read_weather_csv(SAMPLE_WEATHER)
    fresh, _, fresh_header = read_weather_csv(write_sample_weather(tmp_path / "w.csv"))
    assert len(shipped) == 8760 and shipped.index.equals(fresh.index)
    assert np.allclose(shipped.to_numpy(), fresh.to_numpy(), atol=0.051)
    assert header["source"].startswith("SYNTHETIC") and "Ineichen" in header["method"]
    assert "not measured" in header["parameters_source"] and "pvlib" in header["licence"]
    assert header == fresh_header
    assert (site.latitude, site.longitude) == (31.78, 119.95)
    assert SAMPLE_PLANNING.exists()
