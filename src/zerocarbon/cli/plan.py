"""``zerocarbon plan``: source decarbonisation — measures, MAC curve, roadmap and sizing for the targets.

Thin: every path calls :mod:`zerocarbon.services.planning.runs`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from zerocarbon.errors import ZerocarbonError

console = Console()
err_console = Console(stderr=True)


def _pct(v: Any) -> str:
    return "—" if v is None else f"{float(v) * 100:.1f} %"


def _num(v: Any, places: int = 0) -> str:
    return "—" if v is None or v != v or abs(v) == float("inf") else f"{float(v):,.{places}f}"


def print_plan_summary(plan: dict[str, Any], lang: str = "zh") -> None:
    """The plan's indicators, measures in MAC order and the roadmap as terminal tables."""
    zh = lang == "zh"
    ind = plan["indicators"]
    t = Table(title=f"{'源头减碳规划' if zh else 'Source-decarbonisation plan'} · {plan['year']} → "
                    f"{plan['assumptions']['target_year']}")
    for col in (("指标" if zh else "Indicator"), ("基准年" if zh else "Baseline"), ("全部措施后" if zh else "Plan")):
        t.add_column(col)
    names = {"non_fossil_share": ("非化石能源消费占比", "Non-fossil share"),
             "physical_share": ("非化石电力物理认定量占比", "Physically traceable share"),
             "self_consumption": ("光伏自发自用率", "Self-consumption"),
             "hourly_matching": ("逐时匹配率（24/7 CFE）", "Hourly matching (24/7 CFE)")}
    for k, (z, e) in names.items():
        t.add_row(z if zh else e, _pct(ind["baseline"][k]), _pct(ind["plan"][k]))
    console.print(t)
    m = Table(title="边际减排成本曲线（按实施顺序）" if zh else "MAC curve (in order of application)")
    for c in (("措施", "Measure"), ("年份", "Year"), ("减排 tCO2/a", "Abatement tCO2/a"),
              ("元/tCO2", "CNY/tCO2")):
        m.add_column(c[0] if zh else c[1])
    for s in plan["steps"]:
        m.add_row(s["title_zh"] if zh else s["title_en"], str(s["year"]), _num(s["abatement_t"], 1), _num(s["mac"]))
    console.print(m)
    for x in plan["not_assessed"]:
        console.print(f"  {'未评估' if zh else 'not assessed'}: {x['id']} — {x['reason_zh'] if zh else x['reason_en']}",
                      highlight=False, markup=False)
    base, res = plan["baseline"]["total_t"], plan["residual_at_target_t"]
    console.print(("基准排放 {b} tCO2/a；目标年 {y} 剩余排放 {r} tCO2/a，需碳抵销覆盖" if zh else
                   "Baseline {b} tCO2/a; residual in {y}: {r} tCO2/a, to be covered by offsets").format(
        b=_num(base, 1), y=plan["assumptions"]["target_year"], r=_num(res, 1)), highlight=False, markup=False)
    sz: dict[str, Any] = plan.get("sizing") or {}
    if sz.get("energy_basis"):
        target = (sz.get("targets") or {}).get("intensity_tco2_per_tce")
        console.print(("优化配置：能源消费 {e} tce，单位能耗碳排放 {i} tCO2/tce（目标 ≤ {t}）；{b}" if zh else
                       "Sizing: energy {e} tce, zero-carbon intensity {i} tCO2/tce (target ≤ {t}); {b}").format(
            e=_num(sz.get("energy_tce"), 1), i=_num(sz.get("zero_carbon_intensity"), 4), t=_num(target, 4),
            b=sz["energy_basis"]["description"]), highlight=False, markup=False)


def plan(
    activity: Annotated[Path | None, typer.Argument(help="活动数据文件 / activity-data file")] = None,
    assumptions: Annotated[Path | None, typer.Option("--assumptions", help="规划假设 YAML / planning assumptions "
                                                                           "(YAML)")] = None,
    register: Annotated[Path | None, typer.Option("--register", help="设备能效台账（诊断措施、空压机） / "
                                                                     "equipment register")] = None,
    factory: Annotated[str | None, typer.Option("--factory", help="库中工厂编号 / factory id in the store")] = None,
    db: Annotated[str | None, typer.Option("--db", help="数据库 URL / store URL")] = None,
    example: Annotated[bool, typer.Option("--example", help="示例工厂（合成数据） / the sample factory (synthetic)")]
    = False,
    year: Annotated[int | None, typer.Option("--year", help="数据年份 / data year")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="写出 JSON、HTML（中英）与 XLSX 的目录 / write JSON, "
                                                           "HTML (zh, en) and XLSX here")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON")] = False,
    lang: Annotated[str, typer.Option("--lang", help="输出语言 zh|en / output language")] = "zh",
) -> None:
    """源头减碳规划：措施、边际减排成本曲线、逐年路线图与按目标优化配置 / source decarbonisation: measures, the MAC
    curve, the year-by-year roadmap and least-cost sizing for the targets. Examples / 示例:
    `zerocarbon plan --example`, `zerocarbon plan 活动数据.xlsx --assumptions 规划假设.yaml --register 台账.xlsx`,
    `zerocarbon plan --factory F01 --assumptions 规划假设.yaml --out out/`."""
    from zerocarbon.services.planning.runs import plan_factory, plan_files, write_plan

    if example:
        from zerocarbon.demo.generator import SAMPLE_FILE
        from zerocarbon.demo.weather import SAMPLE_PLANNING

        activity, assumptions = SAMPLE_FILE, assumptions or SAMPLE_PLANNING
        register = register or SAMPLE_FILE.parent / "sample_equipment.yaml"
    if assumptions is None or (activity is None) == (factory is None):
        err_console.print("请给出 --assumptions，以及活动数据文件或 --factory 之一（或 --example） / "
                          "give --assumptions and exactly one of an activity file or --factory (or --example)")
        raise typer.Exit(2)
    try:
        if factory is not None:
            result = plan_factory(factory, assumptions, register=register, year=year, url=db)
        else:
            assert activity is not None
            result = plan_files(activity, assumptions, register=register, year=year)
    except ZerocarbonError as exc:
        err_console.print(f"[bold red]错误 / error[/]\n{exc.message('zh')}\n{exc.message('en')}")
        raise typer.Exit(2) from None
    if out is not None:
        for path in write_plan(result, out):
            err_console.print(f"  {path}", highlight=False, markup=False)
    if as_json:
        from zerocarbon.services.planning.runs import plan_json

        sys.stdout.write(plan_json(result) + "\n")
        return
    print_plan_summary(result, lang)

