"""Why a dispatch or sizing problem is infeasible, in words: which constraint, by how much.

When HiGHS reports infeasibility, the problem is solved again without its targets:

* if even that has no solution, the energy balance cannot be met (import limit, must-take
  contracts with an export limit): a relaxed balance with unserved/surplus energy priced at 1 is
  solved and the worst step reported;
* otherwise the best achievable level of each target is computed exactly on the problem without
  targets: the largest share by the Charnes–Cooper transformation of the linear-fractional
  programme (Charnes & Cooper, "Programming with linear fractional functionals", Naval Res.
  Logist. Q. 9 (1962) 181–186), the smallest emissions by minimising them. A target beyond its
  best level is reported with the gap; if each is achievable alone, they conflict jointly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from zerocarbon.errors import ZerocarbonError
from zerocarbon.renewables.formulation import RATIOS, CapacityVar, LinForm, Model, Targets, build, merged_targets
from zerocarbon.renewables.lp import INF, Solution, solve
from zerocarbon.renewables.system import EnergySystem

LABELS = {
    "non_fossil_share": ("非化石能源消费占比", "non-fossil share"),
    "physical_share": ("非化石电力物理认定量占比", "physically traceable share"),
    "hourly_matching": ("逐时匹配率（24/7 CFE）", "hourly matching (24/7 CFE)"),
    "residual_emissions_t": ("剩余排放", "residual emissions"),
    "intensity_tco2_per_tce": ("单位能耗碳排放", "zero-carbon intensity"),
}


@dataclass(eq=False)
class InfeasibleTarget(ZerocarbonError):
    """A target (or the energy balance) that cannot be met; ``details`` holds per-target figures:
    ``{"target": {"required": x, "best": y, "gap": y − x, "unit": "-" or "tCO2"}}``."""


def best_ratio(model: Model, num: LinForm, den: LinForm) -> float:
    """The largest ``num/den`` over the model's feasible set (Charnes–Cooper) [-]; nan if infeasible."""
    _, lb, ub, rlo, rhi, a = model.lp.arrays()
    n = a.shape[1]
    a = a.tocsr()
    eq = np.isfinite(rlo) & (rlo == rhi)
    lo = np.isfinite(rlo) & ~eq
    hi = np.isfinite(rhi) & ~eq
    blocks, lows, highs = [], [], []
    for mask, rhs, lo_b, hi_b in ((eq, rlo, 0.0, 0.0), (lo, rlo, 0.0, INF), (hi, rhi, -INF, 0.0)):
        idx = np.flatnonzero(mask)
        if len(idx):
            blocks.append(sp.hstack([a[idx], sp.csr_matrix(-rhs[idx].reshape(-1, 1))]))
            lows.append(np.full(len(idx), lo_b))
            highs.append(np.full(len(idx), hi_b))
    # bounds other than 0 / ±inf become rows  y_j − b_j τ ≷ 0
    # (a zero lower bound stays a column bound y ≥ 0)
    for bound, lo_b, hi_b, mask in ((lb, 0.0, INF, np.isfinite(lb) & (lb != 0.0)), (ub, -INF, 0.0, np.isfinite(ub))):
        idx = np.flatnonzero(mask)
        if len(idx):
            rows = sp.csr_matrix((np.ones(len(idx)), (np.arange(len(idx)), idx)), shape=(len(idx), n))
            blocks.append(sp.hstack([rows, sp.csr_matrix(-bound[idx].reshape(-1, 1))]))
            lows.append(np.full(len(idx), lo_b))
            highs.append(np.full(len(idx), hi_b))
    drow = np.zeros(n + 1)
    np.add.at(drow, den.cols, den.coefs)
    drow[n] = den.const
    blocks.append(sp.csr_matrix(drow.reshape(1, -1)))
    lows.append(np.ones(1))
    highs.append(np.ones(1))
    big = sp.vstack(blocks).tocsc()
    obj = np.zeros(n + 1)
    np.add.at(obj, num.cols, num.coefs)
    obj[n] = num.const
    ylb = np.append(np.where(lb == 0.0, 0.0, -INF), 0.0)  # τ ≥ 0
    yub = np.full(n + 1, INF)
    sol = solve(obj, ylb, yub, np.concatenate(lows), np.concatenate(highs), big, maximise=True)
    return sol.objective if sol.optimal else float("nan")


def best_emissions(model: Model) -> float:
    """The smallest emissions over the model's feasible set [tCO2]; nan if infeasible."""
    f = model.forms["emissions_kg"]
    _, lb, ub, rlo, rhi, a = model.lp.arrays()
    obj = np.zeros(a.shape[1])
    np.add.at(obj, f.cols, f.coefs)
    sol = solve(obj, lb, ub, rlo, rhi, a, f.const)
    return sol.objective / 1000.0 if sol.optimal else float("nan")


