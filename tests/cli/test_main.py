"""The command line, driven as a user would (typer's CliRunner, real files)."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zerocarbon.cli.main import app
from zerocarbon.services.inventory.runs import run_inventory

runner = CliRunner()


def test_help_is_bilingual() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "示例工厂" in result.output and "sample factory" in result.output


def test_inventory_json(sample_path: Path) -> None:
    result = runner.invoke(app, ["inventory", str(sample_path), "--json", "--year", "2023"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    expected = run_inventory(sample_path, 2023, mc_draws=0).inventory.totals
    assert D(doc["totals"]["gbt32150_total"]) == expected.gbt32150_total
    assert set(doc["totals"]) >= {"gbt32150_total", "scope1", "scope2_location", "scope2_market"}
    line = doc["lines"][0]
    assert line["figures"]["gbt32150"]["factors"][0]["source"]
    assert doc["comparison"]["base_year"] == 2022


def test_inventory_table_and_explain(sample_path: Path) -> None:
    result = runner.invoke(app, ["inventory", str(sample_path)])
    assert result.exit_code == 0 and "GB/T 32150" in result.output
    result = runner.invoke(app, ["inventory", "explain", str(sample_path), "NG-01", "--lang", "en"])
    assert result.exit_code == 0, result.output
    # 2023 data: the pre-2025 default rows (GB/T 32151.34—2024 is valid only from 2025-03-01; issue 9)
    assert "FC × NCV × CC × OF × 44/12" in result.output and "pre2025-compilation" in result.output
    assert "[GHG Protocol (location-based)]" in result.output


def test_explain_unknown_line_is_a_clear_error(sample_path: Path) -> None:
    result = runner.invoke(app, ["inventory", "explain", str(sample_path), "NOPE"])
    assert result.exit_code == 2 and "NOPE" in result.output


def test_bad_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("factory: {id: x}\n", encoding="utf-8")
    result = runner.invoke(app, ["inventory", str(bad)])
    assert result.exit_code == 2
    assert "bad.yaml" in result.output and "Traceback" not in result.output


def test_factors_list_and_show() -> None:
    result = runner.invoke(app, ["factors", "list", "--item", "天然气", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert any(r["value"] == "389.31" and "32151.34" in r["source"] for r in rows)
    result = runner.invoke(app, ["factors", "show", "heat"])
    assert result.exit_code == 0 and "0.11" in result.output and "32150" in result.output


def test_template_roundtrip(tmp_path: Path, sample_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    result = runner.invoke(app, ["template", str(path), "--example"])
    assert result.exit_code == 0 and path.exists()
    a = run_inventory(path, 2023, mc_draws=0).inventory.totals
    b = run_inventory(sample_path, 2023, mc_draws=0).inventory.totals
    assert a == b


@pytest.mark.usefixtures("sample_path")
def test_demo_writes_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert {"inventory.json", "inventory.xlsx", "inventory_report.zh-CN.html", "inventory_report.en.html",
            "inventory_report.zh-CN.pdf", "inventory_report.en.pdf"} <= names
    assert "plotly.min.js" not in names  # the pages are self-contained
    doc = json.loads((out / "inventory.json").read_text(encoding="utf-8"))
    assert doc["year"] == 2023 and doc["uncertainty"]["monte_carlo"]["draws"] >= 10_000
