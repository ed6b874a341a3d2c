"""The routes of the later capabilities' pages: the verdict, the regional view and its workbook, alerts
(list, acknowledge, close, who may), budgets, planning and footprints — on a copy of the sample store
(tests/conftest.py ``demo_store``), with the sample's companion files beside its declared file."""

from __future__ import annotations

import io
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from tests.conftest import DEMO_EMPTY, DEMO_FACTORY, DEMO_FOREIGN, DEMO_PASSWORD, DemoStore

from zerocarbon.api.app import create_app
from zerocarbon.api.settings import Settings
from zerocarbon.demo.generator import SAMPLE_FILE
from zerocarbon.services import dashboard
from zerocarbon.store import alerts as alert_repo

T0 = 1_701_360_000  # 2023-12-01T00:00:00+08:00
F = f"/api/v1/factories/{DEMO_FACTORY}"


@dataclass
class Env:
    client: TestClient
    url: str
    declared: Path

    def auth(self, user: str) -> dict[str, str]:
        r = self.client.post("/api/v1/auth/token", data={"username": user, "password": DEMO_PASSWORD})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}


def alert_row(start: int, meter: str = "EL-L1") -> dict[str, Any]:
    """One alert as the detector's ``Alert.to_dict`` gives it (three hours of evidence)."""
    curve = [{"ts": start + i * 3600, "observed": 900.0 + i, "expected": 500.0, "lower": 450.0, "upper": 560.0}
             for i in range(3)]
    return {"meter": meter, "kind": "spike", "start": start, "end": start + 3 * 3600, "severity": "high",
            "incident": f"{meter}@{start}", "message_zh": "EL-L1 尖峰：3 小时", "message_en": "EL-L1 spike: 3 hours",
            "observed": 2703.0, "expected": 1500.0, "hours": 3, "merged": 1, "suppressed": 0, "suppressed_waste": 0.0,
            "waste": 1203.0, "unit": "kWh", "tco2": 0.6496, "money": None, "currency": "CNY",
            "factor_source": "factor row", "curve": curve}


