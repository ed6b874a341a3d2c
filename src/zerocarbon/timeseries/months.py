"""The metered year kept as pieces per meter and local month, so that new data recomputes only what it touches.

    readings → :func:`scan_pieces` (meters × a range of months) → :class:`Pieces` → stored per meter-month
    stored pieces + what changed → :func:`affected` (meters → month ranges) → :func:`scan_pieces` → replace
    all pieces → :func:`assemble` → :class:`~zerocarbon.timeseries.year.MeteredYear`

A piece is the part of the metered year that belongs to one meter and month: its monthly roll-up row,
its gap runs cut at the month's bounds, and the unused readings of its own range (a month owns
[its start, its end); January also owns the margin read before the year, December the one after).
:func:`assemble` joins the pieces back: the gap runs cut at a month boundary are joined again (two
runs of one meter never touch otherwise: a run ends where an interval is present), counts of unused
readings are added. So the assembled year equals :func:`~zerocarbon.timeseries.year.scan_year` of the
same readings, and a piece recomputed over a range of months equals the piece of a whole-year scan,
provided the range is chosen by :func:`affected`:

* readings are only ever added or corrected, never removed (the store keeps them immutable), so a
  new or corrected reading at ``t`` changes the intervals next to ``t`` and, across a gap, the run
  of missing intervals around ``t``, which is one of the stored gap runs; :func:`affected` widens the
  months of ``t`` while the month before ends, or the month after starts, with a gap;
* within a range so widened, the scan reads what a whole-year scan reads: the reading that closes the
  range's first interval lies in the margin (the month before ends with an interval that is present),
  and the year's own margins are the same.

Estimation by profile (the same interval a week earlier) makes a month depend on the week before it,
which :func:`affected` does not follow: pieces are kept for ``estimate`` None and ``"linear"`` only.
Virtual meters are pieces too (their monthly roll-up); their inputs are scanned with them, over months
that :func:`with_dependents` widens so that they cut no gap run of any input (an input no new reading
touched still needs the readings that bridge its gaps), and the assembled year carries their terms but
not their values per interval.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from zerocarbon.timeseries import carbon as tc
from zerocarbon.timeseries import hour_parts as hp
from zerocarbon.timeseries.intervals import GAP_SCHEMA, INTERVAL_SCHEMA, UNUSED_SCHEMA, Estimate, fetch
from zerocarbon.timeseries.rollups import Freq, rollup_time, rollup_time_in
from zerocarbon.timeseries.virtual import VirtualValues, evaluate_virtual
from zerocarbon.timeseries.year import (
    FactoryMeters,
    MeteredYear,
    ReadingsView,
    inputs_of,
    margins,
    scan_chunks,
    virtual_inputs,
)

BASE_COLUMNS = ["meter_id", "ts", "ts_end", "value", "value_exact", "flags"]
#: Gap runs cut at month bounds, with the month (its local start [s, UTC]) they belong to.
GAP_PIECE_SCHEMA = GAP_SCHEMA.append(pa.field("month", pa.int64()))
#: Unused readings (and counts) of a month's own range.
UNUSED_PIECE_SCHEMA = UNUSED_SCHEMA.append(pa.field("month", pa.int64()))


@dataclass(frozen=True)
class Pieces:
    """Pieces of a range of months for some meters (see the module docstring): plain Arrow tables."""

    monthly: pa.Table  # the month roll-up rows (ts = the month's start)
    gaps: pa.Table     # GAP_PIECE_SCHEMA
    unused: pa.Table   # UNUSED_PIECE_SCHEMA
    hourly: pa.Table | None = None  # the hour roll-up rows of the same meters and months (None: not asked for)
    #: or, scanned with ``hours_to``, the Parquet files they were written to: 0-based month → file names
    hour_files: dict[int, list[str]] | None = None
    #: the roll-up rows by local day of the same meters and months (``daily=True``; see :mod:`.days`)
    daily: pa.Table | None = None


def month_starts(year: int, tz: str) -> list[int]:
    """The 13 local month starts from January 1st of ``year`` to January 1st of the next [s, UTC]."""
    zone = ZoneInfo(tz)
    return [int(datetime(year + (m // 12), m % 12 + 1, 1, tzinfo=zone).timestamp()) for m in range(13)]


GAP_PIECES = """
SELECT g.meter_id, p.start, p."end", (p."end" - p.start) // g.step AS count, g.bridged_value,
       (SELECT count(*) FROM est x JOIN used_meters u USING (meter_id)
        WHERE x.meter_id = g.meter_id AND x.ts >= p.start AND x.ts < p."end"
          AND x.ts >= u.lo AND x.ts < u.hi) AS estimated, p.month
