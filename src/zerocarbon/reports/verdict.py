"""The zero-carbon evaluation (零碳工厂评价) as a page and as a section: verdict per level, each criterion
with its figure, basis and source, the gap list with what closes each gap, the centre functions, the
ledger and the trend.

Renders what it is given: the plain dict of an assessment (``Assessment.to_dict()`` of
``zerocarbon.services.assessment``). One language per page; numbers arrive as exact decimal strings and
are rounded only here. The gauges are inline SVG drawn from the same numbers (they print, and need no
script).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from zerocarbon import __version__
from zerocarbon.accounting.results import plain
from zerocarbon.reports.i18n import LANG_CODES, normalise_lang

L: dict[str, tuple[str, str]] = {
    "title": ("零碳工厂评价", "Zero-carbon factory evaluation"),
    "verdict": ("评价结论", "Verdict"),
    "set": ("评价指标集", "Criteria set"),
    "level": ("层级", "Level"),
    "status": ("结论", "Result"),
    "criteria": ("逐项评价", "Criteria one by one"),
    "criterion": ("指标", "Criterion"),
    "value": ("实际值", "Value"),
    "threshold": ("要求", "Requirement"),
    "basis": ("数据依据", "Basis of the figure"),
    "source": ("来源", "Source"),
    "gaps": ("差距清单", "Gap list"),
    "closes": ("如何弥补", "What closes it"),
    "centre": ("能碳管理中心 13 项功能自查", "The 13 centre functions: self-check"),
    "function": ("功能", "Function"),
    "evidence": ("证据", "Evidence"),
    "trend": ("历年评价", "Trend over the years"),
    "year": ("年份", "Year"),
    "ledger": ("抵销工具台账", "Instrument ledger"),
    "instrument": ("工具", "Instrument"),
    "amount": ("数量", "Amount"),
    "period": ("申领期", "Period claimed"),
    "purpose": ("用途", "Purpose"),
    "date": ("日期", "Date"),
    "proof": ("凭证", "Proof"),
    "refusals": ("被拒绝的台账事件", "Ledger events refused"),
    "rule": ("规则", "Rule"),
    "reason": ("原因", "Reason"),
    "event": ("事件", "Event"),
    "companions": ("其他指标集（参照）", "Other criteria sets (companions)"),
    "sources": ("依据文件", "Sources"),
    "confidence": ("可信度", "Confidence"),
    "no_gaps": ("无差距。", "No gaps."),
    "none": ("无", "none"),
    "other_lang": ("English", "中文"),
    "colon": ("：", ": "),
    "lp": ("（", " ("),
    "rp": ("）", ")"),
    "comma": ("，", ", "),
    "sep": ("、", ", "),
    "note": ("说明", "Notes"),
    "rank": ("序", "#"),
    "synthetic": ("合成示例数据，非真实企业。", "Synthetic sample data, not a real company."),
    "caveat": (
        "国家指标集的限值来自单一二手报道（通知附件原文未检得），标为 S；替换限值只需修改数据文件。",
        "The national set's thresholds come from one secondary report (the notice's annex was not found) "
        "and are labelled S; replacing a threshold is a change of the data file.",
    ),
}
STATUS = {
    "met": ("达到", "met"),
    "not_met": ("未达到", "not met"),
    "not_assessable": ("不可评价", "not assessable"),
    "not_applicable": ("不适用", "not applicable"),
    "reported": ("报告值", "reported"),
    "evidenced": ("软件可证实", "evidenced by the software"),
    "declared": ("企业声明", "declared by the factory"),
    "missing": ("缺失", "missing"),
}
CONF = {
    "V": ("已核实", "verified"),
    "S": ("单一二手来源", "single secondary source"),
    "local": ("本项目的选择", "this project's choice"),
}
OPS = {"le": "≤", "ge": "≥", "lt": "<", "gt": ">", "eq": "="}
PURPOSE = {"scope2": ("电力核算", "electricity claim"), "offset": ("抵销", "offset")}
INDICATOR = {
    "zero_carbon_intensity": ("单位能耗碳排放", "CO2 per tce of energy"),
    "non_fossil_share": ("非化石能源消费占比", "non-fossil share of energy"),
    "traceable_share": ("非化石电力物理认定量占比", "physically traceable share of non-fossil electricity"),
    "energy_per_value_added": ("单位工业增加值能耗", "energy per value added"),
    "efficient_equipment_share": ("节能装备应用占比", "share of efficient equipment"),
    "carbon_removal_rate": ("碳清除率", "carbon removal rate"),
    "footprint_coverage": ("产品碳足迹覆盖率", "footprint coverage of main products"),
    "supply_chain_measures": ("零碳供应链管理措施", "supply-chain measures"),
    "auto_collection_rate": ("能源数据自动采集率", "automatic collection rate"),
    "centre_functions": ("能碳管理中心功能", "centre functions"),
    "disclosure_carriers": ("信息披露载体", "disclosure carriers"),
    "product_energy_grade2": ("产品单位能耗达到限额 2 级", "unit-product energy at quota grade 2"),
    "solid_waste_utilisation": ("工业固废综合利用率", "solid-waste utilisation"),
    "waste_heat_utilisation": ("余热余冷余压利用率", "waste heat/cold/pressure utilisation"),
    "water_reuse_rate": ("工业用水重复利用率", "water reuse rate"),
    "footprint_reduction": ("重点产品碳足迹下降", "key-product footprint reduction"),
    "green_factory": ("绿色工厂", "green factory"),
    "offset_share_scope12": ("范围一、二排放抵销比例", "share of scope 1 and 2 offset"),
    "energy_at_advanced": ("能耗达到先进值/标杆水平", "energy at the advanced value or benchmark"),
    "management_body": ("管理机构与建设方案", "management body and plan"),
    "compliance_3y": ("近三年合规", "three-year compliance"),
    "renewable_electricity_share": ("可再生能源电力占比", "renewable electricity share"),
    "offset_share_total": ("剩余排放抵销比例", "share of residual emissions offset"),
}
SHARES = {"1"}


def _pick(pair: tuple[str, str] | Mapping[str, str] | None, lang: str) -> str:
    if pair is None:
        return ""
    if isinstance(pair, Mapping):
        return str(pair.get(lang) or pair.get("zh") or "")
    return pair[0] if lang == "zh" else pair[1]


def fmt_value(value: Any, unit: str, lang: str) -> str:
    """A figure for reading: shares as %, counts whole, other numbers with 2–4 decimals; booleans as words."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    v = Decimal(str(value))
    if unit in SHARES:
        return f"{(v * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)} %"
    if unit.startswith("of "):
        return f"{v.quantize(Decimal(1))} / {unit[3:]}"
    places = 4 if abs(v) < 10 else 2
    return f"{v.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,}" + (f" {unit}" if unit else "")


