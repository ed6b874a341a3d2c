"""A verifier's sign-off of an inventory, and the check that nothing it rests on has changed since.

A sign-off stores two digests of the inventory as the verifier saw it (table ``signoffs``, plus an
``inventory.signoff`` entry in the audit chain with the digest of every part of the inputs):

``digest`` — :func:`inventory_digest`, the *results*
    sha256 of the canonical JSON (:func:`zerocarbon.store.audit.canonical_json`) of
    :func:`results_document`: factory, data year and period, the calculation settings, the
    factor-library version, the totals, every line's id, period, amount, unit and emissions in
    each view with the factor rows (id, item, parameter, value, unit, origin, evidence) used, the
    intensities and the certificates applied. The Monte Carlo interval is left out: it is random
    and says nothing the lines do not.
``inputs_digest`` — :func:`inputs_digest`, the *inputs*
    sha256 of the canonical JSON of ``{part: sha256 of the part}`` (:func:`inputs_parts`): the
    factory record and settings, every activity line (canonical, all years of the input), the
    certificates, the production records and the factor-library version; for an inventory computed
    from the store's meters also the factory's meters and meter events, and the current readings of
    its real meters over the year (with the margins the interval computation reads) as
    :func:`zerocarbon.store.audit.readings_digest` of (meter_id, ts, value, flags), plus the
    revision of every corrected reading.

:func:`check_signoff` recomputes both for a new run and says whether the results, the inputs, or
both have changed, which parts of the inputs, which totals, and which audit entries of the factory
were written since the sign-off. A reading correction shows as a changed input (``readings``), and,
where it moves a monthly amount, as changed results.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from zerocarbon.errors import InputError
from zerocarbon.model.period import Period
from zerocarbon.services.inventory.runs import InventoryRun, run_store_inventory
from zerocarbon.services.metering.year import load_factory_meters
from zerocarbon.store import audit
from zerocarbon.store import signoffs as repo
from zerocarbon.store.db import transaction
from zerocarbon.store.readings import corrected_revisions, read_current
from zerocarbon.timeseries.carbon import year_bounds
from zerocarbon.timeseries.intervals import WEEK

SIGNOFF_ACTION = "inventory.signoff"
#: Roles that may sign off an inventory (the API's SIGN_OFF permission: verifiers, and admins).
SIGNING_ROLES = ("verifier", "admin")


# ------------------------------------------------------------------------------------------ results
def results_document(run: InventoryRun) -> dict[str, Any]:
    """What :func:`inventory_digest` hashes (see the module docstring)."""
    inv = run.inventory
    lines = []
    for r in sorted(inv.lines, key=lambda r: r.line.id):
        lines.append({
            "id": r.line.id, "period": r.line.period, "amount": str(r.line.amount), "unit": r.line.unit,
            "category": r.line.category.value, "item": r.line.item,
            "emissions": {view: str(fig.emissions) for view, fig in sorted(r.figures.items())},
            "factors": {view: [{"factor_id": f.row.factor_id if f.row else None, "item": f.item,
                                "parameter": f.parameter, "value": str(f.value), "unit": f.unit,
                                "origin": f.origin, "evidence": f.evidence} for f in fig.factors]
                        for view, fig in sorted(r.figures.items())},
        })
    return {
        "factory_id": inv.factory_id, "year": inv.year, "period": str(inv.settings.get("period", inv.year)),
        "settings": inv.settings, "factor_library_version": inv.factor_library_version,
        "unit": "tCO2e", "totals": inv.totals.to_dict(), "lines": lines,
        "intensities": [{"product": i.product, "output": str(i.output), "unit": i.unit,
                         "emissions": str(i.emissions),
                         "intensity": None if i.intensity is None else str(i.intensity)} for i in inv.intensities],
        "certificates_applied": inv.certificates_applied,
    }


def inventory_digest(run: InventoryRun) -> str:
    """sha256 (hex) of the canonical JSON of the inventory's results (:func:`results_document`)."""
    return audit.sha256_hex(audit.canonical_json(results_document(run)))


# ------------------------------------------------------------------------------------------- inputs
def is_store_based(run: InventoryRun) -> bool:
    """Whether some of the run's activity lines were computed from the store's meters."""
    return any(str(loc.get("file") or "").startswith("store:") for loc in run.loaded.locations.values())