def _balance_shortfall(model: Model) -> tuple[float, int, float]:
    """(unserved kWh, worst step, worst kW) of the balance relaxed with unserved/surplus columns."""
    _, lb, ub, rlo, rhi, a = model.lp.arrays()
    rows = model.lp.row_blocks["balance"]
    k = len(rows)
    m, n = a.shape
    slack = sp.csc_matrix((np.concatenate([np.ones(k), -np.ones(k)]),
                           (np.concatenate([rows, rows]), np.arange(2 * k))), shape=(m, 2 * k))
    obj = np.concatenate([np.zeros(n), np.ones(2 * k)])
    sol: Solution = solve(obj, np.concatenate([lb, np.zeros(2 * k)]), np.concatenate([ub, np.full(2 * k, INF)]),
                          rlo, rhi, sp.hstack([a, slack]).tocsc())
    if not sol.optimal:
        return float("nan"), -1, float("nan")
    s = sol.x[n:n + k] + sol.x[n + k:]
    worst = int(np.argmax(s))
    return float(s.sum() * model.step_hours), worst, float(s[worst])


def explain_infeasible(sys: EnergySystem, model: Model, sol: Solution, capacities: dict[str, CapacityVar] | None,
                       targets: Targets) -> InfeasibleTarget:
    """An :class:`InfeasibleTarget` saying which constraint fails and by how much."""
    base = build(sys.__class__(**{**sys.__dict__, "co2_cap_t": None, "min_non_fossil_share": None}),
                 capacities, Targets(energy_basis=targets.energy_basis, fixed_part=targets.fixed_part))
    requested = merged_targets(sys, targets)
    probe = solve(*base.lp.arrays(), offset=0.0)
    if not probe.optimal:
        kwh, step, kw = _balance_shortfall(base)
        when = str(sys.index[step]) if step >= 0 else "?"
        return InfeasibleTarget(
            f"电力平衡无法满足（状态 {sol.status}）：最多缺 {kw:.1f} kW（{when}），共 {kwh:.1f} kWh；"
            "请检查购电容量上限、必须消纳的合同电量与上网限制",
            f"the energy balance cannot be met (status {sol.status}): short by up to {kw:.1f} kW ({when}), "
            f"{kwh:.1f} kWh in all; check the import limit, must-take contracts and the export limit",
            field="balance", details={"balance": {"unserved_or_surplus_kwh": kwh, "worst_step": when,
                                                  "worst_kw": kw}})
    details: dict[str, object] = {}
    failing_zh, failing_en = [], []
    for name, level in requested.items():
        if name == "residual_emissions_t":
            best, unit = best_emissions(base), "tCO2"
            ok = best <= level * (1 + 1e-9) + 1e-9
        elif name == "intensity_tco2_per_tce":  # min E/Q = −max(−E/Q) [kgCO2/kgce = tCO2/tce]
            best = -best_ratio(base, base.forms["intensity_emissions_kg"].scaled(-1.0),
                               base.forms["intensity_energy_kgce"])
            unit = "tCO2/tce"
            ok = best <= level * (1 + 1e-9) + 1e-9
        else:
            num, den = (base.forms[k] for k in RATIOS[name])
            best, unit = best_ratio(base, num, den), "-"
            ok = best >= level - 1e-9
        d: dict[str, object] = {"required": level, "best": best, "gap": best - level, "unit": unit}
        fp = targets.fixed_part
        if name == "intensity_tco2_per_tce" and fp is not None:  # the constants the best level includes
            d.update(fixed_emissions_t=fp.emissions_kg / 1000.0, fixed_energy_tce=fp.energy_kgce / 1000.0)
        details[name] = d
        if not ok:
            zh, en = LABELS[name]
            if unit == "tCO2/tce":
                fp = targets.fixed_part
                inc_zh = "" if fp is None else (f"，含模型外的排放 {fp.emissions_kg / 1000:,.3f} tCO2 与能耗 "
                                                f"{fp.energy_kgce / 1000:,.3f} tce（{fp.source}）")
                inc_en = "" if fp is None else (f", including {fp.emissions_kg / 1000:,.3f} tCO2 and "
                                                f"{fp.energy_kgce / 1000:,.3f} tce outside the programme ({fp.source})")
                failing_zh.append(f"{zh}要求 ≤ {level:.4f} tCO2/tce，最低可达 {best:.4f} tCO2/tce"
                                  f"（超 {best - level:.4f}{inc_zh}）")
                failing_en.append(f"{en} requires ≤ {level:.4f} tCO2/tce, the lowest achievable is {best:.4f} "
                                  f"tCO2/tce (over by {best - level:.4f}{inc_en})")
            elif unit == "-":
                failing_zh.append(f"{zh}要求 ≥ {level:.2%}，最高可达 {best:.2%}（差 {level - best:.2%}）")
                failing_en.append(f"{en} requires ≥ {level:.2%}, the best achievable is {best:.2%} "
                                  f"(short by {level - best:.2%})")
            else:
                failing_zh.append(f"{zh}要求 ≤ {level:.3f} tCO2，最低可达 {best:.3f} tCO2（超 {best - level:.3f}）")
                failing_en.append(f"{en} requires ≤ {level:.3f} tCO2, the lowest achievable is {best:.3f} tCO2 "
                                  f"(over by {best - level:.3f})")
    if not failing_en:
        names = ", ".join(n for n, _ in requested.items())
        return InfeasibleTarget(f"各目标单独可达，但无法同时满足：{names}",
                                f"each target is achievable alone but not all together: {names}",
                                field="targets", details=details)
    return InfeasibleTarget("目标无法达到：" + "；".join(failing_zh), "target not achievable: " + "; ".join(failing_en),
                            field="targets", details=details)