FROM gaps0 g, LATERAL (
  SELECT greatest(g.start, mo.m_start + (g.step - (mo.m_start - g.start) % g.step) % g.step) AS start,
         least(g."end", mo.m_end + (g.step - (mo.m_end - g.start) % g.step) % g.step) AS "end", mo.m_start AS month
  FROM months mo WHERE mo.m_start < g."end" AND mo.m_end > g.start
) p
WHERE p."end" > p.start ORDER BY g.meter_id, p.start"""

#: (The few unused readings are found first, materialised, and only they are placed in their month: left to
#: itself the planner joins every reading with the months first, which cost as much as the intervals.)
UNUSED_PIECES = """
WITH off AS MATERIALIZED (
  SELECT r.meter_id, r.ts, r.value FROM r JOIN used_meters u USING (meter_id)
  WHERE u.kind IN ('cumulative', 'interval') AND r.ts % u.step <> 0
), power AS MATERIALIZED (
  SELECT r.meter_id, r.ts FROM r JOIN bounds b USING (meter_id)
  WHERE b.kind = 'instantaneous' AND r.meter_id NOT IN (SELECT meter_id FROM used_meters)
)
SELECT o.meter_id, o.ts, o.value, 'not on the interval grid of the counter' AS reason, 1 AS count, mo.m_start AS month
FROM off o JOIN months mo ON o.ts >= mo.own_lo AND o.ts < mo.own_hi
UNION ALL
SELECT p.meter_id, NULL, NULL, 'power register: converted to energy only with power_as_energy=True', count(*),
       mo.m_start
