"""The audit chain: an append-only, hash-chained log of every write to the store.

Every write that changes what the store holds (a factory set-up, a closed batch of readings, a
correction, dead letters, a sign-off …) appends one entry **in the writer's own transaction**, with
:func:`record`: the entry commits or rolls back with the write it describes.

What is hashed
--------------
Each entry stores ``prev_hash`` (the ``hash`` of the entry before it; 64 zeros for the first) and

    hash = sha256( prev_hash  +  canonical_json({"at": at, "actor": actor, "action": action,
                                                 "entity": entity, "entity_id": entity_id,
                                                 "factory_id": factory_id,
                                                 "before": before, "after": after}) )

as lower-case hex, over the UTF-8 bytes of the concatenated text. ``before`` and ``after`` enter
as the *stored text* (itself canonical JSON, or ``null``), so the hash is recomputed from the
columns exactly as stored. The row ``id`` is **not** hashed: the order of the chain is fixed by
the ``prev_hash`` links, and the id only locates an entry. Canonical JSON (:func:`canonical_json`)
is ``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` with ``Decimal``,
``datetime``, ``date`` and enums rendered as strings, tuples and sets as (sorted) lists.

Appends are serialised, so two writers never fork the chain: on PostgreSQL :func:`record` takes
``LOCK TABLE audit_log IN EXCLUSIVE MODE`` (readers are not blocked; the transaction must be READ
COMMITTED, the default, so the last entry is read after the lock is held); on SQLite it first
makes a no-op write, which takes the database write lock for the rest of the transaction. Ids are
allocated as last id + 1 under that lock, so they have no gaps; write audit rows only through
:func:`record`. Call :func:`record` as the last statement of the transaction, so the lock is held
for as short a time as possible and never while waiting for another lock.

:func:`verify` recomputes the chain and names the first entry that was altered, removed, inserted
or moved. A chain alone cannot show that its newest entries were cut off (or that somebody with
write access rewrote the whole chain): keep the head hash (:func:`head`, printed by
``zerocarbon audit verify``) somewhere else and pass it as ``anchor`` to prove it is still there.
"""

from __future__ import annotations

import dataclasses
import getpass
import hashlib
import json
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import numpy as np
import pyarrow as pa
from sqlalchemy import Connection, func, select, text, update

from zerocarbon.store import schema as s
from zerocarbon.store.batch_digest import batch_digest
from zerocarbon.store.db import transaction

GENESIS = "0" * 64

#: Who is writing: set once per API request or CLI command (``acting_as``); "system" otherwise.
#: A new thread starts with the default, so a worker thread sets it again.
current_actor: ContextVar[str] = ContextVar("zerocarbon_actor", default="system")


@contextmanager
def acting_as(name: str) -> Iterator[str]:
    """Attribute the audit entries written inside the block to ``name``.

    ``name`` is a user name, ``apikey:<prefix>`` or ``cli:<os user>``.
    """
    token = current_actor.set(name)
    try:
        yield name
    finally:
        current_actor.reset(token)


