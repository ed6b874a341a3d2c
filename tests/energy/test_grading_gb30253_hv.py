"""GB 30253-2024 表3–表7: line-start PMSM of 3/6 kV cooled IC411/IC416 (表3) or IC511/IC611/IC616/IC516/IC666
(表4), and of 10 kV cooled IC81W/IC86W/IC71W (表5), IC411/IC416 (表6) or IC511/… (表7).

Hand-checked against the transcription the files were written from (adgo07/EquipEffi,
src/equipeffi/resources/standards/gb30253_2024_pdf_verified_v1.json, commit
a1643ed38e0b934bbc7562348883b8a8bd4badc5), 250 kW, 4 poles, grade 1 / 2 / 3 [%]:

* 表3 (data_id GB30253-R000099, PDF p.10): 95.2 / 94.8 / 94.0
* 表4 (R000141, p.11): 94.3 / 93.8 / 93.1
* 表5 (R000183, p.12): 94.6 / 94.1 / 93.4
* 表6 (R000225, p.13): 95.0 / 94.5 / 93.7
* 表7 (R000267, p.14): 94.0 / 93.6 / 92.8
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from zerocarbon.energy.equipment import Equipment
from zerocarbon.energy.grading import grade_device
from zerocarbon.energy.grading_more import grade_motor_pmsm, pmsm_hv_table_for


def pm(kw: str = "250", poles: int = 4, eta: str = "94.5", volts: str = "6000", ic: str = "IC411") -> Equipment:
    return Equipment(code="PM", kind="motor_pmsm", rated_power_kw=D(kw), poles=poles, efficiency_pct=D(eta),
                     supply="line", voltage_v=D(volts), ic_code=ic)


@pytest.mark.parametrize(("volts", "ic", "eta", "grade", "table", "limits"), [
    ("6000", "IC411", "94.8", 2, 3, ("95.2", "94.8", "94.0")),
    ("3300", "ic416", "94.0", 3, 3, ("95.2", "94.8", "94.0")),
    ("6000", "IC611", "93.8", 2, 4, ("94.3", "93.8", "93.1")),
    ("3000", "IC666", "94.3", 1, 4, ("94.3", "93.8", "93.1")),
    ("10000", "IC81W", "94.1", 2, 5, ("94.6", "94.1", "93.4")),
    ("10000", "IC3W7", "93.4", 3, 5, ("94.6", "94.1", "93.4")),
    ("10000", "IC416", "95.0", 1, 6, ("95.0", "94.5", "93.7")),
    ("10000", "IC516", "93.6", 2, 7, ("94.0", "93.6", "92.8")),
])
def test_device_graded_on_its_table(volts: str, ic: str, eta: str, grade: int, table: int,
                                    limits: tuple[str, str, str]) -> None:
    result = grade_device(pm(eta=eta, volts=volts, ic=ic))
    assert (result.outcome, result.grade) == ("graded", grade)
    assert [r.row_id for r in result.rows] == [f"GB30253-2024.T{table}.250kW.4p.g{g}" for g in (1, 2, 3)]
    assert tuple(str(r.min_efficiency_pct) for r in result.rows) == limits
    assert all(r.status == "unverified" and "gb30253_2024_pdf_verified_v1.json" in r.source for r in result.rows)
    assert f"table {table}" in result.reason_en


def test_below_minimum_and_selection() -> None:
    """表7, 250 kW, 4 poles: 92.79 % is below the 能效限定值 92.8; the same motor at 6 kV is graded on 表4."""
    result = grade_motor_pmsm(pm(eta="92.79", volts="10000", ic="IC611"))
    assert result.outcome == "below_minimum" and "92.8" in result.reason_en
    assert grade_motor_pmsm(pm(eta="92.79", volts="6000", ic="IC611")).outcome == "below_minimum"   # 93.1 on 表4
    assert grade_motor_pmsm(pm(eta="93.1", volts="6000", ic="IC611")).grade == 3


@pytest.mark.parametrize(("kw", "poles", "volts", "ic", "outcome"), [
    ("250", 2, "10000", "IC81W", "out_of_scope"),   # 4–12 poles only
    ("2240", 4, "10000", "IC411", "out_of_scope"),  # 200–2000 kW
    ("260", 4, "10000", "IC611", "missing_row"),    # between rows: never snapped
    ("250", 4, "10000", "IC01", "missing_row"),     # a cooling in none of 表2–表7
])
def test_cells_the_tables_lack(kw: str, poles: int, volts: str, ic: str, outcome: str) -> None:
    result = grade_motor_pmsm(pm(kw=kw, poles=poles, eta="99", volts=volts, ic=ic))
    assert result.outcome == outcome and result.rows == () and result.grade is None


@pytest.mark.parametrize(("ic", "ten_kv", "table"), [
    ("IC416", False, "表3"), ("IC511", False, "表4"), ("IC86W", True, "表5"), ("IC411", True, "表6"),
    ("IC616", True, "表7"),
])
def test_tables_as_shipped(ic: str, ten_kv: bool, table: str) -> None:
    """21 ratings 200–2000 kW × 4–12 poles × 3 grades; grade 1 > 2 > 3 in every cell; no column falls with power."""
    t = pmsm_hv_table_for(ic, ten_kv)
    assert (t.standard, t.table, t.poles, t.power_range) == ("GB 30253-2024", table, (4, 6, 8, 10, 12),
                                                             (D(200), D(2000)))
    assert len(t.rows) == 315
    powers = sorted({r.rated_power_kw for r in t.rows})
    for p in t.poles:
        for g in (1, 2, 3):
            column = [t.cells[(kw, p, g)].min_efficiency_pct for kw in powers]
            assert column == sorted(column)
        for kw in powers:
            a, b, c = (r.min_efficiency_pct for r in t.cells_for(kw, p))
            assert a > b > c


@pytest.mark.parametrize("ic", ["IC81W", "IC411", "IC611"])
def test_10kv_never_above_3_6kv_and_cooling_order(ic: str) -> None:
    """10 kV ≤ 3/6 kV in all 315 cells of each cooling group; at 3/6 kV, IC411 > IC81W > IC611 in every cell
    (the order GB 30254-2024 shows for its coolings too: 表5 IC411 above 表1, 表3 IC611 below)."""
    low, ten = pmsm_hv_table_for(ic, False), pmsm_hv_table_for(ic, True)
    assert all(ten.cells[k].min_efficiency_pct <= low.cells[k].min_efficiency_pct for k in low.cells)
    air, water, open_ = (pmsm_hv_table_for(c, False) for c in ("IC411", "IC81W", "IC611"))
    assert all(air.cells[k].min_efficiency_pct > water.cells[k].min_efficiency_pct
               > open_.cells[k].min_efficiency_pct for k in water.cells)
