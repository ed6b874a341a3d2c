"""The renewable share of electricity (zerocarbon.renewables.share) from a small hand-built inventory.

Hand-checked: grid 800 MWh, green power 100 MWh, PV 150 MWh of which 50 MWh exported, and 40 MWh of
certificates applied: consumed = 800 + 100 + 150 − 50 = 1000 MWh, renewable = (150 − 50) + 100 + 40
= 240 MWh, share = 24 %.
"""

from __future__ import annotations

from decimal import Decimal

from zerocarbon.accounting.results import Inventory, LineResult, Totals
from zerocarbon.model.inventory_input import ActivityLine, Category
from zerocarbon.renewables import FORMULA, renewable_share

D = Decimal
ZERO = D(0)


def _line(line_id: str, category: Category, amount: str, unit: str, kind: str = "grid") -> LineResult:
    line = ActivityLine(id=line_id, facility="F", category=category, amount=D(amount), unit=unit, period="2023-01",
                        electricity_kind=kind,  # type: ignore[arg-type]
                        evidence="绿电交易凭证 GP-1" if kind == "green_power" else None)
    return LineResult(line=line, item_name_zh="", item_name_en="", gas="CO2", gas_mass_t=None, scope="2",
                      biomass=False, figures={})


def _inventory(lines: list[LineResult], certificates_mwh: list[str]) -> Inventory:
    totals = Totals(*([ZERO] * 8))
    return Inventory(factory_id="F", factory_name_zh="厂", factory_name_en="F", year=2023, settings={},
                     factor_library_version="test", lines=lines, totals=totals, breakdowns={}, intensities=[],
                     uncertainty=None, certificates_applied=[{"serial": f"GEC-{i}", "mwh": m}
                                                             for i, m in enumerate(certificates_mwh)],
                     certificates_excluded=[], warnings=[])


def test_share_and_parts_by_hand() -> None:
    inv = _inventory([
        _line("G", Category.ELECTRICITY_PURCHASED, "800000", "kWh"),
        _line("GP", Category.ELECTRICITY_PURCHASED, "100", "MWh", "green_power"),
        _line("PV", Category.ONSITE_RENEWABLE, "150", "MWh"),
        _line("X", Category.ELECTRICITY_EXPORTED, "50000", "kWh"),
    ], ["30", "10"])
    r = renewable_share(inv)
    assert r.grid_mwh == 800 and r.green_power_mwh == 100 and r.onsite_generated_mwh == 150
    assert r.exported_mwh == 50 and r.certificates_mwh == 40
    assert r.consumed_mwh == 1000 and r.onsite_consumed_mwh == 100 and r.renewable_mwh == 240
    assert r.share_pct == 24
    assert r.formula == FORMULA == ("(max(PV − export, 0) + green power + GEC) / (grid + green power + PV − export)"
                                    " × 100")
    assert r.derivation == "(100 + 100 + 40) MWh / 1000 MWh"


def test_exports_beyond_generation_count_nothing_on_site() -> None:
    inv = _inventory([_line("G", Category.ELECTRICITY_PURCHASED, "10", "MWh"),
                      _line("PV", Category.ONSITE_RENEWABLE, "1", "MWh"),
                      _line("X", Category.ELECTRICITY_EXPORTED, "2", "MWh")], [])
    r = renewable_share(inv)
    assert r.onsite_consumed_mwh == 0 and r.consumed_mwh == 9 and r.renewable_mwh == 0 and r.share_pct == 0


def test_no_electricity_has_no_share() -> None:
    r = renewable_share(_inventory([], []))
    assert r.share_pct is None and r.consumed_mwh == 0
    assert r.derivation == "(0 + 0 + 0) MWh / 0 MWh"
