"""The PCF study report: sections of GB/T 24067-2024 §7, one language per page, the chart inline, the workbook."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from zerocarbon.reports.footprint import render_footprint_html, write_footprint_xlsx
from zerocarbon.services.footprint import run_study

STUDY = Path(__file__).resolve().parents[2] / "src" / "zerocarbon" / "demo" / "sample_footprint.yaml"


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return run_study(STUDY, iterations=20).to_dict()


def _text(html: str) -> str:
    html = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    html = re.sub(r"<style.*?</style>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_zh_page_sections(result: dict[str, Any], tmp_path: Path) -> None:
    html = render_footprint_html(result, tmp_path, "zh").read_text(encoding="utf-8")
    text = _text(html)
    for heading in ("目的与范围", "系统边界与取舍准则", "分配", "数据与数据质量", "结果（按生命周期阶段）", "热点分析",
                    "不确定性", "动力电池碳足迹申报", "局限性", "合成示例数据"):
        assert heading in text, heading
    assert 'id="plotly-js"' in html and "chart-fp-EVP" in html and "<script src=" not in html
    assert "0.6205" in text and "单一来源" in text and "有效（PACT v3 模式）" in text
    for english in ("raw material acquisition", "single-source", "valid (PACT", "fossil 52.1"):
        assert english not in text


def test_en_page_has_no_report_chinese(result: dict[str, Any], tmp_path: Path) -> None:
    text = _text(render_footprint_html(result, tmp_path, "en").read_text(encoding="utf-8"))
    assert "Goal and scope" in text and "Hot spots" in text and "Biogenic removals" in text
    for chinese in ("原材料获取", "生产制造", "局限性", "单一来源", "有效"):
        assert chinese not in text


def test_workbook(result: dict[str, Any], tmp_path: Path) -> None:
    path = write_footprint_xlsx(result, tmp_path / "fp.xlsx", "en")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Summary", "Stages", "Contributions", "Data quality", "Gate-to-gate", "Data sources"]
    summary = wb["Summary"]
    assert summary.cell(2, 1).value == "EV battery pack (60 kWh)"
    assert summary.cell(2, 3).value == pytest.approx(result["products"][0]["kgco2e_per_unit"])
