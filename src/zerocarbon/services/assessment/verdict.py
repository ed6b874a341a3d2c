"""Use case: is this factory a zero-carbon factory, and if not, what is missing and what closes the gap.

Builds the indicators from every capability's result (``indicators.py``), checks the 13 centre
functions, evaluates each chosen criteria set for the reported year and the default set for every year
of the file (the trend), and returns plain data for the CLI, the reports and the API.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from zerocarbon.assessment.centre import FunctionCheck, checks_to_dict, self_check
from zerocarbon.assessment.criteria import criteria_set, load_criteria
from zerocarbon.assessment.evaluate import Indicator, SetEvaluation, evaluate
from zerocarbon.errors import InputError
from zerocarbon.offsets.instruments import LedgerFile
from zerocarbon.offsets.ledger import Ledger, build_ledger
from zerocarbon.services.assessment.declaration import Declaration
from zerocarbon.services.assessment.indicators import (
    add_declaration,
    add_efficiency,
    add_footprints,
    add_ledger,
    inventory_indicators,
)
from zerocarbon.services.inventory.runs import InventoryRun


@dataclass
class Assessment:
    factory_id: str
    year: int
    evaluations: list[SetEvaluation]
    trend: list[SetEvaluation]
    centre: list[FunctionCheck]
    indicators: dict[str, Indicator]
    ledger: Ledger | None = None
    notes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def main(self) -> SetEvaluation:
        return self.evaluations[0]

    def to_dict(self) -> dict[str, Any]:
        led = self.ledger
        return {
            "factory": self.factory_id,
            "year": self.year,
            "evaluations": [e.to_dict() for e in self.evaluations],
            "trend": [{"year": e.year, "levels": {v.level.id: v.status for v in e.levels}} for e in self.trend],
            "centre_functions": checks_to_dict(self.centre),
            "indicators": {
                k: {
                    "value": str(v.value) if isinstance(v.value, Decimal) else v.value,
                    "unit": v.unit,
                    "basis": {"zh": v.basis_zh, "en": v.basis_en},
                    "reason": {"zh": v.reason_zh, "en": v.reason_en},
                    "evidence": list(v.evidence),
                }
                for k, v in sorted(self.indicators.items())
            },
            "ledger": None
            if led is None
            else {
                "retirements": [
                    {
                        "instrument": r.instrument.id,
                        "kind": r.instrument.kind,
                        "serials": list(r.serials) if r.serials else None,
                        "month": r.month,
                        "amount": str(r.amount),
                        "unit": r.unit,
                        "period": r.period,
                        "purpose": r.purpose,
                        "on": r.on.isoformat(),
                        "proof": r.proof,
                    }
                    for r in led.retirements
                ],
                "refusals": [
                    {
                        "event": f.index,
                        "kind": f.event,
                        "instrument": f.instrument,
                        "rule": f.rule,
                        "reason": {"zh": f.reason_zh, "en": f.reason_en},
                    }
                    for f in led.refusals
                ],
                "onsite_sold_mwh": {k: str(v) for k, v in led.onsite_sold.items()},
            },
            "notes": [{"zh": zh, "en": en} for zh, en in self.notes],
        }


def load_ledger(path: str | Path) -> Ledger:
    """Read a ledger file (YAML/JSON) and apply its events; refused events are listed, not raised."""
    import json

    import yaml

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
        raw = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
        parsed = TypeAdapter(LedgerFile).validate_python(raw)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        if isinstance(exc, ValidationError):
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            raise InputError(
                f"抵销台账有误：{where}：{first['msg']}",
                f"ledger error: {where}: {first['msg']}",
                file=p.name,
                field=where,
            ) from exc
        raise InputError(f"无法读取抵销台账：{exc}", f"cannot read the ledger: {exc}", file=p.name) from exc
    return build_ledger(parsed.holder, list(parsed.events))


def capabilities(
    run: InventoryRun,
    *,
    efficiency: Mapping[str, Any] | None,
    metering: Mapping[str, Any] | None,
    footprints: Mapping[str, Any] | None,
    planning: Mapping[str, Any] | None,
    ledger: Ledger | None,
) -> dict[str, tuple[str, str] | None]:
    """What zerocarbon itself evidences for each centre function, from the results it computed."""
    inv = run.inventory
    out: dict[str, tuple[str, str] | None] = {
        k: None
        for k in (
            "meter_readings",
            "comprehensive_energy",
            "efficiency_measures",
            "quota_benchmarking",
            "energy_balance",
            "dispatch_optimisation",
            "budgets",
            "inventory",
            "footprints",
            "supplier_footprints",
            "verification_trace",
            "instrument_ledger",
            "roadmap",
        )
    }
    out["inventory"] = (
        f"{run.year} 年温室气体清单，{len(inv.lines)} 条活动数据",
        f"{run.year} inventory, {len(inv.lines)} lines",
    )
    if all(r.figures for r in inv.lines):
        out["verification_trace"] = (
            "每条数据的因子、公式与中间值可追溯",
            "every line traced to factors, formula and intermediates",
        )
    if metering:
        n = metering.get("meter_activity_lines")
        out["meter_readings"] = (f"表计数据生成 {n} 条活动数据", f"{n} activity lines from meter data")
        if metering.get("energy"):
            out["comprehensive_energy"] = (
                "按 GB/T 2589 计算综合能耗（分品种、分月）",
                "comprehensive energy by GB/T 2589 (by carrier and month)",
            )
    if efficiency:
        if efficiency.get("measures"):
            out["efficiency_measures"] = (
                f"{len(efficiency['measures'])} 项节能措施建议",
                f"{len(efficiency['measures'])} energy-saving measures recommended",
            )
        if efficiency.get("indicators"):
            out["quota_benchmarking"] = ("单位产品能耗对标能耗限额标准", "unit-product energy against quota standards")
        if efficiency.get("balance"):
            out["energy_balance"] = ("能量平衡表", "energy balance")
        if out["comprehensive_energy"] is None and efficiency.get("summary", {}).get("energy_tce"):
            out["comprehensive_energy"] = (
                "综合能耗与单位增加值能耗",
                "comprehensive energy and energy per value added",
            )
    if footprints:
        out["footprints"] = (
            f"{len(footprints.get('products', []))} 个产品碳足迹",
            f"{len(footprints.get('products', []))} product footprints",
        )
        if footprints.get("suppliers"):
            out["supplier_footprints"] = (
                f"导入 {len(footprints['suppliers'])} 个供应商碳足迹（PACT）",
                f"{len(footprints['suppliers'])} supplier footprints imported (PACT)",
            )
    if planning:
        if planning.get("dispatch") or planning.get("plan"):
            out["dispatch_optimisation"] = ("源网荷储优化调度与容量配置", "dispatch and sizing optimisation")
        if planning.get("roadmap"):
            out["roadmap"] = ("边际减排成本曲线与减碳路线图", "marginal abatement cost curve and roadmap")
    if ledger is not None and ledger.instruments:
        out["instrument_ledger"] = (
            f"台账 {len(ledger.instruments)} 项工具，{len(ledger.retirements)} 次核销",
            f"ledger of {len(ledger.instruments)} instruments, {len(ledger.retirements)} retirements",
        )
    return out


def assess(
    run: InventoryRun,
    *,
    sets: Sequence[str] | None = None,
    efficiency: Mapping[str, Any] | None = None,
    metering: Mapping[str, Any] | None = None,
    footprints: Mapping[str, Any] | None = None,
    planning: Mapping[str, Any] | None = None,
    ledger: Ledger | None = None,
    declaration: Declaration | None = None,
    costs: Mapping[str, Decimal] | None = None,
    criteria_path: Path | None = None,
) -> Assessment:
    """Evaluate the run's factory and year against ``sets`` (default: the default set, then every other
    shipped set as companions). Missing inputs make their criteria not assessable, never silently met."""
    all_sets = load_criteria(criteria_path).sets
    chosen = [criteria_set(s, criteria_path) for s in sets] if sets else sorted(all_sets, key=lambda s: not s.default)
    notes: list[tuple[str, str]] = []
    if declaration is not None and (declaration.factory != run.data.factory.id or declaration.year != run.year):
        raise InputError(
            f"评价声明属于 {declaration.factory} {declaration.year} 年，清单是 {run.data.factory.id} {run.year} 年",
            f"the declaration is for {declaration.factory} {declaration.year}, the "
            f"inventory for {run.data.factory.id} {run.year}",
            field="factory",
        )
    caps = capabilities(
        run, efficiency=efficiency, metering=metering, footprints=footprints, planning=planning, ledger=ledger
    )
    centre = self_check(caps, frozenset(declaration.centre_functions) if declaration else frozenset())
    ind = inventory_indicators(run.inventory)
    add_ledger(ind, ledger, run.year)
    add_efficiency(ind, efficiency)
    add_footprints(ind, footprints, declaration)
    add_declaration(ind, declaration, centre)
    if ledger is not None and ledger.holder != run.data.factory.id:
        notes.append(
            (
                f"抵销台账的持有人是 {ledger.holder}，不是本厂",
                f"the ledger's holder is {ledger.holder}, not this factory",
            )
        )
    evaluations = [evaluate(s, ind, run.year, costs) for s in chosen]
    trend = []
    for year, inv in sorted(run.inventories.items()):
        yind = ind if year == run.year else inventory_indicators(inv)
        trend.append(evaluate(chosen[0], yind, year, costs))
    return Assessment(run.data.factory.id, run.year, evaluations, trend, centre, ind, ledger, notes)
