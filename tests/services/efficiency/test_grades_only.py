"""Grades without the diagnosis settings (仅评定等级): the stored register of a factory with no settings file gives
its grades, the table rows used, the below-minimum flags and 节能装备应用占比, and says which settings the savings
need; with the settings the same devices give the full diagnosis.

References: the hand-worked grades of three 4-pole motors by GB 18613-2020 表1 (the shipped rows
GB18613-2020.T1.{7.5,11,5.5}kW.4p.g{1,2,3}): 7.5 kW at 94.1 % ≥ 94.0 % (grade 1); 11 kW at 94.0 %, ≥ 93.3 %
(grade 2) and < 94.6 % (grade 1); 5.5 kW at 89.5 % < 89.6 % (grade 3 = the minimum): below the minimum. So
节能装备应用占比 = (7.5 + 11) / 24 and the grade-1 share 7.5 / 24. And the sample register graded from its file
(``load_register`` → ``grade_register``), whose grades and shares do not depend on the settings.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from markupsafe import escape
from tests.services.efficiency.test_register_source import FID, store

from zerocarbon.reports.efficiency import render_efficiency_html, write_efficiency_xlsx
from zerocarbon.reports.efficiency_pdf import efficiency_print_page
from zerocarbon.services.demo.main import SAMPLE_EQUIPMENT
from zerocarbon.services.efficiency import equipment_store
from zerocarbon.services.efficiency.diagnose import Diagnosis
from zerocarbon.services.efficiency.grades_only import GradesOnly, settings_needed, stored_grades
from zerocarbon.services.efficiency.runs import grade_register, grade_stored_register, load_register

THREE = (b"devices:\n"
         b"- {code: M-G1, kind: motor_lv, rated_power_kw: '7.5', poles: 4, voltage_v: '380', efficiency_pct: '94.1'}\n"
         b"- {code: M-G2, kind: motor_lv, rated_power_kw: '11', poles: 4, voltage_v: '380', efficiency_pct: '94.0'}\n"
         b"- {code: M-LOW, kind: motor_lv, rated_power_kw: '5.5', poles: 4, voltage_v: '380', efficiency_pct: '89.5'}\n"
         )


@pytest.fixture(autouse=True)
def _no_companion(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZEROCARBON_DECLARED_DIR", raising=False)


def test_three_motors_hand_worked(tmp_path: Path) -> None:
    url = store(tmp_path)
    equipment_store.upload(FID, "three.yaml", THREE, url=url)
    got = grade_stored_register(FID, url=url)
    assert isinstance(got, GradesOnly)
    doc = got.to_dict()
    assert [(d["code"], d["grade"], d["outcome"]) for d in doc["devices"]] == [
        ("M-G1", 1, "graded"), ("M-G2", 2, "graded"), ("M-LOW", None, "below_minimum")]
    assert [d["rows"] for d in doc["devices"]] == [
        [f"GB18613-2020.T1.{kw}kW.4p.g{g}" for g in (1, 2, 3)] for kw in ("7.5", "11", "5.5")]
    assert doc["devices"][1]["thresholds"] == {"1": "94.6", "2": "93.3", "3": "91.4"}
    s = doc["summary"]
    assert D(s["share_grade_2_or_better"]) == D("18.5") / D("24") and D(s["share_grade_1"]) == D("7.5") / D("24")
    assert s["below_minimum"] == ["M-LOW"] and s["counts"] == {"grade_1": 1, "grade_2": 1, "below_minimum": 1}
    assert D(s["total_kw"]) == D("24")
    # no savings: nothing is guessed, and the answer says which settings they need
    assert s["kwh_per_year"] is None and s["money_per_year"] is None and s["tco2_per_year"] is None
    assert doc["measures"] == [] and all(d["savings"] == {} for d in doc["devices"])
    need = doc["savings_need_settings"]
    assert [f["name"] for f in need["fields"]] == ["tariff_yuan_per_kwh", "discount_rate", "lifetime_years"]
    assert [a["name"] for a in need["also"]] == ["year", "replacement_cost_yuan"]
    assert "企业平均电价（tariff_yuan_per_kwh）" in need["message_zh"] and f"{FID}.equipment.yaml" in need["message_zh"]
    assert "tariff (mean price paid) (tariff_yuan_per_kwh)" in need["message_en"]
    assert doc["register_source"]["label_zh"] == "台账来源 store（库中台账，3 台设备；无诊断参数，仅评定等级）"
    # the factory's own name from the store (no English name stored: the Chinese one)
    assert doc["factory"] == {"id": FID, "name_zh": "样例厂", "name_en": "样例厂"}


def test_the_grades_are_those_of_the_full_diagnosis(tmp_path: Path) -> None:
    """The 22 sample devices stored: the same grades, rows, flags and shares as the file with its settings."""
    url = store(tmp_path)
    equipment_store.upload(FID, SAMPLE_EQUIPMENT.name, SAMPLE_EQUIPMENT.read_bytes(), url=url)
    alone = grade_stored_register(FID, url=url)
    full = grade_stored_register(FID, url=url, settings=SAMPLE_EQUIPMENT)
    reference = grade_register(load_register(SAMPLE_EQUIPMENT)).to_dict()
    assert isinstance(alone, GradesOnly) and isinstance(full, Diagnosis)
    a = alone.to_dict()

    def graded(doc: dict, reason: bool = True) -> list[tuple]:
        return [(d["code"], d["grade"], d["outcome"], d["standard"], d["rows"], d["thresholds"],
                 d["reason_en"] if reason else "") for d in doc["devices"]]

    assert graded(a) == graded(full.to_dict())  # the same stored devices: the same texts too
    # the file's: the same up to the store's normalised decimals in the reasons (95.0 → 95)
    assert graded(a, reason=False) == graded(reference, reason=False)
    assert alone.share == full.share
    for key in ("share_grade_2_or_better", "share_grade_1", "below_minimum", "missing_rows", "ungraded", "counts"):
        assert a["summary"][key] == reference["summary"][key], key
    assert reference["measures"] and not a["measures"]  # the settings give the measures, their absence none
    assert "savings_need_settings" not in full.to_dict()


def test_unknown_factory_and_no_devices(tmp_path: Path) -> None:
    from zerocarbon.errors import InputError

    url = store(tmp_path)
    with pytest.raises(InputError) as nothing:
        grade_stored_register(FID, url=url)  # no device and no register file: still refused
    assert nothing.value.field == "equipment"
    with pytest.raises(InputError):
        stored_grades("NO-SUCH", url)


def test_reports_render_the_grades_only_answer(tmp_path: Path) -> None:
    url = store(tmp_path)
    equipment_store.upload(FID, "three.yaml", THREE, url=url)
    doc = stored_grades(FID, url).to_dict()
    zh = render_efficiency_html(doc, tmp_path / "out", "zh").read_text(encoding="utf-8")
    en = render_efficiency_html(doc, tmp_path / "out", "en").read_text(encoding="utf-8")
    need = settings_needed(FID)
    assert str(escape(need["message_zh"])) in zh and str(escape(need["message_en"])) in en
    for page in (zh, en):
        body = page.split("<main>", 1)[1]  # after the embedded plotly script
        assert "M-LOW" in body and "None" not in body and "元/kWh" not in body and "yuan/kWh" not in body
    printed = efficiency_print_page(doc, "en")  # the PDF's page
    # the factory's Chinese name (no English one stored) marked as Chinese inside the English page
    assert str(escape(need["message_en"])) in printed and \
        '<h1><span lang="zh-CN">样例厂</span> · Energy-saving and decarbonisation diagnosis</h1>' in printed
    xlsx = write_efficiency_xlsx(doc, tmp_path / "out" / "efficiency.xlsx")
    from openpyxl import load_workbook

    rows = list(load_workbook(xlsx)["设备能效 Equipment"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[5]) for r in rows] == [("M-G1", "1级"), ("M-G2", "2级"), ("M-LOW", "低于限定值")]
