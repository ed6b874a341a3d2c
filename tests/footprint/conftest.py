"""Shared small LCA test systems, and the same matrices as a bw2calc data package."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from zerocarbon.footprint.lca import Entries, Flow, LCASystem, Process, build_system
from zerocarbon.footprint.montecarlo import LOGNORMAL, Uncertainty

PROCESS_ID0, FLOW_ID0 = 1_000, 10


def two_process() -> LCASystem:
    """Steel (2 kg fossil CO2 per kg) and a battery using 0.5 kg steel and emitting 1 kg biogenic CO2."""
    procs = [Process("steel", "steel", "kg", {"stage": "materials", "material": "steel", "supplier": "S1"}),
             Process("battery", "battery", "piece", {"stage": "manufacturing"})]
    flows = [Flow("co2f", "CO2 fossil", "kg", "fossil"), Flow("co2b", "CO2 biogenic", "kg", "biogenic")]
    return build_system(procs, flows,
                        [("steel", "steel", 1.0, False), ("battery", "battery", 1.0, False),
                         ("steel", "battery", 0.5, True)],
                        [("co2f", "steel", 2.0), ("co2b", "battery", 1.0)], {"co2f": 1.0, "co2b": 1.0},
                        method="test factors")


def cyclic() -> LCASystem:
    """p1 uses 0.2 of p2, p2 uses 0.5 of p1; p1 emits 1 kg, p2 10 kg CO2 (fossil, CF 1)."""
    procs = [Process("p1", unit="kg", tags={"stage": "a"}), Process("p2", unit="kg", tags={"stage": "b"})]
    flows = [Flow("co2", kind="fossil")]
    return build_system(procs, flows,
                        [("p1", "p1", 1.0, False), ("p2", "p2", 1.0, False), ("p2", "p1", 0.2, True),
                         ("p1", "p2", 0.5, True)],
                        [("co2", "p1", 1.0), ("co2", "p2", 10.0)], {"co2": 1.0})


def random_system(n: int = 60, m: int = 12, seed: int = 3) -> LCASystem:
    """A random system with loops (suppliers within ±8 positions), CH4-like and CO2-like flows, duplicates."""
    rng = np.random.default_rng(seed)
    cols = np.repeat(np.arange(n), 4)
    rows = np.clip(cols + rng.integers(-8, 9, len(cols)), 0, n - 1)
    keep = rows != cols
    rows, cols = rows[keep], cols[keep]
    rows = np.concatenate([rows, rows[:5]])  # duplicates, summed
    cols = np.concatenate([cols, cols[:5]])
    t = Entries(np.concatenate([np.arange(n), rows]), np.concatenate([np.arange(n), cols]),
                np.concatenate([rng.uniform(0.8, 1.2, n), rng.uniform(0.01, 0.15, len(rows))]),
                np.concatenate([np.zeros(n, bool), np.ones(len(rows), bool)]))
    bcols = np.repeat(np.arange(n), 3)
    b = Entries(rng.integers(0, m, len(bcols)), bcols, rng.uniform(-0.2, 1, len(bcols)), np.zeros(len(bcols), bool))
    flows = [Flow(f"f{j}", kind=("fossil", "biogenic", "other")[j % 3]) for j in range(m)]
    procs = [Process(f"p{i}", unit="kg", tags={"stage": f"s{i % 4}", "supplier": f"sup{i % 3}"}) for i in range(n)]
    return LCASystem(procs, flows, t, b, rng.uniform(0.5, 30, m), method="random factors")


def lognormal(entries: Entries, sigma: float = 0.1, fixed: np.ndarray | None = None) -> Uncertainty:
    fixed = np.zeros(len(entries.amounts), bool) if fixed is None else fixed
    nan = np.full(len(entries.amounts), np.nan)
    neg = entries.amounts < 0
    return Uncertainty(np.where(fixed, 0, LOGNORMAL).astype(np.int64),
                       np.where(fixed, np.nan, np.log(np.abs(entries.amounts))), np.where(fixed, np.nan, sigma),
                       nan, nan, neg)


def datapackage(system: LCASystem, tu: Uncertainty | None = None, bu: Uncertainty | None = None) -> Any:
    """The system as a bw_processing data package (processes 1000 + i, flows 10 + j; method id ``gwp``)."""
    import bw_processing as bwp

    def dist(u: Uncertainty | None, amounts: np.ndarray) -> np.ndarray:
        arr = np.zeros(len(amounts), dtype=bwp.UNCERTAINTY_DTYPE)
        arr["loc"], arr["scale"], arr["shape"], arr["minimum"], arr["maximum"] = amounts, np.nan, np.nan, np.nan, np.nan
        if u is not None:
            arr["uncertainty_type"], arr["scale"], arr["negative"] = u.kind, u.scale, u.negative
            arr["loc"] = np.where(u.kind <= 1, amounts, u.loc)
            arr["minimum"], arr["maximum"] = u.minimum, u.maximum
        return arr

    def idx(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        out = np.zeros(len(rows), dtype=bwp.INDICES_DTYPE)
        out["row"], out["col"] = rows, cols
        return out

    dp = bwp.create_datapackage()
    t, b = system.technosphere, system.biosphere
    dp.add_persistent_vector(matrix="technosphere_matrix", name="t",
                             indices_array=idx(t.rows + PROCESS_ID0, t.cols + PROCESS_ID0),
                             data_array=t.amounts, flip_array=t.flip, distributions_array=dist(tu, t.amounts))
    dp.add_persistent_vector(matrix="biosphere_matrix", name="b",
                             indices_array=idx(b.rows + FLOW_ID0, b.cols + PROCESS_ID0),
                             data_array=b.amounts, flip_array=b.flip, distributions_array=dist(bu, b.amounts))
    m = len(system.flows)
    dp.add_persistent_vector(matrix="characterization_matrix", name="gwp", identifier=["gwp"],
                             indices_array=idx(np.arange(m) + FLOW_ID0, np.zeros(m, dtype=np.int64)),
                             data_array=system.factors)
    return dp


@pytest.fixture
def bw2calc() -> Any:
    return pytest.importorskip("bw2calc", reason="bw2calc (test dependency) is not installed")


SYSTEMS: dict[str, Callable[[], LCASystem]] = {"two_process": two_process, "cyclic": cyclic, "random": random_system}


@pytest.fixture
def h() -> SimpleNamespace:
    """The helpers of this module (test modules cannot import conftest under --import-mode=importlib)."""
    return SimpleNamespace(two_process=two_process, cyclic=cyclic, random_system=random_system, lognormal=lognormal,
                           datapackage=datapackage, SYSTEMS=SYSTEMS, PROCESS_ID0=PROCESS_ID0, FLOW_ID0=FLOW_ID0)
