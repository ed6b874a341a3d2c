"""Use cases of refresh tokens: issue, rotate (single use, with reuse detection), revoke, purge.

A refresh token is a row of ``refresh_tokens`` named by its ``jti``; the signed JWT that carries
it is made by :mod:`zerocarbon.api.security`. Each token is spent by its rotation. A spent token
presented again means it was copied: every refresh token of the user is revoked and an
``auth.refresh_reuse`` entry is appended to the audit chain in the same transaction.
"""

from __future__ import annotations

import secrets
import time

from sqlalchemy import Connection

from zerocarbon.store import audit
from zerocarbon.store import identity as repo
from zerocarbon.store.db import transaction

__all__ = [
    "issue_refresh_token", "purge_refresh_tokens", "revoke_all", "revoke_refresh_token", "revoke_refresh_tokens",
    "rotate_refresh_token",
]


def issue_refresh_token(user_id: int, expires_at: int, url: str | None = None) -> str:
    """Record a new refresh token of ``user_id`` valid until ``expires_at`` [s, UTC]; returns its id (jti)."""
    jti = secrets.token_hex(16)
    with transaction(url) as conn:
        repo.insert_refresh_token(conn, jti, user_id, expires_at)
    return jti


def rotate_refresh_token(jti: str, user_id: int, new_expires_at: int, url: str | None = None,
                         client_ip: str | None = None) -> str | None:
    """Spend refresh token ``jti`` and issue its successor; returns the new jti, or None if refused.

    Refused: unknown, expired, of another user, of an inactive user, or already spent. A token
    spent a second time means it was copied: every refresh token of the user is then revoked, so
    whoever holds a copy (the thief or the user) has to sign in again, and the audit chain records
    ``auth.refresh_reuse`` with the user name, ``client_ip`` and how many tokens were revoked.
    """
    now = int(time.time())
    with transaction(url) as conn:
        row = repo.refresh_token(conn, jti)
        if row is None or int(row["user_id"]) != user_id:
            return None
        if row["revoked_at"] is not None:
            revoked = revoke_all(conn, user_id)
            found = repo.user_by_id(conn, user_id)
            username = None if found is None else found["username"]
            audit.record(conn, "auth.refresh_reuse", "user", user_id, at=now,
                         after={"username": username, "ip": client_ip, "outcome": "reuse", "revoked": revoked})
            return None
        active = repo.user_active(conn, user_id)
        if int(row["expires_at"]) <= now or not active:
            return None
        spent = repo.spend_refresh_token(conn, jti, now)
        if spent != 1:  # a concurrent rotation of the same token won
            return None
        new_jti = secrets.token_hex(16)
        repo.insert_refresh_token(conn, new_jti, user_id, new_expires_at)
    return new_jti


def revoke_refresh_token(jti: str, url: str | None = None) -> bool:
    """Revoke one refresh token (sign out); True if it was live."""
    with transaction(url) as conn:
        return bool(repo.spend_refresh_token(conn, jti, int(time.time())))


def revoke_all(conn: Connection, user_id: int) -> int:
    """Revoke every live refresh token of ``user_id`` inside the caller's transaction; returns how many."""
    return repo.revoke_user_refresh_tokens(conn, user_id, int(time.time()))


def revoke_refresh_tokens(user_id: int, url: str | None = None) -> int:
    """Revoke every live refresh token of a user (sign out everywhere); returns how many."""
    with transaction(url) as conn:
        return revoke_all(conn, user_id)


def purge_refresh_tokens(url: str | None = None, now: int | None = None) -> int:
    """Delete refresh tokens that expired; returns how many (housekeeping)."""
    cutoff = int(time.time()) if now is None else now
    with transaction(url) as conn:
        return repo.purge_refresh_tokens(conn, cutoff)
