"""The zero-carbon intensity (单位能耗碳排放, tCO2/tce) as a linear target of dispatch and sizing.

The indicator is emissions over comprehensive energy consumption (发改环资〔2025〕910号 附件3 二.2,
``accounting.zero_carbon.carbon_per_energy``)::

    I = E / Q        [tCO2/tce]

Both depend on the decisions (a heat pump replacing a gas boiler changes the energy as well as the
emissions), so ``I ≤ w`` is not written as a ratio but, with Q > 0, as the equivalent linear row ::

    E − w · Q ≤ 0        [kg CO2]   (w [tCO2/tce] = w [kgCO2/kgce])

with, over the horizon,

* E [kg CO2] the programme's emissions form (grid imports × the grid factor the user gives, gas ×
  its factor; no export credit), the same form as the residual-emissions target;
* Q [kgce] = k_e · electricity consumed [kWh] + k_g · gas fuel [kWh, net calorific value], the
  electricity consumed being grid + green contracts + on-site renewable − export, as the inventory's
  energy uses count it (``energy.uses``: purchases + on-site generation − exports);
* k_e the equal value (等价值) of electricity, the year's 供电标准煤耗 [kgce/kWh] (910号 附件3 二.1):
  it changes every year, so it is a required input with its source and has no default (as in
  ``energy.comprehensive``);
* k_g natural gas per kWh of fuel: the factor library's GB/T 2589-2008 附录A row
  ``gbt2589.natural_gas.sce_coefficient.2008`` (气田天然气 1.2143 kgce/m³ at its stated net
  calorific value 35 544 kJ/m³), i.e. 1.2143 × 3 600 / 35 544 kgce/kWh; a user may give another
  coefficient (with its source) for a gas of another calorific value.

The indicator is the whole factory's, so the flows the programme does not model (process emissions,
vehicle diesel, coal, heat bought …) enter E and Q as constants (:class:`FixedPart`, taken by the
planning service from the baseline inventory with the modelled lines left out). Without them the target
covers the modelled flows only, and every result says so (:func:`target_trace`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from zerocarbon.errors import InputError

#: Net calorific value of 气田天然气 [kJ/m³], GB/T 2589-2008 附录A (as in the library row's note).
GAS_NCV_KJ_PER_M3 = 35544.0
GAS_ROW = "gbt2589.natural_gas.sce_coefficient.2008"
KJ_PER_KWH = 3600.0


@lru_cache(maxsize=1)
def gas_kgce_per_kwh() -> float:
    """Natural gas [kgce per kWh of fuel, NCV] from the library's GB/T 2589 row (module docstring)."""
    from zerocarbon.factors import default_library

    row = default_library().find(GAS_ROW)
    if row.unit != "kgce/Nm3":
        raise InputError(f"{GAS_ROW} 的单位不是 kgce/Nm3", f"{GAS_ROW} is not in kgce/Nm3", field=GAS_ROW)
    return float(row.value) * KJ_PER_KWH / GAS_NCV_KJ_PER_M3


@dataclass(frozen=True)
class EnergyBasis:
    """How the programme's energy is converted to standard coal for the intensity target.

    Attributes
    ----------
    electricity_kgce_per_kwh : float
        Equal value of electricity (等价值, the year's 供电标准煤耗) [kgce/kWh]; required.
    electricity_source : str
        Where it comes from (the statistical bulletin and year); required.
    gas_kgce_per_kwh : float or None
        Natural gas [kgce/kWh of fuel, NCV]; None = GB/T 2589-2008 附录A via the factor library.
    gas_source : str
        Source of a user-given gas coefficient (required when ``gas_kgce_per_kwh`` is given).
    """

    electricity_kgce_per_kwh: float
    electricity_source: str
    gas_kgce_per_kwh: float | None = None
    gas_source: str = ""

    def __post_init__(self) -> None:
        if not self.electricity_kgce_per_kwh > 0:
            raise InputError("电力等价值折标系数须为正", "the equal value of electricity must be positive",
                             field="energy_basis.electricity_kgce_per_kwh", expected="> 0 kgce/kWh")
        if not self.electricity_source.strip():
            raise InputError("电力等价值折标系数缺少来源（年度供电标准煤耗）", "the equal value of electricity has no "
                             "source (the year's 供电标准煤耗)", field="energy_basis.electricity_source")
        if self.gas_kgce_per_kwh is not None and (not self.gas_kgce_per_kwh > 0 or not self.gas_source.strip()):
            raise InputError("天然气折标系数须为正并注明来源", "the gas coefficient must be positive and sourced",
                             field="energy_basis.gas_kgce_per_kwh", expected="> 0 kgce/kWh with gas_source")

    @property
    def gas(self) -> float:
        """Gas coefficient in use [kgce/kWh]."""
        return self.gas_kgce_per_kwh if self.gas_kgce_per_kwh is not None else gas_kgce_per_kwh()

    def describe(self) -> str:
        gas_src = self.gas_source if self.gas_kgce_per_kwh is not None else (
            f"GB/T 2589-2008 附录A 天然气 (library row {GAS_ROW}) at {GAS_NCV_KJ_PER_M3:g} kJ/m³")
        return (f"electricity {self.electricity_kgce_per_kwh} kgce/kWh (等价值; {self.electricity_source}); "
                f"gas {self.gas:.6f} kgce/kWh ({gas_src})")


