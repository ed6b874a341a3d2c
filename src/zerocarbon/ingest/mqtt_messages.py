"""MQTT messages of meter readings: the topic scheme, the message as received, and its decoding.

Topics (``docs/meter-mqtt.md``): ``zerocarbon/{factory}/readings`` and
``zerocarbon/{factory}/meters/{meter}``; payloads are JSON as
:class:`~zerocarbon.ingest.rest.ReadingBatchIn`. Nothing here talks to the broker or the store: the
subscriber (:mod:`zerocarbon.ingest.mqtt`) hands a :class:`Message` and a time-zone lookup to
:func:`decode` and gets back the columns to ingest, or the reason the message is a dead letter.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from zerocarbon.ingest.rest import ReadingBatchIn, ReadingIn, describe, reading_rows

TOPIC_PREFIX = "zerocarbon"

#: What :func:`decode` returns for a message it can ingest: (factory, columns, rejected records).
Decoded = tuple[str, dict[str, list[Any]], list[dict[str, Any]]]


def topics_for(factory_id: str) -> list[str]:
    """The topic filters of one factory: its readings topic and its per-meter topics."""
    return [f"{TOPIC_PREFIX}/{factory_id}/readings", f"{TOPIC_PREFIX}/{factory_id}/meters/+"]


def parse_topic(topic: str) -> tuple[str, str | None] | None:
    """(factory, meter or None) of a topic of the scheme, or None if it is outside the scheme."""
    parts = topic.split("/")
    if len(parts) == 3 and parts[0] == TOPIC_PREFIX and parts[1] and parts[2] == "readings":
        return parts[1], None
    if len(parts) == 4 and parts[0] == TOPIC_PREFIX and parts[1] and parts[2] == "meters" and parts[3]:
        return parts[1], parts[3]
    return None


@dataclass(slots=True)
class Message:
    """One message as the subscriber received it, kept until its PUBACK.

    Attributes
    ----------
    topic : str
        The topic it was published on.
    payload : bytes
        The payload as received (not necessarily UTF-8).
    mid : int
        The packet id, to acknowledge it.
    qos : int
        The QoS it was delivered with (0 needs no acknowledgement).
    generation : int
        The connection it arrived on: a PUBACK is only valid on that connection.
    received_at : int
        When it arrived [s, UTC epoch].
    """

    topic: str
    payload: bytes
    mid: int
    qos: int
    generation: int
    received_at: int


def decode(m: Message, subscribed: str | None, timezone: Callable[[str], str | None]) -> str | Decoded:
    """(factory, columns, rejects) of a message, or the reason it is a dead letter.

    Parameters
    ----------
    m : Message
        The message.
    subscribed : str or None
        The factory the subscriber takes; None: any factory named by the topic.
    timezone : callable
        The time zone of a factory, or None if the store does not know the factory.
    """
    where = parse_topic(m.topic)
    if where is None:
        return (f"topic outside the scheme {TOPIC_PREFIX}/{{factory}}/readings or "
                f"{TOPIC_PREFIX}/{{factory}}/meters/{{meter}}")
    factory, meter = where
    if subscribed is not None and factory != subscribed:
        return f"factory '{factory}' in the topic is not the subscribed factory '{subscribed}'"
    tz = timezone(factory)
    if tz is None:
        return f"unknown factory '{factory}'"
    try:
        text = m.payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"payload is not UTF-8 text ({exc.reason} at byte {exc.start}); stored as base64"
    try:
        payload = json.loads(text)
    except ValueError as exc:
        return f"payload is not JSON: {exc}"
    try:
        batch = ReadingBatchIn.from_payload(payload, meter)
    except ValidationError as exc:
        return describe(exc)[1]
    except ValueError as exc:
        return f"schema: {exc}"
    if "readings" not in payload and batch.problems:
        return batch.problems[0].reason  # a single reading that does not fit: the message is malformed

    def at(i: int, r: ReadingIn | None) -> str:
        ref = f" (id {r.id})" if r is not None and r.id is not None else ""
        return f"{m.topic} item {i + 1}{ref}"

    cols, rejects = reading_rows(batch, tz, at, meter)
    return factory, cols, rejects


def dead_letter_row(m: Message, reason: str) -> dict[str, Any]:
    """The ``dead_letters`` row of a message: its payload as text, or base64 if it is not UTF-8."""
    try:
        text = m.payload.decode("utf-8")
    except UnicodeDecodeError:
        text = base64.b64encode(m.payload).decode("ascii")
    return {"received_at": m.received_at, "topic": m.topic, "payload": text, "reason": reason}
