"""One error format, in Chinese by default and in English when asked (Accept-Language)."""

from __future__ import annotations

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from tests.api.conftest import FOREIGN, OURS, World

from zerocarbon.api.app import create_app
from zerocarbon.api.errors import ApiError
from zerocarbon.api.settings import Settings
from zerocarbon.errors import InputError

EN = {"Accept-Language": "en-GB,en;q=0.9"}


def _error(r: object) -> dict[str, object]:
    body = r.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"])
    return dict(body["error"])


def test_not_found_in_both_languages(world: World) -> None:
    h = world.auth("factory_manager")
    zh = world.client.get(f"/api/v1/factories/{FOREIGN}", headers=h)
    en = world.client.get(f"/api/v1/factories/{FOREIGN}", headers={**h, **EN})
    assert zh.status_code == en.status_code == 404
    assert _error(zh)["code"] == _error(en)["code"] == "factory.not_found"
    assert "没有找到" in str(_error(zh)["message"]) and zh.headers["content-language"] == "zh-CN"
    assert str(_error(en)["message"]).startswith("not found") and en.headers["content-language"] == "en"
    # A factory that does not exist at all answers exactly the same: existence is not revealed.
    ghost = world.client.get("/api/v1/factories/NO-SUCH-FACTORY", headers={**h, **EN})
    assert ghost.status_code == 404 and ghost.json() == en.json()


@pytest.mark.parametrize(("header", "lang"), [
    ("", "zh"), ("en", "en"), ("en-US", "en"), ("zh-CN,zh;q=0.9,en;q=0.8", "zh"), ("fr, en;q=0.5", "en"),
    ("en;q=0.2, zh;q=0.8", "zh"), ("de", "zh"), ("en;q=0", "zh"), ("en;q=abc", "zh"),
])
def test_language_negotiation(world: World, header: str, lang: str) -> None:
    r = world.client.get("/api/v1/users/me", headers={"Accept-Language": header} if header else {})
    assert r.status_code == 401
    assert r.headers["content-language"] == {"zh": "zh-CN", "en": "en"}[lang]
    assert ("请先登录" in str(_error(r)["message"])) == (lang == "zh")


def test_validation_errors_have_a_stable_code(world: World) -> None:
    h = world.auth("factory_manager")
    r = world.client.get(f"/api/v1/factories/{OURS}/activity", params={"year": "twenty"}, headers={**h, **EN})
    err = _error(r)
    assert r.status_code == 422 and err["code"] == "request.invalid"
    assert err["details"][0]["loc"] == ["query", "year"]  # type: ignore[index]
    r = world.client.post("/api/v1/auth/token", data={"username": "mgr"})
    assert r.status_code == 422 and _error(r)["code"] == "request.invalid"
    # The password is never echoed back in an error.
    r = world.client.post("/api/v1/users", headers=world.auth("admin"),
                          json={"username": "x", "password": "secret-but-short"[:5], "role": "admin"})
    assert r.status_code == 422 and "secre" not in r.text


def test_input_errors_carry_their_location(world: World) -> None:
    """A ZerocarbonError from a service becomes 422 with the field it names, in both languages."""
    h = world.auth("factory_manager")
    body = {"meter": "E1", "ts": 1_500_000_000, "value": 1.0, "reason": "no such reading"}
    zh = world.client.post(f"/api/v1/factories/{OURS}/corrections", json=body, headers=h)
    en = world.client.post(f"/api/v1/factories/{OURS}/corrections", json=body, headers={**h, **EN})
    assert zh.status_code == en.status_code == 422
    assert _error(zh)["code"] == "input.invalid" and _error(zh)["details"]["field"] == "ts"  # type: ignore[index]
    assert "没有可更正的读数" in str(_error(zh)["message"])
    assert "no reading" in str(_error(en)["message"])


def test_router_errors_are_json(world: World) -> None:
    r = world.client.get("/api/v1/nothing-here", headers=EN)
    assert r.status_code == 404 and _error(r)["code"] == "route.not_found"
    r = world.client.delete("/api/v1/factories", headers=EN)
    assert r.status_code == 405 and _error(r)["code"] == "method.not_allowed"


def test_unexpected_errors_are_500_json_without_details(tmp_path: object) -> None:
    app = create_app(Settings(environment="development"))
    boom = APIRouter()

    @boom.get("/boom")
    def explode() -> None:
        raise RuntimeError("secret internals")

    @boom.get("/teapot")
    def teapot() -> None:
        raise ApiError(418, "tea.pot", "我是茶壶", "I am a teapot", {"brew": "green"})

    @boom.get("/input")
    def bad_input() -> None:
        raise InputError("第 3 行有误", "row 3 is wrong", file="a.xlsx", sheet="能源", row=3, field="amount",
                         expected="a number")

    app.include_router(boom)
    client = TestClient(app, raise_server_exceptions=False)
    r = client.get("/boom", headers=EN)
    assert r.status_code == 500 and _error(r) == {"code": "internal.error", "message": _error(r)["message"],
                                                  "details": None}
    assert "secret internals" not in r.text
    r = client.get("/teapot")
    assert r.status_code == 418
    assert _error(r) == {"code": "tea.pot", "message": "我是茶壶", "details": {"brew": "green"}}
    r = client.get("/input", headers=EN)
    err = _error(r)
    assert r.status_code == 422 and err["code"] == "input.invalid"
    assert err["details"] == {"file": "a.xlsx", "sheet": "能源", "row": 3, "field": "amount", "expected": "a number"}
    assert err["message"] == "file a.xlsx, sheet 能源, row 3, field amount: row 3 is wrong (expected: a number)"
