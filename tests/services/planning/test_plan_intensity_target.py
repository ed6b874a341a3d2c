"""The zero-carbon intensity target (单位能耗碳排放 ≤ w) set in the plan's YAML: the same plan as the core
called directly, the basis shown in every output, and a missing basis refused naming the file and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from zerocarbon.cli.main import app
from zerocarbon.demo.generator import SAMPLE_FILE
from zerocarbon.demo.weather import SAMPLE_WEATHER
from zerocarbon.energy.uses import ELECTRICITY_CATEGORIES, energy_of
from zerocarbon.errors import InputError
from zerocarbon.renewables.formulation import Targets
from zerocarbon.renewables.intensity import EnergyBasis, FixedPart
from zerocarbon.renewables.pv import PVArray, Site, simulate_pv
from zerocarbon.renewables.sizing import Candidate, size
from zerocarbon.renewables.system import EnergySystem, Grid
from zerocarbon.renewables.weather import read_weather_csv
from zerocarbon.services.dashboard.plans import plan_view
from zerocarbon.services.inventory.runs import run_inventory
from zerocarbon.services.planning.assumptions import load_assumptions
from zerocarbon.services.planning.baseline import build_baseline
from zerocarbon.services.planning.runs import plan_files, write_plan

runner = CliRunner()
#: A test-only equal value (not a published 供电标准煤耗): the test checks the wiring, not the figure.
K_E = 0.3
BASIS = "  energy_basis: {electricity_kgce_per_kwh: {value: 0.3, source: test-only coefficient}}\n"
#: PV dear enough (12 000 CNY/kWp, test input) that without the target no new PV is built: the target binds.
TEXT = f"""
view: gbt32150
start_year: 2024
target_year: 2025
discount_rate: {{value: 0.06, source: test}}
site: {{latitude: 31.78, longitude: 119.95, altitude_m: 5}}
weather: {SAMPLE_WEATHER}
tariff: {{schedule: 平, prices: {{平: 0.72}}, export_price: 0.391, source: test tariff}}
prices: {{gas_yuan_per_gj: {{value: 97.6, source: test}}, diesel_yuan_per_t: {{value: 7800, source: test}}}}
boiler_efficiency: {{value: 0.92, source: test}}
measures: []
sizing:
  pv_kwp: {{capex: {{value: 12000, source: t}}, lifetime_years: {{value: 25, source: t}}, maximum: 60000}}
