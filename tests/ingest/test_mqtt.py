"""The MQTT subscriber against the real Mosquitto broker, into SQLite and the real PostgreSQL server."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import select

from zerocarbon.ingest.mqtt import FlushReport, drop_session, parse_topic, prepare_session, run_subscriber, topics_for
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.metering import quality as data_quality
from zerocarbon.store import schema as s
from zerocarbon.store.db import transaction
from zerocarbon.store.factories import save_factory_setup
from zerocarbon.store.readings import read_current

HOST, PORT = "127.0.0.1", 1883
T0 = 1_700_000_100  # 2023-11-14T22:15:00Z, on a 15-minute boundary

pytestmark = pytest.mark.service


def _broker_up() -> bool:
    try:
        with socket.create_connection((HOST, PORT), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture
def broker() -> None:
    if not _broker_up():
        pytest.skip(f"[service] MQTT broker not reachable at {HOST}:{PORT}")


@pytest.fixture
def factory(store_url: str, broker: None) -> str:
    """A factory with a name of its own, so tests never see each other's messages on the shared broker."""
    fid = f"T{uuid.uuid4().hex[:10]}"
    save_factory_setup(FactorySetup.model_validate({
        "factory": {"id": fid, "name_zh": "测试厂", "province": "江苏"},
        "meters": [{"code": "E1", "carrier": "electricity", "unit": "kWh", "register_kind": "interval"},
                   {"code": "G1", "carrier": "natural_gas", "unit": "Nm3", "register_kind": "cumulative"}],
    }), store_url)
    return fid


@pytest.fixture
def client_id() -> Iterator[str]:
    cid = f"zc-test-{uuid.uuid4().hex[:12]}"
    yield cid
    drop_session(cid, HOST, PORT)


class Progress:
    """What the subscriber reported, for tests to wait on."""

    def __init__(self) -> None:
        self.flushes: list[FlushReport] = []
        self.cond = threading.Condition()

    def __call__(self, report: FlushReport) -> None:
        with self.cond:
            self.flushes.append(report)
            self.cond.notify_all()

    def total(self, what: str) -> int:
        if what == "messages":
            return sum(f.messages for f in self.flushes)
        if what == "dead_letters":
            return sum(f.dead_letters for f in self.flushes)
        return sum(int(getattr(f.report, what)) for f in self.flushes)

    def wait(self, what: str, n: int, timeout: float = 20.0) -> None:
        with self.cond:
            if not self.cond.wait_for(lambda: self.total(what) >= n, timeout):
                raise AssertionError(f"subscriber reported {self.total(what)} {what}, expected {n}")


@contextmanager
def subscriber(factory_id: str | None, url: str, client_id: str, topics: list[str] | None = None,
               **kw: Any) -> Iterator[Progress]:
    progress = Progress()
    stop = threading.Event()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            run_subscriber(factory_id, url, HOST, PORT, topics, client_id, stop, batch_max=kw.pop("batch_max", 50),
                           flush_interval_s=0.05, on_report=progress, **kw)
        except BaseException as exc:  # surfaced in the test thread
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield progress
    finally:
        stop.set()
        thread.join(30)
    assert not thread.is_alive(), "subscriber did not stop"
    assert not errors, errors


def publish(messages: list[tuple[str, bytes | str]], qos: int = 1) -> None:
    """Publish and wait until the broker has acknowledged every message (QoS 1)."""
    pub = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="", protocol=mqtt.MQTTv311)
    pub.max_inflight_messages_set(200)
    pub.connect(HOST, PORT)
    pub.loop_start()
    try:
        infos = [pub.publish(topic, payload, qos=qos) for topic, payload in messages]
        for info in infos:
            info.wait_for_publish(20)
            assert info.is_published()
    finally:
        pub.disconnect()
        pub.loop_stop()


def _reading(k: int, meter: str | None = "E1") -> str:
    body: dict[str, Any] = {"ts": T0 + 900 * k, "value": float(k), "unit": "kWh"}
    if meter is not None:
        body["meter"] = meter
    return json.dumps(body)


