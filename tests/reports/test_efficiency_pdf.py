"""The energy-saving diagnosis as PDF (zh-CN, en): paged, one language each, the figures of the diagnosis in it.

The sample factory's diagnosis (register ``demo/sample_equipment.yaml`` with the sample activity file) is
printed; the text of the PDF (read back with pypdfium2) must hold the summary's figures as the HTML section
formats them, every device code, the section titles, and no script or plotly chart.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from zerocarbon.demo.generator import SAMPLE_FILE
from zerocarbon.reports.efficiency import L, fmt, pct
from zerocarbon.reports.efficiency_pdf import efficiency_print_page, pdf_filename, render_efficiency_pdf
from zerocarbon.reports.i18n import t
from zerocarbon.services.demo.main import SAMPLE_EQUIPMENT
from zerocarbon.services.efficiency.runs import diagnose_files


@pytest.fixture(scope="module")
def diagnosis() -> dict[str, Any]:
    return diagnose_files(SAMPLE_EQUIPMENT, SAMPLE_FILE).to_dict()


def _pdf_text(path: Path) -> tuple[int, str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf), "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_printed_page_runs_no_script_and_opens_the_folds(diagnosis: dict[str, Any], lang: str) -> None:
    html = efficiency_print_page(diagnosis, lang)
    assert "<script" not in html and "plotly" not in html.lower()
    assert "<details>" not in html and "<svg" in html
    other = 1 if lang == "zh" else 0
    assert L["equipment"][other] not in html and L["equipment"][1 - other] in html


@pytest.mark.slow  # WeasyPrint with the CJK font: several seconds per PDF
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_is_paged_and_holds_the_figures(diagnosis: dict[str, Any], lang: str, tmp_path: Path) -> None:
    path = render_efficiency_pdf(diagnosis, tmp_path, lang)
    assert path.name == pdf_filename(lang) == f"efficiency_report.{'zh-CN' if lang == 'zh' else 'en'}.pdf"
    pages, text = _pdf_text(path)
    assert pages >= 2
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", t("pdf.page", lang).format(page=1, pages=pages)) in flat
    s = diagnosis["summary"]
    for figure in (pct(s["share_grade_2_or_better"]), pct(s["share_grade_1"]), fmt(s["kwh_per_year"]),
                   fmt(s["money_per_year"]), fmt(s["tco2_per_year"], 3)):
        assert re.sub(r"\s+", "", figure) in flat, figure
    for device in diagnosis["devices"]:
        assert device["code"] in flat
    i = 0 if lang == "zh" else 1
    for key in ("summary", "balance", "equipment", "measures", "factors"):
        assert re.sub(r"\s+", "", L[key][i]) in flat, key
