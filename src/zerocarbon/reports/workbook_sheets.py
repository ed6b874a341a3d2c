"""The workbook's recomputable core: lines with formulas, factors with sources, SUMIFS totals, boundary, about.

The lines sheet has one row per activity line and accounting view; its emissions cell is a formula
of the row's cells and the factors sheet (:mod:`zerocarbon.reports.workbook_formulas`), beside the
engine's value and a check ``=ROUND(formula − engine, 6)``. The summary and boundary totals are
SUMIFS over the lines sheet, again beside the engine's figures and a check.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from zerocarbon import __version__
from zerocarbon.accounting.notices import prose
from zerocarbon.accounting.results import Inventory
from zerocarbon.model.inventory_input import Category, InventoryInput
from zerocarbon.reports.content import (
    TOTALS,
    category_name,
    distinct_factors,
    facility_names,
    fallback_text,
    inventory_views,
    item_name,
    line_factor_keys,
    quality_name,
    settings_rows,
    system_name,
    warnings,
)
from zerocarbon.reports.i18n import t
from zerocarbon.reports.workbook_formulas import FactorCells, calc, excel
from zerocarbon.reports.workbook_table import (
    CHECK,
    GENERAL,
    PCT,
    CellValue,
    Col,
    Formula,
    T,
    Typed,
    number_or_text,
    table,
)

SHEET_LINES, SHEET_FACTORS = "活动数据 Lines", "排放因子 Factors"
LINE_COLS: tuple[Col, ...] = (
    ("col.line", None), ("wb.view", None), ("col.facility_id", None), ("col.category", None), ("col.item", None),
    ("col.period", None), ("col.scope", None), ("col.biomass", None), ("col.gas", None), ("col.amount", None),
    ("col.unit", None), ("wb.conv", None), ("wb.ad", None), ("wb.ad_unit", None), ("wb.gec", None),
    ("wb.e_formula", T), ("wb.e_engine", T), ("wb.check", CHECK), ("col.formula", None), ("col.factor_ids", None),
    ("col.source", None), ("col.quality", None), ("col.note", None),
)
#: Letters of the lines sheet's columns the formulas refer to.
L = {key: get_column_letter(i + 1) for i, (key, _) in enumerate(LINE_COLS)}
FACTOR_COLS: tuple[Col, ...] = (
    ("col.factor_id", None), ("col.item", None), ("col.param", None), ("col.value", None), ("col.unit", None),
    ("col.origin", None), ("col.source_document", None), ("col.edition", None), ("col.clause", None),
    ("wb.url", None), ("col.data_year", None), ("col.region", None), ("col.status", None), ("col.fallback", None),
    ("col.evidence", None), ("col.views", None), ("col.lines", None), ("col.note", None),
)
URL = re.compile(r"https?://[^\s,;)\]（）。，]+")
CHECKED: tuple[Col, ...] = (("col.item_label", None), ("wb.view", None), ("wb.e_formula", T), ("wb.e_engine", T),
                            ("wb.check", CHECK), ("col.unit", None))


@dataclass
class LinesRange:
    """Where the lines sheet's data are, for the SUMIFS of the other sheets."""

    last_row: int

    def col(self, key: str) -> str:
        letter = L[key]
        return f"'{SHEET_LINES}'!${letter}$2:${letter}${max(self.last_row, 2)}"

    def sumifs(self, **criteria: str | int) -> Formula:
        """``=SUMIFS(emissions, column, value, …)`` over the lines sheet; criteria by column key."""
        parts = [self.col("wb.e_formula")]
        for key, value in criteria.items():
            parts += [self.col(key.replace("__", ".")), f'"{value}"' if isinstance(value, str) else str(value)]
        return Formula(f"=SUMIFS({','.join(parts)})")


def _view_name(view: str, lang: str) -> str:
    try:
        return t(f"view.{view}", lang)
    except KeyError:
        return view


