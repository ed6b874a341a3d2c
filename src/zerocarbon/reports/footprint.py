"""The product carbon footprint (PCF) study report: HTML and PDF (zh-CN / en) and XLSX.

Renders what it is given: the plain dict of a study result (``StudyResult.to_dict()`` of
``zerocarbon.services.footprint``). Sections follow what GB/T 24067-2024 / ISO 14067:2018 §7 ask a
study report to state: goal and scope, declared unit, boundary and cut-off, allocation and its
reason, data and their quality (DQR, primary data share), results by life-cycle stage with fossil
and biogenic parts, hot spots, uncertainty, limitations; plus the China traction-battery
declaration where a product has one, and each product's PACT footprint id. The page carries the plotly
bundle inline (:func:`zerocarbon.reports.charts.plotly_script`); the PDF prints the same page without script,
its hot-spot charts as static SVG (:mod:`zerocarbon.reports.svgcharts`) beside the same tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from zerocarbon import __version__
from zerocarbon.reports.charts import COLOURS, CONFIG, FONT, plotly_script
from zerocarbon.reports.i18n import LANG_CODES, normalise_lang, t
from zerocarbon.reports.messages_footprint import FOOTPRINT_MESSAGES, fl


def num(value: Any, places: int = 2) -> str:
    """A number rounded for display ("—" when missing)."""
    if value is None or value == "":
        return "—"
    return f"{float(value):,.{places}f}"


def pct(share: Any) -> str:
    """A fraction as a percentage for display."""
    return "—" if share is None or share != share else f"{float(share) * 100:.1f} %"


def validation_text(status: str | None, lang: str) -> str:
    """A PACT validation status of the service (``valid (PACT v3 schema)`` …) in ``lang``."""
    if not status:
        return "—"
    if status.startswith("valid"):
        return fl("fp.valid", lang).format(v="v2" if "v2" in status else "v3")
    return fl("fp.not_validated", lang)


def status_text(status: str | None, lang: str) -> str:
    """A factor row's status (verified, single-source …) in ``lang``."""
    key = f"fp.st.{status}"
    return fl(key, lang) if status and key in FOOTPRINT_MESSAGES else (status or "—")


def hotspot_chart(product: Mapping[str, Any], lang: str, top: int = 10) -> str:
    """Horizontal bars of the largest contributions by process [kgCO2e per declared unit], largest on top."""
    rows = list(product["processes"])[:top][::-1]
    name = "name_zh" if lang == "zh" else "name_en"
    fig = go.Figure(go.Bar(
        x=[r["kgco2e"] for r in rows], y=[r[name] for r in rows], orientation="h",
        marker_color=[COLOURS[3] if r["kgco2e"] < 0 else COLOURS[0] for r in rows],
        text=[pct(r["share"]) for r in rows], textposition="auto",
        hovertemplate="%{y}: %{x:,.2f} kgCO2e<extra></extra>"))
    fig.update_layout(height=max(260, 34 * len(rows) + 80), margin={"l": 10, "r": 20, "t": 20, "b": 40},
                      font={"family": FONT, "size": 12}, paper_bgcolor="white", plot_bgcolor="white")
    fig.update_xaxes(title_text=fl("fp.chart_axis", lang), gridcolor="#e4e4e4")
    fig.update_yaxes(automargin=True)
    return str(fig.to_html(full_html=False, include_plotlyjs=False, config=CONFIG,
                           div_id=f"chart-fp-{product['product']}"))


