"""The MQTT subscriber: meter readings from a broker into the store, none lost, none stored twice.

Topics and payloads are described in ``docs/meter-mqtt.md``: ``zerocarbon/{factory}/readings`` and
``zerocarbon/{factory}/meters/{meter}``, JSON as :class:`~zerocarbon.ingest.rest.ReadingBatchIn`.

Delivery
--------
* **At least once from the broker**: QoS 1, MQTT v5 with ``clean_start=False``, a session expiry and a
  fixed client id, so messages published while the subscriber is down are queued by the broker and
  delivered when it comes back.
* **Acknowledged only after the commit**: paho's manual acknowledgement. Messages are collected into
  micro-batches (``batch_max`` messages or ``flush_interval_s`` seconds), written through the one
  ingestion path (:func:`~zerocarbon.ingest.pipeline.ingest_table`), and only then is each PUBACK
  sent. A crash (even ``kill -9``) before the PUBACK leaves the message with the broker, which sends
  it again.
* **Exactly once in the store**: a message delivered twice carries readings whose key (meter, ts)
  is already stored; they count as duplicates.
* **Malformed messages** (not UTF-8, not JSON, not the schema, a topic outside the scheme, an unknown
  factory) go to ``dead_letters`` with the reason and are acknowledged after that commit: kept, never
  retried forever, never fatal. A reading inside a ``{"readings": [...]}`` list that does not fit the
  schema is rejected on its own (``rejected_records``, location ``<topic> item <i>``), like REST.
* Rejected records and dead letters are written after the readings: a crash between that commit and
  the PUBACK may record them a second time; readings are never doubled.

The store batch (``ingest_batches``) is rotated every ``rotate_interval_s`` (10 min) or
``rotate_readings`` (100 000) readings so that analytics can cache closed batches. It carries the
subscribed factory; a subscriber over every factory's topics opens batches of no factory (no
factory's list shows them). A batch left ``running`` by a subscriber that died is marked
``interrupted`` when the same client id starts again.

The broker must be able to hold what arrives while the subscriber is away: Mosquitto keeps only
``max_queued_messages`` (default 1000) per client and drops the rest, so raise it in production.

This module is the subscriber loop and its command line (``python -m zerocarbon.ingest.mqtt``); the
topic scheme, the message model and payload decoding are in :mod:`~zerocarbon.ingest.mqtt_messages`,
the persistent session on the broker in :mod:`~zerocarbon.ingest.mqtt_session`. Their public names
are importable from here too.
"""

from __future__ import annotations

import argparse
import json
import logging
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import func, select, update

from zerocarbon.ingest.mqtt_messages import TOPIC_PREFIX, Message, dead_letter_row, decode, parse_topic, topics_for
from zerocarbon.ingest.mqtt_session import (
    SESSION_EXPIRY_S,
    connect_properties,
    default_client_id,
    drop_session,
    prepare_session,
    topic_filters,
)
from zerocarbon.ingest.pipeline import IngestReport, close_batch, ingest_table, open_batch
from zerocarbon.ingest.rest import factory_timezone
from zerocarbon.store import schema as s
from zerocarbon.store.db import transaction
from zerocarbon.store.readings import write_dead_letters

# The public face of MQTT ingestion: callers import these from here.
__all__ = ["SESSION_EXPIRY_S", "SOURCE", "TOPIC_PREFIX", "FlushReport", "SubscriberStats", "drop_session", "main",
           "parse_topic", "prepare_session", "run_subscriber", "topics_for"]

log = logging.getLogger(__name__)

SOURCE = "mqtt"


@dataclass
class SubscriberStats:
    """Counts since the subscriber started."""

    messages: int = 0
    readings: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    dead_letters: int = 0
    flushes: int = 0
    store_batches: int = 0
    started_at: float = field(default_factory=time.time)

    def line(self, factory: str) -> str:
        rate = self.messages / max(time.time() - self.started_at, 1e-9)
        return (f"mqtt {factory}: {self.messages} messages ({rate:.1f}/s), {self.readings} readings: "
                f"{self.accepted} accepted, {self.duplicates} duplicates, {self.rejected} rejected; "
                f"{self.dead_letters} dead letters; {self.flushes} flushes, {self.store_batches} store batches")


@dataclass
class FlushReport:
    """What one micro-batch did (passed to ``on_report`` after its commit and acknowledgements)."""

    messages: int
    dead_letters: int
    report: IngestReport  # the readings of this flush; batch_id is the open store batch
    totals: SubscriberStats


