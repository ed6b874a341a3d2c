"""A small factory whose inventory is worked out by hand, line by line, in every view.

Factors (all in the shipped library, rows valid for data year 2023): natural gas 389.31 GJ/10⁴Nm3,
0.0153 tC/GJ, 0.99 (the pre-2025 compilation rows, same values as GB/T 32151.34—2024 Table C.1,
which is valid only from 2025-03-01); 2023 grid factors 0.5306 national, 0.6096 national excluding
market-traded non-fossil power, 0.5500 华东 (MEE/NBS 公告2025年第47号); heat 0.11 tCO2/GJ (the
pre-2025 row; GB/T 32150—2025 §7.5.6 from 2026-07-01); HFC-134a GWP AR6 1530 (IPCC AR6 WG1 Table 7.SM.7).
Data year 2023 is under GB/T 32150-2015 (accounting/data/regimes.yaml).
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from zerocarbon.accounting.inventory import compare_years, compute_inventory
from zerocarbon.errors import InputError
from zerocarbon.factors import FactorLibrary, FactorRow, Item, default_library
from zerocarbon.model.inventory_input import InventoryInput

NG = D(10) * D("389.31") * D("0.0153") * D("0.99") * D(44) / D(12)  # 216.2188809


def factory(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "factory": {"id": "T", "name_zh": "测试工厂", "province": "上海",
                    "facilities": [{"id": "A", "name_zh": "车间A"}, {"id": "B", "name_zh": "车间B"}],
                    "products": [{"id": "P", "name_zh": "产品", "unit": "t", "facilities": ["A"],
                                  "shared_allocation": "1"}]},
        "settings": {"gbt32150_grid_scope": "regional"},
        "activity": [
            {"id": "ng", "facility": "A", "category": "fuel_combustion", "item": "天然气", "amount": "10",
             "unit": "万Nm3", "period": "2023-01"},
            {"id": "el", "facility": "A", "category": "electricity_purchased", "amount": "100", "unit": "MWh",
             "period": "2023-01"},
            {"id": "gp", "facility": "B", "category": "electricity_purchased", "amount": "50", "unit": "MWh",
             "period": "2023", "electricity_kind": "green_power", "evidence": "绿电交易凭证"},
            {"id": "ex", "facility": "B", "category": "electricity_exported", "amount": "10", "unit": "MWh",
             "period": "2023-02"},
            {"id": "ht", "facility": "B", "category": "heat_purchased", "amount": "100", "unit": "GJ",
             "period": "2023"},
            {"id": "hfc", "facility": "B", "category": "process_gas", "item": "HFC-134a", "amount": "10",
             "unit": "kg", "period": "2023"},
            {"id": "rec", "facility": "A", "category": "co2_recovered", "amount": "5", "unit": "tCO2",
             "period": "2023", "evidence": "回收利用计量记录"},
        ],
        "certificates": [{"serial": "G1", "mwh": "40", "generation_period": "2023-05", "retired": True,
                          "retired_for": "2023", "retirement_proof": "RP-G1"}],
        "production": [{"product": "P", "period": "2023", "amount": "1000", "unit": "t"}],
    }
    doc.update(overrides)
    return doc


def run(doc: dict[str, Any], year: int = 2023) -> Any:
    return compute_inventory(InventoryInput.model_validate(doc), year, mc_draws=2000)


def test_hand_worked_inventory() -> None:
    inv = run(factory())
    e = {r.line.id: r for r in inv.lines}
    assert e["ng"].emissions() == NG
    # GB/T 32150-2015 view, regional grid (上海 → 华东 0.5500). Changed for issue 9: green power bought
    # with its consumption proof counts at 0 under the regime (MEE practice, 环办气候函〔2023〕332号), and
    # the retired unbundled certificate G1 does not reduce the GB/T figure (before: gp 27.5 t counted).
    assert e["el"].emissions() == D("55.00")
    assert e["gp"].emissions() == 0
    assert e["ex"].emissions() == D("-5.500")
    assert e["ht"].emissions() == D("11.00")
    assert e["hfc"].emissions() == D("15.300")
    assert e["rec"].emissions() == D("-5")
    assert inv.totals.gbt32150_total == NG + D("55") - D("5.5") + D("11") + D("15.3") - D("5")
    # scope 1 adds the natural gas's CH4/N2O (IPCC 2006 Vol. 2 Table 2.3: 1 and 0.1 kg/TJ; AR6 29.8, 273):
    # 3893.1 GJ × (1 × 29.8 + 0.1 × 273) × 10⁻⁶ = 0.22259… t (tests/accounting/test_scope1_combustion.py)
    assert inv.totals.scope1 == NG + D("3893.1") * (D("29.8") + D("27.3")) / D(10**6) + D("15.3")
    # location: 上海 2023 provincial factor if published, else 华东; read it from the trace
    loc_ef = e["el"].figures["location"].factors[0].value
    assert inv.totals.scope2_location == (D(100) + D(50)) * loc_ef + D(11)
    # market: green power 0; 40 MWh of GEC; 60 MWh × 0.6096 residual; heat 11
    assert e["el"].figures["market"].emissions == D(60) * D("0.6096")
    assert e["gp"].figures["market"].emissions == 0
    assert inv.totals.scope2_market == D(60) * D("0.6096") + D(11)
    assert inv.totals.exported_electricity == D("-5.5") and inv.totals.recovered_co2 == D(-5)
    # the exported MWh is not netted out of scope 2
    assert "location" not in e["ex"].figures
    assert inv.breakdowns["gas_mass_t"]["HFC-134a"] == D("0.010")
    assert inv.intensities[0].intensity == inv.totals.gbt32150_total / D(1000)


def test_unbundled_certificates_do_not_reduce_the_gbt_view() -> None:
    """Changed for issue 9: under GB/T 32150-2015 (with the MEE practice) retired unbundled certificates do
    not reduce the figure (before: 60 MWh × 0.5306); green power with proof still counts at 0."""
    inv = run(factory(settings={"gbt32150_grid_scope": "national", "gbt32150_green_power_zero": True}))
    e = {r.line.id: r for r in inv.lines}
    assert e["gp"].emissions() == 0
    assert e["el"].emissions() == D(100) * D("0.5306")
    assert e["el"].figures["gbt32150"].intermediates["GEC_MWh_not_counted"] == "40"
    assert e["el"].figures["market"].emissions == D(60) * D("0.6096")


def test_biomass_reported_separately() -> None:
    """Biomass CO2 is computed and reported, but not in any total (GB/T 32150 §1.1 of standards-cn.md).

    The shipped library holds no verified biomass defaults, so this test adds a synthetic item with
    round test values (not a published factor) to a copy of the library.
    """
    base = default_library()
    item = Item("test_biomass", "fuel", "测试生物质", "test biomass", "solid", "t", True, ())
    rows = [FactorRow(f"test.{p}", "test_biomass", p, "", "CO2", D(v), u, "*", None, None, None,
                      "synthetic test value", "", "", "assumption", True, None, "test only", "test")
            for p, v, u in (("ncv", "10", "GJ/t"), ("carbon_content", "0.03", "tC/GJ"),
                            ("oxidation_rate", "1", "dimensionless"))]
    lib = FactorLibrary([*base.rows, *rows], [*base.items.values(), item], list(base.regions.values()),
                        "test", list(base.quality.values()))
    doc = factory()
    doc["activity"].append({"id": "bio", "facility": "A", "category": "fuel_combustion", "item": "测试生物质",
                            "amount": "1", "unit": "t", "period": "2023"})
    inv = compute_inventory(InventoryInput.model_validate(doc), 2023, lib, mc_draws=0)
    assert inv.totals.biomass_co2 == D(10) * D("0.03") * D(44) / D(12)
    assert inv.totals.gbt32150_total == run(factory()).totals.gbt32150_total
    assert inv.line("bio").biomass


def test_measured_values_override_defaults() -> None:
    doc = factory()
    doc["activity"][0]["measured"] = {"carbon_content": {"value": "0.0150", "unit": "tC/GJ",
                                                         "evidence": "CMA 检测报告 2023-017"}}
    inv = run(doc)
    line = inv.line("ng")
    assert line.emissions() == D(10) * D("389.31") * D("0.0150") * D("0.99") * D(44) / D(12)
    cc = next(f for f in line.figures["gbt32150"].factors if f.parameter == "carbon_content")
    assert cc.origin == "measured" and cc.evidence == "CMA 检测报告 2023-017"


def test_certificates_larger_than_purchase_raise() -> None:
    doc = factory(certificates=[{"serial": "G1", "mwh": "100.5", "generation_period": "2023-05",
                                 "retired": True, "retired_for": "2023", "retirement_proof": "RP-G1"}])
    with pytest.raises(InputError) as err:
        run(doc)
    assert "larger than purchased" in err.value.message_en


def test_certificates_of_another_year_or_unretired_are_excluded() -> None:
    doc = factory(certificates=[
        {"serial": "OLD", "mwh": "40", "generation_period": "2022-12", "retired": True, "retired_for": "2023"},
        {"serial": "OPEN", "mwh": "40", "generation_period": "2023-02", "retired": False, "retired_for": "2023"},
    ])
    inv = run(doc)
    assert {c.serial for c in inv.certificates_excluded} == {"OLD", "OPEN"}
    assert inv.totals.scope2_market == D(100) * D("0.6096") + D(11)


def test_month_matching() -> None:
    """With monthly matching a May certificate cannot cover January electricity."""
    doc = factory(settings={"certificate_matching": "month"})
    with pytest.raises(InputError):
        run(doc)
    doc["certificates"][0]["generation_period"] = "2023-01"
    assert run(doc).totals.scope2_market == D(60) * D("0.6096") + D(11)


def test_bundled_certificate_is_not_applied_twice() -> None:
    doc = factory(certificates=[{"serial": "B1", "mwh": "50", "generation_period": "2023-03", "retired": True,
                                 "retired_for": "2023", "bundled_with": "gp"}])
    inv = run(doc)
    assert inv.line("el").figures["market"].emissions == D(100) * D("0.6096")
    doc["certificates"][0]["mwh"] = "51"
    with pytest.raises(InputError):
        run(doc)


def test_data_year_without_factors_raises() -> None:
    doc = factory()
    for line in doc["activity"]:
        line["period"] = "2015"
    doc["certificates"] = []
    with pytest.raises(Exception) as err:
        run(doc, 2015)
    assert "2015" in str(err.value)


def test_year_comparison() -> None:
    doc = factory()
    doc["activity"].append({"id": "ng22", "facility": "A", "category": "fuel_combustion", "item": "天然气",
                            "amount": "20", "unit": "万Nm3", "period": "2022"})
    data = InventoryInput.model_validate(doc)
    invs = {y: compute_inventory(data, y, mc_draws=0) for y in (2022, 2023)}
    cmp = compare_years(invs, 2022)
    assert cmp["yoy"]["2023"]["gbt32150_total"]["from"] == str(invs[2022].totals.gbt32150_total)
    assert D(cmp["vs_base"]["2023"]["scope1"]["delta"]) == invs[2023].totals.scope1 - invs[2022].totals.scope1


def test_monthly_breakdown_sums_to_total() -> None:
    inv = run(factory())
    assert sum(inv.breakdowns["period"].values()) == inv.totals.gbt32150_total
    assert sum(inv.breakdowns["facility"].values()) == inv.totals.gbt32150_total
    assert sum(inv.breakdowns["category"].values()) == inv.totals.gbt32150_total
