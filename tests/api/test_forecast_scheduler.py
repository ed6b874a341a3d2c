"""The server's forecast/detect schedule: one run per period across workers and app instances on one store."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from zerocarbon.api.app import create_app
from zerocarbon.api.settings import Settings
from zerocarbon.errors import ZerocarbonError
from zerocarbon.services.forecast.jobs import ACTION, Schedule, claim, period_of, run_scheduled
from zerocarbon.store import audit
from zerocarbon.store.db import migrate

TZ = ZoneInfo("Asia/Shanghai")
SECRET = "scheduler-test-secret-" + "x" * 32


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'sched.db'}"
    migrate(url)
    return url


def _claims(url: str) -> list[str]:
    return [e.entity_id for e in audit.entries(url, action=ACTION, limit=10_000)]


def _done(url: str) -> list[str]:
    return [e.entity_id for e in audit.entries(url, action=ACTION + ".done", limit=10_000)]


def test_periods_daily_after_the_night() -> None:
    sched = Schedule(1440, 180)
    before = datetime(2026, 12, 3, 2, 59, tzinfo=TZ).timestamp()
    at = datetime(2026, 12, 3, 3, 0, tzinfo=TZ).timestamp()
    late = datetime(2026, 12, 3, 23, 59, tzinfo=TZ).timestamp()
    assert period_of(before, sched)[0] == "2026-12-02T03:00/1440m"
    assert period_of(at, sched) == ("2026-12-03T03:00/1440m", int(at))
    assert period_of(late, sched)[0] == "2026-12-03T03:00/1440m"
    quarter = Schedule(15, 0)
    assert period_of(datetime(2026, 12, 3, 10, 44, tzinfo=TZ).timestamp(), quarter)[0] == "2026-12-03T10:30/15m"


def test_bad_schedule_is_refused() -> None:
    with pytest.raises(ZerocarbonError):
        Schedule(0, 0)
    with pytest.raises(ZerocarbonError):
        Schedule(60, 0, jobs=("forecast", "train"))


def test_concurrent_claims_of_one_period_give_one_winner(store: str) -> None:
    wins: list[bool] = []
    barrier = threading.Barrier(6)

    def worker() -> None:
        barrier.wait()
        wins.append(claim("2026-12-03T03:00/1440m", store))

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == [False] * 5 + [True]
    assert _claims(store) == ["2026-12-03T03:00/1440m"]
    assert audit.verify(store).ok
    assert claim("2026-12-04T03:00/1440m", store)  # the next period is claimed again


def test_run_scheduled_runs_each_factory_once_per_period(store: str) -> None:
    calls: list[tuple[str, int]] = []
    lock = threading.Lock()

    def runner(fid: str, year: int, sched: Schedule, url: str | None) -> dict[str, object]:
        with lock:
            calls.append((fid, year))
        time.sleep(0.05)
        return {"ok": True}

    sched = Schedule(60, 0, factories=("F1", "F2"), year=2023)
    now = datetime(2026, 12, 3, 10, 5, tzinfo=TZ).timestamp()
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(run_scheduled(sched, store, now, runner=runner)))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(calls) == [("F1", 2023), ("F2", 2023)]
    assert sum(r is not None for r in results) == 1
    assert _done(store) == ["2026-12-03T10:00/60m"]
    # a later tick in the same period does nothing; the next period runs
    assert run_scheduled(sched, store, now + 600, runner=runner) is None
    assert run_scheduled(sched, store, now + 3600, runner=runner) is not None
    assert len(calls) == 4


def _settings(url: str, **kw: object) -> Settings:
    return Settings(database_url=url, secret_key=SECRET, **kw)  # type: ignore[arg-type]


def test_two_app_instances_on_one_store_run_each_period_once(store: str) -> None:
    cfg = _settings(store, forecast_schedule=True, forecast_schedule_minutes=1, forecast_schedule_offset_minutes=0,
                    forecast_schedule_poll_seconds=0.05)
    a, b = create_app(cfg), create_app(cfg)
    with TestClient(a), TestClient(b):
        deadline = time.time() + 10
        while not _done(store) and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # both instances keep ticking (about ten times each) in the same period
    claims = _claims(store)
    assert claims, "the schedule never ran"
    assert len(claims) == len(set(claims))  # never twice for one period, whichever instance ticked
    assert len(claims) <= 2  # the test may straddle one minute boundary, no more
    assert set(_done(store)) == set(claims)
    assert a.state.forecast_progress.last_finished or b.state.forecast_progress.last_finished


def test_status_shows_progress_and_only_the_callers_factories(store: str) -> None:
    from zerocarbon.api.security import create_access_token
    from zerocarbon.services.identity import users

    # a daily period whose boundary is 12 h away: a one-minute period could roll over between the run's end
    # and the status call on a loaded machine, and the status would then show the next period's run starting
    local = datetime.now(TZ)
    offset = (local.hour * 60 + local.minute + 720) % 1440
    cfg = _settings(store, forecast_schedule=True, forecast_schedule_minutes=1440,
                    forecast_schedule_offset_minutes=offset,
                    forecast_schedule_poll_seconds=0.05, forecast_schedule_factories=["F-A", "F-B"])
    app = create_app(cfg)
    from zerocarbon.model.metering import FactorySetup
    from zerocarbon.store.factories import save_factory_setup

    for fid in ("F-A", "F-B"):
        save_factory_setup(FactorySetup.model_validate({
            "factory": {"id": fid, "name_zh": fid, "province": "江苏"},
            "nodes": [{"code": "S", "kind": "site", "name_zh": "厂区"}], "meters": []}), store)
    admin = users.get_user(users.create_user("root", "correct horse battery", "admin", url=store), store)
    manager = users.get_user(users.create_user("mgr", "correct horse battery", "factory_manager", factories=["F-A"],
                                               url=store), store)
    assert admin is not None and manager is not None
    with TestClient(app) as client:
        deadline = time.time() + 10
        while not _done(store) and time.time() < deadline:
            time.sleep(0.05)
        body = client.get("/api/v1/forecast/schedule",
                          headers={"Authorization": f"Bearer {create_access_token(admin, cfg)}"}).json()
        mine = client.get("/api/v1/forecast/schedule",
                          headers={"Authorization": f"Bearer {create_access_token(manager, cfg)}"}).json()
    assert body["enabled"] is True and body["minutes"] == 1440 and body["offset_minutes"] == offset
    assert body["jobs"] == ["detect", "forecast"]
    assert body["last_summary"]["period"] in _claims(store)
    assert body["done"] == body["total"] == 2 and body["running"] is False
    # the factories have no meters: nothing detected, nothing forecast, and the schedule goes on
    assert body["last_summary"]["factories"] == {f: {"detect": {"detected": 0, "stored": 0, "suppressed": 0},
                                                     "forecast": {}} for f in ("F-A", "F-B")}
    assert set(mine["last_summary"]["factories"]) == {"F-A"}  # a manager sees only the results of its factory
    # another instance, which ran nothing itself, shows the store's last run
    with TestClient(create_app(_settings(store))) as other:
        seen = other.get("/api/v1/forecast/schedule",
                         headers={"Authorization": f"Bearer {create_access_token(admin, cfg)}"}).json()
    assert seen["enabled"] is False and seen["last_summary"]["period"] == sorted(_done(store))[-1]
    assert seen["last_summary"]["factories"] == body["last_summary"]["factories"]


def test_the_schedule_is_off_by_default(store: str) -> None:
    cfg = _settings(store, forecast_schedule_poll_seconds=0.05, forecast_schedule_minutes=1)
    assert cfg.forecast_schedule is False
    with TestClient(create_app(cfg)) as client:
        time.sleep(0.3)
        assert client.get("/api/v1/forecast/schedule").status_code == 401
    assert _claims(store) == []
