"""Grading of variable-frequency permanent-magnet synchronous motors by GB 30253-2024 表8–表10 (≤ 1140 V).

GB 30253-2024 grades a converter-fed (变频调速) PMSM of rated voltage ≤ 1140 V, 0.55–1250 kW and 45–6000 r/min
(its §1 c)) by its efficiency η [%] at the rated point against the table row of its rated power P [kW] and
the column of its rated speed n [r/min]: grade g when η is **at least** the grade's value; grade 1 is the
best, grade 3 the minimum allowed (能效限定值). 表8, 表9 and 表10 hold grades 1, 2 and 3 of the same rows.

The table is keyed by rated power and rated speed, not by poles. Its speed columns are four bands (">1800~6000",
">1200~1800", ">900~1200", ">600~900", read as lower < n ≤ upper) and ten single speeds (500, 375, 300, 250,
200, 150, 100, 75, 60 and 45 r/min); the power rows are single ratings 0.55–280 kW and one range row
315 ≤ P ≤ 1250 kW. A rated power or speed the table does not list (e.g. 100 kW, or 400 or 600 r/min) is
reported missing, never snapped to or interpolated between neighbouring rows or columns (whether the standard
allows interpolation was not read).

Shipped tables (``zerocarbon/energy/data/``, each file's header cites its source and status):
``gb30253-2024-t8.csv``, ``-t9.csv``, ``-t10.csv`` — every cell a single-source transcription (``unverified``).
The high-voltage (3/6/10 kV) variable-frequency tables and the elevator-motor tables of the standard are not
shipped: such motors are ``missing_row``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from zerocarbon.energy.equipment import Equipment, GradeResult, Outcome
from zerocarbon.energy.reference import DATA_DIR, GRADES, _decimal
from zerocarbon.errors import FactorError
from zerocarbon.tables import STATUSES, table_reader

STANDARD = "GB 30253-2024"
#: Columns of a variable-frequency table file.
VF_COLUMNS = (
    "row_id", "standard", "edition", "effective_from", "table", "scope", "rated_power_kw", "power_max_kw",
    "speed_column", "speed_above_rpm", "speed_max_rpm", "grade", "min_efficiency_pct", "source", "check_source",
    "status",
)
#: The shipped files: 表8 (grade 1), 表9 (grade 2), 表10 (grade 3).
VF_TABLE_FILES = ("gb30253-2024-t8.csv", "gb30253-2024-t9.csv", "gb30253-2024-t10.csv")
#: Rated voltage limit of the tables [V] (GB 30253-2024 §1 c)).
VF_MAX_V = Decimal(1140)


@dataclass(frozen=True)
class VfRow:
    """One cell of GB 30253-2024 表8–表10: the minimum efficiency [%] of a grade at a rated power and speed."""

    row_id: str
    standard: str
    edition: str
    effective_from: str
    table: str
    rated_power_kw: Decimal
    power_max_kw: Decimal | None
    speed_column: str
    speed_above_rpm: Decimal | None
    speed_max_rpm: Decimal
    grade: int
    min_efficiency_pct: Decimal
    source: str
    check_source: str
    status: str

    @property
    def limit_text(self) -> str:
        """The grade's limit for reports [%]."""
        return str(self.min_efficiency_pct)

    def holds_speed(self, speed_rpm: Decimal) -> bool:
        """Whether a rated speed [r/min] falls in this cell's column (a band above < n ≤ top, or the one speed)."""
        if self.speed_above_rpm is None:
            return speed_rpm == self.speed_max_rpm
        return self.speed_above_rpm < speed_rpm <= self.speed_max_rpm

    @property
    def power_text(self) -> str:
        """The row's rated power, a range row as "315–1250 kW"."""
        if self.power_max_kw is None:
            return f"{self.rated_power_kw:f} kW"
        return f"{self.rated_power_kw:f}–{self.power_max_kw:f} kW"


Key = tuple[Decimal, str, int]


