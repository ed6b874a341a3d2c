"""Hourly carbon: factors per meter from the library, hourly series, one query over Arrow."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pyarrow as pa
import pytest

from zerocarbon.model.metering import MeterRow
from zerocarbon.timeseries.carbon import (
    annual_factors,
    hourly_carbon,
    hourly_carbon_batches,
    summarise,
    year_bounds,
)
from zerocarbon.timeseries.intervals import meter_table

MF = Callable[..., MeterRow]  # the `meter` fixture
START, END = year_bounds(2023)


def _meters(meter: MF) -> pa.Table:
    return meter_table([
        meter(1, "E1", "interval", category="electricity_purchased", cost_centre="CC1"),
        meter(2, "G1", "cumulative", carrier="natural_gas", unit="Nm3", category="fuel_combustion", item="天然气"),
        meter(3, "H1", "interval", carrier="heat", unit="GJ", category="heat_purchased"),
        meter(4, "X1", "interval", category="electricity_exported"),
        meter(5, "S1", "interval", carrier="steam", unit="t", category="heat_purchased"),
        meter(6, "N1", "interval"),
    ])


def test_year_bounds_are_local() -> None:
    assert (START, END) == (1_672_502_400, 1_704_038_400)  # 2023-01-01 and 2024-01-01 00:00 +08:00


def test_annual_factors_with_provenance(meter: MF) -> None:
    f = annual_factors(_meters(meter), 2023, "江苏")
    by_code = {m.code: m for m in f.meters}
    e1 = by_code["E1"]
    # MEE/NBS announcement 2025 No. 47: Jiangsu 2023 grid average 0.5827 tCO2/MWh (factor library row)
    assert e1.factor == Decimal("0.5827") and e1.to_activity == Decimal("0.001") and e1.scope == "2"
    row = e1.factors[0].row
    assert row is not None and row.factor_id == "elec.electricity_grid_average.江苏.2023.mee-2025-47"
    g1 = by_code["G1"]
    # FC × NCV × CC × OF × 44/12 per Nm3: 389.31 GJ/10⁴Nm3, 0.0153 tC/GJ, 0.99 (GB/T 32151.34—2024 表C.1)
    expected = Decimal("389.31") / Decimal(10_000) * Decimal("0.0153") * Decimal("0.99") * Decimal(44) / Decimal(12)
    assert g1.factor == expected and g1.scope == "1"
    assert [fv.parameter for fv in g1.factors] == ["ncv", "carbon_content", "oxidation_rate"]
    assert by_code["H1"].factor == Decimal("0.11")
    skipped = {s["meter"]: s["reason"] for s in f.skipped}
    assert set(skipped) == {"X1", "S1"}  # exports are not in the hourly carbon; steam mass needs its state
    assert "N1" not in skipped  # no category: not a source
    assert f.table.num_rows == 3
    with pytest.raises(ValueError):
        annual_factors(_meters(meter), 2023, "江苏", strict=True)


def test_hourly_carbon_with_and_without_series(meter: MF) -> None:
    f = annual_factors(_meters(meter), 2023, "江苏").table
    h0 = START + 5 * 3600
    hourly = pa.table({"meter_id": [1, 1, 2, 3, 1, 6], "ts": [h0, h0 + 3600, h0, h0, END, h0],
                       "ts_end": [h0 + 3600, h0 + 7200, h0 + 3600, h0 + 3600, END + 3600, h0 + 3600],
                       "value": [1000.0, 2000.0, 100.0, 5.0, 10.0, 1.0], "flags": [0, 0, 0, 0, 0, 0]})
    annual = {(r["meter_id"], r["ts"]): r for r in hourly_carbon(hourly, f).to_pylist()}
    assert len(annual) == 5  # N1 has no factor row: not a source
    assert annual[(1, h0)]["co2_t"] == pytest.approx(1.0 * 0.5827) and annual[(1, h0)]["factor_kind"] == "annual"
    assert annual[(1, h0)]["cost_centre"] == "CC1" and annual[(1, h0)]["scope"] == "2"
    assert annual[(2, h0)]["co2_t"] == pytest.approx(100 * 0.038931 * 0.0153 * 0.99 * 44 / 12)
    assert annual[(3, h0)]["co2_t"] == pytest.approx(5 * 0.11)
    assert annual[(1, END)]["factor_kind"] == "no factor" and annual[(1, END)]["co2_t"] is None
    series = pa.table({"series": ["s1"], "ts": [h0], "value": [0.3]})
    hourly_rows = {(r["meter_id"], r["ts"]): r for r in hourly_carbon(hourly, f, series).to_pylist()}
    assert hourly_rows[(1, h0)]["factor_kind"] == "hourly" and hourly_rows[(1, h0)]["co2_t"] == pytest.approx(0.3)
    assert hourly_rows[(1, h0 + 3600)]["factor_kind"] == "annual (no hourly value)"
    assert hourly_rows[(2, h0)]["factor_kind"] == "annual"  # the grid series is for electricity only
    by_scope = {r["scope"]: r["co2_t"] for r in summarise(hourly_carbon(hourly, f), by=("scope",)).to_pylist()}
    assert by_scope["2"] == pytest.approx(3 * 0.5827 + 0.55)
    with pytest.raises(ValueError, match="one grid-intensity series"):
        hourly_carbon(hourly, f, pa.table({"series": ["a", "b"], "ts": [h0, h0], "value": [0.1, 0.2]}))


def test_hourly_carbon_batches_are_the_table_in_pieces(meter: MF) -> None:
    """The streamed batches hold exactly the rows of :func:`hourly_carbon`, in its order, a few at a time;
    ``windows`` keeps the hours starting inside them, a factor table without a meter leaves its rows out."""
    f = annual_factors(_meters(meter), 2023, "江苏").table
    n = 30
    hourly = pa.table({"meter_id": [1] * n + [2] * n + [3] * n, "ts": [START + i * 3600 for i in range(n)] * 3,
                       "ts_end": [START + (i + 1) * 3600 for i in range(n)] * 3,
                       "value": [float(i) for i in range(3 * n)], "flags": [0] * (3 * n)})
    whole = hourly_carbon(hourly, f)
    batches = list(hourly_carbon_batches(hourly, f, batch_rows=7, rows_per_query=40))
    assert len(batches) >= 3 * n // 7 and max(b.num_rows for b in batches) == 7
    streamed = pa.Table.from_batches(batches)
    assert streamed.num_rows == 3 * n
    assert streamed.cast(whole.schema).to_pylist() == whole.to_pylist()
    window = (START + 3600, START + 4 * 3600)  # hours 1, 2 and 3
    only_e1 = f.filter(pa.compute.equal(f["meter_id"], 1))
    rows = pa.Table.from_batches(list(hourly_carbon_batches(hourly, only_e1, windows=[window]))).to_pylist()
    assert [(r["meter_id"], r["ts"], r["amount"]) for r in rows] == [(1, START + i * 3600, float(i)) for i in (1, 2, 3)]
    assert list(hourly_carbon_batches(hourly, f, windows=[])) == []
