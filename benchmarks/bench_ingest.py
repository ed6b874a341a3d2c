"""Benchmark: bulk ingest of 2,000 meters x one year of 15-minute readings (~70 million rows), in bounded memory.

The readings are generated (seeded) into a Parquet file first (or, with ``--source csv``, a long CSV
file with local wall-clock times), then ingested into a fresh embedded store through the user path
(validation, idempotent write, columnar parts) in record batches of ``--chunk`` rows, and the batch
is closed: its columnar cache is checked against the store and its audit digest
(``readings_sha256``) is computed streaming. Prints one JSON object:

* ``rows``, ``seconds`` (ingest + close), ``rows_per_second``, ``ingest_seconds``, ``close_seconds``;
* ``peak_rss_mb``: the process's peak resident memory over the whole run (``ru_maxrss``, data
  generation included), and ``peak_rss_ingest_mb``: the peak over the ingest and close alone (the
  kernel's high-water mark ``VmHWM``, reset by writing 5 to ``/proc/self/clear_refs`` before the
  ingest; ``null`` where the kernel does not allow the reset);
* ``rollups_years``, ``rollups_seconds``, ``peak_rss_rollups_mb``: the factory's roll-ups brought up to date
  after the batch closed, as a file import does (its first batch: the year scanned whole and kept, with
  the hour and day roll-ups next to the store), so that the dashboard's first request reads roll-ups;
* ``reference``, ``ratio``: the same Parquet file loaded straight into a DuckDB table in one statement
  (:func:`direct_load`; its seconds, peak RSS, and whether its rows and exact sum of values equal the
  store's), and ingest + close over it: what the user path's validation, idempotent write, columnar
  parts and audit digest cost beside a bare load;
* ``store_mb``, ``columnar_cache_mb``, ``cold`` (the store is new: one cold run, no repetition: a
  full run takes about six minutes and writes 4 GB).

Use --meters/--days to scale down for a quick look. Run a full-size run under
``flock /tmp/zc/bigbench.lock`` on a shared machine.

    .venv/bin/python benchmarks/bench_ingest.py [--meters 2000] [--days 365] [--source parquet|csv]
        [--chunk 200000] [--workdir /tmp/zc_bench] [--keep]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from zerocarbon.ingest.files import ingest_file
from zerocarbon.ingest.pipeline import IngestReport, close_batch, ingest_table, open_batch
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.metering.rollups import refresh_after_ingest
from zerocarbon.store.db import migrate
from zerocarbon.store.factories import save_factory_setup

START = 1672502400  # 2023-01-01 00:00 Asia/Shanghai = 2022-12-31 16:00 UTC
STEP = 900


def meter_codes(n: int) -> list[str]:
    return [f"M{i:05d}" for i in range(n)]


def setup(n: int) -> FactorySetup:
    return FactorySetup.model_validate({
        "factory": {"id": "BENCH", "name_zh": "基准测试厂", "province": "江苏"},
        "nodes": [{"code": f"CC{c:02d}", "name_zh": f"成本中心{c}", "cost_centre": f"CC{c:02d}"} for c in range(20)],
        "meters": [{"code": code, "node": f"CC{i % 20:02d}", "carrier": "electricity", "unit": "kWh",
                    "register_kind": "interval", "category": "electricity_purchased", "cost_centre": f"CC{i % 20:02d}"}
                   for i, code in enumerate(meter_codes(n))]})


def write_parquet(path: Path, meters: int, days: int, seed: int = 7) -> int:
    """Long layout (meter, ts, value), one row group per 100 meters; returns the row count."""
    steps = days * 96
    ts = START + np.arange(steps, dtype=np.int64) * STEP
    hour = ((ts + 8 * 3600) // 3600) % 24
    shape = np.where((hour >= 8) & (hour < 22), 1.0, 0.4)
    rng = np.random.default_rng(seed)
    codes = meter_codes(meters)
    schema = pa.schema([("meter", pa.string()), ("ts", pa.int64()), ("value", pa.float64())])
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for first in range(0, meters, 100):
            group = codes[first:first + 100]
            scale = rng.uniform(5, 200, len(group))
            values = (shape[None, :] * scale[:, None] * rng.uniform(0.9, 1.1, (len(group), steps))).round(3)
            writer.write_table(pa.table({
                "meter": pa.array(np.repeat(np.array(group), steps)),
                "ts": pa.array(np.tile(ts, len(group))),
                "value": pa.array(values.ravel()),
            }, schema=schema))
    return meters * steps


def write_csv(parquet: Path, path: Path) -> None:
    """The same readings as a long CSV (meter, local wall-clock time, value), written a row group at a time."""
    schema = pa.schema([("meter", pa.string()), ("time", pa.string()), ("value", pa.float64())])
    with pacsv.CSVWriter(path, schema) as writer:
        for batch in pq.ParquetFile(parquet).iter_batches(batch_size=1 << 20):
            local = (batch.column(1).to_numpy() + 8 * 3600).astype("datetime64[s]")
            text = np.datetime_as_string(local, unit="m")
            writer.write_table(pa.table({"meter": batch.column(0), "time": pa.array(text.astype(object), pa.string()),
                                         "value": batch.column(2)}, schema=schema))


def _reset_peak() -> bool:
    """Reset the kernel's high-water mark of this process's resident memory (Linux ≥ 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _status_mb(field: str) -> int | None:
    """A memory figure of this process from ``/proc/self/status`` (``VmHWM``, ``VmRSS``) [MB]."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) // 1024
    return None


def _peak_since_reset() -> int:
    peak = _status_mb("VmHWM")
    if peak is None:
        raise RuntimeError("no VmHWM in /proc/self/status")
    return peak


def direct_load(source: Path, url: str, workdir: Path) -> dict[str, Any]:
    """The reference: the same Parquet file loaded straight into a DuckDB table (meter codes joined to the
    store's meter ids; no validation, no idempotency, no audit), then checked against what the store holds:
    the same number of rows and the same exact sum of values (DECIMAL(38,6)) over the columnar cache."""
    import duckdb

    from zerocarbon.store.columnar import cache_dir
    from zerocarbon.store.factories import load_meters

    meters = load_meters("BENCH", url)
    ids = pa.table({"code": list(meters), "meter_id": [m.id for m in meters.values()]})
    target = workdir / "reference.duckdb"
    target.unlink(missing_ok=True)
    reset = _reset_peak()
    t = time.perf_counter()
    con = duckdb.connect(str(target))
    con.register("ids", ids)
    con.execute("CREATE TABLE readings AS SELECT i.meter_id, s.ts, s.value, 0 AS flags "
                f"FROM read_parquet('{source}') s JOIN ids i ON i.code = s.meter")
    con.close()
    seconds = time.perf_counter() - t
    peak = _peak_since_reset() if reset else None
    root = cache_dir(url)
    assert root is not None
    con = duckdb.connect(str(target))
    ref = con.sql("SELECT count(*), sum(value::DECIMAL(38,6)) FROM readings").fetchall()[0]
    parts = [str(p) for p in sorted(root.glob("batch-*/part-*.parquet"))]
    got = con.sql(f"SELECT count(*), sum(value::DECIMAL(38,6)) FROM read_parquet({parts!r})").fetchall()[0]
    con.close()
    target.unlink(missing_ok=True)
    return {"what": "the Parquet file into a DuckDB table, one statement", "seconds": round(seconds, 2),
            "peak_rss_mb": peak, "rows": int(ref[0]), "agree": ref == got}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--meters", type=int, default=2000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--chunk", type=int, default=200_000, help="readings per record batch [rows]")
    ap.add_argument("--source", choices=("parquet", "csv"), default="parquet")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/zc_bench"))
    ap.add_argument("--keep", action="store_true", help="keep the store for bench_hourly_carbon.py")
    args = ap.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    args.workdir.mkdir(parents=True)
    source = args.workdir / "readings.parquet"
    rows = write_parquet(source, args.meters, args.days)
    if args.source == "csv":
        csv = args.workdir / "readings.csv"
        write_csv(source, csv)
        source.unlink()
    url = f"sqlite:///{args.workdir / 'store.db'}"
    migrate(url)
    save_factory_setup(setup(args.meters), url)
    now = START + args.days * 86400 + 86400
    reset = _reset_peak()
    t0 = time.perf_counter()
    if args.source == "csv":
        total = ingest_file(csv, "BENCH", url=url, chunk_rows=args.chunk, now=now)  # closes the batch itself
        t1 = t_close = time.perf_counter()
    else:
        batch = open_batch("file", str(source), url=url, factory_id="BENCH")
        total = IngestReport(batch_id=batch)
        for record_batch in pq.ParquetFile(source).iter_batches(batch_size=args.chunk):
            table = pa.Table.from_batches([record_batch])
            total.add(ingest_table(table, "BENCH", batch, "file", url, now=now))
        t1 = time.perf_counter()
        close_batch(total, url=url)
        t_close = time.perf_counter()
    seconds = t_close - t0
    peak_ingest = _peak_since_reset() if reset else None
    # the roll-ups the closed batch changed, brought up to date as the file import does after its batch closes
    # (the first batch of a factory: its year scanned whole and kept, with the hour and day roll-ups)
    rss_before = _status_mb("VmRSS")
    reset = _reset_peak()
    t_r = time.perf_counter()
    years = refresh_after_ingest("BENCH", total, url)
    rollup_seconds = time.perf_counter() - t_r
    peak_rollups = _peak_since_reset() if reset else None
    reference = direct_load(source, url, args.workdir) if args.source == "parquet" else None
    db_bytes = sum(p.stat().st_size for p in args.workdir.glob("store.db*") if p.is_file())
    cache_bytes = sum(p.stat().st_size for p in (args.workdir / "store.db.columnar").rglob("*") if p.is_file())
    print(json.dumps({
        "benchmark": "bulk_ingest_embedded", "source": args.source, "meters": args.meters, "days": args.days,
        "rows": rows, "chunk": args.chunk, "accepted": total.accepted, "rejected": total.rejected,
        "seconds": round(seconds, 2), "rows_per_second": round(rows / seconds),
        "ingest_seconds": round(t1 - t0, 2), "close_seconds": round(t_close - t1, 2) if args.source == "parquet"
        else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_rss_ingest_mb": peak_ingest,
        "rollups_years": years, "rollups_seconds": round(rollup_seconds, 2), "rss_before_rollups_mb": rss_before,
        "peak_rss_rollups_mb": peak_rollups,
        "reference": reference,
        "ratio": round(seconds / reference["seconds"], 2) if reference else None,
        "store_mb": round(db_bytes / 2**20), "columnar_cache_mb": round(cache_bytes / 2**20), "cold": True,
    }))
    if not args.keep:
        shutil.rmtree(args.workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
