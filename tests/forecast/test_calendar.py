"""The Chinese working calendar of two years, against the State Council's holiday notices.

2023: 国办发明电〔2022〕16号 (Spring Festival 1/21–1/27 off, 1/28 and 1/29 worked; National Day 9/29–10/6
off, 10/7 and 10/8 worked). 2024: 国办发明电〔2023〕7号 (Spring Festival 2/10–2/17 off, 2/4 and 2/18 worked;
National Day 10/1–10/7 off, 9/29 and 10/12 worked).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from zerocarbon.errors import InputError
from zerocarbon.forecast.calendar import DayType, calendar_features, day_type, holiday_name, is_working_day


@pytest.mark.parametrize(("day", "kind"), [
    ("2023-01-28", DayType.ADJUSTED_WORKDAY), ("2023-01-29", DayType.ADJUSTED_WORKDAY),
    ("2023-01-23", DayType.HOLIDAY), ("2023-10-02", DayType.HOLIDAY), ("2023-10-07", DayType.ADJUSTED_WORKDAY),
    ("2023-10-09", DayType.WORKDAY), ("2023-10-14", DayType.WEEKEND),
    ("2024-02-04", DayType.ADJUSTED_WORKDAY), ("2024-02-12", DayType.HOLIDAY), ("2024-02-18", DayType.ADJUSTED_WORKDAY),
    ("2024-09-29", DayType.ADJUSTED_WORKDAY), ("2024-10-01", DayType.HOLIDAY), ("2024-10-12", DayType.ADJUSTED_WORKDAY),
    ("2024-10-13", DayType.WEEKEND), ("2024-10-08", DayType.WORKDAY),
])
def test_day_types_of_2023_and_2024(day: str, kind: DayType) -> None:
    d = date.fromisoformat(day)
    assert day_type(d) is kind
    assert is_working_day(d) == (kind in (DayType.WORKDAY, DayType.ADJUSTED_WORKDAY))


def test_holiday_names_and_counts() -> None:
    assert holiday_name(date(2023, 10, 2)) == "National Day"
    assert holiday_name(date(2024, 2, 4)) == "Spring Festival"  # the adjusted working day belongs to the festival
    assert holiday_name(date(2024, 3, 5)) is None
    off_2024 = [d for d in (date(2024, 1, 1).fromordinal(date(2024, 1, 1).toordinal() + k) for k in range(366))
                if day_type(d) is DayType.HOLIDAY]
    assert len(off_2024) >= 28  # 13 statutory days (国务院令第644号) plus the bridged weekdays and weekends


def test_a_year_outside_the_package_is_refused() -> None:
    with pytest.raises(InputError) as err:
        day_type(date(1999, 5, 1))
    assert "1999" in err.value.message("zh") and "1999" in err.value.message("en")


def test_features_of_hours_in_local_time() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    ts = [int(datetime(2023, 1, 28, h, tzinfo=tz).timestamp()) for h in (0, 23)] + \
         [int(datetime(2023, 10, 2, 9, tzinfo=tz).timestamp())]
    f = calendar_features(ts)
    assert f.hour.tolist() == [0, 23, 9]
    assert f.weekday.tolist() == [5, 5, 0]
    assert f.adjusted.tolist() == [True, True, False] and f.holiday.tolist() == [False, False, True]
    assert f.working.tolist() == [True, True, False] and f.month.tolist() == [1, 1, 10]
    plain = calendar_features(ts, holidays=False)
    assert plain.working.tolist() == [False, False, True]
    assert f.matrix().shape == (3, 6) and np.isfinite(f.matrix()).all()
