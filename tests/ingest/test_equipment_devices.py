"""The device sheet read for the store: Chinese header words and value words, and every problem at once."""

from __future__ import annotations

import io
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from zerocarbon.energy.equipment import EQUIPMENT
from zerocarbon.errors import InputError, InputErrors
from zerocarbon.ingest.equipment_devices import SHEET, read_devices
from zerocarbon.ingest.equipment_file import load_equipment_file, write_equipment_template
from zerocarbon.ingest.equipment_vocab import HEADER_WORDS, VALUE_WORDS

SAMPLE = Path(__file__).parents[2] / "src" / "zerocarbon" / "demo" / "sample_equipment.yaml"


def xlsx(rows: list[list[Any]], sheet: str = SHEET) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_chinese_header_words_and_values_for_compressors_fans_and_pumps() -> None:
    content = xlsx([
        ["设备编号", "设备类型", "额定功率", "排气压力", "冷却方式", "比功率", "机型", "变频", "风机类型", "轮毂比",
         "机号", "效率", "泵型", "流量", "扬程", "级数", "比转速", "压力系数", "负载率", "年运行小时数"],
        ["AC1", "空压机", 37, 0.8, "液冷", 7.9, "喷油螺杆", "工频", None, None, None, None, None, None, None, None,
         None, None, 0.8, 5000],
        ["AC2", "空压机", 37, 0.8, "风冷", 7.0, "喷油回转", "变频"] + [None] * 12,
        ["F1", "风机", 30, None, None, None, None, None, "轴流", 0.25, 6, 65, None, None, None, None, None, None],
        ["F2", "通风机", 11, None, None, None, None, None, "离心", None, 5, 80, None, None, None, None, 50, 1.4],
        ["P1", "水泵", 18.5, None, None, None, None, None, None, None, None, 75, "单级单吸", 100, 50, 1],
    ])
    devices = {d.code: d for d in read_devices("台账.xlsx", content)}
    ac1, ac2, f1, f2, p1 = (devices[c] for c in ("AC1", "AC2", "F1", "F2", "P1"))
    assert (ac1.kind, ac1.cooling, ac1.compressor_type, ac1.supply) == ("air_compressor", "water",
                                                                         "oil_injected_rotary", "line")
    assert ac1.pressure_mpa == D("0.8") and ac1.specific_power == D("7.9") and ac1.load_factor == D("0.8")
    assert (ac2.cooling, ac2.supply) == ("air", "vfd")
    assert (f1.fan_type, f1.hub_ratio, f1.machine_number, f1.efficiency_pct) == ("axial", D("0.25"), D(6), D(65))
    assert (f2.fan_type, f2.specific_speed, f2.pressure_coefficient) == ("centrifugal", D(50), D("1.4"))
    assert (p1.pump_type, p1.flow_m3h, p1.head_m, p1.stages) == ("single_stage_single_suction", D(100), D(50), 1)


def test_the_template_and_the_sample_read_the_same_devices(tmp_path: Path) -> None:
    register = load_equipment_file(SAMPLE)
    path = write_equipment_template(tmp_path / "t.xlsx", register)
    assert tuple(read_devices("t.xlsx", path.read_bytes())) == register.devices
    assert tuple(read_devices("s.yaml", SAMPLE.read_bytes())) == register.devices


def test_every_header_word_names_one_attribute_and_every_value_word_a_declared_value() -> None:
    names = {a.name: a for a in EQUIPMENT}
    assert all(HEADER_WORDS[a.zh] is a and HEADER_WORDS[a.name] is a for a in EQUIPMENT)
    for attr, words in VALUE_WORDS.items():
        assert set(words.values()) <= set(names[attr].values), attr


def test_bad_rows_are_all_reported_at_once_with_sheet_row_and_field() -> None:
    head = ["设备编号", "设备类型", "额定功率", "极数", "效率", "负载率", "冷却方式"]
    content = xlsx([
        head,
        ["M1", "低压电动机", 55, 4, 94.6, 0.75, None],         # row 2: fine
        ["M2", "锅炉", 55, 4, 94.6, None, None],               # row 3: unknown kind
        ["M3", "低压电动机", "abc", 4, 94.6, None, None],      # row 4: not a number
        ["M4", "低压电动机", 55, 4, 101, None, None],          # row 5: efficiency above 100 %
        ["M1", "低压电动机", 55, 4, 94.6, None, None],         # row 6: code repeated
        ["M6", "低压电动机", 55, 4.5, 94.6, None, None],       # row 7: poles not whole
        ["M7", "低压电动机", 55, 4, 94.6, 1.5, None],          # row 8: load factor above 1.2
        [None, "低压电动机", 55, 4, 94.6, None, None],         # row 9: code missing
        ["AC9", "空压机", 37, None, None, None, "油冷"],       # row 10: unknown cooling
        ["M10", "低压电动机", -5, 4, 94.6, None, None],        # row 11: power not > 0
    ])
    with pytest.raises(InputErrors) as caught:
        read_devices("台账.xlsx", content)
    got = {(p.row, p.field) for p in caught.value.problems}
    assert got == {(3, "kind"), (4, "rated_power_kw"), (5, "efficiency_pct"), (6, "code"), (7, "poles"),
                   (8, "load_factor"), (9, "code"), (10, "cooling"), (11, "rated_power_kw")}
    assert all(p.sheet == SHEET and p.file == "台账.xlsx" for p in caught.value.problems)
    assert all(p.message_zh and p.message_en and p.message_zh != p.message_en for p in caught.value.problems)
    errors = caught.value.details["errors"]
    assert isinstance(errors, list) and len(errors) == 9
    text = caught.value.message("zh")
    assert "第 3 行" in text and "锅炉" in text and "重复" in text


def test_unknown_and_missing_columns_and_whole_file_refusals() -> None:
    with pytest.raises(InputErrors) as caught:
        read_devices("a.xlsx", xlsx([["设备编号", "颜色"], ["M1", "红"]]))
    assert {(p.row, p.field) for p in caught.value.problems} >= {(1, "颜色"), (1, "kind")}
    with pytest.raises(InputError) as err:
        read_devices("a.xlsx", xlsx([["code"]], sheet="Sheet1"))
    assert err.value.sheet == SHEET
    with pytest.raises(InputError):
        read_devices("a.xlsx", b"not a workbook")
    with pytest.raises(InputError) as err:
        read_devices("a.csv", b"code,kind")
    assert err.value.field == "file"
    with pytest.raises(InputErrors) as caught:
        read_devices("a.yaml", b"devices:\n- {code: M1, kind: motor_lv, colour: red}\n- 5\n- {code: M3, kind: x}\n")
    assert {(p.row, p.field) for p in caught.value.problems} == {(1, "colour"), (2, None), (3, "kind")}
