"""Report text for the change by driver and the method regimes, in Chinese and English.

Merged into :data:`zerocarbon.reports.i18n.MESSAGES`; kept apart so that each catalogue file stays short.
"""

from __future__ import annotations

METHOD_MESSAGES: dict[str, dict[str, str]] = {
    # views of further regimes
    "view.ets": {"zh": "全国碳市场口径", "en": "National ETS view"},
    "view.zero_carbon": {"zh": "零碳工厂指标口径（仅 CO2）", "en": "Zero-carbon indicator view (CO2 only)"},
    "vshort.ets": {"zh": "碳市场", "en": "ETS"},
    "vshort.zero_carbon": {"zh": "零碳", "en": "zero-carbon"},
    "total.ets_total": {"zh": "全国碳市场口径排放量", "en": "Emissions, national ETS practice"},
    "total.zero_carbon_total_co2": {"zh": "零碳工厂指标口径 CO2 排放量", "en": "CO2, zero-carbon indicator regime"},
    "short.ets_total": {"zh": "碳市场口径", "en": "ETS"},
    "short.zero_carbon_total_co2": {"zh": "零碳口径 CO2", "en": "Zero-carbon CO2"},
    # settings added with the regimes
    "set.regimes": {"zh": "所选核算口径（空：按数据年份的默认口径）",
                    "en": "Regimes chosen (empty: the data year's defaults)"},
    "set.location_grid_scope": {"zh": "基于位置的电网因子层级", "en": "Grid factor level, location-based"},
    "set.allow_factor_outside_validity": {"zh": "允许使用有效期外的因子", "en": "Allow factors outside their validity"},
    "set.zero_carbon_fossil_factor": {"zh": "零碳口径化石电力因子", "en": "Fossil-power factor, zero-carbon view"},
    "set.equal_value_coefficient": {"zh": "电力等价值折标系数", "en": "Electricity equal-value coefficient"},
    "set.equal_value_source": {"zh": "等价值系数来源", "en": "Source of the equal-value coefficient"},
    "set.period": {"zh": "核算期", "en": "Period"},
    # method regimes
    "sec.regimes": {"zh": "核算口径及其差异", "en": "Method regimes and their differences"},
    "rg.intro": {
        "zh": "同一活动数据按下列核算口径分别计算。每个口径注明其依据文件、版本和规则；规则的“状态”说明依据的可靠程度"
              "（已核实、单一来源、二手资料、未知——未知者为本软件声明的取法）。"
              "排放总量一节的“温室气体排放总量”采用 {name}。",
        "en": "The same activity data computed under each regime below. Each regime names its documents, edition and "
              "rules; a rule's status says how firm its basis is (verified, single source, secondary, unknown — "
              "an unknown rule is a choice this software declares). The headline total follows {name}."},
    "rg.side_by_side": {"zh": "各口径总量对比", "en": "Totals side by side"},
    "rg.regime": {"zh": "核算口径", "en": "Regime"},
    "rg.edition": {"zh": "版本", "en": "Edition"},
    "rg.figure": {"zh": "指标", "en": "Figure"},
    "rg.diff": {"zh": "与 GB/T 32150 总量之差", "en": "Minus the GB/T 32150 total"},
    "rg.documents": {"zh": "依据文件", "en": "Documents"},
    "rg.rules": {"zh": "规则", "en": "Rules"},
    "rg.in_force": {"zh": "适用期间", "en": "In force"},
    "rg.status": {"zh": "状态", "en": "Status"},
    "rg.details": {"zh": "{name}：依据文件与规则", "en": "{name}: documents and rules"},
    "rg.differences": {"zh": "差异说明（与 GB/T 32150 口径逐类比较）",
                       "en": "What differs (each view against the GB/T 32150 view, by group of lines)"},
    "rg.group": {"zh": "行组", "en": "Lines"},
    "rg.n_lines": {"zh": "行数", "en": "Lines"},
    "rg.treatment": {"zh": "该口径的处理", "en": "Treatment in this view"},
    "rg.green_power": {"zh": "绿电", "en": "green power"},
    "rg.not_counted": {"zh": "不计入该口径总量（单独列示）", "en": "not in this view's total (memo)"},
    "rg.green_power_sentence": {
        "zh": "绿电 {mwh} MWh 按零计入：{counted}；不按零计：{not_counted}。",
        "en": "{mwh} MWh of green power count at zero in: {counted}; not at zero in: {not_counted}."},
    "rg.certificates_sentence": {
        "zh": "非绑定绿证 {mwh} MWh 按零计入：{counted}；不计入：{not_counted}。",
        "en": "{mwh} MWh of unbundled certificates count at zero in: {counted}; not in: {not_counted}."},
    "rg.alike": {"zh": "{note}（以 {line} 为例；{n} 行同此处理）",
                 "en": "{note} (e.g. {line}; {n} lines treated alike)"},
    "rg.instruments": {"zh": "绿电与绿证", "en": "Green power and certificates"},
    "rg.same": {"zh": "各口径对每一行的处理相同。", "en": "Every view treats every line alike."},
    "rst.verified": {"zh": "已核实", "en": "verified"},
    "rst.single-source": {"zh": "单一来源", "en": "single source"},
    "rst.secondary": {"zh": "二手资料", "en": "secondary"},
    "rst.unknown": {"zh": "未知（声明的取法）", "en": "unknown (declared choice)"},
    "rt.total": {"zh": "排放总量", "en": "Total"},
    "rt.total_co2": {"zh": "CO2 排放总量", "en": "Total CO2"},
    "rt.scope1": {"zh": "范围一", "en": "Scope 1"},
    "rt.scope2_location": {"zh": "范围二（基于位置）", "en": "Scope 2 (location-based)"},
    "rt.scope2_market": {"zh": "范围二（基于市场）", "en": "Scope 2 (market-based)"},
    "rt.scope1_scope2_location": {"zh": "范围一 + 范围二（基于位置）", "en": "Scope 1 + scope 2 (location-based)"},
    "rt.scope1_scope2_market": {"zh": "范围一 + 范围二（基于市场）", "en": "Scope 1 + scope 2 (market-based)"},
    "rt.fuel_combustion": {"zh": "其中：化石燃料燃烧", "en": "of which fuel combustion"},
    "rt.process": {"zh": "其中：工业过程", "en": "of which industrial processes"},
    "rt.electricity_net": {"zh": "其中：净购入电力", "en": "of which net purchased electricity"},
    "rt.heat_net": {"zh": "其中：净购入热力", "en": "of which net purchased heat"},
    "rt.biomass_co2_memo": {"zh": "生物质 CO2（单独报告）", "en": "Biomass CO2 (memo)"},
    # change by driver
    "drv.title": {"zh": "变化原因分解", "en": "Why the totals changed"},
    "drv.title_kind": {"zh": "{year} 年与 {base} 年比较：变化原因", "en": "{year} against {base}: what changed"},
    "drv.also_yoy": {"zh": "（{base} 年既是上年也是基准年）",
                     "en": " ({base} is both the previous year and the base year)"},
    "drv.activity": {"zh": "活动水平", "en": "Activity"},
    "drv.factor": {"zh": "排放因子", "en": "Emission factors"},
    "drv.green_power": {"zh": "绿电", "en": "Green power"},
    "drv.certificates": {"zh": "绿证", "en": "Certificates"},
    "drv.instruments": {"zh": "市场化工具", "en": "Instruments"},
    "drv.boundary": {"zh": "边界与排放源增减", "en": "Boundary and sources"},
    "drv.residual": {"zh": "残差", "en": "Residual"},
    "drv.delta": {"zh": "变化量", "en": "Change"},
    "drv.stream": {"zh": "排放源（设施 · 类别 · 品种）", "en": "Source (facility · category · item)"},
    "drv.amount": {"zh": "活动数据（前 → 后）", "en": "Activity (from → to)"},
    "drv.streams": {"zh": "按排放源：{total}", "en": "By source: {total}"},
    "drv.new": {"zh": "新增", "en": "new"},
    "drv.ended": {"zh": "停止", "en": "ended"},
    "drv.rose": {"zh": "上升", "en": "rose"},
    "drv.fell": {"zh": "下降", "en": "fell"},
    "drv.unchanged": {"zh": "不变", "en": "unchanged"},
    "drv.sentence": {
        "zh": "{name}{verb} {delta} tCO2e（{pct} %），由 {from_} 变为 {to}：{parts}。",
        "en": "{name} {verb} by {delta} tCO2e ({pct} %), from {from_} to {to}: {parts}."},
    "drv.sentence_flat": {"zh": "{name}不变（{to} tCO2e）。", "en": "{name} is unchanged ({to} tCO2e)."},
    "drv.part": {"zh": "{label} {value}", "en": "{label} {value}"},
    "drv.part_mwh": {"zh": "{label} {value}（按零计 {before} → {after} MWh）",
                     "en": "{label} {value} ({before} → {after} MWh counted at zero)"},
    "drv.part_boundary": {"zh": "{label} {value}（{what}）", "en": "{label} {value} ({what})"},
    "drv.sep": {"zh": "；", "en": "; "},
    "drv.none": {"zh": "各因素均为零", "en": "no driver moved"},
    "unc.activity": {"zh": "活动数据", "en": "activity data"},
    "drv_note": {
        "zh": "按排放源（设施 × 类别 × 品种；同一设施的外购电力与绿电合为一个源）逐项分解，分项之和等于变化量："
              "活动水平 = (A₁ − A₀) × EF₀；排放因子 = A₁ × (EF₁ − EF₀)；市场化工具 = 绿电与绿证按零计所减排放的变化"
              "（按该口径对电网电力所用因子计）；仅在一年出现的排放源计入“边界与排放源增减”。残差为报告总量与分项之和的差，"
              "应为零。",
        "en": "Split source by source (facility × category × item; a facility's grid power and green power are one "
              "source), adding up to the change: activity = (A₁ − A₀) × EF₀; emission factors = A₁ × (EF₁ − EF₀); "
              "instruments = the change in what green power and certificates took off (at the factor the view "
              "applies to grid power); sources present in one year only are boundary. The residual, the reported "
              "change minus the sum of the drivers, should be zero."},
}
