"""Use cases of people: users, passwords, roles, factory assignments.

The CLI (``zerocarbon user …``) and the API call these functions. Every change to users appends an
entry to the audit chain in the same transaction (:func:`zerocarbon.store.audit.record`, actor from
:data:`~zerocarbon.store.audit.current_actor`); password hashes never enter the audit log. Gateways'
API keys are in :mod:`zerocarbon.services.identity.api_keys`, refresh tokens in
:mod:`zerocarbon.services.identity.tokens`, sign-in with its throttling and audit in
:mod:`zerocarbon.services.identity.logins`.

Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile) and
re-hashed on sign-in when those parameters change.

Roles
-----
``admin`` everything; ``factory_manager`` and ``data_entry`` and ``verifier`` the factories assigned
to them (``user_factories``); ``authority`` the factories whose province is its ``region``. What
each role may do is the API's role matrix (:mod:`zerocarbon.api.roles`, ``docs/api.md``).
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, cast, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from zerocarbon.errors import InputError
from zerocarbon.services.identity import tokens
from zerocarbon.store import audit
from zerocarbon.store import identity as repo
from zerocarbon.store.db import transaction

__all__ = [
    "ROLES", "Role", "User", "assign_factory", "authenticate", "create_user", "get_user", "get_user_by_name",
    "hash_password", "list_users", "set_password", "unassign_factory", "update_user", "visible_factories",
]

Role = Literal["admin", "factory_manager", "data_entry", "verifier", "authority"]
ROLES: tuple[str, ...] = get_args(Role)
#: Roles that see the factories assigned to them (the others: all, or by region).
ASSIGNED_ROLES = ("factory_manager", "data_entry", "verifier")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
#: User names: no spaces, no control characters, no ':' (audit actors ``apikey:…``/``cli:…`` use it).
USERNAME_PATTERN = re.compile(r"^[^\s:\x00-\x1f\x7f]{1,100}$")

_hasher = PasswordHasher()
# Verified against when the user does not exist, so that a wrong name costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class User:
    """A person who signs in (never carries the password hash)."""

    id: int
    username: str
    display_name: str
    role: Role
    region: str | None
    active: bool
    created_at: int            # [s since epoch, UTC]
    factories: tuple[str, ...]  # assigned factories (roles factory_manager, data_entry, verifier)


# ------------------------------------------------------------------------------------------ helpers
def hash_password(password: str) -> str:
    """Argon2id hash of ``password`` (PHC string)."""
    return _hasher.hash(password)


def _check_password(password: str) -> None:
    if not isinstance(password, str) or not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise InputError(f"密码长度须为 {MIN_PASSWORD_LENGTH}–{MAX_PASSWORD_LENGTH} 个字符",
                         f"a password must have {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters",
                         field="password")
    if "\x00" in password:
        raise InputError("密码不能包含空字符", "a password cannot contain NUL characters", field="password")


def _check_role(role: str, region: str | None, factories: Iterable[str]) -> Role:
    if role not in ROLES:
        raise InputError(f"未知角色 “{role}”", f"unknown role '{role}'", field="role", expected=" | ".join(ROLES))
    if role == "authority" and not region:
        raise InputError("主管部门用户须指定所辖省份（region）", "an authority user needs a region (its province)",
                         field="region")
    if role != "authority" and region:
        raise InputError("只有主管部门用户有所辖省份（region）", "only authority users have a region", field="region")
    if role not in ASSIGNED_ROLES and list(factories):
        raise InputError(f"角色 {role} 不按工厂分配（管理员可见全部，主管部门按省份）",
                         f"role {role} is not assigned factories (admins see all, authorities their region)",
                         field="factories")
    return cast(Role, role)


def _factory_must_exist(conn: Connection, factory_id: str) -> None:
    if not repo.factory_exists(conn, factory_id):
        raise InputError(f"未知工厂 “{factory_id}”", f"unknown factory '{factory_id}'", field="factories",
                         expected="a factory saved first with its setup")


def _user(conn: Connection, row: Any) -> User:
    factories = repo.factories_of(conn, int(row["id"]))
    return User(int(row["id"]), str(row["username"]), str(row["display_name"] or ""), cast(Role, row["role"]),
                None if row["region"] is None else str(row["region"]), bool(row["active"]), int(row["created_at"]),
                factories)


def _user_state(user: User) -> dict[str, Any]:
    """What the audit chain records of a user (never the password hash)."""
    return {"username": user.username, "display_name": user.display_name, "role": user.role, "region": user.region,
            "active": user.active, "factories": list(user.factories)}


def _load(conn: Connection, user_id: int) -> User:
    row = repo.user_by_id(conn, user_id)
    if row is None:
        raise InputError(f"没有编号为 {user_id} 的用户", f"no user #{user_id}", field="user_id")
    return _user(conn, row)


def _user_id(conn: Connection, user: int | str) -> int:
    """The id of a user given by id or by name."""
    if isinstance(user, int):
        return _load(conn, user).id
    found = repo.user_id_by_name(conn, user)
    if found is None:
        raise InputError(f"没有用户 “{user}”", f"no user '{user}'", field="username")
    return int(found)


# --------------------------------------------------------------------------------------------- users
def create_user(username: str, password: str, role: str, region: str | None = None,
                factories: Iterable[str] = (), *, display_name: str = "", url: str | None = None) -> int:
    """Create a user; returns its id.

    Parameters
    ----------
    username : str
        Unique; no spaces, control characters or ':'; at most 100 characters.
    password : str
        8 to 1024 characters; stored as an Argon2id hash.
    role : str
        ``admin`` | ``factory_manager`` | ``data_entry`` | ``verifier`` | ``authority``.
    region : str, optional
        The province an ``authority`` user oversees (required for that role, refused for others),
        as spelt in the factories' ``province`` (e.g. ``江苏``).
    factories : iterable of str
        Factories assigned to a ``factory_manager``, ``data_entry`` or ``verifier``; they must exist.

    Raises
    ------
    InputError
        A bad name, password, role, region or factory, or a name already taken.
    """
    if not isinstance(username, str) or not USERNAME_PATTERN.match(username):
        raise InputError("用户名须为 1–100 个字符，不含空格、控制字符和冒号",
                         "a user name has 1 to 100 characters without spaces, control characters or ':'",
                         field="username")
    _check_password(password)
    wanted = sorted(set(factories))
    checked_role = _check_role(role, region, wanted)
    digest = hash_password(password)
    try:
        with transaction(url) as conn:
            if repo.user_id_by_name(conn, username) is not None:
                raise InputError(f"用户名 “{username}” 已存在", f"user name '{username}' is taken", field="username")
            for f in wanted:
                _factory_must_exist(conn, f)
            user_id = repo.insert_user(conn, username=username, display_name=display_name, password_hash=digest,
                                       role=checked_role, region=region, active=True, created_at=int(time.time()))
            repo.assign_factories(conn, user_id, wanted)
            audit.record(conn, "user.create", "user", user_id, after=_user_state(_load(conn, user_id)))
    except IntegrityError as exc:  # a concurrent creation of the same name
        raise InputError(f"用户名 “{username}” 已存在", f"user name '{username}' is taken", field="username") from exc
    return user_id


def get_user(user_id: int, url: str | None = None) -> User | None:
    """The user with this id, or None."""
    with transaction(url) as conn:
        row = repo.user_by_id(conn, user_id)
        return None if row is None else _user(conn, row)


def get_user_by_name(username: str, url: str | None = None) -> User | None:
    with transaction(url) as conn:
        row = repo.user_by_name(conn, username)
        return None if row is None else _user(conn, row)


def list_users(url: str | None = None) -> list[User]:
    """Every user, by name."""
    with transaction(url) as conn:
        rows = repo.users_by_name(conn)
        return [_user(conn, r) for r in rows]


_UNSET: Any = object()


def update_user(user: int | str, *, role: str | None = None, region: str | None = _UNSET,
                active: bool | None = None, display_name: str | None = None, url: str | None = None) -> User:
    """Change a user's role, region, active flag or display name; returns the user as it now is.

    Changing the role to one that is not assigned factories drops its assignments. Deactivating a
    user revokes its refresh tokens (its access tokens stop working at the next request). The last
    active admin can be neither demoted nor deactivated.
    """
    with transaction(url) as conn:
        uid = _user_id(conn, user)
        before = _load(conn, uid)
        new_role = role if role is not None else before.role
        new_region = before.region if region is _UNSET else region
        if role is not None and role != before.role and role != "authority" and region is _UNSET:
            new_region = None
        factories = before.factories if new_role in ASSIGNED_ROLES else ()
        _check_role(new_role, new_region, factories)
        if (before.role == "admin" and before.active and (new_role != "admin" or active is False)
                and not repo.active_admins_besides(conn, uid)):
            raise InputError("不能停用或降级最后一个管理员",
                             "the last active admin cannot be demoted or deactivated", field="role")
        values: dict[str, Any] = {"role": new_role, "region": new_region}
        if active is not None:
            values["active"] = active
        if display_name is not None:
            values["display_name"] = display_name
        repo.update_user(conn, uid, values)
        if new_role not in ASSIGNED_ROLES:
            repo.unassign_factories(conn, uid)
        if active is False:
            tokens.revoke_all(conn, uid)
        after = _load(conn, uid)
        if after != before:
            audit.record(conn, "user.update", "user", uid, before=_user_state(before), after=_user_state(after))
        return after


def set_password(user: int | str, password: str, url: str | None = None) -> None:
    """Replace a user's password; its refresh tokens are revoked (sign in again everywhere)."""
    _check_password(password)
    digest = hash_password(password)
    with transaction(url) as conn:
        uid = _user_id(conn, user)
        repo.set_password_hash(conn, uid, digest)
        tokens.revoke_all(conn, uid)
        audit.record(conn, "user.password", "user", uid, after={"changed": True})


