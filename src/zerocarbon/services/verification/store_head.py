"""The store's audit-chain head: the digest that stands for every metered input of a report (readings,
corrections, meters, sign-offs: every write is a link of the chain, docs/audit.md)."""

from __future__ import annotations

from zerocarbon.store import audit


def audit_head(url: str | None = None, factory_id: str | None = None) -> str | None:
    """The hash of the newest audit entry of ``factory_id`` (of the whole store without it); None when empty."""
    found = audit.entries(url, factory_id=factory_id, limit=1)
    return found[0].hash if found else None
