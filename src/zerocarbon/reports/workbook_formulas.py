"""Each line's emissions as an Excel formula a verifier can recompute, built from the figure's derivation.

A figure (:class:`~zerocarbon.accounting.results.Figure`) says which formula the engine applied
(``E = FC × NCV × CC × OF × 44/12``, ``E = AD × EF`` …) and which factors it used. Here the same
product is written as cell references: the line's amount and unit conversion on the lines sheet, the
factor values on the factors sheet (with the unit conversion the engine applied written as a
number), and the line's own parameters (purity, fraction calcined, steam enthalpy) as numbers.

Every expression is built twice, as Excel text and as a ``Decimal`` product, and the Decimal is
compared with the engine's figure before the formula is written: a formula that would not give the
engine's number is never written; the cell then holds the engine's value and the note says why
(:data:`NOT_A_FORMULA`). Formulas follow GB/T 32150-2015 §7.4 as implemented in
:mod:`zerocarbon.accounting.formulas`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from zerocarbon.accounting.results import Figure, LineResult
from zerocarbon.factors import FactorValue
from zerocarbon.model.inventory_input import Category
from zerocarbon.reports.content import factor_key
from zerocarbon.units import conversion_factor, same_dimension

#: How far a formula may be from the engine's figure before it is refused [tCO2e]; Excel's doubles
#: and the 10-decimal intermediates (GEC, enthalpy) stay far below it.
TOLERANCE = Decimal("1e-8")
CO2_PER_C = ("44/12", Decimal(44) / Decimal(12))
#: Why a cell holds the engine's value instead of a formula (catalogue keys of the note column).
NOT_A_FORMULA = {"unknown": "wbn.not_formula", "mismatch": "wbn.mismatch"}

Term = tuple[str, Decimal]  # (Excel text, value)


@dataclass
class Product:
    """±(t₁ × t₂ × …): one product of an emission formula."""

    terms: list[Term]
    negative: bool = False

    def excel(self) -> str:
        text = "*".join(t for t, _ in self.terms) or "0"
        return f"-{text}" if self.negative else text

    def value(self) -> Decimal:
        out = Decimal(1)
        for _, v in self.terms:
            out *= v
        return -out if self.negative else out


@dataclass
class Calc:
    """What the lines sheet shows for one line in one view."""

    conversion: Decimal | None  # amount unit → AD unit (× NCV for a fuel)
    ad: Product | None  # AD in ``ad_unit``, as a product of the amount cell and numbers
    ad_unit: str
    gec: Decimal | None  # retired certificates allocated to the line [MWh]
    emissions: list[Product] | None  # None: no formula, the engine's value is written
    notes: list[str] = field(default_factory=list)  # catalogue keys or text, shown in the note column


def number(value: Decimal) -> str:
    """A Decimal as an Excel literal: plain digits, never an exponent (``1E-06`` → ``0.000001``)."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


class FactorCells:
    """Where each factor's value sits on the factors sheet (an absolute reference)."""

    def __init__(self, sheet: str, column: str, rows: Mapping[str, int], values: Mapping[str, Decimal]) -> None:
        self.sheet, self.column, self.rows, self.values = sheet, column, rows, values

    def term(self, fv: FactorValue, unit: str) -> list[Term]:
        """The factor in ``unit``: its cell, times the conversion when the factor is in another unit."""
        key = factor_key(fv)
        row = self.rows.get(key)
        if row is not None and self.values.get(key) == fv.value:
            terms: list[Term] = [(f"'{self.sheet}'!${self.column}${row}", fv.value)]
        else:  # not listed (or listed with another value): the value itself, so the product stays true
            terms = [(number(fv.value), fv.value)]
        c = conversion_factor(fv.unit, unit)
        if c != 1:
            terms.append((number(c), c))
        return terms


def _factors(fig: Figure, parameter: str) -> list[FactorValue]:
    return [f for f in fig.factors if f.parameter == parameter]


