"""The CSV method block is in one language: a meter left out (no grid factor for the year) says why in that language.

The world's factory A has no 江苏 grid factor for 2031, so its electricity meter E1 is not included that year.
"""

from __future__ import annotations

import csv

from tests.api.conftest import OURS, World

BASE = f"/api/v1/factories/{OURS}/hourly-carbon/2031"


def _block(body: bytes) -> list[str]:
    """The method lines (a line holding a comma is a quoted CSV cell)."""
    cells = [row[0] for row in csv.reader(body[3:].decode("utf-8").splitlines()) if row]
    return [c[2:] for c in cells if c.startswith("# ")]


def test_left_out_meters_are_explained_in_the_requested_language(world: World) -> None:
    h = world.auth("factory_manager")
    en = [ln for ln in _block(world.client.get(BASE, params={"format": "csv", "lang": "en"}, headers=h).content)
          if ln.startswith("not included: E1")]
    reason = en[0].split(" — ", 1)[1]
    assert reason.startswith("no factor electricity_grid_average") and "因子库" not in reason, en
    zh = [ln for ln in _block(world.client.get(BASE, params={"format": "csv"}, headers=h).content)
          if ln.startswith("未计入: E1")]
    reason = zh[0].split(" — ", 1)[1]
    assert reason.startswith("因子库中没有 electricity_grid_average") and "no factor" not in reason, zh


def test_lang_query_sets_the_language_of_errors_too() -> None:
    """``?lang=en`` answers an error in English even when Accept-Language prefers Chinese."""
    from starlette.requests import Request

    from zerocarbon.api.errors import request_lang

    def req(query: str, accept: str) -> Request:
        return Request({"type": "http", "query_string": query.encode(), "headers": [(b"accept-language",
                                                                                    accept.encode())]})

    assert request_lang(req("lang=en", "zh-CN,zh;q=0.9")) == "en"
    assert request_lang(req("lang=zh", "en-US")) == "zh"
    assert request_lang(req("lang=fr", "en-US")) == "en"  # an unknown value falls back to the header
    assert request_lang(req("", "")) == "zh"
