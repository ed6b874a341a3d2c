"""Tenant isolation, walked over the whole routes table.

For EVERY route of the app (``app.routes``: the API, the dashboard's pages and data endpoints, and
whatever is added later) × every method × every non-admin principal of factory A (its manager,
data-entry clerk, verifier, the 江苏 authority and A's gateway key), the route is called about the
foreign factory B (浙江), with B's meter, period, line, key and user filled into the other path
parameters and a plausible body. Expected:

* a route with ``{factory_id}`` refuses (401, 403 or 404; never 2xx, never 5xx). Dashboard pages
  (HTML shells outside ``/api/``, which load their data from the API) may answer 200 as long as
  nothing of B's data (its name) is in them: they may echo the id of their own URL;
* any other route refuses, or answers without a trace of B (its id or name).

A control walk as B's own manager checks that the URLs built here do reach B's data (so the
refusals above are about tenancy, not about malformed requests).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Mount, Route
from tests.api.conftest import FOREIGN, FOREIGN_NAME, T0, World, readings_doc, setup_doc
from tests.api.test_activity_files import declared_yaml

from zerocarbon.services.efficiency import equipment_store
from zerocarbon.services.identity import api_keys, users
from zerocarbon.services.inventory import declared

PRINCIPALS = ("factory_manager", "data_entry", "verifier", "authority", "apikey")
PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")


@pytest.fixture(autouse=True)
def foreign_activity_file(world: World) -> int:
    """B's declared activity file (with B's name in it), for the walk to download and replace."""
    content = declared_yaml(FOREIGN, FOREIGN_NAME, "浙江")
    return declared.upload(FOREIGN, f"{FOREIGN}.yaml", content, url=world.url).file.id


def foreign_equipment_yaml(efficiency: str = "94.6") -> bytes:
    """B's stored equipment register: one motor named with B's name (a leak of it would show)."""
    return (f"devices:\n- {{code: B-M1, name: {FOREIGN_NAME}电机, kind: motor_lv, rated_power_kw: 55, poles: 4, "
            f"efficiency_pct: {efficiency}}}\n").encode()


@pytest.fixture(autouse=True)
def foreign_equipment(world: World) -> None:
    """B's stored equipment register, for the walk to read, replace and delete."""
    equipment_store.upload(FOREIGN, "b.yaml", foreign_equipment_yaml(), url=world.url)


def _params(world: World) -> dict[str, str]:
    prefix = api_keys.api_key_prefix(world.foreign_key)
    return {"factory_id": FOREIGN, "meter_code": "E1", "meter": "E1", "period": "2023", "fmt": "json",
            "line_id": "E1-2023-01", "prefix": str(prefix), "user_id": str(world.users["foreign_manager"].id),
            "page": "overview", "name": "app.js", "signoff_id": str(world.foreign_signoff),
            "file_id": str(declared.versions(FOREIGN, world.url)[0].id), "year": "2023", "alert_id": "1",
            "client_id": "none", "code": "B-M1", "product": "B-P1", "scheme": "eu"}


def _body(path: str) -> Any:
    if path.endswith("/setup"):
        return setup_doc(FOREIGN, FOREIGN_NAME, "浙江")
    if path.endswith("/readings"):
        return readings_doc(days=1, value=99.0)
    if path.endswith("/corrections"):
        return {"meter": "E1", "ts": T0, "value": 0.0, "reason": "tamper"}
    if path.endswith("/signoff"):
        return {"note": "signed by a stranger"}
    if path.endswith("/api-keys"):
        return {"name": "stolen"}
    if path.endswith("/users"):
        return {"username": "intruder", "password": "long enough pw", "role": "admin"}
    if path.endswith("/password"):
        return {"current_password": "x", "new_password": "long enough pw"}
    if path.endswith(("/refresh", "/logout")):
        return {"refresh_token": "x"}
    return {}


def app_routes(routes: list[BaseRoute]) -> list[tuple[str, set[str]]]:
    """(path, methods) of every route, with included routers flattened.

    This FastAPI keeps included routers as one entry of ``app.routes`` each
    (``effective_route_contexts()`` yields their routes with the full path); plain Starlette and
    FastAPI routes are listed as they are. A mount or anything else unknown fails the walk, so that
    nothing escapes it unnoticed.
    """
    out: list[tuple[str, set[str]]] = []
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            out.extend((str(c.path), set(c.methods or ())) for c in contexts())
        elif isinstance(route, APIRoute | Route):
            out.append((route.path, set(route.methods or ())))
        elif isinstance(route, Mount) and route.path == "/pact":
            continue  # the PACT host: its own OAuth2 clients per factory, walked in tests/api/test_pact_host.py
        else:
            raise AssertionError(f"the walk does not know how to call {route!r}")
    return out


