"""The inventory as an Excel workbook: one sheet per part of the GB/T 32150 report, numbers as numbers.

Headers are bilingual ("中文 / English"); cell text (category names, reasons …) is in ``lang``.
Emissions are written as the float of the engine's Decimal, at full precision, and shown with a
2-decimal number format; the Decimal figures themselves stay in the JSON output.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from zerocarbon.accounting.results import VIEWS, Inventory
from zerocarbon.model.inventory_input import InventoryInput
from zerocarbon.reports.content import (
    TOTALS,
    breakdowns,
    category_name,
    certificates_applied,
    comparison_rows,
    distinct_factors,
    facility_names,
    green_power_lines,
    item_name,
    line_emissions,
    line_factor_keys,
    quality_name,
    select_inventory,
    settings_rows,
    totals_by_year,
)
from zerocarbon.reports.i18n import both, normalise_lang, t
from zerocarbon.reports.methods import (
    DRIVER_COLUMNS,
    driver_sections,
    instrument_sentences,
    regime_rows,
    treatment_differences,
)
from zerocarbon.units import conversion_factor

SHEETS = {
    "summary": "汇总 Summary", "breakdowns": "分类 Breakdowns", "lines": "活动数据与排放 Lines",
    "factors": "因子 Factors", "certificates": "绿证 Certificates", "uncertainty": "不确定性 Uncertainty",
    "intensity": "强度 Intensity", "comparison": "年度比较 Comparison", "regimes": "核算口径 Regimes",
    "drivers": "变化原因 Drivers",
}
T = "#,##0.00"          # tCO2e
PCT = "0.00"            # percent, written as a number of percent (5.39 means 5.39 %)
MASS = "#,##0.000"      # gas mass [t]
INTENSITY = "#,##0.0000"
GENERAL = "General"     # amounts and factor values as stated
HEADER_FILL = PatternFill("solid", fgColor="DCEBE5")
FLAG_FILL = PatternFill("solid", fgColor="FBD5D1")
Col = tuple[str, str | None]  # (catalogue key of the header, number format)
Cell = str | int | float | None


def _f(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def _width(value: object) -> int:
    text = str(value) if value is not None else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet(wb: Workbook, key: str, cols: Sequence[Col], rows: Iterable[Sequence[Cell]],
           flagged: Iterable[int] = ()) -> Worksheet:
    """A sheet with a bilingual, frozen, filterable header row and one typed column per ``cols``."""
    ws: Worksheet = wb.create_sheet(SHEETS[key])
    headers = [both(k) for k, _ in cols]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [min(max(_width(h) // 2 + 2, 10), 40) for h in headers]
    count = 0
    for values in rows:
        ws.append(list(values))
        count += 1
        for i, (cell, (_, fmt)) in enumerate(zip(ws[ws.max_row], cols, strict=True)):
            # floats carry the column's format; whole numbers here are years, shown without separators
            if isinstance(cell.value, float) and fmt:
                cell.number_format = fmt
            elif isinstance(cell.value, int):
                cell.number_format = "0"
            widths[i] = min(max(widths[i], _width(cell.value) + 2), 60)
    for row in flagged:
        for cell in ws[row + 2]:
            cell.fill = FLAG_FILL
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"
    if count:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{count + 1}"
    return ws


def _summary(data: InventoryInput, inv: Inventory, lang: str) -> list[list[Cell]]:
    f = data.factory
    rows: list[list[Cell]] = [
        [t("f.name", lang), f.name_zh if lang == "zh" else (f.name_en or f.name_zh), None, None],
        [t("f.credit_code", lang), f.credit_code, None, None],
        [t("f.industry", lang), f.industry, None, None],
        [t("f.address", lang), f.address, None, None],
        [t("f.boundary", lang), f.boundary_zh if lang == "zh" else (f.boundary_en or f.boundary_zh), None, None],
        [t("data_year", lang), inv.year, None, None],
        [t("base_year", lang), f.base_year, None, None],
    ]
    if f.synthetic:
        rows.append([t("synthetic_banner", lang), None, None, None])
    for key, view in TOTALS:
        rows.append([t(f"total.{key}", lang), _f(getattr(inv.totals, key)), "tCO2e", t(f"view.{view}", lang)])
    rows += [[label, value, None, t("settings", lang)] for label, value in settings_rows(inv, lang)]
    return rows


def _breakdown_rows(data: InventoryInput, inv: Inventory, lang: str) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for dim, items in breakdowns(data, inv, lang).items():
        for r in items:
            rows.append([t(f"bd.{dim}", lang), r.key, r.name, _f(r.tco2e), _f(r.share_pct), _f(r.mass_t)])
    for dim in ("scope_location", "scope_market"):
        view = "location" if dim == "scope_location" else "market"
        for key, value in inv.breakdowns.get(dim, {}).items():
            rows.append([t(f"view.{view}", lang), key, key, _f(value), None, None])
    return rows


def _line_rows(data: InventoryInput, inv: Inventory, lang: str) -> list[list[Cell]]:
    fac = facility_names(data, lang)
    rows: list[list[Cell]] = []
    for r in inv.lines:
        ln = r.line
        fig = r.figures.get("gbt32150")
        rows.append([
            ln.id, ln.facility, fac.get(ln.facility, ln.facility), category_name(r.category, lang), item_name(r, lang),
            ln.period, _f(ln.amount), ln.unit, ln.source, quality_name(ln.data_quality, lang), r.gas,
            _f(r.gas_mass_t), r.scope, t("yes" if r.biomass else "no", lang),
            *(_f(line_emissions(r, view)) for view in VIEWS),
            None if r.biomass else _f(r.uncertainty_pct), fig.formula if fig else None,
            "; ".join(line_factor_keys(r)),
        ])
    return rows


LINE_COLS: tuple[Col, ...] = (
    ("col.line", None), ("col.facility_id", None), ("col.facility", None), ("col.category", None),
    ("col.item", None), ("col.period", None), ("col.amount", GENERAL), ("col.unit", None), ("col.source", None),
    ("col.quality", None), ("col.gas", None), ("col.gas_mass", MASS), ("col.scope", None), ("col.biomass", None),
    ("view.gbt32150", T), ("view.location", T), ("view.market", T), ("col.uncertainty", PCT),
    ("col.formula", None), ("col.factor_ids", None),
)
FACTOR_COLS: tuple[Col, ...] = (
    ("col.factor_id", None), ("col.item", None), ("col.param", None), ("col.value", GENERAL), ("col.unit", None),
    ("col.origin", None), ("col.source_document", None), ("col.edition", None), ("col.clause", None),
    ("col.data_year", None), ("col.region", None), ("col.status", None), ("col.fallback", None),
    ("col.evidence", None), ("col.views", None), ("col.lines", None), ("col.note", None),
)


def _factor_rows(inv: Inventory, lang: str) -> tuple[list[list[Cell]], list[int]]:
    rows: list[list[Cell]] = []
    flagged: list[int] = []
    for i, use in enumerate(distinct_factors(inv)):
        tr = use.trace
        value = tr.get("value")
        rows.append([
            use.key, tr.get("item"), tr.get("parameter"), float(Decimal(value)) if value else None, tr.get("unit"),
            tr.get("origin"), tr.get("source_document"), tr.get("edition"), tr.get("clause"), tr.get("data_year"),
            tr.get("region"), t(f"status.{tr.get('status')}", lang), "; ".join(use.fallbacks) or None,
            tr.get("evidence"), ", ".join(t(f"view.{v}", lang) for v in use.views), ", ".join(use.lines),
            tr.get("note"),
        ])
        if use.flagged:
            flagged.append(i)
    return rows, flagged


def _certificate_rows(inv: Inventory, lang: str) -> list[list[Cell]]:
    rows: list[list[Cell]] = [[t("wb.applied", lang), c["serial"], c["line"], _f(c["mwh"]), None]
                              for c in certificates_applied(inv)]
    rows += [[t("wb.excluded", lang), c.serial, None, _f(c.mwh), c.reason_zh if lang == "zh" else c.reason_en]
             for c in inv.certificates_excluded]
    rows += [[t("wb.green_power", lang), None, r.line.id, _f(r.line.amount * conversion_factor(r.line.unit, "MWh")),
              r.line.evidence] for r in green_power_lines(inv)]
    return rows


def _uncertainty_rows(inv: Inventory, lang: str) -> list[list[Cell]]:
    rows: list[list[Cell]] = [
        [r.line.id, _f(r.emissions("gbt32150")), _f(r.uncertainty_pct),
         "; ".join(f"{p.name} ±{p.pct} % ({p.basis})" for p in r.uncertainty_parts)]
        for r in inv.lines if not r.biomass
    ]
    u = inv.uncertainty
    total = _f(inv.totals.gbt32150_total)
    rows.append([None, None, None, None])
    if u is None:
        rows.append([t("unc.mc", lang), None, None, t("unc.not_run", lang)])
        return rows
    rows += [
        [t("unc.approach1", lang), total, _f(u.approach1_pct), None],
        [t("unc.mc_mean", lang), u.mc_mean, None, None],
        [t("unc.mc_low", lang), u.mc_low, u.mc_low_pct, None],
        [t("unc.mc_high", lang), u.mc_high, u.mc_high_pct, None],
        [t("unc.mc_settings", lang), None, None, t("unc.draws_seed", lang).format(draws=u.mc_draws, seed=u.mc_seed)],
    ]
    return rows


def _comparison_rows(inventories: Mapping[int, Inventory], year: int, comparison: Mapping[str, Any] | None,
                     lang: str) -> list[list[Cell]]:
    rows: list[list[Cell]] = [[t("cmp.totals", lang), y, t(f"total.{k}", lang), None, _f(v), None, None]
                              for y, vals in totals_by_year(inventories) for k, v in vals.items()]
    for kind, items in comparison_rows(comparison, year).items():
        label = t(f"cmp.{kind}", lang).format(year=year, base=(comparison or {}).get("base_year"))
        rows += [[label, year, t(f"total.{c['key']}", lang), _f(c["from"]), _f(c["to"]), _f(c["delta"]), _f(c["pct"])]
                 for c in items]
    return rows


def _regime_rows(inv: Inventory, lang: str) -> list[list[Cell]]:
    """Each regime's totals side by side, its documents and rules, then what each view treats differently."""
    rows: list[list[Cell]] = []
    for r in regime_rows(inv, lang):
        rows += [[r["name"], r["edition"], f["label"], _f(f["value"]), _f(f["diff"]), None] for f in r["figures"]]
    for r in regime_rows(inv, lang):
        rows += [[r["name"], r["edition"], t("rg.documents", lang), None, None,
                  f"{d['text']} [{d['status']}] {d['url'] or ''} {d['note']}".strip()] for d in r["documents"]]
        rows += [[r["name"], r["edition"], f"{t('rg.rules', lang)}: {rule['key']}", None, None,
                  f"{rule['value']} {('(' + rule['clause'] + ')') if rule['clause'] else ''} [{rule['status']}] "
                  f"{rule['note']}".strip()] for rule in r["rules"]]
    rows += [[t("rg.instruments", lang), None, None, None, None, s] for s in instrument_sentences(inv, lang)]
    rows += [[g["view"], None, f"{g['name']} ({len(g['lines'])})", _f(g["value"]), _f(g["diff"]),
              " | ".join(g["notes"])] for g in treatment_differences(inv, lang)]
    return rows


