"""Benchmark: the dashboard's data endpoints over loopback, one year of 15-minute data of many meters.

The server is the real one (``uvicorn zerocarbon.api.app:create_app``) in a subprocess; the client
signs in and drives each endpoint with ``--concurrency`` parallel requests (httpx), bounded by
``--requests`` and ``--seconds`` per endpoint. Prints one JSON object: per endpoint the cold first
request (computed, then cached by the dashboard service) and the warm latencies p50/p95/p99 with
requests/s, errors, and the server's peak RSS after it; then the direct one-pass reference query
(:func:`direct_reference`) in a fresh process, and the cold overview's ratio to it.

Endpoints whose requests repeat are answered from the in-memory cache after the first one
(overview, emissions, energy, inventory, quality, portfolio); the meter series and line traces ask
for a random meter and week / a random metered line each time, so most of those are computed.

The store: by default one is built (the same generator as ``bench_ingest.py``: ``--meters`` meters
× ``--days`` days of 15-minute interval readings, factory ``BENCH``) in ``--workdir`` and kept for
the next run; ``--store PATH`` uses an existing one (``bench_ingest.py --keep`` leaves
``/tmp/zc_bench/store.db``), which must have the user tables (``--migrate`` upgrades it).

The inventory-based endpoints run ``run_store_inventory`` over every meter: intervals are computed
chunk by chunk of meters (``services.meter_inventory.CHUNK_READINGS``), so the server's memory stays
bounded at thousands of meters; the cold first request of each is reported with the server's peak RSS.

    .venv/bin/python benchmarks/bench_dashboard.py --meters 200
    .venv/bin/python benchmarks/bench_dashboard.py --meters 2000
    .venv/bin/python benchmarks/bench_dashboard.py --store /tmp/zc_bench/store.db --migrate
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
USER, PASSWORD = "bench-admin", "bench-dashboard-password"


def _bench_ingest() -> Any:
    spec = importlib.util.spec_from_file_location("bench_ingest", HERE / "bench_ingest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_store(workdir: Path, meters: int, days: int) -> tuple[str, float]:
    """A store with ``meters`` × ``days`` of readings (kept and reused when it already has them)."""
    db = workdir / "store.db"
    if db.exists():
        try:
            with sqlite3.connect(db) as conn:
                n = conn.execute("SELECT count(*) FROM meters WHERE factory_id = 'BENCH'").fetchone()[0]
                rows = conn.execute("SELECT coalesce(sum(accepted), 0) FROM ingest_batches").fetchone()[0]
            if n == meters and rows == meters * days * 96:
                return f"sqlite:///{db}", 0.0
        except sqlite3.Error:
            pass
    import pyarrow as pa
    import pyarrow.parquet as pq

    from zerocarbon.ingest.pipeline import IngestReport, close_batch, ingest_table, open_batch
    from zerocarbon.store.db import migrate
    from zerocarbon.store.factories import save_factory_setup

    bi = _bench_ingest()
    import shutil

    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    t0 = time.perf_counter()
    source = workdir / "readings.parquet"
    bi.write_parquet(source, meters, days)
    url = f"sqlite:///{db}"
    migrate(url)
    save_factory_setup(bi.setup(meters), url)
    batch = open_batch("file", str(source), url=url, factory_id="BENCH")
    total = IngestReport(batch_id=batch)
    now = bi.START + days * 86400 + 86400
    for record_batch in pq.ParquetFile(source).iter_batches(batch_size=200_000):
        total.add(ingest_table(pa.Table.from_batches([record_batch]), "BENCH", batch, "file", url, now=now))
    close_batch(total, url=url)
    source.unlink()
    return url, time.perf_counter() - t0


def ensure_user(url: str, migrate_store: bool) -> None:
    from sqlalchemy import inspect

    from zerocarbon.services.identity.users import create_user, get_user_by_name
    from zerocarbon.store.db import get_engine, migrate

    if "users" not in inspect(get_engine(url)).get_table_names():
        if not migrate_store:
            sys.exit(f"{url} has no user tables (an older schema): rerun with --migrate to upgrade it")
        migrate(url)
    if get_user_by_name(USER, url) is None:
        create_user(USER, PASSWORD, "admin", url=url)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def drive(client: httpx.Client, make_path: Callable[[random.Random], str], requests: int, seconds: float,
          concurrency: int, seed: int) -> dict[str, Any]:
    """Send ``requests`` requests (stopping after ``seconds``) from ``concurrency`` threads."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    deadline = time.perf_counter() + seconds
    counter = iter(range(requests))

    def worker(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        for _ in counter:
            if time.perf_counter() > deadline:
                return
            path = make_path(rng)
            t = time.perf_counter()
            r = client.get(path)
            dt = time.perf_counter() - t
            if r.status_code == 200:
                latencies.append(dt)
            else:
                errors[str(r.status_code)] = errors.get(str(r.status_code), 0) + 1

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(worker, range(concurrency)))
    wall = time.perf_counter() - t0
    lat = sorted(latencies)

    def ms(seconds: float) -> float:
        return round(seconds * 1000, 2)

    return {"requests": len(lat), "errors": errors, "seconds": round(wall, 2),
            "requests_per_second": round(len(lat) / wall, 1) if wall else None,
            "p50_ms": ms(percentile(lat, 0.5)), "p95_ms": ms(percentile(lat, 0.95)),
            "p99_ms": ms(percentile(lat, 0.99)),
            "mean_ms": ms(statistics.fmean(lat)) if lat else None, "max_ms": ms(lat[-1]) if lat else None}


