"""Meters of the sample factory and one year of 15-minute synthetic readings (seeded).

SYNTHETIC data, like the rest of the sample. The readings are shaped (shifts, weekends, season,
sun) and then scaled so that each meter's consumption in each month equals the sample's declared
monthly activity data (``sample_factory.yaml``) exactly, in the meter's smallest unit: the
inventory computed from meters must equal the one computed from the declared data, and the main
job checks that it does.

The file is written the way a Chinese metering system exports it: a wide CSV, one column per
meter, Chinese time header, local time (Asia/Shanghai), each row stamped with the END of its
15-minute interval. Cumulative counters read at that instant. To exercise the paths users need:
the gas counter rolls over at 1,000,000 Nm3 once in the year, the steam meter is replaced in July
(a meter event), and the gas meter misses two hours of readings in March (a gap).
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from zerocarbon.demo.generator import SEED, YEAR, build
from zerocarbon.model.metering import FactorySetup

TZ = ZoneInfo("Asia/Shanghai")
STEP = timedelta(minutes=15)
GAS_ROLLOVER = 1_000_000.0
GAS_START = 412_345.0
STEAM_START = 18_250.0
STEAM_REPLACED_AT = datetime(YEAR, 7, 15, 10, 0, tzinfo=TZ)
GAS_GAP = (datetime(YEAR, 3, 10, 2, 0, tzinfo=TZ), datetime(YEAR, 3, 10, 4, 0, tzinfo=TZ))

#: meter code → (node, carrier, unit, register kind, declared line prefix, scale to the meter's unit,
#: decimals kept in the file)
METERS: dict[str, tuple[str, str, str, str, str, Decimal, int]] = {
    "EL-L1": ("L1", "electricity", "kWh", "interval", "EL-L1-", Decimal(1000), 3),
    "EL-L2": ("L2", "electricity", "kWh", "interval", "EL-L2-", Decimal(1000), 3),
    "EL-UT": ("UT", "electricity", "kWh", "interval", "EL-UT-", Decimal(1000), 3),
    "PV-GEN": ("PV", "pv", "kWh", "interval", "PV-GEN-", Decimal(1000), 3),
    "PV-EXP": ("PV", "electricity", "kWh", "interval", "PV-EXP-", Decimal(1000), 3),
    "NG-UT": ("UT", "natural_gas", "Nm3", "cumulative", "NG-", Decimal(10000), 3),
    "STM-UT": ("UT", "steam", "t", "cumulative", "STM-", Decimal(1), 4),
}
CATEGORY = {"EL-L1": "electricity_purchased", "EL-L2": "electricity_purchased", "EL-UT": "electricity_purchased",
            "PV-GEN": "onsite_renewable", "PV-EXP": "electricity_exported", "NG-UT": "fuel_combustion",
            "STM-UT": "heat_purchased"}

#: The meter register (能源计量器具一览表) of the sample's physical meters: model, serial number, accuracy
#: class, last and next verification, certificate. FICTITIOUS, like the rest of the sample (model codes
#: and certificate numbers name no real product or laboratory). The steam meter's dates are those of
#: the meter fitted at its replacement in July.
REGISTER: dict[str, dict[str, str]] = {
    "EL-L1": {"model": "ZC-DTSD-100", "serial_no": "SAMPLE-E-0001", "accuracy_class": "0.5S",
              "calibrated_on": f"{YEAR}-02-20", "calibration_due": f"{YEAR + 2}-02-19",
              "calibration_certificate": "SAMPLE-JD-E-0001"},
    "EL-L2": {"model": "ZC-DTSD-100", "serial_no": "SAMPLE-E-0002", "accuracy_class": "0.5S",
              "calibrated_on": f"{YEAR}-02-20", "calibration_due": f"{YEAR + 2}-02-19",
              "calibration_certificate": "SAMPLE-JD-E-0002"},
    "EL-UT": {"model": "ZC-DTSD-100", "serial_no": "SAMPLE-E-0003", "accuracy_class": "0.5S",
              "calibrated_on": f"{YEAR - 1}-09-12", "calibration_due": f"{YEAR + 1}-09-11",
              "calibration_certificate": "SAMPLE-JD-E-0003"},
    "PV-GEN": {"model": "ZC-DTSD-100", "serial_no": "SAMPLE-E-0004", "accuracy_class": "0.5S",
               "calibrated_on": f"{YEAR - 1}-06-01", "calibration_due": f"{YEAR + 1}-05-31",
               "calibration_certificate": "SAMPLE-JD-E-0004"},
    "PV-EXP": {"model": "ZC-DTZY-200", "serial_no": "SAMPLE-E-0005", "accuracy_class": "0.2S",
               "calibrated_on": f"{YEAR - 1}-06-01", "calibration_due": f"{YEAR + 1}-05-31",
               "calibration_certificate": "SAMPLE-JD-E-0005"},
    "NG-UT": {"model": "ZC-TBQM-150", "serial_no": "SAMPLE-G-0001", "accuracy_class": "1.0",
              "calibrated_on": f"{YEAR - 1}-11-15", "calibration_due": f"{YEAR + 1}-11-14",
              "calibration_certificate": "SAMPLE-JD-G-0001"},
    "STM-UT": {"model": "ZC-LUGB-80", "serial_no": "SAMPLE-S-0002", "accuracy_class": "1.5",
               "calibrated_on": f"{YEAR}-07-10", "calibration_due": f"{YEAR + 1}-07-09",
               "calibration_certificate": "SAMPLE-JD-S-0002"},
}


def meter_setup() -> FactorySetup:
    """The sample factory's hierarchy and meters (a site, its facilities, eight meters)."""
    doc = build()
    factory = doc["factory"]
    nodes: list[dict[str, Any]] = [{"code": "SITE", "kind": "site", "name_zh": "厂区", "name_en": "Site"}]
    for fac in factory["facilities"]:
        kind = "line" if fac["id"] in ("L1", "L2") else "facility"
        nodes.append({"code": fac["id"], "kind": kind, "name_zh": fac["name_zh"], "name_en": fac["name_en"],
                      "parent": "SITE", "cost_centre": fac["id"]})
    meters: list[dict[str, Any]] = []
    for code, (node, carrier, unit, kind, _, _, _) in METERS.items():
        meter: dict[str, Any] = {
            "code": code, "name": code, "node": node, "carrier": carrier, "unit": unit, "register_kind": kind,
            "category": CATEGORY[code], "cost_centre": node, "commissioned_at": f"{YEAR - 3}-06-01T00:00:00+08:00",
            **REGISTER[code],
        }
        if code.startswith("EL-"):
            meter["electricity_kind"] = "grid"
            meter["spike_limit"] = 2500.0  # kWh in 15 minutes: 10 MW, above any line's connection
        if code == "NG-UT":
            meter.update(item="天然气", rollover_at=GAS_ROLLOVER)
        if code == "STM-UT":
            meter["steam"] = {"pressure_mpa": "0.8", "gauge": True}
        meters.append(meter)
    meters.append({"code": "EL-GRID", "name": "全厂购入电网电量（虚拟表）", "node": "SITE", "carrier": "electricity",
                   "unit": "kWh", "register_kind": "interval", "virtual_formula": "EL-L1 + EL-L2 + EL-UT"})
    events = [{"meter": "STM-UT", "ts": STEAM_REPLACED_AT.isoformat(), "kind": "replacement",
               "old_final_value": steam_final_before_replacement(), "new_initial_value": 0.0,
               "note": "蒸汽流量计更换（合成示例）"}]
    products = [{"code": p["id"], "name_zh": p["name_zh"], "name_en": p["name_en"], "unit": p["unit"]}
                for p in factory["products"]]
    production = [{"product": r["product"], "period": r["period"], "amount": r["amount"]} for r in doc["production"]]
    return FactorySetup.model_validate({
        "factory": {"id": factory["id"], "name_zh": factory["name_zh"], "name_en": factory["name_en"],
                    "province": factory["province"]},
        "nodes": nodes, "meters": meters, "events": events, "products": products, "production": production})


