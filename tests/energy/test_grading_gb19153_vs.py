"""Grading of variable-speed oil-injected rotary air compressors by GB 19153-2019 表2 (weighted specific power).

Values from the shipped ``gb19153-2019-t2.csv``, a single-source transcription of GB 19153-2019 表2
(adgo07/EquipEffi:src/equipeffi/resources/standards/compressor.json, commit a1643ed3…, data_id
GB19153-R001009..R001764, PDF pp. 8-10), limits in kW/(m³/min):

* 90 kW, 0.8 MPa, air-cooled (R001519 / R001531 / R001543): grade 1 / 2 / 3 ≤ 6.5 / 7.0 / 7.8;
* 37 kW, 0.7 MPa, liquid-cooled (R001374 / R001386 / R001398): 6.2 / 6.7 / 7.5;
* 2.2 kW, 0.3 MPa, air-cooled (R001009 / R001021 / R001033): 6.1 / 6.8 / 7.8.

The value compared is the weighted specific power of §6.3.3 formula (3), taken from the register.
"""

from __future__ import annotations

import csv
from decimal import Decimal as D

import pytest

from zerocarbon.energy.compressors import VARIABLE_SPEED_TABLE, grade_compressor, graded_specific_power
from zerocarbon.energy.equipment import Equipment
from zerocarbon.energy.grading import grade_device, row_limit
from zerocarbon.energy.reference import DATA_DIR
from zerocarbon.energy.savings_more import machine_upgrade_to_grade1


def vs(kw: str = "90", mpa: str = "0.8", cooling: str = "air", weighted: str | None = "6.5",
       full_load: str | None = None) -> Equipment:
    return Equipment(code="VS", kind="air_compressor", compressor_type="oil_injected_rotary", supply="vfd",
                     rated_power_kw=D(kw), pressure_mpa=D(mpa), cooling=cooling,  # type: ignore[arg-type]
                     weighted_specific_power=D(weighted) if weighted else None,
                     specific_power=D(full_load) if full_load else None)


@pytest.mark.parametrize(("kw", "mpa", "cooling", "limits", "ids"), [
    ("90", "0.8", "air", ("6.5", "7.0", "7.8"), ("R001519", "R001531", "R001543")),
    ("37", "0.7", "water", ("6.2", "6.7", "7.5"), ("R001374", "R001386", "R001398")),
    ("2.2", "0.3", "air", ("6.1", "6.8", "7.8"), ("R001009", "R001021", "R001033")),
])
def test_both_sides_of_each_threshold(kw: str, mpa: str, cooling: str, limits: tuple[str, str, str],
                                      ids: tuple[str, str, str]) -> None:
    """At each grade's maximum the compressor is in that grade; 0.01 above it falls to the next."""
    for grade, limit in zip((1, 2, 3), limits, strict=True):
        at = grade_compressor(vs(kw=kw, mpa=mpa, cooling=cooling, weighted=limit))
        assert (at.outcome, at.grade) == ("graded", grade)
        above = grade_compressor(vs(kw=kw, mpa=mpa, cooling=cooling, weighted=str(D(limit) + D("0.01"))))
        assert (above.outcome, above.grade) == (("graded", grade + 1) if grade < 3 else ("below_minimum", None))
        assert [row_limit(r) for r in at.rows] == [f"≤{v} kW/(m³/min)" for v in limits]
        assert all(f"data_id GB19153-{i}" in r.source for r, i in zip(at.rows, ids, strict=True))  # type: ignore
        assert {r.table for r in at.rows} == {"表2"}  # type: ignore[attr-defined]


def test_the_weighted_value_is_graded_not_the_full_load_one() -> None:
    result = grade_compressor(vs(weighted="7.9", full_load="6.0"))   # 6.0 would be grade 1 at full load
    assert result.outcome == "below_minimum"
    assert "weighted specific power 7.9" in result.reason_en and "variable speed" in result.reason_en
    assert "加权比功率" in result.reason_zh and "变转速" in result.reason_zh
    assert graded_specific_power(vs(weighted="7.9", full_load="6.0")) == D("7.9")
    fixed = vs(weighted="7.9", full_load="6.2").model_copy(update={"supply": "line"})
    assert graded_specific_power(fixed) == D("6.2") and grade_compressor(fixed).grade == 1   # 表1 6.2, as before


@pytest.mark.parametrize(("kw", "mpa", "cooling", "outcome", "word"), [
    ("7.5", "0.8", "water", "missing_row", "no cell"),   # liquid-cooled '—' below 18.5 kW
    ("100", "0.8", "air", "missing_row", "no cell"),     # between 90 and 110 kW: never snapped
    ("90", "0.6", "air", "missing_row", "no cell"),      # between pressure columns: no interpolation
    ("1.5", "0.8", "air", "out_of_scope", "2.2–315"),    # 表2 starts at 2.2 kW (表1 at 1.5)
    ("355", "0.8", "air", "out_of_scope", "2.2–315"),
    ("90", "1.4", "air", "out_of_scope", "0.3–1.25"),
])
def test_missing_and_out_of_range(kw: str, mpa: str, cooling: str, outcome: str, word: str) -> None:
    result = grade_compressor(vs(kw=kw, mpa=mpa, cooling=cooling))
    assert (result.outcome, result.grade, result.rows) == (outcome, None, ())
    assert word in result.reason_en and "table 2" in result.reason_en


def test_lacking_the_weighted_specific_power_is_incomplete() -> None:
    result = grade_compressor(vs(weighted=None, full_load="6.0"))
    assert result.outcome == "incomplete"
    assert "加权比功率" in result.reason_zh and "weighted specific power" in result.reason_en
    assert grade_device(vs()).grade == 1


def test_savings_use_the_weighted_value() -> None:
    """ΔE = E₀ × (1 − e₁/e₀) with e₀ the weighted value 7.0 (grade 2) and e₁ = 6.5 (grade 1, R001519)."""
    device = vs(weighted="7.0")
    saving = machine_upgrade_to_grade1(device, grade_compressor(device), electricity_factor=D("0.5"),
                                       tariff=D("0.7"), replacement_cost=D(100000), discount_rate=D("0.06"),
                                       lifetime_years=10, metered_input_kwh=D(700000))
    assert (saving.value_now, saving.value_grade1) == (D("7.0"), D("6.5"))
    assert saving.kwh_per_year == D(50000)    # 700 000 × (7.0 − 6.5) / 7.0


def test_the_file_independently() -> None:
    """Read with the csv module: 21 ratings × 6 pressures × 3 grades air-cooled, 14 ratings (18.5–315 kW)
    liquid-cooled; grade 1 < 2 < 3 in every cell; every row is 表2, variable speed, citing its data_id."""
    with (DATA_DIR / VARIABLE_SPEED_TABLE[0]).open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    assert len(rows) == 21 * 6 * 3 + 14 * 6 * 3
    assert {(r["table"], r["supply"], r["compressor_type"]) for r in rows} == {("表2", "vfd", "oil_injected_rotary")}
    assert all("data_id GB19153-R00" in r["source"] and r["status"] == "unverified" for r in rows)
    cells: dict[tuple[str, str, str], dict[str, D]] = {}
    for r in rows:
        cells.setdefault((r["rated_power_kw"], r["pressure_mpa"], r["cooling"]), {})[r["grade"]] = D(
            r["max_specific_power"])
    assert all(c["1"] < c["2"] < c["3"] for c in cells.values())
    assert min(D(k[0]) for k in cells if k[2] == "water") == D("18.5")
