"""The metered year of a factory: its meters, and their intervals rolled up by month (and hour),
computed chunk by chunk of meters so that memory stays bounded at thousands of meters.

    read(meter ids, start, end) → intervals (per chunk) → months / hours
                                 → virtual meters (from the intervals of their inputs)

Pure: the readings come from a callable handed in by the caller (the metering service passes the
store's reader, a test or a forecast may pass an Arrow table's slices), so this module never
imports the store. :func:`scan_year` returns a plain value (:class:`MeteredYear`: Arrow tables and
exact decimal sums, no connection to anything).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from zerocarbon.duck import connection
from zerocarbon.timeseries import carbon as tc
from zerocarbon.timeseries.hour_parts import read_hours
from zerocarbon.timeseries.intervals import (
    EVENT_SCHEMA,
    GAP_SCHEMA,
    GAPS_SQL,
    INTERVAL_SCHEMA,
    METER_SCHEMA,
    READING_SCHEMA,
    UNUSED_SCHEMA,
    UNUSED_SQL,
    WEEK,
    Estimate,
    conform,
    fetch,
    run_interval_sql,
    values_sql,
)
from zerocarbon.timeseries.rollups import (
    Freq,
    rollup_time,
    rollup_time_in,
)
from zerocarbon.timeseries.virtual import VirtualValues, evaluate_virtual

#: read(meter_ids, start, end) → the current readings of those meters in [start, end) [s, UTC]
#: (:data:`~zerocarbon.timeseries.intervals.READING_SCHEMA`).
ReadingsReader = Callable[[list[int], int, int], pa.Table]
#: view(con, name, meter_ids, start, end) defines ``name`` in the DuckDB connection ``con``: the current
#: readings of those meters in [start, end) [s, UTC] (:data:`~zerocarbon.timeseries.intervals.READING_SCHEMA`),
#: e.g. a view over the store's Parquet parts, so that the readings never leave the engine.
ReadingsView = Callable[[duckdb.DuckDBPyConnection, str, list[int], int, int], None]


@dataclass
class FactoryMeters:
    """A factory's metering set-up as the timeseries functions take it."""

    factory_id: str
    name_zh: str
    name_en: str
    province: str
    timezone: str
    meters: pa.Table  # METER_SCHEMA
    nodes: pa.Table   # NODE_SCHEMA
    events: pa.Table  # EVENT_SCHEMA


#: Readings per chunk of meters: intervals are computed for this many readings at a time, so the
#: memory of :func:`scan_year` is bounded by the chunk (and the roll-ups), not by the year's
#: readings of every meter (70 M for 2,000 meters × a year of 15 minutes would not fit).
CHUNK_READINGS = 2_000_000
_BASE = ["meter_id", "ts", "ts_end", "value", "value_exact", "flags"]
_BASE_SCHEMA = pa.schema([INTERVAL_SCHEMA.field(n) for n in _BASE])


@dataclass(frozen=True)
class MeteredYear:
    """Roll-ups of every meter (real and virtual) of one factory and year, with gaps: a plain value.

    Built once by :func:`scan_year`, chunk by chunk (:data:`CHUNK_READINGS`): the interval
    values of real meters are rolled up per chunk and dropped; only those a virtual meter uses are
    kept, to evaluate the virtual meters per interval
    (:func:`zerocarbon.timeseries.virtual.evaluate_virtual`). Nothing here reads a store.

    Attributes
    ----------
    factory : FactoryMeters
        The factory's meters, nodes and meter events.
    year : int
        The local calendar year.
    start, end : int
        The year's bounds in the factory's time zone [s since epoch, UTC], half-open.
    estimate : {"linear", "profile"} or None
        How gaps in counters were filled.
    gaps, unused : pa.Table
        :data:`~zerocarbon.timeseries.intervals.GAP_SCHEMA` and ``UNUSED_SCHEMA`` of the real meters.
    virtual : VirtualValues
        The virtual meters per interval and the terms of their formulas.
    monthly_values : pa.Table
        :func:`~zerocarbon.timeseries.rollups.rollup_time` by local month of every meter [the meter's
        energy unit]: ``value`` (float64) and ``value_exact`` (the exact decimal sum, see
        :mod:`zerocarbon.timeseries.intervals`).
    power_as_energy : bool
        Whether power registers were converted to energy (mean power × duration).
    hourly_values : pa.Table or None
        The same by local hour; None unless scanned with ``hourly=True`` (or kept in ``hour_parts``).
    hour_parts : tuple of str or None
        The Parquet files holding the roll-ups by local hour, when they are kept as files
        (:mod:`zerocarbon.timeseries.hour_parts`): :meth:`hourly` reads them when first asked, and a
        consumer that runs in the engine (the hourly carbon join) reads the files there instead.
    """

    factory: FactoryMeters
    year: int
    start: int
    end: int
    estimate: Estimate | None
    gaps: pa.Table
    unused: pa.Table
    virtual: VirtualValues
    monthly_values: pa.Table
    power_as_energy: bool = False
    hourly_values: pa.Table | None = None
    hour_parts: tuple[str, ...] | None = None

    def monthly(self) -> pa.Table:
        """The roll-ups by local month (:attr:`monthly_values`)."""
        return self.monthly_values

    def hourly(self) -> pa.Table:
        """The roll-ups by local hour (:attr:`hourly_values`).

        Raises
        ------
        ValueError
            The year was loaded without them: load it with ``hourly=True``.
        """
        if self.hourly_values is None and self.hour_parts is not None:
            object.__setattr__(self, "hourly_values", read_hours(self.hour_parts))
        if self.hourly_values is None:
            raise ValueError(f"the metered year {self.year} of {self.factory.factory_id} was loaded without hourly "
                             "roll-ups: load it with metered_year(..., hourly=True)")
        return self.hourly_values


