"""Interval consumption per meter from raw register readings (DuckDB SQL over Arrow).

Every value is in the meter's register unit × its multiplier (CT/PT ratio or pulse weight), for
the half-open interval [ts, ts_end) on the meter's grid (``ts`` divisible by ``interval_seconds``,
UTC epoch seconds). Each row keeps its derivation: the readings it came from, the adjustment
applied, the method and a flag bitmask.

Rules
-----
Interval registers
    The reading at ``ts`` is the consumption of [ts, ts + interval), used as it is (× multiplier).
Cumulative counters
    The difference of two consecutive readings on the grid is assigned to the interval that ends
    at the later reading. Readings off the grid are not used (listed in ``unused``).

    * A meter event (``replacement`` or ``reset``) between the two readings (event time in
      (t₁, t₂]; a reading at the event time belongs to the new register) gives
      Δ = v₂ − v₁ + Σ (old_final − new_initial). A missing ``new_initial_value`` is 0 (a new
      register starts at zero); a missing ``old_final_value`` is taken as v₁ when it is the only
      event of the pair (nothing counted between the last reading and the event), else the pair is
      not used (``method = 'event values missing'``). Flag FLAG_REPLACEMENT or FLAG_RESET.
    * Otherwise, a decrease on a meter with ``rollover_at`` is a wrap: Δ = v₂ − v₁ + rollover_at,
      flag FLAG_ROLLOVER.
    * Any other decrease is not used: the interval is kept with a null value, method
      ``'counter decreased'`` and flag FLAG_DECREASE (recorded, never silently zeroed). The next
      difference starts from the decreased reading.
    * Two readings more than one interval apart leave the intervals between them missing (a gap);
      the gap records the counter difference that spans it (``bridged_value``).
Instantaneous (power) registers
    Converted to energy only when asked (``power_as_energy=True``): each sample holds until the
    next one, for at most one interval; the interval's time-weighted mean power × the interval's
    duration [register unit · h, e.g. kW → kWh]. ``seconds`` says how much of the interval the
    samples covered; an interval without samples is a gap. Otherwise such meters are listed in
    ``unused``. :func:`interval_power` gives the mean power itself (for power roll-ups).

Gaps and estimation
    Every missing interval of a meter inside the requested window (and the meter's validity) is
    listed in ``gaps`` as runs (start, end, count). Estimation happens only when asked:

    * ``estimate="linear"``: a cumulative counter's difference across a gap is spread evenly over
      the intervals of the gap;
    * ``estimate="profile"``: each missing interval takes the measured value of the same interval
      one week earlier; for a cumulative gap whose counter difference is known and whose intervals
      all have a value last week, those values are scaled so that the gap sums to the difference.

    Every estimated interval has FLAG_ESTIMATED and ``method = 'estimated: linear'`` or
    ``'estimated: profile'``; the gaps stay listed, with the number of estimated intervals.
    Intervals that were not used (counter decreased) are not estimated.

Exact values
    Every interval carries ``value`` (float64, for charts, hourly carbon and power) and
    ``value_exact`` (Arrow ``decimal128(38, 12)``): the same figure computed in decimal arithmetic
    (DuckDB DECIMAL), so that a sum of intervals is the exact sum of the readings behind them and an
    activity line reads 1406600 kWh, not 1406600.000000003. A reading (or multiplier, roll-over
    value, event value) enters the exact path when its float64 is the float of a decimal with at
    most 6 decimals (the store keeps readings as float64, so that is what the input text had). A
    reading with more decimals is never rounded silently: the intervals it feeds have a null
    ``value_exact`` and FLAG_INEXACT, and an activity line over them is refused
    (:func:`zerocarbon.timeseries.activity.meter_lines`). Documented approximations, rounded to
    10⁻¹² in ``value_exact``: mean power × duration of power registers, and ``estimate="profile"``
    scaling of a bridged gap. A linear estimate spreads the counter difference exactly (units of
    10⁻¹², the remainder one unit each to the first intervals), so it sums to the difference.

Late data needs nothing special: everything here is computed on read, so a back-filled reading is
in the next result (its FLAG_LATE is carried into the interval's flags).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import duckdb
import pyarrow as pa

from zerocarbon.duck import connection
from zerocarbon.model.entities import METER, arrow_type_name
from zerocarbon.model.metering import MeterRow
from zerocarbon.timeseries.interval_sql import (
    COLUMNS,
    EXACT,
    LEAN_COLUMNS,
    LINEAR,
    PREP,
    PROFILE,
    exact_in,
    measured_sql,
)

# Reading flags, the same bits as zerocarbon.store.schema (kept equal by a test; the core does not
# import the store).
FLAG_SPIKE = 1
FLAG_ROLLOVER = 2
FLAG_REPLACEMENT = 4
FLAG_LATE = 8
FLAG_CORRECTION = 16
READING_FLAGS = FLAG_SPIKE | FLAG_ROLLOVER | FLAG_REPLACEMENT | FLAG_LATE | FLAG_CORRECTION
# Interval flags
FLAG_RESET = 32          # a meter reset between the two readings
FLAG_DECREASE = 64       # the counter decreased without explanation: not used
FLAG_ESTIMATED = 128     # estimated, see ``method``
FLAG_INCOMPLETE = 256    # an aggregate or a virtual meter lacks some of its inputs
FLAG_INEXACT = 512       # a reading with more than 6 decimals: no exact value (see "Exact values")

MEASURED_METHODS = ("register", "difference", "mean power")
#: Arrow type of exact values [the meter's energy unit]: 38 digits, 12 decimals (see "Exact values").
EXACT_TYPE = pa.decimal128(38, 12)
WEEK = 7 * 86_400

Estimate = Literal["linear", "profile"]

#: Columns of the kernel's meter table, in order. Each is a declared meter attribute
#: (``zerocarbon.model.entities.METER``, its ``arrow`` column) typed by its kind: decimals become
#: float64 here only, inside the vectorised kernel; ``energy_unit`` is derived by :func:`meter_table`.
_METER_COLUMNS = ("meter_id", "code", "carrier", "unit", "energy_unit", "register_kind", "multiplier",
                  "interval_seconds", "valid_from", "valid_to", "rollover_at", "spike_limit", "category", "item",
                  "cost_centre", "electricity_kind", "node_id", "node_code", "virtual_formula", "is_virtual",
                  "steam_pressure_mpa", "steam_temperature_c", "steam_gauge")
_DERIVED_COLUMNS = {"energy_unit": pa.string()}

#: The meters as the pure functions see them (see :func:`meter_table`).
METER_SCHEMA = pa.schema([
    (name, _DERIVED_COLUMNS[name] if name in _DERIVED_COLUMNS else pa.type_for_alias(arrow_type_name(METER, name)))
    for name in _METER_COLUMNS
])
#: The hierarchy: node id, parent id (null at the top), code, kind and cost centre.
NODE_SCHEMA = pa.schema([("node_id", pa.int64()), ("parent_id", pa.int64()), ("code", pa.string()),
                         ("kind", pa.string()), ("cost_centre", pa.string())])
#: Meter replacements and resets.
EVENT_SCHEMA = pa.schema([("meter_id", pa.int64()), ("ts", pa.int64()), ("kind", pa.string()),
                          ("old_final_value", pa.float64()), ("new_initial_value", pa.float64())])
#: Current readings as :func:`zerocarbon.store.readings.read_current` returns them.
READING_SCHEMA = pa.schema([("meter_id", pa.int64()), ("ts", pa.int64()), ("value", pa.float64()),
                            ("flags", pa.int64())])
#: Interval values (the output of :func:`interval_consumption`).
INTERVAL_SCHEMA = pa.schema([
    ("meter_id", pa.int64()), ("ts", pa.int64()), ("ts_end", pa.int64()), ("value", pa.float64()),
    ("flags", pa.int64()), ("method", pa.string()), ("seconds", pa.int64()),
    ("reading_from_ts", pa.int64()), ("reading_to_ts", pa.int64()), ("register_from", pa.float64()),
    ("register_to", pa.float64()), ("adjustment", pa.float64()), ("samples", pa.int64()),
    ("value_exact", EXACT_TYPE),
])
GAP_SCHEMA = pa.schema([("meter_id", pa.int64()), ("start", pa.int64()), ("end", pa.int64()),
                        ("count", pa.int64()), ("bridged_value", pa.float64()), ("estimated", pa.int64())])
UNUSED_SCHEMA = pa.schema([("meter_id", pa.int64()), ("ts", pa.int64()), ("value", pa.float64()),
                           ("reason", pa.string()), ("count", pa.int64())])


@dataclass(frozen=True)
class Intervals:
    """Interval consumption of some meters over the window [start, end).

    Attributes
    ----------
    values : pa.Table
        :data:`INTERVAL_SCHEMA`, one row per meter and interval that has a value, was estimated
        or was not used (null ``value``), ordered by meter and time.
    gaps : pa.Table
        :data:`GAP_SCHEMA`: runs of missing intervals [start, end) with their number, the counter
        difference across the gap when known [unit × multiplier], and how many were estimated.
    unused : pa.Table
        :data:`UNUSED_SCHEMA`: readings (or whole meters) that could not be used, with the reason.
    """

    values: pa.Table
    gaps: pa.Table
    unused: pa.Table
    start: int
    end: int
    estimate: str | None


def energy_unit(unit: str, register_kind: str) -> str:
    """Unit of a meter's interval values: the register's, or power × hours for a power register."""
    if register_kind != "instantaneous":
        return unit
    return f"{unit}h" if unit in ("W", "kW", "MW", "GW") else f"({unit})*h"


def _effective_cost_centres(nodes: pa.Table | None) -> tuple[dict[int, str | None], dict[int, str]]:
    """Per node: its own cost centre or its nearest ancestor's; and the node codes."""
    if nodes is None:
        return {}, {}
    rows = nodes.to_pylist()
    parent = {int(r["node_id"]): r["parent_id"] for r in rows}
    own = {int(r["node_id"]): r["cost_centre"] for r in rows}
    codes = {int(r["node_id"]): str(r["code"]) for r in rows}
    out: dict[int, str | None] = {}
    for node in own:
        current: int | None = node
        seen: set[int] = set()
        while current is not None and current not in seen and own.get(current) is None:
            seen.add(current)
            p = parent.get(current)
            current = int(p) if p is not None else None
        out[node] = own.get(current) if current is not None else None
    return out, codes


