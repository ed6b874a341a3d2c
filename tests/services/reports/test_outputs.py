"""One builder: the report the API downloads for a stored factory is the main job's report, section by section."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from zerocarbon.demo.generator import SAMPLE_FILE, YEAR
from zerocarbon.ingest.activity_file import load_activity_file
from zerocarbon.services.demo.metering import meter_stage
from zerocarbon.services.inventory import cached
from zerocarbon.services.inventory.runs import run_loaded
from zerocarbon.services.reports.metering import metering_findings
from zerocarbon.services.reports.outputs import factory_report, write_outputs

pytestmark = pytest.mark.slow  # a year of 15-minute readings of eight meters goes through the store


def _sections(html: str) -> list[str]:
    return re.findall(r'<section id="([^"]+)">', html)


def test_api_report_equals_the_main_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    declared = load_activity_file(SAMPLE_FILE)
    (tmp_path / "job").mkdir()
    loaded, metering = meter_stage(declared.data, YEAR, tmp_path / "job")
    loaded.locations.update(declared.locations)
    url = metering.store_url
    # the main job's way: its merged run, the findings read back from its store, the one builder
    run = run_loaded(loaded, YEAR, mc_draws=200)
    run.metered = metering.metered
    job = write_outputs(run, tmp_path / "job", metering_findings(run, url), formats=("html", "json"), langs=("zh",))
    # the API's way: the stored factory with its declared file, as GET …/reports/2023.html builds it
    folder = tmp_path / "declared"
    folder.mkdir()
    shutil.copy(SAMPLE_FILE, folder / f"{declared.data.factory.id}.yaml")
    monkeypatch.setenv(cached.DECLARED_DIR_ENV, str(folder))
    cached.clear()
    api = factory_report(declared.data.factory.id, str(YEAR), tmp_path / "api", url, formats=("html",), langs=("zh",))
    assert [p.name for p in api] == ["inventory_report.zh-CN.html"]
    job_html = next(p for p in job if p.suffix == ".html").read_text(encoding="utf-8")
    api_html = api[0].read_text(encoding="utf-8")
    assert _sections(api_html) == _sections(job_html)
    assert {"entity", "boundary", "monitoring", "register", "metering", "trace"} <= set(_sections(api_html))
    for pattern in (r'<tr id="total-[a-z0-9_]+"[^>]*>.*?data-value="([^"]*)"', r'data-meter="([^"]+)"',
                    r'data-status="([^"]+)"', r'<tr data-facility="([^"]*)">'):
        assert re.findall(pattern, api_html, re.S) == re.findall(pattern, job_html, re.S), pattern
    assert 'data-status="ok"' in api_html and "flagged" not in re.findall(r'<tr class="([^"]*)" data-meter', api_html)
    assert (tmp_path / "job" / "metering.json").exists() and str(tmp_path) not in api_html  # no machine path
