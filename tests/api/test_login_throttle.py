"""Failed sign-ins are throttled per user name and per client address, in the store; every attempt is audited.

The clock of the token endpoint is the app's ``get_now`` dependency, set by each test; the limits
are the app's settings, replaced by each test where the defaults (5 per user, 20 per address,
15 minutes) would make it long.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from fastapi.testclient import TestClient
from tests.api.conftest import PASSWORD, World
from typer.testing import CliRunner

from zerocarbon.api.deps import get_now
from zerocarbon.api.settings import Settings, get_settings
from zerocarbon.cli.main import app as cli
from zerocarbon.services.identity import logins
from zerocarbon.store import audit

TOKEN = "/api/v1/auth/token"
T0 = 1_800_000_000  # 2027-01-15T08:00:00Z
WRONG = "wrong horse battery staple"
EN = {"Accept-Language": "en"}


@dataclass
class Gate:
    """The token endpoint of the world's app, at a time the test sets, from addresses it chooses."""

    world: World
    now: int = T0
    clients: dict[str, TestClient] = field(default_factory=dict)

    def limits(self, per_user: int = 5, per_ip: int = 20, minutes: int = 15) -> None:
        changed = self.world.settings.model_copy(update={
            "login_max_failures_per_user": per_user, "login_max_failures_per_ip": per_ip,
            "login_window_minutes": minutes})
        self.world.app.dependency_overrides[get_settings] = lambda: changed

    def login(self, username: str = "mgr", password: str = WRONG, ip: str = "testclient",
              headers: dict[str, str] | None = None) -> httpx.Response:
        client = self.clients.get(ip)
        if client is None:
            client = self.clients[ip] = TestClient(self.world.app, client=(ip, 50000))
        return client.post(TOKEN, data={"username": username, "password": password}, headers=headers or {})


@pytest.fixture
def gate(world: World) -> Iterator[Gate]:
    g = Gate(world)
    world.app.dependency_overrides[get_now] = lambda: g.now
    yield g
    for client in g.clients.values():
        client.close()


def _throttled(r: httpx.Response) -> dict[str, object]:
    assert r.status_code == 429, r.text
    error = dict(r.json()["error"])
    assert error["code"] == "auth.too_many_attempts"
    assert int(r.headers["retry-after"]) == error["details"]["retry_after"] > 0  # type: ignore[index]
    return error


def test_default_limits() -> None:
    s = Settings(_env_file=None)
    assert (s.login_max_failures_per_user, s.login_max_failures_per_ip, s.login_window_minutes) == (5, 20, 15)


def test_the_user_limit_kicks_in_exactly_at_the_limit(gate: Gate) -> None:
    for i in range(5):
        r = gate.login()
        assert r.status_code == 401 and r.json()["error"]["code"] == "auth.invalid_credentials", i
    # The sixth attempt is refused without looking at the password, even the right one …
    error = _throttled(gate.login(password=PASSWORD))
    assert gate.login(password=PASSWORD).headers["retry-after"] == str(15 * 60)
    assert error["details"] == {"limits": ["user"], "retry_after": 15 * 60}
    # … while other users of the same address still sign in.
    assert gate.login("clerk", PASSWORD).status_code == 200


def test_the_user_limit_counts_a_name_from_every_address(gate: Gate) -> None:
    for i in range(5):
        assert gate.login(ip=f"198.51.100.{i}").status_code == 401
    assert _throttled(gate.login(password=PASSWORD, ip="198.51.100.99"))["details"] == {
        "limits": ["user"], "retry_after": 900}


