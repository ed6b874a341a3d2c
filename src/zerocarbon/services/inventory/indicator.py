"""Use case: the zero-carbon indicator of a computed inventory (energy from the energy package)."""

from __future__ import annotations

from decimal import Decimal

from zerocarbon.accounting.results import Inventory
from zerocarbon.accounting.zero_carbon import ZeroCarbonIndicator, indicator
from zerocarbon.energy.comprehensive import comprehensive_energy
from zerocarbon.energy.uses import energy_uses


def zero_carbon_indicator(inv: Inventory) -> ZeroCarbonIndicator:
    """单位能耗碳排放 and companions (accounting/zero_carbon.py), energy at the equal value when the
    inventory's settings give the coefficient with its source; "not assessable" otherwise."""
    coefficient = inv.settings.get("equal_value_coefficient")
    if coefficient is None:
        return indicator(inv, None)
    energy = comprehensive_energy(energy_uses(inv), electricity_basis="equal_value",
                                  equal_value_coefficient=Decimal(str(coefficient)),
                                  equal_value_source=str(inv.settings.get("equal_value_source", "")))
    return indicator(inv, energy)
