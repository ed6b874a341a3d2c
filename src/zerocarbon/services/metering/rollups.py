"""Use case: the metered year from the roll-ups kept in the store, brought up to date incrementally.

    stored pieces (meter × month) + what was written since (batches, corrections)
        → :func:`zerocarbon.timeseries.months.affected` → rescan only those meters' months
        → store the new pieces → :func:`zerocarbon.timeseries.months.assemble` → MeteredYear

The first request (or one after the factory's meters, nodes or events changed) scans the whole year
(:func:`zerocarbon.timeseries.months.scan_pieces`) and stores it. The pieces live in the store
(:mod:`zerocarbon.store.rollups`), so every server worker shares them. The result equals
:func:`zerocarbon.services.metering.year.metered_year` of the same readings (monthly roll-ups,
gaps, unused readings; virtual meters by their monthly roll-ups and terms, without their values per
interval). Estimation by profile is not kept: it is computed whole, as before.

Where the store keeps files next to it (:mod:`zerocarbon.store.rollup_files`), the roll-ups by local day
are kept too, and an update rescans only the days the new readings touch (:mod:`zerocarbon.timeseries.days`):
each touched month is rebuilt from its days, the hour files are written again only where they hold rows
of those days. A month that does not compose from its days (an inexact value) is recomputed whole.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import shutil
import threading
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa

from zerocarbon.ingest.pipeline import IngestReport
from zerocarbon.services.metering.year import FactoryMeters, MeteredYear, load_factory_meters, metered_year
from zerocarbon.store import rollup_files as files
from zerocarbon.store import rollups as kept
from zerocarbon.store.readings import register_readings
from zerocarbon.timeseries import days
from zerocarbon.timeseries.intervals import Estimate
from zerocarbon.timeseries.months import (
    Pieces,
    affected,
    assemble,
    month_starts,
    replace,
    scan_pieces,
    with_dependents,
)
from zerocarbon.timeseries.year import ReadingsView, margins


def fingerprint(fm: FactoryMeters) -> str:
    """A digest of what the pieces were computed with: time zone, meters, nodes and meter events."""
    digest = hashlib.sha256(fm.timezone.encode())
    for table in (fm.meters, fm.nodes, fm.events):
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        digest.update(sink.getvalue().to_pybytes())
    return digest.hexdigest()


def _view(url: str | None) -> ReadingsView:
    def view(con: duckdb.DuckDBPyConnection, name: str, ids: list[int], start: int, end: int) -> None:
        register_readings(con, name, ids, start, end, url)
    return view


def kept_year(factory_id: str, year: int, url: str | None = None, *, estimate: Estimate | None = "linear",
              power_as_energy: bool = False, factory: FactoryMeters | None = None,
              progress: Callable[[int, int], None] | None = None, hourly: bool = False) -> MeteredYear:
    """The metered year of ``factory_id`` from the store's roll-ups, recomputing only what changed.

    With ``hourly=True`` the year also holds its roll-ups by local hour, kept as columnar files next to
    the store (:mod:`zerocarbon.store.rollup_files`); once kept, they follow every later update of the
    monthly pieces for the meters and months it recomputes. A store that keeps no hour roll-ups (a
    PostgreSQL store without ``$ZEROCARBON_ROLLUP_DIR``) computes them by a whole scan.
    ``progress(done, total)`` is called with meters when a whole year is scanned.
    """
    fm = factory or load_factory_meters(factory_id, url)
    if estimate == "profile" or (hourly and files.rollup_root(url) is None):
        return metered_year(factory_id, year, url, estimate=estimate, power_as_energy=power_as_energy,
                            factory=fm, progress=progress, hourly=hourly)
    kind = kept.variant(estimate, power_as_energy)
    setup = fingerprint(fm)
    state, stored = kept.load(factory_id, year, kind, url)
    view = _view(url)
    # the day roll-ups, kept next to the hour files, let a new day's batch rescan its days only
    day_kind = f"{kind}:day"
    by_day = files.rollup_root(url) is not None and days.day_aligned(fm, year)

    def whole() -> MeteredYear:
        head = kept.audit_head(url)
        # the hours go from the engine straight into files (staged, kept once the monthly pieces are)
        staged = files.stage(factory_id, year, kind, url) if hourly else None
        try:
            pieces = scan_pieces(fm, year, view, estimate=estimate, power_as_energy=power_as_energy,
                                 progress=progress, hourly=hourly, hours_to=staged, daily=by_day)
            new_state = kept.State(head, setup)
            kept.save(factory_id, year, kind, pieces, new_state, fm.timezone, url=url)
            if pieces.daily is not None:
                files.save_hours(factory_id, year, day_kind, pieces.daily, new_state, fm.timezone, url)
            parts = None
            if staged is not None and pieces.hour_files is not None:
                parts = files.commit(factory_id, year, kind, staged, pieces.hour_files, new_state, url)
        finally:
            if staged is not None:
                shutil.rmtree(staged, ignore_errors=True)
        return dataclasses.replace(assemble(fm, year, pieces, estimate, power_as_energy),
                                   hour_parts=None if parts is None else tuple(parts))

    if state is None or state.setup != setup:
        return whole()
    head, touched = kept.changes_since(factory_id, state.audit_id, url)
    starts = month_starts(year, fm.timezone)
    before, after = margins(fm, estimate)
    read = (starts[0] - before, starts[12] + after)
    ranges = with_dependents(affected(touched, stored.gaps, year, fm.timezone, read), fm, stored.gaps,
                             year) if touched else {}
    months = {m for first, last in ranges.values() for m in range(first, last + 1)}
    # the hours kept for the stored state (their files), and those of the months to recompute, to update them
    parts = files.hour_parts(factory_id, year, kind, state, url)
    if hourly and parts is None:
        return whole()  # no hours kept for this state: one whole scan keeps both
    day_parts = files.hour_parts(factory_id, year, day_kind, state, url) if by_day and ranges else None
    if by_day and ranges and day_parts is None:
        return whole()  # no day roll-ups kept for this state: one whole scan keeps them
    new_state = kept.State(head, setup)
    if ranges and day_parts is not None:
        by_days = _update_by_days(fm, year, kind, touched, stored, state, new_state, estimate, power_as_energy,
                                  read, url, hours=parts is not None)
        if by_days is not None:
            stored, parts = by_days
            ranges = {}
    if ranges:
        old_hours = files.load_hours(factory_id, year, kind, state, url, months) if parts is not None else None
        new = scan_pieces(fm, year, view, estimate=estimate, power_as_energy=power_as_energy, ranges=ranges,
                          hourly=old_hours is not None, daily=day_parts is not None)
        stored = replace(dataclasses.replace(stored, hourly=old_hours), new, ranges, year, fm.timezone)
        kept.save(factory_id, year, kind, new, new_state, fm.timezone, ranges=ranges, url=url)
        if new.daily is not None:
            spans = {m: (starts[first], starts[last + 1]) for m, (first, last) in ranges.items()}
            files.replace_spans(factory_id, year, day_kind, new.daily, days.spans_table(spans), state, new_state,
                                fm.timezone, months, url)
        if stored.hourly is not None:
            files.save_hours(factory_id, year, kind, stored.hourly, new_state, fm.timezone, url, months=months)
            parts = files.hour_parts(factory_id, year, kind, new_state, url)
    # nothing of this year's months changed: the state stays (the same entries are looked at next time)
    my = assemble(fm, year, dataclasses.replace(stored, hourly=None), estimate, power_as_energy)
    return dataclasses.replace(my, hour_parts=tuple(parts)) if hourly and parts is not None else my


def _update_by_days(fm: FactoryMeters, year: int, kind: str, touched: list[tuple[int, int, int]],
                    stored: Pieces, state: kept.State, new_state: kept.State, estimate: Estimate | None,
                    power_as_energy: bool, read: tuple[int, int], url: str | None,
                    hours: bool) -> tuple[Pieces, list[str] | None] | None:
    """The kept pieces brought up to date by rescanning only the local days the readings ``touched``
    (:mod:`zerocarbon.timeseries.days`), with the day (and, ``hours``, the hour) roll-ups kept next to the
    store; returns (the pieces, the hour files) or None when a month touched must be recomputed whole
    (nothing was written then)."""
    factory_id, day_kind = fm.factory_id, f"{kind}:day"
    spans = days.spans(touched, stored, fm, year, estimate)
    if not spans:
        return None
    ranges = days.month_ranges(spans, year, fm.timezone)
    months = {m for first, last in ranges.values() for m in range(first, last + 1)}
    new = days.scan_days(fm, year, _view(url), spans, estimate=estimate, power_as_energy=power_as_energy,
                         hourly=hours)
    old_days = files.load_hours(factory_id, year, day_kind, state, url, months)
    merged = None if old_days is None else days.merge(stored, old_days, new, spans, year, fm.timezone, read)
    if merged is None:
        return None
    pieces, day_rows = merged
    kept.save(factory_id, year, kind, pieces, new_state, fm.timezone, ranges=ranges, url=url)
    files.save_hours(factory_id, year, day_kind, day_rows, new_state, fm.timezone, url, months=months)
    parts = None
    if hours and new.hourly is not None:
        parts = files.replace_spans(factory_id, year, kind, new.hourly, days.spans_table(spans), state, new_state,
                                    fm.timezone, months, url)
    return replace(stored, pieces, ranges, year, fm.timezone), parts


_log = logging.getLogger(__name__)
#: The refreshes running in this process, by (store, factory), with the spans of readings [s, UTC] closed
#: batches stored while one ran (each its own: one span over them all would take in the years between, each
#: never kept scanned whole): one refresh of a factory at a time (batches closing together, e.g. REST pushes
#: answered in parallel, would each scan a year never kept, side by side), and a batch that closes meanwhile
#: is handed to it (one more pass after the current one) instead of holding a thread to wait.
_RUNNING: dict[tuple[str | None, str], list[tuple[int, int]]] = {}
#: A batch whose readings span more years than this refreshes only the years at its ends and those kept.
WIDE_SPAN_YEARS = 2
_RUNNING_LOCK = threading.Lock()


def refresh_after_ingest(factory_id: str, report: IngestReport, url: str | None = None, *,
                         progress: Callable[[int, int], None] | None = None) -> list[int]:
    """Bring the roll-ups kept for ``factory_id`` up to date with a batch that has closed (``report``), so
    that the next request (the dashboard's first after a night's data, the inventory, hourly carbon) reads
    roll-ups instead of readings: the way those read the year (gaps filled linearly, energy registers),
    with the hour roll-ups where the store keeps files. Returns the local years brought up to date.

    The years are those the batch stored readings in (from its first to its last reading; over more than
    :data:`WIDE_SPAN_YEARS` years, the two ends and the kept years between), and a year next to them whose
    roll-ups are kept when the batch's readings lie within its read margin (a counter reading just after New Year closes
    the year before's last interval). A year never kept before is scanned whole (and kept); one kept is
    updated incrementally (:func:`kept_year`). Nothing here can change a figure: every read checks the
    kept state against what was written since. A failure is logged and leaves the roll-ups as they
    were (the next read recomputes what it needs); the batch stays stored. ``progress(done, total)`` is
    called with meters when a year is scanned whole. While a refresh of the factory runs in this process,
    another returns at once (``[]``) and the running one makes one more pass over its span.
    """
    if report.first_ts is None or report.last_ts is None:
        return []
    key = (url, factory_id)
    spans = [(report.first_ts, report.last_ts)]
    with _RUNNING_LOCK:
        if key in _RUNNING:  # handed to the refresh running now, which makes one more pass for it
            _RUNNING[key] += spans
            return []
        _RUNNING[key] = []
    done: set[int] = set()
    try:
        while True:
            done |= set(_refresh(factory_id, report.batch_id, spans, url, progress))
            with _RUNNING_LOCK:
                if not _RUNNING[key]:
                    del _RUNNING[key]
                    return sorted(done)
                spans, _RUNNING[key] = _RUNNING[key], []
    except BaseException:
        with _RUNNING_LOCK:
            _RUNNING.pop(key, None)
        raise


def _refresh(factory_id: str, batch_id: int, spans: list[tuple[int, int]], url: str | None,
             progress: Callable[[int, int], None] | None) -> list[int]:
    try:
        fm = load_factory_meters(factory_id, url)
        zone = ZoneInfo(fm.timezone)
        def year_of(ts: int) -> int:
            return datetime.fromtimestamp(ts, zone).year
        before, after = margins(fm, "linear")
        years: set[int] = set()
        near: set[int] = set()
        held = set(kept.kept_years(factory_id, kept.variant("linear", False), url))
        for first_ts, last_ts in spans:
            lo, hi = year_of(first_ts), year_of(last_ts)
            # a wide span (a backfill with a stray old reading) would scan every year between: its ends, and
            # the kept years between, are refreshed; a year never kept inside it waits for its first read
            years |= set(range(lo, hi + 1)) if hi - lo <= WIDE_SPAN_YEARS else {lo, hi} | {y for y in held
                                                                                          if lo <= y <= hi}
            near |= {year_of(first_ts - after), year_of(last_ts + before)}
        years |= near & held
        # hours only where every real meter's intervals fit inside hours (an 8-hour meter's cannot: the
        # hour roll-up raises, and the whole year would never be kept)
        steps = [int(x or 900) for x, v in zip(fm.meters["interval_seconds"].to_pylist(),
                                               fm.meters["is_virtual"].to_pylist(), strict=True) if not v]
        hourly = files.rollup_root(url) is not None and all(3600 % s == 0 for s in steps)
        for year in sorted(years):
            kept_year(factory_id, year, url, estimate="linear", hourly=hourly, factory=fm, progress=progress)
        return sorted(years)
    except Exception:  # a cache: the batch is stored whatever happens here, and every read rechecks the state
        _log.warning("roll-ups of %s not brought up to date after batch %s: the next read recomputes them",
                     factory_id, batch_id, exc_info=True)
        return []
