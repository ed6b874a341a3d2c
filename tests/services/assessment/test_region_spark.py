"""The region layout and its metered monthly totals on DuckDB and on Spark (issue 17).

A tiny synthetic region goes through the store's normal ingest path, is exported to the region layout
(``zerocarbon region export``) and assessed by both engines (``zerocarbon region assess``). The totals must be
identical, Decimal for Decimal, and equal to each factory's own metered year
(:func:`zerocarbon.services.metering.year.metered_year`), meter by meter and month by month; the expected
figures of two meters are also written out from the readings by hand.
"""

from __future__ import annotations

import shutil
from collections.abc import Generator, Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq

# PySpark is a test dependency (extras "test" and "spark"): a missing install fails here, never skips
import pyspark  # noqa: F401
import pytest

from zerocarbon.errors import InputError
from zerocarbon.ingest.pipeline import ingest_table, open_batch
from zerocarbon.model.metering import FactorySetup
from zerocarbon.services.assessment.region_engine import RegionTotals, assess_layout, write_totals
from zerocarbon.services.assessment.region_export import export_region
from zerocarbon.services.metering.year import metered_year
from zerocarbon.store.factories import save_factory_setup

TZ = ZoneInfo("Asia/Shanghai")
T0 = int(datetime(2023, 1, 26, tzinfo=TZ).timestamp())  # ten local days across a month's end
T1 = int(datetime(2023, 2, 5, tzinfo=TZ).timestamp())
Q = 900
GAP = int(datetime(2023, 1, 30, 10, tzinfo=TZ).timestamp())  # E1 misses this interval
HOLE = (int(datetime(2023, 2, 2, 3, tzinfo=TZ).timestamp()), int(datetime(2023, 2, 2, 5, tzinfo=TZ).timestamp()))
EVENT = int(datetime(2023, 2, 3, 9, 7, tzinfo=TZ).timestamp())  # R2's G2 is replaced (new register from 0)
FACTORIES = (("R1", "江苏"), ("R2", "江苏"), ("R3", "浙江"))
YEAR = 2023


def _setup(fid: str, province: str) -> FactorySetup:
    events = [{"meter": "G2", "ts": datetime.fromtimestamp(EVENT, TZ), "kind": "replacement", "old_final_value": None,
               "new_initial_value": 0}] if fid == "R2" else []
    return FactorySetup.model_validate({
        "events": events,
        "factory": {"id": fid, "name_zh": f"区域测试厂 {fid}", "province": province},
        "nodes": [{"code": "S", "kind": "site", "name_zh": "厂区"}],
        "meters": [
            {"code": "E1", "node": "S", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
             "multiplier": "10", "category": "electricity_purchased"},
            {"code": "E2", "node": "S", "carrier": "electricity", "unit": "kWh", "register_kind": "interval",
             "interval_seconds": 3600},
            {"code": "G1", "node": "S", "carrier": "natural_gas", "unit": "Nm3", "register_kind": "cumulative",
             "multiplier": "2.5", "rollover_at": 1000, "category": "fuel_combustion", "item": "天然气"},
            {"code": "G2", "node": "S", "carrier": "natural_gas", "unit": "Nm3", "register_kind": "cumulative"},
        ],
    })


