"""Grading of low-voltage motors by GB 18613-2020 表1 and the share of grade-2-or-better power.

Table values used below (GB 18613-2020 表1, as shipped in ``zerocarbon/energy/data/gb18613-2020.csv``,
read from adgo07/EquipEffi:src/equipeffi/resources/standards/motor_lv.json):

* 7.5 kW, 4 poles: grade 1 ≥ 94.0 %, grade 2 ≥ 92.6 %, grade 3 ≥ 90.4 % (row GB18613-R000015);
* 11 kW, 4 poles: 94.6 / 93.3 / 91.4 % (row GB18613-R000016);
* 55 kW, 4 poles: 96.5 / 95.7 / 94.6 % (row GB18613-R000023);
* 5.5 kW, 4 poles, grade 3 = 89.6 % = IE3 of IEC 60034-30:2008 (Siemens catalogue), hence ``verified``.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from pydantic import ValidationError

from zerocarbon.energy.equipment import EQUIPMENT, Equipment, equipment_share, grade_motor
from zerocarbon.energy.grading import grade_device
from zerocarbon.energy.reference import DATA_DIR, load_motor_table
from zerocarbon.errors import InputError


def motor(code: str = "M1", kw: str = "7.5", poles: int = 4, eta: str | None = "94.0", **kw_args: object) -> Equipment:
    return Equipment(code=code, kind="motor_lv", rated_power_kw=D(kw), poles=poles,
                     efficiency_pct=D(eta) if eta is not None else None, **kw_args)  # type: ignore[arg-type]


def test_table_is_complete_and_sourced() -> None:
    table = load_motor_table(DATA_DIR / "gb18613-2020.csv")
    assert table.standard == "GB 18613-2020"
    assert len(table.ratings_kw) == 42 and table.poles == (2, 4, 6, 8)
    assert len(table.rows) == 42 * 4 * 3
    assert table.ratings_kw[0] == D("0.12") and table.ratings_kw[-1] == D("1000")
    for row in table.rows:
        assert row.source.startswith("adgo07/EquipEffi:") and row.table == "表1" and row.edition == "2020"
        assert row.status in ("verified", "unverified")
        assert (row.status == "verified") == bool(row.check_source)
    for kw in table.ratings_kw:  # grades never cross (a transcription check)
        for poles in table.poles:
            g1, g2, g3 = (table.cell(kw, poles, g) for g in (1, 2, 3))
            assert g1 and g2 and g3 and g1.min_efficiency_pct >= g2.min_efficiency_pct >= g3.min_efficiency_pct
    verified = table.cell(D("5.5"), 4, 3)
    assert verified is not None and verified.min_efficiency_pct == D("89.6") and verified.status == "verified"
    unverified = table.cell(D("7.5"), 4, 1)
    assert unverified is not None and unverified.status == "unverified"


@pytest.mark.parametrize(("eta", "outcome", "grade"), [
    ("94.1", "graded", 1), ("94.0", "graded", 1),          # grade 1 boundary 94.0
    ("93.9", "graded", 2), ("92.6", "graded", 2),          # grade 2 boundary 92.6
    ("92.5", "graded", 3), ("90.4", "graded", 3),          # grade 3 (能效限定值) boundary 90.4
    ("90.3", "below_minimum", None),
])
def test_boundaries_7_5_kw_4_poles(eta: str, outcome: str, grade: int | None) -> None:
    result = grade_motor(motor(eta=eta))
    assert (result.outcome, result.grade) == (outcome, grade)
    assert [r.min_efficiency_pct for r in result.rows] == [D("94.0"), D("92.6"), D("90.4")]
    assert "7.5" in result.reason_en and "GB 18613-2020" in result.reason_zh


def test_boundaries_55_kw_and_decimal_spelling() -> None:
    assert grade_motor(motor(kw="55", eta="96.5")).grade == 1
    assert grade_motor(motor(kw="55.0", eta="96.49")).grade == 2      # 55.0 is the 55 kW row
    assert grade_motor(motor(kw="55", eta="95.7")).grade == 2
    assert grade_motor(motor(kw="55", eta="95.69")).grade == 3
    assert grade_motor(motor(kw="55", eta="94.6")).grade == 3
    assert grade_motor(motor(kw="55", eta="94.59")).outcome == "below_minimum"


@pytest.mark.parametrize("kw", ["8", "7.6", "12", "100"])
def test_missing_rating_is_never_snapped(kw: str) -> None:
    result = grade_motor(motor(kw=kw, eta="99"))
    assert result.outcome == "missing_row" and result.grade is None and result.rows == ()
    assert "no neighbouring row" in result.reason_en


@pytest.mark.parametrize(("kw", "poles", "volts", "word"), [
    ("0.1", 4, None, "0.12–1000"), ("1100", 4, None, "0.12–1000"), ("7.5", 10, None, "poles"),
    ("7.5", 3, None, "poles"), ("250", 4, "6000", "GB 30254"),
])
def test_out_of_scope_refused(kw: str, poles: int, volts: str | None, word: str) -> None:
    device = motor(kw=kw, poles=poles, voltage_v=D(volts) if volts else None)
    result = grade_motor(device)
    assert result.outcome == "out_of_scope" and word in result.reason_en


def test_incomplete_and_other_kinds() -> None:
    assert grade_motor(motor(eta=None)).outcome == "incomplete"
    transformer = Equipment(code="T1", kind="transformer", capacity_kva=D(1000), rated_power_kw=D(800))
    assert grade_device(transformer).outcome == "incomplete"  # GB 20052-2024 needs core, connection and losses
    compressor = Equipment(code="C1", kind="air_compressor", rated_power_kw=D(90))
    assert grade_device(compressor).outcome == "incomplete"  # GB 19153-2019 needs pressure, cooling, e …
    pump = Equipment(code="P1", kind="pump", rated_power_kw=D(90), efficiency_pct=D(80))
    assert grade_device(pump).outcome == "incomplete"  # GB 19762-2025 needs type, flow, head and speed
    with pytest.raises(InputError):
        grade_motor(transformer)


def test_register_declaration_drives_the_model() -> None:
    assert [a.name for a in EQUIPMENT] == list(Equipment.model_fields)
    assert Equipment.model_fields["rated_power_kw"].description == "rated (output) power [kW]"
    with pytest.raises(ValidationError):
        Equipment(code="", kind="motor_lv")
    with pytest.raises(ValidationError):
        Equipment(code="X", kind="boiler")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Equipment(code="X", kind="motor_lv", rated_power_kw=D(-1))
    with pytest.raises(ValidationError):
        Equipment(code="X", kind="motor_lv", colour="red")  # type: ignore[call-arg]


def test_share_of_grade_2_or_better() -> None:
    """7.5 kW grade 1 + 11 kW grade 2 + 55 kW grade 3 + 8 kW (no table row): total 81.5 kW.

    share₂ = (7.5 + 11) / 81.5, share₁ = 7.5 / 81.5; the 8 kW motor is in the total only.
    """
    devices = [motor("A", "7.5", eta="94.0"), motor("B", "11", eta="93.3"), motor("C", "55", eta="94.6"),
               motor("D", "8", eta="95")]
    results = [grade_motor(d) for d in devices]
    assert [r.grade for r in results] == [1, 2, 3, None]
    share = equipment_share(devices, results)
    assert share.total_kw == D("81.5") and share.grade_2_or_better_kw == D("18.5") and share.grade_1_kw == D("7.5")
    assert share.share_grade_2_or_better == D("18.5") / D("81.5")
    assert share.share_grade_1 == D("7.5") / D("81.5")
    assert share.ungraded == ("D",) and share.ungraded_kw == D(8)
    empty = equipment_share([], [])
    assert empty.share_grade_2_or_better is None
    with pytest.raises(InputError):
        equipment_share(devices, results[:2])
