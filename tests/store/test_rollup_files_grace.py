"""Kept roll-up files a new manifest stops naming stay a grace period from then on (not from when they were
written): a reader that read the manifest just before can still read them, and a worker that started from
the same manifest and keeps one of them unchanged (:func:`~zerocarbon.store.rollup_files.replace_spans`)
can still commit."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pyarrow as pa
import pytest

from zerocarbon.store import rollup_files as rf
from zerocarbon.store.rollups import State
from zerocarbon.timeseries.hour_parts import rewrite
from zerocarbon.timeseries.intervals import INTERVAL_SCHEMA
from zerocarbon.timeseries.months import month_starts
from zerocarbon.timeseries.rollups import rollup_time

TZ = "Asia/Shanghai"
STARTS = month_starts(2023, TZ)
DAY = 86_400


def _hours(meters: list[int], lo: int, hi: int, value: float) -> pa.Table:
    ts = list(range(lo, hi, 3600))
    n = len(ts) * len(meters)
    return rollup_time(pa.table({
        "meter_id": pa.array([m for m in meters for _ in ts], pa.int64()),
        "ts": pa.array(ts * len(meters), pa.int64()),
        "ts_end": pa.array([t + 3600 for t in ts] * len(meters), pa.int64()),
        "value": pa.array([value] * n, pa.float64()),
        "value_exact": pa.array([None] * n, INTERVAL_SCHEMA.field("value_exact").type),
        "flags": pa.array([0] * n, pa.int64())}), "hour", tz=TZ)


def _span(meter: int, day: int) -> tuple[pa.Table, pa.Table]:
    lo, hi = STARTS[0] + day * DAY, STARTS[0] + (day + 1) * DAY
    spans = pa.table({"meter_id": pa.array([meter], pa.int64()), "lo": pa.array([lo], pa.int64()),
                      "hi": pa.array([hi], pa.int64())})
    return _hours([meter], lo, hi, float(day)), spans


def _age(folder: Path) -> None:
    old = time.time() - 2 * rf.GRACE
    for path in folder.iterdir():
        os.utime(path, (old, old))


def test_files_no_longer_named_stay_a_grace_period(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(rf.ENV, str(tmp_path))
    first = State(1, "s")
    assert rf.save_hours("F", 2023, "k", _hours([1, 2], STARTS[0], STARTS[1], 1.0), first, TZ)
    folder = rf.folder_of("F", 2023, "k")
    assert folder is not None
    read_before = rf.hour_parts("F", 2023, "k", first)
    assert read_before
    _age(folder)  # written long ago, named until now
    new, spans = _span(1, 5)
    after = rf.replace_spans("F", 2023, "k", new, spans, first, State(2, "s"), TZ, {0})
    assert after is not None and set(after).isdisjoint(read_before)
    assert all(Path(p).exists() for p in read_before)  # a reader of the old manifest can still read them


def test_two_workers_from_one_manifest_both_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(rf.ENV, str(tmp_path))
    s0, s1 = State(1, "s"), State(2, "s")
    rf.save_hours("F", 2023, "k", _hours([1, 2], STARTS[0], STARTS[1], 1.0), s0, TZ)
    new, spans = _span(1, 5)
    rf.replace_spans("F", 2023, "k", new, spans, s0, s1, TZ, {0})  # January: a big file and day 5's own
    folder = rf.folder_of("F", 2023, "k")
    assert folder is not None
    _age(folder)
    real = rewrite  # what rollup_files calls

    def worker_a_commits_meanwhile(*args: object, **kw: object) -> dict[int, list[str]]:
        out = real(*args, **kw)  # type: ignore[arg-type]
        monkeypatch.setattr(rf, "rewrite", real)
        a_new, a_spans = _span(1, 5)  # worker A corrects day 5: its file is rewritten
        assert rf.replace_spans("F", 2023, "k", a_new, a_spans, s1, State(3, "s"), TZ, {0}) is not None
        return out

    monkeypatch.setattr(rf, "rewrite", worker_a_commits_meanwhile)
    b_new, b_spans = _span(2, 20)  # worker B, from the same manifest, keeps day 5's file as it is
    parts = rf.replace_spans("F", 2023, "k", b_new, b_spans, s1, State(4, "s"), TZ, {0})
    assert parts is not None and all(Path(p).exists() for p in parts)
