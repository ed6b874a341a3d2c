"""Comprehensive energy consumption (综合能耗) in tonnes of standard coal equivalent, per GB/T 2589.

E = Σ (Eᵢ × kᵢ)   [tce]

with Eᵢ the physical quantity of energy carrier i consumed (minus what is delivered outside the
boundary, ``direction="output"``) and kᵢ its standard-coal coefficient (折标准煤系数) from the
factor library (``gbt2589.csv``, parameter ``sce_coefficient``; GB/T 2589 附录A "各种能源折标准煤
参考系数"). The tabulated coefficients are used as printed, never recomputed from calorific values
(20 908 / 29 307 = 0.7134 is not the table's 0.7143).

Electricity is converted either

* at its **equivalent value** (当量值, the default): 0.1229 kgce/kWh, the heat content of 1 kWh
  (3 600 kJ / 29 307 kJ per kgce), from the library row; or
* at its **equal value** (等价值): the coal used to generate and supply 1 kWh in that year
  (供电标准煤耗) [kgce/kWh]. It changes every year, so it is a required argument when chosen
  and never defaulted.

Reported totals are :class:`~decimal.Decimal`; every line names its coefficient with provenance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from zerocarbon.errors import FactorError, InputError, UnitError
from zerocarbon.factors import FactorLibrary, FactorValue, default_library
from zerocarbon.model.inventory_input import ProductionRecord
from zerocarbon.model.period import Period
from zerocarbon.units import conversion_factor

ElectricityBasis = Literal["equivalent", "equal_value"]
PARAMETER = "sce_coefficient"
ELECTRICITY = "electricity"
ZERO = Decimal(0)


@dataclass(frozen=True)
class EnergyUse:
    """A physical quantity of one energy carrier in one period.

    Attributes
    ----------
    item : str
        Carrier as a library item or alias (``electricity``/电力, ``natural_gas``/天然气, ``raw_coal``/原煤 …).
    period : str
        ``YYYY-MM`` (or ``YYYY``).
    amount : Decimal
        Quantity [``unit``], positive.
    unit : str
        Unit of ``amount`` (kWh, t, Nm3, 万Nm3, GJ …); must fit the coefficient's denominator.
    variant : str
        Coefficient variant where the table has several (steam pressure grade ``1.0MPa``; natural gas
        ``oilfield``).
    direction : {"input", "output"}
        Consumed, or delivered outside the boundary (subtracted).
    source : str
        Where the figure comes from (meters, invoices …).
    """

    item: str
    period: str
    amount: Decimal
    unit: str
    variant: str = ""
    direction: Literal["input", "output"] = "input"
    source: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise InputError("能源实物量须为十进制数 (Decimal)", "amount must be a Decimal (no float detour)",
                             field="amount")
        if self.amount < 0:
            raise InputError("能源实物量应为正数，输出用 direction=output 表示",
                             "amounts are positive; use direction='output' for energy delivered outside",
                             field="amount")
        Period.parse(self.period)


@dataclass(frozen=True)
class Coefficient:
    """A standard-coal coefficient as used, with where it came from."""

    item: str
    variant: str
    value: Decimal
    unit: str
    basis: str  # "tabulated", "equivalent" (electricity 当量值) or "equal_value" (electricity 等价值)
    factor: FactorValue | None
    source: str

    def to_trace(self) -> dict[str, Any]:
        return {"item": self.item, "variant": self.variant, "value": str(self.value), "unit": self.unit,
                "basis": self.basis, "source": self.source,
                "factor": self.factor.to_trace() if self.factor is not None else None}


@dataclass(frozen=True)
class EnergyLine:
    """One use converted: tce = ± amount × k (unit conversion exact)."""

    use: EnergyUse
    item_id: str
    coefficient: Coefficient
    tce: Decimal  # signed: output negative

    def to_trace(self) -> dict[str, Any]:
        u = self.use
        return {"item": self.item_id, "period": u.period, "amount": str(u.amount), "unit": u.unit,
                "direction": u.direction, "source": u.source, "tce": str(self.tce),
                "formula": f"{'−' if u.direction == 'output' else ''}{u.amount} {u.unit} × {self.coefficient.value} "
                           f"{self.coefficient.unit}",
                "coefficient": self.coefficient.to_trace()}


@dataclass
class ComprehensiveEnergy:
    """Comprehensive energy consumption [tce] by carrier and month, with every coefficient's provenance."""

    lines: list[EnergyLine]
    total_tce: Decimal
    by_item: dict[str, Decimal]
    by_period: dict[str, Decimal]
    by_item_period: dict[tuple[str, str], Decimal]
    electricity_basis: ElectricityBasis
    coefficients: list[Coefficient] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "GB/T 2589: E = Σ Eᵢ × kᵢ [tce]",
            "electricity_basis": self.electricity_basis,
            "total_tce": str(self.total_tce),
            "by_item": {k: str(v) for k, v in self.by_item.items()},
            "by_period": {k: str(v) for k, v in self.by_period.items()},
            "by_item_period": [{"item": i, "period": p, "tce": str(v)} for (i, p), v in self.by_item_period.items()],
            "coefficients": [c.to_trace() for c in self.coefficients],
            "lines": [ln.to_trace() for ln in self.lines],
        }


