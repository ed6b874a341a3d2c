"""The dispatch/sizing linear programme, built directly as a sparse matrix (docs/renewables.md).

One formulation serves both: dispatch fixes the capacities; sizing makes them variables with an
annualised cost. Per step t (length Δt [h]) the variables are grid import g, export x, PV and wind
output used (≤ available, curtailment free), contract take q_k, battery charge c, discharge d and
energy e, heat-pump and electric-boiler heat hp, eb (the gas boiler's gb = demand − hp − eb is
eliminated), and one peak-import variable
D_m per billing month when a demand charge applies.

Metrics are linear forms ``coef · x + const`` (:class:`LinForm`), built here once and used both for
target constraints and for reporting, so a target and the figure reported against it are the same
formula.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from zerocarbon.errors import InputError
from zerocarbon.renewables.intensity import EnergyBasis, FixedPart
from zerocarbon.renewables.lp import INF, FloatArray, IntArray, LinearProgram
from zerocarbon.renewables.store_rows import add_store_rows
from zerocarbon.renewables.system import EnergySystem, as_profile
from zerocarbon.renewables.tariffs import billing_months

HOURS_PER_YEAR = 8760.0
#: Capacity decisions of sizing [kWp, kW, kWh, kW, kW_th, kWh_th, kW_th].
DECISIONS = ("pv_kwp", "wind_kw", "battery_kwh", "battery_kw", "heat_pump_kw", "thermal_storage_kwh",
             "thermal_storage_kw")


@dataclass(frozen=True)
class CapacityVar:
    """A capacity decision: annualised cost and bounds.

    Attributes
    ----------
    annual_cost : float
        Annualised capital + fixed O&M cost per unit [CNY/(kW·a)] or [CNY/(kWh·a)].
    lower, upper : float
        Bounds [kW] or [kWh] (lower = existing capacity).
    """

    annual_cost: float
    lower: float = 0.0
    upper: float = INF


@dataclass(frozen=True)
class Targets:
    """Targets over the horizon (None = none).

    Attributes
    ----------
    non_fossil_share, physical_share, hourly_matching : float or None
        Minimum shares [-] (definitions: docs/renewables.md).
    residual_emissions_t : float or None
        Maximum emissions [tCO2].
    intensity_tco2_per_tce : float or None
        Maximum zero-carbon intensity (单位能耗碳排放) [tCO2/tce] (:mod:`intensity`); needs ``energy_basis``.
    energy_basis : EnergyBasis or None
        Standard-coal conversion of the energy (not a target; also reports the intensity when given).
    fixed_part : FixedPart or None
        The factory's emissions and energy outside the programme, constants of the intensity (not a target;
        None = the intensity of the modelled flows only, so labelled in the results).
    """

    non_fossil_share: float | None = None
    physical_share: float | None = None
    hourly_matching: float | None = None
    residual_emissions_t: float | None = None
    intensity_tco2_per_tce: float | None = None
    energy_basis: EnergyBasis | None = None
    fixed_part: FixedPart | None = None

    def items(self) -> list[tuple[str, float]]:
        """The targets set (name, level), without the energy basis and the fixed part."""
        return [(k, v) for k, v in self.__dict__.items() if v is not None and k not in NOT_TARGETS]

    @staticmethod
    def names() -> list[str]:
        return [k for k in Targets.__dataclass_fields__ if k not in NOT_TARGETS]


#: Fields of :class:`Targets` that are not targets.
NOT_TARGETS = ("energy_basis", "fixed_part")


def merged_targets(sys: EnergySystem, tg: Targets | None) -> Targets:
    """``tg`` with the system's own CO2 cap and minimum non-fossil share folded in."""
    tg = tg or Targets()
    caps = [v for v in (tg.residual_emissions_t, sys.co2_cap_t) if v is not None]
    return Targets(tg.non_fossil_share if tg.non_fossil_share is not None else sys.min_non_fossil_share,
                   tg.physical_share, tg.hourly_matching, min(caps) if caps else None,
                   tg.intensity_tco2_per_tce, tg.energy_basis, tg.fixed_part)


@dataclass(frozen=True)
class LinForm:
    """A linear form ``Σ coef·x[cols] + const`` over the programme's columns."""

    cols: IntArray
    coefs: FloatArray
    const: float = 0.0

    def value(self, x: FloatArray) -> float:
        return float(self.coefs @ x[self.cols]) + self.const

    def __add__(self, other: LinForm) -> LinForm:
        return LinForm(np.concatenate([self.cols, other.cols]), np.concatenate([self.coefs, other.coefs]),
                       self.const + other.const)

    def scaled(self, k: float) -> LinForm:
        return LinForm(self.cols, self.coefs * k, self.const * k)


