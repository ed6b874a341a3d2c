"""The server's forecast/detect schedule: a small asyncio task started by the app's lifespan.

Off unless ``ZEROCARBON_FORECAST_SCHEDULE=true`` (:class:`~zerocarbon.api.settings.Settings`). Every
``forecast_schedule_poll_seconds`` the task asks :func:`zerocarbon.services.forecast.jobs.run_scheduled`
(in a worker thread, so requests are not blocked) to run the current period; the store decides which
worker or app instance runs it (one claim per period in the audit chain), so several workers on one
store run each period once. The task's progress is on ``app.state.forecast_progress`` and
``GET /api/v1/forecast/schedule``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request

from zerocarbon.api.deps import PrincipalDep
from zerocarbon.api.errors import COMMON_ERRORS
from zerocarbon.api.settings import Settings
from zerocarbon.errors import ZerocarbonError
from zerocarbon.services.forecast.jobs import Progress, Schedule, last_run, period_of, run_scheduled

log = logging.getLogger(__name__)
router = APIRouter(prefix="/forecast", tags=["alerts and budgets"], responses=COMMON_ERRORS)


def schedule_of(cfg: Settings) -> Schedule:
    """The schedule the settings describe."""
    return Schedule(cfg.forecast_schedule_minutes, cfg.forecast_schedule_offset_minutes,
                    jobs=tuple(cfg.forecast_schedule_jobs), factories=tuple(cfg.forecast_schedule_factories),
                    year=cfg.forecast_schedule_year, holidays=cfg.forecast_schedule_holidays)


async def _loop(sched: Schedule, url: str, poll: float, progress: Progress) -> None:
    while True:
        try:
            await asyncio.to_thread(run_scheduled, sched, url, None, progress)
        except ZerocarbonError as exc:
            log.error("forecast schedule: %s", exc.message("en"))
        except Exception:  # a broken run must not stop the next periods; it is logged with its traceback
            log.exception("forecast schedule failed")
        await asyncio.sleep(poll)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the schedule's task when enabled; cancel it when the app stops."""
    cfg: Settings = app.state.settings
    app.state.forecast_progress = Progress()
    task = None
    if cfg.forecast_schedule:
        task = asyncio.create_task(_loop(schedule_of(cfg), cfg.database_url, cfg.forecast_schedule_poll_seconds,
                                         app.state.forecast_progress))
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


@router.get("/schedule", summary="The forecast/detect schedule: enabled, current period, progress of the run")
def schedule_status(request: Request, principal: PrincipalDep) -> dict[str, Any]:
    cfg: Settings = request.app.state.settings
    progress: Progress = getattr(request.app.state, "forecast_progress", Progress())
    sched = schedule_of(cfg)
    key, start = period_of(time.time(), sched)
    out = {"enabled": cfg.forecast_schedule, "minutes": sched.minutes, "offset_minutes": sched.offset_minutes,
           "jobs": list(sched.jobs), "period": key, "period_start": start, **progress.to_dict()}
    # any signed-in caller sees whether and when the schedule runs, but only its own factories' results
    # this worker may not be the one that ran the last period: the store knows
    summary = dict(out["last_summary"]) or last_run(cfg.database_url)
    if "factories" in summary:
        summary["factories"] = {f: r for f, r in summary["factories"].items() if principal.sees(f)}
    out["last_summary"] = summary
    return out
