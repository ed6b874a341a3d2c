"""Repository of sign-offs: a verifier's signature over the digests of an inventory (table ``signoffs``).

The writes take the caller's connection, so that the sign-off row, the check of the signer and the
audit entry (:func:`zerocarbon.store.audit.record`) share one transaction
(:func:`zerocarbon.services.inventory.signoff.sign_off`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select

from zerocarbon.store import schema as s
from zerocarbon.store.db import transaction


def signer(conn: Connection, user_id: int) -> tuple[str, str, bool] | None:
    """(username, role, active) of the user ``user_id``, or None when there is no such user."""
    u = s.users
    row = conn.execute(select(u.c.username, u.c.role, u.c.active).where(u.c.id == user_id)).first()
    return None if row is None else (str(row[0]), str(row[1]), bool(row[2]))


def insert_signoff(conn: Connection, *, factory_id: str, period: str, digest: str, inputs_digest: str,
                   signed_by: int | None, signed_at: int, note: str) -> int:
    """Append a sign-off row; returns its id.

    Parameters
    ----------
    period : str
        ``YYYY`` or ``YYYY-MM``.
    digest, inputs_digest : str
        sha256 (hex) of the results and of the inputs.
    signed_by : int or None
        ``users.id`` of the signer.
    signed_at : int
        When [s since epoch, UTC].
    """
    result = conn.execute(insert(s.signoffs).values(factory_id=factory_id, period=period, digest=digest,
                                                    inputs_digest=inputs_digest, signed_by=signed_by,
                                                    signed_at=signed_at, note=note))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def signoff_row(signoff_id: int, url: str | None = None) -> tuple[Any, ...] | None:
    """(id, factory_id, period, digest, inputs_digest, signed_by, signer's username, signed_at, note), or None."""
    so, u = s.signoffs, s.users
    with transaction(url) as conn:
        row = conn.execute(select(so.c.id, so.c.factory_id, so.c.period, so.c.digest, so.c.inputs_digest,
                                  so.c.signed_by, u.c.username, so.c.signed_at, so.c.note)
                           .select_from(so.outerjoin(u, u.c.id == so.c.signed_by))
                           .where(so.c.id == signoff_id)).first()
    return None if row is None else tuple(row)


def signoff_list(factory_id: str, url: str | None = None, period: str | None = None) -> list[dict[str, Any]]:
    """The factory's sign-offs as stored (only of ``period`` if given), newest first."""
    g = s.signoffs
    stmt = select(g).where(g.c.factory_id == factory_id).order_by(g.c.id.desc())
    if period is not None:
        stmt = stmt.where(g.c.period == period)
    with transaction(url) as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]
