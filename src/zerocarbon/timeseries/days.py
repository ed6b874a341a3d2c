"""The kept metered year updated by local day: new readings rescan the days they touch, not whole months.

    touched (meter, ts_min, ts_max) → :func:`spans` (meter → whole local days [lo, hi), widened)
        → :func:`scan_days` (day and hour roll-ups, gap and unused pieces of those days)
        → :func:`merge` with the kept day roll-ups → the pieces of the touched meters' months

Beside the month pieces of :mod:`zerocarbon.timeseries.months`, the store keeps each meter's roll-up by
local day (the same columns, :func:`~zerocarbon.timeseries.rollups.rollup_time` with ``freq="day"``). A
month's roll-up is the roll-up of its days: sums, counts and the bit-or of the flags compose, and the
exact sum of a month whose every value is exact is the sum of its days' exact sums (its float value that
sum rounded). A month with an inexact value sums its floats in time order, which does not compose:
:func:`merge` then returns None and the caller recomputes by month.

A span is chosen as :func:`zerocarbon.timeseries.months.affected` chooses months, at the grain of a day:
the days of the intervals a reading at ``t`` enters (an interval register's [t, t + step); a counter's
[t − step, t + step), a reading closes one interval and opens the next), widened while a kept gap run of
the meter crosses a bound of the span or touches it from outside (a run ending at its start, or starting
at its end: the readings next to the run, which bridge or estimate it, may change), so the span cuts no
gap run and the scan reads what a whole-year scan reads (the readings next to a run that starts or ends
at a bound inside the span lie in the margin it reads: one step beyond the span, see :func:`_read`). A power
register (not converted to energy, it is only counted: its unused readings per month) spans whole months.
Virtual meters span their inputs' spans, widened over every input's gaps (:func:`spans`).
Day pieces need intervals that never cross a local midnight (:func:`day_aligned`);
otherwise the caller recomputes by month.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from zerocarbon.timeseries.intervals import INTERVAL_SCHEMA, Estimate, fetch
from zerocarbon.timeseries.months import (
    BASE_COLUMNS,
    GAP_PIECE_SCHEMA,
    GAP_PIECES,
    UNUSED_PIECE_SCHEMA,
    UNUSED_PIECES,
    Pieces,
    all_inputs,
    compose,
    concat_or_empty,
    empty_hourly,
    month_starts,
    only_meters,
    virtual_uses,
)
from zerocarbon.timeseries.rollups import rollup_time, rollup_time_in
from zerocarbon.timeseries.virtual import evaluate_virtual
from zerocarbon.timeseries.year import FactoryMeters, ReadingsView, inputs_of, margins, scan_chunks, virtual_inputs

#: meter → [lo, hi): whole local days [s, UTC] to recompute
Spans = dict[int, tuple[int, int]]


def day_aligned(fm: FactoryMeters, year: int) -> bool:
    """Whether every real meter's intervals fit inside local days (their step divides the local day and
    the grid, counted from the epoch, meets local midnight at every month's start: a zone with summer time
    has two offsets in the year)."""
    unit = 86_400
    for start in month_starts(year, fm.timezone):
        unit = math.gcd(unit, start % 86_400) or unit
    steps = [int(x or 900) for x, v in zip(fm.meters["interval_seconds"].to_pylist(),
                                           fm.meters["is_virtual"].to_pylist(), strict=True) if not v]
    return all(unit % s == 0 for s in steps)


def _day_floor(ts: int, zone: ZoneInfo) -> int:
    local = datetime.fromtimestamp(ts, zone)
    return int(local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp())


def _day_after(day: int, zone: ZoneInfo) -> int:
    local = datetime.fromtimestamp(day, zone)
    return int((local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)).timestamp())


def _month_index(ts: int, starts: list[int]) -> int:
    return max(0, min(11, sum(1 for s in starts[1:12] if ts >= s)))


def spans(touched: list[tuple[int, int, int]], stored: Pieces, fm: FactoryMeters, year: int,
          estimate: Estimate | None) -> Spans:
    """Meters → the whole local days [lo, hi) to recompute after readings ``touched`` = (meter, ts_min,
    ts_max) were added or corrected, given the kept pieces ``stored`` (see the module docstring)."""
    zone = ZoneInfo(fm.timezone)
    starts = month_starts(year, fm.timezone)
    before, after = margins(fm, estimate)
    read = (starts[0] - before, starts[12] + after)
    steps = {int(m): int(x or 900) for m, x in zip(fm.meters["meter_id"].to_pylist(),
                                                   fm.meters["interval_seconds"].to_pylist(), strict=True)}
    edges: dict[int, list[tuple[int, int]]] = {}
    for g in stored.gaps.select(["meter_id", "start", "end"]).to_pylist():
        edges.setdefault(int(g["meter_id"]), []).append((int(g["start"]), int(g["end"])))
    counted = {int(m) for m in stored.unused.filter(pc.is_null(stored.unused["ts"]))["meter_id"].to_pylist()}
    kinds = dict(zip(fm.meters["meter_id"].to_pylist(), fm.meters["register_kind"].to_pylist(), strict=True))

    def crosses_start(meters: list[int], b: int) -> bool:  # a run crosses b or ends there
        return any(s < b <= e for m in meters for s, e in edges.get(m, ()))

    def crosses_end(meters: list[int], b: int) -> bool:  # a run crosses b or starts there
        return any(s <= b < e for m in meters for s, e in edges.get(m, ()))

    def widen(meters: list[int], lo: int, hi: int, whole_months: bool) -> tuple[int, int]:
        while True:
            old = (lo, hi)
            while lo > starts[0] and crosses_start(meters, lo):
                lo = _day_floor(lo - 1, zone)
            while hi < starts[12] and crosses_end(meters, hi):
                hi = _day_after(hi, zone)
            if whole_months:
                lo, hi = starts[_month_index(lo, starts)], starts[_month_index(hi - 1, starts) + 1]
            if (lo, hi) == old:
                return lo, hi

    out: Spans = {}
    for meter, t_lo, t_hi in touched:
        if t_hi < read[0] or t_lo >= read[1]:
            continue
        step = steps.get(meter, 900)
        lo = min(max(t_lo - (0 if kinds.get(meter) == "interval" else step), starts[0]), starts[12] - 1)
        hi = max(min(t_hi + step - 1, starts[12] - 1), starts[0])
        lo, hi = _day_floor(lo, zone), _day_after(_day_floor(hi, zone), zone)
        if meter in out:
            lo, hi = min(lo, out[meter][0]), max(hi, out[meter][1])
        whole = meter in counted or kinds.get(meter) == "instantaneous"
        out[meter] = widen([meter], lo, hi, whole)
    terms = virtual_inputs(fm).terms
    uses: dict[int, list[int]] = {}
    for row in terms.to_pylist():
        uses.setdefault(int(row["meter_id"]), []).append(int(row["input_id"]))
    virtual = set(uses)
    for v in sorted(virtual):
        inputs = sorted(all_inputs(v, uses, virtual))
        hit = [out[i] for i in inputs if i in out]
        if hit:
            lo, hi = min(r[0] for r in hit), max(r[1] for r in hit)
            old = out.get(v, (lo, hi))
            out[v] = widen(inputs, min(lo, old[0]), max(hi, old[1]), False)
    return out


def _own(lo: int, hi: int, starts: list[int], read: tuple[int, int]) -> tuple[int, int]:
    """The readings a span owns: its days, and the year's margin when it reaches the year's bound."""
    return (read[0] if lo <= starts[0] else lo), (read[1] if hi >= starts[12] else hi)


def _months_of_span(lo: int, hi: int, starts: list[int], read: tuple[int, int]) -> pa.Table:
    own_lo, own_hi = _own(lo, hi, starts, read)
    rows = range(_month_index(lo, starts), _month_index(hi - 1, starts) + 1)
    return pa.table({
        "m_start": pa.array([starts[i] for i in rows], pa.int64()),
        "m_end": pa.array([starts[i + 1] for i in rows], pa.int64()),
        "own_lo": pa.array([max(own_lo, read[0] if i == 0 else starts[i]) for i in rows], pa.int64()),
        "own_hi": pa.array([min(own_hi, read[1] if i == 11 else starts[i + 1]) for i in rows], pa.int64()),
    })


def _near(fm: FactoryMeters, estimate: Estimate | None) -> int | None:
    """How far beyond a span its readings are read [s]: one step (the longest) of the factory's meters;
    None (the year scan's margins, :func:`~zerocarbon.timeseries.year.margins`) for estimates by profile,
    which read the week before."""
    if estimate == "profile":
        return None
    return max([int(x or 900) for x in fm.meters["interval_seconds"].to_pylist()] or [900])


def _read(lo: int, hi: int, starts: list[int], year_read: tuple[int, int], near: int | None) -> tuple[int, int]:
    """The readings a scan of the days [lo, hi) reads: ``near`` beyond them (the year's margins without
    it), and the year's margin at a bound of the year (the readings the span owns there, see :func:`_own`).

    One step is enough: an interval of [lo, hi) is an interval register's reading in it, a power
    register's samples in (lo − step, hi) with their next sample when it comes less than a step later,
    or a counter's pair of consecutive readings (p, q) with q > lo and p < hi (a gap run is bridged and
    estimated by the pair across it, the runs of the span lie inside it). Such a pair is in the read
    when the read holds a counter reading at or before lo and one at or after hi: :func:`_cut_pairs`
    finds the counters for which it does not (a pair across a bound that is no gap run, e.g. a
    decrease or missing event values across missing readings), and those are scanned over the year's
    read. Everything else a scan yields is of the readings it owns (unused) or of these intervals."""
    if near is None:
        return max(year_read[0], lo - (starts[0] - year_read[0])), min(year_read[1], hi + (year_read[1] - starts[12]))
    return (year_read[0] if lo <= starts[0] else max(year_read[0], lo - near),
            year_read[1] if hi >= starts[12] else min(year_read[1], hi + near))


def _cut_pairs(con: duckdb.DuckDBPyConnection, lo: int, hi: int, read: tuple[int, int],
               year_read: tuple[int, int]) -> set[int]:
    """The counters of a chunk whose read (``cum``: their readings on the grid) has no reading at or
    before ``lo`` although it starts after the year's read, or none at or after ``hi`` although it ends
    before the year's read: a pair across that bound may lie partly outside the read (see :func:`_read`)."""
    conds = []
    if read[0] > year_read[0]:
        conds.append(f"NOT EXISTS (SELECT 1 FROM cum c WHERE c.meter_id = u.meter_id AND c.ts <= {int(lo)})")
    if read[1] < year_read[1]:
        conds.append(f"NOT EXISTS (SELECT 1 FROM cum c WHERE c.meter_id = u.meter_id AND c.ts >= {int(hi)})")
    if not conds:
        return set()
    rows = con.execute(f"SELECT meter_id FROM used_meters u WHERE u.kind = 'cumulative' AND ({' OR '.join(conds)})")
    return {int(r[0]) for r in rows.fetchall()}


