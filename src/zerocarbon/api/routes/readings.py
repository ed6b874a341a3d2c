"""Meter readings: push a batch (users and gateways' API keys), read a meter's readings, correct one."""

from __future__ import annotations

import math
import time
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, BackgroundTasks, Depends, Query, status

from zerocarbon.api.deps import PrincipalDep, ReadableFactory, StoreUrl, api_key_route, factory_permission
from zerocarbon.api.errors import COMMON_ERRORS, ApiError
from zerocarbon.api.roles import Permission
from zerocarbon.api.routes.factories import MeterCode
from zerocarbon.api.schemas import (
    CorrectionCreate,
    CorrectionPublic,
    IngestReportPublic,
    MeterReadingsPublic,
    ReadingPublic,
)
from zerocarbon.services.metering import catalog, corrections
from zerocarbon.services.metering import quality as data_quality
from zerocarbon.services.metering.feeds import ReadingBatchIn, push_batch
from zerocarbon.services.metering.rollups import refresh_after_ingest

router = APIRouter(prefix="/factories", tags=["readings"], responses=COMMON_ERRORS)

#: Most entries accepted in one pushed batch (split bigger uploads, or import a file).
MAX_BATCH = 50_000
#: Longest window of GET …/readings [s] and most readings it returns.
MAX_WINDOW = 367 * 86_400
MAX_ROWS = 100_000
DEFAULT_WINDOW = 86_400

PushingFactory = Annotated[str, Depends(factory_permission(Permission.PUSH_READINGS))]
CorrectingFactory = Annotated[str, Depends(factory_permission(Permission.CORRECT))]


def _unsafe(value: Any) -> bool:
    """NUL characters (PostgreSQL text refuses them) or non-finite numbers (not JSON) anywhere in ``value``."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_unsafe(k) or _unsafe(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_unsafe(v) for v in value)
    return False


@router.post("/{factory_id}/readings", response_model=IngestReportPublic, openapi_extra=api_key_route(),
             summary="Push a batch of meter readings (idempotent); also with a gateway's X-API-Key")
def push(factory_id: PushingFactory, body: ReadingBatchIn, principal: PrincipalDep,
         url: StoreUrl, background: BackgroundTasks) -> IngestReportPublic:
    """Body ``{"readings": [{"meter": "E01", "ts": "2024-05-01T08:15:00+08:00", "value": 12.5}, …]}``.

    Entries that do not fit are rejected one by one (counted in ``rejected``, listed under
    ``…/rejected-records``); the others are stored. Re-sending a batch stores nothing twice
    (``duplicates``); a re-sent reading with another value is rejected (send a correction). After the
    response, the factory's kept roll-ups are brought up to date with the batch (the next dashboard
    request reads them).
    """
    if body.size > MAX_BATCH:
        raise ApiError(422, "readings.too_many", f"一次最多推送 {MAX_BATCH} 条读数",
                       f"at most {MAX_BATCH} readings per batch", {"received": body.size})
    if _unsafe([r.model_dump() for r in body.readings]) or _unsafe([p.raw for p in body.problems]):
        raise ApiError(422, "request.invalid", "请求中含有空字符或非有限数值", "the request holds NUL characters or "
                       "non-finite numbers")
    report = push_batch(body, factory_id, url, client=data_quality.rest_batch_name(factory_id, principal.actor))
    background.add_task(refresh_after_ingest, factory_id, report, url)
    return IngestReportPublic(**report.to_dict())


def _epoch(moment: datetime | None, tz: str) -> int | None:
    if moment is None:
        return None
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo(tz))
    return int(aware.timestamp())


def _meter(factory_id: str, code: str, url: str) -> dict[str, Any]:
    found = catalog.meters(factory_id, url, code=code)
    if not found:
        raise _no_meter()
    return found[0]


def _no_meter() -> ApiError:
    return ApiError(404, "meter.not_found", "该工厂没有此计量表", "the factory has no such meter")


TimeParam = Annotated[datetime | None, Query(description="ISO 8601; naive = the meter's local time")]


def _in_range(moment: datetime | None, name: str) -> None:
    if moment is not None and not 1970 <= moment.year <= 2200:
        raise ApiError(422, "request.invalid", f"{name} 超出范围（1970–2200 年）",
                       f"{name} out of range (years 1970–2200)")


@router.get("/{factory_id}/meters/{meter_code}/readings", response_model=MeterReadingsPublic,
            summary="A meter's current readings (corrections applied) in [start, end)")
def get_readings(factory_id: ReadableFactory, meter_code: MeterCode, url: StoreUrl, start: TimeParam = None,
                 end: TimeParam = None,
                 limit: Annotated[int, Query(ge=1, le=MAX_ROWS, description="most readings returned")] = 10_000,
                 ) -> MeterReadingsPublic:
    """Raw register values as stored, oldest first. Without ``end``: now; without ``start``: one day before ``end``.
    The window may not exceed 367 days."""
    _in_range(start, "start")
    _in_range(end, "end")
    meter = _meter(factory_id, meter_code, url)
    tz = str(meter["timezone"] or "Asia/Shanghai")
    given_end = _epoch(end, tz)
    t_end = int(time.time()) if given_end is None else given_end
    given_start = _epoch(start, tz)
    t_start = t_end - DEFAULT_WINDOW if given_start is None else given_start
    if t_end <= t_start or t_end - t_start > MAX_WINDOW:
        raise ApiError(422, "readings.window", "时间窗口须满足 start < end 且不超过 367 天",
                       "the window needs start < end and at most 367 days", {"start": t_start, "end": t_end})
    rows, truncated = catalog.readings(int(meter["id"]), t_start, t_end, limit, tz, url)
    return MeterReadingsPublic(factory_id=factory_id, meter=meter_code, unit=str(meter["unit"]), timezone=tz,
                               start=t_start, end=t_end, count=len(rows), truncated=truncated,
                               readings=[ReadingPublic(**r) for r in rows])


@router.post("/{factory_id}/corrections", response_model=CorrectionPublic, status_code=status.HTTP_201_CREATED,
             summary="Correct a stored reading (a new revision; the old value stays in the store and audit)")
def post_correction(factory_id: CorrectingFactory, body: CorrectionCreate, principal: PrincipalDep,
                    url: StoreUrl) -> CorrectionPublic:
    try:
        done = corrections.correct(factory_id, body.meter, body.ts, body.value, body.reason,
                                   corrected_by=principal.actor, url=url)
    except corrections.UnknownMeter:
        raise _no_meter() from None
    return CorrectionPublic(meter=body.meter, ts=done.ts, revision=done.revision)
