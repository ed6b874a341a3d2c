"""Every dashboard page in Chinese and in English, as each role that sees it, in a real browser.

One server and one browser (conftest.py); the pages are visited in a loop. Each page must: open
(no error banner), speak one language (tests/web/page_checks.py: no Chinese in an English page but
names marked ``lang="zh"``, no stretch of English words in a Chinese page), show no machine path and
no float noise, render every chart (each chart div holds plotly's svg), and log no console error. The
trace drawer is opened on a metered and a declared line. Landing: an admin lands on a factory, the
authority on the portfolio (issue 10).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.web.page_checks import problems

pytestmark = pytest.mark.service

FACTORY = "JS-LIB-PACK-01"
PASSWORD = "correct-horse-battery"
FACTORY_PAGES = ("overview", "emissions", "energy", "meters", "inventory", "quality", "reports", "efficiency",
                 "verdict", "alerts", "planning", "footprints")
TIMEOUT = 60_000

#: Visible text of the page without what is marked as another language's proper name.
TEXT_JS = """(lang) => {
  const other = lang === "en" ? '[lang^="zh"]' : '[lang^="en"]';
  let text = document.body.innerText;
  // longest first: a short marked name may also occur inside a longer marked quotation
  const marked = Array.from(document.querySelectorAll(other), (el) => el.innerText || "").filter((t) => t);
  for (const t of marked.sort((a, b) => b.length - a.length)) text = text.split(t).join(" ");
  return text;
}"""
#: Chart divs that have not drawn their svg.
CHARTS_JS = """() => Array.from(document.querySelectorAll("div.chart")).filter(
  (d) => d.offsetParent !== null && !d.querySelector("svg.main-svg")).map((d) => d.id)"""


@pytest.fixture(scope="module")
def admin(server: Any) -> str:
    from zerocarbon.services.identity.users import create_user

    create_user("admin", PASSWORD, "admin", url=server.url)
    return "admin"


@pytest.fixture
def session(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    ctx = browser.new_context(viewport={"width": 1366, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"script error: {exc}"))
    page.on("console", lambda msg: errors.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    yield page, errors
    ctx.close()


def sign_in(page: Any, base: str, user: str) -> None:
    page.goto(f"{base}/login?lang=zh")
    page.fill("[data-testid=username]", user)
    page.fill("[data-testid=password]", PASSWORD)
    page.click("[data-testid=login-submit]")


def check(page: Any, errors: list[str], lang: str, where: str, found: list[str]) -> None:
    page.wait_for_selector("#content:not([hidden]), [data-testid=error-banner]:not([hidden])")
    banner = page.locator("[data-testid=error-banner]")
    if banner.is_visible():
        found.append(f"{where}: error banner: {banner.inner_text()}")
    page.wait_for_function(CHARTS_JS.replace("() =>", "() => 0 ===").replace(".map((d) => d.id)", ".length"),
                           timeout=20_000) if page.locator("div.chart").count() else None
    missing = page.evaluate(CHARTS_JS)
    found += [f"{where}: chart {c} not drawn" for c in missing]
    found += [f"{where}: {p}" for p in problems(page.evaluate(TEXT_JS, lang), lang)]
    found += [f"{where}: {e}" for e in errors]
    errors.clear()


def test_every_page_in_both_languages(server: Any, admin: str, session: tuple[Any, list[str]]) -> None:
    page, errors = session
    base = server.base
    found: list[str] = []
    # landing: the admin on a factory (the one with data), the authority on the portfolio
    sign_in(page, base, admin)
    page.wait_for_url(f"**/dashboard/f/{FACTORY}/overview**")
    for lang in ("zh", "en"):
        for name in FACTORY_PAGES:
            page.goto(f"{base}/dashboard/f/{FACTORY}/{name}?lang={lang}")
            check(page, errors, lang, f"{name} {lang}", found)
            if name == "inventory":
                for line in ("NG-UT-2023-03", "LPG-01"):
                    page.click(f"[data-testid=line-{line}]")
                    page.wait_for_selector("[data-testid=trace-explain]")
                    check(page, errors, lang, f"trace {line} {lang}", found)
                    page.click("[data-testid=trace-close]")
        # the base year: declared data only (meters came later)
        page.goto(f"{base}/dashboard/f/{FACTORY}/overview?lang={lang}&year=2022")
        check(page, errors, lang, f"overview 2022 {lang}", found)
        assert page.locator("[data-testid=year-note]").is_visible()
        options = page.eval_on_selector_all("#year-select option", "els => els.map(e => e.value)")
        assert options == ["2023", "2022"], options
        page.goto(f"{base}/dashboard/portfolio?lang={lang}")
        check(page, errors, lang, f"portfolio (admin) {lang}", found)
        page.goto(f"{base}/dashboard/region?lang={lang}")
        check(page, errors, lang, f"region (admin) {lang}", found)
    sign_in(page, base, "authority")
    page.wait_for_url("**/dashboard/portfolio**")
    for lang in ("zh", "en"):
        page.goto(f"{base}/dashboard/portfolio?lang={lang}")
        check(page, errors, lang, f"portfolio (authority) {lang}", found)
        assert page.locator(f"[data-testid=p-intensity-{FACTORY}] li").count() >= 1
        page.goto(f"{base}/dashboard/region?lang={lang}")
        check(page, errors, lang, f"region (authority) {lang}", found)
        assert page.locator(f"[data-testid=rg-tier-{FACTORY}]").is_visible()
    assert found == [], "\n".join(found)