def _e1(ts: int, k: int) -> float:
    return 1.25 + (ts // Q) % 7 * 0.5 + k


def _data(k: int) -> dict[str, list[object]]:
    """Readings of factory number ``k``: E1 with one missing interval, E2 hourly, G1 wrapping at 1000 (×2.5),
    G2 with a two-hour hole (a bridged gap)."""
    meter: list[object] = []
    ts_col: list[object] = []
    value: list[object] = []

    def add(code: str, ts: int, v: float) -> None:
        meter.append(code)
        ts_col.append(ts)
        value.append(v)

    g1, g2 = 990.0 - k, 50.0
    for ts in range(T0, T1 + 1, Q):
        if ts < T1:
            if ts != GAP:
                add("E1", ts, _e1(ts, k))
            if ts % 3600 == 0:
                add("E2", ts, 0.125 * (k + 1))
        add("G1", ts, g1)
        g1 = round((g1 + 0.75) % 1000, 6)
        if not HOLE[0] < ts < HOLE[1]:
            add("G2", ts, g2)
        g2 = round(0.2 * (k + 1) if k == 1 and ts == EVENT - EVENT % Q else g2 + 0.2 * (k + 1), 6)
    return {"meter": meter, "ts": ts_col, "value": value}


def _load(url: str) -> None:
    for k, (fid, province) in enumerate(FACTORIES):
        save_factory_setup(_setup(fid, province), url)
        batch = open_batch("test", f"meters {fid}", url=url, factory_id=fid)
        report = ingest_table(_data(k), fid, batch, "test", url, now=T1 + 86_400)
        assert report.rejected == 0


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An SQLite store with the region, and its export."""
    from zerocarbon.store.db import get_engine, migrate

    root = tmp_path_factory.mktemp("region")
    url = f"sqlite:///{root / 'store.db'}"
    migrate(url)
    _load(url)
    summary = export_region(root / "layout", url)
    assert [f["factory_id"] for f in summary.factories] == ["R1", "R2", "R3"]
    yield url, root / "layout"
    get_engine(url).dispose()


@pytest.fixture(scope="module")
def spark() -> Generator[object, None, None]:
    from zerocarbon.timeseries.dialects_spark import spark_session

    session = spark_session("local[1]", shuffle_partitions=2, extra={"spark.ui.showConsoleProgress": "false"})
    yield session
    session.stop()


def _own(url: str, estimate: str | None) -> dict[tuple[str, str, str], tuple[Decimal | None, int, int, int, int]]:
    """Each factory's own metered year, per meter and month (real meters)."""
    out = {}
    for fid, _ in FACTORIES:
        my = metered_year(fid, YEAR, url, estimate=estimate)  # type: ignore[arg-type]
        codes = dict(zip(my.factory.meters["meter_id"].to_pylist(), my.factory.meters["code"].to_pylist(),
                         strict=True))
        for r in my.monthly().to_pylist():
            out[(fid, codes[r["meter_id"]], r["period"])] = (r["value_exact"], r["n_intervals"], r["n_null"],
                                                             r["n_estimated"], r["flags"])
    return out


def _rows(t: RegionTotals) -> dict[tuple[str, str, str], tuple[Decimal | None, int, int, int, int]]:
    return {(r["factory_id"], r["code"], r["period"]): (r["value_exact"], r["n_intervals"], r["n_null"],
                                                        r["n_estimated"], r["flags"]) for r in t.monthly.to_pylist()}


def test_layout_is_partitioned(region: tuple[str, Path]) -> None:
    _, layout = region
    parts = sorted(str(p.parent.relative_to(layout / "readings")) for p in (layout / "readings").rglob("*.parquet"))
    assert parts == [f"region={p}/factory={f}/year=2023/month={m}" for f, p in FACTORIES for m in (1, 2)]
    meters = pq.read_table(layout / "meters" / "region=浙江" / "factory=R3" / "meters.parquet")
    assert sorted(meters["code"].to_pylist()) == ["E1", "E2", "G1", "G2"]


@pytest.mark.slow  # a local Spark session (~10 s) and two runs of the script on it (~30 s cold, ~13 s warm)
@pytest.mark.parametrize("estimate", [None, "linear"])
def test_engines_agree_exactly_with_the_metered_year(region: tuple[str, Path], spark: object,
                                                     estimate: str | None) -> None:
    url, layout = region
    duck = assess_layout(layout, YEAR, "duckdb", estimate=estimate)  # type: ignore[arg-type]
    on_spark = assess_layout(layout, YEAR, "spark", spark=spark, estimate=estimate)  # type: ignore[arg-type]
    own = _own(url, estimate)
    assert len(own) == 3 * 4 * 2
    assert _rows(duck) == own
    assert _rows(on_spark) == own
    assert duck.monthly.equals(on_spark.monthly)
    # per meter a gap before and after the ten days; E1's missing interval and G2's hole in each factory
    assert duck.gaps.to_pylist() == on_spark.gaps.to_pylist() and duck.gaps.num_rows == 3 * (4 * 2 + 2)
    assert duck.factory_totals() == on_spark.factory_totals()
    # by hand: E1 of R1 in local January (×10, one missing interval); G1 of R2 in February (0.75 × 2.5 per
    # interval across the wrap at 1000)
    jan = sum((Decimal(repr(_e1(ts, 0))) * 10 for ts in range(T0, int(datetime(2023, 2, 1, tzinfo=TZ).timestamp()), Q)
               if ts != GAP), Decimal(0))
    assert duck.exact()[("R1", "E1", "2023-01")] == jan
    feb = (T1 - int(datetime(2023, 2, 1, tzinfo=TZ).timestamp())) // Q
    assert on_spark.exact()[("R2", "G1", "2023-02")] == Decimal("1.875") * feb
    # G2 of R3 counts 0.6 per interval; its two-hour hole (8 intervals) is counted only when estimated
    missing = 0 if estimate == "linear" else 8
    assert on_spark.exact()[("R3", "G2", "2023-02")] == Decimal("0.6") * (feb - missing)
    # R2's G2 across its replacement: the new register's first reading is the interval's consumption
    assert on_spark.exact()[("R2", "G2", "2023-02")] == Decimal("0.4") * (feb - missing)
    flags = {(r["code"], r["period"]): r["flags"] for r in on_spark.monthly.to_pylist() if r["factory_id"] == "R2"}
    assert flags[("G2", "2023-02")] & 4 and flags[("G1", "2023-01")] & 2  # FLAG_REPLACEMENT; G1 wraps on 26 January


def test_export_refuses_a_used_folder(region: tuple[str, Path]) -> None:
    url, layout = region
    with pytest.raises(InputError, match="not empty"):
        export_region(layout, url)


def test_export_from_either_store_gives_the_same_totals(store_url: str, tmp_path: Path) -> None:
    _load(store_url)
    export_region(tmp_path / "layout", store_url, province="江苏")
    totals = assess_layout(tmp_path / "layout", YEAR, "duckdb")
    own = {k: v for k, v in _own(store_url, None).items() if k[0] in ("R1", "R2")}
    assert _rows(totals) == own
    out = write_totals(totals, tmp_path / "totals.csv")
    assert out.read_text(encoding="utf-8").count("\n") == len(own) + 1
    shutil.rmtree(tmp_path / "layout")


def test_cli_export_and_assess(region: tuple[str, Path], tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from zerocarbon.cli.main import app

    url, _ = region
    runner = CliRunner()
    res = runner.invoke(app, ["region", "export", "--out", str(tmp_path / "l"), "--province", "浙江", "--db", url,
                              "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "exported 1 factories" in res.output
    res = runner.invoke(app, ["region", "assess", "--layout", str(tmp_path / "l"), "--year", str(YEAR),
                              "--engine", "duckdb", "--out", str(tmp_path / "t.json"), "--lang", "en"])
    assert res.exit_code == 0, res.output
    import json

    data = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    own = _own(url, None)
    assert {(r["factory_id"], r["code"], r["period"]): Decimal(r["value_exact"]) for r in data["monthly"]} == \
        {k: v[0] for k, v in own.items() if k[0] == "R3"}
    res = runner.invoke(app, ["region", "assess", "--layout", str(tmp_path / "nowhere"), "--year", "2023"])
    assert res.exit_code == 2 and "layout.json" in res.output


@pytest.mark.slow  # one more run of the script on the module's Spark session (~15 s warm)
def test_generated_region_portfolio_is_the_same_on_both_engines(spark: object, tmp_path: Path) -> None:
    from zerocarbon.services.assessment.region_engine import read_layout
    from zerocarbon.services.assessment.region_generate import generate_region
    from zerocarbon.services.assessment.region_portfolio import region_portfolio

    generate_region(tmp_path / "g", 3, 6, 35, seed=5)  # 3 factories × 6 meters, 35 days: two local months
    duck = assess_layout(tmp_path / "g", YEAR, "duckdb", estimate="linear")
    on_spark = assess_layout(tmp_path / "g", YEAR, "spark", spark=spark, estimate="linear")  # type: ignore[arg-type]
    assert duck.monthly.num_rows == 3 * 6 * 2 and duck.monthly.equals(on_spark.monthly)
    assert duck.gaps.to_pylist() == on_spark.gaps.to_pylist()
    layout = read_layout(tmp_path / "g")
    a, b = region_portfolio(duck, layout), region_portfolio(on_spark, layout)
    assert [r["id"] for r in a["rows"]] == ["G0000", "G0001", "G0002"] and not any("error" in r for r in a["rows"])
    assert a["rows"] == b["rows"] and Decimal(a["rows"][0]["total_t"]) > 0


@pytest.mark.slow  # one more run of the script and the hour roll-up on the module's Spark session (~15 s warm)
def test_generated_region_hours_and_carbon_are_the_same_on_both_engines(spark: object, tmp_path: Path) -> None:
    from zerocarbon.services.assessment.region_factors import read_grid_factors
    from zerocarbon.services.assessment.region_generate import generate_region

    generate_region(tmp_path / "g", 2, 6, 35, seed=5)  # 2 factories × 6 meters, 35 days: two local months
    hours = ("2023-01-01T00:00+08:00,0.5703", "2023-01-01T10:00+08:00,0.612345", "2023-02-01T13:00+08:00,0.000001")
    (tmp_path / "f.csv").write_text("ts,factor,source\n" + "".join(f"{h},made-up test value\n" for h in hours),
                                    encoding="utf-8")
    factors = read_grid_factors(tmp_path / "f.csv")
    duck = assess_layout(tmp_path / "g", YEAR, "duckdb", estimate="linear", hourly=True, grid_factors=factors)
    on_spark = assess_layout(tmp_path / "g", YEAR, "spark", spark=spark, estimate="linear",  # type: ignore[arg-type]
                             hourly=True, grid_factors=factors)
    assert duck.hourly is not None and on_spark.hourly is not None
    assert on_spark.hourly.num_rows == 2 * 6 * 35 * 24 and duck.hourly.equals(on_spark.hourly)
    assert duck.monthly.equals(on_spark.monthly)
    # Σ hours = the month, per meter and month (pyarrow's exact decimal sums; every hour is exact here)
    assert on_spark.hourly["value_exact"].null_count == 0
    sums = on_spark.hourly.group_by(["factory_id", "code", "period"]).aggregate([("value_exact", "sum"),
                                                                                  ("n_intervals", "sum")])
    assert {(r["factory_id"], r["code"], r["period"]): (r["value_exact_sum"], r["n_intervals_sum"])
            for r in sums.to_pylist()} == {(r["factory_id"], r["code"], r["period"]): (r["value_exact"],
                                                                                       r["n_intervals"])
                                           for r in on_spark.monthly.to_pylist()}
    assert on_spark.hourly["co2_t"].null_count == on_spark.hourly.num_rows - 2 * 3  # 3 factor hours per factory
    assert duck.carbon_totals() == on_spark.carbon_totals()



def test_virtual_meters_are_the_same_on_spark(spark: object, tmp_path: Path) -> None:
    """The virtual meters (V = E1 − SUB with a unit conversion, W = 0.5·V + 2·SUB after it, T = sum(children)) of
    ``test_region_virtual``'s layout: Spark gives DuckDB's monthly rows, which equal the metered year's."""
    from tests.services.assessment import test_region_virtual as tv

    from zerocarbon.store.db import get_engine

    url, layout = tv.build_region(tmp_path)
    try:
        duck = assess_layout(layout, YEAR, "duckdb")
        on_spark = assess_layout(layout, YEAR, "spark", spark=spark)  # type: ignore[arg-type]
        assert duck.monthly.equals(on_spark.monthly)
        got = tv.region_months(on_spark)
        assert {c for _, c, _ in got} == {"E1", "SUB", "V", "W", "T"} and got == tv.own_months(url)
    finally:
        get_engine(url).dispose()
