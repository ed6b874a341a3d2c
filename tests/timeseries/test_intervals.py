"""Interval consumption: counters (rollover, replacement, reset, unexplained decrease), gaps, estimation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pytest

from zerocarbon.model.metering import MeterRow
from zerocarbon.store import schema as store_schema
from zerocarbon.timeseries import intervals as iv
from zerocarbon.timeseries.intervals import interval_consumption, interval_power, meter_table

T = 1_672_502_400  # 2022-12-31 16:00 UTC = 2023-01-01 00:00 Asia/Shanghai (on every grid)
Q = 900
MF = Callable[..., MeterRow]  # the `meter` fixture
RF = Callable[..., pa.Table]  # the `readings` fixture


def _rows(result: iv.Intervals, meter_id: int) -> list[dict[str, Any]]:
    return [r for r in result.values.to_pylist() if r["meter_id"] == meter_id]


def test_flags_are_the_store_bits() -> None:
    assert (iv.FLAG_SPIKE, iv.FLAG_ROLLOVER, iv.FLAG_REPLACEMENT, iv.FLAG_LATE, iv.FLAG_CORRECTION) == (
        store_schema.FLAG_SPIKE, store_schema.FLAG_ROLLOVER, store_schema.FLAG_REPLACEMENT, store_schema.FLAG_LATE,
        store_schema.FLAG_CORRECTION)
    interval_bits = (iv.FLAG_RESET, iv.FLAG_DECREASE, iv.FLAG_ESTIMATED, iv.FLAG_INCOMPLETE)
    assert all(b & iv.READING_FLAGS == 0 for b in interval_bits)


def test_interval_register_times_multiplier(meter: MF, readings: RF) -> None:
    m = meter_table([meter(1, "E", "interval", multiplier=40.0)])
    r = readings(1, [T, T + Q], [1.5, 2.0], [0, store_schema.FLAG_LATE])
    res = interval_consumption(r, m, start=T, end=T + 2 * Q)
    rows = _rows(res, 1)
    assert [x["value"] for x in rows] == [60.0, 80.0]
    assert [x["method"] for x in rows] == ["register", "register"]
    assert rows[1]["flags"] == iv.FLAG_LATE  # late data is simply in the result, flagged as it came
    assert res.gaps.num_rows == 0


def test_counter_differences_go_to_the_interval_ending_at_the_later_reading(meter: MF, readings: RF) -> None:
    m = meter_table([meter(1, "C", multiplier=2.0)])
    r = readings(1, [T, T + Q, T + 2 * Q], [100.0, 103.0, 110.0])
    rows = _rows(interval_consumption(r, m, start=T, end=T + 2 * Q), 1)
    assert [(x["ts"], x["ts_end"], x["value"]) for x in rows] == [(T, T + Q, 6.0), (T + Q, T + 2 * Q, 14.0)]
    assert rows[0]["register_from"] == 100.0 and rows[0]["register_to"] == 103.0
    assert rows[0]["reading_from_ts"] == T and rows[0]["reading_to_ts"] == T + Q


def test_rollover(meter: MF, readings: RF) -> None:
    m = meter_table([meter(1, "C", rollover_at=100_000.0)])
    r = readings(1, [T, T + Q, T + 2 * Q], [99_990.0, 5.0, 12.0])
    rows = _rows(interval_consumption(r, m, start=T, end=T + 2 * Q), 1)
    assert rows[0]["value"] == pytest.approx(15.0)
    assert rows[0]["flags"] & iv.FLAG_ROLLOVER and rows[0]["adjustment"] == 100_000.0
    assert rows[1]["value"] == 7.0 and rows[1]["flags"] == 0


def test_replacement_and_reset_events(meter: MF, readings: RF) -> None:
    m = meter_table([meter(1, "C"), meter(2, "R")])
    r = pa.concat_tables([
        readings(1, [T, T + Q, T + 2 * Q], [500.0, 510.0, 4.0]),
        readings(2, [T, T + Q, T + 2 * Q], [70.0, 75.0, 3.0]),
    ])
    events = pa.table({
        "meter_id": [1, 2], "ts": [T + Q + 300, T + 2 * Q], "kind": ["replacement", "reset"],
        "old_final_value": [512.0, None], "new_initial_value": [1.0, None],
    })
    res = interval_consumption(r, m, start=T, end=T + 2 * Q, events=events)
    repl = _rows(res, 1)[1]
    # (512 − 510) on the old register + (4 − 1) on the new one
    assert repl["value"] == 5.0 and repl["flags"] & iv.FLAG_REPLACEMENT and repl["adjustment"] == 511.0
    reset = _rows(res, 2)[1]
    # no final value stated: nothing counted between the last reading and the reset; the new register starts at 0
    assert reset["value"] == 3.0 and reset["flags"] & iv.FLAG_RESET


def test_unexplained_decrease_is_recorded_not_used_not_zeroed(meter: MF, readings: RF) -> None:
    m = meter_table([meter(1, "C")])
    r = readings(1, [T, T + Q, T + 2 * Q, T + 3 * Q], [100.0, 90.0, 95.0, 97.0])
    res = interval_consumption(r, m, start=T, end=T + 3 * Q, estimate="linear")
    rows = _rows(res, 1)
    bad = rows[0]
    assert bad["value"] is None and bad["method"] == "counter decreased" and bad["flags"] & iv.FLAG_DECREASE
    assert (bad["register_from"], bad["register_to"]) == (100.0, 90.0)
    assert [x["value"] for x in rows[1:]] == [5.0, 2.0]  # the next difference starts from the decreased reading
    assert res.gaps.num_rows == 0  # not missing: recorded as not used, and not estimated


def test_gaps_are_listed_and_not_filled_unless_asked(meter: MF, readings: RF) -> None:
    m = meter_table([meter(1, "C"), meter(2, "I", "interval")])
    r = pa.concat_tables([
        readings(1, [T, T + Q, T + 4 * Q, T + 5 * Q], [0.0, 1.0, 10.0, 11.0]),
        readings(2, [T, T + 3 * Q], [1.0, 1.0]),
    ])
    res = interval_consumption(r, m, start=T, end=T + 6 * Q)
    gaps = res.gaps.to_pylist()
    assert gaps == [
        {"meter_id": 1, "start": T + Q, "end": T + 4 * Q, "count": 3, "bridged_value": 9.0, "estimated": 0},
        {"meter_id": 1, "start": T + 5 * Q, "end": T + 6 * Q, "count": 1, "bridged_value": None, "estimated": 0},
        {"meter_id": 2, "start": T + Q, "end": T + 3 * Q, "count": 2, "bridged_value": None, "estimated": 0},
        {"meter_id": 2, "start": T + 4 * Q, "end": T + 6 * Q, "count": 2, "bridged_value": None, "estimated": 0},
    ]
    assert [x["ts"] for x in _rows(res, 1)] == [T, T + 4 * Q]
    assert all(not (x["flags"] & iv.FLAG_ESTIMATED) for x in res.values.to_pylist())


def test_linear_estimation_spreads_the_counter_difference_and_flags_it(meter: MF, readings: RF) -> None:
    m = meter_table([meter(1, "C")])
    r = readings(1, [T, T + Q, T + 4 * Q], [0.0, 1.0, 10.0])
    res = interval_consumption(r, m, start=T, end=T + 4 * Q, estimate="linear")
    est = [x for x in _rows(res, 1) if x["flags"] & iv.FLAG_ESTIMATED]
    assert [x["ts"] for x in est] == [T + Q, T + 2 * Q, T + 3 * Q]
    assert all(x["value"] == 3.0 and x["method"] == "estimated: linear" for x in est)
    assert res.gaps.to_pylist()[0]["estimated"] == 3 and res.estimate == "linear"


def test_profile_estimation_uses_last_week_scaled_to_the_counter(meter: MF, readings: RF) -> None:
    week = 7 * 86_400
    m = meter_table([meter(1, "C"), meter(2, "I", "interval")])
    # last week: counter steps 1, 3 over the two intervals; interval register 4, 6
    r = pa.concat_tables([
        readings(1, [T - week, T - week + Q, T - week + 2 * Q, T, T + 2 * Q], [0.0, 1.0, 4.0, 100.0, 108.0]),
        readings(2, [T - week, T - week + Q, T + Q], [4.0, 6.0, 5.0]),
    ])
    res = interval_consumption(r, m, start=T, end=T + 2 * Q, estimate="profile")
    c = _rows(res, 1)
    assert [x["value"] for x in c] == [2.0, 6.0]  # 8 split 1:3
    assert all(x["method"] == "estimated: profile" and x["flags"] & iv.FLAG_ESTIMATED for x in c)
    i = _rows(res, 2)
    assert [(x["value"], x["method"]) for x in i] == [(4.0, "estimated: profile"), (5.0, "register")]
    assert {g["meter_id"]: g["estimated"] for g in res.gaps.to_pylist()} == {1: 2, 2: 1}


def test_off_grid_readings_and_power_registers_are_listed_as_unused(meter: MF, readings: RF) -> None:
    m = meter_table([meter(1, "C"), meter(2, "P", "instantaneous", unit="kW")])
    r = pa.concat_tables([readings(1, [T, T + 100, T + Q], [0.0, 0.5, 1.0]), readings(2, [T], [50.0])])
    res = interval_consumption(r, m, start=T, end=T + Q)
    reasons = {(u["meter_id"], u["ts"]): u["reason"] for u in res.unused.to_pylist()}
    assert "grid" in reasons[(1, T + 100)]
    assert "power_as_energy" in reasons[(2, None)]
    assert [x["value"] for x in _rows(res, 1)] == [1.0]


def test_power_to_energy_only_when_asked(meter: MF, readings: RF) -> None:
    m = meter_table([meter(1, "P", "instantaneous", unit="kW", multiplier=2.0)])
    r = readings(1, [T, T + 300, T + Q], [30.0, 60.0, 90.0])
    res = interval_consumption(r, m, start=T, end=T + 2 * Q, power_as_energy=True)
    rows = _rows(res, 1)
    # first interval: 60 kW for 300 s and 120 kW for 600 s → mean 100 kW × 0.25 h = 25 kWh
    assert rows[0]["value"] == pytest.approx(25.0) and rows[0]["method"] == "mean power"
    assert rows[1]["value"] == pytest.approx(45.0) and rows[1]["samples"] == 1
    assert m["energy_unit"].to_pylist() == ["kWh"]
    power = interval_power(r, m, start=T, end=T + 2 * Q).to_pylist()
    assert [p["value"] for p in power] == [pytest.approx(100.0), pytest.approx(180.0)]


def test_window_respects_commissioning(meter: MF, readings: RF) -> None:
    m = meter_table([meter(1, "I", "interval", commissioned_at=T + 2 * Q)])
    res = interval_consumption(readings(1, [T + 2 * Q], [1.0]), m, start=T, end=T + 4 * Q)
    assert res.gaps.to_pylist() == [
        {"meter_id": 1, "start": T + 3 * Q, "end": T + 4 * Q, "count": 1, "bridged_value": None, "estimated": 0}]


def test_spike_on_counters_is_flagged(meter: MF, readings: RF) -> None:
    m = meter_table([meter(1, "C", spike_limit=50.0)])
    rows = _rows(interval_consumption(readings(1, [T, T + Q], [0.0, 80.0]), m, start=T, end=T + Q), 1)
    assert rows[0]["value"] == 80.0 and rows[0]["flags"] & iv.FLAG_SPIKE


def test_bad_estimate_name_raises(meter: MF, readings: RF) -> None:
    with pytest.raises(ValueError, match="estimate"):
        interval_consumption(readings(1, [T], [0.0]), meter_table([meter(1, "C")]), start=T, end=T + Q,
                             estimate="spline")  # type: ignore[arg-type]
