"""The register a factory's diagnosis reads (台账来源 store/file): the stored devices when there are any, a file
given wins, and the store's diagnosis equals the file's device for device and measure for measure.

The reference is independent of the store path: the same sample register read by the file importer
(``load_register``) and diagnosed directly. The store normalises decimals (``store/equipment.py``: a Numeric
column gives back its scale's trailing zeros, so 0.80 is kept as 0.8); numbers are therefore compared by value,
and texts with the trailing zeros of their numbers removed.
"""

from __future__ import annotations

import re
from decimal import Decimal as D
from decimal import InvalidOperation
from pathlib import Path
from typing import Any

import pytest

from zerocarbon.demo.generator import SAMPLE_FILE
from zerocarbon.energy.equipment import equipment_share
from zerocarbon.energy.grading import grade_device
from zerocarbon.errors import InputError
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.assessment.indicators import add_efficiency
from zerocarbon.services.demo.main import SAMPLE_EQUIPMENT
from zerocarbon.services.efficiency import equipment_store
from zerocarbon.services.efficiency.diagnose import diagnose
from zerocarbon.services.efficiency.register_source import factory_register
from zerocarbon.services.efficiency.runs import factory_efficiency, grade_factory, grade_register, load_register
from zerocarbon.services.inventory.runs import run_inventory
from zerocarbon.services.metering.setup import save_setup
from zerocarbon.store.db import migrate

FID = "JS-LIB-PACK-01"  # the sample register's factory
NUMBER = re.compile(r"(\d+\.\d*?)0+\b")


def store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 's.db'}"
    migrate(url)
    save_setup(FactorySetup.model_validate({"factory": {"id": FID, "name_zh": "样例厂", "province": "江苏"},
                                            "nodes": [{"code": "SITE", "kind": "site", "name_zh": "厂区"}],
                                            "meters": []}), url=url)
    return url


def _num(text: str) -> str:
    return NUMBER.sub(lambda m: m.group(1).rstrip("."), text)


def same(x: Any, y: Any, path: str = "") -> list[str]:
    """Every difference of two JSON values; numbers by value, texts up to their numbers' trailing zeros."""
    if isinstance(x, dict) and isinstance(y, dict):
        if set(x) != set(y):
            return [f"{path}: keys {sorted(set(x) ^ set(y))}"]
        return [d for k in x for d in same(x[k], y[k], f"{path}.{k}")]
    if isinstance(x, list) and isinstance(y, list):
        if len(x) != len(y):
            return [f"{path}: {len(x)} ≠ {len(y)} items"]
        return [d for i, (a, b) in enumerate(zip(x, y, strict=True)) for d in same(a, b, f"{path}[{i}]")]
    if x == y:
        return []
    if isinstance(x, str) and isinstance(y, str):
        try:
            if D(x) == D(y):
                return []
        except InvalidOperation:
            if _num(x) == _num(y):
                return []
    return [f"{path}: {x!r} ≠ {y!r}"]


def test_stored_register_grades_as_the_file(tmp_path: Path) -> None:
    url = store(tmp_path)
    equipment_store.upload(FID, SAMPLE_EQUIPMENT.name, SAMPLE_EQUIPMENT.read_bytes(), url=url)
    from_store = grade_factory(FID, url=url, settings=SAMPLE_EQUIPMENT)
    from_file = grade_register(load_register(SAMPLE_EQUIPMENT))
    assert from_store.source()["source"] == "store" and from_file.source()["source"] == "file"
    # the same device objects, in the file's order
    assert list(from_store.register.devices) == list(from_file.register.devices)
    a, b = from_store.to_dict(), from_file.to_dict()
    assert a.pop("register_source")["label_zh"].startswith("台账来源 store")
    assert b.pop("register_source")["label_en"].startswith("register source file")
    assert a["summary"].pop("register_source") == "store" and b["summary"].pop("register_source") == "file"
    assert same(a, b) == []
    assert [d["code"] for d in a["devices"]] == [d["code"] for d in b["devices"]]
    assert [(m["id"], m["kwh_per_year"]) for m in a["measures"]] == [(m["id"], m["kwh_per_year"])
                                                                     for m in b["measures"]]
    assert from_store.share == from_file.share  # 节能装备应用占比, exactly
    assert len(a["measures"]) >= 10 and a["summary"]["below_minimum"]


