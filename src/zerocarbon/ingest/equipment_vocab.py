"""The Chinese words of the equipment register, mapped onto the one vocabulary of the device declaration.

The register's importers (:mod:`zerocarbon.ingest.equipment_file`, :mod:`zerocarbon.ingest.equipment_devices`)
accept, besides the declared attribute names and their Chinese labels (``EQUIPMENT``'s ``zh``):

* **header words** (:data:`HEADER_WORDS`): the label's head before a bracket or colon (``额定排气压力（空压机）``
  → ``额定排气压力``) and the shorter words people write in a ledger (排气压力, 冷却方式, 流量, 扬程, 比转速,
  变频 …); each maps to one attribute, and a test checks that no word names two;
* **values** (:data:`VALUE_WORDS`): 风冷/水冷/液冷, 工频/变频, 喷油回转, 离心/轴流, 单级单吸 … onto the declared
  values. The words follow the standards' own terms (GB 19153-2019 表1 “一般用喷油回转空气压缩机（工频）”,
  风冷/液冷; GB 19761-2020 离心/轴流/外转子电机直联前向多翼离心; GB 19762-2025 清水泵 types; GB 20052-2024
  油浸式/干式, 电工钢带/非晶合金).

Nothing inside the core knows these words (CONVENTIONS.md, "One vocabulary, with mappers at the edges").
"""

from __future__ import annotations

import re

from zerocarbon.energy.equipment import EQUIPMENT
from zerocarbon.model.entities import Attribute

#: Words for a device's values, by attribute: the word → the declared value.
VALUE_WORDS: dict[str, dict[str, str]] = {
    "kind": {"低压电动机": "motor_lv", "电动机": "motor_lv", "高压电动机": "motor_hv", "永磁同步电动机": "motor_pmsm",
             "变压器": "transformer", "空压机": "air_compressor", "空气压缩机": "air_compressor", "风机": "fan",
             "通风机": "fan", "水泵": "pump", "泵": "pump", "离心泵": "pump"},
    "cooling": {"风冷": "air", "水冷": "water", "液冷": "water"},
    "supply": {"工频": "line", "定频": "line", "定速": "line", "变频": "vfd", "变频调速": "vfd"},
    "compressor_type": {"喷油回转": "oil_injected_rotary", "喷油螺杆": "oil_injected_rotary",
                        "喷油涡旋": "oil_injected_rotary", "喷油滑片": "oil_injected_rotary",
                        "往复活塞": "reciprocating", "往复式": "reciprocating",
                        "无油往复活塞": "oil_free_reciprocating", "便携式往复活塞": "portable_reciprocating"},
    "fan_type": {"离心": "centrifugal", "离心通风机": "centrifugal", "离心风机": "centrifugal", "轴流": "axial",
                 "轴流通风机": "axial", "轴流风机": "axial", "外转子前向多翼离心": "outer_rotor_forward_curved",
                 "外转子电机直联前向多翼离心风机": "outer_rotor_forward_curved"},
    "pump_type": {"单级单吸": "single_stage_single_suction", "单级双吸": "single_stage_double_suction",
                  "管道": "inline", "管道泵": "inline", "多级": "multistage", "多级泵": "multistage",
                  "轻型多级立式": "light_multistage_vertical", "轻型多级卧式": "light_multistage_horizontal",
                  "单级化工泵": "chemical_single_stage", "多级化工泵": "chemical_multistage"},
    "transformer_type": {"油浸式": "oil_immersed", "干式": "dry"},
    "core": {"电工钢带": "electrical_steel", "硅钢": "electrical_steel", "非晶合金": "amorphous"},
    "efficiency_basis": {"铭牌": "nameplate", "实测": "measured"},
}

#: Further header words people write for an attribute (besides its name, its label and the label's head).
_MORE_HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("编号", "设备编码"),
    "kind": ("类型", "设备类别"),
    "rated_power_kw": ("功率", "电机功率", "配套功率"),
    "capacity_kva": ("容量", "额定容量"),
    "speed_rpm": ("转速",),
    "voltage_v": ("电压",),
    "pressure_mpa": ("排气压力", "额定压力"),
    "cooling": ("冷却方式", "冷却"),
    "supply": ("供电方式", "变频", "调速方式", "驱动方式"),
    "compressor_type": ("空压机型式", "压缩机型式", "机型"),
    "specific_power": ("比功率", "机组比功率"),
    "weighted_specific_power": ("加权比功率", "综合比功率", "变转速加权比功率"),
    "fan_type": ("风机类型", "风机型式"),
    "pressure_coefficient": ("压力系数",),
    "specific_speed": ("比转速",),
    "hub_ratio": ("轮毂比",),
    "machine_number": ("机号",),
    "pump_type": ("泵型", "泵型式", "泵类型"),
    "flow_m3h": ("流量", "额定流量"),
    "head_m": ("扬程", "额定扬程"),
    "stages": ("级数",),
    "efficiency_pct": ("效率", "能效"),
    "running_hours": ("运行小时", "年运行小时", "运行时间"),
    "load_factor": ("负载率",),
    "commissioning_year": ("投运年份", "投运年"),
    "meter_code": ("表计编号", "计量表"),
    "facility": ("设施", "所在设施"),
    "replacement_cost_yuan": ("更换费用", "改造投资"),
}


def _head(label: str) -> str:
    return re.split(r"[（(：:]", label, maxsplit=1)[0].strip()


def _header_words() -> dict[str, Attribute]:
    words: dict[str, Attribute] = {}
    for a in EQUIPMENT:
        for word in (a.name, a.zh, _head(a.zh), *_MORE_HEADERS.get(a.name, ())):
            if word and words.setdefault(word, a) is not a:
                raise ValueError(f"header word {word!r} names both {words[word].name} and {a.name}")
    return words


#: Every header accepted for a column of the device sheet → its attribute.
HEADER_WORDS: dict[str, Attribute] = _header_words()


def value_word(attribute: str, text: str) -> str:
    """The declared value a cell's word stands for (the text itself when it is no known word)."""
    return VALUE_WORDS.get(attribute, {}).get(text, text)
