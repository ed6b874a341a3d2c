"""The command line: one entry point, ``zerocarbon``. Thin: every command calls a service function."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from zerocarbon import __version__
from zerocarbon.accounting.notices import notice_text
from zerocarbon.cli.audit import audit_app
from zerocarbon.cli.efficiency import efficiency_app, print_efficiency_summary
from zerocarbon.cli.footprint import footprint_app
from zerocarbon.cli.forecast import forecast_app
from zerocarbon.cli.plan import plan
from zerocarbon.cli.region import region_app
from zerocarbon.cli.server import serve, user_app
from zerocarbon.cli.store import ingest_app, readings_app, store_app
from zerocarbon.cli.verdict import print_verdict, verdict, verify
from zerocarbon.errors import ZerocarbonError

console = Console()
err_console = Console(stderr=True)


class _DefaultRunGroup(TyperGroup):
    """`zerocarbon inventory FILE` means `zerocarbon inventory run FILE`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    help="zerocarbon — 零碳工厂：碳排放核算与评估 / zero-carbon factory accounting and assessment.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
)
inventory_app = typer.Typer(cls=_DefaultRunGroup, no_args_is_help=True,
                            help="温室气体排放清单（GB/T 32150） / GHG inventory (GB/T 32150). "
                                 "`zerocarbon inventory FILE` = `zerocarbon inventory run FILE`.")
factors_app = typer.Typer(no_args_is_help=True, help="排放因子库 / the factor library.")
app.add_typer(inventory_app, name="inventory")
app.add_typer(factors_app, name="factors")
app.add_typer(store_app, name="store")
app.add_typer(ingest_app, name="ingest")
app.add_typer(readings_app, name="readings")
app.add_typer(user_app, name="user")
app.add_typer(audit_app, name="audit")
app.add_typer(efficiency_app, name="efficiency")
app.add_typer(forecast_app, name="forecast")
app.add_typer(footprint_app, name="footprint")
app.command("plan", help="源头减碳规划：措施、边际减排成本曲线、路线图、按目标配置 / source decarbonisation: "
                         "measures, MAC curve, roadmap, sizing.")(plan)
app.command("verdict", help="零碳工厂评价：结论与差距清单 / the zero-carbon verdict and its gap list.")(verdict)
app.add_typer(region_app, name="region")
app.command("verify", help="复核报告：按清单重算，逐项说明是否仍成立 / re-check a report: does every figure still "
                           "stand.")(verify)
app.command("serve", help="启动管理中心（API 与看板）/ start the management centre (API and dashboard).")(serve)

Lang = Annotated[str, typer.Option("--lang", help="输出语言 zh|en / output language")]


def _fmt(value: Any, places: int = 2) -> str:
    return f"{float(value):,.{places}f}"


def _fail(exc: ZerocarbonError, lang: str = "zh") -> None:
    """Print a refusal in the user's language (every problem of a file, each with its place) and exit 2."""
    err_console.print("错误" if lang == "zh" else "error", style="bold red")
    err_console.print(exc.message(lang), highlight=False, markup=False)
    raise typer.Exit(2)


def _print_version(value: bool) -> None:
    if value:
        console.print(f"zerocarbon {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", help="版本 / version", callback=_print_version,
                                                is_eager=True)] = False) -> None:
    """zerocarbon — 零碳工厂 / zero-carbon factory."""


