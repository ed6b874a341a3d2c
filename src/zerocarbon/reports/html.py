"""The inventory report as a self-contained HTML page, following the report contents of GB/T 32150.

GB/T 32150 (report requirements; secondary: the chapter summary of the 中国标准化研究院 at
http://tanjiaoyi.com/article-13965-1.html, the list below not checked against the standard's text) asks
for: basic information on the reporting entity; total emissions broken down by source and by gas;
activity data and their sources; emission factors and their sources; and other information. The page
adds the market-based instruments, the uncertainty, intensities, a year comparison, warnings and a
per-line calculation trace.

The page is one file per language (``inventory_report.zh-CN.html`` / ``inventory_report.en.html``)
and self-contained: CSS and the plotly bundle are inline (once per page), nothing is loaded from a
CDN or from a file beside it, so a copy sent alone shows its charts. The verifier's parts (entity
block and declaration, facilities, monitoring plan, meter register) are built by
:mod:`zerocarbon.reports.register`. :mod:`zerocarbon.reports.pdf` prints the same context.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from zerocarbon import __version__
from zerocarbon.accounting.notices import prose
from zerocarbon.accounting.results import Figure, Inventory
from zerocarbon.model.inventory_input import InventoryInput
from zerocarbon.model.vocabulary import item_label, parameter_label, place_label
from zerocarbon.reports import charts
from zerocarbon.reports.content import (
    COMPARED,
    FLAGGED_STATUS,
    TOTALS,
    breakdowns,
    category_name,
    certificates_applied,
    comparison_rows,
    derivation_text,
    distinct_factors,
    facility_names,
    factor_key,
    fallback_text,
    fmt_intensity,
    fmt_num,
    fmt_pct,
    fmt_t,
    fmt_trace,
    green_power_lines,
    inventory_views,
    item_name,
    line_emissions,
    month_by_category,
    part_name,
    quality_name,
    quoted,
    select_inventory,
    settings_rows,
    system_name,
    totals_by_year,
    trace_text,
    warnings,
)
from zerocarbon.reports.i18n import LANG_CODES, LANGS, normalise_lang, t
from zerocarbon.reports.metering import energy_chart, metering_context
from zerocarbon.reports.methods import (
    DRIVER_COLUMNS,
    driver_sections,
    fmt_signed,
    instrument_sentences,
    regime_rows,
    treatment_differences,
)
from zerocarbon.reports.register import (
    declaration,
    entity_rows,
    facility_rows,
    monitoring_rows,
    period_bounds,
    register_entries,
    register_rows,
    register_warnings,
    site_svg,
)
from zerocarbon.units import unit_label

SECTIONS = ("entity", "boundary", "summary", "regimes", "breakdowns", "monitoring", "register", "metering", "activity",
            "factors", "instruments", "uncertainty", "intensity", "comparison", "warnings", "trace")


def report_filename(lang: str) -> str:
    """``inventory_report.zh-CN.html`` or ``inventory_report.en.html``."""
    return f"inventory_report.{LANG_CODES[normalise_lang(lang)]}.html"


def fmt_mass(value: Decimal | None) -> str:
    """A gas mass [t], 3 decimals: a refrigerant top-up of 0.085 t must not print as 0.09."""
    if value is None:
        return "—"
    return f"{value.quantize(Decimal('0.001'), rounding=ROUND_HALF_UP):,.3f}"


def fmt_ts(epoch: int, tz: str = "Asia/Shanghai") -> str:
    """An epoch time [s, UTC] as local time, minute precision."""
    return datetime.fromtimestamp(int(epoch), ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def _environment(lang: str) -> Environment:
    env = Environment(loader=PackageLoader("zerocarbon.reports", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.globals.update(t=partial(t, lang=lang), fmt_t=fmt_t, fmt_num=fmt_num, fmt_pct=fmt_pct, fmt_mass=fmt_mass,
                       fmt_intensity=fmt_intensity, factor_key=factor_key, flagged_status=FLAGGED_STATUS)
    env.globals["system_name"] = partial(system_name, lang=lang)
    env.globals["fmt_ts"] = fmt_ts
    env.globals["fmt_signed"] = fmt_signed
    env.globals.update(unit_label=partial(unit_label, lang=lang), param_label=partial(parameter_label, lang=lang),
                       place_label=partial(place_label, lang=lang), item_label=partial(item_label, lang=lang),
                       fmt_trace=fmt_trace, derivation_text=partial(derivation_text, lang=lang),
                       fallback_text=partial(fallback_text, lang=lang), prose=partial(prose, lang=lang),
                       quoted=partial(quoted, lang=lang), part_name=partial(part_name, lang=lang),
                       trace_text=partial(trace_text, lang=lang))
    env.filters["view_short"] = lambda view: t(f"vshort.{view}", lang)
    return env


def _trace_figures(figures: Mapping[str, Figure], views: list[str]) -> list[tuple[str, Figure, str | None]]:
    """Each view's figure, or the earlier view it repeats exactly (scope-1 lines are alike in all views)."""
    out: list[tuple[str, Figure, str | None]] = []
    seen: dict[str, str] = {}
    for view in views:
        fig = figures.get(view)
        if fig is None:
            continue
        sig = repr((fig.emissions, fig.formula, [factor_key(f) for f in fig.factors], fig.intermediates, fig.note))
        out.append((view, fig, seen.get(sig)))
        seen.setdefault(sig, view)
    return out


