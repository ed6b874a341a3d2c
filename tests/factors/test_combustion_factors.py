"""Rows for complete scope 1: CH4/N2O of combustion (IPCC 2006 Vol. 2) and fuel defaults by data year."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from zerocarbon.errors import FactorError
from zerocarbon.factors import default_library

FUEL_PARAMETERS = ("ncv", "carbon_content", "oxidation_rate")
#: fuels with a complete default set for data year 2023 (docs/factor-sources.md)
COMPLETE_2023 = ("natural_gas", "diesel", "lpg", "gasoline", "kerosene", "fuel_oil", "crude_oil", "coke",
                 "refinery_dry_gas", "raw_coal")
#: fuels whose carbon content or oxidation rate for data years before 2025 was not found (listed as missing)
MISSING_2023 = ("cleaned_coal", "other_cleaned_coal", "briquette", "anthracite", "bituminous_coal", "lignite",
                "coke_oven_gas", "blast_furnace_gas", "converter_gas")


def test_nonco2_rows_cite_the_ipcc_table() -> None:
    rows = [r for r in default_library().rows if r.file == "combustion_nonco2.csv"]
    assert len(rows) >= 40
    for row in rows:
        assert row.parameter in ("ch4_ef", "n2o_ef") and row.gas == row.parameter[:-3].upper()
        assert row.source_document.startswith("2006 IPCC Guidelines") and row.edition == "2006"
        assert row.clause.startswith("Table ") and row.unit == "kg/TJ"
        assert "ipcc-nggip.iges.or.jp" in row.note and row.status in ("verified", "single-source")


@pytest.mark.parametrize(("variant", "gas", "value"), [
    ("offroad_industry", "n2o_ef", "28.6"), ("offroad_industry", "ch4_ef", "4.15"),
    ("stationary_manufacturing", "n2o_ef", "0.6"), ("road", "n2o_ef", "3.9")])
def test_diesel_nonco2_factors(variant: str, gas: str, value: str) -> None:
    """IPCC 2006 Vol. 2: Table 3.3.1 off-road industry diesel 4.15 / 28.6; Table 2.3 3 / 0.6; Table 3.2.2 3.9 / 3.9."""
    assert default_library().lookup("diesel", gas, variant=variant, region="*", data_year=2023).value == D(value)


@pytest.mark.parametrize("item", COMPLETE_2023)
@pytest.mark.parametrize("year", [2023, 2026])
def test_fuel_defaults_valid_for_the_data_year(item: str, year: int) -> None:
    lib = default_library()
    for parameter in FUEL_PARAMETERS:
        fv = lib.lookup(item, parameter, data_year=year)
        assert fv.row is not None and fv.row.valid_for_year(year)
        assert fv.row.source_document and fv.row.edition and fv.row.clause


def test_raw_coal_defaults() -> None:
    """原煤: 20.908 GJ/t (GB/T 2589 附录A); 26.37 tC/TJ and 0.94 (third-party compilation, single source)."""
    lib = default_library()
    values = {p: lib.lookup("原煤", p, data_year=2023) for p in FUEL_PARAMETERS}
    assert [values[p].value for p in FUEL_PARAMETERS] == [D("20.908"), D("0.02637"), D("0.94")]
    assert values["carbon_content"].row is not None and values["carbon_content"].row.status == "single-source"
    assert "book118" in values["carbon_content"].row.note


@pytest.mark.parametrize("item", MISSING_2023)
def test_fuels_without_a_2023_source_are_refused(item: str) -> None:
    """Only GB/T 32151.34—2024 表C.1 (in force 2025-03-01) gives these; a 2023 inventory is told so."""
    lib = default_library()
    with pytest.raises(FactorError):
        for parameter in FUEL_PARAMETERS:
            lib.lookup(item, parameter, data_year=2023)
    for parameter in FUEL_PARAMETERS:
        assert lib.lookup(item, parameter, data_year=2025).row is not None


def test_new_items_have_names() -> None:
    lib = default_library()
    for item in ("raw_coal", "cleaned_coal", "coke_oven_gas", "blast_furnace_gas", "fuel_oil", "kerosene"):
        assert lib.items[item].name_zh and lib.items[item].name_en