@dataclass(frozen=True)
class VfTable:
    """表8–表10 as loaded: cells keyed by (row's rated power [kW], speed column, grade)."""

    rows: tuple[VfRow, ...]
    cells: dict[Key, VfRow] = field(repr=False)

    @property
    def power_range(self) -> tuple[Decimal, Decimal]:
        """The smallest and largest rated power the tables cover [kW]."""
        return (min(r.rated_power_kw for r in self.rows),
                max(r.power_max_kw or r.rated_power_kw for r in self.rows))

    @property
    def speed_range(self) -> tuple[Decimal, Decimal]:
        """The lowest and highest rated speed the columns hold [r/min]."""
        return min(r.speed_max_rpm for r in self.rows), max(r.speed_max_rpm for r in self.rows)

    def row_power(self, rated_power_kw: Decimal) -> Decimal | None:
        """The row holding ``rated_power_kw`` (its own rating, or the range row containing it); else None."""
        power = rated_power_kw.normalize()
        for row in self.rows:
            if row.rated_power_kw == power or (row.power_max_kw is not None
                                               and row.rated_power_kw <= power <= row.power_max_kw):
                return row.rated_power_kw
        return None

    def column(self, speed_rpm: Decimal) -> str | None:
        """The speed column holding ``speed_rpm``; else None."""
        return next((r.speed_column for r in self.rows if r.holds_speed(speed_rpm)), None)

    def cells_for(self, rated_power_kw: Decimal, speed_rpm: Decimal) -> tuple[VfRow, ...]:
        """Grades 1–3 of the cell of the rating; fewer than three when the table lacks it."""
        power, column = self.row_power(rated_power_kw), self.column(speed_rpm)
        if power is None or column is None:
            return ()
        return tuple(r for g in GRADES if (r := self.cells.get((power, column, g))) is not None)


def _optional(text: str, where: str) -> Decimal | None:
    return _decimal(text, where).normalize() if text.strip() else None


@lru_cache(maxsize=4)
def load_vf_table(paths: tuple[Path, ...] | None = None) -> VfTable:
    """Load the variable-frequency tables (default: the shipped 表8, 表9, 表10) into one :class:`VfTable`.

    Raises
    ------
    FactorError
        A column is missing, a number, status or grade is invalid, a speed column is not a band or a single
        speed, a cell is repeated, or a file mixes tables.
    """
    files = paths or tuple(DATA_DIR / name for name in VF_TABLE_FILES)
    rows: list[VfRow] = []
    cells: dict[Key, VfRow] = {}
    for path in files:
        where = path.name
        tables: set[str] = set()
        for line, raw in enumerate(table_reader(path, VF_COLUMNS), start=2):
            if raw["status"] not in STATUSES or raw["grade"] not in ("1", "2", "3"):
                raise FactorError("状态或等级无效", "invalid status or grade", file=where, row=line)
            row = VfRow(
                row_id=raw["row_id"], standard=raw["standard"], edition=raw["edition"],
                effective_from=raw["effective_from"], table=raw["table"],
                rated_power_kw=_decimal(raw["rated_power_kw"], where).normalize(),
                power_max_kw=_optional(raw["power_max_kw"], where), speed_column=raw["speed_column"],
                speed_above_rpm=_optional(raw["speed_above_rpm"], where),
                speed_max_rpm=_decimal(raw["speed_max_rpm"], where).normalize(), grade=int(raw["grade"]),
                min_efficiency_pct=_decimal(raw["min_efficiency_pct"], where), source=raw["source"],
                check_source=raw["check_source"], status=raw["status"])
            low = row.speed_above_rpm
            if (low is not None and low >= row.speed_max_rpm) or (
                    row.power_max_kw is not None and row.power_max_kw <= row.rated_power_kw):
                raise FactorError("转速列或功率范围无效", "invalid speed column or power range", file=where, row=line)
            key = (row.rated_power_kw, row.speed_column, row.grade)
            if key in cells:
                raise FactorError(f"表格单元重复：{key}", f"repeated table cell {key}", file=where, row=line)
            cells[key] = row
            rows.append(row)
            tables.add(row.table)
        if len(tables) != 1:
            raise FactorError("一个文件只能有一张表", "one file holds one table", file=where)
    return VfTable(rows=tuple(rows), cells=cells)


def _result(device: Equipment, outcome: Outcome, zh: str, en: str) -> GradeResult:
    return GradeResult(device.code, outcome, None, STANDARD, (), zh, en)


