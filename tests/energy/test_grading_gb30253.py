"""Grading of permanent-magnet synchronous motors by GB 30253-2024 表1 (line-start, ≤ 1140 V).

Values from the shipped ``gb30253-2024.csv``, a single-source transcription of GB 30253-2024 表1
(adgo07/EquipEffi:src/equipeffi/resources/standards/gb30253_2024_pdf_verified_v1.json, data_id
GB30253-R000001..R000027, PDF pp. 7-8). 22 kW, 4 poles (R000013): grade 1 / 2 / 3 = 95.9 / 95.5 / 94.5 %;
the row "400≤P≤1000" (R000027), 4 poles: 97.7 / 97.4 / 96.7 %.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from zerocarbon.energy.equipment import Equipment
from zerocarbon.energy.grading import grade_device
from zerocarbon.energy.grading_more import grade_motor_pmsm, pmsm_hv_table, pmsm_table
from zerocarbon.energy.reference import load_motor_table
from zerocarbon.errors import InputError


def pm(kw: str = "22", poles: int = 4, eta: str | None = "95.9", supply: str | None = "line",
       volts: str | None = "380", ic: str | None = None) -> Equipment:
    return Equipment(code="PM", kind="motor_pmsm", rated_power_kw=D(kw), poles=poles,
                     efficiency_pct=D(eta) if eta else None, supply=supply,  # type: ignore[arg-type]
                     voltage_v=D(volts) if volts else None, ic_code=ic)


@pytest.mark.parametrize(("eta", "outcome", "grade"), [
    ("95.9", "graded", 1), ("95.89", "graded", 2),
    ("95.5", "graded", 2), ("95.49", "graded", 3),
    ("94.5", "graded", 3), ("94.49", "below_minimum", None),
])
def test_boundaries_22kw_4p(eta: str, outcome: str, grade: int | None) -> None:
    result = grade_motor_pmsm(pm(eta=eta))
    assert (result.outcome, result.grade) == (outcome, grade)
    assert [r.row_id for r in result.rows] == [f"GB30253-2024.T1.22kW.4p.g{g}" for g in (1, 2, 3)]


@pytest.mark.parametrize("kw", ["400", "750.5", "1000", "1000.0"])
def test_the_tables_range_row(kw: str) -> None:
    """The table's own row "400≤P≤1000" holds every rated power in the closed range."""
    result = grade_motor_pmsm(pm(kw=kw, eta="97.4"))
    assert result.grade == 2 and result.rows[0].row_id == "GB30253-2024.T1.400-1000kW.4p.g1"
    assert "400–1000 kW" in result.reason_en


@pytest.mark.parametrize(("kw", "poles", "outcome", "word"), [
    ("360", 4, "missing_row", "no cell"),       # between 355 and the 400–1000 row: never snapped
    ("55", 12, "missing_row", "no cell"),       # '—' in the table
    ("90", 8, "missing_row", "no cell"),        # cell left out: transcription conflicts with GB 18613 (file header)
    ("1000.1", 4, "out_of_scope", "0.55–1000"),
    ("0.37", 4, "out_of_scope", "0.55–1000"),
    ("22", 18, "out_of_scope", "poles"),
])
def test_missing_and_out_of_range(kw: str, poles: int, outcome: str, word: str) -> None:
    result = grade_motor_pmsm(pm(kw=kw, poles=poles))
    assert result.outcome == outcome and word in result.reason_en and result.grade is None


