"""The role matrix, exercised: each role × each permission on its own factory, and the global permissions."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from httpx import Response
from tests.api.conftest import FOREIGN, OURS, ROLES, T0, World, setup_doc

from zerocarbon.api.roles import GLOBAL, MATRIX, GlobalPermission, Permission

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"

#: The matrix as docs/api.md states it (checked against roles.MATRIX below, and by the requests).
EXPECTED = {
    "admin": set(Permission),
    "factory_manager": {Permission.READ, Permission.SETUP, Permission.PUSH_READINGS, Permission.CORRECT,
                        Permission.API_KEYS, Permission.ALERTS},
    "data_entry": {Permission.READ, Permission.SETUP, Permission.PUSH_READINGS},
    "verifier": {Permission.READ, Permission.SIGN_OFF},
    "authority": {Permission.READ},
}


def test_matrix_is_as_documented() -> None:
    assert {r: set(p) for r, p in MATRIX.items()} == EXPECTED
    assert {r for r, p in GLOBAL.items() if GlobalPermission.PORTFOLIO in p} == {"admin", "authority"}
    assert {r for r, p in GLOBAL.items() if GlobalPermission.USERS in p} == {"admin"}


def test_docs_table_matches_the_matrix() -> None:
    """docs/api.md has one row per role in its matrix: ✓ where the role has the permission."""
    text = DOCS.read_text(encoding="utf-8")
    header = next(line for line in text.splitlines() if line.startswith("| role") or line.startswith("| 角色"))
    columns = [c.strip() for c in header.strip("|").split("|")]
    for role in ROLES:
        row = next(line for line in text.splitlines() if re.match(rf"^\|\s*`?{role}`?\s*\|", line))
        cells = dict(zip(columns, (c.strip() for c in row.strip("|").split("|")), strict=True))
        for perm in Permission:
            key = next(c for c in columns if f"`{perm.value}`" in c)
            assert (cells[key] == "✓") == (perm in EXPECTED[role]), (role, perm)


def _actions(world: World) -> dict[Permission, Callable[[dict[str, str]], Response]]:
    c = world.client
    base = f"/api/v1/factories/{OURS}"
    return {
        Permission.READ: lambda h: c.get(f"{base}/meters", headers=h),
        Permission.SETUP: lambda h: c.put(f"{base}/setup", json=setup_doc(OURS, "本省示范工厂", "江苏"), headers=h),
        Permission.PUSH_READINGS: lambda h: c.post(f"{base}/readings", headers=h, json={
            "readings": [{"meter": "E1", "ts": T0 + 20 * 86_400, "value": 1.0}]}),
        Permission.CORRECT: lambda h: c.post(f"{base}/corrections", headers=h, json={
            "meter": "E1", "ts": T0, "value": 11.0, "reason": "CT ratio was wrong"}),
        Permission.API_KEYS: lambda h: c.get(f"{base}/api-keys", headers=h),
        Permission.SIGN_OFF: lambda h: c.post(f"{base}/inventories/2023/signoff", headers=h, json={"note": "ok"}),
        Permission.ALERTS: lambda h: c.post(f"{base}/alerts/{_new_alert(world)}", headers=h, json={"status": "closed"}),
    }


def _new_alert(world: World) -> int:
    """A fresh open alert of factory A (each role closes its own)."""
    from tests.api.test_capability_routes import alert_row

    from zerocarbon.store.alerts import alert_list, insert_alerts

    start = T0 + 3600 * (1 + len(alert_list(OURS, world.url, limit=10_000)))
    return insert_alerts(OURS, [alert_row(start, "E1")], world.url)[0]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_does_what_the_matrix_says(world: World, role: str) -> None:
    for perm, act in _actions(world).items():
        r = act(world.auth(role))
        if perm in EXPECTED[role]:
            assert r.status_code in (200, 201), (role, perm, r.text)
        else:
            assert r.status_code == 403, (role, perm, r.text)
            assert r.json()["error"]["code"] == "auth.forbidden"


@pytest.mark.parametrize("role", ROLES)
def test_global_permissions(world: World, role: str) -> None:
    c, h = world.client, world.auth(role)
    portfolio = c.get("/api/v1/portfolio", params={"year": 2023}, headers=h)
    assert portfolio.status_code == (200 if role in ("admin", "authority") else 403)
    assert c.get("/api/v1/users", headers=h).status_code == (200 if role == "admin" else 403)
    new = setup_doc("NEW-FACTORY-1", "新厂", "江苏")
    created = c.put("/api/v1/factories/NEW-FACTORY-1/setup", json=new, headers=h)
    # Creating a factory is an admin's; to others a factory that does not exist is just not found.
    assert created.status_code == (200 if role == "admin" else 404), created.text


def test_authority_sees_its_region_only(world: World) -> None:
    h = world.auth("authority")
    listed = world.client.get("/api/v1/factories", headers=h).json()
    assert [f["id"] for f in listed] == [OURS]
    portfolio = world.client.get("/api/v1/portfolio", params={"year": 2023}, headers=h).json()
    assert [f["id"] for f in portfolio["factories"]] == [OURS] and portfolio["provinces"] == ["江苏"]
    admin = world.client.get("/api/v1/portfolio", params={"year": 2023}, headers=world.auth("admin")).json()
    assert {f["id"] for f in admin["factories"]} == {OURS, FOREIGN}
    # It reads everything of its region's factories, including the traces, and changes nothing.
    trace = world.client.get(f"/api/v1/factories/{OURS}/inventories/2023/lines/E1-2023-01/trace", headers=h)
    assert trace.status_code == 200 and trace.json()["line"]["figures"]


def test_only_admin_moves_a_factory_to_another_province(world: World) -> None:
    moved = setup_doc(OURS, "本省示范工厂", "浙江")
    r = world.client.put(f"/api/v1/factories/{OURS}/setup", json=moved, headers=world.auth("factory_manager"))
    assert r.status_code == 403
    r = world.client.put(f"/api/v1/factories/{OURS}/setup", json=moved, headers=world.auth("admin"))
    assert r.status_code == 200
    # Now the 江苏 authority no longer sees it.
    assert world.client.get(f"/api/v1/factories/{OURS}", headers=world.auth("authority")).status_code == 404


def test_user_administration(world: World) -> None:
    h = world.auth("admin")
    r = world.client.post("/api/v1/users", headers=h, json={
        "username": "new-clerk", "password": "long enough pw", "role": "data_entry", "factories": [OURS]})
    assert r.status_code == 201, r.text
    uid = r.json()["id"]
    assigned = world.client.put(f"/api/v1/users/{uid}/factories/{FOREIGN}", headers=h)
    assert assigned.json()["factories"] == [OURS, FOREIGN]
    assert world.client.delete(f"/api/v1/users/{uid}/factories/{OURS}", headers=h).json()["factories"] == [FOREIGN]
    patched = world.client.patch(f"/api/v1/users/{uid}", headers=h, json={"role": "authority", "region": "浙江"})
    assert patched.status_code == 200 and patched.json()["factories"] == [] and patched.json()["region"] == "浙江"
    bad = world.client.patch(f"/api/v1/users/{uid}", headers=h, json={"role": "verifier", "region": "浙江"})
    assert bad.status_code == 422 and bad.json()["error"]["details"]["field"] == "region"
    dup = world.client.post("/api/v1/users", headers=h, json={
        "username": "new-clerk", "password": "long enough pw", "role": "data_entry"})
    assert dup.status_code == 422 and dup.json()["error"]["details"]["field"] == "username"
    no_region = world.client.post("/api/v1/users", headers=h, json={
        "username": "bureau2", "password": "long enough pw", "role": "authority"})
    assert no_region.status_code == 422
