"""Gate-to-gate emissions per product: a hand-worked allocation case.

Factory (made up for the test): line L1 dedicated to product A, L2 to B, utilities UT shared with
declared shares A 0.6 / B 0.4; 2023 electricity L1 100 MWh, L2 50 MWh, UT 40 MWh; output A 1,000
pieces, B 500 pieces. Electricity footprint factor 2023: 0.6205 kgCO2e/kWh (MEE/NBS/NEA 公告2025年第3号,
factor library row elec.electricity_footprint.CN.2023.mee-2025-3). By the rule of footprint/allocation.py:

    A: (100 + 0.6 × 40) MWh × 0.6205 t/MWh = 76.942 tCO2e → 76.942 kgCO2e per piece
    B: (50 + 0.4 × 40) MWh × 0.6205 t/MWh = 40.953 tCO2e → 81.906 kgCO2e per piece

With the study's own shares A 0.75 / B 0.25: A (100 + 30) × 0.6205 = 80.665 t → 80.665 kg per piece;
B (50 + 10) × 0.6205 = 37.23 t → 74.46 kg per piece.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from zerocarbon.errors import InputError
from zerocarbon.services.footprint.gate import gate_to_gate
from zerocarbon.services.footprint.study import load_study
from zerocarbon.services.inventory.runs import run_inventory

FACTORY = """
schema_version: 1
factory:
  id: T1
  name_zh: 测试工厂
  name_en: Test factory
  province: 江苏
  synthetic: true
  facilities:
  - {id: L1, name_zh: 线1, name_en: Line 1, kind: 主要生产系统}
  - {id: L2, name_zh: 线2, name_en: Line 2, kind: 主要生产系统}
  - {id: UT, name_zh: 公用, name_en: Utilities, kind: 辅助生产系统}
  products:
  - {id: A, name_zh: 甲, name_en: A, unit: piece, facilities: [L1], shared_allocation: '0.6'}
  - {id: B, name_zh: 乙, name_en: B, unit: piece, facilities: [L2], shared_allocation: '0.4'}
activity:
- {id: E1, facility: L1, category: electricity_purchased, amount: '100', unit: MWh, period: '2023', source: bill}
- {id: E2, facility: L2, category: electricity_purchased, amount: '50', unit: MWh, period: '2023', source: bill}
- {id: E3, facility: UT, category: electricity_purchased, amount: '40', unit: MWh, period: '2023', source: bill}
production:
- {product: A, period: '2023', amount: '1000', unit: piece}
- {product: B, period: '2023', amount: '500', unit: piece}
"""

STUDY = """
study:
  id: T
  title_zh: 测试
  title_en: test
  goal_zh: 测试
  goal_en: test
  company_name: Test
  company_ids: [urn:company:test:t1]
  year: 2023
  boundary: cradle-to-gate
  cut_off: {rule_zh: 无, rule_en: none, max_excluded_pct: '1'}
  allocation: {basis: physical, reason_zh: 按质量, reason_en: by mass{shares}}
  electricity: {rule: footprint_factor, reason_zh: 足迹因子, reason_en: footprint factor}
  gate_to_gate: {dqr: {technological: '1', geographical: '1', temporal: '1'}}
  factory: {activity_file: factory.yaml}
products:
- {id: A, name_zh: 甲, name_en: A, unit: piece, mass_kg: '1', fossil_carbon_kgc: '0'}
- {id: B, name_zh: 乙, name_en: B, unit: piece, mass_kg: '1', fossil_carbon_kgc: '0'}
"""


def _files(tmp_path: Path, shares: str = "") -> Path:
    (tmp_path / "factory.yaml").write_text(FACTORY, encoding="utf-8")
    study = tmp_path / "study.yaml"
    study.write_text(STUDY.replace("{shares}", shares), encoding="utf-8")
    return study


def _gate(study_path: Path) -> dict[str, D]:
    study = load_study(study_path)
    run = run_inventory(study_path.parent / "factory.yaml", 2023, mc_draws=0)
    gate = gate_to_gate(study, run.data, run.inventory)
    return {g.product: g.kg_per_unit for g in gate.lines if g.group == "electricity"}


def test_hand_worked_allocation(tmp_path: Path) -> None:
    got = _gate(_files(tmp_path))
    assert got["A"] == D("76.942")
    assert got["B"] == D("81.906")


def test_study_shares_override_the_factory(tmp_path: Path) -> None:
    got = _gate(_files(tmp_path, ", shares: {A: '0.75', B: '0.25'}"))
    assert got["A"] == D("80.665")
    assert got["B"] == D("74.46")  # (50 + 10) MWh × 0.6205 t/MWh = 37.23 t / 500 pieces


def test_product_missing_from_the_factory_is_located(tmp_path: Path) -> None:
    path = _files(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("- {id: B,", "- {id: C,"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        _gate(path)
    assert err.value.field == "products.C.factory_product" and err.value.row is not None
