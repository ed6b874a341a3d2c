"""Command line of the data platform: the store, meter-data ingestion and corrections.

Registered by :mod:`zerocarbon.cli.main`; thin, every command calls a service function. The store is the
embedded SQLite file unless ``--db`` or ``ZEROCARBON_DATABASE_URL`` names another.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from zerocarbon.errors import InputError, ZerocarbonError

console = Console()
err_console = Console(stderr=True)

store_app = typer.Typer(no_args_is_help=True, help="数据存储 / the store (SQLite embedded, PostgreSQL server).")
ingest_app = typer.Typer(no_args_is_help=True, help="计量数据接入 / meter data in (files, MQTT).")
readings_app = typer.Typer(no_args_is_help=True, help="计量读数 / meter readings (corrections, rejected rows).")

Db = Annotated[str | None, typer.Option("--db", help="数据库 URL / store URL (default: ZEROCARBON_DATABASE_URL or "
                                                   "sqlite:///zerocarbon.db)")]


def fail(exc: ZerocarbonError) -> None:
    err_console.print(f"[bold red]错误 / error[/]\n{exc.message('zh')}\n{exc.message('en')}", highlight=False)
    raise typer.Exit(2)


def report_table(report: dict[str, Any], title: str, lang: str = "zh") -> None:
    from zerocarbon.services.metering.quality import reason_text

    table = Table(title=title)
    table.add_column("项目 / item")
    table.add_column("数量 / count", justify="right")
    for key, zh in (("received", "收到"), ("accepted", "接受"), ("duplicates", "重复（已忽略）"),
                    ("rejected", "拒绝（已保存原因）"), ("flagged", "标记（保留）")):
        table.add_row(f"{zh} / {key}", f"{report.get(key, 0):,}")
    console.print(table)
    for reason, count in sorted(report.get("reasons", {}).items(), key=lambda kv: -kv[1])[:10]:
        console.print(f"  [yellow]{count:>8,}[/]  {escape(reason_text(reason, lang))}", highlight=False)


Lang = Annotated[str, typer.Option("--lang", help="输出语言 zh|en / output language")]
SHOWN_REJECTS = 50


def rejects_table(rows: list[dict[str, Any]], title: str, lang: str) -> Table:
    from zerocarbon.services.metering.quality import REJECT_HEADERS

    heads = REJECT_HEADERS["zh" if lang == "zh" else "en"]
    table = Table(title=title)
    for head in heads[1:6]:
        table.add_column(head, overflow="fold")
    for r in rows:
        table.add_row(escape(str(r["file"])), "" if r["row"] is None else str(r["row"]), r["column"] or "",
                      escape(str(r["field"])), escape(str(r["reason"])))
    return table


@store_app.command("init", help="创建或升级数据库结构 / create or upgrade the store schema.")
def store_init(db: Db = None) -> None:
    from sqlalchemy import inspect

    from zerocarbon.store.db import get_engine, migrate

    existed = "alembic_version" in inspect(get_engine(db)).get_table_names()
    migrate(db)
    if existed:
        console.print("数据库结构已是最新 / the store's schema is up to date")
    else:
        console.print("已创建数据库结构 / created the store's schema")


@store_app.command("load", help="导入工厂、层级、表计与产品定义 / load a factory setup (YAML/JSON).")
def store_load(path: Annotated[Path, typer.Argument(help="工厂定义文件 / factory setup file")], db: Db = None) -> None:
    from zerocarbon.services.metering.intake import load_factory_setup
    from zerocarbon.store.db import migrate

    try:
        migrate(db)
        ids = load_factory_setup(path, db)
    except ZerocarbonError as exc:
        fail(exc)
    console.print(f"{len(ids)} meters / 块表计: {', '.join(sorted(ids))}")


@ingest_app.command("file", help="导入计量读数文件 (CSV/XLSX) / import a meter-reading file.")
def ingest_file_cmd(
    path: Annotated[Path, typer.Argument(help="读数文件 / readings file")],
    factory: Annotated[str, typer.Option("--factory", help="工厂编号 / factory id")],
    layout: Annotated[Path | None, typer.Option("--layout", help="列映射 YAML / column mapping")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="从中断处继续 / continue an interrupted import")] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="进度条 / progress bar")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    lang: Lang = "zh",
    db: Db = None,
) -> None:
    from zerocarbon.services.metering.intake import ingest_meter_file, read_file_layout
    from zerocarbon.services.metering.quality import reject_list

    try:
        spec = read_file_layout(layout) if layout else None
        report = ingest_meter_file(path, factory, spec, url=db, resume=resume, progress=progress and not as_json,
                                   lang=lang)
    except ZerocarbonError as exc:
        fail(exc)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
        return
    zh = lang == "zh"
    report_table(report.to_dict(), f"{path.name} → {factory}", lang)
    rows = reject_list(factory, db, batch_id=report.batch_id, lang=lang, limit=SHOWN_REJECTS)
    if rows:
        console.print(rejects_table(rows, "拒绝的行 / rejected rows" if zh else "Rejected rows", lang))
    more = report.rejected - report.repeated - len(rows)
    cmd = f"zerocarbon readings rejects --factory {factory} --batch {report.batch_id} --out rejects.xlsx"
    if more > 0:
        console.print((f"另有 {more:,} 行被拒绝，全部列出：{cmd}" if zh else
                       f"{more:,} more rows were rejected; list them all: {cmd}"), highlight=False, markup=False)
    if report.repeated:
        console.print((f"{report.repeated:,} 行在之前导入同一文件时已被拒绝并记录，本次未重复记录"
                       f"（zerocarbon readings rejects --factory {factory}）" if zh else
                       f"{report.repeated:,} rejected rows were already recorded when this file was imported "
                       f"before and were not recorded again (zerocarbon readings rejects --factory {factory})"),
                      highlight=False, markup=False)


@readings_app.command("rejects", help="列出被拒绝的读数行（可筛选、导出）/ list rejected rows (filter, export).")
def readings_rejects(
    factory: Annotated[str, typer.Option("--factory", help="工厂编号 / factory id")],
    batch: Annotated[int | None, typer.Option("--batch", help="导入批次 / ingest batch id")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="原因包含 / reason contains (zh or en)")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="导出到 .csv 或 .xlsx / export to .csv or .xlsx")] = None,
    limit: Annotated[int, typer.Option("--limit", help="屏幕上最多显示的行数 / rows shown on screen")] = 200,
    lang: Lang = "zh",
    db: Db = None,
) -> None:
    from zerocarbon.services.metering.quality import export_rejects, reject_list

    zh = lang == "zh"
    try:
        rows = reject_list(factory, db, batch_id=batch, reason=reason, lang=lang)
        if out is not None:
            written = export_rejects(rows, out, lang)
            console.print(f"{len(rows):,} {'行已导出到' if zh else 'rows written to'} {written}", highlight=False)
            return
    except ZerocarbonError as exc:
        fail(exc)
    title = f"{'被拒绝的行' if zh else 'Rejected rows'} · {factory} ({len(rows):,})"
    console.print(rejects_table(rows[:limit], title, lang))
    if len(rows) > limit:
        hidden = "行未显示，请用 --out 导出" if zh else "more: export them with --out"
        console.print(f"… {len(rows) - limit:,} {hidden}")


@readings_app.command("correct", help="更正一条读数（保留原值）/ correct a reading (the original is kept).")
def readings_correct(
    factory: Annotated[str, typer.Option("--factory", help="工厂编号 / factory id")],
    meter: Annotated[str, typer.Option("--meter", help="表计编号 / meter code")],
    time: Annotated[str, typer.Option("--time", help="读数时间 / reading time, e.g. 2023-05-01T08:15+08:00")],
    value: Annotated[float, typer.Option("--value", help="更正值 / corrected value [meter unit]")],
    reason: Annotated[str, typer.Option("--reason", help="原因 / reason")],
    by: Annotated[str, typer.Option("--by", help="更正人 / corrected by")] = "",
    db: Db = None,
) -> None:
    from zerocarbon.services.metering.corrections import UnknownMeter, correct

    try:
        done = correct(factory, meter, time, value, reason, by, db)
    except UnknownMeter:
        err_console.print(f"未知表计 / unknown meter {meter}")
        raise typer.Exit(2) from None
    except ZerocarbonError as exc:
        fail(exc)
    console.print(f"{meter} {done.moment.isoformat()}: revision {done.revision} = {value} {done.unit}")


@ingest_app.command("mqtt", help="订阅 MQTT 计量数据并写入数据库（Ctrl-C 停止）/ subscribe to meter readings "
                                 "over MQTT.")
def ingest_mqtt_cmd(
    factory: Annotated[str | None, typer.Option("--factory", help="工厂编号 / factory id (default: any known)")] = None,
    host: Annotated[str, typer.Option("--host", help="MQTT broker")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 1883,
    topic: Annotated[list[str] | None, typer.Option("--topic", help="主题过滤 / topic filter (repeatable)")] = None,
    client_id: Annotated[str | None, typer.Option("--client-id", help="持久会话 ID / persistent session id")] = None,
    db: Db = None,
) -> None:
    import logging
    import signal
    import threading
    from dataclasses import asdict

    from zerocarbon.services.metering.feeds import subscribe
    from zerocarbon.store.db import migrate

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    migrate(db)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    console.print(f"订阅 / subscribing {host}:{port} → {factory or '*'} (Ctrl-C)")
    stats = subscribe(factory, db, host, port, topic, client_id, stop)
    console.print_json(data=asdict(stats))


#: The filters of the hourly carbon commands: meters, local months and the grid-intensity series.
MeterOpt = Annotated[list[str] | None, typer.Option("--meter", help="只含这些计量表（可重复）/ only these meters "
                                                                   "(repeat)")]
MonthOpt = Annotated[list[int] | None, typer.Option("--month", help="只含这些月份 1–12（可重复）/ only these "
                                                                    "months 1–12 (repeat)")]
SeriesOpt = Annotated[str | None, typer.Option("--series", help="库中的小时电网排放因子序列 / a stored hourly "
                                                                "grid-intensity series")]


@readings_app.command("hourly-carbon", help="导出全年逐时碳排放（每表每小时，流式写出，内存有界）/ write a "
                                            "year's hourly carbon per meter and hour, streamed in bounded memory.")
def readings_hourly_carbon(
    factory: Annotated[str, typer.Option("--factory", help="工厂编号 / factory id")],
    year: Annotated[int, typer.Option("--year", help="日历年（工厂当地时间）/ calendar year (local time)")],
    out: Annotated[Path, typer.Option("--out", help=".csv（UTF-8 带 BOM，含方法说明）、.ndjson 或 .parquet；"
                                                    "- 为标准输出 CSV / .csv (UTF-8 with BOM, method block), .ndjson "
                                                    "or .parquet; - for CSV on stdout")],
    meter: MeterOpt = None, month: MonthOpt = None, series: SeriesOpt = None,
    lang: Lang = "zh",
    db: Db = None,
) -> None:
    from zerocarbon.services.metering import hourly_export as hx

    code: hx.Lang = "en" if lang == "en" else "zh"
    suffix = "csv" if str(out) == "-" else out.suffix.lower().lstrip(".")
    if suffix not in ("csv", "ndjson", "parquet"):
        fail(InputError(f"--out 须为 .csv、.ndjson 或 .parquet 文件（或 - 输出 CSV），实际为 {out}",
                        f"--out must be a .csv, .ndjson or .parquet file (or - for CSV), got {out}", field="--out"))
        return
    try:
        export = hx.hourly_export(factory, year, db, meters=meter, months=month, series=series)
    except ZerocarbonError as exc:
        fail(exc)
        return
    chunks = (hx.ndjson_chunks(export) if suffix == "ndjson" else hx.parquet_chunks(export) if suffix == "parquet"
              else hx.csv_chunks(export, code))
    size = 0
    try:
        with (open(sys.stdout.fileno(), "wb", closefd=False) if str(out) == "-" else out.open("wb")) as fh:
            for chunk in chunks:
                fh.write(chunk)
                size += len(chunk)
    finally:
        export.close()
    if str(out) != "-":
        err_console.print(f"{'已写出' if code == 'zh' else 'written'} {out} ({size:,} bytes)", highlight=False,
                          markup=False)


@readings_app.command("hourly-totals", help="逐时碳排放按月份×成本中心等维度汇总（每小时按当时因子）/ the "
                                            "year's hourly carbon totalled by month × cost centre (each hour at its "
                                            "own factor).")
def readings_hourly_totals(
    factory: Annotated[str, typer.Option("--factory", help="工厂编号 / factory id")],
    year: Annotated[int, typer.Option("--year", help="日历年（工厂当地时间）/ calendar year (local time)")],
    by: Annotated[str, typer.Option("--by", help="汇总维度，逗号分隔：month, meter, category, scope, item, "
                                                 "cost_centre, factor_kind / keys, comma-separated")
                  ] = "month,cost_centre",
    out: Annotated[Path | None, typer.Option("--out", help=".xlsx 或 .csv（UTF-8 带 BOM）；不给则在终端显示 / "
                                                           ".xlsx or .csv (UTF-8 with BOM); none: shown here")] = None,
    meter: MeterOpt = None, month: MonthOpt = None, series: SeriesOpt = None,
    lang: Lang = "zh",
    db: Db = None,
) -> None:
    from zerocarbon.services.metering import hourly_totals as ht

    code: ht.Lang = "en" if lang == "en" else "zh"
    suffix = None if out is None else out.suffix.lower().lstrip(".")
    if suffix not in (None, "csv", "xlsx"):
        fail(InputError(f"--out 须为 .xlsx 或 .csv 文件，实际为 {out}",
                        f"--out must be an .xlsx or .csv file, got {out}", field="--out"))
        return
    try:
        totals = ht.hourly_totals(factory, year, db, by=ht.parse_by(by), meters=meter, months=month, series=series)
    except ZerocarbonError as exc:
        fail(exc)
        return
    if out is not None:
        out.write_bytes(ht.totals_csv(totals, code) if suffix == "csv" else ht.totals_xlsx(totals, code))
        err_console.print(f"{'已写出' if code == 'zh' else 'written'} {out} ({len(totals.table)} "
                          f"{'行' if code == 'zh' else 'rows'})", highlight=False, markup=False)
        return
    table = Table(title=ht.title(totals, code))
    names = [*totals.by, "co2_t", "activity", "activity_unit", "hours"]
    for n in names:
        table.add_column(ht.HEADERS[n][0 if code == "zh" else 1], justify="right" if n in ("co2_t", "activity",
                                                                                          "hours") else "left")
    for row in totals.table.to_pylist():
        table.add_row(*[escape("" if row[n] is None else f"{row[n]:,.6f}" if isinstance(row[n], float)
                               else str(row[n])) for n in names])
    console.print(table)