def _requests(world: World) -> list[tuple[str, str, str]]:
    """(method, template, url) for every route and method of the app."""
    values = _params(world)
    out = []
    for path, methods in app_routes(world.app.routes):
        for method in sorted(methods - {"HEAD", "OPTIONS"}):
            out.append((method, path, PARAM.sub(lambda m: values.get(m.group(1), "x"), path)))
    return out


def _call(world: World, method: str, url: str, headers: dict[str, str]) -> Any:
    if method == "POST" and url.endswith("/activity-files"):  # a multipart upload: B's own file, changed
        return world.client.request(method, url, headers=headers, params={"year": 2023}, follow_redirects=False,
                                    files={"file": ("b.yaml", declared_yaml(FOREIGN, FOREIGN_NAME, "浙江", "9"))})
    if method == "POST" and url.endswith("/equipment"):  # a multipart upload: B's own device, changed
        return world.client.request(method, url, headers=headers, follow_redirects=False,
                                    files={"file": ("b.yaml", foreign_equipment_yaml("96.5"))})
    body = _body(url) if method in ("POST", "PUT", "PATCH") else None
    return world.client.request(method, url, headers=headers, params={"year": 2023}, json=body,
                                follow_redirects=False)


def _leaks(text: str, page: bool) -> bool:
    """B's name (its data) in an answer; for an API answer also B's id (a page may echo its own URL)."""
    escaped = json.dumps(FOREIGN_NAME)[1:-1]
    return FOREIGN_NAME in text or escaped in text or (not page and FOREIGN in text)


def test_walk_every_route_as_every_role_against_a_foreign_factory(world: World) -> None:
    requests = _requests(world)
    assert len(requests) >= 30  # the API alone has more; a walk of nothing proves nothing
    failures = []
    for who in PRINCIPALS:
        headers = world.auth(who)
        for method, template, url in requests:
            r = _call(world, method, url, headers)
            scoped = "{factory_id" in template
            page = not template.startswith("/api/")
            if r.status_code >= 500:
                failures.append((who, method, template, r.status_code, "server error"))
            elif scoped and not page and r.status_code not in (401, 403, 404):
                failures.append((who, method, template, r.status_code, r.text[:200]))
            elif r.status_code < 400 and _leaks(r.text, page):
                failures.append((who, method, template, r.status_code, "foreign data in answer"))
    assert not failures, "\n".join(map(str, failures))


#: GET routes whose answer for B's own manager is not 200 because B lacks their data (the route was reached:
#: the error is B's own, with its code): B has no footprint study, so no battery declaration. (B stores
#: devices but keeps no diagnosis settings: its efficiency is their grades alone, a 200.)
NOT_200_FOR_B = {
    "/api/v1/factories/{factory_id}/footprints/declarations/{product}/{scheme}.{fmt}": (404, "declaration.not_found"),
}


def test_the_walk_reaches_the_foreign_factory_as_its_own_manager(world: World) -> None:
    """Control: as B's manager the same GET requests of /api/v1 succeed, so the URLs are right."""
    headers = world.auth("foreign_manager")
    reached = 0
    for method, template, url in _requests(world):
        if method != "GET" or "{factory_id" not in template or not template.startswith("/api/v1/factories"):
            continue
        r = _call(world, method, url, headers)
        expected = NOT_200_FOR_B.get(template)
        if expected is None:
            assert r.status_code == 200, (template, r.status_code, r.text[:300])
        else:  # reached and answered for B's own data, which lacks what the route needs
            assert (r.status_code, r.json()["error"]["code"]) == expected, (template, r.status_code, r.text[:300])
        reached += 1
    assert reached >= 15


def test_nothing_in_the_foreign_factory_changed(world: World) -> None:
    """After the walk B's readings, set-up and keys are as they were."""
    before = world.client.get(f"/api/v1/factories/{FOREIGN}/meters/E1/readings",
                              params={"start": "2023-01-01T00:00:00", "end": "2023-01-03T00:00:00"},
                              headers=world.auth("foreign_manager")).json()
    test_walk_every_route_as_every_role_against_a_foreign_factory(world)
    after = world.client.get(f"/api/v1/factories/{FOREIGN}/meters/E1/readings",
                             params={"start": "2023-01-01T00:00:00", "end": "2023-01-03T00:00:00"},
                             headers=world.auth("foreign_manager")).json()
    assert after == before and before["count"] == 192
    assert api_keys.get_api_key(str(api_keys.api_key_prefix(world.foreign_key)), world.url).revoked_at is None  # type: ignore[union-attr]
    assert users.get_user_by_name("intruder", world.url) is None
    assert len(declared.versions(FOREIGN, world.url)) == 1
    assert [(d.code, str(d.efficiency_pct)) for d in equipment_store.devices(FOREIGN, world.url)] == [("B-M1", "94.6")]
