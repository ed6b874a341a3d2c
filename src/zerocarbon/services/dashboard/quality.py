"""Dashboard data: data quality and report downloads."""

from __future__ import annotations

import time
from typing import Any

from zerocarbon.accounting.notices import notice_text
from zerocarbon.errors import ZerocarbonError
from zerocarbon.services.dashboard._base import (
    LIST_LIMIT,
    _cached,
    _factory_meters,
    _latest_reading,
    _local,
    _months,
    inventory_run,
    metered,
)
from zerocarbon.services.inventory.runs import in_lang
from zerocarbon.services.metering.quality import (
    _FIELDS_ZH,
    dead_letters,
    reason_text,
    rejected,
    rejected_reasons,
    split_location,
)
from zerocarbon.services.metering.year import FactoryMeters


# ---------------------------------------------------------------------------------- data quality
def _windows(fm: FactoryMeters, start: int, end: int) -> dict[int, tuple[int, int, int]]:
    """(from, to, interval [s]) of each real meter within [start, end): the part of it where the meter was
    valid (its start of validity or commissioning, its end of validity). Virtual meters have no readings."""
    out = {}
    for m in fm.meters.to_pylist():
        if m["is_virtual"]:
            continue
        lo = max(start, int(m["valid_from"])) if m["valid_from"] is not None else start
        hi = min(end, int(m["valid_to"])) if m["valid_to"] is not None else end
        out[int(m["meter_id"])] = (lo, max(lo, hi), int(m["interval_seconds"]))
    return out


