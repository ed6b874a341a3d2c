"""The zero-carbon factory indicator (单位能耗碳排放) and its companions, with their trace.

Method: 发改环资〔2025〕910号 annex 3 (国家级零碳园区建设指标体系（试行）, 二.1 and 二.2) and annex 4
(零碳园区碳排放核算方法（试行）), as the ``zero-carbon`` regime of ``accounting/data/regimes.yaml``:

* E [tCO2] = the ``zero_carbon`` view of the inventory: CO2 only; non-fossil electricity (direct
  supply, green-power trade, certificates) at 0, other electricity at the national fossil-power
  factor; fossil heat measured or 0.11 tCO2/GJ; net of exports (附件4 一, 二(二)3).
* 单位能耗碳排放 = E / 综合能源消费量 [tCO2/tce], energy with electricity at its **equal value**
  (等价值, 附件3 二.1) — the year's 供电标准煤耗, a required input with no default.
* Non-fossil share of energy use = (non-fossil electricity at the same equal value + biomass fuels)
  / comprehensive energy [fraction].
* Physically traceable share of non-fossil electricity = (on-site generation used on site + direct
  lines) / non-fossil electricity [fraction]; green-power trades and certificates are excluded (MIIT
  2026 zero-carbon factory notice as reported by Xinhua, 2026-07-22 — secondary). Direct lines are the
  purchases of ``electricity_kind: direct_line`` (绿电直连); on-site generation whose certificates were
  sold (``certificates_kept: false``) is not non-fossil for the factory (the holder claims it) and
  is left out of both.

Energy is not defined here: the caller passes the comprehensive energy computed by
:mod:`zerocarbon.energy.comprehensive` from :func:`zerocarbon.energy.uses.energy_uses` (the energy
package builds on accounting, so accounting takes its result through a protocol, not an import).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from zerocarbon.accounting.results import Inventory, plain
from zerocarbon.factors import default_library
from zerocarbon.model.inventory_input import Category
from zerocarbon.units import conversion_factor

ZERO = Decimal(0)
VIEW = "zero_carbon"


class CoefficientLike(Protocol):
    """What the indicator reads of a standard-coal coefficient (``energy.comprehensive.Coefficient``)."""

    @property
    def item(self) -> str: ...
    @property
    def value(self) -> Decimal: ...
    @property
    def unit(self) -> str: ...


class EnergyLike(Protocol):
    """What the indicator reads of :class:`zerocarbon.energy.comprehensive.ComprehensiveEnergy`."""

    @property
    def total_tce(self) -> Decimal: ...
    @property
    def electricity_basis(self) -> str: ...
    @property
    def by_item(self) -> Mapping[str, Decimal]: ...
    @property
    def coefficients(self) -> Sequence[CoefficientLike]: ...


def carbon_per_energy(co2_t: Decimal, energy_tce: Decimal) -> Decimal:
    """单位能耗碳排放 = E / 综合能源消费量 [tCO2/tce] (910号 附件3 二.2)."""
    return co2_t / energy_tce


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole [fraction]; None when the whole is zero (no share to state)."""
    return part / whole if whole else None


@dataclass(frozen=True)
class NonFossilElectricity:
    """Non-fossil electricity of the inventory under the zero-carbon regime [MWh]."""

    onsite_used: Decimal  # on-site renewable generation minus the electricity exported
    direct_line: Decimal  # direct supply from a non-fossil plant (electricity_kind direct_line, 绿电直连)
    green_trade: Decimal  # green-power trade with proof (electricity_kind green_power)
    certificates: Decimal  # grid MWh covered by retired certificates

    @property
    def total(self) -> Decimal:
        return self.onsite_used + self.direct_line + self.green_trade + self.certificates

    @property
    def traceable(self) -> Decimal:
        return self.onsite_used + self.direct_line


@dataclass(frozen=True)
class ZeroCarbonIndicator:
    """The indicator and its companions; ``not_assessable`` says why a figure is missing."""

    co2_t: Decimal
    energy_tce: Decimal | None
    intensity: Decimal | None  # tCO2/tce
    non_fossil_share: Decimal | None
    traceable_share: Decimal | None
    electricity: NonFossilElectricity
    trace: dict[str, str] = field(default_factory=dict)
    not_assessable: str = ""

    def to_dict(self) -> dict[str, Any]:
        def s(v: Decimal | None) -> str | None:
            return None if v is None else str(v)

        e = self.electricity
        return {"regime": "zero-carbon", "co2_t": str(self.co2_t), "energy_tce": s(self.energy_tce),
                "intensity_tco2_per_tce": s(self.intensity), "non_fossil_share": s(self.non_fossil_share),
                "traceable_share_of_non_fossil_electricity": s(self.traceable_share),
                "non_fossil_electricity_mwh": {"onsite_used": str(e.onsite_used), "direct_line": str(e.direct_line),
                                               "green_trade": str(e.green_trade),
                                               "certificates": str(e.certificates), "total": str(e.total)},
                "trace": dict(self.trace), "not_assessable": self.not_assessable}


