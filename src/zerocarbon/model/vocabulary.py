"""One vocabulary of emission categories and energy carriers, with their zh/en labels in one catalogue.

Everything that names a category or a carrier to a person (reports, the workbook template and
reader, the dashboard, the command line) takes the label from here, so a term is spelled one way
in both languages. Importers map the words of a file onto these keys at the edge
(:func:`zerocarbon.ingest.columns.enum_value`); the core only knows the keys.

Four families of keys:

* :class:`Category`: the GB/T 32150 emission categories an activity line belongs to.
* :data:`COMBUSTION_MODES`: stationary or mobile combustion of a fuel line (for CH4 and N2O).
* :data:`CARRIERS`: energy carriers as the report's energy table names them (the keys of the
  energy uses by carrier: ``electricity``, ``natural_gas`` …); a fuel not listed is named by the
  factor library.
* :data:`ELECTRICITY_KINDS` and :data:`ENERGY_USES`: how purchased electricity was bought, and the
  supply flows of the dashboard's energy balance (grid, green power, on-site renewables, export,
  purchased heat).

The labels are the published texts of the reports and files: change one only on purpose, since
outputs and template headers change with it.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Any, NamedTuple


class Label(NamedTuple):
    """A term's label in Chinese and in English."""

    zh: str
    en: str

    def text(self, lang: str) -> str:
        """The label in ``lang`` (``"zh"``; anything else gives the English one)."""
        return self.zh if lang == "zh" else self.en


class Category(StrEnum):
    """GB/T 32150 emission categories (and memo items) an activity line can belong to."""

    FUEL_COMBUSTION = "fuel_combustion"          # 燃料燃烧排放
    PROCESS_CARBONATE = "process_carbonate"      # 过程排放：碳酸盐分解/使用
    PROCESS_MASS_BALANCE = "process_mass_balance"  # 过程排放：碳质量平衡
    PROCESS_GAS = "process_gas"                  # 过程排放：工艺过程释放的温室气体（CH4, N2O, HFCs …）
    FUGITIVE = "fugitive"                        # 逸散排放：制冷剂补充、开关设备 SF6 等（E = M × GWP）
    ELECTRICITY_PURCHASED = "electricity_purchased"  # 购入电力
    ELECTRICITY_EXPORTED = "electricity_exported"    # 输出电力
    HEAT_PURCHASED = "heat_purchased"            # 购入热力
    HEAT_EXPORTED = "heat_exported"              # 输出热力
    CO2_RECOVERED = "co2_recovered"              # 二氧化碳回收利用
    ONSITE_RENEWABLE = "onsite_renewable"        # 厂内可再生能源发电（自用，零排放，记录）


#: Label of each emission category (report tables, workbook template and reader, CLI summary).
CATEGORIES: dict[Category, Label] = {
    Category.FUEL_COMBUSTION: Label("燃料燃烧", "Fuel combustion"),
    Category.PROCESS_CARBONATE: Label("过程排放-碳酸盐", "Process: carbonates"),
    Category.PROCESS_MASS_BALANCE: Label("过程排放-碳质量平衡", "Process: carbon mass balance"),
    Category.PROCESS_GAS: Label("过程排放-温室气体", "Process: greenhouse gas released"),
    Category.FUGITIVE: Label("逸散排放", "Fugitive emissions"),
    Category.ELECTRICITY_PURCHASED: Label("购入电力", "Purchased electricity"),
    Category.ELECTRICITY_EXPORTED: Label("输出电力", "Exported electricity"),
    Category.HEAT_PURCHASED: Label("购入热力", "Purchased heat"),
    Category.HEAT_EXPORTED: Label("输出热力", "Exported heat"),
    Category.CO2_RECOVERED: Label("二氧化碳回收利用", "CO2 recovered and utilised"),
    Category.ONSITE_RENEWABLE: Label("厂内可再生能源发电", "On-site renewable generation"),
}

#: How a fuel is burnt (``ActivityLine.combustion``): selects the IPCC 2006 Vol. 2 CH4/N2O table
#: (stationary: Ch. 2 Table 2.3; off-road mobile: Ch. 3 Table 3.3.1; road: Ch. 3 Table 3.2.2).
COMBUSTION_MODES: dict[str, Label] = {
    "stationary": Label("固定源燃烧（锅炉、窑炉、发电机等）", "Stationary combustion (boilers, furnaces, generators)"),
    "mobile_offroad": Label("非道路移动源（叉车、工程机械等）", "Off-road mobile (forklifts, site machinery)"),
    "mobile_road": Label("道路移动源（车辆）", "Road transport (vehicles)"),
}

