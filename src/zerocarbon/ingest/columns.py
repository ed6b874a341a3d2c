"""One declaration of the activity-data workbook: sheets, columns, Chinese and English headers.

The template writer (:mod:`zerocarbon.ingest.template`) and the reader
(:mod:`zerocarbon.ingest.activity_file`) both use these tables, so a column exists in one place.
Headers are matched in Chinese or English; values of enumerations may be given in either language.
"""

from __future__ import annotations

from dataclasses import dataclass

from zerocarbon.model.vocabulary import CATEGORIES, COMBUSTION_MODES, ELECTRICITY_KINDS, Category, Label


@dataclass(frozen=True)
class Column:
    key: str          # path in the internal vocabulary (dots for nested: "steam.pressure_mpa")
    zh: str
    en: str
    help_zh: str = ""
    required: bool = False
    kind: str = "text"  # text | number | bool | list | enum | period | date


@dataclass(frozen=True)
class Sheet:
    key: str
    zh: str
    en: str
    columns: tuple[Column, ...]


# The labels come from the one vocabulary (zerocarbon.model.vocabulary); these are the views the
# template writer and reader use: Chinese names, English names, and the electricity kinds' Chinese names.
CATEGORY_NAMES: dict[Category, str] = {cat: label.zh for cat, label in CATEGORIES.items()}
CATEGORY_EN: dict[Category, str] = {cat: label.en for cat, label in CATEGORIES.items()}
ELECTRICITY_KIND = {key: label.zh for key, label in ELECTRICITY_KINDS.items()}
DIRECTION = {"input": "输入", "output": "输出"}
BOOL_TRUE = {"是", "true", "yes", "y", "1", "√", "✓"}
BOOL_FALSE = {"否", "false", "no", "n", "0", ""}

#: Values of the enumerated columns: internal value → label (zh shown in the template's drop-downs;
#: zh, en or the internal value accepted when read, without regard to case). ``data_quality`` comes
#: from the factor library's data_quality.csv (:func:`choices`).
CHOICES: dict[str, dict[str, Label]] = {
    "category": {cat.value: label for cat, label in CATEGORIES.items()},
    "electricity_kind": dict(ELECTRICITY_KINDS),
    "combustion": dict(COMBUSTION_MODES),
    "direction": {"input": Label("输入", "input"), "output": Label("输出", "output")},
    "settings.gwp_set": {k: Label(f"{k}（IPCC {n}评估报告）", f"{k} (IPCC {e} Assessment Report)")
                         for k, n, e in (("SAR", "第二次", "Second"), ("AR4", "第四次", "Fourth"),
                                         ("AR5", "第五次", "Fifth"), ("AR6", "第六次", "Sixth"))},
    "settings.gbt32150_grid_scope": {"national": Label("全国电网平均", "national grid average"),
                                     "regional": Label("区域电网", "regional grid"),
                                     "provincial": Label("省级电网", "provincial grid")},
    "settings.market_residual_factor": {
        "excl_market_nonfossil": Label("剔除市场化非化石电量的电网因子",
                                       "grid factor excluding market non-fossil power"),
        "grid_average": Label("电网平均因子", "grid average factor")},
    "settings.certificate_matching": {"year": Label("按年度", "by year"), "month": Label("按月", "by month")},
    "settings.steam_heat_reference": {"water_20c": Label("扣除20℃水焓", "less the enthalpy of water at 20 °C"),
                                      "none": Label("蒸汽全焓", "full enthalpy of steam")},
}


def choices(key: str) -> dict[str, Label]:
    """The values of an enumerated column (internal value → label); empty for a free column."""
    if key == "data_quality":
        from zerocarbon.factors import default_library

        return {q.tier: Label(q.name_zh, q.name_en) for (applies, _), q in default_library().quality.items()
                if applies == "activity"}
    return CHOICES.get(key, {})


