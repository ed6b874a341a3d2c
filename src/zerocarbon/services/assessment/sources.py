"""One way to evaluate a factory from its named inputs, used both to write the reports and to re-check
them (``zerocarbon verify``), so that a re-check repeats exactly the computation that made the figures.

``sources`` maps an input to a file name in ``base`` (the manifest records the same map):
``equipment`` (register → efficiency diagnosis), ``planning`` (assumptions → roadmap), ``footprint``
(study → product footprints), ``declaration``, ``ledger``. Metered data come from the store ``url``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zerocarbon.services.assessment.runs import assess_with, raw_input
from zerocarbon.services.assessment.verdict import Assessment
from zerocarbon.services.efficiency.diagnose import Diagnosis
from zerocarbon.services.inventory.runs import InventoryRun

#: The inputs a manifest may name, besides the activity data and the store.
NAMED = ("equipment", "planning", "footprint", "declaration", "ledger")


@dataclass
class Evaluated:
    assessment: Assessment
    inputs: dict[str, Any]  # digested into the manifest
    efficiency: Diagnosis | None
    plan: dict[str, Any] | None
    footprint: Any  # services.footprint.run.StudyResult | None
    metering: Mapping[str, Any] | None


def evaluate_sources(run: InventoryRun, base: Path, sources: Mapping[str, str], url: str | None = None, *,
                     metering: Mapping[str, Any] | None = None, efficiency: Diagnosis | None = None,
                     plan: dict[str, Any] | None = None, footprint: Any = None) -> Evaluated:
    """Compute every capability the sources name (results already computed may be passed in) and evaluate."""
    def path(key: str) -> Path | None:
        return base / sources[key] if key in sources else None

    inputs: dict[str, Any] = {}
    equipment = path("equipment")
    if efficiency is None and equipment is not None:
        from zerocarbon.services.efficiency.diagnose import diagnose
        from zerocarbon.services.efficiency.runs import load_register

        efficiency = diagnose(load_register(equipment), year=run.year, data=run.data, inventory=run.inventory)
    if equipment is not None:
        inputs["equipment"] = raw_input(equipment)
    planning = path("planning")
    if planning is not None:
        inputs["planning"] = raw_input(planning)
        if plan is None:
            from zerocarbon.services.planning.assumptions import load_assumptions
            from zerocarbon.services.planning.load import metered_hourly_kw
            from zerocarbon.services.planning.runs import make_plan

            hourly = metered_hourly_kw(run.data.factory.id, run.year, url) if url else None
            plan = make_plan(run, load_assumptions(planning), diagnosis=efficiency, hourly_kw=hourly)
    study = path("footprint")
    if study is not None:
        inputs["footprint"] = raw_input(study)
        if footprint is None:
            from zerocarbon.services.footprint.run import run_study

            footprint = run_study(study, run)
    if metering is None and url is not None and str(sources.get("activity", "")).startswith("store:"):
        from zerocarbon.services.reports.metering import metering_findings

        metering = metering_findings(run, url)
    result, more = assess_with(run, declaration=path("declaration"), ledger=path("ledger"),
                               efficiency=efficiency.to_dict() if efficiency else None, metering=metering,
                               footprints=footprint.to_dict() if footprint is not None else None, planning=plan)
    inputs.update(more)
    return Evaluated(result, inputs, efficiency, plan, footprint, metering)
