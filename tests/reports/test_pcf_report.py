"""The PCF study report as PDF (GB/T 24067-2024 report content) and the EU battery declaration page and PDF.

One language per page: no English message of the report on the Chinese page and no Chinese message on
the English one (labels; the study's own data, such as bilingual source notes, may hold either). The
PDFs are paged, their text holds the figures as the page prints them, and the declaration fits one page.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from fontTools.ttLib import TTFont

from zerocarbon.footprint.eu_battery import EU_CATEGORIES, EU_UNKNOWN
from zerocarbon.reports.battery_declaration import declaration_page, render_declaration
from zerocarbon.reports.footprint import footprint_page, num, render_footprint_pdf
from zerocarbon.reports.i18n import t
from zerocarbon.reports.messages_battery import BATTERY_MESSAGES
from zerocarbon.reports.messages_footprint import FOOTPRINT_MESSAGES
from zerocarbon.reports.pdf import cjk_font
from zerocarbon.services.footprint import run_study
from zerocarbon.services.footprint.eu_battery import eu_declarations

STUDY = Path(__file__).resolve().parents[2] / "src" / "zerocarbon" / "demo" / "sample_footprint.yaml"


@pytest.fixture(scope="module")
def study() -> tuple[dict[str, Any], dict[str, Any]]:
    """The sample study's result and the EU declaration of its EV pack, as plain data."""
    result = run_study(STUDY, iterations=20)
    return result.to_dict(), eu_declarations(result)["EVP"].form()


def _text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _labels(messages: dict[str, dict[str, str]], lang: str) -> set[str]:
    """Each message in ``lang`` that is not also the other language's (units and codes), without placeholders."""
    other = "en" if lang == "zh" else "zh"
    out: set[str] = set()
    for m in messages.values():
        if m[lang] != m[other]:
            out.update(part.strip() for part in re.split(r"\{[a-z_]+\}", m[lang]) if len(part.strip()) >= 5)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_printed_pcf_page_is_one_language(study: tuple[dict[str, Any], dict[str, Any]], lang: str) -> None:
    result, _ = study
    html = footprint_page(result, lang, printed=True)
    assert "<script" not in html and "<svg" in html  # no plotly in print: static SVG hot-spot charts
    text = _text(html)
    other = "en" if lang == "zh" else "zh"
    data = json.dumps(result, ensure_ascii=False)  # the study's own texts may hold either language
    leaked = {label for label in _labels(FOOTPRINT_MESSAGES, other) if label in text and label not in data}
    assert not leaked, leaked
    for key in ("fp.pact_id", "fp.std_used", "fp.gwp", "fp.sec.hotspots", "fp.sec.uncertainty", "fp.declared_unit"):
        assert FOOTPRINT_MESSAGES[key][lang] in text, key
    for p in result["products"]:
        assert p["pact_id"] in text and num(p["kgco2e_per_unit"]) in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_declaration_page_is_one_language(study: tuple[dict[str, Any], dict[str, Any]], lang: str) -> None:
    result, form = study
    product = result["products"][0]
    text = _text(declaration_page(form, product[f"name_{lang}"], lang))
    other = "en" if lang == "zh" else "zh"
    data = json.dumps([result, form], ensure_ascii=False)
    leaked = {label for label in _labels(BATTERY_MESSAGES, other) if label in text and label not in data}
    assert not leaked, leaked
    for key in ("eu.a", "eu.b", "eu.c", "eu.d", "eu.f", "eu.g", "eu.class_text", "eu.methodology_text"):
        assert BATTERY_MESSAGES[key][lang] in text, key
    assert BATTERY_MESSAGES["eu.incomplete"][lang].split("{")[0] in text  # (f), (g) not given yet
    assert num(form["d_carbon_footprint_kgCO2e_per_kWh"], 4) in text and "27,360" in text
    assert "https://eur-lex.europa.eu/eli/reg/2023/1542/oj" in text


def test_declaration_messages_cover_the_core() -> None:
    assert all(f"eu.unknown.{i}" in BATTERY_MESSAGES for i in range(len(EU_UNKNOWN)))
    assert f"eu.unknown.{len(EU_UNKNOWN)}" not in BATTERY_MESSAGES
    assert all(f"eu.cat.{c}" in BATTERY_MESSAGES for c in EU_CATEGORIES)


def _pdf_text(path: Path) -> tuple[int, str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf), "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


@pytest.fixture(scope="module")
def pdfs(study: tuple[dict[str, Any], dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
         ) -> dict[str, Path]:
    result, form = study
    out = tmp_path_factory.mktemp("pcf")
    name = result["products"][0]
    files = {f"pcf.{lang}": render_footprint_pdf(result, out, lang) for lang in ("zh", "en")}
    for lang in ("zh", "en"):
        written = render_declaration(form, "EVP", name[f"name_{lang}"], out, lang)
        files[f"eu.{lang}"] = next(p for p in written if p.suffix == ".pdf")
    return files


@pytest.mark.slow  # WeasyPrint with the CJK font: several seconds per PDF
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdfs_are_paged_and_hold_the_figures(pdfs: dict[str, Path], study: tuple[dict[str, Any], dict[str, Any]],
                                             lang: str) -> None:
    result, form = study
    pages, text = _pdf_text(pdfs[f"pcf.{lang}"])
    assert pdfs[f"pcf.{lang}"].name.startswith("footprint_report.") and pages >= 3
    assert t("pdf.page", lang).format(page=1, pages=pages) in text
    for p in result["products"]:
        assert num(p["kgco2e_per_unit"]) in text and p["pact_id"] in text
        for st in p["stages"]:
            if st["kgco2e"] is not None:
                assert num(st["kgco2e"]) in text, st
    assert FOOTPRINT_MESSAGES["fp.sec.results"][lang] in text
    pages, text = _pdf_text(pdfs[f"eu.{lang}"])
    assert pages == 1  # the declaration is one page
    assert num(form["d_carbon_footprint_kgCO2e_per_kWh"], 4) in text
    for st in form["e_stages"]:
        assert num(st["kgCO2e"]) in text and st[lang] in text


@pytest.mark.slow
def test_zh_pdfs_draw_chinese_with_the_embedded_font(pdfs: dict[str, Path]) -> None:
    cmap = TTFont(str(cjk_font().path), lazy=True).getBestCmap()
    for key in ("pcf.zh", "eu.zh"):
        _, text = _pdf_text(pdfs[key])
        chinese = {c for c in text if "\u3400" <= c <= "\u9fff"}
        assert len(chinese) > 50 and not {c for c in chinese if ord(c) not in cmap}
