"""Benchmark: hourly carbon accounting over the 70-million-row store of bench_ingest.py, DuckDB vs pandas.

The query, written once per engine: 15-minute readings → energy per meter and hour [MWh] (× the
meter's multiplier) → join with an hourly grid-intensity table [tCO2/MWh] → carbon per hour ×
source (meter) and per month (Asia/Shanghai) × cost centre. Both engines start from the same
columnar data (the store's current readings: Parquet cache ∪ live rows, corrections applied) and
must agree; each runs in its own process so its peak memory (RSS) is its own. One warm-up, then
``--repeat`` runs; medians with min/max.

    .venv/bin/python benchmarks/bench_ingest.py --keep        # builds /tmp/zc_bench/store.db (~2.5 min)
    .venv/bin/python benchmarks/bench_hourly_carbon.py [--workdir /tmp/zc_bench] [--repeat 3]
    .venv/bin/python benchmarks/bench_hourly_carbon.py --project   # the project's path beside the reference

With ``--project`` the project's own hourly carbon runs beside the DuckDB reference: cold (the roll-ups
kept for the factory forgotten first, so the readings are scanned whole and the roll-ups kept), from
the kept hour roll-ups (the hour × meter table, then month × cost centre as the reference does), and the
project's month × cost-centre totals computed in the engine (``project-totals``); the month × cost-centre
totals must agree with the reference to 1e-9.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

START = 1672502400  # 2023-01-01 00:00 Asia/Shanghai
HOURS = 8760
LOCAL = 8 * 3600  # Asia/Shanghai has no daylight saving time


def factor_series() -> pa.Table:
    """A synthetic hourly grid intensity for 2023 [tCO2/MWh] (a benchmark input, not a published factor)."""
    hours = START + np.arange(HOURS, dtype=np.int64) * 3600
    local_hour = ((hours + LOCAL) // 3600) % 24
    value = 0.58 - 0.12 * np.clip(np.sin((local_hour - 6) / 12 * np.pi), 0, None)
    return pa.table({"ts": hours, "value": value})


def meters_table(url: str) -> pa.Table:
    from zerocarbon.store.factories import load_meters

    rows = load_meters("BENCH", url).values()
    return pa.table({"meter_id": [m.id for m in rows], "multiplier": [m.multiplier for m in rows],
                     "cost_centre": [m.cost_centre for m in rows]})


def run_duckdb(url: str) -> dict[str, Any]:
    import duckdb

    from zerocarbon.store.columnar import register_current

    t0 = time.perf_counter()
    con = duckdb.connect()
    register_current(con, "current", None, START, START + HOURS * 3600, url)
    con.register("meters", meters_table(url))
    con.register("factors", factor_series())
    con.execute("""
        CREATE TEMP TABLE hourly AS
        SELECT h.meter_id, h.hour, h.mwh * f.value AS tco2, h.mwh
        FROM (SELECT c.meter_id, (c.ts // 3600) * 3600 AS hour, SUM(c.value) * ANY_VALUE(m.multiplier) / 1000 AS mwh
              FROM current c JOIN meters m USING (meter_id) GROUP BY c.meter_id, hour) h
        JOIN factors f ON f.ts = h.hour""")
    monthly = con.sql(f"""
        SELECT strftime(to_timestamp(hour + {LOCAL}), '%Y-%m') AS month, m.cost_centre, SUM(tco2) AS tco2
        FROM hourly JOIN meters m USING (meter_id) GROUP BY ALL ORDER BY month, cost_centre""").fetchall()
    per_hour = con.execute("SELECT COUNT(*), SUM(tco2) FROM hourly").fetchone()
    seconds = time.perf_counter() - t0
    assert per_hour is not None
    return {"seconds": seconds, "hourly_rows": per_hour[0], "total_tco2": per_hour[1],
            "monthly": [[m, c, round(v, 6)] for m, c, v in monthly]}


def run_pandas(url: str) -> dict[str, Any]:
    from zerocarbon.store.readings import read_current

    t0 = time.perf_counter()
    readings = read_current(None, START, START + HOURS * 3600, url).to_pandas()
    loaded = time.perf_counter()
    meters = meters_table(url).to_pandas()
    factors = factor_series().to_pandas().rename(columns={"ts": "hour", "value": "ef"})
    readings["hour"] = readings["ts"] // 3600 * 3600
    hourly = readings.groupby(["meter_id", "hour"], sort=False)["value"].sum().reset_index()
    hourly = hourly.merge(meters, on="meter_id")
    hourly["mwh"] = hourly["value"] * hourly["multiplier"] / 1000
    hourly = hourly.merge(factors, on="hour")
    hourly["tco2"] = hourly["mwh"] * hourly["ef"]
    hourly["month"] = (hourly["hour"] + LOCAL).astype("datetime64[s]").dt.strftime("%Y-%m")
    monthly = hourly.groupby(["month", "cost_centre"])["tco2"].sum().reset_index().sort_values(["month", "cost_centre"])
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "load_seconds": loaded - t0, "query_seconds": seconds - (loaded - t0),
            "hourly_rows": len(hourly), "total_tco2": float(hourly["tco2"].sum()),
            "monthly": [[m, c, round(v, 6)] for m, c, v in monthly.itertuples(index=False)]}


def run_project(url: str, kept: bool) -> dict[str, Any]:
    """The project's hourly carbon (``services.metering.activity.hourly_carbon``: intervals with gaps and
    exact sums, hour roll-ups, the factor of each hour, the trace) with the benchmark's series, then
    month × cost centre as the reference does. ``kept=False`` forgets the roll-ups kept for the factory
    first (a cold store: one whole scan, which keeps them); ``kept=True`` reads those kept."""
    import duckdb
    import pyarrow.compute as pc

    from zerocarbon.services.metering.activity import hourly_carbon
    from zerocarbon.store import rollup_files
    from zerocarbon.store import schema as sc
    from zerocarbon.store.db import transaction

    if not kept:
        with transaction(url) as conn:
            conn.execute(sc.meter_rollup_state.delete().where(sc.meter_rollup_state.c.factory_id == "BENCH"))
            conn.execute(sc.meter_rollups.delete().where(sc.meter_rollups.c.factory_id == "BENCH"))
        root = rollup_files.rollup_root(url)
        if root is not None:
            import shutil
            shutil.rmtree(root / "BENCH", ignore_errors=True)
    series = factor_series()
    series = pa.table({"series": pa.array(["bench"] * series.num_rows), "ts": series["ts"], "value": series["value"],
                       "source": pa.array(["synthetic (benchmark input)"] * series.num_rows)})
    t0 = time.perf_counter()
    carbon = hourly_carbon("BENCH", 2023, url, series)
    con = duckdb.connect()
    con.register("c", carbon.select(["meter_id", "ts", "cost_centre", "co2_t"]))
    monthly = con.sql(f"""
        SELECT strftime(to_timestamp(ts + {LOCAL}), '%Y-%m') AS month, cost_centre::VARCHAR AS cc, SUM(co2_t)
        FROM c GROUP BY ALL ORDER BY month, cc""").fetchall()
    seconds = time.perf_counter() - t0
    total = pc.sum(carbon["co2_t"]).as_py()
    return {"seconds": seconds, "hourly_rows": carbon.num_rows, "total_tco2": total,
            "monthly": [[m, c, round(v, 6)] for m, c, v in monthly]}


def run_project_totals(url: str) -> dict[str, Any]:
    """The project's month × cost-centre totals from the kept hour roll-ups
    (:func:`zerocarbon.timeseries.carbon_totals.hourly_carbon_totals`, what ``GET …/hourly-carbon/{year}/totals``
    runs): each hour at its factor, summed in the engine as exact decimals; only the totals leave DuckDB."""
    from zerocarbon.services.metering.hourly_export import prepare
    from zerocarbon.timeseries.carbon_totals import hourly_carbon_totals

    series = factor_series()
    series = pa.table({"series": pa.array(["bench"] * series.num_rows), "ts": series["ts"], "value": series["value"],
                       "source": pa.array(["synthetic (benchmark input)"] * series.num_rows)})
    t0 = time.perf_counter()
    p = prepare("BENCH", 2023, url, estimate=None)  # the roll-ups project-kept reads (no gap estimate)
    totals = hourly_carbon_totals(p.hours, p.factors, series, year=2023, tz=p.factory.timezone,
                                  by=("month", "cost_centre"))
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "hourly_rows": int(sum(totals["hours"].to_pylist())),
            "total_tco2": sum(totals["co2_t"].to_pylist()),
            "monthly": [[r["month"], r["cost_centre"], round(r["co2_t"], 6)] for r in totals.to_pylist()]}


def child(engine: str, url: str) -> None:
    if engine == "duckdb":
        result = run_duckdb(url)
    elif engine == "pandas":
        result = run_pandas(url)
    elif engine == "project-totals":
        result = run_project_totals(url)
    else:
        result = run_project(url, kept=engine == "project-kept")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024)
    result["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 2)
    print(json.dumps(result))


def measure(engine: str, url: str, repeat: int) -> list[dict[str, Any]]:
    runs = []
    for _ in range(repeat + 1):  # the first is the warm-up (page cache, Parquet metadata)
        out = subprocess.run([sys.executable, __file__, "--child", engine, "--url", url], capture_output=True,
                             text=True, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return runs[1:]


def summary(runs: list[dict[str, Any]], key: str = "seconds") -> dict[str, float]:
    values = [r[key] for r in runs]
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2), "max": round(max(values), 2)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/zc_bench"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--child", choices=("duckdb", "pandas", "project-cold", "project-kept", "project-totals"))
    ap.add_argument("--url")
    ap.add_argument("--project", action="store_true",
                    help="the project's hourly carbon (cold and from kept roll-ups) beside the DuckDB reference")
    args = ap.parse_args()
    if args.child:
        child(args.child, args.url)
        return
    url = f"sqlite:///{args.workdir / 'store.db'}"
    if not (args.workdir / "store.db").exists():
        sys.exit("run benchmarks/bench_ingest.py --keep first")
    if args.project:
        print(json.dumps(project_side_by_side(url, args.repeat)))
        return
    duck = measure("duckdb", url, args.repeat)
    pand = measure("pandas", url, args.repeat)
    agree = duck[0]["monthly"] == pand[0]["monthly"] or all(
        a[:2] == b[:2] and abs(a[2] - b[2]) <= 1e-6 * abs(b[2]) for a, b in zip(duck[0]["monthly"], pand[0]["monthly"],
                                                                                  strict=True))
    print(json.dumps({
        "benchmark": "hourly_carbon", "readings": "70M (2000 meters x 35040)" if "zc_bench" in str(args.workdir)
        else str(args.workdir), "hourly_rows": duck[0]["hourly_rows"], "warm": True, "repeat": args.repeat,
        "duckdb_seconds": summary(duck), "duckdb_peak_rss_mb": max(r["peak_rss_mb"] for r in duck),
        "pandas_seconds": summary(pand), "pandas_load_seconds": summary(pand, "load_seconds"),
        "pandas_query_seconds": summary(pand, "query_seconds"),
        "pandas_peak_rss_mb": max(r["peak_rss_mb"] for r in pand),
        "speedup_vs_pandas": round(statistics.median(r["seconds"] for r in pand)
                                   / statistics.median(r["seconds"] for r in duck), 1),
        "results_agree": agree, "total_tco2": round(duck[0]["total_tco2"], 3),
    }))


def project_side_by_side(url: str, repeat: int) -> dict[str, Any]:
    """The project's path and the reference interleaved, each run in its own process; ratios of medians
    (wall and CPU seconds: CPU time is the fairer comparison on a machine shared with other work)."""
    runs: dict[str, list[dict[str, Any]]] = {"duckdb": [], "project-cold": [], "project-kept": [], "project-totals": []}
    for i in range(repeat + 1):  # the first round is the warm-up
        for engine in runs:
            out = subprocess.run([sys.executable, __file__, "--child", engine, "--url", url], capture_output=True,
                                 text=True, check=True)
            result = json.loads(out.stdout.strip().splitlines()[-1])
            print(json.dumps({"round": i, "engine": engine, "seconds": round(result["seconds"], 2),
                              "cpu_seconds": result["cpu_seconds"], "peak_rss_mb": result["peak_rss_mb"]}),
                  file=sys.stderr, flush=True)
            if i:
                runs[engine].append(result)
    ref = runs["duckdb"]

    def agree(a: list[list[Any]], b: list[list[Any]]) -> bool:
        return len(a) == len(b) and all(x[:2] == y[:2] and abs(x[2] - y[2]) <= 1e-9 * max(abs(y[2]), 1e-12)
                                        for x, y in zip(a, b, strict=True))

    def med(rs: list[dict[str, Any]], key: str) -> float:
        return float(statistics.median(r[key] for r in rs))

    out: dict[str, Any] = {"benchmark": "hourly_carbon_project", "store": url, "repeat": repeat,
                           "reference": {"seconds": summary(ref), "cpu_seconds": summary(ref, "cpu_seconds"),
                                         "peak_rss_mb": max(r["peak_rss_mb"] for r in ref)}}
    for engine in ("project-cold", "project-kept", "project-totals"):
        rs = runs[engine]
        out[engine] = {"seconds": summary(rs), "cpu_seconds": summary(rs, "cpu_seconds"),
                       "peak_rss_mb": max(r["peak_rss_mb"] for r in rs),
                       "ratio": round(med(rs, "seconds") / med(ref, "seconds"), 2),
                       "cpu_ratio": round(med(rs, "cpu_seconds") / med(ref, "cpu_seconds"), 2),
                       "hourly_rows": rs[0]["hourly_rows"], "agree": agree(rs[0]["monthly"], ref[0]["monthly"])}
    return out


if __name__ == "__main__":
    main()