def cli_actor() -> str:
    """The actor of a command-line run: ``cli:<operating-system user>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in the environment (containers): still say it was the CLI
        return "cli:unknown"


# ----------------------------------------------------------------------------------- canonical form
def _plain(value: Any) -> Any:
    if isinstance(value, Decimal | datetime | date):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted((_plain(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True, default=str))
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    raise TypeError(f"not representable in canonical JSON: {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """The one text form of ``value`` that is hashed: sorted keys, no whitespace, UTF-8 kept.

    ``Decimal`` is written with ``str`` (full precision, as computed), ``datetime``/``date`` in ISO
    8601, enums by value, sets as sorted lists, dataclasses and pydantic models as their fields.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def sha256_hex(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def entry_hash(prev_hash: str, at: int, actor: str, action: str, entity: str, entity_id: str,
               factory_id: str | None, before: str | None, after: str | None) -> str:
    """The hash of an entry (see the module docstring for exactly what is hashed)."""
    body = canonical_json({"at": at, "actor": actor, "action": action, "entity": entity, "entity_id": entity_id,
                           "factory_id": factory_id, "before": before, "after": after})
    return sha256_hex(prev_hash + body)


# ----------------------------------------------------------------------------------------- entries
@dataclass(frozen=True)
class AuditEntry:
    """One entry of the chain, as stored (``before``/``after`` are canonical JSON text or None)."""

    id: int
    at: int            # [s since epoch, UTC]
    actor: str
    action: str
    entity: str
    entity_id: str
    factory_id: str | None
    before: str | None
    after: str | None
    prev_hash: str
    hash: str

    def computed_hash(self) -> str:
        return entry_hash(self.prev_hash, self.at, self.actor, self.action, self.entity, self.entity_id,
                          self.factory_id, self.before, self.after)

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["before"] = None if self.before is None else json.loads(self.before)
        out["after"] = None if self.after is None else json.loads(self.after)
        return out


_COLUMNS = (s.audit_log.c.id, s.audit_log.c.at, s.audit_log.c.actor, s.audit_log.c.action, s.audit_log.c.entity,
            s.audit_log.c.entity_id, s.audit_log.c.factory_id, s.audit_log.c.before, s.audit_log.c.after,
            s.audit_log.c.prev_hash, s.audit_log.c.hash)


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(int(row[0]), int(row[1]), str(row[2]), str(row[3]), str(row[4]), str(row[5] or ""),
                      None if row[6] is None else str(row[6]), row[7], row[8], str(row[9]), str(row[10]))


def append_lock(conn: Connection) -> None:
    """Hold the right to append until the transaction ends (see the module docstring)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("LOCK TABLE audit_log IN EXCLUSIVE MODE"))
    else:
        # The stdlib driver opens the transaction at the first write; a write matching no row
        # still takes SQLite's write lock, so the last entry read below cannot change under us.
        conn.execute(update(s.audit_log).where(s.audit_log.c.id < 0).values(id=s.audit_log.c.id))


def record(conn: Connection, action: str, entity: str, entity_id: str | int = "", factory_id: str | None = None,
           before: Any = None, after: Any = None, actor: str | None = None, at: int | None = None) -> AuditEntry:
    """Append an entry to the chain inside the caller's transaction ``conn``; returns it.

    Parameters
    ----------
    action : str
        What happened, ``<entity>.<verb>``: ``factory.save``, ``readings.ingest``, ``reading.correct`` …
    entity, entity_id : str
        What it happened to (table-like name and key).
    factory_id : str, optional
        The factory concerned, for ``zerocarbon audit log --factory``.
    before, after : JSON-like, optional
        The state before and after (stored as canonical JSON; ``None`` stays NULL).
    actor : str, optional
        Who; by default :data:`current_actor`.
    at : int, optional
        When [s since epoch, UTC]; the clock by default.
    """
    who = actor if actor is not None else current_actor.get()
    when = int(time.time()) if at is None else int(at)
    b = None if before is None else canonical_json(before)
    a = None if after is None else canonical_json(after)
    eid = str(entity_id)
    append_lock(conn)
    last = conn.execute(select(s.audit_log.c.id, s.audit_log.c.hash).order_by(s.audit_log.c.id.desc())
                        .limit(1)).first()
    prev = GENESIS if last is None else str(last[1])
    new_id = 1 if last is None else int(last[0]) + 1
    digest = entry_hash(prev, when, who, action, entity, eid, factory_id, b, a)
    conn.execute(s.audit_log.insert().values(id=new_id, at=when, actor=who, action=action, entity=entity,
                                             entity_id=eid, factory_id=factory_id, before=b, after=a,
                                             prev_hash=prev, hash=digest))
    return AuditEntry(new_id, when, who, action, entity, eid, factory_id, b, a, prev, digest)


def entries(url: str | None = None, *, factory_id: str | None = None, limit: int = 50, action: str | None = None,
            after_id: int | None = None) -> list[AuditEntry]:
    """The newest ``limit`` entries (newest first), optionally of one factory, action, or after an id."""
    stmt = select(*_COLUMNS).order_by(s.audit_log.c.id.desc()).limit(limit)
    if factory_id is not None:
        stmt = stmt.where(s.audit_log.c.factory_id == factory_id)
    if action is not None:
        stmt = stmt.where(s.audit_log.c.action == action)
    if after_id is not None:
        stmt = stmt.where(s.audit_log.c.id > after_id)
    with transaction(url) as conn:
        return [_entry(r) for r in conn.execute(stmt).all()]


def head(url: str | None = None) -> AuditEntry | None:
    """The newest entry (its hash is the anchor to keep outside the store), or None for an empty log."""
    found = entries(url, limit=1)
    return found[0] if found else None


# ------------------------------------------------------------------------------------- verification
@dataclass(frozen=True)
class VerifyResult:
    """The outcome of :func:`verify`.

    ``entries`` counts the entries checked (all of them when ``ok``); ``first_bad_id`` is the id of
    the first entry where the chain breaks, ``reason`` says how; ``head`` is the hash of the last
    entry of an intact chain (the anchor to keep).
    """

    ok: bool
    entries: int
    first_bad_id: int | None = None
    reason: str = ""
    head: str | None = None


def verify(url: str | None = None, *, anchor: str | None = None) -> VerifyResult:
    """Recompute the whole chain, oldest first, and report the first entry that does not fit.

    An entry fails when its contents do not give its hash (altered), or when its ``prev_hash`` is
    not the hash of the entry stored before it: then the predecessor was removed, the two are out
    of order, or entries were inserted between them, and the reason says which. With ``anchor`` (a
    head hash kept earlier) the chain must also still contain that entry, which shows that nothing
    was cut off its end.
    """
    n = 0
    expected = GENESIS
    prev_id: int | None = None
    bad: AuditEntry | None = None
    anchored = anchor is None
    with transaction(url) as conn:
        result = conn.execute(select(*_COLUMNS).order_by(s.audit_log.c.id).execution_options(yield_per=2000))
        for row in result:
            entry = _entry(row)
            if entry.computed_hash() != entry.hash or entry.prev_hash != expected:
                bad = entry
                break
            n += 1
            anchored = anchored or entry.hash == anchor
            expected, prev_id = entry.hash, entry.id
        result.close()
        if bad is None:
            if not anchored:
                return VerifyResult(False, n, None, f"the anchored entry {anchor} is not in the chain: entries were "
                                                    "removed from its end, or the chain was rewritten", expected)
            return VerifyResult(True, n, None, "", None if n == 0 else expected)
        if bad.computed_hash() != bad.hash:
            return VerifyResult(False, n, bad.id, f"entry {bad.id} was altered: its contents do not give its hash")
        owner = conn.execute(select(s.audit_log.c.id).where(s.audit_log.c.hash == bad.prev_hash)).scalar()
    where = f"entry {bad.id}"
    before = "the start of the chain" if prev_id is None else f"entry {prev_id}"
    if owner is not None and int(owner) > bad.id:
        reason = f"{where} is out of order: its predecessor is entry {owner}, stored after it"
    elif owner is not None:
        reason = (f"{where} follows entry {owner}, not {before}: entries between them were inserted, "
                  "or the chain forked")
    elif bad.prev_hash == GENESIS:
        reason = f"{where} starts a new chain after {before}: the log was restarted or entries were inserted"
    elif prev_id is not None and bad.id == prev_id + 2:
        reason = f"entry {prev_id + 1} before {where} was removed"
    elif prev_id is not None and bad.id > prev_id + 2:
        reason = f"entries {prev_id + 1}–{bad.id - 1} before {where} were removed"
    else:
        reason = (f"the entry before {where} was removed, or {before} was altered and re-hashed: "
                  f"{where} names a predecessor that is not in the log")
    return VerifyResult(False, n, bad.id, reason)


# --------------------------------------------------------------------------- what writes describe
def _digest_columns(columns: dict[str, np.ndarray[Any, Any]], rows: int) -> str:
    h = hashlib.sha256()
    for name, values in columns.items():
        dtype = "<f8" if name == "value" else "<i8"
        h.update(f"{name}:{rows};".encode())
        h.update(np.ascontiguousarray(values, dtype=dtype).tobytes())
    return h.hexdigest()


def readings_digest(table: pa.Table, columns: tuple[str, ...] = ("meter_id", "ts", "value", "flags")) -> str:
    """sha256 of readings sorted by (meter_id, ts): the little-endian buffers of ``columns`` in turn.

    Integer columns are int64 and ``value`` float64, each as a contiguous array of ``num_rows``
    values; a column is preceded by its name and the row count (``b"meter_id:245275;"``) so that
    tables of different shape cannot give the same bytes.
    """
    ordered = table.sort_by([("meter_id", "ascending"), ("ts", "ascending")]) if table.num_rows else table
    return _digest_columns({name: ordered[name].to_numpy(zero_copy_only=False) for name in columns},
                           ordered.num_rows)


def batch_summary(conn: Connection, batch_id: int) -> dict[str, Any]:
    """What a batch of readings put into the store: count, digest (:func:`readings_digest` of
    meter_id, ts, value) and the factories of its meters; read inside ``conn``'s transaction.

    The digest is computed streaming, in bounded memory whatever the batch's size
    (:func:`zerocarbon.store.batch_digest.batch_digest`); its value is that of :func:`readings_digest`
    over the whole batch.
    """
    digest, counts = batch_digest(conn, batch_id)
    ids = [m for m, _ in counts]
    factories: list[str] = []
    if ids:
        factories = sorted(str(f) for f in conn.execute(
            select(s.meters.c.factory_id).where(s.meters.c.id.in_(ids)).distinct()).scalars())
    return {"readings": sum(c for _, c in counts), "readings_sha256": digest, "factories": factories}


_SETUP_PARTS = ("nodes", "meters", "events", "products", "production")


def factory_snapshot(conn: Connection, factory_id: str) -> dict[str, Any]:
    """The stored set-up of a factory, keyed by natural keys (codes, not row ids), for a before/after diff.

    ``created_at`` is left out: it is bookkeeping rewritten by every save, not the factory's data.
    """
    f = s.factories
    fac = conn.execute(select(f.c.id, f.c.name_zh, f.c.name_en, f.c.province, f.c.timezone)
                       .where(f.c.id == factory_id)).mappings().first()
    node_code = {int(r[0]): str(r[1]) for r in conn.execute(
        select(s.nodes.c.id, s.nodes.c.code).where(s.nodes.c.factory_id == factory_id))}
    nodes = {str(r["code"]): {**{k: v for k, v in r.items() if k not in ("id", "factory_id", "parent_id")},
                              "parent": node_code.get(r["parent_id"]) if r["parent_id"] is not None else None}
             for r in conn.execute(select(s.nodes).where(s.nodes.c.factory_id == factory_id)).mappings()}
    meter_rows = conn.execute(select(s.meters).where(s.meters.c.factory_id == factory_id)).mappings().all()
    meter_code = {int(r["id"]): str(r["code"]) for r in meter_rows}
    meters = {str(r["code"]): {**{k: v for k, v in r.items() if k not in ("id", "factory_id", "node_id")},
                               "node": node_code.get(r["node_id"]) if r["node_id"] is not None else None}
              for r in meter_rows}
    events = {f"{meter_code[int(r['meter_id'])]}@{r['ts']}:{r['kind']}":
              {k: v for k, v in r.items() if k not in ("id", "meter_id")}
              for r in conn.execute(select(s.meter_events).join(s.meters, s.meters.c.id == s.meter_events.c.meter_id)
                                    .where(s.meters.c.factory_id == factory_id)).mappings()}
    product_rows = conn.execute(select(s.products).where(s.products.c.factory_id == factory_id)).mappings().all()
    product_code = {int(r["id"]): str(r["code"]) for r in product_rows}
    products = {str(r["code"]): {k: v for k, v in r.items() if k not in ("id", "factory_id")} for r in product_rows}
    output = select(s.production).join(s.products, s.products.c.id == s.production.c.product_id)
    production = {f"{product_code[int(r['product_id'])]}@{r['period_start']}":
                  {k: v for k, v in r.items() if k != "product_id"}
                  for r in conn.execute(output.where(s.products.c.factory_id == factory_id)).mappings()}
    # Through canonical JSON and back, so that Decimal('1.000000') from one driver and another compare equal
    # to what they mean, and the snapshot is plain data.
    parts = {"nodes": nodes, "meters": meters, "events": events, "products": products, "production": production}
    return {"factory": None if fac is None else dict(fac), **json.loads(canonical_json(_normalise(parts)))}


def _normalise(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    return value


def setup_change(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(before, after) of an audit entry for a factory save, or None when the save changed nothing.

    ``before``/``after`` hold the factory row and the number of nodes, meters, events, products and
    production records; ``after`` also lists the keys added, changed and removed of each.
    """
    changes: dict[str, dict[str, list[str]]] = {}
    for part in _SETUP_PARTS:
        old, new = before[part], after[part]
        diff = {"added": sorted(set(new) - set(old)), "removed": sorted(set(old) - set(new)),
                "changed": sorted(k for k in set(old) & set(new) if old[k] != new[k])}
        if any(diff.values()):
            changes[part] = diff
    if not changes and before["factory"] == after["factory"]:
        return None
    return ({"factory": before["factory"], "counts": {p: len(before[p]) for p in _SETUP_PARTS}},
            {"factory": after["factory"], "counts": {p: len(after[p]) for p in _SETUP_PARTS}, "changes": changes})


def latest_entry(conn: Connection, entity: str, entity_id: str | int) -> AuditEntry | None:
    """The newest entry about one entity (e.g. the ``inventory.signoff`` entry of a sign-off)."""
    row = conn.execute(select(*_COLUMNS).where(s.audit_log.c.entity == entity,
                                               s.audit_log.c.entity_id == str(entity_id))
                       .order_by(s.audit_log.c.id.desc()).limit(1)).first()
    return None if row is None else _entry(row)


def count(url: str | None = None) -> int:
    with transaction(url) as conn:
        return int(conn.execute(select(func.count()).select_from(s.audit_log)).scalar_one())


#: Entities whose entries never change a figure (users, logins, refresh tokens, API keys): left out of
#: :func:`data_version`, so that a login does not make every cached figure be computed again.
IDENTITY_ENTITIES = ("user", "api_key")
#: While a batch of readings is being written, cached figures live at most this long [s].
RUNNING_BATCH_TTL_S = 5


def data_version(url: str | None = None) -> tuple[int, ...]:
    """A fingerprint of the data figures depend on, for caches; it changes whenever such data is written.

    Every write that can change a figure appends an entry to this chain in its own transaction: a
    factory set-up that changed (factory, nodes, meters, meter events, products, production:
    ``factory.save``), a batch of readings opened and closed (``readings.batch_open``,
    ``readings.ingest``; its readings and rejected records are written inside it), a correction
    (``reading.correct``), dead letters (``mqtt.dead_letter``), a declared activity file
    (``declared.upload``), a sign-off (``inventory.signoff``). So the version is the id of the newest entry not about
    identity (:data:`IDENTITY_ENTITIES`), and a new kind of data gets cache invalidation by being
    audited, with no list of tables to keep.

    One exception, by design: the readings of a batch still being written (status ``running``) are
    audited once, when it closes, never one entry per reading. While any batch runs, the version
    also carries the current :data:`RUNNING_BATCH_TTL_S`-second period, so figures over it are
    recomputed at most that often.

    Returns
    -------
    tuple of int
        ``(id of the newest data entry or 0,)``, plus the period number while a batch runs.
    """
    a, b = s.audit_log, s.batches
    with transaction(url) as conn:
        head_id = conn.execute(select(a.c.id).where(a.c.entity.notin_(IDENTITY_ENTITIES))
                               .order_by(a.c.id.desc()).limit(1)).scalar()
        running = conn.execute(select(b.c.id).where(b.c.status == "running").limit(1)).first() is not None
    version: tuple[int, ...] = (int(head_id or 0),)
    if running:
        version = (*version, int(time.time() // RUNNING_BATCH_TTL_S))
    return version