def test_the_address_limit(gate: Gate) -> None:
    gate.limits(per_user=5, per_ip=3)
    for name in ("mgr", "clerk", "nobody"):  # three names, one failure each: no name is near its own limit
        assert gate.login(name, ip="203.0.113.7").status_code == 401
    error = _throttled(gate.login("auditor", PASSWORD, ip="203.0.113.7"))
    assert error["details"] == {"limits": ["ip"], "retry_after": 900}
    # Another address is not affected, not even for the names that failed.
    assert gate.login("mgr", PASSWORD, ip="203.0.113.8").status_code == 200
    assert gate.login("auditor", PASSWORD, ip="203.0.113.8").status_code == 200
    # Both limits at once: the answer names both and waits for the later.
    gate.limits(per_user=1, per_ip=3)
    assert _throttled(gate.login("clerk", ip="203.0.113.7"))["details"] == {"limits": ["user", "ip"],
                                                                            "retry_after": 900}


def test_a_success_resets_the_user_count_but_not_the_address(gate: Gate) -> None:
    gate.limits(per_user=5, per_ip=10)
    for _ in range(4):
        assert gate.login().status_code == 401
    assert gate.login(password=PASSWORD).status_code == 200
    for i in range(5):  # a fresh count of five for the name …
        assert gate.login().status_code == 401, i
    _throttled(gate.login())
    # … but the address has 4 + 5 failures (the success is not one): one more, then it is refused too.
    assert gate.login("clerk").status_code == 401
    assert _throttled(gate.login("auditor", PASSWORD))["details"]["limits"] == ["ip"]  # type: ignore[index]


def test_the_window_slides(gate: Gate) -> None:
    for i in range(5):  # one failure a minute
        gate.now = T0 + 60 * i
        assert gate.login().status_code == 401
    gate.now = T0 + 300
    assert _throttled(gate.login(password=PASSWORD))["details"]["retry_after"] == 600  # type: ignore[index]
    gate.now = T0 + 899
    assert gate.login(password=PASSWORD).headers["retry-after"] == "1"
    # At T0 + 15 min the first failure leaves the window: one more attempt is allowed …
    gate.now = T0 + 900
    assert gate.login().status_code == 401
    # … and then the second failure (T0 + 60) is the one to wait for.
    assert _throttled(gate.login(password=PASSWORD))["details"]["retry_after"] == 60  # type: ignore[index]
    gate.now = T0 + 960
    assert gate.login(password=PASSWORD).status_code == 200


def test_the_refusal_in_both_languages(gate: Gate) -> None:
    gate.limits(per_user=1)
    gate.login()
    zh, en = gate.login(), gate.login(headers=EN)
    assert _throttled(zh)["code"] == _throttled(en)["code"]
    assert "登录失败次数过多" in zh.json()["error"]["message"] and "900" in zh.json()["error"]["message"]
    assert zh.headers["content-language"] == "zh-CN"
    assert en.json()["error"]["message"] == "too many failed sign-ins: try again in 900 seconds"
    assert en.headers["content-language"] == "en"


def test_every_attempt_is_audited_without_its_password(gate: Gate) -> None:
    gate.limits(per_user=2)
    before = audit.count(gate.world.url)
    assert gate.login(password=PASSWORD, ip="192.0.2.1").status_code == 200
    gate.now += 1
    gate.login(ip="192.0.2.2")
    gate.login("nobody\x00", "with a NUL\x00", ip="192.0.2.2")
    gate.login(ip="192.0.2.3")
    gate.now += 1
    _throttled(gate.login(password=PASSWORD, ip="192.0.2.4"))
    logged = list(reversed(audit.entries(gate.world.url, action="auth.login", limit=10)))
    assert audit.count(gate.world.url) - before == len(logged) == 5
    outcomes = [(e.at, e.actor, e.entity, e.entity_id, json.loads(str(e.after))) for e in logged]
    mgr = str(gate.world.users["factory_manager"].id)
    assert outcomes == [
        (T0, "mgr", "user", mgr, {"username": "mgr", "ip": "192.0.2.1", "outcome": "success"}),
        (T0 + 1, "anonymous", "user", "", {"username": "mgr", "ip": "192.0.2.2", "outcome": "failure"}),
        (T0 + 1, "anonymous", "user", "", {"username": "nobody\x00", "ip": "192.0.2.2", "outcome": "failure"}),
        (T0 + 1, "anonymous", "user", "", {"username": "mgr", "ip": "192.0.2.3", "outcome": "failure"}),
        (T0 + 2, "anonymous", "user", "", {"username": "mgr", "ip": "192.0.2.4", "outcome": "throttled",
                                           "limits": ["user"], "retry_after": 899}),
    ]
    everything = audit.entries(gate.world.url, limit=10**6)
    stored = " ".join(f"{e.before} {e.after} {e.actor} {e.entity_id}" for e in everything)
    for secret in (PASSWORD, WRONG, "with a NUL"):
        assert secret not in stored
    assert audit.verify(gate.world.url).ok
    run = CliRunner().invoke(cli, ["audit", "verify", "--db", gate.world.url, "--json"])
    assert run.exit_code == 0 and json.loads(run.stdout)["ok"] is True


