"""Grading of air compressors by GB 19153-2019 表1 (oil-injected rotary, fixed speed) and their specific power.

Values from the shipped ``gb19153-2019.csv``, a single-source transcription of GB 19153-2019 表1
(adgo07/EquipEffi:src/equipeffi/resources/standards/compressor.json, data_id GB19153-R000001..R001008,
PDF pp. 5-7). 90 kW, 0.8 MPa, air-cooled (R000547/R000559/R000571): grade 1 / 2 / 3 ≤ 6.2 / 6.7 / 7.4
kW/(m³/min); 1.5 kW, 0.7 MPa, air-cooled (R000005/R000017/R000029): 8.8 / 9.7 / 11.0.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from zerocarbon.energy.compressors import (
    COMPRESSOR_COLUMNS,
    grade_compressor,
    load_compressor_table,
    specific_power,
)
from zerocarbon.energy.equipment import Equipment, equipment_share
from zerocarbon.energy.grading import grade_device, row_limit
from zerocarbon.errors import FactorError, InputError, UnitError


def ac(kw: str = "90", mpa: str = "0.8", cooling: str = "air", e: str | None = "6.2",
       design: str = "oil_injected_rotary", supply: str = "line") -> Equipment:
    return Equipment(code="AC", kind="air_compressor", rated_power_kw=D(kw), pressure_mpa=D(mpa),
                     cooling=cooling, specific_power=D(e) if e else None,  # type: ignore[arg-type]
                     compressor_type=design, supply=supply)  # type: ignore[arg-type]


def test_table_as_shipped() -> None:
    """20 ratings with both coolings and 8 air-only ones (1.5–15 kW), 6 pressures, 3 grades: 864 cells."""
    cells = load_compressor_table()
    assert len(cells) == 864
    assert [cells[(D("1.5"), D("0.7"), "air", g)].max_specific_power for g in (1, 2, 3)] == \
        [D("8.8"), D("9.7"), D("11.0")]
    assert (D("7.5"), D("0.8"), "water", 1) not in cells          # the table's empty cell
    for (kw, mpa, cool, g), row in cells.items():                  # lower is better, liquid below air
        if g < 3:
            assert row.max_specific_power < cells[(kw, mpa, cool, g + 1)].max_specific_power
        if cool == "water":
            assert row.max_specific_power < cells[(kw, mpa, "air", g)].max_specific_power
        assert row.status == "unverified" and "compressor.json" in row.source


@pytest.mark.parametrize(("e", "outcome", "grade"), [
    ("6.2", "graded", 1), ("6.21", "graded", 2),      # at / just above the grade-1 maximum
    ("6.7", "graded", 2), ("6.71", "graded", 3),
    ("7.4", "graded", 3), ("7.41", "below_minimum", None),   # 能效限定值 (grade 3)
    ("3", "graded", 1),
])
def test_boundaries_90kw_08mpa_air(e: str, outcome: str, grade: int | None) -> None:
    result = grade_compressor(ac(e=e))
    assert (result.outcome, result.grade) == (outcome, grade)
    assert [r.row_id for r in result.rows] == [f"GB19153-2019.T1.90kW.0.8MPa.air.g{g}" for g in (1, 2, 3)]
    assert row_limit(result.rows[0]) == "≤6.2 kW/(m³/min)"


def test_liquid_cooled_row() -> None:
    """37 kW, 0.7 MPa, liquid-cooled (R000426): grade 3 ≤ 7.1."""
    assert grade_compressor(ac(kw="37", mpa="0.7", cooling="water", e="7.1")).grade == 3
    assert grade_compressor(ac(kw="37", mpa="0.7", cooling="water", e="7.2")).outcome == "below_minimum"


@pytest.mark.parametrize(("kw", "mpa", "cooling", "outcome", "word"), [
    ("7.5", "0.8", "water", "missing_row", "no cell"),    # empty cell of the table
    ("90", "0.6", "air", "missing_row", "no cell"),        # between pressure columns: no interpolation
    ("100", "0.8", "air", "missing_row", "no cell"),       # between 90 and 110 kW: never snapped
    ("1.1", "0.8", "air", "out_of_scope", "1.5–630"),
    ("710", "0.8", "air", "out_of_scope", "1.5–630"),
    ("90", "8", "air", "out_of_scope", "bar"),             # 8 bar typed as MPa
    ("90", "0.2", "air", "out_of_scope", "0.3–1.25"),
])
def test_missing_and_out_of_range(kw: str, mpa: str, cooling: str, outcome: str, word: str) -> None:
    result = grade_compressor(ac(kw=kw, mpa=mpa, cooling=cooling))
    assert result.outcome == outcome and word in result.reason_en and result.rows == ()


def test_decimal_spellings_are_the_same_row() -> None:
    assert grade_compressor(ac(kw="90.0", mpa="0.80")).grade == 1


def test_other_designs_supply_and_inputs() -> None:
    assert grade_compressor(ac(design="portable_reciprocating")).outcome == "missing_row"   # its table not shipped
    assert grade_compressor(ac(design="reciprocating")).outcome == "out_of_scope"   # 表3 ends at 75 kW
    assert grade_compressor(ac(supply="vfd")).outcome == "incomplete"    # 表2 needs the weighted specific power
    assert grade_compressor(ac(e=None)).outcome == "incomplete"
    with pytest.raises(InputError):
        grade_compressor(Equipment(code="M", kind="motor_lv", rated_power_kw=D(90)))
    assert grade_device(ac(e="6.5")).grade == 2


def test_share_counts_compressors_by_rated_power() -> None:
    devices = [ac(e="6.5"), Equipment(code="AC2", kind="air_compressor", rated_power_kw=D(37), pressure_mpa=D("0.7"),
                                      cooling="water", specific_power=D("7.2"), compressor_type="oil_injected_rotary",
                                      supply="line")]
    share = equipment_share(devices, [grade_device(d) for d in devices])
    assert share.total_kw == D(127) and share.grade_2_or_better_kw == D(90) and share.ungraded == ()


def test_specific_power_units() -> None:
    """e = P / q; 15 kW at 2.5 m³/min = 6 kW/(m³/min), whatever units the power and flow come in."""
    assert specific_power(D(15), "kW", D("2.5"), "m3/min") == D(6)
    assert specific_power(D(15000), "W", D(150), "m3/h") == D(6)
    assert specific_power(D(15), "kW", D("41.666"), "L/s") == D(15) / (D("41.666") * D("0.06"))
    with pytest.raises(UnitError):
        specific_power(D(15), "kWh", D(2), "m3/min")            # energy is not power
    with pytest.raises(UnitError):
        specific_power(D(15), "kW", D(2), "Nm3/min")            # a normal volume is not the inlet flow
    with pytest.raises(InputError):
        specific_power(D(15), "kW", D(0), "m3/min")


def test_bad_data_file_refused(tmp_path: Path) -> None:
    head = ",".join(COMPRESSOR_COLUMNS) + "\n"
    row = "x,GB 19153-2019,2019,2020-07-01,表1,oil_injected_rotary,line,90,0.8,air,1,6.2,src,,unverified\n"
    cases = {"dup.csv": head + row + row, "cool.csv": head + row.replace(",air,", ",oil,"),
             "num.csv": head + row.replace(",6.2,", ",six,"), "col.csv": head.replace("cooling,", "") + row}
    for name, body in cases.items():
        path = tmp_path / name
        path.write_text("# header\n" + body, encoding="utf-8")
        with pytest.raises(FactorError) as info:
            load_compressor_table(path)
        assert info.value.file == name


@pytest.mark.parametrize(("field", "value"), [
    ("specific_power", "-6"), ("specific_power", "abc"), ("supply", "变频x"), ("compressor_type", "centrifugal"),
    ("cooling", "oil"), ("pressure_mpa", "0"),
])
def test_register_bad_input_names_the_cell(field: str, value: str) -> None:
    """A bad compressor field in the register is refused with file, sheet, row and field, never graded."""
    from zerocarbon.ingest.equipment_file import read_equipment_mapping

    device = {"code": "A", "kind": "空压机", "rated_power_kw": "90", "pressure_mpa": "0.8", "cooling": "风冷",
              "specific_power": "6.2", "compressor_type": "oil_injected_rotary", "supply": "line"}
    doc = {"settings": {"tariff_yuan_per_kwh": "0.7", "discount_rate": "0.06", "lifetime_years": 10},
           "devices": [device]}
    assert grade_device(read_equipment_mapping(doc, "t.yaml").devices[0]).grade == 1
    device[field] = value
    with pytest.raises(InputError) as info:
        read_equipment_mapping(doc, "t.yaml")
    assert (info.value.file, info.value.sheet, info.value.row, info.value.field) == ("t.yaml", "devices", 1, field)
