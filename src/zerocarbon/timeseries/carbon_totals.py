"""Totals of the hourly carbon by local month, cost centre, scope, … computed inside the engine.

    hours (Arrow table or the kept hour files) ⋈ factors of the hour (:func:`~zerocarbon.timeseries.carbon.
    carbon_query`) → local month of each hour → Σ by the chosen keys

The rows summed are exactly those of :func:`zerocarbon.timeseries.carbon.hourly_carbon` (same join, same
factor of each hour), but the 17.5 M hour × meter rows of a 2,000-meter year never leave DuckDB: only the
totals do. Sums are exact and independent of the engine's threads: each hour's tCO2 (float64) is taken
as DECIMAL(38, 12) (to 1 µg; any hour of up to 10^26 t) and the decimals are added exactly, then given
back as float64. The activity is summed only where every row of a group has the same activity unit
(a group mixing MWh and GJ shows its CO2 and no activity: ``activity_unit`` is then ``None`` and
``mixed_units`` true).
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from zerocarbon.timeseries.carbon import carbon_query
from zerocarbon.timeseries.intervals import fetch
from zerocarbon.timeseries.months import month_starts

#: The keys a total can be grouped by (columns of the hourly carbon, and the local month ``YYYY-MM``).
KEYS = ("month", "meter_id", "category", "scope", "item", "cost_centre", "factor_kind")
#: The exact type each hour's value is summed in (12 decimals: 1e-12 t = 1 µg CO2).
EXACT = "DECIMAL(38, 12)"


def months_table(year: int, tz: str) -> pa.Table:
    """The local months of ``year`` in ``tz``: month (``YYYY-MM``), lo, hi [s, UTC], half-open."""
    starts = month_starts(year, tz)
    return pa.table({"month": [f"{year:04d}-{m:02d}" for m in range(1, 13)], "lo": starts[:12], "hi": starts[1:]},
                    schema=pa.schema([("month", pa.string()), ("lo", pa.int64()), ("hi", pa.int64())]))


def hourly_carbon_totals(hourly: pa.Table | Sequence[str], factors: pa.Table, series: pa.Table | None = None, *,
                         year: int, tz: str, by: Sequence[str] = ("month", "cost_centre"),
                         months: Sequence[int] | None = None) -> pa.Table:
    """Σ tCO2 (and Σ activity where its unit is one) of the hourly carbon grouped by ``by``.

    Parameters
    ----------
    hourly, factors, series
        As :func:`zerocarbon.timeseries.carbon.hourly_carbon` (restrict the meters by giving only their rows of
        ``factors``).
    year, tz
        The local calendar year and time zone that define the months; hours outside the year are left out.
    by : sequence of str
        Any of :data:`KEYS`, in the order of the result's columns and sort; empty for the grand total.
    months : sequence of int, optional
        Local months 1–12 to keep (default: all).

    Returns
    -------
    pa.Table
        The keys, then ``co2_t`` [tCO2], ``activity`` [activity_unit] (null where units are mixed),
        ``activity_unit``, ``mixed_units``, ``hours`` (hour × meter rows), ``hourly_factor_hours`` (rows whose
        factor came from the hourly series), ``no_factor_hours`` (rows without a factor: no CO2), ordered by
        the keys.
    """
    unknown = [k for k in by if k not in KEYS]
    if unknown or len(set(by)) != len(by):
        raise ValueError(f"group by any of {KEYS}, each once, not {list(by)}")
    mo = months_table(year, tz)
    if months is not None:
        mo = mo.filter(pa.array([m in set(months) for m in range(1, 13)]))
    keys = ", ".join(f"c.{k}" if k != "month" else "mo.month" for k in by)
    names = ", ".join(by)
    with carbon_query(hourly, factors, series) as (con, select, _):
        con.register("mo", mo)
        rows = fetch(con, f"""
            WITH c AS ({select('', order=False)}),
            t AS (
                SELECT {keys + ',' if by else ''}
                       sum(c.co2_t::{EXACT}) AS co2,
                       sum(c.activity::{EXACT}) AS act,
                       count(DISTINCT c.activity_unit) AS units,
                       any_value(c.activity_unit::VARCHAR) AS unit,
                       count(*) AS hours,
                       count(*) FILTER (WHERE c.factor_kind = 'hourly') AS hourly_factor_hours,
                       count(*) FILTER (WHERE c.factor_kind = 'no factor') AS no_factor_hours
                FROM c JOIN mo ON c.ts >= mo.lo AND c.ts < mo.hi
                {'GROUP BY ' + keys if by else ''})
            SELECT {', '.join(f'{k}::VARCHAR AS {k}' if k not in ('meter_id',) else k for k in by) + ',' if by else ''}
                   coalesce(co2, 0)::DOUBLE AS co2_t,
                   CASE WHEN units = 1 THEN act::DOUBLE END AS activity,
                   CASE WHEN units = 1 THEN unit END AS activity_unit,
                   units > 1 AS mixed_units,
                   hours, hourly_factor_hours, no_factor_hours
            FROM t {'ORDER BY ' + names if by else ''}""")
    return rows
