"""Grading of chemical-process centrifugal pumps (化工泵) by GB 19762-2025 表2, as transcribed.

The data file ``data/gb19762-2025-t2.csv`` (its header gives the source) holds, for single-stage and
multistage pumps,

    η_b = Σ p_k (ln Q)^(6−k)           [%], Q [m³/h] at the best-efficiency point, capped at 3000 m³/h
    Δη  = Σ p_k ns^(6−k)               [%], for 20 ≤ ns < 120 and 210 < ns ≤ 300; Δη = 0 for 120 ≤ ns ≤ 210
    η_i = η_b − Δη + offset_i          [%], offset per pump, flow band and ns band (grade i = 1, 2, 3)

with ns = 3.65 n √Q′ / H′^0.75 (:func:`zerocarbon.energy.pumps.specific_speed`). A pump is in grade g when
its efficiency at the best-efficiency point is at least η_g; grade 3 is the minimum allowed (能效限定值).
A flow of 5 m³/h or less, or an ns outside 20–300, is ``out_of_scope``. Every row is single-source
(status ``unverified``); the grade order of the offsets is derived (see the data file).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from zerocarbon.energy.equipment import Equipment, GradeResult, Outcome
from zerocarbon.energy.pumps import STANDARD, specific_speed
from zerocarbon.energy.reference import DATA_DIR, _decimal
from zerocarbon.errors import FactorError
from zerocarbon.tables import STATUSES, table_reader

#: Register pump types graded here, and the transcription's pump (单级 / 多级) each uses.
CHEMICAL_PUMPS = {"chemical_single_stage": "single_stage", "chemical_multistage": "multistage"}
CHEMICAL_COLUMNS = (
    "row_id", "standard", "edition", "effective_from", "table", "kind", "pump", "q_min_m3h", "q_max_m3h",
    "ns_min", "ns_min_closed", "ns_max", "ns_max_closed", "p0", "p1", "p2", "p3", "p4", "p5", "p6",
    "offset_g1", "offset_g2", "offset_g3", "source", "check_source", "status",
)
#: Flow [m³/h] above which η_b is evaluated at this flow (the transcription's note).
Q_CAP = Decimal(3000)


@dataclass(frozen=True)
class ChemicalRow:
    """One row of the data file: a polynomial (``eta_b``, ``delta_eta``) or an ``offset`` row."""

    row_id: str
    kind: str
    pump: str
    q_min: Decimal | None
    q_max: Decimal | None
    ns_min: Decimal | None
    ns_min_closed: bool
    ns_max: Decimal | None
    ns_max_closed: bool
    coefficients: tuple[Decimal, ...]
    offsets: tuple[Decimal, ...]
    source: str
    status: str

    def holds_ns(self, ns: Decimal) -> bool:
        """Whether ns lies in the row's ns band (with its own closed or open ends)."""
        assert self.ns_min is not None and self.ns_max is not None
        above = ns > self.ns_min or (self.ns_min_closed and ns == self.ns_min)
        below = ns < self.ns_max or (self.ns_max_closed and ns == self.ns_max)
        return above and below

    def holds_q(self, q: Decimal) -> bool:
        """Whether the flow band (q_min, q_max] holds q [m³/h]; no q_max means unbounded above."""
        assert self.q_min is not None
        return q > self.q_min and (self.q_max is None or q <= self.q_max)

    def polynomial(self, x: Decimal) -> Decimal:
        """Σ p_k x^(6−k)."""
        return sum((p * x ** (6 - k) for k, p in enumerate(self.coefficients)), Decimal(0))


@dataclass(frozen=True)
class ChemicalLimit:
    """The minimum efficiency of one grade for one pump [%], with the offset row it used."""

    row: ChemicalRow
    grade: int
    min_efficiency_pct: Decimal

    @property
    def row_id(self) -> str:
        return f"{self.row.row_id}.g{self.grade}"

    @property
    def status(self) -> str:
        return self.row.status

    @property
    def source(self) -> str:
        return self.row.source

    @property
    def limit_text(self) -> str:
        """η_i rounded for display [%] (grading compares at full precision)."""
        return f"{self.min_efficiency_pct:.2f}"


def _opt(raw: str, where: str) -> Decimal | None:
    return _decimal(raw, where) if raw.strip() else None


