"""The PACT v3 client against our own host in-process, and against made-up hosts for what ours never does.

A supplier factory S publishes the official v3 examples on the host; the customer factory C pulls
them with the credentials S gave it: every footprint arrives losslessly (equal documents, and
``export_v3(import_document(doc)) == doc``), over several pages; the supplier file written for a
study reads back with the study's importer. A request event's answer travels back the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from zerocarbon.api.app import create_app
from zerocarbon.api.routes.pact import PactSettings, pact_app
from zerocarbon.api.settings import Settings
from zerocarbon.errors import InputError
from zerocarbon.footprint.pact import export_v3, import_document
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.footprint import exchange, pact_client, pact_events, pact_host
from zerocarbon.services.metering.setup import save_setup

REF = exchange.reference_dir()
pytestmark = pytest.mark.skipif(REF is None, reason="the PACT reference files (../shared/reference/pact) are absent")
SUPPLIER, CUSTOMER = "SUP-01", "CUS-01"
BASE = "https://testserver/pact"


def example(n: int) -> dict[str, Any]:
    assert REF is not None
    doc: dict[str, Any] = json.loads((REF / "v3" / "examples" / f"example-{n}.json").read_text(encoding="utf-8"))
    return doc


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    from zerocarbon.store.db import get_engine, migrate

    url = f"sqlite:///{tmp_path / 'store.db'}"
    migrate(url)
    for fid in (SUPPLIER, CUSTOMER):
        save_setup(FactorySetup.model_validate({"factory": {"id": fid, "name_zh": fid, "name_en": fid,
                                                            "province": "江苏"}, "nodes": [], "meters": []}), url)
    docs = [example(n) for n in (1, 2, 3, 4)]
    pact_host.store_documents(SUPPLIER, docs, "published", "examples", url)
    settings = Settings(database_url=url, secret_key="client-test-" + "k" * 40, environment="production")
    app = create_app(settings)
    app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", "") != "/pact"]
    app.mount("/pact", pact_app(settings, PactSettings(page_size=3)))  # pages of 3: the client must follow links
    test_client = TestClient(app, base_url="https://testserver")
    cid, secret = pact_host.create_client(SUPPLIER, "customer C", url)
    yield {"url": url, "docs": docs, "transport": test_client._transport, "cid": cid, "secret": secret,
           "tmp": tmp_path}
    test_client.close()
    get_engine(url).dispose()


def session(w: dict[str, Any], secret: str | None = None) -> pact_client.PactHost:
    return pact_client.PactHost(BASE, w["cid"], secret or w["secret"], transport=w["transport"])


def test_pull_round_trips_losslessly_over_pages(world: dict[str, Any]) -> None:
    with session(world) as s:
        assert s.token_endpoint() == f"{BASE}/auth/token"  # no OpenID configuration offered: the fallback
        result = pact_client.pull(CUSTOMER, s, url=world["url"])
    assert result.refused == [] and [x.added for x in result.stored] == [True] * 4
    pulled = pact_host.footprints(CUSTOMER, "supplier", url=world["url"])
    assert pulled == world["docs"]
    assert all(export_v3(import_document(d)) == d for d in pulled)
    with session(world) as s:  # pulling again adds nothing
        assert not any(x.added for x in pact_client.pull(CUSTOMER, s, url=world["url"]).stored)


def test_pull_with_a_filter_and_get(world: dict[str, Any]) -> None:
    with session(world) as s:
        result = pact_client.pull(CUSTOMER, s, {"productId": ["urn:gtin:5268596541023"]}, url=world["url"])
        assert [x.pf_id for x in result.stored] == [example(3)["id"], example(4)["id"]]
        assert s.get_footprint(example(2)["id"]) == example(2)
        with pytest.raises(InputError, match="404"):
            s.get_footprint("00000000-0000-0000-0000-000000000000")


def test_supplier_file_is_usable_by_a_study(world: dict[str, Any]) -> None:
    from zerocarbon.services.footprint.pact_filters import criteria_from

    with session(world) as s:
        pact_client.pull(CUSTOMER, s, url=world["url"])
    path, n = pact_host.write_supplier_file(CUSTOMER, world["tmp"] / "supplier.json",
                                            criteria_from({"productId": ["urn:gtin:4712345060507"]}), world["url"])
    items = exchange.import_file(path, "urn:gtin:4712345060507")  # what a study's suppliers[].pact_file reads
    assert n == 1 and [fp.id for fp, _ in items] == [example(2)["id"]]
    assert items[0][1].startswith("valid")


def test_bad_credentials_and_plain_http(world: dict[str, Any]) -> None:
    with pytest.raises(InputError, match="401"), session(world, "wrong") as s:
        s.list_footprints()
    with pytest.raises(InputError, match="https"):
        pact_client.PactHost("http://testserver/pact", world["cid"], world["secret"])


def test_expired_token_is_renewed(world: dict[str, Any]) -> None:
    import time

    import jwt

    with session(world) as s:
        now = int(time.time())
        s._token = jwt.encode({"sub": world["cid"], "factory": SUPPLIER, "type": "pact", "iat": now - 99,
                               "exp": now - 60, "iss": "zerocarbon"}, "client-test-" + "k" * 40, algorithm="HS256")
        assert len(s.list_footprints()) == 4
        assert s._token is not None and jwt.decode(s._token, options={"verify_signature": False})["exp"] > now


def test_request_answer_travels_back(world: dict[str, Any]) -> None:
    """C asks S for a product (RequestCreatedEvent); S delivers the answer to C's events endpoint on the same
    host, with the credentials C gave S; C keeps the footprint as a supplier footprint."""
    url = world["url"]
    with session(world) as s:
        s.send_event({"specversion": "1.0", "id": "req-1", "source": "//testserver/pact/3/events",
                      "time": "2025-05-19T10:30:00Z", "type": pact_events.REQUEST_CREATED,
                      "data": {"productId": ["urn:gtin:4712345060507"]}})
    back_id, back_secret = pact_host.create_client(CUSTOMER, "supplier S answering", url)
    with pact_client.PactHost(BASE, back_id, back_secret, transport=world["transport"]) as back:
        sent = pact_client.deliver_answers(SUPPLIER, back, url)
        assert pact_client.deliver_answers(SUPPLIER, back, url) == []  # delivered once
    assert [x["answer"] for x in sent] == [pact_events.REQUEST_FULFILLED]
    assert pact_host.footprints(CUSTOMER, "supplier", url=url) == [example(2)]
    assert pact_events.events(SUPPLIER, "answered", url)[0]["event_id"] == "req-1"


def test_next_link_to_another_host_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/auth/token"):
            return httpx.Response(200, json={"access_token": "t", "token_type": "bearer"})
        if request.url.path.endswith("openid-configuration"):
            return httpx.Response(404)
        return httpx.Response(200, json={"data": []}, headers={"Link": '<https://evil.example/3/footprints>; '
                                                                        'rel="next"'})

    with pact_client.PactHost("https://supplier.example", "c", "s", transport=httpx.MockTransport(handler)) as s, \
            pytest.raises(InputError, match="another host"):
        s.list_footprints()


def test_server_errors_are_retried_with_backoff() -> None:
    calls: list[str] = []
    waits: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path.endswith("/auth/token"):
            return httpx.Response(200, json={"access_token": "t", "token_type": "bearer"})
        if request.url.path.endswith("openid-configuration"):
            return httpx.Response(200, json={"token_endpoint": "https://id.supplier.example/auth/token"})
        if calls.count("/3/footprints") < 3:
            return httpx.Response(503)
        return httpx.Response(200, json={"data": [{"id": "x"}]})

    with pact_client.PactHost("https://supplier.example", "c", "s", transport=httpx.MockTransport(handler),
                              sleep=waits.append) as s:
        assert s.list_footprints() == [{"id": "x"}]
    assert "/auth/token" in calls and len(waits) == 2 and 0.25 <= waits[0] < 0.75 and 0.5 <= waits[1] < 1.5
