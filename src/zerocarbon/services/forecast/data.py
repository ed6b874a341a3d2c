"""What the forecast use cases read from the store: hourly series of meters and cost centres, and the
meters' emission factors.

    store → metered year with hourly roll-ups (services.metering.year) → one HourlySeries per meter
    store → hourly carbon (services.metering.activity) → daily tCO2 per factory and cost centre

No SQL against the readings here: the roll-ups and the hourly carbon are the metering service's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from zerocarbon.errors import InputError
from zerocarbon.factors import default_library
from zerocarbon.forecast.alerts import Valuation
from zerocarbon.forecast.calendar import calendar_features
from zerocarbon.forecast.series import HourlySeries
from zerocarbon.services.metering.activity import hourly_carbon
from zerocarbon.services.metering.rollups import kept_year
from zerocarbon.services.metering.year import MeteredYear
from zerocarbon.timeseries import carbon as tc


def load_year(factory_id: str, year: int, url: str | None = None) -> MeteredYear:
    """The factory's metered year with hourly roll-ups (kept next to the store, brought up to date incrementally)."""
    return kept_year(factory_id, year, url, estimate=None, hourly=True)


def meter_series(my: MeteredYear, meters: list[str] | None = None, holidays: bool = True) -> list[HourlySeries]:
    """One hourly series per meter of the metered year (only ``meters`` when given, by code)."""
    rows = my.factory.meters.to_pylist()
    known = {str(r["code"]): r for r in rows}
    if meters:
        missing = [m for m in meters if m not in known]
        if missing:
            raise InputError(f"工厂 {my.factory.factory_id} 没有表计 {', '.join(missing)}",
                             f"factory {my.factory.factory_id} has no meter {', '.join(missing)}", field="meter",
                             expected=", ".join(sorted(known)))
    wanted = meters or sorted(known)
    hourly = my.hourly()
    ids = np.asarray(hourly["meter_id"].to_numpy(zero_copy_only=False))
    ts = np.asarray(hourly["ts"].to_numpy(zero_copy_only=False))
    values = np.asarray(hourly["value"].to_numpy(zero_copy_only=False), dtype=np.float64)
    out = []
    for code in wanted:
        r = known[code]
        sel = ids == int(r["meter_id"])
        if not sel.any():
            continue
        out.append(HourlySeries.from_hours(ts[sel], values[sel], unit=str(r["energy_unit"] or r["unit"]),
                                           name=code, carrier=str(r["carrier"] or ""), tz=my.factory.timezone,
                                           holidays=holidays))
    return out


def valuations(my: MeteredYear, tariffs: dict[str, float] | None = None, currency: str = "CNY") -> dict[str, Valuation]:
    """Per meter code: its emission factor per unit of the meter [tCO2/unit] (location-based, the factor
    library's row for the data year, :func:`zerocarbon.timeseries.carbon.annual_factors`) and the tariff
    the caller gives per carrier [currency/unit] (none is assumed)."""
    fm = my.factory
    factors = tc.annual_factors(fm.meters, my.year, fm.province, library=default_library(), tz=fm.timezone)
    carrier = {str(r["code"]): str(r["carrier"] or "") for r in fm.meters.to_pylist()}
    out: dict[str, Valuation] = {}
    for mf in factors.meters:
        rows = [f.row for f in mf.factors if f.row is not None]
        source = "; ".join(f"{r.factor_id} ({r.source_document} {r.edition} {r.clause})".strip() for r in rows)
        out[mf.code] = Valuation(float(mf.to_activity * mf.factor),
                                 (tariffs or {}).get(carrier.get(mf.code, "")), currency, source)
    for code, c in carrier.items():
        if code not in out and tariffs and c in tariffs:
            out[code] = Valuation(None, tariffs[c], currency, "")
    return out


@dataclass
class DailyCarbon:
    """Daily tCO2 of a factory and of each cost centre over one year (local days, consecutive)."""

    days: np.ndarray  # type: ignore[type-arg]
    working: np.ndarray  # type: ignore[type-arg]
    totals: dict[str | None, np.ndarray]  # type: ignore[type-arg]
    last_day: int  # the last day with data (index)


def daily_carbon(factory_id: str, year: int, url: str | None = None, holidays: bool = True) -> DailyCarbon:
    """Daily tCO2 (location-based hourly carbon of the metering service) per cost centre and in total
    (key None). Days after the last hour with data are NaN."""
    my = load_year(factory_id, year, url)
    carbon = hourly_carbon(factory_id, year, url, metered=my)
    start, end = tc.year_bounds(year, my.factory.timezone)
    hours = np.arange(start, end, 3600, dtype=np.int64)
    feats = calendar_features(hours, my.factory.timezone, holidays)
    days, first = np.unique(feats.day, return_index=True)
    working = feats.working[first]
    ts = np.asarray(carbon["ts"].to_numpy(zero_copy_only=False))
    co2 = np.asarray(pa.array(carbon["co2_t"].to_pylist(), pa.float64()).to_numpy(zero_copy_only=False))
    centre = carbon["cost_centre"].cast(pa.string()).to_pylist()
    ok = np.isfinite(co2) & (ts >= start) & (ts < end)
    if not ok.any():
        raise InputError(f"{factory_id} 在 {year} 年没有可计算排放的表计数据",
                         f"{factory_id} has no meter data with emissions in {year}", field="year")
    pos = np.searchsorted(days, calendar_features(ts[ok], my.factory.timezone, holidays).day)
    sums: dict[str | None, np.ndarray] = defaultdict(lambda: np.zeros(len(days)))  # type: ignore[type-arg]
    cc = np.array(centre, dtype=object)[ok]
    np.add.at(sums[None], pos, co2[ok])
    for c in sorted({x for x in cc if x is not None}):
        np.add.at(sums[c], pos[cc == c], co2[ok][cc == c])
    last = int(pos.max())
    for arr in sums.values():
        arr[last + 1:] = np.nan
    return DailyCarbon(days, working, dict(sums), last)
