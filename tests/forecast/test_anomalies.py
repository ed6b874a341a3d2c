"""Each detector on a synthetic factory load with one anomaly of known time and size, and on the clean load."""

from __future__ import annotations

import numpy as np
import pytest

from zerocarbon.forecast.alerts import Valuation
from zerocarbon.forecast.anomalies import (
    Settings,
    baseload_creep,
    detect,
    flat_lines,
    forecast_deviation,
    level_shifts,
    off_hours,
    reference,
    runs,
    spikes,
)
from zerocarbon.forecast.models import forecast
from zerocarbon.forecast.series import HourlySeries

from .conftest import factory_load

DAY = 24


def _series(values: np.ndarray, like: HourlySeries) -> HourlySeries:
    return like.replace(values)


def test_runs() -> None:
    assert runs(np.array([0, 1, 1, 0, 1], bool)) == [(1, 3), (4, 5)]
    assert runs(np.zeros(3, bool)) == []


def test_clean_load_raises_nothing() -> None:
    assert detect(factory_load(weeks=8)) == []


def test_spike_with_its_waste_tco2_and_money() -> None:
    base = factory_load(weeks=6)
    y = base.values.copy()
    at = 5 * 7 * DAY + 2 * DAY + 10  # Wednesday of week 6, 10:00
    y[at] += 150.0
    s = _series(y, base)
    found = spikes(s, reference(s))
    assert len(found) == 1 and found[0].start == s.ts[at] and found[0].hours == 1
    assert found[0].waste == pytest.approx(150.0, abs=8.0)  # excess over the median of four past weeks
    valued = detect(s, valuation=Valuation(factor=0.0005, tariff=0.8, factor_source="test"))
    spike = next(a for a in valued if a.kind == "spike")
    assert spike.tco2 == pytest.approx(spike.waste * 0.0005) and spike.money == pytest.approx(spike.waste * 0.8)
    assert spike.curve[0]["expected"] is not None and spike.severity == "high"
    assert "尖峰" in spike.message("zh") and "spike" in spike.message("en")


def test_consumption_outside_production_hours() -> None:
    base = factory_load(weeks=6)
    y = base.values.copy()
    night = 5 * 7 * DAY + DAY  # Tuesday of week 6, 00:00–06:00 +15 kWh/h (a compressed-air leak)
    y[night:night + 6] += 15.0
    s = _series(y, base)
    found = off_hours(s, reference(s))
    assert [(a.start, a.hours) for a in found] == [(s.ts[night], 6)]
    assert found[0].waste == pytest.approx(90.0, rel=0.1)
    assert off_hours(s, reference(s), Settings(production_hours=(0, 24))) == []  # all hours productive


def test_flat_line_of_a_stuck_meter_but_not_a_quiet_pv_night() -> None:
    base = factory_load(weeks=6)
    y = base.values.copy()
    stuck = 5 * 7 * DAY + 6
    y[stuck:stuck + 10] = y[stuck]
    s = _series(y, base)
    found = flat_lines(s, reference(s))
    assert len(found) == 1 and found[0].hours == 10 and found[0].waste == 0.0
    hours = np.arange(len(base)) % 24
    pv = base.replace(np.where((hours > 6) & (hours < 18), 50.0 + np.arange(len(base)) % 7, 0.0))
    assert flat_lines(pv, reference(pv)) == []


def test_level_shift_up_and_down() -> None:
    base = factory_load(weeks=8)
    y = base.values.copy()
    y[6 * 7 * DAY:6 * 7 * DAY + 5 * DAY] *= 1.3
    s = _series(y, base)
    found = level_shifts(s, reference(s))
    assert len(found) == 1 and found[0].start == s.ts[6 * 7 * DAY] and found[0].hours == 5 * DAY
    assert found[0].waste == pytest.approx(0.3 * base.values[6 * 7 * DAY:6 * 7 * DAY + 5 * DAY].sum(), rel=0.1)
    down = base.values.copy()
    down[6 * 7 * DAY:6 * 7 * DAY + 4 * DAY] *= 0.6
    d = _series(down, base)
    assert [a.waste for a in level_shifts(d, reference(d))] == [0.0]


def test_baseload_creep() -> None:
    base = factory_load(weeks=9)
    y = base.values.copy()
    start = 6 * 7 * DAY
    y[start:] += np.linspace(0, 20.0, len(y) - start)  # +20 kWh/h over three weeks, day and night
    s = _series(y, base)
    found = baseload_creep(s, reference(s))
    assert len(found) == 1 and found[0].start > s.ts[start] and found[0].waste > 0


def test_deviation_from_the_forecast_band() -> None:
    series = factory_load(weeks=6)
    past = series.before(int(series.ts[-24]))
    fc = forecast(past, 24, "similar_day")
    y = series.values.copy()
    y[-14:-10] += 40.0
    found = forecast_deviation(series.replace(y), fc)
    assert len(found) == 1 and found[0].hours == 4 and found[0].start == series.ts[-14]
