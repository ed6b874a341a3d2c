"""The Chinese working calendar: public holidays (法定节假日) and adjusted working days (调休上班).

The days come from the maintained ``chinesecalendar`` package (PyPI ``chinesecalendar``, module
``chinese_calendar``), which transcribes the State Council's yearly notices on the arrangement of
public holidays (国务院办公厅关于××年部分节假日安排的通知), e.g. 国办发明电〔2022〕16号 for 2023 and
国办发明电〔2023〕7号 for 2024. The package covers a fixed range of years (2004–2026 in release
1.11.0); a day outside it raises :class:`~zerocarbon.errors.InputError` rather than being guessed
from the weekday, because a wrong day type would bias every forecast and alert of that day.

Four day types:

* ``workday``: Monday–Friday that is not a holiday;
* ``weekend``: Saturday or Sunday that is not an adjusted working day;
* ``holiday``: a public holiday or a day off of its block (including weekdays taken off);
* ``adjusted_workday``: a Saturday or Sunday worked in exchange (调休上班).

A day is a working day when it is ``workday`` or ``adjusted_workday``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar
import numpy as np
import numpy.typing as npt

from zerocarbon.errors import InputError

__all__ = ["DayType", "Features", "calendar_features", "day_type", "holiday_name", "is_working_day",
           "supported_years"]


class DayType(StrEnum):
    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    ADJUSTED_WORKDAY = "adjusted_workday"


#: zh / en labels of the day types.
LABELS = {DayType.WORKDAY: ("工作日", "working day"), DayType.WEEKEND: ("周末", "weekend"),
          DayType.HOLIDAY: ("法定节假日", "public holiday"),
          DayType.ADJUSTED_WORKDAY: ("调休上班日", "adjusted working day")}


def supported_years() -> tuple[int, int]:
    """First and last year the installed ``chinesecalendar`` knows (both inclusive)."""
    days = list(chinese_calendar.holidays) + list(chinese_calendar.workdays)
    return min(days).year, max(days).year


def _check(day: date) -> None:
    first, last = supported_years()
    if not first <= day.year <= last:
        raise InputError(f"节假日日历只覆盖 {first}–{last} 年，无法判断 {day.isoformat()} 的日类型",
                         f"the holiday calendar covers {first}–{last} only; cannot tell the day type of "
                         f"{day.isoformat()}", field="date", expected=f"{first}–{last}")


@lru_cache(maxsize=4096)
def day_type(day: date) -> DayType:
    """The :class:`DayType` of ``day`` (a local calendar date)."""
    _check(day)
    weekend = day.weekday() >= 5
    if chinese_calendar.is_holiday(day):
        return DayType.WEEKEND if weekend and not chinese_calendar.get_holiday_detail(day)[1] else DayType.HOLIDAY
    return DayType.ADJUSTED_WORKDAY if weekend else DayType.WORKDAY


def holiday_name(day: date) -> str | None:
    """The English name of the holiday (``'National Day'``) a holiday or adjusted working day belongs to."""
    _check(day)
    name = chinese_calendar.get_holiday_detail(day)[1]
    return None if name is None else str(name)


def is_working_day(day: date) -> bool:
    return day_type(day) in (DayType.WORKDAY, DayType.ADJUSTED_WORKDAY)


class Features:
    """Calendar features of hourly timestamps, as arrays of equal length.

    ``holidays=False`` ignores the holiday calendar (Monday–Friday are working days, every weekend is
    off): for data known to follow the weekdays only, such as the bundled synthetic sample.

    Attributes
    ----------
    hour, weekday, month : ndarray of int
        Local hour 0–23, weekday 0 (Monday)–6, month 1–12.
    day : ndarray of int
        Local date as days since 1970-01-01 (to group hours by day).
    holiday, adjusted, working : ndarray of bool
        Public holiday; adjusted working day; working day (workday or adjusted working day).
    """

    def __init__(self, ts: npt.ArrayLike, tz: str = "Asia/Shanghai", holidays: bool = True) -> None:
        stamps = np.asarray(ts, dtype=np.int64)
        zone = ZoneInfo(tz)
        offsets = {}
        # the zone's offset per distinct UTC day (fixed for Asia/Shanghai; correct for zones with DST too)
        for d in np.unique(stamps // 86_400):
            off = datetime.fromtimestamp(int(d) * 86_400 + 43_200, zone).utcoffset()
            offsets[int(d)] = int(off.total_seconds()) if off is not None else 0
        local = stamps + np.array([offsets[int(d)] for d in stamps // 86_400], dtype=np.int64)
        self.day = local // 86_400
        self.hour = (local % 86_400) // 3600
        self.weekday = (self.day + 3) % 7  # 1970-01-01 was a Thursday
        types = {int(d): day_type(date.fromordinal(int(d) + 719_163)) if holidays
                 else (DayType.WEEKEND if (int(d) + 3) % 7 >= 5 else DayType.WORKDAY) for d in np.unique(self.day)}
        kinds = np.array([types[int(d)].value for d in self.day], dtype=object)
        self.holiday = kinds == DayType.HOLIDAY.value
        self.adjusted = kinds == DayType.ADJUSTED_WORKDAY.value
        self.working = (kinds == DayType.WORKDAY.value) | self.adjusted
        months = {int(d): date.fromordinal(int(d) + 719_163).month for d in np.unique(self.day)}
        self.month = np.array([months[int(d)] for d in self.day], dtype=np.int64)

    def matrix(self) -> npt.NDArray[np.float64]:
        """The features as columns: hour, weekday, month, holiday, adjusted working day, working day."""
        return np.column_stack([self.hour, self.weekday, self.month, self.holiday, self.adjusted,
                                self.working]).astype(np.float64)


def calendar_features(ts: Sequence[int] | npt.NDArray[np.int64], tz: str = "Asia/Shanghai",
                      holidays: bool = True) -> Features:
    """:class:`Features` of hour starts ``ts`` [s since epoch, UTC] in the local zone ``tz``."""
    return Features(ts, tz, holidays)
