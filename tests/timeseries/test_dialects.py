"""One definition of the interval SQL, three engines (issue 11, issue 17): DuckDB (canonical), PostgreSQL
(run on the real server, results equal to DuckDB's exactly) and Spark SQL (transpiled and parsed back)."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal, localcontext
from typing import Any

import numpy as np
import psycopg
import pyarrow as pa
import pytest
import sqlglot

from zerocarbon.model.metering import MeterRow
from zerocarbon.timeseries import hourly_sql as hs
from zerocarbon.timeseries import intervals as iv
from zerocarbon.timeseries.dialects import DIALECTS, SESSION, transpile
from zerocarbon.timeseries.dialects_pg import (
    fetch_pg,
    hourly_carbon_pg,
    interval_consumption_pg,
    load_inputs,
    run_interval_sql_pg,
)
from zerocarbon.timeseries.interval_sql import LEAN_COLUMNS
from zerocarbon.timeseries.intervals import interval_consumption, interval_script, meter_table

T = 1_672_502_400  # 2023-01-01 00:00 Asia/Shanghai, on every grid
Q = 900
WEEK = 7 * 86_400
MF = Callable[..., MeterRow]  # the `meter` fixture
RF = Callable[..., pa.Table]  # the `readings` fixture
PG = os.environ.get("ZEROCARBON_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres").replace(
    "+psycopg", "")


# ------------------------------------------------------------------------------------------ the case
def _case(meter: MF, readings: RF) -> tuple[pa.Table, pa.Table, pa.Table]:
    """Meters, readings and events covering every rule, a week of history before the window (profile)."""
    rng = np.random.default_rng(17)
    n = (WEEK + 2 * 86_400) // Q  # readings from T - WEEK to T + 2 days
    grid = [T - WEEK + i * Q for i in range(n + 1)]

    def counter(start: float, steps: np.ndarray) -> list[float]:
        return [round(float(v), 3) for v in start + np.concatenate([[0.0], np.cumsum(steps)])]

    meters = [
        meter(1, "INT", "interval", multiplier=40.0),                               # interval register
        meter(2, "CUM", multiplier=1.2, spike_limit=2.0),                           # multiplier, spikes
        meter(3, "ROLL", rollover_at=100_000.0),                                    # rollover
        meter(4, "REPL", multiplier=0.5),                                           # replacement, reset
        meter(5, "DECR"),                                                           # an unexplained decrease
        meter(6, "PWR", "instantaneous", unit="kW", multiplier=2.0),                # power register
        meter(7, "VALID", "interval", valid_from=T + 86_400 + 3 * Q, valid_to=T + 2 * 86_400 - 5 * Q),
        meter(8, "VIRT", "interval", virtual_formula="INT + CUM"),                  # readings not used
        meter(9, "FINE", "cumulative"),                                             # 7 decimals: inexact
        meter(10, "TWO", "cumulative"),                                             # two events, values missing
        meter(11, "BIG", "cumulative", multiplier=1.5),                             # 16 significant digits
    ]
    steps = rng.integers(0, 4000, size=n) / 1000
    r = [
        readings(1, grid, [round(float(x), 3) for x in rng.integers(0, 5000, size=n + 1) / 1000],
                 [8 if i % 97 == 0 else 0 for i in range(n + 1)]),
        readings(2, grid, counter(1000.0, steps)),
        readings(3, grid, [v % 100_000.0 for v in counter(95_900.0, steps * 3)]),
        readings(4, grid, counter(500.0, steps)),
        readings(5, grid, counter(10.0, steps)),
        readings(6, [t + s for t in grid for s in (0, 300)], [12.5 + (i % 8) for i in range(2 * (n + 1))]),
        readings(7, grid, [1.25] * (n + 1)),
        readings(8, grid[:10], [1.0] * 10),
        readings(9, grid, [v + (0.0000001 if i == 700 else 0.0) for i, v in enumerate(counter(0.0, steps))]),
        readings(10, grid, counter(50.0, steps)),
        readings(11, grid, [float(Decimal("1234567890.123456") + k * Decimal("1.000017")) for k in range(n + 1)]),
        readings(99, [T], [1.0]),                                                   # unknown meter
    ]
    t = pa.concat_tables(r)
    keep = pa.array([
        not ((mid in (1, 2, 4) and T + 10 * Q < ts < T + 20 * Q)                   # gaps inside the window
             or (mid == 3 and T + 86_400 < ts < T + 86_400 + 30 * Q)
             or (mid == 6 and T + 40 * Q <= ts < T + 44 * Q)
             or (mid == 2 and T - WEEK + 10 * Q < ts < T - WEEK + 20 * Q))        # last week's profile missing
        for mid, ts in zip(t["meter_id"].to_pylist(), t["ts"].to_pylist(), strict=True)])
    t = t.filter(keep)
    # meter 5 decreases once; meter 4 is replaced, then reset; off-grid readings on 2 and 1
    vals = t["value"].to_pylist()
    for i, (mid, ts) in enumerate(zip(t["meter_id"].to_pylist(), t["ts"].to_pylist(), strict=True)):
        if mid == 5 and ts == T + 50 * Q:
            vals[i] = vals[i] - 3.0
        if mid == 4 and ts >= T + 60 * Q:
            vals[i] = vals[i] - 400.0
        if mid == 4 and ts >= T + 90 * Q:
            vals[i] = vals[i] - 100.0 + 0.5
        if mid == 2 and ts == T + 30 * Q:
            vals[i] = vals[i] + 5000.0  # a spike and the way back: a decrease too
    t = t.set_column(2, "value", pa.array(vals, pa.float64()))
    t = pa.concat_tables([t, readings(2, [T + 5 * Q + 17], [1.0]), readings(1, [T + 33], [2.0])])
    events = pa.table({
        "meter_id": pa.array([4, 4, 10, 10], pa.int64()),
        "ts": pa.array([T + 59 * Q + 100, T + 90 * Q, T + 70 * Q + 10, T + 70 * Q + 20], pa.int64()),
        "kind": ["replacement", "reset", "replacement", "replacement"],
        "old_final_value": pa.array([None, None, 777.5, None], pa.float64()),
        "new_initial_value": pa.array([0.25, None, 0.0, 1.0], pa.float64())})
    return meter_table(meters), t, events


@pytest.fixture(scope="module")
def pg() -> Iterator[psycopg.Connection[Any]]:
    try:
        conn = psycopg.connect(PG, connect_timeout=3)
    except Exception as exc:  # any failure to connect: the service is missing
        pytest.skip(f"[service] PostgreSQL not reachable at {PG}: {exc}")
    try:
        yield conn
    finally:
        conn.close()


def _assert_same(duck: iv.Intervals, post: iv.Intervals) -> None:
    for part in ("values", "gaps", "unused"):
        a, b = getattr(duck, part), getattr(post, part)
        assert a.schema == b.schema, part
        rows_a, rows_b = a.to_pylist(), b.to_pylist()
        assert len(rows_a) == len(rows_b), part
        for x, y in zip(rows_a, rows_b, strict=True):
            assert x == y, (part, x, y)


# ------------------------------------------------------------------------------------ PostgreSQL
@pytest.mark.service
@pytest.mark.parametrize(("estimate", "power"), [(None, False), ("linear", True), ("profile", True)])
def test_postgres_gives_exactly_the_duckdb_intervals(meter: MF, readings: RF, pg: psycopg.Connection[Any],
                                                     estimate: iv.Estimate | None, power: bool) -> None:
    m, r, e = _case(meter, readings)
    kw: dict[str, Any] = {"start": T, "end": T + 2 * 86_400, "events": e, "estimate": estimate,
                          "power_as_energy": power}
    duck = interval_consumption(r, m, **kw)
    post = interval_consumption_pg(pg, r, m, **kw)
    _assert_same(duck, post)
    # the case exercises what it claims (so the equality above means something)
    rows = duck.values.to_pylist()
    flags = 0
    for x in rows:
        flags |= x["flags"]
    for bit in (iv.FLAG_ROLLOVER, iv.FLAG_REPLACEMENT, iv.FLAG_RESET, iv.FLAG_DECREASE, iv.FLAG_SPIKE,
                iv.FLAG_LATE, iv.FLAG_INEXACT):
        assert flags & bit, bit
    methods = {x["method"] for x in rows}
    assert {"register", "difference", "counter decreased", "event values missing"} <= methods
    assert ("mean power" in methods) is power
    if estimate is not None:
        assert flags & iv.FLAG_ESTIMATED and f"estimated: {estimate}" in methods
        assert sum(g["estimated"] for g in duck.gaps.to_pylist()) > 0
    assert any(g["bridged_value"] is not None for g in duck.gaps.to_pylist())
    assert any(x["value_exact"] is not None and x["value_exact"] != Decimal(x["value"]) for x in rows)
    assert {x["value_exact"] for x in rows if x["meter_id"] == 11} == {Decimal("1.5000255")}  # 16 digits, exact
    reasons = {u["reason"] for u in duck.unused.to_pylist()}
    assert any("grid" in s for s in reasons) and any("virtual" in s for s in reasons) and "unknown meter" in reasons
    assert any("power_as_energy" in s for s in reasons) is not power


@pytest.mark.service
def test_postgres_lean_intervals_of_the_metered_year_are_duckdbs(meter: MF, readings: RF,
                                                                pg: psycopg.Connection[Any]) -> None:
    """The lean path the metered year's roll-ups read (no provenance), step by step on both engines."""
    m, r, e = _case(meter, readings)
    kw: dict[str, Any] = {"start": T, "end": T + 2 * 86_400, "estimate": "linear", "power_as_energy": True,
                          "lean": True}
    select = f"{iv.values_sql(lean=True)} ORDER BY x.meter_id, x.ts"
    schema = iv.INTERVAL_SCHEMA.empty_table().select([*LEAN_COLUMNS[:4], "flags", "value_exact"]).schema
    con = iv.connect(private=True, r0=iv.conform(r, iv.READING_SCHEMA), m=iv.conform(m, iv.METER_SCHEMA),
                     e0=iv.conform(e, iv.EVENT_SCHEMA))
    try:
        iv.run_interval_sql(con, **kw)
        duck = [iv.fetch(con, select, schema), iv.fetch(con, iv.GAPS_SQL, iv.GAP_SCHEMA)]
    finally:
        con.close()
    with pg.transaction(force_rollback=True), pg.cursor() as cur:
        load_inputs(cur, r, m, e)
        run_interval_sql_pg(cur, **kw)
        post = [fetch_pg(cur, select, schema), fetch_pg(cur, iv.GAPS_SQL, iv.GAP_SCHEMA)]
    assert duck[0].num_rows > 1000 and duck[1].num_rows > 3
    for a, b in zip(duck, post, strict=True):
        assert a.equals(b)


