"""The SQL of :func:`zerocarbon.timeseries.intervals.interval_consumption`, kept apart from its Python.

The one definition, in the canonical dialect DuckDB: DuckDB runs it as it is; PostgreSQL and Spark SQL
run it transpiled by SQLGlot (:mod:`zerocarbon.timeseries.dialects`: which constructs are written
portably here, which are fixed up per dialect), tested equal on a real PostgreSQL server. Keep it
portable: no ``ASOF JOIN``, ``* EXCLUDE``, unaliased subqueries in ``FROM``; ``TRY_CAST`` only from
DOUBLE to DECIMAL(p, s); ``HUGEINT`` only for whole numbers (the tests refuse the rest).

Placeholders in braces are filled by the caller (window, flag bits, week). Tables the SQL expects:
``r`` readings, ``m`` meters, ``e`` events (see the schemas in :mod:`zerocarbon.timeseries.intervals`).

Every value is computed twice, side by side: ``value`` in float64 (as before, for charts, hourly
carbon and power) and ``xvalue`` exactly, in DECIMAL(38, 12) (:data:`EXACT`): a reading, multiplier,
roll-over or event value enters the exact path only when its float64 is the float of a decimal with
at most 6 decimals (``{exact_in}`` below: the value cast to DECIMAL(38, 6) and back is the same
float); else its exact value is NULL and the interval is flagged FLAG_INEXACT, never rounded silently.
"""

#: The exact column's SQL type: 38 digits, 12 of them decimals (a reading of ≤ 6 decimals × a
#: multiplier of ≤ 6 decimals), 26 integer digits.
EXACT = "DECIMAL(38,12)"


def exact_in(column: str) -> str:
    """SQL: ``column`` (DOUBLE) as DECIMAL(38, 6) when it has at most 6 decimals, else NULL."""
    return (f"CASE WHEN TRY_CAST({column} AS DECIMAL(38,6))::DOUBLE = {column} "
            f"THEN TRY_CAST({column} AS DECIMAL(38,6)) END")


