"""Use case: the metered monthly totals of every factory of a region, from the region layout, by DuckDB or Spark
(``zerocarbon region assess --engine duckdb|spark``).

One definition, two engines: the interval SQL of :mod:`zerocarbon.timeseries.intervals` (the script of
:func:`~zerocarbon.timeseries.intervals.interval_script` with ``lean=True``, then
:func:`~zerocarbon.timeseries.intervals.values_sql`), the month roll-up :data:`MONTHLY_SQL` and the readings
selection :data:`READINGS_SQL` below are written once in DuckDB's dialect; DuckDB runs them as they are, Spark
runs them transpiled (:mod:`zerocarbon.timeseries.dialects_spark`). Every total is an exact decimal
(DECIMAL(38,12), summed in decimal arithmetic, so the order of summation does not matter) and is tested equal,
Decimal for Decimal, between the engines and against the factory's own metered year
(:func:`zerocarbon.services.metering.year.metered_year`).

What is the same as the metered year, per factory: the window (the local calendar year), the readings read
(``margins``: one day and one interval before and after the year; eight days before with ``estimate="profile"``),
the interval rules, the month roll-up (sums of exact values; a month with an interval that has no exact value
has no exact total). With ``hourly=True`` also the hour roll-up per meter and local hour and, given an hourly grid
factor table, the hourly carbon of purchased electricity (:mod:`zerocarbon.timeseries.hourly_sql`, the same one
definition run by both engines). Virtual meters are evaluated per interval by the one SQL definition of
:mod:`zerocarbon.timeseries.virtual_sql` and rolled up with the real ones. Not here: the inventory and indicators.

Factories are run together, one script per time zone (the window is a local year), so a region of many
factories is one Spark job per statement, not one per factory.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from zerocarbon.errors import InputError
from zerocarbon.services.assessment.region_export import LAYOUT_FORMAT
from zerocarbon.timeseries import hourly_sql as hs
from zerocarbon.timeseries import intervals as iv
from zerocarbon.timeseries.carbon import year_bounds
from zerocarbon.timeseries.dialects import transpile
from zerocarbon.timeseries.virtual_sql import add_virtual
from zerocarbon.timeseries.year import FactoryMeters, margins
from zerocarbon.units import conversion_factor

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

Engine = Literal["duckdb", "spark"]
Progress = Callable[[str], None]

#: The readings of the run: the layout's readings of the factories in ``reads`` inside each factory's window
#: [lo, hi) [s, UTC] (the metered year's margins). ``years`` are the local-year partitions that can hold them and
#: ``factories`` the factory partitions, as literals so that both engines can prune the partitions without relying
#: on the join being pushed down to the scan (a run in batches reads only its batch's files).
READINGS_SQL = """
SELECT p.meter_id, p.ts, p.value, p.flags
FROM readings_all p JOIN reads w ON w.factory = p.factory
WHERE p.year IN ({years}) AND p.factory IN ({factories}) AND p.ts >= w.lo AND p.ts < w.hi"""

#: The month roll-up of the intervals (``values_sql(lean=True)``) per meter: the exact sum (null when an
#: interval of the month has a value but no exact value), the counts, the flags; ``max_end`` checks that no
#: interval runs past its month. ``months`` holds each local month [p_start, p_end) [s, UTC] and its label.
MONTHLY_SQL = """
SELECT b.meter_id, p.period, p.p_start AS ts, p.p_end AS ts_end,
       CAST(CASE WHEN count(b.value) = count(b.value_exact) THEN sum(b.value_exact) END AS DECIMAL(38,12))
         AS value_exact,
       count(b.value) AS n_intervals, count(*) - count(b.value) AS n_null,
       count(CASE WHEN b.flags & {f_est} <> 0 THEN 1 END) AS n_estimated,
       bit_or(b.flags) AS flags, max(b.ts_end) AS max_end
