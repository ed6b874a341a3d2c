"""Repository of hourly grid-intensity series (table ``grid_factor_series``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from zerocarbon.store import schema as s
from zerocarbon.store.db import transaction


def series_rows(name: str, start: int, end: int, url: str | None = None) -> list[tuple[Any, ...]]:
    """(series, ts, value, source) of the series ``name`` with ts in [start, end), oldest first.

    ``ts`` [s since epoch, UTC] is the start of the hour; ``value`` [tCO2/MWh].
    """
    g = s.grid_factor_series
    with transaction(url) as conn:
        rows = conn.execute(select(g.c.series, g.c.ts, g.c.value, g.c.source)
                            .where(g.c.series == name, g.c.ts >= start, g.c.ts < end).order_by(g.c.ts)).all()
    return [tuple(r) for r in rows]
