"""Grading of converter-fed (变频) permanent-magnet synchronous motors by GB 30253-2024 表8–表10 (≤ 1140 V).

Values from the shipped ``gb30253-2024-t8.csv`` / ``-t9.csv`` / ``-t10.csv``, a single-source transcription of
GB 30253-2024 表8 (grade 1), 表9 (grade 2) and 表10 (grade 3) (adgo07/EquipEffi:src/equipeffi/resources/standards/
gb30253_2024_pdf_verified_v1.json, commit a1643ed3…, table_no 8/9/10, PDF pp. 15-20), keyed by rated power and
rated speed:

* 22 kW (R000319 / R000375 / R000431), column ">1200~1800" r/min: 95.3 / 94.9 / 93.7 %;
* 0.55 kW (R000307 / R000363 / R000419), column ">1800~6000": 84.1 / 82.7 / 79.3 %;
* 110 kW (R000326 / R000382 / R000438), column 375 r/min: 94.8 / 93.6 / 92.1 %;
* the range row 315≤P≤1250 (R000334 / R000390 / R000446), column 45 r/min: 92.7 / 91.1 / 89.1 %.
"""

from __future__ import annotations

import csv
from decimal import Decimal as D

import pytest

from zerocarbon.energy.equipment import Equipment
from zerocarbon.energy.grading import grade_device, row_limit
from zerocarbon.energy.grading_more import grade_motor_pmsm
from zerocarbon.energy.pmsm_vf import VF_TABLE_FILES, load_vf_table
from zerocarbon.energy.reference import DATA_DIR


def vf(kw: str = "22", rpm: str | None = "1500", eta: str | None = "95.3", volts: str | None = "380") -> Equipment:
    return Equipment(code="VF", kind="motor_pmsm", supply="vfd", rated_power_kw=D(kw),
                     speed_rpm=D(rpm) if rpm else None, efficiency_pct=D(eta) if eta else None,
                     voltage_v=D(volts) if volts else None)


@pytest.mark.parametrize(("kw", "rpm", "limits", "row"), [
    ("22", "1500", ("95.3", "94.9", "93.7"), "GB30253-2024.T{t}.22kW.1200-1800rpm.g{g}"),
    ("0.55", "3000", ("84.1", "82.7", "79.3"), "GB30253-2024.T{t}.0.55kW.1800-6000rpm.g{g}"),
    ("110", "375", ("94.8", "93.6", "92.1"), "GB30253-2024.T{t}.110kW.375rpm.g{g}"),
    ("500", "45", ("92.7", "91.1", "89.1"), "GB30253-2024.T{t}.315kW.45rpm.g{g}"),
])
def test_both_sides_of_each_threshold(kw: str, rpm: str, limits: tuple[str, str, str], row: str) -> None:
    """At each grade's limit the motor is in that grade; 0.1 % below it falls to the next (3 → below_minimum)."""
    for grade, limit in zip((1, 2, 3), limits, strict=True):
        at = grade_motor_pmsm(vf(kw=kw, rpm=rpm, eta=limit))
        assert (at.outcome, at.grade) == ("graded", grade)
        below = grade_motor_pmsm(vf(kw=kw, rpm=rpm, eta=str(D(limit) - D("0.1"))))
        assert (below.outcome, below.grade) == (("graded", grade + 1) if grade < 3 else ("below_minimum", None))
        assert [r.row_id for r in at.rows] == [row.format(t=t, g=g) for t, g in ((8, 1), (9, 2), (10, 3))]
        assert [row_limit(r) for r in at.rows] == list(limits)


def test_the_reason_names_the_row_and_column() -> None:
    result = grade_motor_pmsm(vf(kw="800", rpm="45", eta="89.0"))
    assert result.outcome == "below_minimum"
    assert "315–1250 kW" in result.reason_en and "45 r/min" in result.reason_en and "89.1" in result.reason_en
    assert "能效限定值" in result.reason_zh and "表10" in result.reason_zh


@pytest.mark.parametrize(("rpm", "column"), [
    ("1800", ">1200~1800"), ("1801", ">1800~6000"), ("6000", ">1800~6000"), ("1200", ">900~1200"),
    ("901", ">900~1200"), ("900", ">600~900"), ("601", ">600~900"), ("500", "500"), ("45", "45"),
])
def test_speed_columns(rpm: str, column: str) -> None:
    """Bands are lower < n ≤ upper; the single speeds hold only that speed."""
    result = grade_motor_pmsm(vf(rpm=rpm, eta="99"))
    assert result.grade == 1 and result.rows[0].speed_column == column  # type: ignore[attr-defined]