FROM ({values}) b JOIN months p ON b.ts >= p.p_start AND b.ts < p.p_end
GROUP BY b.meter_id, p.period, p.p_start, p.p_end"""

MONTHLY_SCHEMA = pa.schema([("meter_id", pa.int64()), ("period", pa.string()), ("ts", pa.int64()),
                            ("ts_end", pa.int64()), ("value_exact", iv.EXACT_TYPE), ("n_intervals", pa.int64()),
                            ("n_null", pa.int64()), ("n_estimated", pa.int64()), ("flags", pa.int64()),
                            ("max_end", pa.int64())])
_MONTHS_SCHEMA = pa.schema([("period", pa.string()), ("p_start", pa.int64()), ("p_end", pa.int64())])
_READS_SCHEMA = pa.schema([("factory", pa.string()), ("lo", pa.int64()), ("hi", pa.int64())])
_METER_INFO = ("code", "carrier", "energy_unit", "category", "item")


class _Runner(Protocol):
    def table(self, name: str, data: pa.Table) -> None: ...
    def view(self, name: str, select: str) -> None: ...
    def script(self, sql: str) -> None: ...
    def fetch(self, sql: str, schema: pa.Schema) -> pa.Table: ...


class _Duck:
    """The canonical dialect, run as it is by a private in-memory DuckDB."""

    def __init__(self, readings_dir: Path) -> None:
        self.con = duckdb.connect()
        glob = str(readings_dir / "**" / "*.parquet").replace("'", "''")
        self.con.execute(f"CREATE VIEW readings_all AS SELECT * FROM read_parquet('{glob}', hive_partitioning = true, "
                         "hive_types_autocast = false)")

    def table(self, name: str, data: pa.Table) -> None:
        self.con.register(name, data)

    def view(self, name: str, select: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {select}")

    def script(self, sql: str) -> None:  # run again per batch and time zone: the tables are replaced
        self.con.execute(sql.replace("CREATE TEMP TABLE", "CREATE OR REPLACE TEMP TABLE")
                         .replace("CREATE TEMP VIEW", "CREATE OR REPLACE TEMP VIEW"))

    def fetch(self, sql: str, schema: pa.Schema) -> pa.Table:
        return iv.fetch(self.con, sql, schema)


class _Spark:
    """The canonical dialect transpiled to Spark SQL (:mod:`zerocarbon.timeseries.dialects_spark`)."""

    def __init__(self, spark: SparkSession, readings_dir: Path) -> None:
        from zerocarbon.timeseries import dialects_spark as ds

        self.ds = ds
        self.spark = spark
        spark.read.parquet(str(readings_dir)).createOrReplaceTempView("readings_all")

    def table(self, name: str, data: pa.Table) -> None:
        self.ds.arrow_view(self.spark, name, data)

    def view(self, name: str, select: str) -> None:
        (statement,) = transpile(select, "spark")
        self.spark.sql(statement).createOrReplaceTempView(name)

    def script(self, sql: str) -> None:
        self.ds.run_script_spark(self.spark, sql)

    def fetch(self, sql: str, schema: pa.Schema) -> pa.Table:
        return self.ds.fetch_spark(self.spark, sql, schema)


@dataclass(frozen=True)
class Layout:
    """A region layout (:mod:`zerocarbon.services.assessment.region_export`) as the engines take it."""

    root: Path
    factories: list[FactoryMeters]
    meter_factory: dict[int, str]
    #: factory id → its declared activity file in the layout (factories without one are not listed)
    declared: dict[str, Path] = field(default_factory=dict)


def read_layout(root: Path, factory_ids: list[str] | None = None) -> Layout:
    """The factories, meters, nodes and events of the layout in ``root`` (the readings stay in their Parquet files)."""
    meta_path = root / "layout.json"
    if not meta_path.is_file():
        raise InputError(f"{root} 不是区域数据目录（缺少 layout.json）",
                         f"{root} is not a region layout (no layout.json)", file=str(meta_path))
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("format") != LAYOUT_FORMAT:
        raise InputError(f"区域数据格式 {meta.get('format')!r} 不受支持",
                         f"unsupported layout format {meta.get('format')!r}", file=str(meta_path), field="format",
                         expected=LAYOUT_FORMAT)
    out: list[FactoryMeters] = []
    owner: dict[int, str] = {}
    declared: dict[str, Path] = {}
    for f in meta["factories"]:
        fid = str(f["factory_id"])
        if factory_ids is not None and fid not in factory_ids:
            continue
        part = f"region={f['province']}/factory={fid}"
        meters = iv.conform(pq.read_table(root / "meters" / part / "meters.parquet"), iv.METER_SCHEMA)
        events = iv.conform(pq.read_table(root / "events" / part / "events.parquet"), iv.EVENT_SCHEMA)
        # the node tree (for sum(children)); a layout written before it was exported has none
        nodes = (iv.conform(pq.read_table(root / str(f["nodes"])), iv.NODE_SCHEMA) if f.get("nodes")
                 else iv.NODE_SCHEMA.empty_table())
        for i in meters["meter_id"].to_pylist():
            if i in owner:
                raise InputError(f"计量表 id {i} 同时属于 {owner[i]} 和 {fid}",
                                 f"meter id {i} belongs to both {owner[i]} and {fid}", file=str(root / "meters"),
                                 field="meter_id")
            owner[int(i)] = fid
        if f.get("declared"):
            declared[fid] = root / str(f["declared"])
        out.append(FactoryMeters(fid, str(f["name_zh"]), str(f["name_en"]), str(f["province"]), str(f["timezone"]),
                                 meters, nodes, events))
    if factory_ids is not None:
        missing = sorted(set(factory_ids) - {fm.factory_id for fm in out})
        if missing:
            raise InputError(f"区域数据中没有工厂：{', '.join(missing)}", f"no such factory in the layout: "
                             f"{', '.join(missing)}", file=str(meta_path), field="factory_id")
    return Layout(root, out, owner, declared)


def month_table(year: int, tz: str) -> pa.Table:
    """The local months of ``year`` in ``tz``: label ``YYYY-MM`` and [p_start, p_end) [s since epoch, UTC]."""
    zone = ZoneInfo(tz)
    starts = [int(datetime(year + (m - 1) // 12, (m - 1) % 12 + 1, 1, tzinfo=zone).timestamp()) for m in range(1, 14)]
    return pa.table({"period": [f"{year}-{m:02d}" for m in range(1, 13)], "p_start": starts[:-1],
                     "p_end": starts[1:]}, schema=_MONTHS_SCHEMA)


@dataclass
class RegionTotals:
    """Per factory, meter and local month of one year: the metered total, exact [the meter's energy unit].

    ``monthly`` has the columns of :data:`MONTHLY_SCHEMA` (without ``max_end``) plus ``factory_id`` and the
    meter's ``code``, ``carrier``, ``energy_unit``, ``category`` and ``item``; ``gaps`` and ``unused`` are the
    interval SQL's, with ``factory_id``. Virtual meters are included (:mod:`zerocarbon.timeseries.virtual_sql`).
    """

    year: int
    engine: Engine
    estimate: iv.Estimate | None
    monthly: pa.Table
    gaps: pa.Table
    unused: pa.Table
    factories: list[dict[str, str]]
    seconds: float
    method: dict[str, str] = field(default_factory=dict)
    #: with ``hourly=True``: per meter and local hour, :data:`~zerocarbon.timeseries.hourly_sql.HOURLY_SCHEMA`
    #: (without ``max_end``) plus ``factory_id`` and the meter columns, as ``monthly``; the carbon columns are null
    #: but for purchased electricity with a factor for the hour
    hourly: pa.Table | None = None

    def carbon_totals(self) -> list[dict[str, Any]]:
        """Per factory and month: Σ co2_t [tCO2] of the hourly carbon (exact; None when an hour of a purchased
        electricity meter has no exact consumption or no factor) and the number of such hours without a figure."""
        acc: dict[tuple[str, str], dict[str, Any]] = {}
        for r in (self.hourly.to_pylist() if self.hourly is not None else []):
            if r["category"] != "electricity_purchased":
                continue
            a = acc.setdefault((r["factory_id"], r["period"]), {"co2_t": Decimal(0), "hours": 0, "hours_missing": 0})
            a["hours"] += 1
            if r["co2_t"] is None:
                a["hours_missing"] += 1
                a["co2_t"] = None
            elif a["co2_t"] is not None:
                a["co2_t"] += r["co2_t"]
        return [{"factory_id": f, "period": p, **v} for (f, p), v in sorted(acc.items())]

    def exact(self) -> dict[tuple[str, str, str], Decimal | None]:
        """(factory id, meter code, period) → the exact monthly total (None when not exact)."""
        return {(r["factory_id"], r["code"], r["period"]): r["value_exact"] for r in self.monthly.to_pylist()}

    def factory_totals(self) -> list[dict[str, Any]]:
        """Per factory, carrier and energy unit: the year's exact total over its real meters (None when a month of
        one of them has no exact total), the number of meter-months and of missing intervals' months."""
        acc: dict[tuple[str, str, str], dict[str, Any]] = defaultdict(
            lambda: {"value_exact": Decimal(0), "months": 0, "n_intervals": 0, "n_null": 0, "n_estimated": 0})
        for r in self.monthly.to_pylist():
            a = acc[(r["factory_id"], r["carrier"], r["energy_unit"])]
            a["value_exact"] = None if a["value_exact"] is None or r["value_exact"] is None else \
                a["value_exact"] + r["value_exact"]
            a["months"] += 1
            for k in ("n_intervals", "n_null", "n_estimated"):
                a[k] += int(r[k])
        return [{"factory_id": f, "carrier": c, "energy_unit": u, **v} for (f, c, u), v in sorted(acc.items())]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON (exact values as decimal strings)."""
        def plain(row: dict[str, Any]) -> dict[str, Any]:
            return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items()}
        return {"year": self.year, "engine": self.engine, "estimate": self.estimate, "method": self.method,
                "seconds": round(self.seconds, 3), "factories": self.factories,
                "monthly": [plain(r) for r in self.monthly.to_pylist()],
                "factory_totals": [plain(r) for r in self.factory_totals()],
                "gaps": self.gaps.to_pylist(), "unused": self.unused.to_pylist(),
                **({"hourly_carbon": [plain(r) for r in self.carbon_totals()]} if self.hourly is not None else {})}


METHOD = {
    "intervals": "zerocarbon.timeseries.intervals (interval registers × multiplier; counter differences with "
                 "roll-over and meter events; gaps listed, estimated only when asked)",
    "exact": "DECIMAL(38,12) sums of readings with at most 6 decimals; a month with an inexact interval has no total",
    "months": "local calendar months of the factory's time zone, half-open [start, end)",
    "scope": "real and virtual meters (zerocarbon.timeseries.virtual_sql); inventory and indicators not here",
}
HOURLY_METHOD = {
    "hours": "local hours of each local month [p_start + k·3600, +3600), DECIMAL(38,12) sums of the intervals' "
             "exact values (zerocarbon.timeseries.hourly_sql.HOURLY_SQL)",
    "carbon": "meters of category electricity_purchased (location-based): consumption × exact unit conversion to "
              "MWh × the hour's grid factor [tCO2/MWh] of the given file, DECIMAL(38,24) without rounding; other "
              "meters and hours without a factor have no carbon figure",
}


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _window(fm: FactoryMeters, year: int, estimate: iv.Estimate | None) -> tuple[int, int]:
    start, end = year_bounds(year, fm.timezone)
    before, after = margins(fm, estimate)
    return start - before, end + after


def _years(lo: int, hi: int, tz: str) -> list[int]:
    zone = ZoneInfo(tz)
    return list(range(datetime.fromtimestamp(lo, zone).year, datetime.fromtimestamp(hi - 1, zone).year + 1))


def assess_layout(root: Path, year: int, engine: Engine = "duckdb", *, spark: SparkSession | None = None,
                  master: str | None = None, estimate: iv.Estimate | None = None,
                  factory_ids: list[str] | None = None, progress: Progress | None = None,
                  batch: int | None = None, hourly: bool = False,
                  grid_factors: pa.Table | None = None) -> RegionTotals:
    """The metered monthly totals of every factory (or ``factory_ids``) of the layout in ``root`` for ``year``.

    ``engine="spark"`` runs on ``spark`` (a session from
    :func:`zerocarbon.timeseries.dialects_spark.spark_session`); when None, a session is created for the run
    on ``master`` (a Spark master URL; None: from the environment) and stopped after it.
    ``progress(message)`` is called per step. ``batch`` runs at most that many factories per script (None: all
    the factories of a time zone at once): the memory of a run is bounded by a batch's readings, at the cost of
    one script (about fifteen statements, each a Spark job) per batch.
    ``hourly=True`` adds the hour roll-up (:attr:`RegionTotals.hourly`) and, with ``grid_factors``
    (:data:`~zerocarbon.timeseries.hourly_sql.GRID_FACTOR_SCHEMA`, from
    :func:`zerocarbon.services.assessment.region_factors.read_grid_factors`), the hourly carbon of purchased
    electricity.
    """
    if engine not in ("duckdb", "spark"):
        raise InputError(f"未知计算引擎 {engine!r}", f"unknown engine {engine!r}", field="engine",
                         expected="duckdb | spark")
    if estimate not in (None, "linear"):
        raise InputError(f"区域计算不支持估算方式 {estimate!r}", f"estimate {estimate!r} is not supported for a region",
                         field="estimate", expected="none | linear")
    factors = _hours(hourly, grid_factors)
    layout = read_layout(root, factory_ids)
    readings_dir = root / "readings"
    if not any(readings_dir.rglob("*.parquet")):
        raise InputError(f"{readings_dir} 中没有读数", f"no readings in {readings_dir}", file=str(readings_dir))
    t0 = time.perf_counter()
    if engine == "spark" and spark is None:
        from zerocarbon.timeseries.dialects_spark import spark_session

        own = spark_session(master)
        try:
            return _assess(layout, year, _Spark(own, readings_dir), engine, estimate, progress, t0, batch, factors)
        finally:
            own.stop()
    runner: _Runner = _Spark(spark, readings_dir) if spark is not None and engine == "spark" else _Duck(readings_dir)
    try:
        return _assess(layout, year, runner, engine, estimate, progress, t0, batch, factors)
    finally:
        if isinstance(runner, _Duck):
            runner.con.close()


def _hours(hourly: bool, grid_factors: pa.Table | None) -> pa.Table | None:
    """The grid factors of an hourly run (empty without a file), None without ``hourly``."""
    if grid_factors is not None and not hourly:
        raise InputError("小时电网排放因子仅用于小时汇总（--hourly）", "hourly grid factors need the hourly roll-up "
                         "(--hourly)", field="hourly_factors")
    if not hourly:
        return None
    return hs.GRID_FACTOR_SCHEMA.empty_table() if grid_factors is None else iv.conform(grid_factors,
                                                                                        hs.GRID_FACTOR_SCHEMA)


def grid_meters(meters: pa.Table) -> pa.Table:
    """The purchased electricity meters of ``meters`` (category ``electricity_purchased``) and their exact
    conversion to MWh (:data:`~zerocarbon.timeseries.hourly_sql.GRID_METER_SCHEMA`); a meter whose energy unit is not
    an energy convertible to MWh with at most 6 decimals is an error."""
    ids, factors = [], []
    for r in meters.select(["meter_id", "code", "category", "energy_unit"]).to_pylist():
        if r["category"] != "electricity_purchased":
            continue
        try:
            k = conversion_factor(str(r["energy_unit"]), "MWh")
        except InputError:
            k = None
        if k is None or k != k.quantize(Decimal("0.000001")):
            raise InputError(f"外购电表 {r['code']} 的单位 {r['energy_unit']} 无法精确换算为 MWh",
                             f"purchased electricity meter {r['code']}: unit {r['energy_unit']} does not convert "
                             "exactly to MWh", field="energy_unit", expected="kWh | MWh | Wh | GWh")
        ids.append(int(r["meter_id"]))
        factors.append(k.quantize(Decimal("0.000001")))
    return pa.table({"meter_id": ids, "to_mwh": factors}, schema=hs.GRID_METER_SCHEMA)


def _assess(layout: Layout, year: int, runner: _Runner, engine: Engine, estimate: iv.Estimate | None,
            progress: Progress | None, t0: float, batch: int | None = None,
            factors: pa.Table | None = None) -> RegionTotals:
    readings_dir = layout.root / "readings"
    by_zone: dict[str, list[FactoryMeters]] = defaultdict(list)
    for fm in layout.factories:
        by_zone[fm.timezone].append(fm)
    if batch is not None and batch < 1:
        raise InputError(f"每批工厂数须 ≥ 1：{batch}", f"the batch must hold at least one factory: {batch}",
                         field="batch", expected="≥ 1")
    batches = [(tz, group[i:i + (batch or len(group))]) for tz, group in sorted(by_zone.items())
               for i in range(0, len(group), batch or len(group))]
    monthly, gaps, unused, hours = [], [], [], []
    if factors is not None:
        runner.table("grid_factors", factors)
    for tz, group in batches:
        if progress is not None:
            progress(f"{tz}: {len(group)} factories ({group[0].factory_id}…{group[-1].factory_id})")
        windows = {fm.factory_id: _window(fm, year, estimate) for fm in group}
        reads = pa.table({"factory": list(windows), "lo": [w[0] for w in windows.values()],
                          "hi": [w[1] for w in windows.values()]}, schema=_READS_SCHEMA)
        years = sorted({y for fm in group for y in _years(*windows[fm.factory_id], fm.timezone)})
        runner.table("reads", reads)
        runner.table("months", month_table(year, tz))
        runner.table("m", pa.concat_tables([fm.meters for fm in group]))
        runner.table("e0", pa.concat_tables([fm.events for fm in group]))
        runner.view("r0", READINGS_SQL.format(years=", ".join(f"'{y}'" for y in years),
                                              factories=", ".join(_literal(fm.factory_id) for fm in group)))
        start, end = year_bounds(year, tz)
        runner.script(iv.interval_script(start=start, end=end, estimate=estimate, lean=True))
        values = add_virtual(runner, [(fm.meters, fm.nodes) for fm in group], iv.values_sql(lean=True))
        if progress is not None:
            progress(f"{tz}: intervals done")
        monthly.append(runner.fetch(MONTHLY_SQL.format(values=values, f_est=iv.FLAG_ESTIMATED),
                                    MONTHLY_SCHEMA))
        gaps.append(runner.fetch(iv.GAPS_SQL, iv.GAP_SCHEMA))
        unused.append(runner.fetch(iv.UNUSED_SQL, iv.UNUSED_SCHEMA))
        if factors is not None:
            runner.table("grid_meters", grid_meters(pa.concat_tables([fm.meters for fm in group])))
            runner.script(hs.hourly_script(values=values))
            hours.append(runner.fetch(hs.HOURLY_CARBON_SQL, hs.HOURLY_SCHEMA))
            if progress is not None:
                progress(f"{tz}: hours done")
    table = pa.concat_tables(monthly)
    past = pc.sum(pc.cast(pc.greater(table["max_end"], table["ts_end"]), pa.int64())).as_py() or 0
    if past:
        raise InputError(f"{past} 个月份中有区间跨越月末",
                         f"{past} month(s) hold an interval that runs past the month's end: roll up intervals that "
                         "fit inside local months", file=str(readings_dir))
    hourly = None
    if factors is not None:
        hourly = pa.concat_tables(hours)
        past = pc.sum(pc.cast(pc.greater(hourly["max_end"], hourly["ts_end"]), pa.int64())).as_py() or 0
        if past:
            raise InputError(f"{past} 个小时中有区间跨越整点", f"{past} hour(s) hold an interval that runs past the "
                             "hour's end: the hourly roll-up needs intervals of an hour or less",
                             file=str(readings_dir))
        hourly = _with_meters(hourly.drop_columns(["max_end"]), layout)
    return RegionTotals(year, engine, estimate, _with_meters(table.drop_columns(["max_end"]), layout),
                        _with_factory(pa.concat_tables(gaps), layout), _with_factory(pa.concat_tables(unused), layout),
                        [{"factory_id": fm.factory_id, "name_zh": fm.name_zh, "name_en": fm.name_en,
                          "province": fm.province, "timezone": fm.timezone} for fm in layout.factories],
                        time.perf_counter() - t0, {**METHOD, **(HOURLY_METHOD if hourly is not None else {})},
                        hourly)


def _with_factory(table: pa.Table, layout: Layout) -> pa.Table:
    ids = [layout.meter_factory.get(int(i)) for i in table["meter_id"].to_pylist()]
    return table.add_column(0, "factory_id", pa.array(ids, pa.string()))


def _with_meters(table: pa.Table, layout: Layout) -> pa.Table:
    info: dict[int, dict[str, Any]] = {}
    for fm in layout.factories:
        for r in fm.meters.select(["meter_id", *_METER_INFO]).to_pylist():
            info[int(r["meter_id"])] = r
    table = _with_factory(table, layout)
    rows = sorted(zip(table["factory_id"].to_pylist(), table["meter_id"].to_pylist(), table["ts"].to_pylist(),
                      range(table.num_rows), strict=True))
    table = table.take(pa.array([r[3] for r in rows], pa.int64()))
    ids = table["meter_id"].to_pylist()
    for k, name in enumerate(_METER_INFO):
        table = table.add_column(2 + k, name, pa.array([info[int(i)][name] for i in ids], pa.string()))
    return table


def write_totals(totals: RegionTotals, out: Path) -> Path:
    """``totals`` as JSON (``.json``) or the monthly rows as CSV (any other suffix; exact values as written)."""
    if out.suffix.lower() == ".json":
        out.write_text(json.dumps(totals.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
        return out
    import csv

    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(totals.monthly.column_names)
        for row in totals.monthly.to_pylist():
            writer.writerow(["" if v is None else str(v) for v in row.values()])
    return out


def write_hourly(totals: RegionTotals, out: Path) -> Path:
    """The hourly rows (and carbon) of ``totals`` as Parquet (exact decimals kept), or CSV for a ``.csv`` suffix."""
    if totals.hourly is None:
        raise InputError("未计算小时汇总", "no hourly roll-up was computed", field="hourly")
    if out.suffix.lower() == ".csv":
        import pyarrow.csv as pacsv

        pacsv.write_csv(totals.hourly, out)
    else:
        pq.write_table(totals.hourly, out)
    return out