def _meter_parts(factory_id: str, year: int, url: str | None) -> dict[str, Any]:
    """Meters, events and readings of the factory that a store inventory of ``year`` reads."""
    fm = load_factory_meters(factory_id, url)
    start, end = year_bounds(year, fm.timezone)
    steps = [int(x) for x in fm.meters["interval_seconds"].to_pylist() if x is not None] or [900]
    lo, hi = start - (WEEK + 86_400) - max(steps), end + 86_400 + max(steps)  # the widest metered_year reads
    real = fm.meters.filter(pc.invert(fm.meters["is_virtual"]))
    ids = sorted(int(i) for i in real["meter_id"].to_pylist())
    current: pa.Table = read_current(ids, lo, hi, url)
    revisions = corrected_revisions(ids, lo, hi, url)
    meters = sorted(fm.meters.to_pylist(), key=lambda m: int(m["meter_id"]))
    events = sorted(fm.events.to_pylist(), key=lambda e: (int(e["meter_id"]), int(e["ts"]), str(e["kind"])))
    return {
        "meters": {"meters": meters, "events": events},
        "readings": {"window": [lo, hi], "meter_ids": ids, "count": current.num_rows,
                     "sha256": audit.readings_digest(current), "corrected": revisions},
    }


def inputs_parts(run: InventoryRun, url: str | None = None) -> dict[str, str]:
    """sha256 of each part of the inputs (see the module docstring); ``url`` for store inventories."""
    data = run.data
    parts: dict[str, Any] = {
        "factory": data.factory.model_dump(mode="json"),
        "settings": data.settings.model_dump(mode="json"),
        "activity": [ln.model_dump(mode="json", exclude={"meters"})  # digests as before lines knew their meters
                     for ln in sorted(data.activity, key=lambda ln: ln.id)],
        "certificates": [c.model_dump(mode="json") for c in sorted(data.certificates, key=lambda c: c.serial)],
        "production": [p.model_dump(mode="json") for p in sorted(data.production, key=lambda p: (p.product, p.period))],
        "factor_library": run.inventory.factor_library_version,
    }
    if is_store_based(run):
        parts.update(_meter_parts(run.inventory.factory_id, run.year, url))
    return {name: audit.sha256_hex(audit.canonical_json(value)) for name, value in sorted(parts.items())}


def inputs_digest(run: InventoryRun, url: str | None = None, *, parts: dict[str, str] | None = None) -> str:
    """sha256 (hex) of the canonical JSON of :func:`inputs_parts` (pass ``parts`` if already computed)."""
    return audit.sha256_hex(audit.canonical_json(parts if parts is not None else inputs_parts(run, url)))


# --------------------------------------------------------------------------------------- sign-offs
@dataclass(frozen=True)
class Signoff:
    id: int
    factory_id: str
    period: str              # YYYY or YYYY-MM
    digest: str
    inputs_digest: str
    signed_by: int | None    # users.id
    signed_by_name: str | None
    signed_at: int           # [s since epoch, UTC]
    note: str


@dataclass(frozen=True)
class SignoffStatus:
    """Whether a signed-off inventory still stands; ``details`` says what changed (see :func:`check_signoff`)."""

    unchanged: bool
    results_changed: bool
    inputs_changed: bool
    details: dict[str, Any] = field(default_factory=dict)


def _period_of(run: InventoryRun) -> str:
    return str(run.inventory.settings.get("period") or run.year)


def _check_run(factory_id: str, period: str, run: InventoryRun) -> None:
    if run.inventory.factory_id != factory_id:
        raise InputError(f"盘查结果属于工厂 {run.inventory.factory_id}，不是 {factory_id}",
                         f"the inventory is of factory {run.inventory.factory_id}, not {factory_id}",
                         field="factory_id")
    if _period_of(run) != period:
        raise InputError(f"盘查结果的期间为 {_period_of(run)}，不是 {period}",
                         f"the inventory is of period {_period_of(run)}, not {period}", field="period")


def store_run(factory_id: str, period: str, url: str | None = None,
              declared: str | Path | None = None) -> InventoryRun:
    """The store inventory of ``period`` (YYYY or YYYY-MM) as ``zerocarbon inventory --factory`` computes
    it (linear gap filling), without Monte Carlo, which the digests leave out."""
    p = Period.parse(period)
    if p.month is None:
        return run_store_inventory(factory_id, p.year, url=url, declared=declared, mc_draws=0)
    return run_store_inventory(factory_id, url=url, declared=declared, month=period, mc_draws=0)