def _primary_regime(inv: Inventory, lang: str) -> str:
    """The name and edition of the regime the GB/T 32150 view (the headline total) follows."""
    for reg in inv.regimes.values():
        if "gbt32150" in reg.get("views", []):
            name = reg.get("name_zh") if lang == "zh" else (reg.get("name_en") or reg.get("name_zh"))
            return f"{name} ({reg.get('edition', '')})"
    return "GB/T 32150"


def _line_rows(data: InventoryInput, inv: Inventory, lang: str) -> list[dict[str, Any]]:
    fac = facility_names(data, lang)
    views = inventory_views(inv)
    rows: list[dict[str, Any]] = []
    for r in inv.lines:
        line = r.line
        rows.append({
            "id": line.id, "facility_id": line.facility, "facility": fac.get(line.facility, line.facility),
            "category": category_name(r.category, lang), "item": item_name(r, lang), "period": line.period,
            "amount": line.amount, "unit": line.unit,
            "source": line.source, "quality": quality_name(line.data_quality, lang), "biomass": r.biomass,
            "views": {view: line_emissions(r, view) for view in views},
            **{view: line_emissions(r, view) for view in views},
            "uncertainty_pct": None if r.biomass else r.uncertainty_pct,
            "parts": r.uncertainty_parts,
            "figures": _trace_figures(r.figures, views),
        })
    return rows


def build_context(data: InventoryInput, inventories: Mapping[int, Inventory], year: int,
                  comparison: Mapping[str, Any] | None, lang: str,
                  metering: Mapping[str, Any] | None = None, today: date | None = None) -> dict[str, Any]:
    """Everything the template prints, as display rows (numbers still full-precision Decimal).

    ``today`` is the report date when the factory states none (default: the local date, Asia/Shanghai).
    """
    inv = select_inventory(inventories, year)
    factory = data.factory
    other = next(code for code in LANGS if code != lang)
    bd = breakdowns(data, inv, lang)
    fac_tco2e = {row.key: row.tco2e for row in bd["facility"]}
    fac_names = facility_names(data, lang)
    cmp_rows = comparison_rows(comparison, year)
    applied = certificates_applied(inv, lang)
    periods, series = month_by_category(inv, lang)
    meters = list(metering.get("meters") or []) if metering else None
    entries = register_entries(inv, meters)
    facilities = facility_rows(data, inv, meters, fac_tco2e, lang)
    factory_name = factory.name_zh if lang == "zh" else (factory.name_en or factory.name_zh)
    primary = _primary_regime(inv, lang)
    return {
        "lang": lang, "html_lang": LANG_CODES[lang], "version": __version__,
        "other_lang": LANG_CODES[other], "other_href": report_filename(other), "other_label": t("lang.switch", lang),
        "factory": factory, "factory_name": factory_name,
        "synthetic": factory.synthetic, "year": year, "inv": inv,
        "sections": [s for s in SECTIONS if (s != "comparison" or comparison) and (s != "metering" or metering)
                     and (s != "regimes" or inv.regimes)],
        "metering": metering_context(dict(metering), lang) if metering else None,
        "chart_energy": Markup(energy_chart(dict(metering["energy"]), lang))
        if metering and metering.get("energy") else None,
        "boundary": factory.boundary_zh if lang == "zh" else (factory.boundary_en or factory.boundary_zh),
        "facilities": facilities, "site_svg": Markup(site_svg(factory_name, facilities)),
        "entity_rows": entity_rows(data, inv, lang, today or datetime.now(ZoneInfo("Asia/Shanghai")).date()),
        "declaration": declaration(inv, primary, lang), "period_end": period_bounds(inv)[1].isoformat(),
        "monitoring": monitoring_rows(data, inv, meters, entries, lang),
        "register": register_rows(entries, fac_names, lang) if meters is not None else None,
        "totals": [{"key": k, "view": view, "value": getattr(inv.totals, k)} for k, view in TOTALS],
        "settings": settings_rows(inv, lang), "bd": bd,
        # plotly's own markup, built from our numbers and names (which plotly JSON-encodes)
        "chart_source": Markup(charts.source_chart(bd["source"], lang)),
        "chart_month": Markup(charts.month_chart(periods, series, lang)),
        "month_series": (periods, series),
        "lines": _line_rows(data, inv, lang), "factors": distinct_factors(inv), "views": inventory_views(inv),
        "certs_applied": applied, "certs_applied_mwh": sum((c["mwh"] for c in applied), Decimal(0)),
        "green_power": green_power_lines(inv),
        "approach1_pct": inv.uncertainty.approach1_pct if inv.uncertainty else None,
        "comparison": cmp_rows if comparison else None, "compared": COMPARED,
        "drivers": driver_sections(comparison, year, data, lang), "driver_columns": DRIVER_COLUMNS,
        "regimes": regime_rows(inv, lang), "differences": treatment_differences(inv, lang),
        "instrument_sentences": instrument_sentences(inv, lang), "primary_regime": primary,
        "by_year": totals_by_year(inventories),
        "warnings": warnings(data, inv, lang) + register_warnings(inv, entries, lang),
        "plotly_js": Markup(charts.plotly_script()),
    }


