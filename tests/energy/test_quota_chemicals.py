"""GB 21343-2023 (calcium carbide, vinyl acetate, PVA, BDO, dicyandiamide, cyanamide; 12 rows) and GB 21344-2023
(fertilizers; 18 rows), no corrections.

Expected limits are typed here from adgo07/ECQuota-Insight data/definitions/gb-21343-2023.json (commit 62e6f2bd…)
and gb-21344-2023.json (commit 882a07e0…), ``base_thresholds`` level_1/2/3, independently of the shipped YAML.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from zerocarbon.energy.quota import evaluate
from zerocarbon.energy.reference import load_quota_standard

CENT = D("0.01")
GB21343 = [  # id, table, unit, grade 1/2/3
    ("calcium_carbide.comprehensive_energy", "表1", "kgce/t", "805/823/940"),
    ("calcium_carbide.furnace_power", "表1", "kWh/t", "3000/3080/3200"),
    ("vinyl_acetate.acetylene.comprehensive_energy", "表2", "kgce/t", "280/410/450"),
    ("vinyl_acetate.ethylene.comprehensive_energy", "表2", "kgce/t", "240/250/410"),
    ("polyvinyl_alcohol.acetylene.comprehensive_energy", "表3", "kgce/t", "1900/2000/2500"),
    ("polyvinyl_alcohol.ethylene.comprehensive_energy", "表3", "kgce/t", "1350/1790/2230"),
    ("butanediol.reppe.comprehensive_energy", "表4", "kgce/t", "890/950/1080"),
    ("butanediol.maleic_anhydride.comprehensive_energy", "表4", "kgce/t", "810/850/950"),
    ("butanediol.allyl_alcohol.comprehensive_energy", "表4", "kgce/t", "890/890/1000"),
    ("dicyandiamide.comprehensive_energy", "表5", "kgce/t", "230/300/350"),
    ("cyanamide.solution_30.comprehensive_energy", "表6", "kgce/t", "315/350/500"),
    ("cyanamide.solution_50.comprehensive_energy", "表6", "kgce/t", "600/750/900"),
]
T = "表1、表2、表4、表5、表6"
GB21344 = [
    ("ammonia.premium_anthracite_lump.comprehensive_energy", T, "kgce/t", "1090/1100/1350"),
    ("ammonia.other_anthracite_lump_briquette.comprehensive_energy", T, "kgce/t", "1180/1200/1520"),
    ("ammonia.pulverised_coal.comprehensive_energy", T, "kgce/t", "1340/1350/1550"),
    ("ammonia.lignite.comprehensive_energy", T, "kgce/t", "1700/1800/1900"),
    ("ammonia.natural_gas.comprehensive_energy", T, "kgce/t", "996/1000/1200"),
    ("urea.co2_compressor_steam_turbine.comprehensive_energy", T, "kgce/t", "130/150/170"),
    ("urea.co2_compressor_electric_motor.comprehensive_energy", T, "kgce/t", "115/138/165"),
    ("ammonium_bicarbonate.power", "表3", "kWh/t", "18/20/30"),
    ("map.conventional.granular.comprehensive_energy", T, "kgce/t", "235/255/275"),
    ("map.conventional.powder.comprehensive_energy", T, "kgce/t", "220/240/260"),
    ("map.slurry.granular.comprehensive_energy", T, "kgce/t", "150/170/190"),
    ("map.slurry.powder.comprehensive_energy", T, "kgce/t", "140/165/185"),
    ("dap.conventional.granular.comprehensive_energy", T, "kgce/t", "225/250/275"),
    ("dap.slurry.granular.comprehensive_energy", T, "kgce/t", "160/185/200"),
    ("potassium_sulphate.brine.comprehensive_energy", T, "kgce/t", "300/310/320"),
    ("potassium_sulphate.seawater_brine.comprehensive_energy", T, "kgce/t", "400/420/450"),
    ("potassium_sulphate.mirabilite.comprehensive_energy", T, "kgce/t", "450/480/500"),
    ("potassium_sulphate.mannheim.comprehensive_energy", T, "kgce/t", "105/110/120"),
]
FILES = {"gb21343-2023": ("GB 21343-2023", GB21343, "62e6f2bd343bb7e32db602e124f1df3bf3dbe180",
                          "f88981676ef7c895a54af5c00526d7a7f6769a6afadfbb8772ba3008e3d9e8e9"),
         "gb21344-2023": ("GB 21344-2023", GB21344, "882a07e02e107340177d54ea6180ae45fd57bcda",
                          "f8f6f3eac564f70916c50d6741464ef4a69c89ed679c905ca718c8f16d0e4b62")}


@pytest.mark.parametrize("name", sorted(FILES))
def test_file_and_provenance(name: str) -> None:
    number, rows, commit, sha = FILES[name]
    std = load_quota_standard(name)
    assert std.standard == number and (std.published, std.effective_from) == ("2023-11-27", "2024-12-01")
    assert [i.id for i in std.indicators] == [r[0] for r in rows]
    for (_, table, unit, _), ind in zip(rows, std.indicators, strict=True):
        assert (ind.table, ind.unit, ind.status, ind.corrections) == (table, unit, "unverified", ())
        assert commit in ind.source and sha in ind.source


@pytest.mark.parametrize(("name", "indicator", "limits"),
                         [(n, r[0], r[3]) for n, (_, rows, _, _) in sorted(FILES.items()) for r in rows])
def test_boundaries(name: str, indicator: str, limits: str) -> None:
    """value = Lg grades g; Lg + 0.01 grades the next defined grade or 未达限定值 (equal limits share a grade)."""
    ind = load_quota_standard(name).indicator(indicator)
    values = [D(v) for v in limits.split("/")]
    for g, limit in enumerate(values, start=1):
        assert evaluate(ind, limit).grade == values.index(limit) + 1, (indicator, g)
        above = next((h for h in range(g + 1, 4) if values[h - 1] > limit), None)
        assert evaluate(ind, limit + CENT).grade == above, (indicator, g)


def test_hand_worked_carbide_and_ammonia() -> None:
    """Calcium carbide: 850 kgce/t on 200 000 t is grade 3 (823 < 850 ≤ 940), 45 kgce/t above grade 1 = 9 000 tce;
    its furnace power 3100 kWh/t is grade 3 too, 100 kWh/t above grade 1 = 20 000 000 kWh × 0.1229 kgce/kWh
    = 2 458 tce. Natural-gas ammonia at 998 kgce/t is grade 2 (996 < 998 ≤ 1000)."""
    carbide = load_quota_standard("gb21343-2023")
    energy = evaluate(carbide.indicator("calcium_carbide.comprehensive_energy"), D(850), production=D(200_000))
    assert (energy.grade, energy.gap_to_grade1, energy.gap_to_grade1_tce) == (3, D(45), D(9000))
    power = evaluate(carbide.indicator("calcium_carbide.furnace_power"), D(3100), production=D(200_000),
                     kgce_per_kwh=D("0.1229"))
    assert (power.grade, power.gap_to_grade1, power.gap_to_grade1_tce) == (3, D(100), D(2458))
    ammonia = load_quota_standard("gb21344-2023").indicator("ammonia.natural_gas.comprehensive_energy")
    assert evaluate(ammonia, D(998)).verdict_zh == "2级"
