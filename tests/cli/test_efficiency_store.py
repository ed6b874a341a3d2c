"""``zerocarbon efficiency store-upload / store-list / store-delete``: the stored register from the command line.

The same service functions as the API (tests/api/test_equipment_register.py); here on an SQLite store.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zerocarbon.cli.main import app
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.demo.main import SAMPLE_EQUIPMENT
from zerocarbon.services.metering.setup import save_setup
from zerocarbon.store import audit
from zerocarbon.store.db import migrate

runner = CliRunner()


def store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 's.db'}"
    migrate(url)
    save_setup(FactorySetup.model_validate({"factory": {"id": "F1", "name_zh": "厂", "province": "江苏"},
                                            "nodes": [{"code": "SITE", "kind": "site", "name_zh": "厂区"}],
                                            "meters": []}), url=url)
    return url


def test_upload_list_resend_delete(tmp_path: Path) -> None:
    url = store(tmp_path)
    first = runner.invoke(app, ["efficiency", "store-upload", str(SAMPLE_EQUIPMENT), "--factory", "F1", "--db", url])
    assert first.exit_code == 0, first.output
    listed = runner.invoke(app, ["efficiency", "store-list", "--factory", "F1", "--db", url, "--json"])
    codes = [d["code"] for d in json.loads(listed.output)]
    assert len(codes) >= 5 and codes == sorted(codes)
    again = runner.invoke(app, ["efficiency", "store-upload", str(SAMPLE_EQUIPMENT), "--factory", "F1", "--db", url,
                                "--lang", "en"])
    assert again.exit_code == 0 and "added: 0" in again.output and f"unchanged: {len(codes)}" in again.output
    entries = [e for e in audit.entries(url, limit=1000) if e.entity == "equipment"]
    assert len(entries) == len(codes) and all(e.actor.startswith("cli:") for e in entries)
    gone = runner.invoke(app, ["efficiency", "store-delete", codes[0], "--factory", "F1", "--db", url])
    assert gone.exit_code == 0, gone.output
    missing = runner.invoke(app, ["efficiency", "store-delete", codes[0], "--factory", "F1", "--db", url])
    assert missing.exit_code == 2


def test_bad_file_lists_every_problem(tmp_path: Path) -> None:
    url = store(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text("devices:\n- {code: A, kind: 锅炉}\n- {code: B, kind: fan, efficiency_pct: 120}\n", encoding="utf-8")
    result = runner.invoke(app, ["efficiency", "store-upload", str(bad), "--factory", "F1", "--db", url])
    assert result.exit_code == 2
    assert "第 1 行" in result.output and "第 2 行" in result.output and "efficiency_pct" in result.output


def test_grade_reads_the_stored_register_and_a_file_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``efficiency grade --factory``: the stored devices with the settings of ``--settings`` (台账来源 store);
    a register file given is graded instead (台账来源 file). The two answers are the same sample register."""
    monkeypatch.delenv("ZEROCARBON_DECLARED_DIR", raising=False)  # no companion register file
    url = store(tmp_path)
    runner.invoke(app, ["efficiency", "store-upload", str(SAMPLE_EQUIPMENT), "--factory", "F1", "--db", url])
    stored = runner.invoke(app, ["efficiency", "grade", "--factory", "F1", "--db", url, "--settings",
                                 str(SAMPLE_EQUIPMENT), "--json"])
    assert stored.exit_code == 0, stored.output
    given = runner.invoke(app, ["efficiency", "grade", str(SAMPLE_EQUIPMENT), "--json"])
    a, b = json.loads(stored.output), json.loads(given.output)
    assert a["register_source"]["source"] == "store" and b["register_source"]["source"] == "file"
    assert [(d["code"], d["grade"], d["outcome"]) for d in a["devices"]] == \
        [(d["code"], d["grade"], d["outcome"]) for d in b["devices"]]
    assert [m["id"] for m in a["measures"]] == [m["id"] for m in b["measures"]]
    assert a["summary"]["share_grade_2_or_better"] == b["summary"]["share_grade_2_or_better"]
    table = runner.invoke(app, ["efficiency", "grade", "--factory", "F1", "--db", url, "--settings",
                                str(SAMPLE_EQUIPMENT), "--lang", "en"])
    assert table.exit_code == 0 and "register source store" in table.output
    zh = runner.invoke(app, ["efficiency", "grade", str(SAMPLE_EQUIPMENT)])
    assert "台账来源" in zh.output and "file" in zh.output
    # no settings: the stored devices' grades alone, and what the savings need (not a refusal)
    alone = runner.invoke(app, ["efficiency", "grade", "--factory", "F1", "--db", url])
    assert alone.exit_code == 0, alone.output
    flat = re.sub(r"[\s│┃]", "", alone.output)  # the terminal's table wraps its cells
    assert "仅评定等级" in flat and "22台设备" in flat and "企业平均电价（tariff_yuan_per_kwh）" in flat
    alone_en = runner.invoke(app, ["efficiency", "grade", "--factory", "F1", "--db", url, "--lang", "en", "--json"])
    c = json.loads(alone_en.output)
    assert c["grades_only"] is True and c["measures"] == [] and c["summary"]["kwh_per_year"] is None
    assert [(d["code"], d["grade"], d["outcome"]) for d in c["devices"]] == \
        [(d["code"], d["grade"], d["outcome"]) for d in b["devices"]]
    assert c["summary"]["share_grade_2_or_better"] == b["summary"]["share_grade_2_or_better"]
    assert c["summary"]["below_minimum"] == b["summary"]["below_minimum"] != []
    neither = runner.invoke(app, ["efficiency", "grade"])
    assert neither.exit_code == 2
