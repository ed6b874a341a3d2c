"""Dashboard data: meter explorer, the inventory table and drill-down to a line's trace."""

from __future__ import annotations

import re
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from zerocarbon.accounting.notices import prose
from zerocarbon.accounting.results import LineResult
from zerocarbon.errors import InputError
from zerocarbon.model.vocabulary import carrier_label, item_label, parameter_label
from zerocarbon.reports.content import category_name
from zerocarbon.reports.i18n import MESSAGES, t
from zerocarbon.services.dashboard._base import (
    LIST_LIMIT,
    MAX_POINTS,
    MAX_WINDOW_DAYS,
    _cached,
    _facility_names,
    _factory_meters,
    _latest_reading,
    _local,
    fig,
    inventory_run,
)
from zerocarbon.services.dashboard.quality import localised_warnings
from zerocarbon.services.inventory.runs import explain_line, in_lang, place_text
from zerocarbon.services.metering.year import FactoryMeters
from zerocarbon.store.factories import period_bounds
from zerocarbon.store.readings import read_current
from zerocarbon.timeseries.intervals import FLAG_ESTIMATED, Intervals, interval_consumption
from zerocarbon.timeseries.rollups import Freq, rollup_time
from zerocarbon.timeseries.virtual import evaluate_virtual
from zerocarbon.units import unit_label


# ----------------------------------------------------------------------------------------- meters
def meter_list(factory_id: str, url: str | None = None) -> list[dict[str, Any]]:
    """The factory's meters (real and virtual) for the meter explorer."""
    def compute() -> list[dict[str, Any]]:
        fm = _factory_meters(factory_id, url)
        out = []
        for m in fm.meters.to_pylist():
            out.append({**{k: m[k] for k in ("code", "carrier", "unit", "energy_unit", "register_kind", "category",
                                             "item", "node_code", "interval_seconds", "is_virtual", "virtual_formula",
                                             "electricity_kind")}, **_meter_labels(m)})
        return sorted(out, key=lambda m: (bool(m["is_virtual"]), str(m["code"])))
    return _cached("meter_list", url, factory_id, "", compute)


def _parse_time(text: str | None, tz: str, what: str) -> int | None:
    if text is None or text == "":
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InputError(f"时间 “{text}” 格式无效", f"time '{text}' is not ISO 8601 (YYYY-MM-DD[THH:MM])",
                         field=what, expected="YYYY-MM-DD or YYYY-MM-DDTHH:MM") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz))
    return int(moment.timestamp())


def _intervals(fm: FactoryMeters, codes: list[str], start: int, end: int,
               url: str | None) -> tuple[Intervals, pa.Table]:
    """Interval values of some meters over [start, end) (gaps filled linearly, as for the inventory), and
    the current readings they came from (read with a day's margin on each side, as ``metered_year`` does)."""
    meters = fm.meters.filter(pc.is_in(fm.meters["code"], value_set=pa.array(codes)))
    ids = [int(i) for i in meters["meter_id"].to_pylist()]
    step = max([int(x) for x in meters["interval_seconds"].to_pylist()] or [900])
    readings = read_current(ids, start - 86_400 - step, end + 86_400 + step, url)
    events = fm.events.filter(pc.is_in(fm.events["meter_id"], value_set=pa.array(ids, pa.int64())))
    iv = interval_consumption(readings, meters, start=start, end=end, events=events, estimate="linear",
                              power_as_energy=True)
    return iv, readings


def _readings_of(readings: pa.Table, meter_id: int, start: int, end: int) -> pa.Table:
    """One meter's readings with ``start <= ts < end``, in time order."""
    mask = pc.and_(pc.equal(readings["meter_id"], meter_id),
                   pc.and_(pc.greater_equal(readings["ts"], start), pc.less(readings["ts"], end)))
    return readings.filter(mask).sort_by("ts")


