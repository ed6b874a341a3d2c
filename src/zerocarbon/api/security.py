"""Tokens: short-lived JWT access tokens and rotating refresh tokens (HS256, signed with the settings' secret).

Access token claims: ``sub`` (user id as text), ``role``, ``type`` = ``access``, ``iat``, ``exp``,
``iss`` = ``zerocarbon``. Refresh token claims: ``sub``, ``type`` = ``refresh``, ``jti`` (its row in
``refresh_tokens``), ``iat``, ``exp``, ``iss``. The role in an access token is informational: each
request reads the user's current role and factories from the store, so a change takes effect at
once; a deactivated user's access tokens stop working at the next request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal

import jwt

from zerocarbon.api.settings import Settings
from zerocarbon.services.identity import tokens, users

ALGORITHM = "HS256"
ISSUER = "zerocarbon"
LEEWAY_SECONDS = 5


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    expires_in: int           # [s]
    refresh_token: str
    refresh_expires_in: int   # [s]


def _encode(claims: dict[str, Any], settings: Settings) -> str:
    return jwt.encode({**claims, "iss": ISSUER}, settings.secret_key, algorithm=ALGORITHM)


def create_access_token(user: users.User, settings: Settings, now: int | None = None,
                        minutes: int | None = None) -> str:
    """An access token for ``user`` valid ``minutes`` (default: the settings')."""
    t = int(time.time()) if now is None else now
    life = (settings.access_token_minutes if minutes is None else minutes) * 60
    return _encode({"sub": str(user.id), "role": user.role, "type": "access", "iat": t, "exp": t + life}, settings)


def _refresh_token(user_id: int, jti: str, now: int, expires_at: int, settings: Settings) -> str:
    return _encode({"sub": str(user_id), "type": "refresh", "jti": jti, "iat": now, "exp": expires_at}, settings)


def issue_tokens(user: users.User, settings: Settings, url: str) -> TokenPair:
    """A new access token and a new refresh token (recorded in the store) for ``user``."""
    now = int(time.time())
    expires_at = now + settings.refresh_token_days * 86_400
    jti = tokens.issue_refresh_token(user.id, expires_at, url)
    return TokenPair(create_access_token(user, settings, now), settings.access_token_minutes * 60,
                     _refresh_token(user.id, jti, now, expires_at, settings), expires_at - now)


class TokenError(Exception):
    """A token that is not accepted; ``reason`` is ``expired`` or ``invalid``."""

    def __init__(self, reason: Literal["expired", "invalid"]) -> None:
        super().__init__(reason)
        self.reason = reason


def decode(token: str, kind: Literal["access", "refresh"], settings: Settings) -> dict[str, Any]:
    """The claims of a valid token of ``kind``; raises :class:`TokenError`."""
    try:
        claims: dict[str, Any] = jwt.decode(token, settings.secret_key, algorithms=[ALGORITHM], issuer=ISSUER,
                                            leeway=LEEWAY_SECONDS,
                                            options={"require": ["exp", "iat", "sub", "iss"]})
    except jwt.ExpiredSignatureError:
        raise TokenError("expired") from None
    except jwt.PyJWTError:
        raise TokenError("invalid") from None
    if claims.get("type") != kind or not str(claims.get("sub", "")).isdigit():
        raise TokenError("invalid")
    if kind == "refresh" and not isinstance(claims.get("jti"), str):
        raise TokenError("invalid")
    return claims


def user_id_of(claims: dict[str, Any]) -> int:
    return int(str(claims["sub"]))


def rotate(refresh_token: str, settings: Settings, url: str,
           client_ip: str | None = None) -> tuple[users.User, TokenPair] | None:
    """Spend a refresh token and return the user with a new pair, or None when it is refused.

    See :func:`zerocarbon.services.identity.tokens.rotate_refresh_token` (a token spent twice revokes them
    all, and the audit chain records it with ``client_ip``).
    """
    try:
        claims = decode(refresh_token, "refresh", settings)
    except TokenError:
        return None
    uid = user_id_of(claims)
    user = users.get_user(uid, url)
    if user is None or not user.active:
        return None
    now = int(time.time())
    expires_at = now + settings.refresh_token_days * 86_400
    jti = tokens.rotate_refresh_token(str(claims["jti"]), uid, expires_at, url, client_ip)
    if jti is None:
        return None
    return user, TokenPair(create_access_token(user, settings, now), settings.access_token_minutes * 60,
                           _refresh_token(uid, jti, now, expires_at, settings), expires_at - now)


def revoke(refresh_token: str, settings: Settings, url: str) -> bool:
    """Revoke the refresh token (sign out); False when the token is not a valid refresh token."""
    try:
        claims = decode(refresh_token, "refresh", settings)
    except TokenError:
        return False
    return tokens.revoke_refresh_token(str(claims["jti"]), url)
