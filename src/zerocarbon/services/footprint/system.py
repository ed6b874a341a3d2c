"""The study as matrices: processes, elementary flows, exchanges and their distributions.

Every item of the study becomes one process of :class:`zerocarbon.footprint.lca.LCASystem`
(Brightway's convention, inputs flipped):

- a product ``product:P`` uses one unit of each of its stage processes ``stage:P:<stage>``;
  the stage processes hold the product's bill of materials, transport legs, use and end-of-life
  lines by stage, and ``stage:P:production`` the product's gate-to-gate groups ``gate:P:<group>``
  (one unit each), so the score of each stage is the adjoint value of its stage process;
- a part ``part:X`` uses its own bill of materials and legs (its stage is the stage where it is used);
- a dataset ``dataset:D``, a supplier footprint ``supplier:S``, a transport mode ``transport:M`` and a
  gate group emit their GHG per unit into four flows, already characterised [kgCO2e] (factor 1):
  ``fossil``, ``biogenic`` (emissions), ``biogenic_removal`` (uptake, ≤ 0) and ``other``
  (non-fossil, non-biogenic-CO2 emissions, e.g. land-use change of a supplier's PCF).

Distributions (records.Uncert) are relative to the amount and become ``stats_arrays`` codes:
lognormal (σ = ln GSD), normal (σ = half-width₉₅ / 1.96), uniform and triangular (bounds below and
above the amount, mode at it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from zerocarbon.errors import InputError
from zerocarbon.footprint.lca import Flow, LCASystem, Process, build_system
from zerocarbon.footprint.montecarlo import LOGNORMAL, NORMAL, TRIANGULAR, UNIFORM, Uncertainty
from zerocarbon.footprint.pact import PactFootprint
from zerocarbon.services.footprint.gate import GROUPS, GateToGate
from zerocarbon.services.footprint.records import Quality, Study, Uncert
from zerocarbon.services.footprint.study import unit_factor

FLOWS = (Flow("fossil", "GHG, fossil", "kgCO2e", "fossil"),
         Flow("biogenic", "GHG, biogenic emissions", "kgCO2e", "biogenic"),
         Flow("biogenic_removal", "CO2, biogenic uptake", "kgCO2e", "biogenic"),
         Flow("other", "GHG, other (land use change …)", "kgCO2e", "other"))
#: PACT declaredUnitOfMeasurement → the unit a study writes.
PACT_TO_UNIT = {"kilogram": "kg", "piece": "piece", "kilowatt hour": "kWh", "liter": "L", "cubic meter": "m3",
                "megajoule": "MJ", "ton kilometer": "tkm", "square meter": "m2", "hour": "h"}


@dataclass(frozen=True)
class Emitter:
    """What an emitting process stands for, for data quality and the results."""

    process: str
    kind: str  # dataset | supplier | transport | gate
    name_zh: str
    name_en: str
    quality: Quality
    source: str


@dataclass
class Built:
    """The system of a study and what the run needs beside it."""

    system: LCASystem
    tech_u: Uncertainty
    bio_u: Uncertainty
    emitters: dict[str, Emitter]
    supplier_values: dict[str, dict[str, str]]


def supplier_values(study: Study, pacts: Mapping[str, PactFootprint]) -> tuple[dict[str, dict[str, Decimal]],
                                                                            dict[str, Quality]]:
    """Per supplier: flows [kgCO2e per the study's unit] and quality, from its PACT footprint or as stated."""
    values: dict[str, dict[str, Decimal]] = {}
    quality: dict[str, Quality] = {}
    for s in study.suppliers:
        where = f"suppliers.{s.id}"
        fp = pacts.get(s.id)
        if fp is None:
            values[s.id] = {"fossil": s.fossil or Decimal(0), "other": s.other or Decimal(0),
                            "biogenic_removal": s.biogenic_removal or Decimal(0)}
            quality[s.id] = s.quality or Quality(Decimal(5), Decimal(5), Decimal(5))
            continue
        unit = PACT_TO_UNIT.get(fp.declared_unit, fp.declared_unit)
        try:
            per = unit_factor(s.unit, unit) / fp.declared_unit_amount  # PACT values per declared unit amount
        except InputError as exc:
            raise exc.with_location(file=str(study.path), row=s.line, field=f"{where}.unit") from exc
        excl = fp.pcf_excluding_biogenic_uptake
        fossil = fp.fossil_ghg_emissions
        if excl is None or fossil is None:
            raise InputError(f"供应商 {s.id} 的 PACT 足迹缺少 pcfExcludingBiogenicUptake 或 fossilGhgEmissions",
                             f"supplier {s.id}: the PACT footprint lacks pcfExcludingBiogenicUptake or "
                             "fossilGhgEmissions", file=str(s.pact_file), field="pcf", expected="both values")
        removal = fp.biogenic_co2_uptake
        if removal is None and fp.pcf_including_biogenic_uptake is not None:
            removal = fp.pcf_including_biogenic_uptake - excl
        values[s.id] = {"fossil": fossil * per, "other": (excl - fossil) * per,
                        "biogenic_removal": (removal or Decimal(0)) * per}
        base = s.quality
        if fp.dqi is None and base is None:
            raise InputError(f"供应商 {s.id} 的 PACT 足迹没有 dqi，研究中也未给出 dqr",
                             f"supplier {s.id}: the PACT footprint has no dqi and the study gives no dqr",
                             file=str(study.path), row=s.line, field=f"{where}.dqr", expected="dqr: {…} (1..5)")
        dq = fp.dqi or {}
        quality[s.id] = Quality(
            technological=dq.get("technologicalDQR", base.technological if base else Decimal(5)),
            geographical=dq.get("geographicalDQR", base.geographical if base else Decimal(5)),
            temporal=dq.get("temporalDQR", base.temporal if base else Decimal(5)),
            primary_share=(fp.primary_data_share / 100) if fp.primary_data_share is not None
            else (base.primary_share if base else Decimal(0)))
    return values, quality


def _code(u: Uncert, amount: float) -> tuple[int, float, float, float, float, bool]:
    """(stats_arrays id, loc, scale, minimum, maximum, negative) for ``amount`` [its unit]."""
    nan = math.nan
    if u.distribution == "lognormal" and u.gsd is not None and amount != 0 and u.gsd > 1:
        return LOGNORMAL, math.log(abs(amount)), math.log(float(u.gsd)), nan, nan, amount < 0
    if u.distribution == "normal" and u.pct95 is not None:
        return NORMAL, amount, abs(amount) * float(u.pct95) / 100 / 1.96, nan, nan, False
    if u.distribution in ("uniform", "triangular") and u.low_pct is not None and u.high_pct is not None:
        lo, hi = amount * (1 - float(u.low_pct) / 100), amount * (1 + float(u.high_pct) / 100)
        lo, hi = min(lo, hi), max(lo, hi)
        return (UNIFORM if u.distribution == "uniform" else TRIANGULAR), amount, nan, lo, hi, False
    return 0, nan, nan, nan, nan, False


def _uncertainty(codes: list[tuple[int, float, float, float, float, bool]]) -> Uncertainty:
    if not codes:
        return Uncertainty.none(0)
    cols = list(zip(*codes, strict=True))
    loc, scale, lo, hi = (np.array(c, dtype=float) for c in cols[1:5])
    return Uncertainty(np.array(cols[0], dtype=np.int64), loc, scale, lo, hi, np.array(cols[5], dtype=bool))


def build(study: Study, gate: GateToGate, pacts: Mapping[str, PactFootprint]) -> Built:
    """The LCA system of ``study`` with the products' gate-to-gate groups and the suppliers' footprints."""
    processes: list[Process] = []
    tech: list[tuple[str, str, float, bool]] = []
    bio: list[tuple[str, str, float]] = []
    t_codes: list[tuple[int, float, float, float, float, bool]] = []
    b_codes: list[tuple[int, float, float, float, float, bool]] = []
    emitters: dict[str, Emitter] = {}

    def process(pid: str, name: str, unit: str, **tags: str) -> None:
        processes.append(Process(pid, name, unit, tags))
        tech.append((pid, pid, 1.0, False))
        t_codes.append(_code(Uncert(), 1.0))

    def emit(pid: str, flows: Mapping[str, Decimal], u: Uncert) -> None:
        for flow, value in flows.items():
            if value != 0:
                bio.append((flow, pid, float(value)))
                b_codes.append(_code(u, float(value)))

    def use(user: str, ref: str, amount: float, u: Uncert) -> None:
        tech.append((ref, user, amount, True))
        t_codes.append(_code(u, amount))

    for d in study.datasets:
        pid = f"dataset:{d.id}"
        process(pid, d.name_en, d.unit, material=d.id, kind="dataset")
        emit(pid, {"fossil": d.fossil, "biogenic": d.biogenic, "biogenic_removal": d.biogenic_removal,
                   "other": d.other}, d.uncertainty)
        emitters[pid] = Emitter(pid, "dataset", d.name_zh, d.name_en, d.quality, f"{d.source} ({d.licence})")
    values, quality = supplier_values(study, pacts)
    for s in study.suppliers:
        pid = f"supplier:{s.id}"
        process(pid, s.name, s.unit, material=s.id, supplier=s.name, kind="supplier")
        emit(pid, values[s.id], s.uncertainty)
        source = f"PACT {pacts[s.id].id} ({s.pact_file.name if s.pact_file else ''})" if s.id in pacts else s.source
        emitters[pid] = Emitter(pid, "supplier", s.name, s.name, quality[s.id], source)
    for m in study.modes:
        pid = f"transport:{m.id}"
        process(pid, m.name_en, "tkm", material="transport", kind="transport")
        emit(pid, {"fossil": m.factor}, m.uncertainty)
        emitters[pid] = Emitter(pid, "transport", m.name_zh, m.name_en, m.quality, m.source)
    kinds = {**{d.id: "dataset" for d in study.datasets}, **{s.id: "supplier" for s in study.suppliers},
             **{p.id: "part" for p in study.parts}}
    units = study.item_units()
    for part in study.parts:
        pid = f"part:{part.id}"
        process(pid, part.name_en, part.unit, kind="part")
        for u in part.uses:
            use(pid, f"{kinds[u.ref]}:{u.ref}", float(u.quantity * unit_factor(u.unit, units[u.ref][1])),
                u.uncertainty)
        for g in part.legs:
            use(pid, f"transport:{g.mode}", float(g.tkm), g.uncertainty)
    for item in study.products:
        pid = f"product:{item.id}"
        process(pid, item.name_en, item.unit, kind="product")
        for stage in study.stages:
            sid = f"stage:{item.id}:{stage}"
            process(sid, f"{item.id} {stage}", item.unit, stage=stage, kind="stage")
            use(pid, sid, 1.0, Uncert())
        for u in item.uses:
            use(f"stage:{item.id}:{u.stage}", f"{kinds[u.ref]}:{u.ref}",
                float(u.quantity * unit_factor(u.unit, units[u.ref][1])), u.uncertainty)
        for g in item.legs:
            use(f"stage:{item.id}:{g.stage}", f"transport:{g.mode}", float(g.tkm), g.uncertainty)
        for line in gate.of(item.id):
            gid = f"gate:{item.id}:{line.group}"
            zh, en = GROUPS.get(line.group, (line.group, line.group))
            process(gid, en, item.unit, material="(gate-to-gate)", kind="gate")
            use(f"stage:{item.id}:production", gid, 1.0, Uncert())
            emit(gid, {"biogenic" if line.biogenic else "fossil": line.kg_per_unit},
                 Uncert("normal", pct95=line.pct95) if line.pct95 else Uncert())
            emitters[gid] = Emitter(gid, "gate", zh, en, study.gate_quality,
                                    f"inventory {gate.period}: {line.derivation}")
    system = build_system(processes, FLOWS, tech, bio, {f.id: 1.0 for f in FLOWS},
                          method=f"IPCC {study.gwp} GWP100 (datasets and suppliers as characterised by their "
                                 "sources)")
    shown = {s: {k: str(v) for k, v in vals.items()} for s, vals in values.items()}
    return Built(system, _uncertainty(t_codes), _uncertainty(b_codes), emitters, shown)