def _coefficient(item_id: str, variant: str, lib: FactorLibrary, basis: ElectricityBasis,
                 equal_value: Decimal | None, equal_value_source: str) -> Coefficient:
    if item_id == ELECTRICITY and basis == "equal_value":
        assert equal_value is not None
        return Coefficient(item_id, variant, equal_value, "kgce/kWh", "equal_value", None,
                           equal_value_source or "等价值 (供电标准煤耗) given by the caller")
    try:
        fv = lib.lookup(item_id, PARAMETER, variant=variant, region="*")
    except FactorError as exc:
        variants = sorted({r.variant for r in lib.rows if r.item == item_id and r.parameter == PARAMETER})
        if not variants:
            raise FactorError(f"GB/T 2589 系数表中没有 “{item_id}”", f"GB/T 2589 has no coefficient for '{item_id}'",
                              field="item", expected="a carrier with a row in gbt2589.csv") from exc
        shown = [v or '""' for v in variants]
        raise FactorError(f"“{item_id}” 的折标系数需指定类别 {shown}",
                          f"'{item_id}' needs a coefficient variant, one of {shown}", field="variant",
                          expected=" | ".join(shown)) from exc
    row = fv.row
    basis_label = "equivalent" if item_id == ELECTRICITY else "tabulated"
    return Coefficient(item_id, variant, fv.value, fv.unit, basis_label, fv,
                       row.citation() if row is not None else "")


def comprehensive_energy(uses: Iterable[EnergyUse], *, electricity_basis: ElectricityBasis = "equivalent",
                         equal_value_coefficient: Decimal | None = None, equal_value_source: str = "",
                         library: FactorLibrary | None = None) -> ComprehensiveEnergy:
    """Comprehensive energy consumption of ``uses`` [tce] (GB/T 2589, E = Σ Eᵢ × kᵢ).

    Parameters
    ----------
    uses : iterable of EnergyUse
        Physical quantities per carrier and period.
    electricity_basis : {"equivalent", "equal_value"}
        Electricity at its equivalent value (当量值, 0.1229 kgce/kWh from the library) or at the equal
        value (等价值) given in ``equal_value_coefficient``.
    equal_value_coefficient : Decimal, optional
        The equal-value coefficient [kgce/kWh] (that year's 供电标准煤耗). Required with
        ``electricity_basis="equal_value"`` (no default exists: it changes every year); refused otherwise.
    equal_value_source : str
        Where the equal-value coefficient comes from (recorded in the trace).
    library : FactorLibrary, optional
        Defaults to the shipped library.

    Raises
    ------
    InputError
        Missing or misplaced equal-value coefficient.
    FactorError, UnitError
        A carrier without a coefficient (or without its variant), or a unit the coefficient does
        not apply to.
    """
    if electricity_basis not in ("equivalent", "equal_value"):
        raise InputError(f"电力折标方式无效：{electricity_basis}", f"bad electricity basis {electricity_basis!r}",
                         field="electricity_basis", expected="equivalent | equal_value")
    if electricity_basis == "equal_value":
        if equal_value_coefficient is None:
            raise InputError("按等价值折算电力时必须给出等价值系数（kgce/kWh，当年供电标准煤耗）",
                             "the equal-value basis needs equal_value_coefficient [kgce/kWh] (that year's coal "
                             "per kWh supplied); it has no default", field="equal_value_coefficient",
                             expected="a Decimal such as Decimal('0.300')")
        if not isinstance(equal_value_coefficient, Decimal) or equal_value_coefficient <= 0:
            raise InputError("等价值系数须为正的 Decimal", "equal_value_coefficient must be a positive Decimal",
                             field="equal_value_coefficient")
    elif equal_value_coefficient is not None:
        raise InputError("当量值折算不使用等价值系数", "equal_value_coefficient is only used with "
                         "electricity_basis='equal_value'", field="equal_value_coefficient")
    lib = library or default_library()
    coeffs: dict[tuple[str, str], Coefficient] = {}
    lines: list[EnergyLine] = []
    for use in uses:
        item_id = lib.resolve_item(use.item)
        key = (item_id, use.variant)
        if key not in coeffs:
            coeffs[key] = _coefficient(item_id, use.variant, lib, electricity_basis, equal_value_coefficient,
                                       equal_value_source)
        coef = coeffs[key]
        try:
            to_tce = conversion_factor(f"({use.unit})*({coef.unit})", "tce")
        except UnitError as exc:
            raise UnitError(f"“{use.item}” 的单位 “{use.unit}” 与折标系数单位 “{coef.unit}” 不匹配",
                            f"unit '{use.unit}' of '{use.item}' does not fit the coefficient unit '{coef.unit}'",
                            field="unit", expected=f"the unit {coef.unit} applies to") from exc
        sign = Decimal(-1) if use.direction == "output" else Decimal(1)
        lines.append(EnergyLine(use, item_id, coef, sign * use.amount * coef.value * to_tce))
    by_item: dict[str, Decimal] = defaultdict(Decimal)
    by_period: dict[str, Decimal] = defaultdict(Decimal)
    by_item_period: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for ln in lines:
        period = str(Period.parse(ln.use.period))
        by_item[ln.item_id] += ln.tce
        by_period[period] += ln.tce
        by_item_period[(ln.item_id, period)] += ln.tce
    return ComprehensiveEnergy(
        lines=lines, total_tce=sum((ln.tce for ln in lines), ZERO), by_item=dict(sorted(by_item.items())),
        by_period=dict(sorted(by_period.items(), key=lambda kv: Period.parse(kv[0]))),
        by_item_period=dict(sorted(by_item_period.items(), key=lambda kv: (kv[0][0], Period.parse(kv[0][1])))),
        electricity_basis=electricity_basis, coefficients=list(coeffs.values()))


