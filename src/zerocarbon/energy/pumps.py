"""Grading of clean-water centrifugal pumps by GB 19762-2025 (the standard's formula in specific speed and flow).

As transcribed (``data/gb19762-2025.csv``, whose header gives the derivation), the minimum efficiency of
grade i at the best-efficiency point is

    η_i = a(ln ns)² + b(ln Q)² + c(ln ns)(ln Q) + d(ln ns) + e(ln Q) − C_i      [%]
    ns  = 3.65 · n · √Q′ / H′^0.75

with Q the flow at the best-efficiency point [m³/h], Q′ the same in m³/s (half of it for a double-suction
pump), H′ the head per stage [m] and n the speed [r/min]; a–e per formula (single-stage, multistage) and
C_i per pump type, flow band and grade (表3). A pump is in grade g when its efficiency is at least η_g;
grade 3 is the minimum allowed (能效限定值). A flow outside the type's bands is ``out_of_scope``. The
range of ns over which the formula holds was not transcribed and is not checked (said in each result).
All rows are single-source (status ``unverified``). Chemical-process pumps (化工泵, 表2) are graded by
:mod:`zerocarbon.energy.pumps_chemical` (``pump_type`` ``chemical_single_stage`` / ``chemical_multistage``;
:func:`zerocarbon.energy.grading.grade_device` picks the module).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from zerocarbon.energy.equipment import Equipment, GradeResult, Outcome
from zerocarbon.energy.reference import DATA_DIR, _decimal
from zerocarbon.errors import FactorError, InputError
from zerocarbon.tables import STATUSES, table_reader

STANDARD = "GB 19762-2025"
PUMP_TYPES = ("single_stage_single_suction", "single_stage_double_suction", "inline", "multistage",
              "light_multistage_vertical", "light_multistage_horizontal")
PUMP_COLUMNS = (
    "row_id", "standard", "edition", "effective_from", "table", "pump_type", "formula", "q_min_m3h", "q_min_closed",
    "q_max_m3h", "q_max_closed", "grade", "a", "b", "c", "d", "e", "c_i", "source", "check_source", "status",
)
SECONDS_PER_HOUR = Decimal(3600)


@dataclass(frozen=True)
class PumpRow:
    """One grade of one flow band of a pump type: the formula's coefficients and C_i (GB 19762-2025 表3)."""

    row_id: str
    standard: str
    table: str
    pump_type: str
    formula: str
    q_min: Decimal
    q_min_closed: bool
    q_max: Decimal
    q_max_closed: bool
    grade: int
    coefficients: tuple[Decimal, Decimal, Decimal, Decimal, Decimal]
    c_i: Decimal
    source: str
    check_source: str
    status: str

    def holds(self, q: Decimal) -> bool:
        """Whether the flow band holds q [m³/h] (with the band's own closed or open ends)."""
        above = q > self.q_min or (self.q_min_closed and q == self.q_min)
        below = q < self.q_max or (self.q_max_closed and q == self.q_max)
        return above and below

    def min_efficiency(self, ns: Decimal, q: Decimal) -> Decimal:
        """η_i [%] = a(ln ns)² + b(ln Q)² + c(ln ns)(ln Q) + d(ln ns) + e(ln Q) − C_i, Q in m³/h."""
        a, b, c, d, e = self.coefficients
        x, y = ns.ln(), q.ln()
        return a * x * x + b * y * y + c * x * y + d * x + e * y - self.c_i


@dataclass(frozen=True)
class PumpLimit:
    """The minimum efficiency of one grade for one pump, computed from a :class:`PumpRow`."""

    row: PumpRow
    min_efficiency_pct: Decimal

    @property
    def row_id(self) -> str:
        return self.row.row_id

    @property
    def grade(self) -> int:
        return self.row.grade

    @property
    def status(self) -> str:
        return self.row.status

    @property
    def limit_text(self) -> str:
        """η_i rounded for display [%] (grading compares at full precision)."""
        return f"{self.min_efficiency_pct:.2f}"


@lru_cache(maxsize=4)
def load_pump_table(path: Path | None = None) -> tuple[PumpRow, ...]:
    """Load ``data/gb19762-2025.csv`` (``#`` lines are its header).

    Raises
    ------
    FactorError
        A column is missing, a number, status, type, formula or grade is invalid, or a cell is repeated.
    """
    path = path or DATA_DIR / "gb19762-2025.csv"
    where = path.name
    reader = table_reader(path, PUMP_COLUMNS)
    rows: list[PumpRow] = []
    seen: set[tuple[str, str, str]] = set()
    for line, raw in enumerate(reader, start=2):
        if (raw["status"] not in STATUSES or raw["pump_type"] not in PUMP_TYPES or raw["grade"] not in ("1", "2", "3")
                or raw["formula"] not in ("single_stage", "multistage")
                or {raw["q_min_closed"], raw["q_max_closed"]} - {"yes", "no"}):
            raise FactorError("状态、泵型、公式、等级或区间端点无效",
                              "invalid status, pump type, formula, grade or band end", file=where, row=line)
        key = (raw["pump_type"], raw["q_min_m3h"], raw["grade"])
        if key in seen:
            raise FactorError(f"表格单元重复：{key}", f"repeated table cell {key}", file=where, row=line)
        seen.add(key)
        a, b, c, d, e = (_decimal(raw[k], where) for k in ("a", "b", "c", "d", "e"))
        rows.append(PumpRow(
            row_id=raw["row_id"], standard=raw["standard"], table=raw["table"], pump_type=raw["pump_type"],
            formula=raw["formula"], q_min=_decimal(raw["q_min_m3h"], where), q_min_closed=raw["q_min_closed"] == "yes",
            q_max=_decimal(raw["q_max_m3h"], where), q_max_closed=raw["q_max_closed"] == "yes",
            grade=int(raw["grade"]), coefficients=(a, b, c, d, e), c_i=_decimal(raw["c_i"], where),
            source=raw["source"], check_source=raw["check_source"], status=raw["status"]))
    return tuple(rows)


