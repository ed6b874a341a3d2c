"""The one builder of a factory's report: JSON results, HTML and PDF reports (zh-CN and en), the XLSX workbook.

The main job, the CLI and the API all write a report through :func:`write_outputs`, so a factory's
report has the same sections wherever it is produced. :func:`factory_report` is the store's way in
(the API's download, ``zerocarbon inventory --factory --out``): the period's inventory as every face
computes it, and the metering findings built from the same store
(:func:`zerocarbon.services.reports.metering.metering_findings`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from zerocarbon.reports import render_inventory_html, write_inventory_xlsx
from zerocarbon.reports.pdf import render_inventory_pdf
from zerocarbon.services.inventory.compute import factory_inventory
from zerocarbon.services.inventory.runs import InventoryRun, write_json
from zerocarbon.services.reports.metering import metering_findings

#: What :func:`write_outputs` writes unless told otherwise.
FORMATS = ("json", "html", "pdf", "xlsx")
LANGS = ("zh", "en")


def write_outputs(run: InventoryRun, out_dir: Path, metering: Mapping[str, Any] | None = None,
                  efficiency: Mapping[str, Any] | None = None, *, formats: Iterable[str] = FORMATS,
                  langs: Iterable[str] = LANGS) -> list[Path]:
    """Write the outputs of ``run`` into ``out_dir``; returns the files written.

    Parameters
    ----------
    run : InventoryRun
        The inventory of the reported period (and the other years of its input).
    out_dir : Path
        Folder to write into (created if missing).
    metering : mapping, optional
        The metering findings (:func:`~zerocarbon.services.reports.metering.metering_findings`):
        written to ``metering.json`` (with ``json``) and shown in the reports (meter register,
        facilities' meters, meter data and energy).
    efficiency : mapping, optional
        A diagnosis (``Diagnosis.to_dict()``): adds its section to the HTML, PDF and XLSX.
    formats : iterable of str
        Any of ``json`` (``inventory.json``, ``metering.json``), ``html``, ``pdf``, ``xlsx``.
    langs : iterable of str
        Report languages of the HTML and PDF (``zh``, ``en``).
    """
    wanted = set(formats)
    unknown = wanted - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown report formats {sorted(unknown)}; known: {FORMATS}")
    out_dir.mkdir(parents=True, exist_ok=True)
    met = dict(metering) if metering is not None else None
    files: list[Path] = []
    if "json" in wanted:
        files.append(write_json(run, out_dir / "inventory.json"))
        if met is not None:
            path = out_dir / "metering.json"
            path.write_text(json.dumps(met, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
            files.append(path)
    for lang in langs:
        if "html" in wanted:
            files.append(render_inventory_html(run.data, run.inventories, run.year, run.comparison, out_dir,
                                               lang=lang, metering=met, efficiency=efficiency))
        if "pdf" in wanted:
            files.append(render_inventory_pdf(run.data, run.inventories, run.year, run.comparison, out_dir,
                                              lang=lang, metering=met, efficiency=efficiency))
    if "xlsx" in wanted:
        files.append(write_inventory_xlsx(run.data, run.inventories, run.year, run.comparison,
                                          out_dir / "inventory.xlsx", efficiency=efficiency))
    return files


def factory_report(factory_id: str, period: str, out_dir: Path, url: str | None = None, *,
                   formats: Iterable[str] = FORMATS, langs: Iterable[str] = LANGS) -> list[Path]:
    """The report of a stored factory for ``period`` (YYYY or YYYY-MM), with its metering findings.

    The same builder as the main job's (:func:`write_outputs`): the inventory of
    :func:`~zerocarbon.services.inventory.compute.factory_inventory` and the metering findings of the
    same store. Returns the files written.
    """
    run = factory_inventory(factory_id, period, url)
    return write_outputs(run, out_dir, metering_findings(run, url), formats=formats, langs=langs)