@pytest.mark.service
def test_postgres_through_sqlalchemy_leaves_nothing_behind(meter: MF, readings: RF) -> None:
    import sqlalchemy

    m = meter_table([meter(1, "C", multiplier=2.0)])
    r = readings(1, [T, T + Q, T + 4 * Q], [0.0, 1.0, 10.1])
    try:
        engine = sqlalchemy.create_engine(PG.replace("postgresql://", "postgresql+psycopg://"))
        conn = engine.connect()
    except Exception as exc:
        pytest.skip(f"[service] PostgreSQL not reachable at {PG}: {exc}")
    try:
        post = interval_consumption_pg(conn, r, m, start=T, end=T + 4 * Q, estimate="linear")
        left = conn.exec_driver_sql("SELECT count(*) FROM pg_class WHERE relname IN ('measured', 'r0', 'pairs') "
                                    "AND relpersistence = 't' AND pg_table_is_visible(oid)").scalar()
    finally:
        conn.close()
        engine.dispose()
    assert left == 0
    _assert_same(interval_consumption(r, m, start=T, end=T + 4 * Q, estimate="linear"), post)
    est = [x["value_exact"] for x in post.values.to_pylist() if x["flags"] & iv.FLAG_ESTIMATED]
    assert sum(est) == Decimal("18.2")  # (10.1 − 1) × 2, spread exactly over the gap