FROM power p JOIN months mo ON p.ts >= mo.own_lo AND p.ts < mo.own_hi GROUP BY p.meter_id, mo.m_start
ORDER BY 1, 2"""


def _months_table(year: int, tz: str, first: int, last: int, read: tuple[int, int]) -> pa.Table:
    """Months ``first``..``last`` (0-based) of ``year``: start, end and own range of each."""
    starts = month_starts(year, tz)
    rows = range(first, last + 1)
    return pa.table({
        "m_start": pa.array([starts[i] for i in rows], pa.int64()),
        "m_end": pa.array([starts[i + 1] for i in rows], pa.int64()),
        "own_lo": pa.array([read[0] if i == 0 else starts[i] for i in rows], pa.int64()),
        "own_hi": pa.array([read[1] if i == 11 else starts[i + 1] for i in rows], pa.int64()),
    })


def scan_pieces(fm: FactoryMeters, year: int, view: ReadingsView, *, estimate: Estimate | None,
                power_as_energy: bool, ranges: dict[int, tuple[int, int]] | None = None,
                progress: Callable[[int, int], None] | None = None, hourly: bool = False,
                hours_to: Path | None = None, daily: bool = False) -> Pieces:
    """The pieces of the months ``ranges[meter] = (first, last)`` (0-based months of ``year``, inclusive) of
    those meters, real or virtual (None: every meter, the whole year), computed as the whole-year scan
    computes them (:func:`zerocarbon.timeseries.year.scan_chunks`), one scan per distinct range.
    With ``hourly=True`` the pieces also hold the meters' roll-ups by local hour over those months; with
    ``hours_to`` too, those are written by the engine into that folder (one Parquet file per chunk of
    meters and month, :mod:`zerocarbon.timeseries.hour_parts`) and the pieces hold the file names.
    With ``daily=True`` the pieces also hold the roll-ups by local day (:mod:`zerocarbon.timeseries.days`)."""
    if estimate not in (None, "linear"):
        raise ValueError(f"pieces are kept for estimate None or 'linear', not {estimate!r}")
    every = [int(i) for i in fm.meters["meter_id"].to_pylist()]
    ranges = ranges if ranges is not None else {m: (0, 11) for m in every}
    uses, virtual = virtual_uses(fm)
    by_range: dict[tuple[int, int], set[int]] = {}
    for meter, rng in ranges.items():
        by_range.setdefault(rng, set()).add(meter)
    start_of = month_starts(year, fm.timezone)
    before, after = margins(fm, estimate)
    year_read = (start_of[0] - before, start_of[12] + after)
    monthly, gaps, unused, hours, days = [], [], [], [], []
    hour_files: dict[int, list[str]] = {}

    def keep_files(written: dict[int, str]) -> None:
        for m, name in written.items():
            hour_files.setdefault(m, []).append(name)
    for (first, last), meters in sorted(by_range.items()):
        wanted_virtual = sorted(meters & virtual)
        real = {m for m in meters if m not in virtual}
        needed = set()
        for v in wanted_virtual:
            needed |= all_inputs(v, uses, virtual)
        start, end = start_of[first], start_of[last + 1]
        read = (max(year_read[0], start - before), min(year_read[1], end + after))
        months = _months_table(year, fm.timezone, first, last, year_read)
        bounds = [(m, start_of[m], start_of[m + 1]) for m in range(first, last + 1)]
        kept: list[pa.Table] = []

        def on_chunk(con: duckdb.DuckDBPyConnection, ids: list[int], real: set[int] = real,
                     needed: set[int] = needed, kept: list[pa.Table] = kept, months: pa.Table = months,
                     bounds: list[tuple[int, int, int]] = bounds) -> None:
            con.register("months", months)
            mine = [i for i in ids if i in real]
            con.execute(f"CREATE TEMP VIEW mine AS SELECT * FROM base WHERE meter_id IN "
                        f"({','.join(map(str, mine)) or 'NULL'})")
            gaps.append(only_meters(fetch(con, GAP_PIECES, GAP_PIECE_SCHEMA), mine))
            unused.append(only_meters(fetch(con, UNUSED_PIECES, UNUSED_PIECE_SCHEMA), mine))
            if daily or hourly:  # base is a table: the readings and counter pairs are not read again
                for table in ("r", "cum", "pairs", "power"):
                    con.execute(f"DROP TABLE IF EXISTS {table}")
            window = (bounds[0][1], bounds[-1][2])  # the scan's: base holds intervals in it only
            day_source, day_columns = "mine", BASE_COLUMNS
            if hourly and hours_to is not None:
                keep_files(hp.write_hours(con, "mine", BASE_COLUMNS, fm.timezone, bounds, hours_to, within=window,
                                          keep="hours_written" if daily else None))
                if daily and composes(con, "hours_written"):  # days from hours: a quarter of the rows
                    day_source, day_columns = "hours_written", HOUR_COLUMNS
            elif hourly:
                hours.append(rollup_time_in(con, "mine", BASE_COLUMNS, "hour", tz=fm.timezone, within=window))
            if daily:
                days.append(rollup_time_in(con, day_source, day_columns, "day", tz=fm.timezone, within=window))
                con.execute("DROP TABLE IF EXISTS hours_written")
                by_days = compose(days[-1], "month", fm.timezone)  # cheaper than from the intervals again
                monthly.append(by_days if by_days is not None
                               else rollup_time_in(con, "mine", BASE_COLUMNS, "month", tz=fm.timezone, within=window))
            else:
                monthly.append(rollup_time_in(con, "mine", BASE_COLUMNS, "month", tz=fm.timezone, within=window))
            kept.append(inputs_of(con, [i for i in ids if i in needed]))

        scan_chunks(fm, view, start=start, end=end, read=read, estimate=estimate, power_as_energy=power_as_energy,
                    on_chunk=on_chunk, meter_ids=sorted((real | needed) - virtual), progress=progress,
                    materialise=daily or hourly)
        if wanted_virtual:
            base = pa.concat_tables(kept) if kept else INTERVAL_SCHEMA.empty_table().select(BASE_COLUMNS)
            values = evaluate_virtual(base, fm.meters, fm.nodes).values
            values = values.filter(pc.is_in(values["meter_id"], pa.array(wanted_virtual, pa.int64())))
            if values.num_rows:
                monthly.append(rollup_time(values.select(BASE_COLUMNS), "month", tz=fm.timezone))
                if daily:
                    days.append(rollup_time(values.select(BASE_COLUMNS), "day", tz=fm.timezone))
                if hourly and hours_to is not None:
                    keep_files(hp.write_table(rollup_time(values.select(BASE_COLUMNS), "hour", tz=fm.timezone), bounds,
                                              hours_to))
                elif hourly:
                    hours.append(rollup_time(values.select(BASE_COLUMNS), "hour", tz=fm.timezone))
    return Pieces(concat_or_empty(monthly, _empty_monthly(fm.timezone)),
                  concat_or_empty(gaps, GAP_PIECE_SCHEMA.empty_table()),
                  concat_or_empty(unused, UNUSED_PIECE_SCHEMA.empty_table()),
                  concat_or_empty(hours, empty_hourly(fm.timezone)) if hourly and hours_to is None else None,
                  hour_files if hourly and hours_to is not None else None,
                  concat_or_empty([d.cast(empty_hourly(fm.timezone).schema) for d in days], empty_hourly(fm.timezone))
                  if daily else None)


#: The columns of an hour roll-up that a coarser roll-up reads (:func:`composes`).
HOUR_COLUMNS = ["meter_id", "ts", "ts_end", "value", "flags", "seconds", "n_intervals", "n_estimated", "n_null",
                "value_exact"]


def composes(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether the roll-ups ``table`` in ``con`` compose into coarser ones as :func:`compose` requires (every
    value exact): then a roll-up of them equals the roll-up of their intervals."""
    return int(con.execute(f"SELECT count(*) FROM {table} WHERE value IS NOT NULL AND value_exact IS NULL"
                           ).fetchall()[0][0]) == 0


