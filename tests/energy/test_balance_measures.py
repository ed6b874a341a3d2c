"""Energy balance (能量平衡), transformer losses, metered savings and the one Measure type, on hand-worked cases.

GB 18613-2020 表1 values used (as shipped, ``zerocarbon/energy/data/gb18613-2020.csv``): 90 kW, 2 poles:
96.6 / 95.8 / 95.0 %; 37 kW, 4 poles: 96.1 / 95.2 / 93.9 %.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from zerocarbon.energy.balance import Conversion, SupplyLine, energy_balance, transformer_loss_kwh
from zerocarbon.energy.equipment import Equipment, grade_motor
from zerocarbon.energy.measures import rank_by_abatement, rank_by_payback, upgrade_measure
from zerocarbon.energy.savings import kwh_saved_metered, upgrade_to_grade1
from zerocarbon.errors import InputError


def _motor(code: str, kw: str, poles: int, eta: str, **kw_args: object) -> Equipment:
    return Equipment(code=code, kind="motor_lv", rated_power_kw=D(kw), poles=poles, efficiency_pct=D(eta),
                     **kw_args)  # type: ignore[arg-type]


def test_balance_closes_with_conversions_and_flags_estimates() -> None:
    supply = [SupplyLine("UT", "natural_gas", D("100"), "metered"), SupplyLine("UT", "electricity", D("50"), "metered"),
              SupplyLine("L1", "electricity", D("200"), "declared"),
              SupplyLine("PV", "electricity", D("-3"), "metered")]
    convs = [Conversion("B1", "boiler", "UT", "natural_gas", "heat", efficiency=D("0.9"),
                         outputs=(("L1", D("0.6")), ("L2", D("0.4")))),
             Conversion("T1", "transformer", "UT", "electricity", "electricity", loss_tce=D("0.5"))]
    b = energy_balance(supply, convs)
    assert b.loss_by_conversion == {"B1": D("10.0"), "T1": D("0.5")}
    assert b.end_use_by_node == {"L1": D("200") + D("54.0"), "L2": D("36.0"), "UT": D("49.5")}
    assert b.total_export == D("3") and b.closure == 0
    assert b.estimated_tce == D("150")
    bases = {(f.source, f.target): f.basis for f in b.flows}
    assert bases[("supply:natural_gas", "conv:B1")] == "metered"
    assert bases[("conv:B1", "end:L2")] == "estimated" and bases[("conv:B1", "loss")] == "estimated"
    assert bases[("supply:electricity", "end:L1")] == "declared"


@pytest.mark.parametrize("conv", [
    Conversion("B1", "boiler", "UT", "natural_gas", "heat"),                               # no η, no loss
    Conversion("B1", "boiler", "UT", "natural_gas", "heat", efficiency=D("1.1")),           # η > 1
    Conversion("B1", "boiler", "UT", "natural_gas", "heat", efficiency=D("0.9"),
               outputs=(("L1", D("0.5")), ("L2", D("0.4")))),                             # shares ≠ 1
    Conversion("B1", "boiler", "UT", "natural_gas", "heat", loss_tce=D("101")),             # loss > input
])
def test_balance_refuses_bad_conversions(conv: Conversion) -> None:
    with pytest.raises(InputError):
        energy_balance([SupplyLine("UT", "natural_gas", D("100"), "metered")], [conv])


def test_two_conversions_of_one_supply_are_refused() -> None:
    c = Conversion("B1", "boiler", "UT", "natural_gas", "heat", efficiency=D("0.9"))
    with pytest.raises(InputError, match="two conversions"):
        energy_balance([SupplyLine("UT", "natural_gas", D("1"), "metered")], [c, c])


def test_transformer_loss_hand_worked() -> None:
    """(P0 + β²·Pk)·h = (2.1 + 0.45² × 14.5) × 8760 = (2.1 + 2.93625) × 8760 = 44117.55 kWh."""
    assert transformer_loss_kwh(D("2.1"), D("14.5"), D("0.45"), D("8760")) == D("44117.5500")


def test_metered_savings_hand_worked() -> None:
    """E_in = 100 000 kWh at η₀ 93.8 %, η₁ 96.1 %: ΔE = 100 000 × (1 − 93.8/96.1) = 2393.34 kWh."""
    assert kwh_saved_metered(D("100000"), D("93.8"), D("96.1")) == pytest.approx(D("2393.340270551508844953173777"))
    device = _motor("P1", "37", 4, "93.8", load_factor=D("0.7"), running_hours=D("7000"))
    grade = grade_motor(device)
    assert grade.outcome == "below_minimum" and grade.threshold(1) == D("96.1")
    s = upgrade_to_grade1(device, grade, electricity_factor=D("0.5306"), tariff=D("0.72"),
                          replacement_cost=D("31000"), discount_rate=D("0.06"), lifetime_years=15,
                          metered_input_kwh=D("100000"))
    assert s.basis == "metered" and s.kwh_per_year == kwh_saved_metered(D("100000"), D("93.8"), D("96.1"))
    with pytest.raises(InputError):
        kwh_saved_metered(D("-1"), D("93.8"), D("96.1"))


def _upgrade(code: str, kw: str, poles: int, eta: str, cost: str | None) -> tuple[Equipment, dict[str, object]]:
    device = _motor(code, kw, poles, eta, load_factor=D("0.8"), running_hours=D("6000"),
                    replacement_cost_yuan=D(cost) if cost else None)
    grade = grade_motor(device)
    by_view = {view: upgrade_to_grade1(device, grade, electricity_factor=ef, tariff=D("0.72"),
                                       replacement_cost=D(cost or 0), discount_rate=D("0.06"), lifetime_years=15)
               for view, ef in (("gbt32150", D("0.5306")), ("zero_carbon", D("0.8325")))}
    return device, by_view


def test_measure_hand_worked_and_ranked() -> None:
    """90 kW, 2p, η 95.0 → 96.6; β 0.8, 6000 h: ΔE = 72 × (100/95 − 100/96.6) × 6000 = 7531.87 kWh/a;
    × 0.5306 tCO2/MWh = 3.9964 t; × 0.72 元 = 5422.95 元/a; payback 68 000 / 5422.95 = 12.54 a."""
    dev, by_view = _upgrade("AC-01", "90", 2, "95.0", "68000")
    m = upgrade_measure(dev, by_view, investment_given=True, kgce_per_kwh=D("0.1229"))  # type: ignore[arg-type]
    assert m.kwh_per_year == pytest.approx(D("7531.873161"), abs=D("1e-6"))
    assert m.tco2_per_year["gbt32150"] == pytest.approx(D("3.996412"), abs=D("1e-6"))
    assert m.tco2_per_year["zero_carbon"] == pytest.approx(D("6.270284"), abs=D("1e-6"))
    assert m.money_per_year == pytest.approx(D("5422.948676"), abs=D("1e-6"))
    assert m.payback_years == pytest.approx(D("12.5393"), abs=D("1e-4"))
    assert m.tce_per_year == pytest.approx(D("0.925667"), abs=D("1e-6"))
    assert m.sources == ("GB18613-2020.T1.90kW.2p.g1",)
    dev2, by_view2 = _upgrade("P1", "37", 4, "93.8", None)
    m2 = upgrade_measure(dev2, by_view2, investment_given=False)  # type: ignore[arg-type]
    assert m2.investment is None and m2.payback_years is None and m2.npv is None
    assert [x.id for x in rank_by_payback([m2, m])] == ["upgrade:AC-01", "upgrade:P1"]
    assert rank_by_abatement([m2, m], "gbt32150")[0].id == "upgrade:AC-01"
    with pytest.raises(InputError):
        rank_by_abatement([m], "ets")