# ------------------------------------------------------------------------- hourly SQL on PostgreSQL
#: Two local months splitting the window half an hour past a whole hour (as in a UTC+5:30 zone), so the hours
#: of the second month start at :30 and its last hour is cut at the month's end.
_SPLIT = T + 86_400 + 1800
_MONTHS = pa.table({"period": ["A", "B"], "p_start": [T, _SPLIT], "p_end": [_SPLIT, T + 2 * 86_400]},
                   schema=pa.schema([("period", pa.string()), ("p_start", pa.int64()), ("p_end", pa.int64())]))
#: Purchased-electricity meters: the interval register ×40, the counter with a gap and a spike, the replaced
#: meter (its unit taken as MWh here), the inexact counter, the 16-digit counter.
_GRID = pa.table({"meter_id": pa.array([1, 2, 4, 9, 11], pa.int64()),
                  "to_mwh": pa.array([Decimal("0.001"), Decimal("0.001"), Decimal("1"), Decimal("0.001"),
                                      Decimal("0.001")], hs.FACTOR_TYPE)})
#: A synthetic hourly factor table (test data, not a published grid factor): every half hour of the window,
#: so both months' hours find one, except every 17th half hour (hours with no factor).
_FACTORS = pa.table({"ts": pa.array([T + k * 1800 for k in range(96) if k % 17 != 5], pa.int64()),
                     "factor": pa.array([Decimal("0.5") + Decimal(k * 7919 % 100_000) / 10**6
                                         for k in range(96) if k % 17 != 5], hs.FACTOR_TYPE),
                     "source": [f"test fixture, synthetic half-hour {k}" for k in range(96) if k % 17 != 5]})


