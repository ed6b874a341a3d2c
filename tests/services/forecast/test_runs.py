"""Forecast use cases on a small store: detect → stored alerts → acknowledge / close, webhook, budgets."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from zerocarbon.errors import InputError
from zerocarbon.ingest.pipeline import ingest_table, open_batch
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.forecast import budgets, runs
from zerocarbon.store.audit import entries

TZ = ZoneInfo("Asia/Shanghai")
T0 = int(datetime(2023, 5, 1, tzinfo=TZ).timestamp())  # a Monday
WEEKS = 5
SPIKE = T0 + (4 * 7 + 2) * 86_400 + 10 * 3600  # Wednesday of week 5, 10:00

SETUP = FactorySetup.model_validate({
    "factory": {"id": "F1", "name_zh": "测试厂", "province": "江苏"},
    "nodes": [{"code": "S", "kind": "site", "name_zh": "厂区"},
              {"code": "W", "kind": "workshop", "name_zh": "车间", "parent": "S", "cost_centre": "CC-W"}],
    "meters": [{"code": "E1", "node": "W", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
                "interval_seconds": 3600, "category": "electricity_purchased", "cost_centre": "CC-W"}],
})


def _load(url: str) -> None:
    from zerocarbon.store.factories import save_factory_setup

    save_factory_setup(SETUP, url)
    rng = np.random.default_rng(3)
    ts = np.arange(T0, T0 + WEEKS * 7 * 86_400, 3600)
    hour = (ts - T0) // 3600 % 24
    weekday = (ts - T0) // 86_400 % 7
    y = np.where((weekday < 5) & (hour >= 8) & (hour < 20), 100.0, 30.0) * (1 + 0.02 * rng.standard_normal(len(ts)))
    y[ts == SPIKE] += 200.0
    data = {"meter": ["E1"] * len(ts), "ts": ts.tolist(), "value": np.round(y, 3).tolist()}
    batch = open_batch("test", "meters", url=url, factory_id="F1")
    assert ingest_table(data, "F1", batch, "test", url, now=int(ts[-1]) + 86_400).rejected == 0


class _Hook(BaseHTTPRequestHandler):
    bodies: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        type(self).bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


def test_detect_store_deliver_acknowledge_close(store_url: str) -> None:
    _load(store_url)
    hook = type("Hook", (_Hook,), {"bodies": []})
    server = HTTPServer(("127.0.0.1", 0), hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = runs.run_detect("F1", 2023, store_url, holidays=False, tariffs={"electricity": 0.8},
                                 webhook=f"http://127.0.0.1:{server.server_port}/")
    finally:
        server.shutdown()
        server.server_close()
    spikes = [a for a in result["raised"] if a["kind"] == "spike"]
    assert len(spikes) == 1 and spikes[0]["start"] == SPIKE
    assert spikes[0]["tco2"] is not None and spikes[0]["tco2"] > 0  # the grid factor of 江苏 from the library
    assert spikes[0]["money"] == pytest.approx(spikes[0]["waste"] * 0.8)
    assert result["delivery"]["delivered"] and len(hook.bodies) == 1
    assert {a["id"] for a in hook.bodies[0]["alerts"]} == set(result["stored"])
    again = runs.run_detect("F1", 2023, store_url, holidays=False)
    assert again["stored"] == []  # stored once; the cool-down holds the rest back
    stored = runs.list_alerts("F1", store_url, "open")
    assert len(stored) == len(result["stored"]) and stored[0]["delivered_at"] is not None
    alert_id = next(r["id"] for r in stored if r["kind"] == "spike")
    assert runs.change_alert(alert_id, "acknowledged", store_url, actor="alice")["acknowledged_by"] == "alice"
    closed = runs.change_alert(alert_id, "closed", store_url, note="压缩机检修", actor="bob")
    assert closed["status"] == "closed" and closed["closed_by"] == "bob" and closed["note"] == "压缩机检修"
    with pytest.raises(InputError):
        runs.change_alert(alert_id, "acknowledged", store_url)
    with pytest.raises(InputError):
        runs.change_alert(99_999, "closed", store_url)
    actions = [e.action for e in entries(store_url, factory_id="F1", limit=20)]
    assert "alert.close" in actions and "alert.acknowledge" in actions and "alerts.raise" in actions


def test_budget_status_from_the_meters(store_url: str) -> None:
    _load(store_url)
    budgets.set_budget("F1", "2023-06", "10", cost_centre="CC-W", url=store_url, actor="alice")
    budgets.set_budget("F1", "2023-06", "100", url=store_url, actor="alice")
    budgets.set_budget("F1", "2023-06", "40", url=store_url, actor="alice")  # the newest is in force
    rows = budgets.budget_report("F1", "2023-06", store_url, as_of="2023-06-01", holidays=False)
    factory = next(r for r in rows if r["cost_centre"] is None)
    assert factory["budget"].startswith("40") and factory["days_done"] == 0 and factory["days_left"] == 30
    centre = next(r for r in rows if r["cost_centre"] == "CC-W")
    assert centre["projected"] == pytest.approx(factory["projected"])  # the one meter is the cost centre
    # ≈ 1,900 kWh a working day × 0.5+ tCO2/MWh ≈ 1 tCO2 a day: 30 days far above 10 t, far below 100 t
    assert centre["p_overshoot"] == 1.0
    with pytest.raises(InputError):
        budgets.set_budget("F1", "2023-13", "10", url=store_url)
    with pytest.raises(InputError):
        budgets.set_budget("F1", "2023", "-5", url=store_url)
    with pytest.raises(InputError):
        budgets.budget_report("F1", "2024", store_url)
