"""The day scan reads one step beyond its days (issue 11): a counter's pair across a bound of the span
that is no gap run (a decrease across missing readings) is still read whole, as the year's scan reads it."""

from __future__ import annotations

import pytest
from tests.timeseries.conftest import _meter
from tests.timeseries.test_days import _apply, _check
from tests.timeseries.test_months import STEP, TZ, YEAR, _initial, _view

from zerocarbon.timeseries import days
from zerocarbon.timeseries.intervals import EVENT_SCHEMA, NODE_SCHEMA, meter_table
from zerocarbon.timeseries.months import month_starts, scan_pieces
from zerocarbon.timeseries.year import FactoryMeters


def _no_rollover() -> FactoryMeters:
    meters = meter_table([
        _meter(1, "C1", "cumulative", multiplier=40.0, interval_seconds=STEP),
        _meter(2, "I2", "interval", interval_seconds=STEP),
        _meter(3, "V3", "cumulative", virtual_formula="C1 - I2", interval_seconds=STEP),
    ])
    return FactoryMeters("F", "厂", "F", "江苏", TZ, meters, NODE_SCHEMA.empty_table(), EVENT_SCHEMA.empty_table())


@pytest.mark.parametrize("before", [2, 6])  # the reading before the hole: 16 h, 2 days before the span
def test_a_decrease_across_missing_readings_at_the_span_start_is_read_whole(before: int) -> None:
    fm = _no_rollover()
    data = {k: v for k, v in _initial(3).items() if k[0] == 2}
    d = month_starts(YEAR, TZ)[4] + 9 * 86_400  # a local midnight on the grid, mid-May
    t0 = month_starts(YEAR, TZ)[0] - 6 * STEP
    for i, t in enumerate(range(t0, month_starts(YEAR, TZ)[12] + 6 * STEP, STEP)):
        data[(1, t)] = 1000.0 + i
    high = data[(1, d - before * STEP)]
    for t in range(d - (before - 1) * STEP, d + STEP, STEP):
        del data[(1, t)]
    data[(1, d + STEP)] = high - 500.0  # below the reading before the hole: 'counter decreased', not a gap
    for t in range(d + 2 * STEP, d + 12 * STEP, STEP):
        data[(1, t)] = data[(1, t)] - 600.0
    stored = scan_pieces(fm, YEAR, _view(data), estimate="linear", power_as_energy=False, daily=True)
    assert stored.daily is not None
    data[(1, d + 2 * STEP)] += 1.5  # a correction: its span starts at d, inside the decreased pair
    spans = days.spans([(1, d + 2 * STEP, d + 2 * STEP)], stored, fm, YEAR, "linear")
    assert spans[1][0] == d
    stored, kept_days, by_days = _apply(fm, stored, stored.daily, data, [(1, d + 2 * STEP, d + 2 * STEP)])
    assert by_days
    _check(fm, stored, kept_days, data)