def _hourly_by_hand(intervals: pa.Table) -> dict[tuple[int, int], dict[str, Any]]:
    """The hourly rows recomputed in Python from DuckDB's intervals: the rule of ``HOURLY_SQL`` and
    ``HOURLY_CARBON_SQL`` written independently (keyed by meter and hour start)."""
    months = _MONTHS.to_pylist()
    to_mwh = {r["meter_id"]: r["to_mwh"] for r in _GRID.to_pylist()}
    factor = {r["ts"]: r for r in _FACTORS.to_pylist()}
    groups: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    period: dict[tuple[int, int], str] = {}
    for x in intervals.to_pylist():
        (p,) = [p for p in months if p["p_start"] <= x["ts"] < p["p_end"]]
        h = p["p_start"] + (x["ts"] - p["p_start"]) // 3600 * 3600
        groups[(x["meter_id"], h)].append(x)
        period[(x["meter_id"], h)] = p["period"]
    out = {}
    with localcontext() as ctx:
        ctx.prec = 80
        for (mid, h), xs in groups.items():
            valued = [x for x in xs if x["value"] is not None]
            exact = ([x["value_exact"] for x in valued] if all(x["value_exact"] is not None for x in valued)
                     else None)
            total = sum(exact, Decimal(0)) if exact else None
            flags = 0
            for x in xs:
                flags |= x["flags"]
            f = factor.get(h) if mid in to_mwh else None
            out[(mid, h)] = {
                "meter_id": mid, "period": period[(mid, h)], "ts": h, "ts_end": h + 3600, "value_exact": total,
                "n_intervals": len(valued), "n_null": len(xs) - len(valued),
                "n_estimated": sum(1 for x in xs if x["flags"] & iv.FLAG_ESTIMATED), "flags": flags,
                "max_end": max(x["ts_end"] for x in xs),
                "activity_mwh": total * to_mwh[mid] if total is not None and mid in to_mwh else None,
                "grid_factor": f["factor"] if f else None, "factor_source": f["source"] if f else None,
                "co2_t": total * to_mwh[mid] * f["factor"] if total is not None and f else None}
    return out


