"""No acknowledged reading is ever lost: the subscriber is killed (SIGKILL) again and again while meters publish.

The subscriber runs as a separate process (``python -m zerocarbon.ingest.mqtt``). A numbered stream of
readings is published with QoS 1 while the process is killed with ``kill -9`` at random moments and
restarted with the same client id. The broker redelivers whatever was not acknowledged; the store's
key (meter, ts) absorbs the redelivered copies. At the end every published reading is in the store
exactly once, with its value.

The broker is a Mosquitto of the test's own (the machine's ``mosquitto`` binary on a free port) with
``max_queued_messages 0``: the setting docs/meter-mqtt.md asks of a production broker. With the
default (1,000) a subscriber that takes more than ~7 s to restart on a busy machine (150 msg/s) has
messages dropped by the broker, before they ever reach us.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import select

from zerocarbon.ingest.mqtt import drop_session, prepare_session
from zerocarbon.model.metering import FactorySetup
from zerocarbon.store import schema as s
from zerocarbon.store.db import transaction
from zerocarbon.store.factories import load_meters, save_factory_setup
from zerocarbon.store.readings import read_current

HOST = "127.0.0.1"
T0 = 1_700_000_000
N = 3000          # readings published, one per message
RATE = 150.0      # messages per second: 20 s of publishing
KILLS = 5
METERS = 4
# Half of each cycle falls between a commit and its PUBACKs, so kills land in both windows: before the
# commit (messages come again, stored once) and after it (they come again, counted as duplicates).
ACK_DELAY = "0.05"

pytestmark = pytest.mark.service


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A Mosquitto of this test's own: (port, log file)."""
    binary = shutil.which("mosquitto") or ("/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None)
    if binary is None:
        pytest.skip("[service] the mosquitto broker is not installed")
    port = _free_port()
    log = tmp_path / "mosquitto.log"
    conf = tmp_path / "mosquitto.conf"
    conf.write_text(f"listener {port} {HOST}\nallow_anonymous true\npersistence false\nmax_queued_messages 0\n"
                    f"log_dest file {log}\nlog_type all\n", encoding="utf-8")
    proc = subprocess.Popen([binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"mosquitto did not start on {HOST}:{port}: {log.read_text(errors='replace')[-2000:]}"
                            if log.exists() else f"mosquitto did not start on {HOST}:{port}")
            time.sleep(0.05)
    try:
        yield port, log
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _start(factory: str, url: str, client_id: str, log: Path, port: int) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "zerocarbon.ingest.mqtt", "--factory", factory, "--url", url, "--host", HOST,
             "--port", str(port), "--client-id", client_id, "--batch-max", "100", "--flush-interval", "0.05",
             "--log-interval", "0.3", "--ack-delay", ACK_DELAY],
            stdout=out, stderr=subprocess.STDOUT)


def _broker_dropped(client_id: str, broker_log: Path) -> str:
    """What Mosquitto's log says about messages it dropped for the client (its queue is bounded)."""
    try:
        text = broker_log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "broker log not readable"
    hit = f"Outgoing messages are being dropped for client {client_id}" in text
    return "the BROKER dropped messages (max_queued_messages)" if hit else "the broker logged no drops"


def _publish_stream(factory: str, port: int, done: threading.Event, errors: list[BaseException]) -> None:
    try:
        pub = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="", protocol=mqtt.MQTTv311)
        pub.max_inflight_messages_set(100)
        pub.connect(HOST, port)
        pub.loop_start()
        infos = []
        start = time.monotonic()
        for k in range(N):
            body = {"meter": f"C{k % METERS}", "ts": T0 + k, "value": float(k), "id": k}
            infos.append(pub.publish(f"zerocarbon/{factory}/readings", json.dumps(body), qos=1))
            delay = start + (k + 1) / RATE - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        for info in infos:
            info.wait_for_publish(30)
            assert info.is_published()
        pub.disconnect()
        pub.loop_stop()
    except BaseException as exc:
        errors.append(exc)
    finally:
        done.set()


def test_kill_9_loses_nothing_and_doubles_nothing(store_url: str, tmp_path: Path, broker: tuple[int, Path]) -> None:
    port, broker_log = broker
    seed = int(os.environ.get("ZC_DURABILITY_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    factory = f"D{uuid.uuid4().hex[:10]}"
    client_id = f"zc-durability-{uuid.uuid4().hex[:12]}"
    save_factory_setup(FactorySetup.model_validate({
        "factory": {"id": factory, "name_zh": "耐久测试厂", "province": "江苏"},
        "meters": [{"code": f"C{m}", "carrier": "electricity", "unit": "kWh", "register_kind": "cumulative"}
                   for m in range(METERS)],
    }), store_url)
    prepare_session(factory, HOST, port, client_id=client_id)  # nothing published from now on is missed
    log = tmp_path / "subscriber.log"
    proc = _start(factory, store_url, client_id, log, port)
    done = threading.Event()
    errors: list[BaseException] = []
    publisher = threading.Thread(target=_publish_stream, args=(factory, port, done, errors), daemon=True)
    try:
        publisher.start()
        kills = 0
        while kills < KILLS and not done.is_set():
            time.sleep(rng.uniform(0.8, 2.2))
            proc.send_signal(signal.SIGKILL)  # kill -9: no flush, no goodbye
            proc.wait()
            kills += 1
            time.sleep(rng.uniform(0.0, 0.5))
            proc = _start(factory, store_url, client_id, log, port)
        publisher.join(60)
        assert not errors, errors
        assert kills == KILLS, f"publishing ended after {kills} kills (seed {seed})"
        deadline = time.monotonic() + 30
        while read_current(url=store_url).num_rows < N and time.monotonic() < deadline:
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        drop_session(client_id, HOST, port)
    table = read_current(url=store_url)
    code = {m.id: m.code for m in load_meters(factory, store_url).values()}
    got = sorted(zip((code[m] for m in table["meter_id"].to_pylist()), table["ts"].to_pylist(),
                     table["value"].to_pylist(), strict=True), key=lambda r: r[1])
    expected = [(f"C{k % METERS}", T0 + k, float(k)) for k in range(N)]
    missing = sorted({k for k in range(N)} - {ts - T0 for _, ts, _ in got})
    assert not missing, (f"lost {len(missing)} readings, e.g. {missing[:10]} (seed {seed}); "
                         f"{_broker_dropped(client_id, broker_log)}; subscriber log: {log}")
    assert got == expected, f"seed {seed}"
    with transaction(store_url) as conn:
        batches = conn.execute(select(s.batches.c.status, s.batches.c.accepted)).all()
        dead = conn.execute(select(s.dead_letters)).all()
    assert dead == []
    # Every run's store batch is closed: 'done' by the last run, 'interrupted' for the runs killed after
    # opening one (found and closed by the next start), and their counts add up to what was stored.
    assert {b.status for b in batches} <= {"done", "interrupted"}
    assert 1 <= sum(b.status == "interrupted" for b in batches) <= KILLS
    assert sum(b.accepted for b in batches) == N
    # Redelivered copies absorbed, as far as the killed runs lived to log them (information, not a check:
    # whether a kill lands between a commit and its PUBACKs is chance).
    runs = log.read_text(encoding="utf-8").split("connected as")
    absorbed = sum(max([int(x) for x in re.findall(r"(\d+) duplicates", run)] or [0]) for run in runs)
    print(f"durability: {KILLS} kills, {N} readings stored once, >= {absorbed} redelivered copies absorbed, "
          f"seed {seed}")
