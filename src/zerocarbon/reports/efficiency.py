"""The energy-saving diagnosis section (节能降碳诊断报告): HTML (zh-CN / en) and an XLSX sheet.

Renders what it is given: the plain dict of a diagnosis (``Diagnosis.to_dict()`` of
``zerocarbon.services.efficiency``). The same fragment (``templates/efficiency.html.j2``) is the
diagnosis section of the inventory report (context key ``efficiency``) and the body of the
stand-alone page ``efficiency_report.{zh-CN|en}.html``. Numbers arrive as decimal strings and are
rounded only for display.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from zerocarbon import __version__
from zerocarbon.model.vocabulary import carrier_label, place_label
from zerocarbon.reports.charts import COLOURS, CONFIG, FONT, plotly_script
from zerocarbon.reports.content import quoted
from zerocarbon.reports.i18n import LANG_CODES, normalise_lang

L: dict[str, tuple[str, str]] = {
    "title": ("节能降碳诊断", "Energy-saving and decarbonisation diagnosis"),
    "summary": ("诊断摘要", "Summary"), "balance": ("能量平衡与能流", "Energy balance and flows"),
    "indicators": ("能耗指标与限额等级", "Indicators against the quota grades"),
    "equipment": ("设备能效等级", "Equipment efficiency grades"),
    "measures": ("节能降碳措施", "Measures"), "by_payback": ("按投资回收期排序", "Ranked by payback"),
    "by_abatement": ("按减排量排序", "Ranked by CO2 abated"), "factors": ("电力排放因子（各核算口径）",
                                                                 "Electricity factors (each method regime)"),
    "notes": ("说明", "Notes"), "share2": ("节能装备应用占比（2级及以上功率占比）",
                                          "Share of energy-saving equipment (rated power at grade 2 or better)"),
    "share1": ("1级能效功率占比", "Share of rated power at grade 1"),
    "below": ("低于能效限定值的设备", "Devices below the minimum energy efficiency allowed"),
    "missing": ("标准表中无对应档位（未就近取档）", "Ratings the table lacks (never snapped)"),
    "kwh": ("年节电量 kWh", "Electricity saved kWh/a"), "money": ("年节约电费 元", "Money saved yuan/a"),
    "tco2": ("年减排 tCO2", "CO2 abated tCO2/a"), "payback": ("回收期 年", "Payback a"),
    "npv": ("净现值 元", "NPV yuan"), "invest": ("投资 元", "Investment yuan"),
    "energy": ("综合能耗 tce", "Comprehensive energy tce"),
    "va": ("单位工业增加值能耗 tce/万元", "Energy per 10k yuan of value added tce/10k yuan"),
    "code": ("编号", "Code"), "name": ("名称", "Name"), "kind": ("类型", "Kind"), "kw": ("额定功率 kW", "Rated kW"),
    "eta": ("效率 %", "Efficiency %"), "grade": ("等级", "Grade"),
    "thresholds": ("1/2/3级限值（效率 % 或损耗 kW）", "Grade 1/2/3 limits (η % or losses kW)"),
    "reason": ("依据", "Why"), "note": ("备注", "Note"), "measure": ("措施", "Measure"),
    "view": ("口径", "View"), "factor": ("因子 tCO2/MWh", "Factor tCO2/MWh"), "source": ("来源", "Source"),
    "indicator": ("指标", "Indicator"), "value": ("实际值", "Value"), "limits": ("1/2/3级限额", "Grade 1/2/3 limits"),
    "verdict": ("结论", "Verdict"), "gap1": ("距1级差距", "Gap to grade 1"), "gap1_tce": ("距1级差距 tce",
                                                                                "Gap to grade 1 tce"),
    "supply": ("输入 tce", "Supply tce"), "end_use": ("终端使用 tce", "End uses tce"), "loss": ("转换损失 tce",
                                                                                       "Conversion losses tce"),
    "export": ("输出 tce", "Exported tce"), "estimated": ("含估计值 tce", "Through estimates tce"),
    "closure": ("平衡差 tce", "Closure tce"), "flow_from": ("从", "From"), "flow_to": ("到", "To"),
    "carrier": ("能源品种", "Carrier"), "basis": ("依据", "Basis"), "status": ("状态", "Status"),
    "no_indicators": ("台账未列限额指标：单位产品能耗未评级，也未与标杆/基准水平对标（须在台账“限额指标”表列出产品的"
                      "限额标准与指标）。",
                      "No quota indicator in the register: unit-product energy not graded and not placed against the "
                      "benchmark/baseline levels (list the product's quota standard and indicator in the register's "
                      "quota sheet)."),
    "synthetic": ("合成示例数据，非真实企业。", "Synthetic sample data, not a real company."),
    "unverified": ("标准数据多为单一来源转录（unverified），见 docs/efficiency-reference.md。",
                   "Most standard rows are single-source transcriptions (unverified); "
                   "see docs/efficiency-reference.md."),
    "method": ("方法", "Method"),
    "levels_title": ("对标杆水平与基准水平", "Against the benchmark and baseline levels"),
    "levels_note": ("标杆水平、基准水平：《工业重点领域能效标杆水平和基准水平（2023年版）》口径，能耗越低越好，"
                    "等于某水平即达到该水平；介于两者之间时给出由基准至标杆已完成的比例。",
                    "Benchmark and baseline levels as in the 2023 edition of the key industrial areas' energy-"
                    "efficiency levels (NDRC et al. 2023 No. 723): lower energy is better, a value equal to a level "
                    "reaches it; between the two, the share of the way from the baseline to the benchmark."),
    "product": ("产品", "Product"), "unit": ("单位", "Unit"),
    "levels": ("标杆 / 基准水平", "Benchmark / baseline"), "position": ("对标位置", "Position"),
    "gap_b": ("距标杆", "Gap to benchmark"), "gap_b_tce": ("距标杆 tce", "Gap to benchmark tce"),
    "levels_source": ("水平来源", "Levels from"),
}
BASIS = {"metered": ("计量", "metered"), "declared": ("申报", "declared"), "estimated": ("估计", "estimated")}
#: The status of a factor row or a standard's row, as the section names it.
STATUS = {"verified": ("已核实", "verified"), "single-source": ("单一来源", "single source"),
          "unverified": ("未核实", "unverified"), "secondary": ("二手资料", "secondary"),
          "user-supplied": ("用户提供", "user-supplied")}
_CJK = re.compile(r"[\u3400-\u9fff]")
OUTCOME = {"below_minimum": ("低于限定值", "below minimum"), "missing_row": ("无对应档位", "row missing"),
           "out_of_scope": ("超出范围", "out of scope"), "no_standard": ("无标准数据", "no standard data"),
           "incomplete": ("数据不全", "incomplete")}


def label(key: str, lang: str) -> str:
    """A label of this section in ``lang``."""
    zh, en = L[key]
    return zh if normalise_lang(lang) == "zh" else en


def _d(text: Any) -> Decimal | None:
    return None if text is None or text == "" else Decimal(str(text))


def fmt(text: Any, places: int = 2) -> str:
    """A decimal string rounded half-up for display ("—" when empty)."""
    value = _d(text)
    if value is None:
        return "—"
    return f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,.{places}f}"


def pct(text: Any) -> str:
    value = _d(text)
    return "—" if value is None else f"{(value * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)} %"


def grade_text(device: Mapping[str, Any], lang: str) -> str:
    if device["grade"]:
        return f"{device['grade']}级" if normalise_lang(lang) == "zh" else f"grade {device['grade']}"
    zh, en = OUTCOME.get(str(device["outcome"]), (str(device["outcome"]),) * 2)
    return zh if normalise_lang(lang) == "zh" else en


def node_name(node: str, lang: str) -> str:
    """A node of the energy balance (``supply:electricity``, ``conv:B1``, ``end:PACK`` …) in ``lang``."""
    zh = normalise_lang(lang) == "zh"
    kind, _, rest = node.partition(":")
    if kind == "supply" and rest:
        return f"{'供给' if zh else 'supply'} {carrier_label(rest, 'zh' if zh else 'en')}"
    return (node.replace("conv:", "转换 " if zh else "conversion ").replace("end:", "终端 " if zh else "end use ")
            .replace("loss", "损失" if zh else "losses").replace("export", "输出" if zh else "export"))


def note_text(note: str, lang: str) -> str:
    """A note of the diagnosis in ``lang``: notes are written ``English / 中文``; one in one language only is
    shown as written."""
    en, sep, zh = str(note).rpartition(" / ")
    if sep and _CJK.search(zh) and not _CJK.search(en):
        return zh if normalise_lang(lang) == "zh" else en
    return str(note)


def balance_chart(balance: Mapping[str, Any], lang: str) -> str:
    """A Sankey diagram of the flows [tce]; estimated flows are drawn lighter."""
    flows = balance["flows"]
    nodes: list[str] = []
    for f in flows:
        for n in (f["source"], f["target"]):
            if n not in nodes:
                nodes.append(n)
    names = [node_name(n, lang) for n in nodes]
    fig = go.Figure(go.Sankey(
        node={"label": names, "pad": 14, "color": [COLOURS[i % len(COLOURS)] for i in range(len(nodes))]},
        link={"source": [nodes.index(f["source"]) for f in flows], "target": [nodes.index(f["target"]) for f in flows],
              "value": [float(f["tce"]) for f in flows],
              "color": ["rgba(160,160,160,0.35)" if f["basis"] == "estimated" else "rgba(27,107,80,0.35)"
                        for f in flows],
              "hovertemplate": "%{source.label} → %{target.label}: %{value:,.2f} tce<extra></extra>"},
    ))
    fig.update_layout(height=420, margin={"l": 10, "r": 10, "t": 20, "b": 20}, font={"family": FONT, "size": 12})
    return str(fig.to_html(full_html=False, include_plotlyjs=False, config=CONFIG, div_id="chart-eff-balance"))


def measures_chart(measures: list[Mapping[str, Any]], view: str | None, lang: str) -> str:
    """Bars of CO2 abated per measure [tCO2/a] under the main view, labelled with the payback."""
    rows = [m for m in measures if view and view in m["tco2_per_year"]]
    fig = go.Figure(go.Bar(
        x=[float(m["tco2_per_year"][view]) for m in rows], y=[m["target"] for m in rows], orientation="h",
        marker_color=COLOURS[0],
        text=[(f"{fmt(m['payback_years'], 1)} a" if m["payback_years"] else "—") for m in rows], textposition="auto",
        hovertemplate="%{y}: %{x:,.3f} tCO2/a<extra></extra>"))
    fig.update_layout(height=max(240, 34 * len(rows) + 80), margin={"l": 10, "r": 20, "t": 20, "b": 40},
                      font={"family": FONT, "size": 12}, paper_bgcolor="white", plot_bgcolor="white")
    fig.update_xaxes(title_text=label("tco2", lang) + (f" ({view})" if view else ""))
    fig.update_yaxes(automargin=True)
    return str(fig.to_html(full_html=False, include_plotlyjs=False, config=CONFIG, div_id="chart-eff-measures"))


def efficiency_context(diagnosis: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """What the fragment prints: the diagnosis dict plus charts and ranked lists."""
    code = normalise_lang(lang)
    measures = list(diagnosis["measures"])
    by_id = {m["id"]: m for m in measures}
    view = diagnosis["summary"]["main_view"]
    return {
        "d": diagnosis, "lang": code, "view": view, "measures": measures,
        "by_abatement": [by_id[i] for i in diagnosis["measures_by_abatement"] if i in by_id],
        "chart_balance": Markup(balance_chart(diagnosis["balance"], code)) if diagnosis["balance"] else None,
        "chart_measures": Markup(measures_chart(measures, view, code)) if measures else None,
    }


def position_cells(indicator: Mapping[str, Any], lang: str) -> dict[str, str]:
    """An indicator's place between the levels as the section prints it: levels, position, gaps, source.

    ``indicator`` is one ``Diagnosis.to_dict()["indicators"]`` item; without levels the position is the
    diagnosis's own "not placed" sentence and the other cells are empty.
    """
    zh = normalise_lang(lang) == "zh"
    p = indicator.get("position")
    text = indicator.get("position_zh" if zh else "position_en") or ""
    if not p:
        return {"levels": "", "position": text, "gap": "", "gap_tce": "", "origin": "", "document": ""}
    unit = f" {p['unit']}" if p["unit"] else ""
    return {"levels": f"{p['benchmark']} / {p['baseline']}{unit}", "position": text,
            "gap": f"{fmt(p['gap_to_benchmark'])}{unit}", "gap_tce": fmt(p["gap_to_benchmark_tce"]),
            "origin": p["origin_zh" if zh else "origin_en"],
            "document": p["document"] if zh else p["document_en"]}


def _environment(lang: str) -> Environment:
    env = Environment(loader=PackageLoader("zerocarbon.reports", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(el=lambda key: label(key, lang), fmt=fmt, pct=pct, grade_text=lambda d: grade_text(d, lang),
                       basis_text=lambda b: BASIS[b][0 if lang == "zh" else 1],
                       node_name=lambda n: node_name(n, lang), note_text=lambda n: note_text(n, lang),
                       eff_quoted=lambda text: quoted(text, lang), eff_place=lambda p: place_label(p, lang),
                       eff_carrier=lambda c: carrier_label(c, lang), eff_position=lambda i: position_cells(i, lang),
                       eff_status=lambda s: STATUS.get(s, (s, s))[0 if lang == "zh" else 1])
    return env


def register_globals(env: Environment, lang: str) -> None:
    """Add this section's helpers to another report's environment (the inventory report's)."""
    env.globals.update(_environment(lang).globals)


def render_efficiency_html(diagnosis: Mapping[str, Any], out_dir: Path, lang: str = "zh") -> Path:
    """Write the stand-alone diagnosis page ``efficiency_report.{zh-CN|en}.html`` into ``out_dir``."""
    code = normalise_lang(lang)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    env = _environment(code)
    page = env.from_string(
        '<!DOCTYPE html><html lang="{{ html_lang }}"><head><meta charset="utf-8">'
        '<meta name="generator" content="zerocarbon {{ version }}"><title>{{ title }}</title>'
        '<style>{% include "report.css" %}</style>{{ plotly_js }}</head><body><main>'
        '<h1>{{ eff_quoted(eff.d.factory["name_" ~ eff.lang] or eff.d.factory.id) }} · {{ title }}'
        '{% if eff.d.year %} {{ eff.d.year }}{% endif %}</h1>'
        '{% include "efficiency.html.j2" %}</main></body></html>\n')
    html = page.render(html_lang=LANG_CODES[code], version=__version__, title=label("title", code),
                       plotly_js=Markup(plotly_script()),
                       eff=efficiency_context(diagnosis, code))
    path = out_dir / f"efficiency_report.{LANG_CODES[code]}.html"
    path.write_text(html, encoding="utf-8")
    return path


def add_efficiency_sheets(wb: Workbook, diagnosis: Mapping[str, Any], lang: str = "zh") -> None:
    """Append the sheets 设备能效 Equipment, 能耗指标 Indicators (when an indicator was graded: grades and the
    place between the benchmark and baseline levels) and 节能措施 Measures to ``wb`` (bilingual headers)."""
    code = normalise_lang(lang)
    head, fill = Font(bold=True), PatternFill("solid", fgColor="DCEBE5")

    def sheet(title: str, keys: list[str], rows: list[list[Any]]) -> None:
        ws = wb.create_sheet(title)
        ws.append([f"{L[k][0]} / {L[k][1]}" for k in keys])
        for cell in ws[1]:
            cell.font, cell.fill = head, fill
        for row in rows:
            ws.append(row)
        ws.freeze_panes = "A2"

    def num(v: Any) -> float | None:  # a display copy; the JSON keeps the Decimals
        return None if v is None else float(v)

    sheet("设备能效 Equipment", ["code", "name", "kind", "kw", "eta", "grade", "thresholds", "reason", "note"],
          [[d["code"], d["name"], d["kind"], num(d["rated_power_kw"]), num(d["efficiency_pct"]), grade_text(d, code),
            "/".join(d["thresholds"].get(g, "—") for g in ("1", "2", "3")),
            d["reason_zh"] if code == "zh" else d["reason_en"], d["note_zh"] if code == "zh" else d["note_en"]]
           for d in diagnosis["devices"]])
    graded = [i for i in diagnosis["indicators"] if i.get("verdict_zh")]
    if graded:
        cells = [position_cells(i, code) for i in graded]
        sheet("能耗指标 Indicators", ["product", "indicator", "value", "unit", "limits", "verdict", "levels",
                                     "position", "gap_b", "gap_b_tce", "levels_source"],
              [[i["product"], i["name_zh"] if code == "zh" else i["name_en"], num(i["value"]), i["unit"],
                "/".join(i["limits"][g] for g in ("1", "2", "3")), i["verdict_zh"] if code == "zh" else i["verdict_en"],
                c["levels"] or None, c["position"], num(i["gap_to_benchmark"]), num(i["gap_to_benchmark_tce"]),
                " · ".join(x for x in (c["origin"], c["document"]) if x) or None]
               for i, c in zip(graded, cells, strict=True)])
    view = diagnosis["summary"]["main_view"]
    sheet("节能措施 Measures", ["measure", "kwh", "tco2", "money", "invest", "payback", "npv", "basis"],
          [[m["title_zh"] if code == "zh" else m["title_en"], num(m["kwh_per_year"]),
            num(m["tco2_per_year"].get(view)) if view else None, num(m["money_per_year"]), num(m["investment"]),
            num(m["payback_years"]), num(m["npv"]), m["basis_zh"] if code == "zh" else m["basis"]]
           for m in diagnosis["measures"]])


def write_efficiency_xlsx(diagnosis: Mapping[str, Any], path: Path, lang: str = "zh") -> Path:
    """The diagnosis as its own workbook (the same sheets as in the inventory workbook)."""
    wb = Workbook()
    if wb.active is not None:
        wb.remove(wb.active)
    add_efficiency_sheets(wb, diagnosis, lang)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
