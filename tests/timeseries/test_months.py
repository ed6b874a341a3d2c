"""The metered year kept per meter and month: an incremental update equals a full recomputation.

Property (hypothesis): whatever batches of readings (filling gaps, across month boundaries and the
year's margins) and corrections arrive, in any order, recomputing only the months :func:`affected`
names and replacing those pieces gives exactly the year a full :func:`scan_year` gives on the final
readings (monthly rows with their exact sums, gap runs, unused readings); a meter replacement
(a set-up change) recomputes that meter's year.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.timeseries.conftest import _meter

from zerocarbon.timeseries.intervals import EVENT_SCHEMA, NODE_SCHEMA, READING_SCHEMA, meter_table
from zerocarbon.timeseries.months import (
    Pieces,
    affected,
    assemble,
    month_starts,
    replace,
    scan_pieces,
    with_dependents,
)
from zerocarbon.timeseries.year import FactoryMeters, MeteredYear, margins, scan_year, table_view

YEAR = 2023
STEP = 28_800  # 8 h: local midnight (16:00 UTC) is on the grid, so months hold whole intervals
TZ = "Asia/Shanghai"
START = month_starts(YEAR, TZ)[0]
N = 1095 + 12  # the year's intervals and a margin on both sides
TS = START - 6 * STEP + np.arange(N, dtype=np.int64) * STEP


def _factory(events: list[tuple[int, int, str, float | None, float | None]] | None = None) -> FactoryMeters:
    meters = meter_table([
        _meter(1, "C1", "cumulative", multiplier=40.0, rollover_at=10000.0, interval_seconds=STEP),
        _meter(2, "I2", "interval", interval_seconds=STEP),
        _meter(3, "V3", "cumulative", virtual_formula="C1 - I2", interval_seconds=STEP),
    ])
    ev = pa.table({n: [e[i] for e in events or []] for i, n in enumerate(EVENT_SCHEMA.names)}, schema=EVENT_SCHEMA)
    return FactoryMeters("F", "厂", "F", "江苏", TZ, meters, NODE_SCHEMA.empty_table(), ev)


def _initial(seed: int) -> dict[tuple[int, int], float]:
    """Readings of both meters (a counter that rolls over, an interval register) with a few holes."""
    rng = np.random.default_rng(seed)
    use = np.round(rng.uniform(0.5, 30.0, N), 3)
    counter = np.round((9000 + np.cumsum(use)) % 10000, 3)
    data = {(1, int(t)): float(v) for t, v in zip(TS, counter, strict=True)}
    data.update({(2, int(t)): float(v) for t, v in zip(TS, use, strict=True)})
    return data


def _table(data: dict[tuple[int, int], float]) -> pa.Table:
    keys = sorted(data)
    return pa.table({"meter_id": [k[0] for k in keys], "ts": [k[1] for k in keys], "value": [data[k] for k in keys],
                     "flags": [0] * len(keys)}, schema=READING_SCHEMA)


def _view(data: dict[tuple[int, int], float]) -> Any:
    table = _table(data)

    def read(ids: list[int], start: int, end: int) -> pa.Table:
        mask = pc.and_(pc.is_in(table["meter_id"], pa.array(ids, pa.int64())),
                       pc.and_(pc.greater_equal(table["ts"], start), pc.less(table["ts"], end)))
        return table.filter(mask)
    return table_view(read)


def _rows(table: pa.Table, keys: list[str]) -> list[dict[str, Any]]:
    rows = table.sort_by([(k, "ascending") for k in keys]).to_pylist()
    return [{k: (str(v) if isinstance(v, Decimal) else v) for k, v in r.items()} for r in rows]


def _same(a: MeteredYear, b: MeteredYear) -> None:
    assert _rows(a.monthly(), ["meter_id", "ts"]) == _rows(b.monthly(), ["meter_id", "ts"])
    assert _rows(a.gaps, ["meter_id", "start"]) == _rows(b.gaps, ["meter_id", "start"])
    assert _rows(a.unused, ["meter_id", "ts", "reason"]) == _rows(b.unused, ["meter_id", "ts", "reason"])


def _read_window(fm: FactoryMeters) -> tuple[int, int]:
    starts = month_starts(YEAR, TZ)
    before, after = margins(fm, "linear")
    return starts[0] - before, starts[12] + after


def test_pieces_of_the_whole_year_assemble_to_the_scan() -> None:
    """Cut per month and joined again, the year is the year: gap runs across month ends are one run."""
    data = _initial(1)
    starts = month_starts(YEAR, TZ)
    for t in range(starts[2] - 5 * STEP, starts[2] + 4 * STEP, STEP):  # a gap across March 1st
        data.pop((1, t))
    data[(2, starts[5] + 3600)] = 1.0  # off the grid: unused
    fm = _factory()
    full = scan_year(fm, YEAR, estimate="linear", view=_view(data))
    pieces = scan_pieces(fm, YEAR, _view(data), estimate="linear", power_as_energy=False)
    assert pieces.gaps.num_rows == full.gaps.num_rows + 1
    _same(assemble(fm, YEAR, pieces, "linear"), full)
    assert {r["meter_id"] for r in full.monthly().to_pylist()} == {1, 2, 3}


def test_unused_readings_of_pieces_are_those_of_the_scan() -> None:
    """Off-grid readings (in the margin before the year, at a month end, in the margin after) and a power
    register not converted: the pieces place each in its month and count the power readings per month."""
    data = _initial(3)
    starts = month_starts(YEAR, TZ)
    for t in (starts[0] - 3600, starts[3] - 60, starts[7] + 3600, starts[12] + 60):
        data[(2, t)] = 2.5
    for t in range(starts[0] - STEP, starts[12] + STEP, 4 * STEP):
        data[(4, t)] = 100.0
    base = _factory()
    meters = pa.concat_tables([base.meters, meter_table([_meter(4, "P4", "instantaneous", interval_seconds=STEP)])])
    fm = FactoryMeters("F", "厂", "F", "江苏", TZ, meters, base.nodes, base.events)
    full = scan_year(fm, YEAR, estimate="linear", view=_view(data))
    pieces = scan_pieces(fm, YEAR, _view(data), estimate="linear", power_as_energy=False)
    _same(assemble(fm, YEAR, pieces, "linear"), full)
    reasons = {(r["meter_id"], r["reason"]): r["count"] for r in full.unused.to_pylist()}
    assert reasons[(4, "power register: converted to energy only with power_as_energy=True")] > 12
    assert sum(1 for r in full.unused.to_pylist() if r["meter_id"] == 2) >= 2
    assert set(pieces.unused["month"].to_pylist()) >= {starts[0], starts[3 - 1], starts[7], starts[11]}


def _apply(fm: FactoryMeters, stored: Pieces, data: dict[tuple[int, int], float],
           touched: list[tuple[int, int, int]]) -> Pieces:
    ranges = with_dependents(affected(touched, stored.gaps, YEAR, TZ, _read_window(fm)), fm, stored.gaps, YEAR)
    if not ranges:
        return stored
    new = scan_pieces(fm, YEAR, _view(data), estimate="linear", power_as_energy=False, ranges=ranges)
    return replace(stored, new, ranges, YEAR, TZ)


_op = st.tuples(st.sampled_from(["fill", "correct"]), st.sampled_from([1, 2]), st.integers(0, N - 1),
                st.integers(1, 200), st.floats(0, 9999, allow_nan=False).map(lambda v: round(v, 3)))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 1000), holes=st.lists(st.tuples(st.integers(0, N - 1), st.integers(1, 300)),
                                                  min_size=1, max_size=4),
       ops=st.lists(_op, min_size=1, max_size=3))
def test_incremental_update_equals_full_recomputation(seed: int, holes: list[tuple[int, int]],
                                                      ops: list[tuple[str, int, int, int, float]]) -> None:
    data = _initial(seed)
    missing: dict[tuple[int, int], float] = {}
    for at, length in holes:
        for t in TS[at:at + length]:
            for m in (1, 2):
                if (m, int(t)) in data:
                    missing[(m, int(t))] = data.pop((m, int(t)))
    fm = _factory()
    stored = scan_pieces(fm, YEAR, _view(data), estimate="linear", power_as_energy=False)
    for kind, m, at, length, value in ops:
        if kind == "fill":  # a batch: readings that were missing arrive
            batch = [k for k in missing if k[0] == m and TS[at] <= k[1] < TS[at] + length * STEP]
        else:  # a correction of one present reading
            batch = [k for k in data if k[0] == m and k[1] >= TS[at]][:1]
        if not batch:
            continue
        for k in batch:
            data[k] = missing.pop(k) if kind == "fill" else value
        stored = _apply(fm, stored, data, [(m, min(k[1] for k in batch), max(k[1] for k in batch))])
    _same(assemble(fm, YEAR, stored, "linear"), scan_year(fm, YEAR, estimate="linear", view=_view(data)))


@pytest.mark.parametrize("meter", [1, 2])
def test_a_correction_at_a_month_start_recomputes_the_month_before(meter: int) -> None:
    """A counter reading at March 1st 00:00 closes February's last interval (t − step, t]: correcting it
    changes February, which :func:`affected` must name too (it named March only)."""
    data = _initial(7)
    starts = month_starts(YEAR, TZ)
    fm = _factory()
    stored = scan_pieces(fm, YEAR, _view(data), estimate="linear", power_as_energy=False)
    t = starts[2]
    data[(meter, t)] = data[(meter, t)] + 3.5
    ranges = affected([(meter, t, t)], stored.gaps, YEAR, TZ, _read_window(fm))
    assert ranges[meter] == (1, 2)
    stored = _apply(fm, stored, data, [(meter, t, t)])
    _same(assemble(fm, YEAR, stored, "linear"), scan_year(fm, YEAR, estimate="linear", view=_view(data)))


def test_a_virtual_meter_reads_the_bridge_of_an_input_no_reading_touched() -> None:
    """Hypothesis's case (issue 11): C1 has a gap from before the year into February, bridged linearly from
    the readings on both sides; a correction of I2 in February recomputes February of V3 = C1 - I2, whose
    scan of C1 must reach the reading before the gap (before January) as the whole-year scan does."""
    starts = month_starts(YEAR, TZ)
    data = {(1, int(t)): 9000.0 + 0.5 * k for k, t in enumerate(TS)}  # 0.5 × 40 = 20 kWh an interval
    data.update({(2, int(t)): 1.0 for t in TS})
    for t in TS[3:175]:  # from 3 intervals before the year to 8 intervals before March 1st
        data.pop((1, int(t)))
    fm = _factory()
    stored = scan_pieces(fm, YEAR, _view(data), estimate="linear", power_as_energy=False)
    t = int(TS[140])  # mid-February
    data[(2, t)] = 5.0
    touched = [(2, t, t)]
    ranges = with_dependents(affected(touched, stored.gaps, YEAR, TZ, _read_window(fm)), fm, stored.gaps, YEAR)
    assert ranges == {2: (1, 1), 3: (0, 1)}  # V3 widened over C1's gap run, I2 alone is not
    stored = _apply(fm, stored, data, touched)
    kept = assemble(fm, YEAR, stored, "linear")
    feb = next(r for r in kept.monthly().to_pylist() if r["meter_id"] == 3 and r["ts"] == starts[1])
    assert feb["n_intervals"] + feb["n_null"] == 84  # February's 28 days of 8-hour intervals
    assert feb["n_estimated"] > 0
    assert feb["value_exact"] == Decimal(84 * (20 - 1) - 4)  # C1 bridged at 20 an interval, I2 + 4 once
    _same(kept, scan_year(fm, YEAR, estimate="linear", view=_view(data)))


def test_a_meter_replacement_recomputes_the_meter() -> None:
    data = _initial(5)
    fm = _factory()
    stored = scan_pieces(fm, YEAR, _view(data), estimate="linear", power_as_energy=False)
    t = int(TS[400])
    data[(1, t)] = 3.0  # the new register starts near zero
    replaced = _factory([(1, t - 100, "replacement", 9999.0, 0.0)])
    new = scan_pieces(replaced, YEAR, _view(data), estimate="linear", power_as_energy=False,
                      ranges={1: (0, 11), 3: (0, 11)})
    stored = replace(stored, new, {1: (0, 11), 3: (0, 11)}, YEAR, TZ)
    _same(assemble(replaced, YEAR, stored, "linear"), scan_year(replaced, YEAR, estimate="linear", view=_view(data)))


def test_profile_estimates_are_not_kept_in_pieces() -> None:
    with pytest.raises(ValueError, match="profile"):
        scan_pieces(_factory(), YEAR, _view(_initial(2)), estimate="profile", power_as_energy=False)


def test_days_from_written_hours_equal_days_from_intervals() -> None:
    """The whole-year scan that writes hour files rolls its days up from those hours when every value is
    exact (a quarter of the rows): the same rows as from the intervals; an inexact value says no."""
    from decimal import Decimal

    from zerocarbon.duck import connection
    from zerocarbon.timeseries.months import HOUR_COLUMNS, composes
    from zerocarbon.timeseries.rollups import rollup_time, rollup_time_in

    start = month_starts(YEAR, TZ)[0]
    ts = [start - 900 + 900 * i for i in range(200)]
    values = [round(0.25 + (i % 7) * 1.125, 3) for i in range(200)]
    v = pa.table({"meter_id": pa.array([1 + i % 2 for i in range(200)], pa.int64()), "ts": pa.array(ts, pa.int64()),
                  "ts_end": pa.array([t + 900 for t in ts], pa.int64()), "value": values,
                  "flags": pa.array([0] * 200, pa.int64()),
                  "value_exact": pa.array([Decimal(str(x)) for x in values], pa.decimal128(38, 12))})
    con = connection()
    try:
        con.register("h", rollup_time(v, "hour", tz=TZ))
        assert composes(con, "h")
        from_hours = rollup_time_in(con, "h", HOUR_COLUMNS, "day", tz=TZ)
        assert from_hours.equals(rollup_time(v, "day", tz=TZ))
        inexact = v.set_column(5, "value_exact", pa.array([None, *v["value_exact"].to_pylist()[1:]],
                                                          pa.decimal128(38, 12)))
        con.register("hi", rollup_time(inexact, "hour", tz=TZ))
        assert not composes(con, "hi")
    finally:
        con.close()
