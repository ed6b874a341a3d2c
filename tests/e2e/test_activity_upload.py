"""Uploading declared activity data on the reports page, in Chromium against the real server.

A factory of its own (上海, no meters, so no figures before its file arrives) and its data-entry
clerk, in the session's store (``conftest.py``): nobody else's pages see either. A workbook with a
bad cell is refused with its sheet, row and field, nothing stored; the same workbook corrected is
stored, listed with who, when and sha256, and the overview then shows the engine's total for that file.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.e2e import test_dashboard

pytestmark = pytest.mark.service
page = test_dashboard.page  # the dashboard tests' browser page: laptop size, zh-CN, fails on script errors

FACTORY = "SH-UPLOAD-09"
CLERK = "sh-clerk"
PASSWORD = "correct-horse-battery"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def workbooks(server: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The factory and its clerk in the store; its activity data as the Excel template, good and with a bad cell."""
    from openpyxl import load_workbook

    from zerocarbon.ingest.activity_file import load_activity_file
    from zerocarbon.ingest.columns import ACTIVITY
    from zerocarbon.ingest.template import write_template
    from zerocarbon.model.metering import FactorySetup
    from zerocarbon.services.identity.users import create_user
    from zerocarbon.store.factories import save_factory_setup

    save_factory_setup(FactorySetup.model_validate({
        "factory": {"id": FACTORY, "name_zh": "上海上传测试厂", "name_en": "Shanghai upload plant", "province": "上海"},
        "nodes": [], "meters": []}), server.url)
    create_user(CLERK, PASSWORD, "data_entry", factories=[FACTORY], url=server.url)
    folder = tmp_path_factory.mktemp("activity_upload")
    source = folder / "declared.yaml"
    source.write_text(yaml.safe_dump({
        "factory": {"id": FACTORY, "name_zh": "上海上传测试厂", "province": "上海",
                    "facilities": [{"id": "BLR", "name_zh": "锅炉房"}]},
        "activity": [{"id": "NG-2023", "facility": "BLR", "category": "fuel_combustion", "item": "天然气",
                      "amount": "12.5", "unit": "万Nm3", "period": "2023", "source": "燃气结算单"}]},
        allow_unicode=True), encoding="utf-8")
    good = write_template(folder / "good.xlsx", load_activity_file(source).data)
    bad = folder / "bad.xlsx"
    wb = load_workbook(good)
    wb[ACTIVITY.zh].cell(row=3, column=1 + [c.key for c in ACTIVITY.columns].index("amount"), value="十二点五")
    wb.save(bad)
    return {"good": good.read_bytes(), "bad": bad.read_bytes()}


def test_upload_activity_data_on_the_reports_page(page: Any, server: Any, workbooks: dict[str, bytes],
                                                  tmp_path: Path, artifacts: Path) -> None:
    from zerocarbon.ingest.columns import ACTIVITY
    from zerocarbon.services.inventory import declared
    from zerocarbon.services.inventory.runs import run_store_inventory

    page.goto(f"{server.base}/login")
    page.fill("[data-testid=username]", CLERK)
    page.fill("[data-testid=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"**/dashboard/f/{FACTORY}/overview**")
    page.goto(f"{server.base}/dashboard/f/{FACTORY}/reports")
    page.wait_for_selector("[data-testid=act-none]")  # no file yet: the page has no figures but the panel works
    assert page.is_visible("[data-testid=act-form]") and page.is_visible("text=活动数据")

    with page.expect_download() as info:
        page.click("[data-testid=act-template]")
    assert info.value.suggested_filename == "zerocarbon-activity-template.xlsx"

    page.set_input_files("[data-testid=act-file]", files=[{"name": "上海活动数据.xlsx", "mimeType": XLSX,
                                                             "buffer": workbooks["bad"]}])
    page.click("[data-testid=act-upload]")
    error = page.wait_for_selector("[data-testid=act-error]:not([hidden])").inner_text()
    amount = next(c.zh for c in ACTIVITY.columns if c.key == "amount")
    assert "工作表 活动数据" in error and "第 3 行" in error and f"字段 {amount}" in error and "十二点五" in error
    page.screenshot(path=str(artifacts / "activity_refused_laptop.png"), full_page=True)
    assert declared.versions(FACTORY, server.url) == []

    page.set_input_files("[data-testid=act-file]", files=[{"name": "上海活动数据.xlsx", "mimeType": XLSX,
                                                             "buffer": workbooks["good"]}])
    page.fill("[data-testid=act-note]", "2023 年燃气结算单")
    page.click("[data-testid=act-upload]")
    result = page.wait_for_selector("[data-testid=act-result]:has-text('已保存')").inner_text()
    assert "2023" in result and "1 行活动数据" in result
    assert page.is_hidden("[data-testid=act-error]")
    row = page.wait_for_selector("[data-testid=act-current]").evaluate("e => e.closest('tr').innerText")
    digest = hashlib.sha256(workbooks["good"]).hexdigest()
    assert CLERK in row and "上海活动数据.xlsx" in row and "2023 年燃气结算单" in row
    assert page.inner_text("[data-testid=act-sha]").replace("\n", "") == digest
    page.wait_for_selector("[data-testid=dl-2023-json]")  # reports of the file's year are offered now
    page.screenshot(path=str(artifacts / "activity_uploaded_laptop.png"), full_page=True)

    stored = declared.versions(FACTORY, server.url)
    assert [(v.uploaded_by, v.sha256, v.current) for v in stored] == [(CLERK, digest, True)]
    saved = tmp_path / "same.xlsx"
    saved.write_bytes(workbooks["good"])
    engine = run_store_inventory(FACTORY, 2023, url=server.url, declared=saved, mc_draws=0).inventory
    page.goto(f"{server.base}/dashboard/f/{FACTORY}/overview?year=2023")
    total = page.wait_for_selector("[data-testid=year-total][data-value]").get_attribute("data-value")
    assert Decimal(total) == engine.totals.gbt32150_total

    page.goto(f"{server.base}/dashboard/f/{FACTORY}/reports?lang=en")
    page.wait_for_selector("[data-testid=act-current]")
    assert page.is_visible("text=Activity data") and page.is_visible("text=Download the blank template (Excel)")
