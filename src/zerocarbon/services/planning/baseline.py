"""The factory's baseline for planning, from its inventory (and metered hours when the store has them).

* Hourly electricity demand [kW]: the metered year's hourly roll-ups of the meters whose category is
  ``electricity_purchased`` plus ``onsite_renewable`` minus ``electricity_exported`` when given
  (``basis = "metered"``); otherwise each month's declared consumption (grid + green power + on-site
  generation − export, from the inventory's lines) spread evenly over the hours of that month
  (``basis = "declared_monthly_flat"``, flagged: no hourly shape is known), annual lines over the year.
* Existing PV [kWp] = declared on-site generation / simulated specific yield of the weather year
  (flagged as an estimate).
* Emission factors from the inventory's own figures in the chosen view (grid: the factor row the
  electricity lines used; gas and forklift diesel: the lines' tCO2 per GJ and per t), so the
  baseline is the inventory's; emissions not modelled are held constant (``other_t``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from zerocarbon.accounting.results import Inventory, LineResult
from zerocarbon.errors import InputError
from zerocarbon.model.inventory_input import Category
from zerocarbon.renewables.lp import FloatArray
from zerocarbon.renewables.roadmap import Baseline
from zerocarbon.renewables.tariff_provinces import tou_table
from zerocarbon.renewables.tariffs import TouTariff
from zerocarbon.services.planning.assumptions import Assumptions
from zerocarbon.units import conversion_factor


@dataclass
class BaselineInfo:
    """The baseline and how each part of it was made (for the report)."""

    baseline: Baseline
    total_t: float
    basis: str
    notes: list[dict[str, str]] = field(default_factory=list)
    parts: dict[str, Any] = field(default_factory=dict)


def _kwh(line: LineResult) -> float:
    return float(line.line.amount * conversion_factor(line.line.unit, "kWh"))


def _month_hours(index: pd.DatetimeIndex, period: str) -> np.ndarray:
    """Mask of the steps of a period ``YYYY-MM`` or ``YYYY``."""
    if len(period) == 7:
        return np.asarray((index.year == int(period[:4])) & (index.month == int(period[5:7])))
    return np.asarray(index.year == int(period[:4]))


def _spread(index: pd.DatetimeIndex, amounts: list[tuple[str, float]]) -> FloatArray:
    """Energies per period spread evenly over the hours of each period [kW]."""
    out = np.zeros(len(index))
    for period, kwh in amounts:
        mask = _month_hours(index, period)
        if mask.any():
            out[mask] += kwh / mask.sum()
    return out


def tariff_of(a: Assumptions) -> TouTariff:
    """The tariff of the assumptions: ``schedule`` (24 period names, or one name for all hours) and ``prices``;
    or ``table`` (a shipped table of :mod:`zerocarbon.renewables.tariff_tables`) with ``user_class``,
    ``purchase_price`` and ``non_floating`` ({value, source} [CNY/kWh]), optionally ``declared_dates``."""
    t = a.tariff
    if "table" in t:
        pp, nf = t["purchase_price"], t["non_floating"]
        try:
            return tou_table(str(t["table"])).tariff(
                str(t["user_class"]), pp.value, nf.value, f"purchase price: {pp.source}; non-floating: {nf.source}",
                export_price=float(t.get("export_price", 0.0)),
                declared_dates=[str(d) for d in t.get("declared_dates") or ()])
        except InputError as exc:
            raise exc.with_location(file=str(a.path)) from None
    sched = t.get("schedule", "平")
    schedule = tuple([str(sched)] * 24) if isinstance(sched, str) else tuple(str(s) for s in sched)
    try:
        return TouTariff(schedule, {str(k): float(v) for k, v in t["prices"].items()}, str(t["source"]),
                         export_price=float(t.get("export_price", 0.0)))
    except InputError as exc:
        raise exc.with_location(file=str(a.path)) from None


def grid_factor(inv: Inventory, view: str) -> tuple[float, str, bool, bool]:
    """Grid factor [tCO2/MWh] and source of the view; whether green power and certificates are credited."""
    grid = [r for r in inv.lines if r.category is Category.ELECTRICITY_PURCHASED
            and r.line.electricity_kind not in ("green_power", "direct_line") and view in r.figures]
    green = [r for r in inv.lines if r.category is Category.ELECTRICITY_PURCHASED
             and r.line.electricity_kind in ("green_power", "direct_line") and view in r.figures]
    if not grid:
        raise InputError(f"口径 {view} 下没有电网购电行", f"no grid electricity line in view {view}", field="view")
    fig = grid[0].figures[view]
    ef = next((f for f in fig.factors if f.unit == "tCO2/MWh"), None)
    if ef is None:
        raise InputError(f"口径 {view} 的电力因子不可用", f"no electricity factor in view {view}", field="view")
    credits_green = bool(green) and all(r.emissions(view) == 0 for r in green)
    credits_certs = bool(inv.certificates_applied) and not any(
        "GEC_MWh_not_counted" in r.figures[view].intermediates for r in grid)
    trace = ef.to_trace()
    return float(ef.value), f"{trace.get('source', '')} ({trace.get('factor_id', '')})", credits_green, credits_certs


def _fuel(inv: Inventory, view: str, item: str, mobile: bool | None) -> tuple[list[tuple[str, float]], float, float]:
    """(period, GJ) of a fuel's lines, total GJ and tCO2 in the view; ``mobile`` filters forklifts."""
    rows, gj, t = [], 0.0, 0.0
    for r in inv.lines:
        if r.category is not Category.FUEL_COMBUSTION or view not in r.figures:
            continue
        fig = r.figures[view]
        if not any(f.item == item for f in fig.factors):
            continue
        if mobile is not None and (r.line.combustion == "mobile_offroad") != mobile:
            continue
        g = float(Decimal(fig.intermediates.get("AD_GJ", "0")))
        rows.append((r.line.period, g))
        gj += g
        t += float(r.emissions(view))
    return rows, gj, t


