"""The source-decarbonisation section: one language per page, the MAC curve and roadmap, the workbook."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from zerocarbon.reports.planning import mac_chart, render_planning_html, write_planning_xlsx


def _plan() -> dict:  # type: ignore[type-arg]
    step = {"id": "pv", "kind": "pv", "title_zh": "屋顶光伏", "title_en": "Rooftop PV", "year": 2024, "params": {},
            "capex": 1.0e6, "opex": 0.0, "lifetime_years": 25.0, "source": "test", "abatement_t": 100.0,
            "abatement_alone_t": 100.0, "annualised_capex": 4e4, "energy_cost_change": -6e4, "annual_cost": -2e4,
            "mac": -200.0, "mac_from_t": 0.0, "mac_to_t": 100.0, "after": {}}
    hp = {**step, "id": "hp", "title_zh": "热泵", "title_en": "Heat pump", "year": 2025, "abatement_t": 10.0,
          "abatement_alone_t": 12.0, "mac": 900.0, "mac_from_t": 100.0, "mac_to_t": 110.0}
    ind = {"non_fossil_share": 0.2, "physical_share": 0.1, "self_consumption": 1.0, "hourly_matching": 0.1}
    return {
        "factory": {"id": "F", "name_zh": "示例厂", "name_en": "Sample works"}, "year": 2023, "synthetic": True,
        "view": "gbt32150",
        "assumptions": {"illustrative": True, "target_year": 2025},
        "weather": {"source": "w.csv: SYNTHETIC", "synthetic": True, "pv_specific_yield_kwh_per_kwp": 1070.0},
        "baseline": {"total_t": 1000.0, "ef_grid_t_per_mwh": 0.5306, "ef_grid_source": "src", "load_basis": "metered",
                     "notes": [{"zh": "说明一", "en": "note one"}]},
        "indicators": {"baseline": ind, "plan": ind, "zero_carbon": None},
        "steps": [step, hp], "not_assessed": [{"id": "wind", "reason_zh": "无风速", "reason_en": "no wind speed"}],
        "roadmap": [{"year": 2024, "measures": ["pv"], "abatement_t": 100.0, "residual_t": 900.0, "annual_cost": -2e4},
                    {"year": 2025, "measures": ["hp"], "abatement_t": 110.0, "residual_t": 890.0, "annual_cost": 0.0}],
        "residual_at_target_t": 890.0,
        "sizing": {"status": "infeasible", "targets": {"physical_share": 0.9}, "message_zh": "目标不可行：物理占比",
                   "message_en": "infeasible: physical share", "details": {}},
    }


def _text(html: str) -> str:
    body = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_in_one_language(tmp_path: Path, lang: str) -> None:
    html = render_planning_html(_plan(), tmp_path, lang).read_text(encoding="utf-8")
    text = _text(html)
    assert "chart-plan-mac" in html and "chart-plan-roadmap" in html and 'id="plotly-js"' in html
    if lang == "zh":
        assert "边际减排成本曲线" in text and "890.0" in text and "说明一" in text and "目标不可行：物理占比" in text
        assert "Rooftop PV" not in text and "note one" not in text
    else:
        assert "Marginal abatement cost curve" in text and "Rooftop PV" in text and "note one" in text
        assert not re.search(r"[\u4e00-\u9fff]", text.replace("示例厂", "").replace("平", ""))


def test_mac_bars_sit_at_their_cumulative_abatement() -> None:
    html = mac_chart(_plan(), "en")
    assert '"width":[100.0]' in html and '"x":[105.0]' in html


def test_workbook(tmp_path: Path) -> None:
    wb = load_workbook(write_planning_xlsx(_plan(), tmp_path / "p.xlsx"))
    assert wb.sheetnames == ["减排措施 Measures", "路线图 Roadmap"]
    assert wb["路线图 Roadmap"]["D3"].value == 890.0


def test_workbook_states_the_scope_and_view_of_the_intensity(tmp_path: Path) -> None:
    """The sizing sheet says what the HTML says of the intensity: whose it is, why the inventory's part is
    missing when it is, and that the plan's view is not the 910号 zero_carbon view (CO2 only)."""
    plan = _plan()
    im = {"scope": "modelled_flows_only", "note_zh": "只按模型覆盖的能流", "note_en": "modelled flows only",
          "formula": "I = E / Q", "baseline_account": {
              "reason_zh": "基准年清单的能耗无法折标", "reason_en": "the baseline inventory's energy cannot be valued",
              "view_note_zh": "排放按规划口径 gbt32150 计", "view_note_en": "emissions in the plan's view gbt32150"}}
    plan["sizing"] = {"status": "optimal", "capacities": {"pv_kwp": 100.0}, "targets": {}, "energy_tce": 10.0,
                      "zero_carbon_intensity": 1.0, "intensity_method": im}
    ws = load_workbook(write_planning_xlsx(plan, tmp_path / "p.xlsx"))["配置 Sizing"]
    scope = next(str(r[1]) for r in ws.iter_rows(values_only=True) if r[0] == "单位能耗碳排放口径")
    for text in ("只按模型覆盖的能流", "cannot be valued", "无法折标", "view gbt32150", "规划口径 gbt32150"):
        assert text in scope