#: For each ratio target: (numerator form, denominator form) names in :attr:`Model.forms`.
RATIOS = {"non_fossil_share": ("non_fossil_kwh", "final_energy_kwh"),
          "physical_share": ("physical_kwh", "electricity_kwh"),
          "hourly_matching": ("cfe_kwh", "demand_kwh")}


@dataclass
class Model:
    """The built programme with what is needed to read its solution."""

    lp: LinearProgram
    forms: dict[str, LinForm]
    capacity_cols: dict[str, int] = field(default_factory=dict)
    target_rows: dict[str, int] = field(default_factory=dict)
    step_hours: float = 1.0
    renewables: list[tuple[str, FloatArray, float]] = field(default_factory=list)
    energy_basis: EnergyBasis | None = None
    fixed_part: FixedPart | None = None


def renewable_split(model: Model, x: FloatArray) -> dict[str, FloatArray]:
    """Hourly PV and wind output used [kW]: the shared output split pro rata to availability."""
    if not model.renewables:
        return {}
    avail = {key: a * (x[model.capacity_cols[key]] if key in model.capacity_cols else cap)
             for key, a, cap in model.renewables}
    total = sum(avail.values(), np.zeros_like(x[model.lp.col_blocks["renewable"]]))
    used = x[model.lp.col_blocks["renewable"]]
    frac = np.divide(used, total, out=np.zeros_like(used), where=total > 0)
    return {"pv" if key == "pv_kwp" else "wind": av * frac for key, av in avail.items()}


def _const(v: float) -> LinForm:
    return LinForm(np.zeros(0, np.int64), np.zeros(0), v)


def _form(cols: IntArray, coefs: FloatArray | float) -> LinForm:
    return LinForm(cols, np.broadcast_to(np.asarray(coefs, float), cols.shape).copy())


