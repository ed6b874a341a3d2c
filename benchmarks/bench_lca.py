"""Benchmark: sparse LCA of a synthetic background database, side by side with Brightway's bw2calc (issue 14).

The system: ``--processes`` processes (20,000), each using about 7 other products (amounts
U(0.01, 0.1), so every column of ``A`` is diagonally dominant and the system solvable; the
suppliers are within ±``--band`` (100) positions, on both sides, so the system is full of loops),
``--flows`` elementary flows (2,000; 5 per process, amounts U(0, 1), characterisation factors
U(0, 2), every other flow biogenic), lognormal uncertainty (σ = ``--sigma``, 0.1) on every
exchange but the production amounts. The same matrices are handed to bw2calc through a
``bw_processing`` data package.

Three cases, each in its own process (so its peak resident memory is its own; ``ru_maxrss``
includes the shared set-up, reported separately as ``setup_rss_mib``), zerocarbon and bw2calc in
the same run:

- ``one``: the footprint of one product (zerocarbon: factorise + adjoint; bw2calc: ``LCA``);
- ``many``: 1,000 product footprints (zerocarbon: one factorisation, adjoint scores, and also the
  1,000 supply vectors through the same factors; bw2calc: ``MultiLCA``);
- ``mc``: 1,000 Monte Carlo iterations of one product (zerocarbon: ``MonteCarlo``; bw2calc:
  ``IterativeLCA`` with ``use_distributions=True``).

Times are wall and CPU (``time.process_time``) times of one warm run after one warm-up run in the
same process (``--repeat`` more runs give median/min/max), set-up excluded; ``speedup`` is
bw2calc's median wall time over zerocarbon's (for ``mc``: against ``IterativeLCA``), ``cpu_speedup``
the same for CPU time. Deterministic results are compared at 1e-9 relative; Monte Carlo results
(different random streams) by their summaries: the difference of means in standard errors, and the
relative difference of the standard deviation and percentiles. The Monte Carlo scores are also
checked sample by sample: the first ``--check`` (20) sampled systems are drawn again from the same
seed and solved directly (SuperLU), and the largest relative difference to the iterative scores
is printed (``max_rel_diff_vs_direct``, required ≤ 1e-9).

    .venv/bin/python benchmarks/bench_lca.py [--processes 20000] [--flows 2000] [--demands 1000]
        [--iterations 1000] [--repeat 1] [--blas-threads 1] [--cases one,many,mc] [--block 20] [--check 20]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from zerocarbon.footprint.lca import LCA, Entries, Flow, LCASystem, Process
from zerocarbon.footprint.montecarlo import LOGNORMAL, MonteCarlo, Uncertainty

PROCESS_ID0, FLOW_ID0 = 1_000_000, 10
#: Both engines run with this many BLAS threads (``--blas-threads``, 1 by default): on a small shared
#: machine multi-threaded OpenBLAS spins and SuperLU's multi-column solves slow down 3x (measured).
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def make_system(n: int, m: int, band: int, sigma: float, seed: int = 7) -> tuple[LCASystem, Uncertainty, Uncertainty]:
    """The synthetic system of the module docstring and its exchange distributions."""
    rng = np.random.default_rng(seed)
    k = 7
    cols = np.repeat(np.arange(n), k)
    rows = cols + rng.integers(-band, band + 1, len(cols))
    keep = (rows != cols) & (rows >= 0) & (rows < n)
    rows, cols = rows[keep], cols[keep]
    t = Entries(np.concatenate([np.arange(n), rows]).astype(np.int64),
                np.concatenate([np.arange(n), cols]).astype(np.int64),
                np.concatenate([np.ones(n), rng.uniform(0.01, 0.1, len(rows))]),
                np.concatenate([np.zeros(n, bool), np.ones(len(rows), bool)]))
    bcols = np.repeat(np.arange(n), 5)
    b = Entries(rng.integers(0, m, len(bcols)).astype(np.int64), bcols.astype(np.int64), rng.uniform(0, 1, len(bcols)),
                np.zeros(len(bcols), bool))
    flows = [Flow(f"f{j}", kind="biogenic" if j % 2 else "fossil") for j in range(m)]
    system = LCASystem([Process(f"p{i}", unit="kg") for i in range(n)], flows, t, b, rng.uniform(0, 2, m),
                       method="synthetic factors (benchmark)")

    def lognormal(amounts: np.ndarray, fixed: np.ndarray) -> Uncertainty:
        nan = np.full(len(amounts), np.nan)
        kind = np.where(fixed, 0, LOGNORMAL).astype(np.int64)
        loc = np.where(fixed, np.nan, np.log(np.maximum(amounts, 1e-300)))
        return Uncertainty(kind, loc, np.where(fixed, np.nan, sigma), nan, nan, np.zeros(len(amounts), bool))

    return system, lognormal(t.amounts, ~t.flip), lognormal(b.amounts, np.zeros(len(b.amounts), bool))


def datapackage(system: LCASystem, tu: Uncertainty, bu: Uncertainty) -> Any:
    """The same matrices as a bw_processing data package (ids: processes 1,000,000 + i, flows 10 + j)."""
    import bw_processing as bwp

    def dist(u: Uncertainty, amounts: np.ndarray) -> np.ndarray:
        # stats_arrays takes ``loc`` as the value of an exchange without uncertainty (ids 0 and 1).
        arr = np.zeros(len(u.kind), dtype=bwp.UNCERTAINTY_DTYPE)
        arr["uncertainty_type"], arr["scale"] = u.kind, u.scale
        arr["loc"] = np.where(u.kind <= 1, amounts, u.loc)
        arr["minimum"], arr["maximum"], arr["negative"] = u.minimum, u.maximum, u.negative
        arr["shape"] = np.nan
        return arr

    def idx(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        out = np.zeros(len(rows), dtype=bwp.INDICES_DTYPE)
        out["row"], out["col"] = rows, cols
        return out

    dp = bwp.create_datapackage()
    t, b = system.technosphere, system.biosphere
    dp.add_persistent_vector(matrix="technosphere_matrix", name="technosphere",
                             indices_array=idx(t.rows + PROCESS_ID0, t.cols + PROCESS_ID0),
                             data_array=t.amounts, flip_array=t.flip, distributions_array=dist(tu, t.amounts))
    dp.add_persistent_vector(matrix="biosphere_matrix", name="biosphere",
                             indices_array=idx(b.rows + FLOW_ID0, b.cols + PROCESS_ID0),
                             data_array=b.amounts, flip_array=b.flip, distributions_array=dist(bu, b.amounts))
    m = len(system.flows)
    dp.add_persistent_vector(matrix="characterization_matrix", name="gwp", identifier=["gwp"],
                             indices_array=idx(np.arange(m) + FLOW_ID0, np.zeros(m, dtype=np.int64)),
                             data_array=system.factors)
    return dp


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[tuple[float, float]], Any]:
    """(wall, CPU) seconds of ``repeat`` runs after a warm-up run, and the last result."""
    fn()  # warm-up
    times, out = [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        times.append((time.perf_counter() - t0, time.process_time() - c0))
    return times, out


def stats(times: list[tuple[float, float]]) -> dict[str, float]:
    wall, cpu = [w for w, _ in times], [c for _, c in times]
    return {"median_s": statistics.median(wall), "min_s": min(wall), "max_s": max(wall),
            "cpu_median_s": statistics.median(cpu)}


def direct_check(system: LCASystem, tu: Uncertainty, bu: Uncertainty, demand: dict[str, float], seed: int,
                 block: int, scores: np.ndarray, count: int) -> float:
    """Largest relative difference between the first ``count`` Monte Carlo scores and direct solves (SuperLU)
    of the same sampled matrices, drawn again from ``seed`` (per block: technosphere, then biosphere)."""
    from scipy.sparse.linalg import splu
    rng = np.random.default_rng(seed)
    t, b = system.technosphere, system.biosphere
    f = system.demand_vector(demand)
    worst, k = 0.0, 0
    while k < count:
        size = min(block, len(scores) - k)
        ts = tu.sample(t.amounts, rng, size) * np.where(t.flip, -1, 1)
        bs = bu.sample(b.amounts, rng, size)
        for j in range(min(size, count - k)):
            x = splu(system.a_pattern.matrix(ts[j]).tocsc()).solve(f)
            exact = float(system.factors @ (system.b_pattern.matrix(bs[j]) @ x))
            worst = max(worst, abs(scores[k + j] - exact) / abs(exact))
        k += size
    return worst


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_case(args: argparse.Namespace) -> dict[str, Any]:
    """One case for one engine, in this process; scores written to ``args.out`` (.npy)."""
    system, tu, bu = make_system(args.processes, args.flows, args.band, args.sigma)
    rng = np.random.default_rng(11)
    products = rng.choice(args.processes, args.demands, replace=False)
    one = int(products[0])
    setup = rss_mib()
    info: dict[str, Any] = {}
    if args.engine == "zerocarbon":
        if args.case == "one":
            times, out = timed(lambda: LCA(system).footprint({f"p{one}": 1.0}).total, args.repeat)
            scores = np.array([out])
        elif args.case == "many":
            f = np.zeros((args.processes, args.demands))
            f[products, np.arange(args.demands)] = 1.0
            times, out = timed(lambda: LCA(system).scores(f)[0], args.repeat)
            scores = out
            supply_times, direct = timed(lambda: LCA(system).scores_direct(f)[0], 1)
            info["supply_vectors_s"] = supply_times[0][0]
            info["supply_vs_adjoint_max_rel"] = float(np.max(np.abs(direct - out) / np.abs(out)))
        else:
            mc = MonteCarlo(system, tu, bu, seed=1)
            times, res = timed(lambda: mc.run({f"p{one}": 1.0}, args.iterations, block=args.block), args.repeat)
            scores, info["direct_solves"] = res.scores, res.direct_solves
            info["rtol"], info["block"] = res.rtol, args.block
            info["matvecs_per_iteration"] = res.matvecs / args.iterations
            info["peak_rss_mib"] = rss_mib()  # before the check's direct factorisations
            info["max_rel_diff_vs_direct"] = direct_check(system, tu, bu, {f"p{one}": 1.0}, 1, args.block, scores,
                                                          min(args.check, args.iterations))
            info["checked_samples"] = min(args.check, args.iterations)
    else:
        import bw2calc as bc
        dp = datapackage(system, tu, bu)
        info["bw2calc"] = bc.__version__
        info["pypardiso"] = bool(getattr(bc, "PYPARDISO", False))
        pid = PROCESS_ID0 + one
        if args.case == "one":
            def bw_one() -> float:
                lca = bc.LCA({pid: 1.0}, data_objs=[dp])
                lca.lci()
                lca.lcia()
                return float(lca.score)
            times, out = timed(bw_one, args.repeat)
            scores = np.array([out])
        elif args.case == "many":
            demands = {f"d{k}": {PROCESS_ID0 + int(p): 1.0} for k, p in enumerate(products)}

            def bw_many() -> np.ndarray:
                mlca = bc.MultiLCA(demands=demands, method_config={"impact_categories": [("gwp",)]}, data_objs=[dp])
                mlca.lci()
                mlca.lcia()
                sc = mlca.scores
                return np.array([sc[(("gwp",), f"d{k}")] for k in range(args.demands)])
            times, scores = timed(bw_many, args.repeat)
        else:
            def bw_mc() -> np.ndarray:
                lca = bc.IterativeLCA({pid: 1.0}, data_objs=[dp], use_distributions=True, seed_override=1)
                lca.lci()
                lca.lcia()
                out = [float(lca.score)]
                for _ in range(args.iterations - 1):
                    next(lca)
                    out.append(float(lca.score))
                return np.array(out)
            times, scores = timed(bw_mc, args.repeat)
    np.save(args.out, scores)
    return {"times": stats(times), "peak_rss_mib": rss_mib(), "setup_rss_mib": setup, **info}


def compare(case: str, ours: np.ndarray, theirs: np.ndarray) -> dict[str, Any]:
    if case != "mc":
        rel = float(np.max(np.abs(ours - theirs) / np.abs(theirs)))
        return {"max_rel_diff": rel, "equal_1e-9": rel <= 1e-9}
    n = len(ours)
    se = np.sqrt(np.var(ours, ddof=1) / n + np.var(theirs, ddof=1) / n)
    qs = (2.5, 50, 97.5)
    po, pt = np.percentile(ours, qs), np.percentile(theirs, qs)
    return {"mean": [float(ours.mean()), float(theirs.mean())],
            "mean_diff_in_standard_errors": float(abs(ours.mean() - theirs.mean()) / se),
            "std_rel_diff": float(abs(ours.std(ddof=1) / theirs.std(ddof=1) - 1)),
            "percentiles_rel_diff": {str(q): float(abs(a / b - 1)) for q, a, b in zip(qs, po, pt, strict=True)},
            "same_distribution": bool(abs(ours.mean() - theirs.mean()) / se < 4)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--processes", type=int, default=20_000)
    ap.add_argument("--flows", type=int, default=2_000)
    ap.add_argument("--band", type=int, default=100)
    ap.add_argument("--sigma", type=float, default=0.1)
    ap.add_argument("--demands", type=int, default=1_000)
    ap.add_argument("--iterations", type=int, default=1_000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--cases", default="one,many,mc")
    ap.add_argument("--blas-threads", type=int, default=1)
    ap.add_argument("--block", type=int, default=20, help="Monte Carlo samples drawn at once (zerocarbon)")
    ap.add_argument("--check", type=int, default=20, help="Monte Carlo samples checked against direct solves")
    ap.add_argument("--case", help=argparse.SUPPRESS)
    ap.add_argument("--engine", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.case:
        print(json.dumps(run_case(args)))
        return
    result: dict[str, Any] = {"benchmark": "lca", "processes": args.processes, "flows": args.flows,
                              "band": args.band, "demands": args.demands, "iterations": args.iterations,
                              "python": platform.python_version(), "machine": platform.machine(),
                              "numpy": np.__version__, "timing": "warm (after one warm-up run in the same process)",
                              "blas_threads": args.blas_threads}
    import scipy
    result["scipy"] = scipy.__version__
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.cases.split(","):
            entry: dict[str, Any] = {}
            scores = {}
            for engine in ("zerocarbon", "bw2calc"):
                out = Path(tmp) / f"{case}-{engine}.npy"
                cmd = [sys.executable, __file__, "--case", case, "--engine", engine, "--out", str(out)]
                cmd += [f"--{k}={getattr(args, k)}" for k in ("processes", "flows", "band", "sigma", "demands",
                                                              "iterations", "repeat", "block", "check")]
                env = {**os.environ, **{k: str(args.blas_threads) for k in BLAS_THREAD_VARIABLES}}
                proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
                if proc.returncode != 0:
                    entry[engine] = {"error": proc.stderr.strip().splitlines()[-1:]}
                    continue
                entry[engine] = json.loads(proc.stdout.strip().splitlines()[-1])
                scores[engine] = np.load(out)
            if len(scores) == 2:
                entry["comparison"] = compare(case, scores["zerocarbon"], scores["bw2calc"])
                ours, theirs = entry["zerocarbon"]["times"], entry["bw2calc"]["times"]
                entry["speedup"] = theirs["median_s"] / ours["median_s"]
                entry["cpu_speedup"] = theirs["cpu_median_s"] / ours["cpu_median_s"]
                entry["memory_ratio"] = entry["bw2calc"]["peak_rss_mib"] / entry["zerocarbon"]["peak_rss_mib"]
            result[case] = entry
    result["summary"] = {case: {k: result[case].get(k) for k in ("speedup", "cpu_speedup")}
                         | {f"{e}_peak_rss_mib": result[case].get(e, {}).get("peak_rss_mib")
                            for e in ("zerocarbon", "bw2calc")}
                         for case in args.cases.split(",")}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
