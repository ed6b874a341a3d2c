"""Factor validity by data year (factors/library.py lookup rule, step 1).

GB/T 32151.34—2024 took effect on 2025-03-01 (its rows in fuels.csv carry valid_from 2025-03-01), so
its table must not serve data year 2023; the pre-2025 rows (defaults_pre2025.csv, valid to 2025-02-28)
do. Year-specific grid factors are the factor of their data year whatever their publication date
(公告2025年第47号 of 2025-12-31 serves data year 2023).
"""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from zerocarbon.accounting.inventory import compute_inventory
from zerocarbon.errors import FactorError
from zerocarbon.factors import FallbackPolicy, default_library
from zerocarbon.model.inventory_input import InventoryInput

SAMPLE = "src/zerocarbon/demo/sample_factory.yaml"


def test_a_2023_inventory_uses_no_factor_valid_only_from_2025() -> None:
    with open(SAMPLE, encoding="utf-8") as handle:
        inv = compute_inventory(InventoryInput.model_validate(yaml.safe_load(handle)), 2023, mc_draws=0)
    used = [fv.row for r in inv.lines for fig in r.figures.values() for fv in fig.factors if fv.row is not None]
    assert used
    late = [row.factor_id for row in used if row.data_year is None and row.valid_from
            and row.valid_from > date(2023, 12, 31)]
    assert late == []


def test_outside_validity_is_an_error_naming_row_and_year() -> None:
    """Bituminous coal has only GB/T 32151.34—2024 (from 2025-03-01) and conflicting third-party rows,
    which never stand in for the preferred row."""
    lib = default_library()
    with pytest.raises(FactorError) as err:
        lib.lookup("bituminous_coal", "ncv", data_year=2023)
    assert "fuel.bituminous_coal.ncv.gbt32151.34-2024" in err.value.message_en
    assert "2023" in err.value.message_en
    fv = lib.lookup("bituminous_coal", "ncv", data_year=2023, policy=FallbackPolicy(allow_outside_validity=True))
    assert fv.fallback and "outside validity" in fv.fallback


def test_rows_switch_with_the_data_year() -> None:
    lib = default_library()
    assert lib.lookup("diesel", "ncv", data_year=2023).row.factor_id == "fuel.diesel.ncv.pre2025-compilation"  # type: ignore[union-attr]
    assert lib.lookup("diesel", "ncv", data_year=2025).row.factor_id == "fuel.diesel.ncv.gbt32151.34-2024"  # type: ignore[union-attr]
    assert lib.lookup("heat", "emission_factor", data_year=2026, region="*").row.factor_id == (  # type: ignore[union-attr]
        "heat.heat.emission_factor.gbt32150-2025")
    grid = lib.lookup("electricity_grid_average", "emission_factor", data_year=2023)
    assert str(grid.value) == "0.5306" and grid.fallback is None


def test_accepted_outside_validity_is_recorded() -> None:
    doc = {"factory": {"id": "C", "name_zh": "煤", "province": "江苏", "facilities": [{"id": "A", "name_zh": "锅炉"}]},
           "activity": [{"id": "coal", "facility": "A", "category": "fuel_combustion", "item": "bituminous_coal",
                         "amount": "10", "unit": "t", "period": "2023"}]}
    with pytest.raises(FactorError, match="valid"):
        compute_inventory(InventoryInput.model_validate(doc), 2023, mc_draws=0)
    doc["settings"] = {"allow_factor_outside_validity": True}
    inv = compute_inventory(InventoryInput.model_validate(doc), 2023, mc_draws=0)
    assert any("outside validity" in w for w in inv.warnings)
