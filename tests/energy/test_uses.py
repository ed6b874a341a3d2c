"""Energy uses per carrier of an inventory's lines (zerocarbon.energy.uses)."""

from __future__ import annotations

from decimal import Decimal

from zerocarbon.accounting.results import Figure, Inventory, LineResult, Totals
from zerocarbon.energy.comprehensive import comprehensive_energy
from zerocarbon.energy.uses import energy_of, energy_uses, facility_energy_uses, line_energy_use
from zerocarbon.model.inventory_input import ActivityLine, Category

D = Decimal


def _result(line_id: str, facility: str, category: Category, amount: str, unit: str, item: str | None = None,
            heat_gj: str | None = None) -> LineResult:
    line = ActivityLine(id=line_id, facility=facility, category=category, item=item, amount=D(amount), unit=unit,
                        period="2023-01", source=f"src-{line_id}")
    figures = {} if heat_gj is None else {"gbt32150": Figure("gbt32150", D(0), "", [], {"AD_GJ": heat_gj})}
    return LineResult(line=line, item_name_zh="", item_name_en="", gas="CO2", gas_mass_t=None, scope=None,
                      biomass=False, figures=figures)


LINES = [
    _result("EL", "A", Category.ELECTRICITY_PURCHASED, "1000", "kWh"),
    _result("PV", "S", Category.ONSITE_RENEWABLE, "200", "kWh"),
    _result("EX", "S", Category.ELECTRICITY_EXPORTED, "50", "kWh"),
    _result("ST", "A", Category.HEAT_PURCHASED, "10", "t", heat_gj="27.5"),
    _result("NG", "B", Category.FUEL_COMBUSTION, "100", "Nm3", item="天然气"),
    _result("PR", "B", Category.PROCESS_CARBONATE, "3", "t", item="CaCO3"),
]
INV = Inventory(factory_id="F", factory_name_zh="厂", factory_name_en="F", year=2023, settings={},
                factor_library_version="test", lines=LINES, totals=Totals(*([D(0)] * 8)), breakdowns={},
                intensities=[], uncertainty=None, certificates_applied=[], certificates_excluded=[], warnings=[])


def test_each_line_enters_as_its_carrier() -> None:
    uses = [line_energy_use(r) for r in LINES]
    el, pv, ex, st, ng, pr = uses
    assert el is not None and (el.item, el.amount, el.unit, el.direction) == ("electricity", D(1000), "kWh", "input")
    assert pv is not None and (pv.item, pv.direction) == ("electricity", "input")
    assert ex is not None and (ex.item, ex.amount, ex.direction) == ("electricity", D(50), "output")
    assert st is not None and (st.item, st.amount, st.unit, st.source) == ("heat", D("27.5"), "GJ", "ST (steam → heat)")
    assert ng is not None and (ng.item, ng.amount, ng.unit, ng.source) == ("天然气", D(100), "Nm3", "src-NG")
    assert pr is None  # process emissions are no energy use


def test_uses_by_facility_and_their_energy() -> None:
    assert [f for f, _ in facility_energy_uses(INV)] == ["A", "S", "S", "A", "B"]
    assert [u.source for u in energy_uses(INV, {"S"})] == ["src-PV", "src-EX"]
    assert len(energy_uses(INV)) == 5
    total = energy_of(INV).total_tce
    assert total == comprehensive_energy(energy_uses(INV)).total_tce
    parts = sum((comprehensive_energy(energy_uses(INV, {f})).total_tce for f in "ABS"), D(0))
    assert total == parts
    # electricity at 0.1229 kgce/kWh: (1000 + 200 − 50) kWh → 0.141335 tce
    assert comprehensive_energy(energy_uses(INV, {"S"})).total_tce == D("150") * D("0.1229") / 1000
