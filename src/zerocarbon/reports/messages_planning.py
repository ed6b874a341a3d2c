"""Messages of the source-decarbonisation section (源头减碳), zh-CN first and English."""

from __future__ import annotations

PLANNING_MESSAGES: dict[str, tuple[str, str]] = {
    "title": ("源头减碳：可再生能源、储能与减排路线图", "Source decarbonisation: renewables, storage and the roadmap"),
    "synthetic": ("合成示例数据，非真实企业。", "Synthetic sample data, not a real company."),
    "illustrative": ("成本与价格假设为示例值（每个数值注明来源），不得用于投资决策。",
                     "Cost and price assumptions are illustrative (each number states its source); "
                     "not for investment decisions."),
    "weather_synthetic": ("气象数据为合成气象年（非实测），光伏发电量仅供参考。",
                          "The weather is a synthetic year (not measured): PV yields are indicative only."),
    "indicators": ("指标", "Indicators"), "baseline": ("基准年", "Baseline"),
    "plan": ("实施全部措施后", "After all measures"),
    "non_fossil_share": ("非化石能源消费占比", "Non-fossil share of energy"),
    "physical_share": ("非化石电力物理认定量占比", "Physically traceable non-fossil electricity share"),
    "self_consumption": ("光伏自发自用率", "Self-consumption of on-site generation"),
    "hourly_matching": ("逐时匹配率（24/7 CFE）", "Hourly matching (24/7 CFE score)"),
    "zero_carbon": ("零碳强度（基准年）", "Zero-carbon intensity (baseline)"),
    "not_assessed_value": ("未评估", "not assessed"),
    "baseline_sec": ("基准", "Baseline"), "emissions": ("排放 tCO2/a", "Emissions tCO2/a"),
    "view": ("核算口径", "Method view"), "load_basis": ("逐时负荷来源", "Hourly load from"),
    "metered": ("计量表逐时数据", "metered hourly data"),
    "declared_monthly_flat": ("申报月度数据（月内均摊，已标记）",
                              "declared monthly data, spread evenly within each month (flagged)"),
    "ef_grid": ("电网排放因子 tCO2/MWh", "Grid emission factor tCO2/MWh"), "source": ("来源", "Source"),
    "weather": ("气象数据", "Weather"), "yield": ("光伏单位容量年发电量 kWh/kWp", "PV specific yield kWh/kWp"),
    "mac": ("边际减排成本曲线", "Marginal abatement cost curve"),
    "mac_axis": ("边际减排成本 元/tCO2", "Marginal abatement cost CNY/tCO2"),
    "abatement_axis": ("累计减排量 tCO2/a", "Cumulative abatement tCO2/a"),
    "measures": ("措施（按实施顺序）", "Measures (in order of application)"), "measure": ("措施", "Measure"),
    "year": ("年份", "Year"), "abatement": ("减排量 tCO2/a", "Abatement tCO2/a"),
    "alone": ("单独实施减排量 tCO2/a", "Abatement alone tCO2/a"),
    "capex": ("投资 元", "Investment CNY"), "annual": ("年化净成本 元/a", "Net annual cost CNY/a"),
    "mac_col": ("边际减排成本 元/tCO2", "MAC CNY/tCO2"), "not_assessed": ("未评估的措施", "Measures not assessed"),
    "roadmap": ("逐年路线图", "Year-by-year roadmap"), "residual": ("剩余排放 tCO2/a", "Residual emissions tCO2/a"),
    "cum_abatement": ("累计减排 tCO2/a", "Cumulative abatement tCO2/a"),
    "new_measures": ("当年实施", "Put in place"),
    "offsets": ("目标年 {year} 剩余排放 {t} tCO2/a，需以碳抵销覆盖。",
                "Residual emissions in the target year {year}: {t} tCO2/a, to be covered by offsets."),
    "sizing": ("按目标优化配置（光伏、储能）", "Least-cost sizing for the targets (PV, storage)"),
    "targets": ("目标", "Targets"), "capacity": ("容量", "Capacity"),
    "cap_pv_kwp": ("光伏 kWp", "PV kWp"), "cap_wind_kw": ("风电 kW", "Wind kW"),
    "cap_battery_kwh": ("储能电池 kWh", "Battery kWh"), "cap_battery_kw": ("储能电池功率 kW", "Battery power kW"),
    "cap_heat_pump_kw": ("热泵 kW（热）", "Heat pump kW_th"),
    "cap_thermal_storage_kwh": ("蓄热容量 kWh（热）", "Thermal storage kWh_th"),
    "cap_thermal_storage_kw": ("蓄热充放功率 kW（热）", "Thermal storage power kW_th"),
    "heat_heat_pump": ("热泵供热 kWh（热）/a", "Heat from the heat pump kWh_th/a"),
    "heat_gas_boiler": ("燃气锅炉供热 kWh（热）/a", "Heat from the gas boiler kWh_th/a"),
    "heat_thermal_charge": ("蓄热充热 kWh（热）/a", "Thermal storage charged kWh_th/a"),
    "heat_thermal_discharge": ("蓄热放热 kWh（热）/a", "Thermal storage discharged kWh_th/a"),
    "heat_thermal_loss": ("蓄热散热损失 kWh（热）/a", "Thermal storage standing loss kWh_th/a"),
    "heat_thermal_conversion_loss": ("蓄热充放热损失 kWh（热）/a", "Thermal storage charge/discharge loss kWh_th/a"),
    "thermal_source": ("蓄热参数来源", "Thermal storage parameters from"),
    "zc_intensity": ("单位能耗碳排放 tCO2/tce", "Zero-carbon intensity tCO2/tce"),
    "not_assessable": ("无法评估", "not assessable"),
    "zc_method": ("各年数值：将数据年的活动数据按当年已实施措施后的状态调整"
                  "（购电、绿电、绿证、厂内发电、上网、天然气、叉车柴油），"
                  "其余活动数据与等价值折标系数保持数据年取值，按同一核算与指标函数重新计算。",
                  "Each year: the data year's activity lines changed to the state after the measures in place "
                  "(grid and green electricity, certificates, on-site generation, export, natural gas, forklift "
                  "diesel), other lines and the equal-value coefficient as in the data year, recomputed by the same "
                  "inventory and indicator functions."),
    "infeasible": ("目标不可行", "Targets infeasible"),
    "target_non_fossil_share": ("非化石能源消费占比 ≥", "Non-fossil share of energy ≥"),
    "target_physical_share": ("非化石电力物理认定量占比 ≥", "Physically traceable non-fossil electricity share ≥"),
    "target_hourly_matching": ("逐时匹配率 ≥", "Hourly matching ≥"),
    "target_residual_emissions_t": ("剩余排放 ≤ tCO2", "Residual emissions ≤ tCO2"),
    "target_intensity_tco2_per_tce": ("单位能耗碳排放 ≤ tCO2/tce", "Zero-carbon intensity ≤ tCO2/tce"),
    "sz_energy_tce": ("配置方案下的能源消费量 tce（等价值）", "Energy under the sized plan tce (equal value)"),
    "sz_intensity": ("配置方案下的单位能耗碳排放 tCO2/tce", "Zero-carbon intensity under the sized plan tCO2/tce"),
    "sz_basis_label": ("折标准煤系数（电力等价值、天然气）",
                       "Standard-coal coefficients (electricity equal value, gas)"),
    "sz_basis": ("折标准煤：电力等价值 {el} kgce/kWh（来源：{el_src}）；天然气 {gas} kgce/kWh（{gas_src}）。",
                 "Standard coal: electricity at its equal value {el} kgce/kWh (source: {el_src}); natural gas "
                 "{gas} kgce/kWh ({gas_src})."),
    "sz_scope": ("单位能耗碳排放口径", "Scope of the zero-carbon intensity"),
    "not_requested": ("未要求优化配置。", "No sizing requested."),
    "method": ("方法", "Method"), "notes": ("说明", "Notes"),
    "method_text": ("依次选取减排成本最低的措施，每实施一项即重新计算其余措施的减排量与成本；"
                    "边际减排成本 = (投资 × 资本回收系数 + 运维费 + 能源费用变化) / 减排量；"
                    "未指定年份的措施按成本顺序均布于起始年至目标年；上网电量不计减排。",
                    "cheapest abatement first, every remaining measure re-evaluated after each; MAC = (capex × CRF + "
                    "opex + change in energy cost) / abatement; measures without a given year are spread in MAC order "
                    "from the start year to the target year; exports earn no emission credit."),
    "weather_synthetic_zh_source": ("合成气象年：pvlib 晴空模型（Ineichen–Perez，pvlib 林克浑浊度气候值）"
                                    "× 按月 Beta 分布抽样的日晴空指数（固定随机种子），Erbs 分解直射与散射，"
                                    "气温按年、日余弦模型；参数为示例取值，见文件头与 docs/renewables.md。", ""),
    "interactions": ("措施相互影响：每项措施的减排量在其之前的措施实施后重新计算"
                     "（“单独实施”一列为不考虑其他措施时的减排量）。",
                     "Interactions: each measure's abatement is recomputed after the measures before it (the "
                     "\"alone\" column is its abatement on the baseline by itself)."),
}


def msg(key: str, lang: str) -> str:
    """A message of this section in ``lang`` (``zh`` or ``en``); a missing key raises ``KeyError``."""
    zh, en = PLANNING_MESSAGES[key]
    return zh if lang == "zh" else en
