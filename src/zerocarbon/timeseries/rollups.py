"""Roll-ups of interval values: in time (hour, day, month) and up the hierarchy (virtual meters:
:mod:`zerocarbon.timeseries.virtual`).

All functions take and return Arrow tables and compute with DuckDB SQL; none reads the store.

Aggregation per quantity
------------------------
* Energy and amounts (``quantity="energy"``): sums. Counters must go through
  :func:`zerocarbon.timeseries.intervals.interval_consumption` first (differences), so what is
  summed is always consumption per interval.
* Power (``quantity="power"``): in time, the time-weighted mean, Σ p·s / Σ s with ``s`` the covered
  seconds of each input row (``seconds`` column, else ts_end − ts); across meters (hierarchy,
  virtual meters) the powers of meters at the same time add up.

Time
----
Periods are half-open [start, end) in the factory's local time (default Asia/Shanghai): an hour
``HH:00``–``HH+1:00``, a day from local midnight, a month from the local first of the month. An
input row belongs to the period that contains its start; a row that runs past the end of its
period (e.g. a daily reading cut at UTC midnight rolled into local days) raises rather than being
split silently. Period boundaries are computed per distinct UTC hour, so the zone's UTC offset
must be a whole number of hours (true of Asia/Shanghai, UTC+8 without daylight saving).

Roll-ups compose: the output has the input's column names (``ts``, ``ts_end``, ``value``,
``flags``, ``seconds``) plus the counts ``n_intervals`` (values summed), ``n_estimated`` and
``n_null`` (intervals without a value: not used or a virtual meter lacking an input), which a
further roll-up adds up; hour → day gives the same as interval → day.

Exact sums: energy roll-ups also sum ``value_exact`` (decimal, see
:mod:`zerocarbon.timeseries.intervals`) exactly; a period in which some value has no exact value
gets a null ``value_exact`` (never a partial sum). Power roll-ups have no exact value.

Sums are deterministic, so a result does not change in its last digits with the order in which
DuckDB's threads happen to meet the rows: an energy roll-up's float ``value`` is its exact sum
rounded to float64 (no sort needed); a period with an inexact value, and a power roll-up, sum their
floats in time order (``sum(x ORDER BY ts)``); a virtual meter's terms run in input order.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa

from zerocarbon.errors import InputError
from zerocarbon.timeseries.intervals import (
    EXACT_TYPE,
    FLAG_ESTIMATED,
    FLAG_INCOMPLETE,
    METER_SCHEMA,
    NODE_SCHEMA,
    conform,
    connect,
    fetch,
)

Freq = Literal["hour", "day", "month"]
Quantity = Literal["energy", "power"]

_LABEL = {"hour": "%Y-%m-%d %H:00", "day": "%Y-%m-%d", "month": "%Y-%m"}
_STEP = {"hour": "INTERVAL 1 HOUR", "day": "INTERVAL 1 DAY", "month": "INTERVAL 1 MONTH"}


def _check_zone(tz: str) -> None:
    zone = ZoneInfo(tz)
    for year in (1995, 2024):
        for month in (1, 7):
            offset = datetime(year, month, 1, tzinfo=zone).utcoffset()
            if offset is not None and offset.total_seconds() % 3600:
                raise ValueError(f"time zone {tz}: UTC offset {offset} is not a whole number of hours")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _aggregates(cols: set[str], quantity: Quantity) -> dict[str, str]:
    """Aggregate SQL per output column over the input rows ``v`` (raw intervals or an earlier roll-up)."""
    seconds = "seconds" if "seconds" in cols else "(ts_end - ts)"
    flags = "coalesce(flags, 0)" if "flags" in cols else "0"
    exact = "value_exact::DECIMAL(38,12)" if "value_exact" in cols and quantity == "energy" else "NULL::DECIMAL(38,12)"
    out = {
        "flags": f"bit_or({flags})::BIGINT",
        "n_intervals": "sum(n_intervals)" if "n_intervals" in cols else "count(value)",
        "n_estimated": "sum(n_estimated)" if "n_estimated" in cols
        else f"count(*) FILTER (WHERE {flags} & {FLAG_ESTIMATED} <> 0)",
        "n_null": "sum(n_null)" if "n_null" in cols else "count(*) - count(value)",
        "max_end": "max(ts_end)",
    }
    if quantity == "energy":
        # a float sum in the order the engine's threads meet the rows would differ in its last digits from
        # run to run; the exact sum rounded to float does not, and needs no sort. Only a period with an
        # inexact value (no exact sum) sums its floats in time order, in a pass of its own.
        out["value_exact"] = f"CASE WHEN count(value) = count({exact}) THEN sum({exact}) END"
        out["value"] = f"CASE WHEN count(value) = count({exact}) THEN sum({exact})::DOUBLE END"
        out["inexact"] = f"count(value) <> count({exact})"
        out["seconds"] = f"sum({seconds})"
    else:
        out["value_exact"] = "NULL::DECIMAL(38,12)"
        out["value"] = (f"sum(value * {seconds} ORDER BY ts) FILTER (WHERE value IS NOT NULL)"
                        f" / nullif(sum({seconds}) FILTER (WHERE value IS NOT NULL), 0)")
        out["inexact"] = "false"
        out["seconds"] = f"coalesce(sum({seconds}) FILTER (WHERE value IS NOT NULL), 0)"
    return out


def rollup_time_in(con: duckdb.DuckDBPyConnection, source: str, columns: list[str] | set[str], freq: Freq, *,
                   tz: str = "Asia/Shanghai", quantity: Quantity = "energy",
                   by: tuple[str, ...] = ("meter_id",), within: tuple[int, int] | None = None) -> pa.Table:
    """:func:`rollup_time` of the relation ``source`` (with ``columns``) of the DuckDB connection ``con``.

    The one definition of a time roll-up: :func:`rollup_time` runs it on an Arrow table, the metered
    year's scan on intervals that never leave the engine (:func:`rolled_up`, also to write the rows
    to files without fetching them).
    """
    with rolled_up(con, source, columns, freq, tz=tz, quantity=quantity, by=by, within=within) as sql:
        out = fetch(con, sql)
    return out.set_column(out.schema.get_field_index("value_exact"), "value_exact",
                          out["value_exact"].cast(EXACT_TYPE))


@contextmanager
def rolled_up(con: duckdb.DuckDBPyConnection, source: str, columns: list[str] | set[str], freq: Freq, *,
              tz: str = "Asia/Shanghai", quantity: Quantity = "energy",
              by: tuple[str, ...] = ("meter_id",), ordered: bool = True,
              within: tuple[int, int] | None = None) -> Iterator[str]:
    """The roll-up of ``source`` in ``con`` as the text of a SELECT (``ordered``: by ``by`` and period), valid
    inside the ``with`` block (its temporary tables are dropped after). Rows are grouped by an integer
    period start (each local hour of the input mapped once to its period), labels are joined to the
    groups. Raises when an input row runs past the end of its period.

    ``within = (start, end)`` [s, UTC] says that every row's ts lies in [start, end) (the caller filtered
    them so, e.g. the intervals of a scan's window): the hours are mapped from it instead of from a pass
    over ``source`` for its first and last ts (a pass that recomputes ``source`` when it is a view)."""
    if freq not in _LABEL:
        raise ValueError(f"freq must be 'hour', 'day' or 'month', not {freq!r}")
    if quantity not in ("energy", "power"):
        raise ValueError(f"quantity must be 'energy' or 'power', not {quantity!r}")
    _check_zone(tz)
    aggs = _aggregates(set(columns), quantity)
    keys = ", ".join(_quote(k) for k in by)
    keys_sel = f"{keys}, " if by else ""
    join_keys = ", ".join([*(_quote(k) for k in by), "p_start"])
    tzq = tz.replace("'", "''")
    local = f"timezone('{tzq}', to_timestamp(h))"
    tag = f"_zc_{uuid.uuid4().hex[:12]}"
    if within is None:
        span = f"SELECT min(ts - ts % 3600) AS lo, max(ts - ts % 3600) AS hi FROM {source}"
    else:
        lo, hi = int(within[0]), int(within[1]) - 1
        span = f"SELECT {lo - lo % 3600} AS lo, {hi - hi % 3600} AS hi WHERE {hi} >= {lo}"
    try:
        con.execute(f"""
            CREATE TEMP TABLE {tag}_p AS
            WITH span AS ({span}),
            hours AS (SELECT unnest(range(lo, hi + 3600, 3600)) AS h FROM span WHERE lo IS NOT NULL),
            map AS (SELECT h, date_trunc('{freq}', {local}) AS local_start FROM hours)
            SELECT h, epoch(timezone('{tzq}', local_start))::BIGINT AS p_start,
                   epoch(timezone('{tzq}', local_start + {_STEP[freq]}))::BIGINT AS p_end,
                   strftime(local_start, '{_LABEL[freq]}') AS period
            FROM map""")
        body = ", ".join(f"{expr} AS {name}" for name, expr in aggs.items())
        con.execute(f"""
            CREATE TEMP TABLE {tag}_g AS
            SELECT {keys_sel}p.p_start, {body}
            FROM {source} v JOIN {tag}_p p ON p.h = v.ts - v.ts % 3600
            GROUP BY {keys_sel}p.p_start""")
        con.execute(f"CREATE TEMP TABLE {tag}_l AS SELECT DISTINCT p_start, p_end, period FROM {tag}_p")
        straddling = con.execute(f"SELECT count(*) FROM {tag}_g g JOIN {tag}_l l USING (p_start) "
                                 "WHERE g.max_end > l.p_end").fetchall()[0][0]
        if straddling:
            raise ValueError(f"{straddling} period(s) of {freq}: an input row runs past the end of its period; "
                             "roll up from intervals that fit inside the periods (e.g. 15-minute or hourly)")
        value = "g.value"
        fallback = ""
        if con.execute(f"SELECT count(*) FROM {tag}_g WHERE inexact").fetchall() != [(0,)]:
            con.execute(f"""
                CREATE TEMP TABLE {tag}_f AS
                SELECT {keys_sel}p.p_start, sum(v.value ORDER BY v.ts) AS fvalue
                FROM {source} v JOIN {tag}_p p ON p.h = v.ts - v.ts % 3600
                SEMI JOIN (SELECT {keys_sel}p_start FROM {tag}_g WHERE inexact) USING ({join_keys})
                GROUP BY {keys_sel}p.p_start""")
            value = "CASE WHEN g.inexact THEN f.fvalue ELSE g.value END"
            fallback = f"LEFT JOIN {tag}_f f USING ({join_keys})"
        yield f"""
            SELECT {keys_sel}g.p_start AS ts, l.p_end AS ts_end, l.period, {value} AS value, g.flags,
                   g.seconds::BIGINT AS seconds, g.n_intervals::BIGINT AS n_intervals,
                   g.n_estimated::BIGINT AS n_estimated, g.n_null::BIGINT AS n_null,
                   g.value_exact::DECIMAL(38,12) AS value_exact
            FROM {tag}_g g JOIN {tag}_l l USING (p_start) {fallback}
            {f"ORDER BY {keys_sel}g.p_start" if ordered else ""}"""
    finally:
        for suffix in ("p", "g", "l", "f"):
            con.execute(f"DROP TABLE IF EXISTS {tag}_{suffix}")


def rollup_time(values: pa.Table, freq: Freq, *, tz: str = "Asia/Shanghai", quantity: Quantity = "energy",
                by: tuple[str, ...] = ("meter_id",)) -> pa.Table:
    """Roll ``values`` up into local hours, days or months.

    Parameters
    ----------
    values : pa.Table
        Rows with the ``by`` columns, ``ts`` and ``ts_end`` [s since epoch, UTC], ``value`` [any
        unit; nulls are counted, not summed] and optionally ``flags``, ``seconds`` [s] and the counts
        of an earlier roll-up. Typically :class:`~zerocarbon.timeseries.intervals.Intervals` ``.values``.
    freq : {"hour", "day", "month"}
        Period length, in the local time of ``tz``.
    quantity : {"energy", "power"}
        Sum (energy, amounts) or time-weighted mean (power).
    by : tuple of str
        Grouping columns besides the period (e.g. ``("meter_id",)``).

    Returns
    -------
    pa.Table
        ``by`` columns, ``ts`` / ``ts_end`` (period [s, UTC]), ``period`` (local label), ``value``,
        ``flags`` (bit-or), ``seconds``, ``n_intervals``, ``n_estimated``, ``n_null``, ``value_exact``.
    """
    if freq not in _LABEL:
        raise ValueError(f"freq must be 'hour', 'day' or 'month', not {freq!r}")
    con = connect(src=values)
    try:
        return rollup_time_in(con, "src", values.column_names, freq, tz=tz, quantity=quantity, by=by)
    finally:
        con.close()


# --------------------------------------------------------------------------------------- hierarchy
def _closure(nodes: pa.Table) -> pa.Table:
    """(ancestor, node) for every node and each of its ancestors including itself (cycles raise)."""
    rows = nodes.to_pylist()
    parent = {int(r["node_id"]): (int(r["parent_id"]) if r["parent_id"] is not None else None) for r in rows}
    anc: list[int] = []
    desc: list[int] = []
    for node in parent:
        current: int | None = node
        seen: set[int] = set()
        while current is not None:
            if current in seen:
                raise InputError("节点层级存在循环", "the node hierarchy has a cycle", field="nodes")
            seen.add(current)
            anc.append(current)
            desc.append(node)
            current = parent.get(current)
    return pa.table({"ancestor_id": pa.array(anc, pa.int64()), "node_id": pa.array(desc, pa.int64())})


@dataclass(frozen=True)
class HierarchyRollup:
    """Values per node (own meters and whole subtree) and which meters each node's figures contain."""

    values: pa.Table   # node_id, code, carrier, unit, ts, ts_end, value, own_value, flags, n_meters, n_values, complete
    members: pa.Table  # node_id, carrier, unit, meters (list of codes), n_meters


