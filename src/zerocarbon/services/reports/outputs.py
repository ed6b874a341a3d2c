"""Write an inventory run's outputs: JSON results, HTML reports (zh-CN and en) and the XLSX workbook."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from zerocarbon.reports import render_inventory_html, write_inventory_xlsx
from zerocarbon.services.inventory.runs import InventoryRun, write_json


def write_outputs(run: InventoryRun, out_dir: Path, metering: Mapping[str, Any] | None = None,
                  efficiency: Mapping[str, Any] | None = None) -> list[Path]:
    """Write every output of ``run`` into ``out_dir``; returns the files written.

    ``metering`` is the metering stage's findings as plain data (the main job's
    ``MeteringResult.to_dict()``): written to ``metering.json`` and shown in the reports.
    ``efficiency`` (``Diagnosis.to_dict()``) adds the diagnosis section to the HTML and XLSX.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    files = [write_json(run, out_dir / "inventory.json")]
    met = dict(metering) if metering is not None else None
    if met is not None:
        path = out_dir / "metering.json"
        path.write_text(json.dumps(met, ensure_ascii=False, indent=2), encoding="utf-8")
        files.append(path)
    for lang in ("zh", "en"):
        files.append(render_inventory_html(run.data, run.inventories, run.year, run.comparison, out_dir, lang=lang,
                                           metering=met, efficiency=efficiency))
    files.append(write_inventory_xlsx(run.data, run.inventories, run.year, run.comparison,
                                      out_dir / "inventory.xlsx", efficiency=efficiency))
    return files