class _Subscriber:
    def __init__(self, factory_id: str | None, url: str | None, host: str, port: int, topics: list[str],
                 client_id: str, batch_max: int, flush_interval_s: float, receive_maximum: int,
                 rotate_interval_s: float, rotate_readings: int, log_interval_s: float,
                 on_report: Callable[[FlushReport], None] | None, ack_delay_s: float = 0.0,
                 on_close: Callable[[IngestReport], None] | None = None) -> None:
        self.factory_id = factory_id
        self.on_close = on_close
        self.url = url
        self.topics = topics
        self.client_id = client_id
        self.batch_max = batch_max
        self.flush_interval_s = flush_interval_s
        self.rotate_interval_s = rotate_interval_s
        self.rotate_readings = rotate_readings
        self.log_interval_s = log_interval_s
        self.on_report = on_report
        self.ack_delay_s = ack_delay_s
        self.inbox: queue.SimpleQueue[Message] = queue.SimpleQueue()
        self.generation = 0
        self.stats = SubscriberStats()
        self.batch_name = f"{client_id} {','.join(topics)}"
        self._zones: dict[str, tuple[str | None, float]] = {}  # factory → (time zone or None if unknown, when)
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5,
                                  manual_ack=True)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.reconnect_delay_set(1, 5)
        # The broker sends at most receive_maximum unacknowledged messages: room for one batch being
        # committed and the next being collected.
        self.client.connect_async(host, port, keepalive=30, clean_start=False,
                                  properties=connect_properties(SESSION_EXPIRY_S, receive_maximum))

    # ------------------------------------------------------------------------------ network thread
    def _on_connect(self, client: mqtt.Client, _userdata: Any, flags: mqtt.ConnectFlags,
                    reason: Any, _props: Any) -> None:
        if reason.is_failure:
            log.error("mqtt: connection refused: %s", reason)
            return
        self.generation += 1
        log.info("mqtt: connected as %s (session present: %s); subscribing to %s", self.client_id,
                 flags.session_present, ", ".join(self.topics))
        client.subscribe([(t, 1) for t in self.topics])

    def _on_disconnect(self, _client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any) -> None:
        log.warning("mqtt: disconnected (%s); unacknowledged messages will come again", reason)

    def _on_message(self, _client: mqtt.Client, _userdata: Any, msg: mqtt.MQTTMessage) -> None:
        self.inbox.put(Message(msg.topic, bytes(msg.payload), msg.mid, msg.qos, self.generation, int(time.time())))

    # -------------------------------------------------------------------------------- the worker
    def run(self, stop: threading.Event) -> SubscriberStats:
        self._close_interrupted_batches()
        self._open_store_batch()
        self.client.loop_start()
        pending: list[Message] = []
        next_log = time.monotonic() + self.log_interval_s
        backoff = 0.5
        try:
            while not stop.is_set():
                pending.extend(self._collect(self.batch_max - len(pending), stop))
                if pending:
                    left = self._flush(pending)
                    if left:
                        # The store is unreachable: keep the messages (unacknowledged) and try again.
                        pending = left
                        stop.wait(backoff)
                        backoff = min(backoff * 2, 10.0)
                        continue
                    pending = []
                    backoff = 0.5
                try:
                    self._maybe_rotate()
                except Exception:
                    log.exception("mqtt: could not rotate the store batch; trying again later")
                if time.monotonic() >= next_log:
                    log.info(self.stats.line(self.factory_id or "*"))
                    next_log = time.monotonic() + self.log_interval_s
            # Stopping: what has arrived is stored and acknowledged; the rest stays with the broker.
            pending.extend(self._drain())
            if pending and self._flush(pending):
                log.warning("mqtt: %d messages not stored at stop; the broker will deliver them again", len(pending))
        finally:
            self.client.disconnect()
            self.client.loop_stop()
            try:
                close_batch(self.report, url=self.url)
                self._closed(self.report)
            except Exception:
                log.exception("mqtt: could not close store batch %d", self.report.batch_id)
            log.info(self.stats.line(self.factory_id or "*"))
        return self.stats

    def _collect(self, room: int, stop: threading.Event) -> list[Message]:
        """Wait for a first message (briefly, to notice ``stop``), then gather up to ``room`` of them
        for at most ``flush_interval_s``."""
        out: list[Message] = []
        try:
            out.append(self.inbox.get(timeout=min(max(self.flush_interval_s, 0.05), 0.2)))
        except queue.Empty:
            return out
        deadline = time.monotonic() + self.flush_interval_s
        while len(out) < room and not stop.is_set():
            try:
                out.append(self.inbox.get_nowait())
                continue
            except queue.Empty:
                pass
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                out.append(self.inbox.get(timeout=remaining))
            except queue.Empty:
                break
        return out

    def _drain(self) -> list[Message]:
        out: list[Message] = []
        while True:
            try:
                out.append(self.inbox.get_nowait())
            except queue.Empty:
                return out

    # --------------------------------------------------------------------------------- the store
    def _flush(self, msgs: list[Message]) -> list[Message]:
        """Store and acknowledge ``msgs``; returns those left unstored because the store failed."""
        try:
            self._commit(msgs)
            self._ack(msgs)
            return []
        except Exception:
            log.exception("mqtt: storing %d messages failed; trying them one by one", len(msgs))
        for k, m in enumerate(msgs):
            try:
                self._commit([m])
            except Exception as exc:
                try:  # a message the store cannot take is kept as a dead letter, not retried forever
                    self._dead_letters([(m, f"store error: {type(exc).__name__}: {exc}")])
                    self.stats.dead_letters += 1
                except Exception:
                    log.exception("mqtt: store unreachable")
                    return msgs[k:]
            self._ack([m])
        return []

    def _commit(self, msgs: list[Message]) -> None:
        dead: list[tuple[Message, str]] = []
        groups: dict[str, tuple[dict[str, list[Any]], list[dict[str, Any]]]] = {}
        for m in msgs:
            outcome = decode(m, self.factory_id, self._timezone)
            if isinstance(outcome, str):
                dead.append((m, outcome))
                continue
            factory, cols, rejects = outcome
            gcols, grejects = groups.setdefault(factory, ({k: [] for k in cols}, []))
            for k, v in cols.items():
                gcols[k].extend(v)
            grejects.extend(rejects)
        flush = IngestReport(self.report.batch_id)
        for factory, (cols, rejects) in groups.items():
            flush.add(ingest_table(cols, factory, self.report.batch_id, SOURCE, self.url, extra_rejects=rejects))
        if dead:
            self._dead_letters(dead)
        self.report.add(flush)
        st = self.stats
        st.messages += len(msgs)
        st.readings += flush.received
        st.accepted += flush.accepted
        st.duplicates += flush.duplicates
        st.rejected += flush.rejected
        st.dead_letters += len(dead)
        st.flushes += 1
        if self.on_report is not None:
            try:
                self.on_report(FlushReport(len(msgs), len(dead), flush, st))
            except Exception:  # a failing observer must not turn stored readings into dead letters
                log.exception("mqtt: on_report failed")

    def _ack(self, msgs: list[Message]) -> None:
        # In the order received (MQTT 3.1.1 §4.6); a PUBACK for an earlier connection would name a
        # packet id the broker may have reused: those messages come again and are acknowledged then.
        if self.ack_delay_s:
            time.sleep(self.ack_delay_s)
        current = self.generation
        for m in msgs:
            if m.qos > 0 and m.generation == current:
                self.client.ack(m.mid, m.qos)

    def _timezone(self, factory: str) -> str | None:
        known = self._zones.get(factory)
        if known is None or (known[0] is None and time.monotonic() - known[1] > 5.0):
            known = (factory_timezone(factory, self.url), time.monotonic())
            self._zones[factory] = known
        return known[0]

    def _dead_letters(self, dead: list[tuple[Message, str]]) -> None:
        write_dead_letters([dead_letter_row(m, reason) for m, reason in dead], self.factory_id, self.url)

    # --------------------------------------------------------------------------- store batches
    def _open_store_batch(self) -> None:
        # A subscriber over every factory's topics (factory_id None) mixes factories: its batch is nobody's.
        self.report = IngestReport(open_batch(SOURCE, self.batch_name, url=self.url, factory_id=self.factory_id))
        self.batch_opened = time.monotonic()
        self.stats.store_batches += 1

    def _maybe_rotate(self) -> None:
        if self.report.received and (self.report.received >= self.rotate_readings
                                     or time.monotonic() - self.batch_opened >= self.rotate_interval_s):
            old = self.report
            self._open_store_batch()  # first, so that no reading lands in a batch being closed
            try:
                close_batch(old, url=self.url)
            except Exception:  # the batch row is closed first; its columnar cache is redone on read
                log.exception("mqtt: closing store batch %d failed", old.batch_id)
                return
            self._closed(old)

    def _closed(self, report: IngestReport) -> None:
        """Tell ``on_close`` of a closed batch (the messages wait with the broker and paho meanwhile)."""
        if self.on_close is None:
            return
        try:
            self.on_close(report)
        except Exception:
            log.exception("mqtt: on_close failed for store batch %d", report.batch_id)

    def _close_interrupted_batches(self) -> None:
        """Close the batches a previous run of this client id left running (it died, e.g. kill -9)."""
        b = s.batches
        accepted = select(func.count()).select_from(s.readings).where(s.readings.c.batch_id == b.c.id)
        rejected = select(func.count()).select_from(s.rejected).where(s.rejected.c.batch_id == b.c.id)
        with transaction(self.url) as conn:
            conn.execute(update(b).where(b.c.source == SOURCE, b.c.name == self.batch_name, b.c.status == "running")
                         .values(status="interrupted", finished_at=int(time.time()),
                                 accepted=accepted.scalar_subquery(), rejected=rejected.scalar_subquery()))


