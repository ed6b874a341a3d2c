"""``GET /api/v1/factories/{id}/efficiency``: the factory's stored register graded (台账来源 store), the
dashboard's efficiency page's source; an uploaded file graded instead says 台账来源 file.

The reference is the same devices graded from the file by the importer (``load_register`` → ``grade_register``),
and the hand-worked 节能装备应用占比 of two motors (GB 18613-2020 表1, 4 poles): 7.5 kW at 94.1 % ≥ 94.0 %
(grade 1) and 5.5 kW at 89.5 % < 89.6 % (below the minimum), so 7.5 / 13.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from tests.api.conftest import FOREIGN, OURS, World

from zerocarbon.services.demo.main import SAMPLE_EQUIPMENT
from zerocarbon.services.efficiency.runs import grade_register, load_register

TWO = (b"devices:\n"
       b"- {code: L1-M2, kind: motor_lv, rated_power_kw: '7.5', poles: 4, voltage_v: '380', efficiency_pct: '94.1'}\n"
       b"- {code: L1-M1, kind: motor_lv, rated_power_kw: '5.5', poles: 4, voltage_v: '380', efficiency_pct: '89.5'}\n"
       )


def companion(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample register as the factory's companion file: it gives the settings (tariff, rate, horizon)."""
    folder = tmp_path / "declared"
    folder.mkdir(exist_ok=True)
    (folder / f"{OURS}.equipment.yaml").write_bytes(SAMPLE_EQUIPMENT.read_bytes())
    monkeypatch.setenv("ZEROCARBON_DECLARED_DIR", str(folder))


