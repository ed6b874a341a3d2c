"""PACT v3 Action Events: the CloudEvents a host receives, checked, recorded, and the answers to requests.

PACT Technical Specifications 3.0.3, ``spec/v3/openapi.yaml`` path ``/3/events`` and the schemas
``BaseEvent``, ``PublishedEvent``, ``RequestCreatedEvent``, ``RequestFulfilledEvent``,
``RequestRejectedEvent``; CloudEvents 1.0 in structured content mode. What is checked (an event
failing any of it answers 400 BadRequest):

* the BaseEvent properties ``type``, ``specversion`` (``1.0``), ``id``, ``source`` (non-empty
  strings), ``time`` (RFC 3339) and ``data`` (an object); ``type`` one of the four v3 types;
* PublishedEvent: ``data.pfIds`` a non-empty list of strings (the spec text: "the non-empty list
  of ProductFootprint ids");
* RequestCreatedEvent: ``data`` holds the filter criteria of ListFootprints (services/footprint/
  pact_filters.py), ``comment`` a string when given;
* RequestFulfilledEvent: ``data.requestEventId`` a string and ``data.pfs`` a non-empty list of
  objects; RequestRejectedEvent: ``data.requestEventId`` and ``data.error`` {code, message}.

What happens: every accepted event is recorded once per (factory, source, id) — the same event
sent again is accepted and not recorded twice. A RequestCreatedEvent is answered: the factory's
published footprints meeting its criteria are prepared as a RequestFulfilledEvent, or a
RequestRejectedEvent (``NotFound``) when none does, and kept ``pending`` until
:func:`zerocarbon.services.footprint.pact_client.deliver_answers` sends it to the requester's
host. A RequestFulfilledEvent's footprints that validate as PACT v3 are stored as the factory's
supplier footprints; those that do not are listed in the event's outcome, never silently kept.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from zerocarbon.errors import InputError
from zerocarbon.services.footprint import pact_host
from zerocarbon.services.footprint.pact_filters import criteria_from, parse_time
from zerocarbon.store import audit
from zerocarbon.store import pact as repo
from zerocarbon.store.db import transaction

PREFIX = "org.wbcsd.pact.ProductFootprint."
PUBLISHED = PREFIX + "PublishedEvent.3"
REQUEST_CREATED = PREFIX + "RequestCreatedEvent.3"
REQUEST_FULFILLED = PREFIX + "RequestFulfilledEvent.3"
REQUEST_REJECTED = PREFIX + "RequestRejectedEvent.3"
TYPES = (PUBLISHED, REQUEST_CREATED, REQUEST_FULFILLED, REQUEST_REJECTED)
CRITERIA_KEYS = ("productId", "companyId", "geography", "classification", "validOn", "validAfter", "validBefore",
                 "status")


def _bad(where: str, zh: str, en: str, expected: str) -> InputError:
    return InputError(zh, en, field=where, expected=expected)


def _text(event: Mapping[str, Any], key: str, where: str = "") -> str:
    value = event.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _bad(f"{where}{key}", f"事件缺少 {where}{key} 或不是非空字符串", f"{where}{key} is missing or not a "
                   "non-empty string", "a string")
    return value


def check_event(event: Any) -> dict[str, Any]:
    """The event if it is a well-formed PACT v3 event (see the module docstring); raises :class:`InputError`."""
    if not isinstance(event, dict):
        raise _bad("(root)", "事件应为 JSON 对象", "the event must be a JSON object", "a CloudEvent")
    kind = _text(event, "type")
    if kind not in TYPES:
        raise _bad("type", f"不支持的事件类型 {kind}", f"unsupported event type {kind}", " | ".join(TYPES))
    if _text(event, "specversion") != "1.0":
        raise _bad("specversion", "specversion 应为 1.0", "specversion must be 1.0", "1.0")
    _text(event, "id")
    _text(event, "source")
    parse_time(event.get("time"), "time")
    data = event.get("data")
    if not isinstance(data, dict):
        raise _bad("data", "事件缺少 data 对象", "the event has no data object", "an object")
    if kind == PUBLISHED:
        ids = data.get("pfIds")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
            raise _bad("data.pfIds", "data.pfIds 应为非空字符串列表", "data.pfIds must be a non-empty list of ids",
                       "[\"<uuid>\", …]")
    elif kind == REQUEST_CREATED:
        criteria_from({k: v for k, v in data.items() if k in CRITERIA_KEYS})
        if "comment" in data and not isinstance(data["comment"], str):
            raise _bad("data.comment", "data.comment 应为字符串", "data.comment must be a string", "a string")
    else:
        _text(data, "requestEventId", "data.")
        if kind == REQUEST_FULFILLED:
            pfs = data.get("pfs")
            if not isinstance(pfs, list) or not pfs or not all(isinstance(p, dict) for p in pfs):
                raise _bad("data.pfs", "data.pfs 应为非空足迹列表", "data.pfs must be a non-empty list of footprints",
                           "[ProductFootprint, …]")
        else:
            err = data.get("error")
            if not isinstance(err, dict) or not isinstance(err.get("code"), str) \
                    or not isinstance(err.get("message"), str):
                raise _bad("data.error", "data.error 应含 code 与 message", "data.error needs code and message",
                           "{\"code\": …, \"message\": …}")
    return event


def now_text() -> str:
    """The current time as RFC 3339 UTC (the ``time`` of events sent)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def answer_to(request: Mapping[str, Any], docs: list[dict[str, Any]], source: str) -> dict[str, Any]:
    """The RequestFulfilledEvent (footprints found) or RequestRejectedEvent (none) answering ``request``."""
    base = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": source, "time": now_text()}
    if docs:
        return {"type": REQUEST_FULFILLED, **base, "data": {"requestEventId": request["id"], "pfs": docs}}
    return {"type": REQUEST_REJECTED, **base,
            "data": {"requestEventId": request["id"],
                     "error": {"code": "NotFound", "message": "No footprint matches the criteria of the request."}}}


