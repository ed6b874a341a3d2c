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
         "`zerocarbon footprint report 足迹研究.yaml --out out/`, "
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
Pdf = Annotated[bool, typer.Option("--pdf/--no-pdf", help="同时写出 PDF（报告与欧盟电池声明）/ also write the PDFs "
                                                           "(report and EU battery declarations)")]


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


@footprint_app.command("run", help="计算足迹研究并写出报告、工作簿、PACT 与电池申报（--pdf 同时写 PDF）/ run a study "
                                   "and write its report, workbook, PACT export and battery declarations (--pdf: "
                                   "the PDFs too)")
def run(study: Annotated[Path, typer.Argument(help="足迹研究文件 / study file (.yaml)")],
        out: Annotated[Path | None, typer.Option("--out", help="输出目录 / output folder")] = None,
        factory: Factory = None, url: Url = None, iterations: Iterations = None, as_json: AsJson = False,
        pdf: Pdf = False, lang: Lang = "zh") -> None:
    from zerocarbon.services.footprint import run_study, write_study_outputs

    try:
        result = run_study(study, factory=factory, url=url, iterations=iterations)
        files = write_study_outputs(result, out, pdf=pdf) if out else []
    except ZerocarbonError as exc:
        _fail(exc)
        return
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str) + "\n")
        return
    print_footprints(result, lang)
    for f in files:
        console.print(f"  {f}", highlight=False)


@footprint_app.command("report", help="写出产品碳足迹研究报告（HTML 与 PDF，中英文）及电池碳足迹申报（中国、欧盟）/ "
                                      "write the PCF study report (HTML and PDF, zh-CN and en) and the battery "
                                      "declarations (China, EU)")
def report(study: Annotated[Path, typer.Argument(help="足迹研究文件 / study file (.yaml)")],
           out: Annotated[Path, typer.Option("--out", help="输出目录 / output folder")] = Path("."),
           factory: Factory = None, url: Url = None, iterations: Iterations = None, pdf: Pdf = True,
           lang: Lang = "zh") -> None:
    from zerocarbon.services.footprint import run_study
    from zerocarbon.services.footprint.outputs import write_reports

    try:
        files = write_reports(run_study(study, factory=factory, url=url, iterations=iterations), out, pdf=pdf)
    except ZerocarbonError as exc:
        _fail(exc)
        return
    console.print(f"{'已写出' if lang == 'zh' else 'written'}:", highlight=False)
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


# ------------------------------------------------------------------------------------ PACT v3 exchange
FactoryReq = Annotated[str, typer.Option("--factory", help="工厂编号 / factory id")]
Host = Annotated[str, typer.Option("--host", help="对方 PACT 主机地址（https://…，其下有 /auth/token 与 /3/…）/ the "
                                                  "other PACT host's base URL")]
ClientId = Annotated[str, typer.Option("--client-id", help="客户端标识 / client id")]
ClientSecret = Annotated[str, typer.Option("--client-secret", envvar="ZEROCARBON_PACT_CLIENT_SECRET",
                                           help="客户端密钥（也可用环境变量 ZEROCARBON_PACT_CLIENT_SECRET）/ client "
                                                "secret (or the environment variable)")]
AllowHttp = Annotated[bool, typer.Option("--allow-http", help="允许 http://（仅限本地测试）/ allow plain http:// "
                                                               "(local tests only)")]

pact_client_app = typer.Typer(no_args_is_help=True, help="PACT 数据接收方的客户端凭据（OAuth2 client credentials）/ "
                                                         "client credentials of PACT data recipients")
footprint_app.add_typer(pact_client_app, name="pact-client")


@footprint_app.command("publish", help="在本系统的 PACT 主机上发布足迹（研究文件 .yaml 或导出的 PACT .json）/ publish "
                                       "footprints on this PACT host (a study .yaml or an exported PACT .json)")
def publish(source: Annotated[Path, typer.Argument(help="研究文件或 PACT JSON / study file or PACT JSON")],
            factory: FactoryReq, url: Url = None,
            from_store: Annotated[bool, typer.Option("--from-store", help="研究用库中该工厂的清单 / the study uses "
                                                                          "the factory's inventory in the store")]
            = False, lang: Lang = "zh") -> None:
    from zerocarbon.services.footprint import pact_host

    try:
        if source.suffix.lower() == ".json":
            stored = pact_host.publish_file(factory, source, url)
        else:
            stored = pact_host.publish_study(factory, source, url, from_store=from_store)
    except ZerocarbonError as exc:
        _fail(exc)
        return
    zh = lang == "zh"
    for s in stored:
        state = ("新发布" if zh else "published") if s.added else ("已存在" if zh else "already published")
        extra = f" ({'替代' if zh else 'replaces'} {s.replaced})" if s.replaced else ""
        console.print(f"{s.pf_id}  {state}{extra}  {s.validation}", highlight=False)


@pact_client_app.command("create", help="为一个数据接收方（客户）生成凭据，密钥只显示一次 / new credentials for a data "
                                        "recipient; the secret is shown once")
def client_create(factory: FactoryReq, name: Annotated[str, typer.Option("--name", help="客户名称 / recipient")] = "",
                  url: Url = None) -> None:
    from zerocarbon.services.footprint import pact_host

    try:
        client_id, secret = pact_host.create_client(factory, name, url)
    except ZerocarbonError as exc:
        _fail(exc)
        return
    sys.stdout.write(f"client_id={client_id}\nclient_secret={secret}\n")


