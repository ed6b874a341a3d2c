"""Totals of the hourly carbon by month × cost centre (and other keys), inside the engine, exact sums."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

import pyarrow as pa
import pytest

from zerocarbon.model.metering import MeterRow
from zerocarbon.timeseries.carbon import annual_factors, hourly_carbon, year_bounds
from zerocarbon.timeseries.carbon_totals import hourly_carbon_totals, months_table
from zerocarbon.timeseries.intervals import meter_table

MF = Callable[..., MeterRow]
START, END = year_bounds(2023)
JAN31_23H = START + (30 * 24 + 23) * 3600  # 2023-01-31 23:00 +08:00 = 15:00 UTC: still January locally


def _meters(meter: MF) -> pa.Table:
    return meter_table([
        meter(1, "E1", "interval", category="electricity_purchased", cost_centre="CC1"),
        meter(2, "E2", "interval", category="electricity_purchased", cost_centre="CC2"),
        meter(3, "H1", "interval", carrier="heat", unit="GJ", category="heat_purchased", cost_centre="CC1"),
    ])


def _hours() -> pa.Table:
    ts = [START, JAN31_23H, JAN31_23H + 3600, START + 5 * 3600, JAN31_23H + 3600, START, END]
    return pa.table({"meter_id": [1, 1, 1, 2, 2, 3, 1], "ts": ts, "ts_end": [t + 3600 for t in ts],
                     "value": [1000.0, 2000.0, 4000.0, 500.0, 250.0, 10.0, 7.0], "flags": [0] * 7})


def test_month_by_cost_centre_equals_the_rows_summed_by_hand(meter: MF) -> None:
    f = annual_factors(_meters(meter), 2023, "江苏").table
    got = {(r["month"], r["cost_centre"]): r for r in hourly_carbon_totals(_hours(), f, year=2023,
                                                                            tz="Asia/Shanghai").to_pylist()}
    grid, heat = 0.5827, 0.11  # Jiangsu 2023 grid average [tCO2/MWh]; heat [tCO2/GJ] (the library's rows)
    # local month: 2023-01-31 23:00 is January, the hour after is February; the hour at END is 2024: left out
    assert set(got) == {("2023-01", "CC1"), ("2023-02", "CC1"), ("2023-01", "CC2"), ("2023-02", "CC2")}
    jan1 = got[("2023-01", "CC1")]
    assert jan1["co2_t"] == pytest.approx(3.0 * grid + 10 * heat, rel=1e-12)
    assert jan1["mixed_units"] and jan1["activity"] is None and jan1["activity_unit"] is None  # MWh and GJ
    assert jan1["hours"] == 3
    feb1 = got[("2023-02", "CC1")]
    assert feb1["co2_t"] == pytest.approx(4.0 * grid, rel=1e-12) and feb1["activity"] == pytest.approx(4.0)
    assert feb1["activity_unit"] == "MWh" and not feb1["mixed_units"]
    assert got[("2023-02", "CC2")]["co2_t"] == pytest.approx(0.25 * grid, rel=1e-12)


def test_totals_equal_the_hourly_table_for_every_grouping(meter: MF) -> None:
    f = annual_factors(_meters(meter), 2023, "江苏").table
    rows = hourly_carbon(_hours(), f).to_pylist()
    starts = months_table(2023, "Asia/Shanghai").to_pylist()
    for by in (("scope",), ("meter_id", "month"), ("cost_centre", "scope", "factor_kind"), ()):
        want: dict[tuple[object, ...], Decimal] = defaultdict(Decimal)
        for r in rows:
            month = next((m["month"] for m in starts if m["lo"] <= r["ts"] < m["hi"]), None)
            if month is None:
                continue
            key = tuple(month if k == "month" else r[k] for k in by)
            want[key] += Decimal(r["co2_t"])
        got = hourly_carbon_totals(_hours(), f, year=2023, tz="Asia/Shanghai", by=by).to_pylist()
        assert {tuple(g[k] for k in by): g["co2_t"] for g in got} == pytest.approx(
            {k: float(v) for k, v in want.items()}, rel=1e-12)


def test_months_filter_series_and_bad_keys(meter: MF) -> None:
    f = annual_factors(_meters(meter), 2023, "江苏").table
    series = pa.table({"series": ["s"], "ts": [START], "value": [0.3]})  # E1's first hour only; heat keeps its own
    got = hourly_carbon_totals(_hours(), f, series, year=2023, tz="Asia/Shanghai", by=("month", "factor_kind"),
                               months=[1]).to_pylist()
    assert {(r["month"], r["factor_kind"]): r["hours"] for r in got} == {
        ("2023-01", "hourly"): 1, ("2023-01", "annual (no hourly value)"): 2, ("2023-01", "annual"): 1}
    hourly_row = next(r for r in got if r["factor_kind"] == "hourly")
    assert hourly_row["co2_t"] == pytest.approx(0.3) and hourly_row["hourly_factor_hours"] == 1
    empty = hourly_carbon_totals(_hours(), f, year=2023, tz="Asia/Shanghai", by=(), months=[7]).to_pylist()
    assert empty == [{"co2_t": 0.0, "activity": None, "activity_unit": None, "mixed_units": False, "hours": 0,
                      "hourly_factor_hours": 0, "no_factor_hours": 0}]
    for bad in (("week",), ("month", "month")):
        with pytest.raises(ValueError, match="group by"):
            hourly_carbon_totals(_hours(), f, year=2023, tz="Asia/Shanghai", by=bad)


def test_sums_do_not_depend_on_row_order(meter: MF) -> None:
    """Exact decimal sums: the same rows in another order give bit-identical totals."""
    f = annual_factors(_meters(meter), 2023, "江苏").table
    n = 5000
    ts = [START + (i % 700) * 3600 for i in range(n)]
    values = [0.1 + (i * 7919 % 1000) / 3.0 for i in range(n)]
    forward = pa.table({"meter_id": [1 + i % 2 for i in range(n)], "ts": ts, "ts_end": [t + 3600 for t in ts],
                        "value": values, "flags": [0] * n})
    backward = forward.take(pa.array(list(range(n - 1, -1, -1))))
    a = hourly_carbon_totals(forward, f, year=2023, tz="Asia/Shanghai", by=("month",))
    b = hourly_carbon_totals(backward, f, year=2023, tz="Asia/Shanghai", by=("month",))
    assert a.to_pylist() == b.to_pylist()


def test_a_validity_change_mid_year_counts_each_hour_once(meter: MF) -> None:
    """A meter whose factor and cost centre change on 1 July (local): each hour once, at the factor and in the
    cost centre of its own period; an hour outside every period is one 'no factor' hour, without CO2."""
    f = annual_factors(_meters(meter), 2023, "江苏").table.filter(pa.array([True, False, False]))  # E1 only
    jul = months_table(2023, "Asia/Shanghai")["lo"][6].as_py()
    first = dict(f.to_pylist()[0], valid_to=jul)
    second = dict(first, valid_from=jul, valid_to=END, factor=0.5, cost_centre="CC2")
    two = pa.Table.from_pylist([first, second], schema=f.schema)
    hours = pa.table({"meter_id": [1, 1], "ts": [START, jul], "ts_end": [START + 3600, jul + 3600],
                      "value": [1000.0, 2000.0], "flags": [0, 0]})
    got = hourly_carbon_totals(hours, two, year=2023, tz="Asia/Shanghai", by=("month", "cost_centre")).to_pylist()
    assert [(r["month"], r["cost_centre"], r["co2_t"], r["hours"]) for r in got] == [
        ("2023-01", "CC1", pytest.approx(1.0 * 0.5827, rel=1e-12), 1), ("2023-07", "CC2", pytest.approx(2.0 * 0.5), 1)]
    assert hourly_carbon(hours, two).num_rows == 2  # the download: one row per hour too
    gap = hourly_carbon_totals(hours, two.slice(0, 1), year=2023, tz="Asia/Shanghai", by=("month",)).to_pylist()
    assert [(r["month"], r["co2_t"], r["hours"], r["no_factor_hours"]) for r in gap] == [
        ("2023-01", pytest.approx(0.5827, rel=1e-12), 1, 0), ("2023-07", 0.0, 1, 1)]
