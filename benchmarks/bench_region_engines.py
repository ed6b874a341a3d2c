"""Benchmark: a region's metered totals on DuckDB against Spark local mode (1 and 2 cores), at two sizes.

Generates the synthetic region with ``zerocarbon region generate``
(:func:`zerocarbon.services.assessment.region_generate.generate_region`: the layout of ``zerocarbon region
export``, 15-minute meters in the tests' mix of interval registers and counters with multipliers, a missing interval,
a hole, a roll-over and a replacement) of ``--factories`` × ``--meters`` over ``--days`` local days, at two sizes
(the second ``--scale`` times the first in factories). Then per size runs
:func:`zerocarbon.services.assessment.region_engine.assess_layout` (``estimate="linear"``, as the regional view)
with DuckDB (in process; DuckDB uses every core, 2 here), Spark ``local[1]`` and Spark ``local[2]`` (on one machine
the executors are local cores), one cold run then ``--repeat`` warm runs (DuckDB: at least 2), each engine in its
own session; with ``--repeat 0`` a Spark engine's figure is its cold run in a fresh session, which is what one
``zerocarbon region assess`` costs. Checks
that every engine's monthly totals equal DuckDB's exactly. Then, once per size, the portfolio
(:func:`zerocarbon.services.assessment.region_portfolio.region_portfolio`: each factory's inventory and verdict
from the totals, in Python, the same whichever engine made the totals).

Prints one JSON object: per size and engine the warm median, min and max seconds and the cold run, readings per
second (readings / median), seconds per billion readings (median / readings × 10⁹, wall clock) and core-hours
per billion readings (the same × cores used ÷ 3600: the cost a machine billed per core-hour would charge); a linear
fit time = a + b · readings per engine through the two sizes, and the crossover size where Spark's line falls below
DuckDB's (none when its slope is not smaller: two points on a shared machine, an indication only). Peak memory: the
Python process's max RSS only (DuckDB runs in it; Spark's JVM is not counted).

    flock /tmp/zc/bigbench.lock .venv/bin/python benchmarks/bench_region_engines.py \
        --factories 1 --meters 200 --days 365 --scale 3 --repeat 0
    .venv/bin/python benchmarks/bench_region_engines.py --factories 2 --meters 20 --days 31 --scale 2
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from zerocarbon.services.assessment.region_engine import assess_layout, read_layout
from zerocarbon.services.assessment.region_generate import generate_region
from zerocarbon.services.assessment.region_portfolio import region_portfolio

CORES = {"duckdb": 2, "spark_local_1": 1, "spark_local_2": 2}


def _timed(run: Any, repeat: int) -> tuple[dict[str, Any], Any]:
    t = time.perf_counter()
    first = run()
    cold = time.perf_counter() - t
    times = [] if repeat else [cold]  # --repeat 0: the cold run is the figure (what one `region assess` pays)
    for _ in range(repeat):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return {"cold_s": round(cold, 2), "median_s": round(statistics.median(times), 2), "min_s": round(min(times), 2),
            "max_s": round(max(times), 2)}, first


def _fit(points: list[tuple[int, float]]) -> tuple[float, float]:
    (x1, y1), (x2, y2) = points
    b = (y2 - y1) / (x2 - x1)
    return y1 - b * x1, b


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--factories", type=int, default=2)
    ap.add_argument("--meters", type=int, default=20)
    ap.add_argument("--days", type=int, default=31)
    ap.add_argument("--scale", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--driver-memory", default="4g")
    ap.add_argument("--work", type=Path, default=None, help="folder for the layouts (default: a temporary one)")
    args = ap.parse_args()
    from zerocarbon.timeseries.dialects_spark import spark_session

    work = Path(tempfile.mkdtemp(prefix="zc_region_bench_", dir=args.work))
    results: dict[str, Any] = {"machine_note": "shared 2-core machine; warm medians after one cold run",
                               "args": vars(args) | {"work": str(args.work)}, "sizes": []}
    try:
        for factories in (args.factories, args.factories * args.scale):
            layout = work / f"f{factories}"
            gen = generate_region(layout, factories, args.meters, args.days, seed=1)
            readings = gen.readings
            size: dict[str, Any] = {"factories": factories, "meters": gen.meters, "days": args.days,
                                    "readings": readings, "layout_mb": round(gen.bytes / 1e6, 1),
                                    "generate_s": round(gen.seconds, 2), "engines": {}}
            stats, reference = _timed(lambda: assess_layout(layout, 2023, "duckdb", estimate="linear"),  # noqa: B023
                                      max(args.repeat, 2))
            size["engines"]["duckdb"] = stats
            for cores in (1, 2):
                spark = spark_session(f"local[{cores}]", shuffle_partitions=2 * cores,
                                      extra={"spark.ui.showConsoleProgress": "false",
                                             "spark.driver.memory": args.driver_memory})
                try:
                    stats, totals = _timed(lambda: assess_layout(layout, 2023, "spark", spark=spark,  # noqa: B023
                                                                 estimate="linear"), args.repeat)
                finally:
                    spark.stop()
                stats["equal_to_duckdb"] = totals.monthly.equals(reference.monthly)
                size["engines"][f"spark_local_{cores}"] = stats
            for engine, stats in size["engines"].items():
                stats["readings_per_s"] = round(readings / stats["median_s"])
                stats["s_per_billion_readings"] = round(stats["median_s"] / readings * 1e9)
                stats["core_hours_per_billion_readings"] = round(stats["median_s"] * CORES[engine] / readings
                                                                 * 1e9 / 3600, 2)
            t = time.perf_counter()
            folio = region_portfolio(reference, read_layout(layout))
            size["portfolio_s"] = round(time.perf_counter() - t, 2)
            size["portfolio_errors"] = sum("error" in r for r in folio["rows"])
            size["peak_rss_mb_python"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
            results["sizes"].append(size)
            print(json.dumps(size), flush=True)
            shutil.rmtree(layout, ignore_errors=True)
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