def build(sys: EnergySystem, capacities: dict[str, CapacityVar] | None = None,
          targets: Targets | None = None, capex_scale: float | None = None) -> Model:
    """Build the programme.

    Parameters
    ----------
    sys : EnergySystem
        Inputs; capacities in it are fixed unless named in ``capacities``.
    capacities : dict, optional
        Capacity decisions among :data:`DECISIONS` (``thermal_storage_kw`` bounds both the charge
        and the discharge power of the thermal store).
    targets : Targets, optional
        Targets added to the system's own ``co2_cap_t`` and ``min_non_fossil_share``.
    capex_scale : float, optional
        Share of a year the horizon stands for; default horizon hours / 8760 (annual costs are
        charged pro rata).
    """
    caps = dict(capacities or {})
    unknown = set(caps) - set(DECISIONS)
    if unknown:
        raise InputError(f"未知容量决策 {sorted(unknown)}", f"unknown capacity decisions {sorted(unknown)}",
                         field="capacities", expected=", ".join(DECISIONS))
    n, dt = sys.steps, sys.step_hours
    t = np.arange(n)
    lp = LinearProgram()
    tariff, grid = sys.grid.tariff, sys.grid
    price = tariff.energy_prices(sys.index)
    ef = as_profile(grid.emission_factor, n, "grid.emission_factor")
    nf = as_profile(grid.non_fossil_share, n, "grid.non_fossil_share")
    load = as_profile(sys.load_kw, n, "load_kw")
    cp = sys.carbon_price / 1000.0  # CNY/kg
    _check_arbitrage(sys, price + cp * ef)
    scale = capex_scale if capex_scale is not None else n * dt / HOURS_PER_YEAR

    cap_cols: dict[str, int] = {}
    for name, cv in caps.items():
        cap_cols[name] = int(lp.add_vars(name, 1, cv.lower, cv.upper, cv.annual_cost * scale)[0])

    g = lp.add_vars("import", n, 0.0, grid.import_limit_kw, dt * (price + cp * ef))
    x = lp.add_vars("export", n, 0.0, grid.export_limit_kw, -dt * tariff.export_price)
    supply: list[tuple[IntArray, float | FloatArray]] = [(g, 1.0), (x, -1.0)]
    # PV and wind share one output variable (both free, curtailable): one availability row instead of
    # two; the hourly split is reported pro rata to availability (:func:`renewable_split`).
    sources = [(prof, cap, key) for prof, cap, key in ((sys.pv_profile, sys.pv_kwp, "pv_kwp"),
                                                       (sys.wind_profile, sys.wind_kw, "wind_kw"))
               if prof is not None or key in caps]
    renew: list[IntArray] = []
    if sources:
        avails = [(as_profile(prof if prof is not None else 0.0, n, key.split("_")[0] + "_profile"), cap, key)
                  for prof, cap, key in sources]
        fixed = sum((a * cap for a, cap, key in avails if key not in caps), np.zeros(n))
        sized = [(a, key) for a, _, key in avails if key in caps]
        col = lp.add_vars("renewable", n, 0.0, INF if sized else fixed, 0.0)
        if sized:
            lp.add_rows("renewable_avail", n, [(t, col, 1.0)] + [(t, cap_cols[key], -a) for a, key in sized],
                        upper=fixed)
        renew.append(col)
        supply.append((col, 1.0))
    q_phys: list[IntArray] = []
    q_all: list[IntArray] = []
    for k, cont in enumerate(sys.contracts):
        prof = as_profile(cont.profile_kw, n, f"contracts[{k}].profile_kw")
        col = lp.add_vars(f"contract:{cont.name}", n, prof if cont.must_take else 0.0, prof, dt * cont.price)
        q_all.append(col)
        if cont.physical:
            q_phys.append(col)
        supply.append((col, 1.0))

    bat = sys.battery
    if bat is not None or "battery_kwh" in caps or "battery_kw" in caps:
        if bat is None:
            raise InputError("储能容量决策需要储能参数", "battery sizing needs battery parameters", field="battery")
        pmax = INF if "battery_kw" in caps else bat.power_kw
        c = lp.add_vars("charge", n, 0.0, pmax, 0.0)
        d = lp.add_vars("discharge", n, 0.0, pmax, dt * bat.degradation_cost)
        e_sized = "battery_kwh" in caps
        e = lp.add_vars("soc", n, 0.0 if e_sized else bat.soc_min * bat.energy_kwh,
                        INF if e_sized else bat.soc_max * bat.energy_kwh, 0.0)
        add_store_rows(lp, "", e=e, c=c, d=d, dt=dt, eta_charge=bat.eta_charge, eta_discharge=bat.eta_discharge,
                       loss_per_hour=bat.self_discharge, soc_initial=bat.soc_initial, soc_min=bat.soc_min,
                       soc_max=bat.soc_max, energy_kwh=bat.energy_kwh,
                       energy_col=cap_cols["battery_kwh"] if e_sized else None)
        if "battery_kw" in caps:
            pcol = cap_cols["battery_kw"]
            if _disposal_is_free(sys, price):
                # one row c + d ≤ P instead of c ≤ P and d ≤ P: exact when surplus energy can always be
                # disposed of at no cost (curtailable on-site output, reducible imports at prices ≥ 0,
                # no must-take contract, export price ≥ 0), since then some optimum never charges and
                # discharges in the same step; it cuts the simplex iterations of the sizing problem
                lp.add_rows("power_max", n, [(t, c, 1.0), (t, d, 1.0), (t, pcol, -1.0)], upper=0.0)
            else:
                lp.add_rows("charge_max", n, [(t, c, 1.0), (t, pcol, -1.0)], upper=0.0)
                lp.add_rows("discharge_max", n, [(t, d, 1.0), (t, pcol, -1.0)], upper=0.0)
        supply += [(d, 1.0), (c, -1.0)]
        battery_cols = (c, d)
    else:
        battery_cols = None

    heat = sys.heat
    elec_heat: LinForm = _const(0.0)
    gas_fuel: LinForm = _const(0.0)
    if heat is not None or "heat_pump_kw" in caps:
        if heat is None:
            raise InputError("热泵容量决策需要热负荷", "heat-pump sizing needs a heat demand", field="heat")
        hd = as_profile(heat.demand_kw, n, "heat.demand_kw")
        cop = as_profile(heat.cop, n, "heat.cop")
        if np.any(cop <= 0):
            raise InputError("COP 须为正", "COP must be positive", field="heat.cop", expected="> 0")
        gas_cost = dt * (heat.gas_price + cp * heat.gas_emission_factor) / heat.gas_boiler_efficiency
        if "heat_pump_kw" in caps:
            hp = lp.add_vars("heat_pump", n, 0.0, INF, -gas_cost)
            lp.add_rows("heat_pump_max", n, [(t, hp, 1.0), (t, cap_cols["heat_pump_kw"], -1.0)], upper=0.0)
        else:
            hp = lp.add_vars("heat_pump", n, 0.0, heat.heat_pump_kw, -gas_cost)
        # the gas boiler is eliminated: gb = hd − hp − eb, so 0 ≤ gb ≤ cap_gb becomes the ranged row
        # hd − cap_gb ≤ hp + eb ≤ hd, and its cost moves to an offset and to −cost on hp and eb
        heat_cols = [hp]
        if heat.electric_boiler_kw > 0:
            eb = lp.add_vars("electric_boiler", n, 0.0, heat.electric_boiler_kw, -gas_cost)
            heat_cols.append(eb)
            supply.append((eb, -1.0 / heat.electric_boiler_efficiency))
            elec_heat = _form(eb, dt / heat.electric_boiler_efficiency)
        lp.offset += gas_cost * float(hd.sum())
        # heat delivered other than by the gas boiler: hp + eb (+ thermal discharge − charge)
        delivered: list[tuple[IntArray, float]] = [(col_, 1.0) for col_ in heat_cols]
        tes = _thermal_storage(lp, sys, caps, cap_cols, heat_cols, gas_cost)
        if tes is not None:
            delivered += [(tes[1], 1.0), (tes[0], -1.0)]
        lp.add_rows("heat_balance", n, [(t, col_, sign) for col_, sign in delivered], lower=hd - heat.gas_boiler_kw,
                    upper=hd)
        supply.append((hp, -1.0 / cop))
        elec_heat = elec_heat + _form(hp, dt / cop)
        gas_fuel = _const(float(hd.sum()) * dt / heat.gas_boiler_efficiency)
        for col_, sign in delivered:
            gas_fuel = gas_fuel + _form(col_, -sign * dt / heat.gas_boiler_efficiency)
        gas_ef = heat.gas_emission_factor
    else:
        gas_ef = 0.0

    lp.add_rows("balance", n, [(t, col, coef) for col, coef in supply], lower=load, upper=load)

    if tariff.demand_charge > 0:
        months = billing_months(sys.index)
        dm = lp.add_vars("peak_import", int(months.max()) + 1, 0.0, INF, tariff.demand_charge)
        lp.add_rows("peak_import", n, [(t, g, 1.0), (t, dm[months], -1.0)], upper=0.0)

    # metrics as linear forms [kWh] / [kg]
    renew_f = _sum([_form(c_, dt) for c_ in renew])
    q_f = _sum([_form(c_, dt) for c_ in q_all])
    qp_f = _sum([_form(c_, dt) for c_ in q_phys])
    exp_f = _form(x, -dt)
    imp_f = _form(g, dt)
    electricity = imp_f + renew_f + q_f + exp_f  # consumed incl. heat and battery losses
    forms = {
        "import_kwh": imp_f, "export_kwh": exp_f.scaled(-1.0), "onsite_renewable_kwh": renew_f,
        "contract_kwh": q_f, "contract_physical_kwh": qp_f, "electricity_kwh": electricity,
        "heat_electricity_kwh": elec_heat, "gas_kwh": gas_fuel,
        "final_energy_kwh": electricity + gas_fuel,
        "non_fossil_kwh": renew_f + q_f + exp_f + _form(g, dt * nf),
        "physical_kwh": renew_f + qp_f + exp_f,
        "demand_kwh": _const(float(load.sum() * dt)) + elec_heat,
        "cfe_kwh": _const(float(load.sum() * dt)) + elec_heat + _form(g, -dt * (1.0 - nf)),
        "emissions_kg": _form(g, dt * ef) + gas_fuel.scaled(gas_ef),
    }
    if battery_cols is not None:
        forms["charge_kwh"] = _form(battery_cols[0], dt)
        forms["discharge_kwh"] = _form(battery_cols[1], dt)
    if "thermal_charge" in lp.col_blocks:
        forms["thermal_charge_kwh"] = _form(lp.col_blocks["thermal_charge"], dt)
        forms["thermal_discharge_kwh"] = _form(lp.col_blocks["thermal_discharge"], dt)

    merged = merged_targets(sys, targets)
    if merged.energy_basis is not None:  # comprehensive energy [kgce] (intensity.py)
        eb_, fp = merged.energy_basis, merged.fixed_part
        forms["energy_kgce"] = electricity.scaled(eb_.electricity_kgce_per_kwh) + gas_fuel.scaled(eb_.gas)
        # the intensity's numerator and denominator: the modelled flows + the factory's fixed part (intensity.py)
        forms["intensity_emissions_kg"] = forms["emissions_kg"] + _const(fp.emissions_kg if fp else 0.0)
        forms["intensity_energy_kgce"] = forms["energy_kgce"] + _const(fp.energy_kgce if fp else 0.0)
    model = Model(lp, forms, cap_cols, {}, dt, energy_basis=merged.energy_basis, fixed_part=merged.fixed_part)
    model.renewables = [(key, a, cap) for a, cap, key in avails] if sources else []
    for name, level in merged.items():
        add_target(model, name, level)
    return model