def compose(rows: pa.Table, freq: Freq, tz: str) -> pa.Table | None:
    """The roll-up by ``freq`` of finer roll-ups ``rows`` (hours → days, days → months), the same rows as
    from the intervals when every value is exact (:mod:`zerocarbon.timeseries.days`); None when one is
    not (an inexact period sums its floats in time order, which does not compose)."""
    if pc.any(pc.and_(pc.is_valid(rows["value"]), pc.is_null(rows["value_exact"]))).as_py():
        return None
    return rollup_time(rows.drop_columns(["period"]), freq, tz=tz)


def virtual_uses(fm: FactoryMeters) -> tuple[dict[int, list[int]], set[int]]:
    """Each virtual meter's direct inputs (meter → input ids) and the set of virtual meters."""
    uses: dict[int, list[int]] = {}
    for row in virtual_inputs(fm).terms.to_pylist():
        uses.setdefault(int(row["meter_id"]), []).append(int(row["input_id"]))
    virtual = {int(m) for m, v in zip(fm.meters["meter_id"].to_pylist(), fm.meters["is_virtual"].to_pylist(),
                                      strict=True) if v}
    return uses, virtual


def all_inputs(meter: int, uses: dict[int, list[int]], virtual: set[int]) -> set[int]:
    """The real meters a virtual meter's value depends on, through other virtual meters."""
    out: set[int] = set()
    stack, seen = [meter], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        for i in uses.get(current, []):
            if i in virtual:
                stack.append(i)
            else:
                out.add(i)
    return out


