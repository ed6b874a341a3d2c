"""The same dispatch/sizing problem built as a PyPSA network: the independent peer for the tests and
benchmarks/bench_dispatch.py (PyPSA is a test dependency; the core never imports it).

Mapping (docs/renewables.md): grid import = Generator (marginal cost price + carbon price × EF),
export = Generator with p_min_pu = −1, p_max_pu = 0 (marginal cost = export price), battery = Store
+ charger/discharger Links (discharger p_nom = P/η_d, tied in sizing as in PyPSA-Eur), heat pump =
Link with time-varying efficiency COP and p_max_pu = 1/COP (thermal rating), gas boiler = Generator
on the heat bus. Demand charge: one billing period only (extendable import, capital cost = charge).
Scope: scalar grid emission factor when a CO2 cap is used (GlobalConstraint on co2_emissions).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pypsa

from zerocarbon.renewables.formulation import CapacityVar
from zerocarbon.renewables.system import EnergySystem, as_profile
from zerocarbon.renewables.tariffs import billing_months

BIG = 1e7


def network(sys: EnergySystem, caps: dict[str, CapacityVar] | None = None) -> pypsa.Network:
    caps = caps or {}
    n = pypsa.Network()
    snaps = pd.RangeIndex(sys.steps)
    n.set_snapshots(snaps)
    n.snapshot_weightings.loc[:, :] = sys.step_hours
    scale = sys.steps * sys.step_hours / 8760.0
    n.add("Carrier", ["grid", "AC"], co2_emissions=[float(np.mean(sys.grid.emission_factor)), 0.0])
    n.add("Bus", "el")
    n.meta = {"months": billing_months(sys.index).tolist(), "demand_charge": sys.grid.tariff.demand_charge}
    n.add("Load", "load", bus="el", p_set=pd.Series(as_profile(sys.load_kw, sys.steps, "load"), snaps))
    tar = sys.grid.tariff
    ef = as_profile(sys.grid.emission_factor, sys.steps, "ef")
    mc = tar.energy_prices(sys.index) + sys.carbon_price / 1000.0 * ef
    if tar.demand_charge > 0 and billing_months(sys.index).max() == 0:
        n.add("Generator", "import", bus="el", carrier="grid", p_nom_extendable=True,
              capital_cost=tar.demand_charge, marginal_cost=pd.Series(mc, snaps))
    else:
        lim = sys.grid.import_limit_kw
        n.add("Generator", "import", bus="el", carrier="grid", p_nom=lim if np.isfinite(lim) else BIG,
              marginal_cost=pd.Series(mc, snaps))
    xl = sys.grid.export_limit_kw
    if xl > 0:
        n.add("Generator", "export", bus="el", carrier="AC", p_nom=xl if np.isfinite(xl) else BIG,
              p_min_pu=-1.0, p_max_pu=0.0, marginal_cost=tar.export_price)
    for kind, prof, cap, key in (("pv", sys.pv_profile, sys.pv_kwp, "pv_kwp"),
                                 ("wind", sys.wind_profile, sys.wind_kw, "wind_kw")):
        if prof is None:
            continue
        kw: dict[str, object] = {"p_max_pu": pd.Series(prof, snaps), "carrier": "AC"}
        if key in caps:
            cv = caps[key]
            kw.update(p_nom_extendable=True, capital_cost=cv.annual_cost * scale, p_nom_min=cv.lower,
                      p_nom_max=cv.upper)
        else:
            kw["p_nom"] = cap
        n.add("Generator", kind, bus="el", **kw)
    for c in sys.contracts:
        pmax = max(float(np.max(c.profile_kw)), 1e-9)
        pu = pd.Series(np.asarray(c.profile_kw) / pmax, snaps)
        n.add("Generator", c.name, bus="el", carrier="AC", p_nom=pmax, p_max_pu=pu,
              p_min_pu=pu if c.must_take else 0.0, marginal_cost=c.price)
    b = sys.battery
    if b is not None:
        n.add("Bus", "battery")
        skw: dict[str, object] = {"e_min_pu": b.soc_min, "e_max_pu": b.soc_max, "e_cyclic": True}
        if "battery_kwh" in caps:
            skw.update(e_nom_extendable=True, capital_cost=caps["battery_kwh"].annual_cost * scale,
                       e_nom_max=caps["battery_kwh"].upper)
        else:
            skw["e_nom"] = b.energy_kwh
        n.add("Store", "battery", bus="battery", carrier="AC", **skw)
        ckw: dict[str, object] = {}
        dkw: dict[str, object] = {}
        if "battery_kw" in caps:
            ckw.update(p_nom_extendable=True, capital_cost=caps["battery_kw"].annual_cost * scale,
                       p_nom_max=caps["battery_kw"].upper)
            dkw.update(p_nom_extendable=True)
        else:
            ckw["p_nom"] = b.power_kw
            dkw["p_nom"] = b.power_kw / b.eta_discharge
        n.add("Link", "charger", bus0="el", bus1="battery", efficiency=b.eta_charge, carrier="AC", **ckw)
        n.add("Link", "discharger", bus0="battery", bus1="el", efficiency=b.eta_discharge, carrier="AC",
              marginal_cost=b.degradation_cost * b.eta_discharge, **dkw)
    h = sys.heat
    if h is not None:
        cop = as_profile(h.cop, sys.steps, "cop")
        n.add("Bus", "heat")
        n.add("Load", "heat", bus="heat", p_set=pd.Series(as_profile(h.demand_kw, sys.steps, "heat"), snaps))
        hkw: dict[str, object] = {"p_max_pu": pd.Series(1.0 / cop, snaps)}
        if "heat_pump_kw" in caps:
            hkw.update(p_nom_extendable=True, capital_cost=caps["heat_pump_kw"].annual_cost * scale,
                       p_nom_max=caps["heat_pump_kw"].upper)
        else:
            hkw["p_nom"] = h.heat_pump_kw
        n.add("Link", "heat_pump", bus0="el", bus1="heat", efficiency=pd.Series(cop, snaps), carrier="AC", **hkw)
        if h.electric_boiler_kw > 0:
            n.add("Link", "electric_boiler", bus0="el", bus1="heat", efficiency=h.electric_boiler_efficiency,
                  p_nom=h.electric_boiler_kw / h.electric_boiler_efficiency, carrier="AC")
        if h.gas_boiler_kw > 0:
            n.add("Carrier", "gas", co2_emissions=h.gas_emission_factor)
            n.add("Generator", "gas_boiler", bus="heat", carrier="gas", efficiency=h.gas_boiler_efficiency,
                  p_nom=h.gas_boiler_kw if np.isfinite(h.gas_boiler_kw) else BIG,
                  marginal_cost=(h.gas_price + sys.carbon_price / 1000.0 * h.gas_emission_factor)
                  / h.gas_boiler_efficiency)
    if sys.co2_cap_t is not None:
        n.add("GlobalConstraint", "co2", type="primary_energy", carrier_attribute="co2_emissions",
              sense="<=", constant=sys.co2_cap_t * 1000.0)
    return n


def monthly_peaks(n: pypsa.Network) -> None:
    """Demand charge over several billing months: peak variable D_m ≥ import_t, cost charge · D_m."""
    months = np.asarray(n.meta["months"])
    charge = float(n.meta["demand_charge"])
    if charge <= 0 or months.max() == 0:
        return
    m = n.model
    peak = m.add_variables(lower=0, coords=[pd.RangeIndex(months.max() + 1, name="month")], name="peak_import")
    p = m["Generator-p"].sel(name="import")
    for k in range(months.max() + 1):
        snaps = n.snapshots[months == k]
        m.add_constraints(p.sel(snapshot=snaps) - peak.sel(month=k) <= 0, name=f"peak_import_{k}")
    m.objective = m.objective + (charge * peak).sum()


def tie_battery_power(n: pypsa.Network, snapshots: object) -> None:
    """Charger rating = η_d × discharger rating (PyPSA-Eur's battery constraint)."""
    p = n.model["Link-p_nom"]
    eta = float(n.links.at["discharger", "efficiency"])
    n.model.add_constraints(p.loc["charger"] - eta * p.loc["discharger"] == 0, name="battery_power_tie")


def create(n: pypsa.Network) -> None:
    """Build the linopy model with the extra constraints (battery power tie, monthly demand charge)."""
    n.optimize.create_model()
    if "charger" in n.links.index and bool(n.links.at["charger", "p_nom_extendable"]):
        tie_battery_power(n, n.snapshots)
    monthly_peaks(n)


def solve(n: pypsa.Network, sizing: bool = False, io_api: str | None = None) -> float:
    """Create and solve with HiGHS (quiet); the objective [CNY]. ``io_api`` is linopy's (None = its default)."""
    create(n)
    kwargs: dict[str, object] = {"io_api": io_api} if io_api else {}
    status, condition = n.optimize.solve_model(solver_name="highs", log_to_console=False, **kwargs)
    assert status == "ok", (status, condition)
    return float(n.objective + getattr(n, "objective_constant", 0.0))
