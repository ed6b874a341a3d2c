"""Use case: export a store's factories to the region layout on Parquet (``zerocarbon region export``).

The layout is what a distributed engine (Spark) or DuckDB reads to evaluate a whole region
(:mod:`zerocarbon.services.assessment.region_engine`)::

    DIR/layout.json                                     format, year span, method note, factory list
    DIR/factories.parquet                               factory_id, name_zh, name_en, province, timezone
    DIR/readings/region=<province>/factory=<id>/year=<y>/month=<m>/*.parquet
                                                        current readings: meter_id, ts, value, flags
    DIR/meters/region=<province>/factory=<id>/meters.parquet   METER_SCHEMA (the metered year's meter table)
    DIR/events/region=<province>/factory=<id>/events.parquet   EVENT_SCHEMA (replacements and resets)
    DIR/nodes/region=<province>/factory=<id>/nodes.parquet     NODE_SCHEMA (the node tree, for ``sum(children)``)
    DIR/declared/region=<province>/factory=<id>/<file>          the factory's declared activity file, when it has
                                                        one (:func:`zerocarbon.services.inventory.cached.declared_file`)

Readings have the schema of the embedded store's columnar cache and of
:data:`zerocarbon.timeseries.intervals.READING_SCHEMA` (meter_id int64, ts int64 [s since epoch, UTC],
value float64 [register unit, before the multiplier], flags int64): the *current* readings (highest revision per
meter and time, corrections applied), read through the store's reader
(:func:`zerocarbon.store.readings.register_readings`: the columnar cache on SQLite, Arrow over ADBC on
PostgreSQL). ``year`` and ``month`` are the reading's local calendar month in the factory's time zone. The
meter table is the one :func:`zerocarbon.services.metering.year.load_factory_meters` builds (cost centres
already resolved through the hierarchy); the node table (the metered year's ``FactoryMeters.nodes``) is written
too, so that a virtual meter's ``sum(children)`` expands as in the factory's own metered year. ``layout.json`` names
each factory's node table (``"nodes"``); a layout without it reads with no nodes.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from zerocarbon.errors import InputError
from zerocarbon.services.inventory.cached import declared_file
from zerocarbon.services.metering.year import load_factory_meters
from zerocarbon.store.factories import factory_list
from zerocarbon.store.readings import register_readings
from zerocarbon.timeseries.intervals import EVENT_SCHEMA, METER_SCHEMA, NODE_SCHEMA, conform

#: Version of the layout; :mod:`region_engine` refuses another.
LAYOUT_FORMAT = "zerocarbon-region-layout/1"
FACTORY_SCHEMA = pa.schema([("factory_id", pa.string()), ("name_zh", pa.string()), ("name_en", pa.string()),
                            ("province", pa.string()), ("timezone", pa.string())])
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote: the layout's folder and, per factory, its meters and readings."""

    out: Path
    factories: list[dict[str, object]]

    @property
    def readings(self) -> int:
        return sum(int(str(f["readings"])) for f in self.factories)


def _partition_value(text: str, what: str, factory_id: str) -> str:
    """A partition value as it will appear in a path: refused when it would need escaping."""
    bad = [c for c in text if c in '/\\=%:*?"<>|#{}' or ord(c) < 32]
    if not text or bad:
        raise InputError(f"工厂 {factory_id} 的{what}不能用作分区名：{text!r}",
                         f"factory {factory_id}: its {what} cannot name a partition: {text!r}",
                         field=what, expected="non-empty, without / \\ = % : * ? \" < > | # { }")
    return text