#: Energy carriers as the report's energy table names them (key: the carrier of the energy uses).
CARRIERS: dict[str, Label] = {
    "electricity": Label("电力", "Electricity"),
    "natural_gas": Label("天然气", "Natural gas"),
    "heat": Label("热力（蒸汽）", "Heat (steam)"),
    "diesel": Label("柴油", "Diesel"),
    "lpg": Label("液化石油气", "LPG"),
}

#: How purchased electricity was bought (``ActivityLine.electricity_kind``, ``MeterSpec.electricity_kind``).
ELECTRICITY_KINDS: dict[str, Label] = {
    "grid": Label("电网购电", "Grid electricity"),
    "green_power": Label("绿电交易", "Green power"),
    "direct_line": Label("绿电直连", "Green power, direct line"),
}

#: Supply flows of the dashboard's energy balance (key: the flow; fuels are named by the factor library).
ENERGY_USES: dict[str, Label] = {
    "grid_electricity": ELECTRICITY_KINDS["grid"],
    "green_power": ELECTRICITY_KINDS["green_power"],
    "onsite_renewable": Label("厂内光伏等可再生能源发电", "On-site renewable generation"),
    "electricity_exported": Label("上网/输出电量", "Electricity exported"),
    "heat": Label("外购蒸汽/热力", "Purchased steam / heat"),
}


def category_label(category: Category | str, lang: str) -> str:
    """The label of an emission category in ``lang`` (``"zh"`` or ``"en"``).

    Raises
    ------
    ValueError
        ``category`` is not a :class:`Category` value.
    """
    return CATEGORIES[Category(category)].text(lang)


def carrier_label(key: str, lang: str) -> str:
    """The label of an energy carrier of the report in ``lang``; an unknown key is shown as it is."""
    label = CARRIERS.get(key)
    return label.text(lang) if label is not None else key


#: Factor parameters as a reader names them (the factor table, the trace, warnings).
PARAMETERS: dict[str, Label] = {
    "ncv": Label("低位发热量", "net calorific value"),
    "carbon_content": Label("单位热值含碳量", "carbon content per unit of heat"),
    "oxidation_rate": Label("碳氧化率", "oxidation rate"),
    "emission_factor": Label("排放因子", "emission factor"),
    "ch4_ef": Label("CH4 排放因子", "CH4 emission factor"),
    "n2o_ef": Label("N2O 排放因子", "N2O emission factor"),
    "gwp": Label("全球变暖潜势 (GWP)", "global warming potential (GWP)"),
    "sce_coefficient": Label("折标准煤系数", "coal-equivalent coefficient"),
    "enthalpy": Label("焓值", "enthalpy"),
}

#: The country as the factor library names it (``CN``); provinces and grid regions come from the
#: library's ``factors/data/regions.csv`` (all 31 provinces, the 7 regional grids, 蒙西/蒙东).
COUNTRY = Label("全国", "China (national)")


def parameter_label(key: str, lang: str) -> str:
    """A factor parameter (``ncv``, ``carbon_content`` …) in ``lang``; an unknown key is shown as it is."""
    label = PARAMETERS.get(key)
    return label.text(lang) if label is not None else key


def _places() -> dict[str, Label]:
    from zerocarbon.factors import default_library  # core → core; the library's regions.csv is the one list

    return _places_of(default_library())


@lru_cache(maxsize=2)
def _places_of(library: Any) -> dict[str, Label]:
    """The place names of ``library``, built once per library (an inventory asks for them 10⁵ times)."""
    places = {key: Label(r.name_zh, r.name_en) for key, r in library.regions.items()}
    places["CN"] = COUNTRY
    return places


def place_label(name: str | None, lang: str) -> str:
    """A province, grid region or ``CN`` in ``lang`` (江苏 → Jiangsu, 华东 → East China, CN → 全国).

    The wildcard ``*`` of the factor library reads "any region"; an unknown name is shown as written.
    """
    if name is None or name == "":
        return "—"
    if name == "*":
        return "不限地区" if lang == "zh" else "any region"
    label = _places().get(name.strip())
    return label.text(lang) if label is not None else name


def item_label(item: str, lang: str) -> str:
    """A factor-library item (``diesel``, ``electricity_grid_average``, ``Na2CO3`` …) in ``lang``; the
    report's energy carriers first, then the library's ``items.csv``; an unknown key as written."""
    if item in CARRIERS:
        return CARRIERS[item].text(lang)
    from zerocarbon.factors import default_library

    found = default_library().items.get(item)
    if found is None:
        return item
    return found.name_zh if lang == "zh" else found.name_en
