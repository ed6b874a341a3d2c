"""``zerocarbon footprint``: run a study, export and import PACT documents, errors in both languages."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from zerocarbon.cli.main import app

runner = CliRunner()
DEMO = Path(__file__).resolve().parents[2] / "src" / "zerocarbon" / "demo"
STUDY = DEMO / "sample_footprint.yaml"


def test_run_json_and_files(tmp_path: Path) -> None:
    result = runner.invoke(app, ["footprint", "run", str(STUDY), "--iterations", "0", "--json", "--out",
                                 str(tmp_path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [p["product"] for p in data["products"]] == ["EVP", "ESP"]
    assert data["electricity"]["factor_tco2e_per_mwh"] == "0.6205"
    assert (tmp_path / "footprint_report.en.html").exists() and (tmp_path / "footprint_pact.json").exists()


def test_export_then_import(tmp_path: Path) -> None:
    out = tmp_path / "pact.json"
    result = runner.invoke(app, ["footprint", "export", str(STUDY), str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "exported 2 PACT v3 footprints" in result.stdout
    shown = runner.invoke(app, ["footprint", "import", str(out), "--json"])
    assert shown.exit_code == 0, shown.output
    rows = json.loads(shown.stdout)
    assert {r["specVersion"] for r in rows} == {"3.0.3"} and len(rows) == 2


def test_import_supplier_file_zh() -> None:
    result = runner.invoke(app, ["footprint", "import", str(DEMO / "sample_supplier_pact.json")])
    assert result.exit_code == 0, result.output
    assert "52.6" in result.stdout and "产品" in result.stdout


def test_bad_study_is_reported_in_both_languages(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(STUDY.read_text(encoding="utf-8").replace("boundary: cradle-to-grave", "boundary: moon"),
                   encoding="utf-8")
    result = runner.invoke(app, ["footprint", "run", str(bad)])
    assert result.exit_code == 2
    assert "study.boundary" in result.output and "cradle-to-gate" in result.output
    assert "错误" in result.output and "error" in result.output


def test_cbam_sample_json_files_and_errors(tmp_path: Path) -> None:
    """``zerocarbon footprint cbam``: the synthetic sample, its files, and a located error in both languages."""
    result = runner.invoke(app, ["footprint", "cbam", str(DEMO / "sample_cbam.yaml"), "--json", "--out",
                                 str(tmp_path)])
    assert result.exit_code == 0, result.output
    goods = {g["id"]: g for g in json.loads(result.stdout)["goods"]}
    assert goods["PRF"]["cn_code"] == "76042910" and goods["PRF"]["kind"] == "complex"
    assert {p.name for p in tmp_path.iterdir()} == {"cbam.json", "cbam.zh-CN.xlsx", "cbam.en.xlsx"}
    shown = runner.invoke(app, ["footprint", "cbam", str(DEMO / "sample_cbam.yaml"), "--lang", "en"])
    assert shown.exit_code == 0 and "76042910" in shown.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text((DEMO / "sample_cbam.yaml").read_text(encoding="utf-8").replace("cn_code: 7604 29 10",
                                                                                   "cn_code: 7615 10 10"),
                   encoding="utf-8")
    failed = runner.invoke(app, ["footprint", "cbam", str(bad)])
    assert failed.exit_code == 2
    assert "不是 CBAM 货物" in failed.output and "is not a CBAM good" in failed.output and "bad.yaml" in failed.output
