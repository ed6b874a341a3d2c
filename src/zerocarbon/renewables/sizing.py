"""Least-cost sizing of PV, wind, battery (energy and power), heat pumps and thermal storage under targets.

Capacities are decisions of the dispatch programme (:mod:`formulation`) with an annualised cost

    annual cost [CNY/(unit·a)] = capex [CNY/unit] · CRF(i, n) + fixed O&M [CNY/(unit·a)]
    CRF(i, n) = i (1 + i)^n / ((1 + i)^n − 1)      (CRF(0, n) = 1/n)

(capital recovery factor, e.g. Short, Packey & Holt, *A Manual for the Economic Evaluation of Energy
Efficiency and Renewable Energy Technologies*, NREL/TP-462-5173 (1995), §4.2.2), charged pro rata
for horizons shorter than a year. Targets: non-fossil share ≥ x, physical share ≥ y, hourly
matching ≥ z, residual emissions ≤ r, zero-carbon intensity ≤ w (:mod:`intensity`;
:class:`~zerocarbon.renewables.formulation.Targets`). An infeasible target raises
:class:`~zerocarbon.renewables.explain.InfeasibleTarget` with the best achievable level.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from zerocarbon.errors import InputError
from zerocarbon.renewables.coarse import MIN_STEPS, capacity_guess
from zerocarbon.renewables.dispatch import DispatchResult, read_result
from zerocarbon.renewables.explain import InfeasibleTarget, explain_infeasible
from zerocarbon.renewables.formulation import DECISIONS, CapacityVar, Model, Targets, add_level_row, build, set_level
from zerocarbon.renewables.lp import INF, Options, PersistentProgram, Solution, solve_from_guess, solve_program
from zerocarbon.renewables.system import EnergySystem

__all__ = ["DECISIONS", "Candidate", "SizingResult", "SweepPoint", "crf", "size", "sweep"]


def crf(discount_rate: float, lifetime_years: float) -> float:
    """Capital recovery factor [1/a] (module docstring)."""
    if lifetime_years <= 0 or discount_rate <= -1:
        raise InputError("寿命须为正、折现率须 > −1", "lifetime must be positive and discount rate > −1",
                         field="lifetime_years/discount_rate", expected="n > 0, i > −1")
    if discount_rate == 0:
        return 1.0 / lifetime_years
    f = (1.0 + discount_rate) ** lifetime_years
    return float(discount_rate * f / (f - 1.0))


@dataclass(frozen=True)
class Candidate:
    """A technology that may be built.

    Attributes
    ----------
    capex : float
        Investment per unit [CNY/kW] or [CNY/kWh] (``battery_kwh``, ``thermal_storage_kwh`` [CNY/kWh_th]).
    lifetime_years : float
        Economic lifetime [a].
    fixed_om : float
        Fixed O&M per unit and year [CNY/(unit·a)].
    existing : float
        Capacity already installed (the lower bound; its capital cost is sunk, not charged) [unit].
    maximum : float
        Upper bound on total capacity (roof area, land, grid connection) [unit].
    source : str
        Where the cost figures come from; required.
    """

    capex: float
    lifetime_years: float
    source: str
    fixed_om: float = 0.0
    existing: float = 0.0
    maximum: float = INF

    def annual_cost(self, discount_rate: float) -> float:
        """Annualised cost per unit [CNY/(unit·a)]."""
        return self.capex * crf(discount_rate, self.lifetime_years) + self.fixed_om


@dataclass(frozen=True)
class SizingResult:
    """The least-cost plan: capacities, its dispatch and the cost split.

    Attributes
    ----------
    capacities : dict[str, float]
        Total capacities [kWp, kW, kWh] (existing + new).
    new_capacities : dict[str, float]
        New capacities [same units].
    annual_capacity_cost : float
        Annualised cost of new capacity over the horizon [CNY].
    result : DispatchResult
        Dispatch of the plan, costs, emissions and indicators.
    targets : Targets
        The targets imposed.
    """

    capacities: dict[str, float]
    new_capacities: dict[str, float]
    annual_capacity_cost: float
    result: DispatchResult
    targets: Targets


def _capacity_vars(candidates: Mapping[str, Candidate], discount_rate: float) -> dict[str, CapacityVar]:
    out = {}
    for name, cand in candidates.items():
        if name not in DECISIONS:
            raise InputError(f"未知容量决策 {name}", f"unknown capacity decision {name}", field="candidates",
                             expected=", ".join(DECISIONS))
        if not cand.source.strip():
            raise InputError(f"{name} 的造价缺少来源", f"the costs of {name} have no source", field=f"{name}.source",
                             expected="a document or quotation")
        if cand.maximum < cand.existing:
            raise InputError(f"{name} 的上限小于现有容量", f"{name}: maximum below existing capacity",
                             field=f"{name}.maximum", expected=f"≥ {cand.existing}")
        # existing capacity is sunk: cost only the increment by splitting into a fixed part
        out[name] = CapacityVar(cand.annual_cost(discount_rate), cand.existing, cand.maximum)
    return out


def size(sys: EnergySystem, candidates: Mapping[str, Candidate], targets: Targets | None = None,
         discount_rate: float = 0.0, options: Options | None = None,
         start_from_coarse: bool | None = None) -> SizingResult:
    """The least-cost capacities and dispatch meeting the targets.

    Parameters
    ----------
    sys : EnergySystem
        The site (its capacities of the named candidates are replaced by decisions).
    candidates : Mapping[str, Candidate]
        Decisions among :data:`~zerocarbon.renewables.formulation.DECISIONS` (``thermal_storage_kwh``
        [kWh_th] and ``thermal_storage_kw`` [kW_th] need ``sys.heat.storage`` for the store's other
        parameters).
    targets : Targets, optional
    discount_rate : float
        Real discount rate for the CRF [-] (the user's or the company's hurdle rate; no default
        figure is assumed beyond 0).
    start_from_coarse : bool, optional
        Start the simplex from the capacities sized on coarser steps (4 then 2 steps merged into one,
        :mod:`~zerocarbon.renewables.coarse`);
        default: on horizons of :data:`~zerocarbon.renewables.coarse.MIN_STEPS` steps or more. Same
        optimum either way (only the solve time differs).

    Raises
    ------
    InfeasibleTarget
        With the best achievable level of each failing target.
    """
    tg = targets or Targets()
    caps = _capacity_vars(candidates, discount_rate)
    t0 = time.perf_counter()
    model = build(sys, caps, tg)
    # existing capacity is sunk: take its annual cost back out of the objective
    sunk = sum(cv.annual_cost * cv.lower for cv in caps.values()) * (sys.steps * sys.step_hours / 8760.0)
    model.lp.offset -= sunk
    built = time.perf_counter() - t0
    sol = _solve(sys, model, caps, tg, options, start_from_coarse)
    if not sol.optimal:
        raise explain_infeasible(sys, model, sol, caps, tg)
    res = read_result(sys, model, sol, built)
    res.costs["capacity"] -= sunk
    res.costs["total"] -= sunk
    total = dict(res.capacities)
    new = {k: total[k] - caps[k].lower for k in total}
    return SizingResult(total, new, res.costs["capacity"], res, tg)


def _solve(sys: EnergySystem, model: Model, caps: dict[str, CapacityVar], tg: Targets, options: Options | None,
           start_from_coarse: bool | None) -> Solution:
    """The sizing programme solved cold, or from the coarse guess (:mod:`~zerocarbon.renewables.coarse`)."""
    if start_from_coarse is None:
        start_from_coarse = sys.steps >= MIN_STEPS
    guess = capacity_guess(sys, caps, tg, options) if start_from_coarse and caps else None
    if guess is None:
        return solve_program(model.lp, options)
    values, seconds = guess
    return solve_from_guess(model.lp, {model.capacity_cols[k]: v for k, v in values.items()}, options, seconds)


#: HiGHS options of a sweep of two or more levels: Devex dual pricing. With HiGHS's default (dual steepest
#: edge) the first re-solve after the presolved first level recomputed the edge weights of the whole basis
#: (about 8.7 s CPU on the 8,760-hour problem of benchmarks/bench_dispatch.py, near a cold solve); with
#: Devex the re-solves took 0.3–0.4 s, while the cold first level took longer (about 15 s vs 9.3 s), a net
#: gain of about 3 s per sweep whatever its length. Same optimum (objectives equal to 1e-14 relative).
WARM_OPTIONS: Options = {"simplex_dual_edge_weight_strategy": 1}


@dataclass(frozen=True)
class SweepPoint:
    """One level of a target sweep: the plan's cost, or why the level cannot be reached."""

    level: float
    objective: float | None
    capacities: dict[str, float]
    indicators: dict[str, float]
    infeasible: InfeasibleTarget | None = None


