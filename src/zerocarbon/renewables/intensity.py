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
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

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