def print_summary(run: Any, lang: str = "zh") -> None:
    """Headline totals and breakdowns as a table in the terminal."""
    from zerocarbon.model.vocabulary import category_label

    inv = run.inventory
    zh = lang == "zh"
    t = inv.totals
    period = inv.settings.get("period") or inv.year  # the month with --month, else the year
    table = Table(title=f"{inv.factory_name_zh if zh else inv.factory_name_en} · {period} · tCO2e")
    table.add_column("项目" if zh else "Item")
    table.add_column("tCO2e", justify="right")
    regimes = inv.to_dict().get("regimes") or {}
    gbt = next((r for k, r in regimes.items() if k.startswith("gbt32150")), None)
    gbt_label = f"GB/T 32150-{gbt['edition']}" if gbt else "GB/T 32150"
    rows = [
        (f"{gbt_label} 排放总量" if zh else f"{gbt_label} total", t.gbt32150_total),
        ("范围一 直接排放" if zh else "Scope 1", t.scope1),
        ("范围二 基于位置" if zh else "Scope 2 location-based", t.scope2_location),
        ("范围二 基于市场" if zh else "Scope 2 market-based", t.scope2_market),
        ("生物质 CO2（单独报告）" if zh else "Biomass CO2 (reported separately)", t.biomass_co2),
        ("输出电力（扣减）" if zh else "Exported electricity (subtracted)", t.exported_electricity),
        ("输出热力（扣减）" if zh else "Exported heat (subtracted)", t.exported_heat),
        ("回收利用 CO2（扣减）" if zh else "Recovered CO2 (subtracted)", t.recovered_co2),
    ]
    for label, value in rows:
        table.add_row(label, _fmt(value))
    for key, regime in regimes.items():  # regimes beyond the GB/T and GHG Protocol rows above
        if key.startswith("gbt32150") or key == "ghg-protocol":
            continue
        total = regime.get("totals", {}).get("total_co2", regime.get("totals", {}).get("total"))
        if total is not None:
            name = regime["name_zh"] if zh else regime["name_en"]
            table.add_row(f"{name.split('（')[0]} ({key})", _fmt(Decimal(total)))
    table.add_section()
    for key, value in inv.breakdowns["category"].items():
        table.add_row("  " + category_label(key, lang), _fmt(value))
    if inv.uncertainty:
        u = inv.uncertainty
        table.add_section()
        table.add_row("不确定性 方法1 (95%)" if zh else "Uncertainty Approach 1 (95%)", f"±{_fmt(u.approach1_pct)}%")
        table.add_row("蒙特卡洛 95% 区间" if zh else "Monte Carlo 95% interval",
                      f"{_fmt(u.mc_low)} – {_fmt(u.mc_high)}")
    for i in inv.intensities:
        if i.intensity is not None:
            table.add_row(f"{'单位产品排放' if zh else 'Intensity'} {i.name_zh if zh else i.name_en}",
                          f"{_fmt(i.intensity, 4)} tCO2e/{i.unit}")
    console.print(table)
    for warning in inv.warnings[:5]:
        console.print(f"! {notice_text(warning, lang)}", style="yellow", highlight=False, markup=False)
    if len(inv.warnings) > 5:
        more = len(inv.warnings) - 5
        console.print(f"! … 另有 {more} 条，见报告" if zh else f"! … {more} more (see the report)", style="yellow")


@inventory_app.command("run", help="计算排放清单 / compute the inventory of FILE (.yaml/.json/.xlsx), of a factory's "
                                    "meters in the store (--factory), or of both (metered lines from the meters).")
