"""Readings pushed as a REST batch (``push_readings``), on SQLite and on the real PostgreSQL server."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from zerocarbon.errors import InputError
from zerocarbon.ingest.rest import ReadingBatchIn, ReadingIn, push_readings
from zerocarbon.model.metering import FactorySetup
from zerocarbon.store import schema as s
from zerocarbon.store.db import get_engine, migrate, transaction
from zerocarbon.store.factories import load_meters, save_factory_setup
from zerocarbon.store.readings import read_current

T0 = 1_700_000_100  # 2023-11-14T22:15:00Z = 2023-11-15T06:15:00+08:00, on a 15-minute boundary
NOW = T0 + 86_400
SETUP = FactorySetup.model_validate({
    "factory": {"id": "F", "name_zh": "测试厂", "province": "江苏"},
    "meters": [
        {"code": "E1", "carrier": "electricity", "unit": "kWh", "register_kind": "interval"},
        {"code": "G1", "carrier": "natural_gas", "unit": "Nm3", "register_kind": "cumulative"},
    ],
})


def _batch(readings: list[Any]) -> ReadingBatchIn:
    return ReadingBatchIn.model_validate({"readings": readings})


def _stored(url: str) -> set[tuple[int, int, float]]:
    table = read_current(url=url)
    return set(zip(table["meter_id"].to_pylist(), table["ts"].to_pylist(), table["value"].to_pylist(), strict=True))


def _rejects(url: str) -> dict[str, tuple[str, str]]:
    with transaction(url) as conn:
        rows = conn.execute(select(s.rejected.c.location, s.rejected.c.field, s.rejected.c.reason)).all()
    return {loc: (fld, reason) for loc, fld, reason in rows}


def test_happy_path(store_url: str) -> None:
    save_factory_setup(SETUP, store_url)
    batch = _batch([
        {"meter": "E1", "ts": "2023-11-15T06:15:00+08:00", "value": 12.5, "unit": "kWh", "id": "a-1"},
        {"meter": "E1", "ts": T0 + 900, "value": 0.0135, "unit": "MWh"},
        {"meter": "G1", "ts": "2023-11-15T06:20:07", "value": 1234.5},
    ])
    report = push_readings(batch, "F", store_url, client="scada-gw-1", now=NOW)
    assert (report.received, report.accepted, report.duplicates, report.rejected) == (3, 3, 0, 0)
    ids = {code: m.id for code, m in load_meters("F", store_url).items()}
    stored = sorted(_stored(store_url))
    assert [(m, ts) for m, ts, _ in stored] == sorted([(ids["E1"], T0), (ids["E1"], T0 + 900), (ids["G1"], T0 + 307)])
    assert {(m, ts): v for m, ts, v in stored} == {(ids["E1"], T0): 12.5, (ids["E1"], T0 + 900): pytest.approx(13.5),
                                                   (ids["G1"], T0 + 307): 1234.5}
    with transaction(store_url) as conn:
        row = conn.execute(select(s.batches).where(s.batches.c.id == report.batch_id)).mappings().one()
    assert (row["source"], row["name"], row["status"], row["accepted"]) == ("rest", "scada-gw-1", "done", 3)
    assert row["content_hash"] == batch.content_hash("F")


def test_reposting_the_same_batch_changes_nothing(store_url: str) -> None:
    save_factory_setup(SETUP, store_url)
    body = {"readings": [{"meter": "E1", "ts": T0 + 900 * k, "value": float(k)} for k in range(20)]}
    first = push_readings(ReadingBatchIn.model_validate(body), "F", store_url, now=NOW)
    before = _stored(store_url)
    again = push_readings(ReadingBatchIn.model_validate_json(ReadingBatchIn.model_validate(body).model_dump_json()),
                          "F", store_url, now=NOW)
    assert (first.accepted, first.duplicates) == (20, 0)
    assert (again.received, again.accepted, again.duplicates, again.rejected) == (20, 0, 20, 0)
    assert _stored(store_url) == before and len(before) == 20


def test_mixed_good_and_bad_readings_are_located(store_url: str) -> None:
    """Every entry is either stored or rejected with 'request #<batch> item <i>' (i from 1, as sent)."""
    save_factory_setup(SETUP, store_url)
    batch = _batch([
        {"meter": "E1", "ts": T0, "value": 1.0},                       # 1 good
        {"meter": "E1", "ts": "yesterday", "value": 1.0},              # 2 not a time
        {"meter": "E1", "ts": T0 + 900},                               # 3 no value
        {"meter": "X9", "ts": T0, "value": 1.0, "id": 77},             # 4 unknown meter (validation)
        {"ts": T0, "value": 1.0},                                      # 5 no meter
        {"meter": "E1", "ts": T0 * 1000, "value": 1.0},                # 6 milliseconds
        {"meter": "E1", "ts": T0 + 1800, "value": "2.0"},              # 7 text, not a number
        {"meter": "E1", "ts": T0 + 2700, "value": 1.0, "qual": 1},     # 8 unknown field
        "E1,1700000100,1.0",                                           # 9 not an object
        {"meter": "E1", "ts": T0 + 7, "value": 1.0},                   # 10 not aligned (validation)
        {"meter": "G1", "ts": T0, "value": 5.0, "unit": "kWh"},        # 11 wrong dimension (validation)
        {"meter": "E1", "ts": "2023-11-15T06:30:00+08:00", "value": 2.0},  # 12 good
        {"meter": "E1", "ts": "2023-11-15T06:45:00.5+08:00", "value": 2.0},  # 13 fraction of a second
    ])
    assert len(batch.problems) == 7 and batch.size == 13
    report = push_readings(batch, "F", store_url, now=NOW)
    assert (report.received, report.accepted, report.rejected) == (13, 2, 11)
    where = _rejects(store_url)
    b = report.batch_id
    assert set(where) == {f"request #{b} item {i}" for i in (2, 3, 5, 6, 7, 8, 9, 10, 11, 13)} | {
        f"request #{b} item 4 (id 77)"}
    assert where[f"request #{b} item 2"][0] == "ts" and "ISO 8601" in where[f"request #{b} item 2"][1]
    assert where[f"request #{b} item 3"] == ("value", "schema: value: Field required")
    assert "unknown meter 'X9'" in where[f"request #{b} item 4 (id 77)"][1]
    assert where[f"request #{b} item 5"][0] == "meter"
    assert "milliseconds" in where[f"request #{b} item 6"][1]
    assert where[f"request #{b} item 7"][0] == "value"
    assert where[f"request #{b} item 8"][0] == "qual"
    assert where[f"request #{b} item 9"][0] == "payload"
    assert "aligned" in where[f"request #{b} item 10"][1]
    assert where[f"request #{b} item 11"][0] == "unit"
    assert "fractions of a second" in where[f"request #{b} item 13"][1]
    assert len(_stored(store_url)) == 2


def test_naive_times_are_factory_local_aware_times_are_absolute(store_url: str) -> None:
    save_factory_setup(SETUP, store_url)
    naive = push_readings(_batch([{"meter": "E1", "ts": "2023-11-15T06:15:00", "value": 3.0}]), "F", store_url,
                          now=NOW)
    same = _batch([{"meter": "E1", "ts": "2023-11-14T22:15:00Z", "value": 3.0},
                   {"meter": "E1", "ts": "2023-11-15T06:15:00+08:00", "value": 3.0},
                   {"meter": "E1", "ts": T0, "value": 3.0}])
    again = push_readings(same, "F", store_url, now=NOW)
    assert naive.accepted == 1 and (again.accepted, again.duplicates) == (0, 3)
    assert {ts for _, ts, _ in _stored(store_url)} == {T0}
    # A naive 06:15 read as UTC would be 8 hours later: a different reading.
    utc = push_readings(_batch([{"meter": "E1", "ts": "2023-11-15T06:15:00+00:00", "value": 4.0}]), "F", store_url,
                        now=NOW)
    assert utc.accepted == 1 and {ts for _, ts, _ in _stored(store_url)} == {T0, T0 + 8 * 3600}


def test_unknown_factory_is_refused(store_url: str) -> None:
    save_factory_setup(SETUP, store_url)
    with pytest.raises(InputError, match="unknown factory 'NOPE'"):
        push_readings(_batch([{"meter": "E1", "ts": T0, "value": 1.0}]), "NOPE", store_url, now=NOW)


def test_batch_level_problems_fail_the_whole_request() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        ReadingBatchIn.model_validate({"readings": "E1,1,2"})
    with pytest.raises(ValidationError):
        ReadingBatchIn.model_validate({"readings": [], "factory": "F"})
    with pytest.raises(ValueError, match="JSON object"):
        ReadingBatchIn.from_payload([{"meter": "E1", "ts": T0, "value": 1.0}])


def test_single_reading_and_topic_meter_payloads() -> None:
    one = ReadingBatchIn.from_payload({"ts": T0, "value": 1.0}, meter="E1")
    assert [r.meter for r in one.readings] == ["E1"]
    many = ReadingBatchIn.from_payload({"readings": [{"ts": T0, "value": 1.0}, {"meter": "E2", "ts": T0,
                                                                                "value": 2.0}]}, meter="E1")
    assert [r.meter for r in many.readings] == ["E1", "E2"]  # E2 is rejected later: it is not the topic's


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)))
def test_naive_local_time_equals_its_aware_form(moment: datetime) -> None:
    """A naive time is Asia/Shanghai (UTC+8, no DST since 1991)."""
    moment = moment.replace(microsecond=0)
    naive = ReadingIn(meter="E1", ts=moment.isoformat(), value=1.0)  # type: ignore[arg-type]
    aware = ReadingIn(meter="E1", ts=moment.replace(tzinfo=timezone(timedelta(hours=8))).isoformat(),  # type: ignore[arg-type]
                      value=1.0)
    assert naive.epoch() == aware.epoch()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=30),
       cut=st.integers(0, 30), order=st.randoms(use_true_random=False))
def test_resending_any_part_in_any_order_is_idempotent(tmp_path_factory: pytest.TempPathFactory,
                                                       values: list[float], cut: int, order: Any) -> None:
    """Send all readings, then a shuffled re-send of a prefix plus the rest: the store holds each once."""
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('idem')) / 'store.db'}"
    migrate(url)
    save_factory_setup(SETUP, url)
    items = [{"meter": "E1", "ts": T0 + 900 * k, "value": v} for k, v in enumerate(values)]
    push_readings(_batch(items[:cut]), "F", url, now=NOW)
    resend = list(items)
    order.shuffle(resend)
    report = push_readings(_batch(resend), "F", url, now=NOW)
    assert report.accepted + report.duplicates == len(items)
    assert report.accepted == len(items) - min(cut, len(items))
    assert len(_stored(url)) == len(items)
    get_engine(url).dispose()
