"""The efficiency page (能效对标) in a real browser: it grades the factory's stored register when the page opens
(台账来源 store), its companion register file while nothing is stored (台账来源 file), and an uploaded file
instead when one is sent; the verdict's 节能装备应用占比 follows the stored register.

Reference figures: the sample register (``demo/sample_equipment.yaml``) graded from the file by the importer,
and two motors graded by hand (GB 18613-2020 表1, 4 poles): 7.5 kW at 94.1 % ≥ 94.0 % is grade 1, 5.5 kW at
89.5 % < 89.6 % is below the minimum, so 节能装备应用占比 = 7.5 / 13 = 57.7 %.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal as D
from typing import Any

import pytest
from tests.e2e.conftest import FACTORY, PASSWORD
from tests.web.page_checks import problems

from zerocarbon.services.demo.main import SAMPLE_EQUIPMENT
from zerocarbon.services.efficiency.runs import diagnose_factory, grade_register, load_register

pytestmark = pytest.mark.service

TWO = (b"devices:\n"
       b"- {code: L1-M2, kind: motor_lv, rated_power_kw: '7.5', poles: 4, voltage_v: '380', efficiency_pct: '94.1'}\n"
       b"- {code: L1-M1, kind: motor_lv, rated_power_kw: '5.5', poles: 4, voltage_v: '380', efficiency_pct: '89.5'}\n"
       )


@pytest.fixture
def eff_page(browser: Any, server: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto(f"{server.base}/login?lang=zh")
    pg.fill("[data-testid=username]", "manager")
    pg.fill("[data-testid=password]", PASSWORD)
    pg.click("[data-testid=login-submit]")
    pg.wait_for_url(f"**/dashboard/f/{FACTORY}/overview**")
    yield pg
    ctx.close()
    assert not errors, f"script errors on the page: {errors}"


def open_page(pg: Any, base: str, lang: str = "zh") -> str:
    pg.goto(f"{base}/dashboard/f/{FACTORY}/efficiency?lang={lang}")
    pg.wait_for_function("() => document.getElementById('eff-source').textContent.length > 0")
    # one language per page (tests/web/page_checks.py), with the source line and the graded tables shown
    assert problems(pg.inner_text("main") if pg.query_selector("main") else pg.inner_text("body"), lang) == []
    return str(pg.inner_text("[data-testid=eff-source]"))


def device_rows(pg: Any) -> list[list[str]]:
    return [[c.inner_text() for c in r.query_selector_all("td")]
            for r in pg.query_selector_all("[data-testid=eff-devices] tbody tr")]


def share_of_verdict(server: Any) -> str:
    from zerocarbon.services.dashboard.verdict import factory_verdict

    view = factory_verdict(FACTORY, server.year, server.url)
    return str(next(c for c in view["criteria"] if c["indicator"] == "efficient_equipment_share")["value"]["zh"])


def test_the_page_reads_the_stored_register(eff_page: Any, server: Any) -> None:
    from zerocarbon.services.efficiency import equipment_store

    reference = grade_register(load_register(SAMPLE_EQUIPMENT)).to_dict()
    codes = [d["code"] for d in reference["devices"]]
    # nothing stored: the companion register file (seeded by conftest.py) is graded
    assert equipment_store.devices(FACTORY, server.url) == []
    assert open_page(eff_page, server.base).startswith("台账来源 file")
    assert [r[0] for r in device_rows(eff_page)] == codes
    assert share_of_verdict(server) == f"{(float(reference['summary']['share_grade_2_or_better']) * 100):.1f} %"
    try:
        equipment_store.upload(FACTORY, "two.yaml", TWO, url=server.url)
        label = open_page(eff_page, server.base)
        assert label.startswith("台账来源 store") and "2 台设备" in label
        rows = device_rows(eff_page)
        assert [(r[0], r[3]) for r in rows] == [("L1-M2", "1"), ("L1-M1", "below_minimum")]
        assert "57.7 %" in eff_page.inner_text("[data-testid=eff-summary]")
        assert share_of_verdict(server) == "57.7 %"  # the verdict reads the stored register too
        # the diagnosis with the store's inventory and metered year (zerocarbon efficiency diagnose --factory)
        stored = diagnose_factory(None, FACTORY, server.year, url=server.url)
        assert stored.source()["source"] == "store" and [d.code for d in stored.devices] == ["L1-M2", "L1-M1"]
        assert stored.share.share_grade_2_or_better == D("7.5") / D("13") and stored.energy_tce is not None
        given = diagnose_factory(SAMPLE_EQUIPMENT, FACTORY, server.year, url=server.url)
        assert given.source()["source"] == "file" and [d.code for d in given.devices] == codes
        assert given.energy_tce == stored.energy_tce
        assert open_page(eff_page, server.base, "en") == "register source store (2 stored devices; settings from " \
                                                         f"{FACTORY}.equipment.yaml)"
        open_page(eff_page, server.base)
        # a file sent from the page is graded instead, and says so
        eff_page.set_input_files("#eff-file", str(SAMPLE_EQUIPMENT))
        eff_page.click("[data-testid=eff-submit]")
        eff_page.wait_for_function("() => document.getElementById('eff-source').textContent.indexOf('file') >= 0")
        assert [r[0] for r in device_rows(eff_page)] == codes
    finally:
        for code in ("L1-M1", "L1-M2"):
            equipment_store.delete(FACTORY, code, url=server.url)


def test_without_settings_the_page_shows_the_grades_and_what_the_savings_need(
        eff_page: Any, server: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stored devices and no companion register file: the grades and 节能装备应用占比 (57.7 %), no savings, and
    the note naming the settings the savings need, in the page's one language."""
    from zerocarbon.services.efficiency import equipment_store

    monkeypatch.setenv("ZEROCARBON_DECLARED_DIR", str(tmp_path))  # an empty folder: no settings file
    try:
        equipment_store.upload(FACTORY, "two.yaml", TWO, url=server.url)
        label = open_page(eff_page, server.base)
        assert label.startswith("台账来源 store") and "仅评定等级" in label
        assert [(r[0], r[3]) for r in device_rows(eff_page)] == [("L1-M2", "1"), ("L1-M1", "below_minimum")]
        summary = eff_page.inner_text("[data-testid=eff-summary]")
        assert "57.7 %" in summary
        note = eff_page.locator("[data-testid=eff-settings]")
        assert note.is_visible() and "企业平均电价（tariff_yuan_per_kwh）" in note.inner_text()
        assert open_page(eff_page, server.base, "en").endswith("no settings, grades only)")
        assert "electricity tariff" in eff_page.inner_text("[data-testid=eff-settings]")
    finally:
        for code in ("L1-M1", "L1-M2"):
            equipment_store.delete(FACTORY, code, url=server.url)
