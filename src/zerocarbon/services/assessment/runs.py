"""Use case: the zero-carbon evaluation of a factory from its files (activity data, declaration, ledger,
equipment register), and its outputs (JSON and HTML zh-CN and en, each with the manifest a verifier
re-checks with ``zerocarbon verify``)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from zerocarbon.reports.verdict import render_verdict_html
from zerocarbon.services.assessment.declaration import load_declaration
from zerocarbon.services.assessment.verdict import Assessment, assess, load_ledger
from zerocarbon.services.inventory.runs import InventoryRun, run_inventory
from zerocarbon.services.verification.manifest import build_manifest, embed


def raw_input(path: str | Path) -> Any:
    """A file's content as plain data for its digest in the manifest (YAML/JSON parsed; other files by their
    bytes' SHA-256)."""
    p = Path(path)
    if p.suffix.lower() not in (".yaml", ".yml", ".json"):
        return hashlib.sha256(p.read_bytes()).hexdigest()
    text = p.read_text(encoding="utf-8")
    return json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)


def assess_with(
    run: InventoryRun,
    *,
    declaration: str | Path | None = None,
    ledger: str | Path | None = None,
    equipment: str | Path | None = None,
    sets: Sequence[str] | None = None,
    metering: Mapping[str, Any] | None = None,
    footprints: Mapping[str, Any] | None = None,
    planning: Mapping[str, Any] | None = None,
    efficiency: Mapping[str, Any] | None = None,
) -> tuple[Assessment, dict[str, Any]]:
    """Evaluate ``run`` with the given files; also returns those inputs as plain data for the manifest."""
    inputs: dict[str, Any] = {}
    if equipment is not None and efficiency is None:
        from zerocarbon.services.efficiency.diagnose import diagnose
        from zerocarbon.services.efficiency.runs import load_register

        efficiency = diagnose(load_register(equipment), year=run.year, data=run.data, inventory=run.inventory).to_dict()
    if equipment is not None:
        inputs["equipment"] = raw_input(equipment)
    decl = load_declaration(declaration) if declaration else None
    if decl is not None:
        inputs["declaration"] = decl.model_dump(mode="json")
    led = load_ledger(ledger) if ledger else None
    if ledger is not None:
        inputs["ledger"] = raw_input(ledger)
    result = assess(
        run,
        sets=sets,
        efficiency=efficiency,
        metering=metering,
        footprints=footprints,
        planning=planning,
        ledger=led,
        declaration=decl,
    )
    return result, inputs


def assess_files(
    activity: str | Path,
    *,
    year: int | None = None,
    declaration: str | Path | None = None,
    ledger: str | Path | None = None,
    equipment: str | Path | None = None,
    sets: Sequence[str] | None = None,
) -> tuple[InventoryRun, Assessment, dict[str, Any]]:
    """Run the inventory of ``activity`` (and the diagnosis of ``equipment``) and evaluate it; returns the
    run, the assessment and its manifest."""
    run = run_inventory(activity, year)
    result, inputs = assess_with(run, declaration=declaration, ledger=ledger, equipment=equipment, sets=sets)
    sources = {
        k: Path(v).name
        for k, v in (("activity", activity), ("declaration", declaration), ("ledger", ledger), ("equipment", equipment))
        if v is not None
    }
    manifest = build_manifest(run, assessment=result.to_dict(), sources=sources, extra_inputs=inputs)
    return run, result, manifest


def write_assessment(
    result: Assessment,
    out_dir: Path,
    factory_name: str,
    synthetic: bool = False,
    manifest: Mapping[str, Any] | None = None,
) -> list[Path]:
    """``zero_carbon_evaluation.json`` and the page in both languages, each carrying ``manifest``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    data = result.to_dict()
    if manifest is not None:
        data["manifest"] = dict(manifest)
    path = out_dir / "zero_carbon_evaluation.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    files = [path]
    for lang in ("zh", "en"):
        page = render_verdict_html(data, out_dir, factory_name, lang, synthetic)
        if manifest is not None:
            embed(page, manifest)
        files.append(page)
    return files
