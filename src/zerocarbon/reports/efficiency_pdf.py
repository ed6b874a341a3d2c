"""The energy-saving diagnosis (节能降碳诊断报告) as PDF (A4, zh-CN and en), printed by the one report builder.

The printed page is the stand-alone diagnosis page of :mod:`zerocarbon.reports.efficiency` (the same
fragment ``templates/efficiency.html.j2``, the same sections and rows) with no script: the measures'
chart is a static SVG bar chart of CO2 abated per measure (:func:`zerocarbon.reports.svgcharts.hbars`),
the energy balance's Sankey diagram is replaced by bars of the end uses by node [tce], and the folded
flow table is open. :func:`zerocarbon.reports.pdf.html_to_pdf` adds the print stylesheet (A4, running
header with the factory and year, page numbers, the embedded CJK font).
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any

from markupsafe import Markup

from zerocarbon import __version__
from zerocarbon.reports.efficiency import _environment, efficiency_context, label, node_name
from zerocarbon.reports.i18n import LANG_CODES, normalise_lang, t
from zerocarbon.reports.svgcharts import hbars


def pdf_filename(lang: str) -> str:
    """``efficiency_report.zh-CN.pdf`` or ``efficiency_report.en.pdf``."""
    return f"efficiency_report.{LANG_CODES[normalise_lang(lang)]}.pdf"


def _note(lang: str) -> str:
    return f'<p class="small muted">{escape(t("pdf.chart_note", lang))}</p>'


def print_charts(diagnosis: Mapping[str, Any], context: Mapping[str, Any], lang: str) -> dict[str, Markup | None]:
    """The diagnosis's charts as static SVG: end uses by node [tce] and CO2 abated per measure [tCO2/a]."""
    balance = diagnosis["balance"]
    view = context["view"]
    out: dict[str, Markup | None] = {"chart_balance": None, "chart_measures": None}
    if balance and balance["end_use_by_node"]:
        rows = [(node_name(n, lang), float(v)) for n, v in balance["end_use_by_node"].items() if v is not None]
        out["chart_balance"] = Markup(hbars(rows, label("end_use", lang)) + _note(lang))
    measures = [m for m in context["measures"] if view and view in m["tco2_per_year"]]
    if measures:
        rows = [(str(m["target"]), float(m["tco2_per_year"][view])) for m in measures]
        out["chart_measures"] = Markup(hbars(rows, f"{label('tco2', lang)} ({view})") + _note(lang))
    return out


def efficiency_print_page(diagnosis: Mapping[str, Any], lang: str = "zh") -> str:
    """The diagnosis page as HTML for printing (no script, SVG charts, folded parts open)."""
    code = normalise_lang(lang)
    context = efficiency_context(diagnosis, code)
    context.update(print_charts(diagnosis, context, code))
    page = _environment(code).from_string(
        '<!DOCTYPE html><html lang="{{ html_lang }}"><head><meta charset="utf-8">'
        '<meta name="generator" content="zerocarbon {{ version }}"><title>{{ title }}</title>'
        '<style>{% include "report.css" %}</style></head><body><main>'
        '<h1>{{ eff_quoted(eff.d.factory["name_" ~ eff.lang] or eff.d.factory.id) }} · {{ title }}'
        '{% if eff.d.year %} {{ eff.d.year }}{% endif %}</h1>'
        '{% include "efficiency.html.j2" %}</main></body></html>\n')
    html = page.render(html_lang=LANG_CODES[code], version=__version__, title=label("title", code), eff=context)
    return html.replace("<details>", "<details open>")


#: Print rules of the diagnosis (after the report builder's print stylesheet).
PRINT_CSS = """
/* WeasyPrint takes these as user stylesheets: only !important rules win over the page's own CSS */
#efficiency table.compact.small { table-layout: fixed !important; width: 100% !important; }
#efficiency table.compact.small td { overflow-wrap: anywhere !important; white-space: normal !important; }
#efficiency details > summary { font-weight: bold; list-style: none; }
/* devices: code, name, kW, η, grade, limits, why (the reason with its table row is the long one) */
#efficiency table.devices th:nth-child(1) { width: 9% !important; }
#efficiency table.devices th:nth-child(2) { width: 14% !important; }
#efficiency table.devices th:nth-child(3) { width: 8% !important; }
#efficiency table.devices th:nth-child(4) { width: 9% !important; }
#efficiency table.devices th:nth-child(5) { width: 10% !important; }
#efficiency table.devices th:nth-child(6) { width: 13% !important; }
#efficiency table.devices th:nth-child(7) { width: 37% !important; }
/* indicators: indicator, value, limits, verdict, gap, gap tce, source */
#efficiency table.indicators th:nth-child(1) { width: 20% !important; }
#efficiency table.indicators th:nth-child(7) { width: 28% !important; }
/* levels: indicator, value, levels, position (the sentence is the long one), gap, gap tce, source */
#efficiency table.levels th:nth-child(1) { width: 15% !important; }
#efficiency table.levels th:nth-child(4) { width: 31% !important; }
#efficiency table.levels th:nth-child(7) { width: 22% !important; }
.chart { break-inside: avoid !important; }
"""


def render_efficiency_pdf(diagnosis: Mapping[str, Any], out_dir: Path, lang: str = "zh") -> Path:
    """Write ``efficiency_report.{zh-CN|en}.pdf`` into ``out_dir`` (A4, WeasyPrint).

    Parameters
    ----------
    diagnosis : mapping
        ``Diagnosis.to_dict()`` of :mod:`zerocarbon.services.efficiency`.
    out_dir : Path
    lang : str
        ``zh`` (default) or ``en``.

    Returns
    -------
    Path
        The PDF written.
    """
    from zerocarbon.reports.pdf import html_to_pdf

    code = normalise_lang(lang)
    factory = diagnosis["factory"]
    name = factory.get(f"name_{code}") or factory.get("name_zh") or factory["id"]
    header = f"{name} · {label('title', code)} {diagnosis['year'] or ''}".rstrip()
    return html_to_pdf(efficiency_print_page(diagnosis, code), Path(out_dir) / pdf_filename(code), header, code,
                       PRINT_CSS)
