"""Decarbonisation measures with interactions, the marginal abatement cost (MAC) curve, the roadmap.

A factory's energy use is a :class:`State`: hourly electricity demand [kW], on-site PV and wind
capacity, an optional battery, boiler gas [GJ/a], forklift diesel [t/a] and contractual
instruments (green power, certificates) [MWh/a]. A :class:`MeasureSpec` changes the state
(:func:`apply`); :func:`evaluate` turns a state into emissions, energy cost and indicators:

* electricity: without a battery, ``import_t = max(L_t − G_t, 0)``, ``export_t = min(max(G_t − L_t, 0),
  export limit)`` (the rest curtailed), G the on-site PV + wind output; with a battery, the least-cost
  dispatch of :func:`zerocarbon.renewables.dispatch.dispatch` (HiGHS);
* emissions [tCO2/a] = (import − credited instruments) · EF_grid + gas · EF_gas + diesel · EF_diesel
  + other (the baseline's emissions not modelled here, held constant); exports earn no credit;
  instruments are credited only when the method regime credits them, up to the grid import;
* energy cost [CNY/a] = Σ import_t · p_t − export · p_export + gas · p_gas + diesel · p_diesel +
  instrument costs.

Sequencing (:func:`sequence`): at each step every remaining measure is applied to the current state
and evaluated; the one with the lowest cost of abatement

    MAC [CNY/tCO2] = (capex · CRF(i, n) + opex + Δ energy cost) / Δ emissions

is taken and the state moves on, so each abatement is computed after the measures before it (a heat
pump adds electricity that PV then covers; efficiency lowers what PV can displace). Measures that
abate nothing at their turn are reported, not applied. The MAC curve is the sequence: widths the
abatements [tCO2/a], heights the MACs. :func:`roadmap` places the measures on years (their given
year, else spread in MAC order from the start year to the target year) and gives, each year,
residual = baseline − Σ abatement of the measures in place [tCO2/a]: what offsets would have to cover.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from zerocarbon.errors import InputError
from zerocarbon.renewables.dispatch import dispatch
from zerocarbon.renewables.heat import cop_staffell
from zerocarbon.renewables.lp import FloatArray
from zerocarbon.renewables.matching import hourly_matching, self_consumption
from zerocarbon.renewables.sizing import crf
from zerocarbon.renewables.storage import Battery
from zerocarbon.renewables.system import EnergySystem, Grid
from zerocarbon.renewables.tariffs import TouTariff

GJ_PER_KWH = 0.0036
#: Measure kinds and their parameters (units in docs/renewables.md, "planning and roadmap").
KINDS: dict[str, tuple[str, ...]] = {
    "electricity_saving": ("kwh",), "gas_saving": ("gj",), "heat_pump": ("share", "sink_c"),
    "forklifts": ("share", "kwh_per_t"), "pv": ("kwp",), "wind": ("kw",),
    "battery": ("kwh", "kw", "round_trip"), "green_power": ("mwh", "price_per_mwh"),
    "certificates": ("mwh", "price_per_mwh"),
}


@dataclass(frozen=True)
class Baseline:
    """What the factory uses and emits in the data year, and the prices and factors to value changes.

    Attributes
    ----------
    index : pandas.DatetimeIndex
        Hourly steps of the year (tz-aware).
    load_kw : array
        Site electricity demand before on-site generation [kW].
    pv_profile : array or None
        PV output per kWp [kW/kWp]; ``wind_profile`` per kW [kW/kW].
    pv_kwp, wind_kw : float
        Existing capacities [kWp, kW].
    temp_air_c : array or None
        Air temperature [°C] (heat-pump COP).
    heat_shape : array
        Share of the year's boiler heat in each step [-], summing to 1.
    gas_gj, boiler_efficiency : float
        Boiler gas [GJ/a, NCV] and efficiency [-].
    diesel_t : float
        Forklift diesel [t/a].
    ef_grid, ef_gas, ef_diesel : float
        [tCO2/MWh], [tCO2/GJ], [tCO2/t] of the method regime.
    other_t : float
        Emissions held constant [tCO2/a] (the regime's total − the modelled parts at baseline).
    instruments_mwh : float
        Green power and certificates already credited [MWh/a].
    credits_instruments : bool
        Whether the regime credits green power (``green_power`` measures).
    credits_certificates : bool
        Whether the regime credits certificates (``certificates`` measures).
    tariff : TouTariff
        Electricity prices and export price.
    gas_price, diesel_price : float
        [CNY/GJ], [CNY/t].
    export_limit_kw : float
        [kW] (inf = none).
    """

    index: pd.DatetimeIndex
    load_kw: FloatArray
    pv_profile: FloatArray | None
    pv_kwp: float
    temp_air_c: FloatArray | None
    heat_shape: FloatArray
    gas_gj: float
    boiler_efficiency: float
    diesel_t: float
    ef_grid: float
    ef_gas: float
    ef_diesel: float
    other_t: float
    instruments_mwh: float
    credits_instruments: bool
    tariff: TouTariff
    gas_price: float
    diesel_price: float
    ef_grid_source: str = ""
    wind_profile: FloatArray | None = None
    wind_kw: float = 0.0
    export_limit_kw: float = float("inf")
    credits_certificates: bool = False


@dataclass(frozen=True)
class State:
    """The factory after some measures (see module docstring)."""

    load_kw: FloatArray
    pv_kwp: float
    wind_kw: float
    battery: Battery | None
    gas_gj: float
    diesel_t: float
    instruments_mwh: float
    instrument_cost: float = 0.0
    certificates_mwh: float = 0.0

    @classmethod
    def of(cls, b: Baseline) -> State:
        return cls(np.asarray(b.load_kw, float), b.pv_kwp, b.wind_kw, None, b.gas_gj, b.diesel_t, b.instruments_mwh)


@dataclass(frozen=True)
class MeasureSpec:
    """A measure to assess: what it changes (``kind``, ``params``) and what it costs.

    Attributes
    ----------
    capex : float
        Investment [CNY]; ``opex`` fixed cost [CNY/a] beyond energy; ``lifetime_years`` [a].
    source : str
        Where the cost and parameter figures come from (required).
    year : int or None
        Year the measure is put in place (None: scheduled in MAC order).
    """

    id: str
    kind: str
    title_zh: str
    title_en: str
    params: Mapping[str, float]
    capex: float
    opex: float
    lifetime_years: float
    source: str
    year: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InputError(f"措施 {self.id} 的类型 {self.kind} 未知", f"measure {self.id}: unknown kind {self.kind}",
                             field=f"{self.id}.kind", expected=", ".join(KINDS))
        missing = [p for p in KINDS[self.kind] if p not in self.params]
        if missing:
            raise InputError(f"措施 {self.id} 缺少参数 {missing}", f"measure {self.id} lacks {missing}",
                             field=f"{self.id}.{missing[0]}")
        if not self.source.strip() or self.capex < 0 or self.opex < 0 or self.lifetime_years <= 0:
            raise InputError(f"措施 {self.id} 的费用须非负、寿命为正并注明来源",
                             f"measure {self.id}: costs must be ≥ 0, lifetime > 0 and a source given",
                             field=f"{self.id}.source")


@dataclass(frozen=True)
class Evaluation:
    """A state's yearly figures: emissions [tCO2/a], energy cost [CNY/a], energies [kWh/a], indicators [-]."""

    emissions_t: float
    energy_cost: float
    import_kwh: float
    export_kwh: float
    onsite_kwh: float
    consumed_kwh: float
    indicators: dict[str, float]


def _cop(b: Baseline, sink_c: float) -> FloatArray:
    if b.temp_air_c is None:
        raise InputError("热泵需要逐时气温", "a heat pump needs the hourly air temperature", field="weather.temp_air")
    return np.maximum(cop_staffell(np.asarray(b.temp_air_c, float), sink_c, "air"), 1.0)


def apply(b: Baseline, s: State, m: MeasureSpec) -> State:
    """The state after measure ``m`` (kinds: :data:`KINDS`)."""
    p = m.params
    dt = 1.0
    if m.kind == "electricity_saving":
        total = float(s.load_kw.sum() * dt)
        keep = max(1.0 - p["kwh"] / total, 0.0) if total > 0 else 1.0
        return replace(s, load_kw=s.load_kw * keep)
    if m.kind == "gas_saving":
        return replace(s, gas_gj=max(s.gas_gj - p["gj"], 0.0))
    if m.kind == "heat_pump":
        moved_gj = p["share"] * s.gas_gj
        heat_kw = moved_gj * b.boiler_efficiency / GJ_PER_KWH * b.heat_shape / dt
        return replace(s, load_kw=s.load_kw + heat_kw / _cop(b, p["sink_c"]), gas_gj=s.gas_gj - moved_gj)
    if m.kind == "forklifts":
        moved_t = p["share"] * s.diesel_t
        return replace(s, load_kw=s.load_kw + moved_t * p["kwh_per_t"] / (len(s.load_kw) * dt),
                       diesel_t=s.diesel_t - moved_t)
    if m.kind == "pv":
        if b.pv_profile is None:
            raise InputError("光伏措施需要气象数据", "a PV measure needs weather data", field=f"{m.id}")
        return replace(s, pv_kwp=s.pv_kwp + p["kwp"])
    if m.kind == "wind":
        if b.wind_profile is None:
            raise InputError("风电措施需要轮毂高度风速", "a wind measure needs hub-height wind speeds", field=f"{m.id}")
        return replace(s, wind_kw=s.wind_kw + p["kw"])
    if m.kind == "battery":
        return replace(s, battery=Battery.from_round_trip(p["kwh"], p["kw"], p["round_trip"]))
    cost = s.instrument_cost + p["mwh"] * p["price_per_mwh"]
    if m.kind == "certificates":
        return replace(s, certificates_mwh=s.certificates_mwh + p["mwh"], instrument_cost=cost)
    return replace(s, instruments_mwh=s.instruments_mwh + p["mwh"], instrument_cost=cost)


def evaluate(b: Baseline, s: State) -> Evaluation:
    """Emissions, energy cost and indicators of a state (module docstring)."""
    n = len(s.load_kw)
    avail = np.zeros(n)
    if b.pv_profile is not None:
        avail = avail + s.pv_kwp * np.asarray(b.pv_profile, float)
    if b.wind_profile is not None:
        avail = avail + s.wind_kw * np.asarray(b.wind_profile, float)
    prices = b.tariff.energy_prices(b.index)
    if s.battery is None:
        net = s.load_kw - avail
        imp = np.maximum(net, 0.0)
        exp = np.minimum(np.maximum(-net, 0.0), b.export_limit_kw)
        onsite = float(avail.sum() - (np.maximum(-net, 0.0) - exp).sum())
    else:
        grid = Grid(b.tariff, b.ef_grid, b.ef_grid_source, export_limit_kw=b.export_limit_kw)
        r = dispatch(EnergySystem(b.index, s.load_kw, grid, b.pv_profile, s.pv_kwp, b.wind_profile, s.wind_kw,
                                  s.battery))
        imp, exp = r.hourly["import"], r.hourly["export"]
        onsite = r.balance["onsite_renewable"]
    import_kwh, export_kwh = float(imp.sum()), float(exp.sum())
    credited = min(1000.0 * (s.instruments_mwh * b.credits_instruments
                             + s.certificates_mwh * b.credits_certificates), import_kwh)
    emissions = ((import_kwh - credited) / 1000.0 * b.ef_grid + s.gas_gj * b.ef_gas + s.diesel_t * b.ef_diesel
                 + b.other_t)
    cost = (float(imp @ prices) - export_kwh * b.tariff.export_price + s.gas_gj * b.gas_price
            + s.diesel_t * b.diesel_price + s.instrument_cost)
    consumed = import_kwh + onsite - export_kwh
    fuel_kwh = s.gas_gj / GJ_PER_KWH
    instruments_kwh = min((s.instruments_mwh + s.certificates_mwh) * 1000.0, import_kwh)
    ind = {
        "non_fossil_share": ((onsite - export_kwh + instruments_kwh) / (consumed + fuel_kwh)
                             if consumed > 0 else math.nan),
        "physical_share": (onsite - export_kwh) / consumed if consumed > 0 else math.nan,
        "self_consumption": self_consumption(onsite, export_kwh),
        "hourly_matching": hourly_matching(s.load_kw, imp)[0],
    }
    return Evaluation(emissions, cost, import_kwh, export_kwh, onsite, consumed, ind)


@dataclass(frozen=True)
class Step:
    """One measure at its place in the sequence.

    Attributes
    ----------
    abatement_t : float
        Emissions avoided at its turn [tCO2/a]; ``abatement_alone_t`` applied to the baseline alone.
    annual_cost : float
        capex · CRF + opex + Δ energy cost [CNY/a] (negative = saves money).
    mac : float
        annual_cost / abatement_t [CNY/tCO2].
    after : Evaluation
        The state after it.
    """

    measure: MeasureSpec
    abatement_t: float
    abatement_alone_t: float
    annual_cost: float
    annualised_capex: float
    energy_cost_change: float
    mac: float
    after: Evaluation


@dataclass(frozen=True)
class Ordering:
    """The outcome of :func:`sequence`: baseline evaluation, steps in MAC order, measures not applied."""

    baseline: Evaluation
    steps: list[Step]
    not_applied: list[tuple[MeasureSpec, str]] = field(default_factory=list)
    final_state: State | None = None


def sequence(b: Baseline, measures: Sequence[MeasureSpec], discount_rate: float) -> Ordering:
    """Apply the measures cheapest abatement first, re-evaluating after each (module docstring)."""
    ids = [m.id for m in measures]
    if len(set(ids)) != len(ids):
        raise InputError("措施编号重复", "measure ids repeat", field="measures.id", expected="unique ids")
    state = State.of(b)
    ev = base = evaluate(b, state)
    alone: dict[str, float] = {}
    remaining = list(measures)
    steps: list[Step] = []
    skipped: list[tuple[MeasureSpec, str]] = []
    while remaining:
        trials = []
        for m in remaining:
            st = apply(b, state, m)
            e = evaluate(b, st)
            abated = ev.emissions_t - e.emissions_t
            alone.setdefault(m.id, abated)
            cap = m.capex * crf(discount_rate, m.lifetime_years) + m.opex
            annual = cap + e.energy_cost - ev.energy_cost
            trials.append((annual / abated if abated > 1e-9 else math.inf, m.id, m, st, e, abated, cap, annual))
        trials.sort(key=lambda x: (x[0], x[1]))
        mac, _, m, st, e, abated, cap, annual = trials[0]
        if not math.isfinite(mac):
            skipped += [(t[2], "no abatement at its turn") for t in trials]
            break
        steps.append(Step(m, abated, alone[m.id], annual, cap, e.energy_cost - ev.energy_cost, mac, e))
        remaining.remove(m)
        state, ev = st, e
    return Ordering(base, steps, skipped, state)


@dataclass(frozen=True)
class YearRow:
    """One year of the roadmap [tCO2/a, CNY/a]."""

    year: int
    measures: list[str]
    abatement_t: float
    residual_t: float
    annual_cost: float


def schedule(steps: Sequence[Step], start_year: int, target_year: int) -> dict[str, int]:
    """Year of each measure: its given year, else spread in MAC order over [start_year, target_year]."""
    if target_year < start_year:
        raise InputError("目标年须不早于起始年", "the target year must not precede the start year",
                         field="target_year", expected=f"≥ {start_year}")
    free = [s for s in steps if s.measure.year is None]
    span = target_year - start_year + 1
    out = {s.measure.id: start_year + (i * span) // max(len(free), 1) for i, s in enumerate(free)}
    for s in steps:
        if s.measure.year is not None:
            out[s.measure.id] = s.measure.year
    return out


def roadmap(baseline_t: float, steps: Sequence[Step], start_year: int, target_year: int) -> list[YearRow]:
    """Residual emissions each year: baseline − Σ abatement of the measures in place by then."""
    years = schedule(steps, start_year, target_year)
    rows = []
    for y in range(start_year, target_year + 1):
        done = [s for s in steps if years[s.measure.id] <= y]
        abated = sum(s.abatement_t for s in done)
        rows.append(YearRow(y, [s.measure.id for s in steps if years[s.measure.id] == y], abated,
                            baseline_t - abated, sum(s.annual_cost for s in done)))
    return rows
