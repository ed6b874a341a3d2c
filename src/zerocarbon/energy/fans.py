"""Grading of fans by GB 19761-2020 表1–表4, with the standard's own bands.

GB 19761-2020 grades a fan by its efficiency η [%], which must be **at least** the grade's value
(grade 3 = 能效限定值) in the cell selected by the fan type and the bands of its table: pressure
coefficient ψ and specific speed ns (centrifugal fans, 表1/表2; outer-rotor forward-curved fans, 表4)
or hub ratio γ (axial fans, 表3), and the machine number (机号 No). The bands are kept verbatim in
``data/gb19761-2020.csv`` (e.g. ``1.35≤ψ<1.55``, ``No2<机号≤No2.5``) and parsed here; a fan whose values
fall in no band is reported missing, never put in a neighbouring band.

Which efficiency the standard grades (its definition and operating point) was not read; the register
must give the value as GB 19761-2020 defines it. All rows are single-source (status ``unverified``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from zerocarbon.energy.equipment import Equipment, GradeResult, Outcome
from zerocarbon.energy.reference import DATA_DIR, GRADES, _decimal
from zerocarbon.errors import FactorError, InputError
from zerocarbon.tables import STATUSES, table_reader

STANDARD = "GB 19761-2020"
FAN_COLUMNS = (
    "row_id", "standard", "edition", "effective_from", "table", "fan_type", "coefficient_band", "ns_band",
    "machine_number_band", "grade", "min_efficiency_pct", "source", "check_source", "status",
)
FAN_TYPES = ("centrifugal", "axial", "outer_rotor_forward_curved")
_NUM = r"(?:No)?(\d+(?:\.\d+)?)"
_VAR = r"(?:ψ|γ|ns|机号)"


@dataclass(frozen=True)
class Band:
    """A half-open or closed interval of the standard, e.g. ``0.95≤ψ<1.05`` (None: unbounded)."""

    text: str
    low: Decimal | None
    low_closed: bool
    high: Decimal | None
    high_closed: bool

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, Decimal):
            return False
        if self.low is not None and (value < self.low or (value == self.low and not self.low_closed)):
            return False
        return not (self.high is not None and (value > self.high or (value == self.high and not self.high_closed)))


def parse_band(text: str) -> Band:
    """Parse a band as the standard writes it: ``a≤x<b``, ``a<x≤b``, ``a≤x``, ``x<b``, ``x>a``, ``x≥a``, ``x≤b``.

    Raises
    ------
    FactorError
        The text is not one of these forms.
    """
    t = text.replace(" ", "")
    if m := re.fullmatch(rf"{_NUM}(≤|<){_VAR}(≤|<){_NUM}", t):
        return Band(text, Decimal(m[1]), m[2] == "≤", Decimal(m[4]), m[3] == "≤")
    if m := re.fullmatch(rf"{_NUM}(≤|<){_VAR}", t):
        return Band(text, Decimal(m[1]), m[2] == "≤", None, False)
    if m := re.fullmatch(rf"{_VAR}(≤|<){_NUM}", t):
        return Band(text, None, False, Decimal(m[2]), m[1] == "≤")
    if m := re.fullmatch(rf"{_VAR}(≥|>){_NUM}", t):
        return Band(text, Decimal(m[2]), m[1] == "≥", None, False)
    raise FactorError(f"无法解析的区间：{text!r}", f"cannot parse band {text!r}", expected="a≤x<b | x>a | …")


@dataclass(frozen=True)
class FanRow:
    """One grade of one cell of a GB 19761-2020 table: the minimum fan efficiency [%] and its provenance."""

    row_id: str
    standard: str
    edition: str
    effective_from: str
    table: str
    grade: int
    min_efficiency_pct: Decimal
    source: str
    check_source: str
    status: str

    @property
    def limit_text(self) -> str:
        """The grade's limit for reports [%]."""
        return str(self.min_efficiency_pct)


@dataclass(frozen=True)
class FanCell:
    """A :class:`FanRow` with the bands that select it."""

    row: FanRow
    fan_type: str
    coefficient: Band
    ns: Band | None
    machine_number: Band


