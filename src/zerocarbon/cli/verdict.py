"""``zerocarbon verdict``: is this factory a zero-carbon factory, and what closes the gap.

Thin: calls :mod:`zerocarbon.services.assessment.runs`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from zerocarbon.errors import ZerocarbonError
from zerocarbon.reports.verdict import STATUS, fmt_value, requirement

console = Console()
err_console = Console(stderr=True)


def _pick(pair: dict[str, str] | tuple[str, str], lang: str) -> str:
    if isinstance(pair, dict):
        return pair.get(lang) or pair.get("zh") or ""
    return pair[0] if lang == "zh" else pair[1]


def print_verdict(data: dict, lang: str = "zh") -> None:  # type: ignore[type-arg]
    """The verdict per level, the criteria and the ranked gap list, in one language."""
    zh = lang == "zh"
    main = data["evaluations"][0]
    console.print(
        f"{'零碳工厂评价' if zh else 'Zero-carbon factory evaluation'} · {data['year']}", style="bold", highlight=False
    )
    console.print(f"{'评价指标集' if zh else 'Criteria set'}: {_pick(main['name'], lang)}", highlight=False)
    table = Table()
    table.add_column("层级" if zh else "Level")
    table.add_column("结论" if zh else "Result")
    for lv in main["levels"]:
        table.add_row(_pick(lv["name"], lang), _pick(STATUS[lv["status"]], lang))
    console.print(table)
    crit = Table(title="逐项评价" if zh else "Criteria")
    for col in (("指标", "Criterion"), ("实际值", "Value"), ("要求", "Requirement"), ("结论", "Result")):
        crit.add_column(_pick(col, lang), overflow="fold")
    for r in main["results"]:
        crit.add_row(
            r["id"],
            fmt_value(r["value"], r["value_unit"], lang),
            requirement(r, lang),
            _pick(STATUS[r["status"]], lang),
        )
    console.print(crit)
    by_id = {r["id"]: r for r in main["results"]}
    console.print("差距清单（按弥补的难易排序）：" if zh else "Gap list (in the order to work on it):", highlight=False)
    groups: list[tuple[list[str], dict]] = []  # type: ignore[type-arg]
    for gid in main["gaps"]:
        g = by_id[gid]
        if groups and g["status"] == "not_assessable" and groups[-1][1]["status"] == "not_assessable" \
                and groups[-1][1]["closers"] == g["closers"]:
            groups[-1][0].append(gid)  # the same missing data blocks several criteria: one item
            continue
        groups.append(([gid], g))
    for n, (ids, g) in enumerate(groups, start=1):
        sep = "、" if zh else ", "
        console.print(f"  {n}. {sep.join(ids)} · {_pick(STATUS[g['status']], lang)}", highlight=False, markup=False)
        for k in g["closers"]:
            console.print(f"     - {_pick(k['text'], lang)}", highlight=False, markup=False)


def verdict(
    activity: Annotated[Path, typer.Argument(help="活动数据文件（xlsx/yaml/json） / activity data file")],
    year: Annotated[int | None, typer.Option("--year", help="数据年份 / data year")] = None,
    declaration: Annotated[
        Path | None, typer.Option("--declaration", help="评价声明文件 / the factory's declaration (YAML/JSON)")
    ] = None,
    ledger: Annotated[
        Path | None, typer.Option("--ledger", help="抵销工具台账 / instrument ledger (YAML/JSON)")
    ] = None,
    equipment: Annotated[Path | None, typer.Option("--equipment", help="设备能效台账 / equipment register")] = None,
    criteria: Annotated[
        list[str] | None,
        typer.Option("--set", help="评价指标集（可多次） / criteria set id (repeatable; default: all, national first)"),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="输出语言 zh|en / output language")] = "zh",
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON")] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="写出 JSON 与 HTML（中英）的目录 / write JSON and HTML (zh, en) into this folder"),
    ] = None,
) -> None:
    """零碳工厂评价：各指标集的结论与差距清单 / the zero-carbon verdict with its gap list."""
    from zerocarbon.services.assessment.runs import assess_files, write_assessment

    try:
        run, result, manifest = assess_files(
            activity, year=year, declaration=declaration, ledger=ledger, equipment=equipment, sets=criteria
        )
    except ZerocarbonError as exc:
        err_console.print(f"[bold red]{'错误' if lang == 'zh' else 'error'}[/]\n{exc.message(lang)}", highlight=False)
        raise typer.Exit(2) from exc
    data = result.to_dict()
    if out is not None:
        name = run.data.factory.name_zh if lang == "zh" else (run.data.factory.name_en or run.data.factory.name_zh)
        for path in write_assessment(result, out, name, run.data.factory.synthetic, manifest):
            err_console.print(f"  {path}", highlight=False, markup=False)
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    print_verdict(data, lang)


def verify(
    report: Annotated[Path, typer.Argument(help="报告（HTML 或 JSON） / the report (HTML or JSON)")],
    activity: Annotated[
        Path | None,
        typer.Option(
            "--activity",
            help="活动数据文件（默认：报告旁同名文件） / activity data (default: the recorded file beside the report)",
        ),
    ] = None,
    declaration: Annotated[Path | None, typer.Option("--declaration", help="评价声明 / declaration")] = None,
    ledger: Annotated[Path | None, typer.Option("--ledger", help="抵销台账 / ledger")] = None,
    equipment: Annotated[Path | None, typer.Option("--equipment", help="设备台账 / equipment register")] = None,
    db: Annotated[str | None, typer.Option("--db", help="库（计量数据） / store URL for metered data")] = None,
    lang: Annotated[str, typer.Option("--lang", help="输出语言 zh|en / output language")] = "zh",
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON")] = False,
) -> None:
    """复核报告：按其清单重新计算，逐项说明是否仍成立 / re-check a report from its manifest: exit 0 when every
    figure stands, 1 when one does not."""
    from zerocarbon.services.verification.verify import verify_report

    try:
        result = verify_report(
            report, activity=activity, declaration=declaration, ledger=ledger, equipment=equipment, url=db
        )
    except ZerocarbonError as exc:
        err_console.print(f"[bold red]{'错误' if lang == 'zh' else 'error'}[/]\n{exc.message(lang)}", highlight=False)
        raise typer.Exit(2) from exc
    if as_json:
        sys.stdout.write(
            json.dumps(
                {
                    "report": result.report,
                    "stands": result.stands,
                    "checks": [c.__dict__ for c in result.checks if c.status != "stands"],
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
    else:
        for line in result.summary(lang):
            console.print(line, highlight=False, markup=False)
    raise typer.Exit(0 if result.stands else 1)


def region(
    year: Annotated[int, typer.Option("--year", help="数据年份 / data year")],
    province: Annotated[
        str | None, typer.Option("--province", help="省份（默认全部） / province (default: all)")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="写出 XLSX / write the XLSX here")] = None,
    db: Annotated[str | None, typer.Option("--db", help="库 / store URL")] = None,
    lang: Annotated[str, typer.Option("--lang", help="输出语言 zh|en / output language")] = "zh",
) -> None:
    """区域评价：库中各工厂的评价结论、层级与关键指标并列、行业内排名 / every factory of a region evaluated side by
    side, ranked within its industry."""
    from rich.progress import Progress

    from zerocarbon.services.assessment.region import STATUS, TIERS, evaluate_region, write_region_xlsx

    zh = lang == "zh"
    with Progress(console=err_console, transient=True) as bar:
        task = bar.add_task("评价中" if zh else "evaluating", total=None)

        def step(done: int, total: int, fid: str) -> None:
            bar.update(task, completed=done, total=total, description=f"{'评价中' if zh else 'evaluating'} {fid}")

        result = evaluate_region(None, year, db, province=province, progress=step)
    table = Table(title=f"{'区域评价' if zh else 'Regional evaluation'} · {year}{' · ' + province if province else ''}")
    for col in (
        ("企业", "Factory"),
        ("层级", "Tier"),
        ("基本要求", "Basic"),
        ("物理认定占比", "Traceable share"),
        ("行业内排名", "Rank"),
    ):
        table.add_column(_pick(col, lang), overflow="fold")
    for r in result["rows"]:
        name = r["name_zh"] if zh else r["name_en"]
        if "error" in r:
            table.add_row(name, "—", _pick(r["error"], lang), "—", "—")
            continue
        share = r["indicators"]["traceable_share"]
        table.add_row(
            name,
            _pick(TIERS[r["tier"]], lang),
            _pick(STATUS[r["levels"]["basic"]], lang),
            fmt_value(share, "1", lang),
            f"{r['rank_in_industry']} / {r['industry_size']}",
        )
    console.print(table)
    console.print(_pick(result["tier_note"], lang), highlight=False, markup=False)
    if out is not None:
        err_console.print(f"  {write_region_xlsx(result, out, lang)}", highlight=False, markup=False)
