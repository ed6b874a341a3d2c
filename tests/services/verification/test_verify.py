"""``zerocarbon verify``: a report re-checked from its manifest; every kind of tampering caught."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zerocarbon.cli.main import app
from zerocarbon.services.assessment.runs import assess_files, write_assessment
from zerocarbon.services.verification.verify import verify_report

DEMO = Path(__file__).parents[3] / "src" / "zerocarbon" / "demo"
FILES = ("sample_factory.yaml", "sample_assessment.yaml", "sample_ledger.yaml")


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The evaluation written with its manifest, its input files beside it (as a verifier receives them)."""
    out = tmp_path_factory.mktemp("published")
    for name in FILES:
        shutil.copy(DEMO / name, out / name)
    run, result, manifest = assess_files(out / FILES[0], year=2023, declaration=out / FILES[1], ledger=out / FILES[2])
    write_assessment(result, out, run.data.factory.name_zh, True, manifest)
    return out


def _copy(src: Path, tmp: Path) -> Path:
    dst = tmp / "copy"
    shutil.copytree(src, dst)
    return dst


def test_untouched_report_stands(published: Path) -> None:
    for name in ("zero_carbon_evaluation.zh-CN.html", "zero_carbon_evaluation.en.html", "zero_carbon_evaluation.json"):
        result = verify_report(published / name)
        assert result.stands, result.summary("en")
    res = CliRunner().invoke(app, ["verify", str(published / "zero_carbon_evaluation.zh-CN.html")])
    assert res.exit_code == 0 and "全部数字仍然成立" in res.output


def test_changed_activity_data_is_caught_with_the_figures_it_moves(published: Path, tmp_path: Path) -> None:
    d = _copy(published, tmp_path)
    text = (d / FILES[0]).read_text("utf-8")
    # the first purchased-electricity amount of the file, one MWh more
    m = re.search(r"(category: electricity_purchased\n(?:  .*\n)*?  amount: ')(\d+)", text)
    assert m is not None
    tampered = text[: m.start(2)] + str(int(m.group(2)) + 1) + text[m.end(2) :]
    (d / FILES[0]).write_text(tampered, encoding="utf-8")
    result = verify_report(d / "zero_carbon_evaluation.en.html")
    assert not result.stands
    assert "activity" in result.changed_inputs()
    moved = {c.key for c in result.checks if c.kind == "figure" and c.status == "changed"}
    assert "2023.totals.scope2_location" in moved
    text_en = "\n".join(result.summary("en"))
    assert "activity data changed" in text_en and "because of: activity data" in text_en
    res = CliRunner().invoke(app, ["verify", str(d / "zero_carbon_evaluation.en.html"), "--lang", "en"])
    assert res.exit_code == 1


def test_changed_ledger_and_edited_page_are_caught(published: Path, tmp_path: Path) -> None:
    d = _copy(published, tmp_path)
    ledger = (d / FILES[2]).read_text("utf-8").replace("serial_to: 11000", "serial_to: 10500")
    (d / FILES[2]).write_text(ledger, encoding="utf-8")
    result = verify_report(d / "zero_carbon_evaluation.json")
    assert "ledger" in result.changed_inputs()
    assert any(c.key == "2023.indicator.offset_share_scope12" and c.status == "changed" for c in result.checks)
    page = d / "zero_carbon_evaluation.zh-CN.html"
    page.write_text(page.read_text("utf-8").replace("未达到", "达到", 1), encoding="utf-8")
    shutil.copy(published / FILES[2], d / FILES[2])
    edited = verify_report(page)
    assert edited.changed_inputs() == ["page"] and not edited.stands


def test_a_report_without_manifest_or_inputs_is_a_located_error(tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    page.write_text("<html><body>hi</body></html>", encoding="utf-8")
    res = CliRunner().invoke(app, ["verify", str(page)])
    assert res.exit_code == 2 and "没有清单" in res.output
