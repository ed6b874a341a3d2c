"""The records of a product-footprint study (GB/T 24067-2024), as read by :mod:`.study`.

Amounts are Decimals in the units named beside them; every record remembers the line of the study
file it came from, so the run can locate a problem found later (a supplier's PACT file, a factor).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

#: Life-cycle stages (GB/T 24067-2024 / ISO 14067:2018 §6.3.4): key, zh, en.
STAGES: tuple[tuple[str, str, str], ...] = (
    ("raw_materials", "原材料获取", "raw material acquisition"),
    ("production", "生产制造", "production"),
    ("distribution", "分销", "distribution"),
    ("use", "使用", "use"),
    ("end_of_life", "寿命终止", "end of life"),
)
STAGE_KEYS = tuple(k for k, _, _ in STAGES)
BOUNDARIES = {"cradle-to-gate": ("raw_materials", "production"), "cradle-to-grave": STAGE_KEYS}
ALLOCATION_BASES = ("submetered", "physical", "economic")
ELECTRICITY_RULES = ("footprint_factor", "contractual")
DISTRIBUTIONS = ("none", "lognormal", "normal", "uniform", "triangular")
PACT_UNITS = ("liter", "kilogram", "cubic meter", "kilowatt hour", "megajoule", "ton kilometer", "square meter",
              "piece", "hour", "megabit second")
DIMENSIONS = ("technological", "geographical", "temporal")


@dataclass(frozen=True)
class Uncert:
    """The distribution of an amount, relative to it (module docstring of footprint/montecarlo.py).

    ``lognormal``: geometric standard deviation ``gsd`` [1]; ``normal``: 95 % half-width ``pct95`` [%];
    ``uniform`` / ``triangular``: ``low_pct`` and ``high_pct`` below and above the amount [%].
    """

    distribution: str = "none"
    gsd: Decimal | None = None
    pct95: Decimal | None = None
    low_pct: Decimal | None = None
    high_pct: Decimal | None = None


@dataclass(frozen=True)
class Quality:
    """Data quality of an input: DQRs [1..5] per dimension and its primary-data share [fraction]."""

    technological: Decimal
    geographical: Decimal
    temporal: Decimal
    primary_share: Decimal = Decimal(0)


@dataclass(frozen=True)
class Use:
    """One line of a bill of materials: ``quantity`` [unit] of item ``ref`` per unit of the user."""

    ref: str
    quantity: Decimal
    unit: str
    stage: str
    uncertainty: Uncert
    where: str
    line: int | None


@dataclass(frozen=True)
class Leg:
    """A transport leg: ``tkm`` [t·km per unit of the user] by ``mode``, in ``stage``."""

    id: str
    mode: str
    tkm: Decimal
    stage: str
    uncertainty: Uncert
    where: str
    line: int | None


@dataclass(frozen=True)
class Dataset:
    """A background dataset: cradle-to-gate GHG per unit [kgCO2e per ``unit``], with its source and licence."""

    id: str
    name_zh: str
    name_en: str
    unit: str
    fossil: Decimal
    biogenic: Decimal
    biogenic_removal: Decimal
    other: Decimal
    source: str
    licence: str
    quality: Quality
    uncertainty: Uncert
    line: int | None


@dataclass(frozen=True)
class Supplier:
    """A supplier's footprint, from a PACT file or stated [kgCO2e per ``unit``]."""

    id: str
    name: str
    unit: str
    pact_file: Path | None
    pact_product: str | None
    fossil: Decimal | None
    other: Decimal | None
    biogenic_removal: Decimal | None
    source: str
    quality: Quality | None
    uncertainty: Uncert
    line: int | None


@dataclass(frozen=True)
class Mode:
    """A transport mode and its factor [kgCO2e per t·km], with the source the user gives."""

    id: str
    name_zh: str
    name_en: str
    factor: Decimal
    source: str
    quality: Quality
    uncertainty: Uncert
    line: int | None


@dataclass(frozen=True)
class Item:
    """A product of the study or an in-house part (intermediate) with its bill of materials."""

    id: str
    name_zh: str
    name_en: str
    unit: str
    uses: tuple[Use, ...]
    legs: tuple[Leg, ...]
    line: int | None
    factory_product: str | None = None
    pact_unit: str = "piece"
    mass_kg: Decimal | None = None
    product_ids: tuple[str, ...] = ()
    battery: Mapping[str, Any] | None = None
    #: Fossil carbon content [kgC per declared unit] (PACT v3 ``fossilCarbonContent``, required there).
    fossil_carbon_kgc: Decimal = Decimal(0)


@dataclass(frozen=True)
class Study:
    """A footprint study as read from its file (see the module docstring)."""

    path: Path
    id: str
    synthetic: bool
    title_zh: str
    title_en: str
    goal_zh: str
    goal_en: str
    standard: str
    company_name: str
    company_ids: tuple[str, ...]
    year: int
    boundary: str
    stages: tuple[str, ...]
    excluded_stages: tuple[Mapping[str, str], ...]
    cut_off: Mapping[str, Any]
    allocation_basis: str
    allocation_shares: Mapping[str, Decimal]
    allocation_reason_zh: str
    allocation_reason_en: str
    electricity_rule: str
    electricity_factor_year: int
    electricity_reason_zh: str
    electricity_reason_en: str
    gwp: str
    gate_quality: Quality
    iterations: int
    seed: int
    activity_file: Path | None
    products: tuple[Item, ...]
    parts: tuple[Item, ...]
    datasets: tuple[Dataset, ...]
    suppliers: tuple[Supplier, ...]
    modes: tuple[Mode, ...]
    created: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def item_units(self) -> dict[str, tuple[str, str]]:
        """Every id a bill of materials may name → (kind, unit)."""
        out: dict[str, tuple[str, str]] = {}
        for kind, things in (("part", self.parts), ("dataset", self.datasets), ("supplier", self.suppliers)):
            for t in things:
                out[t.id] = (kind, t.unit)
        return out
