"""Write an inventory run's outputs: JSON results, HTML reports (zh-CN and en) and the XLSX workbook."""

from __future__ import annotations

from pathlib import Path

from zerocarbon.reports import render_inventory_html, write_inventory_xlsx
from zerocarbon.services.inventory import InventoryRun, write_json


def write_outputs(run: InventoryRun, out_dir: Path) -> list[Path]:
    """Write every output of ``run`` into ``out_dir``; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = [write_json(run, out_dir / "inventory.json")]
    for lang in ("zh", "en"):
        files.append(render_inventory_html(run.data, run.inventories, run.year, run.comparison, out_dir, lang=lang))
    files.append(write_inventory_xlsx(run.data, run.inventories, run.year, run.comparison,
                                      out_dir / "inventory.xlsx"))
    return files
