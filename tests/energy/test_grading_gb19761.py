"""Grading of fans by GB 19761-2020 表1–表4, with the standard's bands kept verbatim.

Values from the shipped ``gb19761-2020.csv``, a single-source transcription
(adgo07/EquipEffi:src/equipeffi/resources/standards/fan.json, data_id GB19761-R000001..R000034, PDF pp. 4-6).
表3 axial, 0.4≤γ<0.55 (R000023): No2.5≤机号<No5 61/70/73, No5≤机号<No10 64/73/76, 机号≥No10 66/77/81 %
(grade 3/2/1). 表2 centrifugal, 0.85≤ψ<0.95, 15≤ns<30 (R000006), 机号≥No10: 72/80/83 %.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from zerocarbon.energy.equipment import Equipment
from zerocarbon.energy.fans import FAN_COLUMNS, grade_fan, load_fan_table, parse_band
from zerocarbon.energy.grading import grade_device, row_limit
from zerocarbon.errors import FactorError, InputError


def axial(gamma: str = "0.45", no: str = "8", eta: str | None = "76") -> Equipment:
    return Equipment(code="F", kind="fan", rated_power_kw=D(15), fan_type="axial", hub_ratio=D(gamma),
                     machine_number=D(no), efficiency_pct=D(eta) if eta else None)


def centrifugal(psi: str = "0.9", ns: str = "20", no: str = "10", eta: str = "83") -> Equipment:
    return Equipment(code="C", kind="fan", rated_power_kw=D(30), fan_type="centrifugal",
                     pressure_coefficient=D(psi), specific_speed=D(ns), machine_number=D(no), efficiency_pct=D(eta))


def test_table_as_shipped() -> None:
    cells = load_fan_table()
    assert len(cells) == 444 and {c.row.table for c in cells} == {"表1", "表2", "表3", "表4"}
    assert all(c.row.status == "unverified" and "fan.json" in c.row.source for c in cells)
    for c in cells:   # grade 1 ≥ grade 2 ≥ grade 3 in every cell
        same = [d.row for d in cells if (d.row.table, d.coefficient, d.ns, d.machine_number) ==
                (c.row.table, c.coefficient, c.ns, c.machine_number)]
        assert sorted(same, key=lambda r: r.grade) == sorted(same, key=lambda r: -r.min_efficiency_pct)


@pytest.mark.parametrize(("eta", "outcome", "grade"), [
    ("76", "graded", 1), ("75.9", "graded", 2), ("73", "graded", 2), ("72.9", "graded", 3),
    ("64", "graded", 3), ("63.9", "below_minimum", None),
])
def test_axial_boundaries(eta: str, outcome: str, grade: int | None) -> None:
    result = grade_fan(axial(eta=eta))
    assert (result.outcome, result.grade) == (outcome, grade)
    assert len(result.rows) == 3 and all(".T3.R23.No5≤机号<No10." in r.row_id for r in result.rows)
    assert row_limit(result.rows[0]) == "76"


@pytest.mark.parametrize(("no", "g1"), [("2.5", "73"), ("4.99", "73"), ("5", "76"), ("9.9", "76"), ("10", "81")])
def test_band_edges_as_the_table_writes_them(no: str, g1: str) -> None:
    """No5 belongs to 'No5≤机号<No10', not to 'No2.5≤机号<No5'; No10 to '机号≥No10'."""
    assert grade_fan(axial(no=no)).threshold(1) is None  # fans are not motor rows …
    assert row_limit(grade_fan(axial(no=no)).rows[0]) == g1   # … their limit is read from the row


@pytest.mark.parametrize(("psi", "ns", "no", "word"), [
    ("0.9", "50", "10", "no band"),      # ns beyond the bands of 0.85≤ψ<0.95
    ("0.9", "20", "3.5", "no band"),     # as transcribed, No3.5 itself is in neither '…<No3.5' nor 'No3.5<…'
    ("0.2", "20", "10", "no band"),      # ψ below 表2
    ("0.9", "20", "2", "no band"),       # 'No2<机号' excludes No2
])
def test_missing_bands(psi: str, ns: str, no: str, word: str) -> None:
    result = grade_fan(centrifugal(psi=psi, ns=ns, no=no))
    assert result.outcome == "missing_row" and word in result.reason_en and result.rows == ()


def test_centrifugal_and_inputs() -> None:
    assert grade_fan(centrifugal(eta="83")).grade == 1
    assert grade_fan(centrifugal(eta="79.9")).grade == 3
    assert grade_fan(centrifugal(eta="71.9")).outcome == "below_minimum"
    no_ns = Equipment(code="C", kind="fan", rated_power_kw=D(30), fan_type="centrifugal",
                      pressure_coefficient=D("0.9"), machine_number=D(10), efficiency_pct=D(80))
    assert grade_fan(no_ns).outcome == "incomplete"        # ψ and ns both needed
    assert grade_fan(axial(eta=None)).outcome == "incomplete"
    with pytest.raises(InputError):
        grade_fan(Equipment(code="M", kind="pump", rated_power_kw=D(30)))
    assert grade_device(axial()).grade == 1


@pytest.mark.parametrize(("text", "inside", "outside"), [
    ("1.35≤ψ<1.55", ["1.35", "1.549"], ["1.55", "1.34"]),
    ("45<ns≤65", ["65", "45.01"], ["45", "65.01"]),
    ("机号>No10", ["10.5"], ["10"]),
    ("γ<0.3", ["0.29"], ["0.3"]),
    ("1.4≤ψ", ["1.4", "9"], ["1.39"]),
    ("机号≤No2", ["2"], ["2.01"]),
])
def test_parse_band(text: str, inside: list[str], outside: list[str]) -> None:
    band = parse_band(text)
    assert all(D(v) in band for v in inside) and not any(D(v) in band for v in outside)


def test_bad_band_and_file(tmp_path: Path) -> None:
    with pytest.raises(FactorError):
        parse_band("about 1.4")
    head = ",".join(FAN_COLUMNS) + "\n"
    row = "x,GB 19761-2020,2020,2021-06-01,表3,axial,γ<0.3,,机号≥No10,1,77,src,,unverified\n"
    for name, body in {"dup.csv": head + row + row, "band.csv": head + row.replace("γ<0.3", "γ~0.3"),
                       "type.csv": head + row.replace(",axial,", ",mixed,")}.items():
        path = tmp_path / name
        path.write_text("# header\n" + body, encoding="utf-8")
        with pytest.raises(FactorError) as info:
            load_fan_table(path)
        assert info.value.file == name
