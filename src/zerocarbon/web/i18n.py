"""The dashboard's message catalogue, Chinese (default) and English.

Pages are rendered with ``t(key, lang)``; the catalogue of the page's language is also handed to
the browser (``catalogue(lang)``) so that scripts label tables and charts the same way. A missing
key raises ``KeyError``: a page never shows a raw key.
"""

from __future__ import annotations

from zerocarbon.reports.i18n import MESSAGES as REPORT_MESSAGES
from zerocarbon.web.i18n_pages import PAGE_MESSAGES

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

MESSAGES: dict[str, dict[str, str]] = {
    "app.title": {"zh": "零碳工厂管理平台", "en": "Zero-carbon factory dashboard"},
    "app.short": {"zh": "零碳工厂", "en": "Zero-carbon"},
    "lang.toggle": {"zh": "English", "en": "中文"},
    "wall.on": {"zh": "大屏模式", "en": "Wall mode"},
    "wall.off": {"zh": "标准模式", "en": "Laptop mode"},
    "logout": {"zh": "退出", "en": "Sign out"},
    "loading": {"zh": "加载中…", "en": "Loading…"},
    "calc.start": {"zh": "正在计算 {year} 年的数据…（{elapsed} 秒）", "en": "Computing {year}…({elapsed} s)"},
    "calc.meters": {"zh": "正在计算 {year} 年清单：已读取表计 {done}/{total}（{pct}%，{elapsed} 秒）",
                    "en": "Computing the {year} inventory: meters read {done}/{total} ({pct}%, {elapsed} s)"},
    "calc.engine": {"zh": "正在计算 {year} 年清单：核算排放与不确定性…（{elapsed} 秒）",
                    "en": "Computing the {year} inventory: emissions and uncertainty… ({elapsed} s)"},
    "factory": {"zh": "工厂", "en": "Factory"},
    "role.admin": {"zh": "管理员", "en": "administrator"},
    "role.factory_manager": {"zh": "工厂管理员", "en": "factory manager"},
    "role.data_entry": {"zh": "数据录入员", "en": "data entry"},
    "role.verifier": {"zh": "核查员", "en": "verifier"},
    "role.authority": {"zh": "主管部门", "en": "authority"},
    "year": {"zh": "年度", "en": "Year"},
    "synthetic": {"zh": "合成示例数据", "en": "Synthetic sample data"},
    # login
    "login.title": {"zh": "登录", "en": "Sign in"},
    "login.username": {"zh": "用户名", "en": "User name"},
    "login.password": {"zh": "密码", "en": "Password"},
    "login.submit": {"zh": "登录", "en": "Sign in"},
    "login.failed": {"zh": "用户名或密码错误", "en": "Wrong user name or password"},
    "login.note": {"zh": "登录凭据仅保存在本浏览器标签页中，关闭即失效。",
                   "en": "Your sign-in is kept in this browser tab only and ends when it closes."},
    # navigation
    "nav.overview": {"zh": "总览", "en": "Overview"},
    "nav.emissions": {"zh": "排放分析", "en": "Emissions"},
    "nav.energy": {"zh": "能源流向", "en": "Energy"},
    "nav.meters": {"zh": "计量表", "en": "Meters"},
    "nav.inventory": {"zh": "排放清单", "en": "Inventory"},
    "nav.quality": {"zh": "数据质量", "en": "Data quality"},
    "nav.reports": {"zh": "报告下载", "en": "Reports"},
    "nav.portfolio": {"zh": "辖区工厂", "en": "Portfolio"},
    "nav.renewables": {"zh": "可再生能源", "en": "Renewables"},
    "nav.efficiency": {"zh": "能效对标", "en": "Efficiency"},
    "nav.footprints": {"zh": "产品碳足迹", "en": "Product footprints"},
    "nav.verdict": {"zh": "零碳评价", "en": "Zero-carbon verdict"},
    "nav.coming": {"zh": "即将推出", "en": "coming"},
    "nav.section.factory": {"zh": "本厂", "en": "This factory"},
    "nav.section.next": {"zh": "后续功能", "en": "Next capabilities"},
    "nav.section.region": {"zh": "监管", "en": "Oversight"},
    "coming.text": {"zh": "该功能正在建设中，将基于同一数据与核算引擎提供。",
                    "en": "This capability is being built on the same data and accounting engine."},
    # overview
    "ov.year_total": {"zh": "本年排放总量", "en": "Emissions this year"},
    "ov.month_total": {"zh": "本月排放", "en": "Emissions this month"},
    "ov.latest_month": {"zh": "最近一个月排放", "en": "Emissions in the latest month"},
    "ov.month_no_data": {"zh": "本月尚无数据", "en": "No data yet this month"},
    "ov.intensity": {"zh": "单位产品排放强度", "en": "Emission intensity per product"},
    "ov.renewable": {"zh": "可再生电力占比", "en": "Renewable share of electricity"},
    "ov.progress": {"zh": "较基准年减排进度", "en": "Progress toward zero vs base year"},
    "ov.alerts": {"zh": "数据质量提醒", "en": "Data-quality alerts"},
    "ov.no_alerts": {"zh": "没有数据质量问题", "en": "No data-quality issues"},
    "ov.monthly": {"zh": "逐月排放", "en": "Emissions by month"},
    "ov.scopes": {"zh": "范围一与范围二", "en": "Scope 1 and scope 2"},
    "ov.gbt_view": {"zh": "GB/T 32150 口径，tCO2e", "en": "GB/T 32150 view, tCO2e"},
    "ov.no_base": {"zh": "未设定基准年或无基准年数据", "en": "No base year, or no data for it"},
    "ov.base": {"zh": "基准年", "en": "Base year"},
    "ov.reduction": {"zh": "减排", "en": "reduction"},
    "ov.increase": {"zh": "增加", "en": "increase"},
    "ov.partial": {"zh": "本年仅有 {n} 个月数据（年初至今）", "en": "only {n} months of data this year (year to date)"},
    "ov.annual_only": {"zh": "本年度数据按全年申报，未分月", "en": "data stated for the whole year, not by month"},
    "ov.whole_year": {"zh": "（全年）", "en": " (whole year)"},
    "ov.no_meters": {"zh": "{year} 年尚无计量数据（当时表计尚未投用）：以下为申报数据。",
                     "en": "No meter data for {year} (the meters were not in place then): the figures are the "
                           "declared data."},
    "ov.renew_parts": {"zh": "光伏自用 {pv} + 绿电 {gp} + 绿证 {gec} / 用电 {tot} MWh",
                       "en": "PV used on site {pv} + green power {gp} + certificates {gec} / consumed {tot} MWh"},
    "ov.no_products": {"zh": "未申报产品或产量", "en": "No products or output declared"},
    "ov.per_unit": {"zh": "tCO2e/{unit}", "en": "tCO2e per {unit}"},
    "ov.declared_missing": {
        "zh": "本厂未配置申报数据文件：仅计入计量表数据（无外购燃料发票、绿证、产量与基准年）。",
        "en": "No declared data file for this factory: meter data only (no invoiced fuels, certificates, "
              "output or base year)."},
    "alert.missing_intervals": {"zh": "缺失的计量区间", "en": "Missing meter intervals"},
    "alert.estimated_intervals": {"zh": "已估算（线性插补）的区间", "en": "Estimated (linearly filled) intervals"},
    "alert.unused": {"zh": "未采用的读数（如计数器倒退）", "en": "Readings not used (e.g. counter decreased)"},
    "alert.rejected_records": {"zh": "被拒绝的记录", "en": "Rejected records"},
    "alert.dead_letters": {"zh": "无法处理的消息（死信）", "en": "Dead letters (unprocessable messages)"},
    "alert.warnings": {"zh": "核算警告", "en": "Accounting warnings"},
    "drill.hint": {"zh": "点击数值查看计算过程", "en": "Click a figure to see its derivation"},
    # emissions
    "em.by": {"zh": "分类维度", "en": "Break down by"},
    "em.category": {"zh": "排放类别", "en": "Category"},
    "em.scope": {"zh": "范围", "en": "Scope"},
    "em.source": {"zh": "排放源", "en": "Source"},
    "em.facility": {"zh": "设施", "en": "Facility"},
    "em.chart": {"zh": "逐月排放（tCO2e）", "en": "Emissions by month (tCO2e)"},
    "em.table": {"zh": "合计", "en": "Totals"},
    "em.annual_note": {"zh": "“{year}” 列为按全年申报、未分月的数据。",
                       "en": "The “{year}” column holds data stated for the whole year, not by month."},
    # energy
    "en.total": {"zh": "综合能耗", "en": "Comprehensive energy"},
    "en.sankey": {"zh": "能源流向（tce）：能源品种 → 厂区 → 车间/设施",
                  "en": "Energy flow (tce): carriers → site → workshops / facilities"},
    "en.by_carrier": {"zh": "逐月能耗（按能源品种，tce）", "en": "Energy by carrier and month (tce)"},
    "en.carrier": {"zh": "能源品种", "en": "Carrier"},
    "en.physical": {"zh": "实物量", "en": "Physical amount"},
    "en.basis": {"zh": "GB/T 2589，电力按当量值 0.1229 kgce/kWh 折算",
                 "en": "GB/T 2589, electricity at 0.1229 kgce/kWh"},
    "en.facility": {"zh": "设施", "en": "Facility"},
    "en.coefficients": {"zh": "折标系数及来源", "en": "Coefficients and sources"},
    # meters
    "m.meter": {"zh": "表计", "en": "Meter"},
    "m.from": {"zh": "开始", "en": "From"},
    "m.to": {"zh": "结束", "en": "To"},
    "m.show": {"zh": "显示", "en": "Show"},
    "m.curve": {"zh": "负荷曲线", "en": "Load curve"},
    "m.measured": {"zh": "实测", "en": "measured"},
    "m.estimated": {"zh": "估算", "en": "estimated"},
    "m.gap": {"zh": "缺失", "en": "gap"},
    "m.resolution": {"zh": "时间粒度", "en": "Resolution"},
    "m.res.interval": {"zh": "原始区间", "en": "meter interval"},
    "m.res.hour": {"zh": "小时", "en": "hour"},
    "m.res.day": {"zh": "日", "en": "day"},
    "m.readings": {"zh": "读数条数", "en": "Readings"},
    "m.expected": {"zh": "应有区间", "en": "Intervals expected"},
    "m.missing": {"zh": "缺失区间", "en": "Missing intervals"},
    "m.est_count": {"zh": "估算区间", "en": "Estimated intervals"},
    "m.sum": {"zh": "区间合计", "en": "Sum of intervals"},
    "m.gaps": {"zh": "缺口", "en": "Gaps"},
    "m.virtual": {"zh": "虚拟表", "en": "virtual"},
    # inventory and trace
    "inv.lines": {"zh": "活动数据行", "en": "Activity lines"},
    "inv.search": {"zh": "筛选（编号、设施、品种、期间）", "en": "Filter (id, facility, item, period)"},
    "inv.metered_only": {"zh": "仅计量数据", "en": "Metered only"},
    "inv.shown": {"zh": "显示 {n} / {total} 行", "en": "{n} of {total} lines"},
    "inv.more": {"zh": "更多", "en": "More"},
    "inv.trace": {"zh": "计算过程追溯", "en": "Derivation"},
    "inv.activity": {"zh": "活动数据", "en": "Activity data"},
    "inv.read_from": {"zh": "数据位置", "en": "Read from"},
    "inv.factors": {"zh": "排放因子及来源文件", "en": "Factors and source documents"},
    "inv.intermediates": {"zh": "中间量", "en": "Intermediate values"},
    "inv.readings": {"zh": "计量读数", "en": "Meter readings"},
    "inv.daily": {"zh": "逐日区间合计", "en": "Daily sums of intervals"},
    "inv.raw": {"zh": "原始读数（前 {n} 条）", "en": "Raw readings (first {n})"},
    "inv.open_meter": {"zh": "在计量表页面查看", "en": "Open in the meter explorer"},
    "inv.explain": {"zh": "可人工复核的文字说明", "en": "Text a verifier can re-check by hand"},
    "inv.close": {"zh": "关闭", "en": "Close"},
    "inv.engine_note": {"zh": "引擎记录", "en": "Engine's note"},
    "inv.uncertainty": {"zh": "不确定性", "en": "Uncertainty"},
    "inv.src_meters": {"zh": "计量表", "en": "meters"},
    "inv.meter_summary": {"zh": "本期区间", "en": "Intervals of the period"},
    "inv.n_intervals": {"zh": "区间数", "en": "Intervals"},
    "inv.flags": {"zh": "标记", "en": "Flags"},
    # quality
    "q.summary": {"zh": "概况", "en": "Summary"},
    "q.per_meter": {"zh": "各表计完整性", "en": "Completeness per meter"},
    "q.completeness": {"zh": "完整率 (%)", "en": "Complete (%)"},
    "q.gaps": {"zh": "缺失区间（起止、区间数、已估算）", "en": "Missing intervals (from, to, count, estimated)"},
    "q.rejected": {"zh": "被拒绝的记录", "en": "Rejected records"},
    "q.dead": {"zh": "死信", "en": "Dead letters"},
    "q.warnings": {"zh": "核算警告", "en": "Accounting warnings"},
    "q.unused": {"zh": "未采用的读数", "en": "Readings not used"},
    "q.location": {"zh": "位置", "en": "Location"},
    "q.field": {"zh": "字段", "en": "Field"},
    "q.reason": {"zh": "原因", "en": "Reason"},
    "q.raw": {"zh": "原始内容", "en": "Raw"},
    "q.time": {"zh": "时间", "en": "Time"},
    "q.topic": {"zh": "主题", "en": "Topic"},
    "q.none": {"zh": "无", "en": "None"},
    # reports
    "r.period": {"zh": "期间", "en": "Period"},
    "r.download": {"zh": "下载", "en": "Download"},
    "r.note": {"zh": "报告由服务器按与本页相同的核算引擎生成（HTML 中英文、XLSX 工作簿、JSON 结果）。",
               "en": "Reports are generated by the server with the same engine as these pages (HTML, XLSX workbook, "
                     "JSON results)."},
    "r.year": {"zh": "全年", "en": "Full year"},
    # declared activity data (reports page)
    "act.title": {"zh": "活动数据", "en": "Activity data"},
    "act.help": {"zh": "上传本厂申报的活动数据（外购燃料发票、过程排放、绿电合同、绿证、产量等）："
                       "Excel 模板或 YAML/JSON 文件。文件经校验后成为当前版本，清单、报告和各页面随即采用"
                       "（计量数据仍取自计量表）；历史版本全部保留。",
                 "en": "Upload the factory's declared activity data (fuels by invoice, process sources, green-power "
                       "contracts, certificates, production): the Excel template, or a YAML/JSON file. Once checked it "
                       "becomes the current version that inventories, reports and these pages use (metered flows still "
                       "come from the meters); every earlier version is kept."},
    "act.template": {"zh": "下载空白模板（Excel）", "en": "Download the blank template (Excel)"},
    "act.file": {"zh": "文件", "en": "File"},
    "act.note_label": {"zh": "说明", "en": "Note"},
    "act.upload": {"zh": "上传", "en": "Upload"},
    "act.uploading": {"zh": "正在上传并校验…", "en": "Uploading and checking…"},
    "act.readonly": {"zh": "当前角色只能查看和下载活动数据文件。",
                     "en": "Your role may view and download the files only."},
    "act.created": {"zh": "已保存为第 {id} 版：{years} 年，{lines} 行活动数据，{certs} 条绿证，{prod} 条产量记录。",
                    "en": "Stored as version {id}: years {years}, {lines} activity lines, {certs} certificates, "
                          "{prod} production records."},
    "act.unchanged": {"zh": "与当前版本（第 {id} 版）内容相同，未新建版本。",
                      "en": "Same content as the current version ({id}): nothing new stored."},
    "act.refused": {"zh": "文件未被接受", "en": "The file was not accepted"},
    "act.sheet": {"zh": "工作表", "en": "Sheet"},
    "act.row": {"zh": "行", "en": "Row"},
    "act.field": {"zh": "字段", "en": "Field"},
    "act.expected": {"zh": "应为", "en": "Expected"},
    "act.versions": {"zh": "已上传的版本（最新者为当前版本）", "en": "Uploaded versions (the newest is current)"},
    "act.version": {"zh": "版本", "en": "Version"},
    "act.by": {"zh": "上传人", "en": "Uploaded by"},
    "act.at": {"zh": "上传时间", "en": "Uploaded at"},
    "act.size": {"zh": "大小（字节）", "en": "Size (bytes)"},
    "act.current": {"zh": "当前", "en": "current"},
    "act.none": {"zh": "尚未上传活动数据文件", "en": "No activity file uploaded yet"},
    # portfolio
    "p.title": {"zh": "辖区工厂排放排名", "en": "Factories ranked by emissions"},
    "p.rank": {"zh": "排名", "en": "Rank"},
    "p.factory": {"zh": "工厂", "en": "Factory"},
    "p.province": {"zh": "省份", "en": "Province"},
    "p.all": {"zh": "全部", "en": "All"},
    "p.filter": {"zh": "筛选", "en": "Filter"},
    "p.total": {"zh": "排放总量", "en": "Total"},
    "p.renewable": {"zh": "可再生电力 (%)", "en": "Renewable (%)"},
    "p.reduction": {"zh": "较基准年减排 (%)", "en": "Reduction vs base (%)"},
    "p.completeness": {"zh": "数据完整率 (%)", "en": "Data complete (%)"},
    "p.alerts": {"zh": "提醒", "en": "Alerts"},
    "p.months": {"zh": "数据月数", "en": "Months"},
    "p.count": {"zh": "{n} 家工厂，合计 {total} tCO2e", "en": "{n} factories, {total} tCO2e in all"},
    "p.min_total": {"zh": "最低排放", "en": "Min. emissions"},
    "p.error": {"zh": "数据有误", "en": "Data error"},
    # errors
    "err.title": {"zh": "无法显示", "en": "Cannot show this"},
    "err.network": {"zh": "无法连接服务器", "en": "Cannot reach the server"},
    "err.session": {"zh": "登录已过期，请重新登录", "en": "Your session has ended, please sign in again"},
}