def inventory_run(
    file: Annotated[Path | None, typer.Argument(help="活动数据文件 / activity-data file")] = None,
    year: Annotated[int | None, typer.Option("--year", help="数据年份 / data year (default: latest)")] = None,
    factory: Annotated[str | None, typer.Option("--factory", help="用数据库中该工厂的计量数据 / take this factory's "
                                                                 "meter data from the store")] = None,
    month: Annotated[str | None, typer.Option("--month", help="只核算一个月 / one month only (YYYY-MM)")] = None,
    multi_year: Annotated[bool, typer.Option("--multi-year", help="文件含多个年份：只核算 --year，列出未计入的行 / "
                                                                 "a file of several years: report --year, list the "
                                                                 "lines left out")] = False,
    db: Annotated[str | None, typer.Option("--db", help="数据库 URL / store URL")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / print machine-readable JSON")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="报告输出目录 / write reports to this folder")] = None,
    lang: Lang = "zh",
) -> None:
    from zerocarbon.services.inventory.runs import run_inventory, run_store_inventory

    if file is None and factory is None:
        err_console.print("请给出活动数据文件或 --factory / give a FILE or --factory")
        raise typer.Exit(2)
    try:
        if factory is not None:
            run = run_store_inventory(factory, year, url=db, declared=file, month=month)
        else:
            run = run_inventory(file, year, month=month, multi_year=multi_year)  # type: ignore[arg-type]
        if out is not None:
            from zerocarbon.services.reports.outputs import write_outputs

            metering = None
            if factory is not None:  # the same report as the main job's and the dashboard's: with its meters
                from zerocarbon.services.reports.metering import metering_findings

                metering = metering_findings(run, db)
            write_outputs(run, out, metering)
    except ZerocarbonError as exc:
        _fail(exc, lang)
    if as_json:
        sys.stdout.write(json.dumps(run.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        print_summary(run, lang)
        if run.left_out:
            err_console.print(f"[yellow]! {'未计入' if lang == 'zh' else 'left out'} ({len(run.left_out)}): "
                              + ", ".join(f"{r['id']} {r['period']}" for r in run.left_out[:20])
                              + (" …" if len(run.left_out) > 20 else "") + "[/]", highlight=False)


@inventory_app.command("explain", help="显示一行的计算过程 / print the derivation (trace) of one line: "
                                        "[FILE] LINE; with --factory the store inventory's own ids of metered "
                                        "lines (e.g. EL-L1-2023-01), FILE then optional (declared data).")
def inventory_explain(
    first: Annotated[str, typer.Argument(metavar="[FILE] LINE", help="活动数据文件（可省略，需 --factory）与行编号 / "
                                                                  "activity-data file (optional with --factory) "
                                                                  "and the line id")],
    second: Annotated[str | None, typer.Argument(metavar="", help="")] = None,
    year: Annotated[int | None, typer.Option("--year", help="数据年份 / data year")] = None,
    factory: Annotated[str | None, typer.Option("--factory", help="用数据库中该工厂的计量数据 / take this factory's "
                                                                 "meter data from the store")] = None,
    db: Annotated[str | None, typer.Option("--db", help="数据库 URL / store URL")] = None,
    lang: Lang = "zh",
) -> None:
    from zerocarbon.services.inventory.runs import explain_line, run_inventory, run_store_inventory
    from zerocarbon.store.db import database_url

    file, line = (None, first) if second is None else (Path(first), second)
    if file is None and factory is None:
        err_console.print("请给出活动数据文件或 --factory / give a FILE or --factory")
        raise typer.Exit(2)
    try:
        if factory is not None:
            run = run_store_inventory(factory, year, url=db, declared=file, mc_draws=0)
            text = explain_line(run, line, lang, url=database_url(db))
        else:
            run = run_inventory(file, year, mc_draws=0)  # type: ignore[arg-type]
            text = explain_line(run, line, lang)
        console.print(text, highlight=False, markup=False, soft_wrap=True)
    except ZerocarbonError as exc:
        _fail(exc, lang)


@app.command(help="运行示例工厂的完整评估 / run the full assessment of the bundled sample factory.")
def demo(
    out: Annotated[Path, typer.Option("--out", help="输出目录 / output folder")] = Path("out"),
    lang: Lang = "zh",
) -> None:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from zerocarbon.services.demo.main import run_demo

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                  transient=False) as progress:
        task = progress.add_task("示例工厂 / sample factory", total=None)

        def step(message: str) -> None:
            progress.update(task, description=f"示例工厂 / sample factory: {message}")

        try:
            result = run_demo(out, progress=step)
        except ZerocarbonError as exc:
            _fail(exc, lang)
        progress.update(task, description="示例工厂 / sample factory: done", completed=1, total=1)
    print_summary(result.run, lang)
    if result.efficiency is not None:
        print_efficiency_summary(result.efficiency, lang)
    if result.verdict is not None:
        print_verdict(result.verdict.assessment.to_dict(), lang)
    console.print(f"\n{'输出文件' if lang == 'zh' else 'Outputs'} ({out}):", highlight=False)
    for path in result.files:
        console.print(f"  {Path(path).name}", highlight=False)


@app.command(help="生成 Excel 活动数据模板 / write the Excel activity-data template.")
def template(
    path: Annotated[Path, typer.Argument(help="输出文件 / output .xlsx")] = Path("zerocarbon_template.xlsx"),
    example: Annotated[bool, typer.Option("--example", help="填入示例工厂数据 / fill with the sample factory")] = False,
) -> None:
    from zerocarbon.services.demo.main import sample_input
    from zerocarbon.services.inventory.template import write_template

    written = write_template(path, sample_input() if example else None)
    console.print(f"{written}")


@factors_app.command("list", help="列出因子及来源 / list factors with their sources.")
def factors_list(
    item: Annotated[str | None, typer.Option("--item", help="品种 / item (名称或编号)")] = None,
    parameter: Annotated[str | None, typer.Option("--parameter", help="参数 / parameter")] = None,
    year: Annotated[int | None, typer.Option("--year", help="数据年份 / data year")] = None,
    region: Annotated[str | None, typer.Option("--region", help="地区 / region")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    from zerocarbon.services.inventory.factors import list_factors

    try:
        rows = list_factors(item=item, parameter=parameter, year=year, region=region)
    except ZerocarbonError as exc:
        _fail(exc)
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title=f"因子库 / factor library ({len(rows)})")
    for col in ("factor_id", "value", "unit", "region", "data_year", "validity", "status", "source"):
        table.add_column(col, overflow="fold")
    for r in rows:
        status = r["status"] + (" ★" if r["preferred"] else "")
        table.add_row(r["factor_id"], r["value"], r["unit"], r["region"], r["data_year"], r["validity"], status,
                      r["source"])
    console.print(table)


@factors_app.command("show", help="显示一个因子的全部信息 / show one factor (id) or an item's factors.")
def factors_show(key: Annotated[str, typer.Argument(help="因子编号或品种 / factor id or item")]) -> None:
    from zerocarbon.services.inventory.factors import show_factor

    try:
        console.print(show_factor(key), highlight=False, markup=False, soft_wrap=True)
    except ZerocarbonError as exc:
        _fail(exc)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
