"""Repository of alerts and budgets: stored once, status changes audited, newest budget in force."""

from __future__ import annotations

from decimal import Decimal

from zerocarbon.model.metering import FactorySetup
from zerocarbon.store import alerts as repo
from zerocarbon.store.audit import entries
from zerocarbon.store.factories import save_factory_setup


def _alert(start: int) -> dict[str, object]:
    return {"meter": "E1", "kind": "spike", "start": start, "end": start + 3600, "severity": "high", "incident": "",
            "waste": 12.5, "unit": "kWh", "tco2": 0.007, "money": None, "message_zh": "尖峰", "message_en": "spike",
            "observed": 30.0, "expected": 17.5, "hours": 1, "curve": [{"ts": start, "observed": 30.0}]}


def test_alerts_and_budgets(store_url: str) -> None:
    save_factory_setup(FactorySetup.model_validate({"factory": {"id": "F1", "name_zh": "测试厂", "province": "江苏"},
                                                    "nodes": [], "meters": []}), store_url)
    first = repo.insert_alerts("F1", [_alert(3600), _alert(7200)], store_url, now=100)
    assert len(first) == 2 and repo.insert_alerts("F1", [_alert(3600)], store_url) == []
    assert repo.last_raised("F1", store_url) == {("E1", "spike"): 7200 + 3600}
    row = repo.set_status(first[0], "acknowledged", "alice", "看过了", store_url, now=200)
    assert row is not None and (row["status"], row["acknowledged_by"], row["acknowledged_at"]) == ("acknowledged",
                                                                                                   "alice", 200)
    assert row["evidence"]["curve"] == [{"ts": 3600, "observed": 30.0}]
    assert repo.set_status(999, "closed", "bob", url=store_url) is None
    repo.record_delivery(first, 2, True, store_url, now=300)
    listed = repo.alert_list("F1", store_url, "open")
    assert [r["id"] for r in listed] == [first[1]] and listed[0]["delivery_attempts"] == 2
    repo.insert_budget("F1", "2023", Decimal("100.5"), cost_centre=None, unit="tCO2", source="user", note="",
                       actor="alice", url=store_url)
    repo.insert_budget("F1", "2023", Decimal("90"), cost_centre=None, unit="tCO2", source="roadmap", note="",
                       actor="alice", url=store_url)
    force = repo.budgets_in_force("F1", "2023", store_url)
    assert len(force) == 1 and Decimal(str(force[0]["amount"])) == Decimal("90") and force[0]["source"] == "roadmap"
    actions = [e.action for e in entries(store_url, factory_id="F1", limit=10)]
    assert actions.count("budget.set") == 2 and "alert.acknowledge" in actions and "alerts.raise" in actions