targets:
  intensity_tco2_per_tce: 1.3
{BASIS}"""


def _file(tmp: Path, text: str = TEXT) -> Path:
    p = tmp / "factory.planning.yaml"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    path = _file(tmp_path_factory.mktemp("zc"))
    return plan_files(SAMPLE_FILE, path, year=2023), path


def test_same_plan_as_the_core(case: tuple[dict[str, Any], Path]) -> None:
    """The YAML's target gives the plan of ``size`` with ``Targets(intensity…, EnergyBasis(…), FixedPart(…))`` on
    the same baseline, the fixed part computed independently of the service: E_fixed = the inventory's GB/T
    32150 total − its electricity lines; Q_fixed = the energy package's comprehensive energy − its electricity
    item (no heat is sized, so the natural gas is not modelled and stays in the fixed part). The level binds
    (1.3 = E/Q), and Q is k_e × electricity consumed (= the load: no storage) + Q_fixed."""
    plan, path = case
    a = load_assumptions(path)
    run = run_inventory(SAMPLE_FILE, 2023, mc_draws=0)
    inv = run.inventory
    elec = sum(r.emissions("gbt32150") for r in inv.lines if r.category in ELECTRICITY_CATEGORIES)
    # less the green power the inventory credits and the programme charges at the grid factor: 6 000 MWh × 0.5306
    # tCO2/MWh (national 2023, MEE/NBS 公告2025年第47号); gbt32150 does not count the certificates
    e_fixed = (float(inv.totals.gbt32150_total - elec) - 6000 * 0.5306) * 1000.0
    energy = energy_of(inv)
    q_fixed = float(energy.total_tce - energy.by_item["electricity"]) * 1000.0
    assert e_fixed > 0 and q_fixed > 0
    weather, _, header = read_weather_csv(a.weather)
    pv = simulate_pv(Site(31.78, 119.95, 5.0), [PVArray("unit", 20.0, 180.0, 1.0)], weather, header["source"])
    b = build_baseline(run.inventory, run.year, a, weather.index, pv.profile(),
                       np.asarray(weather["temp_air"], float), None).baseline
    sys = EnergySystem(b.index, b.load_kw, Grid(b.tariff, b.ef_grid, b.ef_grid_source,
                                                export_limit_kw=b.export_limit_kw), b.pv_profile, b.pv_kwp)
    cands = {"pv_kwp": Candidate(12000.0, 25.0, "t", existing=b.pv_kwp, maximum=60000.0)}
    core = size(sys, cands, Targets(intensity_tco2_per_tce=1.3, energy_basis=EnergyBasis(K_E, "test-only"),
                                    fixed_part=FixedPart(e_fixed, q_fixed, "test: independent")), 0.06)
    z = plan["sizing"]
    assert z["status"] == "optimal"
    assert z["capacities"]["pv_kwp"] == pytest.approx(core.capacities["pv_kwp"], rel=1e-9)
    assert z["objective"] == pytest.approx(core.result.objective, rel=1e-9)
    assert z["energy_tce"] == pytest.approx(core.result.balance["intensity_energy_tce"], rel=1e-9)
    assert z["zero_carbon_intensity"] == pytest.approx(core.result.indicators["zero_carbon_intensity"], rel=1e-9)
    # independent of the programme: Q = k_e × Σ load × 1 h / 1000 + Q_fixed [tce]; the target binds; I = E / Q
    assert z["energy_tce_modelled"] == pytest.approx(K_E * float(np.sum(b.load_kw)) / 1000.0, rel=1e-9)
    assert z["energy_tce"] == pytest.approx((K_E * float(np.sum(b.load_kw)) + q_fixed) / 1000.0, rel=1e-9)
    assert z["emissions_t_intensity"] == pytest.approx(z["emissions_t_electricity"] + e_fixed / 1000, rel=1e-9)
    assert z["zero_carbon_intensity"] == pytest.approx(1.3, rel=1e-7)
    assert z["zero_carbon_intensity"] == pytest.approx(z["emissions_t_intensity"] / z["energy_tce"], rel=1e-9)
    im = z["intensity_method"]
    assert im["scope"] == "factory" and {f["flow"] for f in im["modelled_flows"]} == {"import", "export", "renewable"}
    assert [c["value"] for c in im["constants"]] == pytest.approx([e_fixed, q_fixed], rel=1e-9)
    acc = im["baseline_account"]
    assert acc["fixed_emissions_t"] + acc["modelled_emissions_t"] == pytest.approx(acc["inventory_emissions_t"])
    assert acc["inventory_energy_tce"] == pytest.approx(float(energy.total_tce) - float(energy.by_item["electricity"])
                                                        + K_E * float(energy.by_item["electricity"]) / 0.1229,
                                                        rel=1e-9)  # electricity at k_e, not at 当量值 0.1229
    assert z["new_capacities"]["pv_kwp"] > 0  # PV built only for the target (next test: none without it)
    eb = z["energy_basis"]
    assert eb["electricity_kgce_per_kwh"] == K_E and eb["electricity_source"] == "test-only coefficient"
    assert eb["gas_from_library"] and eb["gas_kgce_per_kwh"] == pytest.approx(1.2143 * 3600 / 35544, rel=1e-12)
    assert z["targets"] == {"intensity_tco2_per_tce": 1.3}


def test_without_the_target_no_pv_is_added_but_the_indicator_is_reported(tmp_path: Path) -> None:
    plan = plan_files(SAMPLE_FILE, _file(tmp_path, TEXT.replace("  intensity_tco2_per_tce: 1.3\n", "")), year=2023)
    z = plan["sizing"]
    assert z["status"] == "optimal" and z["new_capacities"]["pv_kwp"] == pytest.approx(0.0, abs=1e-6)
    assert z["zero_carbon_intensity"] > 1.3 and z["energy_basis"]["electricity_source"] == "test-only coefficient"


def test_outputs_show_the_target_the_result_and_the_basis(case: tuple[dict[str, Any], Path], tmp_path: Path) -> None:
    plan = case[0]
    paths = write_plan(plan, tmp_path)
    zh = (tmp_path / "planning_report.zh-CN.html").read_text(encoding="utf-8")
    en = (tmp_path / "planning_report.en.html").read_text(encoding="utf-8")
    assert "单位能耗碳排放 ≤ tCO2/tce" in zh and "配置方案下的能源消费量" in zh and "test-only coefficient" in zh
    assert "Zero-carbon intensity ≤ tCO2/tce" in en and "1.3000" in en and "0.122988" in en
    assert '"energy_tce"' in (tmp_path / "planning.json").read_text(encoding="utf-8")
    assert "单位能耗碳排放口径: 工厂口径" in zh and "Scope of the zero-carbon intensity: factory scope" in en
    assert "E_fixed" in en and "JS-LIB-PACK-01 2023, view gbt32150" in en and "zero_carbon" in zh
    wb = load_workbook(next(p for p in paths if p.suffix == ".xlsx"))
    rows = {r[0]: r[1] for r in wb["配置 Sizing"].iter_rows(min_row=2, values_only=True)}
    assert rows["配置方案下的单位能耗碳排放 tCO2/tce"] == pytest.approx(1.3, rel=1e-7)
    assert "test-only coefficient" in rows["折标准煤系数（电力等价值、天然气）"]
    assert "工厂口径" in rows["单位能耗碳排放口径"] and "factory scope" in rows["单位能耗碳排放口径"]
    view = plan_view(plan, {"planning": "factory.planning.yaml", "equipment": None})["sizing"]
    assert view["intensity"]["display"] == "1.3000" and view["intensity_target"]["display"] == "1.3000"
    assert "test-only coefficient" in view["energy_basis"]
    assert "factory scope" in view["intensity_scope"]["en"] and "工厂口径" in view["intensity_scope"]["zh"]


@pytest.mark.parametrize(("text", "field"), [
    (TEXT.replace(BASIS, ""), "targets.energy_basis"),
    (TEXT.replace(BASIS, "  energy_basis: {gas_kgce_per_kwh: {value: 0.12, source: t}}\n"),
     "targets.energy_basis.electricity_kgce_per_kwh"),
    (TEXT.replace(BASIS, "  energy_basis: {electricity_kgce_per_kwh: 0.3}\n"),
     "targets.energy_basis.electricity_kgce_per_kwh"),
    (TEXT.replace(BASIS, "  energy_basis: {electricity_kgce_per_kwh: {value: -0.3, source: t}}\n"),
     "targets.energy_basis.electricity_kgce_per_kwh"),
    (TEXT.replace("intensity_tco2_per_tce", "intensity"), "targets.intensity"),
])
def test_missing_or_bad_basis_names_file_and_field(tmp_path: Path, text: str, field: str) -> None:
    path = _file(tmp_path, text)
    with pytest.raises(InputError) as exc:
        load_assumptions(path)
    assert exc.value.field == field and exc.value.file == str(path)
    assert exc.value.message_zh and exc.value.message_en and exc.value.message_zh != exc.value.message_en


def test_cli_refuses_a_missing_basis_in_both_languages(tmp_path: Path) -> None:
    path = _file(tmp_path, TEXT.replace(BASIS, ""))
    res = runner.invoke(app, ["plan", str(SAMPLE_FILE), "--assumptions", str(path)])
    assert res.exit_code == 2
    out = " ".join(res.output.split())
    assert "字段 targets.energy_basis" in out and "field targets.energy_basis" in out
    assert "供电标准煤耗" in out and "equal value of electricity" in out



def test_cli_summary_states_the_intensity_and_its_basis(tmp_path: Path) -> None:
    res = runner.invoke(app, ["plan", str(SAMPLE_FILE), "--assumptions", str(_file(tmp_path)), "--lang", "en"])
    assert res.exit_code == 0, res.output
    out = " ".join(res.output.split())
    assert "zero-carbon intensity 1.3000 tCO2/tce (target ≤ 1.3000)" in out and "test-only coefficient" in out


def test_dashboard_states_the_view_of_the_intensity(case: tuple[dict[str, Any], Path]) -> None:
    """The plan is in the gbt32150 view: the dashboard says, as the report does, that the 910号 indicator is the
    zero_carbon view's (CO2 only), in each language."""
    view = plan_view(case[0], {"planning": "factory.planning.yaml", "equipment": None})["sizing"]
    assert "工厂口径" in view["intensity_scope"]["zh"] and "zero_carbon 口径" in view["intensity_scope"]["zh"]
    assert "the zero_carbon view" in view["intensity_scope"]["en"]