def _environment(lang: str) -> Environment:
    env = Environment(loader=PackageLoader("zerocarbon.reports", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(fl=lambda key, **kw: fl(key, lang).format(**kw) if kw else fl(key, lang), num=num, pct=pct,
                       validation_text=lambda st: validation_text(st, lang),
                       status_text=lambda st: status_text(st, lang))
    return env


def hotspot_svg(product: Mapping[str, Any], lang: str, top: int = 10) -> str:
    """The hot-spot chart of :func:`hotspot_chart` as static SVG for the PDF (no script runs there)."""
    from zerocarbon.reports.svgcharts import hbars

    name = "name_zh" if lang == "zh" else "name_en"
    # hbars cuts a label at 24 characters: cut it here with an ellipsis; the table under the chart has the name
    rows = [(str(r[name]) if len(str(r[name])) <= 24 else str(r[name])[:23] + "…", float(r["kgco2e"]))
            for r in list(product["processes"])[:top]]
    return hbars(rows, fl("fp.chart_axis", lang)) + f'<p class="small muted">{escape(t("pdf.chart_note", lang))}</p>'


def footprint_context(result: Mapping[str, Any], lang: str, printed: bool = False) -> dict[str, Any]:
    """What the template prints: the result dict, the language and one chart per product.

    ``printed``: the charts are static SVG (for the PDF) instead of plotly.
    """
    code = normalise_lang(lang)
    stage_label = {st["stage"]: st[code] for st in result["products"][0]["stages"]} if result["products"] else {}
    chart = hotspot_svg if printed else hotspot_chart
    return {"r": result, "lang": code, "zh": code == "zh", "stage_label": stage_label, "printed": printed,
            "charts": {p["product"]: Markup(chart(p, code)) for p in result["products"]}}


def footprint_page(result: Mapping[str, Any], lang: str = "zh", *, printed: bool = False) -> str:
    """The PCF report as HTML text: for the screen, or ``printed`` for the PDF (no script, SVG charts)."""
    code = normalise_lang(lang)
    return _environment(code).get_template("footprint.html.j2").render(
        html_lang=LANG_CODES[code], version=__version__, plotly=Markup("" if printed else plotly_script()),
        fp=footprint_context(result, code, printed))


def render_footprint_html(result: Mapping[str, Any], out_dir: Path, lang: str = "zh") -> Path:
    """Write ``footprint_report.{zh-CN|en}.html`` into ``out_dir``."""
    code = normalise_lang(lang)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"footprint_report.{LANG_CODES[code]}.html"
    path.write_text(footprint_page(result, code), encoding="utf-8")
    return path


#: Print rules of the PCF report (added to the report builder's print stylesheet).
PRINT_CSS = """
/* WeasyPrint takes these as user stylesheets: only !important rules win over the page's own CSS */
table.compact { width: 100% !important; }
table.pairs th { width: 30% !important; }
table.pairs td.num { text-align: left !important; }
/* the data tables: fixed columns, long sources and ids wrap inside the page */
#data table.small { table-layout: fixed !important; }
#data table.small td { overflow-wrap: anywhere !important; white-space: normal !important; }
#data table.small:nth-of-type(1) th:nth-child(1) { width: 11% !important; }
#data table.small:nth-of-type(1) th:nth-child(2) { width: 20% !important; }
#data table.small:nth-of-type(1) th:nth-child(3) { width: 7% !important; }
#data table.small:nth-of-type(1) th:nth-child(4) { width: 10% !important; }
#data table.small:nth-of-type(1) th:nth-child(5) { width: 37% !important; }
#data table.small:nth-of-type(2) th:nth-child(1) { width: 9% !important; }
#data table.small:nth-of-type(2) th:nth-child(2) { width: 15% !important; }
#data table.small:nth-of-type(2) th:nth-child(3) { width: 7% !important; }
#data table.small:nth-of-type(2) th:nth-child(4) { width: 24% !important; }
#data table.small:nth-of-type(2) th:nth-child(5) { width: 30% !important; }
#data table.small:nth-of-type(3) th:nth-child(1) { width: 9% !important; }
#data table.small:nth-of-type(3) th:nth-child(2) { width: 22% !important; }
#data table.small:nth-of-type(3) th:nth-child(3) { width: 12% !important; }
.chart { break-inside: avoid !important; }
"""


def render_footprint_pdf(result: Mapping[str, Any], out_dir: Path, lang: str = "zh") -> Path:
    """Write ``footprint_report.{zh-CN|en}.pdf`` (A4, WeasyPrint, :func:`zerocarbon.reports.pdf.html_to_pdf`)."""
    from zerocarbon.reports.pdf import html_to_pdf

    code = normalise_lang(lang)
    study = result["study"]
    header = f"{study['title_' + code]} · {fl('fp.title', code)} · {study['id']}"
    return html_to_pdf(footprint_page(result, code, printed=True),
                       Path(out_dir) / f"footprint_report.{LANG_CODES[code]}.pdf", header, code, PRINT_CSS)


def write_footprint_xlsx(result: Mapping[str, Any], path: Path, lang: str = "zh") -> Path:
    """The same results as a workbook: summary, stages, contributions, quality, gate-to-gate, data sources."""
    code = normalise_lang(lang)
    zh = code == "zh"
    wb = Workbook()
    if wb.active is not None:
        wb.remove(wb.active)
    head, fill = Font(bold=True), PatternFill("solid", fgColor="DCEBE5")

    def sheet(key: str, columns: list[str], rows: list[list[Any]]) -> None:
        ws = wb.create_sheet(fl(key, code))
        ws.append([fl(c, code) for c in columns])
        for cell in ws[1]:
            cell.font, cell.fill = head, fill
        for row in rows:
            ws.append(row)
        ws.freeze_panes = "A2"

    products = result["products"]
    sheet("fp.sheet.summary", ["fp.product", "fp.declared_unit", "fp.total", "fp.fossil", "fp.biogenic", "fp.removal",
                               "fp.other", "fp.pds", "fp.dqr_t", "fp.dqr_g", "fp.dqr_time"],
          [[p["name_zh" if zh else "name_en"], p["unit"], p["kgco2e_per_unit"], p["fossil"], p["biogenic"],
            p["biogenic_removal"], p["other"], float(p["quality"]["primary_data_share"]),
            float(p["quality"]["technological"]), float(p["quality"]["geographical"]),
            float(p["quality"]["temporal"])] for p in products])
    sheet("fp.sheet.stages", ["fp.product", "fp.stage", "fp.kg"],
          [[p["product"], s["zh" if zh else "en"], s["kgco2e"]] for p in products for s in p["stages"]
           if s["kgco2e"] is not None])
    sheet("fp.sheet.contributions", ["fp.product", "fp.kind", "fp.id", "fp.name", "fp.kg", "fp.share"],
          [[p["product"], kind, c["key"], c["name_zh" if zh else "name_en"], c["kgco2e"], c["share"]]
           for p in products for kind, group in (("process", p["processes"]), ("material", p["materials"]),
                                                  ("supplier", p["suppliers"])) for c in group])
    sheet("fp.sheet.quality", ["fp.product", "fp.id", "fp.kg", "fp.primary", "fp.dqr_t", "fp.dqr_g", "fp.dqr_time"],
          [[p["product"], i["key"], float(i["kgco2e"]), float(i["primary_share"]), float(i["technological"]),
            float(i["geographical"]), float(i["temporal"])] for p in products for i in p["quality"]["inputs"]])
    sheet("fp.sheet.gate", ["fp.product", "fp.group", "fp.tco2e", "fp.output", "fp.kg", "fp.derivation"],
          [[g["product"], g["group"], float(g["tco2e"]), float(g["output"]), float(g["kgco2e_per_unit"]),
            g["derivation"]] for g in result["gate_to_gate"]])
    sheet("fp.sheet.data", ["fp.kind", "fp.id", "fp.name", "fp.unit", "fp.value", "fp.source"],
          [["dataset", d["id"], d["name_zh" if zh else "name_en"], d["unit"], float(d["kgco2e_per_unit"]),
            f"{d['source']} ({d['licence']})"] for d in result["datasets"]]
          + [["supplier", s["id"], s["name"], s["unit"], sum(float(v) for v in s["values"].values()),
              f"{s['source']}; {s['pact_validation'] or '—'}"] for s in result["suppliers"]]
          + [["transport", m["id"], m["name_zh" if zh else "name_en"], "t·km", float(m["kgco2e_per_tkm"]),
              m["source"]] for m in result["transport_modes"]]
          + [["electricity", result["electricity"]["factor_id"], fl("fp.factor", code), "kWh",
              float(result["electricity"]["factor_tco2e_per_mwh"]), result["electricity"]["source"]]])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
