"""The electricity factor of each method regime's view for a data year, to value electricity saved.

A kWh saved is a kWh of grid electricity not bought, so it abates what the view charges a grid kWh:
the regime's grid factor, chosen by the inventory's own rule
(:func:`zerocarbon.accounting.indirect.grid_factor`). A view whose
factor the library lacks for that year is reported as unavailable with the reason, never filled.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from zerocarbon.accounting.context import LineContext
from zerocarbon.accounting.indirect import grid_factor
from zerocarbon.accounting.regimes import selected, views_of
from zerocarbon.errors import FactorError
from zerocarbon.factors import FactorLibrary, FactorValue, default_library
from zerocarbon.model.inventory_input import Settings


@dataclass(frozen=True)
class ViewFactor:
    """The grid electricity factor of one view, or why there is none.

    Attributes
    ----------
    view : str
        ``gbt32150``, ``location``, ``market``, ``ets`` or ``zero_carbon``.
    regime, regime_name_zh, regime_name_en : str
        The regime that defines the view.
    factor : FactorValue or None
        The library row [tCO2/MWh], None when unavailable.
    reason : str
        Why unavailable ("" when available).
    """

    view: str
    regime: str
    regime_name_zh: str
    regime_name_en: str
    factor: FactorValue | None
    reason: str = ""

    @property
    def tco2_per_mwh(self) -> Decimal | None:
        """The factor's value [tCO2/MWh]."""
        return None if self.factor is None else self.factor.value

    def to_dict(self) -> dict[str, object]:
        return {"view": self.view, "regime": self.regime, "regime_name_zh": self.regime_name_zh,
                "regime_name_en": self.regime_name_en, "reason": self.reason,
                "factor": self.factor.to_trace() if self.factor is not None else None}


def electricity_factors(settings: Settings, year: int, province: str, library: FactorLibrary | None = None,
                        region: str | None = None) -> list[ViewFactor]:
    """The grid electricity factor of every view the inventory settings select for ``year``.

    Parameters
    ----------
    settings : Settings
        The inventory's settings (regimes, grid scopes, residual choice).
    year : int
        Data year.
    province : str
        The factory's province (the inventory's).
    library : FactorLibrary, optional
    region : str, optional
        Overrides the region of every view's level (the register's ``grid_region``).

    Returns
    -------
    list of ViewFactor
    """
    lib = library or default_library()
    regimes, _ = selected(settings, year)
    ctx = LineContext(library=lib, year=year, province=province, settings=settings, views=views_of(regimes))
    out: list[ViewFactor] = []
    for view, (regime, method) in ctx.views.items():
        try:
            fv, _ = grid_factor(ctx, method, region)
            out.append(ViewFactor(view, regime.id, regime.name_zh, regime.name_en, fv))
        except (FactorError, KeyError) as exc:
            out.append(ViewFactor(view, regime.id, regime.name_zh, regime.name_en, None,
                                  reason=exc.message("en") if isinstance(exc, FactorError)
                                  else f"unknown region {exc}"))
    return out
