"""Run a footprint study: inventory → gate-to-gate → matrices → footprints, contributions, quality, uncertainty.

One factorisation serves every product of the study (``LCA.footprints``: the adjoint); the score of
each life-cycle stage is the adjoint value of the product's stage process; contributions by process,
material and supplier are ``h_j = (c B)_j s_j`` (footprint/contribution.py); the primary data share
and the DQRs are rolled up over the emitting processes weighted by their contribution excluding
biogenic uptake (footprint/dqr.py); Monte Carlo draws every exchange's distribution
(footprint/montecarlo.py); an EV traction battery gets the China declaration (footprint/battery.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from zerocarbon.errors import InputError
from zerocarbon.footprint.battery import BatteryDeclaration, declare
from zerocarbon.footprint.contribution import Contribution, by_process, by_tag
from zerocarbon.footprint.dqr import DataQuality, InputQuality, roll_up
from zerocarbon.footprint.lca import LCA
from zerocarbon.footprint.montecarlo import MonteCarlo
from zerocarbon.footprint.pact import PactFootprint, export_v3
from zerocarbon.services.footprint.exchange import decimal, product_footprint, supplier_footprints, validate
from zerocarbon.services.footprint.gate import GateToGate, gate_to_gate
from zerocarbon.services.footprint.records import STAGES, Item, Study
from zerocarbon.services.footprint.study import load_study
from zerocarbon.services.footprint.system import Built, build
from zerocarbon.services.inventory.runs import InventoryRun, run_inventory, run_store_inventory
from zerocarbon.units import denoise

#: China declaration stage ← study stage (CN-3 of footprint/battery.py; the use stage is not part of it).
CN_FROM_STUDY = {"materials": "raw_materials", "manufacturing": "production", "distribution": "distribution",
                 "recycling": "end_of_life"}
Progress = Callable[[str], None]


@dataclass
class ProductResult:
    """The footprint of one product [kgCO2e per declared unit] with its breakdowns."""

    item: Item
    total: float
    fossil: float
    biogenic: float
    biogenic_removal: float
    other: float
    stages: dict[str, float]
    processes: list[Contribution]
    materials: list[Contribution]
    suppliers: list[Contribution]
    quality: DataQuality
    monte_carlo: dict[str, Any] | None
    pact: PactFootprint
    battery: BatteryDeclaration | None = None

    def to_dict(self, emitters: dict[str, Any], names: dict[str, tuple[str, str]]) -> dict[str, Any]:
        def rows(cs: list[Contribution]) -> list[dict[str, Any]]:
            out = []
            for c in cs:
                if abs(c.amount) <= 1e-9 * abs(self.total):  # round-off of the solve, not a contribution
                    continue
                e = emitters.get(c.key)
                zh, en = (e.name_zh, e.name_en) if e else names.get(c.key, (c.key, c.key))
                out.append({"key": c.key, "kgco2e": c.amount, "share": c.share, "name_zh": zh, "name_en": en,
                            "kind": e.kind if e else ""})
            return out

        def fs(x: Any) -> str:
            """A quality figure as text: floats without binary residue, round-off of the solve as 0."""
            if isinstance(x, float):
                return repr(denoise(0.0 if abs(x) <= 1e-9 * abs(self.total) else x))
            return str(x)

        q = self.quality
        return {
            "product": self.item.id, "name_zh": self.item.name_zh, "name_en": self.item.name_en,
            "unit": self.item.unit, "pact_unit": self.item.pact_unit,
            "mass_kg": str(self.item.mass_kg) if self.item.mass_kg is not None else None,
            "kgco2e_per_unit": self.total, "fossil": self.fossil, "biogenic": self.biogenic,
            "biogenic_removal": self.biogenic_removal, "other": self.other,
            "stages": [{"stage": k, "zh": zh, "en": en, "kgco2e": self.stages.get(k)} for k, zh, en in STAGES],
            "processes": rows(self.processes), "materials": rows(self.materials), "suppliers": rows(self.suppliers),
            "quality": {"primary_data_share": fs(q.primary_data_share), "technological": fs(q.technological),
                        "geographical": fs(q.geographical), "temporal": fs(q.temporal), "rule": q.rule,
                        "inputs": [{"key": i.key, "kgco2e": fs(i.emissions), "primary_share": fs(i.primary_share),
                                    "technological": fs(i.technological), "geographical": fs(i.geographical),
                                    "temporal": fs(i.temporal)} for i in q.inputs]},
            "monte_carlo": self.monte_carlo,
            "battery": self.battery.form() if self.battery else None,
            "pact_id": self.pact.id,
        }


@dataclass
class StudyResult:
    """A study's results, with what they were computed from."""

    study: Study
    inventory_run: InventoryRun
    gate: GateToGate
    built: Built
    products: list[ProductResult]
    supplier_status: dict[str, str]
    pact_status: str
    trace: dict[str, Any] = field(default_factory=dict)

    def pact_documents(self) -> list[dict[str, Any]]:
        """The PACT v3 document of every product."""
        return [export_v3(p.pact) for p in self.products]

    def names(self) -> dict[str, tuple[str, str]]:
        """(zh, en) names of the material and supplier groups of the contributions."""
        s = self.study
        return {**{d.id: (d.name_zh, d.name_en) for d in s.datasets},
                **{x.id: (x.name, x.name) for x in s.suppliers}, **{x.name: (x.name, x.name) for x in s.suppliers},
                "(gate-to-gate)": ("厂内生产（门到门）", "own production (gate to gate)"),
                "transport": ("运输", "transport")}

    def to_dict(self) -> dict[str, Any]:
        s = self.study
        return denoise({
            "study": {"id": s.id, "synthetic": s.synthetic, "title_zh": s.title_zh, "title_en": s.title_en,
                      "goal_zh": s.goal_zh, "goal_en": s.goal_en, "standard": s.standard, "year": s.year,
                      "company_name": s.company_name, "boundary": s.boundary, "stages": list(s.stages),
                      "excluded_stages": list(s.excluded_stages),
                      "cut_off": {**s.cut_off, "max_excluded_pct": str(s.cut_off["max_excluded_pct"]),
                                  "excluded_total_pct": str(s.cut_off["excluded_total_pct"]),
                                  "excluded": [{**e, "estimate_pct": str(e["estimate_pct"])}
                                               for e in s.cut_off["excluded"]]},
                      "gwp": s.gwp, "file": str(s.path), "notes": list(s.notes)},
            "factory": {"id": self.inventory_run.inventory.factory_id,
                        "name_zh": self.inventory_run.inventory.factory_name_zh,
                        "name_en": self.inventory_run.inventory.factory_name_en, "period": self.gate.period},
            "allocation": self.gate.allocation, "electricity": self.gate.electricity,
            "gate_to_gate": [{"product": g.product, "group": g.group, "tco2e": str(g.tco2e), "output": str(g.output),
                              "kgco2e_per_unit": str(g.kg_per_unit), "pct95": str(g.pct95),
                              "derivation": g.derivation} for g in self.gate.lines],
            "left_out": self.gate.left_out,
            "datasets": [{"id": d.id, "name_zh": d.name_zh, "name_en": d.name_en, "unit": d.unit,
                          "kgco2e_per_unit": str(d.fossil + d.biogenic + d.biogenic_removal + d.other),
                          "source": d.source, "licence": d.licence} for d in s.datasets],
            "suppliers": [{"id": x.id, "name": x.name, "unit": x.unit, "values": self.built.supplier_values[x.id],
                           "source": self.built.emitters[f"supplier:{x.id}"].source,
                           "pact_validation": self.supplier_status.get(x.id)} for x in s.suppliers],
            "transport_modes": [{"id": m.id, "name_zh": m.name_zh, "name_en": m.name_en,
                                 "kgco2e_per_tkm": str(m.factor), "source": m.source} for m in s.modes],
            "products": [p.to_dict(self.built.emitters, self.names()) for p in self.products],
            "pact_validation": self.pact_status, "trace": self.trace,
        })


