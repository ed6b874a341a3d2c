"""Gateways' API keys: created by a manager, shown once, push readings to their own factory and nothing else."""

from __future__ import annotations

from tests.api.conftest import FOREIGN, OURS, T0, World

from zerocarbon.services.identity import api_keys
from zerocarbon.store import audit

BATCH = {"readings": [{"meter": "E1", "ts": T0 + 10 * 86_400 + i * 900, "value": 5.0} for i in range(4)]}


def test_manager_creates_a_key_that_pushes_readings(world: World) -> None:
    r = world.client.post(f"/api/v1/factories/{OURS}/api-keys", json={"name": "scada-gw-2"},
                          headers=world.auth("factory_manager"))
    assert r.status_code == 201, r.text
    created = r.json()
    key = created["key"]
    assert key.startswith(f"zc_{created['prefix']}_") and created["scope"] == "readings:write"
    assert created["created_by"] == world.users["factory_manager"].id
    listed = world.client.get(f"/api/v1/factories/{OURS}/api-keys", headers=world.auth("factory_manager")).json()
    assert created["prefix"] in {k["prefix"] for k in listed}
    assert all("key" not in k for k in listed)  # the secret is shown once, at creation

    push = world.client.post(f"/api/v1/factories/{OURS}/readings", json=BATCH, headers={"X-API-Key": key})
    assert push.status_code == 200 and push.json()["accepted"] == 4
    again = world.client.post(f"/api/v1/factories/{OURS}/readings", json=BATCH, headers={"X-API-Key": key})
    assert again.json()["accepted"] == 0 and again.json()["duplicates"] == 4  # idempotent
    # The audit chain names the key as the actor of its writes, and the manager for the key's creation.
    entries = audit.entries(world.url, factory_id=OURS, limit=20)
    assert any(e.actor == f"apikey:{created['prefix']}" and e.action == "readings.ingest" for e in entries)
    assert any(e.actor == "mgr" and e.action == "apikey.create" for e in entries)

    revoked = world.client.delete(f"/api/v1/factories/{OURS}/api-keys/{created['prefix']}",
                                  headers=world.auth("factory_manager"))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    after = world.client.post(f"/api/v1/factories/{OURS}/readings", json=BATCH, headers={"X-API-Key": key})
    assert after.status_code == 401 and after.json()["error"]["code"] == "auth.api_key_invalid"


def test_a_key_only_pushes_to_its_own_factory(world: World) -> None:
    key = {"X-API-Key": world.api_key}
    r = world.client.post(f"/api/v1/factories/{FOREIGN}/readings", json=BATCH, headers=key)
    assert r.status_code == 404 and r.json()["error"]["code"] == "factory.not_found"
    for path in (f"/api/v1/factories/{OURS}", f"/api/v1/factories/{OURS}/meters", "/api/v1/factories",
                 f"/api/v1/factories/{OURS}/inventories/2023", "/api/v1/users/me"):
        got = world.client.get(path, headers=key)
        assert got.status_code == 401 and got.json()["error"]["code"] == "auth.api_key_scope", path
    assert world.client.post(f"/api/v1/factories/{OURS}/corrections", headers=key, json={
        "meter": "E1", "ts": T0, "value": 1.0, "reason": "x"}).status_code == 401
    assert world.client.post(f"/api/v1/factories/{OURS}/api-keys", headers=key, json={}).status_code == 401


def test_bad_keys(world: World) -> None:
    prefix = api_keys.api_key_prefix(world.api_key)
    assert prefix is not None
    for bad in ("zc_nothing", world.api_key[:-1] + ("A" if world.api_key[-1] != "A" else "B"),
                f"zc_{prefix}_" + "x" * 43, world.foreign_key.replace(world.foreign_key[3:15], prefix)):
        r = world.client.post(f"/api/v1/factories/{OURS}/readings", json=BATCH, headers={"X-API-Key": bad})
        assert r.status_code == 401, bad


def test_who_may_manage_keys(world: World) -> None:
    for role, expected in (("admin", 201), ("factory_manager", 201), ("data_entry", 403), ("verifier", 403),
                           ("authority", 403)):
        r = world.client.post(f"/api/v1/factories/{OURS}/api-keys", json={}, headers=world.auth(role))
        assert r.status_code == expected, role
    foreign_prefix = api_keys.api_key_prefix(world.foreign_key)
    # A manager cannot revoke another factory's key, even naming it under its own factory.
    r = world.client.delete(f"/api/v1/factories/{OURS}/api-keys/{foreign_prefix}",
                            headers=world.auth("factory_manager"))
    assert r.status_code == 404
    assert api_keys.get_api_key(str(foreign_prefix), world.url).revoked_at is None  # type: ignore[union-attr]
