"""``POST /api/v1/factories/{id}/equipment/grade``: each quota indicator of the register comes back placed between its
benchmark and baseline levels, in zh and en, with the levels' origin; one without levels says it is not placed.

Register: the sample (``demo/sample_equipment.yaml``) with two quota rows of GB 21341-2022 硅铁 单位产品综合能耗 (grades
1700 / 1770 / 1850 kgce/t). The factory's levels B = 1770, Z = 1850 (the values of the page the shipped 2023 row was
read from; see tests/energy/test_levels_placement.py). Hand-worked: x = 1820 at 2000 t → share (1850 − 1820) / 80 =
0.375, gap to B 50 kgce/t × 2000 t / 1000 = 100 tce.
"""

from __future__ import annotations

from tests.api.conftest import OURS, World

from zerocarbon.energy.levels import NO_LEVELS
from zerocarbon.services.demo.main import SAMPLE_EQUIPMENT

QUOTA = """quota:
  - {product: 硅铁, standard: gb21341-2022, indicator: ferroalloy.ferrosilicon.comprehensive_energy, value: "1820",
     production_t: "2000", benchmark: "1770", baseline: "1850", levels_source: "企业对标文件 表3"}
  - {product: 硅铁2, standard: gb21341-2022, indicator: ferroalloy.ferrosilicon.comprehensive_energy, value: "1820"}
"""


def test_indicators_carry_their_position(world: World) -> None:
    text = SAMPLE_EQUIPMENT.read_text(encoding="utf-8")
    assert "quota: []\n" in text
    register = text.replace("quota: []\n", QUOTA).encode("utf-8")
    r = world.client.post(f"/api/v1/factories/{OURS}/equipment/grade", headers=world.auth("verifier"),
                          files={"file": ("台账.yaml", register, "application/x-yaml")})
    assert r.status_code == 200, r.text
    own, bare = r.json()["indicators"]
    assert own["verdict_zh"] == "3级" and own["levels_origin"] == "user-supplied"
    p = own["position"]
    assert (p["key"], p["share_to_benchmark"], p["gap_to_benchmark"], p["gap_to_benchmark_tce"]) == (
        "baseline", "0.375", "50", "100")
    assert (p["benchmark"], p["baseline"], p["unit"], p["document"]) == ("1770", "1850", "kgce/t", "企业对标文件 表3")
    assert own["position_zh"] == ("介于标杆与基准之间：已完成由基准 1850 至标杆 1770 的 37.5%；"
                                  "距标杆 50 kgce/t（100 tce）")
    assert own["position_en"] == ("between the benchmark and the baseline: 37.5 % of the way from the baseline 1850 to "
                                  "the benchmark 1770; 50 kgce/t (100 tce) to the benchmark")
    assert p["verdict_zh"] == "达到基准" and p["verdict_en"] == "baseline reached"
    assert bare["position"] is None and (bare["position_zh"], bare["position_en"]) == NO_LEVELS
