"""Sign-in, token refresh with rotation (and reuse detection), sign-out, expired and forged tokens."""

from __future__ import annotations

import json
import time

import jwt
from tests.api.conftest import PASSWORD, SECRET, World

from zerocarbon.api.security import create_access_token
from zerocarbon.services.identity import tokens, users
from zerocarbon.store import audit

TOKEN = "/api/v1/auth/token"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/users/me"


def login(world: World, username: str = "mgr", password: str = PASSWORD) -> dict[str, object]:
    r = world.client.post(TOKEN, data={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return dict(r.json())


def bearer(token: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_login_gives_tokens_that_work(world: World) -> None:
    tokens = login(world)
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 15 * 60
    claims = jwt.decode(str(tokens["access_token"]), SECRET, algorithms=["HS256"], issuer="zerocarbon")
    assert claims["sub"] == str(world.users["factory_manager"].id)
    assert claims["role"] == "factory_manager" and claims["type"] == "access"
    assert claims["exp"] - claims["iat"] == 15 * 60
    me = world.client.get(ME, headers=bearer(tokens["access_token"]))
    assert me.status_code == 200
    assert me.json()["username"] == "mgr" and me.json()["visible_factories"] == ["JS-OURS-01"]


def test_wrong_password_and_unknown_user_look_the_same(world: World) -> None:
    for name, pw in (("mgr", "wrong password"), ("nobody", PASSWORD), ("mgr", "")):
        r = world.client.post(TOKEN, data={"username": name, "password": pw})
        assert r.status_code in (401, 422)
        if r.status_code == 401:
            assert r.json()["error"]["code"] == "auth.invalid_credentials"
            assert r.headers["www-authenticate"] == "Bearer"


def test_refresh_rotates_and_a_reused_token_revokes_the_family(world: World) -> None:
    first = login(world)
    r = world.client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    assert r.status_code == 200
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert world.client.get(ME, headers=bearer(second["access_token"])).status_code == 200
    # The first refresh token was spent: presenting it again is refused …
    again = world.client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    assert again.status_code == 401 and again.json()["error"]["code"] == "auth.refresh_invalid"
    # … and, being a sign of theft, it revokes the successor too.
    assert world.client.post(REFRESH, json={"refresh_token": second["refresh_token"]}).status_code == 401
    # Both presentations of a revoked token are in the audit chain: whose, from where, how many it revoked.
    entries = list(reversed(audit.entries(world.url, action="auth.refresh_reuse")))
    assert [(e.entity, e.entity_id) for e in entries] == [("user", str(world.users["factory_manager"].id))] * 2
    assert [json.loads(str(e.after)) for e in entries] == [
        {"username": "mgr", "ip": "testclient", "outcome": "reuse", "revoked": revoked} for revoked in (1, 0)]
    assert audit.verify(world.url).ok


def test_logout_revokes_the_refresh_token(world: World) -> None:
    tokens = login(world)
    assert world.client.post(LOGOUT, json={"refresh_token": tokens["refresh_token"]}).status_code == 204
    assert world.client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]}).status_code == 401
    # Idempotent, and says nothing about tokens it does not know.
    assert world.client.post(LOGOUT, json={"refresh_token": tokens["refresh_token"]}).status_code == 204
    assert world.client.post(LOGOUT, json={"refresh_token": "garbage"}).status_code == 204


def test_expired_access_token(world: World) -> None:
    user = world.users["factory_manager"]
    old = create_access_token(user, world.settings, now=int(time.time()) - 3600)
    r = world.client.get(ME, headers=bearer(old))
    assert r.status_code == 401 and r.json()["error"]["code"] == "auth.token_expired"


def test_expired_refresh_token(world: World) -> None:
    user = world.users["factory_manager"]
    past = int(time.time()) - 10
    jti = tokens.issue_refresh_token(user.id, past, world.url)
    token = jwt.encode({"sub": str(user.id), "type": "refresh", "jti": jti, "iat": past - 100, "exp": past,
                        "iss": "zerocarbon"}, SECRET, algorithm="HS256")
    assert world.client.post(REFRESH, json={"refresh_token": token}).status_code == 401


def test_forged_and_confused_tokens(world: World) -> None:
    user = world.users["factory_manager"]
    now = int(time.time())
    claims = {"sub": str(user.id), "role": "admin", "type": "access", "iat": now, "exp": now + 600, "iss": "zerocarbon"}
    forged = jwt.encode(claims, "not-the-secret-" + "x" * 40, algorithm="HS256")
    r = world.client.get(ME, headers=bearer(forged))
    assert r.status_code == 401 and r.json()["error"]["code"] == "auth.token_invalid"
    unsigned = jwt.encode(claims, None, algorithm="none")
    assert world.client.get(ME, headers=bearer(unsigned)).status_code == 401
    # A refresh token is not an access token, and the other way round.
    tokens = login(world)
    assert world.client.get(ME, headers=bearer(tokens["refresh_token"])).status_code == 401
    assert world.client.post(REFRESH, json={"refresh_token": tokens["access_token"]}).status_code == 401
    assert world.client.get(ME).json()["error"]["code"] == "auth.required"


def test_role_comes_from_the_store_not_the_token(world: World) -> None:
    """A token claiming admin for a data-entry user gives no admin rights; deactivation ends access at once."""
    clerk = world.users["data_entry"]
    token = create_access_token(clerk, world.settings)
    assert world.client.get("/api/v1/users", headers=bearer(token)).status_code == 403
    users.update_user(clerk.id, active=False, url=world.url)
    r = world.client.get(ME, headers=bearer(token))
    assert r.status_code == 401
    assert world.client.post(TOKEN, data={"username": "clerk", "password": PASSWORD}).status_code == 401


def test_password_change_signs_out_other_sessions(world: World) -> None:
    tokens = login(world)
    r = world.client.post(f"{ME}/password", headers=bearer(tokens["access_token"]),
                          json={"current_password": "wrong one", "new_password": "another long one"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "auth.wrong_password"
    r = world.client.post(f"{ME}/password", headers=bearer(tokens["access_token"]),
                          json={"current_password": PASSWORD, "new_password": "another long one"})
    assert r.status_code == 204
    assert world.client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]}).status_code == 401
    login(world, password="another long one")


def test_passwords_are_argon2_hashed(world: World) -> None:
    from sqlalchemy import select

    from zerocarbon.store import schema as s
    from zerocarbon.store.db import transaction

    with transaction(world.url) as conn:
        stored = conn.execute(select(s.users.c.password_hash).where(s.users.c.username == "mgr")).scalar_one()
        keys = conn.execute(select(s.api_keys.c.key_hash)).scalars().all()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert all(k.startswith("sha256$") and world.api_key not in k for k in keys)