def run_subscriber(factory_id: str | None, url: str | None = None, host: str = "127.0.0.1", port: int = 1883,
                   topic: str | Sequence[str] | None = None, client_id: str | None = None,
                   stop_event: threading.Event | None = None, batch_max: int = 500, flush_interval_s: float = 0.2,
                   on_report: Callable[[FlushReport], None] | None = None, *,
                   receive_maximum: int | None = None, rotate_interval_s: float = 600.0,
                   rotate_readings: int = 100_000, log_interval_s: float = 60.0,
                   ack_delay_s: float = 0.0,
                   on_close: Callable[[IngestReport], None] | None = None) -> SubscriberStats:
    """Subscribe to a factory's meter topics and store the readings until ``stop_event`` is set.

    Parameters
    ----------
    factory_id : str or None
        The factory whose topics to take. None: any factory the store knows, named by the topic
        (then give ``topic``, e.g. ``zerocarbon/+/readings``).
    url : str or None
        The store (default: ``ZEROCARBON_DATABASE_URL`` or the embedded file).
    host, port : str, int
        The broker.
    topic : str or sequence of str or None
        Topic filter(s); default :func:`topics_for` the factory.
    client_id : str or None
        Fixed client id of the persistent session (default ``zerocarbon-ingest-{factory}``). Run one
        subscriber per client id.
    stop_event : threading.Event or None
        Set it to stop: what has arrived is stored and acknowledged, then the function returns.
        Without one, runs until interrupted.
    batch_max : int
        Messages per micro-batch (one commit) at most.
    flush_interval_s : float
        A micro-batch waits at most this long for more messages [s].
    on_report : callable or None
        Called with a :class:`FlushReport` after each micro-batch is committed.
    receive_maximum : int or None
        Unacknowledged messages the broker may send at once (MQTT v5 Receive Maximum); default
        ``2 * batch_max``.
    rotate_interval_s, rotate_readings : float, int
        Close the store batch and open the next after this long [s] or this many readings.
    log_interval_s : float
        Period of the one-line summary in the log [s].
    ack_delay_s : float
        Fault injection for tests: wait this long between a commit and its acknowledgements [s], to
        widen the window in which a crash leaves stored messages unacknowledged (they come again and
        count as duplicates). Zero in production.
    on_close : callable or None
        Called with the :class:`~zerocarbon.ingest.pipeline.IngestReport` of each store batch after it
        closes (e.g. to bring roll-ups up to date), in the subscriber's loop.

    Returns
    -------
    SubscriberStats
        Counts since the start.
    """
    if factory_id is None and topic is None:
        raise ValueError("without a factory, give the topic filter (e.g. zerocarbon/+/readings)")
    topics = topic_filters(factory_id, topic)
    sub = _Subscriber(factory_id, url, host, port, topics, client_id or default_client_id(factory_id),
                      max(1, batch_max), max(0.0, flush_interval_s),
                      min(65535, max(1, receive_maximum or 2 * batch_max)), rotate_interval_s, rotate_readings,
                      log_interval_s, on_report, ack_delay_s, on_close)
    return sub.run(stop_event or threading.Event())


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m zerocarbon.ingest.mqtt --factory F --url sqlite:///zerocarbon.db``; stops on SIGTERM/SIGINT."""
    p = argparse.ArgumentParser(prog="python -m zerocarbon.ingest.mqtt", description=__doc__.split("\n")[0])
    p.add_argument("--factory", help="factory id (omit to take any known factory from the topic)")
    p.add_argument("--url", help="store URL (default: ZEROCARBON_DATABASE_URL or ./zerocarbon.db)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=1883)
    p.add_argument("--topic", action="append", help="topic filter (repeatable)")
    p.add_argument("--client-id", help="fixed client id of the persistent session")
    p.add_argument("--batch-max", type=int, default=500)
    p.add_argument("--flush-interval", type=float, default=0.2, help="[s]")
    p.add_argument("--log-interval", type=float, default=60.0, help="[s]")
    p.add_argument("--ack-delay", type=float, default=0.0, help="(tests only) pause between commit and PUBACK [s]")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stats = run_subscriber(args.factory, args.url, args.host, args.port, args.topic, args.client_id, stop,
                           args.batch_max, args.flush_interval, log_interval_s=args.log_interval,
                           ack_delay_s=args.ack_delay)
    print(json.dumps(asdict(stats)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
