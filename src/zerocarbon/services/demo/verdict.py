"""The main job's last stages: source decarbonisation, product footprints, and the zero-carbon verdict
with the construction report, each written to ``out/`` with the manifest a verifier re-checks.

The sample's inputs (activity data, equipment register, declaration, ledger) are copied beside the
reports: the manifest names them, and ``zerocarbon verify out/<report>`` finds them there (the metered
data in ``out/zerocarbon.db``).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zerocarbon.demo.generator import SAMPLE_FILE
from zerocarbon.demo.weather import SAMPLE_PLANNING
from zerocarbon.services.assessment.construction import write_construction_report
from zerocarbon.services.assessment.runs import write_assessment
from zerocarbon.services.assessment.sources import evaluate_sources
from zerocarbon.services.assessment.verdict import Assessment
from zerocarbon.services.efficiency.diagnose import Diagnosis
from zerocarbon.services.footprint.outputs import write_study_outputs
from zerocarbon.services.footprint.run import run_study
from zerocarbon.services.inventory.runs import InventoryRun
from zerocarbon.services.planning.runs import plan_run
from zerocarbon.services.verification.manifest import build_manifest
from zerocarbon.services.verification.store_head import audit_head

DEMO_DIR = SAMPLE_FILE.parent
SAMPLE_EQUIPMENT = DEMO_DIR / "sample_equipment.yaml"
SAMPLE_STUDY = DEMO_DIR / "sample_footprint.yaml"
SAMPLE_DECLARATION = DEMO_DIR / "sample_assessment.yaml"
SAMPLE_LEDGER = DEMO_DIR / "sample_ledger.yaml"
SAMPLE_WEATHER = DEMO_DIR / "weather_changzhou.csv"
SAMPLE_SUPPLIER = DEMO_DIR / "sample_supplier_pact.json"
#: the inputs copied beside the reports, where the manifest names them
INPUTS = (SAMPLE_FILE, SAMPLE_EQUIPMENT, SAMPLE_PLANNING, SAMPLE_WEATHER, SAMPLE_STUDY, SAMPLE_SUPPLIER,
          SAMPLE_DECLARATION, SAMPLE_LEDGER)


@dataclass
class VerdictStage:
    assessment: Assessment
    plan: dict[str, Any]
    files: list[Path]


def verdict_stage(run: InventoryRun, out: Path, store_url: str, efficiency: Diagnosis,
                  metering: Mapping[str, Any], *, pdf: bool = True,
                  say: Callable[[str], None] = lambda _m: None) -> VerdictStage:
    """Planning, footprints, the verdict and the construction report of the sample factory."""
    files: list[Path] = []
    say("source decarbonisation / 源头减碳")
    plan, plan_files = plan_run(run, SAMPLE_PLANNING, out, diagnosis=efficiency, url=store_url)
    files += plan_files
    say("product footprints / 产品碳足迹")
    study = run_study(SAMPLE_STUDY, run)
    files += write_study_outputs(study, out, pdf=pdf)
    footprint = study.to_dict()
    say("zero-carbon verdict / 零碳工厂评价")
    for path in INPUTS:
        shutil.copy(path, out / path.name)
    sources = {"activity": f"store:{run.data.factory.id}", "declared": SAMPLE_FILE.name, "store": "zerocarbon.db",
               "equipment": SAMPLE_EQUIPMENT.name, "planning": SAMPLE_PLANNING.name, "footprint": SAMPLE_STUDY.name,
               "declaration": SAMPLE_DECLARATION.name, "ledger": SAMPLE_LEDGER.name}
    done = evaluate_sources(run, out, sources, store_url, metering=metering, efficiency=efficiency, plan=plan,
                            footprint=study)
    result = done.assessment
    manifest = build_manifest(run, assessment=result.to_dict(), sources=sources, extra_inputs=done.inputs,
                              store_head=audit_head(store_url, run.data.factory.id))
    eff = efficiency.to_dict()
    f = run.data.factory
    files += [out / p.name for p in INPUTS]
    files += write_assessment(result, out, f.name_zh, f.synthetic, manifest)
    say("construction report / 零碳工厂建设报告")
    files += write_construction_report(out, run, result.to_dict(), efficiency=eff, plan=plan, footprint=footprint,
                                       metering=metering, manifest=manifest, pdf=pdf)
    return VerdictStage(result, plan, files)
