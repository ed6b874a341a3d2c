"""The kept roll-ups (monthly in the store, hourly next to it) equal a whole recomputation after batches,
corrections and a meter replacement arrive in any order; the hour roll-ups follow every update once kept."""

from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from tests.services.metering.test_activity import EVENT, GAP, SETUP, T1, TZ, _data

from zerocarbon.ingest.pipeline import close_batch, ingest_table, open_batch
from zerocarbon.services.metering import rollups as kept
from zerocarbon.services.metering import year as metered
from zerocarbon.services.metering.corrections import correct
from zerocarbon.store import rollup_files
from zerocarbon.store.factories import save_factory_setup
from zerocarbon.timeseries import days, months


def _rows(table: pa.Table, keys: list[str]) -> list[dict[str, Any]]:
    return [{k: (str(v) if isinstance(v, Decimal) else v) for k, v in r.items()}
            for r in table.sort_by([(k, "ascending") for k in keys]).to_pylist()]


def _check(url: str, hourly: bool) -> None:
    got = kept.kept_year("F1", 2023, url, hourly=hourly)
    whole = metered.metered_year("F1", 2023, url, estimate="linear", hourly=hourly)
    assert _rows(got.monthly(), ["meter_id", "ts"]) == _rows(whole.monthly(), ["meter_id", "ts"])
    assert _rows(got.gaps, ["meter_id", "start"]) == _rows(whole.gaps, ["meter_id", "start"])
    assert _rows(got.unused, ["meter_id", "ts", "reason"]) == _rows(whole.unused, ["meter_id", "ts", "reason"])
    if hourly:
        assert _rows(got.hourly(), ["meter_id", "ts"]) == _rows(whole.hourly(), ["meter_id", "ts"])
    else:
        with pytest.raises(ValueError):
            got.hourly()