@pact_client_app.command("list", help="列出工厂的客户端凭据（不含密钥）/ list a factory's credentials (no secrets)")
def client_list(factory: FactoryReq, url: Url = None, as_json: AsJson = False) -> None:
    from zerocarbon.services.footprint import pact_host

    rows = [c.to_dict() for c in pact_host.list_clients(factory, url)]
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    for r in rows:
        console.print(f"{r['client_id']}  {r['name']}  {'revoked' if r['revoked_at'] else 'active'}", highlight=False)


@pact_client_app.command("revoke", help="吊销客户端凭据 / revoke client credentials")
def client_revoke(client_id: Annotated[str, typer.Argument(help="客户端标识 / client id")], url: Url = None) -> None:
    from zerocarbon.services.footprint import pact_host

    try:
        pact_host.revoke_client(client_id, url)
    except ZerocarbonError as exc:
        _fail(exc)
        return
    console.print(f"{client_id} revoked / 已吊销", highlight=False)


@footprint_app.command("pull", help="从供应商的 PACT 主机拉取足迹，校验后存为本厂的供应商足迹 / pull footprints from a "
                                    "supplier's PACT host, validate them and store them as supplier footprints")
def pull(host: Host, client_id: ClientId, client_secret: ClientSecret, factory: FactoryReq, url: Url = None,
         product_id: Annotated[list[str] | None, typer.Option("--product-id", help="只取这些产品（URN，可重复）/ only "
                                                                                  "these products (repeatable)")]
         = None,
         out: Annotated[Path | None, typer.Option("--out", help="另存为研究可引用的 PACT JSON / also write a PACT JSON "
                                                               "a study names in suppliers[].pact_file")] = None,
         allow_http: AllowHttp = False, as_json: AsJson = False, lang: Lang = "zh") -> None:
    from zerocarbon.services.footprint import pact_client, pact_host
    from zerocarbon.services.footprint.pact_filters import criteria_from

    criteria = {"productId": product_id} if product_id else None
    try:
        with pact_client.PactHost(host, client_id, client_secret, allow_http=allow_http) as session:
            result = pact_client.pull(factory, session, criteria, url)
        written = pact_host.write_supplier_file(factory, out, criteria_from(criteria or {}), url) if out else None
    except ZerocarbonError as exc:
        _fail(exc)
        return
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        zh = lang == "zh"
        console.print(f"{'已存' if zh else 'stored'} {sum(s.added for s in result.stored)} "
                      f"{'个新足迹' if zh else 'new footprints'}, {len(result.stored)} "
                      f"{'个有效' if zh else 'valid'}, {len(result.refused)} {'个被拒' if zh else 'refused'}",
                      highlight=False)
        for r in result.refused:
            console.print(f"  {r['id']}: {r['problem_zh' if zh else 'problem_en']}", highlight=False)
        if written:
            console.print(f"  → {written[0]} ({written[1]})", highlight=False)
    if result.refused:
        raise typer.Exit(1)


@footprint_app.command("answer", help="把待答复的足迹请求答复发送给请求方的 PACT 主机 / send the pending answers to "
                                      "footprint requests to the requester's PACT host")
def answer(host: Host, client_id: ClientId, client_secret: ClientSecret, factory: FactoryReq, url: Url = None,
           allow_http: AllowHttp = False) -> None:
    from zerocarbon.services.footprint import pact_client

    try:
        with pact_client.PactHost(host, client_id, client_secret, allow_http=allow_http) as session:
            sent = pact_client.deliver_answers(factory, session, url)
    except ZerocarbonError as exc:
        _fail(exc)
        return
    for s in sent:
        console.print(f"{s['request']} → {s['answer']} ({s['to']})", highlight=False)
    console.print(f"{len(sent)} sent / 已发送", highlight=False)


@footprint_app.command("cbam", help="欧盟 CBAM（正式期）：按装置文件计算各货物的单位内含排放，写出给进口商的数据"
                                    "（JSON、中英文 XLSX）/ EU CBAM (definitive period): specific embedded "
                                    "emissions of an installation's goods, and the data for the EU importer "
                                    "(JSON, XLSX zh and en)")
def cbam(path: Annotated[Path, typer.Argument(help="CBAM 装置文件 / CBAM installation file (.yaml)")],
         inventory: Annotated[Path | None, typer.Option(
             "--inventory", help="工厂活动数据文件：装置直接排放取自其清单 / the factory's activity file: the "
                                 "installation's direct emissions from its inventory")] = None,
         out: Annotated[Path | None, typer.Option("--out", help="输出目录 / output folder")] = None,
         as_json: AsJson = False, lang: Lang = "zh") -> None:
    from zerocarbon.services.footprint.cbam_report import run_cbam, write_cbam_outputs

    try:
        report = run_cbam(path, inventory)
        files = write_cbam_outputs(report, out) if out else []
    except ZerocarbonError as exc:
        _fail(exc)
        return
    data = report.to_dict()
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    zh = lang == "zh"
    table = Table(title=f"{'CBAM 单位内含排放' if zh else 'CBAM specific embedded emissions'} · {data['year']}")
    for head in (("货物", "Good"), ("CN 编码", "CN code"), ("依据", "Basis"), ("直接", "Direct"),
                 ("间接（计入）", "Indirect (counted)"), ("合计 tCO2e/t", "Total tCO2e/t"),
                 ("缺省值占比", "Default share")):
        table.add_column(head[0] if zh else head[1])
    basis = {"actual": ("实际值", "actual"), "default": ("缺省值", "default")}
    for g in data["goods"]:
        table.add_row(g["name_zh" if zh else "name_en"], g["cn_code"], basis[g["basis"]][0 if zh else 1],
                      f"{float(g['see_direct']):.4f}", f"{float(g['see_indirect']):.4f}",
                      f"{float(g['see_total']):.4f}", f"{float(g['default_share_of_see']):.1%}")
    console.print(table)
    for f in files:
        console.print(f"  {f}", highlight=False)
