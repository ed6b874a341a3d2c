"""``zerocarbon footprint``: product footprint studies (GB/T 24067-2024) and PACT v3 documents.

Thin: every command calls :mod:`zerocarbon.services.footprint`.
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

footprint_app = typer.Typer(
    no_args_is_help=True,
    help="产品碳足迹（GB/T 24067-2024）：由工厂数据与供应商足迹计算研究，导出/导入 PACT v3 文档 / product carbon "
         "footprints (GB/T 24067-2024): run a study from factory data and supplier footprints, export and import "
         "PACT v3 documents. Examples / 示例: `zerocarbon footprint run 足迹研究.yaml --out out/`, "
         "`zerocarbon footprint run 足迹研究.yaml --factory F01`, `zerocarbon footprint export 足迹研究.yaml "
         "pact.json`, `zerocarbon footprint import supplier.json`.",
)
Lang = Annotated[str, typer.Option("--lang", help="输出语言 zh|en / output language")]
AsJson = Annotated[bool, typer.Option("--json", help="输出 JSON / print machine-readable JSON")]
Factory = Annotated[str | None, typer.Option("--factory", help="用库中该工厂的清单（计量数据）/ use this factory's "
                                                               "inventory from the store")]
Url = Annotated[str | None, typer.Option("--url", help="数据库地址（默认本地库）/ database URL (default: the local "
                                                       "store)")]
Iterations = Annotated[int | None, typer.Option("--iterations", help="蒙特卡洛次数（默认取研究文件）/ Monte Carlo "
                                                                     "iterations (default: the study's)")]


def _fail(exc: ZerocarbonError) -> None:
    err_console.print(f"[bold red]错误 / error[/]\n{exc.message('zh')}\n{exc.message('en')}", highlight=False)
    raise typer.Exit(2)


def print_footprints(result: Any, lang: str = "zh") -> None:
    """Each product's footprint, its stages and quality as a table in the terminal."""
    zh = lang == "zh"
    data = result.to_dict()
    table = Table(title=f"{'产品碳足迹' if zh else 'Product carbon footprints'} · {data['study']['id']}")
    for head in (("产品", "Product"), ("kgCO2e/单位", "kgCO2e/unit"), ("化石源", "Fossil"), ("初级数据 %", "Primary %"),
                 ("各阶段", "Stages")):
        table.add_column(head[0] if zh else head[1])
    for p in data["products"]:
        stages = "; ".join(f"{s['zh' if zh else 'en']} {s['kgco2e']:,.1f}" for s in p["stages"]
                           if s["kgco2e"] is not None)
        table.add_row(p["name_zh" if zh else "name_en"], f"{p['kgco2e_per_unit']:,.2f}", f"{p['fossil']:,.2f}",
                      p["quality"]["primary_data_share"], stages)
    console.print(table)
    e = data["electricity"]
    console.print(f"{'电力碳足迹因子' if zh else 'Electricity footprint factor'}: {e['factor_tco2e_per_mwh']} "
                  f"kgCO2e/kWh ({e['factor_id']}); {'规则' if zh else 'rule'} {e['rule']}", highlight=False)
    for p in data["products"]:
        if p["battery"]:
            b = p["battery"]
            console.print(f"{'动力电池碳足迹申报' if zh else 'Traction-battery declaration'} {p['product']}: "
                          f"{float(b['declared_kgCO2e_per_kWh']):.5f} kgCO2e/kWh", highlight=False)


@footprint_app.command("run", help="计算足迹研究并写出报告、工作簿、PACT 与电池申报 / run a study and write its "
                                   "report, workbook, PACT export and battery declarations")
def run(study: Annotated[Path, typer.Argument(help="足迹研究文件 / study file (.yaml)")],
        out: Annotated[Path | None, typer.Option("--out", help="输出目录 / output folder")] = None,
        factory: Factory = None, url: Url = None, iterations: Iterations = None, as_json: AsJson = False,
        lang: Lang = "zh") -> None:
    from zerocarbon.services.footprint import run_study, write_study_outputs

    try:
        result = run_study(study, factory=factory, url=url, iterations=iterations)
        files = write_study_outputs(result, out) if out else []
    except ZerocarbonError as exc:
        _fail(exc)
        return
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str) + "\n")
        return
    print_footprints(result, lang)
    for f in files:
        console.print(f"  {f}", highlight=False)


@footprint_app.command("export", help="导出研究中各产品的 PACT v3 文档 / export each product of a study as PACT v3")
def export(study: Annotated[Path, typer.Argument(help="足迹研究文件 / study file")],
           path: Annotated[Path, typer.Argument(help="输出 JSON / output .json")] = Path("footprint_pact.json"),
           factory: Factory = None, url: Url = None, lang: Lang = "zh") -> None:
    from zerocarbon.services.footprint import run_study
    from zerocarbon.services.footprint.exchange import write_documents

    try:
        result = run_study(study, factory=factory, url=url, iterations=0)
        written = write_documents(result.pact_documents(), path)
    except ZerocarbonError as exc:
        _fail(exc)
        return
    zh = lang == "zh"
    console.print(f"{'已导出' if zh else 'exported'} {len(result.products)} "
                  f"{'个 PACT v3 足迹' if zh else 'PACT v3 footprints'} → {written} ({result.pact_status})",
                  highlight=False)


@footprint_app.command("import", help="读取并校验 PACT 文档（v3.0 或 v2.x）/ read and validate PACT documents "
                                      "(v3.0 or v2.x)")
def import_(path: Annotated[Path, typer.Argument(help="PACT JSON 文件 / PACT JSON file")],
            as_json: AsJson = False, lang: Lang = "zh") -> None:
    from zerocarbon.services.footprint.exchange import import_file

    try:
        items = import_file(path)
    except ZerocarbonError as exc:
        _fail(exc)
        return
    rows: list[dict[str, Any]] = [
            {"id": fp.id, "specVersion": fp.spec_version, "company": fp.company_name, "product": fp.product_name,
             "productIds": list(fp.product_ids), "declaredUnit": f"{fp.declared_unit_amount} {fp.declared_unit}",
             "pcfExcludingBiogenicUptake": str(fp.pcf_excluding_biogenic_uptake),
             "pcfIncludingBiogenicUptake": None if fp.pcf_including_biogenic_uptake is None
             else str(fp.pcf_including_biogenic_uptake),
             "primaryDataShare": None if fp.primary_data_share is None else str(fp.primary_data_share),
             "validation": status} for fp, status in items]
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    zh = lang == "zh"
    table = Table(title=f"PACT · {path.name}")
    for head in (("产品", "Product"), ("版本", "Version"), ("声明单位", "Declared unit"),
                 ("足迹 kgCO2e（不含生物源吸收）", "PCF kgCO2e (excl. biogenic uptake)"), ("初级数据 %", "Primary %"),
                 ("校验", "Validation")):
        table.add_column(head[0] if zh else head[1])
    for r in rows:
        valid = str(r["validation"])
        shown = ("有效" if valid.startswith("valid") else "未校验") if zh else valid
        table.add_row(str(r["product"]), str(r["specVersion"]), str(r["declaredUnit"]),
                      str(r["pcfExcludingBiogenicUptake"]), str(r["primaryDataShare"] or "—"), shown)
    console.print(table)
