"""A small world for the API tests: two factories in two provinces, one user per role, a gateway key.

Factory A (江苏) is "ours": the manager, data-entry clerk and verifier are assigned to it, the
authority oversees 江苏. Factory B (浙江) is the foreign tenant: it has its own manager and key,
readings and a distinctive name that must never show up in anybody else's answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from zerocarbon.api.app import create_app
from zerocarbon.api.security import create_access_token
from zerocarbon.api.settings import Settings
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.identity import api_keys, users
from zerocarbon.services.inventory import signoff
from zerocarbon.services.metering.feeds import ReadingBatchIn, push_batch
from zerocarbon.services.metering.setup import save_setup

SECRET = "test-secret-" + "k" * 40
OURS = "JS-OURS-01"
FOREIGN = "ZJ-FOREIGN-9"
FOREIGN_NAME = "外省保密工厂"
T0 = 1_672_502_400  # 2023-01-01T00:00:00+08:00
PASSWORD = "correct horse battery"
ROLES = ("admin", "factory_manager", "data_entry", "verifier", "authority")


def setup_doc(factory_id: str, name: str, province: str) -> dict[str, Any]:
    return {
        "factory": {"id": factory_id, "name_zh": name, "name_en": name, "province": province},
        "nodes": [{"code": "SITE", "kind": "site", "name_zh": "厂区"},
                  {"code": "L1", "kind": "line", "name_zh": "一号线", "parent": "SITE"}],
        "meters": [
            {"code": "E1", "node": "L1", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
             "category": "electricity_purchased"},
            {"code": "G1", "node": "SITE", "carrier": "natural_gas", "unit": "Nm3", "register_kind": "cumulative",
             "category": "fuel_combustion", "item": "天然气"},
        ],
    }


def readings_doc(days: int = 2, value: float = 10.0) -> dict[str, Any]:
    n = 96 * days
    return {"readings": [{"meter": "E1", "ts": T0 + i * 900, "value": value} for i in range(n)]
            + [{"meter": "G1", "ts": T0 + i * 900, "value": 1000.0 + i} for i in range(n)]}


@dataclass
class World:
    """The app, its settings and store, the users (by role) and the keys."""

    app: FastAPI
    client: TestClient
    settings: Settings
    url: str
    users: dict[str, users.User] = field(default_factory=dict)
    api_key: str = ""          # A's gateway key
    foreign_key: str = ""      # B's gateway key
    foreign_signoff: int = 0   # a sign-off of B's 2023 inventory

    def token(self, who: str) -> str:
        return create_access_token(self.users[who], self.settings)

    def auth(self, who: str) -> dict[str, str]:
        """Headers of a principal: a role name (users of factory A / 江苏), ``foreign_manager``, or ``apikey``."""
        if who == "apikey":
            return {"X-API-Key": self.api_key}
        if who == "foreign_apikey":
            return {"X-API-Key": self.foreign_key}
        return {"Authorization": f"Bearer {self.token(who)}"}


def build_world(url: str) -> World:
    for fid, name, province in ((OURS, "本省示范工厂", "江苏"), (FOREIGN, FOREIGN_NAME, "浙江")):
        save_setup(FactorySetup.model_validate(setup_doc(fid, name, province)), url)
        push_batch(ReadingBatchIn.model_validate(readings_doc()), fid, url, client=f"{fid}:rest:seed")
    people = {
        "admin": users.create_user("root", PASSWORD, "admin", url=url),
        "factory_manager": users.create_user("mgr", PASSWORD, "factory_manager", factories=[OURS], url=url),
        "data_entry": users.create_user("clerk", PASSWORD, "data_entry", factories=[OURS], url=url),
        "verifier": users.create_user("auditor", PASSWORD, "verifier", factories=[OURS], url=url),
        "authority": users.create_user("js-bureau", PASSWORD, "authority", region="江苏", url=url),
        "foreign_manager": users.create_user("zj-mgr", PASSWORD, "factory_manager", factories=[FOREIGN], url=url),
    }
    settings = Settings(database_url=url, secret_key=SECRET, environment="production")
    app = create_app(settings)
    world = World(app, TestClient(app, raise_server_exceptions=False), settings, url)
    for role, uid in people.items():
        found = users.get_user(uid, url)
        assert found is not None
        world.users[role] = found
    world.api_key = api_keys.create_api_key(OURS, name="gw-ours", url=url)
    world.foreign_key = api_keys.create_api_key(FOREIGN, name="gw-foreign", url=url)
    world.foreign_signoff = signoff.sign_off(FOREIGN, "2023", None, people["admin"], note="seed", url=url)
    return world


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Argon2id with small parameters in these tests (the real ones cost ~0.1 s a hash, by design)."""
    from argon2 import PasswordHasher

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        yield


@pytest.fixture
def world(store_url: str) -> Iterator[World]:
    """The world on a fresh store of each backend (SQLite; PostgreSQL where reachable)."""
    from zerocarbon.services import dashboard

    dashboard.cache_clear()
    w = build_world(store_url)
    yield w
    w.client.close()