def test_a_long_user_name_is_cut_in_the_audit(gate: Gate) -> None:
    gate.login("x" * 5000)
    (entry,) = audit.entries(gate.world.url, action="auth.login", limit=1)
    assert json.loads(str(entry.after))["username"] == "x" * logins.MAX_LOGGED_NAME


def test_concurrent_attempts_never_pass_the_limit(world: World) -> None:
    """Twelve attempts at once, each on its own connection (as from several worker processes): exactly five fail."""
    throttle = logins.Throttle(per_user=5, per_ip=100, window=900)
    outcomes: list[str] = []
    start = threading.Barrier(12)

    def attempt() -> None:
        start.wait()
        outcomes.append(logins.sign_in("mgr", WRONG, "192.0.2.9", throttle, world.url, now=T0).outcome)

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["failure"] * 5 + ["throttled"] * 7
    assert audit.verify(world.url).ok


def test_the_refusal_is_documented() -> None:
    from zerocarbon.api.app import create_app

    op = create_app(Settings(environment="development")).openapi()["paths"][TOKEN]["post"]
    assert op["responses"]["429"]["content"]["application/json"]["schema"]["$ref"] == \
        "#/components/schemas/ErrorResponse"
    assert "Retry-After" in op["responses"]["429"]["headers"]


PASSWORD_CHANGE = "/api/v1/users/me/password"


def test_changing_the_password_checks_the_current_one_under_the_throttle(gate: Gate) -> None:
    """A stolen access token must not become a way around the sign-in throttle."""
    gate.limits(per_user=3)
    world = gate.world
    headers = world.auth("factory_manager")
    with TestClient(world.app, client=("198.51.100.7", 50000)) as client:
        def change(current: str) -> httpx.Response:
            return client.post(PASSWORD_CHANGE, json={"current_password": current,
                                                      "new_password": "a-new-long-passphrase"}, headers=headers)

        for _ in range(3):
            r = change(WRONG)
            assert r.status_code == 422 and r.json()["error"]["code"] == "auth.wrong_password"
        _throttled(change(PASSWORD))  # even the right password: the name is throttled
        assert gate.login(password=PASSWORD).status_code == 429  # and so is signing in with it
        gate.now += 15 * 60 + 1
        assert change(PASSWORD).status_code == 204
    assert gate.login(password=PASSWORD).status_code == 401
    assert gate.login(password="a-new-long-passphrase").status_code == 200
    logged = list(reversed(audit.entries(world.url, action="auth.login", limit=10)))
    assert [json.loads(str(e.after))["outcome"] for e in logged] == \
        ["failure", "failure", "failure", "throttled", "throttled", "success", "failure", "success"]
    stored = " ".join(f"{e.before} {e.after}" for e in audit.entries(world.url, limit=10**6))
    assert PASSWORD not in stored and WRONG not in stored and "a-new-long-passphrase" not in stored
    assert audit.verify(world.url).ok
