"""CBAM specific embedded emissions (footprint/cbam.py), hand-worked.

Rules: Regulation (EU) 2023/956 Art. 7(1) and Annex II (direct only for iron and steel, aluminium,
hydrogen); Implementing Regulation (EU) 2025/2547 Art. 3(2), Art. 9(1), Annex I point 3.1 (indirect
emissions of a precursor only when it is not in Annex II), Annex III point B (SEE = ae + Σ m_i × SEE_i,
precursors from the Union count zero); Implementing Regulation (EU) 2025/2621 as corrected by
2026/1740, Annex I: mark-ups 10/20/30 % (cement, iron and steel, aluminium, hydrogen) and 1 %
(fertilisers) on the total default value. The numbers below are synthetic; each expected value is
worked by hand in the test's docstring.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from zerocarbon.errors import InputError
from zerocarbon.footprint.cbam import (
    DefaultValue,
    Electricity,
    Good,
    Precursor,
    classify,
    good_see,
    installation_see,
    markup,
)

GRID = "synthetic grid factor for the test"


def el(mwh: str, ef: str, kind: str = "grid_default") -> Electricity:
    return Electricity(D(mwh), D(ef), kind, GRID)


def test_simple_good_with_indirect_cement() -> None:
    """Grey clinker 2523 10 00 (not in Annex II): 1 000 t, 850 t attributed direct, 100 MWh × 0.5.

    SEE direct = 850 / 1000 = 0.85; indirect = 100 × 0.5 / 1000 = 0.05; total 0.90 tCO2e/t; simple.
    """
    r = good_see(Good("CLK", "熟料", "clinker", "2523 10 00", "kiln", D(1000), attributed_direct_t=D(850),
                      electricity=(el("100", "0.5"),)), 2026)
    assert (r.see_direct, r.see_indirect, r.see_total) == (D("0.85"), D("0.05"), D("0.90"))
    assert r.kind == "simple" and r.mwh_per_t == D("0.1") and r.factor == D("0.5")


def test_indirect_only_where_required_aluminium() -> None:
    """Unwrought aluminium 7601 10 00 (Annex II): 100 t, 160 t direct, 1 500 MWh × 0.6 = 900 t.

    The indirect 900 / 100 = 9 tCO2e/t is shown (ae_indirect) but not counted: total = 1.6.
    """
    r = good_see(Good("AL", "原铝", "aluminium", "76011000", "primary", D(100), attributed_direct_t=D(160),
                      electricity=(el("1500", "0.6"),)), 2027)
    assert r.ae_indirect == D(9) and r.see_indirect == 0 and r.see_total == D("1.6")
    assert "not counted" in r.derivation[1]["values"]


def test_complex_good_with_precursor() -> None:
    """Aluminium profiles 7604 29 10: 1 000 t, 80 t direct; 1 050 t of unwrought aluminium (SEE 1.7 direct,
    8 indirect, verified). m = 1.05; direct 0.08 + 1.05 × 1.7 = 1.865; the precursor's indirect is not
    counted (Annex II precursor of an Annex II good): total 1.865."""
    p = Precursor("P1", "原铝锭", "76011000", D(1050), "actual", "CN", D("1.7"), D(8), "verification report VR-1")
    r = good_see(Good("PRF", "型材", "profiles", "76042910", "extrusion", D(1000), attributed_direct_t=D(80),
                      precursors=(p,)), 2026)
    assert r.kind == "complex" and r.parts[0].m == D("1.05")
    assert (r.see_direct, r.see_indirect, r.see_total) == (D("1.865"), D(0), D("1.865"))
    assert r.default_share == 0


def test_non_annex_ii_precursor_brings_its_indirect() -> None:
    """DRI 7203 10 00 (Annex II) from 1 450 t sintered ore 2601 12 00 (not in Annex II; 0.07 direct, 0.02
    indirect) per 1 000 t, 100 t direct: direct 0.1 + 1.45 × 0.07 = 0.2015; indirect 1.45 × 0.02 = 0.029
    (counted, Annex I point 3.1 of 2025/2547); the DRI's own electricity is not counted."""
    p = Precursor("ORE", "球团", "2601 12 00", D(1450), "default", "AU", D("0.07"), D("0.02"), "Annex I table AU")
    r = good_see(Good("DRI", "直接还原铁", "DRI", "72031000", "DRI", D(1000), attributed_direct_t=D(100),
                      electricity=(el("80", "0.6"),), precursors=(p,)), 2026)
    assert (r.see_direct, r.see_indirect) == (D("0.2015"), D("0.029"))
    assert r.default_share == (D("0.1015") + D("0.029")) / D("0.2305")


def test_annex_ii_precursor_indirect_left_out_of_a_non_annex_ii_good() -> None:
    """Ammonia 2814 10 00 (not in Annex II): 1 000 t, 1 600 t direct, 200 MWh × 0.5 = 100 t; 180 t hydrogen
    (Annex II; 10 direct, 5 indirect): direct 1.6 + 0.18 × 10 = 3.4; indirect 0.1 + 0 (hydrogen's
    indirect not counted) = 0.1."""
    h2 = Precursor("H2", "氢", "28041000", D(180), "actual", "CN", D(10), D(5), "VR-H2")
    r = good_see(Good("NH3", "氨", "ammonia", "28141000", "Haber-Bosch", D(1000), attributed_direct_t=D(1600),
                      electricity=(el("200", "0.5"),), precursors=(h2,)), 2026)
    assert (r.see_direct, r.see_indirect) == (D("3.4"), D("0.1"))
    assert not r.parts[0].indirect_counted


