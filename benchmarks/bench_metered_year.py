"""Benchmark: the metered year of a large store, the project's path beside a direct DuckDB pass.

In one process, interleaved, ``--repeat`` times after one warm-up each: the project's metered year
(``services.metering.year.metered_year`` with ``estimate="linear"``: intervals, gaps, monthly
roll-ups with exact fixed-scale sums) and a reference written directly as one DuckDB query over
the same Parquet parts of the store's columnar cache (monthly exact sums per meter). The two must
agree exactly (DECIMAL(38,12) per meter and month, and the number of intervals). Prints one JSON
object: medians with min/max, the peak RSS of each run (the process's high-water mark is reset
before each run through ``/proc/self/clear_refs``), and the ratio project / reference, in wall
seconds and in CPU seconds of the process (all threads; on a machine shared with other work the
CPU ratio is the steadier one). Warm runs are reported (the first run of each path is the warm-up).

``--kept`` measures the roll-ups kept per meter and month (and the hour roll-ups kept next to the
store): the first request, a warm one, the first and a warm hourly request, then a new day's batch
(the day after the store's last reading, every meter; it CHANGES the store) and the requests after
it, each checked against a whole scan. For the day to fall inside the year, build the store with one
day fewer: ``bench_ingest.py --days 364 --keep --workdir /tmp/zc_b364``.

Two stores:

* interval registers: the store ``bench_ingest.py --keep`` builds (``--store /tmp/zc_bench/store.db``);
* counter registers: ``--build-counter DIR`` builds one (cumulative counters with multipliers, a
  roll-over value on every tenth meter, gaps on every seventh, one unexplained decrease).

``--save FILE`` keeps the project's result (monthly rows, gaps, unused) as JSON; ``--compare FILE``
checks that the current code gives exactly the same result (to compare two implementations).

    .venv/bin/python benchmarks/bench_ingest.py --meters 200 --keep --workdir /tmp/b200
    .venv/bin/python benchmarks/bench_metered_year.py --store /tmp/b200/store.db
    .venv/bin/python benchmarks/bench_metered_year.py --build-counter /tmp/c200 --meters 200
    .venv/bin/python benchmarks/bench_metered_year.py --store /tmp/c200/store.db --kind counter
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import resource
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

START = 1672502400  # 2023-01-01 00:00 Asia/Shanghai
STEP = 900
LOCAL = 8 * 3600    # Asia/Shanghai: UTC+8, no daylight saving time


def _reset_peak() -> None:
    gc.collect()
    with contextlib.suppress(OSError):  # resets the peak RSS (VmHWM) on Linux
        Path("/proc/self/clear_refs").write_text("5")


def _peak_mb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return -1


# ------------------------------------------------------------------------------ the counter store
def build_counter(workdir: Path, meters: int, days: int, seed: int = 11) -> dict[str, Any]:
    """A store of cumulative counters (see the module docstring); returns what it holds."""
    from zerocarbon.ingest.pipeline import IngestReport, close_batch, ingest_table, open_batch
    from zerocarbon.model.metering import FactorySetup
    from zerocarbon.store.db import migrate
    from zerocarbon.store.factories import save_factory_setup

    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    mults = ["1", "40", "0.5", "1.2"]
    codes = [f"C{i:05d}" for i in range(meters)]
    setup = FactorySetup.model_validate({
        "factory": {"id": "BENCH", "name_zh": "基准测试厂", "province": "江苏"},
        "nodes": [{"code": f"CC{c:02d}", "name_zh": f"成本中心{c}", "cost_centre": f"CC{c:02d}"} for c in range(20)],
        "meters": [{"code": code, "node": f"CC{i % 20:02d}", "carrier": "electricity", "unit": "kWh",
                    "register_kind": "cumulative", "multiplier": mults[i % 4],
                    "rollover_at": 100000 if i % 10 == 0 else None,
                    "category": "electricity_purchased", "cost_centre": f"CC{i % 20:02d}"}
                   for i, code in enumerate(codes)]})
    url = f"sqlite:///{workdir / 'store.db'}"
    migrate(url)
    save_factory_setup(setup, url)
    steps = days * 96 + 97  # the reading that closes the year's last interval, and a margin
    ts = START + np.arange(steps, dtype=np.int64) * STEP
    hour = ((ts + LOCAL) // 3600) % 24
    shape = np.where((hour >= 8) & (hour < 22), 1.0, 0.4)
    rng = np.random.default_rng(seed)
    source = workdir / "readings.parquet"
    schema = pa.schema([("meter", pa.string()), ("ts", pa.int64()), ("value", pa.float64())])
    rows = 0
    with pq.ParquetWriter(source, schema, compression="zstd") as writer:
        for first in range(0, meters, 50):
            group = range(first, min(first + 50, meters))
            parts = []
            for i in group:
                milli = np.round(shape * rng.uniform(2, 80) * rng.uniform(0.9, 1.1, steps) * 1000).astype(np.int64)
                counter = int(rng.integers(0, 90_000_000)) + np.cumsum(milli)
                if i % 10 == 0:
                    counter %= 100_000_000  # rolls over at 100000 [kWh]
                if i == 3:
                    counter[steps // 2:] -= 50_000  # an unexplained decrease of 50 kWh
                keep = np.ones(steps, dtype=bool)
                if i % 7 == 0:
                    for at in rng.integers(0, steps - 200, 4):
                        keep[at:at + int(rng.integers(1, 150))] = False
                parts.append(pa.table({"meter": pa.array([codes[i]] * int(keep.sum())), "ts": ts[keep],
                                       "value": counter[keep] / 1000}, schema=schema))
            table = pa.concat_tables(parts)
            rows += table.num_rows
            writer.write_table(table)
    now = int(ts[-1]) + 86400
    batch = open_batch("file", str(source), url=url, factory_id="BENCH")
    total = IngestReport(batch_id=batch)
    for record_batch in pq.ParquetFile(source).iter_batches(batch_size=200_000):
        total.add(ingest_table(pa.Table.from_batches([record_batch]), "BENCH", batch, "file", url, now=now))
    close_batch(total, url=url)
    source.unlink()
    return {"built": str(workdir / "store.db"), "rows": rows, "accepted": total.accepted, "rejected": total.rejected}


# ------------------------------------------------------------------------------------ the two paths
def project(url: str, factory: str, year: int) -> dict[str, Any]:
    from zerocarbon.services.metering.year import metered_year

    my = metered_year(factory, year, url, estimate="linear")
    monthly = my.monthly().sort_by([("meter_id", "ascending"), ("ts", "ascending")])
    return {"monthly": monthly, "gaps": my.gaps.sort_by([("meter_id", "ascending"), ("start", "ascending")]),
            "unused": my.unused}


def reference(url: str, factory: str, year: int, kind: str) -> dict[str, Any]:
    """Monthly exact sums per meter, one DuckDB query straight over the Parquet parts."""
    import duckdb

    from zerocarbon.store.columnar import cache_dir
    from zerocarbon.store.factories import load_meters

    root = cache_dir(url)
    assert root is not None
    files = sorted(str(p) for p in root.glob("batch-*/part-*.parquet"))
    meters = load_meters(factory, url).values()
    m = pa.table({"meter_id": [x.id for x in meters], "mult": [str(x.multiplier) for x in meters],
                  "roll": [None if x.rollover_at is None else str(x.rollover_at) for x in meters]})
    start = int(np.datetime64(f"{year}-01-01T00:00:00", "s").astype(np.int64)) - LOCAL
    end = int(np.datetime64(f"{year + 1}-01-01T00:00:00", "s").astype(np.int64)) - LOCAL
    month = f"strftime(to_timestamp(ts + {LOCAL}) AT TIME ZONE 'UTC', '%Y-%m')"
    con = duckdb.connect()
    con.register("m", m)
    if kind == "interval":
        sql = f"""
            SELECT meter_id, {month} AS period, sum(value::DECIMAL(38,6) * mult::DECIMAL(38,6)) AS x, count(*) AS n
            FROM read_parquet({files!r}) JOIN m USING (meter_id)
            WHERE ts >= {start} AND ts < {end} AND ts % {STEP} = 0 GROUP BY ALL"""
    else:
        sql = f"""
            WITH r AS (
              SELECT meter_id, ts, value::DECIMAL(38,6) AS v,
                     lag(ts) OVER w AS pts, lag(value::DECIMAL(38,6)) OVER w AS pv
              FROM read_parquet({files!r})
              WHERE ts >= {start - 86400 - STEP} AND ts < {end + 86400 + STEP} AND ts % {STEP} = 0
              WINDOW w AS (PARTITION BY meter_id ORDER BY ts)
            ), d AS (
              SELECT r.meter_id, r.pts, (r.ts - r.pts) // {STEP} AS span,
                     (CASE WHEN v >= pv THEN v - pv WHEN m.roll IS NOT NULL THEN v - pv + m.roll::DECIMAL(38,6) END)
                       * m.mult::DECIMAL(38,6) AS total
              FROM r JOIN m USING (meter_id) WHERE r.pts IS NOT NULL
            ), u AS (
              SELECT meter_id, pts + i * {STEP} AS ts,
                     CASE WHEN span = 1 THEN total
                          ELSE ((units // span + CASE WHEN i < units % span THEN 1 ELSE 0 END)::DECIMAL(38,0)
                                * 0.000000000001::DECIMAL(38,12)) END AS x
              FROM (SELECT *, (total * 1000000000000)::HUGEINT AS units, unnest(range(span)) AS i FROM d
                    WHERE total IS NOT NULL)
            )
            SELECT meter_id, {month} AS period, sum(x) AS x, count(*) AS n FROM u
            WHERE ts >= {start} AND ts < {end} GROUP BY ALL"""
    rows = con.sql(sql).fetchall()
    con.close()
    return {(int(a), str(b)): (Decimal(c), int(n)) for a, b, c, n in rows}


def agree(proj: dict[str, Any], ref: dict[tuple[int, str], tuple[Decimal, int]]) -> dict[str, Any]:
    """Exact agreement per meter and month (value_exact and the intervals summed)."""
    got = {(int(r["meter_id"]), str(r["period"])): (r["value_exact"], int(r["n_intervals"]))
           for r in proj["monthly"].to_pylist() if r["n_intervals"]}
    missing = sorted(set(ref) ^ set(got))[:5]
    differ = [(k, str(got[k][0]), str(ref[k][0]), got[k][1], ref[k][1]) for k in sorted(set(ref) & set(got))
              if got[k][0] is None or got[k][0] != ref[k][0] or got[k][1] != ref[k][1]][:5]
    return {"rows": len(got), "exact": not missing and not differ, "missing": missing, "differ": differ}


def as_json(result: dict[str, Any]) -> dict[str, Any]:
    """The project's result in a form that compares exactly (floats by repr, decimals as text)."""
    def rows(t: pa.Table) -> list[list[Any]]:
        return [[repr(v) if isinstance(v, float) else (str(v) if isinstance(v, Decimal) else v) for v in r.values()]
                for r in t.to_pylist()]
    return {"monthly_columns": result["monthly"].column_names, "monthly": rows(result["monthly"]),
            "gaps": rows(result["gaps"]), "unused": rows(result["unused"])}


def compare(new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """Everything equal exactly but the float ``value`` of monthly rows, which is compared relatively
    (the exact sums, counts, flags, gaps and unused readings must be identical)."""
    iv = new["monthly_columns"].index("value")
    rel = 0.0
    same = new["monthly_columns"] == old["monthly_columns"] and len(new["monthly"]) == len(old["monthly"])
    for a, b in zip(new["monthly"], old["monthly"], strict=False):
        same = same and a[:iv] + a[iv + 1:] == b[:iv] + b[iv + 1:]
        if a[iv] != b[iv]:
            x, y = float(a[iv]), float(b[iv])
            rel = max(rel, abs(x - y) / max(abs(y), 1e-300))
    return {"exact_equal": same and new["gaps"] == old["gaps"] and new["unused"] == old["unused"],
            "float_value_max_rel_diff": rel}


def _cpu() -> float:
    """CPU seconds of this process, all threads (user + system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


CPU: dict[str, list[float]] = {}


def timed(fn: Callable[[], Any], label: str = "") -> tuple[Any, float, int]:
    """(result, wall seconds, peak RSS [MB]); the CPU seconds go to ``CPU[label]``."""
    _reset_peak()
    c0 = _cpu()
    t0 = time.perf_counter()
    out = fn()
    wall = time.perf_counter() - t0
    CPU.setdefault(label, []).append(_cpu() - c0)
    return out, wall, _peak_mb()


def kept(url: str, factory: str, year: int) -> dict[str, Any]:
    """The metered year kept per meter and month in the store: the first request (scan and store), a
    warm one (read the pieces), and one after a new day's batch (the day after the store's last reading,
    every meter; it CHANGES the store). Each must equal the whole scan of the same readings."""
    from sqlalchemy import func, select

    from zerocarbon.ingest.pipeline import close_batch, ingest_table, open_batch
    from zerocarbon.services.metering.rollups import kept_year
    from zerocarbon.store import schema as sc
    from zerocarbon.store.db import transaction
    from zerocarbon.store.factories import load_meters

    def same(a: Any, b: Any) -> bool:
        key = [("meter_id", "ascending"), ("ts", "ascending")]
        return bool(a.monthly().sort_by(key).equals(b.monthly().sort_by(key)) and a.gaps.equals(b.gaps))

    out: dict[str, Any] = {}
    with transaction(url) as conn:
        conn.execute(sc.meter_rollup_state.delete())
        conn.execute(sc.meter_rollups.delete())
        last = int(conn.execute(select(func.max(sc.readings.c.ts))).scalar() or 0)
    from zerocarbon.store import rollup_files

    root = rollup_files.rollup_root(url)
    if root is not None:
        shutil.rmtree(root / factory, ignore_errors=True)
    first, t_first, rss_first = timed(lambda: kept_year(factory, year, url), "first")
    warm, t_warm, _ = timed(lambda: kept_year(factory, year, url), "warm")
    out.update(first_request_s=round(t_first, 2), first_request_cpu_s=round(CPU["first"][-1], 2),
               first_request_rss_mb=rss_first, warm_s=round(t_warm, 2))
    _, t_hours, rss_hours = timed(lambda: kept_year(factory, year, url, hourly=True), "hours")
    _, t_hours_warm, _ = timed(lambda: kept_year(factory, year, url, hourly=True), "hours_warm")
    out.update(first_hourly_request_s=round(t_hours, 2), first_hourly_request_rss_mb=rss_hours,
               warm_hourly_s=round(t_hours_warm, 2))
    codes = [m.code for m in load_meters(factory, url).values() if not m.is_virtual]
    day = [last + STEP * (i + 1) for i in range(96)]
    table = pa.table({"meter": [c for c in codes for _ in day], "ts": day * len(codes),
                      "value": [1.0] * (len(day) * len(codes))})

    def new_day() -> None:
        batch = open_batch("file", "new day", url=url, factory_id=factory)
        close_batch(ingest_table(table, factory, batch, "file", url, now=day[-1] + 86400), url=url)

    _, t_ingest, _ = timed(new_day, "ingest")
    after, t_day, _ = timed(lambda: kept_year(factory, year, url), "day")
    _, t_day_hours, _ = timed(lambda: kept_year(factory, year, url, hourly=True), "day_hours")
    out["new_day_ingest_s"] = round(t_ingest, 2)
    out["new_day_ingest_cpu_s"] = round(CPU["ingest"][-1], 2)
    whole = project(url, factory, year)
    key = [("meter_id", "ascending"), ("ts", "ascending")]
    out.update(new_day=time.strftime("%Y-%m-%d", time.gmtime(day[0] + 8 * 3600)),
               new_day_in_year=bool(str(year) == time.strftime("%Y", time.gmtime(day[0] + 8 * 3600))),
               new_day_rows=table.num_rows, new_day_s=round(t_day, 2), new_day_cpu_s=round(CPU["day"][-1], 2),
               hourly_after_new_day_s=round(t_day_hours, 2),
               first_equals_warm=bool(same(first, warm)),
               new_day_monthly_equals_whole_scan=bool(after.monthly().sort_by(key).equals(whole["monthly"].sort_by(key))),
               new_day_gaps_equal_whole_scan=bool(after.gaps.equals(whole["gaps"])))
    if not out["new_day_monthly_equals_whole_scan"]:
        a, b = after.monthly().sort_by(key).to_pylist(), whole["monthly"].sort_by(key).to_pylist()
        out["first_difference"] = next(({k: [str(x[k]), str(y[k])] for k in x if x[k] != y[k]} for x, y
                                         in zip(a, b, strict=False) if x != y), f"rows {len(a)} vs {len(b)}")
    return out


def summary(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2), "max": round(max(values), 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", type=Path, default=Path("/tmp/zc_bench/store.db"))
    ap.add_argument("--kind", choices=("interval", "counter"), default="interval")
    ap.add_argument("--factory", default="BENCH")
    ap.add_argument("--year", type=int, default=2023)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--build-counter", type=Path, help="build a counter store in this folder and exit")
    ap.add_argument("--meters", type=int, default=2000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--save", type=Path, help="write the project's result as JSON")
    ap.add_argument("--compare", type=Path, help="compare the project's result with a saved one")
    ap.add_argument("--kept", action="store_true", help="measure the kept roll-ups (adds a day to the store)")
    args = ap.parse_args()
    if args.build_counter:
        print(json.dumps(build_counter(args.build_counter, args.meters, args.days)))
        return
    if not args.store.exists():
        sys.exit(f"no store at {args.store}: run benchmarks/bench_ingest.py --keep (or --build-counter) first")
    url = f"sqlite:///{args.store.resolve()}"
    if args.kept:
        print(json.dumps({"benchmark": "metered_year_kept", "store": url, **kept(url, args.factory, args.year)}))
        return
    times: dict[str, list[float]] = {"project": [], "reference": []}
    peaks: dict[str, list[int]] = {"project": [], "reference": []}
    proj: Any = None
    ref: Any = None
    for i in range(args.repeat + 1):  # the first round is the warm-up
        labels = ("project", "reference") if i else ("warm-up project", "warm-up reference")
        proj, t_p, rss_p = timed(lambda: project(url, args.factory, args.year), labels[0])
        ref, t_r, rss_r = timed(lambda: reference(url, args.factory, args.year, args.kind), labels[1])
        print(json.dumps({"round": i, "project_s": round(t_p, 2), "reference_s": round(t_r, 2),
                          "project_cpu_s": round(CPU[labels[0]][-1], 2),
                          "reference_cpu_s": round(CPU[labels[1]][-1], 2),
                          "project_rss_mb": rss_p, "reference_rss_mb": rss_r}), file=sys.stderr, flush=True)
        if i:
            times["project"].append(t_p)
            times["reference"].append(t_r)
            peaks["project"].append(rss_p)
            peaks["reference"].append(rss_r)
    out: dict[str, Any] = {
        "benchmark": "metered_year", "kind": args.kind, "store": url, "warm": True, "repeat": args.repeat,
        "project_seconds": summary(times["project"]), "reference_seconds": summary(times["reference"]),
        "project_peak_rss_mb": max(peaks["project"]), "reference_peak_rss_mb": max(peaks["reference"]),
        "ratio": round(statistics.median(times["project"]) / statistics.median(times["reference"]), 2),
        "project_cpu_seconds": summary(CPU["project"]), "reference_cpu_seconds": summary(CPU["reference"]),
        "cpu_ratio": round(statistics.median(CPU["project"]) / statistics.median(CPU["reference"]), 2),
        "agreement": agree(proj, ref), "monthly_rows": proj["monthly"].num_rows, "gaps": proj["gaps"].num_rows,
    }
    if args.save:
        args.save.write_text(json.dumps(as_json(proj)), encoding="utf-8")
    if args.compare:
        out["versus_saved"] = compare(as_json(proj), json.loads(args.compare.read_text(encoding="utf-8")))
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main()
