"""The synthetic weather year and the weather CSV format."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from zerocarbon.errors import InputError
from zerocarbon.renewables.pv import Site
from zerocarbon.renewables.weather import SyntheticClimate, read_weather_csv, synthetic_year, write_weather_csv

SITE = Site(31.78, 119.95, 5.0)
CLIMATE = SyntheticClimate([0.6] * 12, 4.0, 16.0, 12.0, 4.0, 200.0, 14.0, "test choices")


def test_seeded_and_bounded() -> None:
    a = synthetic_year(SITE, 2023, CLIMATE, seed=1)
    b = synthetic_year(SITE, 2023, CLIMATE, seed=1)
    c = synthetic_year(SITE, 2023, CLIMATE, seed=2)
    assert len(a) == 8760 and a.equals(b) and not a.equals(c)
    clear = SITE.location().get_clearsky(a.index + np.timedelta64(30, "m"), model="ineichen")
    assert (a["ghi"].to_numpy() <= clear["ghi"].to_numpy() + 1e-9).all()  # k_d ≤ 1
    zenith = SITE.location().get_solarposition(a.index + np.timedelta64(30, "m"))["zenith"].to_numpy()
    beam = a["dni"].to_numpy() * np.clip(np.cos(np.radians(zenith)), 0, None)
    assert np.allclose(a["dhi"].to_numpy() + beam, a["ghi"].to_numpy(), atol=1e-6)  # Erbs closes GHI
    assert a["temp_air"].max() == pytest.approx(16 + 12 + 4, abs=0.5)


def test_csv_round_trip_keeps_provenance(tmp_path: Path) -> None:
    w = synthetic_year(SITE, 2023, CLIMATE, seed=1)
    path = write_weather_csv(tmp_path / "w.csv", w, SITE, {"source": "SYNTHETIC test", "method": "m"})
    back, site, header = read_weather_csv(path)
    assert header["source"] == "SYNTHETIC test" and site.latitude == 31.78 and str(back.index.tz) == "Asia/Shanghai"
    assert np.allclose(back["ghi"], w["ghi"], atol=0.05)


def test_csv_without_source_refused(tmp_path: Path) -> None:
    p = tmp_path / "w.csv"
    p.write_text("# latitude: 1\n# longitude: 1\n# tz: UTC\ntime,ghi,dni,dhi,temp_air\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_weather_csv(p)
    assert "source" in exc.value.message("en") and exc.value.file == str(p)


def test_bad_climate_refused() -> None:
    with pytest.raises(InputError):
        SyntheticClimate([1.2] * 12, 4.0, 16.0, 12.0, 4.0, 200.0, 14.0, "x")