def meter_table(meters: Iterable[MeterRow] | Mapping[str, MeterRow], nodes: pa.Table | None = None) -> pa.Table:
    """The meters as an Arrow table (:data:`METER_SCHEMA`) for the functions of this package.

    ``valid_from`` is the later of commissioning and start of validity. ``cost_centre`` is the
    meter's own, else that of its node or the nearest ancestor node that has one (``nodes`` in
    :data:`NODE_SCHEMA`).
    """
    rows = list(meters.values()) if isinstance(meters, Mapping) else list(meters)
    centres, codes = _effective_cost_centres(nodes)
    cols: dict[str, list[Any]] = {name: [] for name in METER_SCHEMA.names}
    for m in rows:
        starts = [t for t in (m.commissioned_at, m.valid_from) if t is not None]
        values = {
            "meter_id": m.id, "code": m.code, "carrier": m.carrier, "unit": m.unit,
            "energy_unit": energy_unit(m.unit, m.register_kind), "register_kind": m.register_kind,
            "multiplier": float(m.multiplier), "interval_seconds": m.interval_seconds,
            "valid_from": max(starts) if starts else None, "valid_to": m.valid_to, "rollover_at": m.rollover_at,
            "spike_limit": m.spike_limit, "category": m.category, "item": m.item,
            "cost_centre": m.cost_centre if m.cost_centre is not None else (
                centres.get(m.node_id) if m.node_id is not None else None),
            "electricity_kind": m.electricity_kind, "node_id": m.node_id,
            "node_code": codes.get(m.node_id) if m.node_id is not None else None,
            "virtual_formula": m.virtual_formula, "is_virtual": m.is_virtual,
            "steam_pressure_mpa": m.steam_pressure_mpa, "steam_temperature_c": m.steam_temperature_c,
            "steam_gauge": m.steam_gauge,
        }
        for name in METER_SCHEMA.names:
            cols[name].append(values[name])
    return pa.table(cols, schema=METER_SCHEMA)


