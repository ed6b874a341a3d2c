"""Write a footprint study's files, and the main job's footprint stage on the sample factory.

Files (in ``out_dir``): ``footprint.json`` (every figure with its derivation), the PCF report
``footprint_report.{zh-CN,en}.html`` and ``.pdf`` and ``footprint.{zh-CN,en}.xlsx``, the PACT v3 export of
every product ``footprint_pact.json``, ``battery_declaration_<product>.json`` for each traction battery
(China), and for a battery with an ``eu`` block the EU Battery Regulation declaration
``battery_declaration_eu_<product>.json`` with its one-page ``.{zh-CN,en}.html`` and ``.pdf``.
"""

from __future__ import annotations

import json
from pathlib import Path

from zerocarbon.reports.battery_declaration import render_declaration
from zerocarbon.reports.footprint import render_footprint_html, render_footprint_pdf, write_footprint_xlsx
from zerocarbon.reports.i18n import LANG_CODES
from zerocarbon.services.footprint.eu_battery import eu_declarations
from zerocarbon.services.footprint.exchange import write_documents
from zerocarbon.services.footprint.run import Progress, StudyResult, run_study
from zerocarbon.services.inventory.runs import InventoryRun

#: The sample study's file name, beside the sample factory's activity file.
SAMPLE_STUDY = "sample_footprint.yaml"


def _json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def write_reports(result: StudyResult, out_dir: Path, *, pdf: bool = True) -> list[Path]:
    """The PCF report (HTML, and PDF unless ``pdf`` is False) in zh-CN and en, and the battery declarations."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = result.to_dict()
    files: list[Path] = []
    for lang in ("zh", "en"):
        files.append(render_footprint_html(data, out, lang))
        if pdf:
            files.append(render_footprint_pdf(data, out, lang))
    for p in result.products:
        if p.battery is not None:
            files.append(_json(out / f"battery_declaration_{p.item.id}.json", p.battery.form()))
    for product, declaration in eu_declarations(result).items():
        form = declaration.form()
        files.append(_json(out / f"battery_declaration_eu_{product}.json", form))
        item = next(p.item for p in result.products if p.item.id == product)
        for lang in ("zh", "en"):
            files += render_declaration(form, product, item.name_zh if lang == "zh" else item.name_en, out, lang,
                                        pdf=pdf)
    return files


def write_study_outputs(result: StudyResult, out_dir: Path, *, pdf: bool = False) -> list[Path]:
    """Write the study's JSON, reports (zh-CN, en; their PDFs too when ``pdf``), workbooks, PACT export and
    battery declarations (China; EU where the study has the data).

    ``pdf`` is off by default: WeasyPrint takes several seconds a page with the CJK font; the CLI and the
    main job ask for it."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = result.to_dict()
    files = [_json(out / "footprint.json", data)]
    for lang in ("zh", "en"):
        files.append(write_footprint_xlsx(data, out / f"footprint.{LANG_CODES[lang]}.xlsx", lang))
    files.append(write_documents(result.pact_documents(), out / "footprint_pact.json"))
    return files + write_reports(result, out, pdf=pdf)


def footprint_sample(out_dir: Path, run: InventoryRun, study: Path | None = None,
                     progress: Progress | None = None, *, pdf: bool = True) -> list[Path]:
    """The main job's footprint stage: the sample study on the sample factory's inventory ``run``.

    ``study`` defaults to ``sample_footprint.yaml`` beside the file the inventory was read from
    (the sample factory's ``sample_factory.yaml``); the study's footprints use ``run``'s inventory
    as their gate-to-gate data. Returns the files written.
    """
    path = study or Path(run.loaded.path).parent / SAMPLE_STUDY
    return write_study_outputs(run_study(path, run, progress=progress), out_dir, pdf=pdf)
