"""The PDF report: written in both languages, paged, its text extractable, Chinese in a font that has it.

The sample is cut to one month of each stream to keep the test fast; the printed page is the same
template as the full report (``tests/reports/test_html.py`` checks its content).
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from fontTools.ttLib import TTFont

from zerocarbon.accounting.inventory import compute_inventory
from zerocarbon.accounting.results import Inventory
from zerocarbon.model.inventory_input import InventoryInput
from zerocarbon.reports.content import fmt_t
from zerocarbon.reports.i18n import t
from zerocarbon.reports.pdf import cjk_font, pdf_filename, render_inventory_pdf

from .conftest import Demo

Small = tuple[InventoryInput, dict[int, Inventory]]
pytestmark = pytest.mark.slow  # WeasyPrint lays out some 25 pages per language: seconds, not milliseconds


@pytest.fixture(scope="module")
def small(demo: Demo) -> tuple[InventoryInput, dict[int, Inventory]]:
    keep = [ln for ln in demo.data.activity if ln.period in ("2023-01", "2023")]
    data = demo.data.model_copy(update={"activity": keep, "certificates": []})
    return data, {2023: compute_inventory(data, 2023, mc_draws=0)}


@pytest.fixture(scope="module")
def pdfs(small: tuple[InventoryInput, dict[int, Inventory]], tmp_path_factory: pytest.TempPathFactory
         ) -> dict[str, Path]:
    data, inventories = small
    out = tmp_path_factory.mktemp("pdf")
    return {lang: render_inventory_pdf(data, inventories, 2023, None, out, lang=lang) for lang in ("zh", "en")}


def _text(path: Path) -> tuple[int, str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf), "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_is_written_paged_and_holds_the_report(pdfs: dict[str, Path], small: Small, lang: str) -> None:
    data, inventories = small
    path = pdfs[lang]
    assert path.name == pdf_filename(lang) and path.read_bytes().startswith(b"%PDF")
    pages, text = _text(path)
    assert pages >= 5
    assert data.factory.name_zh in text  # the entity's own name, in both languages
    assert fmt_t(inventories[2023].totals.gbt32150_total) in text  # the headline total as printed
    assert t("pdf.page", lang).format(page=1, pages=pages) in text  # page numbers "1 of N"
    for key in ("sec.entity", "sec.monitoring", "sec.register", "sec.trace", "ent.seal"):
        assert t(key, lang) in text, key
    if lang == "en":
        assert t("sec.entity", "zh") not in text


def _fonts_of_chinese(path: Path) -> set[str]:
    """The names of the fonts pdfium finds under every Chinese character of the PDF."""
    import ctypes

    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(str(path))
    names: set[str] = set()
    try:
        for i in range(len(pdf)):
            textpage = pdf[i].get_textpage()
            for index in range(textpage.count_chars()):
                char = chr(raw.FPDFText_GetUnicode(textpage.raw, index))
                if not "\u3400" <= char <= "\u9fff":
                    continue
                flags = ctypes.c_int()
                size = raw.FPDFText_GetFontInfo(textpage.raw, index, None, 0, ctypes.byref(flags))
                buffer = ctypes.create_string_buffer(size)
                raw.FPDFText_GetFontInfo(textpage.raw, index, buffer, size, ctypes.byref(flags))
                names.add(buffer.value.decode("utf-8", "replace"))
    finally:
        pdf.close()
    return names


def test_zh_pdf_has_no_tofu(pdfs: dict[str, Path]) -> None:
    """Every Chinese character is drawn with the CJK font the PDF embeds, and that font has a glyph for each.

    A character drawn in a fallback font (fontconfig's choice, unknown to the stylesheet) would be named
    by its own family; one missing from the font would print as an empty box.
    """
    _, text = _text(pdfs["zh"])
    chinese = {c for c in text if "\u3400" <= c <= "\u9fff"}
    assert len(chinese) > 200
    cmap = TTFont(str(cjk_font().path), lazy=True).getBestCmap()
    assert not {c for c in chinese if ord(c) not in cmap}
    fonts = _fonts_of_chinese(pdfs["zh"])
    assert fonts and all("ZC-CJK" in name for name in fonts), fonts  # the print stylesheet's family, no fallback
