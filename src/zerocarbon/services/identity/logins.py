"""Sign-in with a password: throttled per user name and per client address, and audited.

Throttling
----------
Failed attempts are counted in the store (table ``login_failures``), so that every worker process
of the server sees the same counts. Once a user name has ``per_user`` failures within the last
``window`` seconds, or a client address ``per_ip``, further attempts are refused without checking
the password until the oldest of those failures is older than the window (a sliding window);
refused attempts are not counted. A successful sign-in clears the user name's failures (those
recorded up to it), not the address's: one good account must not reopen an address that guesses
at others. The name is counted as typed, whether such a user exists or not, so the limit says
nothing about which names exist.

An attempt takes its place in the count *before* its password is checked (and gives it back on
success), inside a transaction that holds the table's lock: concurrent attempts in several
processes cannot all slip under the limit while their passwords are being checked. A process that
dies in between leaves a failure behind, which is the safe side.

Audit
-----
Every attempt appends ``auth.login`` to the audit chain with ``after`` = ``{"username", "ip",
"outcome"}`` (``success`` | ``failure`` | ``throttled``; a refused attempt adds ``limits`` and
``retry_after``): the name as typed (at most :data:`MAX_LOGGED_NAME` characters), never the
password. A success is written as the signed-in user's; other attempts as the request's actor
(``anonymous`` in the API).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection

from zerocarbon.services.identity import users
from zerocarbon.store import audit
from zerocarbon.store import identity as repo
from zerocarbon.store.db import transaction

__all__ = ["MAX_LOGGED_NAME", "SignIn", "Throttle", "sign_in"]

#: The longest user name written to the audit chain [characters] (real names have at most 100).
MAX_LOGGED_NAME = 200
Scope = Literal["user", "ip"]
Outcome = Literal["success", "failure", "throttled"]


@dataclass(frozen=True)
class Throttle:
    """How many failed sign-ins are allowed within ``window`` [s]: per user name and per client address."""

    per_user: int = 5
    per_ip: int = 20
    window: int = 15 * 60   # [s]

    def limit(self, scope: Scope) -> int:
        return self.per_user if scope == "user" else self.per_ip


@dataclass(frozen=True)
class SignIn:
    """The outcome of an attempt: the user on success; when throttled, the limits hit and the wait [s]."""

    outcome: Outcome
    user: users.User | None = None
    retry_after: int = 0                # [s]
    limits: tuple[Scope, ...] = ()


def _subject(scope: Scope, value: str) -> str:
    """What a row counts: the sha256 of the name or address (fixed length; the names stay out of the table)."""
    return hashlib.sha256(f"{scope}:{value}".encode("utf-8", "surrogatepass")).hexdigest()


def _record(conn: Connection, outcome: Outcome, username: str, client_ip: str, at: int,
            user: users.User | None = None, **extra: Any) -> None:
    # Lone surrogates (which no UTF-8 text holds) become '?', so the entry can always be hashed and stored.
    shown = username[:MAX_LOGGED_NAME].encode("utf-8", "replace").decode("utf-8")
    after = {"username": shown, "ip": client_ip, "outcome": outcome, **extra}
    audit.record(conn, "auth.login", "user", "" if user is None else user.id, after=after, at=at,
                 actor=None if user is None else user.username)


def _plausible(username: str, password: str) -> bool:
    """Whether the pair can be a real one at all (no NUL, a password no longer than any stored)."""
    return "\x00" not in username and "\x00" not in password and len(password) <= users.MAX_PASSWORD_LENGTH


def sign_in(username: str, password: str, client_ip: str, throttle: Throttle, url: str | None = None,
            now: int | None = None) -> SignIn:
    """Check a user name and password under the throttle, and audit the attempt.

    Parameters
    ----------
    username, password : str
        As typed (the password is only checked, never stored or logged).
    client_ip : str
        The client's address, as the server sees it.
    throttle : Throttle
        The limits.
    now : int, optional
        The current time [s since epoch, UTC]; the clock by default.

    Returns
    -------
    SignIn
        ``success`` with the user; ``failure`` (wrong name or password, or an inactive user: one
        answer for all); ``throttled`` with the limits hit and ``retry_after`` [s].
    """
    t = int(time.time()) if now is None else int(now)
    cutoff = t - throttle.window
    subjects: dict[Scope, str] = {"user": _subject("user", username), "ip": _subject("ip", client_ip)}
    with transaction(url) as conn:
        # First in the transaction: holds the right to count until it ends (see the module docstring).
        repo.lock_login_failures(conn, cutoff)
        waits: dict[Scope, int] = {}
        for scope, subject in subjects.items():
            recent, limit = repo.recent_login_failures(conn, scope, subject, cutoff), throttle.limit(scope)
            if len(recent) >= limit:
                # Allowed again once all but limit - 1 of them have left the window.
                waits[scope] = max(1, recent[len(recent) - limit] + throttle.window - t)
        if waits:
            refused = SignIn("throttled", retry_after=max(waits.values()), limits=tuple(waits))
            _record(conn, "throttled", username, client_ip, t, limits=list(refused.limits),
                    retry_after=refused.retry_after)
            return refused
        held = {scope: repo.add_login_failure(conn, scope, subject, t) for scope, subject in subjects.items()}
    user = users.authenticate(username, password, url) if _plausible(username, password) else None
    with transaction(url) as conn:
        if user is None:
            _record(conn, "failure", username, client_ip, t)
            return SignIn("failure")
        # This attempt's own places, and the user name's earlier failures (not those of attempts after it).
        repo.release_login_failures(conn, held["ip"], subjects["user"], held["user"])
        _record(conn, "success", username, client_ip, t, user)
    return SignIn("success", user)

