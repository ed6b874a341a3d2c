"""Roll-ups in local time, up the hierarchy, power averaging and virtual meters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zerocarbon.errors import InputError
from zerocarbon.model.metering import MeterRow
from zerocarbon.timeseries.intervals import (
    FLAG_ESTIMATED,
    FLAG_INCOMPLETE,
    NODE_SCHEMA,
    interval_power,
    meter_table,
)
from zerocarbon.timeseries.rollups import rollup_hierarchy, rollup_time
from zerocarbon.timeseries.virtual import evaluate_virtual, parse_formula

T = 1_672_502_400  # 2022-12-31 16:00 UTC = 2023-01-01 00:00 in Asia/Shanghai
Q = 900
MF = Callable[..., MeterRow]  # the `meter` fixture
RF = Callable[..., pa.Table]  # the `readings` fixture


def _values(rows: Sequence[tuple[int, int, float | None]], step: int = Q, flags: list[int] | None = None) -> pa.Table:
    return pa.table({
        "meter_id": pa.array([r[0] for r in rows], pa.int64()), "ts": pa.array([r[1] for r in rows], pa.int64()),
        "ts_end": pa.array([r[1] + step for r in rows], pa.int64()),
        "value": pa.array([r[2] for r in rows], pa.float64()),
        "flags": pa.array(flags or [0] * len(rows), pa.int64()),
    })


def _by(table: pa.Table, *keys: str) -> dict[Any, dict[str, Any]]:
    return {tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]: r for r in table.to_pylist()}


def test_china_local_day_boundary() -> None:
    """23:45 and 00:00 local fall on different local days, months and years, though both are 2022-12-31 in UTC."""
    v = _values([(1, T - Q, 1.0), (1, T, 2.0), (1, T + Q, 4.0)])
    hours = _by(rollup_time(v, "hour"), "period")
    assert {k: r["value"] for k, r in hours.items()} == {"2022-12-31 23:00": 1.0, "2023-01-01 00:00": 6.0}
    days = rollup_time(v, "day").to_pylist()
    assert [(d["period"], d["ts"], d["ts_end"], d["value"], d["n_intervals"]) for d in days] == [
        ("2022-12-31", T - 86_400, T, 1.0, 1), ("2023-01-01", T, T + 86_400, 6.0, 2)]
    months = rollup_time(v, "month").to_pylist()
    assert [(m["period"], m["value"]) for m in months] == [("2022-12", 1.0), ("2023-01", 6.0)]
    assert months[1]["ts_end"] == T + 31 * 86_400  # 2023-02-01 00:00 local
    utc_days = rollup_time(v, "day", tz="UTC").to_pylist()
    assert [(d["period"], d["value"]) for d in utc_days] == [("2022-12-31", 7.0)]


@pytest.mark.parametrize("freq", ["hour", "day", "month"])
def test_a_rollup_told_its_window_equals_one_that_finds_it(freq: str) -> None:
    """``within`` (the rows' window, known to a scan) maps the same hours as a pass over the rows would,
    for a window wider than the rows and one that starts and ends inside an hour."""
    from zerocarbon.duck import connection
    from zerocarbon.timeseries.rollups import rollup_time_in

    v = _values([(1, T - Q, 1.0), (1, T, 2.0), (2, T + 40 * 86_400 + Q, 4.0), (2, T + 40 * 86_400 + 2 * Q, 8.0)])
    con = connection()
    try:
        con.register("v", v)
        found = rollup_time_in(con, "v", v.column_names, freq)  # type: ignore[arg-type]
        for window in ((T - 86_400 * 3, T + 86_400 * 60), (T - Q, T + 40 * 86_400 + 3 * Q)):
            told = rollup_time_in(con, "v", v.column_names, freq, within=window)  # type: ignore[arg-type]
            assert told.equals(found)
        con.register("none", v.slice(0, 0))
        for window in ((T, T), (T, T + 86_400)):  # an empty window, and no rows in a window
            assert rollup_time_in(con, "none", v.column_names, freq, within=window).num_rows == 0  # type: ignore[arg-type]
    finally:
        con.close()


def test_counts_nulls_and_estimates_travel_up() -> None:
    v = _values([(1, T, 1.0), (1, T + Q, None), (1, T + 2 * Q, 3.0)], flags=[0, 64, FLAG_ESTIMATED])
    hour = rollup_time(v, "hour").to_pylist()[0]
    assert (hour["value"], hour["n_intervals"], hour["n_null"], hour["n_estimated"]) == (4.0, 2, 1, 1)
    assert hour["flags"] == 64 | FLAG_ESTIMATED
    day = rollup_time(rollup_time(v, "hour"), "day").to_pylist()[0]
    assert (day["value"], day["n_intervals"], day["n_null"], day["n_estimated"]) == (4.0, 2, 1, 1)


def test_a_row_across_a_period_boundary_raises() -> None:
    utc_midnight = T + 8 * 3600  # 2023-01-01 00:00 UTC = 08:00 local
    with pytest.raises(ValueError, match="runs past"):
        rollup_time(_values([(1, utc_midnight, 24.0)], step=86_400), "day")


def test_power_is_averaged_by_time(meter: MF, readings: RF) -> None:
    """100 kW for 900 s and 400 kW for 300 s average to 175 kW, not (100 + 400) / 2."""
    m = meter_table([meter(1, "P", "instantaneous", unit="kW")])
    r = readings(1, [T, T + Q + 600], [100.0, 400.0])
    per_interval = interval_power(r, m, start=T, end=T + 2 * Q)
    assert [(p["value"], p["seconds"]) for p in per_interval.to_pylist()] == [(100.0, 900), (400.0, 300)]
    hour = rollup_time(per_interval, "hour", quantity="power").to_pylist()[0]
    assert hour["value"] == pytest.approx(175.0) and hour["seconds"] == 1200
    day = rollup_time(rollup_time(per_interval, "hour", quantity="power"), "day", quantity="power").to_pylist()[0]
    assert day["value"] == pytest.approx(175.0)


def _nodes() -> pa.Table:
    return pa.table({"node_id": [1, 2, 3, 4], "parent_id": [None, 1, 2, 1], "code": ["S", "W1", "L1", "W2"],
                     "kind": ["site", "workshop", "line", "workshop"], "cost_centre": ["CC-S", None, None, "CC-W2"]},
                    schema=NODE_SCHEMA)


def test_hierarchy_sums_own_and_subtree(meter: MF) -> None:
    meters = meter_table([
        meter(1, "M01", "interval", node_id=1), meter(2, "M02", "interval", node_id=2),
        meter(3, "M03", "interval", node_id=3), meter(4, "M04", "interval", node_id=4),
        meter(5, "G1", "interval", node_id=2, carrier="natural_gas", unit="Nm3"),
    ], _nodes())
    assert dict(zip(meters["code"].to_pylist(), meters["cost_centre"].to_pylist(), strict=True)) == {
        "M01": "CC-S", "M02": "CC-S", "M03": "CC-S", "M04": "CC-W2", "G1": "CC-S"}
    v = _values([(1, T, 100.0), (2, T, 30.0), (3, T, 10.0), (4, T, 50.0), (5, T, 7.0),
                 (1, T + Q, 100.0), (2, T + Q, 30.0), (3, T + Q, 10.0), (5, T + Q, 7.0)])
    result = rollup_hierarchy(v, meters, _nodes())
    got = _by(result.values, "code", "unit", "ts")
    site = got[("S", "kWh", T)]
    assert (site["value"], site["own_value"], site["n_meters"], site["complete"]) == (190.0, 100.0, 4, True)
    w1 = got[("W1", "kWh", T)]
    assert (w1["value"], w1["own_value"]) == (40.0, 30.0)
    assert got[("L1", "kWh", T)]["value"] == 10.0
    assert got[("S", "Nm3", T)]["value"] == 7.0  # gas never added to electricity
    later = got[("S", "kWh", T + Q)]  # M04 missing: partial sum, flagged
    assert (later["value"], later["complete"], later["n_values"]) == (140.0, False, 3)
    assert later["flags"] & FLAG_INCOMPLETE
    members = {(r["node_id"], r["unit"]): r["meters"] for r in result.members.to_pylist()}
    assert members[(1, "kWh")] == ["M01", "M02", "M03", "M04"]


def test_hierarchy_of_day_equals_day_of_hierarchy(meter: MF) -> None:
    meters = meter_table([meter(1, "A", "interval", node_id=2), meter(2, "B", "interval", node_id=3)], _nodes())
    v = _values([(1, T + i * Q, float(i)) for i in range(8)] + [(2, T + i * Q, 2.0 * i) for i in range(8)])
    day_of_tree = rollup_time(rollup_hierarchy(v, meters, _nodes()).values, "day", by=("node_id", "unit"))
    tree_of_day = rollup_hierarchy(rollup_time(v, "day"), meters, _nodes()).values
    assert _by(day_of_tree, "node_id")[1]["value"] == _by(tree_of_day, "node_id")[1]["value"] == 84.0


def test_virtual_meters(meter: MF) -> None:
    meters = meter_table([
        meter(1, "M01", "interval", node_id=1), meter(2, "M02", "interval", node_id=2),
        meter(3, "M-03", "interval", node_id=4, unit="MWh"),
        meter(10, "V1", "interval", virtual_formula="M01 - M02"),
        meter(11, "V2", "interval", virtual_formula="M01 + M02 - M-03"),
        meter(12, "V3", "interval", node_id=1, virtual_formula="sum(children)"),
        meter(13, "V4", "interval", node_id=1, virtual_formula="M01 - sum(children)"),
        meter(14, "V5", "interval", virtual_formula="0.5 * V1 + V4"),
    ], _nodes())
    v = _values([(1, T, 100.0), (2, T, 30.0), (3, T, 0.01), (1, T + Q, 100.0), (3, T + Q, 0.02)])
    result = evaluate_virtual(v, meters, _nodes())
    got = _by(result.values, "meter_id", "ts")
    assert got[(10, T)]["value"] == 70.0
    assert got[(11, T)]["value"] == pytest.approx(120.0)  # 0.01 MWh = 10 kWh
    assert got[(12, T)]["value"] == pytest.approx(40.0)  # W1 (M02) + W2 (M-03)
    assert got[(13, T)]["value"] == pytest.approx(60.0)  # unmetered: main − sub-meters
    assert got[(14, T)]["value"] == pytest.approx(95.0)  # virtual of virtual
    missing = got[(10, T + Q)]  # M02 missing: no value, never a difference of partial inputs
    assert missing["value"] is None and missing["flags"] & FLAG_INCOMPLETE
    assert (missing["inputs_present"], missing["inputs_expected"]) == (1, 2)
    terms = {(r["meter_id"], r["input_code"]): r["coefficient"] for r in result.terms.to_pylist()}
    assert terms[(11, "M-03")] == -1000.0


def test_formula_errors() -> None:
    assert parse_formula("M01 + 2*M-02 - sum(children)", {"M01", "M-02"}) == [
        (Decimal(1), "M01"), (Decimal(2), "M-02"), (Decimal(-1), "sum(children)")]
    for bad in ("M01 +", "M01 M02", "X9", "- M01"):
        with pytest.raises(InputError):
            parse_formula(bad, {"M01", "M02"})


def test_virtual_cycle_raises(meter: MF) -> None:
    meters = meter_table([meter(1, "A", "interval", virtual_formula="B"),
                          meter(2, "B", "interval", virtual_formula="A")])
    with pytest.raises(InputError, match="cycle"):
        evaluate_virtual(_values([]), meters)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.lists(st.tuples(st.integers(0, 4 * 96), st.one_of(st.none(), st.floats(0, 1e6)), st.booleans()),
                     min_size=1, max_size=200, unique_by=lambda x: x[0]),
       offset=st.integers(-40, 40))
def test_rollup_of_rollup_equals_direct(data: list[tuple[int, float | None, bool]], offset: int) -> None:
    """hour → day (and day → month) gives what interval → day (month) gives, whatever the values, gaps and flags."""
    rows = [(7, T + (i + offset) * Q, v) for i, v, _ in data]
    flags = [FLAG_ESTIMATED if est else 0 for _, _, est in data]
    v = _values(rows, flags=flags)
    cols = ("ts", "ts_end", "period", "flags", "seconds", "n_intervals", "n_estimated", "n_null")
    for freq, via in (("day", "hour"), ("month", "day")):
        direct = rollup_time(v, freq)  # type: ignore[arg-type]
        composed = rollup_time(rollup_time(v, via), freq)  # type: ignore[arg-type]
        assert direct.num_rows == composed.num_rows
        for a, b in zip(direct.to_pylist(), composed.to_pylist(), strict=True):
            assert {c: a[c] for c in cols} == {c: b[c] for c in cols}
            assert (a["value"] is None) == (b["value"] is None)
            if a["value"] is not None:
                assert a["value"] == pytest.approx(b["value"], rel=1e-12, abs=1e-9)


def test_sums_run_in_time_order_whatever_the_row_order() -> None:
    """A month of 15-minute values, shuffled: the sum equals the left-to-right sum in time order, bit for bit.

    Unordered parallel sums differ in the last digits with the threads' order; the roll-up must not.
    """
    import random

    rng = random.Random(11)
    rows = [(m, T + i * Q, rng.uniform(0.0, 1e6) * 10.0 ** rng.randint(-6, 6)) for m in (1, 2, 3)
            for i in range(31 * 96)]
    expected: dict[int, float] = {}
    for m, _, v in rows:  # rows are in time order per meter
        expected[m] = expected.get(m, 0.0) + v
    for _ in range(3):
        rng.shuffle(rows)
        out = _by(rollup_time(_values(rows), "month"), "meter_id")
        assert {m: out[m]["value"] for m in expected} == expected
