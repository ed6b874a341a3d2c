"""Grading of positive-displacement air compressors by GB 19153-2019 表1–表4, and their specific power.

GB 19153-2019 grades a packaged compressor by its specific power e [kW/(m³/min)] — the packaged
compressor's input power over its volume flow rate — which must be **at most** the grade's value
(lower is better); grade 3 is the minimum allowed (能效限定值). The row is selected by the table's
power column [kW], the rated discharge pressure [MPa] and (表1 only) the cooling (air, liquid). Only the
table's own ratings are graded: a power or pressure between the listed ones is reported missing,
never snapped or interpolated (whether the standard allows interpolation between pressure columns
was not read, see the data file's header).

Shipped (single source, status ``unverified``): ``data/gb19153-2019.csv`` — 表1, 一般用喷油回转空气压缩机（工频）,
1.5–630 kW, 0.3–1.25 MPa; ``-t2.csv`` — 表2, 一般用变转速喷油回转空气压缩机, 2.2–315 kW, 0.3–1.25 MPa, graded on
the weighted specific power of §6.3.3 formula (3) (100/70/40 % of full-load flow, weights of 表7), which the
register takes as given (``weighted_specific_power``; the 表7 weights are not shipped, so it is not computed
here); ``-t3.csv`` — 表3, 一般用往复活塞, 0.75–75 kW, 0.25–1.4 MPa; ``-t4.csv`` — 表4, 全无油润滑往复活塞,
0.55–22 kW, 0.4–1.4 MPa (表3/表4 have no cooling column: ``cooling`` is ``none`` there and the device's cooling
is not used). The portable reciprocating table is not shipped: such compressors are ``missing_row``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from zerocarbon.energy.equipment import Equipment, GradeResult, Outcome
from zerocarbon.energy.reference import DATA_DIR, GRADES, _decimal
from zerocarbon.errors import FactorError, InputError, UnitError
from zerocarbon.tables import STATUSES, table_reader
from zerocarbon.units import convert

STANDARD = "GB 19153-2019"
SPECIFIC_POWER_UNIT = "kW/(m³/min)"
COMPRESSOR_COLUMNS = (
    "row_id", "standard", "edition", "effective_from", "table", "compressor_type", "supply", "rated_power_kw",
    "pressure_mpa", "cooling", "grade", "max_specific_power", "source", "check_source", "status",
)
#: Volume-flow units of :func:`specific_power`: q [m³/min] = value × a ÷ b (exact: 1 h = 60 min, 1 L = 10⁻³ m³).
#: The flow is the packaged compressor's volume flow at its inlet conditions (机组容积流量), not a normal
#: volume: the house registry refuses a bare m³ for gases, so these few spellings are converted here.
FLOW_UNITS: dict[str, tuple[Decimal, Decimal]] = {
    "m3/min": (Decimal(1), Decimal(1)), "m³/min": (Decimal(1), Decimal(1)),
    "m3/h": (Decimal(1), Decimal(60)), "m³/h": (Decimal(1), Decimal(60)),
    "L/s": (Decimal("0.06"), Decimal(1)), "l/s": (Decimal("0.06"), Decimal(1)), "L/min": (Decimal("0.001"), Decimal(1)),
}
#: Compressor designs of GB 19153-2019 (its 表1–表6).
DESIGNS = ("oil_injected_rotary", "reciprocating", "oil_free_reciprocating", "portable_reciprocating")
#: Shipped tables by design: (file, table). 表1 is fixed speed (工频) only; 表3/表4 carry ``cooling`` = ``none``.
TABLE_FILES: dict[str, tuple[str, str]] = {
    "oil_injected_rotary": ("gb19153-2019.csv", "表1"),
    "reciprocating": ("gb19153-2019-t3.csv", "表3"),
    "oil_free_reciprocating": ("gb19153-2019-t4.csv", "表4"),
}
NO_COOLING = "none"
#: 表2, variable-speed oil-injected rotary compressors (``supply`` = ``vfd``): (file, table).
VARIABLE_SPEED_TABLE = ("gb19153-2019-t2.csv", "表2")


@dataclass(frozen=True)
class CompressorRow:
    """One cell of a GB 19153-2019 table: the largest specific power of a grade [kW/(m³/min)]."""

    row_id: str
    standard: str
    edition: str
    effective_from: str
    table: str
    compressor_type: str
    supply: str
    rated_power_kw: Decimal
    pressure_mpa: Decimal
    cooling: str
    grade: int
    max_specific_power: Decimal
    source: str
    check_source: str
    status: str

    @property
    def limit_text(self) -> str:
        """The grade's limit with its unit, for reports."""
        return f"≤{self.max_specific_power} {SPECIFIC_POWER_UNIT}"