def _driver_rows(data: InventoryInput, comparison: Mapping[str, Any] | None, year: int,
                 lang: str) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for sec in driver_sections(comparison, year, data, lang):
        for r in sec["rows"]:
            rows.append([sec["from_year"], r["name"], None, _f(r["delta"]),
                         *(_f(r[k]) for k in DRIVER_COLUMNS), _f(r["residual"]), r["sentence"]])
            rows += [[sec["from_year"], r["name"], s["name"], _f(s["delta"]), *(_f(s[k]) for k in DRIVER_COLUMNS),
                      None, s["status"] or None] for s in r["streams"]]
    return rows


def write_inventory_xlsx(
    data: InventoryInput,
    inventories: dict[int, Inventory],
    year: int,
    comparison: dict[str, Any] | None,
    path: Path,
    lang: str = "zh",
    efficiency: Mapping[str, Any] | None = None,
) -> Path:
    """Write the inventory of ``year`` as an XLSX workbook at ``path``.

    ``efficiency`` (optional, ``Diagnosis.to_dict()``) appends the diagnosis sheets of
    ``reports/efficiency.py``.

    Parameters
    ----------
    data : InventoryInput
        The factory's input.
    inventories : dict
        Data year → computed inventory; must contain ``year``.
    year : int
        Data year reported [calendar year].
    comparison : dict, optional
        Output of :func:`zerocarbon.accounting.inventory.compare_years`.
    path : Path
        File to write (parent folders are created).
    lang : str
        Language of cell text: ``"zh"`` (default) or ``"en"``; headers are always bilingual.

    Returns
    -------
    Path
        ``path``.
    """
    code = normalise_lang(lang)
    inv = select_inventory(inventories, year)
    wb = Workbook()
    if wb.active is not None:
        wb.remove(wb.active)
    _sheet(wb, "summary", (("col.item_label", None), ("col.value", T), ("col.unit", None), ("col.view", None)),
           _summary(data, inv, code))
    _sheet(wb, "breakdowns", (("col.dimension", None), ("col.key", None), ("col.name", None), ("col.tco2e", T),
                              ("col.share", PCT), ("col.gas_mass", MASS)), _breakdown_rows(data, inv, code))
    _sheet(wb, "lines", LINE_COLS, _line_rows(data, inv, code))
    factor_rows, flagged = _factor_rows(inv, code)
    _sheet(wb, "factors", FACTOR_COLS, factor_rows, flagged)
    _sheet(wb, "certificates", (("col.kind", None), ("col.serial", None), ("col.line", None), ("col.mwh", GENERAL),
                                ("col.reason", None)), _certificate_rows(inv, code))
    _sheet(wb, "uncertainty", (("col.line", None), ("col.tco2e", T), ("col.uncertainty", PCT), ("unc.parts", None)),
           _uncertainty_rows(inv, code))
    _sheet(wb, "intensity", (("col.product", None), ("col.name", None), ("col.output", GENERAL), ("col.unit", None),
                             ("col.tco2e", T), ("col.intensity", INTENSITY), ("col.derivation", None)),
           [[i.product, i.name_zh if code == "zh" else (i.name_en or i.name_zh), _f(i.output), i.unit,
             _f(i.emissions), _f(i.intensity), i.derivation] for i in inv.intensities])
    _sheet(wb, "comparison", (("col.kind", None), ("col.year", None), ("col.indicator", None), ("cmp.from", T),
                              ("cmp.to", T), ("cmp.delta", T), ("cmp.pct", PCT)),
           _comparison_rows(inventories, year, comparison, code))
    if inv.regimes:
        _sheet(wb, "regimes", (("rg.regime", None), ("rg.edition", None), ("rg.figure", None), ("col.tco2e", T),
                               ("rg.diff", T), ("rg.treatment", None)), _regime_rows(inv, code))
    drivers = _driver_rows(data, comparison, year, code)
    if drivers:
        _sheet(wb, "drivers", (("col.year", None), ("col.indicator", None), ("drv.stream", None), ("drv.delta", T),
                               *((f"drv.{k}", T) for k in DRIVER_COLUMNS), ("drv.residual", T), ("note", None)),
               drivers)
    if efficiency:
        from zerocarbon.reports.efficiency import add_efficiency_sheets

        add_efficiency_sheets(wb, efficiency, code)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