def scan_days(fm: FactoryMeters, year: int, view: ReadingsView, ranges: Spans, *, estimate: Estimate | None,
              power_as_energy: bool, hourly: bool = False) -> Pieces:
    """The pieces of the days ``ranges`` of those meters (real or virtual), computed as the whole-year scan
    computes them: ``monthly`` holds the roll-ups by local day, ``hourly`` (with ``hourly=True``) by hour;
    gap runs are cut at month bounds, unused readings are those the spans own."""
    uses, virtual = virtual_uses(fm)
    by_span: dict[tuple[int, int], set[int]] = {}
    for meter, rng in ranges.items():
        by_span.setdefault(rng, set()).add(meter)
    starts = month_starts(year, fm.timezone)
    before, after = margins(fm, estimate)
    year_read = (starts[0] - before, starts[12] + after)
    near = _near(fm, estimate)
    tz = fm.timezone
    daily, gaps, unused, hours = [], [], [], []
    for (lo, hi), meters in sorted(by_span.items()):
        wanted_virtual = sorted(meters & virtual)
        real = {m for m in meters if m not in virtual}
        needed: set[int] = set()
        for v in wanted_virtual:
            needed |= all_inputs(v, uses, virtual)
        read = _read(lo, hi, starts, year_read, near)
        months = _months_of_span(lo, hi, starts, year_read)
        kept: list[pa.Table] = []
        short: set[int] = set()

        def on_chunk(con: duckdb.DuckDBPyConnection, ids: list[int], real: set[int] = real,
                     needed: set[int] = needed, kept: list[pa.Table] = kept, months: pa.Table = months,
                     lo: int = lo, hi: int = hi, read: tuple[int, int] = read, short: set[int] = short) -> None:
            con.register("months", months)
            cut = _cut_pairs(con, lo, hi, read, year_read)
            short.update(cut)
            ids = [i for i in ids if i not in cut]  # scanned again below, over the year's read
            mine = [i for i in ids if i in real]
            con.execute(f"CREATE TEMP VIEW mine AS SELECT * FROM base WHERE meter_id IN "
                        f"({','.join(map(str, mine)) or 'NULL'})")
            if hourly:
                hours.append(rollup_time_in(con, "mine", BASE_COLUMNS, "hour", tz=tz, within=(lo, hi)))
                by_hours = compose(hours[-1], "day", tz)  # cheaper than from the intervals again
                daily.append(by_hours if by_hours is not None
                             else rollup_time_in(con, "mine", BASE_COLUMNS, "day", tz=tz, within=(lo, hi)))
            else:
                daily.append(rollup_time_in(con, "mine", BASE_COLUMNS, "day", tz=tz, within=(lo, hi)))
            gaps.append(only_meters(fetch(con, GAP_PIECES, GAP_PIECE_SCHEMA), mine))
            unused.append(only_meters(fetch(con, UNUSED_PIECES, UNUSED_PIECE_SCHEMA), mine))
            kept.append(inputs_of(con, [i for i in ids if i in needed]))

        scan_chunks(fm, view, start=lo, end=hi, read=read, estimate=estimate, power_as_energy=power_as_energy,
                    on_chunk=on_chunk, meter_ids=sorted((real | needed) - virtual))
        if short:  # counters with a pair across a bound of the span the near read does not hold
            scan_chunks(fm, view, start=lo, end=hi, read=year_read, estimate=estimate,
                        power_as_energy=power_as_energy, meter_ids=sorted(short),
                        on_chunk=partial(on_chunk, read=year_read))
        if wanted_virtual:
            base = pa.concat_tables(kept) if kept else INTERVAL_SCHEMA.empty_table().select(BASE_COLUMNS)
            values = evaluate_virtual(base, fm.meters, fm.nodes).values
            values = values.filter(pc.is_in(values["meter_id"], pa.array(wanted_virtual, pa.int64())))
            if values.num_rows:
                daily.append(rollup_time(values.select(BASE_COLUMNS), "day", tz=tz))
                if hourly:
                    hours.append(rollup_time(values.select(BASE_COLUMNS), "hour", tz=tz))
    empty = empty_hourly(tz)
    return Pieces(concat_or_empty([d.cast(empty.schema) for d in daily], empty),
                  concat_or_empty(gaps, GAP_PIECE_SCHEMA.empty_table()),
                  concat_or_empty(unused, UNUSED_PIECE_SCHEMA.empty_table()),
                  concat_or_empty([h.cast(empty.schema) for h in hours], empty) if hourly else None)


