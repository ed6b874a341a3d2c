"""The data-platform commands (``store``, ``readings``) driven as a user would, on an SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zerocarbon.cli.main import app
from zerocarbon.services.metering import catalog
from zerocarbon.services.metering.feeds import ReadingBatchIn, push_batch

runner = CliRunner()
T0 = 1_672_502_400  # 2023-01-01T00:00:00+08:00
SETUP = {
    "factory": {"id": "F1", "name_zh": "一厂", "name_en": "Plant 1", "province": "江苏"},
    "nodes": [{"code": "SITE", "kind": "site", "name_zh": "厂区"}],
    "meters": [{"code": "E1", "node": "SITE", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
                "category": "electricity_purchased"}],
}


@pytest.fixture
def loaded(tmp_path: Path) -> str:
    """A store with factory F1 loaded through ``zerocarbon store load`` and four readings of E1."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    setup = tmp_path / "setup.json"
    setup.write_text(json.dumps(SETUP, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["store", "load", str(setup), "--db", url])
    assert result.exit_code == 0, result.output
    assert "1 meters / 块表计: E1" in result.output
    batch = ReadingBatchIn.model_validate({"readings": [{"meter": "E1", "ts": T0 + i * 900, "value": 10.0}
                                                        for i in range(4)]})
    assert push_batch(batch, "F1", url).accepted == 4
    return url


def test_store_load_of_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["store", "load", str(tmp_path / "nope.yaml"), "--db",
                                 f"sqlite:///{tmp_path / 'store.db'}"])
    assert result.exit_code == 2 and "nope.yaml" in result.output and "Traceback" not in result.output


def test_correct_a_reading_in_the_meters_local_time(loaded: str) -> None:
    result = runner.invoke(app, ["readings", "correct", "--factory", "F1", "--meter", "E1",
                                 "--time", "2023-01-01T00:15", "--value", "12.5", "--reason", "meter swap",
                                 "--by", "ops", "--db", loaded])
    assert result.exit_code == 0, result.output
    assert "E1 2023-01-01T00:15:00+08:00: revision 1 = 12.5 kWh" in result.output
    meter = catalog.meters("F1", loaded, code="E1")[0]
    rows, _ = catalog.readings(int(meter["id"]), T0, T0 + 3600, 10, "Asia/Shanghai", loaded)
    assert [r["value"] for r in rows] == [10.0, 12.5, 10.0, 10.0]


def test_correct_with_an_explicit_zone(loaded: str) -> None:
    result = runner.invoke(app, ["readings", "correct", "--factory", "F1", "--meter", "E1",
                                 "--time", "2022-12-31T16:30:00+00:00", "--value", "9", "--reason", "typo",
                                 "--db", loaded])
    assert result.exit_code == 0, result.output
    assert "E1 2022-12-31T16:30:00+00:00: revision 1 = 9.0 kWh" in result.output


def test_correct_an_unknown_meter(loaded: str) -> None:
    result = runner.invoke(app, ["readings", "correct", "--factory", "F1", "--meter", "X9",
                                 "--time", "2023-01-01T00:15", "--value", "1", "--reason", "r", "--db", loaded])
    assert result.exit_code == 2
    assert "未知表计 / unknown meter X9" in result.output


def test_correct_where_there_is_no_reading(loaded: str) -> None:
    result = runner.invoke(app, ["readings", "correct", "--factory", "F1", "--meter", "E1",
                                 "--time", "2024-01-01T00:00", "--value", "1", "--reason", "r", "--db", loaded])
    assert result.exit_code == 2
    assert "没有可更正的读数" in result.output and "Traceback" not in result.output