Key = tuple[Decimal, Decimal, str, int]


@lru_cache(maxsize=4)
def load_compressor_table(path: Path | None = None) -> dict[Key, CompressorRow]:
    """Load a GB 19153-2019 table (default ``data/gb19153-2019.csv``): cells keyed by (power [kW], pressure [MPa],
    cooling, grade); ``cooling`` is ``air``, ``water`` or, in a table without a cooling column, ``none``.

    Raises
    ------
    FactorError
        A column is missing, a number, status, grade or cooling is invalid, or a cell is repeated.
    """
    path = path or DATA_DIR / "gb19153-2019.csv"
    where = path.name
    reader = table_reader(path, COMPRESSOR_COLUMNS)
    cells: dict[Key, CompressorRow] = {}
    for line, raw in enumerate(reader, start=2):
        bad_cooling = raw["cooling"] not in ("air", "water", NO_COOLING)
        if raw["status"] not in STATUSES or bad_cooling or raw["grade"] not in "123":
            raise FactorError("状态、冷却方式或等级无效", "invalid status, cooling or grade", file=where, row=line)
        row = CompressorRow(
            row_id=raw["row_id"], standard=raw["standard"], edition=raw["edition"],
            effective_from=raw["effective_from"], table=raw["table"], compressor_type=raw["compressor_type"],
            supply=raw["supply"], rated_power_kw=_decimal(raw["rated_power_kw"], where).normalize(),
            pressure_mpa=_decimal(raw["pressure_mpa"], where).normalize(), cooling=raw["cooling"],
            grade=int(raw["grade"]), max_specific_power=_decimal(raw["max_specific_power"], where),
            source=raw["source"], check_source=raw["check_source"], status=raw["status"])
        key = (row.rated_power_kw, row.pressure_mpa, row.cooling, row.grade)
        if key in cells:
            raise FactorError(f"表格单元重复：{key}", f"repeated table cell {key}", file=where, row=line)
        cells[key] = row
    return cells


def specific_power(input_power: Decimal, power_unit: str, flow: Decimal, flow_unit: str) -> Decimal:
    """Specific power e = P / q of a packaged compressor [kW/(m³/min)] (GB 19153-2019 §3.3 as described).

    Parameters
    ----------
    input_power : Decimal
        Packaged-compressor input power, in ``power_unit`` (e.g. ``kW``, ``W``).
    flow : Decimal
        Volume flow rate of the packaged compressor at inlet conditions, in ``flow_unit`` (a key of
        :data:`FLOW_UNITS`: ``m3/min``, ``m3/h``, ``L/s``, ``L/min``).

    Returns
    -------
    Decimal
        e [kW/(m³/min)].

    Raises
    ------
    UnitError
        A unit is unknown or of the wrong dimension.
    InputError
        The power is negative or the flow is not positive.
    """
    kw = convert(input_power, power_unit, "kW")
    per = FLOW_UNITS.get(flow_unit.strip())
    if per is None:
        raise UnitError(f"容积流量单位无效：{flow_unit!r}", f"unknown volume-flow unit {flow_unit!r}",
                        field="flow_unit", expected=" | ".join(FLOW_UNITS))
    q = flow * per[0] / per[1]
    if kw < 0 or q <= 0:
        raise InputError("输入功率须非负、容积流量须为正", "input power must be ≥ 0 and the flow > 0",
                         field="specific_power")
    return kw / q