def inventory_page(data: InventoryInput, inventories: Mapping[int, Inventory], year: int,
                   comparison: Mapping[str, Any] | None, lang: str = "zh", metering: Mapping[str, Any] | None = None,
                   efficiency: Mapping[str, Any] | None = None, *, printed: bool = False,
                   today: date | None = None) -> str:
    """The report page as HTML text: for the screen, or ``printed`` for the PDF (see :mod:`zerocarbon.reports.pdf`).

    The printed page has the same sections and rows; it carries no script, its charts are static SVG
    drawn from the same numbers (:mod:`zerocarbon.reports.svgcharts`) and the collapsed parts are open.
    """
    code = normalise_lang(lang)
    context = build_context(data, inventories, year, comparison, code, metering, today)
    context["printed"] = printed
    if printed:
        from zerocarbon.reports import svgcharts

        context.update(svgcharts.print_charts(context, code))
        context["plotly_js"] = ""
    env = _environment(code)
    if efficiency:
        from zerocarbon.reports.efficiency import efficiency_context, register_globals

        register_globals(env, code)
        context["eff"] = efficiency_context(efficiency, code)
        if printed:  # its plotly charts would print blank: the diagnosis's tables hold the same figures
            context["eff"].update(chart_balance=None, chart_measures=None)
    return env.get_template("inventory.html.j2").render(**context)


def render_inventory_html(
    data: InventoryInput,
    inventories: dict[int, Inventory],
    year: int,
    comparison: dict[str, Any] | None,
    out_dir: Path,
    lang: str = "zh",
    metering: Mapping[str, Any] | None = None,
    efficiency: Mapping[str, Any] | None = None,
) -> Path:
    """Write the inventory report of ``year`` as ``out_dir/inventory_report.{zh-CN|en}.html``.

    ``efficiency`` (optional) is a diagnosis as plain data (``Diagnosis.to_dict()``): adds the
    section 节能降碳诊断 (``reports/efficiency.py``, ``templates/efficiency.html.j2``).

    Parameters
    ----------
    data : InventoryInput
        The factory's input (entity, boundary, facilities, products, synthetic flag).
    inventories : dict
        Data year → computed inventory; must contain ``year``. Other years feed the comparison table.
    year : int
        Data year reported [calendar year].
    comparison : dict, optional
        Output of :func:`zerocarbon.accounting.inventory.compare_years`; the section is left out if None.
    out_dir : Path
        Folder to write into (created if missing). Only the page is written: it is self-contained.
    lang : str
        ``"zh"`` (default, zh-CN) or ``"en"``.
    metering : mapping, optional
        The metering findings (:func:`zerocarbon.services.reports.metering.metering_findings`): adds the
        meter register, the meters of the facilities and the section on meter data and comprehensive
        energy by carrier and month.

    Returns
    -------
    Path
        The HTML file written.
    """
    code = normalise_lang(lang)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    html = inventory_page(data, inventories, year, comparison, code, metering, efficiency)
    path = out_dir / report_filename(code)
    path.write_text(html, encoding="utf-8")
    return path
