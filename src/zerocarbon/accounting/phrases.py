"""The engine's own prose in a trace, as codes with zh and en texts (the catalogue of trace phrases).

A figure's formula when it says more than symbols, its note, the values of its trace that are words
(how a factor was chosen, how a fuel is burnt, how a steam enthalpy was read) and the basis of each
uncertainty part are :class:`~zerocarbon.accounting.notices.Notice` objects built from the codes
below, exactly like the warnings: their string value is the English text (what JSON, logs and older
readers see), ``notice.text("zh")`` the Chinese one. :data:`TRACE` is looked up by
:func:`zerocarbon.accounting.notices.render` after the warnings' catalogue.

Parameters that are words in both languages are :class:`~zerocarbon.model.vocabulary.Label` (or
nested notices); ids, numbers, units and document numbers stay as written. Citations of documents
(IPCC tables, GHG Protocol chapters) name the document's own title in English and a Chinese reading
of it in Chinese.
"""

from __future__ import annotations

from zerocarbon.model.vocabulary import Label

#: The status of a regime's document or rule (``regimes.yaml``), as a trace names it.
RULE_STATUS: dict[str, Label] = {
    "verified": Label("已核实", "verified"),
    "single-source": Label("单一来源", "single-source"),
    "secondary": Label("二手资料", "secondary"),
    "unknown": Label("未知，为声明的取法", "unknown"),
}
#: The status of a data-quality tier (``factors/data/data_quality.csv``).
TIER_STATUS: dict[str, Label] = {
    "assumption": Label("项目假设", "assumption"),
    "published": Label("公开发布", "published"),
}
#: Direction of a flow of a carbon mass balance.
DIRECTIONS: dict[str, Label] = {"input": Label("输入", "input"), "output": Label("输出", "output")}
#: Yes / no of an evidence field shown in a trace (``certificates_kept: false``).
BOOLEAN: dict[bool, Label] = {True: Label("是", "true"), False: Label("否", "false")}

#: The IPCC 2006 tables of CH4/N2O factors, per combustion mode, as a trace cites them.
NONCO2_TABLE_LABELS: dict[str, Label] = {
    "stationary": Label("IPCC 2006 第 2 卷 第 2 章 表 2.3（制造业和建筑业）",
                        "IPCC 2006 Vol. 2 Ch. 2 Table 2.3 (manufacturing industries and construction)"),
    "mobile_offroad": Label("IPCC 2006 第 2 卷 第 3 章 表 3.3.1（非道路移动源，工业）",
                            "IPCC 2006 Vol. 2 Ch. 3 Table 3.3.1 (off-road, industry)"),
    "mobile_road": Label("IPCC 2006 第 2 卷 第 3 章 表 3.2.2（道路交通）",
                         "IPCC 2006 Vol. 2 Ch. 3 Table 3.2.2 (road transport)"),
}