for _key in ("total.gbt32150_total", "total.scope1", "total.scope2_location", "total.scope2_market",
             "short.gbt32150_total", "short.scope1", "short.scope2_location", "short.scope2_market",
             "view.gbt32150", "view.location", "view.market", "col.line", "col.facility", "col.category", "col.item",
             "col.period", "col.amount", "col.unit", "col.source", "col.quality", "col.uncertainty", "col.formula",
             "col.factor_id", "col.param", "col.value", "col.source_document", "col.clause", "col.status",
             "col.note", "col.product", "col.output",
             "col.intensity", "col.tco2e", "col.scope", "col.serial", "col.mwh",
             "col.reason", "unc.approach1", "unit.tco2e", "unit.tce", "sec.warnings", "sec.trace",
             "dq.metered", "dq.invoice", "dq.statistical", "dq.estimated", "status.verified",
             "status.single-source", "status.unverified", "status.conflict", "status.assumption",
             "status.measured", "sum", "none"):
    MESSAGES.setdefault(_key, REPORT_MESSAGES[_key])


MESSAGES.update(PAGE_MESSAGES)  # the later capabilities' pages (web/i18n_pages.py)


def normalise_lang(lang: str | None) -> str:
    """``"en"``, ``"en-GB"`` → ``"en"``; anything else (or nothing) → Chinese."""
    base = (lang or DEFAULT_LANG).replace("_", "-").split("-")[0].lower()
    return base if base in LANGS else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG) -> str:
    """The message ``key`` in ``lang``; raises ``KeyError`` for an unknown key."""
    return MESSAGES[key][normalise_lang(lang)]


def catalogue(lang: str) -> dict[str, str]:
    """Every message in ``lang``, for the page's scripts."""
    code = normalise_lang(lang)
    return {k: v[code] for k, v in MESSAGES.items()}
