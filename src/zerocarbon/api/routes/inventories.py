"""Results: activity data from meters, inventories with traces, energy, reports, sign-off."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, status
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from zerocarbon.api.deps import PrincipalDep, ReadableFactory, StoreUrl, factory_permission
from zerocarbon.api.errors import COMMON_ERRORS, ApiError, request_lang
from zerocarbon.api.roles import Permission
from zerocarbon.api.schemas import (
    ActivityLinePublic,
    EnergyPublic,
    InventoryPublic,
    LineResultPublic,
    LineTracePublic,
    SignOffCheckPublic,
    SignOffCreate,
    SignOffPublic,
)
from zerocarbon.energy.uses import energy_of
from zerocarbon.services.inventory import signoff
from zerocarbon.services.inventory.compute import factory_inventory
from zerocarbon.services.inventory.runs import explain_line
from zerocarbon.services.metering import catalog
from zerocarbon.services.metering.activity import activity_from_meters
from zerocarbon.services.reports.outputs import factory_report

router = APIRouter(prefix="/factories", tags=["results"], responses=COMMON_ERRORS)

PERIOD_PATTERN = r"^(19|20|21)\d{2}(-(0[1-9]|1[0-2]))?$"
PeriodPath = Annotated[str, Path(pattern=PERIOD_PATTERN, description="YYYY or YYYY-MM", examples=["2023", "2023-05"])]
YearQuery = Annotated[int, Query(ge=1900, le=2199, description="calendar year (the factory's local time)")]
LineId = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f/]+$",
                             description="activity line id")]
Estimate = Literal["linear", "profile", "none"]
SigningFactory = Annotated[str, Depends(factory_permission(Permission.SIGN_OFF))]


def _line(d: dict[str, Any]) -> LineResultPublic:
    return LineResultPublic.model_validate(d)


@router.get("/{factory_id}/activity", response_model=list[ActivityLinePublic],
            summary="Activity data from the meters: one line per meter with a category and month")
def get_activity(factory_id: ReadableFactory, url: StoreUrl, year: YearQuery,
                 estimate: Annotated[Estimate, Query(description="how gaps in counters are filled")] = "linear",
                 power_as_energy: Annotated[bool, Query(description="integrate power registers to energy")] = False,
                 ) -> list[ActivityLinePublic]:
    lines = activity_from_meters(factory_id, year, url, estimate=None if estimate == "none" else estimate,
                                 power_as_energy=power_as_energy)
    return [ActivityLinePublic(id=ln.id, facility=ln.facility, category=ln.category.value, item=ln.item,
                               amount=str(ln.amount), unit=ln.unit, period=ln.period, source=ln.source,
                               data_quality=ln.data_quality, electricity_kind=ln.electricity_kind, note=ln.note)
            for ln in lines]


@router.get("/{factory_id}/inventories/{period}", response_model=InventoryPublic,
            summary="The inventory of a year or month, with the trace of every line")
def get_inventory(factory_id: ReadableFactory, period: PeriodPath, url: StoreUrl) -> InventoryPublic:
    run = factory_inventory(factory_id, period, url)
    data = run.inventory.to_dict()
    data.pop("factory", None)
    data["comparison"] = run.comparison
    return InventoryPublic.model_validate({**data, "factory_id": factory_id, "period": period})


@router.get("/{factory_id}/inventories/{period}/lines/{line_id}/trace", response_model=LineTracePublic,
            summary="The derivation of one line: activity data, formula, factors with provenance, uncertainty")
def get_trace(factory_id: ReadableFactory, period: PeriodPath, line_id: LineId, url: StoreUrl) -> LineTracePublic:
    run = factory_inventory(factory_id, period, url)
    try:
        result = run.inventory.line(line_id)
    except KeyError:
        raise ApiError(404, "line.not_found", "该清单中没有此活动数据行",
                       "no such activity line in this inventory") from None
    return LineTracePublic(factory_id=factory_id, period=period, line=_line(result.to_dict()),
                           location=run.loaded.locations.get(line_id, {}), note=result.line.note,
                           explain={"zh": explain_line(run, line_id, "zh"), "en": explain_line(run, line_id, "en")})


@router.get("/{factory_id}/energy", response_model=EnergyPublic,
            summary="Comprehensive energy consumption (GB/T 2589) of the year [tce]")
def get_energy(factory_id: ReadableFactory, url: StoreUrl, year: YearQuery) -> EnergyPublic:
    energy = energy_of(factory_inventory(factory_id, str(year), url).inventory)
    return EnergyPublic.model_validate({**energy.to_dict(), "factory_id": factory_id, "year": year})


# ------------------------------------------------------------------------------------------ reports
_MEDIA = {"html": "text/html; charset=utf-8", "pdf": "application/pdf", "json": "application/json",
          "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@router.get("/{factory_id}/reports/{period}.{fmt}", response_class=FileResponse, response_model=None,
            summary="Download the report of a year or month: html or pdf (zh-CN or en), xlsx or json",
            responses={200: {"description": "the report file", "content": {m.split(";")[0]: {} for m in
                                                                          _MEDIA.values()}}})
def get_report(factory_id: ReadableFactory, period: PeriodPath, fmt: Literal["html", "pdf", "xlsx", "json"],
               request: Request, url: StoreUrl,
               lang: Annotated[Literal["zh", "en"] | None,
                               Query(description="HTML/PDF language; default Accept-Language")] = None,
               ) -> FileResponse:
    """The same report as the main job's (one builder, with the metering findings of the store)."""
    code = "en" if (lang or request_lang(request)) == "en" else "zh"
    tmp = FilePath(tempfile.mkdtemp(prefix="zerocarbon-report-"))
    try:
        files = factory_report(factory_id, period, tmp, url, formats=(fmt,), langs=(code,))
        path = next(f for f in files if f.suffix == f".{fmt}" and f.name.startswith("inventory"))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    name = f"{factory_id}-{period}-inventory{path.name[path.name.index('.'):] if fmt in ('html', 'pdf') else '.' + fmt}"
    return FileResponse(path, media_type=_MEDIA[fmt], filename=name,
                        background=BackgroundTask(shutil.rmtree, tmp, ignore_errors=True))


