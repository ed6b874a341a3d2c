"""Contribution analysis of a footprint: which processes, stages, materials and suppliers make it.

The direct contribution of process ``j`` to the score of demand ``f`` is its own emissions,
characterised, at the activity the demand needs:

    h_j = (c B)_j · s_j        with s = A⁻¹ f          [kgCO2e]

so that ``Σ_j h_j`` is the footprint (Heijungs & Suh 2002, §5.2 "process contribution";
Brightway's ``characterized_inventory.sum(axis=0)``). Grouping ``h_j`` by an attribute of the
processes (their ``tags``: ``stage``, ``material``, ``supplier`` …) gives the contribution by
life-cycle stage, material or supplier, as GB/T 24067-2024 / ISO 14067:2018 §7.3 ask results per
stage and the guidance asks for hot spots. Processes without the attribute are grouped under
``"(untagged)"``. Contributions by elementary flow are ``c_k · g_k``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from zerocarbon.footprint.lca import LCA, FloatArray

UNTAGGED = "(untagged)"


@dataclass(frozen=True)
class Contribution:
    """One group's share of a footprint.

    Attributes
    ----------
    key : str
        The group (a process id, a stage, a material, a supplier, a flow id).
    amount : float
        Its contribution [kgCO2e].
    share : float
        ``amount / total`` [1]; NaN when the total is 0.
    """

    key: str
    amount: float
    share: float


def process_contributions(lca: LCA, demand: Mapping[str, float]) -> FloatArray:
    """``h_j = (c B)_j s_j`` for every process (array in process order) [kgCO2e]."""
    s = lca.supply(lca.system.demand_vector(demand))
    cb = np.asarray(lca.b.T @ lca.system.factors)
    return np.asarray(cb * s)


def _rank(groups: Mapping[str, float], top: int | None) -> list[Contribution]:
    total = sum(groups.values())
    items = sorted(groups.items(), key=lambda kv: (-abs(kv[1]), kv[0]))
    out = [Contribution(k, v, v / total if total else float("nan")) for k, v in items]
    return out[:top] if top else out


def by_process(lca: LCA, demand: Mapping[str, float], top: int | None = None) -> list[Contribution]:
    """Contributions by process, largest (in absolute value) first [kgCO2e]."""
    h = process_contributions(lca, demand)
    return _rank({p.id: float(h[j]) for j, p in enumerate(lca.system.processes) if h[j] != 0}, top)


def by_tag(lca: LCA, demand: Mapping[str, float], tag: str, top: int | None = None) -> list[Contribution]:
    """Contributions grouped by the process attribute ``tag`` (``stage``, ``material``, ``supplier`` …) [kgCO2e]."""
    h = process_contributions(lca, demand)
    groups: dict[str, float] = {}
    for j, p in enumerate(lca.system.processes):
        if h[j] != 0:
            key = p.tags.get(tag, UNTAGGED)
            groups[key] = groups.get(key, 0.0) + float(h[j])
    return _rank(groups, top)


def by_stage(lca: LCA, demand: Mapping[str, float]) -> list[Contribution]:
    """Contributions by life-cycle stage (tag ``stage``) [kgCO2e]."""
    return by_tag(lca, demand, "stage")


def by_material(lca: LCA, demand: Mapping[str, float]) -> list[Contribution]:
    """Contributions by material (tag ``material``) [kgCO2e]."""
    return by_tag(lca, demand, "material")


def by_supplier(lca: LCA, demand: Mapping[str, float]) -> list[Contribution]:
    """Contributions by supplier (tag ``supplier``) [kgCO2e]."""
    return by_tag(lca, demand, "supplier")


def by_flow(lca: LCA, demand: Mapping[str, float], top: int | None = None) -> list[Contribution]:
    """Contributions by elementary flow, ``c_k g_k`` [kgCO2e]."""
    h = lca.system.factors * lca.inventory(demand)
    return _rank({f.id: float(h[k]) for k, f in enumerate(lca.system.flows) if h[k] != 0}, top)
