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
from rich.table import Table

from zerocarbon.errors import ZerocarbonError

console = Console()
err_console = Console(stderr=True)

store_app = typer.Typer(no_args_is_help=True, help="数据存储 / the store (SQLite embedded, PostgreSQL server).")
ingest_app = typer.Typer(no_args_is_help=True, help="计量数据接入 / meter data in (files, MQTT).")
readings_app = typer.Typer(no_args_is_help=True, help="计量读数 / meter readings (corrections).")

Db = Annotated[str | None, typer.Option("--db", help="数据库 URL / store URL (default: ZEROCARBON_DATABASE_URL or "
                                                   "sqlite:///zerocarbon.db)")]


def fail(exc: ZerocarbonError) -> None:
    err_console.print(f"[bold red]错误 / error[/]\n{exc.message('zh')}\n{exc.message('en')}", highlight=False)
    raise typer.Exit(2)


def report_table(report: dict[str, Any], title: str) -> None:
    table = Table(title=title)
    table.add_column("项目 / item")
    table.add_column("数量 / count", justify="right")
    for key, zh in (("received", "收到"), ("accepted", "接受"), ("duplicates", "重复（已忽略）"),
                    ("rejected", "拒绝（已保存原因）"), ("flagged", "标记（保留）")):
        table.add_row(f"{zh} / {key}", f"{report.get(key, 0):,}")
    console.print(table)
    for reason, count in sorted(report.get("reasons", {}).items(), key=lambda kv: -kv[1])[:10]:
        console.print(f"  [yellow]{count:>8,}[/]  {reason}", highlight=False)


@store_app.command("init", help="创建或升级数据库结构 / create or upgrade the store schema.")
def store_init(db: Db = None) -> None:
    from zerocarbon.store.db import database_url, migrate

    migrate(db)
    console.print(f"{database_url(db)}: schema up to date / 数据库结构已是最新")


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
    db: Db = None,
) -> None:
    from zerocarbon.services.metering.intake import ingest_meter_file, read_file_layout

    try:
        spec = read_file_layout(layout) if layout else None
        report = ingest_meter_file(path, factory, spec, url=db, resume=resume, progress=progress and not as_json)
    except ZerocarbonError as exc:
        fail(exc)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
    else:
        report_table(report.to_dict(), f"{path.name} → {factory}")


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
