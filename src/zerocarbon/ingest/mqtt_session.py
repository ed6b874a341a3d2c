"""The subscriber's persistent MQTT session on the broker: create it ahead of time, or drop it.

The subscriber (:mod:`zerocarbon.ingest.mqtt`) connects as MQTT v5 with ``clean_start=False``, a
fixed client id and a session expiry of :data:`SESSION_EXPIRY_S`, so the broker queues QoS 1 messages
for it while it is down. :func:`prepare_session` creates that session before the first run (when a
factory is commissioned, before its meters publish); :func:`drop_session` deletes one no longer wanted.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from zerocarbon.ingest.mqtt_messages import topics_for

SESSION_EXPIRY_S = 7 * 24 * 3600  # the broker keeps the session (and queues for it) this long [s]


def default_client_id(factory_id: str | None) -> str:
    """The fixed client id of a factory's subscriber session (``zerocarbon-ingest-{factory}``, or ``-all``)."""
    return f"zerocarbon-ingest-{factory_id or 'all'}"


def topic_filters(factory_id: str | None, topic: str | Sequence[str] | None) -> list[str]:
    """The topic filters given (one or many), or else :func:`~.mqtt_messages.topics_for` the factory."""
    return [topic] if isinstance(topic, str) else list(topic) if topic is not None else topics_for(str(factory_id))


def connect_properties(expiry_s: int, receive_maximum: int | None = None) -> Properties:
    """CONNECT properties: the session expiry [s] and, if given, the MQTT v5 Receive Maximum."""
    props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
    props.SessionExpiryInterval = expiry_s
    if receive_maximum is not None:
        props.ReceiveMaximum = receive_maximum
    return props


def _session_client(host: str, port: int, client_id: str, clean: bool, expiry: int,
                    timeout_s: float) -> mqtt.Client:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    client.connect(host, port, keepalive=30, clean_start=clean, properties=connect_properties(expiry))
    client.loop_start()
    deadline = time.monotonic() + timeout_s
    while not client.is_connected():
        if time.monotonic() > deadline:
            client.loop_stop()
            raise TimeoutError(f"no connection to the MQTT broker at {host}:{port}")
        time.sleep(0.01)
    return client


def prepare_session(factory_id: str | None, host: str = "127.0.0.1", port: int = 1883,
                    topic: str | Sequence[str] | None = None, client_id: str | None = None,
                    timeout_s: float = 10.0) -> None:
    """Create the subscriber's persistent session on the broker without consuming anything.

    From then on the broker queues the factory's messages for ``client_id`` even before the first
    :func:`~zerocarbon.ingest.mqtt.run_subscriber` (run it once when a factory is commissioned,
    before its meters publish).
    """
    topics = topic_filters(factory_id, topic)
    client = _session_client(host, port, client_id or default_client_id(factory_id), False,
                             SESSION_EXPIRY_S, timeout_s)
    granted: dict[int, list[Any]] = {}
    cond = threading.Condition()

    def on_subscribe(_c: mqtt.Client, _u: Any, mid: int, codes: list[Any], _p: Any) -> None:
        with cond:
            granted[mid] = codes
            cond.notify_all()

    client.on_subscribe = on_subscribe
    try:
        result, mid = client.subscribe([(t, 1) for t in topics])
        if result != mqtt.MQTT_ERR_SUCCESS or mid is None:
            raise ConnectionError(f"could not subscribe to {topics}: {mqtt.error_string(result)}")
        with cond:
            if not cond.wait_for(lambda: mid in granted, timeout_s):
                raise TimeoutError(f"the broker did not confirm the subscription to {topics}")
        refused = [str(c) for c in granted[mid] if c.is_failure]
        if refused:
            raise ConnectionError(f"the broker refused the subscription to {topics}: {refused}")
    finally:
        client.disconnect()
        client.loop_stop()


def drop_session(client_id: str, host: str = "127.0.0.1", port: int = 1883, timeout_s: float = 10.0) -> None:
    """Delete the persistent session of ``client_id`` on the broker, with whatever it still queues."""
    client = _session_client(host, port, client_id, True, 0, timeout_s)
    client.disconnect()
    client.loop_stop()
