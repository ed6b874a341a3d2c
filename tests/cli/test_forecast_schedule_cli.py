"""``zerocarbon forecast pv`` and ``zerocarbon forecast schedule`` driven as a user would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
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
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('schedule_cli') / 'store.db'}"
    migrate(url)
    save_factory_setup(FactorySetup.model_validate({
        "factory": {"id": "F1", "name_zh": "测试厂", "province": "江苏"},
        "nodes": [{"code": "S", "kind": "site", "name_zh": "厂区"}],
        "meters": [{"code": "E1", "node": "S", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
                    "interval_seconds": 3600, "category": "electricity_purchased"}]}), url)
    ts = np.arange(T0, T0 + 5 * 7 * 86_400, 3600)
    hour, weekday = (ts - T0) // 3600 % 24, (ts - T0) // 86_400 % 7
    y = np.where((weekday < 5) & (hour >= 8) & (hour < 20), 100.0, 30.0)
    batch = open_batch("test", "meters", url=url, factory_id="F1")
    ingest_table({"meter": ["E1"] * len(ts), "ts": ts.tolist(), "value": y.tolist()}, "F1", batch, "test", url,
                 now=int(ts[-1]) + 86_400)
    yield url
    get_engine(url).dispose()


def test_help_lists_the_new_commands() -> None:
    out = runner.invoke(app, ["forecast", "--help"]).output
    for cmd in ("pv ", "pv-backtest", "schedule"):
        assert cmd in out
    assert "--battery-source" in runner.invoke(app, ["forecast", "schedule", "--help"]).output


def test_schedule_writes_the_table(db: str, tmp_path: Path) -> None:
    tariff = tmp_path / "tou.yaml"
    hours = ", ".join("峰" if 8 <= h < 20 else "谷" for h in range(24))
    tariff.write_text(f"schedule: [{hours}]\n"
                      "prices: {峰: 1.0, 谷: 0.3}\nsource: test tariff, illustrative\n", encoding="utf-8")
    out = tmp_path / "plan.json"
    res = runner.invoke(app, ["forecast", "schedule", "--factory", "F1", "--year", "2023", "--db", db,
                              "--load-meter", "E1", "--tariff", str(tariff), "--battery-kwh", "100",
                              "--battery-kw", "50", "--round-trip", "0.81", "--battery-source", "test battery",
                              "--day", "2023-05-31", "--no-holidays", "--out", str(out), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "expected cost" in res.output
    saved = json.loads(out.read_text())
    assert saved["summary"]["savings_cny"] == pytest.approx(90 - 0.3 * 100 / 0.9, abs=0.01)
    bad = runner.invoke(app, ["forecast", "schedule", "--factory", "F1", "--year", "2023", "--db", db,
                              "--load-meter", "E1", "--tariff", str(tmp_path / "missing.yaml"), "--battery-kwh", "1",
                              "--battery-kw", "1", "--round-trip", "0.9", "--battery-source", "x"])
    assert bad.exit_code == 2 and "missing.yaml" in bad.output


def test_pv_from_cloud_cover(tmp_path: Path) -> None:
    idx = pd.date_range("2023-06-01", periods=24, freq="h", tz="Asia/Shanghai")
    body = pd.DataFrame({"time": [t.isoformat() for t in idx], "cloud_cover": 50.0}).to_csv(index=False)
    f = tmp_path / "fc.csv"
    f.write_text("# source: test forecast (illustrative)\n# latitude: 31.78\n# longitude: 119.95\n" + body,
                 encoding="utf-8")
    res = runner.invoke(app, ["forecast", "pv", "--weather", str(f), "--tilt", "20", "--azimuth", "180",
                              "--kwp", "100", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert len(d["hours"]) == 24 and 100 < d["total_kwh"] < 800 and "Larson" in d["irradiance"]
