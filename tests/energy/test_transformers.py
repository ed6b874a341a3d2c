"""Grading of 10 kV oil-immersed distribution transformers by GB 20052-2024 表1 (both losses must meet a grade).

Table values used (as shipped in ``zerocarbon/energy/data/gb20052-2024.csv``, read from
adgo07/EquipEffi:src/equipeffi/resources/standards/transformer.json, commit a1643ed3, PDF p.7; unverified):

* 1600 kVA, electrical steel, Yyn0 (GB20052-R000057): no-load 0.94 / 1.05 / 1.17 kW, load 10.44 / 11.6 / 14.5 kW;
* 100 kVA, amorphous, Dyn11/Yzn11 (GB20052-R000019): no-load 0.06 / 0.075 / 0.075 kW, load 1.27 / 1.35 / 1.58 kW.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from zerocarbon.energy.equipment import Equipment, grade_transformer
from zerocarbon.energy.grading import grade_device
from zerocarbon.energy.reference import load_transformer_table


def tr(kva: str = "1600", core: str = "electrical_steel", conn: str = "Yyn0", p0: str | None = "0.94",
       pk: str | None = "10.44", **kw: object) -> Equipment:
    return Equipment(code="T", kind="transformer", capacity_kva=D(kva), core=core, connection=conn,  # type: ignore[arg-type]
                     no_load_loss_kw=D(p0) if p0 else None, load_loss_kw=D(pk) if pk else None, **kw)  # type: ignore[arg-type]


def test_table_is_complete_and_sourced() -> None:
    rows = load_transformer_table()
    assert len(rows) == 62 * 3 and {r.table for r in rows} == {"表1"} and {r.status for r in rows} == {"unverified"}
    assert all(r.source.startswith("adgo07/EquipEffi:src/equipeffi/resources/standards/transformer.json") for r in rows)
    by = {}
    for r in rows:
        by.setdefault((r.capacity_kva, r.core, r.connection), {})[r.grade] = r
    for cells in by.values():  # grades never cross (a transcription check)
        assert cells[1].max_no_load_kw <= cells[2].max_no_load_kw <= cells[3].max_no_load_kw
        assert cells[1].max_load_kw <= cells[2].max_load_kw <= cells[3].max_load_kw


@pytest.mark.parametrize(("p0", "pk", "outcome", "grade"), [
    ("0.94", "10.44", "graded", 1),            # both at the grade-1 maxima
    ("0.95", "10.44", "graded", 2),            # no-load just above grade 1
    ("0.94", "10.45", "graded", 2),            # load just above grade 1
    ("1.05", "11.6", "graded", 2),
    ("1.06", "11.6", "graded", 3),
    ("1.17", "14.5", "graded", 3),             # at the 能效限定值
    ("1.18", "10.0", "below_minimum", None),   # no-load above grade 3, load fine: both must meet
    ("0.90", "14.51", "below_minimum", None),
])
def test_boundaries_1600_kva(p0: str, pk: str, outcome: str, grade: int | None) -> None:
    r = grade_device(tr(p0=p0, pk=pk))
    assert (r.outcome, r.grade) == (outcome, grade)
    assert r.standard == "GB 20052-2024" and len(r.rows) == 3 and "1600" in r.reason_en


def test_dyn11_row_covers_yzn11_and_amorphous_grades() -> None:
    for conn in ("Dyn11", "Yzn11"):
        r = grade_transformer(tr("100", "amorphous", conn, "0.075", "1.35"))
        assert (r.outcome, r.grade) == ("graded", 2)


@pytest.mark.parametrize(("kwargs", "outcome"), [
    ({"kva": "1100"}, "missing_row"),                        # not a rating of 表1: never snapped
    ({"conn": "Dyn11"}, "missing_row"),                      # ≥ 630 kVA: only Yyn0 rows transcribed
    ({"transformer_type": "dry"}, "missing_row"),            # 表2 not shipped
    ({"voltage_v": D("35000")}, "missing_row"),              # only the 10 kV table
    ({"p0": None}, "incomplete"),
])
def test_missing_and_incomplete(kwargs: dict[str, object], outcome: str) -> None:
    r = grade_transformer(tr(**kwargs))  # type: ignore[arg-type]
    assert r.outcome == outcome and r.grade is None and r.reason_zh and r.reason_en