@pytest.mark.parametrize(("kw", "rpm", "outcome", "word"), [
    ("100", "1500", "missing_row", "no cell"),     # between 90 and 110 kW: never snapped
    ("22", "600", "missing_row", "no cell"),       # 600 is in no column (">600~900" excludes it)
    ("22", "400", "missing_row", "no cell"),       # between the single speeds 375 and 500: never interpolated
    ("300", "1500", "missing_row", "no cell"),     # between 280 kW and the 315–1250 row
    ("1250.1", "1500", "out_of_scope", "0.55–1250"),
    ("0.37", "1500", "out_of_scope", "0.55–1250"),
    ("22", "6001", "out_of_scope", "45–6000"),
    ("22", "40", "out_of_scope", "45–6000"),
])
def test_missing_and_out_of_range(kw: str, rpm: str, outcome: str, word: str) -> None:
    result = grade_motor_pmsm(vf(kw=kw, rpm=rpm))
    assert (result.outcome, result.grade, result.rows) == (outcome, None, ())
    assert word in result.reason_en


def test_lacking_the_rated_speed_is_incomplete() -> None:
    result = grade_motor_pmsm(vf(rpm=None))
    assert result.outcome == "incomplete"
    assert "额定转速" in result.reason_zh and "rated speed" in result.reason_en
    assert grade_motor_pmsm(vf(eta=None)).outcome == "incomplete"


def test_poles_are_not_needed_and_high_voltage_is_not_shipped() -> None:
    assert grade_device(vf()).grade == 1                                    # no poles given
    hv = grade_motor_pmsm(vf(volts="6000"))
    assert hv.outcome == "missing_row" and "high-voltage" in hv.reason_en   # 表11 on not shipped
    assert grade_motor_pmsm(vf(volts="1140")).grade == 1
    assert grade_motor_pmsm(vf(volts=None)).grade == 1


def test_the_files_independently() -> None:
    """Read with the csv module, not the loader: 28 power rows × 14 speed columns per table, each cell's
    grade 1 > grade 2 > grade 3, the file's table number and grade matching, and every row citing its data_id."""
    cells: dict[tuple[str, str], list[D]] = {}
    for number, (name, grade) in enumerate(zip(VF_TABLE_FILES, (1, 2, 3), strict=True), start=8):
        with (DATA_DIR / name).open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
        assert len(rows) == 28 * 14
        assert {r["table"] for r in rows} == {f"表{number}"} and {r["grade"] for r in rows} == {str(grade)}
        assert all("data_id GB30253-R000" in r["source"] and r["status"] == "unverified" for r in rows)
        for r in rows:
            cells.setdefault((r["rated_power_kw"], r["speed_column"]), []).append(D(r["min_efficiency_pct"]))
    assert len(cells) == 28 * 14 and all(g1 > g2 > g3 for g1, g2, g3 in cells.values())
    assert len(load_vf_table().rows) == 3 * 28 * 14


def test_upgrade_to_grade1_uses_the_grade1_cell() -> None:
    """A grade-2 converter-fed PMSM is costed against the grade-1 minimum of its cell (表8 R000319, 95.3 %), as a
    line-start one is: 22 kW, η₀ = 95.2 %, β = 0.7, 5000 h → ΔE = 22 × 0.7 × (100/95.2 − 100/95.3) × 5000
    = 77 000 × 10 / 9072.56 = 84.87 kWh/a."""
    from zerocarbon.energy.savings import upgrade_to_grade1

    device = vf(eta="95.2").model_copy(update={"load_factor": D("0.7"), "running_hours": D(5000)})
    grade = grade_device(device)
    assert (grade.outcome, grade.grade) == ("graded", 2)
    saved = upgrade_to_grade1(device, grade, electricity_factor=D("0.5703"), tariff=D("0.7"),
                              replacement_cost=D(20000), discount_rate=D("0.06"), lifetime_years=15)
    assert saved.efficiency_grade1_pct == D("95.3") and saved.row_id == "GB30253-2024.T8.22kW.1200-1800rpm.g1"
    assert saved.kwh_per_year.quantize(D("0.01")) == D("84.87")
