"""Least-cost (cost + carbon price × emissions) dispatch of a site's energy system with HiGHS.

:func:`dispatch` builds the programme of :mod:`formulation` (capacities fixed), solves it and
returns the hourly dispatch, energy balance, costs, emissions and indicators with their units and
the method that made them. Formulation: docs/renewables.md.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from zerocarbon.errors import InputError
from zerocarbon.renewables.formulation import RATIOS, Model, Targets, build, renewable_split
from zerocarbon.renewables.intensity import target_trace
from zerocarbon.renewables.lp import FloatArray, Options, Solution, solve_program
from zerocarbon.renewables.matching import CFE_FORMULA, CFE_SOURCE, self_consumption, self_sufficiency
from zerocarbon.renewables.system import EnergySystem, as_profile

METHOD = ("linear programme (docs/renewables.md) built as a scipy.sparse matrix and solved by HiGHS "
          "(highspy); objective = energy + demand + contract + gas + degradation costs − export revenue "
          "+ carbon price × emissions (+ annualised capacity costs when sizing)")

#: Indicator definitions shown beside the figures.
DEFINITIONS = {
    "non_fossil_share": "(on-site RE + green contracts − export + grid non-fossil share × import) / "
                        "(electricity consumed + gas) [kWh/kWh, calorific basis]",
    "physical_share": "(on-site RE + physical green contracts − export) / electricity consumed",
    "hourly_matching": CFE_FORMULA + "; source: " + CFE_SOURCE,
    "self_consumption": "max(on-site RE − export, 0) / on-site RE",
    "self_sufficiency": "max(on-site RE − export, 0) / electricity consumed",
    "zero_carbon_intensity": "(emissions of the modelled flows + E_fixed) [tCO2] / (equal value × electricity "
                             "consumed + GB/T 2589 coefficient × gas + Q_fixed) [tce], E_fixed and Q_fixed the "
                             "factory's emissions and energy outside the programme (0 when none is given: then the "
                             "modelled flows only; see ``intensity``); reported only with an energy basis "
                             "(intensity.py)",
}


@dataclass(frozen=True)
class DispatchResult:
    """A solved dispatch (or sizing) programme.

    Attributes
    ----------
    status : str
        ``"optimal"`` or why not.
    objective : float
        Total cost over the horizon including the carbon cost [CNY].
    hourly : dict[str, numpy.ndarray]
        Mean power per step [kW] of ``import``, ``export``, ``pv``, ``wind``, ``contract:<name>``,
        ``charge``, ``discharge``, ``heat_pump``, ``electric_boiler``, ``gas_boiler``,
        ``thermal_charge``, ``thermal_discharge`` (heat [kW_th]); ``soc`` and ``thermal_soc`` stored
        energy at the end of each step [kWh, kWh_th]; ``cfe`` carbon-free part of demand [kW].
    balance : dict[str, float]
        Energy over the horizon [kWh].
    costs : dict[str, float]
        Cost components [CNY] (``export_revenue`` negative).
    emissions_t : float
        Emissions of grid imports and gas [tCO2].
    indicators : dict[str, float]
        ``non_fossil_share``, ``physical_share``, ``hourly_matching``, ``self_consumption``,
        ``self_sufficiency`` [-]; ``zero_carbon_intensity`` [tCO2/tce] when the targets carry an
        energy basis.
    capacities : dict[str, float]
        Chosen capacities [kWp, kW, kWh] (sizing only).
    build_seconds, solve_seconds : float
        Wall times [s].
    method : str
        How the figures were made (formulation, solver, definitions, sources).
    intensity : dict or None
        How the zero-carbon intensity was formed (with an energy basis): ``scope`` (``factory`` or
        ``modelled_flows_only``), ``modelled_flows``, ``constants`` (E_fixed [kg CO2], Q_fixed [kgce] with
        their source), ``formula``, ``note_zh``/``note_en`` (:func:`~zerocarbon.renewables.intensity.target_trace`).
    """

    status: str
    objective: float
    hourly: dict[str, FloatArray]
    balance: dict[str, float]
    costs: dict[str, float]
    emissions_t: float
    indicators: dict[str, float]
    capacities: dict[str, float] = field(default_factory=dict)
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    method: str = METHOD
    definitions: dict[str, str] = field(default_factory=lambda: dict(DEFINITIONS))
    intensity: dict[str, object] | None = None


def dispatch(sys: EnergySystem, options: Options | None = None) -> DispatchResult:
    """Least-cost dispatch over the system's horizon.

    Parameters
    ----------
    sys : EnergySystem
        Load, resources, storage, heat, grid tariff and emission factor, contracts, carbon price,
        optional CO2 cap and minimum non-fossil share.
    options : dict, optional
        HiGHS options (e.g. ``{"solver": "ipm"}``).

    Raises
    ------
    InfeasibleTarget
        When the CO2 cap or the minimum share cannot be met (with the best achievable level).
    """
    if sys.steps == 0:
        raise InputError("时间序列为空", "the time series is empty", field="index", expected="≥ 1 step")
    t0 = time.perf_counter()
    model = build(sys)
    built = time.perf_counter() - t0
    sol = solve_program(model.lp, options)
    if not sol.optimal:
        from zerocarbon.renewables.explain import explain_infeasible

        raise explain_infeasible(sys, model, sol, capacities=None, targets=Targets())
    return read_result(sys, model, sol, built)


def read_result(sys: EnergySystem, model: Model, sol: Solution, build_seconds: float) -> DispatchResult:
    """The result of a solved model: hourly arrays, balance, costs, emissions, indicators."""
    x = sol.x
    lp = model.lp
    hourly = {name: x[cols] for name, cols in lp.col_blocks.items()
              if len(cols) == sys.steps and name != "peak_import" and not name.startswith("slack")}
    hourly.update(renewable_split(model, x))
    hourly.pop("renewable", None)
    f = {k: v.value(x) for k, v in model.forms.items()}
    dt = model.step_hours
    load = as_profile(sys.load_kw, sys.steps, "load_kw")
    c, lb, ub, *_ = lp.arrays()
    del lb, ub
    cost_of = {name: float(c[cols] @ x[cols]) for name, cols in lp.col_blocks.items()}
    carbon = sys.carbon_price * f["emissions_kg"] / 1000.0
    costs = {
        "grid_energy": cost_of.get("import", 0.0) - _carbon_in(sys, f, "grid"),
        "export_revenue": cost_of.get("export", 0.0),
        "demand_charge": cost_of.get("peak_import", 0.0),
        "contracts": sum(v for k, v in cost_of.items() if k.startswith("contract:")),
        "degradation": cost_of.get("discharge", 0.0),
        "gas": f["gas_kwh"] * (sys.heat.gas_price if sys.heat is not None else 0.0),
        "carbon": carbon,
        "capacity": sum(cost_of.get(k, 0.0) for k in model.capacity_cols),
    }
    costs["total"] = float(sum(costs.values()))
    if sys.heat is not None:
        hd = as_profile(sys.heat.demand_kw, sys.steps, "heat.demand_kw")
        stored = hourly.get("thermal_discharge", 0.0) - hourly.get("thermal_charge", 0.0)
        hourly["gas_boiler"] = np.maximum(hd - hourly["heat_pump"] - hourly.get("electric_boiler", 0.0) - stored, 0.0)
    hourly_elec = load + _heat_elec_hourly(sys, hourly)
    cfe_t = hourly_elec - (1.0 - as_profile(sys.grid.non_fossil_share, sys.steps, "grid.non_fossil_share")) * \
        hourly.get("import", np.zeros(sys.steps))
    hourly["cfe"] = cfe_t
    balance = {
        "load": float(load.sum() * dt), "heat_electricity": f["heat_electricity_kwh"],
        "import": f["import_kwh"], "export": f["export_kwh"], "onsite_renewable": f["onsite_renewable_kwh"],
        "contracts": f["contract_kwh"], "contracts_physical": f["contract_physical_kwh"],
        "charge": f.get("charge_kwh", 0.0), "discharge": f.get("discharge_kwh", 0.0),
        "electricity_consumed": f["electricity_kwh"], "gas": f["gas_kwh"],
    }
    if "thermal_charge_kwh" in f:
        sized = model.capacity_cols.get("thermal_storage_kwh")
        balance.update(thermal_store_balance(sys, hourly, dt, None if sized is None else float(x[sized])))
    if "pv" in hourly:
        balance["pv"] = float(hourly["pv"].sum() * dt)
    if "wind" in hourly:
        balance["wind"] = float(hourly["wind"].sum() * dt)
    ind = {name: _ratio(f[num], f[den]) for name, (num, den) in RATIOS.items()}
    ind["self_consumption"] = self_consumption(f["onsite_renewable_kwh"], f["export_kwh"])
    ind["self_sufficiency"] = self_sufficiency(f["onsite_renewable_kwh"], f["export_kwh"], f["electricity_kwh"])
    trace = None
    if "energy_kgce" in f:  # only with an energy basis (intensity.py)
        balance["energy_tce"] = f["energy_kgce"] / 1000.0  # the modelled flows'
        balance["intensity_energy_tce"] = f["intensity_energy_kgce"] / 1000.0  # + the fixed part
        balance["intensity_emissions_t"] = f["intensity_emissions_kg"] / 1000.0
        ind["zero_carbon_intensity"] = _ratio(f["intensity_emissions_kg"], f["intensity_energy_kgce"])
        flows = {k.split(":")[0] for k in lp.col_blocks} | ({"gas_boiler"} if sys.heat is not None else set())
        assert model.energy_basis is not None
        trace = target_trace(model.fixed_part, sorted(flows), model.energy_basis)
    caps = {k: float(x[col]) for k, col in model.capacity_cols.items()}
    return DispatchResult(sol.status, sol.objective, hourly, balance, costs, f["emissions_kg"] / 1000.0, ind,
                          caps, build_seconds, sol.solve_seconds,
                          METHOD + f"; grid emission factor: {sys.grid.emission_factor_source}; "
                          f"tariff: {sys.grid.tariff.source}", intensity=trace)


def thermal_store_balance(sys: EnergySystem, hourly: dict[str, FloatArray], dt: float,
                          energy_kwh: float | None = None) -> dict[str, float]:
    """Heat into and out of the thermal store over the horizon [kWh_th], its standing and conversion losses.

    ``thermal_loss`` = Σ (1 − (1 − σ)^Δt) e_{t−1} (standing loss, e_{−1} the initial or, cyclic, the last
    stored heat); ``thermal_conversion_loss`` = Σ ((1 − η_c) c_t + (1/η_d − 1) d_t) Δt; so that
    charge − discharge − losses = stored heat at the end − at the start. ``energy_kwh``: the sized
    capacity [kWh_th] (default the store's own).
    """
    assert sys.heat is not None and sys.heat.storage is not None
    ts = sys.heat.storage
    e = hourly["thermal_soc"]
    c, d = hourly["thermal_charge"], hourly["thermal_discharge"]
    cap = ts.energy_kwh if energy_kwh is None else energy_kwh
    start = float(e[-1]) if ts.soc_initial is None else ts.soc_initial * cap
    prev = np.concatenate([[start], e[:-1]])
    standing = float((1.0 - (1.0 - ts.standing_loss) ** dt) * prev.sum())
    conversion = float((((1.0 - ts.eta_charge) * c + (1.0 / ts.eta_discharge - 1.0) * d) * dt).sum())
    return {"thermal_charge": float(c.sum() * dt), "thermal_discharge": float(d.sum() * dt),
            "thermal_loss": standing, "thermal_conversion_loss": conversion,
            "thermal_stored_start": start, "thermal_stored_end": float(e[-1])}


def _ratio(num: float, den: float) -> float:
    return num / den if den > 0 else float("nan")


def _carbon_in(sys: EnergySystem, f: dict[str, float], part: str) -> float:
    """The carbon cost folded into the import / gas column costs [CNY]."""
    gas_kg = f["gas_kwh"] * (sys.heat.gas_emission_factor if sys.heat is not None else 0.0)
    kg = gas_kg if part == "gas" else f["emissions_kg"] - gas_kg
    return sys.carbon_price * kg / 1000.0


def _heat_elec_hourly(sys: EnergySystem, hourly: dict[str, FloatArray]) -> FloatArray:
    if sys.heat is None:
        return np.zeros(sys.steps)
    cop = as_profile(sys.heat.cop, sys.steps, "heat.cop")
    eb = hourly.get("electric_boiler", np.zeros(sys.steps))
    return hourly["heat_pump"] / cop + eb / sys.heat.electric_boiler_efficiency

