"""Inventory results, each figure with its derivation (trace)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zerocarbon.accounting.notices import notices_dict, prose
from zerocarbon.factors import FactorValue
from zerocarbon.model.inventory_input import ActivityLine, Category

VIEWS = ("gbt32150", "location", "market")


def plain(value: Decimal, places: int = 10) -> str:
    """A Decimal for reading: at most ``places`` decimals, no trailing zeros, no exponent.

    Display only: results keep full precision, and comparisons are made on the full value.
    """
    quantum = Decimal(1).scaleb(-places)
    text = format(value.quantize(quantum) if value.as_tuple().exponent < -places else value, "f")  # type: ignore[operator]
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass
class Figure:
    """One calculated emission figure in one accounting view, with its derivation.

    ``emissions`` is signed as it enters the view's total [tCO2e]: exported energy and recovered
    CO2 are negative in the GB/T 32150 view. A direct-emission figure also says which gases make it
    up: ``gases`` [t of each gas] and ``gases_co2e`` [tCO2e of each gas], which sum to ``emissions``;
    empty for indirect figures. ``warnings`` name what the figure leaves out (e.g. a gas without a
    factor); the inventory lists them.
    """

    view: str
    emissions: Decimal
    formula: str
    factors: list[FactorValue]
    intermediates: dict[str, str] = field(default_factory=dict)
    note: str = ""
    gases: dict[str, Decimal] = field(default_factory=dict)
    gases_co2e: dict[str, Decimal] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "view": self.view,
            "emissions_tco2e": str(self.emissions),
            "formula": self.formula,
            "factors": [f.to_trace() for f in self.factors],
            "intermediates": dict(self.intermediates),
            "note": self.note,
            # the engine's words in Chinese (formula, note, values that are words); the fields above are English
            "zh": {"formula": prose(self.formula, "zh"), "note": prose(self.note, "zh"),
                   "intermediates": {k: prose(v, "zh") for k, v in self.intermediates.items()}},
        }
        if self.gases:
            out["gases"] = {g: {"mass_t": str(m), "co2e_t": str(self.gases_co2e.get(g, Decimal(0)))}
                            for g, m in self.gases.items()}
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out


@dataclass
class UncertaintyPart:
    """One uncertain input of a line: what it is, its 95 % half-width and where that came from."""

    name: str
    pct: Decimal
    key: str  # identity for correlation: the activity line, or the factor row shared by lines
    basis: str


@dataclass
class LineResult:
    """An activity line and its emissions in every view that applies."""

    line: ActivityLine
    item_name_zh: str
    item_name_en: str
    gas: str
    gas_mass_t: Decimal | None
    scope: str | None  # "1", "2" or None (exported energy, recovered CO2, memo items)
    biomass: bool
    figures: dict[str, Figure]
    uncertainty_parts: list[UncertaintyPart] = field(default_factory=list)
    uncertainty_pct: Decimal = Decimal(0)

    @property
    def category(self) -> Category:
        return self.line.category

    def emissions(self, view: str = "gbt32150") -> Decimal:
        fig = self.figures.get(view)
        return fig.emissions if fig is not None else Decimal(0)

    def to_dict(self) -> dict[str, Any]:
        line = self.line
        return {
            "id": line.id,
            "facility": line.facility,
            "category": line.category.value,
            "item": line.item,
            "item_name_zh": self.item_name_zh,
            "item_name_en": self.item_name_en,
            "period": line.period,
            "activity": {"amount": str(line.amount), "unit": line.unit, "source": line.source,
                         "data_quality": line.data_quality},
            "gas": self.gas,
            "gas_mass_t": None if self.gas_mass_t is None else str(self.gas_mass_t),
            "scope": self.scope,
            "biomass": self.biomass,
            "emissions_tco2e": {v: str(f.emissions) for v, f in self.figures.items()},
            "figures": {v: f.to_dict() for v, f in self.figures.items()},
            "uncertainty_pct": str(self.uncertainty_pct),
            "uncertainty_parts": [
                {"name": p.name, "pct": str(p.pct), "key": p.key, "basis": p.basis, "basis_zh": prose(p.basis, "zh")}
                for p in self.uncertainty_parts
            ],
        }


@dataclass
class ExcludedInstrument:
    serial: str
    mwh: Decimal
    reason_zh: str
    reason_en: str


@dataclass
class Totals:
    """The headline figures [tCO2e], labelled by view."""

    gbt32150_total: Decimal
    scope1: Decimal
    scope2_location: Decimal
    scope2_market: Decimal
    biomass_co2: Decimal
    exported_electricity: Decimal
    exported_heat: Decimal
    recovered_co2: Decimal

    def to_dict(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items()}


@dataclass
class Intensity:
    product: str
    name_zh: str
    name_en: str
    output: Decimal
    unit: str
    emissions: Decimal
    intensity: Decimal | None  # tCO2e per unit of output
    derivation: str


@dataclass
class Uncertainty:
    approach1_pct: Decimal
    mc_mean: float
    mc_low: float
    mc_high: float
    mc_draws: int
    mc_seed: int
    mc_low_pct: float
    mc_high_pct: float


@dataclass
class Inventory:
    """A factory's inventory for one data year."""

    factory_id: str
    factory_name_zh: str
    factory_name_en: str
    year: int
    settings: dict[str, Any]
    factor_library_version: str
    lines: list[LineResult]
    totals: Totals
    breakdowns: dict[str, dict[str, Decimal]]
    intensities: list[Intensity]
    uncertainty: Uncertainty | None
    certificates_applied: list[dict[str, str]]
    certificates_excluded: list[ExcludedInstrument]
    warnings: list[str]
    #: regime id → name, edition, documents, rules, views and totals (accounting/data/regimes.yaml)
    regimes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def line(self, line_id: str) -> LineResult:
        for result in self.lines:
            if result.line.id == line_id:
                return result
        raise KeyError(line_id)

    def to_dict(self) -> dict[str, Any]:
        unc = self.uncertainty
        return {
            "factory": {"id": self.factory_id, "name_zh": self.factory_name_zh, "name_en": self.factory_name_en},
            "year": self.year,
            "settings": self.settings,
            "factor_library_version": self.factor_library_version,
            "unit": "tCO2e",
            "totals": self.totals.to_dict(),
            "breakdowns": {k: {kk: str(vv) for kk, vv in v.items()} for k, v in self.breakdowns.items()},
            "intensities": [
                {"product": i.product, "name_zh": i.name_zh, "name_en": i.name_en, "output": str(i.output),
                 "unit": i.unit, "emissions_tco2e": str(i.emissions),
                 "intensity_tco2e_per_unit": None if i.intensity is None else str(i.intensity),
                 "derivation": i.derivation}
                for i in self.intensities
            ],
            "uncertainty": None if unc is None else {
                "approach1_pct": str(unc.approach1_pct),
                "monte_carlo": {"mean": unc.mc_mean, "ci95_low": unc.mc_low, "ci95_high": unc.mc_high,
                                "ci95_low_pct": unc.mc_low_pct, "ci95_high_pct": unc.mc_high_pct,
                                "draws": unc.mc_draws, "seed": unc.mc_seed},
            },
            "certificates_applied": self.certificates_applied,
            "certificates_excluded": [
                {"serial": c.serial, "mwh": str(c.mwh), "reason_zh": c.reason_zh, "reason_en": c.reason_en}
                for c in self.certificates_excluded
            ],
            "warnings": self.warnings,
            "notices": notices_dict(self.warnings),
            "regimes": self.regimes,
            "lines": [r.to_dict() for r in self.lines],
        }
