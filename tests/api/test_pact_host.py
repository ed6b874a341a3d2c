"""A conformance walk of the PACT v3 host API (``/pact``), after the official test cases.

The cases follow wbcsd/pact-conformance-service ``docs/v3-test-cases-expected-results.md`` (TC #1–17,
#20–40: token good/bad, get, list, pagination, invalid token, unknown id, plain HTTP, the four
events, filters positive and negative, a malformed event) and PACT Tech Specs 3.0.3
``spec/v3/openapi.yaml`` (error codes and statuses). Footprints are the official v3 examples
(``example-1.json`` … ``example-3.json``), published for factory A; factory B has its own
(``example-4.json``), which A's data recipient must never see.
"""

from __future__ import annotations

import base64
import json
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jwt
import pytest
from fastapi.testclient import TestClient

from zerocarbon.api.app import create_app
from zerocarbon.api.routes.pact import PactSettings, pact_app
from zerocarbon.api.security import create_access_token
from zerocarbon.api.settings import Settings
from zerocarbon.footprint.pact import validation_errors
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.footprint import exchange, pact_events, pact_host
from zerocarbon.services.identity import users
from zerocarbon.services.metering.setup import save_setup

SECRET = "pact-test-secret-" + "s" * 32
A, B = "PACT-A", "PACT-B"
HTTPS = "https://testserver"
REF = exchange.reference_dir()
pytestmark = pytest.mark.skipif(REF is None, reason="the PACT reference files (../shared/reference/pact) are absent")


def example(n: int) -> dict[str, Any]:
    assert REF is not None
    doc: dict[str, Any] = json.loads((REF / "v3" / "examples" / f"example-{n}.json").read_text(encoding="utf-8"))
    return doc


@dataclass
class Host:
    client: TestClient
    settings: Settings
    url: str
    a_id: str
    a_secret: str
    b_id: str
    b_secret: str

    def token(self, who: str = "a") -> str:
        cid, sec = (self.a_id, self.a_secret) if who == "a" else (self.b_id, self.b_secret)
        r = self.client.post("/pact/auth/token", data={"grant_type": "client_credentials"}, auth=(cid, sec))
        assert r.status_code == 200, r.text
        return str(r.json()["access_token"])

    def auth(self, who: str = "a") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(who)}"}


def setup_factories(url: str) -> None:
    for fid in (A, B):
        save_setup(FactorySetup.model_validate({"factory": {"id": fid, "name_zh": f"{fid} 厂", "name_en": fid,
                                                            "province": "江苏"}, "nodes": [], "meters": []}), url)


def seed(url: str) -> tuple[str, str, str, str]:
    """Factories A and B with their published footprints and one data recipient each."""
    setup_factories(url)
    pact_host.store_documents(A, [example(1), example(2), example(3)], "published", "examples", url)
    pact_host.store_documents(B, [example(4)], "published", "examples", url)
    return (*pact_host.create_client(A, "customer of A", url), *pact_host.create_client(B, "customer of B", url))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, tuple[str, str, str, str]]:
    """A migrated and seeded SQLite store, copied for each test (migrating costs more than a test)."""
    from zerocarbon.store.db import get_engine, migrate

    path = tmp_path_factory.mktemp("pact") / "template.db"
    url = f"sqlite:///{path}"
    migrate(url)
    creds = seed(url)
    get_engine(url).dispose()
    return path, creds


def make_host(url: str, creds: tuple[str, str, str, str]) -> Host:
    settings = Settings(database_url=url, secret_key=SECRET, environment="production")
    client = TestClient(create_app(settings), base_url=HTTPS, raise_server_exceptions=False)
    return Host(client, settings, url, *creds)


@pytest.fixture
def host(template: tuple[Path, tuple[str, str, str, str]], tmp_path: Path) -> Iterator[Host]:
    """The seeded host on a fresh copy of the template store (SQLite)."""
    from zerocarbon.store.db import get_engine

    path = tmp_path / "store.db"
    shutil.copy(template[0], path)
    h = make_host(f"sqlite:///{path}", template[1])
    yield h
    h.client.close()
    get_engine(h.url).dispose()


