"""The resources end to end on both store backends: set-up, readings, corrections, results, reports, sign-off."""

from __future__ import annotations

import io
import json
from decimal import Decimal

from openpyxl import load_workbook
from tests.api.conftest import FOREIGN, OURS, T0, World, setup_doc

from zerocarbon.services.inventory.runs import run_store_inventory
from zerocarbon.store import audit

BASE = f"/api/v1/factories/{OURS}"


def test_setup_is_idempotent_and_checks_the_id(world: World) -> None:
    h = world.auth("data_entry")
    doc = setup_doc(OURS, "本省示范工厂", "江苏")
    doc["meters"].append({"code": "E2", "node": "L1", "carrier": "electricity", "unit": "kWh",
                          "register_kind": "interval"})
    first = world.client.put(f"{BASE}/setup", json=doc, headers=h)
    assert first.status_code == 200 and first.json()["created"] is False and set(first.json()["meters"]) == {
        "E1", "E2", "G1"}
    assert world.client.put(f"{BASE}/setup", json=doc, headers=h).json() == first.json()
    saves = [e for e in audit.entries(world.url, factory_id=OURS, action="factory.save")]
    assert saves[0].actor == "clerk"  # the second, identical save left no entry
    other = world.client.put(f"{BASE}/setup", json=setup_doc("OTHER", "x", "江苏"), headers=h)
    assert other.status_code == 422 and other.json()["error"]["code"] == "setup.factory_mismatch"
    bad = world.client.put(f"{BASE}/setup", json={**doc, "meters": [{"code": "E9"}]}, headers=h)
    assert bad.status_code == 422
    nodes = world.client.get(f"{BASE}/nodes", headers=h).json()
    assert {n["code"]: n["parent"] for n in nodes} == {"SITE": None, "L1": "SITE"}
    meter = world.client.get(f"{BASE}/meters/E2", headers=h).json()
    assert meter["node"] == "L1" and meter["register_kind"] == "interval"
    assert world.client.get(f"{BASE}/meters/NOPE", headers=h).status_code == 404


def test_push_readings_idempotent_with_rejects_listed(world: World) -> None:
    h = world.auth("data_entry")
    batch = {"readings": [
        {"meter": "E1", "ts": "2023-02-01T00:00:00+08:00", "value": 3.5, "id": "ok-1"},
        {"meter": "E1", "ts": "2023-02-01T00:15:00", "value": 4.5},
        {"meter": "NOPE", "ts": "2023-02-01T00:15:00", "value": 1.0, "id": "bad-meter"},
        {"meter": "E1", "ts": "not a time", "value": 1.0},
    ]}
    first = world.client.post(f"{BASE}/readings", json=batch, headers=h).json()
    assert (first["received"], first["accepted"], first["rejected"]) == (4, 2, 2)
    second = world.client.post(f"{BASE}/readings", json=batch, headers=h).json()
    assert (second["accepted"], second["duplicates"]) == (0, 2)
    rejected = world.client.get(f"{BASE}/rejected-records", params={"batch_id": first["batch_id"]}, headers=h).json()
    assert rejected["total"] == 2
    assert {r["field"] for r in rejected["items"]} >= {"ts"}
    assert any("bad-meter" in r["location"] for r in rejected["items"])
    # Each sending is logged with its rejects, under this factory only (API list and dashboard alike).
    assert world.client.get(f"{BASE}/rejected-records", headers=h).json()["total"] == 4
    foreign = world.auth("foreign_manager")
    assert world.client.get(f"/api/v1/factories/{FOREIGN}/rejected-records", headers=foreign).json()["total"] == 0
    for fid, who, count in ((OURS, h, 4), (FOREIGN, foreign, 0)):
        page = world.client.get(f"/api/v1/dashboard/factories/{fid}/quality", params={"year": 2023}, headers=who)
        assert page.status_code == 200 and page.json()["summary"]["rejected_records"] == count
    batches = world.client.get(f"{BASE}/batches", headers=h).json()
    mine = [b for b in batches["items"] if b["id"] == first["batch_id"]]
    assert mine and mine[0]["name"] == f"{OURS}:rest:clerk" and mine[0]["accepted"] == 2
    assert world.client.get(f"{BASE}/dead-letters", headers=h).json()["total"] == 0
    # Whole-request problems: not an object, too few fields, NUL characters, NaN.
    assert world.client.post(f"{BASE}/readings", json=[1, 2], headers=h).status_code == 422
    assert world.client.post(f"{BASE}/readings", json={}, headers=h).status_code == 422
    nul = {"readings": [{"meter": "E1\x00", "ts": T0, "value": 1.0}]}
    assert world.client.post(f"{BASE}/readings", json=nul, headers=h).status_code == 422
    nan = world.client.post(f"{BASE}/readings", content='{"readings": [{"meter": "E1", "ts": 1672502400, '
                            '"value": NaN}]}', headers={**h, "Content-Type": "application/json"})
    assert nan.status_code == 422