@dataclass(frozen=True)
class FixedPart:
    """The factory's emissions and energy outside the programme, held at their baseline values.

    The indicator is the whole factory's (910号 附件3 二.2: all emissions over all comprehensive energy),
    while the programme models only some flows (:data:`FLOW_LABELS`). Process emissions, fuels it does not
    model (vehicle diesel, coal …) and heat bought enter the target as constants of its numerator and
    denominator ::

        (E_model + E_fixed) − w · (Q_model + Q_fixed) ≤ 0        [kg CO2]

    so that the target is the factory's, without counting a modelled flow twice (the caller leaves the
    modelled flows out of ``E_fixed`` and ``Q_fixed``).

    Attributes
    ----------
    emissions_kg : float
        E_fixed [kg CO2] over the programme's horizon.
    energy_kgce : float
        Q_fixed [kgce] over the programme's horizon; ≥ 0.
    source : str
        Where the figures come from (inventory, year, emission view, how the modelled part was left out).
    items : tuple of dict
        The breakdown (e.g. one entry per inventory line: id, category, emissions_kg, energy_kgce).
    """

    emissions_kg: float
    energy_kgce: float
    source: str
    items: tuple[dict[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if not math.isfinite(self.emissions_kg) or not (math.isfinite(self.energy_kgce) and self.energy_kgce >= 0):
            raise InputError("未建模部分的排放须为有限数、能耗须 ≥ 0", "the emissions outside the programme must be "
                             "finite and their energy ≥ 0", field="fixed_part", expected="E [kg CO2], Q ≥ 0 [kgce]")
        if not self.source.strip():
            raise InputError("未建模部分缺少来源", "the part outside the programme has no source",
                             field="fixed_part.source")


#: Flows the programme can model, by column block of the programme: (zh, en).
FLOW_LABELS = {
    "import": ("电网购电", "grid import"), "export": ("上网电量", "export"),
    "renewable": ("厂内光伏、风电", "on-site PV and wind"), "contract": ("绿电合同", "green-power contracts"),
    "discharge": ("电化学储能", "battery"), "heat_pump": ("热泵", "heat pump"),
    "electric_boiler": ("电锅炉", "electric boiler"), "thermal_charge": ("蓄热", "thermal storage"),
    "gas_boiler": ("燃气锅炉用天然气", "natural gas of the gas boiler"),
}

FORMULA = ("I = (E_model + E_fixed) / (Q_model + Q_fixed) ≤ w  ⇔  E_model + E_fixed − w·(Q_model + Q_fixed) ≤ 0 "
           "[kg CO2]; E_model = Σ grid import × grid factor + gas × gas factor; Q_model = k_e × electricity "
           "consumed + k_g × gas [kgce]")


def target_trace(fixed: FixedPart | None, flows: Sequence[str], basis: EnergyBasis) -> dict[str, Any]:
    """How the intensity target was formed: the flows modelled, the constants added and the formula (zh/en)."""
    names = [f for f in FLOW_LABELS if f in flows]
    modelled = [{"flow": f, "zh": FLOW_LABELS[f][0], "en": FLOW_LABELS[f][1]} for f in names]
    zh_flows = "、".join(FLOW_LABELS[f][0] for f in names)
    en_flows = ", ".join(FLOW_LABELS[f][1] for f in names)
    out: dict[str, Any] = {"modelled_flows": modelled, "formula": FORMULA, "energy_basis": basis.describe()}
    if fixed is None:
        out.update(scope="modelled_flows_only", constants=[],
                   note_zh=f"未给出基准年清单的模型外部分：单位能耗碳排放只按模型覆盖的能流（{zh_flows}）计算，未含"
                           "过程排放、未建模燃料及其能耗，不是工厂的指标（E_fixed = Q_fixed = 0）",
                   note_en=f"no baseline inventory part outside the programme: the intensity covers only the modelled "
                           f"flows ({en_flows}), without process emissions, fuels not modelled and their energy; it is "
                           "not the factory's indicator (E_fixed = Q_fixed = 0)")
        return out
    out.update(scope="factory", constants=[
        {"name": "E_fixed", "value": fixed.emissions_kg, "unit": "kg CO2", "source": fixed.source},
        {"name": "Q_fixed", "value": fixed.energy_kgce, "unit": "kgce", "source": fixed.source}],
        constant_items=list(fixed.items),
        note_zh=f"工厂口径：模型覆盖的能流（{zh_flows}）由优化决定；其余排放 {fixed.emissions_kg / 1000:,.3f} tCO2 "
                f"与能耗 {fixed.energy_kgce / 1000:,.3f} tce 按基准年取常数（来源：{fixed.source}）",
        note_en=f"factory scope: the modelled flows ({en_flows}) are decided by the programme; the rest, "
                f"{fixed.emissions_kg / 1000:,.3f} tCO2 and {fixed.energy_kgce / 1000:,.3f} tce, is held at the "
                f"baseline (source: {fixed.source})")
    return out