def grade_pmsm_vf(device: Equipment, table: VfTable | None = None) -> GradeResult:
    """Grade a converter-fed PMSM (``supply == "vfd"``) by GB 30253-2024 表8–表10.

    Parameters
    ----------
    device : Equipment
        ``kind == "motor_pmsm"`` with ``rated_power_kw`` [kW], ``speed_rpm`` (rated speed) [r/min] and
        ``efficiency_pct`` [%]; ``voltage_v`` [V] is checked when given (the tables are for ≤ 1140 V).
    table : VfTable, optional
        Default: the shipped ``gb30253-2024-t8.csv`` … ``-t10.csv``.

    Returns
    -------
    GradeResult
        Grade g is the best grade with η ≥ η_g; below grade 3 the outcome is ``below_minimum``. A rating the
        tables do not list, or a voltage above 1140 V (tables not shipped), is ``missing_row``; a rated power
        or speed outside the tables' range is ``out_of_scope``.
    """
    table = table or load_vf_table()
    if any(v is None for v in (device.rated_power_kw, device.speed_rpm, device.efficiency_pct)):
        return _result(device, "incomplete", "变频永磁同步电动机缺少额定功率、额定转速或效率",
                       "a converter-fed PMSM needs its rated power, rated speed and efficiency")
    assert device.rated_power_kw is not None and device.speed_rpm is not None and device.efficiency_pct is not None
    power, speed, eta = device.rated_power_kw.normalize(), device.speed_rpm.normalize(), device.efficiency_pct
    if device.voltage_v is not None and device.voltage_v > VF_MAX_V:
        return _result(device, "missing_row",
                       f"额定电压 {device.voltage_v} V 的变频永磁同步电动机（{STANDARD} 高压变频各表）数据未收录",
                       f"converter-fed PMSM of {device.voltage_v} V: {STANDARD}'s high-voltage converter-fed "
                       "tables are not in the shipped data")
    (p_low, p_high), (n_low, n_high) = table.power_range, table.speed_range
    if not p_low <= power <= p_high:
        return _result(device, "out_of_scope",
                       f"额定功率 {power:f} kW 不在 {STANDARD} 表8–表10 范围 {p_low:f}–{p_high:f} kW 内",
                       f"rated power {power:f} kW outside {STANDARD} tables 8–10, {p_low:f}–{p_high:f} kW")
    if not n_low <= speed <= n_high:
        return _result(device, "out_of_scope",
                       f"额定转速 {speed:f} r/min 不在 {STANDARD} 表8–表10 范围 {n_low:f}–{n_high:f} r/min 内",
                       f"rated speed {speed:f} r/min outside {STANDARD} tables 8–10, {n_low:f}–{n_high:f} r/min")
    rows = table.cells_for(power, speed)
    if len(rows) != len(GRADES):
        return _result(device, "missing_row",
                       f"{STANDARD} 表8–表10 无 {power:f} kW、{speed:f} r/min 档，不就近取档、不插值",
                       f"{STANDARD} tables 8–10 have no cell for {power:f} kW, {speed:f} r/min; no neighbouring "
                       "row or column is used, nothing interpolated")
    first = rows[0]
    where_zh = f"{STANDARD} 表8–表10，变频，{first.power_text} 档，转速列 {first.speed_column} r/min"
    where_en = f"{STANDARD} tables 8–10, converter-fed, {first.power_text} row, speed column {first.speed_column} r/min"
    for row in rows:
        if eta >= row.min_efficiency_pct:
            return GradeResult(device.code, "graded", row.grade, STANDARD, rows,
                               f"效率 {eta}% ≥ {row.grade}级限值 {row.min_efficiency_pct}%（{row.table}，{where_zh}）",
                               f"efficiency {eta} % ≥ grade-{row.grade} minimum {row.min_efficiency_pct} % "
                               f"(table {row.table[1:]}; {where_en})")
    floor = rows[-1]
    return GradeResult(device.code, "below_minimum", None, STANDARD, rows,
                       f"效率 {eta}% < 能效限定值（3级）{floor.min_efficiency_pct}%（{floor.table}，{where_zh}）",
                       f"efficiency {eta} % < minimum allowed (grade 3) {floor.min_efficiency_pct} % "
                       f"(table {floor.table[1:]}; {where_en})")
