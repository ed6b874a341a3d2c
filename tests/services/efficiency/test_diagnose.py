"""The diagnosis use case: the sample register's grades on both sides of the thresholds, factors per regime,
quota rows with corrections, the balance of the sample factory, and the main job's stage.

Electricity factors (factor library, ``factors/data/electricity.csv``): 2023 national grid average 0.5306
tCO2/MWh (MEE/NBS 公告2025年第47号), excluding market-traded non-fossil 0.6096, fossil 2022 0.8325 (the
zero-carbon regime prints it, ``accounting/data/regimes.yaml``), Jiangsu 2023 0.5827.
"""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from zerocarbon.energy.register import EfficiencyRegister, QuotaRow
from zerocarbon.errors import InputError
from zerocarbon.services.demo.main import SAMPLE_EQUIPMENT
from zerocarbon.services.efficiency.diagnose import diagnose
from zerocarbon.services.efficiency.runs import (
    grade_register,
    grade_upload,
    load_register,
    register_schema,
    run_efficiency,
    template_bytes,
)
from zerocarbon.services.inventory.runs import run_inventory


@pytest.fixture(scope="module")
def register() -> EfficiencyRegister:
    return load_register(SAMPLE_EQUIPMENT)


def test_sample_grades_on_both_sides_of_thresholds(register: EfficiencyRegister) -> None:
    d = grade_register(register)
    got = {x.code: (x.grade.outcome, x.grade.grade) for x in d.devices}
    assert got == {
        "AC-01": ("graded", 3), "AC-02": ("graded", 1), "CHW-P1": ("below_minimum", None), "CT-F1": ("graded", 2),
        "L1-M1": ("below_minimum", None), "L1-M2": ("graded", 1), "L2-M1": ("graded", 3), "WW-P1": ("graded", 2),
        "L2-M2": ("missing_row", None), "HV-01": ("graded", 2), "TR-01": ("below_minimum", None),
        "TR-02": ("graded", 1), "HV-02": ("below_minimum", None), "HV-03": ("graded", 1), "PM-01": ("graded", 2),
        "PM-02": ("below_minimum", None), "AC-03": ("graded", 2), "AC-04": ("below_minimum", None),
        "FN-01": ("graded", 2), "FN-02": ("below_minimum", None), "PU-01": ("graded", 2),
        "PU-02": ("below_minimum", None),
    }
    s = d.summary()
    # grade ≤ 2: AC-02 75 + CT-F1 15 + L1-M2 7.5 + WW-P1 22 + HV-01 250 + HV-03 355 + PM-01 22 + AC-03 90 + FN-01 15
    # + PU-01 18.5 = 870 kW of 521.5 + 315 + 355 + 22 + 11 + 90 + 37 + 15 + 30 + 18.5 + 7.5 = 1422.5 kW
    # (transformers excluded); grade 1: 82.5 + 355 = 437.5 kW
    assert D(s["share_grade_2_or_better"]) == D("870") / D("1422.5")
    assert D(s["share_grade_1"]) == D("437.5") / D("1422.5") and s["excluded"] == ["TR-01", "TR-02"]
    # every device with a table row below grade 1 is costed: motors, and compressors, fans and pumps
    # (energy/savings_more.py)
    assert {m.target for m in d.measures} == {"AC-01", "CHW-P1", "CT-F1", "L1-M1", "L2-M1", "WW-P1", "HV-01",
                                              "HV-02", "PM-01", "PM-02", "AC-03", "AC-04", "FN-01", "FN-02",
                                              "PU-01", "PU-02"}
    ww = next(m for m in d.measures if m.target == "WW-P1")
    assert ww.payback_years is None and ww.investment is None  # no cost supplied: no payback, never a default
    chw = next(x for x in d.devices if x.code == "CHW-P1")
    assert "EL-CHW-P1" in chw.note_en  # linked meter without data: said so, register hours used


def test_factors_per_view_from_the_library(register: EfficiencyRegister) -> None:
    d = grade_register(register, 2023)
    values = {f.view: f.tco2_per_mwh for f in d.factors}
    assert values == {"gbt32150": D("0.5306"), "location": D("0.5306"), "market": D("0.6096"),
                      "zero_carbon": D("0.8325")}
    ac = next(m for m in d.measures if m.target == "AC-01")
    assert ac.tco2_per_year["zero_carbon"] == ac.kwh_per_year * D("0.8325") / 1000