# The SQL below is written once, columnar: window functions, joins and aggregates over the whole
# table, no per-row Python. Names: r = readings, m = meters, e = events.
PREP = """
CREATE TEMP TABLE bounds AS
SELECT meter_id, register_kind AS kind, interval_seconds AS step, multiplier AS mult, rollover_at, spike_limit,
       {x_mult} AS xmult, {x_roll} AS xroll,
       greatest({start}, coalesce(valid_from, {start})) AS lo0,
       least({end}, coalesce(valid_to, {end})) AS hi
FROM m WHERE NOT is_virtual;
CREATE TEMP TABLE used_meters AS
SELECT *, lo0 + (step - lo0 % step) % step AS lo, hi + (step - hi % step) % step AS hi_grid
FROM bounds WHERE kind IN ('cumulative', 'interval') OR (kind = 'instantaneous' AND {power});

-- cumulative counters: consecutive readings on the grid
CREATE TEMP TABLE cum AS
SELECT r.meter_id, r.ts, r.value, r.flags & {reading_flags} AS rflags, u.step, u.mult, u.rollover_at, u.spike_limit,
       r.xvalue, u.xmult, u.xroll, lag(r.xvalue) OVER w AS prev_xvalue,
       lag(r.ts) OVER w AS prev_ts, lag(r.value) OVER w AS prev_value,
       lag(r.flags & {reading_flags}) OVER w AS prev_flags
FROM r JOIN used_meters u USING (meter_id)
WHERE u.kind = 'cumulative' AND r.ts % u.step = 0
WINDOW w AS (PARTITION BY r.meter_id ORDER BY r.ts);

-- each event belongs to the pair of readings whose later reading is the first at or after it: the pair
-- (prev_ts, ts] that holds the event (an as-of match written as an interval join, which every dialect runs;
-- an event before the first or after the last reading matches no pair, as before)
CREATE TEMP TABLE ev AS
SELECT e.meter_id, c.ts AS pair_ts, count(*) AS n_events, count(e.old_final_value) AS n_old,
       sum(e.old_final_value - coalesce(e.new_initial_value, 0)) AS adj_known,
       max(coalesce(e.new_initial_value, 0)) AS new_initial,
       CASE WHEN bool_and(e.xold IS NOT NULL OR e.old_final_value IS NULL)
             AND bool_and(e.xnew IS NOT NULL OR e.new_initial_value IS NULL)
            THEN sum(e.xold - coalesce(e.xnew, 0)) END AS xadj_known,
       CASE WHEN bool_and(e.xnew IS NOT NULL OR e.new_initial_value IS NULL)
            THEN max(coalesce(e.xnew, 0)) END AS xnew_initial,
       bool_or(e.kind = 'replacement') AS replaced, bool_or(e.kind = 'reset') AS was_reset
FROM e JOIN cum c ON c.meter_id = e.meter_id AND c.prev_ts < e.ts AND e.ts <= c.ts
GROUP BY e.meter_id, c.ts;

CREATE TEMP TABLE pairs AS
WITH j AS (
  SELECT c.*, (c.ts - c.prev_ts) // c.step AS span, ev.n_events,
         CASE WHEN ev.n_events IS NULL THEN 0
              WHEN ev.n_old = ev.n_events THEN ev.adj_known
              WHEN ev.n_events = 1 THEN c.prev_value - ev.new_initial END AS adj_event,
         CASE WHEN ev.n_events IS NULL THEN 0
              WHEN ev.n_old = ev.n_events THEN ev.xadj_known
              WHEN ev.n_events = 1 THEN c.prev_xvalue - ev.xnew_initial END AS xadj_event,
         CASE WHEN ev.replaced THEN {f_repl} ELSE 0 END | CASE WHEN ev.was_reset THEN {f_reset} ELSE 0 END AS eflags
  FROM cum c LEFT JOIN ev ON ev.meter_id = c.meter_id AND ev.pair_ts = c.ts
  WHERE c.prev_ts IS NOT NULL
), k AS (
  SELECT *,
         CASE WHEN n_events IS NOT NULL THEN adj_event
              WHEN value >= prev_value THEN 0
              WHEN rollover_at IS NOT NULL THEN rollover_at END AS adjustment,
         CASE WHEN n_events IS NOT NULL THEN xadj_event
              WHEN value >= prev_value THEN 0
              WHEN rollover_at IS NOT NULL THEN xroll END AS xadjustment,
         (n_events IS NULL AND value < prev_value AND rollover_at IS NOT NULL) AS rolled
  FROM j
), d AS (
  SELECT *, value - prev_value + adjustment AS diff,
         CASE WHEN n_events IS NOT NULL AND adjustment IS NULL THEN 'event values missing'
              WHEN value - prev_value + adjustment >= 0 THEN 'difference'
              ELSE 'counter decreased' END AS method
  FROM k
)
SELECT meter_id, prev_ts, ts, prev_value, value, step, mult, span,
       CASE WHEN method = 'difference' THEN adjustment END AS adjustment,
       CASE WHEN method = 'difference' THEN diff * mult END AS total,
       CASE WHEN method = 'difference' THEN ((xvalue - prev_xvalue + xadjustment) * xmult)::{exact} END AS xtotal,
       method,
       rflags | prev_flags | eflags | CASE WHEN rolled AND method = 'difference' THEN {f_roll} ELSE 0 END
         | CASE WHEN method = 'counter decreased' THEN {f_decr} ELSE 0 END
         | CASE WHEN method = 'difference' AND spike_limit IS NOT NULL AND diff / span > spike_limit
                THEN {f_spike} ELSE 0 END AS flags
FROM d;

-- power registers: each sample holds until the next one, at most one interval; pieces split at the grid
CREATE TEMP TABLE power AS
WITH seg AS (
  SELECT r.meter_id, r.ts AS s, least(coalesce(lead(r.ts) OVER w, r.ts + u.step), r.ts + u.step) AS e,
         r.value * u.mult AS p, r.flags & {reading_flags} AS rflags, u.step
  FROM r JOIN bounds u USING (meter_id)
  WHERE u.kind = 'instantaneous'
  WINDOW w AS (PARTITION BY r.meter_id ORDER BY r.ts)
), pieces AS (
  SELECT meter_id, s - s % step AS b, s AS ps, least(e, s - s % step + step) AS pe, p, rflags, step, s FROM seg
  UNION ALL
  SELECT meter_id, s - s % step + step, s - s % step + step, e, p, rflags, step, s FROM seg
  WHERE e > s - s % step + step
)
SELECT meter_id, b AS ts, b + step AS ts_end, sum(p * (pe - ps)) / sum(pe - ps) AS mean_power,
       sum(pe - ps)::BIGINT AS seconds, count(DISTINCT s) AS samples, bit_or(rflags) AS flags,
       min(s) AS first_ts, max(s) AS last_ts
FROM pieces WHERE pe > ps GROUP BY meter_id, b, step;
"""

