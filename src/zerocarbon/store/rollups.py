"""The metered year kept per meter and month in the store (``meter_rollups``, ``meter_rollup_state``).

A cache of derived data shared by every server worker (it lives in the store, not in a process):
the pieces of :mod:`zerocarbon.timeseries.months` of one factory, year and variant, and what they
cover (the audit entry up to which readings were read, a fingerprint of the factory's meters).
:func:`changes_since` tells which meters and times the data written since touched: the readings of
batches closed since (``readings.ingest`` entries), corrections (``reading.correct``), and the
batches still open (their readings are read live, so they count as touched until they close).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyarrow as pa
from sqlalchemy import and_, delete, func, insert, select

from zerocarbon.store import schema as s
from zerocarbon.store.db import transaction
from zerocarbon.timeseries.months import GAP_PIECE_SCHEMA, UNUSED_PIECE_SCHEMA, Pieces, month_starts

_MONTHLY = pa.schema([("meter_id", pa.int64()), ("ts", pa.int64()), ("ts_end", pa.int64()), ("period", pa.string()),
                      ("value", pa.float64()), ("flags", pa.int64()), ("seconds", pa.int64()),
                      ("n_intervals", pa.int64()), ("n_estimated", pa.int64()), ("n_null", pa.int64()),
                      ("value_exact", pa.decimal128(38, 12))])


@dataclass(frozen=True)
class State:
    """What stored roll-ups cover: data read up to audit entry ``audit_id``, with meters of fingerprint ``setup``."""

    audit_id: int
    setup: str


def variant(estimate: str | None, power_as_energy: bool) -> str:
    """The key of a way of computing the year: the estimate and whether power registers become energy."""
    return f"{estimate or 'none'}:{'power' if power_as_energy else 'energy'}"


def kept_years(factory_id: str, kind: str, url: str | None = None) -> list[int]:
    """The years of ``factory_id`` whose roll-ups (variant ``kind``) are kept, in order."""
    st = s.meter_rollup_state
    with transaction(url) as conn:
        return sorted(int(y) for y in conn.execute(select(st.c.year).where(
            st.c.factory_id == factory_id, st.c.variant == kind)).scalars())


def load(factory_id: str, year: int, kind: str, url: str | None = None) -> tuple[State | None, Pieces]:
    """The stored pieces of ``factory_id``'s ``year`` (variant ``kind``) and their state (None: nothing stored)."""
    r, st = s.meter_rollups, s.meter_rollup_state
    key = and_(r.c.factory_id == factory_id, r.c.year == year, r.c.variant == kind)
    cols = [r.c.meter_id, r.c.month, r.c.month_end, r.c.period, r.c.value, r.c.flags, r.c.seconds, r.c.n_intervals,
            r.c.n_estimated, r.c.n_null, r.c.value_exact, r.c.gaps, r.c.unused]
    with transaction(url) as conn:
        head = conn.execute(select(st.c.audit_id, st.c.setup).where(
            st.c.factory_id == factory_id, st.c.year == year, st.c.variant == kind)).first()
        # plain tuples, in the order of ``cols`` (24,000 meter-months at 2,000 meters: no mapping per row)
        rows = conn.execute(select(*cols).where(key).order_by(r.c.meter_id, r.c.month)).all()
    monthly: dict[str, list[Any]] = {n: [] for n in _MONTHLY.names}
    gaps: dict[str, list[Any]] = {n: [] for n in GAP_PIECE_SCHEMA.names}
    unused: dict[str, list[Any]] = {n: [] for n in UNUSED_PIECE_SCHEMA.names}
    with_period = [row for row in rows if row[3] is not None]
    # columns of _MONTHLY in its order: meter_id, ts (the month), ts_end, period, value, flags, seconds,
    # n_intervals, n_estimated, n_null (positions 0–9 of ``cols``), then the exact sum
    for name, at in zip(_MONTHLY.names[:-1], range(10), strict=True):
        monthly[name] = [row[at] for row in with_period]
    monthly["value_exact"] = [None if row[10] is None else Decimal(row[10]) for row in with_period]
    for row in rows:
        meter, month = int(row[0]), int(row[1])
        for start, end, count, bridged, estimated in _json_list(row[11]):
            for n, v in zip(GAP_PIECE_SCHEMA.names, (meter, start, end, count, bridged, estimated, month), strict=True):
                gaps[n].append(v)
        for ts, value, reason, count in _json_list(row[12]):
            for n, v in zip(UNUSED_PIECE_SCHEMA.names, (meter, ts, value, reason, count, month), strict=True):
                unused[n].append(v)
    state = State(int(head[0]), str(head[1])) if head is not None else None
    return state, Pieces(pa.table(monthly, schema=_MONTHLY), pa.table(gaps, schema=GAP_PIECE_SCHEMA),
                         pa.table(unused, schema=UNUSED_PIECE_SCHEMA))


def _json_list(text: str | None) -> list[Any]:
    """A stored JSON list (most rows hold none: parsed only when there is something)."""
    return [] if not text or text == "[]" else list(json.loads(text))