@lru_cache(maxsize=2)
def load_chemical_table(path: Path | None = None) -> tuple[ChemicalRow, ...]:
    """Load ``data/gb19762-2025-t2.csv`` (``#`` lines are its header).

    Raises
    ------
    FactorError
        A column is missing, or a number, status, kind, pump or band end is invalid.
    """
    path = path or DATA_DIR / "gb19762-2025-t2.csv"
    where = path.name
    rows: list[ChemicalRow] = []
    for line, raw in enumerate(table_reader(path, CHEMICAL_COLUMNS), start=2):
        kind = raw["kind"]
        if (raw["status"] not in STATUSES or kind not in ("eta_b", "delta_eta", "offset")
                or raw["pump"] not in ("single_stage", "multistage", "any")
                or {raw["ns_min_closed"], raw["ns_max_closed"]} - {"yes", "no", ""}):
            raise FactorError("状态、行类型、泵或区间端点无效", "invalid status, row kind, pump or band end",
                              file=where, row=line)
        coefficients = tuple(_decimal(raw[f"p{k}"], where) for k in range(7)) if kind != "offset" else ()
        offsets = tuple(_decimal(raw[f"offset_g{g}"], where) for g in (1, 2, 3)) if kind == "offset" else ()
        rows.append(ChemicalRow(
            row_id=raw["row_id"], kind=kind, pump=raw["pump"], q_min=_opt(raw["q_min_m3h"], where),
            q_max=_opt(raw["q_max_m3h"], where), ns_min=_opt(raw["ns_min"], where),
            ns_min_closed=raw["ns_min_closed"] == "yes", ns_max=_opt(raw["ns_max"], where),
            ns_max_closed=raw["ns_max_closed"] == "yes", coefficients=coefficients, offsets=offsets,
            source=raw["source"], status=raw["status"]))
    return tuple(rows)


def chemical_limits(pump: str, q: Decimal, ns: Decimal,
                    table: tuple[ChemicalRow, ...] | None = None) -> tuple[ChemicalLimit, ...]:
    """η_1, η_2, η_3 [%] of a chemical pump (``single_stage`` or ``multistage``) at flow q [m³/h] and ns.

    Returns an empty tuple when q or ns lies in no band of the table (never snapped to a neighbour).
    """
    rows = table if table is not None else load_chemical_table()
    offset = next((r for r in rows if r.kind == "offset" and r.pump == pump and r.holds_q(q) and r.holds_ns(ns)),
                  None)
    eta_b = next((r for r in rows if r.kind == "eta_b" and r.pump == pump), None)
    if offset is None or eta_b is None:
        return ()
    base = eta_b.polynomial(min(q, Q_CAP).ln())
    delta = next((r.polynomial(ns) for r in rows if r.kind == "delta_eta" and r.holds_ns(ns)), Decimal(0))
    return tuple(ChemicalLimit(offset, g, base - delta + o) for g, o in zip((1, 2, 3), offset.offsets, strict=True))


def _result(device: Equipment, outcome: Outcome, zh: str, en: str) -> GradeResult:
    return GradeResult(device.code, outcome, None, STANDARD, (), zh, en)


def grade_chemical_pump(device: Equipment, table: tuple[ChemicalRow, ...] | None = None) -> GradeResult:
    """Grade a chemical-process pump (``pump_type`` ``chemical_single_stage`` / ``chemical_multistage``).

    Parameters
    ----------
    device : Equipment
        ``kind == "pump"`` with ``flow_m3h`` and ``head_m`` at the best-efficiency point, ``speed_rpm``
        [r/min], ``stages`` (default 1; the head per stage enters ns) and ``efficiency_pct`` [%].
    table : tuple of ChemicalRow, optional
        Default: the shipped ``gb19762-2025-t2.csv``.

    Returns
    -------
    GradeResult
        The rows are the three computed limits (:class:`ChemicalLimit`); ns and Q are in the reason.
    """
    assert device.pump_type in CHEMICAL_PUMPS
    if any(v is None for v in (device.flow_m3h, device.head_m, device.speed_rpm, device.efficiency_pct)):
        return _result(device, "incomplete", "缺少最高效率点流量与扬程、转速或效率",
                       "flow and head at the best-efficiency point, speed or efficiency missing")
    assert device.flow_m3h is not None and device.head_m is not None and device.speed_rpm is not None
    assert device.efficiency_pct is not None
    pump, q = CHEMICAL_PUMPS[device.pump_type], device.flow_m3h
    ns = specific_speed(device.speed_rpm, q, device.head_m, device.stages or 1)
    limits = chemical_limits(pump, q, ns, table)
    if not limits:
        return _result(device, "out_of_scope",
                       f"流量 {q} m³/h 或比转速 ns = {ns:.1f} 不在 {STANDARD} 表2"
                       "（化工泵：Q > 5 m³/h，20 ≤ ns ≤ 300）范围内",
                       f"flow {q} m³/h or specific speed ns = {ns:.1f} outside {STANDARD} table 2 (chemical pumps: "
                       "Q > 5 m³/h, 20 ≤ ns ≤ 300)")
    how = f"ns = {ns:.1f}，Q = {q} m³/h，表2 化工泵（{pump}）"
    how_en = f"ns = {ns:.1f}, Q = {q} m³/h, table 2 chemical pump ({pump})"
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