def _count(url: str) -> int:
    return int(read_current(url=url).num_rows)


def _wait_for(cond: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def test_topic_scheme() -> None:
    assert parse_topic("zerocarbon/F1/readings") == ("F1", None)
    assert parse_topic("zerocarbon/F1/meters/E01") == ("F1", "E01")
    assert parse_topic("zerocarbon/F1/meters/") is None
    assert parse_topic("zerocarbon/F1/status") is None
    assert parse_topic("other/F1/readings") is None
    assert topics_for("F1") == ["zerocarbon/F1/readings", "zerocarbon/F1/meters/+"]


def test_published_readings_are_all_stored(store_url: str, factory: str, client_id: str) -> None:
    """Single readings, per-meter topics without the meter, and lists: all stored, batches rotated."""
    prepare_session(factory, HOST, PORT, client_id=client_id)
    readings_topic, meter_topic = f"zerocarbon/{factory}/readings", f"zerocarbon/{factory}/meters/E1"
    msgs: list[tuple[str, bytes | str]] = [(readings_topic, _reading(k)) for k in range(200)]
    msgs += [(meter_topic, _reading(k, meter=None)) for k in range(200, 300)]
    msgs += [(readings_topic, json.dumps({"readings": [json.loads(_reading(k)) for k in range(300 + 50 * j,
                                                                                              350 + 50 * j)]}))
             for j in range(4)]
    publish(msgs)  # queued by the broker for the session: the subscriber is not even running yet
    with subscriber(factory, store_url, client_id, rotate_readings=100) as progress:
        progress.wait("messages", len(msgs))
    assert _count(store_url) == 500
    assert progress.total("accepted") == 500 and progress.total("rejected") == 0
    with transaction(store_url) as conn:
        batches = conn.execute(select(s.batches.c.status, s.batches.c.accepted, s.batches.c.source)).all()
    assert {b.status for b in batches} == {"done"} and {b.source for b in batches} == {"mqtt"}
    assert len(batches) >= 3 and sum(b.accepted for b in batches) == 500


def test_republished_duplicates_are_counted_not_stored(store_url: str, factory: str, client_id: str) -> None:
    prepare_session(factory, HOST, PORT, client_id=client_id)
    msgs: list[tuple[str, bytes | str]] = [(f"zerocarbon/{factory}/readings", _reading(k)) for k in range(100)]
    with subscriber(factory, store_url, client_id) as progress:
        publish(msgs)
        progress.wait("messages", 100)
        publish(msgs)
        publish(msgs[:10])
        progress.wait("messages", 210)
    assert _count(store_url) == 100
    assert (progress.total("accepted"), progress.total("duplicates"), progress.total("rejected")) == (100, 110, 0)


def test_malformed_messages_go_to_dead_letters(store_url: str, factory: str, client_id: str) -> None:
    """Kept with the reason and acknowledged; the subscriber carries on with good messages."""
    ghost = f"{factory}x"  # a factory the store does not know
    topics = [f"zerocarbon/{factory}/readings", f"zerocarbon/{factory}/meters/+", f"zerocarbon/{ghost}/readings",
              f"zerocarbon/{factory}/status"]
    prepare_session(None, HOST, PORT, topics, client_id)
    rt = f"zerocarbon/{factory}/readings"
    bad: list[tuple[str, bytes | str]] = [
        (rt, b"\xff\xfe not utf-8"),
        (rt, "{not json"),
        (rt, json.dumps({"meter": "E1", "ts": T0, "value": "lots"})),
        (rt, json.dumps({"readings": {"meter": "E1"}})),
        (rt, json.dumps([1, 2, 3])),
        (f"zerocarbon/{ghost}/readings", _reading(1)),
        (f"zerocarbon/{factory}/status", "online"),
    ]
    mixed = json.dumps({"readings": [json.loads(_reading(5)), {"meter": "E1", "ts": "soon", "value": 1.0},
                                     {"meter": "E1", "ts": T0 + 7, "value": 1.0}]})
    good: list[tuple[str, bytes | str]] = [(rt, _reading(1)), (rt, mixed),
                                           (f"zerocarbon/{factory}/meters/E1", _reading(6, meter="G1"))]
    publish(bad + good)
    with subscriber(None, store_url, client_id, topics) as progress:
        progress.wait("messages", len(bad) + len(good))
    with transaction(store_url) as conn:
        dead = {d.topic + " " + d.reason: d.payload for d in conn.execute(select(s.dead_letters)).all()}
        rejected = {r.location: (r.field, r.reason) for r in conn.execute(select(s.rejected)).all()}
    reasons = sorted(dead)
    assert len(dead) == len(bad) == progress.total("dead_letters")
    assert any("not UTF-8" in r and dead[r] == base64.b64encode(b"\xff\xfe not utf-8").decode() for r in reasons)
    assert any("not JSON" in r and dead[r] == "{not json" for r in reasons)
    assert any("schema: value: Input should be a valid number" in r for r in reasons)
    assert any("schema: readings: Input should be a valid list" in r for r in reasons)
    assert any("JSON object" in r for r in reasons)
    assert f"zerocarbon/{ghost}/readings unknown factory '{ghost}'" in dead
    assert any(r.startswith(f"zerocarbon/{factory}/status topic outside the scheme") for r in reasons)
    # Inside an understood message, readings are rejected one by one, located like REST ones.
    assert rejected[f"{rt} item 2"][0] == "ts" and "ISO 8601" in rejected[f"{rt} item 2"][1]
    assert "aligned" in rejected[f"{rt} item 3"][1]
    assert rejected[f"zerocarbon/{factory}/meters/E1 item 1"] == (
        "meter", "meter 'G1' differs from the topic's meter 'E1'")
    assert _count(store_url) == 2  # readings 1 and 5


def test_messages_published_while_down_are_delivered_on_restart(store_url: str, factory: str,
                                                                client_id: str) -> None:
    rt = f"zerocarbon/{factory}/readings"
    prepare_session(factory, HOST, PORT, client_id=client_id)
    with subscriber(factory, store_url, client_id) as progress:
        publish([(rt, _reading(k)) for k in range(50)])
        progress.wait("messages", 50)
    publish([(rt, _reading(k)) for k in range(50, 250)])  # nobody listening: the broker keeps them
    assert _count(store_url) == 50
    with subscriber(factory, store_url, client_id) as progress:
        progress.wait("accepted", 200)
    # At-least-once: acknowledgements in flight when the first subscriber stopped may be lost, and the
    # broker then rightly redelivers those messages; the store absorbs them as duplicates.
    assert _count(store_url) == 250
    assert progress.total("messages") - progress.total("duplicates") == 200
    with subscriber(factory, store_url, client_id) as progress:
        time.sleep(1.0)
    assert _count(store_url) == 250  # whatever is redelivered once more changes nothing
    assert progress.total("messages") == progress.total("duplicates")


def test_nothing_is_acknowledged_before_it_is_stored(store_url: str, factory: str, client_id: str) -> None:
    """With the store unable to write, messages stay unacknowledged in memory and are stored once it can."""
    rt = f"zerocarbon/{factory}/readings"
    prepare_session(factory, HOST, PORT, client_id=client_id)
    try:
        with subscriber(factory, store_url, client_id) as progress:
            publish([(rt, _reading(0))])
            progress.wait("accepted", 1)
            with transaction(store_url) as conn:  # both the readings and the dead letters become unwritable
                conn.exec_driver_sql("ALTER TABLE readings RENAME TO readings_away")
                conn.exec_driver_sql("ALTER TABLE dead_letters RENAME TO dead_letters_away")
            publish([(rt, _reading(k)) for k in range(1, 31)])
            time.sleep(1.5)
            assert progress.total("messages") == 1
            with transaction(store_url) as conn:
                conn.exec_driver_sql("ALTER TABLE readings_away RENAME TO readings")
                conn.exec_driver_sql("ALTER TABLE dead_letters_away RENAME TO dead_letters")
            progress.wait("accepted", 31, timeout=30)
    finally:
        with transaction(store_url) as conn:
            names = {r[0] for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type='table'" if store_url.startswith("sqlite")
                else "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").all()}
            if "readings_away" in names:
                conn.exec_driver_sql("ALTER TABLE readings_away RENAME TO readings")
            if "dead_letters_away" in names:
                conn.exec_driver_sql("ALTER TABLE dead_letters_away RENAME TO dead_letters")
    assert _count(store_url) == 31
    with transaction(store_url) as conn:
        assert conn.execute(select(s.dead_letters)).all() == []