def _fulfilled(factory_id: str, event: Mapping[str, Any], url: str | None) -> dict[str, Any]:
    kept, refused = [], []
    for i, doc in enumerate(event["data"]["pfs"]):
        try:
            kept += [s.to_dict() for s in pact_host.store_documents(
                factory_id, [doc], "supplier", f"event {event['source']} {event['id']}", url)]
        except InputError as exc:
            refused.append({"index": i, "id": doc.get("id"), "problem": exc.message("en")})
    return {"kept": kept, "refused": refused}


def receive(factory_id: str, client_id: str, event: Any, own_source: str, url: str | None = None) -> dict[str, Any]:
    """Check, record and act on an event sent by ``client_id`` to ``factory_id``'s host; the recorded row.

    ``own_source`` is this host's events address (the ``source`` of the answers it sends).
    """
    ev = check_event(event)
    with transaction(url) as conn:
        seen = repo.event_by_key(conn, factory_id, ev["source"], ev["id"])
    if seen is not None:
        return dict(seen)
    status, outcome = "received", None
    if ev["type"] == REQUEST_CREATED:
        criteria = criteria_from({k: v for k, v in ev["data"].items() if k in CRITERIA_KEYS})
        outcome = answer_to(ev, pact_host.footprints(factory_id, "published", criteria, url), own_source)
        status = "pending"
    elif ev["type"] == REQUEST_FULFILLED:
        outcome = _fulfilled(factory_id, ev, url)
    body = json.dumps(ev, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    with transaction(url) as conn:
        row_id = repo.insert_event(conn, factory_id=factory_id, client_id=client_id, event_id=ev["id"],
                                   event_type=ev["type"], source=ev["source"], body=body,
                                   received_at=int(time.time()), status=status,
                                   answer=None if outcome is None else json.dumps(outcome, ensure_ascii=False))
        audit.record(conn, "pact.event", "pact_event", row_id, factory_id,
                     after={"type": ev["type"], "id": ev["id"], "source": ev["source"], "client_id": client_id,
                            "status": status})
        found = repo.event_by_key(conn, factory_id, ev["source"], ev["id"])
    assert found is not None
    return dict(found)


def events(factory_id: str, status: str | None = None, url: str | None = None) -> list[dict[str, Any]]:
    """A factory's received events (body and outcome parsed), in arrival order."""
    with transaction(url) as conn:
        rows = repo.events_of_factory(conn, factory_id, status)
    return [{**dict(r), "body": json.loads(str(r["body"])),
             "answer": None if r["answer"] is None else json.loads(str(r["answer"]))} for r in rows]


def mark_answered(row_id: int, answer: Mapping[str, Any], factory_id: str, url: str | None = None) -> None:
    """Record that the answer to a request was delivered."""
    with transaction(url) as conn:
        repo.set_event_answer(conn, row_id, "answered", json.dumps(answer, ensure_ascii=False))
        audit.record(conn, "pact.answer", "pact_event", row_id, factory_id,
                     after={"type": answer.get("type"), "id": answer.get("id")})
