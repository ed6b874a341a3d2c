"""Time-of-use electricity tariffs (分时电价: 尖/峰/平/谷 periods), demand charges, export prices.

China's provinces publish their own periods and prices (the provincial development and reform
commission's notice, and the grid company's monthly agency-purchase price list). No province's
table is built in: the user supplies the table **with its source**, and this module only maps it
onto hours. Period names are free text; the usual ones are 尖 (critical peak), 峰 (peak),
平 (flat), 谷 (valley), 深谷 (deep valley).
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


@dataclass(frozen=True)
class TouTariff:
    """A time-of-use tariff table.

    Attributes
    ----------
    schedule : tuple of 24 str
        Period name of each clock hour 0–23 (hour h covers [h:00, h+1:00)), all months.
    prices : Mapping[str, float]
        Energy price of each period [CNY/kWh].
    source : str
        The document that sets the table (title, number, date, URL); required.
    month_schedules : Mapping[int, tuple of 24 str]
        Overrides of ``schedule`` for months 1–12 (e.g. summer critical-peak hours).
    demand_charge : float
        Demand (capacity) charge on each billing month's maximum import [CNY/kW/month]; 0 = none.
    export_price : float
        Price paid for exported electricity [CNY/kWh] (e.g. the coal benchmark price for
        distributed PV surplus); 0 = none.
    """

    schedule: tuple[str, ...]
    prices: Mapping[str, float]
    source: str
    month_schedules: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    demand_charge: float = 0.0
    export_price: float = 0.0

    def __post_init__(self) -> None:
        if not self.source.strip():
            raise InputError("分时电价表缺少来源（文件名称、文号、日期）", "the tariff table has no source",
                             field="source", expected="title, number, date or URL of the tariff notice")
        tables = {0: self.schedule, **dict(self.month_schedules)}
        for month, table in tables.items():
            where = "schedule" if month == 0 else f"month_schedules[{month}]"
            if len(table) != 24:
                raise InputError(f"{where} 须有 24 个时段", f"{where} must list 24 hourly periods",
                                 field=where, expected="24 period names, hours 0–23")
            if month and not 1 <= month <= 12:
                raise InputError(f"月份 {month} 无效", f"month {month} is invalid", field=where, expected="1–12")
            missing = sorted(set(table) - set(self.prices))
            if missing:
                raise InputError(f"{where} 中的时段 {missing} 没有电价", f"periods {missing} in {where} have no price",
                                 field="prices", expected="a price [CNY/kWh] for every period used")
        if self.demand_charge < 0:
            raise InputError("需量电价不能为负", "the demand charge cannot be negative", field="demand_charge",
                             expected="≥ 0 CNY/kW/month")

    def periods(self, index: pd.DatetimeIndex) -> npt.NDArray[np.str_]:
        """Period name of each time step (by the local clock hour and month of its start)."""
        hours = np.asarray(index.hour)
        months = np.asarray(index.month)
        out = np.asarray(self.schedule, dtype=object)[hours]
        for month, table in self.month_schedules.items():
            mask = months == month
            out[mask] = np.asarray(table, dtype=object)[hours[mask]]
        return np.asarray(out.astype(str), dtype=np.str_)

    def energy_prices(self, index: pd.DatetimeIndex) -> FloatArray:
        """Energy price of each time step [CNY/kWh]."""
        names = self.periods(index)
        return _vector_lookup(names, {k: float(v) for k, v in self.prices.items()})


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