def sign_off(factory_id: str, period: str, run: InventoryRun | None, signed_by_user_id: int | None, note: str = "",
             url: str | None = None) -> int:
    """Record that a verifier signed off ``run`` (the inventory of ``factory_id`` for ``period``); returns its id.

    ``run`` None signs the store inventory of the period as :func:`store_run` computes it. Writes
    the ``signoffs`` row and an ``inventory.signoff`` audit entry (digests, the digest of each input
    part, totals) in one transaction.

    Raises
    ------
    InputError
        ``run`` is of another factory or period, or ``signed_by_user_id`` is not an active user
        with a role in :data:`SIGNING_ROLES`.
    """
    Period.parse(period)
    if run is None:
        run = store_run(factory_id, period, url)
    _check_run(factory_id, period, run)
    parts = inputs_parts(run, url)
    digest, in_digest = inventory_digest(run), inputs_digest(run, parts=parts)
    now = int(time.time())
    with transaction(url) as conn:
        if signed_by_user_id is not None:
            user = repo.signer(conn, signed_by_user_id)
            if user is None or not user[2] or user[1] not in SIGNING_ROLES:
                raise InputError("签字人必须是有效的核查员（或管理员）账户",
                                 f"the signer must be an active user with a role in {SIGNING_ROLES}",
                                 field="signed_by", details={"user_id": signed_by_user_id})
        signoff_id = repo.insert_signoff(conn, factory_id=factory_id, period=period, digest=digest,
                                         inputs_digest=in_digest, signed_by=signed_by_user_id, signed_at=now,
                                         note=note)
        audit.record(conn, SIGNOFF_ACTION, "signoff", signoff_id, factory_id, after={
            "signoff_id": signoff_id, "period": period, "digest": digest, "inputs_digest": in_digest,
            "inputs_parts": parts, "totals": run.inventory.totals.to_dict(), "signed_by": signed_by_user_id,
            "note": note, "store_based": is_store_based(run)}, at=now)
    return signoff_id


def get_signoff(signoff_id: int, url: str | None = None) -> Signoff:
    """The stored sign-off ``signoff_id``; InputError when there is none."""
    row = repo.signoff_row(signoff_id, url)
    if row is None:
        raise InputError(f"没有编号为 {signoff_id} 的签字记录", f"no sign-off with id {signoff_id}", field="signoff_id")
    return Signoff(int(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]),
                   None if row[5] is None else int(row[5]), None if row[6] is None else str(row[6]), int(row[7]),
                   str(row[8] or ""))


def check_signoff(signoff_id: int, run_now: InventoryRun, url: str | None = None) -> SignoffStatus:
    """Compare a sign-off with the inventory as it is computed now (``run_now``, same factory and period).

    ``details``: the sign-off; the signed and current digests; ``inputs_parts_changed`` (names of
    the input parts whose digest differs, from the sign-off's audit entry); ``totals_changed``
    (signed and current value of each total that moved); ``record_consistent`` (the ``signoffs``
    row still carries the digests its audit entry recorded; when it does not, the sign-off itself
    was edited and does not count as unchanged); ``changes_since`` (the factory's audit entries
    written after the sign-off, newest first, at most 50).
    """
    so = get_signoff(signoff_id, url)
    _check_run(so.factory_id, so.period, run_now)
    parts = inputs_parts(run_now, url)
    digest, in_digest = inventory_digest(run_now), inputs_digest(run_now, parts=parts)
    with transaction(url) as conn:
        entry = audit.latest_entry(conn, "signoff", signoff_id)
    signed: dict[str, Any] = {}
    if entry is not None and entry.action == SIGNOFF_ACTION and entry.after is not None:
        signed = entry.to_dict()["after"]
    consistent = bool(signed) and signed.get("digest") == so.digest and signed.get("inputs_digest") == so.inputs_digest
    results_changed, inputs_changed = digest != so.digest, in_digest != so.inputs_digest
    signed_parts: dict[str, str] = signed.get("inputs_parts") or {}
    now_totals = run_now.inventory.totals.to_dict()
    signed_totals: dict[str, str] = signed.get("totals") or {}
    since = [] if entry is None else audit.entries(url, factory_id=so.factory_id, after_id=entry.id, limit=50)
    details: dict[str, Any] = {
        "signoff": {"id": so.id, "factory_id": so.factory_id, "period": so.period, "signed_by": so.signed_by,
                    "signed_by_name": so.signed_by_name, "signed_at": so.signed_at, "note": so.note},
        "digest": {"signed": so.digest, "now": digest},
        "inputs_digest": {"signed": so.inputs_digest, "now": in_digest},
        "inputs_parts_changed": sorted(k for k in set(parts) | set(signed_parts)
                                       if parts.get(k) != signed_parts.get(k)) if signed_parts else None,
        "totals_changed": {k: {"signed": signed_totals.get(k), "now": v} for k, v in now_totals.items()
                           if signed_totals and signed_totals.get(k) != v},
        "record_consistent": consistent,
        "changes_since": [{"id": e.id, "at": e.at, "actor": e.actor, "action": e.action, "entity": e.entity,
                           "entity_id": e.entity_id} for e in since],
    }
    unchanged = not results_changed and not inputs_changed and consistent
    return SignoffStatus(unchanged, results_changed, inputs_changed, details)
