"""The portfolio: every visible factory side by side (authority: its region; admin: all)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from zerocarbon.api.deps import PrincipalDep, StoreUrl, require_global
from zerocarbon.api.errors import COMMON_ERRORS
from zerocarbon.api.roles import GlobalPermission
from zerocarbon.api.schemas import PortfolioPublic
from zerocarbon.services import dashboard

router = APIRouter(tags=["portfolio"], responses=COMMON_ERRORS)


@router.get("/portfolio", response_model=PortfolioPublic,
            summary="Totals, intensity, renewable share and progress of every visible factory, ranked")
def get_portfolio(principal: PrincipalDep, url: StoreUrl,
                  year: Annotated[int | None, Query(ge=1900, le=2199, description="default: the newest data year")]
                  = None) -> PortfolioPublic:
    require_global(principal, GlobalPermission.PORTFOLIO)
    return PortfolioPublic.model_validate(dashboard.portfolio(principal.factories, year, url))
