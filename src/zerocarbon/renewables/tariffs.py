"""Time-of-use electricity tariffs (分时电价: 尖/峰/平/谷 periods), demand charges, export prices.

China's provinces publish their own periods and prices (the provincial development and reform
commission's notice, and the grid company's monthly agency-purchase price list). No province's
table is built in: the user supplies the table **with its source**, and this module only maps it
onto hours. Period names are free text; the usual ones are 尖 / 尖峰 (critical peak), 峰 (peak),
平 (flat), 谷 (valley), 深谷 (deep valley).

What critical-peak and deep-valley rules need, and the table supports:

* sub-hour boundaries: a day's table has 24, 48 or 96 slots (60, 30 or 15 minutes), e.g. a 尖峰
  window 19:30–21:30;
* month-specific tables (尖峰 only in July–August, December–January) in ``month_schedules``;
* date-specific tables (深谷 on the listed holidays, 尖峰 on declared days) in ``date_schedules``,
  keyed by the local date ``YYYY-MM-DD``; a date table overrides the month's.

The energy price of a step is the mean over the step of the prices of the slots it covers, i.e.
the energy-weighted price at constant power within the step: an hourly step across a half-hour
boundary pays half of each period's price.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from zerocarbon.errors import InputError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
#: Slots per day a table may have (hours, half hours, quarter hours).
SLOTS = (24, 48, 96)


@dataclass(frozen=True)
class TouTariff:
    """A time-of-use tariff table.

    Attributes
    ----------
    schedule : tuple of 24, 48 or 96 str
        Period name of each slot of the day (24: clock hour h covers [h:00, h+1:00); 48: half hours;
        96: quarter hours), all months.
    prices : Mapping[str, float]
        Energy price of each period [CNY/kWh].
    source : str
        The document that sets the table (title, number, date, URL); required.
    month_schedules : Mapping[int, tuple of 24, 48 or 96 str]
        Overrides of ``schedule`` for months 1–12 (e.g. summer critical-peak hours).
    demand_charge : float
        Demand (capacity) charge on each billing month's maximum import [CNY/kW/month]; 0 = none.
    export_price : float
        Price paid for exported electricity [CNY/kWh] (e.g. the coal benchmark price for
        distributed PV surplus); 0 = none.
    date_schedules : Mapping[str, tuple of 24, 48 or 96 str]
        Overrides for single local dates ``YYYY-MM-DD`` (holiday 深谷, declared 尖峰 days).
    """

    schedule: tuple[str, ...]
    prices: Mapping[str, float]
    source: str
    month_schedules: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    demand_charge: float = 0.0
    export_price: float = 0.0
    date_schedules: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.source.strip():
            raise InputError("分时电价表缺少来源（文件名称、文号、日期）", "the tariff table has no source",
                             field="source", expected="title, number, date or URL of the tariff notice")
        tables: list[tuple[str, tuple[str, ...]]] = [("schedule", self.schedule)]
        for month, table in self.month_schedules.items():
            where = f"month_schedules[{month}]"
            if not 1 <= month <= 12:
                raise InputError(f"月份 {month} 无效", f"month {month} is invalid", field=where, expected="1–12")
            tables.append((where, table))
        for day, table in self.date_schedules.items():
            where = f"date_schedules[{day}]"
            try:
                pd.Timestamp(str(day))
            except ValueError:
                raise InputError(f"日期 {day} 无效", f"date {day} is invalid", field=where,
                                 expected="YYYY-MM-DD (local date)") from None
            tables.append((where, table))
        for where, table in tables:
            if len(table) not in SLOTS:
                raise InputError(f"{where} 须有 24、48 或 96 个时段（{len(table)} 个）",
                                 f"{where} must list 24, 48 or 96 periods (has {len(table)})", field=where,
                                 expected="period names per hour, half hour or quarter hour of the day")
            missing = sorted(set(table) - set(self.prices))
            if missing:
                raise InputError(f"{where} 中的时段 {missing} 没有电价", f"periods {missing} in {where} have no price",
                                 field="prices", expected="a price [CNY/kWh] for every period used")
        if self.demand_charge < 0:
            raise InputError("需量电价不能为负", "the demand charge cannot be negative", field="demand_charge",
                             expected="≥ 0 CNY/kW/month")

    def periods(self, index: pd.DatetimeIndex) -> npt.NDArray[np.str_]:
        """Period name at the start of each time step (local clock time, month and date)."""
        minute = np.asarray(index.hour) * 60 + np.asarray(index.minute)
        months = np.asarray(index.month)

        def pick(table: tuple[str, ...], mask: npt.NDArray[np.bool_] | slice) -> npt.NDArray[np.object_]:
            slot = minute[mask] * len(table) // 1440
            out_: npt.NDArray[np.object_] = np.asarray(table, dtype=object)[slot]
            return out_

        out = pick(self.schedule, slice(None))
        for month, table in self.month_schedules.items():
            mask = months == month
            out[mask] = pick(table, mask)
        if self.date_schedules:
            days = np.asarray(index.strftime("%Y-%m-%d"))
            for day, table in self.date_schedules.items():
                mask = days == pd.Timestamp(str(day)).strftime("%Y-%m-%d")
                out[mask] = pick(table, mask)
        return np.asarray(out.astype(str), dtype=np.str_)

    def energy_prices(self, index: pd.DatetimeIndex) -> FloatArray:
        """Energy price of each time step [CNY/kWh]: the mean over the step of its slot prices."""
        lookup = {k: float(v) for k, v in self.prices.items()}
        step_min = (index[1] - index[0]).total_seconds() / 60.0 if len(index) > 1 else 60.0
        slot_min = 1440.0 / max(len(t) for t in (self.schedule, *self.month_schedules.values(),
                                                  *self.date_schedules.values()))
        parts = max(1, round(step_min / slot_min))
        if parts == 1:
            return _vector_lookup(self.periods(index), lookup)
        total = np.zeros(len(index))
        for j in range(parts):
            total += _vector_lookup(self.periods(index + pd.Timedelta(minutes=slot_min * j)), lookup)
        return total / parts


def _vector_lookup(names: npt.NDArray[np.str_], lookup: dict[str, float]) -> FloatArray:
    keys, inverse = np.unique(names, return_inverse=True)
    return np.array([lookup[str(k)] for k in keys], dtype=float)[inverse]


def billing_months(index: pd.DatetimeIndex) -> IntArray:
    """Billing period (0-based, consecutive calendar months) of each time step."""
    ym = np.asarray(index.year) * 12 + np.asarray(index.month)
    _, inverse = np.unique(ym, return_inverse=True)
    return inverse.astype(np.int64)


def two_price(peak_hours: Sequence[int], peak: float, offpeak: float, source: str,
              **kwargs: float) -> TouTariff:
    """A two-period tariff (峰 in ``peak_hours``, 谷 otherwise) [CNY/kWh], for examples and tests."""
    schedule = tuple("峰" if h in set(peak_hours) else "谷" for h in range(24))
    return TouTariff(schedule, {"峰": peak, "谷": offpeak}, source, **kwargs)  # type: ignore[arg-type]
