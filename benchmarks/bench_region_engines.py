"""Benchmark: a region's metered monthly totals on DuckDB against Spark local mode (1 and 2 cores), two sizes.

Generates a synthetic region layout (the format of ``zerocarbon region export``; written directly with
DuckDB, not through a store: this measures the engines, not the export) of ``--factories`` × ``--meters``
15-minute meters (half interval registers ×10, half cumulative counters ×2.5 wrapping at 10⁶) over ``--days``
local days from 1 January, at two sizes (the second ``--scale`` times the first in factories). Then per size
runs :func:`zerocarbon.services.assessment.region_engine.assess_layout` with DuckDB (in process), Spark
``local[1]`` and Spark ``local[2]`` (one executor thread each: on one machine "executors" are local cores),
``--repeat`` timed runs after one warm-up run, each in the same process / session. Checks that every engine's
monthly totals equal DuckDB's exactly. Prints one JSON object: per size and engine the median, min and max
seconds (warm), the cold first run, seconds per billion readings (median / readings × 10⁹), and a linear
fit time = a + b · readings per engine through the two sizes, with the crossover size where Spark's line falls
below DuckDB's (none when its slope is not smaller and positive: two points on a noisy machine, an indication
only). Peak memory: the Python process's max RSS only (DuckDB runs in it; Spark's JVM
is not counted).

    flock /tmp/zc/bigbench.lock .venv/bin/python benchmarks/bench_region_engines.py
    .venv/bin/python benchmarks/bench_region_engines.py --factories 4 --meters 20 --days 31 --scale 2
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from zerocarbon.services.assessment.region_engine import assess_layout
from zerocarbon.services.assessment.region_export import FACTORY_SCHEMA, LAYOUT_FORMAT
from zerocarbon.timeseries import intervals as iv

TZ = "Asia/Shanghai"
Q = 900


def generate(out: Path, factories: int, meters: int, days: int) -> int:
    """Write a synthetic region layout to ``out``; returns the number of readings."""
    t0 = int(datetime(2023, 1, 1, tzinfo=ZoneInfo(TZ)).timestamp())
    n = days * 86_400 // Q
    con = duckdb.connect()
    listed = []
    total = 0
    for f in range(factories):
        fid = f"B{f:04d}"
        ids = list(range(f * meters + 1, f * meters + meters + 1))
        kinds = ["interval" if i % 2 else "cumulative" for i in ids]
        m = iv.conform(pa.table({
            "meter_id": ids, "code": [f"M{i}" for i in ids], "carrier": ["electricity"] * meters,
            "unit": ["kWh"] * meters, "energy_unit": ["kWh"] * meters, "register_kind": kinds,
            "multiplier": [10.0 if k == "interval" else 2.5 for k in kinds], "interval_seconds": [Q] * meters,
            "rollover_at": [None if k == "interval" else 1_000_000.0 for k in kinds],
            "is_virtual": [False] * meters, "steam_gauge": [False] * meters}), iv.METER_SCHEMA)
        part = f"region=基准/factory={fid}"
        for name, table in (("meters", m), ("events", iv.empty_events())):
            (out / name / part).mkdir(parents=True)
            pq.write_table(table, out / name / part / f"{name}.parquet")
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE g AS
            SELECT m.meter_id::BIGINT AS meter_id, ({t0} + k * {Q})::BIGINT AS ts,
                   CASE WHEN m.meter_id % 2 = 1 THEN 1.25 + (k % 7) * 0.5
                        ELSE ((999000 + m.meter_id + k * 0.75) % 1000000) END::DOUBLE AS value, 0::BIGINT AS flags
            FROM range({min(ids)}, {max(ids) + 1}) m(meter_id), range({n + 1}) r(k)
            WHERE NOT (m.meter_id % 2 = 1 AND k = {n})""")
        (out / "readings" / part).mkdir(parents=True)
        target = str(out / "readings" / part)
        con.execute(f"""COPY (SELECT *, year(timezone('{TZ}', to_timestamp(ts))) AS year,
                                 month(timezone('{TZ}', to_timestamp(ts))) AS month FROM g ORDER BY meter_id, ts)
                        TO '{target}' (FORMAT parquet, PARTITION_BY (year, month))""")
        count = int(con.execute("SELECT count(*) FROM g").fetchall()[0][0])
        total += count
        listed.append({"factory_id": fid, "name_zh": f"基准厂 {fid}", "name_en": f"bench {fid}", "province": "基准",
                       "timezone": TZ, "meters": meters, "readings": count})
    con.close()
    pq.write_table(pa.table({k: [str(r[k]) for r in listed] for k in FACTORY_SCHEMA.names}, schema=FACTORY_SCHEMA),
                   out / "factories.parquet")
    (out / "layout.json").write_text(json.dumps({"format": LAYOUT_FORMAT, "factories": listed}, ensure_ascii=False),
                                     encoding="utf-8")
    return total


