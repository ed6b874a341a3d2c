"""Inventory reports: a bilingual HTML page and an Excel workbook, both following GB/T 32150."""

from zerocarbon.reports.html import render_inventory_html
from zerocarbon.reports.workbook import write_inventory_xlsx

__all__ = ["render_inventory_html", "write_inventory_xlsx"]
