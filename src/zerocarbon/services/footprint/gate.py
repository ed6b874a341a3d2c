"""Gate-to-gate emissions of each product from the factory's inventory (the accounting core's lines).

Each line of the year's inventory is taken as the accounting core computed it, except purchased
electricity, which a product footprint counts with the electricity carbon-footprint factor
(item ``electricity_footprint`` of the factor library: MEE/NBS/NEA, 2023 0.6205 and 2024 0.5777
kgCO2e/kWh) instead of the scope-2 grid factor, as the study's rule says:

- ``footprint_factor``: every purchased MWh × the footprint factor;
- ``contractual``: the MWh covered by green-power contracts or certificates (the inventory's market
  view: a green-power line whole, or the GEC MWh matched to a grid line) count 0 kgCO2e; the rest ×
  the footprint factor.

Direct emissions (scope 1) and purchased heat use the inventory's GHG Protocol figure of the line
(``location`` view: every gas of the line with the inventory's GWP set); biomass CO2 lines are biogenic.
Exported electricity and on-site renewable generation carry no emissions of the products (the
exported MWh are sold; the generation itself is zero-emission in the inventory) and are listed as left out.

Every amount [tCO2e over the period] is allocated to the products by the house's one rule
(:func:`zerocarbon.footprint.allocation.allocate`: the facilities dedicated to a product, sub-metered,
plus its share of the shared facilities), with the shares of the study when it states them, and
divided by the product's output in the period [kgCO2e per unit]. Uncertainty: each line's 95 %
half-width from the inventory, lines taken as independent, carried to the product by the same weights.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zerocarbon.accounting.results import Inventory, LineResult
from zerocarbon.errors import InputError
from zerocarbon.factors import FactorLibrary, default_library
from zerocarbon.footprint.allocation import allocate, product_output
from zerocarbon.model.inventory_input import InventoryInput
from zerocarbon.services.footprint.records import Study

ZERO = Decimal(0)
#: Gate-to-gate groups (process names in the results): key → (zh, en).
GROUPS = {
    "electricity": ("外购电力（电力碳足迹因子）", "Purchased electricity (footprint factor)"),
    "heat_purchased": ("外购热力", "Purchased heat"),
    "fuel_combustion": ("化石燃料燃烧", "Fuel combustion"),
    "process_carbonate": ("工业过程（碳酸盐）", "Process (carbonates)"),
    "fugitive": ("逸散排放", "Fugitive emissions"),
    "biomass": ("生物质燃烧（生物源 CO2）", "Biomass combustion (biogenic CO2)"),
}
LEFT_OUT = ("electricity_exported", "onsite_renewable")


@dataclass(frozen=True)
class GateLine:
    """One group of gate-to-gate emissions allocated to one product.

    Attributes
    ----------
    product : str
        The study product id.
    group : str
        Key of :data:`GROUPS` (or another inventory category).
    tco2e : Decimal
        Allocated over the period [tCO2e].
    output : Decimal
        The product's output in the period [its unit].
    kg_per_unit : Decimal
        ``tco2e × 1000 / output`` [kgCO2e per unit].
    biogenic : bool
        Biomass CO2 (reported apart from fossil).
    pct95 : Decimal
        95 % half-width, relative [%].
    derivation : str
        How the amount was allocated.
    """

    product: str
    group: str
    tco2e: Decimal
    output: Decimal
    kg_per_unit: Decimal
    biogenic: bool
    pct95: Decimal
    derivation: str


@dataclass
class GateToGate:
    """The gate-to-gate part of every product, and how it was made."""

    lines: list[GateLine]
    electricity: dict[str, Any]
    allocation: dict[str, Any]
    left_out: list[dict[str, str]] = field(default_factory=list)
    period: str = ""

    def of(self, product: str) -> list[GateLine]:
        return [g for g in self.lines if g.product == product]


def _group(r: LineResult) -> str:
    if r.biomass:
        return "biomass"
    return str(r.line.category.value)


def _figure(r: LineResult) -> Decimal:
    fig = r.figures.get("location") or r.figures.get("gbt32150")
    return fig.emissions if fig is not None else ZERO


def electricity_split(r: LineResult, rule: str) -> tuple[Decimal, Decimal]:
    """(MWh at the footprint factor, MWh covered by contracts or certificates) of a purchased-electricity line."""
    fig = r.figures.get("gbt32150") or r.figures.get("location")
    mwh = Decimal(fig.intermediates["AD_MWh"]) if fig is not None and "AD_MWh" in fig.intermediates else ZERO
    if rule != "contractual":
        return mwh, ZERO
    market = r.figures.get("market")
    if r.line.electricity_kind == "green_power" and market is not None and market.emissions == 0:
        return ZERO, mwh
    if market is not None and "residual_MWh" in market.intermediates:
        residual = Decimal(market.intermediates["residual_MWh"])
        return residual, mwh - residual
    return mwh, ZERO


def gate_to_gate(study: Study, data: InventoryInput, inventory: Inventory,
                 library: FactorLibrary | None = None) -> GateToGate:
    """Gate-to-gate emissions per product of ``study`` from the factory's ``inventory`` (module docstring).

    Raises
    ------
    InputError
        A study product names no product of the factory; a product has no output in the period;
        the footprint factor of the year is not in the library.
    """
    lib = library or default_library()
    factor = lib.lookup("electricity_footprint", "emission_factor", data_year=study.electricity_factor_year,
                        region="CN")
    ef = factor.value  # tCO2e/MWh (= kgCO2e/kWh)
    period = str(inventory.settings.get("period", inventory.year))
    factory_products = {p.id: p for p in data.factory.products}
    for item in study.products:
        if item.factory_product not in factory_products:
            raise InputError(f"研究产品 {item.id} 对应的工厂产品 {item.factory_product} 不存在",
                             f"study product {item.id}: the factory has no product {item.factory_product}",
                             file=str(study.path), row=item.line, field=f"products.{item.id}.factory_product",
                             expected=", ".join(factory_products) or "a product of the factory")
    products = [p.model_copy(update={"shared_allocation": study.allocation_shares.get(p.id, p.shared_allocation)})
                for p in data.factory.products]
    amounts: dict[str, list[tuple[str, Decimal, Decimal]]] = defaultdict(list)  # group → (facility, t, pct)
    grid_mwh = covered_mwh = ZERO
    left_out: list[dict[str, str]] = []
    for r in inventory.lines:
        cat = r.line.category.value
        if cat in LEFT_OUT or (r.scope is None and not r.biomass):
            left_out.append({"line": r.line.id, "category": cat, "facility": r.line.facility})
            continue
        if cat == "electricity_purchased":
            grid, covered = electricity_split(r, study.electricity_rule)
            grid_mwh += grid
            covered_mwh += covered
            amounts["electricity"].append((r.line.facility, grid * ef, r.uncertainty_pct))
        else:
            amounts[_group(r)].append((r.line.facility, _figure(r), r.uncertainty_pct))
    lines: list[GateLine] = []
    by_id = {p.id: p for p in products}
    owner = {f: p.id for p in products for f in p.facilities}  # as the rule reads it: the last listing wins
    for item in study.products:
        product = by_id[str(item.factory_product)]
        output = product_output(data.production, product, period)
        if output <= 0:
            raise InputError(f"产品 {product.id} 在 {period} 没有产量记录", f"product {product.id} has no output in "
                             f"{period}", file=str(study.path), row=item.line, field=f"products.{item.id}",
                             expected="production records of the factory")
        for group, rows in amounts.items():
            (alloc,) = [a for a in allocate(products, ((f, t) for f, t, _ in rows)) if a.product.id == product.id]
            if alloc.amount == 0:
                continue
            weights = [_weight(owner, product.id, f, alloc.share) for f, _, _ in rows]
            var = sum(((w * t * pct / 100) ** 2 for w, (_, t, pct) in zip(weights, rows, strict=True)), ZERO)
            pct95 = (var.sqrt() / abs(alloc.amount) * 100) if alloc.amount else ZERO
            lines.append(GateLine(product=item.id, group=group, tco2e=alloc.amount, output=output,
                                  kg_per_unit=alloc.amount * 1000 / output, biogenic=group == "biomass",
                                  pct95=pct95, derivation=alloc.derivation("tCO2e", output)))
    row = factor.row
    electricity = {"rule": study.electricity_rule, "factor_tco2e_per_mwh": str(ef),
                   "factor_id": row.factor_id if row else None, "source": row.citation() if row else None,
                   "status": row.status if row else None, "data_year": study.electricity_factor_year,
                   "grid_mwh": str(grid_mwh), "covered_mwh": str(covered_mwh),
                   "reason_zh": study.electricity_reason_zh, "reason_en": study.electricity_reason_en}
    allocation = {"rule": "footprint/allocation.py: A_p = Σ A_f (f dedicated to p) + s_p × Σ A_f (shared)",
                  "basis": study.allocation_basis,
                  "shares": {p.id: str(p.shared_allocation) for p in products},
                  "shares_from": "study" if study.allocation_shares else "factory",
                  "dedicated": {p.id: list(p.facilities) for p in products},
                  "reason_zh": study.allocation_reason_zh, "reason_en": study.allocation_reason_en}
    return GateToGate(lines=lines, electricity=electricity, allocation=allocation, left_out=left_out, period=period)


def _weight(owner: dict[str, str], product: str, facility: str, share: Decimal) -> Decimal:
    """Part of a facility's amount that goes to ``product`` under the rule (1 or 0 dedicated, its share when shared)."""
    if facility in owner:
        return Decimal(1) if owner[facility] == product else ZERO
    return share
