"""Grading of high-voltage motors (GB 30254-2024) and permanent-magnet synchronous motors (GB 30253-2024).

Both standards grade a motor the way GB 18613-2020 does (:func:`zerocarbon.energy.equipment.grade_motor`):
a motor of rated power P [kW] and p poles is in grade g when its efficiency η [%] is **at least** the
grade's value in the table row of exactly P and p; grade 1 is the best, grade 3 is the minimum allowed
(能效限定值). A rating the shipped table does not list is reported as missing, never snapped to or
interpolated between neighbouring rows. The only range row is GB 30253-2024 表1 "400≤P≤1000", which
the table itself applies to every rated power in that closed range.

Shipped tables (``zerocarbon/energy/data/``; each file's header cites its source and status):

* ``gb30254-2024.csv`` — GB 30254-2024 表1: 3 kV (3.3 kV) and 6 kV motors cooled IC01, IC11, IC21,
  IC31 or IC81W, 200–25 000 kW, 2–12 poles; ``gb30254-2024-t2.csv`` — 表2: the same coolings at 10 kV,
  200–22 400 kW; ``gb30254-2024-t3.csv`` / ``-t4.csv`` — 表3 / 表4: 3/6 kV / 10 kV motors cooled IC611,
  IC616, IC511 or IC516 (200–10 000 kW, 2–12 poles); ``gb30254-2024-t5.csv`` / ``-t6.csv`` — 表5 / 表6:
  3/6 kV / 10 kV motors cooled IC411 (200–3150 / 2800 kW, 2–8 poles). Other cooling codes have no table.
* ``gb30253-2024.csv`` — GB 30253-2024 表1: line-start (异步起动) PMSM ≤ 1140 V, 0.55–1000 kW,
  2–16 poles; ``gb30253-2024-t2.csv`` — 表2: line-start PMSM of 3 kV (3.3 kV) and 6 kV cooled IC81W,
  IC86W or IC71W (IC3W7), 200–2000 kW, 4–12 poles; ``-t3.csv`` / ``-t4.csv`` — 表3 / 表4: the same at 3/6 kV
  cooled IC411/IC416 / IC511, IC611, IC616, IC516, IC666; ``-t5.csv`` … ``-t7.csv`` — 表5–表7: the three
  cooling groups at 10 kV. Converter-fed PMSM ≤ 1140 V (表8–表10, by rated power and rated speed) are graded by
  :mod:`zerocarbon.energy.pmsm_vf`; the high-voltage variable-frequency and the elevator tables are not shipped.

Every row is a single-source transcription (status ``unverified``); the grade result carries the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from zerocarbon.energy.equipment import Equipment, GradeResult, Outcome
from zerocarbon.energy.pmsm_vf import grade_pmsm_vf
from zerocarbon.energy.reference import DATA_DIR, GRADES, MOTOR_COLUMNS, MotorRow, _decimal
from zerocarbon.errors import FactorError, InputError
from zerocarbon.tables import STATUSES, table_reader

#: Columns of a motor table file: those of GB 18613 plus the scope text and the upper end of a range row.
RANGED_COLUMNS = (*MOTOR_COLUMNS, "scope", "power_max_kw")


@dataclass(frozen=True)
class RangedMotorTable:
    """A motor efficiency table as loaded: cells keyed by (rated power [kW], poles, grade).

    ``ranges`` maps the lower end of a range row [kW] to its upper end [kW] (both inclusive).
    """

    standard: str
    table: str
    scope: str
    rows: tuple[MotorRow, ...]
    cells: dict[tuple[Decimal, int, int], MotorRow] = field(repr=False)
    ranges: dict[Decimal, Decimal] = field(default_factory=dict)

    @property
    def poles(self) -> tuple[int, ...]:
        """The pole numbers the table lists."""
        return tuple(sorted({row.poles for row in self.rows}))

    @property
    def power_range(self) -> tuple[Decimal, Decimal]:
        """The smallest and largest rated power the table covers [kW]."""
        lows = [row.rated_power_kw for row in self.rows]
        highs = [self.ranges.get(p, p) for p in lows]
        return min(lows), max(highs)

    def row_key(self, rated_power_kw: Decimal) -> Decimal | None:
        """The table row that holds ``rated_power_kw``: the exact row, or a range row containing it; else None."""
        power = rated_power_kw.normalize()
        if any(k[0] == power for k in self.cells):
            return power
        for low, high in self.ranges.items():
            if low <= power <= high:
                return low
        return None

    def cells_for(self, rated_power_kw: Decimal, poles: int) -> tuple[MotorRow, ...]:
        """Grades 1–3 of the row of ``rated_power_kw`` and ``poles``; fewer than three when a cell is absent."""
        key = self.row_key(rated_power_kw)
        if key is None:
            return ()
        return tuple(r for g in GRADES if (r := self.cells.get((key, poles, g))) is not None)


@lru_cache(maxsize=8)
def load_ranged_motor_table(path: Path) -> RangedMotorTable:
    """Load a motor table file with the columns of :data:`RANGED_COLUMNS` (``#`` lines are its header).

    Raises
    ------
    FactorError
        A column is missing, a number, status or grade is invalid, a cell is repeated, or the file
        mixes standards or tables.
    """
    where = path.name
    reader = table_reader(path, RANGED_COLUMNS)
    rows: list[MotorRow] = []
    cells: dict[tuple[Decimal, int, int], MotorRow] = {}
    ranges: dict[Decimal, Decimal] = {}
    scopes: set[str] = set()
    for line, raw in enumerate(reader, start=2):
        if raw["status"] not in STATUSES:
            raise FactorError(f"状态无效：{raw['status']!r}", f"unknown status {raw['status']!r}", file=where,
                              row=line, field="status", expected=" | ".join(STATUSES))
        try:
            poles, grade = int(raw["poles"]), int(raw["grade"])
        except ValueError as exc:
            raise FactorError("极数或等级不是整数", "poles or grade is not an integer", file=where, row=line) from exc
        if grade not in GRADES:
            raise FactorError(f"等级无效：{grade}", f"invalid grade {grade}", file=where, row=line, field="grade",
                              expected="1 | 2 | 3")
        row = MotorRow(
            row_id=raw["row_id"], standard=raw["standard"], edition=raw["edition"],
            effective_from=raw["effective_from"], table=raw["table"],
            rated_power_kw=_decimal(raw["rated_power_kw"], where).normalize(), poles=poles, grade=grade,
            min_efficiency_pct=_decimal(raw["min_efficiency_pct"], where),
            source=raw["source"], check_source=raw["check_source"], status=raw["status"],
        )
        if raw["power_max_kw"].strip():
            high = _decimal(raw["power_max_kw"], where).normalize()
            if high <= row.rated_power_kw or ranges.get(row.rated_power_kw, high) != high:
                raise FactorError(f"功率范围无效：{row.rated_power_kw}–{high} kW",
                                  f"invalid power range {row.rated_power_kw}–{high} kW", file=where, row=line)
            ranges[row.rated_power_kw] = high
        key = (row.rated_power_kw, row.poles, row.grade)
        if key in cells:
            raise FactorError(f"表格单元重复：{key}", f"repeated table cell {key}", file=where, row=line)
        cells[key] = row
        rows.append(row)
        scopes.add(raw["scope"])
    if not rows or len({(r.standard, r.table) for r in rows}) != 1 or len(scopes) != 1:
        raise FactorError("一个文件只能有一个标准版本的一张表", "one file holds one table of one standard edition",
                          file=where)
    return RangedMotorTable(standard=rows[0].standard, table=rows[0].table, scope=scopes.pop(), rows=tuple(rows),
                            cells=cells, ranges=ranges)


def hv_motor_table(path: Path | None = None) -> RangedMotorTable:
    """GB 30254-2024 表1 (default file ``data/gb30254-2024.csv``)."""
    return load_ranged_motor_table(path or DATA_DIR / "gb30254-2024.csv")


def hv_motor_table_10kv(path: Path | None = None) -> RangedMotorTable:
    """GB 30254-2024 表2, 10 kV (default file ``data/gb30254-2024-t2.csv``)."""
    return load_ranged_motor_table(path or DATA_DIR / "gb30254-2024-t2.csv")


def _cooling_table(table_files: dict[frozenset[str], tuple[str, str]], cooling: str,
                   ten_kv: bool) -> RangedMotorTable:
    """The table of ``table_files`` (cooling codes → (3/6 kV file, 10 kV file)) that holds ``cooling``."""
    files = next(f for codes, f in table_files.items() if cooling in codes)
    return load_ranged_motor_table(DATA_DIR / files[1 if ten_kv else 0])


def hv_motor_table_for(cooling: str, ten_kv: bool) -> RangedMotorTable:
    """The shipped GB 30254-2024 table of a cooling group (:data:`HV_TABLE_FILES`) and voltage group.

    Raises
    ------
    StopIteration
        ``cooling`` is in no shipped table.
    """
    return _cooling_table(HV_TABLE_FILES, cooling, ten_kv)


def pmsm_table(path: Path | None = None) -> RangedMotorTable:
    """GB 30253-2024 表1 (default file ``data/gb30253-2024.csv``)."""
    return load_ranged_motor_table(path or DATA_DIR / "gb30253-2024.csv")


def pmsm_hv_table_for(cooling: str, ten_kv: bool) -> RangedMotorTable:
    """The shipped GB 30253-2024 line-start high-voltage table (表2–表7) of a cooling code and voltage group.

    Raises
    ------
    StopIteration
        ``cooling`` is in no shipped table.
    """
    return _cooling_table(PMSM_HV_TABLE_FILES, cooling, ten_kv)


def pmsm_hv_table(path: Path | None = None) -> RangedMotorTable:
    """GB 30253-2024 表2 (default file ``data/gb30253-2024-t2.csv``)."""
    return load_ranged_motor_table(path or DATA_DIR / "gb30253-2024-t2.csv")


# ------------------------------------------------------------------------------------------- grading
#: Rated voltages [V] of GB 30254-2024 表1 (3/6 kV) and 表2 (10 kV), and the cooling codes both tables cover.
HV_T1_VOLTAGES = frozenset({Decimal(3000), Decimal(3300), Decimal(6000)})
TEN_KV = Decimal(10000)
HV_VOLTAGES = HV_T1_VOLTAGES | {TEN_KV}
HV_T1_COOLING = frozenset({"IC01", "IC11", "IC21", "IC31", "IC81W"})
#: GB 30254-2024 tables by the cooling codes of their titles: (3 kV (3.3 kV)/6 kV file, 10 kV file).
HV_TABLE_FILES: dict[frozenset[str], tuple[str, str]] = {
    HV_T1_COOLING: ("gb30254-2024.csv", "gb30254-2024-t2.csv"),                         # 表1 / 表2
    frozenset({"IC611", "IC616", "IC511", "IC516"}): ("gb30254-2024-t3.csv", "gb30254-2024-t4.csv"),  # 表3 / 表4
    frozenset({"IC411"}): ("gb30254-2024-t5.csv", "gb30254-2024-t6.csv"),               # 表5 / 表6
}
HV_COOLING: frozenset[str] = frozenset().union(*HV_TABLE_FILES)
#: Rated voltage limit of GB 30253-2024 表1 [V]; voltages and cooling codes of its 表2.
PMSM_T1_MAX_V = Decimal(1140)
PMSM_T2_COOLING = frozenset({"IC81W", "IC86W", "IC71W", "IC3W7"})
#: GB 30253-2024 line-start high-voltage tables by cooling group: (3 kV (3.3 kV)/6 kV file, 10 kV file).
PMSM_HV_TABLE_FILES: dict[frozenset[str], tuple[str, str]] = {
    PMSM_T2_COOLING: ("gb30253-2024-t2.csv", "gb30253-2024-t5.csv"),                              # 表2 / 表5
    frozenset({"IC411", "IC416"}): ("gb30253-2024-t3.csv", "gb30253-2024-t6.csv"),                # 表3 / 表6
    frozenset({"IC511", "IC611", "IC616", "IC516", "IC666"}):
        ("gb30253-2024-t4.csv", "gb30253-2024-t7.csv"),                                          # 表4 / 表7
}
PMSM_HV_COOLING: frozenset[str] = frozenset().union(*PMSM_HV_TABLE_FILES)
LV_MAX_V = Decimal(1000)


def _result(device: Equipment, outcome: Outcome, std: str, zh: str, en: str) -> GradeResult:
    return GradeResult(device.code, outcome, None, std, (), zh, en)


def _grade_by_cells(device: Equipment, table: RangedMotorTable, where_zh: str, where_en: str) -> GradeResult:
    """Grade η against grades 1–3 of the row of the device's rated power and poles (shared by both standards)."""
    assert device.rated_power_kw is not None and device.poles is not None and device.efficiency_pct is not None
    std, tab = table.standard, table.table
    power, poles, eta = device.rated_power_kw, device.poles, device.efficiency_pct
    low, high = (f"{x:f}" for x in table.power_range)
    if not table.power_range[0] <= power <= table.power_range[1]:
        return _result(device, "out_of_scope", std,
                       f"额定功率 {power} kW 不在 {std} {tab}（{where_zh}）范围 {low}–{high} kW 内",
                       f"rated power {power} kW outside {std} table {tab[1:]} ({where_en}), {low}–{high} kW")
    if poles not in table.poles:
        listed = "、".join(str(p) for p in table.poles)
        return _result(device, "out_of_scope", std, f"{poles} 极不在 {std} {tab} 范围（{listed} 极）内",
                       f"{poles} poles outside {std} table {tab[1:]} ({', '.join(str(p) for p in table.poles)} poles)")
    rows = table.cells_for(power, poles)
    if len(rows) != len(GRADES):
        return _result(device, "missing_row", std,
                       f"{std} {tab} 无 {power} kW、{poles} 极档（或该格为“—”），不就近取档、不插值",
                       f"{std} table {tab[1:]} has no cell for {power} kW, {poles} poles (or it is '—'); "
                       "no neighbouring row is used, nothing interpolated")
    row_kw = rows[0].rated_power_kw
    span = f"{row_kw:f}–{table.ranges[row_kw]:f} kW 档" if row_kw in table.ranges else f"{row_kw:f} kW"
    span_en = span.replace(" 档", " row")
    for row in rows:
        if eta >= row.min_efficiency_pct:
            return GradeResult(device.code, "graded", row.grade, std, rows,
                               f"效率 {eta}% ≥ {row.grade}级限值 {row.min_efficiency_pct}%（{std} {tab}，{where_zh}，"
                               f"{span}，{poles} 极）",
                               f"efficiency {eta} % ≥ grade-{row.grade} minimum {row.min_efficiency_pct} % "
                               f"({std} table {tab[1:]}, {where_en}, {span_en}, {poles} poles)")
    floor = rows[-1].min_efficiency_pct
    return GradeResult(device.code, "below_minimum", None, std, rows,
                       f"效率 {eta}% < 能效限定值（3级）{floor}%（{std} {tab}，{where_zh}，{span}，{poles} 极）",
                       f"efficiency {eta} % < minimum allowed (grade 3) {floor} % ({std} table {tab[1:]}, {where_en}, "
                       f"{span_en}, {poles} poles)")


def grade_motor_hv(device: Equipment, table: RangedMotorTable | None = None,
                   table_10kv: RangedMotorTable | None = None) -> GradeResult:
    """Grade a high-voltage three-phase cage induction motor by the GB 30254-2024 table of its voltage and cooling.

    Parameters
    ----------
    device : Equipment
        ``kind == "motor_hv"`` with ``rated_power_kw`` [kW], ``poles``, ``efficiency_pct`` [%],
        ``voltage_v`` [V] and ``ic_code`` (cooling method, IC code of GB/T 1993 / IEC 60034-6).
    table, table_10kv : RangedMotorTable, optional
        Default: the shipped ``gb30254-2024.csv`` (表1: 3 kV (3.3 kV) and 6 kV) and ``gb30254-2024-t2.csv``
        (表2: 10 kV), both for cooling IC01, IC11, IC21, IC31, IC81W. The other coolings use the shipped
        表3/表4 (IC611, IC616, IC511, IC516) and 表5/表6 (IC411), 3/6 kV and 10 kV respectively.

    Returns
    -------
    GradeResult
        Grade g is the best grade with η ≥ η_g; below grade 3 the outcome is ``below_minimum``. A cooling
        code in none of these tables is ``missing_row``; a rated voltage of at most 1000 V is
        ``out_of_scope`` (GB 18613 applies).

    Raises
    ------
    InputError
        The device is not a high-voltage motor.
    """
    table = table or hv_motor_table()
    std = table.standard
    if device.kind != "motor_hv":
        raise InputError(f"设备 {device.code} 不是高压电动机", f"device {device.code} is not a high-voltage motor",
                         field="kind", expected="motor_hv")
    needed = (device.rated_power_kw, device.poles, device.efficiency_pct, device.voltage_v, device.ic_code)
    if any(v is None for v in needed):
        return _result(device, "incomplete", std, "缺少额定功率、极数、效率、额定电压或冷却方式代码（IC）",
                       "rated power, poles, efficiency, rated voltage or cooling code (IC) missing")
    assert device.voltage_v is not None and device.ic_code is not None
    volts, ic = device.voltage_v, device.ic_code.strip().upper()
    if volts <= LV_MAX_V:
        return _result(device, "out_of_scope", std, f"额定电压 {volts} V 不超过 1000 V：低压电动机适用 GB 18613",
                       f"rated voltage {volts} V is at most 1000 V: low-voltage motors fall under GB 18613")
    if volts not in HV_VOLTAGES:
        return _result(device, "out_of_scope", std, f"额定电压 {volts} V 不是 {std} 的 3 kV（3.3 kV）、6 kV 或 10 kV",
                       f"rated voltage {volts} V is not one of {std}'s 3 kV (3.3 kV), 6 kV or 10 kV")
    if ic not in HV_COOLING:
        listed = "/".join(sorted(HV_COOLING))
        return _result(device, "missing_row", std,
                       f"冷却方式 {ic} 不在已收录的 {std} 表1–表6（{listed}）中",
                       f"cooling {ic} is in none of the shipped {std} tables 1–6 ({listed})")
    if ic in HV_T1_COOLING:
        chosen = (table_10kv or hv_motor_table_10kv()) if volts == TEN_KV else table
    else:
        chosen = hv_motor_table_for(ic, volts == TEN_KV)
    return _grade_by_cells(device, chosen, f"{volts} V，{ic}", f"{volts} V, {ic}")


def grade_motor_pmsm(device: Equipment, table: RangedMotorTable | None = None,
                     hv_table: RangedMotorTable | None = None) -> GradeResult:
    """Grade a PMSM by GB 30253-2024: line-start by 表1 (≤ 1140 V) or 表2–表7 (3/6/10 kV), converter-fed by 表8–表10.

    Parameters
    ----------
    device : Equipment
        ``kind == "motor_pmsm"`` with ``rated_power_kw`` [kW], ``poles``, ``efficiency_pct`` [%] and
        ``supply`` (``line``: 异步起动, fed from the 50 Hz mains; ``vfd``: driven by a frequency
        converter, graded by :func:`~zerocarbon.energy.pmsm_vf.grade_pmsm_vf` on ``rated_power_kw``,
        ``speed_rpm`` and ``efficiency_pct``, poles not needed); ``voltage_v`` [V] is checked when given;
        for a line-start motor above 1140 V it must be 3000, 3300, 6000 or 10 000 V with an ``ic_code`` of
        one of the tables: IC81W, IC86W, IC71W (IC3W7) → 表2 (3/6 kV) / 表5
        (10 kV); IC411, IC416 → 表3 / 表6; IC511, IC611, IC616, IC516, IC666 → 表4 / 表7.
    table, hv_table : RangedMotorTable, optional
        Default: the shipped ``gb30253-2024.csv`` (表1) and ``gb30253-2024-t2.csv`` (表2); the other
        high-voltage tables are always the shipped ones.

    Returns
    -------
    GradeResult
        As :func:`grade_motor_hv`; a converter-fed PMSM as :func:`~zerocarbon.energy.pmsm_vf.grade_pmsm_vf`;
        other cooling codes are ``missing_row`` (their tables are not shipped).

    Raises
    ------
    InputError
        The device is not a permanent-magnet synchronous motor.
    """
    table = table or pmsm_table()
    std = table.standard
    if device.kind != "motor_pmsm":
        raise InputError(f"设备 {device.code} 不是永磁同步电动机", f"device {device.code} is not a PMSM",
                         field="kind", expected="motor_pmsm")
    if device.supply == "vfd":
        return grade_pmsm_vf(device)
    if any(v is None for v in (device.rated_power_kw, device.poles, device.efficiency_pct, device.supply)):
        return _result(device, "incomplete", std, "缺少额定功率、极数、效率或供电方式（工频/变频）",
                       "rated power, poles, efficiency or supply (line/vfd) missing")
    volts = device.voltage_v
    if volts is not None and volts > PMSM_T1_MAX_V:
        ic = (device.ic_code or "").strip().upper()
        if volts in HV_VOLTAGES and not ic:
            return _result(device, "incomplete", std, "高压永磁同步电动机须填冷却方式代码（IC）以选择 表2–表7",
                           "a high-voltage PMSM needs its cooling code (IC) to select one of tables 2–7")
        if volts not in HV_VOLTAGES:
            return _result(device, "out_of_scope", std,
                           f"额定电压 {volts} V 不是 {std} 的 3 kV（3.3 kV）、6 kV 或 10 kV",
                           f"rated voltage {volts} V is not one of {std}'s 3 kV (3.3 kV), 6 kV or 10 kV")
        if ic not in PMSM_HV_COOLING:
            listed = "/".join(sorted(PMSM_HV_COOLING))
            return _result(device, "missing_row", std, f"冷却方式 {ic} 不在已收录的 {std} 表2–表7（{listed}）中",
                           f"cooling {ic} is in none of the shipped {std} tables 2–7 ({listed})")
        if ic in PMSM_T2_COOLING and volts != TEN_KV:
            chosen = hv_table or pmsm_hv_table()
        else:
            chosen = pmsm_hv_table_for(ic, volts == TEN_KV)
        return _grade_by_cells(device, chosen, f"异步起动，{volts} V，{ic}", f"line-start, {volts} V, {ic}")
    return _grade_by_cells(device, table, "异步起动，≤1140 V", "line-start, ≤ 1140 V")
