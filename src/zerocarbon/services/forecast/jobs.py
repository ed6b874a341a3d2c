"""The server's scheduled forecast and detection run, claimed once per period through the store.

Periods: the local day is cut into periods of ``minutes`` starting at local midnight + ``offset_minutes``
(``minutes=1440, offset_minutes=180``: each day at 03:00, after the night's batch). A period's run is
*claimed* by appending the audit entry ``forecast.schedule`` with entity id ``<period key>`` in a
transaction that first takes the audit chain's append lock (:func:`zerocarbon.store.audit.append_lock`: an
exclusive table lock on PostgreSQL, SQLite's write lock otherwise) and then looks for that entry: of any
number of workers or app instances on one store, exactly one finds none and appends it; the others see
it and skip. The run then ends with a ``forecast.schedule.done`` entry carrying its summary (per factory:
alerts detected and stored, forecast totals, or the error), which ``zerocarbon audit log`` shows.

A claimed run that dies half-way is not retried within its period (the claim is the record that it was
started); the next period runs again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from zerocarbon.errors import ZerocarbonError
from zerocarbon.store import schema as s
from zerocarbon.store.audit import acting_as, append_lock, record
from zerocarbon.store.db import transaction
from zerocarbon.store.identity import factory_ids

log = logging.getLogger(__name__)
ACTION = "forecast.schedule"
ACTOR = "system:forecast-schedule"
JOBS = ("detect", "forecast")


@dataclass(frozen=True)
class Schedule:
    """What the server runs and when.

    Attributes
    ----------
    minutes : int
        Period length [min] (1440 = daily).
    offset_minutes : int
        Start of the periods after local midnight [min] (180 = 03:00).
    tz : str
        The zone of the periods.
    jobs : tuple of str
        ``detect`` (store alerts, deliver the webhook) and/or ``forecast`` (day-ahead totals in the summary).
    factories : tuple of str
        Factory ids; empty = every factory in the store.
    year : int or None
        Data year; None = the local year of the run.
    holidays : bool
        The Chinese holiday calendar (True) or Monday–Friday only.
    """

    minutes: int = 1440
    offset_minutes: int = 180
    tz: str = "Asia/Shanghai"
    jobs: tuple[str, ...] = JOBS
    factories: tuple[str, ...] = ()
    year: int | None = None
    holidays: bool = True

    def __post_init__(self) -> None:
        if self.minutes < 1 or not 0 <= self.offset_minutes < 1440:
            raise ZerocarbonError("计划周期须 ≥ 1 分钟，偏移须在 0–1439 分钟", "the schedule's period must be ≥ 1 "
                                  "minute and its offset 0–1439 minutes", field="forecast_schedule_minutes")
        unknown = set(self.jobs) - set(JOBS)
        if unknown:
            raise ZerocarbonError(f"未知的计划任务 {sorted(unknown)}", f"unknown scheduled jobs {sorted(unknown)}",
                                  field="forecast_schedule_jobs", expected=", ".join(JOBS))


def period_of(now: float, sched: Schedule) -> tuple[str, int]:
    """The key and the start [s, UTC] of the period containing ``now`` [s, UTC]."""
    local = datetime.fromtimestamp(now, ZoneInfo(sched.tz))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    anchor = midnight.timestamp() + sched.offset_minutes * 60
    if now < anchor:  # before today's first period: the last period of yesterday's grid
        anchor -= 86_400
    k = int((now - anchor) // (sched.minutes * 60))
    start = int(anchor + k * sched.minutes * 60)
    stamp = datetime.fromtimestamp(start, ZoneInfo(sched.tz)).strftime("%Y-%m-%dT%H:%M")
    return f"{stamp}/{sched.minutes}m", start


def last_run(url: str | None = None) -> dict[str, Any]:
    """The summary of the newest finished run in the store (whichever worker ran it), or {}."""
    import json

    from zerocarbon.store.audit import entries

    done = entries(url, action=ACTION + ".done", limit=1)
    if not done or done[0].after is None:
        return {}
    return {**json.loads(done[0].after), "finished_at": done[0].at}


def claim(key: str, url: str | None = None, now: int | None = None) -> bool:
    """Append the claim of period ``key`` unless it is already there (module docstring); True if this caller won."""
    a = s.audit_log
    with transaction(url) as conn:
        append_lock(conn)
        if conn.execute(select(a.c.id).where(a.c.action == ACTION, a.c.entity_id == key).limit(1)).first():
            return False
        record(conn, ACTION, "forecast_schedule", key, after={"period": key}, actor=ACTOR, at=now)
    return True


@dataclass
class Progress:
    """What the scheduler is doing (the API shows it)."""

    running: bool = False
    period: str | None = None
    done: int = 0
    total: int = 0
    last_summary: dict[str, Any] = field(default_factory=dict)
    last_finished: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _run_factory(factory_id: str, year: int, sched: Schedule, url: str | None) -> dict[str, Any]:
    from zerocarbon.services.forecast.runs import run_detect, run_forecast

    out: dict[str, Any] = {}
    try:
        if "detect" in sched.jobs:
            d = run_detect(factory_id, year, url, holidays=sched.holidays)
            out["detect"] = {"detected": d["detected"], "stored": len(d["stored"]), "suppressed": d["suppressed"]}
        if "forecast" in sched.jobs:
            f = run_forecast(factory_id, year, url, holidays=sched.holidays)
            out["forecast"] = {x["meter"]: {"model": x["model"], "total": x["total"], "unit": x["unit"]}
                               for x in f["forecasts"]}
    except ZerocarbonError as exc:
        out["error"] = exc.message("en")
    return out


Runner = Callable[[str, int, Schedule, str | None], dict[str, Any]]


def run_scheduled(sched: Schedule, url: str | None = None, now: float | None = None,
                  progress: Progress | None = None, runner: Runner = _run_factory) -> dict[str, Any] | None:
    """Run the period's jobs if this caller claims the period; None when another worker has it."""
    when = time.time() if now is None else now
    key, _ = period_of(when, sched)
    with acting_as(ACTOR):
        if not claim(key, url, int(when)):
            return None
        with transaction(url) as conn:
            ids = list(sched.factories) or factory_ids(conn)
        year = sched.year or datetime.fromtimestamp(when, ZoneInfo(sched.tz)).year
        prog = progress or Progress()
        prog.running, prog.period, prog.done, prog.total = True, key, 0, len(ids)
        results: dict[str, Any] = {}
        try:
            for fid in ids:
                results[fid] = runner(fid, year, sched, url)
                prog.done += 1
        finally:
            prog.running = False
        summary = {"period": key, "year": year, "jobs": list(sched.jobs), "factories": results}
        with transaction(url) as conn:
            record(conn, ACTION + ".done", "forecast_schedule", key, after=summary, actor=ACTOR)
        prog.last_summary, prog.last_finished = summary, int(time.time())
    log.info("forecast schedule %s: %d factories", key, len(ids))
    return summary