#: Parameters a user may replace with a measured value (实测值), with their column stems.
MEASURED = (("ncv", "实测低位发热量", "measured NCV"), ("carbon_content", "实测含碳量", "measured carbon content"),
            ("oxidation_rate", "实测碳氧化率", "measured oxidation rate"),
            ("emission_factor", "实测排放因子", "measured emission factor"))

FACTORY_FIELDS: tuple[Column, ...] = (
    Column("factory.id", "企业编号", "Factory id", required=True),
    Column("factory.name_zh", "企业名称", "Name (Chinese)", required=True),
    Column("factory.name_en", "英文名称", "Name (English)"),
    Column("factory.credit_code", "统一社会信用代码", "Unified social credit code"),
    Column("factory.province", "所在省份", "Province", "用于确定区域电网，如 江苏", required=True),
    Column("factory.industry", "所属行业", "Industry"),
    Column("factory.address", "地址", "Address"),
    Column("factory.legal_representative", "法定代表人", "Legal representative"),
    Column("factory.contact_person", "联系人", "Contact person"),
    Column("factory.contact_phone", "联系电话", "Contact phone"),
    Column("factory.contact_email", "电子邮箱", "Contact e-mail"),
    Column("factory.preparer", "编制单位/人", "Prepared by"),
    Column("factory.report_date", "报告日期", "Report date", "YYYY-MM-DD；留空则为生成报告的日期", kind="date"),
    Column("factory.boundary_zh", "核算边界", "Boundary (Chinese)"),
    Column("factory.boundary_en", "核算边界（英文）", "Boundary (English)"),
    Column("factory.base_year", "基准年", "Base year", kind="number"),
    Column("factory.synthetic", "合成示例数据", "Synthetic sample data", kind="bool"),
    Column("settings.gwp_set", "GWP版本", "GWP set", "SAR | AR4 | AR5 | AR6", kind="enum"),
    Column("settings.gbt32150_grid_scope", "GB/T 32150 电网因子范围", "GB/T 32150 grid factor scope",
           "全国电网平均 | 区域电网 | 省级电网", kind="enum"),
    Column("settings.gbt32150_green_power_zero", "GB/T 32150 视角绿电计零", "Green power at 0 in GB/T 32150 view",
           kind="bool"),
    Column("settings.market_residual_factor", "市场法剩余电量因子", "Market-based residual factor",
           "剔除市场化非化石电量的电网因子 | 电网平均因子", kind="enum"),
    Column("settings.certificate_matching", "绿证匹配粒度", "Certificate matching", "按年度 | 按月", kind="enum"),
    Column("settings.steam_heat_reference", "蒸汽热量基准", "Steam heat reference", "扣除20℃水焓 | 蒸汽全焓",
           kind="enum"),
    Column("settings.allow_earlier_factor_year", "允许使用往年因子", "Allow an earlier factor year", kind="bool"),
)

FACILITIES = Sheet("facilities", "设施", "Facilities", (
    Column("id", "设施编号", "Facility id", required=True),
    Column("name_zh", "设施名称", "Name (Chinese)", required=True),
    Column("name_en", "英文名称", "Name (English)"),
    Column("kind", "系统类型", "System", "主要/辅助/附属生产系统"),
))

PRODUCTS = Sheet("products", "产品", "Products", (
    Column("id", "产品编号", "Product id", required=True),
    Column("name_zh", "产品名称", "Name (Chinese)", required=True),
    Column("name_en", "英文名称", "Name (English)"),
    Column("unit", "产量单位", "Output unit", required=True),
    Column("facilities", "专用设施", "Dedicated facilities", "多个以 | 分隔", kind="list"),
    Column("shared_allocation", "公用设施分摊比例", "Share of shared facilities", "0–1", kind="number"),
))

