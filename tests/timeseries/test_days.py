"""The kept metered year updated by local day (issue 11): rescanning only the days new readings touch and
rebuilding their months from the kept day roll-ups equals a full recomputation, whatever batches,
corrections and gaps come, in any order."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.timeseries.test_months import (
    STEP,
    TS,
    TZ,
    YEAR,
    N,
    _factory,
    _initial,
    _read_window,
    _rows,
    _same,
    _view,
)

from zerocarbon.timeseries import days, hour_parts
from zerocarbon.timeseries.months import (
    Pieces,
    affected,
    assemble,
    month_starts,
    replace,
    scan_pieces,
    with_dependents,
)
from zerocarbon.timeseries.rollups import rollup_time
from zerocarbon.timeseries.year import FactoryMeters, scan_year


def _months_of(table: pa.Table, months: set[int]) -> pa.Array:
    starts = month_starts(YEAR, TZ)
    mask = pc.is_in(table["meter_id"], pa.array([], pa.int64()))
    for m in months:
        mask = pc.or_(mask, pc.and_(pc.greater_equal(table["ts"], starts[m]), pc.less(table["ts"], starts[m + 1])))
    return mask


def _apply(fm: FactoryMeters, stored: Pieces, kept_days: pa.Table, data: dict[tuple[int, int], float],
           touched: list[tuple[int, int, int]]) -> tuple[Pieces, pa.Table, bool]:
    """(pieces, day roll-ups, whether the days sufficed) after readings ``touched`` changed, as
    :func:`zerocarbon.services.metering.rollups.kept_year` updates them."""
    read = _read_window(fm)
    spans = days.spans(touched, stored, fm, YEAR, "linear")
    if not spans:
        return stored, kept_days, True
    ranges = days.month_ranges(spans, YEAR, TZ)
    months = {m for first, last in ranges.values() for m in range(first, last + 1)}
    new = days.scan_days(fm, YEAR, _view(data), spans, estimate="linear", power_as_energy=False)
    old_days = kept_days.filter(_months_of(kept_days, months))
    merged = days.merge(stored, old_days, new, spans, YEAR, TZ, read)
    rest = kept_days.filter(pc.invert(_months_of(kept_days, months)))
    if merged is not None:
        pieces, day_rows = merged
        return replace(stored, pieces, ranges, YEAR, TZ), pa.concat_tables([rest, day_rows.cast(rest.schema)]), True
    ranges = with_dependents(affected(touched, stored.gaps, YEAR, TZ, read), fm, stored.gaps, YEAR)
    new = scan_pieces(fm, YEAR, _view(data), estimate="linear", power_as_energy=False, ranges=ranges, daily=True)
    starts = month_starts(YEAR, TZ)
    out = days.spans_table({m: (starts[a], starts[b + 1]) for m, (a, b) in ranges.items()})
    keep = kept_days.join(out, "meter_id", join_type="left outer")
    keep = keep.filter(pc.invert(pc.fill_null(pc.and_(pc.greater_equal(keep["ts"], keep["lo"]),
                                                      pc.less(keep["ts"], keep["hi"])), False)))
    assert new.daily is not None
    return (replace(stored, new, ranges, YEAR, TZ),
            pa.concat_tables([keep.select(kept_days.column_names), new.daily.cast(kept_days.schema)]), False)


def _check(fm: FactoryMeters, stored: Pieces, kept_days: pa.Table, data: dict[tuple[int, int], float]) -> None:
    full = scan_year(fm, YEAR, estimate="linear", view=_view(data))
    _same(assemble(fm, YEAR, stored, "linear"), full)
    whole = scan_pieces(fm, YEAR, _view(data), estimate="linear", power_as_energy=False, daily=True)
    assert whole.daily is not None
    assert _rows(kept_days, ["meter_id", "ts"]) == _rows(whole.daily, ["meter_id", "ts"])


_op = st.tuples(st.sampled_from(["fill", "correct"]), st.sampled_from([1, 2]), st.integers(0, N - 1),
                st.integers(1, 60), st.floats(0, 9999, allow_nan=False).map(lambda v: round(v, 3)))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 1000), holes=st.lists(st.tuples(st.integers(0, N - 1), st.integers(1, 120)),
                                                  min_size=1, max_size=4),
       ops=st.lists(_op, min_size=1, max_size=4))
def test_day_updates_equal_full_recomputation(seed: int, holes: list[tuple[int, int]],
                                              ops: list[tuple[str, int, int, int, float]]) -> None:
    data = _initial(seed)
    missing: dict[tuple[int, int], float] = {}
    for at, length in holes:
        for t in TS[at:at + length]:
            for m in (1, 2):
                if (m, int(t)) in data:
                    missing[(m, int(t))] = data.pop((m, int(t)))
    fm = _factory()
    stored = scan_pieces(fm, YEAR, _view(data), estimate="linear", power_as_energy=False, daily=True)
    assert stored.daily is not None
    kept_days = stored.daily
    for kind, m, at, length, value in ops:
        if kind == "fill":  # a batch: readings that were missing arrive
            batch = [k for k in missing if k[0] == m and TS[at] <= k[1] < TS[at] + length * STEP]
        else:  # a correction of one present reading
            batch = [k for k in data if k[0] == m and k[1] >= TS[at]][:1]
        if not batch:
            continue
        for k in batch:
            data[k] = missing.pop(k) if kind == "fill" else value
        stored, kept_days, _ = _apply(fm, stored, kept_days, data,
                                      [(m, min(k[1] for k in batch), max(k[1] for k in batch))])
    _check(fm, stored, kept_days, data)


def test_a_new_day_rescans_that_day_only() -> None:
    """The year's last day arrives for both meters: only it is rescanned (and V3, which reads them), with the
    day before for the counter C1 only (its first reading closes the day before's last interval); December
    is rebuilt from its days, equal to the whole scan."""
    data = _initial(7)
    starts = month_starts(YEAR, TZ)
    last_day = [k for k in data if starts[12] - 86_400 <= k[1] < starts[12] + 86_400]
    held = {k: data.pop(k) for k in last_day}
    fm = _factory()
    stored = scan_pieces(fm, YEAR, _view(data), estimate="linear", power_as_energy=False, daily=True)
    assert stored.daily is not None
    assert rollup_time(stored.daily.drop_columns(["period"]), "month", tz=TZ).equals(stored.monthly)
    data.update(held)
    touched = [(m, min(k[1] for k in held if k[0] == m), max(k[1] for k in held if k[0] == m)) for m in (1, 2)]
    spans = days.spans(touched, stored, fm, YEAR, "linear")
    one_day, two_days = (starts[12] - 86_400, starts[12]), (starts[12] - 2 * 86_400, starts[12])
    assert spans == {1: two_days, 2: one_day, 3: two_days}
    stored, kept_days, by_days = _apply(fm, stored, stored.daily, data, touched)
    assert by_days
    _check(fm, stored, kept_days, data)


def test_a_gap_across_days_widens_the_span() -> None:
    """A reading that falls inside a kept gap run of three days rescans the whole run and the days
    around it (the run's bridge changes), not only its own day."""
    data = _initial(3)
    starts = month_starts(YEAR, TZ)
    lo = starts[4] + 10 * 86_400
    hole = [k for k in data if k[0] == 1 and lo <= k[1] < lo + 3 * 86_400]
    held = {k: data.pop(k) for k in hole}
    fm = _factory()
    stored = scan_pieces(fm, YEAR, _view(data), estimate="linear", power_as_energy=False, daily=True)
    assert stored.daily is not None
    t = lo + 86_400 + STEP
    data[(1, t)] = held[(1, t)]
    spans = days.spans([(1, t, t)], stored, fm, YEAR, "linear")
    assert spans[1][0] <= lo - 86_400 + STEP and spans[1][1] >= lo + 3 * 86_400
    assert spans[1][1] - spans[1][0] <= 6 * 86_400
    stored, kept_days, _ = _apply(fm, stored, stored.daily, data, [(1, t, t)])
    _check(fm, stored, kept_days, data)


def test_rewriting_kept_files_keeps_those_outside_the_spans(tmp_path: Path) -> None:
    """Only a file with rows in a span is written again (without them, in its order); ``new``'s rows go
    to a file of their own; a file wholly outside every span is kept as it is."""
    starts = month_starts(YEAR, TZ)
    rows = scan_pieces(_factory(), YEAR, _view(_initial(4)), estimate="linear", power_as_energy=False,
                       daily=True).daily  # day roll-ups: the files hold any roll-up rows
    assert rows is not None
    march = [(2, starts[2], starts[3])]
    early, late = starts[2] + 10 * 86_400, starts[2] + 20 * 86_400
    in_march = rows.filter(pc.and_(pc.greater_equal(rows["ts"], starts[2]), pc.less(rows["ts"], starts[3])))
    a = hour_parts.write_table(in_march.filter(pc.less(in_march["ts"], early)), march, tmp_path)[2]
    b = hour_parts.write_table(in_march.filter(pc.greater_equal(in_march["ts"], early)), march, tmp_path)[2]
    spans = days.spans_table({1: (late, late + 86_400)})
    new = in_march.filter(pc.and_(pc.equal(in_march["meter_id"], 1), pc.and_(
        pc.greater_equal(in_march["ts"], late), pc.less(in_march["ts"], late + 86_400))))
    new = new.set_column(new.schema.get_field_index("value"), "value", pc.add(new["value"], 1.0))
    written = hour_parts.rewrite([tmp_path / a, tmp_path / b], new, spans, march, tmp_path)[2]
    assert written[0] == a and b not in written and len(written) == 3
    got = hour_parts.read_hours([tmp_path / n for n in written])
    assert got.num_rows == in_march.num_rows
    moved = got.filter(pc.and_(pc.equal(got["meter_id"], 1), pc.equal(got["ts"], late)))
    before = in_march.filter(pc.and_(pc.equal(in_march["meter_id"], 1), pc.equal(in_march["ts"], late)))
    assert moved["value"].to_pylist() == [before["value"][0].as_py() + 1.0]
    kept = hour_parts.read_hours([tmp_path / written[1]])
    assert kept.num_rows == in_march.num_rows - new.num_rows - hour_parts.read_hours([tmp_path / a]).num_rows


def test_day_pieces_need_intervals_inside_local_days_all_year() -> None:
    """Europe/London is UTC+0 in January but UTC+1 in summer: 2-hour intervals meet midnight in January and
    cross it in July, so day pieces are refused there (they were allowed on January's offset alone)."""
    from tests.timeseries.conftest import _meter

    from zerocarbon.timeseries.intervals import EVENT_SCHEMA, NODE_SCHEMA, meter_table

    def fm(tz: str, step: int) -> FactoryMeters:
        meters = meter_table([_meter(1, "I1", "interval", interval_seconds=step)])
        return FactoryMeters("F", "厂", "F", "江苏", tz, meters, NODE_SCHEMA.empty_table(), EVENT_SCHEMA.empty_table())

    assert days.day_aligned(fm("Asia/Shanghai", 7200), 2023)
    assert not days.day_aligned(fm("Europe/London", 7200), 2023)
    assert days.day_aligned(fm("Europe/London", 3600), 2023) and days.day_aligned(fm("Europe/London", 900), 2023)
