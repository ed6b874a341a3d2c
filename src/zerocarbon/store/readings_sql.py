"""What the two read paths of readings share: the Arrow shape of a current reading and the SQL window.

:mod:`zerocarbon.store.readings` reads a server store (PostgreSQL, through ADBC) and hands SQLite
reads to :mod:`zerocarbon.store.columnar` (the Parquet cache); both select rows of ``readings`` by
the same condition and return the same columns. Both import this module; neither imports the
other's internals, so there is no cycle between them.
"""

from __future__ import annotations

import pyarrow as pa

#: A current reading: meter id, ts [s since epoch, UTC], value [the meter's register unit], flags.
READING_SCHEMA = pa.schema([("meter_id", pa.int64()), ("ts", pa.int64()), ("value", pa.float64()),
                            ("flags", pa.int64())])


def reading_filter(meter_ids: list[int] | None, start: int | None, end: int | None) -> str:
    """SQL condition on readings: these meters, ts in [start, end) (``TRUE`` when unbounded).

    Parameters
    ----------
    meter_ids : list of int or None
        The meters (None: every meter; an empty list: none).
    start, end : int or None
        The half-open window [s since epoch, UTC]; None leaves that side open.
    """
    where = []
    if meter_ids is not None:
        where.append(f"meter_id IN ({','.join(str(int(m)) for m in meter_ids) or 'NULL'})")
    if start is not None:
        where.append(f"ts >= {int(start)}")
    if end is not None:
        where.append(f"ts < {int(end)}")
    return " AND ".join(where) or "TRUE"