def only_meters(table: pa.Table, ids: list[int]) -> pa.Table:
    return table.filter(pc.is_in(table["meter_id"], pa.array(ids, pa.int64())))


def concat_or_empty(tables: list[pa.Table], empty: pa.Table) -> pa.Table:
    tables = [t for t in tables if t.num_rows]
    return pa.concat_tables(tables).combine_chunks() if tables else empty


def _empty_monthly(tz: str) -> pa.Table:
    return rollup_time(INTERVAL_SCHEMA.empty_table().select(BASE_COLUMNS), "month", tz=tz)


def empty_hourly(tz: str) -> pa.Table:
    """The hour roll-up of no intervals (its schema)."""
    return rollup_time(INTERVAL_SCHEMA.empty_table().select(BASE_COLUMNS), "hour", tz=tz)


def affected(touched: Iterable[tuple[int, int, int]], stored_gaps: pa.Table, year: int, tz: str,
             read: tuple[int, int]) -> dict[int, tuple[int, int]]:
    """Meters → (first, last) months to recompute after readings of ``touched`` = (meter, ts_min, ts_max)
    were added or corrected, given the gap runs of the stored pieces (``GAP_PIECE_SCHEMA``).

    The months of [ts_min − 1, ts_max] (a reading in a margin belongs to January or December; a reading at a
    month's start also closes the month before's last interval), widened while
    the month before ends with a gap or the month after starts with one (see the module docstring).
    Readings outside the year's read window [read[0], read[1]) touch nothing.
    """
    starts = month_starts(year, tz)
    ends_with_gap, starts_with_gap = _gap_edges(stored_gaps, starts)
    out: dict[int, tuple[int, int]] = {}
    for meter, lo, hi in touched:
        lo, hi = max(lo, read[0]), min(hi, read[1] - 1)
        if lo > hi:
            continue
        # lo − 1: a reading exactly at a month's start also closes the last interval before it (a counter's
        # (t − step, t]), which the month before owns; elsewhere the month of lo − 1 is the month of lo
        first, last = _widen([meter], _month_of(lo - 1, starts), _month_of(hi, starts), ends_with_gap,
                             starts_with_gap)
        if meter in out:
            first, last = min(first, out[meter][0]), max(last, out[meter][1])
        out[meter] = (first, last)
    return out


def _month_of(ts: int, starts: list[int]) -> int:
    """The 0-based month of ``ts`` (a margin belongs to January or December)."""
    return max(0, min(11, sum(1 for s in starts[1:12] if ts >= s)))


def _gap_edges(stored_gaps: pa.Table, starts: list[int]) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """(meter, month) pairs whose month ends with a gap run, and those whose month starts with one."""
    ends_with_gap: set[tuple[int, int]] = set()
    starts_with_gap: set[tuple[int, int]] = set()
    for g in stored_gaps.select(["meter_id", "start", "end", "month"]).to_pylist():
        month = int(g["month"])
        i = starts.index(month) if month in starts else _month_of(month, starts)
        if int(g["end"]) >= starts[i + 1]:
            ends_with_gap.add((int(g["meter_id"]), i))
        if int(g["start"]) <= starts[i]:
            starts_with_gap.add((int(g["meter_id"]), i))
    return ends_with_gap, starts_with_gap


