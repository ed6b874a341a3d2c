"""Text of the EU battery carbon-footprint declaration page (Regulation (EU) 2023/1542 Art. 7(1)), zh and en.

``bl(key, lang)`` looks a message up; a missing key raises ``KeyError`` so a page never prints a raw key.
Keys ``eu.rule.*`` and ``eu.unknown.*`` mirror ``EU_RULES`` and ``EU_UNKNOWN`` of
:mod:`zerocarbon.footprint.eu_battery` (the test of the page checks they are complete).
"""

from __future__ import annotations

BATTERY_MESSAGES: dict[str, dict[str, str]] = {
    "eu.title": {"zh": "电池碳足迹声明", "en": "Battery carbon footprint declaration"},
    "eu.kicker": {"zh": "依据欧盟电池法规 (EU) 2023/1542 第 7(1) 条及附件 II",
                  "en": "under Regulation (EU) 2023/1542 (batteries), Article 7(1) and Annex II"},
    "eu.incomplete": {"zh": "不完整：第 7(1) 条要求的以下内容尚未提供：{items}。此声明不得作为正式声明使用。",
                      "en": "Incomplete: the following content required by Article 7(1) is not yet given: {items}. "
                            "This declaration cannot be used as the formal one."},
    "eu.missing.declaration_of_conformity_id": {"zh": "(f) 欧盟符合性声明编号",
                                                "en": "(f) the EU declaration of conformity number"},
    "eu.missing.study_url": {"zh": "(g) 研究公开版本链接", "en": "(g) the link to the public study"},
    "eu.not_given": {"zh": "尚未提供", "en": "not yet given"},
    "eu.sec.declaration": {"zh": "声明内容（第 7(1) 条 (a)–(g)）", "en": "Content (Article 7(1), points (a) to (g))"},
    "eu.a": {"zh": "(a) 制造商", "en": "(a) Manufacturer"},
    "eu.b": {"zh": "(b) 电池型号", "en": "(b) Battery model"},
    "eu.c": {"zh": "(c) 生产工厂及地址", "en": "(c) Manufacturing plant and address"},
    "eu.d": {"zh": "(d) 碳足迹 kgCO2e/kWh（全寿命总能量）",
             "en": "(d) Carbon footprint kgCO2e/kWh (total energy over the service life)"},
    "eu.f": {"zh": "(f) 欧盟符合性声明编号", "en": "(f) EU declaration of conformity number"},
    "eu.g": {"zh": "(g) 研究公开版本链接", "en": "(g) Public version of the study"},
    "eu.category": {"zh": "电池类别", "en": "Battery category"},
    "eu.cat.EV": {"zh": "电动汽车电池", "en": "electric-vehicle battery"},
    "eu.cat.LMT": {"zh": "轻型交通工具电池", "en": "LMT battery"},
    "eu.cat.industrial": {"zh": "可充电工业电池（> 2 kWh）", "en": "rechargeable industrial battery (> 2 kWh)"},
    "eu.cat.industrial-external-storage": {"zh": "仅外部储能的可充电工业电池（> 2 kWh）",
                                           "en": "rechargeable industrial battery with exclusively external "
                                                 "storage (> 2 kWh)"},
    "eu.capacity": {"zh": "额定能量 kWh", "en": "Rated energy kWh"},
    "eu.declared_on": {"zh": "声明日期", "en": "Date of declaration"},
    "eu.sec.stages": {"zh": "(e) 按生命周期阶段（附件 II 第 4 点）",
                      "en": "(e) By life-cycle stage (Annex II point 4)"},
    "eu.stage": {"zh": "阶段", "en": "Stage"},
    "eu.kg": {"zh": "kgCO2e/电池", "en": "kgCO2e per battery"},
    "eu.per_kwh": {"zh": "kgCO2e/kWh", "en": "kgCO2e/kWh"},
    "eu.share": {"zh": "占比", "en": "Share"},
    "eu.total": {"zh": "合计", "en": "Total"},
    "eu.sec.method": {"zh": "功能单位与方法选择", "en": "Functional unit and method choices"},
    "eu.energy": {"zh": "全寿命总能量 kWh", "en": "Total energy over the service life kWh"},
    "eu.energy_basis": {"zh": "总能量依据", "en": "Basis of the total energy"},
    "eu.draft_formula": {"zh": "授权法案草案 Ares(2024)3131389 的公式（是否通过未经核实）：初始可用能量 {usable} kWh × "
                               "每年等效满循环次数 {feqc}（车辆类别 {cat}）× 使用寿命 {years} 年 = {total} kWh",
                         "en": "formula of the draft delegated act Ares(2024)3131389 (adoption unverified): usable "
                               "energy at beginning of life {usable} kWh × {feqc} full equivalent cycles a year "
                               "(vehicle category {cat}) × {years} years of service life = {total} kWh"},
    "eu.m.study": {"zh": "研究", "en": "Study"},
    "eu.m.standard": {"zh": "计算依据的标准", "en": "Standard the figures follow"},
    "eu.m.gwp": {"zh": "全球变暖潜势", "en": "GWP values"},
    "eu.m.boundary": {"zh": "系统边界", "en": "System boundary"},
    "eu.m.allocation": {"zh": "分配依据", "en": "Allocation basis"},
    "eu.m.electricity_rule": {"zh": "电力规则", "en": "Electricity rule"},
    "eu.m.electricity_factor": {"zh": "电力碳足迹因子", "en": "Electricity footprint factor"},
    "eu.m.pact_id": {"zh": "PACT 足迹标识", "en": "PACT footprint id"},
    "eu.boundary.cradle-to-grave": {"zh": "从摇篮到坟墓", "en": "cradle to grave"},
    "eu.boundary.cradle-to-gate": {"zh": "从摇篮到大门", "en": "cradle to gate"},
    "eu.alloc.submetered": {"zh": "分表计量", "en": "sub-metered"},
    "eu.alloc.physical": {"zh": "物理关系", "en": "physical relation"},
    "eu.alloc.economic": {"zh": "经济关系", "en": "economic relation"},
    "eu.elec.footprint_factor": {"zh": "全部外购电量 × 电力碳足迹因子",
                                 "en": "every purchased MWh × the electricity footprint factor"},
    "eu.elec.contractual": {"zh": "合同工具覆盖的电量计 0，其余 × 因子",
                            "en": "MWh covered by contractual instruments count 0, the rest × the factor"},
    "eu.methodology": {"zh": "计算方法学", "en": "Calculation methodology"},
    "eu.methodology_text": {"zh": "第 7(1) 条所指的计算方法学授权法案仅有草案 Ares(2024)3131389（是否通过未经核实）。"
                                  "本声明的数值来自上述 GB/T 24067 研究，并非按该授权法案计算。",
                            "en": "The delegated act on the calculation methodology that Article 7(1) refers to is "
                                  "known only as the draft Ares(2024)3131389 (adoption unverified). The values of "
                                  "this declaration come from the GB/T 24067 study above, not from that act."},
    "eu.class": {"zh": "碳足迹性能等级", "en": "Carbon footprint performance class"},
    "eu.class_text": {"zh": "未划分：性能等级（第 7(2) 条）及其界限尚未通过，本声明不给出等级。",
                      "en": "None assigned: the performance classes (Article 7(2)) and their bounds are not "
                            "adopted, so this declaration gives no class."},
    "eu.sec.notes": {"zh": "须知", "en": "Notes"},
    "eu.sec.sources": {"zh": "依据与未实现的规则", "en": "Sources and rules not implemented"},
    "eu.source": {"zh": "法规文本（EUR-Lex）：", "en": "Text of the regulation (EUR-Lex): "},
    "eu.source_note": {"zh": "第 7(1) 条所列内容依据二手资料的引述核对（prodlaw.eu、sorena.io），未读取 EUR-Lex 原文。",
                       "en": "The content list of Article 7(1) was checked against secondary sources quoting it "
                             "(prodlaw.eu, sorena.io); the EUR-Lex text itself was not read."},
    "eu.unknown_head": {"zh": "尚未通过或未经核实、因此未实现：", "en": "Not adopted or not verified, hence not "
                                                                  "implemented:"},
    "eu.unknown.0": {"zh": "计算方法学：第 7(1) 条所指授权法案仅有草案 Ares(2024)3131389",
                     "en": "calculation methodology: the delegated act under Art. 7(1) is known only as the draft "
                           "Ares(2024)3131389"},
    "eu.unknown.1": {"zh": "全寿命总能量的计算公式（仅知草案公式）",
                     "en": "formula of the total energy over the service life (only the draft's is known)"},
    "eu.unknown.2": {"zh": "电力建模（草案不承认购电协议和来源担保）",
                     "en": "electricity modelling (the draft excludes PPAs and guarantees of origin)"},
    "eu.unknown.3": {"zh": "性能等级（第 7(2) 条）及其界限：未通过，不划分等级",
                     "en": "performance classes (Art. 7(2)) and their bounds: not adopted, no class assigned"},
    "eu.unknown.4": {"zh": "全生命周期碳足迹最大限值（第 7(3) 条）：未通过",
                     "en": "maximum life-cycle carbon footprint (Art. 7(3)): not adopted"},
    "eu.unknown.5": {"zh": "声明的统一格式（实施法案）",
                     "en": "harmonised format of the declaration (implementing act)"},
    "eu.footer": {"zh": "由 zerocarbon {version} 生成；数值按全精度计算，仅显示时修约。",
                  "en": "Generated by zerocarbon {version}; values computed at full precision, rounded only for "
                        "display."},
}


def bl(key: str, lang: str = "zh") -> str:
    """The declaration page's message ``key`` in ``lang`` (``zh`` or ``en``)."""
    return BATTERY_MESSAGES[key]["zh" if lang.lower().startswith("zh") else "en"]
