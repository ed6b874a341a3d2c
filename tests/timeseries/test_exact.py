"""Exact metered figures: interval values and their roll-ups are exact decimal sums of the readings
(issue 9, finding 6); a reading with more decimals than the scale is flagged, never rounded silently."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa

from zerocarbon.model.inventory_input import ActivityLine, Category, Facility, FactoryInfo, InventoryInput
from zerocarbon.timeseries.activity import INVOICE_TOLERANCE, discrepancies, exact_amount, merge_metered
from zerocarbon.timeseries.intervals import FLAG_INEXACT, interval_consumption
from zerocarbon.timeseries.rollups import rollup_time

METER = pa.table({"meter_id": [1], "code": ["A"], "carrier": ["electricity"], "unit": ["kWh"],
                  "energy_unit": ["kWh"], "register_kind": ["cumulative"], "multiplier": [1.0],
                  "interval_seconds": [900], "is_virtual": [False]})


def _readings(values: list[float]) -> pa.Table:
    return pa.table({"meter_id": [1] * len(values), "ts": [i * 900 for i in range(len(values))],
                     "value": values, "flags": [0] * len(values)})


def test_float_noise_is_gone_from_the_exact_sum() -> None:
    """Differences of float readings carry noise (0.3 − 0.1 = 0.19999999999999998); the exact column does not."""
    iv = interval_consumption(_readings([0.0, 0.1, 0.3]), METER, start=0, end=1800)
    assert iv.values["value"].to_pylist()[1] == 0.3 - 0.1 != 0.2
    assert iv.values["value_exact"].to_pylist()[1] == Decimal("0.2")
    month = rollup_time(iv.values, "hour", tz="UTC")
    assert exact_amount(month["value_exact"].to_pylist()[0]) == Decimal("0.3")
    assert str(exact_amount(Decimal("1406600.000000000000"))) == "1406600"


def test_linear_estimate_spreads_the_exact_difference() -> None:
    """A gap of 3 intervals bridged by a difference of 1 kWh: the estimates sum to exactly 1."""
    r = pa.table({"meter_id": [1, 1], "ts": [0, 2700], "value": [0.0, 1.0], "flags": [0, 0]})
    iv = interval_consumption(r, METER, start=0, end=2700, estimate="linear")
    assert sum(iv.values["value_exact"].to_pylist()) == Decimal(1)


def test_a_reading_with_more_decimals_is_flagged_not_rounded() -> None:
    iv = interval_consumption(_readings([0.0, 0.1234567, 1.0]), METER, start=0, end=1800)
    assert iv.values["value_exact"].to_pylist() == [None, None]
    assert all(f & FLAG_INEXACT for f in iv.values["flags"].to_pylist())
    assert rollup_time(iv.values, "hour", tz="UTC")["value_exact"].to_pylist() == [None]


def _line(**kw: object) -> ActivityLine:
    base = {"id": "NG-01", "facility": "UT", "category": Category.FUEL_COMBUSTION, "item": "天然气",
            "amount": "12.121", "unit": "万Nm3", "period": "2023-01", "source": "燃气公司结算单"}
    return ActivityLine.model_validate({**base, **kw})


def test_an_invoice_that_differs_from_the_meter_is_a_visible_warning() -> None:
    """13.5 万Nm3 metered against 12.121 万Nm3 invoiced: the meter is used, both figures are shown."""
    declared = InventoryInput(factory=FactoryInfo(id="F", name_zh="F", province="江苏",
                                                  facilities=[Facility(id="UT", name_zh="UT")]),
                              activity=[_line()])
    metered = _line(id="NG-UT-2023-01", amount="135000", unit="Nm3", meters=("NG-UT",), source="meters: NG-UT")
    merged = merge_metered(declared, [metered], 2023)
    (line,) = merged.activity
    assert (line.declared_id, line.declared_amount, line.declared_unit) == ("NG-01", Decimal("12.121"), "万Nm3")
    (warning,) = discrepancies(list(merged.activity))
    assert "135000 Nm³" in warning and "12.121 10⁴ Nm³" in warning and "11.38 %" in warning
    zh = warning.text("zh")  # type: ignore[attr-defined]
    assert "135000 Nm³" in zh and "12.121 万Nm³" in zh and "采用表计" in zh
    same = _line(id="NG-UT-2023-01", amount="121210", unit="Nm3", meters=("NG-UT",))
    assert discrepancies(list(merge_metered(declared, [same], 2023).activity)) == []
    assert Decimal("0.005") == INVOICE_TOLERANCE
