"""Unit-product energy against quota grades, with the standards' corrections.

Limits used (as shipped in ``zerocarbon/energy/data/``, read from adgo07/ECQuota-Insight data/definitions):

* GB 21346-2022 4.1 表1, 铝液交流电耗: grade 1/2/3 = 12950 / 13000 / 13350 kWh/t;
* GB 16780-2021 4.1 表1, 水泥: 80 / 87 / 94 kgce/t at 75 % clinker, ±1.10 / 1.15 / 1.20 kgce/t per
  percentage point (5.4); 熟料: 100 / 107 / 117 kgce/t; above 1500 m grade 3 × K, K = 1.179 − 0.211 p/101325
  (5.3 式(1));
* GB 21256-2025 4.1 表1, 烧结工序: 43 / 46 / 52 kgce/t + 0.15 per % rare-earth ore + 0.2 per % V-Ti
  magnetite + 1.2 per % laterite nickel ore.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from zerocarbon.energy.quota import BenchmarkLevels, corrected_limits, energy_per_value_added, evaluate, to_tce
from zerocarbon.energy.reference import DATA_DIR, load_quota_standard, quota_files
from zerocarbon.errors import FactorError, InputError


def test_files_load_with_provenance() -> None:
    assert {"gb16780-2021.yaml", "gb21256-2025.yaml", "gb21346-2022.yaml"} <= set(quota_files())
    for name in quota_files():
        std = load_quota_standard(DATA_DIR / name)
        assert std.source.startswith("adgo07/ECQuota-Insight:data/definitions/")
        for ind in std.indicators:
            assert ind.status in ("verified", "unverified") and ind.table.startswith("表") and ind.clause
            defined = [ind.grades[g] for g in (1, 2, 3) if g in ind.grades]
            assert defined == sorted(defined) and 3 in ind.grades
    al = load_quota_standard("gb21346-2022")
    assert al.effective_from == "2024-01-01" and len(al.indicators) == 4
    with pytest.raises(FactorError):
        load_quota_standard("gb99999-2030")
    with pytest.raises(FactorError):
        al.indicator("alumina.bayer")


@pytest.mark.parametrize(("value", "verdict", "grade"), [
    ("12949.99", "1级", 1), ("12950", "1级", 1), ("12950.01", "2级", 2), ("13000", "2级", 2),
    ("13000.01", "3级", 3), ("13350", "3级", 3), ("13350.01", "未达限定值", None),
])
def test_aluminium_boundaries(value: str, verdict: str, grade: int | None) -> None:
    ind = load_quota_standard("gb21346-2022").indicator("electrolytic_aluminium.liquid_ac_power")
    result = evaluate(ind, D(value))
    assert (result.verdict_zh, result.grade) == (verdict, grade)


def test_gap_in_physical_units_and_tce() -> None:
    """13400 kWh/t on 100 000 t: 50 kWh/t over the 限定值, 450 kWh/t over grade 1.

    At 0.1229 kgce/kWh (GB/T 2589 equivalent value): 50 × 100 000 × 0.1229 / 1000 = 614.5 tce and
    450 × 100 000 × 0.1229 / 1000 = 5530.5 tce.
    """
    ind = load_quota_standard("gb21346-2022").indicator("electrolytic_aluminium.liquid_ac_power")
    r = evaluate(ind, D(13400), production=D(100000), kgce_per_kwh=D("0.1229"))
    assert r.verdict_en == "below minimum" and r.gap_to_limit == D(50) and r.gap_to_grade1 == D(450)
    assert r.gap_to_limit_tce == D("614.5") and r.gap_to_grade1_tce == D("5530.5")
    assert evaluate(ind, D(13400), production=D(100000)).gap_to_limit_tce is None  # no coefficient: no tce
    ingot = load_quota_standard("gb21346-2022").indicator("electrolytic_aluminium.ingot_comprehensive_energy")
    r2 = evaluate(ingot, D(1700), production=D(2000))
    assert r2.grade == 3 and r2.gap_to_grade1 == D(30) and r2.gap_to_grade1_tce == D(60) and r2.gap_to_limit == 0
    assert to_tce(D(1), "t/t", D(1)) is None


def test_cement_clinker_ratio_correction() -> None:
    """80 % clinker: 80 + 5 × 1.10 = 85.5, 87 + 5 × 1.15 = 92.75, 94 + 5 × 1.20 = 100 kgce/t."""
    ind = load_quota_standard("gb16780-2021").indicator("cement.comprehensive_energy")
    limits, applied = corrected_limits(ind, {"clinker_ratio_pct": D(80), "altitude_m": D(100)})
    assert limits == {1: D("85.50"), 2: D("92.75"), 3: D("100.00")}
    assert [a.id for a in applied] == ["clinker_ratio"]          # altitude ≤ 1500 m: no factor
    assert evaluate(ind, D("85.5"), {"clinker_ratio_pct": D(80), "altitude_m": D(0)}).grade == 1
    assert evaluate(ind, D("85.51"), {"clinker_ratio_pct": D(80), "altitude_m": D(0)}).grade == 2
    low, _ = corrected_limits(ind, {"clinker_ratio_pct": D(70), "altitude_m": D(0)})
    assert low == {1: D("74.50"), 2: D("81.25"), 3: D("88.00")}
    with pytest.raises(InputError):
        evaluate(ind, D(85), {"altitude_m": D(0)})                 # the ratio is never assumed


def test_altitude_correction_of_grade_3_only() -> None:
    """Clinker at 2000 m, p = 79 500 Pa: K = 1.179 − 0.211 × 79500/101325 ≈ 1.01345; grade 3 = 117 K ≈ 118.57."""
    ind = load_quota_standard("gb16780-2021").indicator("clinker.comprehensive_energy")
    inputs = {"altitude_m": D(2000), "ambient_pressure_pa": D(79500)}
    k = D("1.179") - D("0.211") * D(79500) / D(101325)
    limits, applied = corrected_limits(ind, inputs)
    assert limits == {1: D(100), 2: D(107), 3: D(117) * k} and applied[0].factor == k
    assert evaluate(ind, D(118), inputs).verdict_zh == "3级"
    assert evaluate(ind, D(118), {"altitude_m": D(1500)}).verdict_zh == "未达限定值"   # 1500 m: not above
    with pytest.raises(InputError):
        evaluate(ind, D(118), {"altitude_m": D(2000)})            # pressure needed above 1500 m


def test_sinter_ore_corrections() -> None:
    """2 % rare earth, 1 % V-Ti magnetite, 0.5 % laterite: +0.30 + 0.2 + 0.60 = +1.10 kgce/t on every grade."""
    ind = load_quota_standard("gb21256-2025").indicator("sintering.process_energy")
    inputs = {"rare_earth_ore_pct": D(2), "vanadium_titanium_magnetite_pct": D(1), "laterite_nickel_ore_pct": D("0.5")}
    limits, applied = corrected_limits(ind, inputs)
    assert limits == {1: D("44.10"), 2: D("47.10"), 3: D("53.10")} and len(applied) == 3
    assert evaluate(ind, D("44.1"), inputs).grade == 1 and evaluate(ind, D("44.11"), inputs).grade == 2
    zero = {k: D(0) for k in inputs}
    assert evaluate(ind, D("52"), zero).grade == 3 and evaluate(ind, D("52.01"), zero).grade is None


def test_benchmark_levels() -> None:
    """Benchmark logic with levels given by the caller (none are shipped: the 2023 list is not verified)."""
    ind = load_quota_standard("gb21346-2022").indicator("electrolytic_aluminium.liquid_ac_power")
    levels = BenchmarkLevels(benchmark=D(12900), baseline=D(13350), document="test levels", status="unverified")
    assert evaluate(ind, D(12900), levels=levels).verdict_zh == "达到标杆"
    r = evaluate(ind, D(12940), levels=levels, production=D(10), kgce_per_kwh=D("0.1229"))
    assert r.verdict_zh == "1级" and r.gap_to_benchmark == D(40) and r.gap_to_benchmark_tce == D("0.04916")


def test_bad_values() -> None:
    ind = load_quota_standard("gb21346-2022").indicator("electrolytic_aluminium.liquid_ac_power")
    with pytest.raises(InputError):
        evaluate(ind, D(-1))
    with pytest.raises(InputError):
        evaluate(ind, 13000.0)  # type: ignore[arg-type]
    assert energy_per_value_added(D(500), D(10000)) == D("0.05")
    with pytest.raises(InputError):
        energy_per_value_added(D(500), D(0))