def test_year_without_factors_is_reported_not_filled(register: EfficiencyRegister) -> None:
    d = grade_register(register, 2019)
    assert all(f.factor is None and f.reason for f in d.factors if f.view != "zero_carbon")
    assert any("no electricity factor" in n for n in d.notes)


def test_metered_device_uses_its_meter(register: EfficiencyRegister) -> None:
    d = diagnose(register, year=2023, metered_kwh={"EL-CHW-P1": D("100000")})
    chw = next(m for m in d.measures if m.target == "CHW-P1")
    assert chw.kwh_per_year == D("100000") * (1 - D("93.8") / D("96.1"))
    assert "metered" in chw.basis


def test_quota_rows_with_corrections(register: EfficiencyRegister) -> None:
    """GB 16780-2021 (unverified transcription): cement 80/87/94 kgce/t at 75 % clinker, +1.10/1.15/1.20 per
    point; at 80 % → 85.5 / 92.75 / 100; 88 kgce/t is grade 2, 2.5 kgce/t from grade 1 = 2.5 tce on 1000 t."""
    rows = (QuotaRow(product="水泥", standard="gb16780-2021", indicator="cement.comprehensive_energy", value=D("88"),
                     production_t=D("1000"), corrections="clinker_ratio_pct=80; altitude_m=20"),
            QuotaRow(product="水泥", standard="gb16780-2021", indicator="cement.comprehensive_energy", value=D("88")),
            QuotaRow(product="x", standard="gb99999-2099", indicator="y", value=D("1")))
    d = diagnose(register.model_copy(update={"quota": rows}), year=2023)
    first, second, third = d.indicators
    assert first.verdict is not None and first.verdict.grade == 2
    assert first.verdict.limits == {1: D("85.50"), 2: D("92.75"), 3: D("100.00")}
    assert first.verdict.gap_to_grade1 == D("2.50") and first.verdict.gap_to_grade1_tce == D("2.5")
    assert second.verdict is None and "clinker_ratio_pct" in second.reason_en  # correction input missing
    assert third.verdict is None and "gb99999-2099" in third.reason_en


def test_upload_and_schema(register: EfficiencyRegister, tmp_path: Path) -> None:
    content = SAMPLE_EQUIPMENT.read_bytes()
    d = grade_upload("台账.yaml", content)
    assert len(d.devices) == 22
    with pytest.raises(InputError) as info:
        grade_upload("台账.yaml", content.replace(b'efficiency_pct: "95.0"', b'efficiency_pct: "x"'))
    assert info.value.file == "台账.yaml" and info.value.field == "efficiency_pct"
    assert template_bytes()[:2] == b"PK"
    schema = register_schema()
    assert {c["attribute"] for c in schema["devices"]} >= {"code", "kind", "rated_power_kw", "meter_code"}


def test_main_job_stage_on_the_sample(register: EfficiencyRegister, sample_path: Path, tmp_path: Path) -> None:
    run = run_inventory(sample_path, 2023, mc_draws=0)
    diagnosis, files = run_efficiency(SAMPLE_EQUIPMENT, run, tmp_path)
    assert {p.name for p in files} == {"efficiency.json", "efficiency_report.zh-CN.html", "efficiency_report.en.html",
                                       "efficiency.xlsx"}
    b = diagnosis.balance
    assert b is not None and b.closure == 0 and set(b.loss_by_conversion) == {"BLR-01", "TR-01", "TR-02"}
    assert diagnosis.energy_tce == b.total_supply - b.total_export
    assert diagnosis.energy_per_value_added == diagnosis.energy_tce / D("42000")
    doc = json.loads((tmp_path / "efficiency.json").read_text(encoding="utf-8"))
    assert doc["summary"]["below_minimum"] == ["CHW-P1", "L1-M1", "HV-02", "PM-02", "AC-04", "FN-02", "PU-02",
                                                 "TR-01"]
    html = (tmp_path / "efficiency_report.zh-CN.html").read_text(encoding="utf-8")
    assert "节能装备应用占比" in html and "chart-eff-balance" in html
