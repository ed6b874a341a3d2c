"""One vocabulary of categories and carriers (zerocarbon.model.vocabulary), labelled in zh and en.

The labels are published texts (reports, the workbook template, the dashboard): the expected values
below are those each place wrote on its own before the catalogue, so a label cannot change by accident.
"""

from __future__ import annotations

import pytest

from zerocarbon.ingest import columns
from zerocarbon.model import inventory_input
from zerocarbon.model.vocabulary import (
    CARRIERS,
    CATEGORIES,
    ELECTRICITY_KINDS,
    ENERGY_USES,
    Category,
    Label,
    carrier_label,
    category_label,
)
from zerocarbon.reports.content import category_name
from zerocarbon.reports.metering import carrier_name


def test_every_category_has_a_chinese_and_an_english_label() -> None:
    assert set(CATEGORIES) == set(Category)
    for cat in Category:
        label = CATEGORIES[cat]
        assert label.zh and label.en and label.zh != label.en, cat
        assert category_label(cat, "zh") == label.zh and category_label(cat.value, "en") == label.en


def test_category_labels_are_the_published_ones() -> None:
    assert {c.value: tuple(lab) for c, lab in CATEGORIES.items()} == {
        "fuel_combustion": ("燃料燃烧", "Fuel combustion"),
        "process_carbonate": ("过程排放-碳酸盐", "Process: carbonates"),
        "process_mass_balance": ("过程排放-碳质量平衡", "Process: carbon mass balance"),
        "process_gas": ("过程排放-温室气体", "Process: greenhouse gas released"),
        "fugitive": ("逸散排放", "Fugitive emissions"),
        "electricity_purchased": ("购入电力", "Purchased electricity"),
        "electricity_exported": ("输出电力", "Exported electricity"),
        "heat_purchased": ("购入热力", "Purchased heat"),
        "heat_exported": ("输出热力", "Exported heat"),
        "co2_recovered": ("二氧化碳回收利用", "CO2 recovered and utilised"),
        "onsite_renewable": ("厂内可再生能源发电", "On-site renewable generation"),
    }


def test_carrier_and_flow_labels_are_the_published_ones() -> None:
    assert {k: tuple(v) for k, v in CARRIERS.items()} == {
        "electricity": ("电力", "Electricity"), "natural_gas": ("天然气", "Natural gas"),
        "heat": ("热力（蒸汽）", "Heat (steam)"), "diesel": ("柴油", "Diesel"), "lpg": ("液化石油气", "LPG")}
    assert {k: tuple(v) for k, v in ENERGY_USES.items()} == {
        "grid_electricity": ("电网购电", "Grid electricity"),
        "green_power": ("绿电交易", "Green power"),
        "onsite_renewable": ("厂内光伏等可再生能源发电", "On-site renewable generation"),
        "electricity_exported": ("上网/输出电量", "Electricity exported"),
        "heat": ("外购蒸汽/热力", "Purchased steam / heat"),
    }
    assert {k: v.zh for k, v in ELECTRICITY_KINDS.items()} == {"grid": "电网购电", "green_power": "绿电交易",
                                                               "direct_line": "绿电直连"}
    for labels in (CARRIERS, ELECTRICITY_KINDS, ENERGY_USES):
        assert all(isinstance(v, Label) and v.zh and v.en for v in labels.values())


def test_unknown_carriers_are_shown_as_they_are() -> None:
    assert carrier_label("hydrogen", "zh") == carrier_label("hydrogen", "en") == "hydrogen"
    assert carrier_label("lpg", "zh") == "液化石油气"


def test_every_place_takes_the_labels_from_the_vocabulary() -> None:
    for cat in Category:
        assert columns.CATEGORY_NAMES[cat] == category_name(cat, "zh") == CATEGORIES[cat].zh
        assert columns.CATEGORY_EN[cat] == category_name(cat, "en") == CATEGORIES[cat].en
        assert columns.enum_value(columns.ACTIVITY.columns[2], CATEGORIES[cat].zh) == cat.value
    assert {k: v.zh for k, v in ELECTRICITY_KINDS.items()} == columns.ELECTRICITY_KIND
    for key in CARRIERS:
        assert carrier_name(key, "zh") == CARRIERS[key].zh and carrier_name(key, "en") == CARRIERS[key].en


def test_the_category_enum_is_one_and_the_same() -> None:
    assert inventory_input.Category is Category
    with pytest.raises(ValueError):
        category_label("no_such_category", "zh")