def rollup_hierarchy(values: pa.Table, meters: pa.Table, nodes: pa.Table, *,
                     quantity: Quantity = "energy") -> HierarchyRollup:
    """Sum meters up the hierarchy: node → parent → … → site, per carrier and unit.

    A node's ``value`` is the sum over the real (non-virtual) meters attached to the node or to any
    node below it; ``own_value`` is the part of its own meters. Meters measuring the same thing at
    two levels (a main meter and its sub-meters) are both counted in ``value``: read the main meter
    from ``own_value`` or a virtual meter instead. Energy in different units is kept apart (convert
    first). A node whose meters do not all have a value at that time gets the partial sum,
    ``complete = false`` and FLAG_INCOMPLETE; ``n_values`` of ``n_meters`` says how partial.

    Parameters
    ----------
    values : pa.Table
        meter_id, ts, ts_end, value, flags: intervals or a time roll-up; every meter of a node must
        be on the same periods (roll up to hours first when grids differ, else this raises).
    meters, nodes : pa.Table
        :data:`~zerocarbon.timeseries.intervals.METER_SCHEMA`, :data:`~zerocarbon.timeseries.intervals.NODE_SCHEMA`.
    quantity : {"energy", "power"}
        Selects the unit column (power registers: ``unit`` [kW] vs ``energy_unit`` [kWh]); both add.
    """
    m = conform(meters, METER_SCHEMA)
    n = conform(nodes, NODE_SCHEMA)
    unit_col = "energy_unit" if quantity == "energy" else "unit"
    flags = "coalesce(v.flags, 0)" if "flags" in values.column_names else "0"
    con = connect(v=values, m=m, n=n, c=_closure(n))
    try:
        members = fetch(con, f"""
            SELECT c.ancestor_id AS node_id, m.carrier, m.{unit_col} AS unit, list(m.code ORDER BY m.code) AS meters,
                   count(*)::BIGINT AS n_meters
            FROM c JOIN m ON m.node_id = c.node_id WHERE NOT m.is_virtual
            GROUP BY c.ancestor_id, m.carrier, m.{unit_col} ORDER BY 1, 2, 3""")
        con.register("members", members)
        out = fetch(con, f"""
            WITH mv AS (
              SELECT v.meter_id, v.ts, v.ts_end, v.value, {flags} AS flags, m.node_id, m.carrier, m.{unit_col} AS unit
              FROM v JOIN m USING (meter_id) WHERE NOT m.is_virtual AND m.node_id IS NOT NULL
            ), agg AS (
              SELECT c.ancestor_id AS node_id, mv.carrier, mv.unit, mv.ts, min(mv.ts_end) AS ts_end,
                     max(mv.ts_end) AS ts_end_max, sum(mv.value ORDER BY mv.meter_id) AS value,
                     sum(mv.value) FILTER (WHERE mv.node_id = c.ancestor_id) AS own_value,
                     bit_or(mv.flags) AS flags, count(mv.value)::BIGINT AS n_values
              FROM mv JOIN c ON c.node_id = mv.node_id
              GROUP BY c.ancestor_id, mv.carrier, mv.unit, mv.ts
            )
            SELECT a.node_id, n.code, a.carrier, a.unit, a.ts, a.ts_end, a.value, a.own_value,
                   a.flags | CASE WHEN a.n_values < mb.n_meters THEN {FLAG_INCOMPLETE} ELSE 0 END AS flags,
                   mb.n_meters, a.n_values, a.n_values = mb.n_meters AS complete, a.ts_end_max <> a.ts_end AS mixed
            FROM agg a JOIN n USING (node_id) JOIN members mb USING (node_id, carrier, unit)
            ORDER BY a.node_id, a.carrier, a.unit, a.ts""")
    finally:
        con.close()
    if any(out["mixed"].to_pylist()):
        raise ValueError("meters of one node are on different periods; roll them up to a common period first")
    return HierarchyRollup(values=out.drop_columns(["mixed"]), members=members)