def specific_speed(speed_rpm: Decimal, flow_m3h: Decimal, head_m: Decimal, stages: int = 1,
                   double_suction: bool = False) -> Decimal:
    """ns = 3.65 n √Q′ / H′^0.75 (GB 19762-2025 as transcribed), Q′ [m³/s] halved for double suction, H′ per stage [m].

    Raises
    ------
    InputError
        A value is not positive.
    """
    if speed_rpm <= 0 or flow_m3h <= 0 or head_m <= 0 or stages < 1:
        raise InputError("转速、流量、扬程与级数须为正", "speed, flow, head and stages must be positive",
                         field="specific_speed")
    q = flow_m3h / SECONDS_PER_HOUR / (2 if double_suction else 1)
    h = head_m / stages
    return Decimal("3.65") * speed_rpm * q.sqrt() / h ** Decimal("0.75")


def _result(device: Equipment, outcome: Outcome, zh: str, en: str) -> GradeResult:
    return GradeResult(device.code, outcome, None, STANDARD, (), zh, en)


def grade_pump(device: Equipment, table: tuple[PumpRow, ...] | None = None) -> GradeResult:
    """Grade a clean-water centrifugal pump by GB 19762-2025.

    Parameters
    ----------
    device : Equipment
        ``kind == "pump"`` with ``pump_type``, ``flow_m3h`` and ``head_m`` at the best-efficiency point,
        ``speed_rpm`` [r/min], ``stages`` (default 1) and ``efficiency_pct`` [%] (pump efficiency there).
    table : tuple of PumpRow, optional
        Default: the shipped ``gb19762-2025.csv``.

    Returns
    -------
    GradeResult
        The rows are the three computed limits (:class:`PumpLimit`), with ns and Q in the reason.

    Raises
    ------
    InputError
        The device is not a pump, or is a chemical pump (graded by
        :func:`zerocarbon.energy.pumps_chemical.grade_chemical_pump`; :func:`~zerocarbon.energy.grading.grade_device`
        dispatches both).
    """
    rows_all = table if table is not None else load_pump_table()
    if device.kind != "pump":
        raise InputError(f"设备 {device.code} 不是泵", f"device {device.code} is not a pump", field="kind",
                         expected="pump")
    if device.pump_type in ("chemical_single_stage", "chemical_multistage"):
        raise InputError(f"化工泵 {device.code} 按 GB 19762-2025 表2 评价（pumps_chemical.grade_chemical_pump）",
                         f"chemical pump {device.code} is graded by GB 19762-2025 table 2 "
                         "(pumps_chemical.grade_chemical_pump)", field="pump_type", expected="a clean-water type")
    needed = (device.pump_type, device.flow_m3h, device.head_m, device.speed_rpm, device.efficiency_pct)
    if any(v is None for v in needed):
        return _result(device, "incomplete", "缺少泵型、最高效率点流量与扬程、转速或效率",
                       "pump type, flow and head at the best-efficiency point, speed or efficiency missing")
    assert device.flow_m3h is not None and device.head_m is not None and device.speed_rpm is not None
    assert device.efficiency_pct is not None
    q = device.flow_m3h
    band = sorted((r for r in rows_all if r.pump_type == device.pump_type and r.holds(q)), key=lambda r: r.grade)
    if [r.grade for r in band] != [1, 2, 3]:
        spans = sorted({f"{r.q_min:f}–{r.q_max:f}" for r in rows_all if r.pump_type == device.pump_type})
        return _result(device, "out_of_scope",
                       f"流量 {q} m³/h 不在 {STANDARD} 表3 {device.pump_type} 的流量区间 {spans} 内",
                       f"flow {q} m³/h outside the {STANDARD} table 3 bands of {device.pump_type}: {spans}")
    ns = specific_speed(device.speed_rpm, q, device.head_m, device.stages or 1,
                        device.pump_type == "single_stage_double_suction")
    limits = tuple(PumpLimit(r, r.min_efficiency(ns, q)) for r in band)
    how = f"ns = {ns:.1f}，Q = {q} m³/h，{band[0].formula} 公式，表3 {band[0].pump_type}（未核对 ns 适用范围）"
    how_en = (f"ns = {ns:.1f}, Q = {q} m³/h, {band[0].formula} formula, table 3 {band[0].pump_type} "
              "(ns range of validity not checked)")
    eta = device.efficiency_pct
    for limit in limits:
        if eta >= limit.min_efficiency_pct:
            return GradeResult(device.code, "graded", limit.grade, STANDARD, limits,
                               f"效率 {eta}% ≥ {limit.grade}级限值 {limit.limit_text}%（{STANDARD}，{how}）",
                               f"efficiency {eta} % ≥ grade-{limit.grade} minimum {limit.limit_text} % "
                               f"({STANDARD}, {how_en})")
    return GradeResult(device.code, "below_minimum", None, STANDARD, limits,
                       f"效率 {eta}% < 能效限定值（3级）{limits[-1].limit_text}%（{STANDARD}，{how}）",
                       f"efficiency {eta} % < minimum allowed (grade 3) {limits[-1].limit_text} % ({STANDARD}, "
                       f"{how_en})")
