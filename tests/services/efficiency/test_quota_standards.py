"""The quota standards added for issue 12 used from a factory's register (sheet 限额指标): the file stem and
indicator id chosen by the user, the correction inputs as ``name=value``, a missing grade shown as
该等级标准未规定 in the diagnosis and its report.

Limits (unverified transcriptions, adgo07/ECQuota-Insight commit 882a07e0…): GB 21340-2019 表1 flat glass
≤500 t/d — / — / 14.0 kgce/重箱, > 800 t/d 8.0/10.0/12.0, × Vc = a·b·c·d; GB 21341-2022 表1 ferrosilicon
冶炼电耗 8050/8300/8400 kWh/t at 98 % ore grade, −40 per point; GB 21257-2024 表1 液碱 ≥30 % 308/315/350 kgce/t.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from zerocarbon.energy.register import EfficiencyRegister, QuotaRow
from zerocarbon.reports.efficiency import render_efficiency_html
from zerocarbon.services.demo.main import SAMPLE_EQUIPMENT
from zerocarbon.services.efficiency.diagnose import diagnose
from zerocarbon.services.efficiency.runs import load_register

ONES = "capacity_utilisation_coef_a=1; thickness_coef_b=1; iron_content_coef_c=1; line_adjustment_coef_d=1"


def test_added_quota_rows_in_the_diagnosis_and_report(tmp_path: Path) -> None:
    """Glass ≤500 t/d at 13.2: 3级 with grades 1-2 not set. Glass > 800 t/d at 10.5 with a = 1.1: limits
    8.8/11/13.2 → 2级. Ferrosilicon at 8100 kWh/t, 97 % ore: limits 8090/8340/8440 → 2级, 10 kWh/t from
    grade 1 = 10 × 1000 t × 0.1229 / 1000 = 1.229 tce. Caustic without its value: no inventory → asks for it."""
    register: EfficiencyRegister = load_register(SAMPLE_EQUIPMENT)
    rows = (
        QuotaRow(product="浮法线1", standard="gb21340-2019",
                 indicator="flat_glass.capacity_le_500.comprehensive_energy", value=D("13.2"), corrections=ONES),
        QuotaRow(product="浮法线2", standard="gb21340-2019",
                 indicator="flat_glass.capacity_gt_800.comprehensive_energy", value=D("10.5"),
                 corrections=ONES.replace("coef_a=1", "coef_a=1.1")),
        QuotaRow(product="硅铁", standard="gb21341-2022", indicator="ferroalloy.ferrosilicon.smelting_electricity",
                 value=D(8100), production_t=D(1000), corrections="ore_grade_pct=97"),
        QuotaRow(product="液碱", standard="gb21257-2024", indicator="caustic_soda.liquid_30.comprehensive_energy"),
    )
    d = diagnose(register.model_copy(update={"quota": rows}), year=2023)
    glass, glass2, fesi, caustic = (i.to_dict() for i in d.indicators)
    assert glass["limits"] == {"1": "—", "2": "—", "3": "14.0"} and glass["verdict_zh"] == "3级"
    assert glass["missing_grades"] == [1, 2] and glass["gap_to_grade1"] is None
    assert glass["missing_note_zh"] == "1级、2级：该等级标准未规定"
    assert glass2["grade"] == 2 and glass2["corrections"][0]["id"] == "vc"
    assert fesi["grade"] == 2 and fesi["limits"] == {"1": "8090", "2": "8340", "3": "8440"}
    assert fesi["gap_to_grade1"] == "10" and D(fesi["gap_to_grade1_tce"]) == D("1.229")
    assert "verdict_zh" not in caustic and caustic["reason_en"].startswith("no energy")
    zh = render_efficiency_html(d.to_dict(), tmp_path, "zh").read_text(encoding="utf-8")
    assert "该等级标准未规定" in zh and "— / — / 14.0" in zh
    en = render_efficiency_html(d.to_dict(), tmp_path, "en").read_text(encoding="utf-8")
    assert "grade not set by the standard" in en