def meter_series(factory_id: str, meter: str, start: str | None = None, end: str | None = None,
                 url: str | None = None) -> dict[str, Any]:
    """A meter's load curve over [start, end) (local times; default the last 7 days of its data).

    Values are interval consumption [the meter's energy unit × multiplier], gaps filled linearly and
    flagged estimated (as for the inventory). Windows longer than :data:`MAX_POINTS` intervals are
    rolled up to hours or days (sums; a period with any estimated interval counts as estimated).
    Gaps are listed as [start, end) runs with their number of intervals.
    """
    fm = _factory_meters(factory_id, url)
    rows = {str(m["code"]): m for m in fm.meters.to_pylist()}
    if meter not in rows:
        raise InputError(f"工厂 {factory_id} 没有表计 {meter}", f"factory {factory_id} has no meter '{meter}'",
                         field="meter", expected=", ".join(sorted(rows)[:20]))
    m = rows[meter]
    tz = fm.timezone
    t_end = _parse_time(end, tz, "end")
    t_start = _parse_time(start, tz, "start")
    if t_end is None:
        latest = _latest_reading(factory_id, url)
        t_end = latest if latest is not None else int(time.time())
        step0 = int(m["interval_seconds"])
        t_end = -(-t_end // step0) * step0
    if t_start is None:
        t_start = t_end - 7 * 86_400
    if t_end <= t_start:
        raise InputError("结束时间须晚于开始时间", "end must be after start", field="end")
    if t_end - t_start > MAX_WINDOW_DAYS * 86_400:
        raise InputError(f"时间窗口不能超过 {MAX_WINDOW_DAYS} 天", f"the window may not exceed {MAX_WINDOW_DAYS} days",
                         field="start")

    def compute() -> dict[str, Any]:
        assert t_start is not None and t_end is not None
        step = int(m["interval_seconds"])
        if m["is_virtual"]:
            real = [str(c) for c, v in zip(fm.meters["code"].to_pylist(), fm.meters["is_virtual"].to_pylist(),
                                           strict=True) if not v]
            iv, _ = _intervals(fm, real, t_start, t_end, url)
            virt = evaluate_virtual(iv.values.select(["meter_id", "ts", "ts_end", "value", "flags"]),
                                    fm.meters, fm.nodes).values
            values = virt.filter(pc.equal(virt["meter_id"], int(m["meter_id"])))
            gaps_rows: list[dict[str, Any]] = []
            readings_count = 0
        else:
            iv, readings = _intervals(fm, [meter], t_start, t_end, url)
            values = iv.values
            gaps_rows = iv.gaps.to_pylist()
            readings_count = _readings_of(readings, int(m["meter_id"]), t_start, t_end + step).num_rows
        n = (t_end - t_start) // step
        resolution = "interval"
        table = values.select(["ts", "ts_end", "value", "flags"]).sort_by("ts") if values.num_rows else values
        if n > MAX_POINTS and values.num_rows:
            freq: Freq = "hour" if n / (3600 / step) <= MAX_POINTS else "day"
            resolution = freq
            table = rollup_time(values.select(["meter_id", "ts", "ts_end", "value", "flags"]), freq, tz=tz)
        xs, ys, est, nulls = [], [], [], []
        ts_list = table["ts"].to_pylist() if table.num_rows else []
        vals = table["value"].to_pylist() if table.num_rows else []
        if "n_estimated" in table.column_names:
            est_flags = [int(x or 0) > 0 for x in table["n_estimated"].to_pylist()]
        else:
            est_flags = [bool(int(f or 0) & FLAG_ESTIMATED) for f in (table["flags"].to_pylist() if table.num_rows
                                                                     else [])]
        for ts, v, e in zip(ts_list, vals, est_flags, strict=True):
            xs.append(_local(ts, tz))
            ys.append(v)
            est.append(e)
            nulls.append(v is None)
        n_est = sum(1 for f in (values["flags"].to_pylist() if values.num_rows else [])
                    if int(f or 0) & FLAG_ESTIMATED)
        gaps = [{"start": _local(g["start"], tz), "end": _local(g["end"], tz), "count": int(g["count"]),
                 "estimated": int(g["estimated"]),
                 "bridged_value": g["bridged_value"]} for g in gaps_rows]
        total = sum((v for v in (values["value"].to_pylist() if values.num_rows else []) if v is not None), 0.0)
        return {
            "meter": {**{k: m[k] for k in ("code", "carrier", "unit", "energy_unit", "register_kind", "category",
                                           "node_code", "interval_seconds", "is_virtual", "virtual_formula")},
                      **_meter_labels(m)},
            "start": _local(t_start, tz), "end": _local(t_end, tz), "timezone": tz, "resolution": resolution,
            "unit": m["energy_unit"], "x": xs, "y": ys, "estimated": est,
            "intervals_expected": int(n), "intervals_with_value": int(values.num_rows - sum(nulls) if
                                                                      resolution == "interval" else
                                                                      sum(1 for v in values["value"].to_pylist()
                                                                          if v is not None)),
            "intervals_estimated": n_est, "readings": readings_count, "gaps": gaps,
            "missing_intervals": sum(g["count"] for g in gaps), "sum": total,
            "unused": [{"ts": _local(u["ts"], tz) if u["ts"] is not None else None, "reason": u["reason"],
                        "count": u["count"]} for u in iv.unused.to_pylist()][:LIST_LIMIT],
        }
    return _cached("meter_series", url, factory_id, f"{t_start}-{t_end}", compute, meter)


# -------------------------------------------------------------------------------------- inventory
def inventory_table(factory_id: str, year: int, url: str | None = None) -> dict[str, Any]:
    """Every line of the year's inventory with its emissions per view, and the engine's totals and breakdowns."""
    def compute() -> dict[str, Any]:
        run = inventory_run(factory_id, year, url)
        inv = run.inventory
        facility_names = _facility_names(run)
        lines = []
        for r in inv.lines:
            line = r.line
            lines.append({
                "id": line.id, "facility": line.facility,
                "facility_name_zh": facility_names.get(line.facility, (line.facility,) * 2)[0],
                "facility_name_en": facility_names.get(line.facility, (line.facility,) * 2)[1],
                "category": line.category.value, "category_zh": category_name(line.category, "zh"),
                "category_en": category_name(line.category, "en"), "item_zh": r.item_name_zh,
                "item_en": r.item_name_en, "period": line.period, "amount": fig(line.amount, 3), "unit": line.unit,
                "source": line.source, "data_quality": line.data_quality, "scope": r.scope, "biomass": r.biomass,
                "metered": line.data_quality == "metered" and line.source.startswith("meters:"),
                "emissions": {v: fig(f.emissions) for v, f in r.figures.items()},
                "uncertainty_pct": fig(r.uncertainty_pct, 1),
            })
        unc = inv.uncertainty
        breakdowns = {k: [{"key": kk, "value": fig(vv)} for kk, vv in sorted(v.items(), key=lambda kv: -abs(kv[1]))]
                      for k, v in inv.breakdowns.items()}
        return {
            "factory": {"id": factory_id, "name_zh": inv.factory_name_zh, "name_en": inv.factory_name_en},
            "year": year, "totals": {k: fig(v) for k, v in inv.totals.__dict__.items()}, "lines": lines,
            "breakdowns": breakdowns, "settings": inv.settings, "factor_library_version": inv.factor_library_version,
            "uncertainty": None if unc is None else {
                "approach1_pct": fig(unc.approach1_pct, 2), "mc_low": unc.mc_low, "mc_high": unc.mc_high,
                "mc_low_pct": unc.mc_low_pct, "mc_high_pct": unc.mc_high_pct, "draws": unc.mc_draws},
            "certificates_applied": inv.certificates_applied,
            "certificates_excluded": [{"serial": c.serial, "mwh": str(c.mwh), "reason_zh": c.reason_zh,
                                       "reason_en": c.reason_en} for c in inv.certificates_excluded],
            "warnings": localised_warnings(inv.warnings), "comparison": run.comparison,
        }
    return _cached("inventory_table", url, factory_id, year, compute)


_METERS_IN_SOURCE = re.compile(r"^meters: ([^()]+?)(?: \(virtual (\S+) = (.*)\))?$")


def line_trace(factory_id: str, year: int, line_id: str, url: str | None = None) -> dict[str, Any]:
    """The derivation of one inventory line: activity data and where it was read, every view's formula,
    intermediate values and factors with their source documents, the uncertainty parts, the text a
    verifier re-checks by hand (zh and en), and for a metered line the meters and readings behind it."""
    def compute() -> dict[str, Any]:
        run = inventory_run(factory_id, year, url)
        try:
            result = run.inventory.line(line_id)
        except KeyError:
            raise InputError(f"{year} 年没有编号为 {line_id} 的活动数据行", f"no activity line {line_id} in {year}",
                             field="line") from None
        out = result.to_dict()
        out["location"] = run.loaded.locations.get(line_id, {})
        out["note"] = result.line.note
        out["explain"] = {"zh": explain_line(run, line_id, "zh"), "en": explain_line(run, line_id, "en")}
        out["category_zh"] = category_name(result.category, "zh")
        out["category_en"] = category_name(result.category, "en")
        out["emissions_display"] = {v: fig(f.emissions) for v, f in result.figures.items()}
        out["uncertainty_display"] = fig(result.uncertainty_pct, 2)
        out["meters"] = _metered_evidence(factory_id, result, url)
        out["display"] = {lang: _display(out, result, lang) for lang in ("zh", "en")}
        return out
    return _cached("trace", url, factory_id, year, compute, line_id)


def _metered_evidence(factory_id: str, result: LineResult, url: str | None) -> dict[str, Any] | None:
    line = result.line
    match = _METERS_IN_SOURCE.match(line.source or "")
    if line.data_quality != "metered" or match is None:
        return None
    codes = [c.strip() for c in match.group(1).split(",") if c.strip()]
    fm = _factory_meters(factory_id, url)
    rows = {str(m["code"]): m for m in fm.meters.to_pylist()}
    codes = [c for c in codes if c in rows]
    if not codes:
        return None
    start, end = period_bounds(line.period, fm.timezone)
    iv, readings = _intervals(fm, codes, start, end, url)
    meters = []
    for code in codes:
        m = rows[code]
        mid = int(m["meter_id"])
        step = int(m["interval_seconds"])
        raw = _readings_of(readings, mid, start, end + step)
        vals = iv.values.filter(pc.equal(iv.values["meter_id"], mid))
        daily = rollup_time(vals.select(["meter_id", "ts", "ts_end", "value", "flags"]), "day", tz=fm.timezone) \
            if vals.num_rows else None
        gaps = iv.gaps.filter(pc.equal(iv.gaps["meter_id"], mid)).to_pylist()
        head = raw.slice(0, LIST_LIMIT).to_pylist()
        meters.append({
            "code": code, "unit": m["unit"], "energy_unit": m["energy_unit"], "register_kind": m["register_kind"],
            "multiplier": m["multiplier"], "interval_seconds": step,
            "readings_count": raw.num_rows,
            "readings": [{"time": _local(r["ts"], fm.timezone), "value": r["value"], "flags": r["flags"]}
                         for r in head],
            "readings_truncated": raw.num_rows > LIST_LIMIT,
            "intervals": int(vals.num_rows),
            "estimated": sum(1 for f in vals["flags"].to_pylist() if int(f or 0) & FLAG_ESTIMATED),
            "interval_sum": sum((v for v in vals["value"].to_pylist() if v is not None), 0.0),
            "daily": [] if daily is None else [
                {"day": d["period"], "value": d["value"], "n_intervals": d["n_intervals"],
                 "n_estimated": d["n_estimated"]} for d in daily.to_pylist()],
            "gaps": [{"start": _local(g["start"], fm.timezone), "end": _local(g["end"], fm.timezone),
                      "count": int(g["count"]), "estimated": int(g["estimated"])} for g in gaps],
        })
    return {"period": line.period, "start": _local(start, fm.timezone), "end": _local(end, fm.timezone),
            "timezone": fm.timezone, "virtual": match.group(2), "formula": match.group(3), "meters": meters,
            "engine_note": line.note, "amount": str(line.amount), "unit": line.unit}




# ------------------------------------------------------------------------------ a trace in one language
#: A decimal with more places than a person reads (the engine keeps full precision; the page rounds).
_LONG_DECIMAL = re.compile(r"(?<![\w.])(-?\d+\.\d{7,})(?![\w.])")
REGISTER_KINDS = {"interval": ("区间电量", "interval"), "cumulative": ("累计读数", "cumulative"),
                  "instantaneous": ("瞬时功率", "instantaneous")}


def _meter_labels(m: dict[str, Any]) -> dict[str, str]:
    """A meter's carrier and register kind in both languages (the codes stay beside them)."""
    kind = REGISTER_KINDS.get(str(m["register_kind"]), (str(m["register_kind"]),) * 2)
    return {"carrier_zh": carrier_label(str(m["carrier"]), "zh"), "carrier_en": carrier_label(str(m["carrier"]), "en"),
            "register_kind_zh": kind[0], "register_kind_en": kind[1]}


def short_numbers(text: str) -> str:
    """``text`` with every decimal of 7 or more places shown to 6 significant places after the point."""
    return _LONG_DECIMAL.sub(lambda m: f"{float(m.group(1)):.6f}".rstrip("0").rstrip("."), text)


def _label(key: str, lang: str, raw: str) -> str:
    return t(key, lang) if key in MESSAGES else raw


def _display(trace: dict[str, Any], result: LineResult, lang: str) -> dict[str, Any]:
    """What the trace drawer shows, in ``lang`` only: labels of the engine's codes, the meters' summary
    instead of the engine's English note, long decimals rounded for reading (the full values stay in the
    trace beside it)."""
    zh = lang == "zh"
    line = result.line
    metered = trace.get("meters") is not None
    factors, notes, inter, formulas = {}, {}, {}, {}
    for view, f in trace["figures"].items():
        figure = result.figures[view]
        factors[view] = [{
            "item": item_label(str(x["item"]), lang) if x.get("item") else "",
            "parameter": parameter_label(str(x["parameter"]), lang),
            "value": short_numbers(str(x["value"])), "unit": unit_label(str(x["unit"]), lang),
            "source": x.get("source") or x.get("evidence") or "", "factor_id": x.get("factor_id"),
            "status": _label(f"status.{x['status']}", lang, str(x["status"]))} for x in f["factors"]]
        # the engine's words are codes with both texts (accounting/phrases.py): shown in the page's language
        notes[view] = in_lang(prose(figure.note, lang), lang) if figure.note else None
        inter[view] = {k: in_lang(short_numbers(prose(v, lang)), lang) for k, v in figure.intermediates.items()}
        formulas[view] = prose(figure.formula, lang)
    meters = []
    for m in (trace["meters"] or {}).get("meters", []):
        missing = sum(g["count"] for g in m["gaps"])
        kind = REGISTER_KINDS.get(str(m["register_kind"]), (str(m["register_kind"]),) * 2)[0 if zh else 1]
        meters.append({"code": m["code"], "kind": kind, "summary": (
            f"区间 {m['intervals']} 个，缺失 {missing} 个，估算 {m['estimated']} 个" if zh else
            f"{m['intervals']} intervals, {missing} missing, {m['estimated']} estimated")})
    source = ((("计量表 " + "、".join(line.meters)) if zh else ("meters " + ", ".join(line.meters)))
              if line.meters else (line.source or ""))
    return {
        "source": source, "quality": _label(f"dq.{line.data_quality}", lang, line.data_quality),
        "unit": unit_label(line.unit, lang), "location": place_text(trace.get("location") or {}, lang),
        "note": None if metered else (in_lang(line.note, lang) if line.note else None),
        "factors": factors, "notes": notes, "intermediates": inter, "formulas": formulas, "meters": meters,
        "uncertainty_parts": [{"name": ("活动数据" if zh else "activity data") if p.name == "activity"
                               else parameter_label(p.name, lang), "pct": str(p.pct), "basis": prose(p.basis, lang)}
                              for p in result.uncertainty_parts],
        "explain": short_numbers(trace["explain"][lang]),
        # the source documents named in it, as written (the page marks a title in the other language)
        "documents": sorted(({str(x.get("source") or "") for f in trace["figures"].values() for x in f["factors"]}
                             | {line.declared_source or "", line.source or ""}) - {""}, key=len, reverse=True),
    }
