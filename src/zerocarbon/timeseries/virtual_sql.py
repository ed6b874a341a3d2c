"""Virtual meters per interval, written once in the canonical dialect (DuckDB), for the region engine.

The same semantics as :func:`zerocarbon.timeseries.virtual.evaluate_virtual` (the metered year's evaluation in
Python/Arrow), run by DuckDB as written and by Spark transpiled (:mod:`zerocarbon.timeseries.dialects_spark`), as
the interval SQL and the roll-ups are:

- the terms (coefficient × input meter, ``sum(children)`` expanded, the conversion of the input's energy unit to
  the virtual meter's folded into the coefficient) are the metered year's own, from
  :func:`~zerocarbon.timeseries.virtual.evaluate_virtual` over no values (its formula parser, unit conversion,
  node expansion and cycle check), so the two paths cannot read a formula differently;
- a virtual meter's value at a time exists only when every input has a value there; otherwise it is null and
  flagged :data:`~zerocarbon.timeseries.intervals.FLAG_INCOMPLETE` (a difference of partial inputs would be a wrong
  number, not a smaller one); its flags are the bit-or of its inputs';
- its exact value is Σ coefficient (DECIMAL(24,6)) × the input's exact value (DECIMAL(38,12)), cast to
  DECIMAL(38,12) as the metered year casts it; null when an input has no exact value or a coefficient has more than
  6 decimals (e.g. a conversion from MJ), so the month has no exact total and the inventory refuses it by name;
- virtual meters that use other virtual meters are evaluated level by level in dependency order: one statement per
  level for every factory of the run (not one per meter), so a region is a few Spark jobs, not thousands.

Products are DECIMAL(38,18) in both engines (DuckDB's rule; Spark's with
``spark.sql.decimalOperations.allowPrecisionLoss=false``), the sums are decimal, so the order does not matter.
The float ``value`` column only marks which intervals have a value (the roll-ups count it); totals use the exact
column.
"""

from __future__ import annotations

from typing import Protocol

import pyarrow as pa

from zerocarbon.errors import InputError
from zerocarbon.timeseries import intervals as iv
from zerocarbon.timeseries.virtual import evaluate_virtual

#: One row per (virtual meter, input): the coefficient including unit conversion, exact when it has at most
#: 6 decimals, the number of inputs of the virtual meter and its dependency level (1: real inputs only).
TERM_SCHEMA = pa.schema([("meter_id", pa.int64()), ("input_id", pa.int64()), ("coefficient", pa.float64()),
                         ("coefficient_exact", pa.decimal128(24, 6)), ("n_inputs", pa.int64()),
                         ("level", pa.int64())])
_COLS = "meter_id, ts, ts_end, value, flags, value_exact"

#: The virtual meters of level ``{level}`` from the intervals of their inputs (``{inputs}``: real meters' intervals
#: and the earlier levels), grouped by (virtual meter, interval start); ``mixed`` marks inputs on different periods.
LEVEL_SQL = """
CREATE TEMP TABLE {name} AS
SELECT t.meter_id, v.ts, min(v.ts_end) AS ts_end,
       CASE WHEN count(v.value) = min(t.n_inputs) THEN sum(t.coefficient * v.value) END AS value,
       bit_or(v.flags) | CASE WHEN count(v.value) < min(t.n_inputs) THEN {f_incomplete} ELSE 0 END AS flags,
       CAST(CASE WHEN count(v.value) = min(t.n_inputs) AND count(v.value_exact) = count(v.value)
                      AND count(t.coefficient_exact) = count(*)
                 THEN sum(t.coefficient_exact * v.value_exact) END AS DECIMAL(38,12)) AS value_exact,
       min(v.ts_end) <> max(v.ts_end) AS mixed
FROM vterms t JOIN ({inputs}) v ON v.meter_id = t.input_id
WHERE t.level = {level}
GROUP BY t.meter_id, v.ts;
"""


class Runner(Protocol):
    """What the region engine's runners (DuckDB, Spark) offer."""

    def table(self, name: str, data: pa.Table) -> None: ...
    def script(self, sql: str) -> None: ...
    def fetch(self, sql: str, schema: pa.Schema) -> pa.Table: ...


