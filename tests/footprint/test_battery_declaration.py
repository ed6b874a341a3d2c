"""The EU Battery Regulation carbon-footprint declaration (Regulation (EU) 2023/1542 Art. 7(1), Annex II).

Hand-worked case: stages 1,000 + 200 + 50 + 30 = 1,280 kgCO2e per battery over a total energy of
16,000 kWh give 0.08 kgCO2e/kWh (raw material 0.0625, production 0.0125, distribution 0.003125, end of
life 0.001875). The sample study's declaration must carry the study's own stage results and the draft
functional unit 57 kWh × 60 FEqC/year (M1) × 8 years = 27,360 kWh (draft Ares(2024)3131389, [S]).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from zerocarbon.errors import InputError
from zerocarbon.footprint.eu_battery import EU_STAGE_KEYS, EU_UNKNOWN, EURLEX_URL, eu_declare
from zerocarbon.services.footprint import StudyResult, run_study
from zerocarbon.services.footprint.eu_battery import EU_FROM_STUDY, eu_declaration, eu_declarations
from zerocarbon.services.footprint.exchange import decimal

STUDY = Path(__file__).resolve().parents[2] / "src" / "zerocarbon" / "demo" / "sample_footprint.yaml"
STAGES = {"raw_material": D(1000), "main_production": D(200), "distribution": D(50), "end_of_life": D(30)}


def _args(**over: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "manufacturer": "ACME Cells", "manufacturer_address": "1 Road, Town", "model": "P-1", "plant": "Plant A",
        "plant_address": "Town, Region, Country", "category": "EV", "capacity_kwh": D(60), "stages": STAGES,
        "total_energy_kwh": D(16000), "total_energy_basis": "stated by the maker", "declared_on": date(2026, 6, 30)}
    return {**args, **over}


@pytest.fixture(scope="module")
def result() -> StudyResult:
    return run_study(STUDY, iterations=0)


def test_hand_worked_declaration() -> None:
    d = eu_declare(**_args(declaration_of_conformity_id="DoC-2026-001", study_url="https://example.org/pcf"))
    assert d.total_kgco2e == D(1280) and d.per_kwh == D("0.08")
    assert d.stage_per_kwh == {"raw_material": D("0.0625"), "main_production": D("0.0125"),
                               "distribution": D("0.003125"), "end_of_life": D("0.001875")}
    assert sum(d.stage_per_kwh.values()) == d.per_kwh
    form = d.form()
    assert form["complete"] is True and form["missing"] == []
    assert form["a_manufacturer"] == {"name": "ACME Cells", "address": "1 Road, Town"}
    assert form["b_model"] == "P-1" and form["c_plant"]["address"] == "Town, Region, Country"
    assert form["d_carbon_footprint_kgCO2e_per_kWh"] == "0.08"
    assert [s["stage"] for s in form["e_stages"]] == list(EU_STAGE_KEYS)
    assert form["f_declaration_of_conformity_id"] == "DoC-2026-001" and form["g_study_url"] == "https://example.org/pcf"
    assert form["url"] == EURLEX_URL and "Article 7(1)" in str(form["source"])
    assert form["performance_class"] is None  # not adopted: no class, no invented bounds
    assert form["rules_not_adopted_or_not_verified"] == list(EU_UNKNOWN)


def test_missing_conformity_and_study_link_make_it_incomplete() -> None:
    d = eu_declare(**_args(declaration_of_conformity_id="  ", study_url=None))
    assert d.missing == ("declaration_of_conformity_id", "study_url")
    assert d.form()["complete"] is False


@pytest.mark.parametrize(("over", "field"), [
    ({"category": "portable"}, "category"),
    ({"category": "industrial", "capacity_kwh": D(2)}, "capacity_kwh"),
    ({"stages": {k: v for k, v in STAGES.items() if k != "distribution"}}, "stages"),
    ({"stages": {**STAGES, "use": D(1)}}, "stages"),
    ({"total_energy_kwh": D(0)}, "total_energy_kwh"),
    ({"total_energy_basis": " "}, "total_energy_basis"),
    ({"plant_address": ""}, "plant_address"),
    ({"study_url": "ftp://x"}, "study_url"),
])
def test_bad_input_raises(over: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as err:
        eu_declare(**_args(**over))
    assert err.value.field == field


def test_industrial_over_2_kwh_is_in_scope() -> None:
    assert eu_declare(**_args(category="industrial", capacity_kwh=D("2.1"))).category == "industrial"


def test_sample_declaration_carries_the_study_results(result: StudyResult) -> None:
    decls = eu_declarations(result)
    assert set(decls) == {"EVP"}  # only the product whose battery block has an eu block
    d = decls["EVP"]
    p = next(x for x in result.products if x.item.id == "EVP")
    for eu_key, study_key in EU_FROM_STUDY.items():
        assert d.stages[eu_key] == decimal(p.stages[study_key], 6)
    assert d.total_kgco2e == sum(d.stages.values())
    assert abs(float(d.total_kgco2e) - p.total) < 1e-5  # the use stage is outside the sample's boundary
    assert d.total_energy_kwh == D(57) * 60 * 8 == D(27360)
    assert d.per_kwh == d.total_kgco2e / D(27360)
    assert abs(sum(d.stage_per_kwh.values()) - d.per_kwh) < D("1e-20")
    form = d.form()
    assert form["functional_unit"]["draft_formula"] == {"usable_energy_kWh": "57", "vehicle_category": "M1",
                                                        "feqc_per_year": "60", "service_life_years": "8"}
    assert form["method"]["standard"] == "GB/T 24067-2024" and form["method"]["pact_id"] == p.pact.id
    assert form["missing"] == ["declaration_of_conformity_id", "study_url"]
    assert any("draft" in w["en"] for w in form["warnings"])


def test_instruments_that_lowered_the_footprint_are_flagged(result: StudyResult) -> None:
    e = result.gate.electricity
    contractual = replace(result, gate=replace(result.gate, electricity={**e, "rule": "contractual",
                                                                         "covered_mwh": "1200"}))
    d = eu_declarations(contractual)["EVP"]
    assert any("PPAs and guarantees of origin" in en and "1200 MWh" in en for _, en in d.warnings)
    assert d.method["electricity_rule"] == "contractual"


def test_bad_eu_block_is_located(result: StudyResult) -> None:
    p = next(x for x in result.products if x.item.id == "EVP")
    battery = dict(p.item.battery or {})
    battery["eu"] = {**battery["eu"], "plant_address": ""}
    bad = replace(p, item=replace(p.item, battery=battery))
    with pytest.raises(InputError) as err:
        eu_declaration(result, bad)
    assert err.value.file == str(STUDY) and err.value.field == "products.EVP.battery.eu.plant_address"
    battery["eu"] = {k: v for k, v in battery["eu"].items() if k != "vehicle_category"}
    battery["eu"]["plant_address"] = "Town"
    with pytest.raises(InputError) as err:
        eu_declaration(result, replace(p, item=replace(p.item, battery=battery)))
    assert err.value.field == "products.EVP.battery.eu.vehicle_category"
    battery["eu"]["total_energy_kwh"] = "30000"
    with pytest.raises(InputError) as err:  # a stated energy needs its basis
        eu_declaration(result, replace(p, item=replace(p.item, battery=battery)))
    assert err.value.field == "products.EVP.battery.eu.total_energy_basis"
    battery["eu"]["total_energy_basis"] = "cycle test to 80 % SoH"
    d = eu_declaration(result, replace(p, item=replace(p.item, battery=battery)))
    assert d is not None and d.total_energy_kwh == D(30000) and d.energy_formula is None