# ----------------------------------------------------------------------------------------- sign-off
SignoffId = Annotated[int, Path(ge=1, le=2**62, description="sign-off id")]


def _signoff_public(so: signoff.Signoff) -> SignOffPublic:
    return SignOffPublic(id=so.id, factory_id=so.factory_id, period=so.period, digest=so.digest,
                         inputs_digest=so.inputs_digest, signed_by=so.signed_by, signed_by_name=so.signed_by_name,
                         signed_at=so.signed_at, note=so.note)


@router.post("/{factory_id}/inventories/{period}/signoff", response_model=SignOffPublic,
             status_code=status.HTTP_201_CREATED, summary="Sign off the inventory of a period (verifier, admin)")
def post_signoff(factory_id: SigningFactory, period: PeriodPath, body: SignOffCreate, principal: PrincipalDep,
                 url: StoreUrl) -> SignOffPublic:
    """Records the digests of the inventory's results and of its inputs, as this API computes the
    inventory (:func:`zerocarbon.services.inventory.signoff.sign_off`), with an ``inventory.signoff`` audit entry."""
    run = factory_inventory(factory_id, period, url)
    signoff_id = signoff.sign_off(factory_id, period, run, principal.user_id, note=body.note, url=url)
    return _signoff_public(signoff.get_signoff(signoff_id, url))


@router.get("/{factory_id}/signoffs", response_model=list[SignOffPublic],
            summary="Sign-offs of the factory, newest first")
def list_signoffs(factory_id: ReadableFactory, url: StoreUrl,
                  period: Annotated[str | None, Query(pattern=PERIOD_PATTERN)] = None) -> list[SignOffPublic]:
    return [_signoff_public(signoff.get_signoff(int(r["id"]), url)) for r in catalog.signoffs(factory_id, url, period)]


@router.get("/{factory_id}/signoffs/{signoff_id}/check", response_model=SignOffCheckPublic,
            summary="Does a sign-off still stand? Compares it with the inventory as computed now")
def check_signoff(factory_id: ReadableFactory, signoff_id: SignoffId, url: StoreUrl) -> SignOffCheckPublic:
    rows = [r for r in catalog.signoffs(factory_id, url) if int(r["id"]) == signoff_id]
    if not rows:
        raise ApiError(404, "signoff.not_found", "该工厂没有此签字记录", "the factory has no such sign-off")
    status_now = signoff.check_signoff(signoff_id, factory_inventory(factory_id, str(rows[0]["period"]), url), url)
    return SignOffCheckPublic(unchanged=status_now.unchanged, results_changed=status_now.results_changed,
                              inputs_changed=status_now.inputs_changed, details=status_now.details)
