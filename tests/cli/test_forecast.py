"""``zerocarbon forecast``: help, detect, alerts, budgets and backtest, driven as a user would (zh and en)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from typer.testing import CliRunner

from zerocarbon.cli.main import app
from zerocarbon.ingest.pipeline import ingest_table, open_batch
from zerocarbon.model.metering import FactorySetup
from zerocarbon.store.db import get_engine, migrate
from zerocarbon.store.factories import save_factory_setup

runner = CliRunner()
TZ = ZoneInfo("Asia/Shanghai")
T0 = int(datetime(2023, 5, 1, tzinfo=TZ).timestamp())


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('forecast_cli') / 'store.db'}"
    migrate(url)
    save_factory_setup(FactorySetup.model_validate({
        "factory": {"id": "F1", "name_zh": "测试厂", "province": "江苏"},
        "nodes": [{"code": "S", "kind": "site", "name_zh": "厂区", "cost_centre": "CC-S"}],
        "meters": [{"code": "E1", "node": "S", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
                    "interval_seconds": 3600, "category": "electricity_purchased"}]}), url)
    ts = np.arange(T0, T0 + 5 * 7 * 86_400, 3600)
    hour, weekday = (ts - T0) // 3600 % 24, (ts - T0) // 86_400 % 7
    y = np.where((weekday < 5) & (hour >= 8) & (hour < 20), 100.0, 30.0)
    y[-30] += 250.0  # a spike the day before the end
    batch = open_batch("test", "meters", url=url, factory_id="F1")
    ingest_table({"meter": ["E1"] * len(ts), "ts": ts.tolist(), "value": y.tolist()}, "F1", batch, "test", url,
                 now=int(ts[-1]) + 86_400)
    yield url
    get_engine(url).dispose()


def test_help_in_both_languages() -> None:
    result = runner.invoke(app, ["forecast", "--help"])
    assert result.exit_code == 0, result.output
    for text in ("智能控碳", "smart carbon control", "backtest", "detect", "budget", "alerts"):
        assert text in result.output


def test_detect_then_acknowledge_and_close(db: str) -> None:
    result = runner.invoke(app, ["forecast", "detect", "--factory", "F1", "--year", "2023", "--db", db,
                                 "--no-holidays", "--tariff", "electricity=0.8", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [a["kind"] for a in data["raised"] if a["kind"] == "spike"] == ["spike"] and data["stored"]
    listed = runner.invoke(app, ["forecast", "alerts", "list", "--factory", "F1", "--db", db, "--lang", "en"])
    assert listed.exit_code == 0 and "spike" in listed.output and "尖峰" not in listed.output
    first = data["stored"][0]
    ack = runner.invoke(app, ["forecast", "alerts", "ack", str(first), "--db", db])
    assert ack.exit_code == 0 and "acknowledged" in ack.output
    close = runner.invoke(app, ["forecast", "alerts", "close", str(first), "--db", db, "--note", "已处理"])
    assert close.exit_code == 0 and "closed" in close.output
    again = runner.invoke(app, ["forecast", "alerts", "close", str(first), "--db", db])
    assert again.exit_code == 2 and "已关闭" in again.output


def test_bad_tariff_is_refused_in_the_users_language(db: str) -> None:
    result = runner.invoke(app, ["forecast", "detect", "--factory", "F1", "--year", "2023", "--db", db,
                                 "--tariff", "electricity=cheap", "--lang", "en"])
    assert result.exit_code == 2 and "tariff" in result.output


def test_budget_set_and_status(db: str) -> None:
    ok = runner.invoke(app, ["forecast", "budget", "set", "--factory", "F1", "--period", "2023-05", "--amount", "25",
                             "--db", db])
    assert ok.exit_code == 0, ok.output
    status = runner.invoke(app, ["forecast", "budget", "status", "--factory", "F1", "--period", "2023-05",
                                 "--as-of", "2023-05-20", "--db", db, "--no-holidays", "--json"])
    assert status.exit_code == 0, status.output
    row = json.loads(status.output)[0]
    assert row["days_done"] == 19 and row["days_left"] == 12 and row["p_overshoot"] is not None
    zh = runner.invoke(app, ["forecast", "budget", "status", "--factory", "F1", "--db", db, "--no-holidays"])
    assert zh.exit_code == 0 and "超支概率" in zh.output
    bad = runner.invoke(app, ["forecast", "budget", "set", "--factory", "F1", "--period", "May", "--amount", "1",
                              "--db", db])
    assert bad.exit_code == 2 and "YYYY" in bad.output


def test_backtest_and_run(db: str, tmp_path: Path) -> None:
    bt = runner.invoke(app, ["forecast", "backtest", "--factory", "F1", "--year", "2023", "--db", db, "--origins", "2",
                             "--no-holidays", "--json"])
    assert bt.exit_code == 0, bt.output
    data = json.loads(bt.output)
    naive = data["series"][0]["models"]["seasonal_naive"]
    # the earlier origin has under four weeks of history for gbm: skipped, so all models score the same 24 hours
    assert naive["hours"] == 24 and naive["skill"] is None  # a noiseless week repeats: no baseline error to beat
    assert "electricity" in data["by_carrier"]
    run = runner.invoke(app, ["forecast", "run", "--factory", "F1", "--year", "2023", "--db", db,
                              "--model", "similar_day", "--no-holidays", "--lang", "en"])
    assert run.exit_code == 0 and "similar_day" in run.output and "E1" in run.output
