"""Meter readings pushed by a client: the payload schema shared by REST and MQTT, and the REST batch service.

Payload (``docs/meter-mqtt.md``): one reading ``{"meter": "E01", "ts": "2023-05-01T08:15:00+08:00",
"value": 12.5, "unit": "kWh", "id": "optional"}`` or many ``{"readings": [...]}``. ``ts`` is ISO 8601
text (a naive time is the factory's local time, Asia/Shanghai unless the factory says otherwise) or a
number of epoch seconds [s, UTC].

A reading that does not even fit the schema does not sink its batch: it becomes a rejected record
with its location (``request #<batch> item <i>``) and the readable ones go on through the one
ingestion path (:func:`zerocarbon.ingest.pipeline.ingest_table`). Re-posting a batch changes no
reading: every reading is a duplicate of itself (key meter + ts).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from sqlalchemy import select

from zerocarbon.errors import InputError
from zerocarbon.ingest.pipeline import IngestReport, close_batch, ingest_table, open_batch
from zerocarbon.store import schema as s
from zerocarbon.store.db import transaction

#: Epoch seconds at or beyond this (year 2286) are refused: most likely milliseconds were sent.
EPOCH_LIMIT = 10_000_000_000
DEFAULT_TIMEZONE = "Asia/Shanghai"
_FIELD_WIDTH = 64  # rejected_records.field is String(64)


def _check_epoch(seconds: int) -> int:
    if not 0 <= seconds < EPOCH_LIMIT:
        raise ValueError(f"epoch seconds out of range: {seconds} (milliseconds? send seconds since 1970-01-01 UTC)")
    return seconds


class ReadingIn(BaseModel):
    """One meter reading as a device or client sends it.

    Attributes
    ----------
    meter : str or None
        Meter code as declared in the factory setup (``E01``). May be omitted on the MQTT topic
        ``zerocarbon/{factory}/meters/{meter}``, which names it; required everywhere else.
    ts : datetime or int
        Reading time: ISO 8601 text (with offset, or naive = factory-local time) or epoch seconds
        [s, UTC]. Whole seconds only. For an interval register it is the start of the interval.
    value : float
        Register value [the meter's unit, or ``unit``].
    unit : str or None
        Unit of ``value`` if not the meter's own; same dimension only (MWh to a kWh meter), never a
        silent conversion across dimensions.
    id : str or int or None
        The sender's own reference, echoed in the location of a rejected reading.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    meter: str | None = Field(None, min_length=1, max_length=64, description="meter code, e.g. E01")
    ts: datetime | int = Field(description="ISO 8601 (naive = factory-local) or epoch seconds [s, UTC]")
    value: float = Field(strict=True, description="register value [meter unit or `unit`]")
    unit: str | None = Field(None, min_length=1, max_length=32, description="unit of value, e.g. kWh")
    id: str | int | None = Field(None, description="the sender's reference for this reading")

    @field_validator("ts", mode="before")
    @classmethod
    def _time(cls, v: Any) -> datetime | int:
        if isinstance(v, bool):
            raise ValueError("expected ISO 8601 text or epoch seconds")
        if isinstance(v, int):
            return _check_epoch(v)
        if isinstance(v, float):
            if not math.isfinite(v) or not v.is_integer():
                raise ValueError(f"epoch seconds must be a whole number, got {v}")
            return _check_epoch(int(v))
        if isinstance(v, str):
            try:
                v = datetime.fromisoformat(v.strip())
            except ValueError:
                raise ValueError(f"not an ISO 8601 time: {v!r}") from None
        if isinstance(v, datetime):
            if v.microsecond:
                raise ValueError("fractions of a second are not accepted (readings are keyed by the second)")
            return v
        raise ValueError("expected ISO 8601 text or epoch seconds")

    def epoch(self, tz: str = DEFAULT_TIMEZONE) -> int:
        """``ts`` as epoch seconds [s, UTC]; a naive time is read in ``tz``."""
        if isinstance(self.ts, int):
            return self.ts
        aware = self.ts if self.ts.tzinfo is not None else self.ts.replace(tzinfo=ZoneInfo(tz))
        return int(aware.timestamp())


@dataclass(frozen=True)
class ItemProblem:
    """An entry of ``readings`` that does not fit :class:`ReadingIn`."""

    index: int   # 0-based position in the list as sent
    field: str   # e.g. "ts", "value"
    reason: str
    raw: Any


def describe(exc: ValidationError) -> tuple[str, str]:
    """(field, reason) of a pydantic error, readable and short."""
    where = [(".".join(str(p) for p in e["loc"]) or "payload", e["msg"]) for e in exc.errors(include_url=False)]
    fld = where[0][0] if where else "payload"
    return fld[:_FIELD_WIDTH], "schema: " + "; ".join(f"{loc}: {msg}" for loc, msg in where)


class ReadingBatchIn(BaseModel):
    """Many readings: ``{"readings": [...]}``.

    Entries that do not fit :class:`ReadingIn` are set aside (:attr:`problems`) instead of failing the
    whole batch; :meth:`items` yields the good ones with their position as sent.
    """

    model_config = ConfigDict(extra="forbid")

    readings: list[ReadingIn] = Field(description="the readings; entries that do not fit are rejected one by one")

    _positions: list[int] | None = PrivateAttr(None)
    _problems: list[ItemProblem] = PrivateAttr(default_factory=list)

    @model_validator(mode="wrap")
    @classmethod
    def _per_item(cls, data: Any, handler: ModelWrapValidatorHandler[ReadingBatchIn]) -> ReadingBatchIn:
        try:
            return handler(data)  # the fast path: everything fits
        except ValidationError:
            if not (isinstance(data, dict) and isinstance(data.get("readings"), list)):
                raise
        good: list[ReadingIn] = []
        positions: list[int] = []
        problems: list[ItemProblem] = []
        for i, item in enumerate(data["readings"]):
            try:
                good.append(item if isinstance(item, ReadingIn) else ReadingIn.model_validate(item))
                positions.append(i)
            except ValidationError as exc:
                fld, reason = describe(exc)
                problems.append(ItemProblem(i, fld, reason, item))
        model = handler({**data, "readings": good})  # still raises for problems outside the list
        model._positions = positions
        model._problems = problems
        return model

    @property
    def problems(self) -> list[ItemProblem]:
        """Entries of ``readings`` as sent that did not fit the schema."""
        return list(self._problems)

    def items(self) -> Iterator[tuple[int, ReadingIn]]:
        """(0-based position as sent, reading) of every entry that fits the schema."""
        positions = self._positions if self._positions is not None else range(len(self.readings))
        return zip(positions, self.readings, strict=True)

    @property
    def size(self) -> int:
        """Number of entries as sent, good and bad."""
        return len(self.readings) + len(self._problems)

    @classmethod
    def from_payload(cls, payload: Any, meter: str | None = None) -> ReadingBatchIn:
        """Read a decoded JSON payload: one reading, or ``{"readings": [...]}``.

        ``meter`` (from an MQTT topic ``…/meters/{meter}``) fills entries that omit the meter.
        Raises ``ValueError`` (``ValidationError`` included) when the payload as a whole does not fit.
        """
        if not isinstance(payload, dict):
            raise ValueError('payload must be a JSON object: one reading or {"readings": [...]}')
        data = payload if "readings" in payload else {"readings": [payload]}
        if meter is not None and isinstance(data.get("readings"), list):
            data = {**data, "readings": [{**r, "meter": meter} if isinstance(r, dict) and r.get("meter") is None
                                         else r for r in data["readings"]]}
        return cls.model_validate(data)

    def content_hash(self, factory_id: str) -> str:
        """SHA-256 of the factory and the readings as sent (recorded with the store batch)."""
        body = {"factory": factory_id, "readings": [r.model_dump(mode="json") for r in self.readings],
                "problems": [[p.index, p.raw] for p in self._problems]}
        return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def reading_rows(batch: ReadingBatchIn, tz: str, where: Callable[[int, ReadingIn | None], str],
                 meter: str | None = None) -> tuple[dict[str, list[Any]], list[dict[str, Any]]]:
    """Columns for :func:`~zerocarbon.ingest.pipeline.ingest_table` and the rejects found on the way.

    Parameters
    ----------
    batch : ReadingBatchIn
        The readings as received.
    tz : str
        Time zone of naive times (the factory's).
    where : callable
        Location text of the entry at a 0-based position (and the reading, if it parsed).
    meter : str or None
        The meter named by the MQTT topic; an entry naming another meter is rejected.
    """
    cols: dict[str, list[Any]] = {"meter": [], "ts": [], "value": [], "unit": [], "location": []}
    rejects: list[dict[str, Any]] = [{"location": where(p.index, None), "field": p.field, "reason": p.reason,
                                      "raw": p.raw} for p in batch.problems]
    for i, r in batch.items():
        problem: tuple[str, str] | None = None
        if r.meter is None:
            problem = ("meter", "missing meter (only the topic zerocarbon/{factory}/meters/{meter} may omit it)")
        elif meter is not None and r.meter != meter:
            problem = ("meter", f"meter '{r.meter}' differs from the topic's meter '{meter}'")
        if problem is not None:
            rejects.append({"location": where(i, r), "field": problem[0], "reason": problem[1],
                            "raw": r.model_dump(mode="json")})
            continue
        cols["meter"].append(r.meter)
        cols["ts"].append(r.epoch(tz))
        cols["value"].append(r.value)
        cols["unit"].append(r.unit)
        cols["location"].append(where(i, r))
    return cols, rejects


def factory_timezone(factory_id: str, url: str | None = None) -> str | None:
    """The factory's time zone, or None if the store does not know the factory."""
    with transaction(url) as conn:
        tz = conn.execute(select(s.factories.c.timezone).where(s.factories.c.id == factory_id)).scalar_one_or_none()
    return None if tz is None else str(tz or DEFAULT_TIMEZONE)


def push_readings(batch: ReadingBatchIn, factory_id: str, url: str | None = None, source: str = "rest",
                  client: str = "rest", now: int | None = None) -> IngestReport:
    """Store a pushed batch of readings of ``factory_id`` (the REST batch service); returns its report.

    One store batch per call (``ingest_batches``: source, ``client`` as its name, the factory, the
    content hash).
    Entries that do not fit the schema, and entries without a meter, are rejected with the location
    ``request #<batch id> item <i>`` (i from 1, as sent); so are the readings validation refuses.
    Re-posting the same batch stores no reading twice: they come back as duplicates.

    Parameters
    ----------
    now : int or None
        Current time [s since epoch, UTC] for the "in the future" check; the clock by default.

    Raises
    ------
    InputError
        The store does not know ``factory_id``.
    """
    tz = factory_timezone(factory_id, url)
    if tz is None:
        raise InputError(f"未知工厂 '{factory_id}'", f"unknown factory '{factory_id}'", field="factory_id")
    batch_id = open_batch(source, client, content_hash=batch.content_hash(factory_id), url=url,
                          factory_id=factory_id)

    def where(i: int, r: ReadingIn | None) -> str:
        ref = f" (id {r.id})" if r is not None and r.id is not None else ""
        return f"request #{batch_id} item {i + 1}{ref}"

    try:
        cols, rejects = reading_rows(batch, tz, where)
        report = ingest_table(cols, factory_id, batch_id, source, url, now=now, extra_rejects=rejects)
    except BaseException:
        close_batch(IngestReport(batch_id), status="failed", url=url)
        raise
    close_batch(report, url=url)
    return report
