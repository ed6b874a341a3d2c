"""The shipped Jiangsu time-of-use table (苏发改价格发〔2025〕426号): periods by season, ratios, prices required.

Expected hours and ratios are those of the notice as restated in note 3 of 国网江苏省电力有限公司's
代理购电价格表 (see :mod:`zerocarbon.renewables.tariff_tables`): 夏冬 (6–8, 12–2 月) 峰 14–22 h, 平 6–11,
13–14, 22–24 h, 谷 0–6, 11–13 h; 春秋 (3–5, 9–11 月) 峰 15–22 h, 平 6–10, 14–15, 22–2 h, 谷 2–6, 10–14 h;
peak +80 % / +70 % / +60 % (two-part / single-part ≥ 100 kVA / < 100 kVA), valley −65 %.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from zerocarbon.errors import InputError
from zerocarbon.renewables.tariff_provinces import tou_table
from zerocarbon.renewables.tariff_tables import JIANGSU_2025


def _day(month: int) -> pd.DatetimeIndex:
    return pd.date_range(f"2026-{month:02d}-10", periods=24, freq="h", tz="Asia/Shanghai")


def _expected(spans: dict[str, list[tuple[int, int]]]) -> list[str]:
    out = [""] * 24
    for name, ranges in spans.items():
        for a, b in ranges:
            for h in range(a, b):
                out[h] = name
    return out


SUMMER_WINTER = _expected({"谷": [(0, 6), (11, 13)], "平": [(6, 11), (13, 14), (22, 24)], "峰": [(14, 22)]})
SPRING_AUTUMN = _expected({"平": [(0, 2), (6, 10), (14, 15), (22, 24)], "谷": [(2, 6), (10, 14)], "峰": [(15, 22)]})


@pytest.mark.parametrize("month", range(1, 13))
def test_periods_by_season(month: int) -> None:
    t = JIANGSU_2025.tariff("two_part", 0.4, 0.2, "test prices")
    expected = SUMMER_WINTER if month in (6, 7, 8, 12, 1, 2) else SPRING_AUTUMN
    assert list(t.periods(_day(month))) == expected


def test_hours_per_period() -> None:
    """8 h each in summer/winter; 峰 7 h, 平 9 h, 谷 8 h in spring/autumn."""
    assert [SUMMER_WINTER.count(p) for p in "峰平谷"] == [8, 8, 8]
    assert [SPRING_AUTUMN.count(p) for p in "峰平谷"] == [7, 9, 8]


@pytest.mark.parametrize(("user_class", "peak"), [("two_part", 1.8), ("single_part_100kva_plus", 1.7),
                                                  ("single_part_below_100kva", 1.6)])
def test_prices_float_the_purchase_price_only(user_class: str, peak: float) -> None:
    """Price = purchase price × ratio + the non-floating part: with 0.40 and 0.20 CNY/kWh a two-part user pays
    峰 0.4·1.8 + 0.2 = 0.92, 平 0.60, 谷 0.4·0.35 + 0.2 = 0.34."""
    t = JIANGSU_2025.tariff(user_class, 0.40, 0.20, "test prices")
    prices = t.energy_prices(_day(7))
    assert_allclose(prices[15], 0.40 * peak + 0.20)
    assert_allclose(prices[7], 0.60)
    assert_allclose(prices[3], 0.40 * 0.35 + 0.20)
    assert "苏发改价格发〔2025〕426号" in t.source and "test prices" in t.source
    assert np.all(prices > 0)


def test_prices_are_required_inputs() -> None:
    with pytest.raises(InputError):
        JIANGSU_2025.tariff("two_part", 0.4, 0.2, "  ")
    with pytest.raises(InputError):
        JIANGSU_2025.tariff("two_part", -0.1, 0.2, "x")
    with pytest.raises(InputError):
        JIANGSU_2025.tariff("residential", 0.4, 0.2, "x")
    with pytest.raises(InputError):
        tou_table("zhejiang-2024")
    assert tou_table("jiangsu-2025") is JIANGSU_2025
