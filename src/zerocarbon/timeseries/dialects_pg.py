"""The interval SQL on PostgreSQL: the canonical DuckDB SQL transpiled (:mod:`zerocarbon.timeseries.dialects`).

:func:`interval_consumption_pg` is :func:`zerocarbon.timeseries.intervals.interval_consumption` run by a
PostgreSQL server instead of the embedded DuckDB: the same script (:func:`intervals.interval_script`),
the same selects (:func:`intervals.values_sql`, :data:`intervals.GAPS_SQL`, :data:`intervals.UNUSED_SQL`),
transpiled statement by statement, and the same Arrow tables back. It runs in one transaction on the
caller's connection: the inputs ``r0``, ``m`` and ``e0`` are loaded into temporary tables (the session's
temporary schema ``pg_temp``), the intermediate tables are temporary too, and the transaction is rolled
back at the end, so nothing is left on the server.

:func:`hourly_carbon_pg` runs the hourly roll-up and the hourly carbon (:mod:`zerocarbon.timeseries.hourly_sql`:
``HOURLY_SQL``, ``HOURLY_CARBON_SQL``) on the same server after the interval script, transpiled the same way
(no fix-up of its own: tested equal to DuckDB's, decimal for decimal).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import psycopg
import pyarrow as pa
import sqlalchemy

from zerocarbon.timeseries import hourly_sql as hs
from zerocarbon.timeseries import intervals as iv
from zerocarbon.timeseries.dialects import SESSION, transpile

#: PostgreSQL column types of the input tables, by Arrow type.
_PG_TYPES = {pa.int64(): "BIGINT", pa.float64(): "DOUBLE PRECISION", pa.string(): "TEXT", pa.bool_(): "BOOLEAN",
             pa.int32(): "INTEGER"}


def _pg_type(t: pa.DataType) -> str:
    if pa.types.is_decimal(t):
        return f"NUMERIC({t.precision},{t.scale})"
    if t in _PG_TYPES:
        return _PG_TYPES[t]
    raise TypeError(f"no PostgreSQL type for the Arrow type {t}")


def _load(cur: psycopg.Cursor[Any], name: str, table: pa.Table) -> None:
    """``table`` as the temporary table ``name`` (COPY; dropped with the transaction)."""
    cols = ", ".join(f'"{f.name}" {_pg_type(f.type)}' for f in table.schema)
    cur.execute(f'CREATE TEMPORARY TABLE "{name}" ({cols}) ON COMMIT DROP')
    names = ", ".join(f'"{n}"' for n in table.column_names)
    with cur.copy(f'COPY "{name}" ({names}) FROM STDIN') as copy:
        for row in zip(*(c.to_pylist() for c in table.columns), strict=True):
            copy.write_row(row)
    cur.execute(f'ANALYZE "{name}"')


def _value(v: Any, t: pa.DataType) -> Any:
    if v is None:
        return None
    if pa.types.is_integer(t):
        if isinstance(v, Decimal) and v != v.to_integral_value():
            raise ValueError(f"PostgreSQL returned {v} for an integer column")
        return int(v)
    if pa.types.is_floating(t):
        return float(v)
    return v


def fetch_pg(cur: psycopg.Cursor[Any], sql: str, schema: pa.Schema) -> pa.Table:
    """Run the canonical (DuckDB) select ``sql`` transpiled and return it as ``schema`` (columns by name):
    :func:`zerocarbon.timeseries.intervals.fetch` on PostgreSQL."""
    (statement,) = transpile(sql, "postgres")
    cur.execute(statement)
    names = [d.name for d in cur.description or []]
    rows = cur.fetchall()
    cols = {n: [r[i] for r in rows] for i, n in enumerate(names)}
    return pa.table({f.name: pa.array([_value(v, f.type) for v in cols[f.name]], f.type) for f in schema},
                    schema=schema)


def _psycopg(conn: psycopg.Connection[Any] | sqlalchemy.Connection) -> psycopg.Connection[Any]:
    if isinstance(conn, sqlalchemy.Connection):
        raw = conn.connection.driver_connection
        if not isinstance(raw, psycopg.Connection):
            raise TypeError("interval_consumption_pg needs a PostgreSQL connection through psycopg")
        return raw
    return conn


def interval_consumption_pg(conn: psycopg.Connection[Any] | sqlalchemy.Connection, readings: pa.Table,
                            meters: pa.Table, *, start: int, end: int, events: pa.Table | None = None,
                            estimate: iv.Estimate | None = None, power_as_energy: bool = False) -> iv.Intervals:
    """:func:`zerocarbon.timeseries.intervals.interval_consumption` computed by PostgreSQL.

    ``conn`` is a psycopg connection or a SQLAlchemy connection over psycopg, outside a transaction
    of its own work: the computation runs in a transaction that is rolled back (see the module
    docstring). Same arguments and the same result as the DuckDB function (tested equal).
    """
    pg = _psycopg(conn)
    with pg.transaction(force_rollback=True), pg.cursor() as cur:
        load_inputs(cur, readings, meters, events)
        run_interval_sql_pg(cur, start=start, end=end, estimate=estimate, power_as_energy=power_as_energy)
        values = fetch_pg(cur, f"{iv.values_sql()} ORDER BY x.meter_id, x.ts", iv.INTERVAL_SCHEMA)
        gaps = fetch_pg(cur, iv.GAPS_SQL, iv.GAP_SCHEMA)
        unused = fetch_pg(cur, iv.UNUSED_SQL, iv.UNUSED_SCHEMA)
    return iv.Intervals(values=values, gaps=gaps, unused=unused, start=int(start), end=int(end), estimate=estimate)


def load_inputs(cur: psycopg.Cursor[Any], readings: pa.Table, meters: pa.Table, events: pa.Table | None = None) -> None:
    """The inputs of :func:`run_interval_sql_pg` as the temporary tables ``r0``, ``m`` and ``e0``."""
    _load(cur, "r0", iv.conform(readings, iv.READING_SCHEMA))
    _load(cur, "m", iv.conform(meters, iv.METER_SCHEMA))
    _load(cur, "e0", iv.conform(events, iv.EVENT_SCHEMA) if events is not None else iv.empty_events())


def run_interval_sql_pg(cur: psycopg.Cursor[Any], *, start: int, end: int, estimate: iv.Estimate | None = None,
                        power_as_energy: bool = False, lean: bool = False) -> None:
    """:func:`zerocarbon.timeseries.intervals.run_interval_sql` on PostgreSQL, inside the caller's transaction.

    ``cur``'s session has ``r0``, ``m`` and ``e0`` (:func:`load_inputs`); afterwards it holds the
    temporary tables that :func:`iv.values_sql`, :data:`iv.GAPS_SQL` and :data:`iv.UNUSED_SQL` select
    from (through :func:`fetch_pg`). The same script as DuckDB's, transpiled.
    """
    for setting in SESSION["postgres"]:
        cur.execute(setting)
    script = iv.interval_script(start=start, end=end, estimate=estimate, power_as_energy=power_as_energy, lean=lean)
    for statement in transpile(script, "postgres"):
        cur.execute(statement)
        if statement.upper().startswith("CREATE TEMPORARY TABLE"):
            cur.execute(f"ANALYZE {statement.split()[3]}")


def hourly_carbon_pg(cur: psycopg.Cursor[Any], months: pa.Table, grid_meters: pa.Table | None = None,
                     grid_factors: pa.Table | None = None) -> pa.Table:
    """The hourly roll-up and hourly carbon on PostgreSQL, inside the caller's transaction, as
    :data:`~zerocarbon.timeseries.hourly_sql.HOURLY_SCHEMA` ordered by meter and hour.

    Run after :func:`run_interval_sql_pg` with ``lean=True`` (the intervals ``HOURLY_SQL`` reads through
    ``values_sql(lean=True)``). ``months`` holds the local months (``period``, ``p_start``, ``p_end``, as
    :func:`zerocarbon.services.assessment.region_engine.month_table` makes them); ``grid_meters`` and
    ``grid_factors`` (:data:`~zerocarbon.timeseries.hourly_sql.GRID_METER_SCHEMA`, ``GRID_FACTOR_SCHEMA``)
    default to none (:func:`~zerocarbon.timeseries.hourly_sql.no_factors`: the roll-up without carbon). They
    are loaded as temporary tables, as ``hourly`` is created: all dropped with the transaction.
    """
    none_m, none_f = hs.no_factors()
    _load(cur, "months", months)
    _load(cur, "grid_meters", iv.conform(grid_meters if grid_meters is not None else none_m, hs.GRID_METER_SCHEMA))
    _load(cur, "grid_factors",
          iv.conform(grid_factors if grid_factors is not None else none_f, hs.GRID_FACTOR_SCHEMA))
    for statement in transpile(hs.hourly_script(), "postgres"):
        cur.execute(statement)
        if statement.upper().startswith("CREATE TEMPORARY TABLE"):
            cur.execute(f"ANALYZE {statement.split()[3]}")
    return fetch_pg(cur, f"{hs.HOURLY_CARBON_SQL} ORDER BY h.meter_id, h.ts", hs.HOURLY_SCHEMA)
