"""The metered year's hourly demand for planning: purchased plus on-site minus exported, per hour [kW]."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from zerocarbon.ingest.pipeline import close_batch, ingest_table, open_batch
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.planning.load import metered_hourly_kw
from zerocarbon.store.factories import save_factory_setup

TZ = ZoneInfo("Asia/Shanghai")


def test_hourly_demand_weighs_each_meter_by_its_category_and_unit(store_url: str) -> None:
    save_factory_setup(FactorySetup.model_validate({
        "factory": {"id": "P1", "name_zh": "规划测试厂", "province": "江苏"},
        "meters": [
            {"code": "GRID", "carrier": "electricity", "unit": "MWh", "register_kind": "interval",
             "interval_seconds": 3600, "category": "electricity_purchased"},
            {"code": "PV", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
             "interval_seconds": 3600, "category": "onsite_renewable"},
            {"code": "EXP", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
             "interval_seconds": 3600, "category": "electricity_exported"},
            {"code": "GAS", "carrier": "natural_gas", "unit": "Nm3", "register_kind": "interval",
             "interval_seconds": 3600, "category": "fuel_combustion", "item": "天然气"}]}), store_url)
    start = int(datetime(2023, 1, 1, tzinfo=TZ).timestamp())
    hours = np.arange(8760)
    ts = (start + hours * 3600).tolist()
    grid = (0.5 + (hours % 24) / 100).tolist()  # MWh
    rows = {"meter": ["GRID"] * 8760 + ["PV"] * 8760 + ["EXP"] * 8760 + ["GAS"] * 8760,
            "ts": ts * 4, "value": grid + [100.0] * 8760 + [20.0] * 8760 + [7.0] * 8760}
    batch = open_batch("test", "year", url=store_url, factory_id="P1")
    close_batch(ingest_table(rows, "P1", batch, "test", store_url, now=start + 400 * 86_400), url=store_url)
    kw = metered_hourly_kw("P1", 2023, store_url)
    assert kw is not None and kw.shape == (8760,)
    expected = np.array(grid) * 1000 + 100.0 - 20.0  # gas is not electricity: left out
    assert np.allclose(kw, expected, rtol=0, atol=1e-9)
