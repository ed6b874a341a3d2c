"""Catalogue entries of the inventory workbook (merged into :data:`zerocarbon.reports.i18n.MESSAGES`)."""

from __future__ import annotations

WORKBOOK_MESSAGES: dict[str, dict[str, str]] = {
    # lines sheet
    "wb.view": {"zh": "核算口径", "en": "View"},
    "wb.conv": {"zh": "单位换算系数", "en": "Unit conversion"},
    "wb.ad": {"zh": "活动水平 AD", "en": "Activity data AD"},
    "wb.ad_unit": {"zh": "AD 单位", "en": "AD unit"},
    "wb.gec": {"zh": "抵扣的绿证电量 (MWh)", "en": "Certificates applied (MWh)"},
    "wb.e_formula": {"zh": "公式计算排放量 (tCO2e)", "en": "Emissions by formula (tCO2e)"},
    "wb.e_engine": {"zh": "引擎计算值 (tCO2e)", "en": "Engine value (tCO2e)"},
    "wb.check": {"zh": "核对差值（应为 0）", "en": "Check (should be 0)"},
    "wb.url": {"zh": "链接", "en": "URL"},
    "wbn.not_formula": {
        "zh": "该口径的算法不是活动水平与因子的简单乘积，此处只写入引擎计算值（见“计算公式”列和报告附录）",
        "en": "this view's computation is not a simple product of activity data and factors: the engine's value is "
              "written (see the formula column and the report's appendix)"},
    "wbn.mismatch": {
        "zh": "按单元格重算的结果与引擎计算值不一致，此处只写入引擎计算值；请向软件维护方报告",
        "en": "recomputing from the cells does not give the engine's value, so the engine's value is written; "
              "please report this to the maintainers"},
    "wbn.steam": {
        "zh": "蒸汽热量 AD = Ma × (En − 83.74) × 10⁻³；焓值 En 由引擎按 IAPWS-IF97 蒸汽表插值得到，公式中以数值写入",
        "en": "steam heat AD = Ma × (En − 83.74) × 10⁻³; the enthalpy En is interpolated by the engine in the "
              "IAPWS-IF97 steam tables and written in the formula as a number"},
    "wbn.gec": {
        "zh": "GEC 为分配到该行的已注销绿证电量（见“绿证”表）",
        "en": "GEC is the MWh of retired certificates allocated to this line (see the certificates sheet)"},
    # summary sheet
    "wb.sec.totals": {"zh": "排放总量（SUMIFS 汇总“活动数据”表）",
                      "en": "Headline totals (SUMIFS over the lines sheet)"},
    "wb.sec.category": {"zh": "按排放类别（GB/T 32150 口径）", "en": "By category (GB/T 32150 view)"},
    "wb.sec.scope": {"zh": "按范围与口径", "en": "By scope and view"},
    "wb.sec.view": {"zh": "按核算口径的总量", "en": "Total of each accounting view"},
    "wb.scope_n": {"zh": "范围{n}", "en": "Scope {n}"},
    "wb.view_total": {"zh": "{view}总量", "en": "{view} total"},
    # about sheet
    "wb.about.item": {"zh": "项目", "en": "Item"},
    "wb.about.value": {"zh": "内容", "en": "Content"},
    "wb.software": {"zh": "软件版本", "en": "Software version"},
    "wb.howto": {"zh": "如何在 Excel 中复核", "en": "How to recompute in Excel"},
    "wb.howto.1": {
        "zh": "“活动数据”表每行为一条活动数据在一个核算口径下的计算："
              "活动水平 AD = 数量 × 单位换算系数（燃料再乘低位发热量），"
              "排放量列是引用本行单元格和“排放因子”表数值的公式。",
        "en": "Each row of the lines sheet is one activity line in one accounting view: AD = amount × unit "
              "conversion (× NCV for a fuel), and the emissions column is a formula of the row's cells and the values "
              "on the factors sheet."},
    "wb.howto.2": {
        "zh": "“引擎计算值”列是软件按全精度（十进制）计算的结果；"
              "“核对差值”列 = ROUND(公式值 − 引擎值, 6)，应全部为 0。",
        "en": "The engine value column is the software's result at full (decimal) precision; the check column = "
              "ROUND(formula − engine value, 6) and should be 0 on every row."},
    "wb.howto.3": {
        "zh": "“汇总”表和“边界”表的合计是对“活动数据”表的 SUMIFS 公式"
              "（按口径、类别、范围、设施筛选，生物质 CO2 不计入总量），旁边列出引擎合计与核对差值。",
        "en": "The totals on the summary and boundary sheets are SUMIFS formulas over the lines sheet (by view, "
              "category, scope and facility; biomass CO2 is not in the totals), beside the engine's totals and a "
              "check."},
    "wb.howto.4": {
        "zh": "修改“排放因子”表中的数值，所有引用它的行和合计会随之重算；"
              "不能写成简单乘积的行在“备注”列注明原因，只写入引擎计算值。",
        "en": "Change a value on the factors sheet and every row and total using it recomputes; a row whose "
              "computation is not a simple product says why in its note column and holds the engine's value."},
    "wb.howto.5": {
        "zh": "数值按全精度保存，单元格格式只控制显示的小数位数（排放量两位）。",
        "en": "Numbers are stored at full precision; the cell format only sets the decimals shown (2 for "
              "emissions)."},
    # warnings sheet
    "wb.n": {"zh": "序号", "en": "No."},
    "wb.warning": {"zh": "警告", "en": "Warning"},
    "wb.report_warning": {"zh": "报告警告", "en": "report warning"},
    # energy and meters
    "wb.energy_total": {"zh": "合计（公式）", "en": "Total (formula)"},
    "wb.energy_engine": {"zh": "引擎合计", "en": "Engine total"},
    "wb.no_energy": {"zh": "未提供计量与能耗数据", "en": "No metering or energy data given"},
    "wb.meter": {"zh": "表计编号", "en": "Meter"},
    "wb.node": {"zh": "所在节点", "en": "Node"},
    "wb.model": {"zh": "型号", "en": "Model"},
    "wb.serial": {"zh": "出厂编号", "en": "Serial number"},
    "wb.certificate": {"zh": "检定/校准证书编号", "en": "Calibration certificate"},
    "wb.accuracy": {"zh": "准确度等级", "en": "Accuracy class"},
    "wb.calibrated": {"zh": "检定/校准日期", "en": "Calibration date"},
    "wb.calibration_due": {"zh": "下次检定日期", "en": "Calibration due"},
    "wb.lines_fed": {"zh": "生成的活动数据行", "en": "Activity lines made"},
    "wb.recon": {"zh": "与申报数据最大相对偏差", "en": "Largest difference from declared data"},
    "wb.gap_intervals": {"zh": "缺失区间数", "en": "Missing intervals"},
    "wb.no_register": {
        "zh": "计量数据未包含表计台账（型号、准确度等级、检定日期）：以下仅列出活动数据引用的表计",
        "en": "The metering data hold no meter register (model, accuracy class, calibration dates): only the "
              "meters the activity data name are listed"},
}
