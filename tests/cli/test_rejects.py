"""Issue 10: rejects a person can act on, and the small things of the command line.

A meter CSV with bad rows printed counts per reason in English only, no row numbers, and there was
no command to list rejects; re-importing the same file stored the same rejects again. Now the
import prints each rejected row (file, row, column, reason in the user's language) and
``zerocarbon readings rejects`` lists them, filtered and exported to CSV or XLSX.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from zerocarbon import __version__
from zerocarbon.cli.main import app
from zerocarbon.store import schema as s
from zerocarbon.store.db import transaction

runner = CliRunner()
SETUP = {
    "factory": {"id": "F1", "name_zh": "一厂", "name_en": "Plant 1", "province": "江苏"},
    "nodes": [{"code": "SITE", "kind": "site", "name_zh": "厂区"}],
    "meters": [{"code": "E1", "node": "SITE", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
                "category": "electricity_purchased"}],
}
# 18 rows, 13 bad of every kind: wrong number of fields, unknown meter, bad time, bad value, bad unit …
ROWS = ["E1,2023-01-01 00:00,1,kWh", "E1,2023-01-01 00:15,2,kWh", "E1,2023-01-01 00:30,3,kWh",
        "E1,2023-01-01 00:45,4,kWh", "E1,2023-01-01 01:00,5,kWh",
        "E1,2023-01-01 01:15", "E1,2023-01-01 01:30,1,kWh,extra", "E9,2023-01-01 01:45,1,kWh",
        "E1,2023-13-01 02:00,1,kWh", "E1,2023-01-01 02:15,abc,kWh", "E1,2023-01-01 02:30,1,(",
        "E1,2023-01-01 02:45,1,t", "E1,2023-01-01 02:50,1,kWh", ",2023-01-01 03:00,1,kWh", "E1,,1,kWh",
        "E1,2023-01-01 03:30,,kWh", "E1,2099-01-01 00:00,1,kWh", "E1,2023-01-01 03:45,-5,kWh"]


@pytest.fixture
def store(tmp_path: Path) -> tuple[str, Path]:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    setup = tmp_path / "setup.json"
    setup.write_text(json.dumps(SETUP, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["store", "init", "--db", url])
    assert result.exit_code == 0 and "已创建数据库结构" in result.output and "created" in result.output
    again = runner.invoke(app, ["store", "init", "--db", url])
    assert "up to date" in again.output and "created" not in again.output
    assert runner.invoke(app, ["store", "load", str(setup), "--db", url]).exit_code == 0
    data = tmp_path / "readings.csv"
    data.write_text("meter,time,value,unit\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    return url, data


def _stored_rejects(url: str) -> int:
    with transaction(url) as conn:
        return int(conn.execute(select(func.count()).select_from(s.rejected)).scalar() or 0)


def test_import_prints_each_rejected_row_and_goes_on(store: tuple[str, Path]) -> None:
    url, data = store
    result = runner.invoke(app, ["ingest", "file", str(data), "--factory", "F1", "--db", url, "--no-progress"],
                           terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "拒绝的行" in result.output
    for text in ("该行有 2 个字段，表头有 4 个", "未知表计 “E9”", "不是数字", "时间在未来"):
        assert text in result.output, text
    assert "readings.csv │ 7 " in result.output or "readings.csv │ 7  " in result.output  # the row of the file
    assert _stored_rejects(url) == 13


def test_resending_the_same_file_records_nothing_new(store: tuple[str, Path]) -> None:
    url, data = store
    runner.invoke(app, ["ingest", "file", str(data), "--factory", "F1", "--db", url, "--no-progress"])
    again = runner.invoke(app, ["ingest", "file", str(data), "--factory", "F1", "--db", url, "--no-progress",
                                "--lang", "en"], terminal_width=200)
    assert again.exit_code == 0, again.output
    assert "13 rejected rows were already recorded" in again.output
    assert _stored_rejects(url) == 13


def test_rejects_listing_filter_and_export(store: tuple[str, Path], tmp_path: Path) -> None:
    url, data = store
    runner.invoke(app, ["ingest", "file", str(data), "--factory", "F1", "--db", url, "--no-progress"])
    listed = runner.invoke(app, ["readings", "rejects", "--factory", "F1", "--db", url], terminal_width=200)
    assert listed.exit_code == 0 and "(13)" in listed.output
    only = runner.invoke(app, ["readings", "rejects", "--factory", "F1", "--db", url, "--reason", "unknown meter",
                               "--lang", "en"], terminal_width=200)
    assert "(1)" in only.output and "unknown meter 'E9'" in only.output
    zh_filter = runner.invoke(app, ["readings", "rejects", "--factory", "F1", "--reason", "不是数字", "--db", url])
    assert "(1)" in zh_filter.output
    out_csv = tmp_path / "rejects.csv"
    assert runner.invoke(app, ["readings", "rejects", "--factory", "F1", "--batch", "1", "--out", str(out_csv),
                               "--db", url]).exit_code == 0
    with open(out_csv, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:6] == ["批次", "文件", "行", "列", "字段", "原因"] and len(rows) == 14
    assert rows[1][1:3] == ["readings.csv", "7"]  # sorted by row: the first bad row is row 7
    out_xlsx = tmp_path / "rejects.xlsx"
    runner.invoke(app, ["readings", "rejects", "--factory", "F1", "--out", str(out_xlsx), "--lang", "en", "--db", url])
    ws = openpyxl.load_workbook(out_xlsx).active
    assert ws.max_row == 14 and ws.cell(row=1, column=6).value == "reason"
    bad = runner.invoke(app, ["readings", "rejects", "--factory", "F1", "--out", str(tmp_path / "r.pdf"),
                              "--db", url])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_unknown_factory_points_to_store_load(store: tuple[str, Path]) -> None:
    url, data = store
    result = runner.invoke(app, ["ingest", "file", str(data), "--factory", "NOPE", "--db", url, "--no-progress"],
                           terminal_width=200)
    assert result.exit_code == 2
    assert "zerocarbon store load" in result.output and "load_factory_setup" not in result.output


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_month_shows_in_the_title(sample_path: Path) -> None:
    result = runner.invoke(app, ["inventory", str(sample_path), "--month", "2023-03"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "· 2023-03 ·" in result.output
