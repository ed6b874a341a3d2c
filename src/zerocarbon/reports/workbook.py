"""The inventory as an Excel workbook a verifier can recompute: numbers as numbers, formulas that recompute.

Headers are bilingual ("中文 / English"); cell text (category names, reasons …) is in ``lang``. The
lines sheet computes each line's emissions with a formula of its activity data and the factors
sheet, beside the engine's value and a check column that is 0; the summary and boundary totals are
SUMIFS over the lines (:mod:`zerocarbon.reports.workbook_sheets`). Numbers are written as the float
of the engine's Decimal at full precision and shown with a number format; the Decimal figures
themselves stay in the JSON output. Sheets: about, summary, lines, factors, boundary, breakdowns,
certificates, uncertainty, intensity, comparison, regimes, drivers, warnings, energy and meters
(:mod:`zerocarbon.reports.workbook_metering`), then the efficiency diagnosis when given.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from zerocarbon.accounting.notices import prose
from zerocarbon.accounting.results import Inventory
from zerocarbon.model.inventory_input import InventoryInput
from zerocarbon.reports.content import (
    breakdowns,
    certificates_applied,
    comparison_rows,
    derivation_text,
    green_power_lines,
    part_name,
    select_inventory,
    totals_by_year,
)
from zerocarbon.reports.i18n import normalise_lang, t
from zerocarbon.reports.methods import (
    DRIVER_COLUMNS,
    driver_sections,
    instrument_sentences,
    regime_rows,
    treatment_differences,
)
from zerocarbon.reports.workbook_metering import energy_sheet, meters_sheet
from zerocarbon.reports.workbook_sheets import (
    about_sheet,
    boundary_sheet,
    factors_sheet,
    lines_sheet,
    summary_sheet,
    warnings_sheet,
)
from zerocarbon.reports.workbook_table import INTENSITY, MASS, PCT, CellValue, T, Typed, table
from zerocarbon.units import conversion_factor

SHEETS = {
    "about": "说明 About", "summary": "汇总 Summary", "lines": "活动数据 Lines", "factors": "排放因子 Factors",
    "boundary": "边界 Boundary", "breakdowns": "分类 Breakdowns", "certificates": "绿证 Certificates",
    "uncertainty": "不确定性 Uncertainty", "intensity": "强度 Intensity", "comparison": "年度比较 Comparison",
    "regimes": "核算口径 Regimes", "drivers": "变化原因 Drivers", "warnings": "警告 Warnings",
    "energy": "能源 Energy", "meters": "计量器具 Meters",
}
Cell = CellValue


def _f(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def _pct(value: Decimal | float | None) -> Typed | None:
    """A percentage given in percent (5.39) as the fraction Excel formats as 5.39 %."""
    return None if value is None else Typed(float(value) / 100, PCT)


def _breakdown_rows(data: InventoryInput, inv: Inventory, lang: str) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for dim, items in breakdowns(data, inv, lang).items():
        for r in items:
            rows.append([t(f"bd.{dim}", lang), r.key, r.name, r.tco2e, _pct(r.share_pct), r.mass_t])
    for dim in ("scope_location", "scope_market"):
        view = "location" if dim == "scope_location" else "market"
        for key, value in inv.breakdowns.get(dim, {}).items():
            rows.append([t(f"view.{view}", lang), key, key, _f(value), None, None])
    return rows


def _certificate_rows(inv: Inventory, lang: str) -> list[list[Cell]]:
    rows: list[list[Cell]] = [[t("wb.applied", lang), c["serial"], c["line"], c["mwh"], None]
                              for c in certificates_applied(inv, lang)]
    rows += [[t("wb.excluded", lang), c.serial, None, c.mwh, c.reason_zh if lang == "zh" else c.reason_en]
             for c in inv.certificates_excluded]
    rows += [[t("wb.green_power", lang), None, r.line.id, r.line.amount * conversion_factor(r.line.unit, "MWh"),
              r.line.evidence] for r in green_power_lines(inv)]
    return rows


def _uncertainty_rows(inv: Inventory, lang: str) -> list[list[Cell]]:
    rows: list[list[Cell]] = [
        [r.line.id, r.emissions("gbt32150"), _pct(r.uncertainty_pct),
         "; ".join(f"{part_name(p.name, lang)} ±{p.pct} % ({prose(p.basis, lang)})" for p in r.uncertainty_parts)]
        for r in inv.lines if not r.biomass
    ]
    u = inv.uncertainty
    total = _f(inv.totals.gbt32150_total)
    rows.append([None, None, None, None])
    if u is None:
        rows.append([t("unc.mc", lang), None, None, t("unc.not_run", lang)])
        return rows
    rows += [
        [t("unc.approach1", lang), total, _pct(u.approach1_pct), None],
        [t("unc.mc_mean", lang), u.mc_mean, None, None],
        [t("unc.mc_low", lang), u.mc_low, _pct(u.mc_low_pct), None],
        [t("unc.mc_high", lang), u.mc_high, _pct(u.mc_high_pct), None],
        [t("unc.mc_settings", lang), None, None, t("unc.draws_seed", lang).format(draws=u.mc_draws, seed=u.mc_seed)],
    ]
    return rows


def _comparison_rows(inventories: Mapping[int, Inventory], year: int, comparison: Mapping[str, Any] | None,
                     lang: str) -> list[list[Cell]]:
    rows: list[list[Cell]] = [[t("cmp.totals", lang), y, t(f"total.{k}", lang), None, _f(v), None, None]
                              for y, vals in totals_by_year(inventories) for k, v in vals.items()]
    for kind, items in comparison_rows(comparison, year).items():
        label = t(f"cmp.{kind}", lang).format(year=year, base=(comparison or {}).get("base_year"))
        rows += [[label, year, t(f"total.{c['key']}", lang), c["from"], c["to"], c["delta"], _pct(c["pct"])]
                 for c in items]
    return rows


def _regime_rows(inv: Inventory, lang: str) -> list[list[Cell]]:
    """Each regime's totals side by side, its documents and rules, then what each view treats differently."""
    rows: list[list[Cell]] = []
    for r in regime_rows(inv, lang):
        rows += [[r["name"], r["edition"], f["label"], _f(f["value"]), _f(f["diff"]), None]
                 for f in r["figures"]]
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
    metering: Mapping[str, Any] | None = None,
) -> Path:
    """Write the inventory of ``year`` as an XLSX workbook at ``path``.

    ``efficiency`` (optional, ``Diagnosis.to_dict()``) appends the diagnosis sheets of
    ``reports/efficiency.py``; ``metering`` (optional, shaped like ``metering.json``) fills the energy
    sheet (comprehensive energy by carrier and month) and the meter register.

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
    efficiency : mapping, optional
        The energy-saving diagnosis (``Diagnosis.to_dict()``).
    metering : mapping, optional
        The metering findings: ``energy``, ``reconciliation``, ``gaps`` and the register ``meters``.

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
    s = SHEETS
    about_sheet(wb, data, inv, code)
    factor_cells = factors_sheet(wb, inv, code)
    lines = lines_sheet(wb, data, inv, factor_cells, code)
    summary_sheet(wb, inv, lines, code)
    for i, key in enumerate(("about", "summary", "lines", "factors")):  # tab order: what a verifier opens first
        wb.move_sheet(s[key], i - wb.index(wb[s[key]]))
    boundary_sheet(wb, data, inv, lines, code)
    table(wb, s["breakdowns"], (("col.dimension", None), ("col.key", None), ("col.name", None), ("col.tco2e", T),
                                ("col.share", PCT), ("col.gas_mass", MASS)), _breakdown_rows(data, inv, code))
    table(wb, s["certificates"], (("col.kind", None), ("col.serial", None), ("col.line", None),
                                  ("col.mwh", None), ("col.reason", None)), _certificate_rows(inv, code))
    table(wb, s["uncertainty"], (("col.line", None), ("col.tco2e", T), ("col.uncertainty", PCT),
                                 ("unc.parts", None)), _uncertainty_rows(inv, code))
    table(wb, s["intensity"], (("col.product", None), ("col.name", None), ("col.output", None), ("col.unit", None),
                               ("col.tco2e", T), ("col.intensity", INTENSITY), ("col.derivation", None)),
          [[i.product, i.name_zh if code == "zh" else (i.name_en or i.name_zh), i.output, i.unit, i.emissions,
            i.intensity, derivation_text(i.derivation, code)] for i in inv.intensities])
    table(wb, s["comparison"], (("col.kind", None), ("col.year", None), ("col.indicator", None), ("cmp.from", T),
                                ("cmp.to", T), ("cmp.delta", T), ("cmp.pct", PCT)),
          _comparison_rows(inventories, year, comparison, code))
    if inv.regimes:
        table(wb, s["regimes"], (("rg.regime", None), ("rg.edition", None), ("rg.figure", None), ("col.tco2e", T),
                                 ("rg.diff", T), ("rg.treatment", None)), _regime_rows(inv, code), wrap=(5,))
    drivers = _driver_rows(data, comparison, year, code)
    if drivers:
        table(wb, s["drivers"], (("col.year", None), ("col.indicator", None), ("drv.stream", None),
                                 ("drv.delta", T), *((f"drv.{k}", T) for k in DRIVER_COLUMNS), ("drv.residual", T),
                                 ("note", None)), drivers, wrap=(len(DRIVER_COLUMNS) + 5,))
    warnings_sheet(wb, data, inv, code)
    energy_sheet(wb, metering, code)
    meters_sheet(wb, inv, metering, code)
    if efficiency:
        from zerocarbon.reports.efficiency import add_efficiency_sheets

        add_efficiency_sheets(wb, efficiency, code)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