def factors_sheet(wb: Workbook, inv: Inventory, lang: str) -> FactorCells:
    """Every distinct factor with its source, edition, clause and URL; returns where each value is."""
    rows: list[list[CellValue]] = []
    flagged: list[int] = []
    where: dict[str, int] = {}
    values: dict[str, Decimal] = {}
    for i, use in enumerate(distinct_factors(inv)):
        tr = use.trace
        value = Decimal(str(tr["value"])) if tr.get("value") else None
        note = tr.get("note") or ""
        urls = "\n".join(dict.fromkeys(URL.findall(note)))
        rows.append([
            use.key, tr.get("item"), tr.get("parameter"), value, tr.get("unit"), tr.get("origin"),
            tr.get("source_document"), number_or_text(tr.get("edition")), tr.get("clause"), urls or None,
            number_or_text(tr.get("data_year")), tr.get("region"), t(f"status.{tr.get('status')}", lang),
            "; ".join(fallback_text(f, lang) for f in use.fallbacks) or None, tr.get("evidence"),
            ", ".join(_view_name(v, lang) for v in use.views),
            ", ".join(use.lines), note or None,
        ])
        where[use.key] = i + 2
        if value is not None:
            values[use.key] = value
        if use.flagged:
            flagged.append(i)
    table(wb, SHEET_FACTORS, FACTOR_COLS, rows, flagged, freeze="B2", wrap=(6, 9, 14, 16, 17))
    value_col = get_column_letter([k for k, _ in FACTOR_COLS].index("col.value") + 1)
    return FactorCells(SHEET_FACTORS, value_col, where, values)


def lines_sheet(wb: Workbook, data: InventoryInput, inv: Inventory, cells: FactorCells, lang: str) -> LinesRange:
    """One row per line and view: AD, the emissions formula, the engine's value and the check."""
    cols = {"amount": L["col.amount"], "conv": L["wb.conv"], "ad": L["wb.ad"], "gec": L["wb.gec"]}
    views = inventory_views(inv)
    rows: list[list[CellValue]] = []
    row = 1
    for r in inv.lines:
        ln = r.line
        factor_ids = "; ".join(line_factor_keys(r))
        for view in views:
            fig = r.figures.get(view)
            if fig is None:
                continue
            row += 1
            c = calc(r, view, row, cols, cells)
            notes = [t(n, lang) if n.startswith("wbn.") else n for n in c.notes]
            if c.gec is not None:
                notes.append(t("wbn.gec", lang))
            e_cell = L["wb.e_formula"]
            rows.append([
                ln.id, _view_name(view, lang), ln.facility, category_name(r.category, lang), item_name(r, lang),
                ln.period, int(r.scope) if r.scope else None, t("yes" if r.biomass else "no", lang), r.gas,
                ln.amount, ln.unit, c.conversion,
                Formula(excel([c.ad])) if c.ad is not None else None, c.ad_unit if c.ad is not None else None,
                c.gec, Formula(excel(c.emissions)) if c.emissions is not None else Typed(float(fig.emissions), T),
                Typed(float(fig.emissions), T), Formula(f"=ROUND({e_cell}{row}-{L['wb.e_engine']}{row},6)"),
                prose(fig.formula, lang), factor_ids, ln.source, quality_name(ln.data_quality, lang),
                "; ".join(notes) or None,
            ])
    table(wb, SHEET_LINES, LINE_COLS, rows, freeze="B2", wrap=(18, 22))
    return LinesRange(row)


def _checked(label: str, view: str, formula: Formula, engine: Decimal, row: int,
             unit: str = "tCO2e") -> list[CellValue]:
    return [label, view, formula, Typed(float(engine), T), Formula(f"=ROUND(C{row}-D{row},6)"), unit]


def summary_sheet(wb: Workbook, inv: Inventory, lines: LinesRange, lang: str) -> None:
    """Headline totals, by category, by scope and view, and each view's total: SUMIFS with a check."""
    gbt, loc, mkt = (_view_name(v, lang) for v in ("gbt32150", "location", "market"))
    no, yes = t("no", lang), t("yes", lang)
    rows: list[list[CellValue]] = []
    sections: list[int] = []

    def add(label: str, view: str, formula: Formula, engine: Decimal) -> None:
        rows.append(_checked(label, view, formula, engine, len(rows) + 2))

    def section(key: str) -> None:
        sections.append(len(rows))
        rows.append([t(key, lang)])

    cat = {c: category_name(c, lang) for c in Category}
    formulas = {
        "gbt32150_total": lines.sumifs(wb__view=gbt, col__biomass=no),
        "scope1": lines.sumifs(wb__view=loc, col__scope=1, col__biomass=no),
        "scope2_location": lines.sumifs(wb__view=loc, col__scope=2, col__biomass=no),
        "scope2_market": lines.sumifs(wb__view=mkt, col__scope=2, col__biomass=no),
        "biomass_co2": lines.sumifs(wb__view=gbt, col__biomass=yes),
        "exported_electricity": lines.sumifs(wb__view=gbt, col__category=cat[Category.ELECTRICITY_EXPORTED],
                                             col__biomass=no),
        "exported_heat": lines.sumifs(wb__view=gbt, col__category=cat[Category.HEAT_EXPORTED], col__biomass=no),
        "recovered_co2": lines.sumifs(wb__view=gbt, col__category=cat[Category.CO2_RECOVERED], col__biomass=no),
    }
    section("wb.sec.totals")
    for key, view in TOTALS:
        add(t(f"total.{key}", lang), _view_name(view, lang), formulas[key], getattr(inv.totals, key))
    section("wb.sec.category")
    for c in Category:
        if c.value in inv.breakdowns.get("category", {}):
            add(cat[c], gbt, lines.sumifs(wb__view=gbt, col__category=cat[c], col__biomass=no),
                inv.breakdowns["category"][c.value])
    section("wb.sec.scope")
    for dim, view in (("scope_location", loc), ("scope_market", mkt)):
        for key, value in sorted(inv.breakdowns.get(dim, {}).items()):
            n = int(key.removeprefix("scope"))
            add(t("wb.scope_n", lang).format(n=n), view, lines.sumifs(wb__view=view, col__scope=n, col__biomass=no),
                value)
    section("wb.sec.view")
    for regime in inv.regimes.values():
        totals, views = regime.get("totals", {}), regime.get("views", [])
        total_key = "total" if "total" in totals else "total_co2" if "total_co2" in totals else None
        if total_key and views:
            name = _view_name(views[0], lang)
            add(t("wb.view_total", lang).format(view=name), name, lines.sumifs(wb__view=name, col__biomass=no),
                Decimal(totals[total_key]))
    table(wb, "汇总 Summary", CHECKED, rows, sections=sections)


