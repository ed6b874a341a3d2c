"""``zerocarbon efficiency``: the equipment register, grades, savings and the energy-saving diagnosis.

Thin: every command calls :mod:`zerocarbon.services.efficiency.runs`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from zerocarbon.errors import ZerocarbonError
from zerocarbon.reports.efficiency import fmt, grade_text

console = Console()
err_console = Console(stderr=True)

efficiency_app = typer.Typer(
    no_args_is_help=True,
    help="过程脱碳：设备能效台账、能效等级（GB 18613-2020、GB 20052-2024、GB 30254-2024、GB 30253-2024、"
         "GB 19153-2019、GB 19761-2020、GB 19762-2025）、节能量与投资回收期、单位产品能耗限额、能量平衡、"
         "节能降碳诊断报告 / process decarbonisation: the equipment register, efficiency grades (GB 18613-2020, "
         "GB 20052-2024, GB 30254-2024, GB 30253-2024, GB 19153-2019, GB 19761-2020, "
         "GB 19762-2025), "
         "savings and payback of upgrades to grade 1, unit-product energy against the quota grades, the energy "
         "balance, and the energy-saving diagnosis report. "
         "Examples / 示例: `zerocarbon efficiency template 台账.xlsx`, `zerocarbon efficiency grade 台账.xlsx`, "
         "`zerocarbon efficiency diagnose 台账.xlsx --inventory 活动数据.xlsx --out out/`, "
         "`zerocarbon efficiency diagnose 台账.xlsx --factory F01`.",
)
Lang = Annotated[str, typer.Option("--lang", help="输出语言 zh|en / output language")]
AsJson = Annotated[bool, typer.Option("--json", help="输出 JSON / print machine-readable JSON")]
Out = Annotated[Path | None, typer.Option("--out", help="写出 JSON、HTML（中英）与 XLSX 的目录 / write JSON, HTML "
                                                        "(zh, en) and XLSX into this folder")]
Year = Annotated[int | None, typer.Option("--year", help="数据年份（默认取台账参数） / data year (default: the "
                                                         "register's)")]


def _fail(exc: ZerocarbonError, lang: str) -> None:
    """A refusal in the user's language (``--lang``), and exit 2."""
    err_console.print("错误" if lang == "zh" else "error", style="bold red")
    err_console.print(exc.message(lang), highlight=False, markup=False)
    raise typer.Exit(2)


#: The accounting view the abatement is valued in, as the summary names it.
VIEWS = {"gbt32150": ("GB/T 32150 口径", "GB/T 32150 view"), "location": ("基于位置的范围二", "location-based"),
         "market": ("基于市场的范围二", "market-based"), "zero_carbon": ("零碳工厂指标口径", "zero-carbon view"),
         "ets": ("全国碳市场口径", "national ETS view")}


def _pct(value: Any) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f} %"


def _fmt(value: Any, spec: str) -> str:
    """A figure of the summary for display ("—" when not computed: grades only, without the settings)."""
    return "—" if value is None else format(float(value), spec)


