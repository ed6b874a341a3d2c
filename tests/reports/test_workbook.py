"""The XLSX workbook: its sheets, numbers as numbers, and formulas that recompute the engine's figures.

The recomputation is checked with an independent evaluator of Excel formulas (the ``formulas``
package), never with our own code: every check column evaluates to 0 and the SUMIFS totals equal
the engine's totals (sample factory, GB/T 32150 view: 22,763.82 tCO2e, as in ``out/inventory.json``).
"""

from __future__ import annotations

import math
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from zerocarbon.reports import write_inventory_xlsx
from zerocarbon.reports.content import distinct_factors
from zerocarbon.reports.i18n import both, t
from zerocarbon.reports.workbook import SHEETS
from zerocarbon.reports.workbook_formulas import FactorCells, calc
from zerocarbon.reports.workbook_sheets import LINE_COLS
from zerocarbon.reports.workbook_table import Formula, table

from .conftest import Demo

COLS = {key: i for i, (key, _) in enumerate(LINE_COLS)}
METERING: dict[str, Any] = {
    "reconciliation": [{"meter": "EL-L1", "period": "2023-01", "unit": "MWh", "declared": "1406.6",
                        "metered": "1406.600", "rel_diff": 0.0, "ok": True}],
    "gaps": [{"meter": "NG-UT", "count": 8}],
    "energy": {"total_tce": "30.5", "by_item": {"diesel": "10.25", "electricity": "20.25"},
               "by_item_period": [{"item": "diesel", "period": "2023-01", "tce": "4"},
                                  {"item": "diesel", "period": "2023", "tce": "6.25"},
                                  {"item": "electricity", "period": "2023-01", "tce": "9.125"},
                                  {"item": "electricity", "period": "2023-02", "tce": "11.125"}]},
    "meters": [{"code": "EL-L1", "name": "EL-L1", "node": "L1", "carrier": "electricity", "unit": "kWh",
                "model": "DTSD1352", "accuracy_class": "0.5S", "calibrated_on": "2023-03-01",
                "calibration_due": "2025-03-01"}],
}


def _write(demo: Demo, path: Path, lang: str = "zh") -> Path:
    return write_inventory_xlsx(demo.data, demo.inventories, demo.year, demo.comparison, path, lang=lang,
                                metering=METERING)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_workbook_sheets_and_numbers(demo: Demo, tmp_path: Path, lang: str) -> None:
    wb = load_workbook(_write(demo, tmp_path / "out" / f"inventory.{lang}.xlsx", lang))
    assert set(SHEETS.values()) <= set(wb.sheetnames)
    assert wb.sheetnames[:4] == [SHEETS["about"], SHEETS["summary"], SHEETS["lines"], SHEETS["factors"]]
    for ws in wb.worksheets:
        assert ws.freeze_panes in ("A2", "B2"), ws.title
        assert ws.auto_filter.ref, ws.title
        headers = [str(c.value) for c in ws[1]]
        assert all(" / " in h for h in headers if not h[:4].isdigit()), ws.title
        for i, h in enumerate(headers, start=1):  # wide enough for the header's longer half
            width = ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width
            assert width and width >= 10, (ws.title, h)

    inv = demo.inventory
    lines = wb[SHEETS["lines"]]
    rows = list(lines.iter_rows(min_row=2))
    assert [r.line.id for r in inv.lines] == list(dict.fromkeys(row[COLS["col.line"]].value for row in rows))
    for row in rows:
        scope, amount = row[COLS["col.scope"]].value, row[COLS["col.amount"]]
        assert scope is None or type(scope) is int
        assert isinstance(amount.value, int | float) and not isinstance(amount.value, bool)
        assert str(row[COLS["wb.e_formula"]].value).startswith("="), row[0].value  # every sample line recomputes
        assert row[COLS["wb.e_formula"]].number_format == "#,##0.00"
    diesel = next(row for row in rows if row[0].value == "DSL-FL-01")
    assert diesel[COLS["col.amount"]].value == 3.731 and diesel[COLS["col.amount"]].number_format == "#,##0.000"

    factors = wb[SHEETS["factors"]]
    header = [c.value for c in factors[1]]
    listed = list(factors.iter_rows(min_row=2, values_only=True))
    assert {row[0] for row in listed} == {u.key for u in distinct_factors(inv)}
    edition, url = header.index(both("col.edition")), header.index(both("wb.url"))
    assert any(type(row[edition]) is int for row in listed)  # "2024" is a number, not text
    assert any(str(row[url] or "").startswith("http") for row in listed)

    summary = {row[0]: row[2:4] for row in wb[SHEETS["summary"]].iter_rows(min_row=2, values_only=True)}
    formula, engine = summary[t("total.gbt32150_total", lang)]
    assert str(formula).startswith("=SUMIFS(") and math.isclose(engine, inv.totals.gbt32150_total, rel_tol=1e-14)

    about = [row[1] for row in wb[SHEETS["about"]].iter_rows(min_row=2, values_only=True)]
    assert demo.year in about and t("wb.howto.2", lang) in about
    meters = list(wb[SHEETS["meters"]].iter_rows(min_row=2, values_only=True))
    assert meters[0][:2] == ("EL-L1", "EL-L1") and "0.5S" in meters[0] and "2025-03-01" in meters[0]
    warnings = wb[SHEETS["warnings"]]
    assert warnings.max_row >= 2 and type(warnings.cell(row=2, column=1).value) is int


