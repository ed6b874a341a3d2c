"""Benchmark: sustained MQTT ingestion into the embedded store, on loopback, with zero loss.

Two workloads, each run 3 times after a warm-up: 50,000 messages of 1 reading, and 5,000 messages of
100 readings, published with QoS 1 to the real Mosquitto broker on 127.0.0.1. The subscriber
(:func:`zerocarbon.ingest.mqtt.run_subscriber`) runs in its own process on a fresh SQLite store and is
warm (one process for all runs, the store growing as in production). A run ends when the subscriber
reports every message committed and acknowledged; then the store's row count must equal the readings
published (the loss count is reported, and must be 0).

Flow control: Mosquitto keeps at most ``max_queued_messages`` (default 1000) per client beyond the
ones in flight and silently drops the rest, so the publisher keeps no more than ``--window``
messages outstanding (published, not yet committed). The figure is therefore the sustained rate at
which nothing is lost, not a burst rate.

Peer: the same stream into a bare paho subscriber that acknowledges each message without parsing or
storing it (the ceiling of broker, loopback and Python client), measured in the same run; the ratio
says how much of that ceiling the full path keeps.

    .venv/bin/python benchmarks/bench_mqtt.py [--small 50000] [--large 5000] [--runs 3]

Prints one JSON object: per workload the median, min and max of messages/s and readings/s over the
runs, the loss, the peer's messages/s and the ratio; the subscriber's peak RSS. Warm figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

HOST, PORT = "127.0.0.1", 1883  # loopback only
METERS = 100
RUN_LIMIT_S = 180.0

SUBSCRIBER = """
import sys
from zerocarbon.ingest.mqtt import run_subscriber
def report(f):
    print("C", f.totals.messages, f.totals.readings, flush=True)
run_subscriber(sys.argv[1], sys.argv[2], "127.0.0.1", 1883, None, sys.argv[3], batch_max=int(sys.argv[4]),
               flush_interval_s=0.05, on_report=report)
"""

NULL_SUBSCRIBER = """
import sys, threading, time
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
count = 0
def on_message(c, u, m):
    global count
    c.ack(m.mid, m.qos)
    count += 1
def on_connect(c, u, f, rc, p):
    c.subscribe(sys.argv[1], qos=1)
c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=sys.argv[2], protocol=mqtt.MQTTv5, manual_ack=True)
c.on_message = on_message
c.on_connect = on_connect
props = Properties(PacketTypes.CONNECT)
props.SessionExpiryInterval = 3600
props.ReceiveMaximum = int(sys.argv[3])
c.connect("127.0.0.1", 1883, clean_start=False, properties=props)
c.loop_start()
last = -1
while True:
    time.sleep(0.01)
    if count != last:
        last = count
        print("C", count, 0, flush=True)
"""


class Child:
    """A subscriber process that prints ``C <messages> <readings>`` after each commit."""

    def __init__(self, code: str, args: list[str]) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        self.messages = 0
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            parts = line.split()
            if len(parts) == 3 and parts[0] == "C":
                with self.cond:
                    self.messages = int(parts[1])
                    self.cond.notify_all()

    def peak_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def payloads(n_messages: int, per_message: int, ts0: int) -> list[bytes]:
    """Message k carries readings k*per .. (k+1)*per-1; reading j is meter j % METERS at ts0 + j // METERS."""
    out = []
    for k in range(n_messages):
        items = [{"meter": f"M{j % METERS:03d}", "ts": ts0 + j // METERS, "value": float(j)}
                 for j in range(k * per_message, (k + 1) * per_message)]
        out.append(json.dumps(items[0] if per_message == 1 else {"readings": items}).encode())
    return out


def run_stream(child: Child, topic: str, messages: list[bytes], window: int) -> float:
    """Publish ``messages`` (QoS 1) keeping at most ``window`` uncommitted; seconds until all committed."""
    pub = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="", protocol=mqtt.MQTTv311)
    pub.max_inflight_messages_set(1000)
    pub.max_queued_messages_set(0)
    pub.connect(HOST, PORT)
    pub.loop_start()
    with child.cond:
        base = child.messages
    target = base + len(messages)
    start = time.perf_counter()
    deadline = time.monotonic() + RUN_LIMIT_S
    try:
        for i, payload in enumerate(messages):
            if i - (child.messages - base) >= window:
                with child.cond:
                    if not child.cond.wait_for(lambda i=i: i - (child.messages - base) < window,  # type: ignore[misc]
                                               max(0.0, deadline - time.monotonic())):
                        raise TimeoutError("subscriber stalled")
            pub.publish(topic, payload, qos=1)
        with child.cond:
            if not child.cond.wait_for(lambda: child.messages >= target, max(0.0, deadline - time.monotonic())):
                raise TimeoutError(f"subscriber committed {child.messages - base} of {len(messages)}")
        return time.perf_counter() - start
    finally:
        pub.disconnect()
        pub.loop_stop()


