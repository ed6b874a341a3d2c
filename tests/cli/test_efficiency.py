"""``zerocarbon efficiency``: help, template, grade and diagnose, driven as a user would."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from zerocarbon.cli.main import app
from zerocarbon.services.demo.main import SAMPLE_EQUIPMENT

runner = CliRunner()


def test_help_documents_the_command_in_both_languages() -> None:
    result = runner.invoke(app, ["efficiency", "--help"])
    assert result.exit_code == 0, result.output
    for text in ("过程脱碳", "process decarbonisation", "template", "grade", "diagnose"):
        assert text in result.output
    assert runner.invoke(app, ["--help"]).output.count("efficiency") >= 1


def test_template_empty_and_example(tmp_path: Path) -> None:
    result = runner.invoke(app, ["efficiency", "template", str(tmp_path / "t.xlsx")])
    assert result.exit_code == 0, result.output
    assert load_workbook(tmp_path / "t.xlsx")["设备台账"]["A1"].value == "设备编号（企业内唯一）"
    result = runner.invoke(app, ["efficiency", "template", str(tmp_path / "e.xlsx"), "--example"])
    assert result.exit_code == 0 and load_workbook(tmp_path / "e.xlsx")["设备台账"]["A3"].value == "AC-01"


def test_grade_json_and_reports(tmp_path: Path) -> None:
    result = runner.invoke(app, ["efficiency", "grade", str(SAMPLE_EQUIPMENT), "--json", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["summary"]["missing_rows"] == ["L2-M2"]
    assert (tmp_path / "efficiency_report.en.html").exists() and (tmp_path / "efficiency.xlsx").exists()
    table = runner.invoke(app, ["efficiency", "grade", str(SAMPLE_EQUIPMENT), "--lang", "en"])
    assert table.exit_code == 0 and "below the minimum" in table.output.lower()


def test_bad_register_exits_2_with_location(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SAMPLE_EQUIPMENT.read_text(encoding="utf-8").replace('load_factor: "0.80"', 'load_factor: "2"', 1),
                   encoding="utf-8")
    result = runner.invoke(app, ["efficiency", "grade", str(bad)])
    assert result.exit_code == 2
    assert "load_factor" in result.output and "第 1 行" in result.output and "错误" in result.output
    result = runner.invoke(app, ["efficiency", "grade", str(bad), "--lang", "en"])  # one language per --lang
    assert result.exit_code == 2
    assert "load_factor" in result.output and "row 1" in result.output and "第 1 行" not in result.output


def test_diagnose_needs_one_source(tmp_path: Path) -> None:
    result = runner.invoke(app, ["efficiency", "diagnose", str(SAMPLE_EQUIPMENT)])
    assert result.exit_code == 2


def test_diagnose_from_files(sample_path: Path) -> None:
    result = runner.invoke(app, ["efficiency", "diagnose", str(SAMPLE_EQUIPMENT), "--inventory", str(sample_path),
                                 "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert Decimal(doc["balance"]["closure_tce"]) == 0
    assert doc["value_added"]["tce_per_10k_yuan"] is not None
