"""Use case: correct a stored meter reading (the CLI's ``readings correct`` and the API's POST …/corrections).

A correction is a new revision of the reading at (meter, time); the original stays in the store and
the audit chain (:func:`zerocarbon.store.readings.correct_reading`). The meter is named by its
factory and code; a time without a zone is read in the meter's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from zerocarbon.errors import InputError
from zerocarbon.store.factories import load_meters
from zerocarbon.store.readings import correct_reading

__all__ = ["Correction", "UnknownMeter", "correct"]


class UnknownMeter(InputError):
    """The factory has no meter of that code (the API answers 404 ``meter.not_found``)."""


@dataclass(frozen=True)
class Correction:
    """A stored correction.

    Attributes
    ----------
    meter : str
        The meter's code.
    moment : datetime
        The corrected reading's time, timezone-aware (as given, or in the meter's zone).
    ts : int
        The same time [s since epoch, UTC].
    revision : int
        The revision the correction was stored as (the original is revision 0).
    value : float
        The corrected value [the meter's unit].
    unit : str
        The meter's unit.
    """

    meter: str
    moment: datetime
    ts: int
    revision: int
    value: float
    unit: str


def _moment(at: int | str | datetime, tz: str) -> datetime:
    """``at`` as an aware datetime: seconds since the epoch, or ISO 8601 / a datetime (naive = ``tz``)."""
    if isinstance(at, int):
        return datetime.fromtimestamp(at, ZoneInfo(tz))
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo(tz))


def correct(factory_id: str, meter_code: str, at: int | str | datetime, value: float, reason: str,
            corrected_by: str = "", url: str | None = None) -> Correction:
    """Store a correction of the reading of meter ``meter_code`` of ``factory_id`` at ``at``.

    Parameters
    ----------
    factory_id, meter_code : str
        The factory and the code of its meter.
    at : int or str or datetime
        The reading's time: seconds since the epoch (UTC), or ISO 8601 text or a datetime; without a
        zone it is the meter's local time.
    value : float
        The corrected value [the meter's unit].
    reason : str
        Why (required, recorded with the correction and in the audit chain).
    corrected_by : str
        Who corrects (a name, or the API's actor).
    url : str or None
        The store (default: ``ZEROCARBON_DATABASE_URL`` or the embedded file).

    Raises
    ------
    UnknownMeter
        The factory has no meter ``meter_code``.
    InputError
        No reason, or no reading at that meter and time.
    ValueError
        ``at`` is text that is not ISO 8601.
    """
    meter = load_meters(factory_id, url).get(meter_code)
    if meter is None:
        raise UnknownMeter(f"未知表计 {meter_code}", f"unknown meter {meter_code}", field="meter")
    moment = _moment(at, meter.timezone)
    ts = at if isinstance(at, int) else int(moment.timestamp())
    revision = correct_reading(meter.id, ts, value, reason, corrected_by, url)
    return Correction(meter=meter_code, moment=moment, ts=ts, revision=revision, value=value, unit=meter.unit)
