"""Fugitive emissions (逸散排放) as their own scope 1 category: E = M × GWP.

GWP: HFC-134a AR6 1530, SF6 AR6 25200 (IPCC AR6 WG1 Table 7.SM.7, ``gwp.csv``).
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from zerocarbon.accounting.inventory import compute_inventory
from zerocarbon.ingest.activity_file import load_activity_file
from zerocarbon.model.inventory_input import SCOPE1, Category, InventoryInput
from zerocarbon.model.vocabulary import category_label


def test_fugitive_lines() -> None:
    """0.085 t HFC-134a × 1530 = 130.05 t; 2 kg SF6 × 25 200 = 50.4 t; same in every view."""
    doc: dict[str, Any] = {
        "factory": {"id": "T", "name_zh": "厂", "province": "江苏", "facilities": [{"id": "A", "name_zh": "A"}]},
        "activity": [
            {"id": "hfc", "facility": "A", "category": "fugitive", "item": "R134a", "amount": "0.085", "unit": "t",
             "period": "2023"},
            {"id": "sf6", "facility": "A", "category": "fugitive", "item": "六氟化硫", "amount": "2", "unit": "kg",
             "period": "2023"}]}
    inv = compute_inventory(InventoryInput.model_validate(doc), 2023, mc_draws=0)
    hfc, sf6 = inv.line("hfc"), inv.line("sf6")
    assert hfc.scope == "1" and hfc.gas == "HFC-134a" and hfc.gas_mass_t == D("0.085")
    for view in ("gbt32150", "location", "market"):
        assert hfc.emissions(view) == D("130.050") and sf6.emissions(view) == D("50.4")
    assert inv.totals.scope1 == inv.totals.gbt32150_total == D("180.450")
    assert inv.breakdowns["category"] == {"fugitive": D("180.450")}
    assert inv.breakdowns["scope1_gas_co2e"] == {"HFC-134a": D("130.050"), "SF6": D("50.4")}
    assert "fugitive" in hfc.figures["gbt32150"].formula


def test_fugitive_is_scope1_and_labelled() -> None:
    assert Category.FUGITIVE in SCOPE1
    assert category_label("fugitive", "zh") == "逸散排放"
    assert category_label("fugitive", "en") == "Fugitive emissions"


def test_sample_chiller_top_up_is_fugitive(sample_path: Any) -> None:
    data = load_activity_file(sample_path).data
    hfc = [a for a in data.activity if a.item == "HFC-134a"]
    assert hfc and all(a.category is Category.FUGITIVE for a in hfc)
    assert not [a for a in data.activity if a.category is Category.PROCESS_GAS]
