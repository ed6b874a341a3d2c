"""XLSX → stored register (migration 0014's ``weighted_specific_power`` column) → grading, for a converter-fed PMSM
(GB 30253-2024 表8–表10 by rated speed) and a variable-speed compressor (GB 19153-2019 表2). Limits as in
``tests/ingest/test_equipment_file_variable_speed.py``: 22 kW at 1500 r/min grade-1 minimum 95.3 % (表8 R000319);
90 kW, 0.8 MPa, air-cooled grade-2 maximum 7.0 kW/(m³/min) (表2 R001531)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from zerocarbon.energy.equipment import Equipment
from zerocarbon.energy.grading import grade_device
from zerocarbon.energy.register import EfficiencyRegister, EfficiencySettings
from zerocarbon.ingest.equipment_file import write_equipment_template
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.efficiency import equipment_store
from zerocarbon.services.metering.setup import save_setup
from zerocarbon.store.db import migrate

FID = "F-VS"


def test_stored_register_keeps_the_new_fields_and_grades_the_same(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    migrate(url)
    save_setup(FactorySetup.model_validate({"factory": {"id": FID, "name_zh": "变频厂", "province": "江苏"},
                                            "nodes": [{"code": "SITE", "kind": "site", "name_zh": "厂区"}],
                                            "meters": []}), url=url)
    devices = (
        Equipment(code="PM-VF", kind="motor_pmsm", supply="vfd", rated_power_kw=D(22), speed_rpm=D(1500),
                  efficiency_pct=D("95.3")),
        Equipment(code="AC-VS", kind="air_compressor", compressor_type="oil_injected_rotary", supply="vfd",
                  rated_power_kw=D(90), pressure_mpa=D("0.8"), cooling="air", weighted_specific_power=D("7.0")),
    )
    settings = EfficiencySettings(tariff_yuan_per_kwh=D("0.7"), discount_rate=D("0.06"), lifetime_years=15)
    path = write_equipment_template(tmp_path / "台账.xlsx", EfficiencyRegister(devices=devices, settings=settings))
    equipment_store.upload(FID, "台账.xlsx", path.read_bytes(), url=url)
    stored = {d.code: d for d in equipment_store.devices(FID, url)}
    assert stored["AC-VS"].weighted_specific_power == D("7.0") and stored["PM-VF"].speed_rpm == D(1500)
    assert tuple(stored[d.code] for d in devices) == devices
    assert [grade_device(stored[c]).grade for c in ("PM-VF", "AC-VS")] == [1, 2]
