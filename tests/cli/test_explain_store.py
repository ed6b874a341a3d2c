"""``zerocarbon inventory explain --factory`` on the store inventory's own ids of metered lines."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from zerocarbon.cli.main import app
from zerocarbon.services.metering.feeds import ReadingBatchIn, push_batch

runner = CliRunner()
T0 = 1_672_502_400  # 2023-01-01T00:00:00+08:00
SETUP = {
    "factory": {"id": "F1", "name_zh": "一厂", "name_en": "Plant 1", "province": "江苏"},
    "nodes": [{"code": "SITE", "kind": "site", "name_zh": "厂区"}],
    "meters": [{"code": "E1", "node": "SITE", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
                "category": "electricity_purchased"}],
}


def _store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    setup = tmp_path / "setup.json"
    setup.write_text(json.dumps(SETUP, ensure_ascii=False), encoding="utf-8")
    assert runner.invoke(app, ["store", "load", str(setup), "--db", url]).exit_code == 0
    batch = ReadingBatchIn.model_validate({"readings": [{"meter": "E1", "ts": T0 + 900 + i * 900, "value": 10.0}
                                                        for i in range(4)]})
    assert push_batch(batch, "F1", url).accepted == 4
    return url


def test_explain_a_metered_line_by_its_report_id(tmp_path: Path) -> None:
    url = _store(tmp_path)
    result = runner.invoke(app, ["inventory", "explain", "E1-2023-01", "--factory", "F1", "--year", "2023",
                                 "--db", url, "--lang", "en"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "E1-2023-01" in out and "meter E1" in out and "Σ intervals = 40" in out
    # first and last reading of the month, in the meter's local time
    assert "first reading 2023-01-01 00:15, last reading 2023-01-01 01:00 (4 readings)" in out


def test_explain_with_factory_of_an_unknown_line_is_a_clear_error(tmp_path: Path) -> None:
    url = _store(tmp_path)
    result = runner.invoke(app, ["inventory", "explain", "NOPE", "--factory", "F1", "--year", "2023", "--db", url])
    assert result.exit_code != 0 and "NOPE" in result.output and "Traceback" not in result.output


def test_explain_needs_a_file_or_a_factory() -> None:
    result = runner.invoke(app, ["inventory", "explain", "E1-2023-01"])
    assert result.exit_code == 2 and "--factory" in result.output