def _mwh(inv: Inventory, cat: Category, kind: str | None = None, *, sold: bool | None = None) -> Decimal:
    return sum((r.line.amount * conversion_factor(r.line.unit, "MWh") for r in inv.lines
                if r.category is cat and (kind is None or r.line.electricity_kind == kind)
                and (sold is None or (r.line.certificates_kept is False) == sold)), ZERO)


def non_fossil_electricity(inv: Inventory) -> NonFossilElectricity:
    """On-site, direct, traded and certificate-covered non-fossil electricity of the inventory [MWh].

    On-site used = generation whose certificates were not sold − electricity exported (the exports
    are taken from that generation first), never below 0.
    """
    onsite = _mwh(inv, Category.ONSITE_RENEWABLE, sold=False) - _mwh(inv, Category.ELECTRICITY_EXPORTED)
    certs = sum((Decimal(c["mwh"]) for c in inv.certificates_applied), ZERO)
    return NonFossilElectricity(onsite_used=max(onsite, ZERO),
                                direct_line=_mwh(inv, Category.ELECTRICITY_PURCHASED, "direct_line"),
                                green_trade=_mwh(inv, Category.ELECTRICITY_PURCHASED, "green_power"),
                                certificates=certs)


def indicator(inv: Inventory, energy: EnergyLike | None) -> ZeroCarbonIndicator:
    """The zero-carbon indicator of ``inv`` with comprehensive energy ``energy`` at the equal value.

    Parameters
    ----------
    inv : Inventory
        Computed with the ``zero-carbon`` regime among its regimes.
    energy : EnergyLike or None
        Comprehensive energy [tce] with electricity at its equal value (``electricity_basis ==
        "equal_value"``); None when the equal-value coefficient is not known.

    Returns
    -------
    ZeroCarbonIndicator
        The intensity is None and ``not_assessable`` states why when the inventory lacks the regime,
        the energy is missing or not at the equal value, or the energy is zero.
    """
    co2 = sum((r.emissions(VIEW) for r in inv.lines if not r.biomass), ZERO)
    el = non_fossil_electricity(inv)
    traceable = share(el.traceable, el.total)
    trace = {"E_formula": "E = Σ zero_carbon view of the lines (CO2; 910号 附件4)", "E_tCO2": plain(co2),
             "traceable_formula": "(on-site used + direct lines) / non-fossil electricity",
             "direct_line_note": "direct lines: purchases of electricity_kind direct_line (绿电直连); on-site "
                                 "generation with certificates sold is not counted"}
    if VIEW not in {v for r in inv.lines for v in r.figures}:
        return ZeroCarbonIndicator(co2, None, None, None, traceable, el, trace,
                                   "the inventory was not computed under the zero-carbon regime")
    if energy is None or energy.electricity_basis != "equal_value":
        return ZeroCarbonIndicator(co2, None, None, None, traceable, el, trace,
                                   "electricity at its equal value (等价值, 910号 附件3 二.1) needs the year's "
                                   "供电标准煤耗 (settings.equal_value_coefficient with its source); none was given")
    if not energy.total_tce:
        return ZeroCarbonIndicator(co2, energy.total_tce, None, None, traceable, el, trace,
                                   "comprehensive energy is zero")
    coef = next(c for c in energy.coefficients if c.item == "electricity") if el.total else None
    nonfossil_tce = ZERO
    if coef is not None:
        nonfossil_tce = el.total * Decimal(1000) * coef.value * conversion_factor(f"kWh*({coef.unit})", "tce")
        trace["non_fossil_electricity_tce"] = (f"{plain(el.total)} MWh × {coef.value} {coef.unit} = "
                                               f"{plain(nonfossil_tce)} tce")
    lib = default_library()
    biomass_items = {lib.resolve_item(r.line.item) for r in inv.lines
                     if r.biomass and r.category is Category.FUEL_COMBUSTION and r.line.item}
    biomass_tce = sum((v for k, v in energy.by_item.items() if k in biomass_items), ZERO)
    intensity = carbon_per_energy(co2, energy.total_tce)
    trace.update({"energy_tce": plain(energy.total_tce), "intensity_formula": "E / 综合能源消费量 (910号 附件3 二.2)",
                  "intensity": f"{plain(co2)} / {plain(energy.total_tce)} = {plain(intensity)} tCO2/tce",
                  "biomass_tce": plain(biomass_tce)})
    return ZeroCarbonIndicator(co2, energy.total_tce, intensity, share(nonfossil_tce + biomass_tce, energy.total_tce),
                               traceable, el, trace)
