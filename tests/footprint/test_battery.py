"""China traction-battery declaration (rules CN-1 … CN-5), hand-worked; the EU draft functional unit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from zerocarbon.errors import InputError
from zerocarbon.footprint.battery import CN_UNKNOWN, declare, eu_draft_total_energy, in_scope, phase

STAGES = {"materials": D("4200"), "manufacturing": D("1300"), "distribution": D("150"), "recycling": D("-350")}


def test_hand_worked_declaration() -> None:
    """75 kWh pack, 5,300 kgCO2e over 4 stages, 150,000 kWh delivered: 5300/150000 = 0.03533… kgCO2e/kWh."""
    d = declare("LFP-75", "Pack Co.", D("75"), STAGES, D("150000"), "2,000 cycles × 75 kWh (maker's test)",
                date(2026, 12, 2))
    assert d.total_kgco2e == D("5300")
    assert d.per_kwh == D("5300") / D("150000")
    assert d.stage_per_kwh["materials"] == D("0.028")
    assert d.phase == "trial"
    form = d.form()
    assert form["declared_kgCO2e_per_kWh"] == str(d.per_kwh)
    assert [s["zh"] for s in form["stages"]] == ["原材料获取", "生产制造", "分销", "回收利用"]  # type: ignore[index]
    assert form["rules_not_published_or_not_found"] == list(CN_UNKNOWN)


def test_scope_and_phase() -> None:
    assert not in_scope(D("2")) and in_scope(D("2.01"))
    assert phase(date(2026, 12, 31)) == "trial" and phase(date(2027, 1, 1)) == "in force"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"capacity_kwh": D("1.5")}, "capacity_kwh"),
    ({"stages": {k: v for k, v in STAGES.items() if k != "distribution"}}, "stages"),
    ({"lifetime_energy_kwh": D("0")}, "lifetime_energy_kwh"),
    ({"lifetime_energy_basis": " "}, "lifetime_energy_basis"),
])
def test_bad_input_is_named(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"model": "m", "manufacturer": "p", "capacity_kwh": D("60"), "stages": STAGES,
                               "lifetime_energy_kwh": D("1000"), "lifetime_energy_basis": "b", "on": date(2027, 1, 1)}
    args.update(kwargs)
    with pytest.raises(InputError) as err:
        declare(**args)  # type: ignore[arg-type]
    assert err.value.field == field


def test_eu_draft_functional_unit() -> None:
    """60 kWh usable × 60 FEqC/a (M1) × 8 a = 28,800 kWh (EU draft, Ares(2024)3131389)."""
    assert eu_draft_total_energy(D("60"), "M1", D("8")) == D("28800")
    with pytest.raises(InputError):
        eu_draft_total_energy(D("60"), "X", D("8"))