def requirement(r: Mapping[str, Any], lang: str) -> str:
    if r["op"] == "report":
        return "—"
    if r["op"] == "holds":
        return "须满足" if lang == "zh" else "must hold"
    t = Decimal(str(r["threshold"]))
    if r["unit"] in SHARES:
        return f"{OPS[r['op']]} {plain(t * 100)} %"
    return f"{OPS[r['op']]} {plain(t)} {r['unit']}".rstrip()


def gauge(r: Mapping[str, Any], lang: str) -> Markup:
    """A small horizontal bar: the value against the threshold (inline SVG, no script)."""
    if r["op"] not in OPS or r["value"] is None or isinstance(r["value"], bool):
        return Markup("")
    v, t = float(Decimal(str(r["value"]))), float(Decimal(str(r["threshold"])))
    top = max(v, t) * 1.15 or 1.0
    w = 160
    ok = r["status"] == "met"
    colour = "#1b6b50" if ok else "#a8443b"
    label = escape(f"{fmt_value(r['value'], r['unit'], lang)} {requirement(r, lang)}")
    return Markup(
        f'<svg class="gauge" width="{w}" height="14" role="img" aria-label="{label}">'
        f'<rect x="0" y="3" width="{w}" height="8" fill="#eee"/>'
        f'<rect x="0" y="3" width="{v / top * w:.1f}" height="8" fill="{colour}"/>'
        f'<line x1="{t / top * w:.1f}" x2="{t / top * w:.1f}" y1="0" y2="14" stroke="#222" '
        f'stroke-width="2"/></svg>'
    )


