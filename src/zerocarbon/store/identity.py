"""Repository of identity: users and their factories, API keys, refresh tokens, failed sign-ins.

Small named statements against :mod:`zerocarbon.store.schema`, each run inside the caller's
transaction (``conn``, opened with :func:`zerocarbon.store.db.transaction`): the services of
:mod:`zerocarbon.services.identity` hold the rules (password hashing, throttling, token rotation)
and the transaction boundaries, this module only reads and writes rows. Rows come back as
read-only mappings of column name to value. Times are integers [s since epoch, UTC].
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeAlias

from sqlalchemy import Connection, RowMapping, and_, delete, func, insert, or_, select, text, update

from zerocarbon.store import schema as s

__all__ = [
    "active_admins_besides", "add_login_failure", "api_key_by_id", "api_key_by_prefix", "api_key_prefix_taken",
    "api_keys_of_factory", "assign_factories", "factories_of", "factory_exists", "factory_ids", "factory_ids_in",
    "insert_api_key", "insert_refresh_token", "insert_user", "lock_login_failures", "purge_refresh_tokens",
    "recent_login_failures", "refresh_token", "release_login_failures", "revoke_api_key",
    "revoke_user_refresh_tokens", "set_password_hash", "spend_refresh_token", "unassign_factories", "update_user",
    "user_active", "user_by_id", "user_by_name", "user_id_by_name", "users_by_name",
]

#: A row as read: column name → value.
Row: TypeAlias = RowMapping


# ------------------------------------------------------------------------------------------ factories
def factory_exists(conn: Connection, factory_id: str) -> bool:
    """Whether a factory with this id was saved."""
    return conn.execute(select(s.factories.c.id).where(s.factories.c.id == factory_id)).first() is not None


def factory_ids(conn: Connection) -> list[str]:
    """The ids of every factory."""
    return [str(f) for f in conn.execute(select(s.factories.c.id)).scalars()]


def factory_ids_in(conn: Connection, province: str | None) -> list[str]:
    """The ids of the factories of one ``province`` (as spelt in their set-up)."""
    return [str(f) for f in conn.execute(select(s.factories.c.id).where(s.factories.c.province == province)).scalars()]


# ----------------------------------------------------------------------------------------------- users
def user_by_id(conn: Connection, user_id: int) -> Row | None:
    """The ``users`` row with this id (password hash included), or None."""
    return conn.execute(select(s.users).where(s.users.c.id == user_id)).mappings().first()


def user_by_name(conn: Connection, username: str) -> Row | None:
    """The ``users`` row with this name (password hash included), or None."""
    return conn.execute(select(s.users).where(s.users.c.username == username)).mappings().first()


def user_id_by_name(conn: Connection, username: str) -> int | None:
    """The id of the user with this name, or None."""
    found = conn.execute(select(s.users.c.id).where(s.users.c.username == username)).scalar_one_or_none()
    return None if found is None else int(found)


def users_by_name(conn: Connection) -> list[Row]:
    """Every ``users`` row, ordered by name."""
    return list(conn.execute(select(s.users).order_by(s.users.c.username)).mappings().all())


def user_active(conn: Connection, user_id: int) -> bool | None:
    """Whether the user is active; None when there is no such user."""
    found = conn.execute(select(s.users.c.active).where(s.users.c.id == user_id)).scalar_one_or_none()
    return None if found is None else bool(found)


def factories_of(conn: Connection, user_id: int) -> tuple[str, ...]:
    """The factories assigned to a user, sorted."""
    return tuple(sorted(str(f) for f in conn.execute(
        select(s.user_factories.c.factory_id).where(s.user_factories.c.user_id == user_id)).scalars()))


def insert_user(conn: Connection, *, username: str, display_name: str, password_hash: str, role: str,
                region: str | None, active: bool, created_at: int) -> int:
    """Insert a user; returns its id (a name already taken raises the driver's IntegrityError)."""
    result = conn.execute(insert(s.users).values(
        username=username, display_name=display_name, password_hash=password_hash, role=role, region=region,
        active=active, created_at=created_at))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def update_user(conn: Connection, user_id: int, values: Mapping[str, Any]) -> None:
    """Set columns of a user (``role``, ``region``, ``active``, ``display_name`` …)."""
    conn.execute(update(s.users).where(s.users.c.id == user_id).values(**values))


def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    """Replace the stored password hash of a user."""
    update_user(conn, user_id, {"password_hash": password_hash})


def active_admins_besides(conn: Connection, user_id: int) -> int:
    """How many active admins there are other than ``user_id``."""
    return int(conn.execute(select(func.count()).select_from(s.users).where(
        s.users.c.role == "admin", s.users.c.active.is_(True), s.users.c.id != user_id)).scalar_one())


def assign_factories(conn: Connection, user_id: int, factory_ids: Iterable[str]) -> None:
    """Give a user these factories (none of them may be assigned to it already)."""
    rows = [{"user_id": user_id, "factory_id": f} for f in factory_ids]
    if rows:
        conn.execute(insert(s.user_factories), rows)


def unassign_factories(conn: Connection, user_id: int, factory_id: str | None = None) -> None:
    """Take one factory (or, without ``factory_id``, every factory) away from a user."""
    where = [s.user_factories.c.user_id == user_id]
    if factory_id is not None:
        where.append(s.user_factories.c.factory_id == factory_id)
    conn.execute(delete(s.user_factories).where(*where))


# -------------------------------------------------------------------------------------------- API keys
def api_key_prefix_taken(conn: Connection, prefix: str) -> bool:
    """Whether a key (live or revoked) already has this prefix."""
    return conn.execute(select(s.api_keys.c.id).where(s.api_keys.c.prefix == prefix)).first() is not None


def insert_api_key(conn: Connection, *, prefix: str, key_hash: str, factory_id: str, scope: str, name: str,
                   created_by: int | None, created_at: int) -> int:
    """Insert a key (its hash only); returns its id."""
    result = conn.execute(insert(s.api_keys).values(
        prefix=prefix, key_hash=key_hash, factory_id=factory_id, scope=scope, name=name, created_by=created_by,
        created_at=created_at))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def api_key_by_prefix(conn: Connection, prefix: str, factory_id: str | None = None) -> Row | None:
    """The ``api_keys`` row with this prefix (of ``factory_id``, when given), or None."""
    stmt = select(s.api_keys).where(s.api_keys.c.prefix == prefix)
    if factory_id is not None:
        stmt = stmt.where(s.api_keys.c.factory_id == factory_id)
    return conn.execute(stmt).mappings().first()


def api_key_by_id(conn: Connection, key_id: int) -> Row:
    """The ``api_keys`` row with this id (it must exist)."""
    return conn.execute(select(s.api_keys).where(s.api_keys.c.id == key_id)).mappings().one()


def api_keys_of_factory(conn: Connection, factory_id: str, include_revoked: bool = True) -> list[Row]:
    """The ``api_keys`` rows of a factory, newest first."""
    stmt = select(s.api_keys).where(s.api_keys.c.factory_id == factory_id).order_by(s.api_keys.c.id.desc())
    if not include_revoked:
        stmt = stmt.where(s.api_keys.c.revoked_at.is_(None))
    return list(conn.execute(stmt).mappings())


def revoke_api_key(conn: Connection, key_id: int, at: int) -> None:
    """Mark a key revoked at ``at``."""
    conn.execute(update(s.api_keys).where(s.api_keys.c.id == key_id).values(revoked_at=at))


# -------------------------------------------------------------------------------------- refresh tokens
def insert_refresh_token(conn: Connection, jti: str, user_id: int, expires_at: int) -> None:
    """Record a live refresh token."""
    conn.execute(insert(s.refresh_tokens).values(jti=jti, user_id=user_id, expires_at=expires_at))


def refresh_token(conn: Connection, jti: str) -> Row | None:
    """The ``refresh_tokens`` row named ``jti``, or None."""
    return conn.execute(select(s.refresh_tokens).where(s.refresh_tokens.c.jti == jti)).mappings().first()


def spend_refresh_token(conn: Connection, jti: str, at: int) -> int:
    """Revoke the token ``jti`` if it is still live; returns 1 if this call revoked it, else 0."""
    return int(conn.execute(update(s.refresh_tokens).where(s.refresh_tokens.c.jti == jti,
                                                           s.refresh_tokens.c.revoked_at.is_(None))
                            .values(revoked_at=at)).rowcount)


def revoke_user_refresh_tokens(conn: Connection, user_id: int, at: int) -> int:
    """Revoke every live refresh token of a user; returns how many."""
    return int(conn.execute(update(s.refresh_tokens).where(s.refresh_tokens.c.user_id == user_id,
                                                           s.refresh_tokens.c.revoked_at.is_(None))
                            .values(revoked_at=at)).rowcount)


def purge_refresh_tokens(conn: Connection, cutoff: int) -> int:
    """Delete the refresh tokens expired at ``cutoff``; returns how many."""
    n = conn.execute(select(func.count()).select_from(s.refresh_tokens)
                     .where(s.refresh_tokens.c.expires_at <= cutoff)).scalar_one()
    conn.execute(delete(s.refresh_tokens).where(s.refresh_tokens.c.expires_at <= cutoff))
    return int(n)


# ------------------------------------------------------------------------------------ failed sign-ins
def lock_login_failures(conn: Connection, cutoff: int) -> None:
    """Hold the right to count and record failures until the transaction ends; drop those up to ``cutoff``.

    PostgreSQL: a table lock that conflicts with itself (plain reads still pass). SQLite: the purge
    is the transaction's first statement, a write, which takes the database's write lock. Call it
    first in the transaction.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("LOCK TABLE login_failures IN SHARE ROW EXCLUSIVE MODE"))
    conn.execute(delete(s.login_failures).where(s.login_failures.c.at <= cutoff))


def recent_login_failures(conn: Connection, scope: str, subject: str, cutoff: int) -> list[int]:
    """Times of the failures of one subject after ``cutoff``, oldest first."""
    fl = s.login_failures
    return [int(t) for t in conn.execute(select(fl.c.at).where(fl.c.scope == scope, fl.c.subject == subject,
                                                               fl.c.at > cutoff).order_by(fl.c.at)).scalars()]


def add_login_failure(conn: Connection, scope: str, subject: str, at: int) -> int:
    """Count one failure of a subject at ``at``; returns its row id."""
    result = conn.execute(insert(s.login_failures).values(scope=scope, subject=subject, at=at))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def release_login_failures(conn: Connection, ip_failure: int, user_subject: str, up_to: int) -> None:
    """Delete the failure row ``ip_failure`` and the ``user`` failures of ``user_subject`` with ids up to ``up_to``."""
    fl = s.login_failures
    mine = or_(fl.c.id == ip_failure, and_(fl.c.scope == "user", fl.c.subject == user_subject, fl.c.id <= up_to))
    conn.execute(delete(fl).where(mine))