#: code → (zh, en) text with ``{placeholders}`` filled from the phrase's parameters.
TRACE: dict[str, Label] = {
    # -- formulas that say more than symbols
    "f_fuel_heat": Label("E = AD × CC × OF × 44/12（燃料以热量填报）", "E = AD × CC × OF × 44/12 (fuel given as heat)"),
    "f_fuel_ghg": Label("{co2} + AD × EF_CH4 × GWP_CH4 + AD × EF_N2O × GWP_N2O（GWP {gwp}）",
                        "{co2} + AD × EF_CH4 × GWP_CH4 + AD × EF_N2O × GWP_N2O (GWP {gwp})"),
    "f_fugitive": Label("E = M × GWP({gwp})（逸散排放）", "E = M × GWP({gwp}) (fugitive)"),
    "f_export_onsite_zero": Label("E = −AD × 0（输出的厂内可再生能源电力，按其自身因子 0 计）",
                                  "E = −AD × 0 (exported on-site renewable power, its own factor 0)"),
    "f_export_sold": Label("E = 0（绿证已出售，不抵扣上网电量）", "E = 0 (no export credit: certificates sold)"),
    "f_exported": Label("E = −AD × EF（输出）", "E = −AD × EF (exported)"),
    "f_green_zero": Label("E = AD × 0（附证明的绿电）", "E = AD × 0 (green power with proof)"),
    "f_recovered": Label("E = −R（二氧化碳回收利用）", "E = −R (CO2 recovered and utilised)"),
    "f_memo": Label("备忘项：不扣减", "memo: not subtracted"),
    "f_onsite_sold": Label("E = AD × EF（厂内发电，绿证已出售）",
                           "E = AD × EF (on-site generation, certificates sold)"),
    "f_onsite_zero": Label("E = 0（厂内可再生能源发电，自发自用）",
                           "E = 0 (on-site renewable generation, self-consumed)"),
    "f_not_co2": Label("E = 0（非 CO2）", "E = 0 (not CO2)"),
    # -- notes of a figure
    "co2_only": Label(
        "仅计 CO2：GB/T 32150-2015 按国家发展改革委企业核算指南的约定只计燃料燃烧的 CO2"
        "（CH4 和 N2O 计入 GHG Protocol 范围一口径）",
        "CO2 only: GB/T 32150-2015 as applied with the NDRC enterprise guides counts the CO2 of fuel combustion "
        "(CH4 and N2O are in the GHG Protocol scope 1 views)"),
    "ghg_note": Label("CO2 + CH4 + N2O；CH4/N2O 取自 {table}", "CO2 + CH4 + N2O; CH4/N2O per {table}"),
    "fugitive_note": Label("逸散排放：损失的气体量，如补充的制冷剂或 SF6",
                           "fugitive emissions: mass lost, e.g. refrigerant or SF6 refilled"),
    "rule": Label("{regime}：{value}{clause}（{status}）", "{regime}: {value}{clause} ({status})"),
    "rule_only": Label("{regime}", "{regime}"),
    "clause": Label(" [{clause}]", " [{clause}]"),
    "sold_note": Label("{why}（发改能源〔2023〕1044号）", "{why} (发改能源〔2023〕1044号)"),
    "sold_onsite_note": Label("{why}（发改能源〔2023〕1044号；GHG Protocol Scope 2 Guidance 表 7.1，"
                              "唯一声明）",
                              "{why} (发改能源〔2023〕1044号; GHG Protocol Scope 2 Guidance Table 7.1, unique claim)"),
    "green_not_zero": Label("本口径不将绿电计为零（{regime}）",
                            "green power not counted at zero in this view ({regime})"),
    "certificates_zero": Label("已核销绿证对应电量按 0 计；{rule}", "retired certificates at 0; {rule}"),
    "certificates_not_counted": Label(
        "{rule}；已核销的非绑定绿证 {mwh} MWh（{serials}）不减少此数",
        "{rule}; {mwh} MWh of retired unbundled certificates ({serials}) do not reduce this figure"),
    "supplier_heat": Label("供应方给出的因子（在数据行上填报）", "supplier-specific factor (stated on the line)"),
    "gases_left_out": Label("{gases} 未计入：{rule}", "{gases} not counted: {rule}"),
    "regime_printed_row": Label("口径 {regime} 印定的数值", "printed by the regime {regime}"),
    # -- values of a trace that are words
    "factor_printed": Label("口径印定的数值（生态环境部/国家统计局 {year} 年数据）",
                            "the value printed by the regime (MEE/NBS data year {year})"),
    "factor_grid": Label("{item}，数据年份 {year}，地区 {region}", "{item} of data year {year}, region {region}"),
    "factor_residual": Label("剩余组合的替代：{item}，数据年份 {year}，地区 {region}",
                             "residual-mix proxy: {item} of data year {year}, region {region}"),
    "factor_stated": Label("数据行上填报的供应方因子", "supplier-specific factor stated on the line"),
    "combustion_stated": Label("{mode}", "{mode}"),
    "combustion_default": Label("{mode}（{item}的默认方式）", "{mode} (default for {item})"),
    "quantity": Label("{amount} {unit}", "{amount} {unit}"),
    "label": Label("{text}", "{text}"),
    # -- uncertainty parts
    "u_stated": Label("数据行上填报", "stated on the line"),
    "u_tier": Label("数据质量等级“{tier}”（{status}）", "data-quality tier '{tier}' ({status})"),
    "u_row": Label("因子行 {row}", "factor row {row}"),
    # -- certificates matched to the year's grid lines
    "pro_rata": Label("*（{year} 年 {n} 条电网购电行，按比例）", "* ({n} grid lines of {year}, pro rata)"),
    # -- steam enthalpy (accounting/steam.py)
    "steam_gauge": Label("表压 {gauge} MPa + {atm} MPa = 绝对压力 {abs} MPa；",
                         "pressure {gauge} MPa gauge + {atm} MPa = {abs} MPa absolute; "),
    "steam_saturated": Label("{gauge}饱和蒸汽 h''：{rows}", "{gauge}saturated vapour h'': {rows}"),
    "steam_near_saturation": Label(
        "{gauge}给定温度 {t} °C 与饱和温度 {t_sat} °C 相差不超过 {tol} °C，按饱和蒸汽 h'' 计：{rows}",
        "{gauge}given {t} °C is within {tol} °C of the saturation temperature {t_sat} °C, taken as saturated "
        "vapour h'': {rows}"),
    "steam_superheated": Label("{gauge}{how}", "{gauge}{how}"),
    "sat_row": Label("饱和表行（{p} MPa，{t} °C，{h} kJ/kg）", "saturated-table row ({p} MPa, {t} °C, {h} kJ/kg)"),
    "sat_interpolated": Label(
        "在饱和表行（{p0} MPa，{t0} °C，{h0} kJ/kg）与（{p1} MPa，{t1} °C，{h1} kJ/kg）之间按绝对压力线性插值",
        "linear interpolation in absolute pressure between saturated-table rows ({p0} MPa, {t0} °C, {h0} kJ/kg) "
        "and ({p1} MPa, {t1} °C, {h1} kJ/kg)"),
    "isobar_row": Label("{p} MPa：行（{t} °C，{h} kJ/kg）", "{p} MPa: row ({t} °C, {h} kJ/kg)"),
    "isobar_between": Label("{p} MPa：（{lower}，{h0} kJ/kg）–（{t1} °C，{h1} kJ/kg）",
                            "{p} MPa: ({lower}, {h0} kJ/kg)–({t1} °C, {h1} kJ/kg)"),
    "saturation_at": Label("饱和 {t} °C", "saturation {t} °C"),
    "celsius": Label("{t} °C", "{t} °C"),
    "superheated_isobar": Label("过热蒸汽网格，沿等压线 {rows} 按温度线性插值",
                                "superheated grid, linear in temperature along the isobar {rows}"),
    "superheated_bilinear": Label(
        "过热蒸汽网格，双线性：沿等压线 {rows1} 和 {rows2} 按温度线性插值，再按绝对压力线性插值",
        "superheated grid, bilinear: linear in temperature along the isobars {rows1} and {rows2}, then linear in "
        "absolute pressure"),
    "superheated_near_saturation": Label(
        "过热蒸汽网格，靠近饱和线：沿等压线 {rows1} 按温度线性插值；等压线 {p2} MPa 在 {t} °C 时为湿蒸汽，"
        "上端点取 {t} °C 的饱和线点（p = {ps} MPa，h'' = {hs} kJ/kg，在饱和表 {p1} 与 {p2} MPa 两行之间线性插值）；"
        "再按绝对压力线性插值",
        "superheated grid next to saturation: linear in temperature along the isobar {rows1}; the isobar {p2} MPa "
        "is wet at {t} °C, so the upper point is the saturation line at {t} °C (p = {ps} MPa, h'' = {hs} kJ/kg, "
        "linear between saturated-table rows {p1} and {p2} MPa); then linear in absolute pressure"),
    "steam_source": Label(
        "IAPWS-IF97（IAPWS 工业用公式 1997），用 iapws {version} 计算并修约到 0.01 kJ/kg：zerocarbon "
        "factors/data/{saturated} 与 {superheated}（来源见 steam_tables.yaml）；"
        "即国家发展改革委 24 个行业温室气体核算指南所附饱和蒸汽热焓表/过热蒸汽热焓表所依据的公式",
        "IAPWS-IF97 (IAPWS Industrial Formulation 1997), computed with iapws {version} and rounded to 0.01 kJ/kg: "
        "zerocarbon factors/data/{saturated} and {superheated} (provenance in steam_tables.yaml); the formulation "
        "behind the saturated and superheated steam enthalpy tables of the NDRC 24-industry GHG accounting guides"),
}