def _thermal_storage(lp: LinearProgram, sys: EnergySystem, caps: dict[str, CapacityVar], cap_cols: dict[str, int],
                     heat_cols: list[IntArray], gas_cost: float) -> tuple[IntArray, IntArray] | None:
    """Columns (charge, discharge) of the thermal store, with its rows; None when there is none.

    The gas boiler's output is gb = hd − hp − eb − d + c, so d saves and c costs the gas cost; the store
    is charged only from electric heat: c ≤ hp + eb (:class:`~zerocarbon.renewables.storage.ThermalStorage`).
    """
    assert sys.heat is not None
    ts = sys.heat.storage
    sized_e, sized_p = "thermal_storage_kwh" in caps, "thermal_storage_kw" in caps
    if ts is None:
        if sized_e or sized_p:
            raise InputError("蓄热容量决策需要蓄热参数（heat.storage）", "thermal storage sizing needs its "
                             "parameters (heat.storage)", field="heat.storage")
        return None
    n, dt = sys.steps, sys.step_hours
    t = np.arange(n)
    c = lp.add_vars("thermal_charge", n, 0.0, INF if sized_p else ts.charge_kw, gas_cost)
    d = lp.add_vars("thermal_discharge", n, 0.0, INF if sized_p else ts.discharge_kw, -gas_cost)
    e = lp.add_vars("thermal_soc", n, 0.0 if sized_e else ts.soc_min * ts.energy_kwh,
                    INF if sized_e else ts.soc_max * ts.energy_kwh, 0.0)
    add_store_rows(lp, "thermal_", e=e, c=c, d=d, dt=dt, eta_charge=ts.eta_charge, eta_discharge=ts.eta_discharge,
                   loss_per_hour=ts.standing_loss, soc_initial=ts.soc_initial, soc_min=ts.soc_min,
                   soc_max=ts.soc_max, energy_kwh=ts.energy_kwh,
                   energy_col=cap_cols["thermal_storage_kwh"] if sized_e else None)
    if sized_p:
        pcol = cap_cols["thermal_storage_kw"]
        lp.add_rows("thermal_charge_max", n, [(t, c, 1.0), (t, pcol, -1.0)], upper=0.0)
        lp.add_rows("thermal_discharge_max", n, [(t, d, 1.0), (t, pcol, -1.0)], upper=0.0)
    lp.add_rows("thermal_charge_source", n, [(t, c, 1.0)] + [(t, col_, -1.0) for col_ in heat_cols], upper=0.0)
    return c, d