def _widen(meters: Iterable[int], first: int, last: int, ends_with_gap: set[tuple[int, int]],
           starts_with_gap: set[tuple[int, int]]) -> tuple[int, int]:
    """Months ``first``..``last`` widened while, for one of ``meters``, the month before ends with a gap
    or the month after starts with one: the range then cuts no gap run of those meters."""
    meters = list(meters)
    while first > 0 and any((m, first - 1) in ends_with_gap or (m, first) in starts_with_gap for m in meters):
        first -= 1
    while last < 11 and any((m, last + 1) in starts_with_gap or (m, last) in ends_with_gap for m in meters):
        last += 1
    return first, last


def with_dependents(ranges: dict[int, tuple[int, int]], fm: FactoryMeters, stored_gaps: pa.Table,
                    year: int) -> dict[int, tuple[int, int]]:
    """``ranges`` plus the virtual meters whose value depends on a meter of it, over the months of their
    inputs' ranges (their inputs are scanned with them by :func:`scan_pieces`), widened so that the range
    cuts no gap run (``stored_gaps``, ``GAP_PIECE_SCHEMA``) of any of their inputs: an input scanned over
    the virtual meter's range must read the readings that bridge its gaps there, as it does over the
    whole year, also an input that no new reading touched."""
    terms = virtual_inputs(fm).terms
    uses: dict[int, list[int]] = {}
    for row in terms.to_pylist():
        uses.setdefault(int(row["meter_id"]), []).append(int(row["input_id"]))
    virtual = set(uses)
    ends_with_gap, starts_with_gap = _gap_edges(stored_gaps, month_starts(year, fm.timezone))
    out = dict(ranges)
    for v in sorted(virtual):
        inputs = all_inputs(v, uses, virtual)
        hit = [ranges[i] for i in inputs if i in ranges]
        if hit:
            lo, hi = min(r[0] for r in hit), max(r[1] for r in hit)
            old = out.get(v, (lo, hi))
            out[v] = _widen(inputs, min(lo, old[0]), max(hi, old[1]), ends_with_gap, starts_with_gap)
    return out


def replace(stored: Pieces, new: Pieces, ranges: dict[int, tuple[int, int]], year: int, tz: str) -> Pieces:
    """``stored`` with the pieces of the meters and months of ``ranges`` replaced by ``new``'s."""
    starts = month_starts(year, tz)

    def keep(table: pa.Table, month_col: str) -> pa.Table:
        if not ranges or table.num_rows == 0:
            return table
        meters = sorted(ranges)  # each row's meter looked up once (a mask per meter costs meters × rows)
        at = pc.index_in(table["meter_id"], value_set=pa.array(meters, pa.int64()))
        lo = pc.take(pa.array([starts[ranges[m][0]] for m in meters], pa.int64()), at)
        hi = pc.take(pa.array([starts[ranges[m][1] + 1] for m in meters], pa.int64()), at)
        drop = pc.and_(pc.greater_equal(table[month_col], lo), pc.less(table[month_col], hi))
        return table.filter(pc.invert(pc.fill_null(drop, False)))

    hourly = None
    if stored.hourly is not None and new.hourly is not None:
        hourly = replace_hours(stored.hourly, new.hourly, ranges, year, tz)
    # when every piece left and every new one is empty, the result is empty (never the stored table)
    return Pieces(concat_or_empty([keep(stored.monthly, "ts"), new.monthly], stored.monthly.schema.empty_table()),
                  concat_or_empty([keep(stored.gaps, "month"), new.gaps], stored.gaps.schema.empty_table()),
                  concat_or_empty([keep(stored.unused, "month"), new.unused], stored.unused.schema.empty_table()),
                  hourly)


