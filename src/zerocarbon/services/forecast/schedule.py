"""Use case: the battery's day-ahead charge/discharge schedule from the load and PV forecasts.

    store → load meters' hourly series → each meter's default model (runs.choose_model) → day-ahead load [kW]
    forecast-weather file → pvlib PV forecast (services/forecast/pv.py) → day-ahead PV [kW]
    → renewables.dispatch (HiGHS least-cost dispatch, called as it is) with and without the battery
    → hourly schedule + expected cost, grid import and emissions against no battery

Method choices (written into every result's ``method``):

* deterministic: the programme sees the central forecasts (no band, no scenarios);
* the battery starts at ``soc_initial`` of its energy and ends no lower (the dispatch's rule for a set
  initial state), so a day does not borrow energy from the next;
* the tariff's monthly demand charge is left out of a one-day programme (a month's charge on one day's
  peak would over-weight it) and reported as left out;
* carbon price 0 unless given; grid emissions use the load meter's location-based factor of the data year
  from the factor library (the one the forecasts' emissions use).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from zerocarbon.errors import InputError
from zerocarbon.forecast.models import forecast
from zerocarbon.forecast.series import HOUR, FloatArray, HourlySeries
from zerocarbon.renewables.dispatch import DispatchResult, dispatch
from zerocarbon.renewables.storage import Battery
from zerocarbon.renewables.system import EnergySystem, Grid
from zerocarbon.renewables.tariffs import TouTariff
from zerocarbon.services.forecast.data import load_year, meter_series, valuations
from zerocarbon.services.forecast.pv import PVOptions, _local_midnight, pv_hours, pv_meter_history
from zerocarbon.services.forecast.runs import choose_model

METHOD = ("day-ahead schedule: central load forecast (each meter's default model by backtest) + pvlib PV forecast "
          "→ zerocarbon.renewables.dispatch (HiGHS LP) with and without the battery; deterministic; battery ends "
          "the day no lower than it starts; monthly demand charge not in the one-day objective")


@dataclass(frozen=True)
class BatteryOptions:
    """The battery: energy [kWh], power [kW], round-trip efficiency [-] with its source, initial state [-]."""

    energy_kwh: float
    power_kw: float
    round_trip: float
    source: str
    soc_initial: float = 0.5
    degradation_cost: float = 0.0

    def battery(self) -> Battery:
        if not self.source.strip():
            raise InputError("储能参数须注明来源", "the battery parameters need a source", field="battery_source",
                             expected="datasheet, contract or quotation")
        return Battery.from_round_trip(self.energy_kwh, self.power_kw, self.round_trip, soc_initial=self.soc_initial,
                                       degradation_cost=self.degradation_cost)


def load_tariff(path: str | Path) -> TouTariff:
    """A tariff from YAML/JSON: the table itself, or a planning file's ``tariff:`` (``schedule``: 24 period
    names or one for all hours, ``prices`` [CNY/kWh], ``source``, optional ``month_schedules``,
    ``export_price``, ``demand_charge``)."""
    p = Path(path)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"无法读取电价文件：{exc}", f"cannot read the tariff file: {exc}", file=str(p)) from exc
    t = doc.get("tariff", doc) if isinstance(doc, dict) else None
    if not isinstance(t, dict) or "prices" not in t or not isinstance(t["prices"], dict):
        raise InputError("电价文件须有 prices 与 source", "the tariff file needs prices and a source", file=str(p),
                         field="tariff.prices", expected="prices: {period: CNY/kWh}, source: …")
    sched = t.get("schedule", "平")
    schedule = tuple([str(sched)] * 24) if isinstance(sched, str) else tuple(str(s) for s in sched)
    months = {int(m): tuple(str(s) for s in v) for m, v in (t.get("month_schedules") or {}).items()}
    try:
        return TouTariff(schedule, {str(k): float(v) for k, v in t["prices"].items()}, str(t.get("source") or ""),
                         months, float(t.get("demand_charge", 0.0)), float(t.get("export_price", 0.0)))
    except (InputError, ValueError, TypeError) as exc:
        if isinstance(exc, InputError):
            raise exc.with_location(file=str(p)) from None
        raise InputError(f"电价文件数值无效：{exc}", f"invalid number in the tariff file: {exc}", file=str(p),
                         field="tariff") from exc


def _without_demand_charge(t: TouTariff) -> TouTariff:
    return replace(t, demand_charge=0.0)


def load_forecast(factory_id: str, year: int, url: str | None, meters: list[str], day: str | None,
                  holidays: bool = True, horizon: int = 24) -> tuple[int, FloatArray, list[dict[str, Any]], str, float,
                                                                    str]:
    """The summed day-ahead forecast of ``meters`` [kWh per hour = kW] from the local midnight of ``day``
    (default: the hour after the meters' last common reading), each meter by its default model.

    Returns origin [s, UTC], the hourly sum, per-meter notes, the local zone, and the grid factor
    [kgCO2/kWh] with its source.
    """
    if not meters:
        raise InputError("须指定负荷表计", "name the load meters", field="load_meter", expected="e.g. EL-L1")
    my = load_year(factory_id, year, url)
    series = meter_series(my, meters, holidays)
    if len(series) != len(meters):
        have = {s.name for s in series}
        raise InputError(f"表计 {sorted(set(meters) - have)} 没有数据", f"meters {sorted(set(meters) - have)} have no "
                         "data", field="load_meter")
    for s in series:
        if s.unit != "kWh":
            raise InputError(f"负荷表计 {s.name} 的单位为 {s.unit}", f"load meter {s.name} is in {s.unit}",
                             field="load_meter", expected="electricity meters in kWh")
    tz = series[0].tz
    last = min(int(s.ts[np.isfinite(s.values)][-1]) + HOUR for s in series)
    origin = _local_midnight(day, tz) if day is not None else last
    if origin > last:
        raise InputError(f"表计数据只到 {pd.Timestamp(last, unit='s', tz=tz)}，不能从 {day} 起预测",
                         f"the meters' data end at {pd.Timestamp(last, unit='s', tz=tz)}: no forecast from {day}",
                         field="day")
    total = np.zeros(horizon)
    notes = []
    for s in series:
        history: HourlySeries = s.before(origin)
        model, _ = choose_model(history, "auto", horizon)
        fc = forecast(history, horizon, model, bands=False)
        total += fc.mean
        notes.append({"meter": s.name, "model": model, "total_kwh": round(float(fc.mean.sum()), 3)})
    v = valuations(my).get(meters[0])
    if v is None or v.factor is None:
        raise InputError(f"表计 {meters[0]} 没有排放因子", f"meter {meters[0]} has no emission factor",
                         field="load_meter")
    return origin, total, notes, tz, v.factor * 1000.0, v.factor_source


def _dispatch(index: pd.DatetimeIndex, load: FloatArray, pv_kw: FloatArray, grid: Grid,
              battery: Battery | None, carbon_price: float) -> DispatchResult:
    peak = float(pv_kw.max()) if len(pv_kw) else 0.0
    profile = pv_kw / peak if peak > 0 else np.zeros(len(pv_kw))
    return dispatch(EnergySystem(index, load, grid, pv_profile=profile, pv_kwp=peak, battery=battery,
                                 carbon_price=carbon_price))


def day_ahead_schedule(factory_id: str, year: int, url: str | None = None, *, load_meters: list[str],
                       tariff: TouTariff, battery: BatteryOptions, pv: PVOptions | None = None,
                       pv_meter: str | None = None, day: str | None = None, holidays: bool = True,
                       carbon_price: float = 0.0) -> dict[str, Any]:
    """The battery's day-ahead schedule and its expected cost, grid import and emissions against no battery."""
    origin, load, notes, tz, ef, ef_source = load_forecast(factory_id, year, url, load_meters, day, holidays)
    ts = origin + HOUR * np.arange(24, dtype=np.int64)
    index = pd.DatetimeIndex(pd.to_datetime(ts, unit="s", utc=True)).tz_convert(tz)
    pv_info: dict[str, Any] | None = None
    pv_kw = np.zeros(24)
    if pv is not None:
        history = None if pv_meter is None else pv_meter_history(factory_id, year, url, pv_meter).before(origin)
        pv_info, pv_kw = pv_hours(pv, ts, history)
        pv_info.pop("hours", None)  # the hourly values are in the schedule's table
    grid = Grid(_without_demand_charge(tariff), ef, ef_source)
    with_b = _dispatch(index, load, pv_kw, grid, battery.battery(), carbon_price)
    without = _dispatch(index, load, pv_kw, grid, None, carbon_price)
    prices = tariff.energy_prices(index)
    periods = tariff.periods(index)
    hours = []
    for i, t in enumerate(index):
        hours.append({
            "time": t.isoformat(), "period": str(periods[i]), "price": float(prices[i]),
            "load_kw": _r(load[i]), "pv_kw": _r(pv_kw[i]),
            "charge_kw": _r(with_b.hourly["charge"][i]), "discharge_kw": _r(with_b.hourly["discharge"][i]),
            "soc_kwh": _r(with_b.hourly["soc"][i]), "import_kw": _r(with_b.hourly["import"][i]),
            "export_kw": _r(with_b.hourly["export"][i]), "import_no_battery_kw": _r(without.hourly["import"][i]),
            "export_no_battery_kw": _r(without.hourly["export"][i])})
    summary = {
        "cost_cny": _r(with_b.costs["total"]), "cost_no_battery_cny": _r(without.costs["total"]),
        "savings_cny": _r(without.costs["total"] - with_b.costs["total"]),
        "import_kwh": _r(with_b.balance["import"]), "import_no_battery_kwh": _r(without.balance["import"]),
        "export_kwh": _r(with_b.balance["export"]), "export_no_battery_kwh": _r(without.balance["export"]),
        "emissions_t": round(with_b.emissions_t, 6), "emissions_no_battery_t": round(without.emissions_t, 6),
        "charge_kwh": _r(with_b.balance["charge"]), "discharge_kwh": _r(with_b.balance["discharge"]),
        "load_kwh": _r(float(load.sum())), "pv_kwh": _r(float(pv_kw.sum())),
        "costs": {k: _r(v) for k, v in with_b.costs.items()},
        "costs_no_battery": {k: _r(v) for k, v in without.costs.items()}}
    return {"factory_id": factory_id, "origin": origin, "day": index[0].date().isoformat(), "tz": tz,
            "load_meters": notes, "pv": pv_info, "pv_meter": pv_meter,
            "battery": {**battery.__dict__}, "tariff_source": tariff.source,
            "demand_charge_left_out": tariff.demand_charge, "carbon_price": carbon_price,
            "grid_factor_kg_per_kwh": round(ef, 6), "grid_factor_source": ef_source,
            "summary": summary, "hours": hours, "method": METHOD + "; " + with_b.method}


def _r(x: float) -> float:
    return round(float(x), 3) + 0.0  # + 0.0: no "-0.0" in the tables


LABELS = {"time": ("时间", "time"), "period": ("时段", "period"), "price": ("电价 [元/kWh]", "price [CNY/kWh]"),
          "load_kw": ("负荷预测 [kW]", "load forecast [kW]"), "pv_kw": ("光伏预测 [kW]", "PV forecast [kW]"),
          "charge_kw": ("充电 [kW]", "charge [kW]"), "discharge_kw": ("放电 [kW]", "discharge [kW]"),
          "soc_kwh": ("储能电量 [kWh]", "stored energy [kWh]"), "import_kw": ("购电 [kW]", "grid import [kW]"),
          "export_kw": ("上网 [kW]", "export [kW]"),
          "import_no_battery_kw": ("无储能购电 [kW]", "grid import, no battery [kW]"),
          "export_no_battery_kw": ("无储能上网 [kW]", "export, no battery [kW]")}


def write_schedule(result: dict[str, Any], path: str | Path, lang: str = "zh") -> Path:
    """Write the schedule as XLSX (sheets schedule and summary), CSV (the hourly table) or JSON (everything)."""
    p = Path(path)
    i = 0 if lang == "zh" else 1
    table = pd.DataFrame(result["hours"]).rename(columns={k: v[i] for k, v in LABELS.items()})
    suffix = p.suffix.lower()
    p.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".json":
        p.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    elif suffix == ".csv":
        table.to_csv(p, index=False, encoding="utf-8-sig")
    elif suffix == ".xlsx":
        flat = {k: v for k, v in result["summary"].items() if not isinstance(v, dict)}
        flat.update({"day": result["day"], "tariff_source": result["tariff_source"],
                     "grid_factor_source": result["grid_factor_source"], "method": result["method"]})
        with pd.ExcelWriter(p, engine="openpyxl") as xl:
            table.to_excel(xl, sheet_name="schedule", index=False)
            pd.DataFrame({"key": list(flat), "value": [str(v) for v in flat.values()]}).to_excel(
                xl, sheet_name="summary", index=False)
    else:
        raise InputError(f"不支持的输出类型 {suffix}", f"unsupported output type '{suffix}'", file=str(p),
                         expected=".xlsx, .csv or .json")
    return p