ACTIVITY = Sheet("activity", "活动数据", "Activity data", (
    Column("id", "编号", "Line id", required=True),
    Column("facility", "设施", "Facility", required=True),
    Column("category", "排放类别", "Category", "见“说明”工作表", required=True, kind="enum"),
    Column("item", "品种", "Item", "燃料、碳酸盐或气体名称，如 天然气、Na2CO3"),
    Column("amount", "数量", "Amount", required=True, kind="number"),
    Column("unit", "单位", "Unit", "如 t、万Nm3、MWh、GJ", required=True),
    Column("period", "期间", "Period", "YYYY 或 YYYY-MM", required=True, kind="period"),
    Column("source", "数据来源", "Data source", "发票、计量表、台账…"),
    Column("data_quality", "数据质量", "Data quality", "计量表实测、发票、统计台账、估算（见“说明”工作表）",
           kind="enum"),
    Column("uncertainty_pct", "不确定性(%)", "Uncertainty (%)", kind="number"),
    *(c for key, zh, en in MEASURED for c in (
        Column(f"measured.{key}.value", zh, en, kind="number"),
        Column(f"measured.{key}.unit", f"{zh}单位", f"{en} unit"))),
    Column("measured_evidence", "实测值证明", "Evidence of measured values"),
    Column("purity", "纯度", "Purity", "0–1", kind="number"),
    Column("calcination_fraction", "分解率", "Calcination fraction", "0–1", kind="number"),
    Column("direction", "流向", "Direction", "输入 | 输出", kind="enum"),
    Column("electricity_kind", "电力类型", "Electricity kind", "电网购电 | 绿电交易 | 绿电直连", kind="enum"),
    Column("combustion", "燃烧方式", "Combustion", "燃料燃烧行：固定源 | 非道路移动源 | 道路移动源；留空取默认",
           kind="enum"),
    Column("steam.pressure_mpa", "蒸汽压力(MPa)", "Steam pressure (MPa)", kind="number"),
    Column("steam.temperature_c", "蒸汽温度(℃)", "Steam temperature (°C)", "饱和蒸汽留空", kind="number"),
    Column("steam.gauge", "表压", "Gauge pressure", kind="bool"),
    Column("evidence", "证明材料", "Evidence"),
    Column("certificates_kept", "绿证是否保留", "Certificates kept", "厂内发电/上网行：是=保留，否=已出售；留空=未说明",
           kind="bool"),
    Column("inside_settlement_meter", "含在结算表计内", "Inside settlement meter",
           "绿电行：是=已含在电网结算表读数内（扣除），否=表外另计；留空=未说明", kind="bool"),
    Column("note", "备注", "Note"),
))

CERTIFICATES = Sheet("certificates", "绿证", "Certificates", (
    Column("serial", "证书编号", "Serial", required=True),
    Column("mwh", "电量(MWh)", "MWh", required=True, kind="number"),
    Column("generation_period", "生产年月", "Generation month", "YYYY-MM", required=True, kind="period"),
    Column("retired", "已核销", "Retired", kind="bool", required=True),
    Column("retired_for", "核销年度", "Retired for year", "YYYY", required=True, kind="period"),
    Column("bundled_with", "绑定绿电交易", "Bundled with line"),
    Column("technology", "技术类型", "Technology"),
    Column("evidence", "证明材料", "Evidence"),
    Column("retirement_proof", "核销凭证编号", "Retirement proof", "未绑定的绿证须有核销凭证才计入"),
))

PRODUCTION = Sheet("production", "产量", "Production", (
    Column("product", "产品编号", "Product id", required=True),
    Column("period", "期间", "Period", "YYYY 或 YYYY-MM", required=True, kind="period"),
    Column("amount", "产量", "Output", required=True, kind="number"),
    Column("unit", "单位", "Unit", required=True),
))

FACTORY_SHEET = ("企业信息", "Factory")
TABLE_SHEETS = (FACILITIES, PRODUCTS, ACTIVITY, CERTIFICATES, PRODUCTION)


def enum_value(column: Column, text: str) -> str:
    """Map a Chinese or English enumeration value (any case) onto the internal one; unknown text is
    returned as it is, for the model to refuse with the list of choices."""
    raw = text.strip()
    low = raw.lower()
    for key, label in choices(column.key).items():
        if low in (key.lower(), label.zh.lower(), label.en.lower()):
            return key
    return raw