def test_readings_window_and_corrections(world: World) -> None:
    h = world.auth("factory_manager")
    params = {"start": "2023-01-01T00:00:00", "end": "2023-01-01T01:00:00"}
    got = world.client.get(f"{BASE}/meters/E1/readings", params=params, headers=h).json()
    assert got["count"] == 4 and got["start"] == T0 and got["readings"][0]["value"] == 10.0
    assert got["readings"][0]["local_time"] == "2023-01-01T00:00:00+08:00"
    limited = world.client.get(f"{BASE}/meters/E1/readings", params={**params, "limit": 2}, headers=h).json()
    assert limited["count"] == 2 and limited["truncated"] is True
    for bad in ({"start": "2023-01-02T00:00:00", "end": "2023-01-01T00:00:00"},
                {"start": "2020-01-01T00:00:00", "end": "2023-01-01T00:00:00"}):
        r = world.client.get(f"{BASE}/meters/E1/readings", params=bad, headers=h)
        assert r.status_code == 422 and r.json()["error"]["code"] == "readings.window"

    fix = world.client.post(f"{BASE}/corrections", headers=h, json={
        "meter": "E1", "ts": "2023-01-01T00:00:00", "value": 12.0, "reason": "CT ratio"})
    assert fix.status_code == 201 and fix.json() == {"meter": "E1", "ts": T0, "revision": 1}
    got = world.client.get(f"{BASE}/meters/E1/readings", params=params, headers=h).json()
    assert got["readings"][0]["value"] == 12.0 and got["readings"][0]["flags"] & 16
    entry = audit.entries(world.url, factory_id=OURS, action="reading.correct", limit=1)[0]
    assert entry.actor == "mgr"
    assert world.client.post(f"{BASE}/corrections", headers=h, json={
        "meter": "E1", "ts": T0, "value": 12.0, "reason": ""}).status_code == 422


def test_results_are_the_services(world: World) -> None:
    h = world.auth("verifier")
    activity = world.client.get(f"{BASE}/activity", params={"year": 2023}, headers=h).json()
    amounts = {a["id"]: Decimal(a["amount"]) for a in activity}
    assert amounts["E1-2023-01"] == Decimal(10 * 96 * 2)
    inventory = world.client.get(f"{BASE}/inventories/2023", headers=h).json()
    expected = run_store_inventory(OURS, 2023, url=world.url, mc_draws=0).inventory.totals.to_dict()
    assert inventory["totals"] == expected  # the same engine, the same figures, full precision
    line = next(x for x in inventory["lines"] if x["id"] == "E1-2023-01")
    assert line["figures"]["gbt32150"]["factors"], "every line carries its trace"
    month = world.client.get(f"{BASE}/inventories/2023-01", headers=h).json()
    assert month["period"] == "2023-01" and month["totals"]["gbt32150_total"] == expected["gbt32150_total"]
    trace = world.client.get(f"{BASE}/inventories/2023/lines/E1-2023-01/trace", headers=h).json()
    assert "E1-2023-01" in trace["explain"]["en"] and "活动数据行" in trace["explain"]["zh"]
    assert world.client.get(f"{BASE}/inventories/2023/lines/XX/trace", headers=h).status_code == 404
    assert world.client.get(f"{BASE}/inventories/2023-13", headers=h).status_code == 422
    empty = world.client.get(f"{BASE}/inventories/2019", headers=h)
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "input.invalid"
    energy = world.client.get(f"{BASE}/energy", params={"year": 2023}, headers=h).json()
    assert Decimal(energy["total_tce"]) > 0 and set(energy["by_item"]) == {"electricity", "natural_gas"}


def test_reports(world: World) -> None:
    h = world.auth("authority")
    js = world.client.get(f"{BASE}/reports/2023.json", headers=h)
    assert js.status_code == 200 and js.headers["content-type"].startswith("application/json")
    assert json.loads(js.content)["factory"]["id"] == OURS
    assert f'filename="{OURS}-2023-inventory.json"' in js.headers["content-disposition"]
    xlsx = world.client.get(f"{BASE}/reports/2023-01.xlsx", headers=h)
    assert xlsx.status_code == 200 and load_workbook(io.BytesIO(xlsx.content)).sheetnames
    zh = world.client.get(f"{BASE}/reports/2023.html", headers=h)
    en = world.client.get(f"{BASE}/reports/2023.html", headers={**h, "Accept-Language": "en"})
    assert '<html lang="zh-CN">' in zh.text and '<html lang="en">' in en.text
    assert 'src="plotly.min.js"' not in zh.text  # one self-contained file
    assert world.client.get(f"{BASE}/reports/2023.html", params={"lang": "en"}, headers=h).text == en.text
    pdf = world.client.get(f"{BASE}/reports/2023.pdf", headers=h)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert world.client.get(f"{BASE}/reports/2023.doc", headers=h).status_code == 422


def test_signoff_and_its_check(world: World) -> None:
    h = world.auth("verifier")
    r = world.client.post(f"{BASE}/inventories/2023/signoff", json={"note": "checked on site"}, headers=h)
    assert r.status_code == 201, r.text
    so = r.json()
    assert so["signed_by_name"] == "auditor" and so["period"] == "2023" and len(so["digest"]) == 64
    listed = world.client.get(f"{BASE}/signoffs", headers=h).json()
    assert [s["id"] for s in listed] == [so["id"]]
    check = world.client.get(f"{BASE}/signoffs/{so['id']}/check", headers=h).json()
    assert check["unchanged"] is True
    world.client.post(f"{BASE}/corrections", headers=world.auth("factory_manager"), json={
        "meter": "E1", "ts": T0, "value": 99.0, "reason": "meter swap"})
    check = world.client.get(f"{BASE}/signoffs/{so['id']}/check", headers=h).json()
    assert check["unchanged"] is False and check["inputs_changed"] is True
    assert world.client.get(f"{BASE}/signoffs/{world.foreign_signoff}/check", headers=h).status_code == 404
    audit_log = world.client.get(f"{BASE}/audit", headers=h).json()
    assert any(e["action"] == "inventory.signoff" and e["actor"] == "auditor" for e in audit_log)
