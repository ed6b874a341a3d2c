"""The GB/T 32150 category equations, as small pure Decimal functions.

Each function implements one formula and says where it comes from. Units are fixed by the
signature (the caller converts with :mod:`zerocarbon.units` first), so a function never guesses.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

#: Ratio of the molar masses of CO2 and C (44/12), as written in GB/T 32150 and the NDRC guides.
CO2_PER_C = Decimal(44) / Decimal(12)


def fuel_activity_gj(consumption: Decimal, ncv: Decimal) -> Decimal:
    """Activity data of a fuel as heat: AD = FC × NCV.

    GB/T 32150-2015 §7.4 fuel combustion (燃料燃烧排放), activity data; NDRC 其他行业指南 formula (2).

    Parameters
    ----------
    consumption : Decimal
        Fuel consumed FC [t or 10⁴ Nm3, matching the NCV's denominator].
    ncv : Decimal
        Net calorific value NCV [GJ/t or GJ/10⁴ Nm3].

    Returns
    -------
    Decimal
        Heat of the fuel consumed [GJ].
    """
    return consumption * ncv


def fuel_emission_factor(carbon_content: Decimal, oxidation_rate: Decimal) -> Decimal:
    """Emission factor of a fuel: EF = CC × OF × 44/12.

    GB/T 32150-2015 §7.4, emission factor of fuel combustion; NDRC 其他行业指南 formula (3).

    Parameters
    ----------
    carbon_content : Decimal
        Carbon content per unit heat CC [tC/GJ].
    oxidation_rate : Decimal
        Oxidation rate OF [fraction, e.g. 0.99].

    Returns
    -------
    Decimal
        [tCO2/GJ]
    """
    return carbon_content * oxidation_rate * CO2_PER_C


def fuel_co2(heat_gj: Decimal, carbon_content: Decimal, oxidation_rate: Decimal) -> Decimal:
    """CO2 of a fuel from its heat: E = AD × CC × OF × 44/12 [tCO2] (GB/T 32150-2015 §7.4).

    Multiplies first and divides by 12 last, so a figure whose exact value terminates is exact
    (12 × 0.0153 … never meets a rounded 3.666…7). ``heat_gj`` is AD [GJ] (FC × NCV, or the heat
    stated), ``carbon_content`` CC [tC/GJ], ``oxidation_rate`` OF [fraction].
    """
    return heat_gj * carbon_content * oxidation_rate * 44 / 12


def fuel_combustion_co2(consumption: Decimal, ncv: Decimal, carbon_content: Decimal,
                        oxidation_rate: Decimal) -> Decimal:
    """E = FC × NCV × CC × OF × 44/12 [tCO2] (GB/T 32150-2015 §7.4; the issue's general method).

    Examples
    --------
    The GHGTOOL public vector ``fuel_volume_emission("2","0.015","0.98") = 0.1078`` is
    2 GJ × 0.015 tC/GJ × 0.98 × 44/12 (NCV folded into the 2 GJ of activity data).
    """
    return fuel_co2(fuel_activity_gj(consumption, ncv), carbon_content, oxidation_rate)


def combustion_gas_mass(heat_gj: Decimal, factor: Decimal) -> Decimal:
    """CH4 or N2O from burning a fuel, Tier 1: E_gas = AD × EF_gas [t of the gas].

    IPCC 2006 Guidelines Vol. 2 Ch. 2 Equation 2.1 (stationary combustion, factors of Tables 2.2/2.3),
    Ch. 3 Equation 3.2.1 (road transport, Table 3.2.2) and Equation 3.3.1 (off-road mobile, Table
    3.3.1); all three multiply the fuel's heat by a default factor per unit of heat.

    Parameters
    ----------
    heat_gj : Decimal
        Heat of the fuel burnt AD [GJ] (net calorific basis, as the IPCC tables are).
    factor : Decimal
        Emission factor of the gas EF_gas [t/GJ] (the tables print kg/TJ = 10⁻⁶ t/GJ).

    Returns
    -------
    Decimal
        Mass of the gas [t]; multiply by its GWP for tCO2e (:func:`gas_co2e`).

    Examples
    --------
    Off-road diesel, 100 t × 42.652 GJ/t = 4 265.2 GJ at 28.6 kg N2O/TJ (Table 3.3.1):
    4 265.2 × 28.6 × 10⁻⁶ = 0.12198472 t N2O.
    """
    return heat_gj * factor


def carbonate_co2(mass: Decimal, purity: Decimal, emission_factor: Decimal,
                  calcination_fraction: Decimal = Decimal(1)) -> Decimal:
    """Process CO2 from carbonate decomposition: E = M × P × EF × F [tCO2].

    GB/T 32150-2015 §7.4 process emissions (过程排放), carbonate form; IPCC 2006 Vol.3 Ch.2 Eq. 2.
    ``EF`` is the stoichiometric factor [tCO2/t carbonate] (CaCO3 0.43971 …), ``F`` the fraction
    calcined [fraction].
    """
    return mass * purity * emission_factor * calcination_fraction


def mass_balance_co2(inputs: Iterable[tuple[Decimal, Decimal]], outputs: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """Carbon mass balance: E = (Σ M_in × C_in − Σ M_out × C_out) × 44/12 [tCO2].

    GB/T 32150-2015 §7.4 process emissions, mass-balance form (碳质量平衡法). Each pair is
    (mass [t], carbon content [tC/t]).
    """
    carbon_in = sum((m * c for m, c in inputs), Decimal(0))
    carbon_out = sum((m * c for m, c in outputs), Decimal(0))
    return (carbon_in - carbon_out) * CO2_PER_C


def gas_co2e(mass: Decimal, gwp: Decimal) -> Decimal:
    """A non-CO2 greenhouse gas in CO2-equivalent: E = M × GWP [tCO2e].

    GB/T 32150-2015 §7.4 and its GWP appendix; the same product gives fugitive emissions (逸散排放:
    refrigerant top-ups, SF6 from switchgear), where M is the mass lost, e.g. the mass refilled in
    the year [t], and the CH4/N2O of combustion in CO2-equivalent.
    """
    return mass * gwp


def electricity_co2(mwh: Decimal, factor: Decimal) -> Decimal:
    """Purchased or exported electricity: E = AD × EF [tCO2] with AD [MWh], EF [tCO2/MWh].

    GB/T 32150-2015 §7.4 (购入/输出的电力); GHGTOOL vector ``purchased_electricity_emission("100","0.5306") = 53.06``.
    """
    return mwh * factor


def heat_co2(gj: Decimal, factor: Decimal) -> Decimal:
    """Purchased or exported heat: E = AD × EF [tCO2], AD [GJ], EF [tCO2/GJ] (0.11 default, GB/T 32150—2025 §7.5.6)."""
    return gj * factor


def combined_uncertainty_product(pcts: Iterable[Decimal]) -> Decimal:
    """Uncertainty of a product of independent terms: U = √(Σ Uᵢ²) [%].

    IPCC 2006 Guidelines Vol.1 Ch.3 Equation 3.1 (Approach 1, multiplication).
    """
    return sum((p * p for p in pcts), Decimal(0)).sqrt()


def combined_uncertainty_sum(terms: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """Uncertainty of a sum: U = √(Σ (Uᵢ·xᵢ)²) / |Σ xᵢ| [%], terms as (xᵢ, Uᵢ [%]).

    IPCC 2006 Guidelines Vol.1 Ch.3 Equation 3.2 (Approach 1, addition).
    """
    pairs = list(terms)
    total = sum((x for x, _ in pairs), Decimal(0))
    if total == 0:
        return Decimal(0)
    return sum(((u * x) ** 2 for x, u in pairs), Decimal(0)).sqrt() / abs(total)
