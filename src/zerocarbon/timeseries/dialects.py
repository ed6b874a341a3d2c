"""One SQL definition, three engines: the canonical DuckDB SQL transpiled to PostgreSQL and Spark SQL.

The interval SQL (:mod:`zerocarbon.timeseries.interval_sql`, run by
:func:`zerocarbon.timeseries.intervals.run_interval_sql`) is written once, in the canonical dialect
DuckDB. DuckDB runs it as it is; PostgreSQL and Spark SQL run it transpiled by SQLGlot
(``read="duckdb"``), statement by statement, through :func:`transpile`. The results are tested equal,
exactly, against a real PostgreSQL server (``tests/timeseries/test_dialects.py``: values and exact
decimals, flags, gap runs, bridged values, unused readings); Spark is tested to transpile and to parse
back (``read="spark"``) without error, not yet run (PySpark comes with the region-scale issue).

The hourly roll-up and hourly carbon (:mod:`zerocarbon.timeseries.hourly_sql`) go the same way and need no
fix-up of their own: run on the real PostgreSQL server after the interval script
(:func:`zerocarbon.timeseries.dialects_pg.hourly_carbon_pg`), their rows, DECIMAL values and NULLs are tested
equal to DuckDB's (``tests/timeseries/test_dialects.py``). One type differs and is harmless: PostgreSQL's
``DIV`` returns NUMERIC, so the hour start ``ts`` is a whole NUMERIC there, compared with the BIGINT hour of
the factor table by value and returned as a 64-bit integer by :func:`~zerocarbon.timeseries.dialects_pg.fetch_pg`
(which refuses a non-integral value).

Portable by construction (the canonical SQL was rewritten so that SQLGlot needs no help):

* the as-of match of a meter event to its pair of readings is an interval join on the pair
  (``prev_ts < event ts <= ts``), not an ``ASOF JOIN`` (DuckDB only). Measured with DuckDB 2.0 on
  the 2-core development machine, the query alone over 200 meters × 35,040 readings: 200 events
  0.15–0.2 s against 1.2–1.8 s for the ``ASOF JOIN``, 20,000 events 3.8 s against 1.6–1.9 s;
* the count of estimated intervals per gap run (``GAPS_SQL``) is a left join and ``count``, not a
  correlated subquery with non-equality conditions (which Spark accepts only in restricted forms);
* every subquery in ``FROM`` has an alias (PostgreSQL 15 requires one);
* the interval columns are listed, not ``* EXCLUDE (...)`` (neither PostgreSQL nor Spark has it).

Transpiled by SQLGlot itself (checked by the tests): ``CREATE TEMP TABLE ... AS`` (Spark: a temporary
view), ``//`` (PostgreSQL ``DIV``, Spark ``DIV``), ``/`` on integers (DuckDB divides in floating point:
cast to DOUBLE in both), ``::type`` casts, ``bool_and``/``bool_or``/``bit_or``, ``&``/``|``, named
``WINDOW`` clauses, ``greatest``/``least``, ``unnest(range(n))`` (Spark ``explode(sequence(...))``).

Fix-ups applied here, on the parsed tree, before SQLGlot writes the target dialect:

``HUGEINT`` (all targets)
    ``DECIMAL(38,0)``: SQLGlot writes ``INT128``, which neither target has. (The canonical SQL keeps
    ``HUGEINT``: DuckDB divides a DECIMAL by ``//`` in DOUBLE, a HUGEINT exactly.) The canonical SQL uses
    ``HUGEINT`` only for whole numbers of 10⁻¹² units (the linear estimate's exact split).
``unnest(range(n))`` (PostgreSQL)
    ``generate_series(0, n - 1)`` alone: a set-returning function in the select list, as DuckDB's
    ``unnest`` is; SQLGlot would write ``unnest(generate_series(...))``, which PostgreSQL refuses.
``TRY_CAST(x AS DECIMAL(p, s))`` (PostgreSQL)
    ``CASE WHEN abs(x) < 10^(p-s) THEN CAST(CAST(x AS TEXT) AS DECIMAL(p, s)) END``. PostgreSQL has
    no ``TRY_CAST``; the canonical SQL uses it only to turn a DOUBLE into a DECIMAL (NULL when out of
    range, NaN or infinite, as DuckDB). Through text because PostgreSQL converts float8 to numeric
    with 15 significant digits only, while float8 text output is the shortest exact round trip
    (``extra_float_digits`` = 1, in :data:`SESSION`).
    Same decimal as DuckDB for every value the exact path accepts (a float that is a decimal of at
    most 6 decimals, below 2⁵³ · 10⁻⁶ ≈ 9.0 × 10⁹ register units). The two documented approximations
    rounded to 10⁻¹² (mean power × duration, a profile-scaled bridged gap) can differ in the 12th
    decimal between engines when the float is not itself a decimal of at most 12 decimals.

Known limits of the Spark output (transpiled and parsed back, not run; to check when PySpark comes):

* exact decimals need ``spark.sql.decimalOperations.allowPrecisionLoss=false`` (:data:`SESSION`): with
  Spark's default (``true``), a product whose precision exceeds 38 digits loses scale, so
  DECIMAL(38,6) × DECIMAL(38,6) would keep 6 decimals where DuckDB and PostgreSQL keep 12 (Spark's
  decimal precision rules, configuration ``spark.sql.decimalOperations.allowPrecisionLoss``);
* ``xunits DIV span`` of the linear estimate returns a 64-bit integer in Spark (overflow above
  9.2 × 10¹⁸ units of 10⁻¹², i.e. 9.2 × 10⁶ energy units spread over one gap);
* ``CREATE TEMP TABLE`` becomes a temporary view, recomputed on every use (cache it when run).

Checked constructs (``tests/timeseries/test_dialects.py``, every statement of every variant of the
script, and the selects): each transpiles with ``unsupported_level=RAISE`` and parses back in the target
dialect, and none of ``ASOF``, ``INT128``/``HUGEINT``, ``EXCLUDE``, ``range(``, ``::`` survives
(PostgreSQL: nor ``TRY_CAST``, ``UNNEST``).
"""