def empty_events() -> pa.Table:
    return EVENT_SCHEMA.empty_table()


def connect(*, private: bool = False, **tables: pa.Table) -> duckdb.DuckDBPyConnection:
    """A connection to the process's in-memory DuckDB (:mod:`zerocarbon.duck`) with the Arrow ``tables``
    registered under their names (its own: other connections do not see them).

    ``private=True`` opens a database of its own instead, for SQL that creates catalogue objects
    (``CREATE TYPE``) which DuckDB keeps per database, not per connection.
    """
    con = duckdb.connect() if private else connection()
    for name, table in tables.items():
        con.register(name, table)
    return con


def fetch(con: duckdb.DuckDBPyConnection, sql: str, schema: pa.Schema | None = None) -> pa.Table:
    """Run ``sql`` and return Arrow, cast to ``schema`` when given (column order and types)."""
    result: Any = con.sql(sql)
    table: pa.Table = result.to_arrow_table() if result is not None else pa.table({})
    if schema is not None:
        table = table.select(schema.names).cast(schema)
    return table


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with the columns of ``schema`` (missing nullable columns are added as nulls)."""
    cols = []
    for f in schema:
        cols.append(table[f.name].cast(f.type) if f.name in table.column_names
                    else pa.nulls(table.num_rows, f.type))
    return pa.Table.from_arrays(cols, schema=schema)


def _sql_format(start: int, end: int, power: bool) -> dict[str, object]:
    return {"start": int(start), "end": int(end), "power": "true" if power else "false",
            "reading_flags": READING_FLAGS, "f_repl": FLAG_REPLACEMENT, "f_reset": FLAG_RESET,
            "f_roll": FLAG_ROLLOVER, "f_decr": FLAG_DECREASE, "f_spike": FLAG_SPIKE, "f_est": FLAG_ESTIMATED,
            "week": WEEK, "exact": EXACT, "x_mult": exact_in("multiplier"), "x_roll": exact_in("rollover_at")}


def _exact_inputs_sql() -> str:
    """SQL: ``r`` and ``e``, the tables ``r0`` and ``e0`` with their exact values (see "Exact values").

    ``r`` is materialised: ``r0`` may be a view over the store's Parquet parts, and the interval SQL reads
    the readings several times (counters, power registers, interval registers, unused readings); one
    pass over the parts and one exact conversion per reading serve them all."""
    return (f"CREATE TEMP TABLE r AS SELECT *, {exact_in('value')} AS xvalue FROM r0;\n"
            f"CREATE TEMP VIEW e AS SELECT *, {exact_in('old_final_value')} AS xold, "
            f"{exact_in('new_initial_value')} AS xnew FROM e0;\n")


def _exact_inputs(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Views ``r`` and ``e`` over the registered ``r0`` and ``e0`` with their exact values (see "Exact values")."""
    con.execute(_exact_inputs_sql())
    return con


