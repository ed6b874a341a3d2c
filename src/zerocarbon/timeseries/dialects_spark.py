"""The interval SQL on Apache Spark: the canonical DuckDB SQL transpiled (:mod:`zerocarbon.timeseries.dialects`).

:func:`interval_consumption_spark` is :func:`zerocarbon.timeseries.intervals.interval_consumption` run by a
SparkSession instead of the embedded DuckDB: the same script (:func:`intervals.interval_script`), the same
selects (:func:`intervals.values_sql`, :data:`intervals.GAPS_SQL`, :data:`intervals.UNUSED_SQL`), transpiled
statement by statement with ``transpile(..., "spark")``, and the same Arrow tables back (``DataFrame.toArrow``).

The inputs ``r0`` (readings), ``m`` (meters) and ``e0`` (events) are temporary views of the session (DataFrames:
from Arrow tables, or straight over Parquet files, see :mod:`zerocarbon.services.assessment.region_engine`).

Spark specifics, handled here (the rest is the transpiler's):

``CREATE TEMP TABLE`` → a materialised temporary view
    SQLGlot writes ``CREATE TEMPORARY VIEW name AS <select>``: a view, recomputed on every use, and every later
    statement would inline the whole plan of the ones before it (the script has about fifteen). Each such
    statement is run as its ``<select>``, materialised with ``DataFrame.localCheckpoint()`` (eager: computed
    once, kept by the executors, lineage cut) and registered under ``name`` (``createOrReplaceTempView``).
Session settings
    :data:`zerocarbon.timeseries.dialects.SESSION` (``spark.sql.decimalOperations.allowPrecisionLoss=false``:
    DECIMAL(38,6) × DECIMAL(38,6) keeps 12 decimals, as DuckDB does) plus :data:`SPARK_CONF`, set on the session
    by :func:`spark_session` and checked by :func:`run_interval_sql_spark` (a session without them raises).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from zerocarbon.timeseries import intervals as iv
from zerocarbon.timeseries.dialects import SESSION, transpile

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: Configuration every session that runs the interval SQL needs (besides :data:`SESSION`): exact decimal
#: products (see above); partition values of the region layout read as strings (a factory id ``001`` stays
#: ``001``, not the integer 1); the session time zone UTC (timestamps are epoch seconds throughout, never
#: local times inside Spark).
SPARK_CONF: dict[str, str] = {
    "spark.sql.decimalOperations.allowPrecisionLoss": "false",
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
    "spark.sql.session.timeZone": "UTC",
}

_VIEW = re.compile(r"^\s*(?:/\*.*?\*/\s*)*CREATE TEMPORARY VIEW (\w+) AS (.*)$", re.S)


def spark_session(master: str | None = None, *, app_name: str = "zerocarbon", shuffle_partitions: int | None = None,
                  extra: dict[str, str] | None = None) -> SparkSession:
    """A SparkSession configured for the interval SQL (:data:`SPARK_CONF`).

    ``master`` is a Spark master URL (``local[2]``, ``spark://host:7077``); None leaves it to the environment
    (``spark-submit``, ``SPARK_REMOTE`` for Spark Connect, or ``local[*]``). The web UI is off unless ``extra``
    turns it on.
    """
    from pyspark.sql import SparkSession

    builder: Any = SparkSession.builder.appName(app_name)
    if master is not None:
        builder = builder.master(master)
    conf = {"spark.ui.enabled": "false", **SPARK_CONF}
    if shuffle_partitions is not None:
        conf["spark.sql.shuffle.partitions"] = str(shuffle_partitions)
    conf.update(extra or {})
    for key, value in conf.items():
        builder = builder.config(key, value)
    session: SparkSession = builder.getOrCreate()
    for key, value in SPARK_CONF.items():  # getOrCreate may return a running session: set what is settable
        session.conf.set(key, value)
    return session


def _check_session(spark: SparkSession) -> None:
    for key, value in SPARK_CONF.items():
        actual = str(spark.conf.get(key)).lower()
        if actual != value.lower():
            raise ValueError(f"Spark session setting {key} is {actual!r}; the interval SQL needs {value!r} "
                             "(use zerocarbon.timeseries.dialects_spark.spark_session)")


def run_script_spark(spark: SparkSession, script: str) -> list[str]:
    """Run the canonical (DuckDB) ``script`` on ``spark``, transpiled; returns the names of the views created.

    Every ``CREATE TEMP TABLE`` becomes a materialised temporary view (see the module docstring); any other
    statement runs as it is.
    """
    created = []
    for statement in SESSION["spark"]:
        spark.sql(statement)
    for statement in transpile(script, "spark"):
        match = _VIEW.match(statement)
        if match is None:
            spark.sql(statement)
            continue
        name, body = match.group(1), match.group(2)
        df: DataFrame = spark.sql(body).localCheckpoint(eager=True)
        df.createOrReplaceTempView(name)
        created.append(name)
    return created


def fetch_spark(spark: SparkSession, sql: str, schema: pa.Schema | None = None) -> pa.Table:
    """Run the canonical (DuckDB) select ``sql`` transpiled and return Arrow, cast to ``schema`` when given:
    :func:`zerocarbon.timeseries.intervals.fetch` on Spark."""
    (statement,) = transpile(sql, "spark")
    table: pa.Table = spark.sql(statement).toArrow()
    if schema is None:
        return table
    return table.select(schema.names).cast(schema)


def arrow_view(spark: SparkSession, name: str, table: pa.Table) -> None:
    """``table`` as the temporary view ``name`` of ``spark`` (Arrow in, column types kept)."""
    spark.createDataFrame(table).createOrReplaceTempView(name)


def load_inputs_spark(spark: SparkSession, readings: pa.Table, meters: pa.Table,
                      events: pa.Table | None = None) -> None:
    """The inputs of :func:`run_interval_sql_spark` as the temporary views ``r0``, ``m`` and ``e0``."""
    arrow_view(spark, "r0", iv.conform(readings, iv.READING_SCHEMA))
    arrow_view(spark, "m", iv.conform(meters, iv.METER_SCHEMA))
    arrow_view(spark, "e0", iv.conform(events, iv.EVENT_SCHEMA) if events is not None else iv.empty_events())


def run_interval_sql_spark(spark: SparkSession, *, start: int, end: int, estimate: iv.Estimate | None = None,
                           power_as_energy: bool = False, lean: bool = False) -> None:
    """:func:`zerocarbon.timeseries.intervals.run_interval_sql` on Spark.

    ``spark`` has the temporary views ``r0``, ``m`` and ``e0``; afterwards it holds the views that
    :func:`iv.values_sql`, :data:`iv.GAPS_SQL` and :data:`iv.UNUSED_SQL` select from (through
    :func:`fetch_spark`). The same script as DuckDB's, transpiled.
    """
    _check_session(spark)
    run_script_spark(spark, iv.interval_script(start=start, end=end, estimate=estimate,
                                               power_as_energy=power_as_energy, lean=lean))


def interval_consumption_spark(spark: SparkSession, readings: pa.Table, meters: pa.Table, *, start: int, end: int,
                               events: pa.Table | None = None, estimate: iv.Estimate | None = None,
                               power_as_energy: bool = False) -> iv.Intervals:
    """:func:`zerocarbon.timeseries.intervals.interval_consumption` computed by Spark (same arguments, same result)."""
    load_inputs_spark(spark, readings, meters, events)
    run_interval_sql_spark(spark, start=start, end=end, estimate=estimate, power_as_energy=power_as_energy)
    values = fetch_spark(spark, f"{iv.values_sql()} ORDER BY x.meter_id, x.ts", iv.INTERVAL_SCHEMA)
    gaps = fetch_spark(spark, iv.GAPS_SQL, iv.GAP_SCHEMA)
    unused = fetch_spark(spark, iv.UNUSED_SQL, iv.UNUSED_SCHEMA)
    return iv.Intervals(values=values, gaps=gaps, unused=unused, start=int(start), end=int(end), estimate=estimate)
