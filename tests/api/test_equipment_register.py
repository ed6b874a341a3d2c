"""The stored equipment register through the API: list, get, upload (idempotent, every problem at once), delete.

On each backend (SQLite; PostgreSQL where reachable), in the world of ``conftest.py`` (factory A ours, B foreign).
The devices read back are compared with the file's own reading by the importer
(:func:`zerocarbon.ingest.equipment_devices.read_devices`), and the savings of a stored compressor with the
hand-worked case of tests/energy/test_savings_machines.py.
"""

from __future__ import annotations

import io
from decimal import Decimal as D
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from openpyxl import Workbook
from tests.api.conftest import FOREIGN, OURS, World

from zerocarbon.energy.grading import grade_device
from zerocarbon.energy.savings_more import machine_upgrade_to_grade1
from zerocarbon.ingest.equipment_devices import read_devices
from zerocarbon.services.efficiency import equipment_store
from zerocarbon.store import audit
from zerocarbon.store import schema as s
from zerocarbon.store.db import get_engine

SAMPLE = Path(__file__).parents[2] / "src" / "zerocarbon" / "demo" / "sample_equipment.yaml"


def workbook(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "设备台账"
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


HEAD = ["设备编号", "设备类型", "额定功率", "排气压力", "冷却方式", "比功率", "机型", "供电方式", "负载率",
        "年运行小时数"]
GOOD = workbook([HEAD, ["AC1", "空压机", 37, 0.8, "风冷", 7.9, "喷油回转", "工频", 0.8, 5000],
                 ["AC2", "空压机", 37, 0.8, "液冷", "6.4", "喷油回转", "工频", 0.5, 4000]])


def post(world: World, who: str, content: bytes, name: str = "台账.xlsx", factory: str = OURS) -> Any:
    return world.client.post(f"/api/v1/factories/{factory}/equipment", headers=world.auth(who),
                             files={"file": (name, content, "application/octet-stream")})


def equipment_entries(url: str) -> list[audit.AuditEntry]:
    return [e for e in audit.entries(url, limit=1000) if e.entity == "equipment"]


def test_upload_list_get_and_resend_changes_nothing(world: World) -> None:
    r = post(world, "data_entry", GOOD)
    assert r.status_code == 200, r.text
    assert r.json() == {"added": ["AC1", "AC2"], "changed": [], "unchanged": []}
    listed = world.client.get(f"/api/v1/factories/{OURS}/equipment", headers=world.auth("verifier"))
    assert listed.status_code == 200
    body = listed.json()
    assert [d["code"] for d in body] == ["AC1", "AC2"]
    assert body[0]["cooling"] == "air" and body[1]["cooling"] == "water" and body[0]["supply"] == "line"
    expected = read_devices("台账.xlsx", GOOD)
    stored = equipment_store.devices(OURS, world.url)
    assert stored == expected
    one = world.client.get(f"/api/v1/factories/{OURS}/equipment/AC1", headers=world.auth("verifier")).json()
    assert D(str(one["specific_power"])) == D("7.9") and D(str(one["pressure_mpa"])) == D("0.8")
    n_audit = len(equipment_entries(world.url))
    assert n_audit == 2
    again = post(world, "data_entry", GOOD)
    assert again.json() == {"added": [], "changed": [], "unchanged": ["AC1", "AC2"]}
    assert len(equipment_entries(world.url)) == n_audit
    assert equipment_store.devices(OURS, world.url) == expected
    # the stored compressor gives the hand-worked savings (22 481.0127 kWh/a)
    ac1 = stored[0]
    s1 = machine_upgrade_to_grade1(ac1, grade_device(ac1), electricity_factor=D("0.5703"), tariff=D("0.65"),
                                   replacement_cost=D(60000), discount_rate=D("0.08"), lifetime_years=15)
    assert s1.kwh_per_year.quantize(D("0.0001")) == D("22481.0127")


def test_a_changed_device_is_replaced_and_audited(world: World) -> None:
    post(world, "admin", GOOD)
    changed = workbook([HEAD, ["AC1", "空压机", 37, 0.8, "风冷", 7.2, "喷油回转", "工频", 0.8, 5000]])
    r = post(world, "factory_manager", changed)
    assert r.json() == {"added": [], "changed": ["AC1"], "unchanged": []}
    entry = equipment_entries(world.url)[0]  # newest first
    assert entry.action == "equipment.change" and entry.entity_id == "AC1"
    assert entry.before is not None and '"specific_power":"7.9"' in entry.before
    assert entry.after is not None and '"specific_power":"7.2"' in entry.after
    assert [d.code for d in equipment_store.devices(OURS, world.url)] == ["AC1", "AC2"]  # AC2 stays


def test_bad_file_answers_every_problem_and_stores_nothing(world: World) -> None:
    bad = workbook([[*HEAD, "颜色"],
                    ["AC1", "空压机", 37, 0.8, "油冷", 7.9, "喷油回转", "工频", 0.8, 5000, "红"],
                    ["AC2", "空压机", "三十七", 0.8, "风冷", 7.9, "喷油回转", "调频", 2, 9000, None]])
    r = world.client.post(f"/api/v1/factories/{OURS}/equipment",
                          headers=world.auth("admin") | {"Accept-Language": "en"},
                          files={"file": ("bad.xlsx", bad, "application/octet-stream")})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "input.invalid"
    found = {(e["sheet"], e["row"], e["field"]) for e in err["details"]["details"]["errors"]}
    assert found == {("设备台账", 1, "颜色"), ("设备台账", 2, "cooling"), ("设备台账", 3, "rated_power_kw"),
                     ("设备台账", 3, "supply"), ("设备台账", 3, "load_factor"), ("设备台账", 3, "running_hours")}
    assert "problems" in err["message"]
    assert equipment_store.devices(OURS, world.url) == []
    assert equipment_entries(world.url) == []


def test_delete_and_not_found(world: World) -> None:
    post(world, "admin", GOOD)
    r = world.client.delete(f"/api/v1/factories/{OURS}/equipment/AC2", headers=world.auth("factory_manager"))
    assert r.status_code == 204
    assert [d.code for d in equipment_store.devices(OURS, world.url)] == ["AC1"]
    assert equipment_entries(world.url)[0].action == "equipment.delete"
    gone = world.client.delete(f"/api/v1/factories/{OURS}/equipment/AC2", headers=world.auth("factory_manager"))
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "equipment.not_found"
    missing = world.client.get(f"/api/v1/factories/{OURS}/equipment/NOPE", headers=world.auth("admin"))
    assert missing.status_code == 404


def test_permissions_and_tenants(world: World) -> None:
    assert post(world, "verifier", GOOD).status_code == 403
    assert post(world, "foreign_manager", GOOD).status_code in (403, 404)
    assert world.client.get(f"/api/v1/factories/{FOREIGN}/equipment", headers=world.auth("verifier")).status_code \
        in (403, 404)
    assert world.client.delete(f"/api/v1/factories/{OURS}/equipment/AC1", headers=world.auth("verifier")).status_code \
        == 403
    # the sample register (YAML) goes in whole
    r = post(world, "admin", SAMPLE.read_bytes(), name="sample_equipment.yaml")
    assert r.status_code == 200 and len(r.json()["added"]) == len(read_devices("s.yaml", SAMPLE.read_bytes()))


def test_the_migration_makes_the_table_as_declared(store_url: str) -> None:
    with get_engine(store_url).connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), s.metadata)
    assert [d for d in diffs if "equipment" in repr(d)] == []
