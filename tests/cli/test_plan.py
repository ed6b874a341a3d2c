"""``zerocarbon plan``: driven as a user would, in both languages, with JSON and files."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from zerocarbon.cli.main import app
from zerocarbon.demo.generator import SAMPLE_FILE
from zerocarbon.demo.weather import SAMPLE_WEATHER

runner = CliRunner()
REGISTER = SAMPLE_FILE.parent / "sample_equipment.yaml"
SMALL = f"""
start_year: 2024
target_year: 2025
discount_rate: {{value: 0.06, source: test}}
site: {{latitude: 31.78, longitude: 119.95}}
weather: {SAMPLE_WEATHER}
tariff: {{schedule: 平, prices: {{平: 0.72}}, source: test tariff}}
prices: {{gas_yuan_per_gj: {{value: 97.6, source: test}}, diesel_yuan_per_t: {{value: 7800, source: test}}}}
boiler_efficiency: {{value: 0.92, source: test}}
measures:
  - {{id: eff, kind: efficiency_upgrades, title_zh: 电机升级, title_en: Motor upgrades}}
  - {{id: pv, kind: pv, kwp: 3000, title_zh: 屋顶光伏, title_en: Rooftop PV, capex: {{value: 9600000, source: t}},
     lifetime_years: {{value: 25, source: t}}}}
"""


def _assumptions(tmp: Path) -> Path:
    p = tmp / "a.yaml"
    p.write_text(SMALL, encoding="utf-8")
    return p


def test_plan_in_both_languages_and_files(tmp_path: Path) -> None:
    a = _assumptions(tmp_path)
    zh = runner.invoke(app, ["plan", str(SAMPLE_FILE), "--assumptions", str(a), "--register", str(REGISTER),
                             "--out", str(tmp_path / "out")])
    assert zh.exit_code == 0, zh.output
    assert "边际减排成本曲线" in zh.output and "屋顶光伏" in zh.output and "剩余排放" in zh.output
    assert "Rooftop PV" not in zh.output
    assert (tmp_path / "out" / "planning_report.en.html").exists() and (tmp_path / "out" / "planning.xlsx").exists()
    en = runner.invoke(app, ["plan", str(SAMPLE_FILE), "--assumptions", str(a), "--lang", "en"])
    assert en.exit_code == 0, en.output
    assert "MAC curve" in en.output and "Rooftop PV" in en.output and "屋顶光伏" not in en.output


def test_plan_json(tmp_path: Path) -> None:
    result = runner.invoke(app, ["plan", str(SAMPLE_FILE), "--assumptions", str(_assumptions(tmp_path)), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["steps"][0]["id"] == "pv" and doc["not_assessed"][0]["id"] == "eff"  # no register given


def test_plan_refuses_bad_input_in_both_languages(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.replace("target_year: 2025\n", ""), encoding="utf-8")
    result = runner.invoke(app, ["plan", str(SAMPLE_FILE), "--assumptions", str(bad)])
    assert result.exit_code == 2
    assert "target_year" in result.output and "缺少" in result.output and "missing" in result.output
    assert runner.invoke(app, ["plan"]).exit_code == 2
