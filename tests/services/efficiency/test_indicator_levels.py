"""Each graded quota indicator placed between its benchmark and baseline levels in the diagnosis, its report (HTML zh
and en, XLSX) and its dict: the factory's own levels over a mapped row of the 2023 table, and an indicator with no
levels said to be not placed.

Levels: 硅铁 单位产品综合能耗 B = 1770, Z = 1850 kgce/t as the factory enters them (the values of the page the shipped
row was read from, see tests/energy/test_levels_placement.py); GB 21341-2022 grades of that indicator 1700 / 1770 /
1850 (data/gb21341-2022.yaml). Hand-worked: x = 1820, 2000 t → 3级, between the levels, share (1850 − 1820) / 80
= 37.5 %, gap to B 50 kgce/t = 100 tce; x = 1900 → 未达限定值, 50 above Z, 130 from B (260 tce); x = 1770 → 达到标杆.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape
from openpyxl import load_workbook

from zerocarbon.energy import levels as levels_mod
from zerocarbon.energy.levels import LEVEL_COLUMNS, NO_LEVELS, SHIPPED
from zerocarbon.energy.register import EfficiencyRegister, QuotaRow
from zerocarbon.reports.efficiency import L, render_efficiency_html, write_efficiency_xlsx
from zerocarbon.services.demo.main import SAMPLE_EQUIPMENT
from zerocarbon.services.efficiency.diagnose import diagnose
from zerocarbon.services.efficiency.indicators import grade_indicators
from zerocarbon.services.efficiency.runs import load_register

KGCE = D("0.1229")
FESI = "ferroalloy.ferrosilicon.comprehensive_energy"
SOURCE = "发改产业〔2023〕723号 附件 铁合金冶炼 硅铁（企业摘录）"


def row(value: str, **levels: Any) -> QuotaRow:
    return QuotaRow(product="硅铁", standard="gb21341-2022", indicator=FESI, value=D(value), production_t=D(2000),
                    **levels)


OWN = {"benchmark": D(1770), "baseline": D(1850), "levels_source": SOURCE}


def test_positions_in_the_dict() -> None:
    between, below, at, bare = (r.to_dict() for r in grade_indicators(
        [row("1820", **OWN), row("1900", **OWN), row("1770", **OWN), row("1820")], None, None, KGCE))
    assert between["verdict_zh"] == "3级" and between["position"]["key"] == "baseline"
    assert between["position"]["share_to_benchmark"] == "0.375" and between["gap_to_benchmark_tce"] == "100"
    assert between["position_zh"] == ("介于标杆与基准之间：已完成由基准 1850 至标杆 1770 的 37.5%；"
                                      "距标杆 50 kgce/t（100 tce）")
    assert between["position_en"].startswith("between the benchmark and the baseline: 37.5 % of the way")
    assert between["levels_origin"] == "user-supplied" and between["position"]["document"] == SOURCE
    assert below["verdict_zh"] == "未达限定值" and below["position"]["key"] == "below_baseline"
    assert (below["position"]["gap_to_baseline"], below["position"]["gap_to_benchmark_tce"]) == ("50", "260")
    assert "淘汰" in below["position_zh"] and "elimination" in below["position_en"]
    assert at["verdict_zh"].startswith("达到标杆") and at["position"]["key"] == "benchmark"
    # no levels: said so, no position (the shipped rows are mapped to no indicator)
    assert bare["position"] is None and bare["levels_origin"] is None
    assert (bare["position_zh"], bare["position_en"]) == NO_LEVELS


def test_own_levels_override_a_mapped_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test levels file maps 1700 / 1800 to the indicator: used when the factory gives none, not otherwise."""
    path = tmp_path / "levels.csv"
    path.write_text("# test file\n" + ",".join(LEVEL_COLUMNS) + "\n"
                    f"T1,铁合金冶炼,硅铁,单位产品综合能耗,kgce/t,1700,1800,GB 21341-2022,gb21341-2022,{FESI},"
                    "test source,,unverified,\n", encoding="utf-8")
    monkeypatch.setattr(levels_mod, "LEVELS_PATH", path)
    shipped, own = (r.to_dict() for r in grade_indicators([row("1820"), row("1820", **OWN)], None, None, KGCE))
    # against 1700 / 1800, 1820 is above the baseline; against the factory's 1770 / 1850 it is between them
    assert shipped["position"]["key"] == "below_baseline" and shipped["levels_origin"] == SHIPPED
    assert shipped["position"]["gap_to_baseline"] == "20" and "test source" in shipped["position"]["document"]
    assert "row T1" in shipped["position"]["document_en"]
    assert own["position"]["key"] == "baseline" and own["levels_origin"] == "user-supplied"
    assert own["position"]["benchmark"] == "1770"