def test_store_batches_carry_the_subscribed_factory_or_none(store_url: str, factory: str, client_id: str) -> None:
    """A subscriber of one factory opens that factory's batches; one over every factory's topics opens
    batches of no factory, which no factory's data-quality list shows (``F`` and ``F:2`` both sent)."""
    other = f"{factory}:2"
    save_factory_setup(FactorySetup.model_validate({
        "factory": {"id": other, "name_zh": "测试厂二", "province": "江苏"},
        "meters": [{"code": "E1", "carrier": "electricity", "unit": "kWh", "register_kind": "interval"}],
    }), store_url)
    prepare_session(other, HOST, PORT, client_id=client_id)
    publish([(f"zerocarbon/{other}/readings", _reading(0))])
    with subscriber(other, store_url, client_id) as progress:
        progress.wait("accepted", 1)
    every = f"zc-test-{uuid.uuid4().hex[:12]}"
    topics = [f"zerocarbon/{factory}/readings", f"zerocarbon/{other}/readings"]
    try:
        prepare_session(None, HOST, PORT, topics, every)
        publish([(topics[0], _reading(1)), (topics[1], _reading(2))])
        with subscriber(None, store_url, every, topics) as progress:
            progress.wait("accepted", 2)
    finally:
        drop_session(every, HOST, PORT)
    with transaction(store_url) as conn:
        batches = conn.execute(select(s.batches.c.id, s.batches.c.name, s.batches.c.factory_id)).all()
    own = {b.id for b in batches if b.name.startswith(client_id)}
    shared = {b.id for b in batches if b.name.startswith(every)}
    assert own and shared and {b.factory_id for b in batches} == {other, None}
    assert {b.id for b in batches if b.factory_id == other} == own
    assert {int(r["id"]) for r in data_quality.batches(other, 100, 0, store_url)[1]} == own
    assert data_quality.batches(factory, 100, 0, store_url) == (0, [])


