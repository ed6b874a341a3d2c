"""Benchmark: the year's inventory from the meter data of a large store (``zerocarbon inventory --factory``).

Runs, in a fresh process each, the stages behind the dashboard's inventory pages over the store
that ``bench_ingest.py --keep`` leaves (2,000 meters × one year of 15-minute readings = 70 M rows,
factory ``BENCH``): the metered year (intervals chunk by chunk of meters, monthly roll-ups), the
activity lines, and the whole ``run_store_inventory`` (with the Monte Carlo uncertainty); and the
hourly roll-up of the year for hourly carbon. Prints one JSON object with seconds and the peak RSS
of each stage's process, the chunk size, and the inventory's total, to show that memory stays
bounded by the chunk rather than growing with the meters × intervals. The stage ``reference`` is the
direct one-pass DuckDB query of ``bench_metered_year.py`` (monthly exact sums per meter); the ratio of
each stage to it is printed. ``run_store_inventory_cold`` forgets the roll-ups kept for the factory
first (a whole scan, which keeps them); ``run_store_inventory`` then reads them.

    .venv/bin/python benchmarks/bench_ingest.py --keep        # once: builds /tmp/zc_bench/store.db
    .venv/bin/python benchmarks/bench_store_inventory.py [--store /tmp/zc_bench/store.db]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

STAGES = ("reference", "metered_year", "activity_lines", "run_store_inventory_cold", "run_store_inventory", "hourly")


def _forget_kept(url: str, factory: str) -> None:
    """Forget the roll-ups kept for ``factory`` (monthly in the store, hourly next to it): a cold store."""
    import shutil

    from zerocarbon.store import rollup_files
    from zerocarbon.store import schema as sc
    from zerocarbon.store.db import transaction

    with transaction(url) as conn:
        conn.execute(sc.meter_rollup_state.delete().where(sc.meter_rollup_state.c.factory_id == factory))
        conn.execute(sc.meter_rollups.delete().where(sc.meter_rollups.c.factory_id == factory))
    root = rollup_files.rollup_root(url)
    if root is not None:
        shutil.rmtree(root / factory, ignore_errors=True)


def child(stage: str, url: str, factory: str, year: int) -> dict[str, Any]:
    from zerocarbon.services.inventory.runs import run_store_inventory
    from zerocarbon.services.metering import activity as mi
    from zerocarbon.services.metering import year as metered

    t0 = time.perf_counter()
    out: dict[str, Any] = {"stage": stage, "chunk_readings": metered.CHUNK_READINGS}
    if stage == "reference":  # the direct one-pass DuckDB query of bench_metered_year.py (monthly exact sums)
        sys.path.insert(0, str(Path(__file__).parent))
        from bench_metered_year import reference

        out["monthly_rows"] = len(reference(url, factory, year, "interval"))
    elif stage == "metered_year":
        my = metered.metered_year(factory, year, url, estimate="linear")
        out.update(monthly_rows=my.monthly().num_rows, gaps=my.gaps.num_rows)
    elif stage == "activity_lines":
        out["lines"] = len(mi.activity_from_meters(factory, year, url, estimate="linear"))
    elif stage in ("run_store_inventory", "run_store_inventory_cold"):
        if stage.endswith("_cold"):
            _forget_kept(url, factory)
            t0 = time.perf_counter()
        run = run_store_inventory(factory, year, url=url)
        out.update(lines=len(run.inventory.lines), scope2_location_tco2=str(run.inventory.totals.scope2_location))
    else:
        my = metered.metered_year(factory, year, url, estimate="linear", hourly=True)
        out["hourly_rows"] = my.hourly().num_rows
    out["seconds"] = round(time.perf_counter() - t0, 2)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 2)  # the whole child process (imports too)
    out["peak_rss_mb"] = round(usage.ru_maxrss / 1024)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", type=Path, default=Path("/tmp/zc_bench/store.db"))
    ap.add_argument("--factory", default="BENCH")
    ap.add_argument("--year", type=int, default=2023)
    ap.add_argument("--stages", default=",".join(STAGES))
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    url = f"sqlite:///{args.store.resolve()}"
    if args.child:
        print(json.dumps(child(args.child, url, args.factory, args.year)))
        return
    if not args.store.exists():
        sys.exit(f"no store at {args.store}: run benchmarks/bench_ingest.py --keep first")
    results = []
    for stage in args.stages.split(","):
        proc = subprocess.run([sys.executable, __file__, "--store", str(args.store), "--factory", args.factory,
                               "--year", str(args.year), "--child", stage], capture_output=True, text=True)
        if proc.returncode:
            results.append({"stage": stage, "error": proc.stderr.strip().splitlines()[-1:], "rc": proc.returncode})
        else:
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    ref = next((r for r in results if r.get("stage") == "reference" and "seconds" in r), None)
    ratios = {r["stage"]: round(r["seconds"] / ref["seconds"], 2) for r in results
              if ref is not None and "seconds" in r and r["stage"] != "reference"}
    print(json.dumps({"benchmark": "store_inventory", "store": url, "factory": args.factory, "year": args.year,
                      "stages": results, "ratio_to_reference": ratios}))


if __name__ == "__main__":
    main()
