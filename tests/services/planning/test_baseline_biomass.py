"""The planning baseline's total is the inventory's own total: biomass CO2 is reported apart, never counted
(GB/T 32150 biomass CO2 as a memo item; ``accounting.inventory`` totals over ``not r.biomass``)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import numpy as np
import pandas as pd
from tests.accounting.test_inventory import factory
from tests.services.planning.test_planning import small

from zerocarbon.accounting.inventory import compute_inventory
from zerocarbon.factors import FactorLibrary, FactorRow, Item, default_library
from zerocarbon.model.inventory_input import InventoryInput
from zerocarbon.services.planning.assumptions import load_assumptions
from zerocarbon.services.planning.baseline import build_baseline


def test_biomass_co2_is_not_in_the_baseline_total(tmp_path: Path) -> None:
    """A synthetic biomass fuel (round test values, not a published factor: the shipped library holds no
    verified biomass defaults) burnt 1 t: 10 GJ/t × 0.03 tC/GJ × 1 × 44/12 = 1.1 tCO2 biomass, outside the
    inventory's total, and so outside the plan's baseline and its "other" emissions."""
    base = default_library()
    item = Item("test_biomass", "fuel", "测试生物质", "test biomass", "solid", "t", True, ())
    rows = [FactorRow(f"test.{p}", "test_biomass", p, "", "CO2", D(v), u, "*", None, None, None,
                      "synthetic test value", "", "", "assumption", True, None, "test only", "test")
            for p, v, u in (("ncv", "10", "GJ/t"), ("carbon_content", "0.03", "tC/GJ"),
                            ("oxidation_rate", "1", "dimensionless"))]
    lib = FactorLibrary([*base.rows, *rows], [*base.items.values(), item], list(base.regions.values()),
                        "test", list(base.quality.values()))
    doc = factory()
    doc["activity"].append({"id": "bio", "facility": "A", "category": "fuel_combustion", "item": "测试生物质",
                            "amount": "1", "unit": "t", "period": "2023"})
    inv = compute_inventory(InventoryInput.model_validate(doc), 2023, lib, mc_draws=0)
    assert inv.totals.biomass_co2 == D("1.1")  # the line is there, counted apart
    a = load_assumptions(small(tmp_path))
    index = pd.date_range("2023-01-01", periods=8760, freq="h", tz="Asia/Shanghai")
    info = build_baseline(inv, 2023, a, index, np.zeros(len(index)), None)
    assert info.total_t == float(inv.totals.gbt32150_total)
    assert info.parts["total_t"] == info.total_t
    # without the biomass line the baseline is the same: the biomass CO2 changes nothing
    plain = compute_inventory(InventoryInput.model_validate(factory()), 2023, lib, mc_draws=0)
    ref = build_baseline(plain, 2023, a, index, np.zeros(len(index)), None)
    assert info.baseline.other_t == ref.baseline.other_t
