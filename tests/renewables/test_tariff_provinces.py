"""The shipped Guangdong time-of-use table (尖峰/峰/平/谷/深谷), checked hour by hour against the
restated notices (see :mod:`zerocarbon.renewables.tariff_provinces`), and a dispatch with one of them.

Hand-checked expectations, from the restated text:

* 广东 粤发改价格〔2021〕331号: 高峰 10–12, 14–19 点; 低谷 0–8 点; 其余平段; 峰平谷 1.7:1:0.38; 尖峰 7–9 月
  (and declared hot days) 11–12, 15–17 时, 峰段上浮 25 %.
* a user's own table with 尖峰 and 深谷 (the form a province's notice takes; built in the test, not shipped).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from zerocarbon.errors import InputError
from zerocarbon.renewables.dispatch import dispatch
from zerocarbon.renewables.storage import Battery
from zerocarbon.renewables.system import EnergySystem, Grid
from zerocarbon.renewables.tariff_provinces import CRITICAL, DEEP, FLAT, GUANGDONG_2021, PEAK, VALLEY, day, tou_table
from zerocarbon.renewables.tariff_tables import TouTable


def _day(date: str) -> pd.DatetimeIndex:
    return pd.date_range(date, periods=24, freq="h", tz="Asia/Shanghai")


def _at(periods: np.ndarray, hours: range | list[int]) -> set[str]:
    return {str(periods[h]) for h in hours}


# --- Guangdong --------------------------------------------------------------------------------------------

def test_guangdong_periods_outside_july_to_september() -> None:
    p = GUANGDONG_2021.tariff("tou_users", 0.5, 0.03, "test prices").periods(_day("2026-01-12"))
    assert _at(p, range(0, 8)) == {"谷"}
    assert _at(p, [10, 11, 14, 15, 16, 17, 18]) == {"峰"}
    assert _at(p, [8, 9, 12, 13, 19, 20, 21, 22, 23]) == {"平"}
    assert "尖峰" not in set(p)


@pytest.mark.parametrize("date", ["2026-07-01", "2026-08-15", "2026-09-30"])
def test_guangdong_critical_peak_in_july_to_september(date: str) -> None:
    p = GUANGDONG_2021.tariff("tou_users", 0.5, 0.03, "test prices").periods(_day(date))
    assert _at(p, [11, 15, 16]) == {"尖峰"} and list(p).count("尖峰") == 3
    assert _at(p, [10, 14, 17, 18]) == {"峰"} and _at(p, range(0, 8)) == {"谷"}


def test_guangdong_ratios_and_prices() -> None:
    """Basis 0.50, non-floating (funds) 0.03 CNY/kWh: 峰 0.5·1.7 + 0.03 = 0.88, 平 0.53, 谷 0.5·0.38 + 0.03 = 0.22,
    尖峰 = 峰 × 1.25 on the floating part: 0.5·1.7·1.25 + 0.03 = 1.0925."""
    assert GUANGDONG_2021.ratios["tou_users"] == pytest.approx({"尖峰": 2.125, "峰": 1.7, "平": 1.0, "谷": 0.38})
    t = GUANGDONG_2021.tariff("tou_users", 0.5, 0.03, "test prices")
    prices = t.energy_prices(_day("2026-07-10"))
    assert_allclose(prices[[11, 10, 9, 3]], [1.0925, 0.88, 0.53, 0.22])
    assert "粤发改价格〔2021〕331号" in t.source and "test prices" in t.source


def test_guangdong_declared_hot_day() -> None:
    """A declared hot day in May takes the 尖峰 hours; the next day does not."""
    t = GUANGDONG_2021.tariff("tou_users", 0.5, 0.03, "test prices", declared_dates=["2026-05-20"])
    hot, next_day = t.periods(_day("2026-05-20")), t.periods(_day("2026-05-21"))
    assert _at(hot, [11, 15, 16]) == {"尖峰"}
    assert _at(next_day, [11, 15, 16]) == {"峰"}
    assert "2026-05-20" in t.source


# --- a user's table with 尖峰 and 深谷 ---------------------------------------------------------------------

#: April of a five-period table: 谷 10–15 (深谷 11–14), 峰 17–22 (尖峰 17–20), 平 the rest; 尖峰 +100 %,
#: 峰 +70 %, 谷 −70 %, 深谷 −90 % of the floating basis (a test table, not a shipped province's).
USER_TABLE = TouTable(
    key="user-test", province="测试", document="test table", restated_by="the test itself",
    schedules={m: day(((VALLEY, ((10, 15),)), (DEEP, ((11, 14),)), (PEAK, ((17, 22),)), (CRITICAL, ((17, 20),))))
               for m in range(1, 13)},
    ratios={"agency_purchase": {CRITICAL: 2.0, PEAK: 1.7, FLAT: 1.0, VALLEY: 0.3, DEEP: 0.1}},
    user_classes={"agency_purchase": ("测试用户", "test users")}, not_covered="",
)


def test_user_table_periods_and_ratios() -> None:
    """0.40 basis + 0.20 non-floating gives 尖峰 1.00, 峰 0.88, 平 0.60, 谷 0.32, 深谷 0.24 CNY/kWh."""
    t = USER_TABLE.tariff("agency_purchase", 0.4, 0.2, "test prices")
    apr = t.periods(_day("2026-04-10"))
    assert _at(apr, [10, 14]) == {"谷"} and _at(apr, [11, 12, 13]) == {"深谷"}
    assert _at(apr, [17, 18, 19]) == {"尖峰"} and _at(apr, [20, 21]) == {"峰"} and _at(apr, [7, 8, 16]) == {"平"}
    assert_allclose(t.energy_prices(_day("2026-04-10"))[[17, 20, 0, 10, 12]], [1.0, 0.88, 0.6, 0.32, 0.24])


def test_registry_and_inputs() -> None:
    assert tou_table("guangdong-2021") is GUANGDONG_2021
    with pytest.raises(InputError):
        tou_table("shandong-2025")  # read only in unnamed repositories: not shipped
    with pytest.raises(InputError) as exc:
        tou_table("zhejiang-2026")
    assert "guangdong-2021" in str(exc.value.expected)
    with pytest.raises(InputError):
        USER_TABLE.tariff("agency_purchase", 0.4, 0.2, "x", declared_dates=["2026-05-20"])
    with pytest.raises(InputError):
        GUANGDONG_2021.tariff("tou_users", 0.4, 0.0, " ")


def test_dispatch_with_a_deep_valley_table() -> None:
    """An April day, load 100 kW, basis 0.40 + 0.20 CNY/kWh. Hours: 平 0–9, 15, 16, 22, 23 (14 h at 0.60),
    谷 10, 14 (0.32), 深谷 11–13 (0.24), 尖峰 17–19 (1.00), 峰 20, 21 (0.88): grid cost 100 × (14·0.6 + 2·0.32
    + 3·0.24 + 3·1.0 + 2·0.88) = 1452 CNY. A lossless 100 kWh / 100 kW battery (cyclic, no degradation cost)
    gains 100 × (sum of the price rises round the day) = 100 × (0.08 + 0.28 + 0.40) = 76 CNY: charge in 深谷,
    discharge in 尖峰."""
    idx = _day("2026-04-10")
    tariff = USER_TABLE.tariff("agency_purchase", 0.4, 0.2, "test prices")
    grid = Grid(tariff, 0.5, "test factor", export_limit_kw=0.0)
    plain = dispatch(EnergySystem(idx, np.full(24, 100.0), grid))
    assert_allclose(plain.costs["grid_energy"], 1452.0, rtol=1e-9)
    r = dispatch(EnergySystem(idx, np.full(24, 100.0), grid, battery=Battery(100.0, 100.0, 1.0, 1.0)))
    assert_allclose(r.costs["grid_energy"], 1452.0 - 76.0, rtol=1e-9)
    assert_allclose(r.hourly["charge"][11:14].sum(), 100.0, rtol=1e-9)
    assert_allclose(r.hourly["discharge"][17:20].sum(), 100.0, rtol=1e-9)


def test_assumptions_pass_declared_dates() -> None:
    """``tariff: {table: guangdong-2021, …, declared_dates: [2026-05-20]}`` in the plan's assumptions."""
    from types import SimpleNamespace

    from zerocarbon.services.planning.baseline import tariff_of

    price = SimpleNamespace(value=0.5, source="test bill")
    a = SimpleNamespace(path="a.yaml", tariff={"table": "guangdong-2021", "user_class": "tou_users",
                                               "purchase_price": price, "non_floating": price,
                                               "declared_dates": ["2026-05-20"]})
    t = tariff_of(a)  # type: ignore[arg-type]
    assert str(t.periods(_day("2026-05-20"))[11]) == "尖峰" and str(t.periods(_day("2026-05-19"))[11]) == "峰"
