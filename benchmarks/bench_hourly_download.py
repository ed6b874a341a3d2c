"""Benchmark: peak memory of serving a factory's whole hourly carbon (meter × hour) through the API, streamed.

On the store of bench_ingest.py (2,000 meters, factory BENCH, 2023: 17.5 M hour rows) the route
``GET /api/v1/factories/BENCH/hourly-carbon/2023?format=csv|parquet`` is called in-process as a server would
call it (ASGI; the caller is an admin, given by a dependency override, so nothing is written to the store), and
every body chunk is consumed and dropped. Each run is its own process, so its peak RSS is its own; the RSS is
also sampled before the first chunk (after the year and its factors are loaded) and at every chunk. The peer
is the in-memory path: ``services.metering.activity.hourly_carbon`` (the whole table) written as CSV.
The hour roll-ups must be kept first (``--child keep``, run once: a whole scan of the readings when none are).

    .venv/bin/python benchmarks/bench_ingest.py --keep                       # /tmp/zc_bench/store.db
    flock /tmp/zc/bigbench.lock .venv/bin/python benchmarks/bench_hourly_download.py [--workdir /tmp/zc_bench]
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

FACTORY, YEAR = "BENCH", 2023


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def keep(url: str) -> dict[str, Any]:
    from zerocarbon.services.metering.rollups import kept_year

    t0 = time.perf_counter()
    my = kept_year(FACTORY, YEAR, url, hourly=True)
    return {"seconds": round(time.perf_counter() - t0, 2), "hour_files": len(my.hour_parts or ())}


def stream(url: str, fmt: str) -> dict[str, Any]:
    import anyio

    from zerocarbon.api.app import create_app
    from zerocarbon.api.deps import Principal, get_principal
    from zerocarbon.api.settings import Settings

    app = create_app(Settings(database_url=url, environment="development"))
    admin = Principal(kind="user", user_id=1, username="bench", role="admin", factories=frozenset({FACTORY}))
    app.dependency_overrides[get_principal] = lambda: admin
    path = f"/api/v1/factories/{FACTORY}/hourly-carbon/{YEAR}"
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": f"format={fmt}".encode(), "root_path": "",
             "headers": [], "client": ("127.0.0.1", 50000), "server": ("bench", 80)}
    stats: dict[str, Any] = {"status": None, "chunks": 0, "bytes": 0, "lines": 0, "max_chunk": 0,
                             "rss_first_chunk_mb": None, "rss_max_sampled_mb": 0.0}
    requested: list[bool] = []

    async def receive() -> dict[str, Any]:
        if requested:
            await anyio.sleep_forever()
        requested.append(True)
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            stats["status"] = message["status"]
        elif message["type"] == "http.response.body" and message.get("body"):
            body = message["body"]
            stats["chunks"] += 1
            stats["bytes"] += len(body)
            stats["lines"] += body.count(b"\n")
            stats["max_chunk"] = max(stats["max_chunk"], len(body))
            rss = rss_mb()
            if stats["rss_first_chunk_mb"] is None:
                stats["rss_first_chunk_mb"] = round(rss)
            stats["rss_max_sampled_mb"] = max(stats["rss_max_sampled_mb"], rss)

    async def call() -> None:
        await app(scope, receive, send)

    t0 = time.perf_counter()
    anyio.run(call)
    stats["seconds"] = round(time.perf_counter() - t0, 2)
    stats["rss_max_sampled_mb"] = round(stats["rss_max_sampled_mb"])
    if fmt != "csv":
        stats.pop("lines")
    return stats


def in_memory(url: str) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from zerocarbon.services.metering.activity import hourly_carbon

    t0 = time.perf_counter()
    table = hourly_carbon(FACTORY, YEAR, url)
    rss_table = rss_mb()
    plain = pa.table({name: (col.cast(pa.string()) if pa.types.is_dictionary(col.type) else col)
                      for name, col in zip(table.column_names, table.columns, strict=True)})
    with open("/dev/null", "wb") as sink:
        pacsv.write_csv(plain, sink)
    return {"seconds": round(time.perf_counter() - t0, 2), "rows": table.num_rows,
            "rss_with_table_mb": round(rss_table)}


def child(mode: str, url: str) -> None:
    result: dict[str, Any] = {"mode": mode}
    if mode == "keep":
        result |= keep(url)
    elif mode == "memory":
        result |= in_memory(url)
    else:
        result |= stream(url, mode.removeprefix("stream-"))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024)
    result["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 2)
    print(json.dumps(result))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/zc_bench"))
    ap.add_argument("--child", choices=("keep", "memory", "stream-csv", "stream-parquet", "stream-ndjson"))
    ap.add_argument("--url")
    ap.add_argument("--modes", default="keep,stream-csv,stream-parquet,memory")
    args = ap.parse_args()
    url = args.url or f"sqlite:///{args.workdir / 'store.db'}"
    if args.child:
        child(args.child, url)
        return
    runs = []
    for mode in args.modes.split(","):
        out = subprocess.run([sys.executable, __file__, "--child", mode, "--url", url], capture_output=True,
                             text=True, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(runs[-1]), file=sys.stderr)
    print(json.dumps({"benchmark": "hourly_download", "store": url, "factory": FACTORY, "year": YEAR,
                      "warm": "each mode once, after the hour roll-ups are kept (mode keep)", "runs": runs}))


if __name__ == "__main__":
    main()
