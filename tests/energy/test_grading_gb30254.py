"""Grading of high-voltage motors by GB 30254-2024 表1 (3/6 kV) and 表2 (10 kV); IC01, IC11, IC21, IC31, IC81W.

Values from the shipped ``gb30254-2024.csv``, a single-source transcription of GB 30254-2024 表1
(adgo07/EquipEffi:src/equipeffi/resources/standards/motor_hv.json, data_id GB30254-R000001..R000043,
PDF pp. 7-9) and ``gb30254-2024-t2.csv`` (表2, data_id R000044..R000085, PDF pp. 9-11). 250 kW, 2 poles:
表1 (R000003) grade 1 / 2 / 3 = 94.3 / 93.5 / 92.7 %; 表2 (R000046) 94.0 / 93.2 / 92.4 %.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from zerocarbon.energy.equipment import Equipment
from zerocarbon.energy.grading import grade_device, row_limit
from zerocarbon.energy.grading_more import (
    grade_motor_hv,
    hv_motor_table,
    hv_motor_table_10kv,
    load_ranged_motor_table,
)
from zerocarbon.energy.reference import DATA_DIR
from zerocarbon.errors import FactorError, InputError


def hv(kw: str = "250", poles: int | None = 2, eta: str | None = "94.3", volts: str | None = "6000",
       ic: str | None = "IC81W") -> Equipment:
    return Equipment(code="HV", kind="motor_hv", rated_power_kw=D(kw), poles=poles,
                     efficiency_pct=D(eta) if eta else None, voltage_v=D(volts) if volts else None, ic_code=ic)


def test_table_as_shipped() -> None:
    """43 ratings 200–25 000 kW, 2–12 poles; cells the table leaves '—' are absent, not zero."""
    table = hv_motor_table()
    assert table.standard == "GB 30254-2024" and table.table == "表1" and table.poles == (2, 4, 6, 8, 10, 12)
    assert len({r.rated_power_kw for r in table.rows}) == 43 and table.power_range == (D(200), D(25000))
    assert [r.min_efficiency_pct for r in table.cells_for(D(200), 2)] == [D("94.0"), D("93.1"), D("92.3")]
    assert [r.min_efficiency_pct for r in table.cells_for(D(25000), 2)] == [D("97.9"), D("97.6"), D("97.2")]
    assert table.cells_for(D(16000), 2) == () and len(table.cells_for(D(16000), 4)) == 3
    assert all(r.status == "unverified" and "motor_hv.json" in r.source for r in table.rows)
    header = (DATA_DIR / "gb30254-2024.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("# GB 30254-2024")


@pytest.mark.parametrize(("eta", "outcome", "grade"), [
    ("94.3", "graded", 1), ("94.29", "graded", 2),       # at / just below the grade-1 minimum
    ("93.5", "graded", 2), ("93.49", "graded", 3),       # grade-2 minimum
    ("92.7", "graded", 3), ("92.69", "below_minimum", None),  # 能效限定值 (grade 3)
    ("99", "graded", 1),
])
def test_boundaries_250kw_2p(eta: str, outcome: str, grade: int | None) -> None:
    result = grade_motor_hv(hv(eta=eta))
    assert (result.outcome, result.grade) == (outcome, grade)
    assert [r.row_id for r in result.rows] == [f"GB30254-2024.T1.250kW.2p.g{g}" for g in (1, 2, 3)]
    assert result.threshold(1) == D("94.3") and "表1" in result.reason_zh


@pytest.mark.parametrize("volts", ["3000", "3300", "6000"])
def test_table_1_voltages(volts: str) -> None:
    assert grade_motor_hv(hv(volts=volts)).grade == 1


def test_units_and_spelling_normalised() -> None:
    """250.0 kW is the 250 kW row; an IC code in lower case or with spaces is the same code."""
    result = grade_motor_hv(hv(kw="250.00", ic=" ic81w "))
    assert result.grade == 1 and "IC81W" in result.reason_en and "250 kW" in result.reason_en


@pytest.mark.parametrize(("kw", "poles", "outcome", "word"), [
    ("260", 2, "missing_row", "no cell"),         # between 250 and 280 kW: never snapped
    ("16000", 2, "missing_row", "no cell"),       # the table's '—' cell
    ("150", 2, "out_of_scope", "200–25000"),     # below the table
    ("30000", 2, "out_of_scope", "200–25000"),   # above the table
    ("250", 14, "out_of_scope", "poles"),
])
def test_missing_and_out_of_range(kw: str, poles: int, outcome: str, word: str) -> None:
    result = grade_motor_hv(hv(kw=kw, poles=poles))
    assert result.outcome == outcome and word in result.reason_en and result.rows == () and result.grade is None


@pytest.mark.parametrize(("volts", "ic", "outcome", "word"), [
    ("6000", "IC416", "missing_row", "IC416"),      # a cooling in none of the shipped tables 1–6
    ("10000", "IC666", "missing_row", "IC666"),
    ("380", "IC81W", "out_of_scope", "GB 18613"),
    ("11000", "IC81W", "out_of_scope", "10 kV"),
])
def test_voltage_and_cooling_select_the_table(volts: str, ic: str, outcome: str, word: str) -> None:
    result = grade_motor_hv(hv(volts=volts, ic=ic))
    assert result.outcome == outcome and word in result.reason_en


def test_incomplete_wrong_kind_and_dispatch() -> None:
    assert grade_motor_hv(hv(ic=None)).outcome == "incomplete"
    assert grade_motor_hv(hv(volts=None)).outcome == "incomplete"
    assert grade_motor_hv(hv(eta=None)).outcome == "incomplete"
    with pytest.raises(InputError):
        grade_motor_hv(Equipment(code="M", kind="motor_lv", rated_power_kw=D(250), poles=2, efficiency_pct=D(95)))
    result = grade_device(hv(eta="93.6"))
    assert result.grade == 2 and row_limit(result.rows[0]) == "94.3"


def _write(path: Path, body: str) -> Path:
    path.write_text(body, encoding="utf-8")
    return path


HEAD = ("row_id,standard,edition,effective_from,table,scope,rated_power_kw,power_max_kw,poles,grade,"
        "min_efficiency_pct,source,check_source,status\n")


@pytest.mark.parametrize(("body", "word"), [
    ("x,GB 30254-2024,2024,2025-09-01,表1,s,200,,2,1,94.0,src,,maybe\n", "status"),
    ("x,GB 30254-2024,2024,2025-09-01,表1,s,200,,2,4,94.0,src,,unverified\n", "grade"),
    ("x,GB 30254-2024,2024,2025-09-01,表1,s,200,,2,1,abc,src,,unverified\n", "invalid number"),
    ("x,GB 30254-2024,2024,2025-09-01,表1,s,200,,2,1,94.0,src,,unverified\n" * 2, "repeated"),
    ("x,GB 30254-2024,2024,2025-09-01,表1,s,400,300,2,1,94.0,src,,unverified\n", "range"),
])
def test_bad_data_file_refused(tmp_path: Path, body: str, word: str) -> None:
    path = _write(tmp_path / f"bad{abs(hash(body))}.csv", "# header\n" + HEAD + body)
    with pytest.raises(FactorError) as info:
        load_ranged_motor_table(path)
    assert word in info.value.message_en and info.value.file == path.name


def test_missing_column_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "nocol.csv", HEAD.replace(",scope", "") + "x\n")
    with pytest.raises(FactorError, match="lacks columns"):
        load_ranged_motor_table(path)


@pytest.mark.parametrize(("eta", "outcome", "grade"), [
    ("94.0", "graded", 1), ("93.99", "graded", 2), ("93.2", "graded", 2), ("93.19", "graded", 3),
    ("92.4", "graded", 3), ("92.39", "below_minimum", None),
])
def test_table_2_boundaries_10kv(eta: str, outcome: str, grade: int | None) -> None:
    """A 10 kV motor is graded on 表2, never on 表1 (at 94.3 % it would be grade 1 on 表1 and on 表2)."""
    result = grade_motor_hv(hv(eta=eta, volts="10000"))
    assert (result.outcome, result.grade) == (outcome, grade)
    assert result.rows and all(r.row_id.startswith("GB30254-2024.T2.250kW.2p.") for r in result.rows)


def test_table_2_as_shipped() -> None:
    """10 kV limits are never above the 3/6 kV limits of the same cell; 200–22 400 kW, 42 ratings."""
    t1, t2 = hv_motor_table(), hv_motor_table_10kv()
    assert t2.table == "表2" and t2.power_range == (D(200), D(22400))
    assert len({r.rated_power_kw for r in t2.rows}) == 42 and len(t2.rows) == 648
    shared = [(k, r) for k, r in t2.cells.items() if k in t1.cells]
    assert len(shared) == 639 and all(r.min_efficiency_pct <= t1.cells[k].min_efficiency_pct for k, r in shared)
    assert grade_motor_hv(hv(kw="25000", volts="10000")).outcome == "out_of_scope"   # 表2 ends at 22 400 kW
