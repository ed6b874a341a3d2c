"""The demo factory's inventories, computed once for the report tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from zerocarbon.accounting.inventory import compare_years, compute_inventory
from zerocarbon.accounting.results import Inventory
from zerocarbon.ingest.activity_file import load_activity_file
from zerocarbon.model.inventory_input import InventoryInput


@dataclass
class Demo:
    data: InventoryInput
    inventories: dict[int, Inventory]
    year: int
    comparison: dict[str, Any]

    @property
    def inventory(self) -> Inventory:
        return self.inventories[self.year]


@pytest.fixture(scope="session")
def demo(sample_path: Path) -> Demo:
    loaded = load_activity_file(sample_path)
    years = loaded.data.years()
    inventories = {y: compute_inventory(loaded.data, y, locations=loaded.locations,
                                        mc_draws=2000 if y == years[-1] else 0) for y in years}
    return Demo(loaded.data, inventories, years[-1], compare_years(inventories, loaded.data.factory.base_year))