@pytest.mark.service
@pytest.mark.parametrize("estimate", [None, "linear"])
def test_postgres_gives_exactly_the_duckdb_hourly_carbon(meter: MF, readings: RF, pg: psycopg.Connection[Any],
                                                         estimate: iv.Estimate | None) -> None:
    """``HOURLY_SQL`` and ``HOURLY_CARBON_SQL`` on PostgreSQL (transpiled) and on DuckDB: the same rows, the same
    DECIMAL values, NULL in the same places; both equal to the rule recomputed in Python."""
    m, r, e = _case(meter, readings)
    kw: dict[str, Any] = {"start": T, "end": T + 2 * 86_400, "estimate": estimate, "power_as_energy": True,
                          "lean": True}
    schema = iv.INTERVAL_SCHEMA.empty_table().select([*LEAN_COLUMNS[:4], "flags", "value_exact"]).schema
    con = iv.connect(private=True, r0=iv.conform(r, iv.READING_SCHEMA), m=iv.conform(m, iv.METER_SCHEMA),
                     e0=iv.conform(e, iv.EVENT_SCHEMA), months=_MONTHS, grid_meters=_GRID, grid_factors=_FACTORS)
    try:
        iv.run_interval_sql(con, **kw)
        intervals = iv.fetch(con, iv.values_sql(lean=True), schema)
        con.execute(hs.hourly_script())
        duck = iv.fetch(con, f"{hs.HOURLY_CARBON_SQL} ORDER BY h.meter_id, h.ts", hs.HOURLY_SCHEMA)
    finally:
        con.close()
    with pg.transaction(force_rollback=True), pg.cursor() as cur:
        load_inputs(cur, r, m, e)
        run_interval_sql_pg(cur, **kw)
        post = hourly_carbon_pg(cur, _MONTHS, _GRID, _FACTORS)
    assert duck.schema == post.schema == hs.HOURLY_SCHEMA
    rows_d, rows_p = duck.to_pylist(), post.to_pylist()
    assert len(rows_d) == len(rows_p) > 400
    for x, y in zip(rows_d, rows_p, strict=True):
        assert x == y, (x, y)
    assert duck.equals(post)
    # the rule, independently: every hour of every meter, decimal for decimal
    want = _hourly_by_hand(intervals)
    assert {(x["meter_id"], x["ts"]) for x in rows_d} == set(want)
    for x in rows_d:
        assert x == want[(x["meter_id"], x["ts"])], x
    # the case exercises what it claims: carbon figures, hours without a factor, hours without an exact
    # total, hours of the second month starting at :30, the cut last hour, missing or estimated intervals
    carbon = [x for x in rows_d if x["co2_t"] is not None]
    assert len(carbon) > 100 and all(x["co2_t"] > 0 for x in carbon)
    assert any(x["co2_t"] != x["co2_t"].quantize(Decimal("1e-9")) for x in carbon)  # digits past the 9th decimal
    assert {x["meter_id"] for x in carbon} == {1, 2, 4, 9, 11}
    grid = [x for x in rows_d if x["meter_id"] in (1, 2, 4, 9, 11)]
    assert any(x["grid_factor"] is None and x["value_exact"] is not None for x in grid)
    assert any(x["value_exact"] is None and x["grid_factor"] is not None and x["co2_t"] is None for x in grid)
    assert all(x["activity_mwh"] is None and x["co2_t"] is None for x in rows_d if x["meter_id"] not in
               (1, 2, 4, 9, 11))
    assert any(x["period"] == "B" and x["ts"] % 3600 == 1800 for x in rows_d)
    assert any(x["max_end"] == T + 2 * 86_400 and x["ts"] == T + 2 * 86_400 - 1800 for x in rows_d)
    if estimate is None:
        assert any(x["n_null"] > 0 for x in grid)
    else:
        assert any(x["n_estimated"] > 0 for x in grid)


