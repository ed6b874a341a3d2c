"""Hourly roll-ups and hourly carbon of the region engine (``zerocarbon region assess --hourly``), on DuckDB
(issue 17). The same run on Spark is checked equal in ``test_region_spark.py``.

The hours must add up to the month totals of the same run (an independent roll-up: the month SQL), meter by meter
and month by month; the carbon of a few hours is worked out by hand from the generator's own Parquet readings. The
grid factors here are made-up test values, not real grid data.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq
import pytest

from zerocarbon.errors import InputError
from zerocarbon.services.assessment.region_engine import RegionTotals, assess_layout
from zerocarbon.services.assessment.region_factors import read_grid_factors
from zerocarbon.services.assessment.region_generate import generate_region

TZ = ZoneInfo("Asia/Shanghai")
SOURCE = "test values made up for this test (not grid data)"
#: (local hour start, factor [tCO2/MWh]); 10:00 on 1 January is the hour of GRID's missing reading
HOURS = ((datetime(2023, 1, 1, 0, tzinfo=TZ), "0.5703"), (datetime(2023, 1, 1, 10, tzinfo=TZ), "0.612345"),
         (datetime(2023, 2, 1, 13, tzinfo=TZ), "0.000001"))


def _factor_csv(path: Path) -> Path:
    lines = ["ts,factor,source"] + [f"{h.isoformat()},{f},{SOURCE}" for h, f in HOURS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _grid_readings(root: Path, month: int) -> dict[int, Decimal]:
    t = pq.read_table(root / "readings" / "region=江苏" / "factory=G0000" / "year=2023" / f"month={month}")
    return {ts: Decimal(repr(v)) for m, ts, v in zip(t["meter_id"].to_pylist(), t["ts"].to_pylist(),
                                                     t["value"].to_pylist(), strict=True) if m == 1}


def hourly_adds_up_to_monthly(t: RegionTotals) -> None:
    """Σ of the hours = the month's total, per meter and month (None when either is not exact)."""
    assert t.hourly is not None
    sums: dict[tuple[str, str, str], Decimal | None] = defaultdict(lambda: Decimal(0))
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for r in t.hourly.to_pylist():
        k = (r["factory_id"], r["code"], r["period"])
        s = sums[k]
        sums[k] = None if s is None or r["value_exact"] is None else s + r["value_exact"]
        counts[k] += r["n_intervals"]
    monthly = {(r["factory_id"], r["code"], r["period"]): (r["value_exact"], r["n_intervals"])
               for r in t.monthly.to_pylist()}
    assert {k: (sums[k], counts[k]) for k in sums} == monthly


def test_hours_add_up_to_months_and_carbon_matches_the_readings(tmp_path: Path) -> None:
    root = tmp_path / "g"
    generate_region(root, 2, 6, 35, seed=5)  # two local months
    factors = read_grid_factors(_factor_csv(tmp_path / "f.csv"))
    t = assess_layout(root, 2023, "duckdb", estimate="linear", hourly=True, grid_factors=factors)
    assert t.hourly is not None and "carbon" in t.method
    hourly_adds_up_to_monthly(t)
    # 2 factories × 6 meters × 35 days × 24 h: M0004's two-hour hole is estimated linearly, so every hour is there
    assert t.hourly.num_rows == 2 * 6 * 35 * 24
    rows = {(r["factory_id"], r["code"], r["ts"]): r for r in t.hourly.to_pylist()}
    jan, feb = _grid_readings(root, 1), _grid_readings(root, 2)
    for h, f in HOURS:
        start = int(h.timestamp())
        readings = jan if h.month == 1 else feb
        kwh = 10 * sum((v for ts, v in readings.items() if start <= ts < start + 3600), Decimal(0))  # ×10 register
        r = rows[("G0000", "GRID", start)]
        assert r["value_exact"] == kwh and r["grid_factor"] == Decimal(f) and r["factor_source"] == SOURCE
        assert r["activity_mwh"] == kwh / 1000
        assert r["co2_t"] == kwh / 1000 * Decimal(f)  # exact: no rounding in DECIMAL(38,24)
        assert rows[("G0000", "GAS", start)]["co2_t"] is None  # not purchased electricity
    assert rows[("G0000", "GRID", int(HOURS[1][0].timestamp()))]["n_intervals"] == 3  # the missing reading
    assert rows[("G0000", "GRID", int(HOURS[1][0].timestamp()) + 3600)]["co2_t"] is None  # no factor for that hour
    jan_total = next(c for c in t.carbon_totals() if c["factory_id"] == "G0000" and c["period"] == "2023-01")
    assert jan_total["co2_t"] is None and jan_total["hours"] == 31 * 24 and jan_total["hours_missing"] == 31 * 24 - 2
    # without the factors: the same hours, no carbon
    bare = assess_layout(root, 2023, "duckdb", estimate="linear", hourly=True)
    assert bare.hourly is not None and bare.hourly["value_exact"].equals(t.hourly["value_exact"])
    assert bare.hourly["co2_t"].null_count == bare.hourly.num_rows


def test_factor_file_errors_name_row_and_field(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    for body, row, field in (("2023-01-01T00:00+08:00,0.1234567,x", 2, "factor"),
                             ("2023-01-01T00:00+08:00,0.5,", 2, "source"),
                             ("2023-01-01T00:30+08:00,0.5,x", 2, "ts"),
                             ("2023-01-01T00:00,0.5,x", 2, "ts"),
                             ("2023-01-01T00:00+08:00,0.5,x\n1672502400,0.5,x", 3, "ts")):
        p.write_text("ts,factor,source\n" + body + "\n", encoding="utf-8")
        with pytest.raises(InputError) as e:
            read_grid_factors(p)
        assert (e.value.row, e.value.field, e.value.file) == (row, field, str(p))
    with pytest.raises(InputError, match="hourly"):
        assess_layout(tmp_path, 2023, "duckdb", grid_factors=read_grid_factors(_factor_csv(tmp_path / "f.csv")))


def test_cli_hourly(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from zerocarbon.cli.main import app

    generate_region(tmp_path / "g", 1, 5, 2, seed=2)
    runner = CliRunner()
    res = runner.invoke(app, ["region", "assess", "--layout", str(tmp_path / "g"), "--year", "2023", "--hourly",
                              str(tmp_path / "h.parquet"), "--hourly-factors", str(_factor_csv(tmp_path / "f.csv")),
                              "--lang", "en"])
    assert res.exit_code == 0, res.output
    h = pq.read_table(tmp_path / "h.parquet")  # M0004's two-hour hole (not estimated) has no hour rows
    assert h.num_rows == 5 * 2 * 24 - 2 and h.column("co2_t").null_count == h.num_rows - 2  # two factor hours in range
    assert "hourly carbon" in res.output
    res = runner.invoke(app, ["region", "assess", "--layout", str(tmp_path / "g"), "--year", "2023",
                              "--hourly-factors", str(tmp_path / "f.csv"), "--lang", "en"])
    assert res.exit_code == 2 and "--hourly" in res.output
