"""``zerocarbon region``: the regional view, and region scale on Parquet with DuckDB or Spark.

``zerocarbon region --year Y`` (= ``zerocarbon region view``) is the regional view of the store
(:func:`zerocarbon.cli.verdict.region`); ``region export`` writes the region layout
(:mod:`zerocarbon.services.assessment.region_export`); ``region generate`` writes a synthetic one without a store
(:mod:`zerocarbon.services.assessment.region_generate`); ``region assess`` computes every factory's metered
monthly totals from a layout with the chosen engine (:mod:`zerocarbon.services.assessment.region_engine`) and, with
``--portfolio``, each factory's inventory and regional-view row
(:mod:`zerocarbon.services.assessment.region_portfolio`). Thin: every command calls a service function.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from zerocarbon.cli.verdict import region as region_view
from zerocarbon.errors import ZerocarbonError

console = Console()
err_console = Console(stderr=True)


class _DefaultViewGroup(TyperGroup):
    """`zerocarbon region --year 2023` means `zerocarbon region view --year 2023` (as before the sub-commands)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["view", *args]
        return super().parse_args(ctx, args)


region_app = typer.Typer(cls=_DefaultViewGroup, no_args_is_help=True,
                         help="区域评价与区域规模计算 / the regional view, and region scale on DuckDB or Spark. "
                              "`zerocarbon region --year Y` = `zerocarbon region view --year Y`.")
region_app.command("view", help="区域评价：各工厂结论并列、排名、导出 XLSX / regional view: every factory evaluated "
                                "side by side.")(region_view)


def _fail(e: ZerocarbonError, lang: str) -> None:
    err_console.print(e.message(lang), highlight=False, markup=False)
    raise typer.Exit(2) from e


@region_app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", help="输出目录（须为空） / output folder (new or empty)")],
    province: Annotated[str | None, typer.Option("--province", help="只导出该省 / only this province")] = None,
    factory: Annotated[list[str] | None,
                       typer.Option("--factory", help="只导出这些工厂 / only these factories")] = None,
    db: Annotated[str | None, typer.Option("--db", help="库 / store URL")] = None,
    lang: Annotated[str, typer.Option("--lang", help="输出语言 zh|en / output language")] = "zh",
) -> None:
    """把库中工厂的当前读数、计量表与表计事件导出为区域 Parquet 目录 / export the store's factories (current readings,
    meters, meter events) to the region layout on Parquet."""
    from zerocarbon.services.assessment.region_export import export_region

    def step(done: int, total: int, fid: str) -> None:
        err_console.print(f"  {done}/{total} {fid}", highlight=False, markup=False)

    try:
        summary = export_region(out, db, province=province, factory_ids=factory or None, progress=step)
    except ZerocarbonError as e:
        _fail(e, lang)
    zh = lang == "zh"
    console.print(f"{'已导出' if zh else 'exported'} {len(summary.factories)} "
                  f"{'家工厂' if zh else 'factories'}, {summary.readings} {'条读数' if zh else 'readings'} → {out}",
                  highlight=False, markup=False)