#: The interval rows of ``measured`` (:func:`measured_sql`), one branch per way an interval is measured:
#: its FROM clause and the expression of each of :data:`COLUMNS` (the provenance after the first six).
#: Written once; the drill-down keeps every column, the metered year's roll-ups only the first six.
_BRANCHES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("r JOIN used_meters u USING (meter_id) WHERE u.kind = 'interval' AND r.ts % u.step = 0",
     ("r.meter_id", "r.ts", "r.ts + u.step", "r.value * u.mult", "(r.xvalue * u.xmult)::{exact}",
      "r.flags & {reading_flags}", "'register'", "u.step", "NULL::BIGINT", "r.ts", "NULL::DOUBLE", "r.value",
      "NULL::DOUBLE", "1::BIGINT")),
    ("pairs WHERE span = 1",
     ("meter_id", "ts - step", "ts", "total", "xtotal", "flags", "method", "step", "prev_ts", "ts", "prev_value",
      "value", "adjustment", "2")),
    ("(SELECT *, unnest(range(span)) AS i FROM pairs WHERE span > 1 AND total IS NULL) s",
     ("meter_id", "prev_ts + i * step", "prev_ts + (i + 1) * step", "NULL", "NULL", "flags", "method", "step",
      "prev_ts", "ts", "prev_value", "value", "adjustment", "2")),
    ("power p JOIN used_meters u USING (meter_id)",
     ("p.meter_id", "p.ts", "p.ts_end", "p.mean_power * (p.ts_end - p.ts) / 3600.0",
      "TRY_CAST(p.mean_power * (p.ts_end - p.ts) / 3600.0 AS {exact})", "p.flags", "'mean power'", "p.seconds",
      "p.first_ts", "p.last_ts", "NULL", "NULL", "NULL", "p.samples")),
)
#: The columns every interval row has, provenance or not.
LEAN_COLUMNS = ("meter_id", "ts", "ts_end", "value", "xvalue", "flags")


def measured_sql(lean: bool = False) -> str:
    """SQL creating ``measured`` (every measured interval), ``present`` and ``gaps0`` (see :data:`PREP`).

    ``lean=True`` keeps only :data:`LEAN_COLUMNS` (what roll-ups need; estimation by profile needs no
    more: a measured value is one of a register, a difference or a mean power exactly when it is not
    null). Gap runs are searched only for the meters whose intervals in the window come up short
    of the grid's count (a window function over the others would find nothing).
    """
    names = COLUMNS.split(", ")
    keep = LEAN_COLUMNS if lean else tuple(names)
    selects = []
    for source, exprs in _BRANCHES:
        cols = ", ".join(f"{e} AS {n}" for n, e in zip(names, exprs, strict=True) if n in keep)
        selects.append(f"SELECT {cols} FROM {source}")
    return "CREATE TEMP TABLE measured AS\n" + "\nUNION ALL\n".join(selects) + ";\n" + _GAPS


_GAPS = """
CREATE TEMP TABLE short AS
SELECT u.meter_id FROM used_meters u
LEFT JOIN (SELECT x.meter_id, count(*) AS n FROM measured x JOIN used_meters u USING (meter_id)
           WHERE x.ts >= u.lo AND x.ts < u.hi GROUP BY x.meter_id) c USING (meter_id)
WHERE coalesce(c.n, 0) < (u.hi_grid - u.lo) // u.step;

CREATE TEMP TABLE present AS
SELECT x.meter_id, x.ts, x.ts_end, u.step, u.lo, u.hi, u.hi_grid FROM measured x JOIN used_meters u USING (meter_id)
WHERE x.ts >= u.lo AND x.ts < u.hi AND x.meter_id IN (SELECT meter_id FROM short);

CREATE TEMP TABLE gaps0 AS
WITH seq AS (
  SELECT meter_id, ts, step, lag(ts_end) OVER (PARTITION BY meter_id ORDER BY ts) AS prev_end FROM present
), fl AS (SELECT meter_id, min(ts) AS first_ts, max(ts_end) AS last_end FROM present GROUP BY meter_id),
g AS (
  SELECT meter_id, prev_end AS start, ts AS "end", step FROM seq WHERE prev_end IS NOT NULL AND ts > prev_end
  UNION ALL
  SELECT u.meter_id, u.lo, coalesce(fl.first_ts, u.hi_grid), u.step FROM used_meters u LEFT JOIN fl USING (meter_id)
  WHERE coalesce(fl.first_ts, u.hi_grid) > u.lo AND u.meter_id IN (SELECT meter_id FROM short)
  UNION ALL
  SELECT u.meter_id, fl.last_end, u.hi_grid, u.step FROM used_meters u JOIN fl USING (meter_id)
  WHERE u.hi_grid > fl.last_end
)
SELECT g.meter_id, g.start, g."end", (g."end" - g.start) // g.step AS count, g.step,
       b.total AS bridged_value, b.ts AS pair_ts
FROM g LEFT JOIN (SELECT * FROM pairs WHERE span > 1 AND total IS NOT NULL) b
  ON b.meter_id = g.meter_id AND b.prev_ts <= g.start AND b.ts >= g."end";
"""

