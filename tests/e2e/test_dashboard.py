"""The dashboard in a real browser (Chromium, Playwright) against the real server.

Figures on the pages are compared with an independent run of the engine (``run_store_inventory``
with the same declared file): displayed values exactly, full values (``data-value``) at a relative
1e-12 (the engine's metered amounts are float sums, not bit-reproducible from run to run).
Screenshots of the main pages at laptop (1366×768) and wall (2560×1440, wall mode) sizes go to
``tests/e2e/artifacts/``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.service

FACTORY = "JS-LIB-PACK-01"  # as built by conftest.py
FOREIGN = "GD-OTHER-01"
PASSWORD = "correct-horse-battery"
LAPTOP = {"width": 1366, "height": 768}
WALL = {"width": 2560, "height": 1440}
TIMEOUT = 60_000  # [ms] the first inventory of a fresh server is computed on demand


def shown(value: Decimal, places: int = 2) -> str:
    return f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,.{places}f}"


def close(text: str, value: Decimal) -> bool:
    return abs(Decimal(text) - value) <= Decimal("1e-12") * max(abs(value), Decimal(1))


@pytest.fixture(scope="module")
def engine(server: Any) -> Any:
    from zerocarbon.services.dashboard import declared_file
    from zerocarbon.services.inventory.runs import run_store_inventory

    return run_store_inventory(FACTORY, server.year, url=server.url, declared=declared_file(FACTORY))


def month_engine(server: Any, month: str) -> Any:
    """The engine's own inventory of one month (``run_store_inventory(month=...)``)."""
    from zerocarbon.services.dashboard import declared_file
    from zerocarbon.services.inventory.runs import run_store_inventory

    return run_store_inventory(FACTORY, server.year, url=server.url, declared=declared_file(FACTORY), month=month,
                               mc_draws=0).inventory


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport=LAPTOP, accept_downloads=True, locale="zh-CN")
    pg = ctx.new_page()
    pg.set_default_timeout(TIMEOUT)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    ctx.close()
    assert not errors, f"script errors on the page: {errors}"


def sign_in(pg: Any, base: str, username: str = "manager", lang: str = "zh") -> None:
    pg.goto(f"{base}/login?lang={lang}")
    pg.fill("[data-testid=username]", username)
    pg.fill("[data-testid=password]", PASSWORD)
    pg.click("[data-testid=login-submit]")
    # the home page sends a factory's manager to its overview, an authority to the portfolio
    pg.wait_for_url("**/dashboard/portfolio**" if username == "authority" else f"**/dashboard/f/{FACTORY}/overview**")
    wait_ready(pg)


def wait_ready(pg: Any) -> None:
    pg.wait_for_selector("#content:not([hidden]), [data-testid=error-banner]:not([hidden])")