@dataclass
class _Scan:
    rolled: dict[Freq, pa.Table]
    gaps: pa.Table
    unused: pa.Table
    virtual: VirtualValues
    start: int
    end: int


def _chunks(meters: pa.Table, span: int) -> list[list[int]]:
    """Real meter ids in chunks of about :data:`CHUNK_READINGS` readings over ``span`` seconds."""
    chunks: list[list[int]] = [[]]
    size = 0
    for row in sorted(meters.filter(pc.invert(meters["is_virtual"])).select(["meter_id", "interval_seconds"])
                      .to_pylist(), key=lambda r: int(r["meter_id"])):
        n = span // max(1, int(row["interval_seconds"] or 900))
        if chunks[-1] and size + n > CHUNK_READINGS:
            chunks.append([])
            size = 0
        chunks[-1].append(int(row["meter_id"]))
        size += n
    return [c for c in chunks if c]


def margins(fm: FactoryMeters, estimate: Estimate | None) -> tuple[int, int]:
    """How far before and after a window readings are read [s] (see :func:`scan_year`)."""
    steps = [int(x) for x in fm.meters["interval_seconds"].to_pylist() if x is not None] or [900]
    return (WEEK + 86_400 if estimate == "profile" else 86_400) + max(steps), 86_400 + max(steps)


def virtual_inputs(fm: FactoryMeters) -> VirtualValues:
    """The terms of the factory's virtual meters (no values): which real meters each one needs."""
    return evaluate_virtual(INTERVAL_SCHEMA.empty_table().select(_BASE), fm.meters, fm.nodes)


#: on_chunk(con, meter ids): called inside the chunk's connection, where ``base`` holds the chunk's
#: intervals (meter_id, ts, ts_end, value, value_exact, flags) and the interval SQL's tables.
ChunkHook = Callable[[duckdb.DuckDBPyConnection, list[int]], None]


def scan_chunks(fm: FactoryMeters, view: ReadingsView, *, start: int, end: int, read: tuple[int, int],
                estimate: Estimate | None, power_as_energy: bool, on_chunk: ChunkHook,
                meter_ids: list[int] | None = None, progress: Callable[[int, int], None] | None = None,
                materialise: bool = True) -> None:
    """Intervals of the real meters (all, or ``meter_ids``) in [start, end), chunk by chunk of meters, each
    chunk in one DuckDB connection whose readings are ``view`` over ``read`` = [lo, hi) [s, UTC].

    ``base`` is a table when ``materialise`` (for a hook that reads it more than once), else a view: a hook
    that rolls it up once reads the intervals as they are computed, without a copy of the chunk's rows."""
    meters = conform(fm.meters, METER_SCHEMA)
    if meter_ids is not None:
        meters = meters.filter(pc.is_in(meters["meter_id"], pa.array(sorted(meter_ids), pa.int64())))
    events = conform(fm.events, EVENT_SCHEMA)
    chunks = _chunks(meters, read[1] - read[0])
    total, done = sum(len(c) for c in chunks), 0
    if progress is not None:
        progress(0, total)
    for ids in chunks:
        con = connection()
        try:
            view(con, "r0", ids, read[0], read[1])
            con.register("m", meters.filter(pc.is_in(meters["meter_id"], pa.array(ids, pa.int64()))))
            con.register("e0", events)
            run_interval_sql(con, start=start, end=end, estimate=estimate, power_as_energy=power_as_energy, lean=True)
            kind = "TABLE" if materialise else "VIEW"
            con.execute(f"CREATE TEMP {kind} base AS SELECT {', '.join(_BASE)} FROM ({values_sql(lean=True)})")
            if materialise:  # base holds them now: free the chunk's copy of the measured intervals
                con.execute("DROP TABLE measured")
            on_chunk(con, ids)
        finally:
            con.close()
        done += len(ids)
        if progress is not None:
            progress(done, total)