def activity(result: LineResult, base: Figure | None, row: int, amount_col: str,
             conv_col: str, cells: FactorCells) -> tuple[Decimal | None, Product | None, str, list[str]]:
    """AD of the line: conversion, the product giving AD, its unit and notes (per category)."""
    line = result.line
    amount: Term = (f"{amount_col}{row}", line.amount)

    def converted(unit: str) -> tuple[Decimal, Product, str, list[str]]:
        c = conversion_factor(line.unit, unit)
        return c, Product([amount, (f"{conv_col}{row}", c)]), unit, []

    cat = line.category
    if cat is Category.FUEL_COMBUSTION:
        if same_dimension(line.unit, "GJ"):
            return converted("GJ")
        ncv = _factors(base, "ncv") if base else []
        if not ncv:
            return None, None, "GJ", []
        c = conversion_factor(f"({line.unit})*({ncv[0].unit})", "GJ")
        return c, Product([amount, (f"{conv_col}{row}", c), *cells.term(ncv[0], ncv[0].unit)]), "GJ", []
    if cat in (Category.ELECTRICITY_PURCHASED, Category.ELECTRICITY_EXPORTED, Category.ONSITE_RENEWABLE):
        return converted("MWh")
    if cat in (Category.HEAT_PURCHASED, Category.HEAT_EXPORTED):
        if same_dimension(line.unit, "GJ"):
            return converted("GJ")
        return _steam(result, base, row, amount, conv_col)
    if cat is Category.CO2_RECOVERED and same_dimension(line.unit, "tCO2") and not same_dimension(line.unit, "t"):
        return converted("tCO2")
    return converted("t")


def _steam(result: LineResult, base: Figure | None, row: int, amount: Term,
           conv_col: str) -> tuple[Decimal | None, Product | None, str, list[str]]:
    """Steam: AD = Ma × (En − 83.74) × 10⁻³, En read from the steam tables by the engine (a number here)."""
    inter = base.intermediates if base else {}
    if "enthalpy_kJ_per_kg" not in inter:
        return None, None, "GJ", []
    c = conversion_factor(result.line.unit, "t")
    en = Decimal(inter["enthalpy_kJ_per_kg"])
    ref = Decimal("83.74") if "83.74" in inter.get("heat_formula", "") else Decimal(0)
    heat = (f"({number(en)}-{number(ref)})" if ref else number(en), en - ref)
    return c, Product([amount, (f"{conv_col}{row}", c), heat, ("0.001", Decimal("0.001"))]), "GJ", ["wbn.steam"]


def _fuel(fig: Figure, ad: Term, cells: FactorCells) -> list[Product] | None:
    cc, of = _factors(fig, "carbon_content"), _factors(fig, "oxidation_rate")
    if not cc or not of:
        return None
    out = [Product([ad, *cells.term(cc[0], "tC/GJ"), *cells.term(of[0], "dimensionless"), CO2_PER_C])]
    gwps = iter(_factors(fig, "gwp"))
    for ef in (f for f in fig.factors if f.parameter in ("ch4_ef", "n2o_ef")):
        gwp = next(gwps, None)
        if gwp is None:
            return None
        out.append(Product([ad, *cells.term(ef, "t/GJ"), *cells.term(gwp, "dimensionless")]))
    return out


def _single(fig: Figure, parameter: str, unit: str, cells: FactorCells) -> list[Term] | None:
    found = _factors(fig, parameter)
    return cells.term(found[0], unit) if len(found) == 1 else None