def test_sign_in_and_the_overview_shows_the_engines_figures(page: Any, server: Any, engine: Any) -> None:
    page.goto(f"{server.base}/dashboard/f/{FACTORY}/overview")
    page.wait_for_url("**/login**")  # no token yet: to the sign-in page, and back after it
    page.fill("[data-testid=username]", "manager")
    page.fill("[data-testid=password]", "wrong password")
    page.click("[data-testid=login-submit]")
    page.wait_for_selector("[data-testid=login-error]:not([hidden])")
    page.fill("[data-testid=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"**/dashboard/f/{FACTORY}/overview**")
    year_total = page.wait_for_selector("[data-testid=year-total][data-value]")
    totals = engine.inventory.totals
    assert year_total.inner_text() == shown(totals.gbt32150_total)
    assert close(year_total.get_attribute("data-value"), totals.gbt32150_total)
    month = page.inner_text("#kpi-month-period")
    month_total = page.query_selector("[data-testid=month-total]")
    assert month == f"{engine.year}-12"
    assert page.inner_text("#kpi-month-label") == "最近一个月排放"  # a past year: its latest month, not "this month"
    monthly = month_engine(server, month)
    assert month_total.inner_text() == shown(monthly.totals.gbt32150_total)
    assert close(month_total.get_attribute("data-value"), monthly.totals.gbt32150_total)
    assert page.inner_text("[data-testid=scope-month-period]") == month
    for key in ("scope1", "scope2_location", "scope2_market"):
        cell = page.query_selector(f"[data-testid=scope-{key}] .num")
        assert cell.inner_text() == shown(getattr(totals, key)), key
        cell = page.query_selector(f"[data-testid=scope-month-{key}] .num")
        assert cell.inner_text() == shown(getattr(monthly.totals, key)), key
        assert close(cell.get_attribute("data-value"), getattr(monthly.totals, key)), key
        link = page.get_attribute(f"[data-testid=scope-month-{key}]", "href")  # drills down to the month's lines
        assert f"period={month}" in link and "category=scope" in link, link
    for product in engine.inventory.intensities:
        cell = page.query_selector(f"[data-testid=intensity-{product.product}] .num")
        assert cell.inner_text() == shown(product.intensity, 4)
    change = Decimal(engine.comparison["vs_base"][str(engine.year)]["gbt32150_total"]["pct"])
    assert page.inner_text("[data-testid=progress]") == shown(-change, 1)
    assert "8" in page.inner_text("[data-testid=alerts]")  # the sample's eight missing gas intervals


def test_drill_down_from_a_figure_to_its_trace(page: Any, server: Any, engine: Any) -> None:
    sign_in(page, server.base)
    page.wait_for_selector("[data-testid=year-total][data-value]")
    page.click("[data-testid=kpi-year]")  # the year's total → the lines it is made of
    page.wait_for_url("**/inventory**")
    page.wait_for_selector("[data-testid=inv-lines] button[data-line]")
    assert page.inner_text("[data-testid=inv-total-gbt32150_total]") == shown(engine.inventory.totals.gbt32150_total)
    page.fill("[data-testid=inv-q]", "NG-UT-2023-03")
    page.wait_for_selector("[data-testid='line-NG-UT-2023-03']")
    line = engine.inventory.line("NG-UT-2023-03")
    figure = page.query_selector("[data-testid='fig-gbt32150-NG-UT-2023-03']")
    assert figure.inner_text() == shown(line.emissions("gbt32150"))
    figure.click()
    page.wait_for_selector("[data-testid=trace-meters]")
    drawer = page.inner_text("[data-testid=trace-drawer]")
    assert page.inner_text("[data-testid=trace-emissions-gbt32150]") == shown(line.emissions("gbt32150"))
    sources = [e.inner_text() for e in page.query_selector_all("[data-testid=trace-factors-gbt32150] "
                                                                "[data-testid=factor-source]")]
    expected = [f.row.source_document for f in line.figures["gbt32150"].factors if f.row is not None]
    assert len(sources) == len(expected) and all(doc in s for doc, s in zip(expected, sources, strict=True)), \
        "each factor names its source document"
    # the explanation reaches the readings: the month's gap and the invoice beside the meter (issue 9)
    assert "NG-UT" in drawer and "2023-03-10 02:00" in drawer and "NG-03" in drawer
    assert "估算 8 个" in drawer and "estimated" not in drawer  # the meters' summary, in the page's language
    page.click("[data-testid=raw-readings] summary")
    assert page.query_selector_all("[data-testid=raw-readings] tr")  # the meter readings themselves
    page.screenshot(path=str(Path(__file__).parent / "artifacts" / "trace_laptop.png"))
    page.click("[data-testid=open-meter]")  # and the load curve of the month, gap highlighted
    page.wait_for_url("**/meters?**")
    page.wait_for_selector("[data-testid=meter-stat-2]")
    assert page.inner_text("[data-testid=meter-stat-2]") == "8"
    assert "2023-03-10 02:00" in page.inner_text("[data-testid=gap-table]")


def test_switch_language_and_it_stays(page: Any, server: Any, engine: Any) -> None:
    sign_in(page, server.base)
    page.wait_for_selector("[data-testid=year-total][data-value]")
    assert "本年排放总量" in page.inner_text("main")
    page.click("[data-testid=lang-toggle]")
    page.wait_for_selector("text=Emissions this year")
    page.wait_for_selector("[data-testid=year-total][data-value]")
    assert page.inner_text("[data-testid=year-total]") == shown(engine.inventory.totals.gbt32150_total)
    assert page.inner_text("#kpi-month-label") == "Emissions in the latest month"
    assert page.evaluate("document.documentElement.lang") == "en"
    page.goto(f"{server.base}/dashboard/f/{FACTORY}/emissions")  # no lang in the address: the choice is kept
    page.wait_for_selector("text=Emissions by month (tCO2e)")
    assert "lang=en" in page.url
    page.click("[data-testid=lang-toggle]")
    page.wait_for_selector("text=逐月排放（tCO2e）")


def test_download_a_report(page: Any, server: Any, engine: Any, tmp_path: Path) -> None:
    sign_in(page, server.base)
    page.goto(f"{server.base}/dashboard/f/{FACTORY}/reports")
    page.wait_for_selector(f"[data-testid=dl-{engine.year}-json]")
    with page.expect_download(timeout=120_000) as info:
        page.click(f"[data-testid=dl-{engine.year}-json]")
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.suffix == ".json"
    report = json.loads(saved.read_text(encoding="utf-8"))
    assert close(report["totals"]["gbt32150_total"], engine.inventory.totals.gbt32150_total)
    with page.expect_download(timeout=120_000) as info:
        page.click(f"[data-testid=dl-{engine.year}-xlsx]")
    xlsx = tmp_path / info.value.suggested_filename
    info.value.save_as(xlsx)
    assert xlsx.suffix == ".xlsx" and xlsx.read_bytes()[:2] == b"PK"


def test_a_foreign_factory_is_refused(page: Any, server: Any) -> None:
    sign_in(page, server.base)
    page.goto(f"{server.base}/dashboard/f/{FOREIGN}/overview")
    banner = page.wait_for_selector("[data-testid=error-banner]:not([hidden])")
    assert "没有找到" in banner.inner_text()
    assert page.query_selector("[data-testid=year-total][data-value]") is None
    page.goto(f"{server.base}/dashboard/f/{FOREIGN}/overview?lang=en")
    banner = page.wait_for_selector("[data-testid=error-banner]:not([hidden])")
    assert "not found" in banner.inner_text()


MAIN_PAGES = ("overview", "emissions", "energy", "meters", "inventory", "quality", "reports")


@pytest.mark.parametrize("size", ["laptop", "wall"])
def test_screenshots_of_the_main_pages(browser: Any, server: Any, size: str) -> None:
    viewport = LAPTOP if size == "laptop" else WALL
    out = Path(__file__).parent / "artifacts"
    out.mkdir(exist_ok=True)
    for user, pages in (("manager", MAIN_PAGES), ("authority", ("portfolio",))):
        ctx = browser.new_context(viewport=viewport)
        pg = ctx.new_page()
        pg.set_default_timeout(TIMEOUT)
        errors: list[str] = []
        pg.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        sign_in(pg, server.base, user)
        for name in pages:
            path = "/dashboard/portfolio" if name == "portfolio" else f"/dashboard/f/{FACTORY}/{name}"
            extra = "&meter=NG-UT&start=2023-03-09&end=2023-03-11" if name == "meters" else ""
            pg.goto(f"{server.base}{path}?wall={'1' if size == 'wall' else '0'}{extra}")
            wait_ready(pg)
            assert pg.query_selector("[data-testid=error-banner]:not([hidden])") is None, name
            if name in ("overview", "emissions", "energy", "meters"):
                pg.wait_for_selector(".js-plotly-plot")
            pg.wait_for_timeout(500)
            pg.screenshot(path=str(out / f"{name}_{size}.png"))
        assert pg.evaluate("document.documentElement.classList.contains('wall')") == (size == "wall")
        ctx.close()
        assert not errors, errors