def _rows(factory_id: str, year: int, kind: str, pieces: Pieces) -> list[dict[str, Any]]:
    """One row per meter and month that has a roll-up, a gap or an unused reading."""
    out: dict[tuple[int, int], dict[str, Any]] = {}

    def row(meter: int, month: int) -> dict[str, Any]:
        if (meter, month) not in out:
            out[(meter, month)] = {"factory_id": factory_id, "year": year, "variant": kind, "meter_id": meter,
                                   "month": month, "month_end": None, "period": None, "value": None,
                                   "value_exact": None, "flags": None, "seconds": None, "n_intervals": None,
                                   "n_estimated": None, "n_null": None, "gaps": [], "unused": []}
        return out[(meter, month)]

    for m in pieces.monthly.to_pylist():
        r = row(int(m["meter_id"]), int(m["ts"]))
        r.update(month_end=m["ts_end"], period=m["period"], value=m["value"], flags=m["flags"], seconds=m["seconds"],
                 n_intervals=m["n_intervals"], n_estimated=m["n_estimated"], n_null=m["n_null"],
                 value_exact=None if m["value_exact"] is None else str(m["value_exact"]))
    for g in pieces.gaps.to_pylist():
        row(int(g["meter_id"]), int(g["month"]))["gaps"].append(
            [g["start"], g["end"], g["count"], g["bridged_value"], g["estimated"]])
    for u in pieces.unused.to_pylist():
        row(int(u["meter_id"]), int(u["month"]))["unused"].append([u["ts"], u["value"], u["reason"], u["count"]])
    for r in out.values():
        r["gaps"] = json.dumps(r["gaps"])
        r["unused"] = json.dumps(r["unused"], ensure_ascii=False)
    return list(out.values())


def save(factory_id: str, year: int, kind: str, pieces: Pieces, state: State, tz: str,
         ranges: dict[int, tuple[int, int]] | None = None, url: str | None = None) -> None:
    """Store ``pieces``: all of the year's (``ranges`` None) or those of the meters' months ``ranges``
    (0-based, inclusive), replacing what was stored for them, and the new ``state``, in one transaction."""
    r, st = s.meter_rollups, s.meter_rollup_state
    key = and_(r.c.factory_id == factory_id, r.c.year == year, r.c.variant == kind)
    starts = month_starts(year, tz)
    rows = _rows(factory_id, year, kind, pieces)
    with transaction(url) as conn:
        if ranges is None:
            conn.execute(delete(r).where(key))
        else:
            by_range: dict[tuple[int, int], list[int]] = {}
            for meter, rng in ranges.items():
                by_range.setdefault(rng, []).append(meter)
            for (first, last), meters in by_range.items():
                for chunk in _chunks(sorted(meters), 500):
                    conn.execute(delete(r).where(key, r.c.meter_id.in_(chunk), r.c.month >= starts[first],
                                                 r.c.month < starts[last + 1]))
        if rows:
            conn.execute(insert(r), rows)
        conn.execute(delete(st).where(st.c.factory_id == factory_id, st.c.year == year, st.c.variant == kind))
        conn.execute(insert(st).values(factory_id=factory_id, year=year, variant=kind, audit_id=state.audit_id,
                                       setup=state.setup, updated_at=int(time.time())))


def audit_head(url: str | None = None) -> int:
    """The id of the newest audit entry (0 when there is none): what a whole scan starting now covers."""
    a = s.audit_log
    with transaction(url) as conn:
        return int(conn.execute(select(a.c.id).order_by(a.c.id.desc()).limit(1)).scalar() or 0)


def changes_since(factory_id: str, audit_id: int, url: str | None = None) -> tuple[int, list[tuple[int, int, int]]]:
    """(newest audit entry id, [(meter, first ts, last ts)]): the factory's readings written after entry
    ``audit_id`` (batches closed since, corrections since) and those of batches still open."""
    a, r, b, m = s.audit_log, s.readings, s.batches, s.meters
    with transaction(url) as conn:
        head = int(conn.execute(select(a.c.id).order_by(a.c.id.desc()).limit(1)).scalar() or 0)
        entries = conn.execute(select(a.c.action, a.c.entity_id).where(
            a.c.id > audit_id, a.c.id <= head, a.c.action.in_(("readings.ingest", "reading.correct")))).all()
        batches = {int(e) for action, e in entries if action == "readings.ingest" and str(e).isdigit()}
        batches |= {int(x) for x in conn.execute(select(b.c.id).where(b.c.status == "running")).scalars()}
        touched: dict[int, tuple[int, int]] = {}
        mine = select(m.c.id).where(m.c.factory_id == factory_id)
        for chunk in _chunks(sorted(batches), 500):
            for meter, lo, hi in conn.execute(select(r.c.meter_id, func.min(r.c.ts), func.max(r.c.ts)).where(
                    r.c.batch_id.in_(chunk), r.c.meter_id.in_(mine)).group_by(r.c.meter_id)):
                _widen(touched, int(meter), int(lo), int(hi))
        for action, entity in entries:
            if action == "reading.correct" and "@" in str(entity):
                meter_s, ts_s = str(entity).split("@", 1)
                meter_id, ts = int(meter_s), int(ts_s)
                owner = conn.execute(select(m.c.factory_id).where(m.c.id == meter_id)).scalar()
                if owner == factory_id:
                    _widen(touched, meter_id, ts, ts)
    return head, [(k, lo, hi) for k, (lo, hi) in sorted(touched.items())]


def _widen(touched: dict[int, tuple[int, int]], meter: int, lo: int, hi: int) -> None:
    old = touched.get(meter)
    touched[meter] = (lo, hi) if old is None else (min(old[0], lo), max(old[1], hi))


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[i:i + size] for i in range(0, len(items), size)]
