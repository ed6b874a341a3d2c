"""Report text for the verifier's parts: entity block and declaration, facilities, monitoring plan, meter register.

Merged into :data:`zerocarbon.reports.i18n.MESSAGES`; kept apart so that each catalogue file stays short.
"""

from __future__ import annotations

REGISTER_MESSAGES: dict[str, dict[str, str]] = {
    "sec.monitoring": {"zh": "监测计划", "en": "Monitoring plan"},
    "sec.register": {"zh": "计量器具台账与检定", "en": "Meter register and calibration"},
    # entity block and declaration
    "ent.legal_rep": {"zh": "法定代表人", "en": "Legal representative"},
    "ent.contact": {"zh": "填报联系人", "en": "Contact person"},
    "ent.phone": {"zh": "联系电话", "en": "Telephone"},
    "ent.email": {"zh": "电子邮箱", "en": "Email"},
    "ent.period": {"zh": "报告期", "en": "Reporting period"},
    "ent.period_fmt": {"zh": "{start} 至 {end}", "en": "{start} to {end}"},
    "ent.report_date": {"zh": "报告日期", "en": "Report date"},
    "ent.preparer": {"zh": "报告编制", "en": "Prepared by"},
    "ent.not_given": {"zh": "未填报", "en": "not given"},
    "ent.declaration": {"zh": "声明", "en": "Declaration"},
    "ent.declaration_text": {
        "zh": "本单位承诺：本报告所填报的 {period} 温室气体排放数据及相关信息真实、准确、完整；排放量按 {standard} "
              "核算；所用活动数据和排放因子均有可查证的来源和凭证，相关原始记录予以保存备查。本单位对报告内容的真实性负责。",
        "en": "We declare that the greenhouse-gas data and information reported here for {period} are true, accurate "
              "and complete; that the emissions were accounted following {standard}; that every activity figure and "
              "emission factor used has a source and evidence that can be checked, and that the original records "
              "are kept for inspection. We are responsible for the truthfulness of this report."},
    "ent.sign": {"zh": "法定代表人/授权代表签字", "en": "Signature of the legal representative or authorised person"},
    "ent.seal": {"zh": "单位盖章", "en": "Company seal"},
    "ent.date": {"zh": "日期", "en": "Date"},
    # boundary and facilities
    "bnd.schematic": {"zh": "厂区示意图（企业 → 设施 → 表计）", "en": "Site schematic (factory → facilities → meters)"},
    "bnd.sources": {"zh": "排放源（类别 · 品种）", "en": "Emission sources (category · item)"},
    "bnd.meters": {"zh": "表计", "en": "Meters"},
    "bnd.site": {"zh": "厂区级（不属于单一设施）", "en": "Site level (no single facility)"},
    "bnd.no_sources": {"zh": "本期无活动数据", "en": "no activity data in the period"},
    # monitoring plan
    "mon.intro": {
        "zh": "每个排放源（同一设施、类别和品种的活动数据）的监测方式：计量什么，"
              "如何获取（表计编号、结算凭证、统计台账或估算，依据数据行的数据质量等级和所连接的表计），"
              "频次，以及留存的证据。",
        "en": "How each emission source (the activity data of one facility, category and item) is monitored: what is "
              "measured, how it is obtained (meter code, invoice, ledger or estimate, from the lines' data-quality "
              "tier and the meters feeding them), how often, and the evidence held."},
    "mon.source": {"zh": "排放源", "en": "Emission source"},
    "mon.what": {"zh": "监测内容", "en": "What is measured"},
    "mon.how": {"zh": "获取方式", "en": "How"},
    "mon.frequency": {"zh": "频次", "en": "Frequency"},
    "mon.evidence": {"zh": "留存证据", "en": "Evidence held"},
    "mon.calibration": {"zh": "表计检定状态", "en": "Meter calibration"},
    "mon.lines": {"zh": "数据行", "en": "Lines"},
    "mon.how.meter": {"zh": "表计 {codes}", "en": "meter {codes}"},
    "mon.freq.interval": {"zh": "{minutes} 分钟读数，按月汇总", "en": "{minutes}-minute readings, totalled by month"},
    "mon.freq.monthly": {"zh": "每月（{n} 个月）", "en": "monthly ({n} months)"},
    "mon.freq.annual": {"zh": "每年", "en": "yearly"},
    "mon.freq.mixed": {"zh": "每月及年度合计", "en": "monthly and yearly amounts"},
    "mon.beside": {"zh": "对照凭证：{source}", "en": "checked against: {source}"},
    "mon.not_metered": {"zh": "不适用（非表计数据）", "en": "not applicable (not from a meter)"},
    # meter register
    "reg.intro": {
        "zh": "能源计量器具一览表（GB 17167-2006《用能单位能源计量器具配备和管理通则》要求建立）："
              "型号、出厂编号、准确度等级和检定/校准情况。"
              "检定有效期在报告期末（{end}）前到期或没有记录的表计被标记，并列出依赖它们的数据行。",
        "en": "The register of energy meters (kept as GB 17167-2006, general principle for equipping and managing "
              "energy meters of energy users, asks): model, serial number, accuracy class and verification or "
              "calibration. A meter whose calibration is due by the end of the period ({end}) or not recorded is "
              "flagged, with the lines that rest on it."},
    "reg.code": {"zh": "表计编号", "en": "Meter"},
    "reg.name": {"zh": "名称", "en": "Name"},
    "reg.node": {"zh": "安装位置", "en": "Location"},
    "reg.carrier": {"zh": "能源品种", "en": "Carrier"},
    "reg.model": {"zh": "型号", "en": "Model"},
    "reg.serial": {"zh": "出厂编号", "en": "Serial no."},
    "reg.class": {"zh": "准确度等级", "en": "Accuracy class"},
    "reg.calibrated": {"zh": "最近检定/校准日期", "en": "Last calibrated"},
    "reg.due": {"zh": "下次检定日期", "en": "Calibration due"},
    "reg.cert": {"zh": "证书编号", "en": "Certificate"},
    "reg.status": {"zh": "状态", "en": "Status"},
    "reg.feeds": {"zh": "所供数据行", "en": "Lines fed"},
    "reg.status.ok": {"zh": "有效", "en": "valid"},
    "reg.status.overdue": {"zh": "检定已过期", "en": "calibration overdue"},
    "reg.status.missing": {"zh": "缺少检定记录", "en": "no calibration record"},
    "reg.status.virtual": {"zh": "虚拟表（由其他表计算）", "en": "virtual (computed from other meters)"},
    "reg.status.unknown": {"zh": "不在台账中", "en": "not in the register"},
    "reg.none": {"zh": "本报告未附计量器具台账（依据申报文件核算，未连接表计库）。",
                 "en": "No meter register comes with this report (accounted from the declared file, without the "
                       "meter store)."},
    "reg.warn.overdue": {
        "zh": "表计 {meter} 的检定有效期至 {due}，在报告期末（{end}）已到期；"
              "标注为“{tier}”的数据行依赖该表计：{lines}。",
        "en": "Meter {meter}: calibration due {due}, by the end of the period ({end}); lines labelled \"{tier}\" "
              "rest on it: {lines}."},
    "reg.warn.missing": {
        "zh": "表计 {meter} 没有检定/校准记录（日期或准确度等级）；标注为“{tier}”的数据行依赖该表计：{lines}。",
        "en": "Meter {meter} has no calibration record (dates or accuracy class); lines labelled \"{tier}\" rest "
              "on it: {lines}."},
    "reg.warn.unknown": {
        "zh": "表计 {meter} 不在计量器具台账中；标注为“{tier}”的数据行依赖该表计：{lines}。",
        "en": "Meter {meter} is not in the meter register; lines labelled \"{tier}\" rest on it: {lines}."},
    "reg.warn.unnamed": {
        "zh": "{n} 行数据标注为“{tier}”但未注明表计，无法核对其检定状态：{lines}。",
        "en": "{n} lines are labelled \"{tier}\" but name no meter, so their calibration cannot be checked: {lines}."},
    # metering section: where the readings are
    "met.batches": {"zh": "入库批次", "en": "Ingest batches"},
    # print
    "pdf.page": {"zh": "第 {page} 页，共 {pages} 页", "en": "Page {page} of {pages}"},
    "pdf.trace_note": {
        "zh": "打印版：每个数据行在各口径下的公式、中间量、所用因子和结果，结果相同的口径合并为一行；"
              "因子的来源见“排放因子及来源”一节。",
        "en": "Printed copy: each line's formula, intermediate values, factors and result per view, views with the "
              "same result on one row; the factors' sources are in the section on emission factors."},
    "pdf.formula": {"zh": "公式", "en": "Formula"},
    "pdf.values": {"zh": "中间量", "en": "Intermediate values"},
    "pdf.factors": {"zh": "因子", "en": "Factors"},
    "pdf.chart_note": {"zh": "静态图，数值见下表。", "en": "Static chart; the figures are in the table below."},
}