@region_app.command("assess")
def assess(
    layout: Annotated[Path, typer.Option("--layout", help="区域 Parquet 目录 / the region layout")],
    year: Annotated[int, typer.Option("--year", help="数据年份 / data year")],
    engine: Annotated[str, typer.Option("--engine", help="计算引擎 duckdb|spark / engine")] = "duckdb",
    master: Annotated[str | None, typer.Option(
        "--master", help="Spark master URL（如 local[2]、spark://host:7077；默认取环境） / Spark master URL "
                         "(default: from the environment)")] = None,
    estimate: Annotated[str | None, typer.Option("--estimate", help="缺测估算 linear / estimate gaps: linear")] = None,
    factory: Annotated[list[str] | None, typer.Option("--factory", help="只算这些工厂 / only these factories")] = None,
    batch: Annotated[int | None, typer.Option(
        "--batch", help="每批工厂数（限制内存；默认同一时区一次算完） / factories per run of the SQL (bounds the "
                        "memory; default: every factory of a time zone at once)")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="写出 .json 或 .csv / write .json or .csv")] = None,
    portfolio: Annotated[Path | None, typer.Option(
        "--portfolio", help="各工厂清单与区域评价写出 .json 或 .xlsx（与 region view 同一结构） / every factory's "
                            "inventory and regional-view row, as .json or .xlsx (the region view's shape)")] = None,
    hourly: Annotated[Path | None, typer.Option(
        "--hourly", help="各表各小时汇总（精确小数）写出 .parquet 或 .csv / the hourly roll-up per meter (exact), "
                         "as .parquet or .csv")] = None,
    hourly_factors: Annotated[Path | None, typer.Option(
        "--hourly-factors", help="小时电网排放因子文件（CSV/Parquet：ts, factor [tCO2/MWh], source），"
                                 "给出外购电逐时碳排放 / "
                                 "hourly grid factor file (CSV/Parquet: ts, factor [tCO2/MWh], source): adds the "
                                 "hourly carbon of purchased electricity to --hourly")] = None,
    lang: Annotated[str, typer.Option("--lang", help="输出语言 zh|en / output language")] = "zh",
) -> None:
    """由区域目录计算各工厂各表各月的计量总量（精确小数），并可按核算核心给出各厂清单与区域评价 / every factory's
    metered monthly totals per meter (exact decimals) from a region layout, by DuckDB or Spark; with --portfolio
    also each factory's inventory and regional-view row."""
    from zerocarbon.services.assessment.region_engine import assess_layout, write_totals

    zh = lang == "zh"
    if portfolio is not None and estimate is None:
        err_console.print("  " + ("注意：region view 按线性估算缺测（--estimate linear）" if zh else
                                  "note: the region view fills counter gaps linearly (--estimate linear)"),
                          highlight=False, markup=False)
    try:
        if hourly_factors is not None and hourly is None:
            from zerocarbon.errors import InputError

            raise InputError("--hourly-factors 须与 --hourly 同用", "--hourly-factors needs --hourly",
                             field="hourly_factors")
        factors = None
        if hourly_factors is not None:
            from zerocarbon.services.assessment.region_factors import read_grid_factors

            factors = read_grid_factors(hourly_factors)
        totals = assess_layout(layout, year, engine, master=master, estimate=estimate,  # type: ignore[arg-type]
                               factory_ids=factory or None, batch=batch, hourly=hourly is not None,
                               grid_factors=factors,
                               progress=lambda msg: err_console.print(f"  {msg}", highlight=False, markup=False))
    except ZerocarbonError as e:
        _fail(e, lang)
    table = Table(title=f"{'区域计量总量' if zh else 'Regional metered totals'} · {year} · {engine}")
    for col in (("工厂", "Factory"), ("能源", "Carrier"), ("单位", "Unit"), ("年总量（精确）", "Year total (exact)"),
                ("缺测区间", "Missing intervals")):
        table.add_column(col[0] if zh else col[1], overflow="fold")
    for r in totals.factory_totals():
        value = "—" if r["value_exact"] is None else f"{r['value_exact'].normalize():f}"
        table.add_row(r["factory_id"], r["carrier"], r["energy_unit"], value, str(r["n_null"]))
    console.print(table)
    console.print(f"{'用时' if zh else 'time'} {totals.seconds:.1f} s", highlight=False, markup=False)
    if out is not None:
        err_console.print(f"  {write_totals(totals, out)}", highlight=False, markup=False)
    if hourly is not None:
        from zerocarbon.services.assessment.region_engine import write_hourly

        err_console.print(f"  {write_hourly(totals, hourly)}", highlight=False, markup=False)
        for r in totals.carbon_totals() if hourly_factors is not None else []:
            value = "—" if r["co2_t"] is None else f"{r['co2_t'].normalize():f}"
            console.print(f"  {r['factory_id']} {r['period']} {'外购电逐时碳排放' if zh else 'hourly carbon'} "
                          f"{value} tCO2 ({r['hours_missing']}/{r['hours']} {'小时缺数' if zh else 'hours missing'})",
                          highlight=False, markup=False)
    if portfolio is not None:
        _portfolio(totals, layout, factory or None, portfolio, lang)