def spans_table(ranges: Spans) -> pa.Table:
    """``ranges`` as a table (meter_id, lo, hi)."""
    meters = sorted(ranges)
    return pa.table({"meter_id": pa.array(meters, pa.int64()), "lo": pa.array([ranges[m][0] for m in meters],
                    pa.int64()), "hi": pa.array([ranges[m][1] for m in meters], pa.int64())})


def month_ranges(ranges: Spans, year: int, tz: str) -> dict[int, tuple[int, int]]:
    """The months (0-based, inclusive) the spans fall in, per meter."""
    starts = month_starts(year, tz)
    return {m: (_month_index(lo, starts), _month_index(hi - 1, starts)) for m, (lo, hi) in ranges.items()}


def merge(stored: Pieces, old_days: pa.Table, new: Pieces, ranges: Spans, year: int, tz: str,
          read: tuple[int, int]) -> tuple[Pieces, pa.Table] | None:
    """(the complete pieces of the months :func:`month_ranges` names, the day roll-ups of those months of
    every meter in ``old_days``) with the days of ``ranges`` replaced by ``new``'s; None when a month
    touched has an inexact value (it does not compose from days: recompute it by month).

    ``stored`` holds the kept month pieces (at least those of the months touched), ``old_days`` the kept
    day roll-ups of the months touched, ``new`` the result of :func:`scan_days` over ``ranges``."""
    starts = month_starts(year, tz)
    months = month_ranges(ranges, year, tz)
    con = duckdb.connect()
    try:
        schema = empty_hourly(tz).schema
        con.register("od", old_days.select(schema.names).cast(schema))
        con.register("nd", new.monthly.select(schema.names).cast(schema))
        con.register("sp", spans_table(ranges))
        mr = pa.table({"meter_id": pa.array(sorted(months), pa.int64()),
                       "m_lo": pa.array([starts[months[m][0]] for m in sorted(months)], pa.int64()),
                       "m_hi": pa.array([starts[months[m][1] + 1] for m in sorted(months)], pa.int64())})
        con.register("mr", mr)
        days = con.sql("""
            SELECT * FROM od o WHERE NOT EXISTS (
                SELECT 1 FROM sp WHERE sp.meter_id = o.meter_id AND o.ts >= sp.lo AND o.ts < sp.hi)
            UNION ALL SELECT * FROM nd ORDER BY meter_id, ts""").to_arrow_table().cast(schema)
        con.register("d", days)
        mine = con.sql("SELECT d.* FROM d JOIN mr USING (meter_id) WHERE d.ts >= mr.m_lo AND d.ts < mr.m_hi "
                       "ORDER BY meter_id, ts").to_arrow_table()
    finally:
        con.close()
    if pc.any(pc.and_(pc.is_valid(mine["value"]), pc.is_null(mine["value_exact"]))).as_py():
        return None
    monthly = rollup_time(mine.drop_columns(["period"]), "month", tz=tz)

    def in_months(table: pa.Table, col: str) -> pa.Array:
        lo = pa.array([starts[months[m][0]] if m in months else 0 for m in table["meter_id"].to_pylist()],
                      pa.int64())
        hi = pa.array([starts[months[m][1] + 1] if m in months else 0 for m in table["meter_id"].to_pylist()],
                      pa.int64())
        return pc.and_(pc.greater_equal(table[col], lo), pc.less(table[col], hi))

    def in_span(table: pa.Table, lo_col: str, hi_col: str, own: bool) -> pa.Array:
        ids = table["meter_id"].to_pylist()
        bounds = [(_own(*ranges[m], starts, read) if own else ranges[m]) if m in ranges else (0, 0) for m in ids]
        lo = pa.array([b[0] for b in bounds], pa.int64())
        hi = pa.array([b[1] for b in bounds], pa.int64())
        return pc.and_(pc.greater_equal(table[lo_col], lo), pc.less_equal(table[hi_col], pc.subtract(hi, 1))
                       if lo_col == hi_col else pc.less_equal(table[hi_col], hi))

    gaps = stored.gaps.filter(in_months(stored.gaps, "month"))
    gaps = gaps.filter(pc.invert(in_span(gaps, "start", "end", False)))
    unused = stored.unused.filter(in_months(stored.unused, "month"))
    whole = {m for m, (lo, hi) in ranges.items() if lo in starts and hi in starts}
    counted = pc.and_(pc.is_null(unused["ts"]), pc.is_in(unused["meter_id"], pa.array(sorted(whole), pa.int64())))
    unused = unused.filter(pc.invert(pc.or_(pc.fill_null(in_span(unused, "ts", "ts", True), False), counted)))
    pieces = Pieces(monthly, concat_or_empty([gaps, new.gaps], GAP_PIECE_SCHEMA.empty_table()),
                    concat_or_empty([unused, new.unused], UNUSED_PIECE_SCHEMA.empty_table()))
    return pieces, days