LINEAR = """
CREATE TEMP TABLE est AS
SELECT meter_id, prev_ts + i * step AS ts, prev_ts + (i + 1) * step AS ts_end, total / span AS value,
       ((xunits // span + CASE WHEN i < xunits % span THEN 1 ELSE 0 END)::DECIMAL(38,0)
         * 0.000000000001::{exact})::{exact} AS xvalue,
       flags | {f_est} AS flags, 'estimated: linear' AS method, step AS seconds, prev_ts AS reading_from_ts,
       ts AS reading_to_ts, prev_value AS register_from, value AS register_to, adjustment, 2::BIGINT AS samples
FROM (SELECT *, (xtotal * 1000000000000)::HUGEINT AS xunits, unnest(range(span)) AS i
      FROM pairs WHERE span > 1 AND total IS NOT NULL) s;
"""

PROFILE = """
CREATE TEMP TABLE est AS
WITH lw AS (
  SELECT meter_id, ts, value, xvalue FROM measured WHERE value IS NOT NULL
), pair_slots AS (
  SELECT p.meter_id, p.ts AS pair_ts, p.prev_ts + i * p.step AS ts, p.step, p.span, p.total, p.flags, p.prev_ts,
         p.prev_value, p.value AS reg_to, p.adjustment
  FROM (SELECT *, unnest(range(span)) AS i FROM pairs WHERE span > 1 AND total IS NOT NULL) p
), pair_lw AS (
  SELECT s.*, lw.value AS lw_value, lw.xvalue AS lw_xvalue
  FROM pair_slots s LEFT JOIN lw ON lw.meter_id = s.meter_id AND lw.ts = s.ts - {week}
), pair_scale AS (
  SELECT meter_id, pair_ts, count(lw_value) AS n, sum(lw_value) AS lw_sum FROM pair_lw GROUP BY meter_id, pair_ts
), bridged AS (
  SELECT l.meter_id, l.ts, l.ts + l.step AS ts_end, l.lw_value * l.total / s.lw_sum AS value,
         TRY_CAST(l.lw_value * l.total / s.lw_sum AS {exact}) AS xvalue,
         l.flags | {f_est} AS flags, l.step AS seconds, l.prev_ts AS reading_from_ts, l.pair_ts AS reading_to_ts,
         l.prev_value AS register_from, l.reg_to AS register_to, l.adjustment
  FROM pair_lw l JOIN pair_scale s USING (meter_id, pair_ts)
  WHERE s.n = l.span AND s.lw_sum > 0
), slots AS (
  SELECT meter_id, start + i * step AS ts, step FROM (SELECT *, unnest(range(count)) AS i FROM gaps0) g
), unbridged AS (
  SELECT sl.meter_id, sl.ts, sl.ts + sl.step AS ts_end, lw.value, lw.xvalue, {f_est}::BIGINT AS flags,
         sl.step AS seconds,
         lw.ts AS reading_from_ts, lw.ts + sl.step AS reading_to_ts, NULL::DOUBLE AS register_from,
         NULL::DOUBLE AS register_to, NULL::DOUBLE AS adjustment
  FROM slots sl JOIN lw ON lw.meter_id = sl.meter_id AND lw.ts = sl.ts - {week}
  WHERE NOT EXISTS (SELECT 1 FROM pair_slots ps WHERE ps.meter_id = sl.meter_id AND ps.ts = sl.ts)
)
SELECT *, 'estimated: profile' AS method, NULL::BIGINT AS samples FROM bridged
UNION ALL
SELECT *, 'estimated: profile' AS method, NULL::BIGINT AS samples FROM unbridged;
"""

COLUMNS = ("meter_id, ts, ts_end, value, xvalue, flags, method, seconds, reading_from_ts, reading_to_ts, "
           "register_from, register_to, adjustment, samples")
