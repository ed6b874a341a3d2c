"""Energy-using equipment: one declaration, grading by the efficiency standard, and 节能装备应用占比.

The equipment register is declared once in :data:`EQUIPMENT` (attribute, type, unit, default,
description in English and Chinese, after PyPSA's component attribute tables); :class:`Equipment`
is the pydantic model built from it.

Grading (:func:`grade_motor`) follows GB 18613-2020 表1: a three-phase asynchronous motor of rated
power P [kW] and p poles is in grade g when its efficiency η [%] is **at least** the grade's value
in the table row of exactly P and p; grade 1 is the best, grade 3 is the minimum allowed
(能效限定值), below it the motor fails the standard. A rating that the table does not list is
reported as missing: it is never snapped to, or interpolated between, neighbouring rows. A rating
outside the standard's scope (0.12–1000 kW, 2/4/6/8 poles, rated voltage ≤ 1000 V) is refused
with the reason.

Transformers (:func:`grade_transformer`) follow GB 20052-2024 表1 (10 kV oil-immersed): grade g when
both the no-load and the load loss [kW] are at most the grade's values in the row of exactly the
capacity [kVA], core material and connection group.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, field_validator

from zerocarbon.energy.reference import (
    GRADES,
    MotorRow,
    MotorTable,
    TransformerRow,
    load_motor_table,
    load_transformer_table,
)
from zerocarbon.errors import InputError
from zerocarbon.model.entities import Attribute, Db, Entity, model_field


class TableRow(Protocol):
    """One grade of one row of a standard's table, as a grade result cites it (a row of GB 18613, GB 20052,
    GB 30254, GB 30253, GB 19153, GB 19761 or GB 19762; each module defines its own)."""

    @property
    def grade(self) -> int: ...

    @property
    def row_id(self) -> str: ...

    @property
    def status(self) -> str: ...


#: Column sizes of the stored register (table ``equipment``, migration 0013): codes and enumerations, free text,
#: and numbers exact to 10 decimal places (Numeric(28, 10): efficiencies, pressures, ψ, γ and β as entered).
DB_CODE, DB_TEXT, DB_PRECISION, DB_SCALE = 64, 200, 28, 10


def _db(name: str, kind: str) -> Db:
    if kind == "decimal":
        return Db(name, precision=DB_PRECISION, scale=DB_SCALE)
    if kind == "text":
        return Db(name, DB_TEXT if name in ("name", "facility", "connection") else DB_CODE)
    return Db(name)


def _a(name: str, kind: Literal["text", "integer", "decimal"], **kw: object) -> Attribute:
    return Attribute(name, kind, spec=name, api=True, db=_db(name, kind), **kw)  # type: ignore[arg-type]


#: The equipment register: one row per energy-using device.
EQUIPMENT = Entity("equipment", (
    _a("code", "text", min_length=1, en="device code, unique in the factory", zh="设备编号（企业内唯一）"),
    _a("name", "text", default="", en="name", zh="设备名称"),
    _a("kind", "text", values=("motor_lv", "motor_hv", "motor_pmsm", "transformer", "air_compressor", "fan", "pump"),
       en="device type: motor_lv (GB 18613) | motor_hv (GB 30254) | motor_pmsm (GB 30253) | transformer "
          "(GB 20052) | air_compressor (GB 19153) | fan (GB 19761) | pump (GB 19762)",
       zh="设备类型"),
    _a("rated_power_kw", "decimal", unit="kW", default=None, gt=0, en="rated (output) power", zh="额定功率"),
    _a("capacity_kva", "decimal", unit="kVA", default=None, gt=0, en="rated capacity (transformers)",
       zh="额定容量（变压器）"),
    _a("poles", "integer", unit="1", default=None, gt=0, en="number of poles (motors)", zh="极数（电动机）"),
    _a("speed_rpm", "decimal", unit="r/min", default=None, gt=0, en="rated speed", zh="额定转速"),
    _a("voltage_v", "decimal", unit="V", default=None, gt=0, en="rated voltage", zh="额定电压"),
    _a("pressure_mpa", "decimal", unit="MPa", default=None, gt=0, en="rated discharge pressure (compressors)",
       zh="额定排气压力（空压机）"),
    _a("cooling", "text", default=None, values=("air", "water"), en="cooling: air | water", zh="冷却方式：风冷或水冷"),
    _a("ic_code", "text", default=None, en="cooling method code, GB/T 1993 / IEC 60034-6 (high-voltage motors: "
       "IC01, IC411, IC81W …)", zh="冷却方式代码（高压电动机：IC01、IC411、IC81W 等）"),
    _a("supply", "text", default=None, values=("line", "vfd"),
       en="supply: line (fixed speed from the mains, line-start) | vfd (frequency converter)",
       zh="供电方式：工频（异步起动）或变频"),
    _a("compressor_type", "text", default=None,
       values=("oil_injected_rotary", "reciprocating", "oil_free_reciprocating", "portable_reciprocating"),
       en="air compressors (GB 19153): oil_injected_rotary (screw, scroll, vane) | reciprocating | "
          "oil_free_reciprocating | portable_reciprocating",
       zh="空压机型式：喷油回转（螺杆、涡旋、滑片）、往复活塞、无油往复活塞、便携式往复活塞"),
    _a("specific_power", "decimal", unit="kW/(m³/min)", default=None, gt=0,
       en="specific power of the packaged compressor: input power ÷ volume flow rate (air compressors)",
       zh="机组比功率：机组输入功率÷机组容积流量（空压机）"),
    _a("weighted_specific_power", "decimal", unit="kW/(m³/min)", default=None, gt=0,
       en="variable-speed air compressors: specific power weighted over 100/70/40 % of full-load flow "
          "(GB 19153-2019 §6.3.3, formula (3), weights of its 表7), as in the test report",
       zh="变转速空压机加权比功率：满负荷容积流量100%、70%、40%工况比功率的加权值（GB 19153-2019 式(3)，按测试报告）"),
    _a("fan_type", "text", default=None, values=("centrifugal", "axial", "outer_rotor_forward_curved"),
       en="fans (GB 19761): centrifugal | axial | outer_rotor_forward_curved",
       zh="风机类型：离心、轴流、外转子前向多翼离心"),
    _a("pressure_coefficient", "decimal", unit="1", default=None, gt=0, en="fan pressure coefficient ψ",
       zh="风机压力系数 ψ"),
    _a("specific_speed", "decimal", unit="1", default=None, gt=0, en="fan specific speed ns", zh="风机比转速 ns"),
    _a("hub_ratio", "decimal", unit="1", default=None, gt=0, en="axial fan hub ratio γ", zh="轴流风机轮毂比 γ"),
    _a("machine_number", "decimal", unit="1", default=None, gt=0, en="fan machine number (机号 No, e.g. 5 for No5)",
       zh="风机机号（如 No5 填 5）"),
    _a("pump_type", "text", default=None, values=("single_stage_single_suction", "single_stage_double_suction",
       "inline", "multistage", "light_multistage_vertical", "light_multistage_horizontal", "chemical_single_stage",
       "chemical_multistage"),
       en="pump type (GB 19762): clean-water types, or chemical-process single-stage / multistage",
       zh="泵型式：清水泵（单级单吸、单级双吸、管道、多级、轻型多级立式/卧式）或化工泵（单级、多级）"),
    _a("flow_m3h", "decimal", unit="m³/h", default=None, gt=0, en="pump flow at the best-efficiency point",
       zh="泵最高效率点流量"),
    _a("head_m", "decimal", unit="m", default=None, gt=0, en="pump head at the best-efficiency point (all stages)",
       zh="泵最高效率点扬程（全部级）"),
    _a("stages", "integer", unit="1", default=None, gt=0, en="number of pump stages (default 1)", zh="泵级数（默认1）"),
    _a("efficiency_pct", "decimal", unit="%", default=None, gt=0, en="efficiency at rated load",
       zh="额定负载效率"),
    _a("efficiency_basis", "text", default="nameplate", values=("nameplate", "measured"),
       en="whether the efficiency or losses are from the nameplate or measured", zh="效率或损耗来源：铭牌或实测"),
    _a("no_load_loss_kw", "decimal", unit="kW", default=None, en="no-load loss (transformers)",
       zh="空载损耗（变压器）"),
    _a("load_loss_kw", "decimal", unit="kW", default=None, en="load loss (transformers)", zh="负载损耗（变压器）"),
    _a("transformer_type", "text", default=None, values=("oil_immersed", "dry"),
       en="transformers: oil_immersed | dry", zh="变压器类型：油浸式或干式"),
    _a("core", "text", default=None, values=("electrical_steel", "amorphous"),
       en="transformer core: electrical_steel | amorphous", zh="铁心材料：电工钢带或非晶合金"),
    _a("connection", "text", default=None, en="transformer connection group (Dyn11, Yzn11, Yyn0)",
       zh="联结组标号（Dyn11、Yzn11、Yyn0）"),
    _a("running_hours", "decimal", unit="h/a", default=None, en="running hours per year", zh="年运行小时数"),
    _a("load_factor", "decimal", unit="1", default=None, en="mean load as a share of rated power (0–1.2)",
       zh="平均负载率（0–1.2）"),
    _a("commissioning_year", "integer", default=None, en="year of commissioning", zh="投运年份"),
    _a("meter_code", "text", default=None, en="code of the meter measuring it, if any", zh="计量该设备的表计编号"),
    _a("facility", "text", default=None, en="facility (production line, utility plant) it serves",
       zh="所在设施（产线、公用站）"),
    _a("replacement_cost_yuan", "decimal", unit="元", default=None, gt=0,
       en="installed cost of a grade-1 replacement (user-supplied)", zh="更换为1级能效设备的安装费用（用户提供）"),
))


#: Upper bounds the register accepts: hours in a leap year [h/a] and the load factor [1].
HOURS_MAX = Decimal(8784)
LOAD_MAX = Decimal("1.2")


class Equipment(BaseModel):
    """One energy-using device of the register (fields declared in :data:`EQUIPMENT`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = model_field(EQUIPMENT, "code")
    name: str = model_field(EQUIPMENT, "name")
    kind: Literal["motor_lv", "motor_hv", "motor_pmsm", "transformer", "air_compressor", "fan", "pump"] = \
        model_field(EQUIPMENT, "kind")
    rated_power_kw: Decimal | None = model_field(EQUIPMENT, "rated_power_kw")
    capacity_kva: Decimal | None = model_field(EQUIPMENT, "capacity_kva")
    poles: int | None = model_field(EQUIPMENT, "poles")
    speed_rpm: Decimal | None = model_field(EQUIPMENT, "speed_rpm")
    voltage_v: Decimal | None = model_field(EQUIPMENT, "voltage_v")
    pressure_mpa: Decimal | None = model_field(EQUIPMENT, "pressure_mpa")
    cooling: Literal["air", "water"] | None = model_field(EQUIPMENT, "cooling")
    ic_code: str | None = model_field(EQUIPMENT, "ic_code")
    supply: Literal["line", "vfd"] | None = model_field(EQUIPMENT, "supply")
    compressor_type: Literal["oil_injected_rotary", "reciprocating", "oil_free_reciprocating",
                             "portable_reciprocating"] | None = model_field(EQUIPMENT, "compressor_type")
    specific_power: Decimal | None = model_field(EQUIPMENT, "specific_power")
    weighted_specific_power: Decimal | None = model_field(EQUIPMENT, "weighted_specific_power")
    fan_type: Literal["centrifugal", "axial", "outer_rotor_forward_curved"] | None = \
        model_field(EQUIPMENT, "fan_type")
    pressure_coefficient: Decimal | None = model_field(EQUIPMENT, "pressure_coefficient")
    specific_speed: Decimal | None = model_field(EQUIPMENT, "specific_speed")
    hub_ratio: Decimal | None = model_field(EQUIPMENT, "hub_ratio")
    machine_number: Decimal | None = model_field(EQUIPMENT, "machine_number")
    pump_type: Literal["single_stage_single_suction", "single_stage_double_suction", "inline", "multistage",
                       "light_multistage_vertical", "light_multistage_horizontal", "chemical_single_stage",
                       "chemical_multistage"] | None = \
        model_field(EQUIPMENT, "pump_type")
    flow_m3h: Decimal | None = model_field(EQUIPMENT, "flow_m3h")
    head_m: Decimal | None = model_field(EQUIPMENT, "head_m")
    stages: int | None = model_field(EQUIPMENT, "stages")
    efficiency_pct: Decimal | None = model_field(EQUIPMENT, "efficiency_pct")
    efficiency_basis: Literal["nameplate", "measured"] = model_field(EQUIPMENT, "efficiency_basis")
    no_load_loss_kw: Decimal | None = model_field(EQUIPMENT, "no_load_loss_kw")
    load_loss_kw: Decimal | None = model_field(EQUIPMENT, "load_loss_kw")
    transformer_type: Literal["oil_immersed", "dry"] | None = model_field(EQUIPMENT, "transformer_type")
    core: Literal["electrical_steel", "amorphous"] | None = model_field(EQUIPMENT, "core")
    connection: str | None = model_field(EQUIPMENT, "connection")
    running_hours: Decimal | None = model_field(EQUIPMENT, "running_hours")
    load_factor: Decimal | None = model_field(EQUIPMENT, "load_factor")
    commissioning_year: int | None = model_field(EQUIPMENT, "commissioning_year")
    meter_code: str | None = model_field(EQUIPMENT, "meter_code")
    facility: str | None = model_field(EQUIPMENT, "facility")
    replacement_cost_yuan: Decimal | None = model_field(EQUIPMENT, "replacement_cost_yuan")

    @field_validator("efficiency_pct")
    @classmethod
    def _efficiency_at_most_100(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and value > 100:
            raise ValueError("efficiency must be at most 100 % / 效率不能超过 100%")
        return value

    @field_validator("running_hours")
    @classmethod
    def _hours_in_year(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and not 0 <= value <= HOURS_MAX:
            raise ValueError(f"running hours must be in [0, {HOURS_MAX}] h/a / 年运行小时数须在 0–{HOURS_MAX} 之间")
        return value

    @field_validator("load_factor")
    @classmethod
    def _load_factor_range(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and not 0 < value <= LOAD_MAX:
            raise ValueError(f"load factor must be in (0, {LOAD_MAX}] / 负载率须在 (0, {LOAD_MAX}] 之间")
        return value

    @field_validator("no_load_loss_kw", "load_loss_kw")
    @classmethod
    def _losses_not_negative(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and value < 0:
            raise ValueError("losses cannot be negative / 损耗不能为负")
        return value


# ------------------------------------------------------------------------------------------- grading
Outcome = Literal["graded", "below_minimum", "missing_row", "out_of_scope", "no_standard", "incomplete"]
MOTOR_MIN_KW = Decimal("0.12")
MOTOR_MAX_KW = Decimal("1000")
MOTOR_MAX_V = Decimal("1000")


@dataclass(frozen=True)
class GradeResult:
    """The grade of one device and why.

    Attributes
    ----------
    code : str
        Device code.
    outcome : str
        ``graded`` (grade 1–3), ``below_minimum`` (under 能效限定值, grade 3), ``missing_row`` (the
        table lacks the rating), ``out_of_scope`` (rating outside the standard), ``no_standard`` (no
        table shipped for this kind), ``incomplete`` (an input is missing).
    grade : int or None
        1, 2 or 3 when graded; None otherwise.
    standard : str
        Standard and edition applied ("" when none).
    rows : tuple of MotorRow, TransformerRow, CompressorRow, FanRow or PumpLimit
        The table cells compared (grades 1–3 of the row used).
    reason_zh, reason_en : str
        Why, in Chinese and English.
    """

    code: str
    outcome: Outcome
    grade: int | None
    standard: str
    rows: tuple[TableRow, ...]
    reason_zh: str
    reason_en: str

    @property
    def grade_2_or_better(self) -> bool:
        """Whether the device counts as 节能装备 (grade 1 or 2)."""
        return self.grade is not None and self.grade <= 2

    def threshold(self, grade: int) -> Decimal | None:
        """The minimum efficiency of ``grade`` in the row used [%], or None."""
        for row in self.rows:
            if row.grade == grade and isinstance(row, MotorRow):
                return row.min_efficiency_pct
        return None


def grade_motor(device: Equipment, table: MotorTable | None = None) -> GradeResult:
    """Grade a low-voltage three-phase asynchronous motor by GB 18613-2020 表1.

    Parameters
    ----------
    device : Equipment
        ``kind == "motor_lv"`` with ``rated_power_kw`` [kW], ``poles`` and ``efficiency_pct`` [%];
        ``voltage_v`` [V] is checked against the scope when given.
    table : MotorTable, optional
        The table to use (default: the shipped GB 18613-2020 file).

    Returns
    -------
    GradeResult
        Grade g is the best grade whose minimum efficiency η_g satisfies η ≥ η_g (GB 18613-2020 表1);
        below grade 3 the outcome is ``below_minimum``.

    Raises
    ------
    InputError
        The device is not a low-voltage motor.
    """
    table = table or load_motor_table()
    std = table.standard
    if device.kind != "motor_lv":
        raise InputError(f"设备 {device.code} 不是低压电动机", f"device {device.code} is not a low-voltage motor",
                         field="kind", expected="motor_lv")
    if device.rated_power_kw is None or device.poles is None or device.efficiency_pct is None:
        return GradeResult(device.code, "incomplete", None, std, (), "缺少额定功率、极数或效率",
                           "rated power, poles or efficiency missing")
    power, poles = device.rated_power_kw, device.poles
    if device.voltage_v is not None and device.voltage_v > MOTOR_MAX_V:
        return GradeResult(device.code, "out_of_scope", None, std, (),
                           f"额定电压 {device.voltage_v} V 超过 1000 V，不属于 {std} 范围（高压电动机见 GB 30254）",
                           f"rated voltage {device.voltage_v} V exceeds 1000 V: outside {std} (HV motors: GB 30254)")
    if not MOTOR_MIN_KW <= power <= MOTOR_MAX_KW:
        return GradeResult(device.code, "out_of_scope", None, std, (),
                           f"额定功率 {power} kW 不在 {std} 范围 0.12–1000 kW 内",
                           f"rated power {power} kW outside the {std} range 0.12–1000 kW")
    if poles not in table.poles:
        return GradeResult(device.code, "out_of_scope", None, std, (),
                           f"{poles} 极不在 {std} 范围（2、4、6、8 极）内",
                           f"{poles} poles outside the {std} scope (2, 4, 6, 8 poles)")
    rows = tuple(r for g in GRADES if (r := table.cell(power, poles, g)) is not None)
    if len(rows) != len(GRADES):
        return GradeResult(device.code, "missing_row", None, std, (),
                           f"{std} 表1 无 {power} kW 档，不就近取档、不插值",
                           f"{std} table 1 has no {power} kW row; no neighbouring row is used, nothing interpolated")
    eta = device.efficiency_pct
    for row in rows:
        if eta >= row.min_efficiency_pct:
            return GradeResult(device.code, "graded", row.grade, std, rows,
                               f"效率 {eta}% ≥ {row.grade}级限值 {row.min_efficiency_pct}%（{std} {row.table}，"
                               f"{power} kW，{poles} 极）",
                               f"efficiency {eta} % ≥ grade-{row.grade} minimum {row.min_efficiency_pct} % "
                               f"({std} table 1, {power} kW, {poles} poles)")
    floor = rows[-1].min_efficiency_pct
    return GradeResult(device.code, "below_minimum", None, std, rows,
                       f"效率 {eta}% < 能效限定值（3级）{floor}%（{std} 表1，{power} kW，{poles} 极）",
                       f"efficiency {eta} % < minimum allowed (grade 3) {floor} % ({std} table 1, {power} kW, "
                       f"{poles} poles)")


TRANSFORMER_STD = "GB 20052-2024"
TEN_KV = Decimal(10000)


def _transformer_reason(device: Equipment, why_zh: str, why_en: str) -> GradeResult:
    return GradeResult(device.code, "missing_row", None, TRANSFORMER_STD, (), why_zh, why_en)


def grade_transformer(device: Equipment, table: tuple[TransformerRow, ...] | None = None) -> GradeResult:
    """Grade a 10 kV oil-immersed distribution transformer by GB 20052-2024 表1.

    Grade g when **both** the no-load loss P₀ ≤ P₀,g and the load loss P_k ≤ P_k,g [kW] of the row of
    exactly its capacity [kVA], core material and connection group (a ``Dyn11/Yzn11`` row covers both
    groups); above grade 3 in either loss the outcome is ``below_minimum``. A capacity, core,
    connection, dry type or voltage other than 10 kV that the shipped table lacks is ``missing_row``.

    Parameters
    ----------
    device : Equipment
        ``kind == "transformer"`` with ``capacity_kva`` [kVA], ``core``, ``connection``,
        ``no_load_loss_kw`` and ``load_loss_kw`` [kW]; ``transformer_type`` and ``voltage_v`` [V]
        are checked when given.
    table : tuple of TransformerRow, optional
        Default: the shipped ``gb20052-2024.csv``.

    Returns
    -------
    GradeResult
    """
    rows_all = table or load_transformer_table()
    needed = (device.capacity_kva, device.core, device.connection, device.no_load_loss_kw, device.load_loss_kw)
    if any(v is None for v in needed):
        return GradeResult(device.code, "incomplete", None, TRANSFORMER_STD, (),
                           "缺少额定容量、铁心材料、联结组、空载损耗或负载损耗",
                           "capacity, core, connection group, no-load or load loss missing")
    if device.transformer_type == "dry":
        return _transformer_reason(device, f"干式变压器（{TRANSFORMER_STD} 表2）数据未收录",
                                   f"dry-type transformers ({TRANSFORMER_STD} table 2) are not in the shipped data")
    if device.voltage_v is not None and device.voltage_v != TEN_KV:
        return _transformer_reason(device, f"仅收录 {TRANSFORMER_STD} 表1（10 kV），{device.voltage_v} V 未收录",
                                   f"only {TRANSFORMER_STD} table 1 (10 kV) is shipped; {device.voltage_v} V is not")
    assert device.capacity_kva is not None and device.connection is not None
    assert device.no_load_loss_kw is not None and device.load_loss_kw is not None
    kva = device.capacity_kva
    rows = tuple(sorted((r for r in rows_all if r.capacity_kva == kva.normalize() and r.core == device.core
                         and device.connection in r.connection.split("/")), key=lambda r: r.grade))
    if len(rows) != len(GRADES):
        return _transformer_reason(device, f"{TRANSFORMER_STD} 表1 无 {kva} kVA、{device.core}、"
                                           f"{device.connection} 档，不就近取档",
                                   f"{TRANSFORMER_STD} table 1 has no row for {kva} kVA, {device.core}, "
                                   f"{device.connection}; no neighbouring row is used")
    p0, pk = device.no_load_loss_kw, device.load_loss_kw
    for row in rows:
        if p0 <= row.max_no_load_kw and pk <= row.max_load_kw:
            return GradeResult(device.code, "graded", row.grade, TRANSFORMER_STD, rows,
                               f"空载损耗 {p0} ≤ {row.max_no_load_kw} kW 且负载损耗 {pk} ≤ {row.max_load_kw} kW"
                               f"（{TRANSFORMER_STD} 表1 {row.grade}级，{kva} kVA）",
                               f"no-load {p0} ≤ {row.max_no_load_kw} kW and load {pk} ≤ {row.max_load_kw} kW "
                               f"({TRANSFORMER_STD} table 1 grade {row.grade}, {kva} kVA)")
    g3 = rows[-1]
    return GradeResult(device.code, "below_minimum", None, TRANSFORMER_STD, rows,
                       f"空载损耗 {p0} kW 或负载损耗 {pk} kW 超过能效限定值（3级：{g3.max_no_load_kw} / "
                       f"{g3.max_load_kw} kW，{TRANSFORMER_STD} 表1，{kva} kVA）",
                       f"no-load {p0} kW or load {pk} kW above the minimum allowed (grade 3: {g3.max_no_load_kw} / "
                       f"{g3.max_load_kw} kW, {TRANSFORMER_STD} table 1, {kva} kVA)")


@dataclass(frozen=True)
class EquipmentShare:
    """节能装备应用占比: rated power at grade 2 or better ÷ total rated power, and the share at grade 1.

    Attributes
    ----------
    total_kw, grade_2_or_better_kw, grade_1_kw, ungraded_kw : Decimal
        Rated power [kW]: all devices, those at grade 1 or 2, those at grade 1, and those that could
        not be graded (counted in the total, never in the numerators).
    share_grade_2_or_better, share_grade_1 : Decimal or None
        The ratios [1]; None when the total is zero.
    ungraded : tuple of str
        Codes of the devices not graded (missing row, out of scope, no standard, incomplete).
    excluded : tuple of str
        Transformers: rated in kVA, not addable to equipment power [kW]; listed, never counted.
    """

    total_kw: Decimal
    grade_2_or_better_kw: Decimal
    grade_1_kw: Decimal
    ungraded_kw: Decimal
    share_grade_2_or_better: Decimal | None
    share_grade_1: Decimal | None
    ungraded: tuple[str, ...]
    excluded: tuple[str, ...] = ()


def equipment_share(devices: Iterable[Equipment], results: Iterable[GradeResult]) -> EquipmentShare:
    """The share of rated power at grade 2 or better (节能装备应用占比) and at grade 1.

    share₂ = Σ P_rated(grade ≤ 2) / Σ P_rated(all devices), share₁ = Σ P_rated(grade 1) / Σ P_rated,
    with P_rated [kW] (节能装备应用占比, an indicator of MIIT's 2026 national zero-carbon factory work as
    reported: rated power at national grade 2 or better ÷ total equipment power; Xinhua, 2026-07-22,
    https://www.xinhuanet.com/politics/20260722/ad1574acd3b5451bb2913c1b80c27c55/c.html — secondary).

    Parameters
    ----------
    devices : iterable of Equipment
        The register; each needs ``rated_power_kw`` [kW], except transformers (rated in kVA), which
        are listed in ``excluded`` and not counted.
    results : iterable of GradeResult
        Their grades (matched by code).

    Returns
    -------
    EquipmentShare

    Raises
    ------
    InputError
        A device lacks its rated power or its grade result.
    """
    by_code = {r.code: r for r in results}
    total = g2 = g1 = ungraded_kw = Decimal(0)
    ungraded: list[str] = []
    excluded: list[str] = []
    for device in devices:
        if device.kind == "transformer":
            excluded.append(device.code)
            continue
        if device.rated_power_kw is None:
            raise InputError(f"设备 {device.code} 缺少额定功率", f"device {device.code} lacks its rated power",
                             field="rated_power_kw")
        result = by_code.get(device.code)
        if result is None:
            raise InputError(f"设备 {device.code} 没有评级结果", f"device {device.code} has no grade result")
        total += device.rated_power_kw
        if result.grade is None and result.outcome != "below_minimum":
            ungraded.append(device.code)
            ungraded_kw += device.rated_power_kw
        if result.grade_2_or_better:
            g2 += device.rated_power_kw
        if result.grade == 1:
            g1 += device.rated_power_kw
    return EquipmentShare(
        total_kw=total, grade_2_or_better_kw=g2, grade_1_kw=g1, ungraded_kw=ungraded_kw,
        share_grade_2_or_better=g2 / total if total else None, share_grade_1=g1 / total if total else None,
        ungraded=tuple(ungraded), excluded=tuple(excluded),
    )
