"""Use cases of the audit chain for the faces: verify it, read its newest entries, name its head.

The chain itself (what is hashed, how appends are serialised, how a break is diagnosed) is
:mod:`zerocarbon.store.audit`; writers append to it in their own transaction with
:func:`zerocarbon.store.audit.record`. The command line (``zerocarbon audit verify|log``) and the
API (``GET /api/v1/factories/{id}/audit``) read it through these functions.
"""

from __future__ import annotations

from zerocarbon.store import audit as chain
from zerocarbon.store.audit import AuditEntry, VerifyResult

__all__ = ["AuditEntry", "VerifyResult", "entries", "head", "verify"]


def verify(url: str | None = None, *, anchor: str | None = None) -> VerifyResult:
    """Recompute the whole chain, oldest first, and report the first entry that does not fit.

    Parameters
    ----------
    url : str, optional
        The store (default: ``ZEROCARBON_DATABASE_URL`` or the embedded file).
    anchor : str, optional
        A head hash kept earlier (hex sha256): the chain must still contain that entry, which shows
        that nothing was cut off its end.

    Returns
    -------
    VerifyResult
        ``ok``, the number of entries checked, the first bad entry and why, and the head hash of an
        intact chain (the anchor to keep outside the store).
    """
    return chain.verify(url, anchor=anchor)


def entries(url: str | None = None, *, factory_id: str | None = None, limit: int = 50, action: str | None = None,
            after_id: int | None = None) -> list[AuditEntry]:
    """The newest ``limit`` entries, newest first, optionally of one factory, one action, or after an id.

    Parameters
    ----------
    factory_id : str, optional
        Only the entries about this factory.
    limit : int
        At most this many entries.
    action : str, optional
        Only this action (``reading.correct``, ``auth.login`` …).
    after_id : int, optional
        Only entries with a larger id (newer ones).
    """
    return chain.entries(url, factory_id=factory_id, limit=limit, action=action, after_id=after_id)


def head(url: str | None = None) -> AuditEntry | None:
    """The newest entry (its hash is the anchor to keep outside the store), or None for an empty log."""
    return chain.head(url)