def _interval_starts() -> list[datetime]:
    start, end = datetime(YEAR, 1, 1, tzinfo=TZ), datetime(YEAR + 1, 1, 1, tzinfo=TZ)
    out, t = [], start
    while t < end:
        out.append(t)
        t += STEP
    return out


def _shape(code: str, starts: list[datetime], rng: np.random.Generator) -> np.ndarray:
    hour = np.array([t.hour + t.minute / 60 for t in starts])
    weekday = np.array([t.weekday() < 5 for t in starts])
    if code.startswith("PV"):
        sun = np.clip(np.sin((hour - 6) / 12 * np.pi), 0, None) ** 1.5
        cloud = np.repeat(rng.uniform(0.35, 1.0, len(starts) // 96 + 1), 96)[: len(starts)]
        w = sun * cloud
        return w * np.where(weekday, 0.6, 1.4) if code == "PV-EXP" else w
    if code in ("EL-L1", "EL-L2"):
        shift = np.where((hour >= 8) & (hour < 24), 1.0, 0.35)
        return shift * np.where(weekday, 1.0, 0.55) * rng.uniform(0.9, 1.1, len(starts))
    if code == "EL-UT":
        return (0.8 + 0.2 * np.where((hour >= 8) & (hour < 24), 1, 0)) * rng.uniform(0.95, 1.05, len(starts))
    # gas and steam: boilers follow the shifts, with a base load
    return (0.5 + 0.5 * np.where((hour >= 6) & (hour < 22), 1, 0)) * rng.uniform(0.9, 1.1, len(starts))


def _allocate(total_units: int, weights: np.ndarray) -> np.ndarray:
    """Split an integer total over intervals in proportion to weights, exactly (largest remainder)."""
    w = np.asarray(weights, dtype=np.float64)
    w = w / w.sum() if w.sum() > 0 else np.full(len(w), 1 / len(w))
    raw = w * total_units
    base = np.floor(raw).astype(np.int64)
    rest = int(total_units - base.sum())
    if rest:
        base[np.argsort(raw - base)[::-1][:rest]] += 1
    return base


def interval_consumption() -> dict[str, np.ndarray]:
    """Consumption per 15-minute interval of each physical meter, in units of 10^-decimals of its unit."""
    doc = build()
    declared = {a["id"]: Decimal(str(a["amount"])) for a in doc["activity"]}
    starts = _interval_starts()
    months = np.array([t.month for t in starts])
    rng = np.random.default_rng(SEED + 1)
    out: dict[str, np.ndarray] = {}
    for code, (_, _, _, _, prefix, scale, decimals) in METERS.items():
        shape = _shape(code, starts, rng)
        series = np.zeros(len(starts), dtype=np.int64)
        for month in range(1, 13):
            total = declared[f"{prefix}{month:02d}"] * scale * Decimal(10) ** decimals
            if total != total.to_integral_value():
                raise ValueError(f"{code} {month}: declared amount is finer than the meter's resolution")
            sel = months == month
            series[sel] = _allocate(int(total), shape[sel])
        out[code] = series
    return out


def steam_final_before_replacement() -> float:
    """The old steam meter's last register value, read when it was taken out [t]."""
    starts = _interval_starts()
    used = interval_consumption()["STM-UT"]
    before = sum(int(u) for t, u in zip(starts, used, strict=True) if t < STEAM_REPLACED_AT)
    return float(round(STEAM_START + before / 10 ** METERS["STM-UT"][6], METERS["STM-UT"][6]))


def write_readings_csv(path: Path) -> Path:
    """Write the year of readings as the wide CSV a metering system exports (see module docstring)."""
    starts = _interval_starts()
    use = interval_consumption()
    decimals = {code: spec[6] for code, spec in METERS.items()}
    gas = GAS_START + np.concatenate([[0], np.cumsum(use["NG-UT"])]) / 10 ** decimals["NG-UT"]
    gas = np.mod(gas, GAS_ROLLOVER)
    steam_total = np.concatenate([[0], np.cumsum(use["STM-UT"])]) / 10 ** decimals["STM-UT"]
    instants = [*starts, starts[-1] + STEP]
    replaced = next(i for i, t in enumerate(instants) if t >= STEAM_REPLACED_AT)
    before = np.arange(len(instants)) < replaced
    steam = np.where(before, STEAM_START + steam_total, steam_total - steam_total[replaced])
    path.parent.mkdir(parents=True, exist_ok=True)
    codes = list(METERS)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["时间", *codes])
        for i, t in enumerate(instants):
            row: list[str] = [t.strftime("%Y-%m-%d %H:%M")]
            for code in codes:
                d = decimals[code]
                if code == "NG-UT":
                    row.append("" if GAS_GAP[0] < t < GAS_GAP[1] else f"{gas[i]:.{d}f}")
                elif code == "STM-UT":
                    row.append(f"{steam[i]:.{d}f}")
                elif i == 0:
                    row.append("")  # interval values: the first row (00:00) ends no interval of the year
                else:
                    row.append(f"{use[code][i - 1] / 10 ** d:.{d}f}")
            writer.writerow(row)
    return path