def export_region(out: Path, url: str | None = None, *, province: str | None = None,
                  factory_ids: list[str] | None = None, progress: Progress | None = None) -> ExportSummary:
    """Write the store's factories (all, one ``province``'s, or ``factory_ids``) to the region layout in ``out``.

    ``out`` must not exist or be empty: an export is never merged into an older one silently.
    ``progress(done, total, factory_id)`` is called after each factory.
    """
    if out.exists() and any(out.iterdir()):
        raise InputError(f"导出目录 {out} 不是空的", f"the export folder {out} is not empty", file=str(out),
                         expected="a new or empty folder")
    rows = [f for f in factory_list(url) if (province is None or f["province"] == province)
            and (factory_ids is None or f["id"] in factory_ids)]
    if factory_ids is not None:
        missing = sorted(set(factory_ids) - {str(f["id"]) for f in rows})
        if missing:
            raise InputError(f"库中没有工厂：{', '.join(missing)}",
                             f"no such factory in the store: {', '.join(missing)}", field="factory_id")
    if not rows:
        raise InputError("没有可导出的工厂", "no factory to export", field="province" if province else "factory_id")
    out.mkdir(parents=True, exist_ok=True)
    written: list[dict[str, object]] = []
    seen_meters: dict[int, str] = {}
    for n, row in enumerate(rows, start=1):
        fid = str(row["id"])
        fm = load_factory_meters(fid, url)
        region = _partition_value(fm.province, "province", fid)
        part = f"region={region}/factory={_partition_value(fid, 'factory_id', fid)}"
        meters = conform(fm.meters, METER_SCHEMA)
        ids = [int(i) for i in meters["meter_id"].to_pylist()]
        for i in ids:
            if i in seen_meters:
                raise InputError(f"计量表 id {i} 同时属于 {seen_meters[i]} 和 {fid}",
                                 f"meter id {i} belongs to both {seen_meters[i]} and {fid}", field="meter_id")
            seen_meters[i] = fid
        for name, table in (("meters", meters), ("events", conform(fm.events, EVENT_SCHEMA)),
                            ("nodes", conform(fm.nodes, NODE_SCHEMA))):
            folder = out / name / part
            folder.mkdir(parents=True)
            pq.write_table(table, folder / f"{name}.parquet")
        count = _write_readings(out / "readings" / part, ids, fm.timezone, url)
        entry: dict[str, object] = {"factory_id": fid, "name_zh": fm.name_zh, "name_en": fm.name_en,
                                    "province": fm.province, "timezone": fm.timezone, "meters": len(ids),
                                    "readings": count, "nodes": f"nodes/{part}/nodes.parquet"}
        source = declared_file(fid, url)
        if source is not None:  # the rest of the inventory (invoices, process sources, settings, industry)
            (out / "declared" / part).mkdir(parents=True)
            shutil.copyfile(source, out / "declared" / part / source.name)
            entry["declared"] = f"declared/{part}/{source.name}"
        written.append(entry)
        if progress is not None:
            progress(n, len(rows), fid)
    pq.write_table(pa.table({k: [str(f[k]) for f in written] for k in FACTORY_SCHEMA.names}, schema=FACTORY_SCHEMA),
                   out / "factories.parquet")
    (out / "layout.json").write_text(json.dumps({
        "format": LAYOUT_FORMAT, "exported_at": int(time.time()),
        "readings": "current readings (highest revision per meter and time): meter_id, ts [s since epoch, UTC], "
                    "value [register unit, before the multiplier], flags; partitioned by the local year and month "
                    "of the factory's time zone",
        "factories": written}, ensure_ascii=False, indent=1), encoding="utf-8")
    return ExportSummary(out, written)


def _write_readings(folder: Path, meter_ids: list[int], tz: str, url: str | None) -> int:
    """The current readings of ``meter_ids`` as Parquet under ``folder``/year=/month= (local calendar of ``tz``)."""
    folder.mkdir(parents=True)
    if not meter_ids:
        return 0
    con = duckdb.connect()
    try:
        register_readings(con, "cur", meter_ids, None, None, url)
        tzq = tz.replace("'", "''")
        con.execute(f"""
            CREATE TEMP TABLE staged AS
            SELECT meter_id::BIGINT AS meter_id, ts::BIGINT AS ts, value::DOUBLE AS value, flags::BIGINT AS flags,
                   year(timezone('{tzq}', to_timestamp(ts)))::INTEGER AS year,
                   month(timezone('{tzq}', to_timestamp(ts)))::INTEGER AS month
            FROM cur""")
        count = int(con.execute("SELECT count(*) FROM staged").fetchall()[0][0])
        if count:
            target = str(folder).replace("'", "''")
            con.execute(f"""COPY (SELECT * FROM staged ORDER BY meter_id, ts) TO '{target}'
                            (FORMAT parquet, PARTITION_BY (year, month), OVERWRITE_OR_IGNORE)""")
        return count
    finally:
        con.close()