def test_stored_register_is_graded_and_named(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZEROCARBON_DECLARED_DIR", raising=False)
    path = f"/api/v1/factories/{OURS}/efficiency"
    none = world.client.get(path, headers=world.auth("verifier"))
    assert none.status_code == 404 and none.json()["error"]["code"] == "equipment.none"
    up = world.client.post(f"/api/v1/factories/{OURS}/equipment", headers=world.auth("data_entry"),
                           files={"file": ("two.yaml", TWO, "application/octet-stream")})
    assert up.status_code == 200, up.text
    no_settings = world.client.get(path, headers=world.auth("verifier"))  # grades only (test below)
    assert no_settings.status_code == 200 and no_settings.json()["grades_only"] is True
    companion(tmp_path, monkeypatch)
    r = world.client.get(path, headers=world.auth("verifier"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["register_source"]["source"] == "store" and body["summary"]["register_source"] == "store"
    assert body["register_source"]["label_zh"].startswith("台账来源 store")
    assert [d["code"] for d in body["devices"]] == ["L1-M2", "L1-M1"]
    assert [d["grade"] or d["outcome"] for d in body["devices"]] == [1, "below_minimum"]
    assert D(body["summary"]["share_grade_2_or_better"]) == D("7.5") / D("13")
    # the uploaded file is graded instead: 台账来源 file, and the stored register is left as it was
    graded = world.client.post(f"/api/v1/factories/{OURS}/equipment/grade", headers=world.auth("verifier"),
                               files={"file": ("台账.yaml", SAMPLE_EQUIPMENT.read_bytes(), "application/x-yaml")})
    assert graded.status_code == 200, graded.text
    assert graded.json()["register_source"] == {**graded.json()["register_source"], "source": "file",
                                                "file": "台账.yaml"}
    assert len(graded.json()["devices"]) == 22
    assert len(world.client.get(path, headers=world.auth("verifier")).json()["devices"]) == 2
    # the foreign factory's register is not readable
    assert world.client.get(f"/api/v1/factories/{FOREIGN}/efficiency",
                            headers=world.auth("verifier")).status_code in (403, 404)


def test_the_whole_sample_stored_equals_the_file(world: World, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    companion(tmp_path, monkeypatch)
    path = f"/api/v1/factories/{OURS}/efficiency"
    from_file = world.client.get(path, headers=world.auth("verifier")).json()  # nothing stored: the companion
    assert from_file["register_source"]["source"] == "file"
    up = world.client.post(f"/api/v1/factories/{OURS}/equipment", headers=world.auth("data_entry"),
                           files={"file": ("台账.yaml", SAMPLE_EQUIPMENT.read_bytes(), "application/x-yaml")})
    assert up.status_code == 200 and len(up.json()["added"]) == 22
    stored = world.client.get(path, headers=world.auth("verifier")).json()
    assert stored["register_source"]["source"] == "store"
    reference = grade_register(load_register(SAMPLE_EQUIPMENT)).to_dict()
    for body in (stored, from_file):
        assert [(d["code"], d["grade"], d["outcome"], d["rows"]) for d in body["devices"]] == \
            [(d["code"], d["grade"], d["outcome"], d["rows"]) for d in reference["devices"]]
        assert [(m["id"], D(m["kwh_per_year"]), D(m["money_per_year"])) for m in body["measures"]] == \
            [(m["id"], D(m["kwh_per_year"]), D(m["money_per_year"])) for m in reference["measures"]]
        assert D(body["summary"]["share_grade_2_or_better"]) == D(reference["summary"]["share_grade_2_or_better"])


def test_without_settings_the_grades_alone_and_with_them_the_savings(world: World, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Stored devices, no settings file: 200 with the grades, rows, below-minimum flags and shares, savings null
    and the settings they need named (zh, en); the companion file placed, the same grades with the savings."""
    monkeypatch.delenv("ZEROCARBON_DECLARED_DIR", raising=False)
    path = f"/api/v1/factories/{OURS}/efficiency"
    up = world.client.post(f"/api/v1/factories/{OURS}/equipment", headers=world.auth("data_entry"),
                           files={"file": ("two.yaml", TWO, "application/octet-stream")})
    assert up.status_code == 200, up.text
    r = world.client.get(path, headers=world.auth("verifier"))
    assert r.status_code == 200, r.text
    alone = r.json()
    assert alone["grades_only"] is True and alone["summary"]["grades_only"] is True
    assert [(d["code"], d["grade"], d["outcome"], d["rows"]) for d in alone["devices"]] == [
        ("L1-M2", 1, "graded", [f"GB18613-2020.T1.7.5kW.4p.g{g}" for g in (1, 2, 3)]),
        ("L1-M1", None, "below_minimum", [f"GB18613-2020.T1.5.5kW.4p.g{g}" for g in (1, 2, 3)])]
    s = alone["summary"]
    assert D(s["share_grade_2_or_better"]) == D("7.5") / D("13") == D(s["share_grade_1"])
    assert s["below_minimum"] == ["L1-M1"] and s["kwh_per_year"] is None and s["money_per_year"] is None
    assert alone["measures"] == [] and alone["method"]["tariff_yuan_per_kwh"] is None
    need = alone["savings_need_settings"]
    assert [f["name"] for f in need["fields"]] == ["tariff_yuan_per_kwh", "discount_rate", "lifetime_years"]
    assert "企业平均电价" in need["message_zh"] and "tariff" in need["message_en"]
    assert need["settings_file"] == f"{OURS}.equipment.yaml"
    assert alone["register_source"]["label_en"] == "register source store (2 stored devices; no settings, grades only)"
    companion(tmp_path, monkeypatch)
    full = world.client.get(path, headers=world.auth("verifier")).json()
    assert "grades_only" not in full and "savings_need_settings" not in full
    assert [(d["code"], d["grade"], d["outcome"], d["rows"]) for d in full["devices"]] == \
        [(d["code"], d["grade"], d["outcome"], d["rows"]) for d in alone["devices"]]
    assert full["summary"]["share_grade_2_or_better"] == s["share_grade_2_or_better"]
    # with the settings the savings are computed (zero here: the two motors carry no running hours)
    tariff = load_register(SAMPLE_EQUIPMENT).settings.tariff_yuan_per_kwh
    assert D(full["method"]["tariff_yuan_per_kwh"]) == tariff and full["summary"]["kwh_per_year"] is not None
