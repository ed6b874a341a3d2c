"""``zerocarbon forecast``: backtest, day-/week-ahead forecasts, anomaly detection and alerts, carbon budgets.

Thin: every command calls :mod:`zerocarbon.services.forecast`.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
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
    help="智能控碳：负荷与光伏预测、储能计划、告警、碳预算 / smart carbon control: load and PV forecasts and "
         "their backtest, the battery's day-ahead schedule, anomaly alerts, carbon budgets. "
         "Examples / 示例: `zerocarbon forecast backtest --factory F01 --year 2023`, "
         "`zerocarbon forecast run --factory F01 --year 2023 --horizon 168`, "
         "`zerocarbon forecast detect --factory F01 --year 2023 --tariff electricity=0.8`, "
         "`zerocarbon forecast budget set --factory F01 --period 2023-12 --amount 2500`, "
         "`zerocarbon forecast pv --weather fc.csv --tilt 20 --azimuth 180 --kwp 500`, "
         "`zerocarbon forecast schedule --factory F01 --year 2023 --load-meter EL-L1 --tariff t.yaml ...`.")
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


Weather = Annotated[Path, typer.Option("--weather", help="逐时预报气象文件 CSV/XLSX（ghi/dni/dhi、ghi 或 "
                                                         "cloud_cover）/ hourly forecast-weather file "
                                                         "(docs/forecast.md)")]
Tilt = Annotated[float, typer.Option("--tilt", help="组件倾角 [°] / array tilt [°]")]
Azimuth = Annotated[float, typer.Option("--azimuth", help="组件方位角 [°]，180 = 正南 / azimuth [°], 180 = south")]
Kwp = Annotated[float | None, typer.Option("--kwp", help="装机容量 [kWp]（缺省：按光伏表计历史拟合）/ nameplate "
                                                         "[kWp] (default: fitted on the PV meter's history)")]
PvMeter = Annotated[str | None, typer.Option("--pv-meter", help="光伏发电表计（拟合容量与区间）/ PV meter (fits the "
                                                                "capacity and the band)")]
WeatherSource = Annotated[str | None, typer.Option("--weather-source", help="气象数据来源（文件头无 source 时）/ "
                                                                            "source of the weather")]
Lat = Annotated[float | None, typer.Option("--lat", help="纬度 [°]（文件头无时）/ latitude")]
Lon = Annotated[float | None, typer.Option("--lon", help="经度 [°]（文件头无时）/ longitude")]


def _pv_options(weather: Path, tilt: float, azimuth: float, kwp: float | None, lat: float | None,
                lon: float | None, source: str | None, observed: bool = False) -> Any:
    from zerocarbon.services.forecast.pv import PVOptions

    return PVOptions(weather, tilt, azimuth, kwp, lat, lon, weather_source=source, observed=observed)


@forecast_app.command("pv", help="由预报气象经 pvlib 预测光伏出力（逐时，含区间）/ PV output forecast from forecast "
                                 "weather through pvlib (hourly, with a band when a PV meter is given).")
def pv_cmd(weather: Weather, tilt: Tilt, azimuth: Azimuth, kwp: Kwp = None, factory: Annotated[
               str | None, typer.Option("--factory", help="工厂编号 / factory id")] = None,
           year: Annotated[int | None, typer.Option("--year", help="数据年份 / data year")] = None,
           pv_meter: PvMeter = None, db: Db = None,
           start: Annotated[str | None, typer.Option("--start", help="起始日 YYYY-MM-DD / first day")] = None,
           horizon: Annotated[int, typer.Option("--horizon", help="预测时长 [h] / horizon [h]")] = 24,
           weather_source: WeatherSource = None, lat: Lat = None, lon: Lon = None,
           as_json: AsJson = False, lang: Lang = "zh") -> None:
    from zerocarbon.services.forecast.pv import run_pv_forecast

    try:
        result = run_pv_forecast(_pv_options(weather, tilt, azimuth, kwp, lat, lon, weather_source),
                                 factory_id=factory, year=year, url=db, meter=pv_meter, start=start, horizon=horizon)
    except ZerocarbonError as exc:
        _fail(exc, lang)
    if as_json:
        _json(result)
        return
    zh = lang == "zh"
    cap = (f"{_n(result['kwp'], 1)} kWp" if result["kwp"] is not None else
           (f"{'拟合' if zh else 'fitted'} {_n(result['fitted_kwp'], 1)} kWp"))
    table = Table(title=f"{'光伏预测' if zh else 'PV forecast'} · {cap} · {_n(result['total_kwh'], 1)} kWh")
    for col in (("时间" if zh else "Hour"), "kWh", ("区间" if zh else "Band")):
        table.add_column(col)
    for h in result["hours"]:
        table.add_row(_t(h["ts"]), _n(h["mean"], 1), f"{_n(h['lower'], 1)}–{_n(h['upper'], 1)}")
    console.print(table)
    console.print(f"{result['weather_source']} · {result['irradiance']}", highlight=False, markup=False)


@forecast_app.command("pv-backtest", help="光伏预测回测：pvlib 对比相似日与季节性朴素 / backtest of the pvlib PV "
                                          "forecast against the similar-day and seasonal naive models of a PV meter.")
def pv_backtest_cmd(factory: Factory, year: Year, weather: Weather, tilt: Tilt, azimuth: Azimuth,
                    pv_meter: Annotated[str, typer.Option("--pv-meter", help="光伏发电表计 / PV meter")],
                    kwp: Kwp = None, db: Db = None,
                    origins: Annotated[int, typer.Option("--origins", help="起点个数 / number of origins")] = 8,
                    observed: Annotated[bool, typer.Option(
                        "--observed-weather/--forecast-weather",
                        help="气象为实测/典型年而非预报（技能分为上限）/ the weather is observed, not a forecast "
                             "(the skill is then an upper bound)")] = False,
                    weather_source: WeatherSource = None, lat: Lat = None, lon: Lon = None,
                    as_json: AsJson = False, lang: Lang = "zh") -> None:
    from zerocarbon.services.forecast.pv import run_pv_backtest

    try:
        result = run_pv_backtest(factory, year, _pv_options(weather, tilt, azimuth, kwp, lat, lon, weather_source,
                                                            observed), db, meter=pv_meter, origins=origins)
    except ZerocarbonError as exc:
        _fail(exc, lang)
    if as_json:
        _json(result)
        return
    zh = lang == "zh"
    table = Table(title=f"{'光伏预测回测' if zh else 'PV forecast backtest'} · {pv_meter} · {result['origins']}")
    for col in (("模型" if zh else "Model"), "MAE kWh", "sMAPE %", ("技能分" if zh else "Skill"),
                ("相对相似日" if zh else "vs similar day"), ("区间覆盖" if zh else "Coverage")):
        table.add_column(col)
    for model, sc in result["models"].items():
        table.add_row(model, _n(sc["mae"]), _n(sc["smape_pct"]), _n(sc["skill"], 3),
                      _n(result["skill_vs_similar_day"][model], 3), _n(sc["coverage"], 3))
    console.print(table)
    if "note_zh" in result:
        console.print(result["note_zh" if zh else "note_en"], highlight=False, markup=False)


@forecast_app.command("schedule", help="储能日前充放电计划：负荷预测 + 光伏预测 → 调度优化，对比无储能 / the battery's "
                                       "day-ahead charge/discharge schedule from the load and PV forecasts, with the "
                                       "expected cost and grid import against no battery.")
def schedule_cmd(factory: Factory, year: Year,
                 load_meter: Annotated[list[str], typer.Option("--load-meter", help="负荷表计，可重复（求和）/ load "
                                                                                    "meter, repeatable (summed)")],
                 tariff: Annotated[Path, typer.Option("--tariff", help="电价文件 YAML/JSON（或规划假设文件）/ tariff "
                                                                       "file (or a planning assumptions file)")],
                 battery_kwh: Annotated[float, typer.Option("--battery-kwh", help="储能容量 [kWh]")],
                 battery_kw: Annotated[float, typer.Option("--battery-kw", help="储能功率 [kW]")],
                 round_trip: Annotated[float, typer.Option("--round-trip", help="往返效率 / round-trip efficiency")],
                 battery_source: Annotated[str, typer.Option("--battery-source", help="储能参数来源 / source of the "
                                                                                      "battery parameters")],
                 soc_initial: Annotated[float, typer.Option("--soc-initial", help="起始电量比例 / initial state of "
                                                                                  "charge [-]")] = 0.5,
                 day: Annotated[str | None, typer.Option("--day", help="计划日 YYYY-MM-DD（缺省：数据后一日）/ the "
                                                                       "day (default: after the data)")] = None,
                 weather: Annotated[Path | None, typer.Option("--weather", help="预报气象文件（含光伏时）/ "
                                                                                "forecast weather (with PV)")] = None,
                 tilt: Annotated[float, typer.Option("--tilt", help="组件倾角 [°]")] = 20.0,
                 azimuth: Annotated[float, typer.Option("--azimuth", help="方位角 [°]")] = 180.0,
                 kwp: Kwp = None, pv_meter: PvMeter = None, weather_source: WeatherSource = None,
                 out: Annotated[Path | None, typer.Option("--out", help="输出 .xlsx/.csv/.json / output file")] = None,
                 db: Db = None, holidays: Holidays = True, as_json: AsJson = False, lang: Lang = "zh") -> None:
    from zerocarbon.services.forecast.schedule import BatteryOptions, day_ahead_schedule, load_tariff, write_schedule

    try:
        pv = None if weather is None else _pv_options(weather, tilt, azimuth, kwp, None, None, weather_source)
        result = day_ahead_schedule(factory, year, db, load_meters=load_meter, tariff=load_tariff(tariff),
                                    battery=BatteryOptions(battery_kwh, battery_kw, round_trip, battery_source,
                                                           soc_initial),
                                    pv=pv, pv_meter=pv_meter, day=day, holidays=holidays)
        written = write_schedule(result, out, lang) if out is not None else None
    except ZerocarbonError as exc:
        _fail(exc, lang)
    if as_json:
        _json(result)
        return
    zh = lang == "zh"
    table = Table(title=f"{'储能日前计划' if zh else 'Day-ahead battery schedule'} · {factory} · {result['day']}")
    for col in (("时间" if zh else "Hour"), ("时段" if zh else "Period"), ("负荷" if zh else "Load"), "PV",
                ("充电" if zh else "Charge"), ("放电" if zh else "Discharge"), "SOC kWh", ("购电" if zh else "Import"),
                ("无储能购电" if zh else "Import, no battery")):
        table.add_column(col)
    for h in result["hours"]:
        table.add_row(h["time"][11:16], h["period"], _n(h["load_kw"], 0), _n(h["pv_kw"], 0), _n(h["charge_kw"], 0),
                      _n(h["discharge_kw"], 0), _n(h["soc_kwh"], 0), _n(h["import_kw"], 0),
                      _n(h["import_no_battery_kw"], 0))
    console.print(table)
    s = result["summary"]
    console.print(f"{'预计电费' if zh else 'expected cost'} {_n(s['cost_cny'])} CNY "
                  f"({'无储能' if zh else 'no battery'} {_n(s['cost_no_battery_cny'])}; {'节省' if zh else 'saving'} "
                  f"{_n(s['savings_cny'])}) · {'购电' if zh else 'grid import'} {_n(s['import_kwh'], 0)} kWh "
                  f"({'无储能' if zh else 'no battery'} {_n(s['import_no_battery_kwh'], 0)}) · tCO2 "
                  f"{_n(s['emissions_t'], 3)} ({_n(s['emissions_no_battery_t'], 3)})", highlight=False, markup=False)
    if written is not None:
        console.print(str(written), highlight=False)
