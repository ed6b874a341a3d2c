"""Accounting periods: a calendar year (``2023``) or a month (``2023-01``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, total_ordering

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{1,2}))?$")


@lru_cache(maxsize=4096)
def _parse(text: str | int) -> tuple[int, int | None]:
    """Year and month of a period's text (each text parsed once: an inventory asks for the same few
    periods of tens of thousands of lines many times)."""
    raw = str(text).strip()
    match = _PATTERN.match(raw)
    if not match:
        raise ValueError(f"period '{raw}' is not YYYY or YYYY-MM")
    year, month = int(match.group(1)), match.group(2)
    if month is None:
        return year, None
    m = int(month)
    if not 1 <= m <= 12:
        raise ValueError(f"month {m} out of range in period '{raw}'")
    return year, m


@total_ordering
@dataclass(frozen=True)
class Period:
    """A year or a month; months are half-open intervals [first day, first day of next month).

    Periods sort by start, a year before its own January: 2023 < 2023-01 < 2023-02 < 2024.
    """

    year: int
    month: int | None = None

    def _key(self) -> tuple[int, int]:
        return (self.year, self.month or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() < other._key()

    @classmethod
    def parse(cls, text: str | int) -> Period:
        """Parse ``"2023"``, ``2023``, ``"2023-01"`` or ``"2023-1"``.

        Raises
        ------
        ValueError
            When the text is not a year or a year-month.
        """
        return cls(*_parse(text))

    @property
    def is_month(self) -> bool:
        return self.month is not None

    def start(self) -> date:
        return date(self.year, self.month or 1, 1)

    def contains(self, other: Period) -> bool:
        """True when ``other`` lies inside this period (a month inside its year, or equal)."""
        if self.year != other.year:
            return False
        return self.month is None or self.month == other.month

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}" if self.month else str(self.year)
