"""Allocation of a factory's emissions or energy to its products: the one rule.

A product gets the amount of the facilities dedicated to it plus its declared share of the amount
of the shared facilities (those dedicated to no product):

    A_p = Σ A_f (f dedicated to p)  +  s_p × Σ A_f (f dedicated to no product)

with ``A`` any additive amount (emissions [tCO2e] for the intensities of
:func:`zerocarbon.accounting.inventory.compute_inventory`, comprehensive energy [tce] for the energy
per unit of product) and ``s_p`` the product's ``shared_allocation`` [fraction]. A sole product
without a declared share takes all of the shared amount. A facility listed under several products
belongs to the last of them. Amounts are summed in the order given (Decimal), so the figures do not
depend on who calls.

Errors (:class:`~zerocarbon.errors.InputError`, only when the shared amount is not zero): several
products and one of them without ``shared_allocation``; shares that do not sum to 1.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from zerocarbon.errors import InputError
from zerocarbon.model.inventory_input import Product, ProductionRecord
from zerocarbon.model.period import Period
from zerocarbon.units import conversion_factor

ZERO = Decimal(0)


@dataclass(frozen=True)
class ProductAllocation:
    """The amount allocated to one product and how.

    Attributes
    ----------
    product : Product
        The product (id, names, unit of output).
    dedicated : Decimal
        Amount of the facilities dedicated to the product [the amount's unit].
    share : Decimal
        The product's share of the shared facilities [fraction].
    shared : Decimal
        Amount of all shared facilities [the amount's unit].
    amount : Decimal
        ``dedicated + shared × share`` [the amount's unit].
    """

    product: Product
    dedicated: Decimal
    share: Decimal
    shared: Decimal
    amount: Decimal

    def derivation(self, unit: str, output: Decimal, show: Callable[[Decimal], str] = str) -> str:
        """``(dedicated + share × shared) unit / output product-unit``.

        Parameters
        ----------
        unit : str
            Unit of the amounts (``tCO2e``, ``tce``).
        output : Decimal
            The product's output in the period [the product's unit].
        show : callable
            How the dedicated and shared amounts are written (in full by default).
        """
        return (f"({show(self.dedicated)} dedicated + {self.share} × {show(self.shared)} shared) {unit} / "
                f"{output} {self.product.unit}")


def allocate(products: Sequence[Product], amounts: Iterable[tuple[str, Decimal]]) -> list[ProductAllocation]:
    """Allocate ``amounts`` to ``products`` (the rule of the module docstring).

    Parameters
    ----------
    products : sequence of Product
        The factory's products with their dedicated facilities and ``shared_allocation`` [fraction].
    amounts : iterable of (str, Decimal)
        (facility id, amount) pairs, e.g. one per inventory line [tCO2e or tce].

    Returns
    -------
    list of ProductAllocation
        One per product, in the order of ``products``; empty without products.

    Raises
    ------
    InputError
        The shared amount is not zero and a share is missing (several products) or the shares do not sum to 1.
    """
    if not products:
        return []
    owner = {f: p.id for p in products for f in p.facilities}
    own: dict[str, Decimal] = defaultdict(Decimal)
    shared = ZERO
    for facility, amount in amounts:
        product = owner.get(facility)
        if product:
            own[product] += amount
        else:
            shared += amount
    shares = {p.id: p.shared_allocation for p in products}
    if len(products) == 1 and shares[products[0].id] is None:
        shares[products[0].id] = Decimal(1)
    if shared != 0 and any(s is None for s in shares.values()):
        raise InputError("有多个产品时须为每个产品声明公用设施排放的分摊比例 (shared_allocation)",
                         "with several products each needs shared_allocation for the emissions of shared facilities",
                         field="factory.products.shared_allocation", expected="fractions summing to 1")
    total_share = sum((s or ZERO for s in shares.values()), ZERO)
    if shared != 0 and total_share != 1:
        raise InputError(f"产品分摊比例之和为 {total_share}，应为 1", f"shared_allocation sums to {total_share}, not 1",
                         field="factory.products.shared_allocation", expected="fractions summing to 1")
    out = []
    for p in products:
        share = shares[p.id] or ZERO
        out.append(ProductAllocation(product=p, dedicated=own[p.id], share=share, shared=shared,
                                     amount=own[p.id] + shared * share))
    return out


def product_output(production: Iterable[ProductionRecord], product: Product, period: str) -> Decimal:
    """Output of ``product`` in the records that fall within ``period`` [the product's unit].

    Records in another unit are converted exactly (:func:`zerocarbon.units.conversion_factor`).
    """
    scope = Period.parse(period)
    records = [rec for rec in production if rec.product == product.id and scope.contains(Period.parse(rec.period))]
    return sum((rec.amount * conversion_factor(rec.unit, product.unit) if rec.unit != product.unit else rec.amount
                for rec in records), ZERO)