@pytest.fixture(scope="module")
def env(demo_store: DemoStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    root = tmp_path_factory.mktemp("capabilities")
    db = Path(demo_store.url.removeprefix("sqlite:///"))
    with sqlite3.connect(db) as source, sqlite3.connect(root / db.name) as copy:
        source.backup(copy)  # with what is still in the write-ahead log
    shutil.copytree(db.parent / f"{db.name}.columnar", root / f"{db.name}.columnar")
    url = f"sqlite:///{root / db.name}"
    declared = root / "declared"
    declared.mkdir()
    shutil.copy(SAMPLE_FILE, declared / f"{DEMO_FACTORY}.yaml")
    for name, kind in (("sample_assessment.yaml", "assessment"), ("sample_ledger.yaml", "ledger"),
                       ("sample_equipment.yaml", "equipment")):
        shutil.copy(SAMPLE_FILE.parent / name, declared / f"{DEMO_FACTORY}.{kind}.yaml")
    mp = pytest.MonkeyPatch()
    mp.setenv("ZEROCARBON_DECLARED_DIR", str(declared))
    dashboard.cache_clear()
    with TestClient(create_app(Settings(database_url=url))) as client:
        yield Env(client, url, declared)
    mp.undo()
    dashboard.cache_clear()


def test_verdict_of_the_sample(env: Env) -> None:
    """docs/assessment.md: the sample (2023) does not meet the basic requirement — its physically traceable
    share is 20.0 % against 35 %; the intensity and the non-fossil share are not assessable."""
    r = env.client.get(f"{F}/verdict/2023", headers=env.auth("manager"))
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["files"] == {"assessment": f"{DEMO_FACTORY}.assessment.yaml", "ledger": f"{DEMO_FACTORY}.ledger.yaml",
                          "equipment": f"{DEMO_FACTORY}.equipment.yaml"}
    levels = {lv["id"]: lv for lv in d["levels"]}
    assert levels["basic"]["status"] == "not_met" and levels["basic"]["status_label"] == {"zh": "未达到",
                                                                                          "en": "not met"}
    crit = {c["id"]: c for c in d["criteria"]}
    assert crit["1.3-basic"]["status"] == "not_met"
    assert crit["1.3-basic"]["value"] == {"zh": "20.0 %", "en": "20.0 %"}
    assert crit["1.3-basic"]["requirement"]["en"] == "≥ 35 %"
    assert crit["1.3-basic"]["gauge"]["threshold"] == 0.35
    assert crit["1.1-basic"]["status"] == "not_assessable" and crit["1.1-basic"]["gauge"] is None
    assert len(d["centre"]) == 13 and d["centre_count"]["total"] == 13
    assert 0 < d["centre_count"]["met"] <= 13
    gap = next(g for g in d["gaps"] if any(c["id"] == "1.3-basic" for c in g["criteria"]))
    assert "4,028" in gap["closers"][0]["en"] or "4028" in gap["closers"][0]["en"]
    assert [t["year"] for t in d["trend"]] == sorted(t["year"] for t in d["trend"])


def test_verdict_refuses_what_it_should(env: Env) -> None:
    assert env.client.get(f"{F}/verdict/1999", headers=env.auth("manager")).status_code == 422
    other = env.client.get(f"/api/v1/factories/{DEMO_FOREIGN}/verdict/2023", headers=env.auth("manager"))
    assert other.status_code == 404
    assert env.client.get(f"{F}/verdict/2023").status_code == 401


def test_region_and_its_workbook(env: Env) -> None:
    h = env.auth("authority")
    r = env.client.get("/api/v1/region/2023", headers=h)
    assert r.status_code == 200, r.text
    rows = {row["id"]: row for row in r.json()["rows"]}
    assert set(rows) == {DEMO_FACTORY, DEMO_EMPTY}  # its region only, never Guangdong
    sample = rows[DEMO_FACTORY]
    assert sample["tier"] in ("none", "basic", "target") and sample["tier_label"]["zh"] in ("培育", "创建", "达标")
    assert sample["indicator_display"]["traceable_share"]["en"] == "20.0 %"
    assert "error" in rows[DEMO_EMPTY] and rows[DEMO_EMPTY]["error"]["en"]
    assert env.client.get("/api/v1/region/2023/progress", headers=h).json() == {"busy": False, "year": 2023}
    wb = env.client.get("/api/v1/region/2023/workbook", params={"lang": "en"}, headers=h)
    assert wb.status_code == 200 and wb.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(wb.content)).active
    assert sheet is not None and sheet.title == "region"
    ids = [sheet.cell(i, 1).value for i in range(2, sheet.max_row + 1)]
    assert DEMO_FACTORY in ids and DEMO_FOREIGN not in ids
    assert env.client.get("/api/v1/region/2023", headers=env.auth("manager")).status_code == 403


def test_alerts_listed_acknowledged_and_closed(env: Env) -> None:
    first, second = alert_repo.insert_alerts(DEMO_FACTORY, [alert_row(T0), alert_row(T0 + 86_400)], env.url)
    h = env.auth("manager")
    d = env.client.get(f"{F}/alerts", headers=h).json()
    listed = {a["id"]: a for a in d["alerts"]}
    assert {first, second} <= set(listed) and d["counts"]["open"] >= 2
    a = listed[first]
    assert a["start"] == "2023-12-01 00:00" and a["end"] == "2023-12-01 03:00"  # local time, Asia/Shanghai
    assert a["curve"]["time"][1] == "2023-12-01 01:00" and a["curve"]["upper"] == [560.0] * 3
    assert a["kind_label"] == {"zh": "尖峰", "en": "spike"} and a["tco2"]["display"] == "0.650"
    # the authority reads, but may not change
    refused = env.client.post(f"{F}/alerts/{first}", json={"status": "closed"}, headers=env.auth("authority"))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "auth.forbidden"
    ack = env.client.post(f"{F}/alerts/{first}", json={"status": "acknowledged", "note": "查看中"}, headers=h)
    assert ack.status_code == 200 and ack.json()["acknowledged_by"] == "manager"
    again = env.client.post(f"{F}/alerts/{first}", json={"status": "acknowledged"}, headers=h)
    assert again.status_code == 422
    closed = env.client.post(f"{F}/alerts/{first}", json={"status": "closed"}, headers=h).json()
    assert closed["status"] == "closed" and closed["note"] == "查看中"
    assert env.client.post(f"{F}/alerts/{first}", json={"status": "acknowledged"}, headers=h).status_code == 422
    only_closed = env.client.get(f"{F}/alerts", params={"status": "closed"}, headers=h).json()["alerts"]
    assert [x["id"] for x in only_closed] == [first]
    assert env.client.post(f"{F}/alerts/{second}", json={"status": "open"}, headers=h).status_code == 422
    # an alert of another factory is not there, whoever asks
    foreign = alert_repo.insert_alerts(DEMO_FOREIGN, [alert_row(T0, "X1")], env.url)[0]
    assert env.client.post(f"{F}/alerts/{foreign}", json={"status": "closed"}, headers=env.auth("admin")
                           ).status_code == 404