def data_quality(factory_id: str, year: int, url: str | None = None) -> dict[str, Any]:
    """Missing and estimated intervals (per meter, as runs), readings not used, rejected records, dead
    letters and the inventory's warnings, for the year.

    A meter's intervals are expected only while it was valid (start of validity or commissioning to end
    of validity) and not in the future. A past year without a single reading of any meter, from before
    the factory's newest reading, is a year before the meters were in place (``meters_in_place`` False):
    nothing is missing then, and the pages show the declared data alone.
    """
    def compute() -> dict[str, Any]:
        fm = _factory_meters(factory_id, url)
        tz = fm.timezone
        my = metered(factory_id, year, url, power_as_energy=True)
        now = int(time.time())
        codes = {int(r["meter_id"]): str(r["code"]) for r in fm.meters.to_pylist()}
        horizon = min(my.end, now)
        windows = _windows(fm, my.start, horizon)
        per_meter: dict[str, dict[str, Any]] = {}
        for mid, (lo, hi, step) in windows.items():
            per_meter[codes[mid]] = {"meter": codes[mid], "missing": 0, "estimated": 0, "gaps": 0,
                                     "expected": (hi - lo) // step, "unused": 0}
        gap_rows = []
        for g in my.gaps.to_pylist():
            mid = int(g["meter_id"])
            lo, hi, step = windows.get(mid, (my.start, horizon, 900))
            start, end = max(int(g["start"]), lo), min(int(g["end"]), hi)
            if start >= end:
                continue  # before the meter was valid, after it, or in the future: not missing
            clipped = (start, end) != (int(g["start"]), int(g["end"]))
            count = (end - start) // step if clipped else int(g["count"])
            code = codes.get(mid, str(mid))
            entry = per_meter.setdefault(code, {"meter": code, "missing": 0, "estimated": 0, "gaps": 0,
                                                "expected": 0, "unused": 0})
            entry["missing"] += count
            entry["estimated"] += min(int(g["estimated"]), count)
            entry["gaps"] += 1
            gap_rows.append({"meter": code, "start": _local(start, tz), "end": _local(end, tz),
                             "count": count, "estimated": min(int(g["estimated"]), count)})
        unused = []
        for u in my.unused.to_pylist():
            code = codes.get(int(u["meter_id"]), str(u["meter_id"]))
            per_meter.setdefault(code, {"meter": code, "missing": 0, "estimated": 0, "gaps": 0, "expected": 0,
                                        "unused": 0})["unused"] += int(u["count"] or 1)
            unused.append({"meter": code, "time": _local(u["ts"], tz) if u["ts"] is not None else None,
                           "reason": u["reason"], "reason_zh": in_lang(reason_text(str(u["reason"]), "zh"), "zh"),
                           "reason_en": str(u["reason"]), "count": int(u["count"] or 1)})
        del my
        in_place = _meters_in_place(factory_id, year, per_meter, horizon, url)
        if not in_place:
            for entry in per_meter.values():
                entry.update(missing=0, estimated=0, gaps=0, expected=0)
            gap_rows = []
        for entry in per_meter.values():
            exp = entry["expected"]
            entry["completeness_pct"] = round(100.0 * (exp - entry["missing"]) / exp, 3) if exp else None
        n_rejected, rejected_rows = rejected(factory_id, LIST_LIMIT, 0, url)
        reasons = rejected_reasons(factory_id, url)
        n_dead, dead_rows = dead_letters(factory_id, LIST_LIMIT, 0, url)
        try:
            warnings = localised_warnings(inventory_run(factory_id, year, url).inventory.warnings)
        except ZerocarbonError as exc:
            warnings = [{"zh": exc.message("zh"), "en": exc.message("en")}]
        meters = sorted(per_meter.values(), key=lambda e: (-e["missing"], e["meter"]))
        return {
            "year": year, "timezone": tz, "meters_in_place": in_place,
            "summary": {"missing_intervals": sum(e["missing"] for e in meters),
                        "estimated_intervals": sum(e["estimated"] for e in meters),
                        "gaps": len(gap_rows), "unused": sum(u["count"] for u in unused),
                        "rejected_records": n_rejected, "dead_letters": n_dead, "warnings": len(warnings),
                        "meters_with_gaps": sum(1 for e in meters if e["missing"])},
            "meters": meters, "gaps": gap_rows[:LIST_LIMIT * 5], "unused": unused[:LIST_LIMIT],
            "rejected": [_reject(dict(row), tz) for row in rejected_rows],
            "rejected_reasons": [{"reason": str(k), "count": int(v)} for k, v in reasons],
            "dead_letters": [{"id": row["id"], "received_at": _local(row["received_at"], tz), "topic": row["topic"],
                              "payload": str(row["payload"])[:500], "reason": row["reason"]} for row in dead_rows],
            "warnings": warnings,
        }
    return _cached("quality", url, factory_id, year, compute)


def _reject(row: dict[str, Any], tz: str) -> dict[str, Any]:
    """A rejected record as the page shows it: the reason and the place in both languages."""
    file, line, col = split_location(str(row.get("location") or ""))
    field = str(row.get("field") or "")
    return {**row, "created_at": _local(row["created_at"], tz),
            "reason_zh": in_lang(reason_text(str(row.get("reason") or ""), "zh"), "zh"),
            "reason_en": str(row.get("reason") or ""),
            "location_zh": "，".join(x for x in (file, f"第 {line} 行" if line else "", f"{col} 列" if col else "")
                                    if x),
            "location_en": ", ".join(x for x in (file, f"row {line}" if line else "", f"column {col}" if col else "")
                                     if x),
            "field_zh": _FIELDS_ZH.get(field, field), "field_en": field}


def localised_warnings(warnings: list[str]) -> list[dict[str, str]]:
    """The inventory's warnings in Chinese and English (:func:`zerocarbon.accounting.notices.notice_text`);
    a warning some producer still writes in English only is pointed to from the Chinese page."""
    return [{"zh": in_lang(notice_text(w, "zh"), "zh"), "en": notice_text(w, "en")} for w in warnings]


def _meters_in_place(factory_id: str, year: int, per_meter: dict[str, dict[str, Any]], horizon: int,
                     url: str | None) -> bool:
    """False for a year none of whose meters has a single reading although readings exist after it
    (the meters came later); True otherwise (a year of meters, or the current year still waiting for data)."""
    if not per_meter or any(e["missing"] < e["expected"] for e in per_meter.values()):
        return True
    latest = _latest_reading(factory_id, url)
    return latest is None or latest < horizon


def data_quality_summary(factory_id: str, year: int, url: str | None = None) -> dict[str, Any]:
    """The alerts the overview shows (one per kind of problem, with its count)."""
    q = data_quality(factory_id, year, url)
    sm = q["summary"]
    alerts = []
    for key, level in (("missing_intervals", "warn"), ("estimated_intervals", "info"), ("unused", "warn"),
                       ("rejected_records", "warn"), ("dead_letters", "error"), ("warnings", "info")):
        if sm[key]:
            alerts.append({"kind": key, "level": level, "count": sm[key]})
    return {"summary": sm, "alerts": alerts, "meters_in_place": q["meters_in_place"]}


# ---------------------------------------------------------------------------------------- reports
def reports(factory_id: str, year: int, url: str | None = None) -> dict[str, Any]:
    """The periods a report can be downloaded for (the year and its months with data) and the API paths."""
    run = inventory_run(factory_id, year, url)
    periods = [str(year), *_months(run.inventory)]
    return {"year": year, "periods": [
        {"period": p, "formats": {fmt: f"/api/v1/factories/{factory_id}/reports/{p}.{fmt}"
                                  for fmt in ("html", "pdf", "xlsx", "json")}} for p in periods]}
