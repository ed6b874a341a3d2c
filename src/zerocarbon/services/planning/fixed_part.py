"""The factory's emissions and energy outside the sizing programme, from the baseline inventory.

The zero-carbon intensity target of the plan's sizing is the factory's indicator (910号 附件3 二.2: all
emissions over all comprehensive energy), while the programme models only some flows
(:mod:`zerocarbon.renewables.intensity`). The rest enters as constants
(:class:`~zerocarbon.renewables.intensity.FixedPart`), taken line by line from the baseline inventory:

* modelled, left out: every electricity line (grid and green purchases, on-site generation, export: the
  programme's load is their balance, its grid import is valued at the grid factor) and, when the
  programme models the boiler heat (heat decisions), the natural-gas lines (the same selection as
  :func:`~zerocarbon.services.planning.baseline.modelled_lines`, whose gas the programme's boiler burns);
* held constant, the other lines: process and fugitive emissions, fuels not modelled (forklift diesel,
  coal …, and natural gas when the heat is not modelled), heat bought or exported, CO2 recovered:
  E_fixed = Σ their emissions in the plan's view (biomass CO2 excluded, as in the inventory's totals and in
  :func:`zerocarbon.accounting.zero_carbon.indicator`) [kg CO2]; Q_fixed = Σ their comprehensive energy
  (GB/T 2589 coefficients of :mod:`zerocarbon.energy.comprehensive`, the energy uses of
  :func:`zerocarbon.energy.uses.line_energy_use`) [kgce].

* the purchased electricity's credit, subtracted from E_fixed: the programme charges every kWh it imports at
  the one grid factor of :func:`~zerocarbon.services.planning.baseline.build_baseline`, while the inventory's
  purchase lines carry what the view credits (green power; certificates where the view counts them, e.g. the
  zero_carbon view) and their own factors; credit = EF_grid × MWh bought − Σ the purchase lines' emissions
  [kg CO2], a constant (the baseline year's contracts; not capped at the programme's import). With the
  baseline's capacities the factory's E is then the inventory's, but for the hourly netting of the load and
  the export lines' credit (GB/T 32150 subtracts exports; the programme does not).

The figures are the inventory's year, held for the programme's horizon (the weather year). When a line's
energy cannot be valued (no GB/T 2589 coefficient), no fixed part is formed: the target stays on the
modelled flows only and the reason is given in zh and en.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from zerocarbon.accounting.results import Inventory
from zerocarbon.energy.comprehensive import comprehensive_energy
from zerocarbon.energy.uses import ELECTRICITY_CATEGORIES, line_energy_use
from zerocarbon.errors import ZerocarbonError
from zerocarbon.model.inventory_input import Category
from zerocarbon.renewables.intensity import EnergyBasis, FixedPart
from zerocarbon.services.planning.baseline import grid_factor, modelled_lines
from zerocarbon.units import conversion_factor

ZERO = Decimal(0)


def _energy_kgce(inv: Inventory, ids: set[str], basis: EnergyBasis) -> dict[str, Decimal]:
    """Comprehensive energy of the lines ``ids`` [kgce], line by line (electricity at the plan's equal value)."""
    k_e = Decimal(repr(basis.electricity_kgce_per_kwh))
    out: dict[str, Decimal] = {}
    for r in inv.lines:
        if r.line.id not in ids:
            continue
        use = line_energy_use(r)
        if use is None:
            out[r.line.id] = ZERO
            continue
        ce = comprehensive_energy([use], electricity_basis="equal_value", equal_value_coefficient=k_e,
                                  equal_value_source=basis.electricity_source)
        out[r.line.id] = ce.total_tce * 1000
    return out


def fixed_part(inv: Inventory, view: str, basis: EnergyBasis, heat_modelled: bool) -> tuple[FixedPart | None,
                                                                                           dict[str, Any]]:
    """The fixed part of the factory's intensity (module docstring) and its account for the output.

    Returns
    -------
    (FixedPart or None, dict)
        The dict holds the inventory's totals, the modelled lines left out and the constants [t, tce], or,
        when no fixed part can be formed, ``reason_zh`` / ``reason_en``.
    """
    roles = modelled_lines(inv, view)
    modelled = {r.line.id for r in inv.lines if r.category in ELECTRICITY_CATEGORIES}
    if heat_modelled:
        modelled |= set(roles["gas"])
    rest = [r for r in inv.lines if r.line.id not in modelled]
    try:
        q_all = _energy_kgce(inv, {r.line.id for r in inv.lines}, basis)
    except (ZerocarbonError, KeyError) as exc:
        why = getattr(exc, "message_en", str(exc))
        why_zh = getattr(exc, "message_zh", why)
        return None, {"reason_zh": f"基准年清单的能耗无法折标（{why_zh}）：单位能耗碳排放只按模型覆盖的能流计算",
                      "reason_en": f"the baseline inventory's energy cannot be valued ({why}): the intensity covers "
                                   "the modelled flows only"}

    def e_kg(r: Any) -> Decimal:
        return ZERO if r.biomass else r.emissions(view) * 1000

    # the programme charges every kWh bought at one grid factor (that of build_baseline); the inventory's purchase
    # lines carry the view's credits (green power, certificates) and their own factors: the difference is held
    # constant, so that with the baseline's capacities the factory's E is the inventory's (module docstring)
    ef = Decimal(repr(grid_factor(inv, view)[0]))  # [tCO2/MWh]
    credit = sum((r.line.amount * conversion_factor(r.line.unit, "MWh") * ef - r.emissions(view)
                  for r in inv.lines if r.category is Category.ELECTRICITY_PURCHASED), ZERO) * 1000  # [kg]
    items = tuple({"line": r.line.id, "category": str(r.category), "item": r.line.item or "",
                   "emissions_kg": float(e_kg(r)), "energy_kgce": float(q_all[r.line.id])}
                  for r in rest if e_kg(r) or q_all[r.line.id])
    if credit:
        items += ({"line": "electricity_purchased", "category": "purchased_electricity_credit", "item": "",
                   "emissions_kg": float(-credit), "energy_kgce": 0.0},)
    e_total = sum((e_kg(r) for r in inv.lines), ZERO)
    q_total = sum(q_all.values(), ZERO)
    e_fixed = sum((e_kg(r) for r in rest), ZERO) - credit
    q_fixed = sum((q_all[r.line.id] for r in rest), ZERO)
    left_out = "electricity lines" + (" and natural-gas lines (the modelled boiler's gas)" if heat_modelled else "")
    source = (f"baseline inventory {inv.factory_id} {inv.year}, view {view}: the lines other than the {left_out} "
              f"(zerocarbon.services.planning.fixed_part), less the credit of the purchased electricity "
              f"(grid factor {ef} tCO2/MWh × MWh bought − the purchase lines' emissions); energy by GB/T 2589 "
              "coefficients")
    note_view = {} if view == "zero_carbon" else {
        "view_note_zh": f"排放按规划口径 {view} 计；910号附件4 的指标用 zero_carbon 口径（仅 CO2），"
                        "如需一致请在规划假设中设 view: zero_carbon",
        "view_note_en": f"emissions in the plan's view {view}; the 910号 附件4 indicator uses the zero_carbon view "
                        "(CO2 only): set view: zero_carbon in the assumptions to match it"}
    account = {"inventory_emissions_t": float(e_total) / 1000, "inventory_energy_tce": float(q_total) / 1000,
               "modelled_lines": sorted(modelled),
               "modelled_emissions_t": float(e_total - e_fixed) / 1000,
               "modelled_energy_tce": float(q_total - q_fixed) / 1000,
               "fixed_emissions_t": float(e_fixed) / 1000, "fixed_energy_tce": float(q_fixed) / 1000,
               "purchases_credit_t": float(credit) / 1000,
               "formula": "E_fixed = E_inventory − E_modelled lines − (EF_grid × MWh bought − E_purchase lines); "
                          "Q_fixed = Q_inventory − Q_modelled lines",
               "source": source, **note_view}
    return FixedPart(float(e_fixed), float(q_fixed), source, items), account