def test_union_precursor_counts_zero_and_makes_a_simple_good() -> None:
    """Profiles from 1 050 t of aluminium made in Germany: counted zero (Annex III point B): SEE = 0.08."""
    p = Precursor("P1", "原铝", "76011000", D(1050), "actual", "DE", D("1.7"), D(0), "")
    r = good_see(Good("PRF", "型材", "profiles", "76042910", "extrusion", D(1000), attributed_direct_t=D(80),
                      precursors=(p,)), 2026)
    assert r.see_total == D("0.08") and r.kind == "simple" and r.parts[0].zero_origin


@pytest.mark.parametrize(("year", "expected"), [(2026, "2.2"), (2027, "2.4"), (2028, "2.6"), (2031, "2.6")])
def test_default_value_markups_metals(year: int, expected: str) -> None:
    """Aluminium default total 2.0: × 1.10 (2026), × 1.20 (2027), × 1.30 (2028 and onwards)."""
    g = Good("PRF", "型材", "profiles", "76042910", "extrusion", D(1000), basis="default",
             default=DefaultValue(D("2.0"), "CN", "2025/2621 Annex I (as corrected), table China, 7604 29 10 (test)"))
    r = good_see(g, year)
    assert r.see_total == D(expected) and r.kind == "default" and r.default_share == 1


@pytest.mark.parametrize("year", [2026, 2027, 2028])
def test_default_value_markup_fertilisers_one_percent(year: int) -> None:
    """Fertilisers: 1 % from 2026 on: 3.0 × 1.01 = 3.03 each year."""
    g = Good("UAN", "氮肥", "fertiliser", "31028000", "mixing", D(10), basis="default",
             default=DefaultValue(D("3.0"), "XX", "test value"))
    assert good_see(g, year).see_total == D("3.03")


def test_markup_table_and_transitional_years() -> None:
    assert markup("cement", 2026) == D("0.10") and markup("hydrogen", 2029) == D("0.30")
    with pytest.raises(InputError) as exc:
        markup("cement", 2025)
    assert exc.value.field == "year"


def test_in_house_precursor_is_computed_first() -> None:
    """Cast billets 7601 20 (own, 500 t, 60 t direct → 0.12) feed 400 t of profiles with 440 t of billets and
    8 t direct: 8 / 400 + 1.1 × 0.12 = 0.02 + 0.132 = 0.152."""
    billet = Good("BIL", "铸棒", "billets", "76012080", "remelting", D(500), attributed_direct_t=D(60))
    prof = Good("PRF", "型材", "profiles", "76042910", "extrusion", D(400), attributed_direct_t=D(8),
                precursors=(Precursor("B", "铸棒", "76012080", D(440), "own", "CN", good="BIL"),))
    results = installation_see([prof, billet], 2026)
    assert [r.good.id for r in results] == ["PRF", "BIL"]
    assert results[0].see_total == D("0.152") and results[1].see_total == D("0.12")


def test_cycle_and_unknown_own_precursor_are_errors() -> None:
    a = Good("A", "a", "a", "76011000", "r", D(1), precursors=(Precursor("x", "x", "76012080", D(1), "own", "CN",
                                                                          good="B"),))
    b = Good("B", "b", "b", "76012080", "r", D(1), precursors=(Precursor("y", "y", "76011000", D(1), "own", "CN",
                                                                          good="A"),))
    with pytest.raises(InputError, match="cycle"):
        installation_see([a, b], 2026)
    with pytest.raises(InputError) as exc:
        installation_see([a], 2026)
    assert exc.value.field == "goods.A.precursors[0].good"


def test_weighted_average_electricity_factor() -> None:
    """300 MWh × 0.6 + 100 MWh × 0 (PPA) = 180 t; factor 180 / 400 = 0.45 (2025/2547 Art. 9(1))."""
    r = good_see(Good("CLK", "熟料", "clinker", "25231000", "kiln", D(1000), attributed_direct_t=D(0),
                      electricity=(el("300", "0.6"), el("100", "0", "ppa"))), 2026)
    assert r.factor == D("0.45") and r.see_indirect == D("0.18")


@pytest.mark.parametrize(("cn", "sector", "direct_only"), [
    ("2601 12 00", "iron_steel", False), ("7318 15 88", "iron_steel", True), ("2523 29 00", "cement", False),
    ("3102 10 10", "fertilisers", False), ("7616 99 90", "aluminium", True), ("2804 10 00", "hydrogen", True)])
def test_classification(cn: str, sector: str, direct_only: bool) -> None:
    c = classify(cn)
    assert (c.sector, c.direct_only) == (sector, direct_only)


@pytest.mark.parametrize("cn", ["7204 10 00", "7615 10 10", "7202 21 00", "8507 60 00", "7601", "76O11000"])
def test_not_a_cbam_good_or_bad_code(cn: str) -> None:
    with pytest.raises(InputError):
        classify(cn)


def test_precursor_values_need_their_source() -> None:
    p = Precursor("P1", "原铝", "76011000", D(10), "actual", "CN", D("1.7"), D(0), " ")
    with pytest.raises(InputError) as exc:
        good_see(Good("PRF", "型材", "profiles", "76042910", "x", D(10), precursors=(p,)), 2026)
    assert exc.value.field == "goods.PRF.precursors[0].source" and "verification report" in (exc.value.expected or "")


def test_default_basis_needs_a_value_and_zero_activity_is_refused() -> None:
    with pytest.raises(InputError, match="default"):
        good_see(Good("PRF", "型材", "profiles", "76042910", "x", D(10), basis="default"), 2026)
    with pytest.raises(InputError) as exc:
        good_see(Good("PRF", "型材", "profiles", "76042910", "x", D(0)), 2026)
    assert exc.value.field == "goods.PRF.activity_t"
