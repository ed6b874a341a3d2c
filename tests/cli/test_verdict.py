from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from zerocarbon.cli.main import app

DEMO = Path(__file__).parents[2] / "src" / "zerocarbon" / "demo"
ARGS = [
    str(DEMO / "sample_factory.yaml"),
    "--declaration",
    str(DEMO / "sample_assessment.yaml"),
    "--ledger",
    str(DEMO / "sample_ledger.yaml"),
]


def test_verdict_in_each_language_and_as_json() -> None:
    runner = CliRunner()
    zh = runner.invoke(app, ["verdict", *ARGS])
    assert zh.exit_code == 0, zh.output
    assert "基本要求" in zh.output and "未达到" in zh.output and "差距清单" in zh.output
    en = runner.invoke(app, ["verdict", *ARGS, "--lang", "en", "--set", "ceca-0171-2022"])
    assert en.exit_code == 0, en.output
    assert "six stars" in en.output and not re.search(r"[\u4e00-\u9fff]{2,}", en.output.replace("等价值", ""))
    js = runner.invoke(app, ["verdict", *ARGS, "--json"])
    data = json.loads(js.stdout)
    assert data["evaluations"][0]["criteria_set"] == "miit-2026-national"


def test_unknown_set_is_an_error_in_the_users_language() -> None:
    res = CliRunner().invoke(app, ["verdict", *ARGS, "--set", "nope"])
    assert res.exit_code == 2 and "没有评价指标集" in res.output
