"""The SQL window shared by both read paths of readings (:mod:`zerocarbon.store.readings_sql`)."""

from __future__ import annotations

from zerocarbon.store.readings_sql import reading_filter


def test_reading_filter_is_a_half_open_window_of_meters() -> None:
    assert reading_filter([3, 1], 100, 200) == "meter_id IN (3,1) AND ts >= 100 AND ts < 200"
    assert reading_filter([], None, None) == "meter_id IN (NULL)"  # no meters: no rows
    assert reading_filter(None, None, None) == "TRUE"
    assert reading_filter(None, None, 50) == "ts < 50"
