"""Energy uses per carrier: the physical energy an inventory's activity lines stand for.

The one place that says which activity lines are energy uses (GB/T 2589 boundary) and how each
enters: the input of :func:`zerocarbon.energy.comprehensive.comprehensive_energy`, for the main
job, the API and the dashboard alike.

* Electricity consumed = grid purchases + green power + on-site renewable generation − electricity
  exported (the export as a use with ``direction="output"``) [the line's unit, kWh or MWh].
* Purchased steam / heat enters as the heat computed for the inventory (the line's ``AD_GJ``
  intermediate of the GB/T 32150 view, from the enthalpy tables) [GJ], valued at GB/T 2589's heat
  coefficient.
* Fuels burnt enter by their physical amounts [the line's unit: t, Nm3, 万Nm3 …].
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from zerocarbon.accounting.results import Inventory, LineResult
from zerocarbon.energy.comprehensive import ComprehensiveEnergy, EnergyUse, comprehensive_energy
from zerocarbon.model.inventory_input import Category

#: Categories of electricity lines, each an energy use of the carrier ``electricity``.
ELECTRICITY_CATEGORIES = (Category.ELECTRICITY_PURCHASED, Category.ONSITE_RENEWABLE, Category.ELECTRICITY_EXPORTED)


def line_energy_use(result: LineResult) -> EnergyUse | None:
    """The energy use one computed activity line stands for, or None when it is not an energy use.

    Parameters
    ----------
    result : LineResult
        A line of an inventory; steam lines need their GB/T 32150 figure (``AD_GJ`` [GJ]).

    Returns
    -------
    EnergyUse or None
        Electricity [the line's unit] (exports with ``direction="output"``), heat [GJ] or a fuel
        [the line's unit]; None for process emissions, recovery, exported heat and fuels without an item.
    """
    line = result.line
    cat = line.category
    if cat in ELECTRICITY_CATEGORIES:
        return EnergyUse("electricity", line.period, line.amount, line.unit,
                         direction="output" if cat is Category.ELECTRICITY_EXPORTED else "input",
                         source=line.source or line.id)
    if cat is Category.HEAT_PURCHASED:
        gj = Decimal(result.figures["gbt32150"].intermediates["AD_GJ"])
        return EnergyUse("heat", line.period, gj, "GJ", source=f"{line.id} (steam → heat)")
    if cat is Category.FUEL_COMBUSTION and line.item:
        return EnergyUse(line.item, line.period, line.amount, line.unit, source=line.source or line.id)
    return None


def facility_energy_uses(inv: Inventory) -> list[tuple[str, EnergyUse]]:
    """Every energy use of the inventory with the facility of its line, in the order of the lines."""
    out: list[tuple[str, EnergyUse]] = []
    for r in inv.lines:
        use = line_energy_use(r)
        if use is not None:
            out.append((r.line.facility, use))
    return out


def energy_uses(inv: Inventory, facilities: Collection[str] | None = None) -> list[EnergyUse]:
    """Energy carriers consumed in the inventory's period, from its activity lines (meters and declared).

    Electricity consumed = grid purchases + green power + on-site PV generation − PV exported.
    Steam enters as the heat computed for the inventory (enthalpy tables), valued at GB/T 2589's
    heat coefficient; fuels by their physical amounts (see the module docstring).

    Parameters
    ----------
    inv : Inventory
        The computed inventory.
    facilities : collection of str, optional
        Only the lines of these facilities (all lines when None).
    """
    return [use for facility, use in facility_energy_uses(inv) if facilities is None or facility in facilities]


def energy_of(inv: Inventory) -> ComprehensiveEnergy:
    """Comprehensive energy consumption of the inventory [tce] (GB/T 2589, electricity at its equivalent value)."""
    return comprehensive_energy(energy_uses(inv))
