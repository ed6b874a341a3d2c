"""The zero-carbon verdict (零碳评价) of a factory, and the authority's regional view with its workbook.

Thin: :mod:`zerocarbon.services.dashboard.verdict` evaluates (the same use cases as ``zerocarbon verdict``
and ``zerocarbon region``) and labels; these routes check who asks. The regional view covers the factories
the caller sees (authority: its region; admin: all) and needs the portfolio permission; while it runs,
``…/progress`` says how many factories are done. With ``ZEROCARBON_REGION_PORTFOLIO_DIR`` holding the year's
``region assess --portfolio`` file, the view (and workbook) is that file's, restricted to the same factories.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from zerocarbon.api.deps import PrincipalDep, ReadableFactory, SettingsDep, StoreUrl, require_global
from zerocarbon.api.errors import COMMON_ERRORS
from zerocarbon.api.roles import GlobalPermission
from zerocarbon.services.dashboard import factories
from zerocarbon.services.dashboard import verdict as verdicts

router = APIRouter(tags=["verdict"], responses=COMMON_ERRORS)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YearPath = Annotated[int, Path(ge=1990, le=2100, description="data year")]
Province = Annotated[str | None, Query(max_length=32, description="only the factories of this province")]


@router.get("/factories/{factory_id}/verdict/{year}",
            summary="The zero-carbon verdict of the year: levels, criteria with values and thresholds, gap list, "
                    "the 13 centre functions, companion criteria sets, trend")
def factory_verdict(factory_id: ReadableFactory, year: YearPath, url: StoreUrl) -> dict[str, Any]:
    return verdicts.factory_verdict(factory_id, year, url)


def _region_ids(principal: PrincipalDep, url: str) -> list[str]:
    require_global(principal, GlobalPermission.PORTFOLIO)
    return [str(f["id"]) for f in factories(url) if principal.sees(str(f["id"]))]


@router.get("/region/{year}",
            summary="Every visible factory evaluated for the year: tier, levels, key indicators, rank in its "
                    "industry, gaps (portfolio permission)")
def region(principal: PrincipalDep, year: YearPath, url: StoreUrl, settings: SettingsDep,
           province: Province = None) -> dict[str, Any]:
    return verdicts.region(_region_ids(principal, url), year, province or None, url, settings.region_portfolio_dir)


@router.get("/region/{year}/progress",
            summary="How far the regional evaluation has got: {busy: false} or stage, done, total, percent")
def region_progress(principal: PrincipalDep, year: YearPath, url: StoreUrl,
                    province: Province = None) -> dict[str, Any]:
    work = verdicts.region_progress(_region_ids(principal, url), year, province or None, url)
    return {"busy": False, "year": year} if work is None else {"busy": True, "year": year, **work}


@router.get("/region/{year}/workbook", response_class=Response,
            summary="The regional evaluation as an XLSX workbook (zh or en)",
            responses={200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}})
def region_workbook(principal: PrincipalDep, year: YearPath, url: StoreUrl, settings: SettingsDep,
                    province: Province = None,
                    lang: Annotated[str, Query(pattern="^(zh|en)$")] = "zh") -> Response:
    body = verdicts.region_xlsx(_region_ids(principal, url), year, province or None, url, lang,
                                settings.region_portfolio_dir)
    name = f"zerocarbon-region-{year}{'-' + province if province and province.isascii() else ''}.{lang}.xlsx"
    return Response(body, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
