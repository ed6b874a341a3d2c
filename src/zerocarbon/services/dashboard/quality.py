"""Dashboard data: data quality and report downloads."""

from __future__ import annotations

import time
from typing import Any

from zerocarbon.errors import ZerocarbonError
from zerocarbon.services.dashboard._base import (
    LIST_LIMIT,
    _cached,
    _factory_meters,
    _local,
    _months,
    inventory_run,
    metered,
)
from zerocarbon.services.metering.quality import dead_letters, rejected, rejected_reasons


# ---------------------------------------------------------------------------------- data quality
def data_quality(factory_id: str, year: int, url: str | None = None) -> dict[str, Any]:
    """Missing intervals (per meter, as runs), estimated intervals, readings not used, rejected records,
    dead letters and the inventory's warnings, for the year."""
    def compute() -> dict[str, Any]:
        fm = _factory_meters(factory_id, url)
        tz = fm.timezone
        my = metered(factory_id, year, url, power_as_energy=True)
        now = int(time.time())
        codes = {int(r["meter_id"]): str(r["code"]) for r in fm.meters.to_pylist()}
        steps = {int(r["meter_id"]): int(r["interval_seconds"]) for r in fm.meters.to_pylist()}
        per_meter: dict[str, dict[str, Any]] = {}
        horizon = min(my.end, now)
        for mid, code in codes.items():
            if mid not in steps:
                continue
            per_meter[code] = {"meter": code, "missing": 0, "estimated": 0, "gaps": 0,
                               "expected": max(0, (horizon - my.start) // steps[mid]), "unused": 0}
        gap_rows = []
        for g in my.gaps.to_pylist():
            if int(g["start"]) >= now:
                continue  # the future is not missing
            code = codes.get(int(g["meter_id"]), str(g["meter_id"]))
            count = int(g["count"]) if int(g["end"]) <= now else max(0, (now - int(g["start"])) //
                                                                       steps.get(int(g["meter_id"]), 900))
            entry = per_meter.setdefault(code, {"meter": code, "missing": 0, "estimated": 0, "gaps": 0,
                                                "expected": 0, "unused": 0})
            entry["missing"] += count
            entry["estimated"] += int(g["estimated"])
            entry["gaps"] += 1
            gap_rows.append({"meter": code, "start": _local(g["start"], tz), "end": _local(g["end"], tz),
                             "count": count, "estimated": int(g["estimated"])})
        unused = []
        for u in my.unused.to_pylist():
            code = codes.get(int(u["meter_id"]), str(u["meter_id"]))
            per_meter.setdefault(code, {"meter": code, "missing": 0, "estimated": 0, "gaps": 0, "expected": 0,
                                        "unused": 0})["unused"] += int(u["count"] or 1)
            unused.append({"meter": code, "time": _local(u["ts"], tz) if u["ts"] is not None else None,
                           "reason": u["reason"], "count": int(u["count"] or 1)})
        del my
        for entry in per_meter.values():
            exp = entry["expected"]
            entry["completeness_pct"] = round(100.0 * (exp - entry["missing"]) / exp, 3) if exp else None
        n_rejected, rejected_rows = rejected(factory_id, LIST_LIMIT, 0, url)
        reasons = rejected_reasons(factory_id, url)
        n_dead, dead_rows = dead_letters(factory_id, LIST_LIMIT, 0, url)
        try:
            warnings = inventory_run(factory_id, year, url).inventory.warnings
        except ZerocarbonError as exc:
            warnings = [exc.message("en")]
        meters = sorted(per_meter.values(), key=lambda e: (-e["missing"], e["meter"]))
        return {
            "year": year, "timezone": tz,
            "summary": {"missing_intervals": sum(e["missing"] for e in meters),
                        "estimated_intervals": sum(e["estimated"] for e in meters),
                        "gaps": len(gap_rows), "unused": sum(u["count"] for u in unused),
                        "rejected_records": n_rejected, "dead_letters": n_dead, "warnings": len(warnings),
                        "meters_with_gaps": sum(1 for e in meters if e["missing"])},
            "meters": meters, "gaps": gap_rows[:LIST_LIMIT * 5], "unused": unused[:LIST_LIMIT],
            "rejected": [{**dict(row), "created_at": _local(row["created_at"], tz)} for row in rejected_rows],
            "rejected_reasons": [{"reason": str(k), "count": int(v)} for k, v in reasons],
            "dead_letters": [{"id": row["id"], "received_at": _local(row["received_at"], tz), "topic": row["topic"],
                              "payload": str(row["payload"])[:500], "reason": row["reason"]} for row in dead_rows],
            "warnings": warnings,
        }
    return _cached("quality", url, factory_id, year, compute)


def data_quality_summary(factory_id: str, year: int, url: str | None = None) -> dict[str, Any]:
    """The alerts the overview shows (one per kind of problem, with its count)."""
    q = data_quality(factory_id, year, url)
    sm = q["summary"]
    alerts = []
    for key, level in (("missing_intervals", "warn"), ("estimated_intervals", "info"), ("unused", "warn"),
                       ("rejected_records", "warn"), ("dead_letters", "error"), ("warnings", "info")):
        if sm[key]:
            alerts.append({"kind": key, "level": level, "count": sm[key]})
    return {"summary": sm, "alerts": alerts}


# ---------------------------------------------------------------------------------------- reports
def reports(factory_id: str, year: int, url: str | None = None) -> dict[str, Any]:
    """The periods a report can be downloaded for (the year and its months with data) and the API paths."""
    run = inventory_run(factory_id, year, url)
    periods = [str(year), *_months(run.inventory)]
    return {"year": year, "periods": [
        {"period": p, "formats": {fmt: f"/api/v1/factories/{factory_id}/reports/{p}.{fmt}"
                                  for fmt in ("html", "xlsx", "json")}} for p in periods]}
