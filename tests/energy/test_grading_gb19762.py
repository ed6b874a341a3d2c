"""Grading of clean-water centrifugal pumps by the GB 19762-2025 formula (as transcribed in gb19762-2025.csv).

Hand-worked case (single-stage single-suction, Q = 100 m³/h, H = 50 m, n = 2900 r/min):
ns = 3.65 × 2900 × √(100/3600) / 50^0.75 = 93.824; with x = ln ns, y = ln Q,
η_i = −8.44x² − 0.48y² + 0.09xy + 84.63x + 8.5y − C_i, C = 161.33 / 163.33 / 168.33 (表3, 5–300 m³/h)
→ η₁ = 79.786, η₂ = 77.786, η₃ = 72.786 % (worked in floating point, independently of the module).
"""

from __future__ import annotations

import math
from decimal import Decimal as D
from pathlib import Path

import pytest

from zerocarbon.energy.equipment import Equipment
from zerocarbon.energy.grading import grade_device, row_limit
from zerocarbon.energy.pumps import PUMP_COLUMNS, grade_pump, load_pump_table, specific_speed
from zerocarbon.errors import FactorError, InputError


def pump(eta: str = "80", q: str = "100", h: str = "50", n: str = "2900", kind: str = "single_stage_single_suction",
         stages: int | None = None) -> Equipment:
    return Equipment(code="P", kind="pump", rated_power_kw=D("18.5"), pump_type=kind,  # type: ignore[arg-type]
                     flow_m3h=D(q), head_m=D(h), speed_rpm=D(n), stages=stages, efficiency_pct=D(eta))


def reference(q: float, h: float, n: float, ci: float, coef: tuple[float, ...], stages: int = 1,
              double: bool = False) -> float:
    ns = 3.65 * n * math.sqrt(q / 3600 / (2 if double else 1)) / (h / stages) ** 0.75
    x, y = math.log(ns), math.log(q)
    a, b, c, d, e = coef
    return a * x * x + b * y * y + c * x * y + d * x + e * y - ci


SINGLE = (-8.44, -0.48, 0.09, 84.63, 8.5)
MULTI = (-6.93, -0.19, -0.4, 72.67, 8.73)


def test_specific_speed_and_limits_against_the_hand_worked_case() -> None:
    assert float(specific_speed(D(2900), D(100), D(50))) == pytest.approx(93.82360344860, rel=1e-12)
    result = grade_pump(pump())
    got = [float(r.min_efficiency_pct) for r in result.rows]  # type: ignore[union-attr]
    assert got == pytest.approx([reference(100, 50, 2900, c, SINGLE) for c in (161.33, 163.33, 168.33)], abs=1e-9)
    assert got == pytest.approx([79.786165, 77.786165, 72.786165], abs=1e-6)
    assert [row_limit(r) for r in result.rows] == ["79.79", "77.79", "72.79"]


@pytest.mark.parametrize(("delta", "grade"), [("0", 1), ("-0.000001", 2)])
def test_boundary_at_full_precision(delta: str, grade: int) -> None:
    """At η₁ exactly (full precision, not the rounded 79.79) the pump is grade 1; a hair below, grade 2."""
    eta1 = grade_pump(pump()).rows[0].min_efficiency_pct  # type: ignore[union-attr]
    assert grade_pump(pump(eta=str(eta1 + D(delta)))).grade == grade


@pytest.mark.parametrize(("eta", "outcome", "grade"), [
    ("79.79", "graded", 1), ("79.78", "graded", 2), ("77.79", "graded", 2), ("77.78", "graded", 3),
    ("72.79", "graded", 3), ("72.78", "below_minimum", None),
])
def test_grades_around_the_limits(eta: str, outcome: str, grade: int | None) -> None:
    result = grade_pump(pump(eta=eta))
    assert (result.outcome, result.grade) == (outcome, grade) and "ns = 93.8" in result.reason_en


def test_multistage_double_suction_and_flow_bands() -> None:
    """Multistage: head per stage; double suction: half the flow in ns; C_i by the table's flow band."""
    multi = grade_pump(pump(q="20", h="80", stages=4, kind="multistage"))
    assert float(multi.rows[2].min_efficiency_pct) == pytest.approx(  # type: ignore[union-attr]
        reference(20, 80, 2900, 150.33, MULTI, stages=4), abs=1e-9)
    double = grade_pump(pump(q="1000", h="40", n="1480", kind="single_stage_double_suction"))
    assert float(double.rows[0].min_efficiency_pct) == pytest.approx(  # type: ignore[union-attr]
        reference(1000, 40, 1480, 162.33, SINGLE, double=True), abs=1e-9)    # 600 < Q ≤ 20000: C₁ = 162.33
    at_300 = grade_pump(pump(q="300"))                                        # 5 ≤ Q ≤ 300 closed: first band
    assert at_300.rows[0].row_id == "GB19762-2025.T3.01.single_stage_single_suction.g1"
    above = grade_pump(pump(q="300.1"))
    assert above.rows[0].row_id == "GB19762-2025.T3.02.single_stage_single_suction.g1"


@pytest.mark.parametrize(("q", "kind"), [("4", "single_stage_single_suction"), ("10001", "single_stage_single_suction"),
                                         ("40", "single_stage_double_suction"), ("301", "light_multistage_vertical")])
def test_flow_out_of_range(q: str, kind: str) -> None:
    result = grade_pump(pump(q=q, kind=kind))
    assert result.outcome == "out_of_scope" and "m³/h" in result.reason_en and result.rows == ()


def test_inputs_and_dispatch() -> None:
    bare = Equipment(code="P", kind="pump", rated_power_kw=D(5), efficiency_pct=D(70))
    assert grade_pump(bare).outcome == "incomplete"
    with pytest.raises(InputError):
        grade_pump(Equipment(code="F", kind="fan", rated_power_kw=D(5)))
    with pytest.raises(InputError):
        specific_speed(D(0), D(100), D(50))
    assert grade_device(pump()).grade == 1


def test_table_and_bad_file(tmp_path: Path) -> None:
    rows = load_pump_table()
    assert len(rows) == 30 and all(r.status == "unverified" and "pump.json" in r.source for r in rows)
    for r in rows:   # grade 1 strictest: smallest C_i
        if r.grade < 3:
            nxt = next(x for x in rows if x.pump_type == r.pump_type and x.q_min == r.q_min and x.grade == r.grade + 1)
            assert r.c_i < nxt.c_i
    head = ",".join(PUMP_COLUMNS) + "\n"
    row = ("x,GB 19762-2025,2025,2026-03-01,表3,inline,single_stage,5,yes,300,yes,1,-8.44,-0.48,0.09,84.63,8.5,"
           "163.33,src,,unverified\n")
    for name, body in {"dup.csv": head + row + row, "end.csv": head + row.replace(",5,yes,", ",5,maybe,"),
                       "num.csv": head + row.replace(",163.33,", ",x,")}.items():
        path = tmp_path / name
        path.write_text("# header\n" + body, encoding="utf-8")
        with pytest.raises(FactorError) as info:
            load_pump_table(path)
        assert info.value.file == name