def interval_script(*, start: int, end: int, estimate: Estimate | None = None, power_as_energy: bool = False,
                    lean: bool = False) -> str:
    """The SQL script :func:`run_interval_sql` runs, in the canonical dialect (DuckDB), placeholders filled.

    Written once: DuckDB runs it as it is, PostgreSQL and Spark SQL run it transpiled statement by
    statement (:func:`zerocarbon.timeseries.dialects.transpile`).
    """
    if estimate not in (None, "linear", "profile"):
        raise ValueError(f"estimate must be None, 'linear' or 'profile', not {estimate!r}")
    fmt = _sql_format(start, end, power_as_energy)
    script = _exact_inputs_sql() + PREP.format(**fmt) + measured_sql(lean).format(**fmt)
    if estimate == "linear":
        return script + LINEAR.format(**fmt)
    if estimate == "profile":
        return script + PROFILE.format(**fmt)
    cols = ", ".join(LEAN_COLUMNS) if lean else COLUMNS
    return script + f"CREATE TEMP TABLE est AS SELECT {cols} FROM measured WHERE false;\n"


def values_sql(lean: bool = False) -> str:
    """SQL: the intervals of :func:`run_interval_sql` inside the window (unordered), with FLAG_INEXACT;
    with ``lean=True`` only meter_id, ts, ts_end, value, flags and value_exact."""
    names = LEAN_COLUMNS if lean else tuple(COLUMNS.split(", "))
    cols = ", ".join(names)
    kept = ", ".join(f"x.{n}" for n in names if n not in ("xvalue", "flags"))
    return f"""
    SELECT {kept},
           x.flags | CASE WHEN x.value IS NOT NULL AND x.xvalue IS NULL THEN {FLAG_INEXACT} ELSE 0 END AS flags,
           x.xvalue AS value_exact
    FROM (SELECT {cols} FROM measured UNION ALL SELECT {cols} FROM est) x
    JOIN used_meters u USING (meter_id) WHERE x.ts >= u.lo AND x.ts < u.hi"""