def test_budgets(env: Env) -> None:
    """docs/forecast.md: the sample's December is over 2,500 tCO2 once the month is done."""
    h = env.auth("manager")
    assert env.client.get(f"{F}/budgets", headers=h).json()["budgets"] == []
    from zerocarbon.services.forecast.budgets import set_budget

    set_budget(DEMO_FACTORY, "2023-12", "2500", url=env.url)
    b = env.client.get(f"{F}/budgets", headers=h).json()["budgets"][0]
    assert b["period"] == "2023-12" and b["budget"]["display"] == "2,500.00"
    assert b["over"] is True and b["p_overshoot"]["display"] == "100.0" and b["days_left"] == 0
    assert env.client.get(f"{F}/budgets", params={"period": "2023-13x"}, headers=h).status_code == 422


def test_planning_without_its_file_says_which_file(env: Env) -> None:
    d = env.client.get(f"{F}/planning/2023", headers=env.auth("manager")).json()
    assert d == {"available": False, "expected_file": f"{DEMO_FACTORY}.planning.yaml", "year": 2023}


@pytest.mark.slow
def test_planning_with_its_file(env: Env) -> None:
    """The sample's assumptions with three of its measures (the plan takes seconds: PV on a year of hours)."""
    import yaml

    doc = yaml.safe_load((SAMPLE_FILE.parent / "sample_planning.yaml").read_text(encoding="utf-8"))
    doc["measures"] = [m for m in doc["measures"] if m["id"] in ("forklifts", "green-power", "pv-roof")]
    doc.pop("sizing")
    (env.declared / f"{DEMO_FACTORY}.planning.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    shutil.copy(SAMPLE_FILE.parent / "weather_changzhou.csv", env.declared / "weather_changzhou.csv")
    try:
        d = env.client.get(f"{F}/planning/2023", headers=env.auth("manager")).json()
    finally:
        (env.declared / f"{DEMO_FACTORY}.planning.yaml").unlink()
    assert d["available"] and d["files"]["planning"] == f"{DEMO_FACTORY}.planning.yaml"
    assert [s["id"] for s in d["steps"]] == sorted((s["id"] for s in d["steps"]), key=lambda i: next(
        x["mac_value"] for x in d["steps"] if x["id"] == i))  # cheapest abatement first
    assert d["sizing"]["status"] == "not_requested" and d["weather_synthetic"] is True


def test_footprints_as_published(env: Env) -> None:
    from zerocarbon.services.footprint import exchange, pact_host

    h = env.auth("manager")
    assert env.client.get(f"{F}/footprints", headers=h).json() == {"factory": DEMO_FACTORY, "published": [],
                                                                   "suppliers": []}
    ref = exchange.reference_dir()
    if ref is None:
        pytest.skip("the PACT reference examples (../shared/reference/pact) are absent")
    import json

    doc = json.loads((ref / "v3" / "examples" / "example-1.json").read_text(encoding="utf-8"))
    pact_host.store_documents(DEMO_FACTORY, [doc], "published", "example", env.url)
    row = env.client.get(f"{F}/footprints", headers=h).json()["published"][0]
    assert row["id"] == doc["id"] and row["product"] == doc["productNameCompany"]
    assert row["declared_unit"] == doc["pcf"]["declaredUnitOfMeasurement"]
    assert row["pcf"]["value"] == str(doc["pcf"]["pcfExcludingBiogenicUptake"])
    assert row["status_label"]["en"] in ("active", "deprecated")