def _result(device: Equipment, outcome: Outcome, zh: str, en: str) -> GradeResult:
    return GradeResult(device.code, outcome, None, STANDARD, (), zh, en)


def grade_compressor(device: Equipment, table: dict[Key, CompressorRow] | None = None) -> GradeResult:
    """Grade an air compressor by GB 19153-2019 表1/表2 (oil-injected rotary, fixed/variable speed), 表3 or 表4.

    Parameters
    ----------
    device : Equipment
        ``kind == "air_compressor"`` with ``rated_power_kw`` [kW], ``pressure_mpa`` [MPa] and
        ``compressor_type``; an ``oil_injected_rotary`` also needs ``cooling`` (air | water) and ``supply``:
        ``line`` is graded by 表1 on ``specific_power`` [kW/(m³/min)], ``vfd`` (variable speed) by 表2 on
        ``weighted_specific_power`` [kW/(m³/min)] (§6.3.3 formula (3), as given); the reciprocating designs
        (表3/表4) on ``specific_power``.
    table : dict, optional
        Replaces 表1 (default: the shipped ``gb19153-2019.csv``); 表2–表4 are always the shipped files.

    Returns
    -------
    GradeResult
        Grade g is the best grade with e ≤ e_g; above grade 3 the outcome is ``below_minimum``. Portable
        reciprocating compressors are ``missing_row`` (their table is not shipped).

    Raises
    ------
    InputError
        The device is not an air compressor.
    """
    if device.kind != "air_compressor":
        raise InputError(f"设备 {device.code} 不是空气压缩机", f"device {device.code} is not an air compressor",
                         field="kind", expected="air_compressor")
    design = device.compressor_type
    rotary = design == "oil_injected_rotary"
    variable = rotary and device.supply == "vfd"
    e = graded_specific_power(device)
    needed = (device.rated_power_kw, device.pressure_mpa, e, design,
              *((device.cooling, device.supply) if rotary else ()))
    if variable and any(v is None for v in needed):
        return _result(device, "incomplete",
                       f"变转速喷油回转空压机缺少额定功率、额定排气压力、冷却方式或加权比功率（{STANDARD} 式(3)）",
                       f"a variable-speed oil-injected rotary compressor needs its rated power, discharge pressure, "
                       f"cooling and weighted specific power ({STANDARD} formula (3))")
    if any(v is None for v in needed):
        return _result(device, "incomplete", "缺少额定功率、额定排气压力、冷却方式、比功率、机型或供电方式",
                       "rated power, discharge pressure, cooling, specific power, design or supply missing")
    assert device.rated_power_kw is not None and device.pressure_mpa is not None
    assert e is not None and design is not None
    if design not in TABLE_FILES:
        return _result(device, "missing_row",
                       f"{STANDARD} 中 {design}（{device.supply or '—'}）对应的表未收录，仅收录表1（喷油回转、工频）、"
                       "表2（喷油回转、变转速）、表3（往复活塞）、表4（全无油往复活塞）",
                       f"the {STANDARD} table for {design} ({device.supply or '—'}) is not shipped; only table 1 "
                       "(oil-injected rotary, fixed speed), table 2 (oil-injected rotary, variable speed), table 3 "
                       "(reciprocating) and table 4 (oil-free reciprocating) are")
    file, tab = VARIABLE_SPEED_TABLE if variable else TABLE_FILES[design]
    cells = table if rotary and not variable and table is not None else load_compressor_table(DATA_DIR / file)
    cool: str = (device.cooling or NO_COOLING) if rotary else NO_COOLING
    kw, mpa = device.rated_power_kw.normalize(), device.pressure_mpa.normalize()
    tab_en = f"table {tab[1:]}"
    powers = sorted({k[0] for k in cells})
    pressures = sorted({k[1] for k in cells})
    if not powers[0] <= kw <= powers[-1]:
        return _result(device, "out_of_scope",
                       f"额定功率 {kw:f} kW 不在 {STANDARD} {tab} 范围 {powers[0]:f}–{powers[-1]:f} kW 内",
                       f"rated power {kw:f} kW outside {STANDARD} {tab_en}, {powers[0]:f}–{powers[-1]:f} kW")
    if not pressures[0] <= mpa <= pressures[-1]:
        return _result(device, "out_of_scope",
                       f"额定排气压力 {mpa:f} MPa 不在 {STANDARD} {tab} 范围 {pressures[0]:f}–{pressures[-1]:f} MPa 内"
                       "（单位须为 MPa，1 bar = 0.1 MPa）",
                       f"discharge pressure {mpa:f} MPa outside {STANDARD} {tab_en}, {pressures[0]:f}–"
                       f"{pressures[-1]:f} MPa (the unit is MPa; 1 bar = 0.1 MPa)")
    cool_zh = {"air": "、风冷", "water": "、液冷"}.get(cool, "")
    cool_en = f", {cool}-cooled" if cool != NO_COOLING else ""
    rows = tuple(r for g in GRADES if (r := cells.get((kw, mpa, cool, g))) is not None)
    if len(rows) != len(GRADES):
        return _result(device, "missing_row",
                       f"{STANDARD} {tab} 无 {kw:f} kW、{mpa:f} MPa{cool_zh} 档（或该格为“—”），不就近取档、不插值",
                       f"{STANDARD} {tab_en} has no cell for {kw:f} kW, {mpa:f} MPa{cool_en} (or it is '—'); "
                       "no neighbouring row is used, nothing interpolated")
    speed_zh, speed_en = ("，变转速", ", variable speed") if variable else ("", "")
    what_zh, what_en = ("加权比功率", "weighted specific power") if variable else ("比功率", "specific power")
    where_zh = f"{STANDARD} {tab}，{kw:f} kW，{mpa:f} MPa{cool_zh.replace('、', '，')}{speed_zh}"
    where_en = f"{STANDARD} {tab_en}, {kw:f} kW, {mpa:f} MPa{cool_en}{speed_en}"
    for row in rows:
        if e <= row.max_specific_power:
            return GradeResult(device.code, "graded", row.grade, STANDARD, rows,
                               f"{what_zh} {e} ≤ {row.grade}级限值 {row.max_specific_power} "
                               f"{SPECIFIC_POWER_UNIT}（{where_zh}）",
                               f"{what_en} {e} ≤ grade-{row.grade} maximum {row.max_specific_power} "
                               f"{SPECIFIC_POWER_UNIT} ({where_en})")
    floor = rows[-1].max_specific_power
    return GradeResult(device.code, "below_minimum", None, STANDARD, rows,
                       f"{what_zh} {e} > 能效限定值（3级）{floor} {SPECIFIC_POWER_UNIT}（{where_zh}）",
                       f"{what_en} {e} > minimum allowed (grade 3) {floor} {SPECIFIC_POWER_UNIT} ({where_en})")


def graded_specific_power(device: Equipment) -> Decimal | None:
    """The specific power [kW/(m³/min)] GB 19153-2019 grades the device on: the weighted value of §6.3.3
    formula (3) (``weighted_specific_power``) for a variable-speed (``supply`` = ``vfd``) oil-injected rotary
    compressor, else the full-load ``specific_power``; None when it is not in the register."""
    if device.compressor_type == "oil_injected_rotary" and device.supply == "vfd":
        return device.weighted_specific_power
    return device.specific_power
