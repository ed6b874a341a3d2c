"""The battery declarations on the footprints page (产品碳足迹), in a real browser: Chinese by default, English
switchable, each one language; the figures are those of an independent run of the sample study on the store's
inventory (``run_study(..., factory=...)``, what ``zerocarbon footprint report --factory`` does); the JSON
download is the CLI's declaration. Screenshots: ``tests/e2e/artifacts/footprints_declarations_{zh,en}.png``.
"""

from __future__ import annotations

import json
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.web.page_checks import problems

pytestmark = pytest.mark.service

FACTORY = "JS-LIB-PACK-01"
PASSWORD = "correct-horse-battery"
TIMEOUT = 90_000
TEXT_JS = """(lang) => {
  const other = lang === "en" ? '[lang^="zh"]' : '[lang^="en"]';
  let text = document.body.innerText;
  const marked = Array.from(document.querySelectorAll(other), (el) => el.innerText || "").filter((t) => t);
  for (const t of marked.sort((a, b) => b.length - a.length)) text = text.split(t).join(" ");
  return text;
}"""


def shown(value: Decimal, places: int = 4) -> str:
    return f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,.{places}f}"


@pytest.fixture(scope="module")
def study(server: Any) -> dict[str, Any]:
    """The sample study as the factory's companion file, and its declarations computed independently."""
    from zerocarbon.demo.generator import SAMPLE_FILE
    from zerocarbon.services.footprint import run_study
    from zerocarbon.services.footprint.eu_battery import eu_declarations

    declared = Path(server.declared_dir)
    shutil.copy(SAMPLE_FILE.parent / "sample_footprint.yaml", declared / f"{FACTORY}.footprint.yaml")
    for name in ("sample_factory.yaml", "sample_supplier_pact.json"):
        shutil.copy(SAMPLE_FILE.parent / name, declared / name)
    result = run_study(declared / f"{FACTORY}.footprint.yaml", factory=FACTORY, url=server.url, iterations=0)
    evp = next(p for p in result.products if p.item.id == "EVP")
    assert evp.battery is not None
    return {"cn": evp.battery.form(), "eu": eu_declarations(result)["EVP"].form()}


def _open(browser: Any, server: Any, lang: str) -> tuple[Any, Any, list[str]]:
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"script error: {exc}"))
    page.goto(f"{server.base}/login?lang={lang}")
    page.fill("[data-testid=username]", "manager")
    page.fill("[data-testid=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"**/dashboard/f/{FACTORY}/overview**")
    page.goto(f"{server.base}/dashboard/f/{FACTORY}/footprints" + ("?lang=en" if lang == "en" else ""))
    page.wait_for_selector("#content:not([hidden]), [data-testid=error-banner]:not([hidden])")
    return ctx, page, errors


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_declarations_on_the_footprints_page(browser: Any, server: Any, study: dict[str, Any], lang: str,
                                             tmp_path: Path) -> None:
    ctx, page, errors = _open(browser, server, lang)
    try:
        assert page.query_selector("[data-testid=error-banner]:not([hidden])") is None
        eu = page.wait_for_selector("[data-testid=fpd-eu-EVP]")
        cn = page.wait_for_selector("[data-testid=fpd-cn-EVP]")
        # the figures: each EU stage and the total [kgCO2e/kWh] as the independent run gives them
        text = eu.inner_text()
        for s in study["eu"]["e_stages"]:
            assert shown(Decimal(s["kgCO2e_per_kWh"])) in text, s["stage"]
        assert shown(Decimal(study["eu"]["d_carbon_footprint_kgCO2e_per_kWh"])) in text
        assert shown(Decimal(study["cn"]["declared_kgCO2e_per_kWh"])) in cn.inner_text()
        # one bar per stage in each chart
        assert len(page.query_selector_all("[data-testid=fpd-chart-eu-EVP] rect")) == 4
        assert len(page.query_selector_all("[data-testid=fpd-chart-cn-EVP] rect")) == 4
        # the draft status and the incompleteness are on the page
        draft = page.inner_text("[data-testid=fpd-eu-draft-EVP]")
        incomplete = page.inner_text("[data-testid=fpd-eu-incomplete-EVP]")
        if lang == "zh":
            assert "草案" in draft and "符合性声明编号" in incomplete and "研究公开版本链接" in incomplete
        else:
            assert "draft" in draft and "declaration of conformity" in incomplete
        assert not problems(page.evaluate(TEXT_JS, lang), lang)
        out = Path(__file__).parent / "artifacts"
        out.mkdir(exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")  # the sticky header stays at the top of the full-page picture
        page.screenshot(path=str(out / f"footprints_declarations_{lang}.png"), full_page=True)
        # the JSON download is the CLI's declaration
        with page.expect_download(timeout=TIMEOUT) as info:
            page.click("[data-testid=fpd-dl-EVP-eu-json]")
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
        assert saved.name == "battery_declaration_eu_EVP.json"
        assert json.loads(saved.read_text(encoding="utf-8")) == json.loads(json.dumps(study["eu"], default=str))
    finally:
        ctx.close()
    assert not errors, errors