def test_walk_on_each_backend(store_url: str) -> None:
    """The walk's main steps on a fresh store of each backend (SQLite; PostgreSQL where reachable)."""
    h = make_host(store_url, seed(store_url))
    auth = h.auth()
    assert [d["id"] for d in h.client.get("/pact/3/footprints", headers=auth).json()["data"]] == [
        example(n)["id"] for n in (1, 2, 3)]
    r = h.client.get("/pact/3/footprints?limit=2", headers=auth)
    nxt = r.headers["link"].split(">")[0].lstrip("<")
    assert [d["id"] for d in h.client.get(nxt, headers=auth).json()["data"]] == [example(3)["id"]]
    assert h.client.get(f"/pact/3/footprints/{example(4)['id']}", headers=auth).status_code == 404
    ev = {"specversion": "1.0", "id": "e1", "source": "//testserver/pact/3/events", "time": "2025-05-19T10:30:00Z",
          "type": "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3", "data": {"geography": ["US"]}}
    assert h.client.post("/pact/3/events", json=ev, headers=auth).status_code == 200
    answer = pact_events.events(A, "pending", store_url)[0]["answer"]
    assert [d["id"] for d in answer["data"]["pfs"]] == [example(2)["id"]]
    h.client.close()


# ------------------------------------------------------------------------------------------ TC 1, 2, 9
def test_token_with_good_credentials(host: Host) -> None:
    r = host.client.post("/pact/auth/token", data={"grant_type": "client_credentials"}, auth=(host.a_id, host.a_secret))
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600 and body["access_token"]
    assert r.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("case", ["wrong secret", "unknown client", "no basic", "garbage basic"])
def test_token_with_bad_credentials(host: Host, case: str) -> None:
    headers = {}
    auth: Any = None
    if case == "wrong secret":
        auth = (host.a_id, host.a_secret + "x")
    elif case == "unknown client":
        auth = ("pact_000000000000", host.a_secret)
    elif case == "garbage basic":
        headers = {"Authorization": "Basic !!!"}
    r = host.client.post("/pact/auth/token", data={"grant_type": "client_credentials"}, auth=auth, headers=headers)
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_client"
    assert "access_token" not in r.json()


def test_token_grant_type_and_revocation(host: Host) -> None:
    r = host.client.post("/pact/auth/token", data={"grant_type": "password"}, auth=(host.a_id, host.a_secret))
    assert (r.status_code, r.json()["error"]) == (400, "unsupported_grant_type")
    token = host.token()
    pact_host.revoke_client(host.a_id, host.url)
    r = host.client.post("/pact/auth/token", data={"grant_type": "client_credentials"}, auth=(host.a_id, host.a_secret))
    assert r.status_code == 401
    r = host.client.get("/pact/3/footprints", headers={"Authorization": f"Bearer {token}"})
    assert (r.status_code, r.json()["code"]) == (403, "AccessDenied")


def test_plain_http_is_refused(host: Host) -> None:
    """TC 9–11, 17: no token and no data over plain HTTP."""
    token = host.token()
    plain = TestClient(host.client.app, base_url="http://testserver")
    r = plain.post("/pact/auth/token", data={"grant_type": "client_credentials"}, auth=(host.a_id, host.a_secret))
    assert r.status_code == 400 and "access_token" not in r.json()
    for method, path in (("GET", "/pact/3/footprints"), ("GET", f"/pact/3/footprints/{example(1)['id']}"),
                         ("POST", "/pact/3/events")):
        r = plain.request(method, path, headers={"Authorization": f"Bearer {token}"})
        assert (r.status_code, r.json()["code"]) == (403, "AccessDenied") and "data" not in r.json()


