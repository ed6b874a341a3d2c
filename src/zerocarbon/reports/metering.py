"""The report's metering and energy section: where the figures came from, and energy by carrier and month.

Input is the plain data of the metering findings
(:func:`zerocarbon.services.reports.metering.metering_findings`), no service objects, so the report layer
stays a renderer.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from zerocarbon.model.vocabulary import carrier_label
from zerocarbon.reports.charts import stacked_bars
from zerocarbon.reports.content import file_label, store_label
from zerocarbon.reports.i18n import t


def carrier_name(item: str, lang: str) -> str:
    """The label of an energy carrier (``zerocarbon.model.vocabulary.CARRIERS``); others as they are."""
    return carrier_label(item, lang)


def energy_table(energy: dict[str, Any], lang: str) -> tuple[list[str], list[dict[str, Any]]]:
    """Rows per carrier with tce by month (annual-only amounts in their own column) and the total."""
    cells: dict[str, dict[str, Decimal]] = defaultdict(dict)
    periods: set[str] = set()
    for entry in energy.get("by_item_period", []):
        cells[entry["item"]][entry["period"]] = Decimal(entry["tce"])
        periods.add(entry["period"])
    order = sorted(periods, key=lambda p: (len(p) == 4, p))  # months first, then annual-only amounts
    rows: list[dict[str, Any]] = [{"name": carrier_name(item, lang), "item": item,
                                   "cells": [values.get(p) for p in order],
                                   "total": Decimal(energy["by_item"][item])} for item, values in cells.items()]
    rows.sort(key=lambda r: Decimal(r["total"]), reverse=True)
    return order, rows


def energy_chart(energy: dict[str, Any], lang: str) -> str:
    """Comprehensive energy by month [tce], stacked by carrier; amounts declared only per year are left out."""
    order, rows = energy_table(energy, lang)
    months = [p for p in order if len(p) == 7]
    series = [(row["name"], [float(v) if v is not None else 0.0
                             for p, v in zip(order, row["cells"], strict=True) if len(p) == 7]) for row in rows]
    return stacked_bars(months, series, "tce", t("unit.tce", lang), "chart-energy", height=380)


def metering_context(metering: dict[str, Any], lang: str) -> dict[str, Any]:
    """Display data of the section."""
    hourly = metering["hourly_vs_annual"]
    recon = metering["reconciliation"]
    energy = metering.get("energy") or {}
    order, rows = energy_table(energy, lang) if energy else ([], [])
    return {
        "ingest": metering["ingest"], "store": store_label(metering["store"], lang),
        "readings_file": file_label(metering.get("readings_file")),
        "batches": int(metering["ingest"].get("batches", 1)),
        "meter_lines": metering["meter_activity_lines"], "gaps": metering["gaps"],
        "recon_n": len(recon), "recon_ok": metering["reconciled_with_declared"],
        "recon_max": max((r["rel_diff"] for r in recon), default=0.0),
        "hourly": hourly, "energy_total": Decimal(energy["total_tce"]) if energy else None,
        "energy_basis": energy.get("electricity_basis"), "energy_periods": order, "energy_rows": rows,
        "energy_coefficients": energy.get("coefficients", []),
        "per_product": [{**p, "name": p["name_zh"] if lang == "zh" else (p["name_en"] or p["name_zh"]),
                         "energy": Decimal(p["energy_tce"]), "output": Decimal(p["output"]),
                         "intensity": Decimal(p["tce_per_unit"]) if p["tce_per_unit"] else None}
                        for p in metering.get("energy_per_product", [])],
    }
