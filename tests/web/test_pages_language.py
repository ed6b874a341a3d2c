"""Every page template of the dashboard in each language, rendered by the server (fast, no browser):
its visible text and the message catalogue handed to its scripts hold no string of the other
language, no machine path and no float noise (the rules of tests/web/page_checks.py).

The figures themselves arrive later from the data API; the browser tests (tests/e2e/test_page_language.py)
check the filled pages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.web.page_checks import problems

from zerocarbon.api.app import create_app
from zerocarbon.api.settings import Settings
from zerocarbon.web.i18n import MESSAGES, catalogue
from zerocarbon.web.routes import COMING, FACTORY_PAGES

PAGES = ("/login", "/dashboard/", "/dashboard/portfolio", "/dashboard/region",
         *(f"/dashboard/f/F-1/{p}" for p in (*FACTORY_PAGES, *COMING)))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from zerocarbon.store.db import migrate

    url = f"sqlite:///{Path(tmp_path_factory.mktemp('pages')) / 'store.db'}"
    migrate(url)
    with TestClient(create_app(Settings(database_url=url))) as c:
        yield c


def visible_text(html: str) -> str:
    """The text a reader sees of a page as served: without scripts, styles and tags."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html.replace("&nbsp;", " "))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_a_page_speaks_one_language(client: TestClient, path: str, lang: str) -> None:
    r = client.get(path, params={"lang": lang})
    assert r.status_code == 200
    text = visible_text(r.text)
    assert problems(text, lang) == [], path
    config = json.loads(re.search(r'<script id="zc-config" type="application/json">(.*?)</script>', r.text,
                                  re.S).group(1).replace("<\\/", "</"))  # type: ignore[union-attr]
    assert config["lang"] == lang
    strings = " | ".join(config["i18n"].values())
    assert problems(strings, lang) == [], path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_message_has_both_languages(lang: str) -> None:
    assert all(set(v) >= {"zh", "en"} and v["zh"] and v["en"] for v in MESSAGES.values())
    assert problems(" | ".join(catalogue(lang).values()), lang) == []


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("排放总量 1,234.50 tCO2e", "zh", []),
    ("2976 of 2976 intervals; 0 missing", "zh", ["English in a Chinese page: '2976 of"]),
    ("能源 tce GB/T 2589 口径", "zh", []),
    ("数据质量 metered intervals", "zh", ["English in a Chinese page: 'metered intervals'"]),
    ("Emissions 江苏", "en", ["Chinese in an English page"]),
    ("file sqlite:////tmp/x.db", "en", ["machine path"]),
    ("value 0.30000000000000004", "en", ["float noise"]),
])
def test_the_checks_catch_what_they_should(text: str, lang: str, expected: list[str]) -> None:
    found = problems(text, lang)
    if not expected:
        assert found == []
    for e in expected:
        assert any(f.startswith(e) for f in found), found
