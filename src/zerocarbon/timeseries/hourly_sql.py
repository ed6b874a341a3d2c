"""Hourly roll-ups and hourly carbon of the intervals, written once in the canonical dialect (DuckDB).

Run by DuckDB as they are and by Spark or PostgreSQL (:func:`zerocarbon.timeseries.dialects_pg.hourly_carbon_pg`)
transpiled by :func:`zerocarbon.timeseries.dialects.transpile`,
as the interval SQL (:mod:`zerocarbon.timeseries.interval_sql`) and the region engine's month roll-up
(:data:`zerocarbon.services.assessment.region_engine.MONTHLY_SQL`) are. Used by the region engine
(``zerocarbon region assess --hourly``).

Tables the SQL expects: the intervals of ``values_sql(lean=True)`` (placed at ``{values}``), ``months`` (the local
months of the year, as the month roll-up takes them), and for the carbon ``grid_meters`` (:data:`GRID_METER_SCHEMA`:
the meters whose hourly consumption the grid factor applies to, and their exact conversion to MWh) and
``grid_factors`` (:data:`GRID_FACTOR_SCHEMA`: the hourly grid factor [tCO2/MWh] with its source).

The hours are the local hours of each local month: ``p_start + ((ts - p_start) DIV 3600) × 3600``, so every hour
lies inside one month and the hours of a month add up to its month total exactly (in a time zone with a whole-hour
UTC offset these are the UTC hours). An hour's exact total follows the month roll-up's rule: the DECIMAL(38,12) sum
of its intervals' exact values, NULL when an interval of the hour has a value but no exact value. ``max_end`` lets
the caller refuse an interval longer than its hour (an hourly or finer interval grid is needed).

The carbon is exact too, with no rounding: consumption DECIMAL(38,12) × ``to_mwh`` DECIMAL(18,6) × the factor
DECIMAL(18,6) is DECIMAL(38,24) in both engines (DuckDB's decimal product rule; Spark's with
``spark.sql.decimalOperations.allowPrecisionLoss=false``, :data:`zerocarbon.timeseries.dialects.SESSION`).
"""

from __future__ import annotations

import pyarrow as pa

from zerocarbon.timeseries import intervals as iv

HOUR = 3600
#: Exact factor types: a grid factor [tCO2/MWh] and a unit conversion to MWh, each with at most 6 decimals.
FACTOR_TYPE = pa.decimal128(18, 6)
CARBON_TYPE = pa.decimal128(38, 24)
ACTIVITY_TYPE = pa.decimal128(38, 18)

#: The hour roll-up, materialised as ``hourly`` (a ``CREATE TEMP TABLE``: the carbon and the caller read it).
HOURLY_SQL = """
CREATE TEMP TABLE hourly AS
SELECT x.meter_id, x.period, x.h AS ts, x.h + {hour} AS ts_end,
       CAST(CASE WHEN count(x.value) = count(x.value_exact) THEN sum(x.value_exact) END AS DECIMAL(38,12))
         AS value_exact,
       count(x.value) AS n_intervals, count(*) - count(x.value) AS n_null,
       count(CASE WHEN x.flags & {f_est} <> 0 THEN 1 END) AS n_estimated,
       bit_or(x.flags) AS flags, max(x.ts_end) AS max_end
FROM (SELECT b.meter_id, b.value, b.value_exact, b.flags, b.ts_end, p.period,
             p.p_start + (b.ts - p.p_start) // {hour} * {hour} AS h
      FROM ({values}) b JOIN months p ON b.ts >= p.p_start AND b.ts < p.p_end) x
GROUP BY x.meter_id, x.period, x.h;
"""

#: The hours of ``hourly`` with, for the meters of ``grid_meters``, the hourly carbon: activity [MWh] =
#: consumption × ``to_mwh``; co2_t [tCO2] = activity × the factor of the hour (NULL when the hour has no factor or
#: no exact consumption). Other meters' carbon columns are NULL.
HOURLY_CARBON_SQL = """
SELECT h.meter_id, h.period, h.ts, h.ts_end, h.value_exact, h.n_intervals, h.n_null, h.n_estimated, h.flags,
       h.max_end,
       CAST(h.value_exact * g.to_mwh AS DECIMAL(38,18)) AS activity_mwh,
       f.factor AS grid_factor, f.source AS factor_source,
       CAST(h.value_exact * g.to_mwh * f.factor AS DECIMAL(38,24)) AS co2_t
FROM hourly h LEFT JOIN grid_meters g ON g.meter_id = h.meter_id
LEFT JOIN grid_factors f ON g.meter_id IS NOT NULL AND f.ts = h.ts"""

HOURLY_SCHEMA = pa.schema([("meter_id", pa.int64()), ("period", pa.string()), ("ts", pa.int64()),
                           ("ts_end", pa.int64()), ("value_exact", iv.EXACT_TYPE), ("n_intervals", pa.int64()),
                           ("n_null", pa.int64()), ("n_estimated", pa.int64()), ("flags", pa.int64()),
                           ("max_end", pa.int64()), ("activity_mwh", ACTIVITY_TYPE), ("grid_factor", FACTOR_TYPE),
                           ("factor_source", pa.string()), ("co2_t", CARBON_TYPE)])
GRID_METER_SCHEMA = pa.schema([("meter_id", pa.int64()), ("to_mwh", FACTOR_TYPE)])
#: The hourly grid factor: hour start [s since epoch, UTC], factor [tCO2/MWh] for [ts, ts + 3600), its source.
GRID_FACTOR_SCHEMA = pa.schema([("ts", pa.int64()), ("factor", FACTOR_TYPE), ("source", pa.string())])


def hourly_script(f_est: int = iv.FLAG_ESTIMATED, values: str | None = None) -> str:
    """The statement creating ``hourly`` from the intervals (after the interval script has run); ``values``: the
    SQL of the intervals (default ``values_sql(lean=True)``; the region engine's includes the virtual meters)."""
    return HOURLY_SQL.format(values=values or iv.values_sql(lean=True), f_est=f_est, hour=HOUR)


def no_factors() -> tuple[pa.Table, pa.Table]:
    """Empty ``grid_meters`` and ``grid_factors``: the hourly roll-up without carbon."""
    return GRID_METER_SCHEMA.empty_table(), GRID_FACTOR_SCHEMA.empty_table()