def test_swapped_levels_are_refused_for_the_row() -> None:
    result = grade_indicators([row("1820", benchmark=D(1850), baseline=D(1770), levels_source="x")], None, None,
                              KGCE)[0]
    assert result.verdict is None and result.position is None and "benchmark" in result.reason_en


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    register: EfficiencyRegister = load_register(SAMPLE_EQUIPMENT)
    rows = (row("1820", **OWN), row("1900", benchmark=D(1770), baseline=D(1850), levels_source="Plant memo, table 3"),
            row("1820"))
    return diagnose(register.model_copy(update={"quota": rows}), year=2023).to_dict()


def test_report_pages_show_the_position(doc: dict[str, Any], tmp_path: Path) -> None:
    zh = render_efficiency_html(doc, tmp_path, "zh").read_text(encoding="utf-8")
    en = render_efficiency_html(doc, tmp_path, "en").read_text(encoding="utf-8")
    assert L["levels_title"][0] in zh and L["levels_title"][1] in en and L["levels_title"][0] not in en
    assert "已完成由基准 1850 至标杆 1770 的 37.5%" in zh and "1770 / 1850 kgce/t" in zh
    assert "37.5 % of the way from the baseline 1850 to the benchmark 1770" in en
    assert str(escape(NO_LEVELS[0])) in zh and NO_LEVELS[1] in en
    assert "用户提供" in zh and "user-supplied" in en
    # the factory's own texts are quoted as written, the other language marked
    assert '<td><span lang="zh-CN">硅铁</span> · ' in en and '<span lang="zh-CN">发改产业〔2023〕723号' in en
    assert '<span lang="en">Plant memo, table</span> 3' in zh
    assert "未达基准" in zh and "below the baseline" in en
    table = zh.split('data-testid="eff-levels"', 1)[1].split("</table>", 1)[0]
    assert table.count("用户提供") == 2  # two rows with the factory's levels: the origin once each, no status


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_page_is_in_one_language(doc: dict[str, Any], tmp_path: Path, lang: str) -> None:
    from tests.reports.test_language import problems, visible

    html = render_efficiency_html(doc, tmp_path, lang).read_text(encoding="utf-8")
    own = {d["name"] for d in doc["devices"]} | {doc["factory"]["name_zh"], "硅铁", SOURCE}
    found = problems(visible(html, lang).texts, lang, own if lang == "en" else set())
    assert not found, "\n".join(found[:30])


def test_workbook_sheet(doc: dict[str, Any], tmp_path: Path) -> None:
    for lang, word in (("zh", "介于标杆与基准之间"), ("en", "between the benchmark and the baseline")):
        path = write_efficiency_xlsx(doc, tmp_path / f"{lang}.xlsx", lang)
        ws = load_workbook(path)["能耗指标 Indicators"]
        head = [c.value for c in ws[1]]
        assert head[7] == "对标位置 / Position" and head[8] == "距标杆 / Gap to benchmark"
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        assert len(rows) == 3 and str(rows[0][7]).startswith(word)
        assert rows[0][6] == "1770 / 1850 kgce/t" and rows[0][9] == 100.0
        assert rows[2][6] is None and rows[2][7] == NO_LEVELS[0 if lang == "zh" else 1]


def test_the_sample_factory_says_why_no_position(tmp_path: Path) -> None:
    """The sample register lists no quota row (no shipped quota standard covers battery packs): the report says that
    nothing was graded nor placed against the benchmark and baseline levels, and where the rows would go."""
    doc = diagnose(load_register(SAMPLE_EQUIPMENT), year=2023).to_dict()
    assert doc["indicators"] == []
    zh = render_efficiency_html(doc, tmp_path, "zh").read_text(encoding="utf-8")
    en = render_efficiency_html(doc, tmp_path, "en").read_text(encoding="utf-8")
    assert 'data-testid="eff-levels"' not in zh and str(escape(L["no_indicators"][1])) in en
    assert "未与标杆/基准水平对标" in zh and "“限额指标”" in zh
    assert "not placed against the benchmark/baseline levels" in en and "quota sheet)" in en


def test_benchmark_verdict_in_each_language(tmp_path: Path) -> None:
    """达到标杆 names the document that sets the benchmark (x = 1760 ≤ B = 1770): full-width brackets in zh, ASCII
    ones in en, where the factory's own Chinese text is a quote and the page stays English."""
    from tests.reports.test_language import problems, visible

    register = load_register(SAMPLE_EQUIPMENT)
    d = diagnose(register.model_copy(update={"quota": (row("1760", **OWN),)}), year=2023).to_dict()
    ind = d["indicators"][0]
    assert ind["verdict_zh"] == f"达到标杆（{SOURCE}）" and ind["verdict_en"] == f"benchmark ({SOURCE})"
    en = render_efficiency_html(d, tmp_path, "en").read_text(encoding="utf-8")
    own = {x["name"] for x in d["devices"]} | {d["factory"]["name_zh"], "硅铁", SOURCE}
    found = problems(visible(en, "en").texts, "en", own)
    assert not found, "\n".join(found)
