"""What every activity line of one inventory shares: library, data year, region, settings, regimes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from zerocarbon.accounting.regimes import Regime, ViewMethod, selected, views_of
from zerocarbon.errors import UnitError
from zerocarbon.factors import FactorLibrary, FactorValue, FallbackPolicy
from zerocarbon.model.inventory_input import ActivityLine, Settings
from zerocarbon.units import conversion_factor, same_dimension

T = TypeVar("T")


@dataclass
class LineContext:
    """What every line of one inventory shares: library, data year, region, settings and regimes."""

    library: FactorLibrary
    year: int
    province: str
    settings: Settings
    #: MWh of each grid line covered by retired certificates (filled by the scope 2 step)
    covered_mwh: dict[str, Decimal] = field(default_factory=dict)
    covered_serials: dict[str, list[str]] = field(default_factory=dict)
    #: view key → (regime, what the view counts); empty: the three historical views only
    views: dict[str, tuple[Regime, ViewMethod]] = field(default_factory=dict)
    #: the year's exported electricity is covered by its on-site renewable generation (so it is non-fossil)
    exports_onsite: bool = False
    #: a stated value a view refused, with the reason (listed in the inventory's warnings)
    refusals: list[str] = field(default_factory=list)
    #: the regimes computed, and the warnings their choice raised
    regimes: list[Regime] = field(default_factory=list)
    regime_warnings: list[str] = field(default_factory=list)
    #: what many lines share, built once per inventory (a view's grid factor, a regime's rule as a note):
    #: key → (value, the objects whose ``id`` is in the key, kept alive so an id is never reused)
    shared: dict[tuple[Any, ...], tuple[Any, tuple[object, ...]]] = field(default_factory=dict, repr=False,
                                                                          compare=False)

    def __post_init__(self) -> None:
        if not self.views:
            self.regimes, self.regime_warnings = selected(self.settings, self.year)
            self.views = views_of(self.regimes)

    def once(self, key: tuple[Any, ...], make: Callable[[], T], *pins: object) -> T:
        """``make()`` the first time ``key`` is asked for, the same value after (``pins``: the objects whose
        ``id`` is part of ``key``). For values that depend only on this context and the key: the settings,
        year, library and regimes of an inventory do not change while its lines are computed."""
        hit = self.shared.get(key)
        if hit is None:
            hit = self.shared[key] = (make(), pins)
        return hit[0]  # type: ignore[no-any-return]

    @property
    def policy(self) -> FallbackPolicy:
        return FallbackPolicy(region_fallback=True, allow_earlier_year=self.settings.allow_earlier_factor_year,
                              allow_outside_validity=self.settings.allow_factor_outside_validity)

    def factor(self, line: ActivityLine, item: str, parameter: str, *, region: str = "CN",
               variant: str = "", year: int | None = None) -> FactorValue:
        """A measured value from the line if given, else the library's row by the lookup rule."""
        measured = line.measured.get(parameter)
        if measured is not None:
            return FactorValue.measured(item, parameter, measured.value, measured.unit, measured.evidence)
        return self.library.lookup(item, parameter, data_year=year if year is not None else self.year,
                                   region=region, variant=variant, policy=self.policy)

    def grid_region(self) -> str:
        chain = self.library.region_chain(self.province)
        return chain[1] if len(chain) > 2 and self.library.regions[self.province].level == "province" else chain[0]

    def level_region(self, level: str) -> str:
        """The region of a grid level: ``national`` → CN, ``regional`` → the grid region, ``provincial``."""
        if level.startswith("setting:"):
            level = str(getattr(self.settings, level.split(":", 1)[1]))
        return {"national": "CN", "regional": self.grid_region(), "provincial": self.province}[level]


def in_unit(value: FactorValue, unit: str) -> Decimal:
    """The factor's value in ``unit``; a factor of the wrong dimension raises."""
    return value.value * conversion_factor(value.unit, unit)


def amount_in(line: ActivityLine, unit: str, what_zh: str, what_en: str) -> Decimal:
    """The line's amount in ``unit``; an amount of the wrong dimension raises :class:`UnitError`."""
    if not same_dimension(line.unit, unit):
        raise UnitError(f"{what_zh}的单位 “{line.unit}” 量纲不对",
                        f"unit '{line.unit}' of {what_en} has the wrong dimension",
                        field="unit", expected=f"a unit convertible to {unit}")
    return line.amount * conversion_factor(line.unit, unit)