def _environment(lang: str) -> Environment:
    env = Environment(
        loader=PackageLoader("zerocarbon.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        vl=lambda key: _pick(L[key], lang),
        st=lambda key: _pick(STATUS.get(key, (key, key)), lang),
        pick=lambda pair: _pick(pair, lang),
        conf=lambda key: _pick(CONF.get(key, (key, key)), lang),
        ind_name=lambda key: _pick(INDICATOR.get(key, (key, key)), lang),
        purpose=lambda key: _pick(PURPOSE.get(key, (key, key)), lang),
        fmt_value=lambda v, unit: fmt_value(v, unit, lang),
        req=lambda r: requirement(r, lang),
        gauge=lambda r: gauge(r, lang),
        lang=lang,
    )
    return env


def _grouped(gaps: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Gaps in their ranked order; missing data with the same reason is one item naming every criterion it blocks."""
    out: list[dict[str, Any]] = []
    for g in gaps:
        key = repr([k["text"] for k in g["closers"]])
        same = next((o for o in out if g["status"] == "not_assessable" and o["status"] == "not_assessable"
                     and o["key"] == key), None)
        if same is not None:
            same["members"].append(g)
            continue
        out.append({"key": key, "status": g["status"], "members": [g], "closers": g["closers"]})
    return out


def verdict_context(assessment: Mapping[str, Any], lang: str) -> dict[str, Any]:
    code = normalise_lang(lang)
    main = assessment["evaluations"][0]
    by_id = {r["id"]: r for r in main["results"]}
    return {
        "a": assessment,
        "main": main,
        "companions": assessment["evaluations"][1:],
        "gaps": _grouped([by_id[g] for g in main["gaps"]]),
        "lang": code,
    }


def render_verdict_section(assessment: Mapping[str, Any], lang: str) -> Markup:
    """The evaluation as a ``<section>`` for another report (the inventory report binds it in)."""
    code = normalise_lang(lang)
    return Markup(_environment(code).get_template("verdict.html.j2").render(**verdict_context(assessment, code)))


def verdict_filename(lang: str) -> str:
    return f"zero_carbon_evaluation.{LANG_CODES[normalise_lang(lang)]}.html"


def render_verdict_html(
    assessment: Mapping[str, Any], out_dir: Path, factory_name: str, lang: str = "zh", synthetic: bool = False
) -> Path:
    """The evaluation as a stand-alone page ``zero_carbon_evaluation.{zh-CN|en}.html``."""
    code = normalise_lang(lang)
    other = "en" if code == "zh" else "zh"
    css = (Path(__file__).parent / "templates" / "report.css").read_text(encoding="utf-8")
    body = render_verdict_section(assessment, code)
    title = f"{_pick(L['title'], code)} · {factory_name} · {assessment['year']}"
    banner = f'<div class="banner synthetic" role="note">{_pick(L["synthetic"], code)}</div>' if synthetic else ""
    html = (
        f'<!doctype html><html lang="{LANG_CODES[code]}"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<meta name="generator" content="zerocarbon {__version__}"><style>{css}</style></head><body>'
        f'<header><p class="lang"><a href="{verdict_filename(other)}">{_pick(L["other_lang"], code)}</a></p>'
        f"<h1>{escape(title)}</h1>{banner}</header><main>{body}</main></body></html>"
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / verdict_filename(code)
    path.write_text(html, encoding="utf-8")
    return path
