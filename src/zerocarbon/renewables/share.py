"""Renewable share of the electricity a factory consumes, with its derivation.

    share [%] = (on-site renewable generation consumed on site + green power bought
                 + green certificates applied) / electricity consumed × 100

where, all in MWh over the inventory's period:

* electricity consumed = grid purchases + green power + on-site generation − electricity exported
  (the electricity of :func:`zerocarbon.energy.uses.energy_uses`);
* on-site generation consumed = max(generation − export, 0): exports are counted against on-site
  generation first;
* the certificates are those the inventory applied to grid purchases
  (:attr:`~zerocarbon.accounting.results.Inventory.certificates_applied`); certificates bundled with
  green power are its proof and are not counted again.

The share is None when no electricity was consumed. Each part is a sum of the inventory's line
amounts (Decimal, converted exactly to MWh).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from zerocarbon.accounting.results import Inventory, plain
from zerocarbon.model.inventory_input import Category
from zerocarbon.units import conversion_factor

ZERO = Decimal(0)
#: The formula as shown beside the figure.
FORMULA = "(max(PV − export, 0) + green power + GEC) / (grid + green power + PV − export) × 100"


def _mwh(amount: Decimal, unit: str) -> Decimal:
    return amount if unit == "MWh" else amount * conversion_factor(unit, "MWh")


@dataclass(frozen=True)
class RenewableShare:
    """The renewable share of electricity consumed and its parts.

    Attributes
    ----------
    share_pct : Decimal or None
        Renewable share of electricity consumed [%]; None when nothing was consumed.
    renewable_mwh, consumed_mwh : Decimal
        Numerator and denominator [MWh].
    onsite_consumed_mwh, onsite_generated_mwh, exported_mwh : Decimal
        On-site generation consumed on site, generated, and electricity exported [MWh].
    green_power_mwh, certificates_mwh, grid_mwh : Decimal
        Green power bought, certificates applied to grid purchases, grid purchases [MWh].
    formula : str
        :data:`FORMULA`.
    derivation : str
        The formula with the numbers filled in (3 decimals).
    """

    share_pct: Decimal | None
    renewable_mwh: Decimal
    consumed_mwh: Decimal
    onsite_consumed_mwh: Decimal
    onsite_generated_mwh: Decimal
    exported_mwh: Decimal
    green_power_mwh: Decimal
    certificates_mwh: Decimal
    grid_mwh: Decimal
    formula: str
    derivation: str


def renewable_share(inv: Inventory) -> RenewableShare:
    """Renewable share of electricity consumed [%] and its parts [MWh] (definition: module docstring).

    Parameters
    ----------
    inv : Inventory
        A computed inventory (its lines and the certificates it applied).
    """
    grid = green = generated = exported = ZERO
    for r in inv.lines:
        line = r.line
        if line.category is Category.ELECTRICITY_PURCHASED:
            mwh = _mwh(line.amount, line.unit)
            if line.electricity_kind in ("green_power", "direct_line"):
                green += mwh
            else:
                grid += mwh
        elif line.category is Category.ONSITE_RENEWABLE:
            generated += _mwh(line.amount, line.unit)
        elif line.category is Category.ELECTRICITY_EXPORTED:
            exported += _mwh(line.amount, line.unit)
    # certificates applied to grid purchases (bundled ones are the proof of green power, not listed here)
    certificates = sum((Decimal(c["mwh"]) for c in inv.certificates_applied), ZERO)
    consumed = grid + green + generated - exported
    onsite = max(generated - exported, ZERO)
    renewable = onsite + green + certificates
    share = renewable / consumed * 100 if consumed > 0 else None
    return RenewableShare(
        share_pct=share, renewable_mwh=renewable, consumed_mwh=consumed, onsite_consumed_mwh=onsite,
        onsite_generated_mwh=generated, exported_mwh=exported, green_power_mwh=green,
        certificates_mwh=certificates, grid_mwh=grid, formula=FORMULA,
        derivation=f"({plain(onsite, 3)} + {plain(green, 3)} + {plain(certificates, 3)}) MWh / "
                   f"{plain(consumed, 3)} MWh",
    )
