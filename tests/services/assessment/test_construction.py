"""The construction report binds every chapter, in one language per page, with the manifest; its PDF renders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zerocarbon.reports.construction import Chapter, construction_page, write_construction
from zerocarbon.services.assessment.construction import chapters, write_construction_report
from zerocarbon.services.assessment.runs import assess_files
from zerocarbon.services.verification.verify import verify_report

DEMO = Path(__file__).parents[3] / "src" / "zerocarbon" / "demo"


@pytest.fixture(scope="module")
def sample():  # type: ignore[no-untyped-def]
    return assess_files(DEMO / "sample_factory.yaml", year=2023, declaration=DEMO / "sample_assessment.yaml",
                        ledger=DEMO / "sample_ledger.yaml")


def test_every_chapter_bound_and_one_language(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run, result, manifest = sample
    for name in ("sample_factory.yaml", "sample_assessment.yaml", "sample_ledger.yaml"):
        (tmp_path / name).write_bytes((DEMO / name).read_bytes())
    files = write_construction_report(tmp_path, run, result.to_dict(), manifest=manifest, pdf=False)
    assert [p.name for p in files] == ["zero_carbon_construction_report.zh-CN.html",
                                       "zero_carbon_construction_report.en.html"]
    zh = files[0].read_text("utf-8")
    for cid in ("verdict", "accounting", "source", "process", "footprint", "centre", "disclosure"):
        assert f'id="ch-{cid}"' in zh
    assert "范围二排放（基于位置）" in zh and "IFRS S2" in zh and "本次未运行此部分" in zh
    assert '<section id="trace"' not in zh  # the trace stays in the inventory report
    en = files[1].read_text("utf-8")
    headings = re.findall(r'<div class="chapter" id="ch-\w+"><h1>([^<]+)</h1>', en)
    assert len(headings) == 7 and not any(re.search(r"[\u4e00-\u9fff]", h) for h in headings)
    assert verify_report(files[0]).stands  # the manifest re-checks


def test_printed_chapters_render_to_pdf(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import pypdfium2 as pdfium

    run, result, _ = sample
    verdict = chapters(run, result.to_dict(), printed=True)[0]
    files = write_construction([verdict], [verdict], {"zh": "示例厂", "en": "Sample"}, 2023, tmp_path)
    pdf = next(p for p in files if p.suffix == ".pdf" and ".zh-CN." in p.name)
    doc = pdfium.PdfDocument(pdf)
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    assert "零碳工厂评价" in text and "未达到" in text
    doc.close()


def test_page_without_chapters_still_valid() -> None:
    page = construction_page([Chapter("x", "甲", "A", "<p>甲</p>", "<p>A</p>")], "F", 2023, "en", printed=True)
    assert "<script" not in page and "A</h1>" in page
