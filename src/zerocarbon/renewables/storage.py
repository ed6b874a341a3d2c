"""Battery storage parameters (one place; used by dispatch and sizing).

State of charge (the dispatch formulation, docs/renewables.md)::

    e_t = e_{t−1} (1 − σ)^Δt + η_c c_t Δt − d_t Δt / η_d

with charge ``c_t`` and discharge ``d_t`` measured at the AC terminals [kW], so the round-trip
efficiency is ``η_rt = η_c · η_d``. :meth:`Battery.from_round_trip` splits a round-trip efficiency
evenly (``η_c = η_d = √η_rt``), the usual convention (e.g. PyPSA-Eur's battery charger/discharger).
Degradation is charged per kWh **discharged** (throughput counted on the discharge side).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from zerocarbon.errors import InputError


@dataclass(frozen=True)
class Battery:
    """A battery.

    Attributes
    ----------
    energy_kwh : float
        Usable nameplate energy capacity E [kWh] (for sizing: the existing capacity, often 0).
    power_kw : float
        Charge and discharge power limit P [kW].
    eta_charge, eta_discharge : float
        Charge and discharge efficiencies η_c, η_d [-].
    soc_min, soc_max : float
        State-of-charge limits as fractions of E [-].
    soc_initial : float or None
        Initial (and final) state of charge as a fraction of E [-]; None = cyclic (the end state
        equals the start state, free).
    degradation_cost : float
        Cost per kWh discharged [CNY/kWh].
    self_discharge : float
        Fraction of stored energy lost per hour σ [1/h].
    """

    energy_kwh: float
    power_kw: float
    eta_charge: float
    eta_discharge: float
    soc_min: float = 0.0
    soc_max: float = 1.0
    soc_initial: float | None = None
    degradation_cost: float = 0.0
    self_discharge: float = 0.0

    def __post_init__(self) -> None:
        checks = [
            (self.energy_kwh >= 0 and self.power_kw >= 0, "energy_kwh/power_kw", "≥ 0"),
            (0 < self.eta_charge <= 1 and 0 < self.eta_discharge <= 1, "eta_charge/eta_discharge", "(0, 1]"),
            (0 <= self.soc_min < self.soc_max <= 1, "soc_min/soc_max", "0 ≤ soc_min < soc_max ≤ 1"),
            (self.soc_initial is None or self.soc_min <= self.soc_initial <= self.soc_max, "soc_initial",
             "within [soc_min, soc_max]"),
            (self.degradation_cost >= 0 and 0 <= self.self_discharge < 1, "degradation_cost/self_discharge",
             "cost ≥ 0, 0 ≤ σ < 1"),
        ]
        for ok, name, expected in checks:
            if not ok:
                raise InputError(f"储能参数 {name} 无效", f"battery parameter {name} is invalid",
                                 field=name, expected=expected)

    @classmethod
    def from_round_trip(cls, energy_kwh: float, power_kw: float, round_trip: float,
                        **kwargs: float | None) -> Battery:
        """A battery whose round-trip efficiency [-] is split evenly: η_c = η_d = √η_rt."""
        if not 0 < round_trip <= 1:
            raise InputError("往返效率须在 (0, 1] 内", "round-trip efficiency must be in (0, 1]",
                             field="round_trip", expected="0 < η_rt ≤ 1")
        eta = math.sqrt(round_trip)
        return cls(energy_kwh, power_kw, eta, eta, **kwargs)  # type: ignore[arg-type]

    @property
    def round_trip(self) -> float:
        """Round-trip efficiency η_c · η_d [-]."""
        return self.eta_charge * self.eta_discharge


def standing_loss_from_time_constant(tau_hours: float) -> float:
    """Hourly standing loss σ [1/h] of a store that cools with time constant τ [h].

    A store losing heat in proportion to its content (Newton's law of cooling, first-order decay
    ``E(t) = E_0 e^{−t/τ}``) keeps ``e^{−1/τ}`` of its energy after one hour, so σ = 1 − e^{−1/τ}.
    The same conversion is used by PyPSA-Eur (``scripts/prepare_sector_network.py``, water tanks:
    ``standing_loss = 1 − exp(−1 / 24 / τ_days)``). τ is a property of the tank (volume, insulation,
    temperatures) and has no default here: take it from the manufacturer or a cooling test.
    """
    if not tau_hours > 0:
        raise InputError("时间常数须为正", "the time constant must be positive", field="tau_hours",
                         expected="τ > 0 h")
    return 1.0 - math.exp(-1.0 / tau_hours)


@dataclass(frozen=True)
class ThermalStorage:
    """Thermal storage (蓄热): a hot-water tank, steam accumulator or molten-salt store.

    It is charged only from the heat of the heat pump and the electric boiler (not the gas boiler)
    and discharges into the heat demand. Energy balance per step (the battery's, docs/renewables.md)::

        s_t = s_{t−1} (1 − σ)^Δt + η_c c_t Δt − d_t Δt / η_d

    with charge ``c_t`` and discharge ``d_t`` in heat [kW_th] and ``s_t`` [kWh_th]. Every figure is
    a property of the store and a required input (no default is assumed): the manufacturer's data
    sheet or a test. :func:`standing_loss_from_time_constant` converts a cooling time constant.

    Attributes
    ----------
    energy_kwh : float
        Usable heat capacity E [kWh_th] (for sizing: the existing capacity, often 0).
    charge_kw, discharge_kw : float
        Charge and discharge power limits [kW_th].
    standing_loss : float
        Fraction of the stored heat lost per hour σ [1/h].
    eta_charge, eta_discharge : float
        Charge and discharge efficiencies (heat exchangers) [-].
    source : str
        Where the figures come from (data sheet, test report); required.
    soc_min, soc_max : float
        Limits of the stored heat as fractions of E [-] (0 and 1: the whole usable capacity).
    soc_initial : float or None
        Initial (and minimum final) stored heat as a fraction of E [-]; None = cyclic.
    """

    energy_kwh: float
    charge_kw: float
    discharge_kw: float
    standing_loss: float
    eta_charge: float
    eta_discharge: float
    source: str
    soc_min: float = 0.0
    soc_max: float = 1.0
    soc_initial: float | None = None

    def __post_init__(self) -> None:
        checks = [
            (self.energy_kwh >= 0 and self.charge_kw >= 0 and self.discharge_kw >= 0,
             "energy_kwh/charge_kw/discharge_kw", "≥ 0"),
            (0 <= self.standing_loss < 1, "standing_loss", "0 ≤ σ < 1 [1/h]"),
            (0 < self.eta_charge <= 1 and 0 < self.eta_discharge <= 1, "eta_charge/eta_discharge", "(0, 1]"),
            (0 <= self.soc_min < self.soc_max <= 1, "soc_min/soc_max", "0 ≤ soc_min < soc_max ≤ 1"),
            (self.soc_initial is None or self.soc_min <= self.soc_initial <= self.soc_max, "soc_initial",
             "within [soc_min, soc_max]"),
            (bool(self.source.strip()), "source", "the data sheet or test the figures come from"),
        ]
        for ok, name, expected in checks:
            if not ok:
                raise InputError(f"蓄热参数 {name} 无效", f"thermal storage parameter {name} is invalid",
                                 field=f"thermal_storage.{name}", expected=expected)