def _quality(study: Study, built: Built, lca: LCA, demand: dict[str, float]) -> DataQuality:
    """PDS and DQRs over the emitting processes, weighted by their contribution excluding biogenic uptake."""
    system = built.system
    mask = np.array([f.id != "biogenic_removal" for f in system.flows], dtype=float)
    s = lca.supply(system.demand_vector(demand))
    e = np.asarray(lca.b.T @ (system.factors * mask)) * s
    inputs = []
    for j, p in enumerate(system.processes):
        em = built.emitters.get(p.id)
        if em is None or abs(e[j]) <= 1e-9 * float(np.abs(e).sum()):  # none, or round-off of the solve
            continue
        q = em.quality
        # the solve's float to 12 significant digits: its binary residue is not a figure of the study
        inputs.append(InputQuality(key=p.id, emissions=Decimal(f"{float(e[j]):.12g}"), primary_share=q.primary_share,
                                   technological=q.technological, geographical=q.geographical, temporal=q.temporal))
    if not inputs:
        raise InputError(f"研究 {study.id} 的产品没有任何排放输入",
                         f"study {study.id}: a product has no emitting input",
                         file=str(study.path), field="products", expected="inputs with emissions")
    return roll_up(inputs)


def _battery(study: Study, item: Item, stages: dict[str, float]) -> BatteryDeclaration | None:
    if item.battery is None:
        return None
    b = item.battery
    where = f"products.{item.id}.battery"
    missing = [cn for cn, st in CN_FROM_STUDY.items() if st not in study.stages]
    if missing:
        raise InputError(f"电池碳足迹申报需要四个阶段，研究边界缺少 {missing}",
                         f"the battery declaration needs the four stages; the boundary lacks {missing}",
                         file=str(study.path), row=item.line, field=where, expected=", ".join(CN_FROM_STUDY.values()))
    try:
        return declare(model=str(b["model"]), manufacturer=str(b.get("manufacturer") or study.company_name),
                       capacity_kwh=Decimal(str(b["capacity_kwh"])),
                       stages={cn: decimal(stages[st], 6) for cn, st in CN_FROM_STUDY.items()},
                       lifetime_energy_kwh=Decimal(str(b["lifetime_energy_kwh"])),
                       lifetime_energy_basis=str(b["lifetime_energy_basis"]),
                       on=date.fromisoformat(str(b["declared_on"])) if b.get("declared_on") else date.today())
    except InputError as exc:
        raise exc.with_location(file=str(study.path), row=item.line, field=f"{where}.{exc.field or ''}") from exc


