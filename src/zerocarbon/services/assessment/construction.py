"""Use case: the zero-carbon factory construction report — every capability's chapter bound in one
document (HTML and PDF, zh-CN and en) with the manifest ``zerocarbon verify`` re-checks."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from zerocarbon.reports.construction import Chapter, body_of, write_construction
from zerocarbon.reports.disclosure import disclosure_rows
from zerocarbon.reports.html import inventory_page
from zerocarbon.reports.verdict import render_verdict_section
from zerocarbon.services.inventory.runs import InventoryRun
from zerocarbon.services.verification.manifest import embed

NOT_RUN = ("本次未运行此部分：", "This part was not run: ")
TRACE = re.compile(r'<section id="trace".*?</section>', flags=re.S)


def _env() -> Environment:
    return Environment(loader=PackageLoader("zerocarbon.reports", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _missing(zh: str, en: str, lang: str) -> str:
    return f'<p class="note">{escape(NOT_RUN[0] + zh if lang == "zh" else NOT_RUN[1] + en)}</p>'


def _efficiency(eff: Mapping[str, Any] | None, lang: str, printed: bool) -> str:
    if eff is None:
        return _missing("没有设备能效台账", "no equipment register", lang)
    from zerocarbon.reports.efficiency import efficiency_context, register_globals

    env = _env()
    register_globals(env, lang)
    ctx = efficiency_context(eff, lang)
    if printed:
        ctx["chart_balance"] = ctx["chart_measures"] = None
    return env.get_template("efficiency.html.j2").render(eff=ctx)


def _planning(plan: Mapping[str, Any] | None, lang: str, printed: bool) -> str:
    if plan is None:
        return _missing("没有规划假设", "no planning assumptions", lang)
    from zerocarbon.reports.planning import planning_context, register_globals

    env = _env()
    register_globals(env, lang)
    ctx = planning_context(plan, lang)
    if printed:
        ctx["chart_mac"] = ctx["chart_roadmap"] = None
    return env.get_template("planning.html.j2").render(plan=ctx)


def _footprint(result: Mapping[str, Any] | None, lang: str, printed: bool) -> str:
    if result is None:
        return _missing("没有产品碳足迹研究", "no footprint study", lang)
    from zerocarbon import __version__
    from zerocarbon.reports.footprint import _environment, footprint_context
    from zerocarbon.reports.i18n import LANG_CODES

    ctx = footprint_context(result, lang)
    if printed:
        ctx["charts"] = {k: Markup("") for k in ctx["charts"]}
    page = _environment(lang).get_template("footprint.html.j2").render(
        html_lang=LANG_CODES[lang], version=__version__, plotly=Markup(""), fp=ctx)
    return body_of(page)


def _centre(metering: Mapping[str, Any] | None, lang: str) -> str:
    if metering is None:
        return _missing("没有表计数据", "no meter data", lang)
    zh = lang == "zh"
    ingest = metering.get("ingest") or {}
    rows = [("表计数据生成的活动数据条数", "activity lines from meter data", metering.get("meter_activity_lines")),
            ("导入读数（接受 / 拒收）", "readings imported (accepted / rejected)",
             f"{ingest.get('accepted', '—')} / {ingest.get('rejected', '—')}"),
            ("缺测段", "gaps", len(metering.get("gaps") or [])),
            ("与申报数据一致", "agrees with the declared data",
             ("是" if zh else "yes") if metering.get("reconciled_with_declared") else ("否" if zh else "no"))]
    body = "".join(f"<tr><th>{escape(a if zh else b)}</th><td>{escape(str(v))}</td></tr>" for a, b, v in rows)
    return f'<table class="kv"><tbody>{body}</tbody></table>'


def _disclosure(inventory: Mapping[str, Any], assessment: Mapping[str, Any], plan: Mapping[str, Any] | None,
                lang: str) -> str:
    zh = lang == "zh"
    head = ("指标", "数值", "依据", "对应条款") if zh else ("Metric", "Value", "Basis", "Answers")
    rows = "".join(f"<tr><td>{escape(r['metric'])}</td><td class=\"num\">{escape(r['value'])}</td>"
                   f"<td>{escape(r['basis'])}</td><td class=\"small\">{escape(r['ref'])}</td></tr>"
                   for r in disclosure_rows(inventory, assessment, plan, lang))
    note = ("指标对应 IFRS S2 第 29 段与《企业可持续披露准则第1号——气候（试行）》第五章；该准则要求的核算方法未经核实，"
            "每项注明其口径。" if zh else "Metrics answer IFRS S2 paragraph 29 and chapter 5 of China's climate "
            "disclosure standard No. 1; the accounting method that standard requires was not verified, so each "
            "metric states its regime.")
    return (f'<p class="note">{escape(note)}</p><table class="compact"><thead><tr>'
            + "".join(f"<th>{h}</th>" for h in head) + f"</tr></thead><tbody>{rows}</tbody></table>")


def chapters(run: InventoryRun, assessment: Mapping[str, Any], *, efficiency: Mapping[str, Any] | None = None,
             plan: Mapping[str, Any] | None = None, footprint: Mapping[str, Any] | None = None,
             metering: Mapping[str, Any] | None = None, printed: bool = False) -> list[Chapter]:
    """The chapters in both languages (``printed``: without scripts, for the PDF)."""
    inv = run.to_dict()

    def both(fn: Any) -> tuple[str, str]:
        return fn("zh"), fn("en")

    def accounting(lang: str) -> str:
        body = body_of(inventory_page(run.data, run.inventories, run.year, run.comparison, lang,
                                      dict(metering) if metering else None, None, printed=printed))
        # the per-line calculation trace stays in the inventory report itself (its appendix), named here
        body = TRACE.sub("", body)
        note = ("每条数据的计算过程见温室气体排放报告附录（inventory_report）。" if lang == "zh" else
                "The calculation trace of every line is in the appendix of the inventory report (inventory_report).")
        return body + f'<p class="note">{escape(note)}</p>'

    spec = [("verdict", "零碳工厂评价结论", "The zero-carbon verdict", lambda lang: str(render_verdict_section(
                assessment, lang))),
            ("accounting", "科学算碳：温室气体排放核算", "Accounting: the GHG inventory", accounting),
            ("source", "源头减碳", "Source decarbonisation", lambda lang: _planning(plan, lang, printed)),
            ("process", "过程脱碳", "Process decarbonisation", lambda lang: _efficiency(efficiency, lang, printed)),
            ("footprint", "协同降碳：产品碳足迹", "Product carbon footprints",
             lambda lang: _footprint(footprint, lang, printed)),
            ("centre", "智能控碳：能碳管理中心", "The energy-carbon management centre",
             lambda lang: _centre(metering, lang)),
            ("disclosure", "碳抵销和信息披露", "Offsets and disclosure",
             lambda lang: _disclosure(inv, assessment, plan, lang))]
    return [Chapter(cid, zh, en, *both(fn)) for cid, zh, en, fn in spec]


def write_construction_report(out_dir: Path, run: InventoryRun, assessment: Mapping[str, Any], *,
                              efficiency: Mapping[str, Any] | None = None, plan: Mapping[str, Any] | None = None,
                              footprint: Mapping[str, Any] | None = None, metering: Mapping[str, Any] | None = None,
                              manifest: Mapping[str, Any] | None = None, pdf: bool = True) -> list[Path]:
    """``zero_carbon_construction_report.{zh-CN,en}.{html,pdf}``; the HTML pages carry ``manifest``."""
    kw: dict[str, Any] = {"efficiency": efficiency, "plan": plan, "footprint": footprint, "metering": metering}
    f = run.data.factory
    names = {"zh": f.name_zh, "en": f.name_en or f.name_zh}
    files = write_construction(chapters(run, assessment, **kw), chapters(run, assessment, printed=True, **kw) if pdf
                               else [], names, run.year, out_dir, synthetic=f.synthetic, pdf=pdf)
    if manifest is not None:
        for path in files:
            if path.suffix == ".html":
                embed(path, manifest)
    return files