def sweep(sys: EnergySystem, candidates: Mapping[str, Candidate], target: str, levels: Sequence[float],
          base: Targets | None = None, discount_rate: float = 0.0, options: Options | None = None,
          start_from_coarse: bool | None = None) -> list[SweepPoint]:
    """The least cost [CNY over the horizon] of each level of one target (the others from ``base``).

    One model is built and passed to HiGHS once; each level changes only the swept target's row
    (:func:`~zerocarbon.renewables.formulation.add_level_row`) and is solved from the previous level's
    basis (warm start; HiGHS options :data:`WARM_OPTIONS` unless ``options`` say otherwise); the first level
    starts from the coarse guess as in :func:`size` (``start_from_coarse``). An infeasible level is
    explained as by :func:`size`.
    """
    if target not in Targets.names():
        raise InputError(f"未知目标 {target}", f"unknown target {target}", field="target",
                         expected=", ".join(Targets.names()))
    others = Targets(**{**(base or Targets()).__dict__, target: None})
    caps = _capacity_vars(candidates, discount_rate)
    t0 = time.perf_counter()
    # the swept level replaces the system's own minimum share, or is capped by its own CO2 cap (as in size)
    own = {"non_fossil_share": "min_non_fossil_share", "residual_emissions_t": "co2_cap_t"}.get(target)
    model = build(sys.__class__(**{**sys.__dict__, own: None}) if own else sys, caps, others)
    sunk = sum(cv.annual_cost * cv.lower for cv in caps.values()) * (sys.steps * sys.step_hours / 8760.0)
    model.lp.offset -= sunk
    row = add_level_row(model, target)
    prog = PersistentProgram(model.lp, {**(WARM_OPTIONS if len(levels) > 1 else {}), **(options or {})})
    built = time.perf_counter() - t0
    out = []
    for i, level in enumerate(levels):
        tg = Targets(**{**others.__dict__, target: level})
        eff = min(level, sys.co2_cap_t) if own == "co2_cap_t" and sys.co2_cap_t is not None else level
        for r_, c_, v_, lo, hi in set_level(model, row, target, eff):
            if c_ is None:
                prog.set_row_bounds(r_, lo, hi)
            else:
                prog.set_coeff(r_, c_, v_)
        if i == 0 and caps and (sys.steps >= MIN_STEPS if start_from_coarse is None else start_from_coarse):
            # the first level starts from the coarse guess, as in size (same optimum)
            guess = capacity_guess(sys, caps, tg, options)
            if guess is not None:
                prog.start_from({model.capacity_cols[k]: v for k, v in guess[0].items()})
        sol = prog.solve()
        if not sol.optimal:
            out.append(SweepPoint(level, None, {}, {}, explain_infeasible(sys, model, sol, caps, tg)))
            continue
        res = read_result(sys, model, sol, built)
        out.append(SweepPoint(level, res.objective, dict(res.capacities), res.indicators))
    return out