# ----------------------------------------------------------------------------- transpilation, Spark
def _scripts() -> list[str]:
    out = []
    for estimate in (None, "linear", "profile"):
        for lean in (False, True):
            out.append(interval_script(start=T, end=T + Q, estimate=estimate, power_as_energy=True, lean=lean))
    return [*out, iv.values_sql(), iv.values_sql(lean=True), iv.GAPS_SQL, iv.UNUSED_SQL]


@pytest.mark.parametrize("dialect", ["postgres", "spark"])
def test_every_statement_transpiles_and_parses_back(dialect: str) -> None:
    """Spark is not run here (PySpark comes with issue 17): each statement is written and read back."""
    for script in _scripts():
        statements = transpile(script, dialect)  # type: ignore[arg-type]
        assert len(statements) == len([s for s in sqlglot.parse(script, read="duckdb") if s is not None])
        for sql in statements:
            assert sqlglot.parse_one(sql, read=dialect) is not None
            upper = sql.upper()
            for duckdb_only in ("ASOF", "INT128", "HUGEINT", "EXCLUDE", "RANGE(", "::"):
                assert duckdb_only not in upper, (duckdb_only, sql)
            if dialect == "postgres":
                assert "TRY_CAST" not in upper and "UNNEST" not in upper
            else:
                assert "CREATE TEMPORARY TABLE" not in upper  # Spark: temporary views


def test_spark_writes_the_portable_forms() -> None:
    for setting in SESSION["spark"]:
        assert sqlglot.parse_one(setting, read="spark") is not None
    spark = "\n".join(transpile(interval_script(start=T, end=T + Q, estimate="linear"), "spark"))
    assert "EXPLODE(" in spark and "SEQUENCE(" in spark and " DIV " in spark and "DECIMAL(38, 0)" in spark
    assert "CREATE TEMPORARY VIEW measured" in spark


def test_duckdb_only_constructs_are_refused_not_passed() -> None:
    with pytest.raises(sqlglot.errors.UnsupportedError):
        transpile("SELECT x.* EXCLUDE (a) FROM x", "postgres")
    with pytest.raises(ValueError, match="DECIMAL"):
        transpile("SELECT TRY_CAST(a AS INTEGER) FROM x", "postgres")
    with pytest.raises(ValueError, match="dialect"):
        transpile("SELECT 1", "oracle")  # type: ignore[arg-type]
    assert DIALECTS == ("duckdb", "postgres", "spark")


def test_duckdb_runs_its_own_transpilation_to_the_same_result(meter: MF, readings: RF) -> None:
    """The canonical text and SQLGlot's DuckDB round trip of it give the same intervals."""
    m, r, e = _case(meter, readings)
    con = iv.connect(private=True, r0=iv.conform(r, iv.READING_SCHEMA), m=iv.conform(m, iv.METER_SCHEMA),
                     e0=iv.conform(e, iv.EVENT_SCHEMA))
    try:
        for sql in transpile(interval_script(start=T, end=T + 86_400, estimate="linear"), "duckdb"):
            con.execute(sql)
        got = iv.fetch(con, f"{iv.values_sql()} ORDER BY x.meter_id, x.ts", iv.INTERVAL_SCHEMA)
    finally:
        con.close()
    want = interval_consumption(r, m, start=T, end=T + 86_400, events=e, estimate="linear").values
    assert got.equals(want)
