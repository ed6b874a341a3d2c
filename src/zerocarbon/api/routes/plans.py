"""Source decarbonisation (源头减碳) and product footprints (产品碳足迹) of a factory, as the dashboard shows them.

The plan is made from the factory's planning assumptions beside its declared file
(``<factory id>.planning.yaml``; docs/dashboard.md); without that file the answer says which file it would
read (``available: false``). The footprints are the PACT v3 documents the factory published on its host and
the suppliers' ones it received (the PACT host itself is ``/pact``); the battery declarations (China, EU) are
those of the factory's study ``<factory id>.footprint.yaml`` (:mod:`zerocarbon.services.dashboard.declarations`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from zerocarbon.api.deps import ReadableFactory, StoreUrl
from zerocarbon.api.errors import COMMON_ERRORS, ApiError, request_lang
from zerocarbon.errors import InputError
from zerocarbon.services.dashboard import declarations, plans

router = APIRouter(prefix="/factories", tags=["planning and footprints"], responses=COMMON_ERRORS)


@router.get("/{factory_id}/planning/{year}",
            summary="The factory's plan for the year: measures by abatement cost, roadmap, least-cost sizing")
def planning(factory_id: ReadableFactory, year: Annotated[int, Path(ge=1990, le=2100)], url: StoreUrl
             ) -> dict[str, Any]:
    return plans.factory_plan(factory_id, year, url)


@router.get("/{factory_id}/footprints",
            summary="The factory's published product footprints (PACT v3) and its suppliers' footprints")
def footprints(factory_id: ReadableFactory, url: StoreUrl) -> dict[str, Any]:
    return plans.footprint_list(factory_id, url)


@router.get("/{factory_id}/footprints/declarations",
            summary="Battery carbon-footprint declarations (China, EU 2023/1542 Art. 7) of the factory's study")
def battery_declarations(factory_id: ReadableFactory, url: StoreUrl) -> dict[str, Any]:
    """Per product, the stages [kgCO2e/kWh], totals, status and incompleteness of each declaration of the
    study ``<factory id>.footprint.yaml`` (``available: false`` without it), and where to download them."""
    return declarations.declarations(factory_id, url)


ProductPath = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.\-]+$",
                                  description="product id of the study")]


@router.get("/{factory_id}/footprints/declarations/{product}/{scheme}.{fmt}", response_class=Response,
            summary="Download a battery declaration: cn (json) or eu (json, html, pdf; zh-CN or en)",
            responses={200: {"description": "the declaration file",
                             "content": {m.split(";")[0]: {} for m in declarations.MEDIA.values()}}})
def battery_declaration_file(factory_id: ReadableFactory, product: ProductPath, scheme: Literal["cn", "eu"],
                             fmt: Literal["json", "html", "pdf"], request: Request, url: StoreUrl,
                             lang: Annotated[Literal["zh", "en"] | None,
                                             Query(description="HTML/PDF language; default Accept-Language")] = None,
                             ) -> Response:
    """The same files as ``zerocarbon footprint report`` writes (one builder)."""
    code = lang or request_lang(request)
    try:
        body, media, name = declarations.declaration_file(factory_id, product, scheme, fmt, code, url)
    except InputError as exc:
        if exc.field == "declaration":
            raise ApiError(404, "declaration.not_found", exc.message("zh"), exc.message("en")) from exc
        raise
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