#: The gap runs of :func:`run_interval_sql`, with the number of intervals estimated in each.
#: (A join and a count, not a correlated subquery with non-equality conditions, which Spark restricts;
#: the runs of a meter are disjoint, so grouping by the run's columns keeps one row per run.)
GAPS_SQL = """
    SELECT g.meter_id, g.start, g."end", g.count, g.bridged_value, count(x.ts) AS estimated
    FROM gaps0 g LEFT JOIN (SELECT x.meter_id, x.ts FROM est x JOIN used_meters u USING (meter_id)
                            WHERE x.ts >= u.lo AND x.ts < u.hi) x
      ON x.meter_id = g.meter_id AND x.ts >= g.start AND x.ts < g."end"
    GROUP BY g.meter_id, g.start, g."end", g.count, g.bridged_value
    ORDER BY g.meter_id, g.start"""
#: The readings (or whole meters) :func:`run_interval_sql` could not use, with the reason.
UNUSED_SQL = """
    SELECT r.meter_id, r.ts, r.value, 'not on the interval grid of the counter' AS reason, 1 AS count
    FROM r JOIN used_meters u USING (meter_id) WHERE u.kind IN ('cumulative', 'interval') AND r.ts % u.step <> 0
    UNION ALL
    SELECT meter_id, NULL, NULL, 'power register: converted to energy only with power_as_energy=True', count(*)
    FROM r JOIN bounds b USING (meter_id)
    WHERE b.kind = 'instantaneous' AND meter_id NOT IN (SELECT meter_id FROM used_meters) GROUP BY meter_id
    UNION ALL
    SELECT meter_id, NULL, NULL, 'virtual meter: computed from others, its readings are not used', count(*)
    FROM r JOIN m USING (meter_id) WHERE m.is_virtual GROUP BY meter_id
    UNION ALL
    SELECT meter_id, NULL, NULL, 'unknown meter', count(*) FROM r
    WHERE meter_id NOT IN (SELECT meter_id FROM m) GROUP BY meter_id
    ORDER BY 1, 2"""


def run_interval_sql(con: duckdb.DuckDBPyConnection, *, start: int, end: int, estimate: Estimate | None = None,
                     power_as_energy: bool = False, lean: bool = False) -> None:
    """Compute the intervals inside ``con``, the one definition of the rules of this module.

    ``con`` has ``r0`` (readings, :data:`READING_SCHEMA`: a registered table or a view over the
    columnar data), ``m`` (:data:`METER_SCHEMA`) and ``e0`` (:data:`EVENT_SCHEMA`). Afterwards it holds
    the temporary tables ``used_meters``, ``measured``, ``est`` and ``gaps0`` that :func:`values_sql`,
    :data:`GAPS_SQL` and :data:`UNUSED_SQL` select from; nothing leaves the engine. ``lean=True`` keeps
    no provenance per interval (the roll-ups do not need it; the drill-down does).
    """
    con.execute(interval_script(start=start, end=end, estimate=estimate, power_as_energy=power_as_energy,
                                lean=lean))