def stored_rows(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM readings").fetchone()[0])


def summary(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 1), "min": round(min(values), 1), "max": round(max(values), 1)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--small", type=int, default=50_000, help="messages of 1 reading per run")
    p.add_argument("--large", type=int, default=5_000, help="messages of 100 readings per run")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--batch-max", type=int, default=500)
    p.add_argument("--window", type=int, default=1500, help="messages outstanding at most (broker queue bound)")
    p.add_argument("--no-peer", action="store_true", help="skip the bare-subscriber peer")
    args = p.parse_args()

    from zerocarbon.ingest.mqtt import drop_session, prepare_session
    from zerocarbon.model.metering import FactorySetup
    from zerocarbon.store.db import migrate
    from zerocarbon.store.factories import save_factory_setup

    work = Path(tempfile.mkdtemp(prefix="zc_bench_mqtt_"))
    db = work / "store.db"
    url = f"sqlite:///{db}"
    migrate(url)
    factory = f"B{uuid.uuid4().hex[:8]}"
    save_factory_setup(FactorySetup.model_validate({
        "factory": {"id": factory, "name_zh": "基准测试厂", "province": "江苏"},
        "meters": [{"code": f"M{i:03d}", "carrier": "electricity", "unit": "kWh", "register_kind": "cumulative"}
                   for i in range(METERS)]}), url)
    cid, null_cid = f"zc-bench-{uuid.uuid4().hex[:8]}", f"zc-bench-null-{uuid.uuid4().hex[:8]}"
    topic, null_topic = f"zerocarbon/{factory}/readings", f"zerocarbon/{factory}-null/readings"
    prepare_session(factory, HOST, PORT, client_id=cid)
    prepare_session(None, HOST, PORT, null_topic, null_cid)
    env_note = os.environ.get("ZEROCARBON_DATABASE_URL")
    child = Child(SUBSCRIBER, [factory, url, cid, str(args.batch_max)])
    peer = None if args.no_peer else Child(NULL_SUBSCRIBER, [null_topic, null_cid, str(2 * args.batch_max)])
    ts0 = int(time.time()) - 60 * 86_400
    published = 0
    result: dict[str, Any] = {"benchmark": "mqtt_ingest", "store": "sqlite (embedded)", "broker": f"{HOST}:{PORT}",
                              "runs": args.runs, "batch_max": args.batch_max, "window": args.window,
                              "figures": "warm (one subscriber process, one warm-up run per workload)",
                              "workloads": {}}
    try:
        time.sleep(1.0)  # both subscribers connected
        offset = 0
        for name, n, per in (("1_reading_per_message", args.small, 1), ("100_readings_per_message", args.large, 100)):
            rates: list[float] = []
            peer_rates: list[float] = []
            warm = payloads(max(n // 10, 100), per, ts0 + offset)
            offset += 100_000
            run_stream(child, topic, warm, args.window)
            published += len(warm) * per
            for _ in range(args.runs):
                msgs = payloads(n, per, ts0 + offset)
                offset += 100_000
                rates.append(n / run_stream(child, topic, msgs, args.window))
                published += n * per
                if peer is not None:
                    peer_rates.append(n / run_stream(peer, null_topic, msgs, args.window))
            stored = stored_rows(db)
            entry: dict[str, Any] = {
                "messages_per_run": n, "readings_per_message": per,
                "messages_per_s": summary(rates), "readings_per_s": summary([r * per for r in rates]),
                "loss": published - stored,
            }
            if peer_rates:
                entry["peer_bare_ack_messages_per_s"] = summary(peer_rates)
                entry["ratio_to_peer"] = round(statistics.median(rates) / statistics.median(peer_rates), 3)
            result["workloads"][name] = entry
        result["subscriber_peak_rss_mb"] = round(child.peak_rss_mb(), 1)
        result["readings_published"] = published
        result["readings_stored"] = stored_rows(db)
        result["loss"] = published - result["readings_stored"]
        if env_note:
            result["note"] = "ZEROCARBON_DATABASE_URL is ignored: the benchmark uses its own temporary store"
    finally:
        child.stop()
        if peer is not None:
            peer.stop()
        drop_session(cid, HOST, PORT)
        drop_session(null_cid, HOST, PORT)
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