def print_efficiency_summary(diagnosis: Any, lang: str = "zh") -> None:
    """The diagnosis's headline figures and its devices as tables in the terminal."""
    zh = lang == "zh"
    s = diagnosis.summary()
    table = Table(title=f"{'节能降碳诊断' if zh else 'Energy-saving diagnosis'}"
                        f"{'' if diagnosis.year is None else f' · {diagnosis.year}'}")
    table.add_column("项目" if zh else "Item")
    table.add_column("值" if zh else "Value", justify="right")
    rows = [
        ("节能装备应用占比（2级及以上）" if zh else "Rated power at grade 2 or better",
         _pct(s["share_grade_2_or_better"])),
        ("1级能效功率占比" if zh else "Rated power at grade 1", _pct(s["share_grade_1"])),
        ("低于能效限定值" if zh else "Below the minimum allowed", ", ".join(s["below_minimum"]) or "—"),
        ("标准表中无对应档位" if zh else "Rating missing from the table", ", ".join(s["missing_rows"]) or "—"),
        ("措施数" if zh else "Measures", str(s["measures"])),
        ("年节电量 kWh" if zh else "Electricity saved kWh/a", _fmt(s["kwh_per_year"], ",.0f")),
        (f"{'年减排' if zh else 'CO2 abated'} tCO2"
         + (f" ({VIEWS.get(str(s['main_view']), (str(s['main_view']),) * 2)[0 if zh else 1]})"
            if s["main_view"] else ""),
         _fmt(s["tco2_per_year"], ",.3f")),
        ("年节约电费 元" if zh else "Money saved yuan/a", _fmt(s["money_per_year"], ",.2f")),
        ("台账来源" if zh else "Register source", diagnosis.source()["label_zh" if zh else "label_en"]),
    ]
    if s["energy_tce"] is not None:
        rows.append(("综合能耗 tce" if zh else "Comprehensive energy tce", f"{float(s['energy_tce']):,.2f}"))
    if s["energy_per_value_added"] is not None:
        rows.append(("单位工业增加值能耗 tce/万元" if zh else "Energy per 10k yuan value added",
                     f"{float(s['energy_per_value_added']):.4f}"))
    for label, value in rows:
        table.add_row(label, value)
    console.print(table)
    needs = diagnosis.to_dict().get("savings_need_settings") if s.get("grades_only") else None
    if needs:  # grades only: the stored register without settings
        console.print(needs["message_zh" if zh else "message_en"], highlight=False, markup=False)
    for m in diagnosis.by_payback()[:5]:
        pb = "—" if m.payback_years is None else f"{float(m.payback_years):.1f} a"
        console.print(f"  {m.title_zh if zh else m.title_en}: {float(m.kwh_per_year):,.0f} kWh/a, {pb}",
                      highlight=False, markup=False)


def _devices_table(diagnosis: Any, lang: str) -> None:
    zh = lang == "zh"
    table = Table(title="设备能效等级" if zh else "Equipment grades")
    for col in ("编号" if zh else "Code", "kW", "η %", "等级" if zh else "Grade", "依据" if zh else "Why"):
        table.add_column(col, overflow="fold")
    for d in diagnosis.devices:
        g = d.grade
        table.add_row(d.code, str(d.rated_power_kw or "—"), str(d.efficiency_pct or "—"),
                      grade_text({"grade": g.grade, "outcome": g.outcome}, lang), g.reason_zh if zh else g.reason_en)
    console.print(table)


def _indicators_table(diagnosis: Any, lang: str) -> None:
    """Each quota indicator: its grade, and where it sits between the benchmark and baseline levels."""
    zh = lang == "zh"
    indicators = getattr(diagnosis, "indicators", None)  # grades only (no settings): none
    if not indicators:
        return
    table = Table(title="单位产品能耗：限额等级与标杆/基准水平" if zh else
                  "Unit-product energy: quota grades and the benchmark/baseline levels")
    for col in ("指标" if zh else "Indicator", "实际值" if zh else "Value", "等级" if zh else "Grade",
                "对标位置" if zh else "Position", "水平来源" if zh else "Levels from"):
        table.add_column(col, overflow="fold")
    for item in indicators:
        d = item.to_dict()
        name = f"{d['product']} · {d.get('name_zh' if zh else 'name_en', d['indicator'])}"
        if "verdict_zh" not in d:
            table.add_row(Text(name), "—", "—", Text(d["reason_zh" if zh else "reason_en"]), "—")
            continue
        p = d["position"]
        origin = "—" if p is None else f"{p['origin_zh' if zh else 'origin_en']} · " \
                                       f"{p['document'] if zh else p['document_en']}"
        table.add_row(Text(name), f"{fmt(d['value'])} {d['unit']}", Text(d["verdict_zh" if zh else "verdict_en"]),
                      Text(d["position_zh" if zh else "position_en"]), Text(origin))  # no markup in own text
    console.print(table)


Pdf = Annotated[bool, typer.Option("--pdf", help="同时写出 PDF 诊断报告（中英，需 --out） / also write the diagnosis "
                                                   "as PDF (zh-CN and en; with --out)")]


