"""The source-decarbonisation section (源头减碳): HTML (zh-CN / en) and an XLSX workbook.

Renders what it is given: the plain dict of a plan (``services/planning/runs.make_plan``). The
fragment ``templates/planning.html.j2`` is the section of the main report (context key ``plan``)
and the body of the stand-alone page ``planning_report.{zh-CN|en}.html``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from zerocarbon import __version__
from zerocarbon.reports.charts import COLOURS, CONFIG, FONT, plotly_script
from zerocarbon.reports.i18n import LANG_CODES, normalise_lang
from zerocarbon.reports.messages_planning import PLANNING_MESSAGES, msg


def num(v: Any, places: int = 0) -> str:
    """A number for display ("—" when absent or not finite)."""
    if v is None or not isinstance(v, int | float) or v != v or v in (float("inf"), float("-inf")):
        return "—"
    return f"{v:,.{places}f}"


def pct(v: Any) -> str:
    return "—" if v is None or not isinstance(v, int | float) or v != v else f"{v * 100:.1f} %"


def _title(item: Mapping[str, Any], lang: str) -> str:
    return str(item["title_zh"] if lang == "zh" else item["title_en"])


def mac_chart(plan: Mapping[str, Any], lang: str) -> str:
    """The MAC curve: one bar per measure, width its abatement [tCO2/a], height its MAC [CNY/tCO2]."""
    steps = plan["steps"]
    fig = go.Figure()
    for i, s in enumerate(steps):
        fig.add_trace(go.Bar(
            x=[(s["mac_from_t"] + s["mac_to_t"]) / 2], y=[s["mac"]], width=[max(s["abatement_t"], 1e-9)],
            name=_title(s, lang), marker_color=COLOURS[i % len(COLOURS)],
            hovertemplate=f"{_title(s, lang)}: %{{y:,.0f}} CNY/tCO2, {s['abatement_t']:,.1f} tCO2/a<extra></extra>"))
    fig.update_layout(height=440, margin={"l": 10, "r": 20, "t": 30, "b": 40}, font={"family": FONT, "size": 12},
                      paper_bgcolor="white", plot_bgcolor="white", bargap=0, showlegend=True,
                      legend={"orientation": "h", "y": -0.2, "x": 0})
    fig.update_xaxes(title_text=msg("abatement_axis", lang), gridcolor="#e4e4e4")
    fig.update_yaxes(title_text=msg("mac_axis", lang), gridcolor="#e4e4e4", zerolinecolor="#888")
    return str(fig.to_html(full_html=False, include_plotlyjs=False, config=CONFIG, div_id="chart-plan-mac"))


def roadmap_chart(plan: Mapping[str, Any], lang: str) -> str:
    """Residual emissions and cumulative abatement per year [tCO2/a], stacked."""
    rows = plan["roadmap"]
    years = [str(r["year"]) for r in rows]
    fig = go.Figure([
        go.Bar(name=msg("residual", lang), x=years, y=[r["residual_t"] for r in rows], marker_color=COLOURS[3]),
        go.Bar(name=msg("cum_abatement", lang), x=years, y=[r["abatement_t"] for r in rows], marker_color=COLOURS[0]),
    ])
    fig.update_layout(barmode="stack", height=380, margin={"l": 10, "r": 20, "t": 30, "b": 40},
                      font={"family": FONT, "size": 12}, paper_bgcolor="white", plot_bgcolor="white",
                      legend={"orientation": "h", "y": -0.2, "x": 0})
    fig.update_xaxes(type="category")
    fig.update_yaxes(title_text="tCO2/a", gridcolor="#e4e4e4")
    return str(fig.to_html(full_html=False, include_plotlyjs=False, config=CONFIG, div_id="chart-plan-roadmap"))


def planning_context(plan: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """What the fragment prints: the plan dict, the language and the charts."""
    code = normalise_lang(lang)
    return {"p": plan, "lang": code,
            "chart_mac": Markup(mac_chart(plan, code)) if plan["steps"] else None,
            "chart_roadmap": Markup(roadmap_chart(plan, code)) if plan["roadmap"] else None}


def register_globals(env: Environment, lang: str) -> None:
    """Add this section's helpers to another report's environment (the main report's)."""
    code = normalise_lang(lang)
    env.globals.update(pm=lambda key, **kw: msg(key, code).format(**kw), pm_has=PLANNING_MESSAGES.__contains__,
                       pnum=num, ppct=pct,
                       ptitle=lambda item: _title(item, code))


def render_planning_html(plan: Mapping[str, Any], out_dir: Path, lang: str = "zh") -> Path:
    """Write the stand-alone page ``planning_report.{zh-CN|en}.html`` into ``out_dir``."""
    code = normalise_lang(lang)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    env = Environment(loader=PackageLoader("zerocarbon.reports", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    register_globals(env, code)
    page = env.from_string(
        '<!DOCTYPE html><html lang="{{ html_lang }}"><head><meta charset="utf-8">'
        '<meta name="generator" content="zerocarbon {{ version }}"><title>{{ title }}</title>'
        '<style>{% include "report.css" %}</style>{{ plotly_js }}</head><body><main>'
        '<h1>{{ plan.p.factory["name_" ~ plan.lang] or plan.p.factory.id }} · {{ title }} {{ plan.p.year }}</h1>'
        '{% include "planning.html.j2" %}</main></body></html>\n')
    html = page.render(html_lang=LANG_CODES[code], version=__version__, title=msg("title", code),
                       plan=planning_context(plan, code), plotly_js=Markup(plotly_script()))
    path = out / f"planning_report.{LANG_CODES[code]}.html"
    path.write_text(html, encoding="utf-8")
    return path


def add_planning_sheets(wb: Workbook, plan: Mapping[str, Any], lang: str = "zh") -> None:
    """Append the sheets 减排措施 Measures, 路线图 Roadmap and (when sized) 配置 Sizing (bilingual headers)."""
    head, fill = Font(bold=True), PatternFill("solid", fgColor="DCEBE5")

    def sheet(title: str, keys: list[str], rows: list[list[Any]]) -> None:
        ws = wb.create_sheet(title)
        ws.append([f"{PLANNING_MESSAGES[k][0]} / {PLANNING_MESSAGES[k][1]}" for k in keys])
        for cell in ws[1]:
            cell.font, cell.fill = head, fill
        for row in rows:
            ws.append(row)
        ws.freeze_panes = "A2"

    code = normalise_lang(lang)
    sheet("减排措施 Measures", ["measure", "year", "abatement", "alone", "capex", "annual", "mac_col", "source"],
          [[_title(s, code), s["year"], s["abatement_t"], s["abatement_alone_t"], s["capex"], s["annual_cost"],
            s["mac"], s["source"]] for s in plan["steps"]])
    sheet("路线图 Roadmap", ["year", "new_measures", "cum_abatement", "residual", "annual", "zc_intensity"],
          [[r["year"], ", ".join(r["measures"]), r["abatement_t"], r["residual_t"], r["annual_cost"],
            _intensity_cell(r.get("zero_carbon"), code)] for r in plan["roadmap"]])
    z = plan.get("sizing") or {}
    if z.get("status") == "optimal":
        rows: list[list[Any]] = [[_label("cap_" + k, k, code), v] for k, v in z["capacities"].items()]
        rows += [[_label("heat_" + k, k, code), v] for k, v in (z.get("heat") or {}).items()
                 if "heat_" + k in PLANNING_MESSAGES]
        if z.get("thermal_storage_source"):
            rows.append([msg("thermal_source", code), z["thermal_storage_source"]])
        rows += [[_label("target_" + k, k, code), v] for k, v in (z.get("targets") or {}).items()]
        if z.get("energy_tce") is not None:
            rows += [[msg("sz_energy_tce", code), z["energy_tce"]], [msg("sz_intensity", code),
                                                                      z["zero_carbon_intensity"]]]
        eb = z.get("energy_basis")
        if eb:
            rows.append([msg("sz_basis_label", code), eb["description"]])
        im = z.get("intensity_method")
        if im:
            acc = im.get("baseline_account") or {}  # why no inventory part, and the view (as the HTML says)
            extra = "".join(f" ({acc[k + '_zh']} / {acc[k + '_en']})" for k in ("reason", "view_note")
                            if acc.get(k + "_en"))
            rows.append([msg("sz_scope", code), f"{im['note_zh']} / {im['note_en']}{extra} · {im['formula']}"])
        sheet("配置 Sizing", ["measure", "capacity"], rows)


def _label(key: str, fallback: str, lang: str) -> str:
    return msg(key, lang) if key in PLANNING_MESSAGES else fallback


def _intensity_cell(zc: Mapping[str, Any] | None, lang: str) -> float | str:
    """The year's zero-carbon intensity [tCO2/tce], or "not assessable: <reason>"."""
    if not zc:
        return msg("not_assessable", lang)
    if zc.get("intensity_tco2_per_tce") is not None:
        return float(zc["intensity_tco2_per_tce"])
    return f"{msg('not_assessable', lang)}: {zc['reason_zh'] if lang == 'zh' else zc['reason_en']}"


def write_planning_xlsx(plan: Mapping[str, Any], path: Path, lang: str = "zh") -> Path:
    """The plan as its own workbook."""
    wb = Workbook()
    if wb.active is not None:
        wb.remove(wb.active)
    add_planning_sheets(wb, plan, lang)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    wb.save(p)
    return p
