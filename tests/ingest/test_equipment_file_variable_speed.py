"""The register's fields for converter-fed PMSM (rated speed) and variable-speed compressors (weighted specific
power): through the XLSX template and back, with Chinese header words, and graded by GB 30253-2024 表8–表10 /
GB 19153-2019 表2 after the round trip (22 kW at 1500 r/min: grade-1 minimum 95.3 %, 表8 R000319; 90 kW,
0.8 MPa, air-cooled: grade-2 maximum 7.0 kW/(m³/min), 表2 R001531)."""

from __future__ import annotations

import io
from decimal import Decimal as D
from pathlib import Path

from openpyxl import Workbook, load_workbook

from zerocarbon.energy.equipment import Equipment
from zerocarbon.energy.grading import grade_device
from zerocarbon.energy.register import EfficiencyRegister, EfficiencySettings
from zerocarbon.ingest.equipment_devices import SHEET, read_devices
from zerocarbon.ingest.equipment_file import load_equipment_file, write_equipment_template

PMSM = Equipment(code="PM-VF", kind="motor_pmsm", supply="vfd", rated_power_kw=D(22), speed_rpm=D(1500),
                 voltage_v=D(380), efficiency_pct=D("95.3"), running_hours=D(5000), load_factor=D("0.7"))
COMPRESSOR = Equipment(code="AC-VS", kind="air_compressor", compressor_type="oil_injected_rotary", supply="vfd",
                       rated_power_kw=D(90), pressure_mpa=D("0.8"), cooling="air", specific_power=D("6.4"),
                       weighted_specific_power=D("6.95"), running_hours=D(6000), load_factor=D("0.8"))


def test_the_new_columns_round_trip_through_the_template(tmp_path: Path) -> None:
    settings = EfficiencySettings(tariff_yuan_per_kwh=D("0.7"), discount_rate=D("0.06"), lifetime_years=15)
    register = EfficiencyRegister(devices=(PMSM, COMPRESSOR), settings=settings)
    path = write_equipment_template(tmp_path / "台账.xlsx", register)
    ws = load_workbook(path)["设备台账"]
    names = [c.value for c in ws[2]]
    assert "weighted_specific_power" in names and "speed_rpm" in names
    assert ws.cell(row=1, column=names.index("weighted_specific_power") + 1).value.startswith("变转速空压机加权比功率")
    again = load_equipment_file(path)
    assert again.devices == register.devices
    pm, ac = again.devices
    assert (pm.speed_rpm, ac.weighted_specific_power) == (D(1500), D("6.95"))
    assert (grade_device(pm).grade, grade_device(ac).grade) == (1, 2)


def test_chinese_header_words_for_the_new_fields() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    header = ["设备编号", "设备类型", "额定功率", "转速", "效率", "变频", "排气压力", "冷却方式", "机型", "加权比功率"]
    for row in (header,
                ["PM1", "永磁同步电动机", 22, 1500, 95.2, "变频", None, None, None, None],
                ["AC1", "空压机", 90, None, None, "变频", 0.8, "风冷", "喷油螺杆", 7.0]):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    pm, ac = read_devices("台账.xlsx", buf.getvalue())
    assert (pm.speed_rpm, pm.supply, ac.weighted_specific_power) == (D(1500), "vfd", D("7.0"))
    assert grade_device(pm).grade == 2                # 95.2 < 95.3 (grade 1), ≥ 94.9 (grade 2, 表9 R000375)
    assert grade_device(ac).grade == 2                # 7.0 = grade-2 maximum
    no_weight = ac.model_copy(update={"weighted_specific_power": None})
    assert grade_device(no_weight).outcome == "incomplete"