def inventory_for(study: Study, inventory_run: InventoryRun | None, factory: str | None = None,
                  url: str | None = None) -> InventoryRun:
    """The factory inventory the study's gate-to-gate data come from: given, the store's (``factory``, with the
    study's activity file as the declared part when it names one), or the study's activity file."""
    if inventory_run is not None:
        return inventory_run
    if factory is not None:
        return run_store_inventory(factory, study.year, url=url, declared=study.activity_file, mc_draws=0)
    if study.activity_file is None:
        raise InputError("研究未给出工厂活动数据文件（study.factory.activity_file），也未指定工厂",
                         "the study names no activity file (study.factory.activity_file) and no factory was given",
                         file=str(study.path), field="study.factory.activity_file",
                         expected="a factory activity file, or --factory for the store's inventory")
    return run_inventory(study.activity_file, study.year, mc_draws=0)


def run_study(study: Study | str | Path, inventory_run: InventoryRun | None = None, *,
              progress: Progress | None = None, iterations: int | None = None, factory: str | None = None,
              url: str | None = None) -> StudyResult:
    """Compute every product footprint of ``study`` (see the module docstring).

    Parameters
    ----------
    study : Study or path
        The study, or its file.
    inventory_run : InventoryRun, optional
        The factory's inventory (from the store or the main job); default: the study's activity file.
    iterations : int, optional
        Monte Carlo iterations (default: the study's; 0 for none).
    factory, url : str, optional
        Take the inventory of this factory from the store (at ``url``; default store) instead.
    """
    say = progress or (lambda _m: None)
    st = study if isinstance(study, Study) else load_study(study)
    inv_run = inventory_for(st, inventory_run, factory, url)
    if inv_run.year != st.year:
        raise InputError(f"清单年份 {inv_run.year} 与研究年份 {st.year} 不同",
                         f"the inventory is for {inv_run.year}, the study for {st.year}", file=str(st.path),
                         field="study.year", expected=str(inv_run.year))
    say("gate-to-gate / 厂内排放分配")
    gate = gate_to_gate(st, inv_run.data, inv_run.inventory)
    say("suppliers / 供应商足迹")
    pacts, supplier_status = supplier_footprints(st)
    built = build(st, gate, pacts)
    say("LCA / 生命周期计算")
    lca = LCA(built.system)
    demands = [{f"product:{p.id}": 1.0} for p in st.products]
    footprints = lca.footprints(demands)
    adjoint = lca.adjoint
    removal_idx = [k for k, f in enumerate(built.system.flows) if f.id == "biogenic_removal"]
    n_iter = st.iterations if iterations is None else iterations
    mc = MonteCarlo(built.system, built.tech_u, built.bio_u, seed=st.seed) if n_iter > 0 else None
    results = []
    for item, demand, fp in zip(st.products, demands, footprints, strict=True):
        idx = built.system.process_index
        stages = {stage: float(adjoint[0, idx[f"stage:{item.id}:{stage}"]]) for stage in st.stages}
        g = lca.inventory(demand)
        removal = float(sum(g[k] for k in removal_idx))
        quality = _quality(st, built, lca, demand)
        summary = None
        if mc is not None:
            say(f"Monte Carlo {item.id} / 蒙特卡洛")
            summary = mc.run(demand, n_iter).summary()
        values = {"total": fp.total, "fossil": fp.fossil, "biogenic_removal": removal}
        pact = product_footprint(st, item, values, {"primary_data_share": quality.primary_data_share,
                                                    "technological": quality.technological,
                                                    "geographical": quality.geographical,
                                                    "temporal": quality.temporal})
        results.append(ProductResult(
            item=item, total=fp.total, fossil=fp.fossil, biogenic=fp.biogenic - removal, biogenic_removal=removal,
            other=fp.other, stages=stages, processes=by_process(lca, demand), materials=by_tag(lca, demand, "material"),
            suppliers=[c for c in by_tag(lca, demand, "supplier") if c.key != "(untagged)"], quality=quality,
            monte_carlo=summary, pact=pact, battery=_battery(st, item, stages)))
    statuses = {validate(export_v3(r.pact)) for r in results}
    trace = {**lca.trace(demands[0]), "demand": "one unit of each product", "products": [p.id for p in st.products]}
    return StudyResult(st, inv_run, gate, built, results, supplier_status, "; ".join(sorted(statuses)), trace)
