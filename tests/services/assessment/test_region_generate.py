"""The synthetic region (``zerocarbon region generate``) and the portfolio of a layout (``region assess
--portfolio``), on DuckDB (issue 17). The Spark side is in ``test_region_spark.py``.

The generator's totals are checked against figures worked out from its own Parquet readings with pyarrow (not
with the interval SQL); the portfolio of an exported store is checked equal, row for row, to the regional view
that ``zerocarbon region view`` computes from the store itself.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from tests.conftest import DEMO_EMPTY, DEMO_FACTORY, DemoStore

from zerocarbon.errors import InputError
from zerocarbon.services.assessment.region import evaluate_region
from zerocarbon.services.assessment.region_engine import assess_layout, read_layout
from zerocarbon.services.assessment.region_export import export_region
from zerocarbon.services.assessment.region_generate import generate_region
from zerocarbon.services.assessment.region_portfolio import region_portfolio
from zerocarbon.timeseries import intervals as iv

TZ = ZoneInfo("Asia/Shanghai")


def _readings(root: Path, fid: str, province: str, month: int) -> dict[str, list[tuple[int, Decimal]]]:
    """The readings of one factory and local month, per meter code, as (ts, exact decimal)."""
    meters = pq.read_table(root / "meters" / f"region={province}" / f"factory={fid}" / "meters.parquet")
    code = dict(zip(meters["meter_id"].to_pylist(), meters["code"].to_pylist(), strict=True))
    t = pq.read_table(root / "readings" / f"region={province}" / f"factory={fid}" / "year=2023" / f"month={month}")
    out: dict[str, list[tuple[int, Decimal]]] = {}
    for m, ts, v in zip(t["meter_id"].to_pylist(), t["ts"].to_pylist(), t["value"].to_pylist(), strict=True):
        out.setdefault(code[m], []).append((ts, Decimal(repr(v))))
    return {k: sorted(v) for k, v in out.items()}


def test_generated_layout_has_the_export_schema_and_is_deterministic(tmp_path: Path) -> None:
    a = generate_region(tmp_path / "a", 2, 6, 3, seed=7)
    b = generate_region(tmp_path / "b", 2, 6, 3, seed=7)
    generate_region(tmp_path / "c", 2, 6, 3, seed=8)
    assert a.readings == b.readings == 2 * (3 * 96 * 6 + 3 - 1 - 7)  # +1 end reading per counter; 1 + 7 dropped
    part = Path("region=浙江/factory=G0001/year=2023/month=1/data_0.parquet")
    ta, tb, tc = (pq.read_table(x / "readings" / part) for x in (tmp_path / "a", tmp_path / "b", tmp_path / "c"))
    assert ta.schema.equals(iv.READING_SCHEMA) and ta.equals(tb) and not ta.equals(tc)
    meters = pq.read_table(tmp_path / "a" / "meters" / "region=浙江" / "factory=G0001" / "meters.parquet")
    assert meters.schema.equals(iv.METER_SCHEMA)
    events = pq.read_table(tmp_path / "a" / "events" / "region=浙江" / "factory=G0001" / "events.parquet")
    assert events.schema.equals(iv.EVENT_SCHEMA) and events["kind"].to_pylist() == ["replacement"]
    assert [fm.factory_id for fm in read_layout(tmp_path / "a").factories] == ["G0000", "G0001"]
    nodes = pq.read_table(tmp_path / "a" / "nodes" / "region=浙江" / "factory=G0001" / "nodes.parquet")
    assert nodes.schema.equals(iv.NODE_SCHEMA) and nodes.num_rows == 0  # the synthetic meters hang on no node
    assert all(fm.nodes.num_rows == 0 for fm in read_layout(tmp_path / "a").factories)
    with pytest.raises(InputError, match="not empty"):
        generate_region(tmp_path / "a", 1, 6, 1)


def test_generated_totals_match_the_readings_worked_by_hand(tmp_path: Path) -> None:
    root = tmp_path / "r"
    generate_region(root, 2, 6, 40, seed=3)
    totals = assess_layout(root, 2023, "duckdb")
    assert assess_layout(root, 2023, "duckdb", batch=1).monthly.equals(totals.monthly)  # one factory per run
    totals.monthly = totals.monthly.filter(pc.equal(totals.monthly["factory_id"], "G0000"))
    got = {(r["code"], r["period"]): r for r in totals.monthly.to_pylist()}
    jan, feb = _readings(root, "G0000", "江苏", 1), _readings(root, "G0000", "江苏", 2)
    feb1 = int(datetime(2023, 2, 1, tzinfo=TZ).timestamp())
    # interval register ×10, one reading (10:00 on 1 January) missing: 2975 intervals
    assert got[("GRID", "2023-01")]["value_exact"] == 10 * sum(v for _, v in jan["GRID"])
    assert got[("GRID", "2023-01")]["n_intervals"] == 31 * 96 - 1
    # the gas counter ×2.5 wraps once at 1,000,000 in January
    first, last = jan["GAS"][0][1], feb["GAS"][0][1]
    assert feb["GAS"][0][0] == feb1 and last < first
    assert got[("GAS", "2023-01")]["value_exact"] == Decimal("2.5") * (last - first + 1_000_000)
    assert got[("GAS", "2023-01")]["flags"] & iv.FLAG_ROLLOVER
    # M0003 replaced at 09:07 on 3 January: the old register up to 09:00, then the new one from 0
    event = int(datetime(2023, 1, 3, 9, 7, tzinfo=TZ).timestamp())
    before = [v for ts, v in jan["M0003"] if ts <= event]
    assert got[("M0003", "2023-01")]["value_exact"] == before[-1] - before[0] + feb["M0003"][0][1]
    assert got[("M0003", "2023-01")]["flags"] & iv.FLAG_REPLACEMENT
    # M0004's two-hour hole is not counted without estimation (8 intervals)
    assert got[("M0004", "2023-01")]["n_intervals"] == 31 * 96 - 8
    pv = [v for ts, v in jan["PV"] if datetime.fromtimestamp(ts, TZ).hour < 7]
    assert pv and not any(pv)  # photovoltaics read zero at night


def test_portfolio_of_an_exported_store_equals_the_region_view(demo_store: DemoStore, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZEROCARBON_DECLARED_DIR", str(demo_store.declared_dir))
    export_region(tmp_path / "l", demo_store.url, province="江苏")
    meta = json.loads((tmp_path / "l" / "layout.json").read_text(encoding="utf-8"))
    assert any(f.get("declared") for f in meta["factories"])  # the declared file travels with the layout
    totals = assess_layout(tmp_path / "l", demo_store.year, "duckdb", estimate="linear")
    seen: list[str] = []
    result = region_portfolio(totals, read_layout(tmp_path / "l"), progress=lambda n, t, fid: seen.append(fid))
    view = evaluate_region(None, demo_store.year, demo_store.url, province="江苏")
    assert [r["id"] for r in result["rows"]] == [r["id"] for r in view["rows"]] == seen
    assert DEMO_FACTORY in seen and DEMO_EMPTY in seen
    mine = {r["id"]: r for r in result["rows"]}
    assert "error" not in mine[DEMO_FACTORY] and mine[DEMO_FACTORY]["industry"] != "—"  # industry: declared file
    assert "error" in mine[DEMO_EMPTY]  # no meters, no data: the same located error as on the store
    assert result["rows"] == view["rows"]  # every figure, level, gap, rank and error
    assert {k: v for k, v in result.items() if k not in ("rows", "source")} == \
        {k: v for k, v in view.items() if k != "rows"}


def test_cli_generate_and_portfolio(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from zerocarbon.cli.main import app

    runner = CliRunner()
    res = runner.invoke(app, ["region", "generate", "--out", str(tmp_path / "g"), "--factories", "2", "--meters", "5",
                              "--days", "2", "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "generated 2 factories, 10 meters" in res.output
    res = runner.invoke(app, ["region", "assess", "--layout", str(tmp_path / "g"), "--year", "2023", "--estimate",
                              "linear", "--portfolio", str(tmp_path / "p.json"), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "inventory and verdict 2/2 G0001" in res.output
    rows = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))["rows"]
    assert [r["id"] for r in rows] == ["G0000", "G0001"] and all(Decimal(r["total_t"]) > 0 for r in rows)
    res = runner.invoke(app, ["region", "assess", "--layout", str(tmp_path / "g"), "--year", "2023", "--estimate",
                              "linear", "--portfolio", str(tmp_path / "p.xlsx")])
    assert res.exit_code == 0 and (tmp_path / "p.xlsx").stat().st_size > 0
    assert pc.sum(pc.equal(pq.read_table(tmp_path / "g" / "factories.parquet")["province"], "江苏")).as_py() == 1