def _timed(run: Any, repeat: int) -> tuple[dict[str, float], pa.Table]:
    t = time.perf_counter()
    first = run()
    cold = time.perf_counter() - t
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return {"cold_s": round(cold, 2), "median_s": round(statistics.median(times), 2), "min_s": round(min(times), 2),
            "max_s": round(max(times), 2)}, first.monthly


def _fit(points: list[tuple[int, float]]) -> tuple[float, float]:
    (x1, y1), (x2, y2) = points
    b = (y2 - y1) / (x2 - x1)
    return y1 - b * x1, b


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--factories", type=int, default=4)
    ap.add_argument("--meters", type=int, default=20)
    ap.add_argument("--days", type=int, default=31)
    ap.add_argument("--scale", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    from zerocarbon.timeseries.dialects_spark import spark_session

    work = Path(tempfile.mkdtemp(prefix="zc_region_bench_"))
    results: dict[str, Any] = {"machine_note": "shared 2-core machine; warm medians after one cold run",
                               "sizes": []}
    try:
        for factories in (args.factories, args.factories * args.scale):
            layout = work / f"f{factories}"
            readings = generate(layout, factories, args.meters, args.days)
            size: dict[str, Any] = {"factories": factories, "meters": factories * args.meters, "days": args.days,
                                    "readings": readings, "engines": {}}
            stats, reference = _timed(lambda: assess_layout(layout, 2023, "duckdb"), args.repeat)  # noqa: B023
            size["engines"]["duckdb"] = stats
            for cores in (1, 2):
                spark = spark_session(f"local[{cores}]", shuffle_partitions=2 * cores,
                                      extra={"spark.ui.showConsoleProgress": "false"})
                try:
                    stats, monthly = _timed(lambda: assess_layout(layout, 2023, "spark", spark=spark),  # noqa: B023
                                            args.repeat)
                finally:
                    spark.stop()
                stats["equal_to_duckdb"] = monthly.equals(reference)
                size["engines"][f"spark_local_{cores}"] = stats
            for stats in size["engines"].values():
                stats["s_per_billion_readings"] = round(stats["median_s"] / readings * 1e9)
            size["peak_rss_mb_python"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
            results["sizes"].append(size)
            print(json.dumps(size), flush=True)
        fits: dict[str, dict[str, Any]] = {}
        for engine in results["sizes"][0]["engines"]:
            a, b = _fit([(s["readings"], s["engines"][engine]["median_s"]) for s in results["sizes"]])
            fits[engine] = {"fixed_s": round(a, 2), "s_per_million_readings": round(b * 1e6, 3),
                            "crossover_readings": None}
        duck = fits["duckdb"]
        for engine, fit in fits.items():
            if engine == "duckdb":
                continue
            slope_gap = duck["s_per_million_readings"] - fit["s_per_million_readings"]
            fit["crossover_readings"] = (round((fit["fixed_s"] - duck["fixed_s"]) / slope_gap * 1e6)
                                         if slope_gap > 0 and fit["s_per_million_readings"] > 0 else None)
        results["linear_fit"] = fits
        print(json.dumps(results, ensure_ascii=False, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