def _check_arbitrage(sys: EnergySystem, import_cost: FloatArray) -> None:
    """Refuse a programme that is unbounded by buying from the grid to sell back: import and export both
    unlimited and an export price above the import cost (energy price + carbon price × factor) of some step."""
    g = sys.grid
    if g.import_limit_kw == INF and g.export_limit_kw == INF and np.any(g.tariff.export_price > import_cost):
        worst = float(import_cost.min())
        raise InputError(
            f"上网电价 {g.tariff.export_price} 元/kWh 高于最低购电成本 {worst:.4f} 元/kWh，且购电、上网均不限量："
            "低价购电再上网可无限获利，优化无界；请设置上网容量上限（grid.export_limit_kw / export_limit_kw）",
            f"the export price {g.tariff.export_price} CNY/kWh exceeds the lowest import cost {worst:.4f} CNY/kWh "
            "with neither import nor export limited: buying to sell back is unbounded; set an export limit "
            "(grid.export_limit_kw / export_limit_kw)",
            field="export_limit_kw", expected="a finite export limit [kW] or an export price ≤ the import cost")


def _disposal_is_free(sys: EnergySystem, price: FloatArray) -> bool:
    """True when surplus electricity can be disposed of at no cost (see the battery power rows)."""
    return (all(not c.must_take for c in sys.contracts) and sys.grid.tariff.export_price >= 0
            and bool(np.all(price >= 0)) and sys.carbon_price >= 0)


