"""Benchmark: Monte Carlo uncertainty of an inventory of 1,000 lines (issue 2).

Prints one JSON object: median/min/max wall time over repeats (after one warm-up run, so the figure
is a warm one), peak traced memory of one run, and for comparison the same simulation written the
naive way (a Python loop over lines, NumPy per line) measured in the same run.

    .venv/bin/python benchmarks/bench_monte_carlo.py [--lines 1000] [--draws 10000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
import tracemalloc

import numpy as np

from zerocarbon.accounting.uncertainty import UncertainLine, monte_carlo


def make_lines(n: int, seed: int = 5) -> list[UncertainLine]:
    """n lines like a real inventory: each has its own activity input and shares one of 20 factor rows."""
    rng = np.random.default_rng(seed)
    return [UncertainLine(float(rng.uniform(1, 500)), ((f"activity:{i}", float(rng.choice([2.0, 5.0, 20.0]))),
                                                        (f"factor:{i % 20}", 5.0), (f"ncv:{i % 7}", 3.0)))
            for i in range(n)]


def naive(lines: list[UncertainLine], draws: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    keys = sorted({k for ln in lines for k, _ in ln.parts})
    pct = {k: u for ln in lines for k, u in ln.parts}
    z = {k: rng.standard_normal(draws) * np.log1p(pct[k] / 100) / 1.96 for k in keys}
    total = np.zeros(draws)
    for ln in lines:
        factor = np.ones(draws)
        for k, u in ln.parts:
            s = np.log1p(u / 100) / 1.96
            factor = factor * np.exp(z[k] - 0.5 * s * s)
        total += ln.emission * factor
    return float(np.percentile(total, 97.5))


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    fn()  # warm-up
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1000)
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    lines = make_lines(args.lines)
    ours = timed(lambda: monte_carlo(lines, args.draws, 1), args.repeat)
    peer = timed(lambda: naive(lines, args.draws, 1), max(3, args.repeat // 2))
    tracemalloc.start()
    monte_carlo(lines, args.draws, 1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(json.dumps({
        "benchmark": "monte_carlo_inventory", "lines": args.lines, "draws": args.draws, "warm": True,
        "seconds_median": statistics.median(ours), "seconds_min": min(ours), "seconds_max": max(ours),
        "peak_traced_mb": round(peak / 2**20, 1),
        "naive_loop_seconds_median": statistics.median(peer),
        "speedup_vs_naive": statistics.median(peer) / statistics.median(ours),
        "python": platform.python_version(), "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