def _portfolio(totals: Any, layout: Path, factory_ids: list[str] | None, out: Path, lang: str) -> None:
    import json

    from zerocarbon.services.assessment.region import TIERS, write_region_xlsx
    from zerocarbon.services.assessment.region_engine import read_layout
    from zerocarbon.services.assessment.region_portfolio import plain, region_portfolio

    zh = lang == "zh"

    def step(done: int, total: int, fid: str) -> None:
        err_console.print(f"  {'清单与评价' if zh else 'inventory and verdict'} {done}/{total} {fid}",
                          highlight=False, markup=False)

    try:
        result = region_portfolio(totals, read_layout(layout, factory_ids), progress=step)
    except ZerocarbonError as e:
        _fail(e, lang)
    table = Table(title=f"{'区域评价' if zh else 'Regional view'} · {totals.year} · {totals.engine}")
    for col in (("企业", "Factory"), ("层级", "Tier"), ("排放总量 tCO2e", "Total tCO2e"), ("错误", "Error")):
        table.add_column(col[0] if zh else col[1], overflow="fold")
    for r in result["rows"]:
        if "error" in r:
            table.add_row(r["id"], "—", "—", r["error"]["zh" if zh else "en"])
        else:
            table.add_row(r["id"], TIERS[r["tier"]][0 if zh else 1], r["total_t"], "")
    console.print(table)
    if out.suffix.lower() == ".xlsx":
        written = write_region_xlsx(result, out, lang)
    else:
        out.write_text(json.dumps(plain(result), ensure_ascii=False, indent=1), encoding="utf-8")
        written = out
    err_console.print(f"  {written}", highlight=False, markup=False)


@region_app.command("generate")
def generate(
    out: Annotated[Path, typer.Option("--out", help="输出目录（须为空） / output folder (new or empty)")],
    factories: Annotated[int, typer.Option("--factories", help="工厂数 / factories")] = 50,
    meters: Annotated[int, typer.Option("--meters", help="每厂表计数（≥5） / meters per factory (≥5)")] = 200,
    days: Annotated[int, typer.Option("--days", help="自 1 月 1 日起的天数 / days from 1 January")] = 365,
    seed: Annotated[int, typer.Option("--seed", help="随机种子 / random seed")] = 1,
    year: Annotated[int, typer.Option("--year", help="数据年份 / data year")] = 2023,
    lang: Annotated[str, typer.Option("--lang", help="输出语言 zh|en / output language")] = "zh",
) -> None:
    """直接生成合成区域 Parquet 目录（无需库，可复现） / write a synthetic region layout directly (no store;
    deterministic for a seed), in the format of region export."""
    from zerocarbon.services.assessment.region_generate import generate_region

    def step(done: int, total: int, fid: str) -> None:
        err_console.print(f"  {done}/{total} {fid}", highlight=False, markup=False)

    try:
        s = generate_region(out, factories, meters, days, seed=seed, year=year, progress=step)
    except ZerocarbonError as e:
        _fail(e, lang)
    zh = lang == "zh"
    console.print(f"{'已生成' if zh else 'generated'} {s.factories} {'家工厂' if zh else 'factories'}, {s.meters} "
                  f"{'块表' if zh else 'meters'}, {s.readings} {'条读数' if zh else 'readings'}, "
                  f"{s.bytes / 1e6:.1f} MB, {s.seconds:.1f} s → {out}", highlight=False, markup=False)
