"""Use case: the zero-carbon evaluation of a factory from its files (activity data, declaration, ledger,
equipment register), and its outputs (JSON, HTML zh-CN and en)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from zerocarbon.reports.verdict import render_verdict_html
from zerocarbon.services.assessment.declaration import load_declaration
from zerocarbon.services.assessment.verdict import Assessment, assess, load_ledger
from zerocarbon.services.inventory.runs import InventoryRun, run_inventory


def assess_files(
    activity: str | Path,
    *,
    year: int | None = None,
    declaration: str | Path | None = None,
    ledger: str | Path | None = None,
    equipment: str | Path | None = None,
    sets: Sequence[str] | None = None,
    metering: Mapping[str, Any] | None = None,
    footprints: Mapping[str, Any] | None = None,
    planning: Mapping[str, Any] | None = None,
) -> tuple[InventoryRun, Assessment]:
    """Run the inventory of ``activity`` (and the diagnosis of ``equipment``) and evaluate it."""
    run = run_inventory(activity, year)
    efficiency = None
    if equipment is not None:
        from zerocarbon.services.efficiency.diagnose import diagnose
        from zerocarbon.services.efficiency.runs import load_register

        efficiency = diagnose(load_register(equipment), year=run.year, data=run.data, inventory=run.inventory).to_dict()
    result = assess(
        run,
        sets=sets,
        efficiency=efficiency,
        metering=metering,
        footprints=footprints,
        planning=planning,
        ledger=load_ledger(ledger) if ledger else None,
        declaration=load_declaration(declaration) if declaration else None,
    )
    return run, result


def write_assessment(result: Assessment, out_dir: Path, factory_name: str, synthetic: bool = False) -> list[Path]:
    """``zero_carbon_evaluation.json`` and the page in both languages."""
    out_dir.mkdir(parents=True, exist_ok=True)
    data = result.to_dict()
    path = out_dir / "zero_carbon_evaluation.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    files = [path]
    for lang in ("zh", "en"):
        files.append(render_verdict_html(data, out_dir, factory_name, lang, synthetic))
    return files
