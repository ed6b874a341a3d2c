"""Use cases of meter gateways' API keys: create, list, revoke, authenticate.

An API key ``zc_<prefix>_<secret>`` carries 256 random bits in its secret; it is stored as the
SHA-256 of the whole key (a slow hash adds nothing against guessing 256 random bits, and a
gateway's every push checks it), compared in constant time. A key may only push readings to its
own factory (scope ``readings:write``). Creating and revoking a key appends an entry to the audit
chain in the same transaction; the secret never enters the audit log.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from zerocarbon.errors import InputError
from zerocarbon.store import audit
from zerocarbon.store import identity as repo
from zerocarbon.store.db import transaction

__all__ = [
    "API_KEY_PATTERN", "API_KEY_SCOPE", "ApiKey", "api_key_prefix", "authenticate_api_key", "create_api_key",
    "get_api_key", "list_api_keys", "revoke_api_key",
]

API_KEY_PATTERN = re.compile(r"^zc_([0-9a-f]{12})_([A-Za-z0-9_\-]{43})$")
API_KEY_SCOPE = "readings:write"


@dataclass(frozen=True)
class ApiKey:
    """A gateway's key (its secret is shown once, at creation, and stored only hashed)."""

    id: int
    prefix: str
    factory_id: str
    scope: str
    name: str
    created_by: int | None
    created_at: int            # [s since epoch, UTC]
    revoked_at: int | None     # [s since epoch, UTC]

    @property
    def actor(self) -> str:
        """Who the audit chain names for writes made with this key."""
        return f"apikey:{self.prefix}"


def _key_hash(key: str) -> str:
    return "sha256$" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def api_key_prefix(key: str) -> str | None:
    """The prefix of a key ``zc_<prefix>_<secret>``, or None when the text is not shaped like a key."""
    match = API_KEY_PATTERN.match(key or "")
    return match.group(1) if match else None


def _api_key(row: Any) -> ApiKey:
    return ApiKey(int(row["id"]), str(row["prefix"]), str(row["factory_id"]), str(row["scope"]), str(row["name"] or ""),
                  None if row["created_by"] is None else int(row["created_by"]), int(row["created_at"]),
                  None if row["revoked_at"] is None else int(row["revoked_at"]))


def create_api_key(factory_id: str, name: str = "", created_by: int | None = None, url: str | None = None) -> str:
    """Create a key for a meter gateway of ``factory_id``; returns the key ``zc_<prefix>_<secret>``.

    The key may only push readings to that factory (scope ``readings:write``). Its secret is
    returned here once and stored only hashed: keep it; a lost key is revoked and replaced.
    """
    with transaction(url) as conn:
        if not repo.factory_exists(conn, factory_id):
            raise InputError(f"未知工厂 “{factory_id}”", f"unknown factory '{factory_id}'", field="factory_id")
        for _ in range(5):
            prefix = secrets.token_hex(6)
            if not repo.api_key_prefix_taken(conn, prefix):
                break
        else:  # pragma: no cover - 48 random bits colliding five times
            raise RuntimeError("could not draw an unused API key prefix")
        secret = secrets.token_urlsafe(32)
        key = f"zc_{prefix}_{secret}"
        assert api_key_prefix(key) == prefix
        now = int(time.time())
        key_id = repo.insert_api_key(conn, prefix=prefix, key_hash=_key_hash(key), factory_id=factory_id,
                                     scope=API_KEY_SCOPE, name=name, created_by=created_by, created_at=now)
        audit.record(conn, "apikey.create", "api_key", key_id, factory_id,
                     after={"prefix": prefix, "factory_id": factory_id, "scope": API_KEY_SCOPE, "name": name,
                            "created_by": created_by})
    return key


def get_api_key(prefix: str, url: str | None = None) -> ApiKey | None:
    with transaction(url) as conn:
        row = repo.api_key_by_prefix(conn, prefix)
    return None if row is None else _api_key(row)


def list_api_keys(factory_id: str, url: str | None = None, include_revoked: bool = True) -> list[ApiKey]:
    """The keys of a factory, newest first (prefixes and names; never secrets)."""
    with transaction(url) as conn:
        return [_api_key(r) for r in repo.api_keys_of_factory(conn, factory_id, include_revoked)]


def revoke_api_key(prefix: str, url: str | None = None, factory_id: str | None = None) -> ApiKey:
    """Revoke a key by its prefix (idempotent); with ``factory_id`` only a key of that factory.

    Raises
    ------
    InputError
        No such key (of that factory).
    """
    with transaction(url) as conn:
        row = repo.api_key_by_prefix(conn, prefix, factory_id)
        if row is None:
            raise InputError(f"没有前缀为 {prefix} 的 API 密钥", f"no API key with prefix {prefix}", field="prefix")
        if row["revoked_at"] is None:
            now = int(time.time())
            repo.revoke_api_key(conn, int(row["id"]), now)
            audit.record(conn, "apikey.revoke", "api_key", int(row["id"]), str(row["factory_id"]),
                         before={"prefix": prefix, "revoked_at": None}, after={"prefix": prefix, "revoked_at": now})
        return _api_key(repo.api_key_by_id(conn, int(row["id"])))


def authenticate_api_key(key: str, url: str | None = None) -> ApiKey | None:
    """The live key matching ``key``, or None (unknown, malformed, wrong secret or revoked)."""
    prefix = api_key_prefix(key)
    if prefix is None:
        return None
    with transaction(url) as conn:
        row = repo.api_key_by_prefix(conn, prefix)
    if row is None or not hmac.compare_digest(str(row["key_hash"]), _key_hash(key)) or row["revoked_at"] is not None:
        return None
    return _api_key(row)