def interval_consumption(readings: pa.Table, meters: pa.Table, *, start: int, end: int,
                         events: pa.Table | None = None, estimate: Estimate | None = None,
                         power_as_energy: bool = False) -> Intervals:
    """Interval consumption of every (non-virtual) meter of ``meters`` in the window [start, end).

    Parameters
    ----------
    readings : pa.Table
        Current raw register readings (:data:`READING_SCHEMA`; ts [s since epoch, UTC], value
        [register unit, before the multiplier]). Readings outside the window are used where they
        help: the reading at ``end`` closes the last interval of a counter, earlier readings bridge
        a gap at the start, and a week before ``start`` feeds ``estimate="profile"``.
    meters : pa.Table
        :data:`METER_SCHEMA` (:func:`meter_table`).
    start, end : int
        The window of interval starts [s since epoch, UTC], half-open.
    events : pa.Table, optional
        Replacements and resets (:data:`EVENT_SCHEMA`).
    estimate : {"linear", "profile"}, optional
        Fill gaps, flagged (see the module docstring). Default: no estimation.
    power_as_energy : bool
        Convert power registers to energy (mean power × duration). Default: not converted.

    Returns
    -------
    Intervals
        Values [register unit × multiplier], gaps and unused readings.
    """
    if estimate not in (None, "linear", "profile"):
        raise ValueError(f"estimate must be None, 'linear' or 'profile', not {estimate!r}")
    r = conform(readings, READING_SCHEMA)
    m = conform(meters, METER_SCHEMA)
    e = conform(events, EVENT_SCHEMA) if events is not None else empty_events()
    con = connect(r0=r, m=m, e0=e)
    try:
        run_interval_sql(con, start=start, end=end, estimate=estimate, power_as_energy=power_as_energy)
        values = fetch(con, f"{values_sql()} ORDER BY x.meter_id, x.ts", INTERVAL_SCHEMA)
        gaps = fetch(con, GAPS_SQL, GAP_SCHEMA)
        unused = fetch(con, UNUSED_SQL, UNUSED_SCHEMA)
    finally:
        con.close()
    return Intervals(values=values, gaps=gaps, unused=unused, start=int(start), end=int(end), estimate=estimate)


POWER_SCHEMA = pa.schema([("meter_id", pa.int64()), ("ts", pa.int64()), ("ts_end", pa.int64()),
                          ("value", pa.float64()), ("flags", pa.int64()), ("seconds", pa.int64()),
                          ("samples", pa.int64())])


def interval_power(readings: pa.Table, meters: pa.Table, *, start: int, end: int) -> pa.Table:
    """Time-weighted mean power per interval of the power (instantaneous) registers.

    Each sample holds until the next one, for at most one interval. ``value`` is the mean over the
    covered part of the interval [register unit × multiplier, e.g. kW]; ``seconds`` is that
    covered time [s] (the weight for :func:`zerocarbon.timeseries.rollups.rollup_time` with
    ``quantity="power"``). Intervals without any sample have no row.
    """
    r = conform(readings, READING_SCHEMA)
    m = conform(meters, METER_SCHEMA)
    fmt = _sql_format(start, end, True)
    con = _exact_inputs(connect(r0=r, m=m, e0=empty_events()))
    try:
        con.execute(PREP.format(**fmt))
        return fetch(con, """
            SELECT p.meter_id, p.ts, p.ts_end, p.mean_power AS value, p.flags, p.seconds, p.samples
            FROM power p JOIN used_meters u USING (meter_id) WHERE p.ts >= u.lo AND p.ts < u.hi
            ORDER BY p.meter_id, p.ts""", POWER_SCHEMA)
    finally:
        con.close()