from __future__ import annotations

from typing import Literal

import sqlglot
from sqlglot import exp

Dialect = Literal["duckdb", "postgres", "spark"]
DIALECTS: tuple[Dialect, ...] = ("duckdb", "postgres", "spark")

#: Statements a session runs before the transpiled SQL, per dialect (in the target dialect): PostgreSQL
#: writes float8 as the shortest exact round trip (the ``TRY_CAST`` fix-up reads it), Spark keeps the
#: 12 decimals of a product of two DECIMAL(38,6) (see "Known limits" above).
SESSION: dict[Dialect, tuple[str, ...]] = {
    "duckdb": (),
    "postgres": ("SET LOCAL extra_float_digits = 1",),
    "spark": ("SET spark.sql.decimalOperations.allowPrecisionLoss = false",),
}


def _decimal(precision: int, scale: int) -> exp.DataType:
    return exp.DataType.build(f"DECIMAL({precision}, {scale})")


def _hugeint(node: exp.Expr) -> exp.Expr:
    if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.INT128:
        return _decimal(38, 0)
    return node


def _pg_series(node: exp.Expr) -> exp.Expr:
    if isinstance(node, (exp.Explode, exp.Unnest)):
        inner = node.this if isinstance(node, exp.Explode) else (node.expressions[0] if node.expressions else None)
        if isinstance(inner, exp.GenerateSeries) and len(getattr(node, "expressions", []) or []) <= 1:
            if inner.args.get("is_end_exclusive"):
                end = exp.Sub(this=exp.paren(inner.args["end"].copy()), expression=exp.Literal.number(1))
                return exp.func("generate_series", inner.args["start"].copy(), end)
            return exp.func("generate_series", inner.args["start"].copy(), inner.args["end"].copy())
    return node


def _type_params(to: exp.DataType) -> tuple[int, int]:
    params = [int(p.name) for p in to.expressions]
    if len(params) != 2:
        raise ValueError(f"TRY_CAST to {to.sql('duckdb')}: the canonical SQL casts only to DECIMAL(p, s)")
    return params[0], params[1]


def _pg_try_cast(node: exp.Expr) -> exp.Expr:
    if not isinstance(node, exp.TryCast):
        return node
    to = node.args["to"]
    if not (isinstance(to, exp.DataType) and to.this == exp.DataType.Type.DECIMAL):
        raise ValueError(f"TRY_CAST to {to.sql('duckdb')}: the canonical SQL casts only DOUBLE to DECIMAL(p, s)")
    precision, scale = _type_params(to)
    x = node.this
    limit = exp.Literal.number(f"1e{precision - scale}")
    as_text = exp.Cast(this=x.copy(), to=exp.DataType.build("TEXT"))
    cond = exp.LT(this=exp.func("abs", x.copy()), expression=limit)
    return exp.Case(ifs=[exp.If(this=cond, true=exp.Cast(this=as_text, to=_decimal(precision, scale)))])


def fix_up(tree: exp.Expr, dialect: Dialect) -> exp.Expr:
    """The per-dialect fix-ups (see the module docstring) applied to one parsed canonical statement."""
    if dialect == "duckdb":
        return tree
    tree = tree.transform(_hugeint)
    if dialect == "postgres":
        tree = tree.transform(_pg_series).transform(_pg_try_cast)
    return tree


def transpile(sql: str, dialect: Dialect) -> list[str]:
    """The canonical (DuckDB) SQL script ``sql`` in ``dialect``, one string per statement.

    Raises on anything SQLGlot cannot write in the target dialect (``unsupported_level=RAISE``), so a
    DuckDB-only construct never passes silently.
    """
    if dialect not in DIALECTS:
        raise ValueError(f"dialect must be one of {DIALECTS}, not {dialect!r}")
    out = []
    for tree in sqlglot.parse(sql, read="duckdb"):
        if tree is None:
            continue
        fixed = fix_up(tree, dialect)
        out.append(fixed.sql(dialect=dialect, unsupported_level=sqlglot.ErrorLevel.RAISE))
    return out
