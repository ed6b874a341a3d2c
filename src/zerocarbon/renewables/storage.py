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