def assign_factory(user: int | str, factory_id: str, url: str | None = None) -> User:
    """Give a factory_manager, data_entry or verifier user access to a factory (idempotent)."""
    with transaction(url) as conn:
        uid = _user_id(conn, user)
        before = _load(conn, uid)
        if before.role not in ASSIGNED_ROLES:
            raise InputError(f"角色 {before.role} 不按工厂分配", f"role {before.role} is not assigned factories",
                             field="role", expected=" | ".join(ASSIGNED_ROLES))
        _factory_must_exist(conn, factory_id)
        if factory_id not in before.factories:
            repo.assign_factories(conn, uid, [factory_id])
            audit.record(conn, "user.assign", "user", uid, factory_id, before=_user_state(before),
                         after=_user_state(_load(conn, uid)))
        return _load(conn, uid)


def unassign_factory(user: int | str, factory_id: str, url: str | None = None) -> User:
    """Take a factory away from a user (idempotent)."""
    with transaction(url) as conn:
        uid = _user_id(conn, user)
        before = _load(conn, uid)
        if factory_id in before.factories:
            repo.unassign_factories(conn, uid, factory_id)
            audit.record(conn, "user.unassign", "user", uid, factory_id, before=_user_state(before),
                         after=_user_state(_load(conn, uid)))
        return _load(conn, uid)


def authenticate(username: str, password: str, url: str | None = None) -> User | None:
    """The active user with this name and password, or None (same cost whether the name exists or not)."""
    with transaction(url) as conn:
        row = repo.user_by_name(conn, username)
        stored = str(row["password_hash"]) if row is not None else _DUMMY_HASH
        try:
            _hasher.verify(stored, password)
            ok = row is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if not ok or row is None or not row["active"]:
            return None
        if _hasher.check_needs_rehash(stored):
            repo.set_password_hash(conn, int(row["id"]), hash_password(password))
        return _user(conn, row)


def visible_factories(user: User, url: str | None = None) -> frozenset[str]:
    """The factories ``user`` may see: all (admin), its region's (authority), its assigned ones (others)."""
    if not user.active:
        return frozenset()
    if user.role in ASSIGNED_ROLES:
        return frozenset(user.factories)
    with transaction(url) as conn:
        found = repo.factory_ids_in(conn, user.region) if user.role == "authority" else repo.factory_ids(conn)
        return frozenset(found)
