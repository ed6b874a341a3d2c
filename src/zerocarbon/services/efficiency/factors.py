"""The electricity factor of each method regime's view for a data year, to value electricity saved.

A kWh saved is a kWh of grid electricity not bought, so it abates what the view charges a grid kWh:
the regime's grid factor (``accounting/data/regimes.yaml``, ``electricity.factor`` at its
``level``, of the data year or the year the regime fixes) looked up in the one factor library by
the same rule as the inventory (:class:`zerocarbon.accounting.context.LineContext`). A view whose
factor the library lacks for that year is reported as unavailable with the reason, never filled.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from zerocarbon.accounting.context import LineContext
from zerocarbon.accounting.regimes import selected, views_of
from zerocarbon.errors import FactorError
from zerocarbon.factors import FactorLibrary, FactorValue, default_library
from zerocarbon.model.inventory_input import Settings

#: Library item of the market view's residual, by the inventory setting ``market_residual_factor``.
RESIDUAL_ITEM = {"excl_market_nonfossil": "electricity_grid_excl_market_nonfossil",
                 "grid_average": "electricity_grid_average"}


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
        el = method.electricity
        item = el.factor
        if item.startswith("setting:"):
            item = RESIDUAL_ITEM[str(getattr(settings, item.split(":", 1)[1]))]
        data_year = year
        if el.fixed_data_year is not None and not (
                el.fixed_setting and getattr(settings, el.fixed_setting, None) == "data_year"):
            data_year = el.fixed_data_year
        try:
            where = region or ctx.level_region(el.level)
            fv = lib.lookup(item, "emission_factor", data_year=data_year, region=where, policy=ctx.policy)
            out.append(ViewFactor(view, regime.id, regime.name_zh, regime.name_en, fv))
        except (FactorError, KeyError) as exc:
            out.append(ViewFactor(view, regime.id, regime.name_zh, regime.name_en, None,
                                  reason=exc.message("en") if isinstance(exc, FactorError)
                                  else f"unknown region {exc}"))
    return out