def test_plain_http_when_allowed_for_local_use(host: Host) -> None:
    app = pact_app(host.settings, PactSettings(allow_http=True))
    plain = TestClient(app, base_url="http://testserver")
    r = plain.post("/auth/token", data={"grant_type": "client_credentials"}, auth=(host.a_id, host.a_secret))
    assert r.status_code == 200
    r = plain.get("/3/footprints", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
    assert r.status_code == 200 and len(r.json()["data"]) == 3


# ------------------------------------------------------------------------------------------ TC 3, 4, 8
def test_list_is_the_factorys_footprints_valid_v3(host: Host) -> None:
    r = host.client.get("/pact/3/footprints", headers=host.auth())
    assert r.status_code == 200 and "link" not in r.headers
    data = r.json()["data"]
    assert data == [example(1), example(2), example(3)]  # lossless, in published order
    schema = exchange.schema("v3")
    assert schema is not None
    assert all(validation_errors(d, schema) == [] for d in data)
    assert example(4)["id"] not in {d["id"] for d in data}  # B's footprint is not A's recipient's


def test_get_by_id_unknown_and_foreign(host: Host) -> None:
    h = host.auth()
    r = host.client.get(f"/pact/3/footprints/{example(2)['id']}", headers=h)
    assert r.status_code == 200 and r.json() == {"data": example(2)}
    r = host.client.get(f"/pact/3/footprints/{example(2)['id'].upper()}", headers=h)
    assert r.status_code == 200  # ids compare case-blind
    for unknown in ("non-existent-id", "00000000-0000-0000-0000-000000000000", example(4)["id"]):
        r = host.client.get(f"/pact/3/footprints/{unknown}", headers=h)
        assert (r.status_code, r.json()["code"]) == (404, "NotFound")
        assert set(r.json()) == {"code", "message"}


# ------------------------------------------------------------------------------------------ TC 5
def test_pagination_by_link(host: Host) -> None:
    h = host.auth()
    r = host.client.get("/pact/3/footprints?limit=1", headers=h)
    seen = []
    pages = 0
    while True:
        assert r.status_code == 200 and len(r.json()["data"]) <= 1
        seen += [d["id"] for d in r.json()["data"]]
        pages += 1
        link = r.headers.get("link")
        if link is None:
            break
        target = link.split(">")[0].lstrip("<")
        assert link.endswith('; rel="next"')
        assert urlsplit(target).scheme == "https" and urlsplit(target).netloc == "testserver"  # absolute, same host
        again = host.client.get(target, headers=h)
        assert again.json() == host.client.get(target, headers=h).json()  # a link may be called more than once
        r = again
    assert pages == 3 and seen == [example(n)["id"] for n in (1, 2, 3)]


def test_pagination_keeps_the_filter(host: Host) -> None:
    h = host.auth()
    r = host.client.get("/pact/3/footprints?geography=us&geography=de-bw&limit=1", headers=h)
    ids = [d["id"] for d in r.json()["data"]]
    link = r.headers["link"].split(">")[0].lstrip("<")
    assert "geography=us" in link and "geography=de-bw" in link
    ids += [d["id"] for d in host.client.get(link, headers=h).json()["data"]]
    assert ids == [example(2)["id"], example(3)["id"]]


@pytest.mark.parametrize("query", ["limit=0", "limit=-1", "limit=x", "offset=-2", "validOn=yesterday"])
def test_bad_list_parameters(host: Host, query: str) -> None:
    r = host.client.get(f"/pact/3/footprints?{query}", headers=host.auth())
    assert (r.status_code, r.json()["code"]) == (400, "BadRequest")


def test_odata_filter_is_not_implemented(host: Host) -> None:
    r = host.client.get("/pact/3/footprints?$filter=pcf/geographyCountry eq 'US'", headers=host.auth())
    assert (r.status_code, r.json()["code"]) == (400, "NotImplemented")


# ------------------------------------------------------------------------------------------ TC 20–39
ONE, TWO, THREE = 1, 2, 3


@pytest.mark.parametrize(("query", "expected"), [
    ("productId=urn:gtin:4712345060507", [TWO]),                                   # TC 20
    ("productId=URN:GTIN:4712345060507", [TWO]),                                   # case-insensitive
    ("companyId=urn:company:example:company3", [THREE]),                           # TC 21
    ("geography=US", [TWO]),                                                       # TC 22, country
    ("geography=us-tx", [ONE]),                                                    # subdivision
    ("classification=urn:pact:productclassification:un-cpc:7892", [THREE]),       # TC 23
    ("validOn=2025-06-01T00:00:00Z", [ONE, TWO, THREE]),                           # TC 24
    ("validAfter=2024-12-30T00:00:00Z", [ONE, TWO, THREE]),                        # TC 25
    ("validBefore=2028-01-01T00:00:00Z", [ONE, TWO, THREE]),                       # TC 26
    ("status=Active", [ONE, TWO, THREE]),                                          # TC 27
    ("status=active&productId=urn:gtin:5268596541023", [THREE]),                   # TC 28, AND
    ("companyId=urn:company:example:company1&companyId=urn:company:example:company3&companyId=urn:x", [ONE, THREE]),
    ("productId=urn:bogus:product:nonexistent123", []),                            # TC 30
    ("companyId=urn:bogus:company:nonexistent456", []),                            # TC 31
    ("geography=XX", []),                                                          # TC 32
    ("classification=urn:bogus:classification:nonexistent789", []),                # TC 33
    ("validOn=1900-01-01T00:00:00Z", []),                                          # TC 34
    ("validAfter=2099-12-31T23:59:59Z", []),                                       # TC 35
    ("validBefore=1900-01-01T00:00:00Z", []),                                      # TC 36
    ("status=BogusStatusValue", []),                                               # TC 37
    ("status=Deprecated", []),
    ("companyId=urn:bogus:company:5FIi8zS3&productId=urn:gtin:4712345060507", []),  # TC 38
    ("companyId=urn:bogus:1&companyId=urn:bogus:2&companyId=urn:bogus:3", []),      # TC 39
    ("x-zc-anything=1", [ONE, TWO, THREE]),                                        # extensions not offered: ignored
])
def test_filters(host: Host, query: str, expected: list[int]) -> None:
    r = host.client.get(f"/pact/3/footprints?{query}", headers=host.auth())
    assert r.status_code == 200
    assert [d["id"] for d in r.json()["data"]] == [example(n)["id"] for n in expected]


def test_validity_defaults_to_three_years_after_the_reference_period(host: Host) -> None:
    """PACT v3 ``validityPeriodStart``: without a validity period, 3 years after ``referencePeriodEnd``."""
    doc = {k: v for k, v in example(3).items() if k not in ("validityPeriodStart", "validityPeriodEnd")}
    doc["id"] = "0b6e2f1c-1111-4e5b-9a57-3c1d2e3f4a5b"
    pact_host.store_documents(B, [doc], "published", "test", host.url)
    h = host.auth("b")
    ids = lambda q: [d["id"] for d in host.client.get(f"/pact/3/footprints?{q}", headers=h).json()["data"]]  # noqa: E731
    assert doc["id"] in ids("validOn=2027-09-30T00:00:00Z")      # reference end 2024-09-30 + 3 years
    assert doc["id"] not in ids("validOn=2027-10-01T00:00:00Z")
    assert doc["id"] in ids("validAfter=2024-09-29T00:00:00Z")


# ------------------------------------------------------------------------------------------ TC 6, 7, 16
def _expired_token(host: Host) -> str:
    now = int(time.time())
    return jwt.encode({"sub": host.a_id, "factory": A, "type": "pact", "iat": now - 7200, "exp": now - 3600,
                       "iss": "zerocarbon"}, SECRET, algorithm="HS256")


@pytest.mark.parametrize("method,path", [("GET", "/pact/3/footprints"), ("GET", "/pact/3/footprints/x"),
                                         ("POST", "/pact/3/events")])
def test_tokens_refused(host: Host, method: str, path: str) -> None:
    user_token = create_access_token(
        users.get_user(users.create_user(f"u{path.count('/')}{method}", "pw-long-enough-1", "admin", url=host.url),
                       host.url), host.settings)  # type: ignore[arg-type]
    forged = jwt.encode({"sub": host.a_id, "factory": A, "type": "pact", "iat": 1, "exp": 2**40, "iss": "zerocarbon"},
                        "another-secret-" + "x" * 32, algorithm="HS256")
    for headers, status, code in (
            ({"Authorization": "Bearer invalid-access-token"}, 400, "BadRequest"),
            ({}, 400, "BadRequest"),
            ({"Authorization": f"Bearer {forged}"}, 400, "BadRequest"),
            ({"Authorization": f"Bearer {user_token}"}, 400, "BadRequest"),  # the dashboard's tokens are not PACT's
            ({"Authorization": f"Bearer {_expired_token(host)}"}, 401, "TokenExpired")):
        r = host.client.request(method, path, headers=headers, json={})
        assert (r.status_code, r.json()["code"]) == (status, code), headers
        assert "data" not in r.json()


# ------------------------------------------------------------------------------------------ TC 12–15, 40
def _event(kind: str, data: dict[str, Any], event_id: str = "evt-1") -> dict[str, Any]:
    return {"specversion": "1.0", "id": event_id, "source": "//testserver/pact/3/events",
            "time": "2025-05-19T10:30:00Z", "type": f"org.wbcsd.pact.ProductFootprint.{kind}.3", "data": data}


def _post(host: Host, event: Any, who: str = "a", content_type: str = "application/cloudevents+json; charset=UTF-8"
          ) -> Any:
    return host.client.post("/pact/3/events", content=json.dumps(event),
                            headers={**host.auth(who), "Content-Type": content_type})


def test_published_event_accepted_once(host: Host) -> None:
    ev = _event("PublishedEvent", {"pfIds": ["urn:gtin:4712345060507"]}, "pub-1")  # TC 15 sends a URN: accepted
    for _ in range(2):
        r = _post(host, ev)
        assert r.status_code == 200 and r.content == b""
    assert [e["event_id"] for e in pact_events.events(A, url=host.url)] == ["pub-1"]


def test_request_created_is_answered(host: Host) -> None:
    r = _post(host, _event("RequestCreatedEvent", {"productId": ["urn:gtin:1234567890123"],
                                                   "comment": "Please send PCF data for this year."}, "req-none"))
    assert r.status_code == 200
    r = _post(host, _event("RequestCreatedEvent", {"productId": ["urn:gtin:5268596541023"]}, "req-3"))
    assert r.status_code == 200
    pending = {e["event_id"]: e["answer"] for e in pact_events.events(A, "pending", host.url)}
    assert pending["req-none"]["type"].endswith("RequestRejectedEvent.3")
    assert pending["req-none"]["data"] == {"requestEventId": "req-none", "error": {
        "code": "NotFound", "message": "No footprint matches the criteria of the request."}}
    fulfilled = pending["req-3"]
    assert fulfilled["type"].endswith("RequestFulfilledEvent.3") and fulfilled["data"]["requestEventId"] == "req-3"
    assert fulfilled["data"]["pfs"] == [example(3)]  # B's example-4 has the same product: never A's answer
    assert fulfilled["source"] == "//testserver/pact/3/events"


def test_fulfilled_event_stores_valid_footprints_and_reports_the_rest(host: Host) -> None:
    bad = {"id": "b1f8c0d2-7c4e-4e67-9a9c-2e4c12345678", "specVersion": "3.0.0", "pcf": {"declaredUnit": "liter"}}
    r = _post(host, _event("RequestFulfilledEvent", {"requestEventId": "req-x", "pfs": [example(4), bad]}), "b")
    assert r.status_code == 200  # TC 13
    assert pact_host.footprints(B, "supplier", url=host.url) == [example(4)]
    outcome = pact_events.events(B, url=host.url)[0]["answer"]
    assert [k["id"] for k in outcome["kept"]] == [example(4)["id"]]
    assert outcome["refused"][0]["id"] == bad["id"] and outcome["refused"][0]["problem"]


def test_rejected_event_accepted(host: Host) -> None:
    r = _post(host, _event("RequestRejectedEvent", {"requestEventId": "req-x", "error": {
        "code": "NotFound", "message": "The requested footprint could not be found."}}))
    assert r.status_code == 200  # TC 14


@pytest.mark.parametrize("mutate", [
    lambda e: e.pop("data"),                                     # TC 40: malformed published event
    lambda e: e["data"].pop("pfIds"),
    lambda e: e["data"].update(pfIds=[]),
    lambda e: e.update(type="org.wbcsd.pact.ProductFootprint.Unknown.3"),
    lambda e: e.update(specversion="0.3"),
    lambda e: e.update(time="yesterday"),
    lambda e: e.pop("id"),
    lambda e: e.update(source=""),
])
def test_malformed_events(host: Host, mutate: Any) -> None:
    ev = _event("PublishedEvent", {"pfIds": [example(1)["id"]]})
    mutate(ev)
    r = _post(host, ev)
    assert (r.status_code, r.json()["code"]) == (400, "BadRequest")
    assert pact_events.events(A, url=host.url) == []


def test_malformed_request_and_body(host: Host) -> None:
    r = _post(host, _event("RequestCreatedEvent", {"validOn": "not a time"}))
    assert (r.status_code, r.json()["code"]) == (400, "BadRequest")
    r = _post(host, _event("RequestFulfilledEvent", {"requestEventId": "r", "pfs": []}))
    assert r.status_code == 400
    r = host.client.post("/pact/3/events", content=b"{not json", headers={
        **host.auth(), "Content-Type": "application/cloudevents+json"})
    assert (r.status_code, r.json()["code"]) == (400, "BadRequest")
    r = _post(host, _event("PublishedEvent", {"pfIds": ["x"]}), content_type="text/plain")
    assert r.status_code == 400


def test_errors_in_english_on_request(host: Host) -> None:
    r = host.client.get("/pact/3/footprints/nope", headers={**host.auth(), "Accept-Language": "en"})
    assert r.json() == {"code": "NotFound", "message": "the footprint nope does not exist"}
    r = host.client.get("/pact/3/nothing-here", headers=host.auth())
    assert (r.status_code, r.json()["code"]) == (404, "NotFound")


# ------------------------------------------------------------------------------------------ publishing
def test_a_changed_footprint_gets_a_new_id_and_the_old_is_deprecated(host: Host) -> None:
    changed = {**example(1), "productDescription": "changed"}
    again = pact_host.store_documents(A, [example(1)], "published", "again", host.url)
    assert not again[0].added  # the same document again adds nothing
    stored = pact_host.store_documents(A, [changed], "published", "changed", host.url)[0]
    assert stored.added and stored.replaced == example(1)["id"] and stored.pf_id != example(1)["id"]
    assert not pact_host.store_documents(A, [changed], "published", "changed", host.url)[0].added
    h = host.auth()
    old = host.client.get(f"/pact/3/footprints/{example(1)['id']}", headers=h).json()["data"]
    new = host.client.get(f"/pact/3/footprints/{stored.pf_id}", headers=h).json()["data"]
    assert old["status"] == "Deprecated" and new["status"] == "Active"
    assert new["precedingPfIds"] == [example(1)["id"]] and new["productDescription"] == "changed"
    active = host.client.get("/pact/3/footprints?status=Active", headers=h).json()["data"]
    assert [d["id"] for d in active] == [example(2)["id"], example(3)["id"], stored.pf_id]


def test_publishing_refuses_invalid_documents(host: Host) -> None:
    from zerocarbon.errors import InputError

    bad = {**example(2), "id": "5c1e0a3c-0000-4000-8000-000000000001", "pcf": {**example(2)["pcf"],
                                                                                "declaredUnitAmount": "-1"}}
    with pytest.raises(InputError) as info:
        pact_host.store_documents(A, [example(1), bad], "published", "bad.json", host.url)
    assert info.value.row == 2
    assert [d["id"] for d in pact_host.footprints(A, url=host.url)] == [example(n)["id"] for n in (1, 2, 3)]


def test_management_api(host: Host, tmp_path: Path) -> None:
    mgr = users.create_user("pact-mgr", "pw-long-enough-1", "factory_manager", factories=[A], url=host.url)
    clerk = users.create_user("pact-clerk", "pw-long-enough-1", "data_entry", factories=[A], url=host.url)
    token = lambda uid: create_access_token(users.get_user(uid, host.url), host.settings)  # type: ignore[arg-type]  # noqa: E731
    m = {"Authorization": f"Bearer {token(mgr)}"}
    r = host.client.post(f"/api/v1/factories/{A}/pact/clients", json={"name": "Acme"}, headers=m)
    assert r.status_code == 201
    cid, sec = r.json()["client_id"], r.json()["client_secret"]
    assert host.client.post("/pact/auth/token", data={"grant_type": "client_credentials"}, auth=(cid, sec)
                            ).status_code == 200
    names = [c["name"] for c in host.client.get(f"/api/v1/factories/{A}/pact/clients", headers=m).json()]
    assert "Acme" in names and all("secret" not in json.dumps(c) for c in names)
    c = {"Authorization": f"Bearer {token(clerk)}"}
    assert host.client.post(f"/api/v1/factories/{A}/pact/clients", json={}, headers=c).status_code == 403
    assert host.client.post(f"/api/v1/factories/{B}/pact/clients", json={}, headers=m).status_code == 404
    doc = {**example(4), "id": "7d3c1a2b-2222-4e5b-9a57-3c1d2e3f4a5b"}
    r = host.client.post(f"/api/v1/factories/{A}/pact/footprints", json={"data": [doc]}, headers=m)
    assert r.status_code == 200 and r.json()["footprints"][0]["added"]
    listed = host.client.get(f"/api/v1/factories/{A}/pact/footprints", headers=c).json()["data"]
    assert listed[-1] == doc
    r = host.client.post(f"/api/v1/factories/{A}/pact/footprints", json=[{"id": "x"}], headers=m)
    assert r.status_code == 422 and r.json()["error"]["code"] == "input.invalid"
    basic = base64.b64encode(f"{cid}:{sec}".encode()).decode()
    r = host.client.post("/pact/auth/token", content="grant_type=client_credentials",
                         headers={"Authorization": f"Basic {basic}",
                                  "Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200  # the raw form of TC 1
    assert host.client.delete(f"/api/v1/factories/{B}/pact/clients/{host.b_id}", headers=m).status_code == 404
    r = host.client.delete(f"/api/v1/factories/{A}/pact/clients/{cid}", headers=m)
    assert r.status_code == 200 and r.json()["revoked_at"]
    assert host.client.post("/pact/auth/token", data={"grant_type": "client_credentials"}, auth=(cid, sec)
                            ).status_code == 401