def virtual_terms(factories: list[tuple[pa.Table, pa.Table]]) -> pa.Table:
    """:data:`TERM_SCHEMA` rows of the virtual meters of ``factories`` (each its meters and nodes; meter ids unique
    across them). A factory whose formulas cannot be evaluated (e.g. ``sum(children)`` without its nodes) is left
    out here: its own metered year raises the located error (the portfolio's error row)."""
    rows: list[dict[str, object]] = []
    for meters, nodes in factories:
        if not any(meters["is_virtual"].to_pylist()):
            continue
        try:
            terms = evaluate_virtual(iv.INTERVAL_SCHEMA.empty_table().select(["meter_id", "ts", "ts_end", "value"]),
                                     meters, nodes).terms.to_pylist()
        except InputError:
            continue
        virtual = {int(r["meter_id"]) for r in meters.to_pylist() if r["is_virtual"]}
        inputs: dict[int, list[dict[str, object]]] = {}
        for r in terms:
            inputs.setdefault(int(r["meter_id"]), []).append(r)
        level: dict[int, int] = {}
        while len(level) < len(inputs):  # evaluate_virtual has refused a cycle
            for vid, ins in inputs.items():
                deps = [int(str(r["input_id"])) for r in ins if int(str(r["input_id"])) in virtual]
                if vid not in level and all(d in level for d in deps):
                    level[vid] = 1 + max((level[d] for d in deps), default=0)
        for vid, ins in inputs.items():
            for r in ins:
                rows.append({"meter_id": vid, "input_id": r["input_id"], "coefficient": r["coefficient"],
                             "coefficient_exact": r["coefficient_exact"], "n_inputs": len(ins), "level": level[vid]})
    return pa.Table.from_pylist(rows, schema=TERM_SCHEMA)


def virtual_script(values: str, levels: int) -> str:
    """The statements creating ``vin`` (the intervals of the real inputs, from ``values``) and ``v1`` … ``vN``
    (the virtual meters of each level); ``vterms`` (:data:`TERM_SCHEMA`) must be registered."""
    out = [f"CREATE TEMP TABLE vin AS SELECT b.meter_id, b.ts, b.ts_end, b.value, b.flags, b.value_exact "
           f"FROM ({values}) b WHERE b.meter_id IN (SELECT input_id FROM vterms);"]
    for k in range(1, levels + 1):
        inputs = " UNION ALL ".join([f"SELECT {_COLS} FROM vin", *(f"SELECT {_COLS} FROM v{j}" for j in range(1, k))])
        out.append(LEVEL_SQL.format(name=f"v{k}", inputs=inputs, level=k, f_incomplete=iv.FLAG_INCOMPLETE))
    return "\n".join(out)


def with_virtual(values: str, levels: int) -> str:
    """``values`` (the intervals of the real meters) with the virtual meters' intervals appended."""
    parts = [f"SELECT {_COLS} FROM ({values}) b0", *(f"SELECT {_COLS} FROM v{k}" for k in range(1, levels + 1))]
    return " UNION ALL ".join(parts)


def add_virtual(runner: Runner, factories: list[tuple[pa.Table, pa.Table]], values: str) -> str:
    """Evaluate the virtual meters of ``factories`` on ``runner`` (after the interval script) and return the SQL of
    the intervals of every meter, real and virtual (``values`` unchanged when there is no virtual meter).

    Raises
    ------
    ValueError
        The inputs of a virtual meter are on different interval periods (as the metered year refuses them).
    """
    terms = virtual_terms(factories)
    if not terms.num_rows:
        return values
    levels = int(max(terms["level"].to_pylist()))
    runner.table("vterms", terms)
    runner.script(virtual_script(values, levels))
    mixed = runner.fetch(" UNION ALL ".join(f"SELECT count(*) AS n FROM v{k} WHERE mixed"
                                            for k in range(1, levels + 1)), pa.schema([("n", pa.int64())]))
    if sum(int(n) for n in mixed["n"].to_pylist()):
        raise ValueError("inputs of a virtual meter are on different periods; roll them up to a common period first")
    return with_virtual(values, levels)

