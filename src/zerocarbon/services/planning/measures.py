"""The measure library of the assumptions file, turned into the core's measures with the factory's data.

Three kinds are derived here from the factory's own data; the rest pass through
(:data:`zerocarbon.renewables.roadmap.KINDS`):

* ``efficiency_upgrades``: the diagnosis's upgrades to grade 1 (``services/efficiency``): electricity
  saved = Σ ΔE of the measures with an investment [kWh/a], capex = Σ investment, lifetime = the
  register's; measures without an investment are left out (no cost, no place on the MAC curve);
* ``air_leak_repair``: ΔE = E_comp · (leak_now − leak_after) [kWh/a], with the compressors'
  electricity from the register ``E_comp = Σ P·β/η·h`` (compressor power taken proportional to
  the air delivered, a simplification);
* ``compressor_heat_recovery``: gas saved = E_comp · heat_share · usable_share / η_boiler [GJ/a]
  (heat_share: the share of compressor input recoverable as heat, usable_share: the share of that
  the boiler's heat demand can take).

A measure with a missing cost or input is not assessed, with the reason (zh, en).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from zerocarbon.energy.register import EfficiencyRegister
from zerocarbon.errors import InputError
from zerocarbon.renewables.roadmap import GJ_PER_KWH, KINDS, MeasureSpec
from zerocarbon.services.efficiency.diagnose import Diagnosis
from zerocarbon.services.planning.assumptions import DERIVED, Assumptions, MeasureInput
from zerocarbon.services.planning.baseline import BaselineInfo


def compressor_kwh(register: EfficiencyRegister, codes: list[str]) -> float:
    """Yearly electricity of the named compressors from the register: Σ P·β/(η/100)·h [kWh/a]."""
    total = Decimal(0)
    devices = {d.code: d for d in register.devices}
    for code in codes:
        d = devices.get(code)
        if d is None or None in (d.rated_power_kw, d.load_factor, d.efficiency_pct, d.running_hours):
            raise InputError(f"台账中压缩机 {code} 不存在或缺少功率、负载率、效率、运行小时",
                             f"compressor {code} is not in the register or lacks power, load, efficiency or hours",
                             field="compressors")
        assert d.rated_power_kw is not None and d.load_factor is not None and d.efficiency_pct is not None
        assert d.running_hours is not None
        total += d.rated_power_kw * d.load_factor / (d.efficiency_pct / 100) * d.running_hours
    return float(total)


def _skip(m: MeasureInput, zh: str, en: str) -> dict[str, Any]:
    return {"id": m.id, "kind": m.kind, "title_zh": m.title_zh, "title_en": m.title_en, "reason_zh": zh,
            "reason_en": en}


def measure_specs(a: Assumptions, info: BaselineInfo, register: EfficiencyRegister | None,
                  diagnosis: Diagnosis | None, weather: Any) -> tuple[list[MeasureSpec], list[dict[str, Any]]]:
    """The core measures and those not assessed (with why)."""
    specs: list[MeasureSpec] = []
    skipped: list[dict[str, Any]] = []
    b = info.baseline
    for m in a.measures:
        if m.kind not in KINDS and m.kind not in DERIVED:
            raise InputError(f"措施 {m.id} 的类型 {m.kind} 未知", f"measure {m.id}: unknown kind {m.kind}",
                             file=str(a.path), field=f"{m.id}.kind", expected=", ".join((*KINDS, *DERIVED)))
        params = {k: v.value for k, v in m.params.items()}
        sources = [f"{k}: {v.source}" for k, v in m.params.items()]
        capex, opex, life = m.capex, m.opex, m.lifetime_years
        kind = m.kind
        if m.kind == "efficiency_upgrades":
            if diagnosis is None:
                skipped.append(_skip(m, "没有设备能效台账与诊断", "no equipment register and diagnosis"))
                continue
            costed = [x for x in diagnosis.measures if x.investment is not None]
            if not costed:
                skipped.append(_skip(m, "诊断措施均无投资额", "no diagnosis measure has an investment"))
                continue
            kind, params = "electricity_saving", {"kwh": float(sum(x.kwh_per_year for x in costed))}
            capex_v = float(sum(x.investment for x in costed if x.investment is not None))
            lifetime = float(diagnosis.register.settings.lifetime_years)
            specs.append(MeasureSpec(m.id, kind, m.title_zh, m.title_en, params, capex_v, 0.0, lifetime,
                                     "diagnosis measures " + ", ".join(x.id for x in costed)
                                     + " (investment and lifetime from the equipment register)", m.year))
            continue
        if capex is None or life is None:
            skipped.append(_skip(m, "缺少投资或寿命（未注明来源的数不用）", "capex or lifetime missing (no unsourced "
                                 "number is used)"))
            continue
        if m.kind in ("air_leak_repair", "compressor_heat_recovery"):
            if register is None:
                skipped.append(_skip(m, "没有设备能效台账（压缩机用电）", "no equipment register (compressor power)"))
                continue
            e_comp = compressor_kwh(register, m.extra.get("compressors") or [])
            if m.kind == "air_leak_repair":
                kind = "electricity_saving"
                params = {"kwh": e_comp * (params["leak_share_now"] - params["leak_share_after"])}
            else:
                kind = "gas_saving"
                params = {"gj": e_comp * params["heat_share"] * params["usable_share"] * GJ_PER_KWH
                          / b.boiler_efficiency}
            sources.append(f"compressor electricity {e_comp:,.0f} kWh/a from the register")
        if kind == "wind" and b.wind_profile is None:
            skipped.append(_skip(m, "气象数据没有风速：风电未评估", "the weather has no wind speed: wind not assessed"))
            continue
        try:
            specs.append(MeasureSpec(m.id, kind, m.title_zh, m.title_en, params, capex.value,
                                     opex.value if opex else 0.0, life.value,
                                     "; ".join([f"capex: {capex.source}", f"lifetime: {life.source}",
                                                *([f"opex: {opex.source}"] if opex else []), *sources]), m.year))
        except InputError as exc:
            raise exc.with_location(file=str(a.path)) from None
    return specs, skipped
