"""Comprehensive energy consumption per GB/T 2589, checked against the standard's coefficients.

Worked examples from /work/shared/reference/standards-cn.md §2 (GB/T 2589 附录A "各种能源折标准煤参考系数"):
原煤 0.7143 kgce/kg, 电力（当量值）0.1229 kgce/kWh, 气田天然气 1.2143 kgce/m³ (12.1430 tce per 10⁴ m³ in the
statistical reporting units of the same section), 热力 0.03412 kgce/MJ.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zerocarbon.energy import EnergyUse, comprehensive_energy, energy_intensities
from zerocarbon.errors import FactorError, InputError, UnitError
from zerocarbon.model.inventory_input import ProductionRecord

D = Decimal


def test_worked_examples_from_the_standard() -> None:
    """100 t raw coal × 0.7143 = 71.43 tce; 1 000 000 kWh × 0.1229 kgce/kWh = 122.9 tce (standards-cn.md §2)."""
    coal = comprehensive_energy([EnergyUse("原煤", "2023-01", D(100), "t")])
    assert coal.total_tce == D("71.43")
    power = comprehensive_energy([EnergyUse("电力", "2023-01", D(1_000_000), "kWh")])
    assert power.total_tce == D("122.9")
    gas = comprehensive_energy([EnergyUse("天然气", "2023-01", D(1), "万Nm3")])
    assert gas.total_tce == D("12.143")
    heat = comprehensive_energy([EnergyUse("heat", "2023-01", D(1000), "GJ")])
    assert heat.total_tce == D("34.12")


def test_per_carrier_and_month_with_provenance() -> None:
    result = comprehensive_energy([
        EnergyUse("原煤", "2023-01", D(100), "t", source="台账"),
        EnergyUse("electricity", "2023-01", D(500_000), "kWh", source="meters: E1"),
        EnergyUse("electricity", "2023-02", D(500_000), "kWh", source="meters: E1"),
        EnergyUse("electricity", "2023-02", D(100_000), "kWh", direction="output", source="meters: X1"),
    ])
    assert result.by_item_period == {("electricity", "2023-01"): D("61.45"), ("electricity", "2023-02"): D("49.16"),
                                     ("raw_coal", "2023-01"): D("71.43")}
    assert result.by_period == {"2023-01": D("132.88"), "2023-02": D("49.16")}
    assert result.total_tce == D("182.04")
    coeffs = {c.item: c for c in result.coefficients}
    assert coeffs["electricity"].basis == "equivalent" and coeffs["electricity"].value == D("0.1229")
    assert coeffs["raw_coal"].factor is not None and coeffs["raw_coal"].factor.row is not None
    assert coeffs["raw_coal"].factor.row.factor_id == "gbt2589.raw_coal.sce_coefficient.2008"
    assert "GB/T 2589" in coeffs["raw_coal"].source
    trace = result.to_dict()
    assert trace["lines"][3]["tce"] == "-12.2900000" and trace["lines"][3]["direction"] == "output"


def test_equal_value_needs_its_coefficient() -> None:
    uses = [EnergyUse("电力", "2023-01", D(1_000_000), "kWh")]
    with pytest.raises(InputError, match="equal_value_coefficient"):
        comprehensive_energy(uses, electricity_basis="equal_value")
    with pytest.raises(InputError):
        comprehensive_energy(uses, equal_value_coefficient=D("0.3"))  # not with the equivalent basis
    result = comprehensive_energy(uses, electricity_basis="equal_value", equal_value_coefficient=D("0.301"),
                                  equal_value_source="统计公报 2023 供电标准煤耗 301 gce/kWh")
    assert result.total_tce == D("301")
    coef = result.coefficients[0]
    assert (coef.basis, coef.factor, coef.source) == ("equal_value", None, "统计公报 2023 供电标准煤耗 301 gce/kWh")


def test_units_variants_and_unknown_carriers() -> None:
    assert comprehensive_energy([EnergyUse("原煤", "2023-01", D(100_000), "kg")]).total_tce == D("71.43")
    with pytest.raises(UnitError):
        comprehensive_energy([EnergyUse("原煤", "2023-01", D(100), "kWh")])
    with pytest.raises(FactorError, match="variant"):
        comprehensive_energy([EnergyUse("steam", "2023-01", D(10), "t")])
    steam = comprehensive_energy([EnergyUse("steam", "2023-01", D(10), "t", variant="1.0MPa")])
    assert steam.total_tce == D("1.08571")
    with pytest.raises(FactorError):
        comprehensive_energy([EnergyUse("CaCO3", "2023-01", D(1), "t")])
    with pytest.raises(InputError):
        EnergyUse("原煤", "2023-01", 1.5, "t")  # type: ignore[arg-type]


def test_intensities_per_unit_of_product() -> None:
    result = comprehensive_energy([EnergyUse("原煤", "2023-01", D(100), "t")])
    single = energy_intensities(result, [ProductionRecord(product="P", period="2023-01", amount=D(1000), unit="t")])
    assert single[0].intensity == D("0.07143") and single[0].share == 1
    records = [ProductionRecord(product="A", period="2023", amount=D(10), unit="t"),
               ProductionRecord(product="B", period="2023", amount=D(20), unit="t")]
    with pytest.raises(InputError):
        energy_intensities(result, records)
    with pytest.raises(InputError):
        energy_intensities(result, records, allocation={"A": D("0.5"), "B": D("0.4")})
    both = {i.product: i for i in energy_intensities(result, records, allocation={"A": D("0.4"), "B": D("0.6")})}
    assert both["A"].intensity == D("2.8572") and both["B"].energy_tce == D("42.858")


@given(st.lists(st.decimals(min_value=0, max_value=10**9, places=3), min_size=1, max_size=12))
def test_total_is_the_sum_of_months(amounts: list[Decimal]) -> None:
    """Linearity: the total of monthly uses equals one use of their sum (Decimal, exact)."""
    months = [EnergyUse("电力", f"2023-{i % 12 + 1:02d}", a, "kWh") for i, a in enumerate(amounts)]
    whole = EnergyUse("电力", "2023", sum(amounts, D(0)), "kWh")
    assert comprehensive_energy(months).total_tce == comprehensive_energy([whole]).total_tce
