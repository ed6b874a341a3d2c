"""Write a footprint study's files, and the main job's footprint stage on the sample factory.

Files (in ``out_dir``): ``footprint.json`` (every figure with its derivation), the PCF report
``footprint_report.{zh-CN,en}.html`` and ``footprint.{zh-CN,en}.xlsx``, the PACT v3 export of every
product ``footprint_pact.json``, and ``battery_declaration_<product>.json`` for each traction battery.
"""

from __future__ import annotations

import json
from pathlib import Path

from zerocarbon.reports.footprint import render_footprint_html, write_footprint_xlsx
from zerocarbon.reports.i18n import LANG_CODES
from zerocarbon.services.footprint.exchange import write_documents
from zerocarbon.services.footprint.run import Progress, StudyResult, run_study
from zerocarbon.services.inventory.runs import InventoryRun

#: The sample study's file name, beside the sample factory's activity file.
SAMPLE_STUDY = "sample_footprint.yaml"


def write_study_outputs(result: StudyResult, out_dir: Path) -> list[Path]:
    """Write the study's JSON, reports (zh-CN, en), workbooks, PACT export and battery declarations."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = result.to_dict()
    files = [out / "footprint.json"]
    files[0].write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    for lang in ("zh", "en"):
        files.append(render_footprint_html(data, out, lang))
        files.append(write_footprint_xlsx(data, out / f"footprint.{LANG_CODES[lang]}.xlsx", lang))
    files.append(write_documents(result.pact_documents(), out / "footprint_pact.json"))
    for p in result.products:
        if p.battery is not None:
            path = out / f"battery_declaration_{p.item.id}.json"
            path.write_text(json.dumps(p.battery.form(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            files.append(path)
    return files


def footprint_sample(out_dir: Path, run: InventoryRun, study: Path | None = None,
                     progress: Progress | None = None) -> list[Path]:
    """The main job's footprint stage: the sample study on the sample factory's inventory ``run``.

    ``study`` defaults to ``sample_footprint.yaml`` beside the file the inventory was read from
    (the sample factory's ``sample_factory.yaml``); the study's footprints use ``run``'s inventory
    as their gate-to-gate data. Returns the files written.
    """
    path = study or Path(run.loaded.path).parent / SAMPLE_STUDY
    return write_study_outputs(run_study(path, run, progress=progress), out_dir)