def build_baseline(inv: Inventory, year: int, a: Assumptions, index: pd.DatetimeIndex, pv_profile: FloatArray,
                   temp_air_c: FloatArray | None, hourly_kw: FloatArray | None = None) -> BaselineInfo:
    """The :class:`~zerocarbon.renewables.roadmap.Baseline` of a computed inventory (module docstring)."""
    view = a.view
    # the inventory's own total: biomass CO2 is a memo item, in no total (accounting.inventory)
    total = float(sum((r.emissions(view) for r in inv.lines if not r.biomass), Decimal(0)))
    ef, ef_source, credits_green, credits_certs = grid_factor(inv, view)
    consumption: list[tuple[str, float]] = []
    grid_kwh = green_kwh = pv_kwh = export_kwh = 0.0
    for r in inv.lines:
        kind = r.category
        if kind is Category.ELECTRICITY_PURCHASED:
            k = _kwh(r)
            if r.line.electricity_kind in ("green_power", "direct_line"):
                green_kwh += k
            else:
                grid_kwh += k
            consumption.append((r.line.period, k))
        elif kind is Category.ONSITE_RENEWABLE:
            pv_kwh += _kwh(r)
            consumption.append((r.line.period, _kwh(r)))
        elif kind is Category.ELECTRICITY_EXPORTED:
            export_kwh += _kwh(r)
            consumption.append((r.line.period, -_kwh(r)))
    notes: list[dict[str, str]] = []
    if hourly_kw is not None:
        load, basis = np.asarray(hourly_kw, float), "metered"
    else:
        load, basis = np.maximum(_spread(index, consumption), 0.0), "declared_monthly_flat"
        notes.append({"zh": "没有逐时计量数据：各月申报用电量在该月内按小时均摊",
                      "en": "no hourly meter data: each month's declared consumption is spread evenly over its hours"})
    gas_rows, gas_gj, gas_t = _fuel(inv, view, "natural_gas", None)
    _, _, diesel_t_co2 = _fuel(inv, view, "diesel", True)
    diesel_t = sum(float(r.line.amount) for r in inv.lines if r.category is Category.FUEL_COMBUSTION
                   and r.line.combustion == "mobile_offroad" and r.line.unit == "t" and view in r.figures
                   and any(f.item == "diesel" for f in r.figures[view].factors))
    heat = _spread(index, gas_rows)
    heat_shape = heat / heat.sum() if heat.sum() > 0 else np.full(len(index), 1.0 / len(index))
    yield_kwh = float(pv_profile.sum())
    pv_kwp = pv_kwh / yield_kwh if yield_kwh > 0 else 0.0
    if pv_kwh:
        notes.append({"zh": f"现有光伏容量估算为 {pv_kwp:,.0f} kWp = 申报发电量 {pv_kwh / 1000:,.1f} MWh ÷ "
                            f"气象年模拟单位容量发电量 {yield_kwh:,.0f} kWh/kWp",
                      "en": f"existing PV estimated at {pv_kwp:,.0f} kWp = {pv_kwh / 1000:,.1f} MWh declared / "
                            f"{yield_kwh:,.0f} kWh/kWp simulated on the weather year"})
    certs_mwh = float(sum((Decimal(c["mwh"]) for c in inv.certificates_applied), Decimal(0)))
    instruments = (green_kwh / 1000.0 if credits_green else 0.0) + (certs_mwh if credits_certs else 0.0)
    b = Baseline(
        index=index, load_kw=load, pv_profile=pv_profile, pv_kwp=pv_kwp, temp_air_c=temp_air_c,
        heat_shape=heat_shape, gas_gj=gas_gj, boiler_efficiency=a.boiler_efficiency.value, diesel_t=diesel_t,
        ef_grid=ef, ef_gas=gas_t / gas_gj if gas_gj else 0.0, ef_diesel=diesel_t_co2 / diesel_t if diesel_t else 0.0,
        other_t=0.0, instruments_mwh=instruments, credits_instruments=credits_green,
        credits_certificates=credits_certs,
        tariff=tariff_of(a), gas_price=a.gas_price_per_gj.value, diesel_price=a.diesel_price_per_t.value,
        ef_grid_source=ef_source, export_limit_kw=a.export_limit_kw)
    from zerocarbon.renewables.roadmap import State, evaluate

    modelled = evaluate(b, State.of(b)).emissions_t
    b = Baseline(**{**b.__dict__, "other_t": total - modelled})
    parts = {"view": view, "total_t": total, "grid_kwh": grid_kwh, "green_kwh": green_kwh, "pv_kwh": pv_kwh,
             "export_kwh": export_kwh, "consumption_kwh": float(load.sum()), "pv_kwp_estimated": pv_kwp,
             "gas_gj": gas_gj, "gas_t": gas_t, "diesel_t": diesel_t, "diesel_tco2": diesel_t_co2,
             "ef_grid_t_per_mwh": ef, "ef_grid_source": ef_source, "credits_green_power": credits_green,
             "credits_certificates": credits_certs, "certificates_mwh": certs_mwh,
             "other_t": total - modelled, "year": year}
    if not credits_certs and certs_mwh:
        notes.append({"zh": f"口径 {view} 不计入绿证", "en": f"certificates are not credited in view {view}"})
    return BaselineInfo(b, total, basis, notes, parts)


def modelled_lines(inv: Inventory, view: str) -> dict[str, list[str]]:
    """Ids of the inventory's lines behind each modelled part of the baseline (the same selection as
    :func:`build_baseline`): ``grid``, ``green`` (green power and direct lines), ``onsite``, ``export``,
    ``gas`` (natural gas burnt), ``diesel`` (forklift diesel in t)."""
    out: dict[str, list[str]] = {k: [] for k in ("grid", "green", "onsite", "export", "gas", "diesel")}
    for r in inv.lines:
        c, line = r.category, r.line
        if c is Category.ELECTRICITY_PURCHASED:
            out["green" if line.electricity_kind in ("green_power", "direct_line") else "grid"].append(line.id)
        elif c is Category.ONSITE_RENEWABLE:
            out["onsite"].append(line.id)
        elif c is Category.ELECTRICITY_EXPORTED:
            out["export"].append(line.id)
        elif c is Category.FUEL_COMBUSTION and view in r.figures:
            items = {f.item for f in r.figures[view].factors}
            if "natural_gas" in items:
                out["gas"].append(line.id)
            elif "diesel" in items and line.combustion == "mobile_offroad" and line.unit == "t":
                out["diesel"].append(line.id)
    return out
