"""GB 30254-2024 表3–表6: high-voltage motors cooled IC611/IC616/IC511/IC516 (表3 3/6 kV, 表4 10 kV) and IC411
(表5 3/6 kV, 表6 10 kV).

Hand-checked against the transcription the files were written from (adgo07/EquipEffi,
src/equipeffi/resources/standards/motor_hv.json, commit a1643ed38e0b934bbc7562348883b8a8bd4badc5), 250 kW,
2 poles, grade 1 / 2 / 3 [%]:

* 表3 (data_id GB30254-R000088, PDF pp. 11-13): 93.7 / 92.9 / 92.1
* 表4 (R000123, pp. 14-15): 93.4 / 92.6 / 91.9
* 表5 (R000158, pp. 16-17): 94.7 / 93.9 / 93.1
* 表6 (R000183, pp. 17-18): 94.4 / 93.6 / 92.8

and the cells 表3 leaves empty: 4500 kW at 12 poles (R000113), 9000 kW at 6 poles (R000119).
"""

from __future__ import annotations

from decimal import Decimal as D
from itertools import pairwise

import pytest

from zerocarbon.energy.equipment import Equipment
from zerocarbon.energy.grading import grade_device
from zerocarbon.energy.grading_more import grade_motor_hv, hv_motor_table_for


def hv(kw: str = "250", poles: int = 2, eta: str = "93.0", volts: str = "6000", ic: str = "IC611") -> Equipment:
    return Equipment(code="HV", kind="motor_hv", rated_power_kw=D(kw), poles=poles, efficiency_pct=D(eta),
                     voltage_v=D(volts), ic_code=ic)


@pytest.mark.parametrize(("volts", "ic", "eta", "grade", "row", "limits"), [
    ("6000", "IC611", "93.0", 2, "T3", ("93.7", "92.9", "92.1")),
    ("3300", " ic516 ", "93.7", 1, "T3", ("93.7", "92.9", "92.1")),
    ("10000", "IC511", "93.0", 2, "T4", ("93.4", "92.6", "91.9")),
    ("10000", "IC616", "91.9", 3, "T4", ("93.4", "92.6", "91.9")),
    ("3000", "IC411", "94.7", 1, "T5", ("94.7", "93.9", "93.1")),
    ("10000", "IC411", "93.6", 2, "T6", ("94.4", "93.6", "92.8")),
])
def test_device_graded_on_its_table(volts: str, ic: str, eta: str, grade: int, row: str,
                                    limits: tuple[str, str, str]) -> None:
    result = grade_device(hv(eta=eta, volts=volts, ic=ic))
    assert (result.outcome, result.grade) == ("graded", grade)
    assert [r.row_id for r in result.rows] == [f"GB30254-2024.{row}.250kW.2p.g{g}" for g in (1, 2, 3)]
    assert tuple(str(r.min_efficiency_pct) for r in result.rows) == limits
    assert all(r.status == "unverified" and "motor_hv.json" in r.source for r in result.rows)


def test_below_minimum_and_boundary() -> None:
    """表4, 250 kW, 2 poles: 91.9 % is grade 3, 91.89 % is below the 能效限定值."""
    assert grade_motor_hv(hv(eta="91.9", volts="10000")).grade == 3
    result = grade_motor_hv(hv(eta="91.89", volts="10000"))
    assert result.outcome == "below_minimum" and result.grade is None and "91.9" in result.reason_en


@pytest.mark.parametrize(("kw", "poles", "volts", "ic", "outcome"), [
    ("4500", 12, "6000", "IC611", "missing_row"),     # '—' in 表3, not snapped to 10 poles or 4000 kW
    ("9000", 6, "6000", "IC511", "missing_row"),
    ("9000", 6, "10000", "IC511", "graded"),          # 表4 does list it: 96.6 / 96.1 / 95.6
    ("4100", 4, "6000", "IC611", "missing_row"),      # between 4000 and 4500 kW: no row
    ("3550", 2, "6000", "IC411", "out_of_scope"),     # 表5 ends at 3150 kW
    ("3150", 2, "10000", "IC411", "out_of_scope"),    # 表6 ends at 2800 kW
    ("250", 10, "6000", "IC411", "out_of_scope"),     # 表5/表6 list 2–8 poles only
])
def test_cells_the_tables_lack(kw: str, poles: int, volts: str, ic: str, outcome: str) -> None:
    result = grade_motor_hv(hv(kw=kw, poles=poles, eta="99", volts=volts, ic=ic))
    assert result.outcome == outcome
    if outcome != "graded":
        assert result.rows == () and result.grade is None


@pytest.mark.parametrize(("ic", "ten_kv", "table", "ratings", "cells", "span", "poles"), [
    ("IC611", False, "表3", 35, 570, (D(200), D(10000)), (2, 4, 6, 8, 10, 12)),
    ("IC611", True, "表4", 35, 630, (D(200), D(10000)), (2, 4, 6, 8, 10, 12)),
    ("IC411", False, "表5", 25, 300, (D(200), D(3150)), (2, 4, 6, 8)),
    ("IC411", True, "表6", 24, 288, (D(200), D(2800)), (2, 4, 6, 8)),
])
def test_tables_as_shipped(ic: str, ten_kv: bool, table: str, ratings: int, cells: int,
                           span: tuple[D, D], poles: tuple[int, ...]) -> None:
    """Grade 1 > grade 2 > grade 3 in every cell and no column falls with rising power."""
    t = hv_motor_table_for(ic, ten_kv)
    assert (t.standard, t.table, t.poles, t.power_range) == ("GB 30254-2024", table, poles, span)
    assert len({r.rated_power_kw for r in t.rows}) == ratings and len(t.rows) == cells
    powers = sorted({r.rated_power_kw for r in t.rows})
    for p in poles:
        for g in (1, 2, 3):
            column = [t.cells[(kw, p, g)].min_efficiency_pct for kw in powers if (kw, p, g) in t.cells]
            assert column == sorted(column)
        for kw in powers:
            cell = t.cells_for(kw, p)
            assert len(cell) in (0, 3)
            assert all(a.min_efficiency_pct > b.min_efficiency_pct for a, b in pairwise(cell))


@pytest.mark.parametrize("ic", ["IC611", "IC411"])
def test_10kv_never_above_3_6kv(ic: str) -> None:
    low, ten = hv_motor_table_for(ic, False), hv_motor_table_for(ic, True)
    shared = [k for k in ten.cells if k in low.cells]
    assert len(shared) == (570 if ic == "IC611" else 288)
    assert all(ten.cells[k].min_efficiency_pct <= low.cells[k].min_efficiency_pct for k in shared)
