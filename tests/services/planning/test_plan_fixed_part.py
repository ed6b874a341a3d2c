"""The factory's emissions and energy outside the sizing programme, from the sample's baseline inventory:
which lines are left out, the view, and the fall-back to the modelled flows when the energy cannot be valued."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from zerocarbon.accounting.results import Inventory
from zerocarbon.demo.generator import SAMPLE_FILE
from zerocarbon.energy.uses import ELECTRICITY_CATEGORIES, energy_of
from zerocarbon.errors import FactorError
from zerocarbon.model.inventory_input import Category
from zerocarbon.renewables.intensity import EnergyBasis
from zerocarbon.services.inventory.runs import run_inventory
from zerocarbon.services.planning import fixed_part as fp_mod
from zerocarbon.services.planning.fixed_part import fixed_part
from zerocarbon.services.planning.runs import plan_files

BASIS = EnergyBasis(0.3, "test-only coefficient")


@pytest.fixture(scope="module")
def inv() -> Inventory:
    return run_inventory(SAMPLE_FILE, 2023, mc_draws=0).inventory


def _sum(inv: Inventory, view: str, pred: Any) -> float:
    return float(sum((r.emissions(view) for r in inv.lines if pred(r)), Decimal(0)))


def test_heat_modelled_moves_the_gas_lines_out(inv: Inventory) -> None:
    """Without heat decisions the natural gas stays in the fixed part; with them its lines leave it: the
    difference is the gas lines' own emissions and GB/T 2589 energy (energy package, by item)."""
    alone, acc0 = fixed_part(inv, "gbt32150", BASIS, heat_modelled=False)
    heat, acc1 = fixed_part(inv, "gbt32150", BASIS, heat_modelled=True)
    assert alone is not None and heat is not None
    gas_ids = {r.line.id for r in inv.lines if r.category is Category.FUEL_COMBUSTION and r.line.item == "天然气"}
    assert len(gas_ids) == 12
    gas_kg = _sum(inv, "gbt32150", lambda r: r.line.id in gas_ids) * 1000
    gas_kgce = float(energy_of(inv).by_item["natural_gas"]) * 1000
    assert alone.emissions_kg - heat.emissions_kg == pytest.approx(gas_kg, rel=1e-12)
    assert alone.energy_kgce - heat.energy_kgce == pytest.approx(gas_kgce, rel=1e-12)
    assert not gas_ids & {it["line"] for it in heat.items} and gas_ids <= {it["line"] for it in alone.items}
    assert not any(it["line"].startswith(("EL-", "PV-", "GP-")) for it in alone.items)
    assert gas_ids <= set(acc1["modelled_lines"]) and not gas_ids & set(acc0["modelled_lines"])
    # process and fugitive lines are in it (Na2CO3 decomposition, HFC-134a top-up), at zero energy
    kinds = {it["category"] for it in alone.items}
    assert {"process_carbonate", "fugitive", "heat_purchased"} <= kinds
    assert all(it["energy_kgce"] == 0 for it in alone.items if it["category"] in ("process_carbonate", "fugitive"))


def test_view_of_the_emissions(inv: Inventory) -> None:
    """In the zero_carbon view (CO2 only, 910号 附件4) the HFC top-up counts 0 and there is no view note; the
    gbt32150 view counts it and says the national indicator uses the zero_carbon view."""
    g, acc_g = fixed_part(inv, "gbt32150", BASIS, heat_modelled=False)
    z, acc_z = fixed_part(inv, "zero_carbon", BASIS, heat_modelled=False)
    assert g is not None and z is not None
    not_el = lambda r: r.category not in ELECTRICITY_CATEGORIES  # noqa: E731
    # less the purchased electricity's credit (test_green_power_…): 6 000 MWh green × 0.5306 in gbt32150,
    # (6 000 green + 8 000 certificates) × 0.8325 in zero_carbon
    assert g.emissions_kg == pytest.approx((_sum(inv, "gbt32150", not_el) - 6000 * 0.5306) * 1000, rel=1e-12)
    assert z.emissions_kg == pytest.approx((_sum(inv, "zero_carbon", not_el) - 14000 * 0.8325) * 1000, rel=1e-12)
    # HFC-134a 0.085 t × GWP 1 530 (AR6, the sample's gwp_set) = 130.05 tCO2e in gbt32150, not CO2: absent
    assert [it["emissions_kg"] for it in g.items if it["line"] == "HFC-2023"] == [pytest.approx(130050.0)]
    assert not [it for it in z.items if it["line"] == "HFC-2023"]
    assert g.energy_kgce == z.energy_kgce
    assert "view_note_en" in acc_g and "view_note_zh" not in acc_z
    assert acc_g["inventory_emissions_t"] == pytest.approx(float(inv.totals.gbt32150_total), rel=1e-12)


