"""The bundled sample factory: a synthetic lithium-battery pack plant in 江苏 (华东 grid).

Everything here is SYNTHETIC: plausible magnitudes for a pack-assembly plant of about 3 GWh a year,
made up for demonstration, not the data of any real company. The generator is seeded, so the file
it writes (``sample_factory.yaml``) is the same on every machine; a test checks that the shipped file
equals what the generator makes.

Data year 2023 by month, base year 2022 by year. Sources: natural-gas boilers, diesel forklifts and
emergency generators, an LPG canteen, sodium carbonate used to neutralise wastewater, a chiller's
HFC-134a top-up, purchased grid electricity, a green-power trade with its bundled certificates,
further retired green certificates (one batch of the wrong year, to show the exclusion), purchased
steam from the park's heat supplier, and rooftop PV (self-consumed, part exported).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import numpy as np
import yaml

SEED = 2023
YEAR = 2023
BASE_YEAR = 2022
HERE = Path(__file__).resolve().parent
SAMPLE_FILE = HERE / "sample_factory.yaml"

# Monthly shape of heating demand (winter high) and of production (ramp through the year).
HEATING = (1.55, 1.45, 1.15, 0.85, 0.65, 0.55, 0.55, 0.55, 0.65, 0.85, 1.15, 1.45)
OUTPUT = (0.78, 0.70, 0.92, 0.98, 1.02, 1.05, 1.04, 1.06, 1.08, 1.10, 1.12, 1.15)
PV = (0.55, 0.65, 0.85, 1.05, 1.2, 1.15, 1.3, 1.35, 1.1, 0.95, 0.7, 0.6)


def _q(value: float, places: str = "0.01") -> str:
    return str(Decimal(repr(float(value))).quantize(Decimal(places), rounding=ROUND_HALF_UP))


def _monthly(total: float, shape: tuple[float, ...], rng: np.random.Generator, noise: float,
             places: str) -> list[str]:
    weights = np.array(shape) * (1 + rng.normal(0, noise, 12))
    weights = weights / weights.sum()
    return [_q(total * w, places) for w in weights]


def build() -> dict[str, Any]:
    """The sample factory's input document (the same structure as a user's YAML file)."""
    rng = np.random.default_rng(SEED)
    facilities = [
        {"id": "L1", "name_zh": "动力电池包产线", "name_en": "EV battery-pack line", "kind": "主要生产系统"},
        {"id": "L2", "name_zh": "储能电池包产线", "name_en": "ESS battery-pack line", "kind": "主要生产系统"},
        {"id": "UT", "name_zh": "公用动力站（锅炉、空压、冷站）", "name_en": "Utility plant (boilers, air, chillers)",
         "kind": "辅助生产系统"},
        {"id": "WW", "name_zh": "污水处理站", "name_en": "Wastewater treatment", "kind": "辅助生产系统"},
        {"id": "LG", "name_zh": "物流仓储", "name_en": "Logistics and warehouse", "kind": "辅助生产系统"},
        {"id": "EG", "name_zh": "应急发电", "name_en": "Emergency generators", "kind": "辅助生产系统"},
        {"id": "CT", "name_zh": "职工食堂", "name_en": "Canteen", "kind": "附属生产系统"},
        {"id": "PV", "name_zh": "屋顶光伏", "name_en": "Rooftop PV", "kind": "辅助生产系统"},
    ]
    products = [
        {"id": "EVP", "name_zh": "动力电池包（60 kWh）", "name_en": "EV battery pack (60 kWh)", "unit": "pack",
         "facilities": ["L1"], "shared_allocation": "0.7"},
        {"id": "ESP", "name_zh": "储能电池包（280 kWh）", "name_en": "ESS battery pack (280 kWh)", "unit": "pack",
         "facilities": ["L2"], "shared_allocation": "0.3"},
    ]
    activity: list[dict[str, Any]] = []

    def add(line_id: str, facility: str, category: str, amount: str, unit: str, period: str, **extra: Any) -> None:
        activity.append({"id": line_id, "facility": facility, "category": category, "amount": amount,
                         "unit": unit, "period": period, **extra})

    months = [f"{YEAR}-{m:02d}" for m in range(1, 13)]
    gas = _monthly(86.5, HEATING, rng, 0.04, "0.001")
    grid_l1 = _monthly(21_600, OUTPUT, rng, 0.02, "0.1")
    grid_l2 = _monthly(7_900, OUTPUT, rng, 0.02, "0.1")
    grid_ut = _monthly(6_300, HEATING, rng, 0.03, "0.1")
    forklift = _monthly(61.0, OUTPUT, rng, 0.03, "0.001")
    lpg = _monthly(18.2, (1,) * 12, rng, 0.05, "0.001")
    steam = _monthly(6_150, HEATING, rng, 0.03, "0.1")
    soda = _monthly(40.8, OUTPUT, rng, 0.05, "0.001")
    pv_gen = _monthly(4_120, PV, rng, 0.05, "0.1")
    pv_exp = _monthly(610, PV, rng, 0.08, "0.1")
    out_evp = _monthly(48_000, OUTPUT, rng, 0.02, "1")
    out_esp = _monthly(3_600, OUTPUT, rng, 0.04, "1")
    for i, month in enumerate(months):
        m = i + 1
        add(f"NG-{m:02d}", "UT", "fuel_combustion", gas[i], "万Nm3", month, item="天然气",
            source="燃气公司结算单", data_quality="invoice")
        add(f"DSL-FL-{m:02d}", "LG", "fuel_combustion", forklift[i], "t", month, item="柴油",
            combustion="mobile_offroad", source="加油卡台账", data_quality="statistical")
        add(f"LPG-{m:02d}", "CT", "fuel_combustion", lpg[i], "t", month, item="液化石油气",
            source="采购发票", data_quality="invoice")
        for fac, series in (("L1", grid_l1), ("L2", grid_l2), ("UT", grid_ut)):
            add(f"EL-{fac}-{m:02d}", fac, "electricity_purchased", series[i], "MWh", month,
                source="国网江苏电费结算单（分表计量）", data_quality="metered")
        add(f"STM-{m:02d}", "UT", "heat_purchased", steam[i], "t", month,
            source="园区热力公司蒸汽结算单", data_quality="metered",
            steam={"pressure_mpa": "0.8", "gauge": True})
        add(f"NA2CO3-{m:02d}", "WW", "process_carbonate", soda[i], "t", month, item="Na2CO3", purity="0.98",
            source="药剂领用台账", data_quality="statistical", note="酸性废水中和，碳酸钠全部分解")
        add(f"PV-GEN-{m:02d}", "PV", "onsite_renewable", pv_gen[i], "MWh", month, item=None,
            source="光伏逆变器计量", data_quality="metered", certificates_kept=True)
        add(f"PV-EXP-{m:02d}", "PV", "electricity_exported", pv_exp[i], "MWh", month,
            source="上网电量结算单", data_quality="metered", certificates_kept=True)
    add("DSL-EG-2023", "EG", "fuel_combustion", "3.42", "t", str(YEAR), item="柴油",
        source="应急发电机加油记录", data_quality="statistical")
    add("HFC-2023", "UT", "fugitive", "0.085", "t", str(YEAR), item="HFC-134a",
        source="冷水机组制冷剂补充记录", data_quality="estimated")
    add("GP-2023", "L1", "electricity_purchased", "6000", "MWh", str(YEAR), electricity_kind="green_power",
        evidence="江苏电力交易中心 2023 年度绿电交易结算单 JS-GP-2023-0117（合成示例）",
        source="绿电交易结算单", data_quality="invoice", inside_settlement_meter=False)
    # Base year 2022, annual figures
    base: list[tuple[str, str, str, str, str, dict[str, Any]]] = [
        ("NG-2022", "UT", "fuel_combustion", "93.2", "万Nm3", {"item": "天然气"}),
        ("DSL-FL-2022", "LG", "fuel_combustion", "66.4", "t", {"item": "柴油", "combustion": "mobile_offroad"}),
        ("DSL-EG-2022", "EG", "fuel_combustion", "3.10", "t", {"item": "柴油"}),
        ("LPG-2022", "CT", "fuel_combustion", "19.1", "t", {"item": "液化石油气"}),
        ("EL-L1-2022", "L1", "electricity_purchased", "24850", "MWh", {}),
        ("EL-L2-2022", "L2", "electricity_purchased", "6420", "MWh", {}),
        ("EL-UT-2022", "UT", "electricity_purchased", "6980", "MWh", {}),
        ("STM-2022", "UT", "heat_purchased", "6620", "t", {"steam": {"pressure_mpa": "0.8", "gauge": True}}),
        ("NA2CO3-2022", "WW", "process_carbonate", "42.3", "t", {"item": "Na2CO3", "purity": "0.98"}),
        ("HFC-2022", "UT", "fugitive", "0.11", "t", {"item": "HFC-134a"}),
        ("PV-GEN-2022", "PV", "onsite_renewable", "1980", "MWh", {"certificates_kept": True}),
    ]
    for line_id, fac, cat, amount, unit, extra in base:
        add(line_id, fac, cat, amount, unit, str(BASE_YEAR), source="2022 年度能源统计报表",
            data_quality="statistical", **extra)
    for line in activity:  # drop keys whose value is None so the file stays tidy
        for key in [k for k, v in line.items() if v is None]:
            del line[key]
    certificates = [
        {"serial": "GEC-GP-2023-0117", "mwh": "6000", "generation_period": "2023-06", "retired": True,
         "retired_for": "2023", "bundled_with": "GP-2023", "technology": "陆上风电",
         "evidence": "随绿电交易划转（合成示例）"},
        {"serial": "GEC-2023-PV-03", "mwh": "5000", "generation_period": "2023-03", "retired": True,
         "retired_for": "2023", "technology": "集中式光伏", "evidence": "绿证核销证明 2023-03（合成示例）",
         "retirement_proof": "GEC-RET-2023-0312（合成示例）"},
        {"serial": "GEC-2023-WD-09", "mwh": "3000", "generation_period": "2023-09", "retired": True,
         "retired_for": "2023", "technology": "海上风电", "evidence": "绿证核销证明 2023-09（合成示例）",
         "retirement_proof": "GEC-RET-2023-0927（合成示例）"},
        {"serial": "GEC-2022-PV-11", "mwh": "1000", "generation_period": "2022-11", "retired": True,
         "retired_for": "2023", "technology": "分布式光伏",
         "evidence": "2022 年生产的绿证，不能计入 2023 年（演示排除规则）"},
    ]
    production = [{"product": "EVP", "period": months[i], "amount": out_evp[i], "unit": "pack"} for i in range(12)]
    production += [{"product": "ESP", "period": months[i], "amount": out_esp[i], "unit": "pack"} for i in range(12)]
    production += [{"product": "EVP", "period": "2022", "amount": "41200", "unit": "pack"},
                   {"product": "ESP", "period": "2022", "amount": "2450", "unit": "pack"}]
    return {
        "schema_version": 1,
        "factory": {
            "id": "JS-LIB-PACK-01",
            "name_zh": "江苏示例锂电池包制造有限公司（合成示例）",
            "name_en": "Jiangsu Sample Battery Pack Co., Ltd. (synthetic)",
            "credit_code": "91320400MA00000000",
            "province": "江苏",
            "industry": "锂离子电池制造（C3841）",
            "address": "江苏省常州市（合成示例）",
            "boundary_zh": "厂区围墙内全部生产系统：主要生产系统（两条电池包产线）、辅助生产系统（公用动力站、污水站、"
                           "物流仓储、应急发电、屋顶光伏）和附属生产系统（职工食堂）。",
            "boundary_en": "Everything inside the site fence: the two pack lines (main production), utilities, "
                           "wastewater, logistics, emergency generators and rooftop PV (auxiliary), and the canteen "
                           "(ancillary).",
            "base_year": BASE_YEAR,
            "synthetic": True,
            "facilities": facilities,
            "products": products,
            # fictitious contact data (the sample is synthetic): reserved example domain, no real number
            "legal_representative": "王示例（合成示例）",
            "contact_person": "李示例（合成示例）",
            "contact_phone": "0519-0000 0000",
            "contact_email": "energy@example.com",
            "preparer": "江苏示例锂电池包制造有限公司能源管理部（合成示例）",
            "report_date": f"{YEAR + 1}-03-31",
        },
        "settings": {"gwp_set": "AR6", "gbt32150_grid_scope": "national", "gbt32150_green_power_zero": True,
                     "market_residual_factor":
                     "excl_market_nonfossil", "certificate_matching": "year"},
        "activity": activity,
        "certificates": certificates,
        "production": production,
    }


def render() -> str:
    header = ("# zerocarbon sample factory — SYNTHETIC data for demonstration (合成示例数据，非真实企业)\n"
              "# Generated by zerocarbon.demo.generator (seed 2023); do not edit by hand, regenerate instead.\n")
    return header + yaml.safe_dump(build(), allow_unicode=True, sort_keys=False, width=120)


def write(path: Path = SAMPLE_FILE) -> Path:
    path.write_text(render(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write())
