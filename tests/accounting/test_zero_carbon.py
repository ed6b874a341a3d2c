"""The zero-carbon indicator (单位能耗碳排放) of an all-electric factory, worked by hand.

Source of the method: 发改环资〔2025〕910号 附件3 二.1–二.2 and 附件4 二(二)3① (single stored copy,
docs/method-regimes.md §5): non-fossil electricity (direct supply, green-power trade, certificates) at
0, all other electricity at the national fossil-power factor printed as 0.8325 kgCO2/kWh (MEE/NBS 2022
data; electricity.csv row elec.electricity_fossil.CN.2022.mee-2024-12-20); electricity into tce at its
equal value. The equal-value coefficient 0.300 kgce/kWh used here is a round TEST value, not a
published 供电标准煤耗.

Hand-worked, 1 000 MWh consumed, E_tce = 1 000 000 kWh × 0.300 kgce/kWh = 300 tce:

* 0 % green power: E = 1 000 × 0.8325 = 832.5 t; 832.5 / 300 = 2.775 tCO2/tce; share 0.
* 40 % (400 MWh green-power trade): E = 600 × 0.8325 = 499.5 t; 1.665 tCO2/tce; share 0.4;
  traceable share 0 (a trade is not physically traceable).
* 100 % (1 000 MWh green-power trade): E = 0; 0 tCO2/tce; share 1.
* 40 % from on-site PV (400 MWh generated and used): E = 499.5 t; share 0.4; traceable share 1.
* 40 % by 400 retired certificates on a 1 000 MWh grid purchase: E = 499.5 t; share 0.4; traceable 0.
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from zerocarbon.accounting.inventory import compute_inventory
from zerocarbon.accounting.zero_carbon import carbon_per_energy, indicator
from zerocarbon.energy.comprehensive import comprehensive_energy
from zerocarbon.energy.uses import energy_uses
from zerocarbon.model.inventory_input import InventoryInput

EQ = D("0.300")  # test value [kgce/kWh], not a published figure


def _doc(grid: str, green: str = "0", onsite: str = "0", certs: str = "0") -> dict[str, Any]:
    activity: list[dict[str, Any]] = []
    if grid != "0":
        activity.append({"id": "grid", "facility": "A", "category": "electricity_purchased", "amount": grid,
                         "unit": "MWh", "period": "2023"})
    if green != "0":
        activity.append({"id": "green", "facility": "A", "category": "electricity_purchased", "amount": green,
                         "unit": "MWh", "period": "2023", "electricity_kind": "green_power",
                         "evidence": "绿电交易凭证"})
    if onsite != "0":
        activity.append({"id": "pv", "facility": "A", "category": "onsite_renewable", "amount": onsite,
                         "unit": "MWh", "period": "2023"})
    certificates = [{"serial": "G1", "mwh": certs, "generation_period": "2023-06", "retired": True,
                     "retired_for": "2023", "retirement_proof": "RP-G1"}] if certs != "0" else []
    return {"factory": {"id": "E", "name_zh": "全电工厂", "province": "江苏",
                        "facilities": [{"id": "A", "name_zh": "车间"}]},
            "settings": {"equal_value_coefficient": str(EQ), "equal_value_source": "test value, not published"},
            "activity": activity, "certificates": certificates}


def _indicator(doc: dict[str, Any]) -> Any:
    data = InventoryInput.model_validate(doc)
    inv = compute_inventory(data, 2023, mc_draws=0)
    energy = comprehensive_energy(energy_uses(inv), electricity_basis="equal_value",
                                  equal_value_coefficient=data.settings.equal_value_coefficient,
                                  equal_value_source=data.settings.equal_value_source)
    return inv, indicator(inv, energy)


@pytest.mark.parametrize(("doc", "co2", "intensity", "nf_share", "traceable"), [
    (_doc("1000"), D("832.5"), D("2.775"), D(0), None),
    (_doc("600", green="400"), D("499.5"), D("1.665"), D("0.4"), D(0)),
    (_doc("0", green="1000"), D(0), D(0), D(1), D(0)),
    (_doc("600", onsite="400"), D("499.5"), D("1.665"), D("0.4"), D(1)),
    (_doc("1000", certs="400"), D("499.5"), D("1.665"), D("0.4"), D(0)),
])
def test_all_electric_factory(doc: dict[str, Any], co2: D, intensity: D, nf_share: D, traceable: D | None) -> None:
    inv, ind = _indicator(doc)
    assert ind.co2_t == co2
    assert ind.energy_tce == D(300)
    assert ind.intensity == intensity
    assert ind.non_fossil_share == nf_share
    assert ind.traceable_share == traceable
    assert D(inv.regimes["zero-carbon"]["totals"]["total_co2"]) == co2


def test_printed_or_data_year_fossil_factor() -> None:
    """zero_carbon_fossil_factor = data_year takes the 2023 fossil factor 0.8273 (MEE/NBS 公告2025年第47号)."""
    doc = _doc("1000")
    doc["settings"]["zero_carbon_fossil_factor"] = "data_year"
    _, ind = _indicator(doc)
    assert ind.co2_t == D("827.3")


def test_without_equal_value_the_intensity_is_not_assessable() -> None:
    doc = _doc("1000")
    doc["settings"] = {}
    inv = compute_inventory(InventoryInput.model_validate(doc), 2023, mc_draws=0)
    ind = indicator(inv, comprehensive_energy(energy_uses(inv)))
    assert ind.intensity is None and "等价值" in ind.not_assessable
    assert ind.co2_t == D("832.5")


def test_formula() -> None:
    assert carbon_per_energy(D("832.5"), D(300)) == D("2.775")
