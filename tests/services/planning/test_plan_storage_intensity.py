"""The plan with thermal storage in its sizing, the shipped Jiangsu tariff table, and the zero-carbon
indicator of each roadmap year (recomputed by the inventory's own functions)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from tests.services.planning.test_planning import REGISTER, SMALL, small

from zerocarbon.demo.generator import SAMPLE_FILE
from zerocarbon.errors import InputError
from zerocarbon.services.planning.runs import plan_files, write_plan

FLAT = "tariff: {schedule: 平, prices: {平: 0.72}, export_price: 0.391, source: test tariff}"
JIANGSU = ("tariff: {table: jiangsu-2025, user_class: two_part, purchase_price: {value: 0.40, source: test price}, "
           "non_floating: {value: 0.20, source: test adders}, export_price: 0.30}")
HEAT_SIZING = """
sizing:
  heat_pump_kw: {capex: {value: 3000, source: t}, lifetime_years: {value: 15, source: t}, sink_c: 60}
  thermal_storage_kwh: {capex: {value: 100, source: t}, lifetime_years: {value: 20, source: t},
    standing_loss: {value: 0.005, source: t}, eta_charge: {value: 0.98, source: t},
    eta_discharge: {value: 0.98, source: t}, charge_kw: 2000, discharge_kw: 2000}
"""


def _factory_with_coefficient(tmp: Path) -> Path:
    """The sample factory with an equal-value coefficient: a test-only input (not a published 供电标准煤耗)."""
    text = SAMPLE_FILE.read_text(encoding="utf-8").replace(
        "settings:\n", "settings:\n  equal_value_coefficient: '0.300'\n  equal_value_source: test-only input\n", 1)
    p = tmp / "factory.yaml"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def zc_plan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("zc")
    text = SMALL.replace("view: gbt32150", "view: zero_carbon")
    return plan_files(_factory_with_coefficient(tmp), small(tmp, text), register=REGISTER, year=2023)


@pytest.fixture(scope="module")
def heat_plan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("heat")
    return plan_files(SAMPLE_FILE, small(tmp, SMALL.replace(FLAT, JIANGSU) + HEAT_SIZING), register=REGISTER,
                      year=2023)


def test_intensity_each_year_is_the_inventory_after_the_measures(zc_plan: dict[str, Any]) -> None:
    """In the zero-carbon view the recomputed inventory's E equals the roadmap's residual each year (same
    emissions, computed two ways), the intensity is E / energy, and it falls as measures come in."""
    base = zc_plan["indicators"]["zero_carbon"]
    base_i = float(base["intensity_tco2_per_tce"])
    rows = zc_plan["roadmap"]
    assert len(rows) == 3
    last = base_i
    for r in rows:
        z = r["zero_carbon"]
        assert z["co2_t"] == pytest.approx(r["residual_t"], rel=1e-9)
        assert z["intensity_tco2_per_tce"] == pytest.approx(z["co2_t"] / z["energy_tce"], rel=1e-9)
        assert z["intensity_tco2_per_tce"] < last
        assert z["measures_in_place"] and not z["reason_en"]
        last = z["intensity_tco2_per_tce"]


def test_not_assessable_without_equal_value(heat_plan: dict[str, Any], tmp_path: Path) -> None:
    """The sample has no 供电标准煤耗: every year says why, as the verdict does, in both outputs."""
    for r in heat_plan["roadmap"]:
        z = r["zero_carbon"]
        assert z["intensity_tco2_per_tce"] is None
        assert "供电标准煤耗" in z["reason_zh"] and "equal value" in z["reason_en"]
    paths = write_plan(heat_plan, tmp_path)
    zh = next(p for p in paths if p.name.endswith("zh-CN.html")).read_text(encoding="utf-8")
    en = next(p for p in paths if p.name.endswith(".en.html")).read_text(encoding="utf-8")
    assert "无法评估" in zh and "供电标准煤耗" in zh
    assert "not assessable" in en and "蓄热容量" in zh and "Thermal storage kWh_th" in en
    wb = load_workbook(next(p for p in paths if p.suffix == ".xlsx"))
    labels = [r[0] for r in wb["配置 Sizing"].iter_rows(min_row=2, values_only=True)]
    assert "蓄热容量 kWh（热）" in labels and "蓄热散热损失 kWh（热）/a" in labels
    assert all(str(r[5]).startswith("无法评估") for r in wb["路线图 Roadmap"].iter_rows(min_row=2, values_only=True))


def test_thermal_storage_sized_and_balanced(heat_plan: dict[str, Any]) -> None:
    """Heat pump and tank are built under the Jiangsu periods; the heat balance over the year closes:
    heat pump + gas boiler + discharge − charge = the boiler heat of the baseline (gas × η / 0.0036)."""
    z = heat_plan["sizing"]
    assert z["status"] == "optimal"
    assert z["capacities"]["thermal_storage_kwh"] > 0 and z["capacities"]["heat_pump_kw"] > 0
    h = z["heat"]
    demand = heat_plan["baseline"]["gas_gj"] * 0.92 / 0.0036
    assert h["heat_pump"] + h["gas_boiler"] + h["thermal_discharge"] - h["thermal_charge"] == pytest.approx(demand,
                                                                                                           rel=1e-6)
    assert h["thermal_charge"] - h["thermal_discharge"] - h["thermal_loss"] - h["thermal_conversion_loss"] == \
        pytest.approx(h["thermal_stored_end"] - h["thermal_stored_start"], abs=1e-3)
    assert h["thermal_loss"] > 0
    assert "苏发改价格发〔2025〕426号" in heat_plan["assumptions"]["tariff_source"]
    assert "test price" in heat_plan["assumptions"]["tariff_source"]


def test_missing_inputs_name_the_field(tmp_path: Path) -> None:
    no_price = JIANGSU.replace("purchase_price: {value: 0.40, source: test price}, ", "")
    with pytest.raises(InputError) as exc:
        plan_files(SAMPLE_FILE, small(tmp_path, SMALL.replace(FLAT, no_price)), year=2023)
    assert exc.value.field == "tariff.purchase_price"
    no_loss = HEAT_SIZING.replace("standing_loss: {value: 0.005, source: t}, ", "")
    with pytest.raises(InputError) as exc:
        plan_files(SAMPLE_FILE, small(tmp_path, SMALL.replace(FLAT, JIANGSU) + no_loss), year=2023)
    assert exc.value.field == "sizing.thermal_storage_kwh.time_constant_h"
    arbitrage = JIANGSU.replace("export_price: 0.30", "export_price: 0.391")
    with pytest.raises(InputError) as exc:
        plan_files(SAMPLE_FILE, small(tmp_path, SMALL.replace(FLAT, arbitrage) + HEAT_SIZING), year=2023)
    assert exc.value.field == "export_limit_kw"