def replace_hours(stored: pa.Table, new: pa.Table, ranges: dict[int, tuple[int, int]], year: int, tz: str) -> pa.Table:
    """Hour roll-ups ``stored`` with those of the meters and months of ``ranges`` replaced by ``new``'s
    (an hour belongs to the month its start lies in), ordered by meter and hour."""
    starts = month_starts(year, tz)
    if not ranges or stored.num_rows == 0:
        out = concat_or_empty([stored, new], stored.schema.empty_table())
    else:
        meters = pa.array(sorted(ranges), pa.int64())
        firsts = pa.array([starts[ranges[m][0]] for m in sorted(ranges)], pa.int64())
        ends = pa.array([starts[ranges[m][1] + 1] for m in sorted(ranges)], pa.int64())
        con = duckdb.connect()
        try:
            con.register("s", stored)
            con.register("rg", pa.table({"meter_id": meters, "lo": firsts, "hi": ends}))
            kept = con.sql("SELECT s.* FROM s LEFT JOIN rg USING (meter_id) "
                           "WHERE rg.meter_id IS NULL OR s.ts < rg.lo OR s.ts >= rg.hi").to_arrow_table()
        finally:
            con.close()
        out = concat_or_empty([kept.cast(stored.schema), new.cast(stored.schema)], stored.schema.empty_table())
    return _by_meter_and_time(out)


def assemble(fm: FactoryMeters, year: int, pieces: Pieces, estimate: Estimate | None,
             power_as_energy: bool = False) -> MeteredYear:
    """The metered year from its pieces: equal to :func:`~zerocarbon.timeseries.year.scan_year` of the same
    readings (monthly roll-ups, gaps, unused readings; the virtual meters' terms, not their interval values)."""
    monthly = pieces.monthly.sort_by([("meter_id", "ascending"), ("ts", "ascending")])
    con = duckdb.connect()
    try:
        con.register("g", pieces.gaps)
        con.register("u", pieces.unused)
        gaps = fetch(con, """
            WITH s AS (SELECT *, CASE WHEN start = lag("end") OVER w THEN 0 ELSE 1 END AS new_run FROM g
                       WINDOW w AS (PARTITION BY meter_id ORDER BY start)),
            k AS (SELECT *, sum(new_run) OVER (PARTITION BY meter_id ORDER BY start) AS run FROM s)
            SELECT meter_id, min(start) AS start, max("end") AS "end", sum(count)::BIGINT AS count,
                   any_value(bridged_value) AS bridged_value, sum(estimated)::BIGINT AS estimated
            FROM k GROUP BY meter_id, run ORDER BY meter_id, start""", GAP_SCHEMA)
        unused = fetch(con, """
            SELECT meter_id, ts, value, reason, sum(count)::BIGINT AS count FROM u
            GROUP BY meter_id, ts, value, reason ORDER BY meter_id, ts, reason""", UNUSED_SCHEMA)
    finally:
        con.close()
    start, end = tc.year_bounds(year, fm.timezone)
    terms = virtual_inputs(fm).terms
    virtual = VirtualValues(values=_virtual_values_schema().empty_table(), terms=terms)
    hourly = None if pieces.hourly is None else _by_meter_and_time(pieces.hourly)
    return MeteredYear(fm, year, start, end, estimate, gaps, unused, virtual, monthly, power_as_energy, hourly)


def _by_meter_and_time(table: pa.Table) -> pa.Table:
    """``table`` ordered by meter and time: as it is when it already is (17.5 M hour rows at 2,000 meters:
    a sort would copy them), else sorted."""
    meter = table["meter_id"].to_numpy()
    ts = table["ts"].to_numpy()
    if len(meter) < 2 or bool(((meter[1:] > meter[:-1]) | ((meter[1:] == meter[:-1]) & (ts[1:] > ts[:-1]))).all()):
        return table
    return table.sort_by([("meter_id", "ascending"), ("ts", "ascending")])


def _virtual_values_schema() -> pa.Schema:
    return pa.schema([("meter_id", pa.int64()), ("ts", pa.int64()), ("ts_end", pa.int64()), ("value", pa.float64()),
                      ("flags", pa.int64()), ("method", pa.string()), ("inputs_present", pa.int64()),
                      ("inputs_expected", pa.int64()), ("value_exact", INTERVAL_SCHEMA.field("value_exact").type)])
