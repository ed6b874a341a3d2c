"""Write an inventory run's outputs: JSON results, HTML reports (zh-CN and en) and the XLSX workbook."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from zerocarbon.reports import render_inventory_html, write_inventory_xlsx
from zerocarbon.services.inventory import InventoryRun, write_json

if TYPE_CHECKING:
    from zerocarbon.services.demo_metering import MeteringResult


def write_outputs(run: InventoryRun, out_dir: Path, metering: MeteringResult | None = None) -> list[Path]:
    """Write every output of ``run`` into ``out_dir``; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = [write_json(run, out_dir / "inventory.json")]
    if metering is not None:
        import json

        path = out_dir / "metering.json"
        path.write_text(json.dumps(metering_dict(metering), ensure_ascii=False, indent=2), encoding="utf-8")
        files.append(path)
    met = metering_dict(metering) if metering is not None else None
    for lang in ("zh", "en"):
        files.append(render_inventory_html(run.data, run.inventories, run.year, run.comparison, out_dir, lang=lang,
                                           metering=met))
    files.append(write_inventory_xlsx(run.data, run.inventories, run.year, run.comparison,
                                      out_dir / "inventory.xlsx"))
    return files


def metering_dict(m: MeteringResult) -> dict[str, object]:
    """The metering stage's findings as JSON-able data."""
    return {
        "store": m.store_url, "readings_file": str(m.readings_file), "ingest": m.ingest,
        "meter_activity_lines": m.meter_lines, "gaps": m.gaps, "reconciled_with_declared": m.reconciled,
        "reconciliation": m.reconciliation, "hourly_vs_annual": m.consistency.to_dict(),
        "energy": m.energy.to_dict() if m.energy else None,
        "energy_per_product": m.energy_per_product,
    }
