"""Source decarbonisation (源头减碳) and product footprints (产品碳足迹) of a factory, as the dashboard shows them.

The plan is made from the factory's planning assumptions beside its declared file
(``<factory id>.planning.yaml``; docs/dashboard.md); without that file the answer says which file it would
read (``available: false``). The footprints are the PACT v3 documents the factory published on its host and
the suppliers' ones it received (the PACT host itself is ``/pact``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from zerocarbon.api.deps import ReadableFactory, StoreUrl
from zerocarbon.api.errors import COMMON_ERRORS
from zerocarbon.services.dashboard import plans

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
