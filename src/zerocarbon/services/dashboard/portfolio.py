"""Dashboard data: the authority's portfolio (one row per factory, from each factory's overview)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from zerocarbon.errors import ZerocarbonError
from zerocarbon.services.dashboard._base import ZERO, data_year, factories, fig
from zerocarbon.services.dashboard.quality import data_quality
from zerocarbon.services.dashboard.views import overview


def portfolio(factory_ids: Iterable[str], year: int | None = None, url: str | None = None) -> dict[str, Any]:
    """One row per factory (totals, intensity, renewable share, change against its base year, data
    completeness, alerts), ranked by total emissions (largest first) for the chosen year.

    ``year`` None takes the newest year with data of any of the factories (:func:`data_year`). A
    factory whose inventory cannot be computed for the year is listed with the reason instead of figures.
    """
    ids = sorted(set(factory_ids))
    info = {f["id"]: f for f in factories(url) if f["id"] in set(ids)}
    if year is None:
        years = [y for y in (data_year(f, url) for f in ids if f in info) if y is not None]
        year = max(years) if years else datetime.now(ZoneInfo("Asia/Shanghai")).year
    rows: list[dict[str, Any]] = []
    for fid in ids:
        if fid not in info:
            continue
        base = {"id": fid, "name_zh": info[fid]["name_zh"], "name_en": info[fid]["name_en"] or info[fid]["name_zh"],
                "province": info[fid]["province"]}
        try:
            ov = overview(fid, year, url)
            q = data_quality(fid, year, url)
        except ZerocarbonError as exc:
            rows.append({**base, "error": {"zh": exc.message("zh"), "en": exc.message("en")}})
            continue
        completeness = [m["completeness_pct"] for m in q["meters"] if m["completeness_pct"] is not None]
        rows.append({
            **base, "total": ov["totals"]["gbt32150_total"], "scope1": ov["totals"]["scope1"],
            "scope2_location": ov["totals"]["scope2_location"], "scope2_market": ov["totals"]["scope2_market"],
            "months_with_data": len(ov["months_with_data"]),
            "intensity": ov["intensities"][0] if ov["intensities"] else None,
            "renewable_share_pct": ov["renewables"]["share_pct"],
            "reduction_vs_base_pct": ov["progress"].get("reduction_pct") if ov["progress"]["available"] else None,
            "base_year": ov["progress"]["base_year"],
            "completeness_pct": round(min(completeness), 3) if completeness else None,
            "alerts": sum(a["count"] for a in ov["alerts"] if a["level"] != "info"),
        })
    ranked = sorted((r for r in rows if "total" in r), key=lambda r: -Decimal(r["total"]["value"]))
    for i, r in enumerate(ranked, 1):
        r["rank"] = i
    provinces = sorted({str(r["province"]) for r in rows})
    total = sum((Decimal(r["total"]["value"]) for r in ranked), ZERO)
    return {"year": year, "factories": [*ranked, *(r for r in rows if "total" not in r)],
            "provinces": provinces, "total": fig(total), "count": len(rows)}