@lru_cache(maxsize=4)
def load_fan_table(path: Path | None = None) -> tuple[FanCell, ...]:
    """Load ``data/gb19761-2020.csv`` (``#`` lines are its header).

    Raises
    ------
    FactorError
        A column is missing, a band, number, status, type or grade is invalid, or a cell is repeated.
    """
    path = path or DATA_DIR / "gb19761-2020.csv"
    where = path.name
    reader = table_reader(path, FAN_COLUMNS)
    cells: list[FanCell] = []
    seen: set[tuple[str, str, str, str, str]] = set()
    for line, raw in enumerate(reader, start=2):
        if raw["status"] not in STATUSES or raw["fan_type"] not in FAN_TYPES or raw["grade"] not in ("1", "2", "3"):
            raise FactorError("状态、风机类型或等级无效", "invalid status, fan type or grade", file=where, row=line)
        key = (raw["table"], raw["coefficient_band"], raw["ns_band"], raw["machine_number_band"], raw["grade"])
        if key in seen:
            raise FactorError(f"表格单元重复：{key}", f"repeated table cell {key}", file=where, row=line)
        seen.add(key)
        try:
            bands = (parse_band(raw["coefficient_band"]), parse_band(raw["ns_band"]) if raw["ns_band"] else None,
                     parse_band(raw["machine_number_band"]))
        except FactorError as exc:
            raise FactorError(exc.message_zh, exc.message_en, file=where, row=line) from exc
        row = FanRow(row_id=raw["row_id"], standard=raw["standard"], edition=raw["edition"],
                     effective_from=raw["effective_from"], table=raw["table"], grade=int(raw["grade"]),
                     min_efficiency_pct=_decimal(raw["min_efficiency_pct"], where), source=raw["source"],
                     check_source=raw["check_source"], status=raw["status"])
        cells.append(FanCell(row, raw["fan_type"], bands[0], bands[1], bands[2]))
    return tuple(cells)


def _result(device: Equipment, outcome: Outcome, zh: str, en: str) -> GradeResult:
    return GradeResult(device.code, outcome, None, STANDARD, (), zh, en)


def grade_fan(device: Equipment, table: tuple[FanCell, ...] | None = None) -> GradeResult:
    """Grade a fan by GB 19761-2020 (表1/表2 centrifugal, 表3 axial, 表4 outer-rotor forward-curved).

    Parameters
    ----------
    device : Equipment
        ``kind == "fan"`` with ``fan_type``, ``machine_number`` (No), ``efficiency_pct`` [%] and either
        ``hub_ratio`` γ [1] (axial) or ``pressure_coefficient`` ψ [1] and ``specific_speed`` ns [1] (others).
    table : tuple of FanCell, optional
        Default: the shipped ``gb19761-2020.csv``.

    Returns
    -------
    GradeResult
        Grade g is the best grade with η ≥ η_g of the one cell whose bands hold the fan; below grade 3
        ``below_minimum``; no band holding it ``missing_row``.

    Raises
    ------
    InputError
        The device is not a fan.
    """
    cells = table if table is not None else load_fan_table()
    if device.kind != "fan":
        raise InputError(f"设备 {device.code} 不是通风机", f"device {device.code} is not a fan", field="kind",
                         expected="fan")
    axial = device.fan_type == "axial"
    coefficient = device.hub_ratio if axial else device.pressure_coefficient
    needed = (device.fan_type, device.machine_number, device.efficiency_pct, coefficient,
              True if axial else device.specific_speed)
    if any(v is None for v in needed):
        return _result(device, "incomplete", "缺少风机类型、机号、效率、压力系数 ψ 与比转速 ns（轴流：轮毂比 γ）",
                       "fan type, machine number, efficiency, pressure coefficient ψ and specific speed ns "
                       "(axial: hub ratio γ) missing")
    assert device.machine_number is not None and device.efficiency_pct is not None and coefficient is not None
    ns = device.specific_speed
    no = device.machine_number
    hits = [c for c in cells if c.fan_type == device.fan_type and coefficient in c.coefficient
            and no in c.machine_number and (c.ns is None or ns in c.ns)]
    symbol = "γ" if axial else "ψ"
    given = f"{symbol}={coefficient}" + ("" if axial else f", ns={ns}") + f", No{no}"
    rows = tuple(sorted((c.row for c in hits), key=lambda r: r.grade))
    if [r.grade for r in rows] != list(GRADES):
        return _result(device, "missing_row", f"{STANDARD} 中 {device.fan_type} 无包含 {given} 的区间，不就近取档",
                       f"no band of {STANDARD} for {device.fan_type} holds {given}; no neighbouring band is used")
    cell = next(c for c in hits if c.row.grade == 1)
    where = f"{cell.row.table} {cell.coefficient.text}" + (f"、{cell.ns.text}" if cell.ns else "") + \
        f"、{cell.machine_number.text}"
    where_en = f"table {cell.row.table[1:]}, " + where.split(" ", 1)[1].replace("、", ", ").replace("机号", "No.")
    eta = device.efficiency_pct
    for row in rows:
        if eta >= row.min_efficiency_pct:
            return GradeResult(device.code, "graded", row.grade, STANDARD, rows,
                               f"效率 {eta}% ≥ {row.grade}级限值 {row.min_efficiency_pct}%（{STANDARD} {where}）",
                               f"efficiency {eta} % ≥ grade-{row.grade} minimum {row.min_efficiency_pct} % "
                               f"({STANDARD} {where_en})")
    return GradeResult(device.code, "below_minimum", None, STANDARD, rows,
                       f"效率 {eta}% < 能效限定值（3级）{rows[-1].min_efficiency_pct}%（{STANDARD} {where}）",
                       f"efficiency {eta} % < minimum allowed (grade 3) {rows[-1].min_efficiency_pct} % "
                       f"({STANDARD} {where_en})")
