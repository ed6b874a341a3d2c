"""The XLSX workbook: the sheets, numbers as numbers, and the lines adding up to the GB/T 32150 total."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from openpyxl import load_workbook

from zerocarbon.reports import write_inventory_xlsx
from zerocarbon.reports.content import distinct_factors
from zerocarbon.reports.i18n import both, t
from zerocarbon.reports.workbook import SHEETS

from .conftest import Demo


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_workbook_sheets_and_lines_total(demo: Demo, tmp_path: Path, lang: str) -> None:
    path = write_inventory_xlsx(demo.data, demo.inventories, demo.year, demo.comparison,
                                tmp_path / "out" / f"inventory.{lang}.xlsx", lang=lang)
    wb = load_workbook(path)
    assert wb.sheetnames == list(SHEETS.values())
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert all(" / " in str(c.value) for c in ws[1]), ws.title
        assert ws.column_dimensions["A"].width and ws.column_dimensions["A"].width >= 8

    inv = demo.inventory
    ws = wb[SHEETS["lines"]]
    header = [c.value for c in ws[1]]
    col_e, col_bio, col_id = (header.index(both("view.gbt32150")), header.index(both("col.biomass")),
                              header.index(both("col.line")))
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[col_id] for r in rows] == [r.line.id for r in inv.lines]
    counted = [r[col_e] for r in rows if r[col_bio] == t("no", lang)]
    assert all(isinstance(v, int | float) and not isinstance(v, bool) for v in counted)  # 0.0 reads back as 0
    assert math.isclose(sum(counted), float(inv.totals.gbt32150_total), rel_tol=0, abs_tol=1e-6)
    assert ws.cell(row=2, column=col_e + 1).number_format == "#,##0.00"

    factors = wb[SHEETS["factors"]]
    listed = {row[0] for row in factors.iter_rows(min_row=2, values_only=True)}
    assert listed == {u.key for u in distinct_factors(inv)}

    # Excel keeps 15 significant digits, so cells agree with the Decimal to that precision
    summary = {row[0]: row[1] for row in wb[SHEETS["summary"]].iter_rows(min_row=2, values_only=True)}
    assert math.isclose(summary[t("total.gbt32150_total", lang)], inv.totals.gbt32150_total, rel_tol=1e-14)
    assert math.isclose(summary[t("total.scope2_market", lang)], inv.totals.scope2_market, rel_tol=1e-14)

    certs = list(wb[SHEETS["certificates"]].iter_rows(min_row=2, values_only=True))
    applied = [r for r in certs if r[0] == t("wb.applied", lang)]
    assert len(applied) == len(inv.certificates_applied)
    assert len([r for r in certs if r[0] == t("wb.excluded", lang)]) == len(inv.certificates_excluded)

    intensity = list(wb[SHEETS["intensity"]].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in intensity] == [i.product for i in inv.intensities]
    comparison = list(wb[SHEETS["comparison"]].iter_rows(min_row=2, values_only=True))
    assert any(r[1] == demo.year and math.isclose(r[4], inv.totals.gbt32150_total, rel_tol=1e-14)
               for r in comparison)