def _emit(diagnosis: Any, out: Path | None, as_json: bool, lang: str, pdf: bool = False) -> None:
    if out is not None:
        from zerocarbon.services.efficiency.runs import write_diagnosis

        for path in write_diagnosis(diagnosis, out, pdf=pdf):
            err_console.print(f"  {path}", highlight=False, markup=False)
    if as_json:
        sys.stdout.write(json.dumps(diagnosis.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    _devices_table(diagnosis, lang)
    _indicators_table(diagnosis, lang)
    print_efficiency_summary(diagnosis, lang)


@efficiency_app.command("template", help="生成设备能效台账 Excel 模板（中文表头） / write the XLSX register template "
                                         "(Chinese headers).")
def template(
    path: Annotated[Path, typer.Argument(help="输出文件 / output .xlsx")] = Path("设备能效台账.xlsx"),
    example: Annotated[bool, typer.Option("--example", help="填入示例工厂台账 / fill with the sample factory's "
                                                            "register")] = False,
) -> None:
    from zerocarbon.services.efficiency.runs import load_register, write_template

    register = None
    if example:
        from zerocarbon.services.demo.main import SAMPLE_EQUIPMENT

        register = load_register(SAMPLE_EQUIPMENT)
    console.print(str(write_template(path, register)))


FactoryOpt = Annotated[str | None, typer.Option("--factory", help="库中工厂编号 / factory id in the store")]
DbOpt = Annotated[str | None, typer.Option("--db", help="数据库 URL / store URL")]
RegisterArg = Annotated[Path | None, typer.Argument(help="设备能效台账文件；给出则优先于库中台账 / register file; "
                                                        "when given it wins over the stored register")]
Settings = Annotated[Path | None, typer.Option(
    "--settings", help="与库中设备合用的台账文件（只取参数、限额指标、转换设备；默认 <工厂>.equipment.yaml） / "
                       "register file whose settings, quota rows and conversions go with the stored devices "
                       "(default: "
                       "<factory>.equipment.yaml)")]


@efficiency_app.command("grade", help="读取台账并评定能效等级、节能量与措施；用 --factory 读库中台账 / grade a "
                                      "register (.xlsx/.yaml/.json), or with --factory the stored one: grades with "
                                      "the table row used, savings, measures; the output names the source "
                                      "(台账来源 store/file).")
def grade(register: RegisterArg = None, year: Year = None,
          factory: FactoryOpt = None, db: DbOpt = None, settings: Settings = None,
          out: Out = None, as_json: AsJson = False, lang: Lang = "zh", pdf: Pdf = False) -> None:
    from zerocarbon.services.efficiency.runs import grade_file, grade_stored_register

    if register is None and factory is None:
        err_console.print("请给出台账文件或 --factory" if lang == "zh" else "give a register file or --factory")
        raise typer.Exit(2)
    diagnosis: Any
    try:
        if register is not None:
            diagnosis = grade_file(register, year)
        else:  # stored devices without settings: their grades and shares only, saying what the savings need
            assert factory is not None
            diagnosis = grade_stored_register(factory, year, url=db, settings=settings)
    except ZerocarbonError as exc:
        _fail(exc, lang)
    _emit(diagnosis, out, as_json, lang, pdf)


@efficiency_app.command("diagnose", help="节能降碳诊断：台账 + 活动数据文件（--inventory）或库中工厂（--factory） / "
                                         "the diagnosis from a register and an activity-data file (--inventory) or "
                                         "a factory in the store (--factory, with its metered year). With --factory "
                                         "and no register file the stored register is read (台账来源 store); a file "
                                         "given wins (台账来源 file).")
def diagnose(
    register: RegisterArg = None,
    inventory: Annotated[Path | None, typer.Option("--inventory", help="活动数据文件 / activity-data file")] = None,
    factory: Annotated[str | None, typer.Option("--factory", help="库中工厂编号 / factory id in the store")] = None,
    db: Annotated[str | None, typer.Option("--db", help="数据库 URL / store URL")] = None,
    declared: Annotated[Path | None, typer.Option("--declared", help="与 --factory 合用的申报文件 / declared file "
                                                                     "with --factory")] = None,
    settings: Settings = None,
    year: Year = None, out: Out = None, as_json: AsJson = False, lang: Lang = "zh", pdf: Pdf = False,
) -> None:
    from zerocarbon.services.efficiency.runs import diagnose_factory, diagnose_files

    if (inventory is None) == (factory is None):
        err_console.print("请给出 --inventory 或 --factory 之一" if lang == "zh"
                          else "give exactly one of --inventory or --factory")
        raise typer.Exit(2)
    if factory is None and register is None:
        err_console.print("--inventory 须与台账文件合用" if lang == "zh" else "--inventory needs a register file")
        raise typer.Exit(2)
    try:
        if factory is not None:
            diagnosis = diagnose_factory(register, factory, year, url=db, declared=declared, settings=settings)
        else:
            assert inventory is not None and register is not None
            diagnosis = diagnose_files(register, inventory, year)
    except ZerocarbonError as exc:
        _fail(exc, lang)
    _emit(diagnosis, out, as_json, lang, pdf)


# ------------------------------------------------------------------------------ the stored register
Db = Annotated[str | None, typer.Option("--db", help="数据库 URL（默认本地库） / store URL (default: the local store)")]
FactoryReq = Annotated[str, typer.Option("--factory", help="库中工厂编号 / factory id in the store")]


def _as_cli_user() -> Any:
    """Audit entries of these commands are the command-line user's (``cli:<user>``) unless set otherwise."""
    from zerocarbon.store.audit import cli_actor, current_actor

    return current_actor.set(cli_actor()) if current_actor.get() == "system" else None


@efficiency_app.command("store-upload", help="把台账中的设备存入库（按设备编号合并；重复上传不改变任何数据；一次列出"
                                              "全部错误） / store the devices of a register file (merged by code; "
                                              "re-sending changes nothing; every problem listed at once).")
def store_upload(register: Annotated[Path, typer.Argument(help="设备能效台账 .xlsx/.yaml/.json / register file")],
                 factory: FactoryReq, db: Db = None, lang: Lang = "zh") -> None:
    from zerocarbon.services.efficiency import equipment_store

    token = _as_cli_user()
    try:
        content = register.read_bytes() if register.is_file() else b""
        done = equipment_store.upload(factory, register.name, content, url=db)
    except ZerocarbonError as exc:
        _fail(exc, lang)
    finally:
        if token is not None:
            from zerocarbon.store.audit import current_actor

            current_actor.reset(token)
    zh = lang == "zh"
    for label_zh, label_en, codes in (("新增", "added", done.added), ("更新", "changed", done.changed),
                                      ("未变", "unchanged", done.unchanged)):
        console.print(f"{label_zh if zh else label_en}: {len(codes)} {' '.join(codes)}", highlight=False,
                      markup=False)


@efficiency_app.command("store-list", help="列出库中的设备台账 / list the stored equipment register.")
def store_list(factory: FactoryReq, db: Db = None, as_json: AsJson = False, lang: Lang = "zh") -> None:
    from zerocarbon.services.efficiency import equipment_store

    try:
        devices = equipment_store.devices(factory, db)
    except ZerocarbonError as exc:
        _fail(exc, lang)
    if as_json:
        sys.stdout.write(json.dumps([equipment_store.device_dict(d) for d in devices], ensure_ascii=False,
                                    indent=2) + "\n")
        return
    table = Table(title=f"{'设备能效台账' if lang == 'zh' else 'Equipment register'} · {factory}")
    for col in ("编号" if lang == "zh" else "Code", "类型" if lang == "zh" else "Kind", "kW", "η %"):
        table.add_column(col)
    for d in devices:
        table.add_row(d.code, d.kind, str(d.rated_power_kw or "—"), str(d.efficiency_pct or "—"))
    console.print(table)


@efficiency_app.command("store-delete", help="从库中删除一台设备（记入审计链） / remove a device from the stored "
                                              "register (audited).")
def store_delete(code: Annotated[str, typer.Argument(help="设备编号 / device code")], factory: FactoryReq,
                 db: Db = None, lang: Lang = "zh") -> None:
    from zerocarbon.services.efficiency import equipment_store

    token = _as_cli_user()
    try:
        equipment_store.delete(factory, code, url=db)
    except ZerocarbonError as exc:
        _fail(exc, lang)
    finally:
        if token is not None:
            from zerocarbon.store.audit import current_actor

            current_actor.reset(token)
    console.print(f"{'已删除' if lang == 'zh' else 'removed'} {code}", highlight=False, markup=False)
