"""The battery's day-ahead schedule from the load and PV forecasts (services/forecast/schedule.py), and the
forecast-weather files it reads (services/forecast/pv.py)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from zerocarbon.errors import InputError
from zerocarbon.forecast.pv_forecast import expected_energy
from zerocarbon.ingest.pipeline import ingest_table, open_batch
from zerocarbon.model.metering import FactorySetup
from zerocarbon.renewables.pv import PVArray, Site
from zerocarbon.renewables.tariffs import two_price
from zerocarbon.renewables.weather import SyntheticClimate, synthetic_year, write_weather_csv
from zerocarbon.services.forecast.pv import PVOptions, read_forecast_weather, run_pv_forecast
from zerocarbon.services.forecast.schedule import BatteryOptions, day_ahead_schedule, load_tariff, write_schedule

TZ = ZoneInfo("Asia/Shanghai")
T0 = int(datetime(2023, 5, 1, tzinfo=TZ).timestamp())  # a Monday
WEEKS = 5
DAY = "2023-05-31"  # a Wednesday of week 5, inside the data
SITE = Site(31.78, 119.95, 5.0, tz="Asia/Shanghai")
CLIMATE = SyntheticClimate([0.6] * 12, 4.0, 16.0, 10.0, 4.0, 200.0, 14.0, "test: illustrative parameters")
TEST_TARIFF = "test tariff: illustrative prices, not a provincial table"
PV_KWP = 300.0

SETUP = FactorySetup.model_validate({
    "factory": {"id": "F1", "name_zh": "测试厂", "province": "江苏"},
    "nodes": [{"code": "S", "kind": "site", "name_zh": "厂区"}],
    "meters": [{"code": "E1", "node": "S", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
                "interval_seconds": 3600, "category": "electricity_purchased"},
               {"code": "P1", "node": "S", "carrier": "pv", "unit": "kWh", "register_kind": "interval",
                "interval_seconds": 3600, "category": "onsite_renewable"}],
})


def _weather() -> pd.DataFrame:
    w = synthetic_year(SITE, 2023, CLIMATE, 7)
    return w[(w.index >= pd.Timestamp(T0, unit="s", tz="UTC")) & (w.index < pd.Timestamp("2023-06-08", tz=TZ))]


@pytest.fixture
def world(store_url: str, tmp_path: Path) -> tuple[str, Path]:
    """F1: a shift load (100 kW 08–20 on weekdays, 30 kW otherwise) and a 300 kWp roof whose meter reads what
    pvlib makes of the weather file (the file is then a perfect forecast)."""
    from zerocarbon.store.factories import save_factory_setup

    save_factory_setup(SETUP, store_url)
    rng = np.random.default_rng(3)
    ts = np.arange(T0, T0 + WEEKS * 7 * 86_400, 3600)
    hour = (ts - T0) // 3600 % 24
    weekday = (ts - T0) // 86_400 % 7
    load = np.where((weekday < 5) & (hour >= 8) & (hour < 20), 100.0, 30.0) * (1 + 0.01 * rng.standard_normal(len(ts)))
    weather = _weather()
    path = write_weather_csv(tmp_path / "fc.csv", weather, SITE, {"source": "test: synthetic weather, seed 7"})
    pv = expected_energy(SITE, [PVArray("roof", 20, 180, PV_KWP)], weather, "truth").at(ts)
    data = {"meter": ["E1"] * len(ts) + ["P1"] * len(ts), "ts": ts.tolist() * 2,
            "value": np.round(load, 3).tolist() + np.round(pv, 3).tolist()}
    batch = open_batch("test", "meters", url=store_url, factory_id="F1")
    assert ingest_table(data, "F1", batch, "test", store_url, now=int(ts[-1]) + 86_400).rejected == 0
    return store_url, path


def _balanced(result: dict[str, object]) -> None:
    for h in result["hours"]:  # type: ignore[attr-defined]
        supply = h["import_kw"] - h["export_kw"] + h["pv_kw"] + h["discharge_kw"] - h["charge_kw"]
        assert supply == pytest.approx(h["load_kw"], abs=0.01)
        assert h["import_no_battery_kw"] - h["export_no_battery_kw"] + h["pv_kw"] == pytest.approx(h["load_kw"],
                                                                                                    abs=0.01)


def test_battery_arbitrage_matches_the_hand_calculation(world: tuple[str, Path]) -> None:
    """Peak 1.0 CNY/kWh 08–20, valley 0.3; 100 kWh / 50 kW, η_c = η_d = 0.9, starting and ending half full.

    By hand: the battery fills in the morning valley (+50 kWh stored), empties over the peak (100 kWh stored →
    90 kWh delivered) and refills to half in the evening valley; grid energy charged 100 / 0.9 = 111.11 kWh.
    Saving = 1.0 × 90 − 0.3 × 111.11 = 56.667 CNY; grid import + 111.11 − 90 = +21.11 kWh.
    """
    url, _ = world
    tariff = two_price(range(8, 20), 1.0, 0.3, TEST_TARIFF)
    battery = BatteryOptions(100.0, 50.0, 0.81, "test battery", soc_initial=0.5)
    r = day_ahead_schedule("F1", 2023, url, load_meters=["E1"], tariff=tariff, battery=battery, day=DAY,
                           holidays=False)
    s = r["summary"]
    assert s["savings_cny"] == pytest.approx(90.0 - 0.3 * 100 / 0.9, abs=0.01)
    assert s["import_kwh"] - s["import_no_battery_kwh"] == pytest.approx(100 / 0.9 - 90.0, abs=0.01)
    assert s["discharge_kwh"] == pytest.approx(90.0, abs=0.01)
    _balanced(r)
    peak = [h for h in r["hours"] if h["period"] == "峰"]
    assert sum(h["charge_kw"] for h in peak) == pytest.approx(0.0, abs=1e-6)
    assert r["hours"][-1]["soc_kwh"] >= 50.0 - 1e-6
    assert r["day"] == DAY and r["load_meters"][0]["meter"] == "E1"
    assert r["grid_factor_kg_per_kwh"] > 0 and r["grid_factor_source"]
    assert "deterministic" in r["method"] and r["tariff_source"] == TEST_TARIFF


def test_pv_forecast_feeds_the_schedule(world: tuple[str, Path]) -> None:
    url, path = world
    tariff = two_price([], 0.7, 0.7, TEST_TARIFF, export_price=0.3)  # flat price; surplus PV exported for less
    r = day_ahead_schedule("F1", 2023, url, load_meters=["E1"], tariff=tariff,
                           battery=BatteryOptions(200.0, 100.0, 0.81, "test battery"),
                           pv=PVOptions(path, 20, 180), pv_meter="P1", day=DAY, holidays=False)
    assert r["pv"]["fitted_kwp"] == pytest.approx(PV_KWP, rel=0.01)
    truth = run_pv_forecast(PVOptions(path, 20, 180, kwp=PV_KWP), start=DAY)
    assert r["summary"]["pv_kwh"] == pytest.approx(truth["total_kwh"], rel=0.01)
    s = r["summary"]
    assert s["export_no_battery_kwh"] > 0  # the roof makes more than the factory uses at noon
    assert s["export_kwh"] < s["export_no_battery_kwh"] and s["savings_cny"] > 0
    assert s["cost_cny"] == pytest.approx(s["cost_no_battery_cny"] - s["savings_cny"], abs=0.01)
    _balanced(r)


def test_outputs_and_bad_input(world: tuple[str, Path], tmp_path: Path) -> None:
    url, _ = world
    tariff = two_price(range(8, 20), 1.0, 0.3, TEST_TARIFF)
    battery = BatteryOptions(100.0, 50.0, 0.81, "test battery")
    r = day_ahead_schedule("F1", 2023, url, load_meters=["E1"], tariff=tariff, battery=battery, day=DAY,
                           holidays=False)
    wb = load_workbook(write_schedule(r, tmp_path / "s.xlsx", "en"))
    assert wb.sheetnames == ["schedule", "summary"] and wb["schedule"].max_row == 25
    assert wb["schedule"]["A1"].value == "time"
    csv = write_schedule(r, tmp_path / "s.csv", "zh").read_text(encoding="utf-8-sig")
    assert csv.splitlines()[0].startswith("时间,时段") and len(csv.splitlines()) == 25
    assert json.loads(write_schedule(r, tmp_path / "s.json").read_text())["summary"] == r["summary"]
    with pytest.raises(InputError):
        write_schedule(r, tmp_path / "s.pdf")
    with pytest.raises(InputError):  # after the data
        day_ahead_schedule("F1", 2023, url, load_meters=["E1"], tariff=tariff, battery=battery, day="2023-07-01")
    with pytest.raises(InputError):
        day_ahead_schedule("F1", 2023, url, load_meters=["E9"], tariff=tariff, battery=battery, day=DAY)
    with pytest.raises(InputError):
        BatteryOptions(100.0, 50.0, 0.81, " ").battery()


def test_tariff_files(tmp_path: Path) -> None:
    sample = Path(__file__).parents[2] / "src/zerocarbon/demo/sample_planning.yaml"
    t = load_tariff(sample)
    assert set(t.prices) == {"平"} and t.export_price == pytest.approx(0.391) and "1658" in t.source
    bad = tmp_path / "t.yaml"
    bad.write_text("schedule: 平\nprices: {平: 0.7}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_tariff(bad)
    assert err.value.file == str(bad)


def test_forecast_weather_files_with_chinese_headers(tmp_path: Path) -> None:
    frame = pd.DataFrame({"时间": ["2023-06-01 00:00", "2023-06-01 01:00"], "总云量 [%]": [20, 80],
                          "气温 [°C]": [21.0, 20.5]})
    xlsx = tmp_path / "fc.xlsx"
    frame.to_excel(xlsx, index=False)
    data, header = read_forecast_weather(xlsx, "Asia/Shanghai")
    assert list(data.columns) == ["cloud_cover", "temp_air"] and header == {}
    assert data.index[0] == pd.Timestamp("2023-06-01 00:00", tz="Asia/Shanghai")
    frame["总云量 [%]"] = frame["总云量 [%]"].astype(object)
    frame.loc[1, "总云量 [%]"] = "多云"
    frame.to_excel(xlsx, index=False)
    with pytest.raises(InputError) as err:
        read_forecast_weather(xlsx, "Asia/Shanghai")
    assert (err.value.row, err.value.field, err.value.sheet) == (3, "cloud_cover", "1")
    no_source = tmp_path / "fc.csv"
    no_source.write_text("# latitude: 31.78\n# longitude: 119.95\ntime,ghi\n2023-06-01T00:00+08:00,0\n",
                         encoding="utf-8")
    with pytest.raises(InputError) as err:
        run_pv_forecast(PVOptions(no_source, 20, 180, kwp=10.0))
    assert err.value.field == "source"