def test_full_diagnosis_with_the_inventory_is_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZEROCARBON_DECLARED_DIR", raising=False)
    url = store(tmp_path)
    equipment_store.upload(FID, SAMPLE_EQUIPMENT.name, SAMPLE_EQUIPMENT.read_bytes(), url=url)
    run = run_inventory(SAMPLE_FILE, 2023, mc_draws=0)
    stored = factory_efficiency(FID, run, url)  # no companion file: grades and shares only
    assert stored is not None and stored["register_source"]["source"] == "store"
    sourced = factory_register(FID, url, settings=SAMPLE_EQUIPMENT)
    a = diagnose(sourced.register, year=2023, data=run.data, inventory=run.inventory).to_dict()
    b = diagnose(load_register(SAMPLE_EQUIPMENT), year=2023, data=run.data, inventory=run.inventory).to_dict()
    assert same(a, b) == []
    assert a["balance"] is not None and a["value_added"]["tce_per_10k_yuan"] is not None
    assert D(stored["summary"]["share_grade_2_or_better"]) == D(a["summary"]["share_grade_2_or_better"])


def test_a_file_given_wins_and_the_store_wins_over_the_settings_file(tmp_path: Path) -> None:
    url = store(tmp_path)
    # the store holds two motors only: one at grade 1 (7.5 kW, 94.1 % ≥ 94.0 %), one below the minimum
    # (5.5 kW, 89.5 % < 89.6 %), GB 18613-2020 表1 4-pole rows, as in the sample register
    two = ("devices:\n"
           "- {code: L1-M2, kind: motor_lv, rated_power_kw: '7.5', poles: 4, voltage_v: '380',"
           "   efficiency_pct: '94.1'}\n"
           "- {code: L1-M1, kind: motor_lv, rated_power_kw: '5.5', poles: 4, voltage_v: '380',"
           "   efficiency_pct: '89.5'}\n")
    equipment_store.upload(FID, "two.yaml", two.encode(), url=url)
    got = factory_register(FID, url, settings=SAMPLE_EQUIPMENT)
    assert got.source == "store" and [d.code for d in got.register.devices] == ["L1-M2", "L1-M1"]
    assert got.register.settings == load_register(SAMPLE_EQUIPMENT).settings
    assert got.to_dict()["label_zh"] == "台账来源 store（库中台账，2 台设备；参数取自 sample_equipment.yaml）"
    d = grade_factory(FID, url=url, settings=SAMPLE_EQUIPMENT)
    # 节能装备应用占比 = 7.5 / (7.5 + 5.5); grade 1 the same
    assert d.share.share_grade_2_or_better == D("7.5") / D("13") and d.share.share_grade_1 == D("7.5") / D("13")
    given = factory_register(FID, url, file=SAMPLE_EQUIPMENT)
    assert given.source == "file" and len(given.register.devices) == 22
    assert given.to_dict()["label_en"] == "register source file (register file sample_equipment.yaml)"


def test_without_settings_or_register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZEROCARBON_DECLARED_DIR", raising=False)
    url = store(tmp_path)
    with pytest.raises(InputError) as none:
        factory_register(FID, url)
    assert none.value.field == "equipment"
    run = run_inventory(SAMPLE_FILE, 2023, mc_draws=0)
    assert factory_efficiency(FID, run, url) is None
    equipment_store.upload(FID, SAMPLE_EQUIPMENT.name, SAMPLE_EQUIPMENT.read_bytes(), url=url)
    with pytest.raises(InputError) as no_settings:
        factory_register(FID, url)
    assert no_settings.value.field == "settings" and "22" in no_settings.value.message_en
    # grades need no tariff: the verdict still gets 节能装备应用占比 from the stored devices
    eff = factory_efficiency(FID, run, url)
    assert eff is not None
    devices = load_register(SAMPLE_EQUIPMENT).devices
    share = equipment_share(devices, [grade_device(x) for x in devices])
    assert share.share_grade_2_or_better is not None
    assert D(eff["summary"]["share_grade_2_or_better"]) == share.share_grade_2_or_better
    out: dict[str, Any] = {}
    add_efficiency(out, eff)
    assert out["efficient_equipment_share"].value == share.share_grade_2_or_better
    assert out["efficient_equipment_share"].evidence == ("register_source:store",)


def test_companion_file_gives_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "declared"
    folder.mkdir()
    (folder / f"{FID}.equipment.yaml").write_bytes(SAMPLE_EQUIPMENT.read_bytes())
    monkeypatch.setenv("ZEROCARBON_DECLARED_DIR", str(folder))
    url = store(tmp_path)
    assert factory_register(FID, url).source == "file"  # nothing stored: the companion register itself
    equipment_store.upload(FID, SAMPLE_EQUIPMENT.name, SAMPLE_EQUIPMENT.read_bytes(), url=url)
    equipment_store.delete(FID, "L1-M1", url=url)
    got = factory_register(FID, url)
    assert got.source == "store" and got.settings_file == f"{FID}.equipment.yaml"
    assert "L1-M1" not in {d.code for d in got.register.devices} and len(got.register.devices) == 21
    run = run_inventory(SAMPLE_FILE, 2023, mc_draws=0)
    eff = factory_efficiency(FID, run, url)
    assert eff is not None and eff["register_source"]["source"] == "store" and eff["summary"]["devices"] == 21
