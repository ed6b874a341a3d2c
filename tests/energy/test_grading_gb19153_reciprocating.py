"""GB 19153-2019 表3 (一般用往复活塞) and 表4 (全无油润滑往复活塞): reciprocating air compressors.

Hand-checked against the transcription the files were written from (adgo07/EquipEffi,
src/equipeffi/resources/standards/compressor.json, commit a1643ed38e0b934bbc7562348883b8a8bd4badc5), largest
specific power of grade 1 / 2 / 3 [kW/(m³/min)]:

* 表3, 7.5 kW, 0.8 MPa (data_id GB19153-R001937 / R001945 / R001953, PDF pp. 11-12): 8.3 / 9.1 / 9.8
* 表4, 4 kW, 0.7 MPa (R002325 / R002332 / R002339, pp. 12-13): 8.6 / 9.2 / 10.5
* '—' cells: 表3 3 kW at 0.25 MPa (R001861), 18.5 kW at 1.4 MPa (R002012).
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from zerocarbon.energy.compressors import TABLE_FILES, grade_compressor, load_compressor_table
from zerocarbon.energy.equipment import Equipment
from zerocarbon.energy.grading import grade_device
from zerocarbon.energy.reference import DATA_DIR


def rc(kw: str = "7.5", mpa: str = "0.8", e: str = "9.0", design: str = "reciprocating") -> Equipment:
    """No cooling and no supply: the reciprocating tables do not use them."""
    return Equipment(code="RC", kind="air_compressor", rated_power_kw=D(kw), pressure_mpa=D(mpa),
                     specific_power=D(e), compressor_type=design)  # type: ignore[arg-type]


@pytest.mark.parametrize(("design", "kw", "mpa", "e", "outcome", "grade", "row", "limits"), [
    ("reciprocating", "7.5", "0.8", "9.0", "graded", 2, "T3.7.5kW.0.8MPa", ("8.3", "9.1", "9.8")),
    ("reciprocating", "7.5", "0.80", "8.3", "graded", 1, "T3.7.5kW.0.8MPa", ("8.3", "9.1", "9.8")),
    ("reciprocating", "7.5", "0.8", "9.8", "graded", 3, "T3.7.5kW.0.8MPa", ("8.3", "9.1", "9.8")),
    ("reciprocating", "7.5", "0.8", "9.81", "below_minimum", None, "T3.7.5kW.0.8MPa", ("8.3", "9.1", "9.8")),
    ("oil_free_reciprocating", "4", "0.7", "8.6", "graded", 1, "T4.4kW.0.7MPa", ("8.6", "9.2", "10.5")),
    ("oil_free_reciprocating", "4.0", "0.7", "10.6", "below_minimum", None, "T4.4kW.0.7MPa", ("8.6", "9.2", "10.5")),
])
def test_graded_on_its_table(design: str, kw: str, mpa: str, e: str, outcome: str, grade: int | None, row: str,
                             limits: tuple[str, str, str]) -> None:
    result = grade_device(rc(kw=kw, mpa=mpa, e=e, design=design))
    assert (result.outcome, result.grade) == (outcome, grade)
    assert [r.row_id for r in result.rows] == [f"GB19153-2019.{row}.g{g}" for g in (1, 2, 3)]
    assert tuple(str(r.max_specific_power) for r in result.rows) == limits
    assert all(r.status == "unverified" and "compressor.json" in r.source for r in result.rows)
    assert f"table {row[1]}" in result.reason_en and "cooled" not in result.reason_en


@pytest.mark.parametrize(("design", "kw", "mpa", "outcome"), [
    ("reciprocating", "3", "0.25", "missing_row"),        # '—' in 表3, not snapped to 0.4 MPa or 2.2 kW
    ("reciprocating", "18.5", "1.4", "missing_row"),
    ("reciprocating", "7.5", "0.6", "missing_row"),       # between pressure columns
    ("reciprocating", "7.5", "1.6", "out_of_scope"),      # above 1.4 MPa
    ("reciprocating", "90", "0.8", "out_of_scope"),       # 表3 ends at 75 kW
    ("oil_free_reciprocating", "0.55", "1.25", "missing_row"),
    ("oil_free_reciprocating", "18.5", "0.7", "out_of_scope"),   # every cell '—' in the transcription
    ("oil_free_reciprocating", "4", "0.25", "out_of_scope"),     # 表4 starts at 0.4 MPa
])
def test_cells_the_tables_lack(design: str, kw: str, mpa: str, outcome: str) -> None:
    result = grade_compressor(rc(kw=kw, mpa=mpa, e="5", design=design))
    assert result.outcome == outcome and result.rows == () and result.grade is None


@pytest.mark.parametrize(("design", "cells", "powers", "pressures"), [
    ("reciprocating", 321, (D("0.75"), D(75)), 8),
    ("oil_free_reciprocating", 207, (D("0.55"), D(15)), 7),
])
def test_tables_as_shipped(design: str, cells: int, powers: tuple[D, D], pressures: int) -> None:
    """Grade 1 < 2 < 3 in every cell; each grade rises with pressure and never rises with power."""
    table = load_compressor_table(DATA_DIR / TABLE_FILES[design][0])
    assert len(table) == cells and {k[2] for k in table} == {"none"}
    kws, mpas = sorted({k[0] for k in table}), sorted({k[1] for k in table})
    assert (kws[0], kws[-1]) == powers and len(mpas) == pressures
    for (kw, mpa, _, g), row in table.items():
        if g < 3:
            assert row.max_specific_power < table[(kw, mpa, "none", g + 1)].max_specific_power
        higher = [table[k].max_specific_power for k in table if k[0] == kw and k[3] == g and k[1] > mpa]
        assert all(v > row.max_specific_power for v in higher)
        larger = [table[k].max_specific_power for k in table if k[1] == mpa and k[3] == g and k[0] > kw]
        assert all(v <= row.max_specific_power for v in larger)
