"""A closed batch brings the factory's kept roll-ups up to date (SQLite and PostgreSQL), so that the next
request reads roll-ups, not readings: after a file import and a late batch (a REST push:
``tests/api/test_push_rollups.py``; MQTT: ``tests/ingest/test_mqtt.py``), a read of the year
scans nothing and equals the year computed whole from the readings."""

from __future__ import annotations

import csv
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from tests.services.metering.test_activity import GAP, SETUP, TZ, _data
from tests.services.metering.test_rollups import _rows

from zerocarbon.ingest.pipeline import IngestReport, close_batch, ingest_table, open_batch
from zerocarbon.services.metering import intake
from zerocarbon.services.metering import rollups as kept
from zerocarbon.services.metering import year as metered
from zerocarbon.store import rollup_files
from zerocarbon.store import rollups as stored
from zerocarbon.store.factories import save_factory_setup
from zerocarbon.timeseries import days, months


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    from zerocarbon.store.db import migrate

    url = f"sqlite:///{tmp_path / 'k.db'}"
    migrate(url)
    return url


def _csv(path: Path, data: dict[str, list[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["meter_code", "timestamp", "value"])
        for code, ts, value in zip(data["meter"], data["ts"], data["value"], strict=True):
            out.writerow([code, datetime.fromtimestamp(int(ts), TZ).isoformat(), value])
    return path


def _no_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any, **_kw: Any) -> Any:
        raise AssertionError("the readings were scanned: the roll-ups were not kept up to date")
    monkeypatch.setattr(kept, "scan_pieces", refuse)
    monkeypatch.setattr(days, "scan_days", refuse)
    monkeypatch.setattr(months, "scan_pieces", refuse)


def _reads_kept(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The year as the dashboard and hourly carbon read it: no scan, and equal to the whole computation."""
    whole = metered.metered_year("F1", 2023, url, estimate="linear", hourly=True)
    with monkeypatch.context() as m:
        _no_scan(m)
        got = kept.kept_year("F1", 2023, url, estimate="linear", hourly=rollup_files.rollup_root(url) is not None)
    assert _rows(got.monthly(), ["meter_id", "ts"]) == _rows(whole.monthly(), ["meter_id", "ts"])
    assert _rows(got.gaps, ["meter_id", "start"]) == _rows(whole.gaps, ["meter_id", "start"])
    if rollup_files.rollup_root(url) is not None:
        assert _rows(got.hourly(), ["meter_id", "ts"]) == _rows(whole.hourly(), ["meter_id", "ts"])


def test_a_file_import_keeps_the_roll_ups(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_factory_setup(SETUP, store_url)
    data = _data()
    report = intake.ingest_meter_file(_csv(tmp_path / "r.csv", data), "F1", url=store_url)
    assert report.rejected == 0 and report.accepted == len(data["meter"])
    assert (report.first_ts, report.last_ts) == (min(data["ts"]), max(data["ts"]))
    years = list(range(datetime.fromtimestamp(min(data["ts"]), TZ).year,
                       datetime.fromtimestamp(max(data["ts"]), TZ).year + 1))
    assert years[-1] == 2023 and stored.kept_years("F1", stored.variant("linear", False), store_url) == years
    _reads_kept(store_url, monkeypatch)
    # a late batch (one reading) brings them up to date again, incrementally
    late = open_batch("test", "late", url=store_url, factory_id="F1")
    one = ingest_table({"meter": ["E1"], "ts": [GAP], "value": [7.0]}, "F1", late,
                       "test", store_url, now=max(data["ts"]) + 86_400)
    close_batch(one, url=store_url)
    assert one.accepted == 1
    with monkeypatch.context() as m:  # a late reading of a kept year: no whole scan
        m.setattr(months, "scan_pieces", lambda *a, **k: pytest.fail("a whole scan"))
        assert kept.refresh_after_ingest("F1", one, store_url) == [2023]  # January 10th: not 2022
    _reads_kept(store_url, monkeypatch)


def test_the_years_refreshed_are_those_the_batch_can_change(sqlite_url: str) -> None:
    """The years of the readings, and a kept neighbour within the read margin (a counter's reading just
    after New Year closes the year before); a neighbour never kept is not scanned for it."""
    save_factory_setup(SETUP, sqlite_url)
    new_year = int(datetime(2024, 1, 1, 0, 15, tzinfo=TZ).timestamp())
    report = IngestReport(batch_id=0, first_ts=new_year, last_ts=new_year)
    assert kept.refresh_after_ingest("F1", report, sqlite_url) == [2024]
    kept.kept_year("F1", 2023, sqlite_url)  # 2023 kept: now it is refreshed too
    assert kept.refresh_after_ingest("F1", report, sqlite_url) == [2023, 2024]
    assert kept.refresh_after_ingest("F1", IngestReport(batch_id=0), sqlite_url) == []  # nothing stored


def test_a_failed_refresh_is_logged_and_the_batch_stays(sqlite_url: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    save_factory_setup(SETUP, sqlite_url)

    def broken(*_a: Any, **_k: Any) -> Any:
        raise OSError("disk full")
    monkeypatch.setattr(kept, "kept_year", broken)
    with caplog.at_level(logging.WARNING, logger=kept.__name__):
        report = intake.ingest_meter_file(_csv(tmp_path / "r.csv", _data()), "F1", url=sqlite_url)
    assert report.accepted > 0
    assert any("not brought up to date" in r.getMessage() and r.exc_info for r in caplog.records)
    monkeypatch.undo()
    assert stored.kept_years("F1", stored.variant("linear", False), sqlite_url) == []


def test_a_factory_whose_intervals_exceed_an_hour_keeps_its_months(sqlite_url: str) -> None:
    """A meter read every 8 hours has no hour roll-ups (an interval runs past its hour): the refresh keeps
    the months and days it can, rather than failing the whole scan after every batch."""
    from zerocarbon.model.metering import FactorySetup

    setup = FactorySetup.model_validate({
        "factory": {"id": "F8", "name_zh": "八小时厂", "province": "江苏"},
        "nodes": [{"code": "S", "kind": "site", "name_zh": "厂区"}],
        "meters": [{"code": "E8", "node": "S", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
                    "interval_seconds": 28_800, "category": "electricity_purchased"}],
    })
    save_factory_setup(setup, sqlite_url)
    t0 = int(datetime(2023, 1, 1, tzinfo=TZ).timestamp())
    batch = open_batch("test", "8h", url=sqlite_url, factory_id="F8")
    ts = list(range(t0, t0 + 30 * 86_400, 28_800))
    report = ingest_table({"meter": ["E8"] * len(ts), "ts": ts, "value": [1.5] * len(ts)}, "F8", batch, "test",
                          sqlite_url, now=t0 + 40 * 86_400)
    close_batch(report, url=sqlite_url)
    assert kept.refresh_after_ingest("F8", report, sqlite_url) == [2023]
    assert stored.kept_years("F8", stored.variant("linear", False), sqlite_url) == [2023]


def test_refreshes_of_one_factory_run_one_at_a_time(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches closing together (REST pushes answered in parallel) do not scan a year never kept once each,
    side by side: one refresh of a factory runs at a time, and those that come meanwhile are handed to it."""
    import threading
    import time

    save_factory_setup(SETUP, sqlite_url)
    data = _data()
    batch = open_batch("test", "all", url=sqlite_url, factory_id="F1")
    report = ingest_table(data, "F1", batch, "test", sqlite_url, now=max(data["ts"]) + 86_400)  # type: ignore[arg-type]
    close_batch(report, url=sqlite_url)
    inside, most, whole = 0, 0, 0
    guard = threading.Lock()
    real = months.scan_pieces

    def counted(*args: Any, **kw: Any) -> Any:
        nonlocal inside, most, whole
        with guard:
            inside += 1
            most = max(most, inside)
            whole += kw.get("ranges") is None
        time.sleep(0.2)
        try:
            return real(*args, **kw)
        finally:
            with guard:
                inside -= 1
    monkeypatch.setattr(kept, "scan_pieces", counted)
    results: list[list[int]] = []

    def refresh() -> None:
        results.append(kept.refresh_after_ingest("F1", report, sqlite_url))
    threads = [threading.Thread(target=refresh) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == 1
    # the two that came while one ran were handed to it (no thread held waiting): it made one more pass
    assert sorted(len(r) > 0 for r in results) == [False, False, True]
    assert whole == len(stored.kept_years("F1", stored.variant("linear", False), sqlite_url))


def _slow_kept_year(monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any, list[int]]:
    """kept_year replaced by one that notes its year, says it started, and waits to be released."""
    import threading

    started, release = threading.Event(), threading.Event()
    seen: list[int] = []

    def slow_kept_year(factory_id: str, year: int, url: str | None = None, **_kw: Any) -> None:
        seen.append(year)
        started.set()
        release.wait(10)
    monkeypatch.setattr(kept, "kept_year", slow_kept_year)
    return started, release, seen


def test_a_batch_closing_during_a_refresh_is_refreshed_by_it(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The call that finds a refresh running returns at once; the running one then covers its span too."""
    import threading

    save_factory_setup(SETUP, sqlite_url)
    started, release, seen = _slow_kept_year(monkeypatch)
    t23 = int(datetime(2023, 6, 1, tzinfo=TZ).timestamp())
    t24 = int(datetime(2024, 6, 1, tzinfo=TZ).timestamp())
    out: list[list[int]] = []
    runner = threading.Thread(target=lambda: out.append(kept.refresh_after_ingest(
        "F1", IngestReport(batch_id=1, first_ts=t23, last_ts=t23), sqlite_url)))
    runner.start()
    assert started.wait(10)
    assert kept.refresh_after_ingest("F1", IngestReport(batch_id=2, first_ts=t24, last_ts=t24), sqlite_url) == []
    release.set()
    runner.join(10)
    assert out == [[2023, 2024]] and seen == [2023, 2024]


def test_batches_handed_over_are_refreshed_in_their_own_years(sqlite_url: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Two batches handed to a running refresh (a backfill of 2021, today's push of 2025) make it refresh their
    years, not every year between them (each never kept would be scanned whole)."""
    import threading

    save_factory_setup(SETUP, sqlite_url)
    started, release, seen = _slow_kept_year(monkeypatch)
    ts = {y: int(datetime(y, 6, 1, tzinfo=TZ).timestamp()) for y in (2021, 2023, 2025)}
    out: list[list[int]] = []
    runner = threading.Thread(target=lambda: out.append(kept.refresh_after_ingest(
        "F1", IngestReport(batch_id=1, first_ts=ts[2023], last_ts=ts[2023]), sqlite_url)))
    runner.start()
    assert started.wait(10)
    for batch_id, y in ((2, 2021), (3, 2025)):
        assert kept.refresh_after_ingest("F1", IngestReport(batch_id=batch_id, first_ts=ts[y], last_ts=ts[y]),
                                         sqlite_url) == []
    release.set()
    runner.join(10)
    assert seen == [2023, 2021, 2025] and out == [[2021, 2023, 2025]]


def test_a_wide_span_refreshes_its_ends_and_the_kept_years_between(sqlite_url: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch with a stray reading of 2015 and the rest in 2023 does not scan the seven years between."""
    save_factory_setup(SETUP, sqlite_url)
    kept.kept_year("F1", 2019, sqlite_url)  # kept earlier: refreshed (incrementally)
    seen: list[int] = []
    monkeypatch.setattr(kept, "kept_year", lambda factory_id, year, url=None, **_kw: seen.append(year))
    old = int(datetime(2015, 6, 1, tzinfo=TZ).timestamp())
    new = int(datetime(2023, 6, 1, tzinfo=TZ).timestamp())
    wide = kept.refresh_after_ingest("F1", IngestReport(batch_id=1, first_ts=old, last_ts=new), sqlite_url)
    assert wide == [2015, 2019, 2023] == seen
    seen.clear()
    near = int(datetime(2021, 6, 1, tzinfo=TZ).timestamp())  # three years: each one
    close = kept.refresh_after_ingest("F1", IngestReport(batch_id=2, first_ts=near, last_ts=new), sqlite_url)
    assert close == [2021, 2022, 2023] == seen