def _sum(forms: list[LinForm]) -> LinForm:
    out = _const(0.0)
    for f in forms:
        out = out + f
    return out


def target_form(model: Model, name: str, level: float) -> tuple[LinForm, float, float]:
    """A target as ``lower ≤ form ≤ upper``: ratio targets as num − level·den ≥ 0 [kWh]."""
    if name == "residual_emissions_t":
        f = model.forms["emissions_kg"]
        return f, -INF, level * 1000.0
    if name == "intensity_tco2_per_tce":  # E − w·Q ≤ 0 [kg], w [tCO2/tce] = [kgCO2/kgce] (intensity.py)
        if "intensity_energy_kgce" not in model.forms:
            raise InputError("单位能耗碳排放目标需要折标准煤系数（energy_basis：电力等价值及其来源）",
                             "the intensity target needs the standard-coal conversion (energy_basis: the equal "
                             "value of electricity and its source)", field="targets.energy_basis",
                             expected="EnergyBasis(electricity_kgce_per_kwh, electricity_source)")
        if level < 0:
            raise InputError("单位能耗碳排放目标不能为负", "the intensity target cannot be negative",
                             field=name, expected="≥ 0 tCO2/tce")
        return model.forms["intensity_emissions_kg"] + model.forms["intensity_energy_kgce"].scaled(-level), -INF, 0.0
    if name not in RATIOS:
        raise InputError(f"未知目标 {name}", f"unknown target {name}", field="targets",
                         expected=", ".join(Targets.names()))
    if not 0.0 <= level <= 1.0:
        raise InputError(f"目标 {name} 须在 [0, 1] 内", f"target {name} must be within [0, 1]", field=name,
                         expected="a share 0–1")
    num, den = (model.forms[k] for k in RATIOS[name])
    return num + den.scaled(-level), 0.0, INF


def add_target(model: Model, name: str, level: float) -> None:
    """Add one target row to the model."""
    f, lo, hi = target_form(model, name, level)
    rows = model.lp.add_rows(f"target:{name}", 1, [(0, f.cols, f.coefs)], lower=lo - f.const, upper=hi - f.const)
    model.target_rows[name] = int(rows[0])


#: A change of the programme: (row, column or None for the row bounds, coefficient, lower, upper).
Change = tuple[int, int | None, float, float, float]


def add_level_row(model: Model, name: str) -> tuple[int, int | None]:
    """The row of target ``name`` written so that its level changes one coefficient or the row bounds only
    (for a sweep on one HiGHS model): ratio and intensity targets ``num − level·z ≷ 0`` with an auxiliary
    column ``z`` = the denominator (one more equality row); emissions ``E ≤ level``. Returns (row, z).
    The row starts without a level (:func:`set_level` sets it)."""
    target_form(model, name, 0.0)  # validates the name and the energy basis
    lp = model.lp
    if name == "residual_emissions_t":
        f = model.forms["emissions_kg"]
        row = int(lp.add_rows(f"target:{name}", 1, [(0, f.cols, f.coefs)])[0])
        model.target_rows[name] = row
        return row, None
    num, den = ((model.forms["intensity_emissions_kg"], model.forms["intensity_energy_kgce"])
                if name == "intensity_tco2_per_tce" else tuple(model.forms[k] for k in RATIOS[name]))
    z = int(lp.add_vars("slack_level_denominator", 1, -INF, INF, 0.0)[0])
    lp.add_rows(f"target_denominator:{name}", 1, [(0, den.cols, den.coefs), (0, z, -1.0)], lower=-den.const,
                upper=-den.const)
    lo, hi = (-INF, -num.const) if name == "intensity_tco2_per_tce" else (-num.const, INF)
    row = int(lp.add_rows(f"target:{name}", 1, [(0, num.cols, num.coefs)], lower=lo, upper=hi)[0])
    model.target_rows[name] = row
    return row, z


def set_level(model: Model, row: tuple[int, int | None], name: str, level: float) -> list[Change]:
    """The changes that put ``level`` into the row made by :func:`add_level_row` (validated as a target)."""
    target_form(model, name, level)  # same checks as a target row
    r, z = row
    if z is None:
        f = model.forms["emissions_kg"]
        return [(r, None, 0.0, -INF, level * 1000.0 - f.const)]
    return [(r, z, -level, 0.0, 0.0)]