@dataclass(frozen=True)
class EnergyIntensity:
    """Comprehensive energy per unit of product [tce per unit]."""

    product: str
    output: Decimal
    unit: str
    share: Decimal
    energy_tce: Decimal
    intensity: Decimal | None
    derivation: str


def energy_intensities(result: ComprehensiveEnergy, production: Iterable[ProductionRecord], *,
                       allocation: Mapping[str, Decimal] | None = None) -> list[EnergyIntensity]:
    """Unit-product comprehensive energy (单位产品综合能耗) of each product [tce per unit of output].

    The energy is ``result.total_tce`` (the caller chooses the periods and the boundary); with one
    product it is all of it, with several each needs its share in ``allocation`` (fractions that sum
    to 1). Output of a product is summed over its records (Decimal), converted to the unit of its
    first record.

    Raises
    ------
    InputError
        Several products without allocation, shares not summing to 1, a product missing its share.
    """
    records = list(production)
    products: dict[str, list[ProductionRecord]] = defaultdict(list)
    for rec in records:
        products[rec.product].append(rec)
    if not products:
        return []
    if allocation is None:
        if len(products) > 1:
            raise InputError("有多个产品时须给出能耗分摊比例 (allocation)",
                             "with several products each needs its share of the energy (allocation)",
                             field="allocation", expected="fractions summing to 1")
        shares = {next(iter(products)): Decimal(1)}
    else:
        missing = sorted(set(products) - set(allocation))
        if missing:
            raise InputError(f"产品 {missing} 缺少分摊比例", f"products {missing} have no share in allocation",
                             field="allocation")
        total_share = sum((allocation[p] for p in products), ZERO)
        if total_share != 1:
            raise InputError(f"分摊比例之和为 {total_share}，应为 1", f"allocation sums to {total_share}, not 1",
                             field="allocation", expected="fractions summing to 1")
        shares = {p: allocation[p] for p in products}
    out: list[EnergyIntensity] = []
    for product, recs in products.items():
        unit = recs[0].unit
        output = sum((r.amount if r.unit == unit else r.amount * conversion_factor(r.unit, unit) for r in recs), ZERO)
        energy = result.total_tce * shares[product]
        out.append(EnergyIntensity(
            product=product, output=output, unit=unit, share=shares[product], energy_tce=energy,
            intensity=energy / output if output else None,
            derivation=f"{shares[product]} × {result.total_tce} tce / {output} {unit}"))
    return out
