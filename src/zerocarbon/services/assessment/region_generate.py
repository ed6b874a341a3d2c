"""Use case: a synthetic region layout written directly, without a store (``zerocarbon region generate``).

The layout is the one :mod:`zerocarbon.services.assessment.region_export` writes (``layout.json``,
``factories.parquet``, ``meters/``, ``events/``, ``nodes/`` (an empty node table: the synthetic meters hang on no
node) and ``readings/region=/factory=/year=/month=/``, the same schemas),
so ``zerocarbon region assess`` and the benchmark (``benchmarks/bench_region_engines.py``) read it as an export.

Deterministic: the readings of factory ``f`` in local month ``m`` come from
``numpy.random.default_rng(SeedSequence([seed, f, m]))``, so a layout depends only on its arguments (not on the
order of writing). Streamed: one factory and one local month at a time (meters × ~2,976 readings in memory), with
each counter's register carried from month to month, so memory stays bounded at any size.

Meters of each factory (15-minute readings from 1 January 00:00 local for ``days`` days), in the mix the region
tests use:

* index 0 — the grid incomer: interval register ×10 [kWh], category ``electricity_purchased`` (grid); one reading
  missing (a missing interval);
* index 1 — natural gas: cumulative counter ×2.5 [Nm3] wrapping at 1,000,000 (it rolls over in the first weeks),
  category ``fuel_combustion``, item 天然气;
* index 2 — on-site photovoltaics: interval register [kWh], category ``onsite_renewable``, zero at night;
* index 3 — a sub-meter counter [kWh] replaced on day 3 at 09:07 (a ``replacement`` event, the new register
  counts from 0);
* index 4 — a sub-meter counter [kWh] with a two-hour hole (a bridged gap);
* the rest — sub-meters without a category, alternately interval registers (×1) and counters (×2.5).

Readings have at most 3 decimals (integer thousandths divided by 1000), so every monthly total is exact.
The consumption figures are random, not a model of any real plant.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from zerocarbon.errors import InputError
from zerocarbon.services.assessment.region_export import FACTORY_SCHEMA, LAYOUT_FORMAT
from zerocarbon.timeseries import intervals as iv

Progress = Callable[[int, int, str], None]
TZ = "Asia/Shanghai"
Q = 900
#: Provinces the factories are spread over (each has a provincial grid factor in the library).
PROVINCES = ("江苏", "浙江", "广东", "山东")
ROLLOVER = 1_000_000.0
_MILLI = 1000


@dataclass(frozen=True)
class GenerateSummary:
    out: Path
    factories: int
    meters: int
    readings: int
    bytes: int
    seconds: float


def _meter_table(f: int, meters: int) -> pa.Table:
    ids = list(range(f * meters + 1, f * meters + meters + 1))
    rows = []
    for k, mid in enumerate(ids):
        kind = "interval" if k in (0, 2) or (k > 4 and k % 2) else "cumulative"
        row: dict[str, object] = {
            "meter_id": mid, "code": f"M{k:04d}", "carrier": "electricity", "unit": "kWh", "energy_unit": "kWh",
            "register_kind": kind, "multiplier": 1.0, "interval_seconds": Q, "is_virtual": False,
            "steam_gauge": False, "rollover_at": ROLLOVER if kind == "cumulative" else None, "category": None,
            "item": None, "electricity_kind": None}
        if k == 0:
            row.update(code="GRID", multiplier=10.0, category="electricity_purchased", electricity_kind="grid")
        elif k == 1:
            row.update(code="GAS", carrier="natural_gas", unit="Nm3", energy_unit="Nm3", multiplier=2.5,
                       category="fuel_combustion", item="天然气")
        elif k == 2:
            row.update(code="PV", category="onsite_renewable")
        elif k > 4 and kind == "cumulative":
            row.update(multiplier=2.5)
        rows.append(row)
    return iv.conform(pa.Table.from_pylist(rows), iv.METER_SCHEMA)


def _month_starts(year: int, months: int) -> list[int]:
    zone = ZoneInfo(TZ)
    return [int(datetime(year + (m - 1) // 12, (m - 1) % 12 + 1, 1, tzinfo=zone).timestamp())
            for m in range(1, months + 2)]


def generate_region(out: Path, factories: int = 50, meters: int = 200, days: int = 365, *, seed: int = 1,
                    year: int = 2023, progress: Progress | None = None) -> GenerateSummary:
    """Write a synthetic region of ``factories`` × ``meters`` 15-minute meters over ``days`` local days of ``year``
    to ``out`` (new or empty), in the region layout. ``progress(done, total, factory_id)`` after each factory."""
    if out.exists() and any(out.iterdir()):
        raise InputError(f"输出目录 {out} 不是空的", f"the output folder {out} is not empty", file=str(out),
                         expected="a new or empty folder")
    if factories < 1 or meters < 5 or not 1 <= days <= 366:
        raise InputError("工厂数 ≥ 1、每厂表计数 ≥ 5、天数 1–366", "factories ≥ 1, meters ≥ 5 per factory, days 1–366",
                         field="factories/meters/days", expected="factories ≥ 1, meters ≥ 5, 1 ≤ days ≤ 366")
    t_start = time.perf_counter()
    zone = ZoneInfo(TZ)
    t0 = int(datetime(year, 1, 1, tzinfo=zone).timestamp())
    t_end = t0 + days * 86_400  # counters read once more at t_end; interval registers cover [t0, t_end)
    starts = _month_starts(year, 13)
    event = int(datetime(year, 1, 3, 9, 7, tzinfo=zone).timestamp())
    hole = (int(datetime(year, 1, 2, 3, tzinfo=zone).timestamp()),
            int(datetime(year, 1, 2, 5, tzinfo=zone).timestamp()))
    missing = int(datetime(year, 1, 1, 10, tzinfo=zone).timestamp())
    listed: list[dict[str, object]] = []
    total = 0
    for f in range(factories):
        fid = f"G{f:04d}"
        province = PROVINCES[f % len(PROVINCES)]
        part = f"region={province}/factory={fid}"
        mt = _meter_table(f, meters)
        kinds = np.array([k == "cumulative" for k in mt["register_kind"].to_pylist()])
        ids = np.array(mt["meter_id"].to_pylist(), dtype=np.int64)
        replaced = ids[3]
        events = iv.conform(pa.table({"meter_id": [int(replaced)], "ts": [event], "kind": ["replacement"],
                                      "new_initial_value": [0.0]}), iv.EVENT_SCHEMA)
        for name, table in (("meters", mt), ("events", events), ("nodes", iv.NODE_SCHEMA.empty_table())):
            (out / name / part).mkdir(parents=True)
            pq.write_table(table, out / name / part / f"{name}.parquet")
        # registers in thousandths: counters start below the wrap (the gas meter wraps in its first weeks)
        register = np.random.default_rng(np.random.SeedSequence([seed, f])).integers(0, 500_000_000, len(ids))
        register[1] = int(ROLLOVER * _MILLI) - 2_000_000
        register[3] = 100_000
        since_event = np.int64(-1)  # the replaced meter's register at the event (thousandths), once passed
        count = 0
        for m in range(13):
            lo, hi = max(starts[m], t0), min(starts[m + 1], t_end + 1)
            if lo >= hi:
                continue
            ts = np.arange(lo + (-(lo - t0)) % Q, hi, Q, dtype=np.int64)
            if not len(ts):
                continue
            rng = np.random.default_rng(np.random.SeedSequence([seed, f, m + 1]))
            use = rng.integers(0, 4_000, (len(ids), len(ts)), dtype=np.int64)  # consumption per interval [1/1000]
            hour = ((ts - t0) // 3600) % 24
            use[2] = np.where((hour >= 7) & (hour < 18), use[2], 0)  # photovoltaics: nothing at night
            cum = np.cumsum(use, axis=1) + register[:, None]
            register = cum[:, -1].copy()
            vals = np.where(kinds[:, None], cum % int(ROLLOVER * _MILLI), use)
            after = ts > event
            if after.any():  # the replaced meter counts from 0 after its event
                if since_event < 0:
                    k = int(np.searchsorted(ts, event, side="right")) - 1
                    since_event = cum[3, k] if k >= 0 else cum[3, 0] - use[3, 0]
                vals[3] = np.where(after, cum[3] - since_event, vals[3])
            keep = np.ones(vals.shape, dtype=bool)
            keep[~kinds, :] = ts < t_end  # interval registers: no reading at t_end
            keep[0] &= ts != missing
            keep[4] &= ~((ts > hole[0]) & (ts < hole[1]))
            rows = np.nonzero(keep)
            n = len(rows[0])
            table = pa.table({"meter_id": pa.array(ids[rows[0]]), "ts": pa.array(ts[rows[1]]),
                              "value": pa.array(vals[rows] / _MILLI), "flags": pa.array(np.zeros(n, np.int64))},
                             schema=iv.READING_SCHEMA)
            local = datetime.fromtimestamp(int(ts[0]), zone)
            folder = out / "readings" / part / f"year={local.year}" / f"month={local.month}"
            folder.mkdir(parents=True)
            pq.write_table(table, folder / "data_0.parquet", compression="zstd",
                           use_dictionary=["meter_id", "ts", "flags"], column_encoding={"value": "BYTE_STREAM_SPLIT"})
            count += n
        total += count
        listed.append({"factory_id": fid, "name_zh": f"合成工厂 {fid}", "name_en": f"synthetic factory {fid}",
                       "province": province, "timezone": TZ, "meters": len(ids), "readings": count,
                       "nodes": f"nodes/{part}/nodes.parquet"})
        if progress is not None:
            progress(f + 1, factories, fid)
    pq.write_table(pa.table({k: [str(r[k]) for r in listed] for k in FACTORY_SCHEMA.names}, schema=FACTORY_SCHEMA),
                   out / "factories.parquet")
    (out / "layout.json").write_text(json.dumps({
        "format": LAYOUT_FORMAT, "exported_at": int(time.time()),
        "generated": {"factories": factories, "meters": meters, "days": days, "seed": seed, "year": year,
                      "note": "synthetic (zerocarbon region generate): random consumption, not a real plant"},
        "factories": listed}, ensure_ascii=False, indent=1), encoding="utf-8")
    size = sum(p.stat().st_size for p in (out / "readings").rglob("*.parquet"))
    return GenerateSummary(out, factories, factories * meters, total, size, time.perf_counter() - t_start)