def test_energy_not_valued_falls_back_to_the_modelled_flows(inv: Inventory, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A line without a GB/T 2589 coefficient: no fixed part, the reason in zh and en, and the plan's sizing
    says its intensity covers the modelled flows only."""
    def refuse(*_: Any, **__: Any) -> Any:
        raise FactorError("GB/T 2589 系数表中没有 “x”", "GB/T 2589 has no coefficient for 'x'", field="item")

    monkeypatch.setattr(fp_mod, "comprehensive_energy", refuse)
    part, acc = fixed_part(inv, "gbt32150", BASIS, heat_modelled=False)
    assert part is None and "GB/T 2589 has no coefficient" in acc["reason_en"] and "没有" in acc["reason_zh"]
    from tests.services.planning.test_plan_intensity_target import TEXT

    path = tmp_path / "factory.planning.yaml"
    path.write_text(TEXT, encoding="utf-8")
    z = plan_files(SAMPLE_FILE, path, year=2023)["sizing"]
    im = z["intensity_method"]
    assert im["scope"] == "modelled_flows_only" and im["constants"] == []
    assert "modelled flows only" in im["baseline_account"]["reason_en"] and "未给出基准年清单" in im["note_zh"]
    assert z["energy_tce"] == pytest.approx(z["energy_tce_modelled"], rel=1e-12)


@pytest.mark.slow  # the sample's year with heat-pump and thermal-store sizing (~18 s)
def test_heat_sizing_models_the_gas(inv: Inventory, tmp_path: Path) -> None:
    """With a heat pump and a thermal store sized, the boiler's natural gas is a modelled flow: the constants
    are those of :func:`fixed_part` with the gas lines left out, and the intensity is E / Q of the whole."""
    from tests.services.planning.test_plan_intensity_target import TEXT
    from tests.services.planning.test_plan_storage_intensity import HEAT_SIZING

    text = TEXT.replace("  intensity_tco2_per_tce: 1.3\n", "")
    text = text[:text.index("sizing:")] + HEAT_SIZING.lstrip() + text[text.index("targets:"):]
    path = tmp_path / "factory.planning.yaml"
    path.write_text(text, encoding="utf-8")
    z = plan_files(SAMPLE_FILE, path, year=2023)["sizing"]
    assert z["status"] == "optimal"
    im = z["intensity_method"]
    assert {f["flow"] for f in im["modelled_flows"]} >= {"heat_pump", "gas_boiler", "thermal_charge", "import"}
    expected, _ = fixed_part(inv, "gbt32150", BASIS, heat_modelled=True)
    assert expected is not None
    assert [c["value"] for c in im["constants"]] == pytest.approx([expected.emissions_kg, expected.energy_kgce])
    assert z["energy_tce"] == pytest.approx(z["energy_tce_modelled"] + expected.energy_kgce / 1000, rel=1e-9)
    assert z["zero_carbon_intensity"] == pytest.approx(z["emissions_t_intensity"] / z["energy_tce"], rel=1e-9)


def test_green_power_and_certificates_are_credited_as_the_view_credits_them(inv: Inventory, tmp_path: Path) -> None:
    """The programme charges every kWh it imports at the grid factor; the inventory credits the 6 000 MWh of
    green power (both views) and the 8 000 MWh of certificates (zero_carbon view only; gbt32150 does not count
    them: GEC_MWh_not_counted). The fixed part carries that difference, so that with no new capacity the
    plan's factory intensity is the inventory's: E_fixed = E_inventory − EF_grid × purchased MWh (41 799.6 MWh
    = 35 799.6 grid + 6 000 green; EF 0.8325 tCO2/MWh, the value the zero-carbon regime prints, MEE/NBS data
    year 2022; 0.5306 national 2023, MEE/NBS 公告2025年第47号) when the onsite/export lines count 0 (zero_carbon),
    and − the export lines' −323.61294 t in gbt32150 (GB/T 32150 subtracts exports; the programme does not)."""
    z, _ = fixed_part(inv, "zero_carbon", BASIS, heat_modelled=False)
    g, acc = fixed_part(inv, "gbt32150", BASIS, heat_modelled=False)
    assert z is not None and g is not None
    e_zc = float(sum((r.emissions("zero_carbon") for r in inv.lines), Decimal(0)))
    assert z.emissions_kg / 1000 == pytest.approx(e_zc - 0.8325 * 41799.6, rel=1e-12)
    assert g.emissions_kg / 1000 == pytest.approx(float(inv.totals.gbt32150_total) - 0.5306 * 41799.6 + 323.61294,
                                                  rel=1e-12)
    assert acc["fixed_emissions_t"] + acc["modelled_emissions_t"] == pytest.approx(acc["inventory_emissions_t"])
    assert acc["purchases_credit_t"] == pytest.approx(6000 * 0.5306, rel=1e-12)  # green power only in gbt32150
    from tests.services.planning.test_plan_intensity_target import TEXT

    path = tmp_path / "factory.planning.yaml"
    path.write_text(TEXT.replace("  intensity_tco2_per_tce: 1.3\n", "").replace("view: gbt32150", "view: zero_carbon"),
                    encoding="utf-8")
    s = plan_files(SAMPLE_FILE, path, year=2023)["sizing"]
    assert s["new_capacities"]["pv_kwp"] == pytest.approx(0.0, abs=1e-6)
    # no new capacity: the factory's E = the inventory's 910号 E + EF × (the programme's import − purchased MWh)
    imported_mwh = s["emissions_t_electricity"] / 0.8325
    assert s["emissions_t_intensity"] == pytest.approx(e_zc + 0.8325 * (imported_mwh - 41799.6), rel=1e-9)
