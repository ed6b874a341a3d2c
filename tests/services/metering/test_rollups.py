"""The metered year kept in the store per meter and month, brought up to date by what is written
(SQLite and PostgreSQL): it equals the year computed whole from the readings after each change, and a
batch or a correction recomputes only the meters and months it touches."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest
from tests.services.metering.test_activity import GAP, SETUP, T1, _data

from zerocarbon.ingest.pipeline import close_batch, ingest_table, open_batch
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.metering import rollups as kept
from zerocarbon.services.metering import year as metered
from zerocarbon.services.metering.corrections import correct
from zerocarbon.store import rollup_files
from zerocarbon.store.factories import save_factory_setup
from zerocarbon.timeseries import days, months


def _rows(table: pa.Table, keys: list[str]) -> list[dict[str, Any]]:
    return [{k: (str(v) if isinstance(v, Decimal) else v) for k, v in r.items()}
            for r in table.sort_by([(k, "ascending") for k in keys]).to_pylist()]


def _same_as_whole(url: str, factory_id: str = "F1") -> None:
    got = kept.kept_year(factory_id, 2023, url)
    whole = metered.metered_year(factory_id, 2023, url, estimate="linear")
    assert _rows(got.monthly(), ["meter_id", "ts"]) == _rows(whole.monthly(), ["meter_id", "ts"])
    assert _rows(got.gaps, ["meter_id", "start"]) == _rows(whole.gaps, ["meter_id", "start"])
    assert _rows(got.unused, ["meter_id", "ts", "reason"]) == _rows(whole.unused, ["meter_id", "ts", "reason"])
    assert got.virtual.terms.equals(whole.virtual.terms)



def _load(url: str) -> None:
    save_factory_setup(SETUP, url)
    batch = open_batch("test", "meters", url=url, factory_id="F1")
    close_batch(ingest_table(_data(), "F1", batch, "test", url, now=T1 + 86_400), url=url)


def test_kept_year_follows_batches_corrections_and_set_up(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _load(store_url)
    _same_as_whole(store_url)  # the first request scans the year and keeps it
    scans: list[dict[int, tuple[int, int]] | None] = []
    spans: list[dict[int, tuple[int, int]]] = []
    real, real_days = months.scan_pieces, days.scan_days

    def spy(*args: Any, **kw: Any) -> Any:
        scans.append(kw.get("ranges"))
        return real(*args, **kw)

    def spy_days(fm: Any, year: int, view: Any, ranges: dict[int, tuple[int, int]], **kw: Any) -> Any:
        spans.append(ranges)
        scans.append(days.month_ranges(ranges, year, fm.timezone))  # the months they rebuild
        return real_days(fm, year, view, ranges, **kw)

    monkeypatch.setattr(kept, "scan_pieces", spy)
    monkeypatch.setattr(days, "scan_days", spy_days)
    late = open_batch("test", "late", url=store_url, factory_id="F1")
    report = ingest_table({"meter": ["E1"], "ts": [GAP], "value": [7.0]}, "F1", late, "test", store_url,
                          now=T1 + 86_400)
    close_batch(report, url=store_url)
    _same_as_whole(store_url)
    ids = {r["code"]: r["meter_id"] for r in metered.load_factory_meters("F1", store_url).meters.to_pylist()}
    assert scans[-1] is not None and set(scans[-1]) >= {ids["E1"], ids["V1"]} and ids["E2"] not in scans[-1]
    assert scans[-1][ids["E1"]] == (0, 0)  # January only
    if rollup_files.rollup_root(store_url) is not None:  # day roll-ups kept next to the store: a few days
        lo, hi = spans[-1][ids["E1"]]
        assert lo <= GAP < hi and hi - lo <= 3 * 86_400
    correct("F1", "G1", T1 - 3600, 1.0, "读错了 misread", url=store_url)
    _same_as_whole(store_url)
    assert scans[-1] is not None and ids["G1"] in scans[-1]
    n = len(scans)
    _same_as_whole(store_url)  # nothing new since: nothing scanned
    assert len(scans) == n
    meters = [m.model_copy(update={"multiplier": Decimal(2)}) if m.code == "E2" else m for m in SETUP.meters]
    changed = SETUP.model_copy(update={"meters": meters})
    save_factory_setup(changed, store_url)
    _same_as_whole(store_url)
    assert None in scans[n:]  # the set-up changed: the whole year again


def test_a_virtual_meter_keeps_the_bridge_of_an_input_no_reading_touched(store_url: str) -> None:
    """Issue 11: C1's gap from January 20th to February 10th is bridged from its readings on both sides;
    a correction of I1 in February recomputes February of V1 = C1 - I1, whose scan of C1 must reach the
    reading before the gap (in January) as the whole-year scan does."""
    tz = ZoneInfo("Asia/Shanghai")
    setup = FactorySetup.model_validate({
        "factory": {"id": "F3", "name_zh": "测试厂三", "province": "江苏"},
        "nodes": [{"code": "S", "kind": "site", "name_zh": "厂区"}],
        "meters": [
            {"code": "C1", "node": "S", "carrier": "electricity", "unit": "kWh", "register_kind": "cumulative",
             "interval_seconds": 3600},
            {"code": "I1", "node": "S", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
             "interval_seconds": 3600},
            {"code": "V1", "node": "S", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
             "interval_seconds": 3600, "virtual_formula": "C1 - I1"},
        ]})
    t0, t1 = (int(datetime(2023, m, d, tzinfo=tz).timestamp()) for m, d in ((1, 1), (3, 1)))
    hole = (int(datetime(2023, 1, 20, tzinfo=tz).timestamp()), int(datetime(2023, 2, 10, tzinfo=tz).timestamp()))
    rows: dict[str, list[object]] = {"meter": [], "ts": [], "value": []}
    for k, ts in enumerate(range(t0, t1 + 1, 3600)):
        for code, v in (("C1", 1000.0 + 2.0 * k), ("I1", 0.5)):
            if (code == "I1" and ts == t1) or (code == "C1" and hole[0] <= ts < hole[1]):
                continue
            rows["meter"].append(code)
            rows["ts"].append(ts)
            rows["value"].append(v)
    save_factory_setup(setup, store_url)
    batch = open_batch("test", "meters", url=store_url, factory_id="F3")
    close_batch(ingest_table(rows, "F3", batch, "test", store_url, now=t1 + 86_400), url=store_url)
    _same_as_whole(store_url, "F3")
    correct("F3", "I1", int(datetime(2023, 2, 20, tzinfo=tz).timestamp()), 4.5, "读错了 misread", url=store_url)
    _same_as_whole(store_url, "F3")
    ids = {r["code"]: r["meter_id"] for r in metered.load_factory_meters("F3", store_url).meters.to_pylist()}
    feb = next(r for r in kept.kept_year("F3", 2023, store_url).monthly().to_pylist()
               if r["meter_id"] == ids["V1"] and r["period"] == "2023-02")
    assert feb["value_exact"] == Decimal(28 * 24 * (2 - Decimal("0.5")) - 4)  # C1 bridged at 2 an hour