def _scan(fm: FactoryMeters, year: int, view: ReadingsView, estimate: Estimate | None, power_as_energy: bool,
          freqs: tuple[Freq, ...], progress: Callable[[int, int], None] | None = None) -> _Scan:
    """Intervals of the real meters chunk by chunk, rolled up by ``freqs`` inside the engine; the virtual
    meters after, from the intervals of their inputs (the only intervals that leave the engine)."""
    start, end = tc.year_bounds(year, fm.timezone)
    before, after = margins(fm, estimate)
    needed = {int(i) for i in virtual_inputs(fm).terms["input_id"].to_pylist()}
    rolled: dict[Freq, list[pa.Table]] = {f: [] for f in freqs}
    gaps, unused, kept = [], [], []

    def on_chunk(con: duckdb.DuckDBPyConnection, ids: list[int]) -> None:
        for f in freqs:
            rolled[f].append(rollup_time_in(con, "base", _BASE, f, tz=fm.timezone, within=(start, end)))
        gaps.append(fetch(con, GAPS_SQL, GAP_SCHEMA))
        unused.append(fetch(con, UNUSED_SQL, UNUSED_SCHEMA))
        kept.append(inputs_of(con, [i for i in ids if i in needed]))

    scan_chunks(fm, view, start=start, end=end, read=(start - before, end + after), estimate=estimate,
                power_as_energy=power_as_energy, on_chunk=on_chunk, progress=progress, materialise=len(freqs) > 1)
    virtual = evaluate_virtual(pa.concat_tables(kept) if kept else _BASE_SCHEMA.empty_table(), fm.meters, fm.nodes)
    for f in freqs:
        if virtual.values.num_rows:
            rolled[f].append(rollup_time(virtual.values.select(_BASE), f, tz=fm.timezone))
    return _Scan({f: _concat(t, f, fm.timezone) for f, t in rolled.items()},
                 pa.concat_tables(gaps) if gaps else GAP_SCHEMA.empty_table(),
                 pa.concat_tables(unused) if unused else UNUSED_SCHEMA.empty_table(), virtual, start, end)


def inputs_of(con: duckdb.DuckDBPyConnection, ids: list[int]) -> pa.Table:
    """The intervals (``base``) of the meters ``ids`` of a chunk, ordered (the inputs of virtual meters)."""
    if not ids:
        return _BASE_SCHEMA.empty_table()
    return fetch(con, f"SELECT * FROM base WHERE meter_id IN ({','.join(map(str, ids))}) ORDER BY meter_id, ts",
                 _BASE_SCHEMA)


def table_view(read: ReadingsReader) -> ReadingsView:
    """A :data:`ReadingsView` over a :data:`ReadingsReader` (its Arrow table registered as the view)."""
    def view(con: duckdb.DuckDBPyConnection, name: str, ids: list[int], start: int, end: int) -> None:
        con.register(name, conform(read(ids, start, end), READING_SCHEMA))
    return view


def _concat(tables: list[pa.Table], freq: Freq, tz: str) -> pa.Table:
    if tables:
        return pa.concat_tables(tables)
    return rollup_time(INTERVAL_SCHEMA.empty_table().select(_BASE), freq, tz=tz)


def scan_year(fm: FactoryMeters, year: int, read: ReadingsReader | None = None, *, estimate: Estimate | None = None,
              power_as_energy: bool = False, hourly: bool = False,
              progress: Callable[[int, int], None] | None = None, view: ReadingsView | None = None) -> MeteredYear:
    """Monthly (and with ``hourly=True`` hourly) roll-ups of ``fm``'s meters over the local calendar ``year``.

    Intervals per :mod:`zerocarbon.timeseries.intervals`, computed chunk by chunk of meters
    (:data:`CHUNK_READINGS`), inside one DuckDB connection per chunk: the readings are a view
    (``view``, e.g. over the store's Parquet parts; or ``read``'s Arrow table), the intervals and their
    roll-ups stay in the engine, and only the roll-ups, gaps, unused readings and the intervals of the
    inputs of virtual meters come out. Readings are asked for with a margin around the year: one day
    after (the reading that closes the last interval of a counter) and one day before (a gap across
    New Year is bridged), eight days before with ``estimate="profile"`` (the same interval a week
    earlier). ``progress(done, total)`` is called with the number of real meters done after each chunk.

    The result is a plain value: with ``hourly=False`` it holds no hourly roll-ups, and
    :meth:`MeteredYear.hourly` raises.
    """
    if view is None:
        if read is None:
            raise ValueError("scan_year needs the readings: a reader (read) or a view (view)")
        view = table_view(read)
    freqs: tuple[Freq, ...] = ("month", "hour") if hourly else ("month",)
    scan = _scan(fm, year, view, estimate, power_as_energy, freqs, progress)
    return MeteredYear(fm, year, scan.start, scan.end, estimate, scan.gaps, scan.unused, scan.virtual,
                       scan.rolled["month"], power_as_energy, scan.rolled.get("hour"))