def _batches() -> list[dict[str, list[object]]]:
    """The readings of the test factory cut into four batches: by meter group and by half of the period."""
    data = _data()
    middle = int(datetime(2023, 1, 20, tzinfo=TZ).timestamp())
    parts: list[dict[str, list[object]]] = [{"meter": [], "ts": [], "value": []} for _ in range(4)]
    for code, ts, value in zip(data["meter"], data["ts"], data["value"], strict=True):
        k = (0 if code in ("E1", "E2", "X1") else 2) + (0 if int(str(ts)) < middle else 1)
        for key, v in (("meter", code), ("ts", ts), ("value", value)):
            parts[k][key].append(v)
    return parts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_any_order_equals_the_whole_year(store_url: str, seed: int, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(rollup_files.ENV, str(tmp_path / "rollups"))  # hours kept on either store
    rng = random.Random(seed)
    save_factory_setup(SETUP, store_url)
    steps: list[tuple[str, Any]] = [("batch", b) for b in _batches()]
    steps.append(("batch", {"meter": ["E1"], "ts": [GAP], "value": [7.0]}))  # the late reading fills the gap
    rng.shuffle(steps)
    # corrections come after the readings they correct; the replacement (a set-up change) at a random place
    steps += [("correct", ("G1", T1 - 3600, 1.0)), ("correct", ("E2", GAP + 900, 0.75))]
    steps.insert(rng.randrange(len(steps) + 1), ("replace", None))
    for i, (kind, arg) in enumerate(steps):
        if kind == "batch":
            batch = open_batch("test", f"part {i}", url=store_url, factory_id="F1")
            close_batch(ingest_table(arg, "F1", batch, "test", store_url, now=T1 + 86_400), url=store_url)
        elif kind == "correct":
            code, ts, value = arg
            correct("F1", code, ts, value, "读错了 misread", url=store_url)
        else:
            event = {"meter": "G1", "ts": datetime.fromtimestamp(EVENT + 86_400 * 3, TZ), "kind": "reset",
                     "old_final_value": None, "new_initial_value": 0}
            save_factory_setup(SETUP.model_copy(update={"events": [*SETUP.events, type(SETUP.events[0])
                                                                   .model_validate(event)]}), store_url)
        _check(store_url, hourly=rng.random() < 0.6)
    _check(store_url, hourly=True)


def test_hours_follow_updates_and_are_recomputed_when_stale(store_url: str, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(rollup_files.ENV, str(tmp_path / "rollups"))
    save_factory_setup(SETUP, store_url)
    batch = open_batch("test", "all", url=store_url, factory_id="F1")
    close_batch(ingest_table(_data(), "F1", batch, "test", store_url, now=T1 + 86_400), url=store_url)
    scans: list[tuple[Any, bool]] = []
    real, real_days = months.scan_pieces, days.scan_days

    def spy(*args: Any, **kw: Any) -> Any:
        scans.append((kw.get("ranges"), kw.get("hourly", False)))
        return real(*args, **kw)

    def spy_days(*args: Any, **kw: Any) -> Any:  # by day: the spans of days rescanned
        scans.append((args[3], kw.get("hourly", False)))
        return real_days(*args, **kw)

    monkeypatch.setattr(kept, "scan_pieces", spy)
    monkeypatch.setattr(days, "scan_days", spy_days)
    _check(store_url, hourly=False)
    _check(store_url, hourly=True)  # no hours kept yet: one whole scan with hours
    assert scans[-1] == (None, True)
    n = len(scans)
    _check(store_url, hourly=True)  # read back, nothing scanned
    assert len(scans) == n
    late = open_batch("test", "late", url=store_url, factory_id="F1")
    close_batch(ingest_table({"meter": ["E1"], "ts": [GAP], "value": [7.0]}, "F1", late, "test", store_url,
                             now=T1 + 86_400), url=store_url)
    _check(store_url, hourly=False)  # the monthly update also brings the kept hours up to date
    ranges, with_hours = scans[-1]
    assert ranges is not None and with_hours
    n = len(scans)
    _check(store_url, hourly=True)
    assert len(scans) == n
    # hour files that no longer match the store's state are never read: the hours are computed again
    folder = rollup_files.folder_of("F1", 2023, "linear:energy", store_url)
    assert folder is not None
    manifest = folder / rollup_files.MANIFEST
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('"audit_id": ', '"audit_id": 1'),
                        encoding="utf-8")
    _check(store_url, hourly=True)
    assert scans[-1] == (None, True)


def test_an_sqlite_store_keeps_hours_next_to_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(rollup_files.ENV, raising=False)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert rollup_files.rollup_root(url) == tmp_path / "store.db.rollups"
    assert rollup_files.rollup_root("postgresql+psycopg://u@127.0.0.1:5432/test") is None


def test_the_last_gap_filled_leaves_no_gap(store_url: str) -> None:
    """A day that fills a month's only gap: its stored gap piece goes and nothing takes its place (the
    update once kept the old gaps when the replaced months had none left)."""
    from zerocarbon.model.metering import FactorySetup

    setup = FactorySetup.model_validate({
        "factory": {"id": "F2", "name_zh": "测试厂二", "province": "江苏"},
        "meters": [{"code": "M1", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
                    "category": "electricity_purchased"}]})
    save_factory_setup(setup, store_url)
    start = int(datetime(2023, 1, 1, tzinfo=TZ).timestamp())
    last_day = int(datetime(2023, 12, 31, tzinfo=TZ).timestamp())
    year_end = int(datetime(2024, 1, 1, tzinfo=TZ).timestamp())
    before = list(range(start, last_day, 900))
    batch = open_batch("test", "year", url=store_url, factory_id="F2")
    close_batch(ingest_table({"meter": ["M1"] * len(before), "ts": before, "value": [0.5] * len(before)}, "F2",
                             batch, "test", store_url, now=year_end + 86_400), url=store_url)
    got = kept.kept_year("F2", 2023, store_url)
    assert got.gaps.num_rows == 1 and got.gaps["count"].to_pylist() == [96]
    day = list(range(last_day, year_end, 900))
    batch = open_batch("test", "last day", url=store_url, factory_id="F2")
    close_batch(ingest_table({"meter": ["M1"] * len(day), "ts": day, "value": [0.25] * len(day)}, "F2", batch,
                             "test", store_url, now=year_end + 86_400), url=store_url)
    after = kept.kept_year("F2", 2023, store_url)
    whole = metered.metered_year("F2", 2023, store_url, estimate="linear")
    assert after.gaps.num_rows == whole.gaps.num_rows == 0
    assert _rows(after.monthly(), ["meter_id", "ts"]) == _rows(whole.monthly(), ["meter_id", "ts"])
    assert kept.kept_year("F2", 2023, store_url).gaps.num_rows == 0  # and so it was stored
