"""``zerocarbon forecast``: backtest, day-/week-ahead forecasts, anomaly detection and alerts, carbon budgets.

Thin: every command calls :mod:`zerocarbon.services.forecast`.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

from zerocarbon.errors import ZerocarbonError
from zerocarbon.store.audit import acting_as, cli_actor

console = Console()
err_console = Console(stderr=True)

forecast_app = typer.Typer(
    no_args_is_help=True,
    help="智能控碳：负荷预测与回测、异常告警、碳预算 / smart carbon control: load forecasts and their backtest, "
         "anomaly alerts, carbon budgets. Examples / 示例: `zerocarbon forecast backtest --factory F01 --year 2023`, "
         "`zerocarbon forecast run --factory F01 --year 2023 --horizon 168`, "
         "`zerocarbon forecast detect --factory F01 --year 2023 --tariff electricity=0.8`, "
         "`zerocarbon forecast budget set --factory F01 --period 2023-12 --amount 2500`.")
alerts_app = typer.Typer(no_args_is_help=True, help="告警：列出、确认、关闭 / alerts: list, acknowledge, close.")
budget_app = typer.Typer(no_args_is_help=True, help="碳预算：设定与执行情况 / carbon budgets: set, status.")
forecast_app.add_typer(alerts_app, name="alerts")
forecast_app.add_typer(budget_app, name="budget")

Lang = Annotated[str, typer.Option("--lang", help="输出语言 zh|en / output language")]
AsJson = Annotated[bool, typer.Option("--json", help="输出 JSON / print machine-readable JSON")]
Db = Annotated[str | None, typer.Option("--db", help="数据库 URL / store URL")]
Factory = Annotated[str, typer.Option("--factory", help="工厂编号 / factory id")]
Year = Annotated[int, typer.Option("--year", help="数据年份 / data year")]
Meters = Annotated[list[str] | None, typer.Option("--meter", help="表计编号，可重复（默认全部） / meter code, "
                                                                  "repeatable (default: all)")]
Holidays = Annotated[bool, typer.Option("--holidays/--no-holidays",
                                        help="按中国法定节假日与调休区分工作日（默认）/ use the Chinese holiday "
                                             "calendar (default); --no-holidays: Monday–Friday only, e.g. the "
                                             "synthetic sample")]


def _fail(exc: ZerocarbonError, lang: str) -> None:
    err_console.print("错误" if lang == "zh" else "error", style="bold red")
    err_console.print(exc.message(lang), highlight=False, markup=False)
    raise typer.Exit(2)


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _t(ts: int, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return datetime.fromtimestamp(ts, ZoneInfo("Asia/Shanghai")).strftime(fmt)


def _n(x: Any, places: int = 2) -> str:
    return "—" if x is None else f"{float(x):,.{places}f}"


@forecast_app.command("backtest", help="滚动起点回测：MAE、sMAPE、相对季节性朴素的技能分 / rolling-origin "
                                       "backtest: MAE, sMAPE, skill against the seasonal naive baseline, per meter "
                                       "and carrier.")
def backtest_cmd(factory: Factory, year: Year, db: Db = None, meter: Meters = None,
                 horizon: Annotated[int, typer.Option("--horizon", help="预测时长 [h] / horizon [h]")] = 24,
                 origins: Annotated[int, typer.Option("--origins", help="起点个数 / number of origins")] = 8,
                 holidays: Holidays = True, as_json: AsJson = False, lang: Lang = "zh") -> None:
    from zerocarbon.services.forecast.runs import run_backtest

    try:
        result = run_backtest(factory, year, db, meters=meter, horizon=horizon, origins=origins, holidays=holidays)
    except ZerocarbonError as exc:
        _fail(exc, lang)
    if as_json:
        _json(result)
        return
    zh = lang == "zh"
    table = Table(title=f"{'回测' if zh else 'Backtest'} · {factory} · {year} · {horizon} h")
    for col in (("表计" if zh else "Meter"), ("模型" if zh else "Model"), "MAE", "sMAPE %",
                ("技能分" if zh else "Skill"), ("区间覆盖" if zh else "Coverage"), ("默认" if zh else "Default")):
        table.add_column(col)
    for s in result["series"]:
        for model, sc in s["models"].items():
            table.add_row(s["series"], model, f"{_n(sc['mae'])} {s['unit']}", _n(sc["smape_pct"]), _n(sc["skill"], 3),
                          _n(sc["coverage"], 3), "✓" if model == s["default_model"] else "")
    console.print(table)
    pooled = Table(title="按能源品种 / by carrier" if zh else "By carrier")
    for col in (("品种" if zh else "Carrier"), ("模型" if zh else "Model"), "sMAPE %", ("技能分" if zh else "Skill")):
        pooled.add_column(col)
    for carrier, c in result["by_carrier"].items():
        for model, sc in c["models"].items():
            pooled.add_row(carrier, model, _n(sc["smape_pct"]), _n(sc["skill"], 3))
    console.print(pooled)


@forecast_app.command("run", help="日前/周前逐时预测（含区间与排放）/ day-ahead or week-ahead hourly forecast with its "
                                  "band and emissions.")
def run_cmd(factory: Factory, year: Year, db: Db = None, meter: Meters = None,
            horizon: Annotated[int, typer.Option("--horizon", help="24 日前 / day-ahead, 168 周前 / week-ahead")] = 24,
            model: Annotated[str, typer.Option("--model", help="auto | seasonal_naive | similar_day | gbm")] = "auto",
            level: Annotated[float, typer.Option("--level", help="区间置信水平 / band level")] = 0.9,
            holidays: Holidays = True, as_json: AsJson = False, lang: Lang = "zh") -> None:
    from zerocarbon.services.forecast.runs import run_forecast

    try:
        result = run_forecast(factory, year, db, meters=meter, horizon=horizon, model=model, level=level,
                              holidays=holidays)
    except ZerocarbonError as exc:
        _fail(exc, lang)
    if as_json:
        _json(result)
        return
    zh = lang == "zh"
    table = Table(title=f"{'预测' if zh else 'Forecast'} · {factory} · {horizon} h")
    for col in (("表计" if zh else "Meter"), ("起点" if zh else "From"), ("模型" if zh else "Model"),
                ("合计" if zh else "Total"), "tCO2"):
        table.add_column(col)
    for f in result["forecasts"]:
        table.add_row(f["meter"], _t(f["origin"]), f["model"], f"{_n(f['total'])} {f['unit']}", _n(f["tco2"], 3))
    console.print(table)


def _tariffs(values: list[str] | None, lang: str) -> dict[str, float]:
    from zerocarbon.errors import InputError

    out: dict[str, float] = {}
    for v in values or []:
        carrier, _, price = v.partition("=")
        try:
            out[carrier.strip()] = float(price)
        except ValueError:
            _fail(InputError(f"电价/单价 {v} 格式不对", f"tariff '{v}' is not valid", field="--tariff",
                             expected="carrier=price, e.g. electricity=0.8"), lang)
    return out


@forecast_app.command("detect", help="异常检测并保存告警（分组、冷却、Webhook 推送）/ detect anomalies and store the "
                                     "alerts (grouped, cooled down, delivered by webhook).")
def detect_cmd(factory: Factory, year: Year, db: Db = None, meter: Meters = None,
               tariff: Annotated[list[str] | None, typer.Option("--tariff", help="品种=单价，如 electricity=0.8 "
                                                                               "[元/表计单位] / carrier=price")] = None,
               webhook: Annotated[str | None, typer.Option("--webhook", help="告警推送地址 / webhook URL (else "
                                                                             "ZEROCARBON_ALERT_WEBHOOK)")] = None,
               store: Annotated[bool, typer.Option("--store/--no-store", help="保存告警 / store the alerts")] = True,
               holidays: Holidays = True, as_json: AsJson = False, lang: Lang = "zh") -> None:
    from zerocarbon.services.forecast.runs import run_detect

    prices = _tariffs(tariff, lang)
    try:
        with acting_as(cli_actor()):
            result = run_detect(factory, year, db, meters=meter, tariffs=prices, holidays=holidays, store=store,
                                webhook=webhook)
    except ZerocarbonError as exc:
        _fail(exc, lang)
    if as_json:
        _json(result)
        return
    zh = lang == "zh"
    console.print(f"{'检出' if zh else 'detected'} {result['detected']}, {'告警' if zh else 'raised'} "
                  f"{len(result['raised'])}, {'新保存' if zh else 'newly stored'} {len(result['stored'])}, "
                  f"{'冷却抑制' if zh else 'held back by the cool-down'} {result['suppressed']}", highlight=False)
    for a in result["raised"][:30]:
        console.print(f"[{a['severity']}] {_t(a['start'])}–{_t(a['end'])}  {a['message_zh' if zh else 'message_en']}",
                      highlight=False, markup=False)
    if result["delivery"]:
        d = result["delivery"]
        console.print(f"webhook: {'ok' if d['delivered'] else d['error']} ({d['attempts']})", highlight=False)


@forecast_app.command("evaluate", help="注入已知异常评估检测的精确率与召回率 / precision and recall of the detectors "
                                       "with anomalies of known time and size injected into a copy of a meter.")
def evaluate_cmd(factory: Factory, year: Year, db: Db = None, meter: Meters = None, holidays: Holidays = True,
                 as_json: AsJson = False, lang: Lang = "zh") -> None:
    from zerocarbon.services.forecast.evaluation import evaluate_detection

    try:
        result = evaluate_detection(factory, year, db, meters=meter, holidays=holidays)
    except ZerocarbonError as exc:
        _fail(exc, lang)
    if as_json:
        _json(result)
        return
    zh = lang == "zh"
    table = Table(title="检测评估 / detection evaluation" if zh else "Detection evaluation")
    for col in (("表计" if zh else "Meter"), ("告警" if zh else "Alerts"), ("精确率" if zh else "Precision"),
                ("召回率" if zh else "Recall"), ("按类型召回" if zh else "Recall by kind"),
                ("无注入时告警" if zh else "Alerts, clean")):
        table.add_column(col)
    for m in result["meters"]:
        table.add_row(m["meter"], str(m["alerts"]), _n(m["precision"], 3), _n(m["recall"], 3), _n(m["recall_kind"], 3),
                      str(m["clean_alerts"]))
    console.print(table)


@alerts_app.command("list", help="列出告警 / list the stored alerts.")
def alerts_list(factory: Factory, db: Db = None,
                status: Annotated[str | None, typer.Option("--status", help="open | acknowledged | closed")] = None,
                as_json: AsJson = False, lang: Lang = "zh") -> None:
    from zerocarbon.services.forecast.runs import list_alerts

    try:
        rows = list_alerts(factory, db, status)
    except ZerocarbonError as exc:
        _fail(exc, lang)
    if as_json:
        _json(rows)
        return
    zh = lang == "zh"
    table = Table(title=f"{'告警' if zh else 'Alerts'} · {factory} ({len(rows)})")
    for col in ("#", ("状态" if zh else "Status"), ("开始" if zh else "Start"), ("表计" if zh else "Meter"),
                ("说明" if zh else "Message"), "tCO2", ("金额" if zh else "Money")):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(str(r["id"]), r["status"], _t(r["ts_start"]), r["meter_code"],
                      r["message_zh" if zh else "message_en"], _n(r["tco2"], 3), _n(r["money"]))
    console.print(table)


def _change(alert_id: int, status: str, note: str, db: str | None, as_json: bool, lang: str) -> None:
    from zerocarbon.services.forecast.runs import change_alert

    try:
        with acting_as(cli_actor()):
            row = change_alert(alert_id, status, db, note)
    except ZerocarbonError as exc:
        _fail(exc, lang)
    if as_json:
        _json(row)
    else:
        console.print(f"#{row['id']} → {row['status']}", highlight=False)


@alerts_app.command("ack", help="确认告警 / acknowledge an alert.")
def alerts_ack(alert_id: Annotated[int, typer.Argument(help="告警编号 / alert id")], db: Db = None,
               note: Annotated[str, typer.Option("--note", help="备注 / note")] = "", as_json: AsJson = False,
               lang: Lang = "zh") -> None:
    _change(alert_id, "acknowledged", note, db, as_json, lang)


@alerts_app.command("close", help="关闭告警 / close an alert.")
def alerts_close(alert_id: Annotated[int, typer.Argument(help="告警编号 / alert id")], db: Db = None,
                 note: Annotated[str, typer.Option("--note", help="备注 / note")] = "", as_json: AsJson = False,
                 lang: Lang = "zh") -> None:
    _change(alert_id, "closed", note, db, as_json, lang)


@budget_app.command("set", help="设定年度或月度碳预算 [tCO2] / set a yearly or monthly carbon budget [tCO2].")
def budget_set(factory: Factory, period: Annotated[str, typer.Option("--period", help="YYYY 或 YYYY-MM")],
               amount: Annotated[str, typer.Option("--amount", help="预算 [tCO2] / budget [tCO2]")], db: Db = None,
               cost_centre: Annotated[str | None, typer.Option(
                   "--cost-centre", help="成本中心（默认全厂）/ cost centre (default: the factory)")] = None,
               source: Annotated[str, typer.Option("--source", help="user | roadmap")] = "user",
               note: Annotated[str, typer.Option("--note", help="备注 / note")] = "", lang: Lang = "zh") -> None:
    from zerocarbon.services.forecast.budgets import set_budget

    try:
        with acting_as(cli_actor()):
            new_id = set_budget(factory, period, amount, cost_centre=cost_centre, source=source, note=note, url=db)
    except ZerocarbonError as exc:
        _fail(exc, lang)
    console.print(f"#{new_id}", highlight=False)


@budget_app.command("status", help="预算执行：已发生 + 预测至期末，超支概率 / actual to date + forecast to the period "
                                    "end against the budget, with the probability of overshoot.")
def budget_status(factory: Factory, db: Db = None,
                  period: Annotated[str | None, typer.Option("--period", help="YYYY 或 YYYY-MM")] = None,
                  as_of: Annotated[str | None, typer.Option("--as-of", help="截至日期 YYYY-MM-DD（此日起为预测）/ "
                                                                            "first forecast day")] = None,
                  holidays: Holidays = True, as_json: AsJson = False, lang: Lang = "zh") -> None:
    from zerocarbon.services.forecast.budgets import budget_report

    try:
        rows = budget_report(factory, period, db, as_of=as_of, holidays=holidays)
    except ZerocarbonError as exc:
        _fail(exc, lang)
    if as_json:
        _json(rows)
        return
    zh = lang == "zh"
    table = Table(title=f"{'碳预算' if zh else 'Carbon budgets'} · {factory}")
    for col in (("期间" if zh else "Period"), ("成本中心" if zh else "Cost centre"), ("预算" if zh else "Budget"),
                ("已发生" if zh else "Actual"), ("预测剩余" if zh else "Forecast"), ("预计合计" if zh else "Projected"),
                ("超支概率" if zh else "P(overshoot)")):
        table.add_column(col)
    for r in rows:
        p = "—" if r["p_overshoot"] is None else f"{100 * r['p_overshoot']:.0f} %"
        table.add_row(r["period"], r["cost_centre"] or ("全厂" if zh else "factory"), _n(r["budget"]), _n(r["actual"]),
                      _n(r["forecast_remaining"]), _n(r["projected"]), p)
    console.print(table)
    if rows:
        console.print(("截至 " if zh else "as of ") + rows[0]["as_of"] + " · tCO2", highlight=False)