def boundary_sheet(wb: Workbook, data: InventoryInput, inv: Inventory, lines: LinesRange, lang: str) -> None:
    """The facilities inside the boundary: name, system type, GB/T 32150 emissions (SUMIFS) and share."""
    gbt, no = _view_name("gbt32150", lang), t("no", lang)
    names = facility_names(data, lang)
    by_facility = inv.breakdowns.get("facility", {})
    total = inv.totals.gbt32150_total
    rows: list[list[CellValue]] = []
    for i, f in enumerate(data.factory.facilities):
        row = i + 2
        rows.append([f.id, names.get(f.id, f.id), system_name(f.kind, lang) if f.kind else None,
                     lines.sumifs(col__facility_id=f.id, wb__view=gbt, col__biomass=no),
                     Typed(float(by_facility.get(f.id, Decimal(0))), T), Formula(f"=ROUND(D{row}-E{row},6)"),
                     Typed(float(by_facility.get(f.id, Decimal(0)) / total) if total else None, PCT)])
    table(wb, "边界 Boundary", (("col.facility_id", None), ("col.facility", None), ("col.system", None),
                               ("wb.e_formula", T), ("wb.e_engine", T), ("wb.check", CHECK), ("col.share", PCT)),
          rows)


def about_sheet(wb: Workbook, data: InventoryInput, inv: Inventory, lang: str) -> None:
    """Who, which year, which regimes and editions, which versions, and how to recompute."""
    f = data.factory
    rows: list[list[CellValue]] = [
        [t("f.name", lang), f.name_zh if lang == "zh" else (f.name_en or f.name_zh)],
        [t("f.credit_code", lang), f.credit_code or None],
        [t("f.industry", lang), f.industry or None],
        [t("f.address", lang), f.address or None],
        [t("f.boundary", lang), (f.boundary_zh if lang == "zh" else (f.boundary_en or f.boundary_zh)) or None],
        [t("data_year", lang), inv.year],
        [t("base_year", lang), f.base_year],
    ]
    if f.synthetic:
        rows.append([t("synthetic_banner", lang), None])
    for regime in inv.regimes.values():
        name = str(regime.get("name_zh") if lang == "zh" else regime.get("name_en") or regime.get("name_zh"))
        rows.append([f"{t('rg.regime', lang)}: {name}", number_or_text(regime.get("edition"))])
    rows.append([t("wb.software", lang), f"zerocarbon {__version__}"])
    rows += [[label, value] for label, value in settings_rows(inv, lang)]
    sections = [len(rows)]
    rows.append([t("wb.howto", lang), None])
    rows += [[f"{i}.", t(f"wb.howto.{i}", lang)] for i in range(1, 6)]
    table(wb, "说明 About", (("wb.about.item", None), ("wb.about.value", GENERAL)), rows, sections=sections,
          wrap=(1,))


def warnings_sheet(wb: Workbook, data: InventoryInput, inv: Inventory, lang: str) -> None:
    """The inventory's warnings in ``lang``, one per cause."""
    rows: Sequence[list[CellValue]] = [[i, w] for i, w in enumerate(warnings(data, inv, lang), start=1)]
    table(wb, "警告 Warnings", (("wb.n", None), ("wb.warning", None)), rows, wrap=(1,))
