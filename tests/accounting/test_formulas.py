"""The category equations against published worked vectors."""

from __future__ import annotations

from decimal import Decimal as D

from zerocarbon.accounting import formulas as fx


def test_fuel_combustion_ghgtool_vector() -> None:
    """GB/T 32151.34—2024 calculator vector, adgo07/GHGTOOL tests/test_g06_carbon_material.py:
    fuel_volume_emission("2", "0.015", "0.98") = 0.1078 (2 GJ × 0.015 tC/GJ × 0.98 × 44/12)."""
    assert fx.fuel_combustion_co2(D("2"), D("1"), D("0.015"), D("0.98")) == D("0.1078")


def test_fuel_mass_and_energy_vectors() -> None:
    """Same source: fuel_energy_from_volume("2", "35") = 70 GJ; fuel_energy_from_mass("10", "28") = 280 GJ."""
    assert fx.fuel_activity_gj(D("2"), D("35")) == D("70")
    assert fx.fuel_activity_gj(D("10"), D("28")) == D("280")


def test_carbonate_ghgtool_vector() -> None:
    """Same source: fgd_emission(10 t, purity 0.90, EF 0.44, fraction 1) = 3.96 tCO2."""
    assert fx.carbonate_co2(D("10"), D("0.90"), D("0.44"), D("1")) == D("3.96")


def test_purchased_electricity_ghgtool_vector() -> None:
    """Same source: purchased_electricity_emission("100", "0.5306") = 53.06 tCO2 (2023 national factor)."""
    assert fx.electricity_co2(D("100"), D("0.5306")) == D("53.06")


def test_heat_default_factor() -> None:
    """GB/T 32150—2025 §7.5.6: 0.11 tCO2/GJ; 2.8 GJ → 0.308 tCO2 (GHGTOOL purchased_heat_emission vector)."""
    assert fx.heat_co2(D("2.8"), D("0.11")) == D("0.308")


def test_natural_gas_by_hand() -> None:
    """10 万Nm3 of natural gas with GB/T 32151.34—2024 Table C.1 defaults (389.31 GJ/10⁴Nm3, 0.0153 tC/GJ, 0.99):
    10 × 389.31 = 3893.1 GJ; × 0.0153 = 59.56443 tC; × 0.99 = 58.9687857; × 44/12 = 216.2188809 tCO2."""
    e = fx.fuel_combustion_co2(D("10"), D("389.31"), D("0.0153"), D("0.99"))
    assert e == D("216.2188809")


def test_mass_balance_and_gwp() -> None:
    """Mass balance: (100 t × 0.8 tC/t − 20 t × 0.5 tC/t) × 44/12 = 256.67 tCO2; HFC-134a 0.01 t × 1530 = 15.3."""
    e = fx.mass_balance_co2([(D("100"), D("0.8"))], [(D("20"), D("0.5"))])
    assert abs(e - D("70") * D(44) / D(12)) < D("1e-20")
    assert fx.gas_co2e(D("0.01"), D("1530")) == D("15.30")


def test_ipcc_approach1_equations() -> None:
    """IPCC 2006 Vol.1 Ch.3 Eq. 3.1: √(3² + 4²) = 5 %; Eq. 3.2: √((100·10)² + (100·0)²)/200 = 5 %."""
    assert fx.combined_uncertainty_product([D(3), D(4)]) == D(5)
    assert fx.combined_uncertainty_sum([(D(100), D(10)), (D(100), D(0))]) == D(5)
    assert fx.combined_uncertainty_sum([]) == D(0)