def direct_reference(url: str, factory: str, year: int) -> dict[str, Any]:
    """The direct one-pass DuckDB query of ``bench_metered_year.py`` (exact monthly sums per meter over the
    store's Parquet parts), in a fresh process as the server's first request is: what the cold overview is
    compared with. (That the overview's figures equal the engine's is ``bench_store_inventory.py``'s check:
    the overview shows that inventory.)"""
    code = ("import json, resource, sys, time; sys.path.insert(0, sys.argv[1]); "
            "from bench_metered_year import reference; t = time.perf_counter(); "
            "rows = reference(sys.argv[2], sys.argv[3], int(sys.argv[4]), 'interval'); "
            "print(json.dumps({'seconds': round(time.perf_counter() - t, 2), 'monthly_rows': len(rows), "
            "'peak_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))")
    out = subprocess.run([sys.executable, "-c", code, str(HERE), url, factory, str(year)], check=True,
                         capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    result["what"] = "exact monthly sums per meter, one DuckDB query over the store's Parquet parts"
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", type=Path, help="an existing SQLite store (else one is built in --workdir)")
    ap.add_argument("--migrate", action="store_true", help="upgrade --store to the current schema (adds user tables)")
    ap.add_argument("--meters", type=int, default=200)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/zc_dash_bench"))
    ap.add_argument("--factory", default="BENCH")
    ap.add_argument("--year", type=int, default=2023)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--requests", type=int, default=400, help="warm requests per endpoint at most")
    ap.add_argument("--seconds", type=float, default=30.0, help="time per endpoint at most [s]")
    ap.add_argument("--endpoints", help="comma-separated subset")
    args = ap.parse_args()

    build_seconds = 0.0
    if args.store:
        url = f"sqlite:///{args.store.resolve()}"
    else:
        url, build_seconds = build_store(args.workdir, args.meters, args.days)
    ensure_user(url, args.migrate or not args.store)
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        meters = [r[0] for r in conn.execute("SELECT code FROM meters WHERE factory_id = ? AND is_virtual = 0",
                                             (args.factory,))]
        readings = conn.execute("SELECT coalesce(sum(accepted), 0) FROM ingest_batches").fetchone()[0]
    if not meters:
        sys.exit(f"no meters of factory {args.factory} in {url}")

    port = free_port()
    env = {**os.environ, "ZEROCARBON_DATABASE_URL": url}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "zerocarbon.api.app:create_app", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit("the server did not start")
            time.sleep(0.2)
        token = httpx.post(f"{base}/api/v1/auth/token", data={"username": USER, "password": PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        f = f"/api/v1/dashboard/factories/{args.factory}"
        start = date(args.year, 1, 1)

        def week(rng: random.Random) -> str:
            day = start + timedelta(days=rng.randrange(0, 358))
            return f"{f}/meters/{rng.choice(meters)}/series?start={day}&end={day + timedelta(days=7)}"

        with httpx.Client(base_url=base, headers=headers, timeout=600,
                          limits=httpx.Limits(max_connections=args.concurrency * 2)) as client:
            lines: list[str] = []

            def trace(rng: random.Random) -> str:
                if not lines:
                    data = client.get(f"{f}/inventory", params={"year": args.year, "metered": True,
                                                                "limit": 1000}).json()
                    lines.extend(ln["id"] for ln in data["lines"])
                return f"{f}/lines/{rng.choice(lines)}?year={args.year}"

            endpoints: dict[str, Callable[[random.Random], str]] = {
                "me": lambda rng: "/api/v1/dashboard/me",
                "factories": lambda rng: "/api/v1/dashboard/factories",
                "meters": lambda rng: f"{f}/meters",
                "meter_series_week": week,
                "overview": lambda rng: f"{f}/overview?year={args.year}",
                "emissions": lambda rng: f"{f}/emissions?year={args.year}",
                "energy": lambda rng: f"{f}/energy?year={args.year}",
                "inventory": lambda rng: f"{f}/inventory?year={args.year}&limit=200",
                "line_trace": trace,
                "quality": lambda rng: f"{f}/quality?year={args.year}",
                "portfolio": lambda rng: f"/api/v1/dashboard/portfolio?year={args.year}",
            }
            chosen = args.endpoints.split(",") if args.endpoints else list(endpoints)
            results: dict[str, Any] = {}
            for i, name in enumerate(chosen):
                make = endpoints[name]
                t = time.perf_counter()
                r = client.get(make(random.Random(i)))
                cold = time.perf_counter() - t
                entry: dict[str, Any] = {"cold_first_ms": round(cold * 1000, 1), "cold_status": r.status_code,
                                         "response_kb": round(len(r.content) / 1024, 1)}
                entry.update(drive(client, make, args.requests, args.seconds, args.concurrency, i))
                entry["server_peak_rss_mb"] = peak_rss_mb(server.pid)
                results[name] = entry
                print(f"{name}: {json.dumps(entry)}", file=sys.stderr, flush=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    reference = direct_reference(url, args.factory, args.year)
    if "overview" in results:
        results["overview"]["ratio_to_reference"] = round(results["overview"]["cold_first_ms"] / 1000
                                                          / reference["seconds"], 2)
    print(json.dumps({
        "benchmark": "dashboard_endpoints", "store": url, "factory": args.factory, "meters": len(meters),
        "reference": reference,
        "readings": readings, "store_build_seconds": round(build_seconds, 1), "concurrency": args.concurrency,
        "requests_per_endpoint_max": args.requests, "seconds_per_endpoint_max": args.seconds,
        "latency": "per request, client side over loopback; warm = after the first (cold) request",
        "endpoints": results,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