def test_supply_voltage_and_inputs() -> None:
    assert grade_motor_pmsm(pm(supply="vfd")).outcome == "incomplete"      # 表8–表10 need the rated speed
    assert grade_motor_pmsm(pm(volts="3000")).outcome == "incomplete"      # 3 kV: the IC code selects 表2–表4
    assert grade_motor_pmsm(pm(volts="10000")).outcome == "incomplete"     # 10 kV: it selects 表5–表7
    assert grade_motor_pmsm(pm(volts="1140")).grade == 1                   # 1140 V is in 表1
    assert grade_motor_pmsm(pm(volts=None)).grade == 1                     # voltage checked only when given
    assert grade_motor_pmsm(pm(supply=None)).outcome == "incomplete"       # line or vfd must be said
    assert grade_motor_pmsm(pm(eta=None)).outcome == "incomplete"
    with pytest.raises(InputError):
        grade_motor_pmsm(Equipment(code="X", kind="motor_hv", rated_power_kw=D(22), poles=4, efficiency_pct=D(95)))
    assert grade_device(pm(eta="96")).grade == 1


def test_cross_check_with_gb18613() -> None:
    """Corroboration, not an independent source: for 2–8 poles, GB 30253-2024 表1 grades 2 and 3 equal
    GB 18613-2020 表1 grades 1 and 2 as shipped (both transcribed from adgo07/EquipEffi); the one cell that
    disagreed (90 kW, 8 poles, grade 2) was left out of gb30253-2024.csv."""
    pmsm, lv = pmsm_table(), load_motor_table()
    compared = 0
    for row in pmsm.rows:
        if row.grade == 1 or row.poles > 8 or row.rated_power_kw in pmsm.ranges:
            continue
        other = lv.cell(row.rated_power_kw, row.poles, row.grade - 1)
        assert other is not None and other.min_efficiency_pct == row.min_efficiency_pct, row.row_id
        compared += 1
    assert compared == 207 and pmsm.cells.get((D(90), 8, 2)) is None


@pytest.mark.parametrize(("eta", "grade"), [("94.9", 1), ("94.89", 2), ("94.4", 2), ("94.39", 3), ("93.6", 3),
                                            ("93.59", None)])
def test_table_2_boundaries_250kw_4p(eta: str, grade: int | None) -> None:
    """GB 30253-2024 表2 (3/6 kV; IC81W, IC86W, IC71W), 250 kW, 4 poles (R000057): 94.9 / 94.4 / 93.6 %."""
    result = grade_motor_pmsm(pm(kw="250", eta=eta, volts="6000", ic="IC81W"))
    assert result.grade == grade and result.rows[0].row_id == "GB30253-2024.T2.250kW.4p.g1"
    assert result.outcome == ("graded" if grade else "below_minimum") and "table 2" in result.reason_en


@pytest.mark.parametrize(("volts", "ic", "kw", "poles", "outcome"), [
    ("3300", "IC3W7", "2000", 12, "graded"),
    ("10000", "IC81W", "250", 4, "graded"),          # 10 kV: 表5 (tests/energy/test_grading_gb30253_hv.py)
    ("6000", "IC411", "250", 4, "graded"),           # air-cooled: 表3
    ("6000", "IC01", "250", 4, "missing_row"),       # a cooling in none of 表2–表7
    ("11000", "IC81W", "250", 4, "out_of_scope"),    # not 3/6/10 kV
    ("6000", "IC86W", "250", 2, "out_of_scope"),     # 表2 has 4–12 poles
    ("6000", "IC86W", "2240", 4, "out_of_scope"),    # 表2 ends at 2000 kW
    ("6000", "IC86W", "260", 4, "missing_row"),      # between rows: never snapped
])
def test_table_2_selection(volts: str, ic: str, kw: str, poles: int, outcome: str) -> None:
    assert grade_motor_pmsm(pm(kw=kw, poles=poles, eta="99", volts=volts, ic=ic)).outcome == outcome


def test_table_2_as_shipped() -> None:
    table = pmsm_hv_table()
    assert table.table == "表2" and table.poles == (4, 6, 8, 10, 12) and table.power_range == (D(200), D(2000))
    assert len(table.rows) == 21 * 5 * 3
    for row in table.rows:   # grade 1 ≥ grade 2 ≥ grade 3, rising with power
        if row.grade < 3:
            below = table.cells[(row.rated_power_kw, row.poles, row.grade + 1)]
            assert row.min_efficiency_pct > below.min_efficiency_pct