def test_each_closed_batch_is_told_and_the_factory_roll_ups_follow(store_url: str, factory: str,
                                                                   client_id: str) -> None:
    """``on_close`` hears every store batch the subscriber closes (rotated or at stop) with the times it
    stored; the service's subscriber of one factory brings that factory's kept roll-ups up to date."""
    from zerocarbon.services.metering.feeds import subscribe
    from zerocarbon.store import rollups as kept

    prepare_session(factory, HOST, PORT, client_id=client_id)
    publish([(f"zerocarbon/{factory}/readings", _reading(k)) for k in range(120)])
    closed: list[Any] = []
    with subscriber(factory, store_url, client_id, rotate_readings=50, on_close=closed.append) as progress:
        progress.wait("messages", 120)
    assert len(closed) >= 2 and sum(r.accepted for r in closed) == 120
    assert min(r.first_ts for r in closed if r.accepted) == T0
    assert max(r.last_ts for r in closed if r.accepted) == T0 + 900 * 119
    publish([(f"zerocarbon/{factory}/readings", _reading(k)) for k in range(120, 130)])
    stop = threading.Event()
    thread = threading.Thread(target=subscribe, args=(factory, store_url, HOST, PORT, None, client_id, stop),
                              daemon=True)
    thread.start()
    _wait_for(lambda: _count(store_url) == 130)
    stop.set()
    thread.join(30)
    assert not thread.is_alive()
    assert kept.kept_years(factory, kept.variant("linear", False), store_url) == [2023]