def _evaluate(path: Path) -> dict[tuple[str, str], Any]:
    """Every formula of the workbook computed by the ``formulas`` package: (SHEET, cell) → value."""
    formulas = pytest.importorskip("formulas", reason="the test dependency 'formulas' evaluates Excel formulas")
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    out: dict[tuple[str, str], Any] = {}
    for key, value in solution.items():
        if "!" not in key or ":" in key:
            continue
        sheet, cell = key.rsplit("!", 1)
        raw = value.value[0][0] if hasattr(value, "value") else value
        out[(sheet.split("]", 1)[1].rstrip("'"), cell)] = raw
    return out


@pytest.mark.slow  # ~10 s on an idle machine: the evaluator parses every formula (about 1,500)
def test_formulas_recompute_the_engine(demo: Demo, tmp_path: Path) -> None:
    """Checks are 0 on every sheet and the SUMIFS totals are the engine's: 22,763.82 tCO2e for the sample
    (GB/T 32150 view, ``out/inventory.json`` of the main job)."""
    path = _write(demo, tmp_path / "inventory.xlsx")
    values = _evaluate(path)
    wb = load_workbook(path)
    checked = 0
    for title in (SHEETS["lines"], SHEETS["summary"], SHEETS["boundary"], SHEETS["energy"]):
        ws = wb[title]
        header = [c.value for c in ws[1]]
        col = ws.cell(row=1, column=header.index(both("wb.check")) + 1).column_letter
        for row in range(2, ws.max_row + 1):
            if str(ws[f"{col}{row}"].value or "").startswith("="):
                assert values[(title.upper(), f"{col}{row}")] == 0, (title, row)
                checked += 1
    assert checked > 400

    inv = demo.inventory
    summary = wb[SHEETS["summary"]]
    totals = {row[0].value: row[2].coordinate for row in summary.iter_rows(min_row=2)}
    total = values[(SHEETS["summary"].upper(), totals[t("total.gbt32150_total")])]
    assert round(total, 2) == 22763.82
    for key in ("gbt32150_total", "scope1", "scope2_location", "scope2_market", "exported_electricity"):
        got = values[(SHEETS["summary"].upper(), totals[t(f"total.{key}")])]
        assert math.isclose(got, getattr(inv.totals, key), rel_tol=0, abs_tol=1e-6), key
    energy = wb[SHEETS["energy"]]
    last = energy.max_row
    assert values[(SHEETS["energy"].upper(), f"{energy.cell(row=last, column=5).column_letter}{last}")] == 30.5


def test_a_formula_that_would_not_give_the_engines_figure_is_not_written(demo: Demo) -> None:
    """A figure whose product differs from its number gets the engine's value and a note, never a wrong formula."""
    result = next(r for r in demo.inventory.lines if r.line.id == "DSL-FL-01")
    fig = result.figures["gbt32150"]
    cols = {"amount": "J", "conv": "L", "ad": "M", "gec": "O"}
    cells = FactorCells("F", "D", {}, {})
    assert calc(result, "gbt32150", 2, cols, cells).emissions is not None
    broken = replace(result, figures={"gbt32150": replace(fig, emissions=fig.emissions + Decimal("0.01"))})
    out = calc(broken, "gbt32150", 2, cols, cells)
    assert out.emissions is None and out.notes == ["wbn.mismatch"]
    unknown = replace(result, figures={"gbt32150": replace(fig, formula="E = something else")})
    assert calc(unknown, "gbt32150", 2, cols, cells).notes == ["wbn.not_formula"]


def test_text_starting_with_equals_stays_text(tmp_path: Path) -> None:
    wb = Workbook()
    table(wb, "x", (("col.note", None), ("col.value", None)), [["=1+1", Formula("=1+1")]])
    wb.save(tmp_path / "x.xlsx")
    ws = load_workbook(tmp_path / "x.xlsx")["x"]
    assert ws["A2"].data_type == "s" and ws["B2"].data_type == "f"