def emissions(result: LineResult, fig: Figure, ad: Term | None, gec: Term | None, cells: FactorCells,
              ad_unit: str) -> list[Product] | None:
    """The figure's formula as products of the AD cell and factor cells, or None when it is not one."""
    formula = fig.formula
    if formula.startswith(("E = 0", "memo:")):
        return [Product([("0", Decimal(0))])]
    if ad is None:
        return None
    line = result.line
    ef = _ef(fig, cells, ad_unit) if ad_unit in ("MWh", "GJ") else None
    rules: list[tuple[tuple[str, ...], Callable[[], list[Product] | None]]] = [
        (("E = FC × NCV × CC × OF", "E = AD × CC × OF"), lambda: _fuel(fig, ad, cells)),
        (("E = M × P × EF × F",), lambda: _product([ad, (number(line.purity), line.purity),
                                                    *(_single(fig, "emission_factor", "tCO2/t", cells) or []),
                                                    (number(line.calcination_fraction), line.calcination_fraction)],
                                                   len(fig.factors) == 1)),
        (("E = (Σ M_in",), lambda: _product([ad, *(_single(fig, "carbon_content", "tC/t", cells) or []), CO2_PER_C],
                                            len(fig.factors) == 1, negative=line.direction == "output")),
        (("E = M × GWP",), lambda: _product([ad, *(_single(fig, "gwp", "dimensionless", cells) or [])],
                                           len(fig.factors) == 1)),
        (("E = AD × 0", "E = −AD × 0"), lambda: [Product([ad, ("0", Decimal(0))])]),
        (("E = −R",), lambda: [Product([ad], negative=True)]),
        (("E = (AD − GEC) × EF",), lambda: _net(fig, ad, gec, cells, ad_unit)),
        (("E = −AD × EF",), lambda: _product([ad, *(ef or [])], ef is not None, negative=True)),
        (("E = AD × EF",), lambda: _product([ad, *(ef or [])], ef is not None)),
    ]
    for prefixes, build in rules:
        if formula.startswith(prefixes):
            return build()
    return None


def _product(terms: list[Term], ok: bool, negative: bool = False) -> list[Product] | None:
    return [Product(terms, negative)] if ok else None


def _ef(fig: Figure, cells: FactorCells, ad_unit: str) -> list[Term] | None:
    """The one emission factor of an electricity or heat figure, per unit of AD (MWh or GJ)."""
    if len(fig.factors) != 1:
        return None
    return cells.term(fig.factors[0], f"tCO2/{ad_unit}")


def _net(fig: Figure, ad: Term, gec: Term | None, cells: FactorCells, ad_unit: str) -> list[Product] | None:
    ef = _ef(fig, cells, ad_unit)
    if ef is None or gec is None:
        return None
    net = (f"({ad[0]}-{gec[0]})", ad[1] - gec[1])
    return [Product([net, *ef])]


def calc(result: LineResult, view: str, row: int, cols: Mapping[str, str], cells: FactorCells) -> Calc:
    """The lines sheet's cells for ``result`` in ``view``, checked against the engine's figure.

    ``cols`` names the columns of the lines sheet: ``amount``, ``conv``, ``ad``, ``gec``.
    """
    fig = result.figures[view]
    base = result.figures.get("gbt32150") or fig
    conv, ad_product, ad_unit, notes = activity(result, base, row, cols["amount"], cols["conv"], cells)
    gec_text = fig.intermediates.get("GEC_MWh")
    gec = Decimal(gec_text) if gec_text is not None else None
    ad_term = (f"{cols['ad']}{row}", ad_product.value()) if ad_product is not None else None
    gec_term = (f"{cols['gec']}{row}", gec) if gec is not None else None
    products = emissions(result, fig, ad_term, gec_term, cells, ad_unit)
    if products is None:
        return Calc(conv, ad_product, ad_unit, gec, None, [*notes, NOT_A_FORMULA["unknown"]])
    if abs(sum((p.value() for p in products), Decimal(0)) - fig.emissions) > TOLERANCE:
        return Calc(conv, ad_product, ad_unit, gec, None, [*notes, NOT_A_FORMULA["mismatch"]])
    return Calc(conv, ad_product, ad_unit, gec, products, notes)


def excel(products: list[Product]) -> str:
    """``=`` and the sum of the products, as Excel reads it."""
    text = "+".join(p.excel() for p in products).replace("+-", "-")
    return f"={text}"
