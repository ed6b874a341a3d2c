"""Dashboard data: the authority's portfolio (one row per factory, from each factory's overview)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from zerocarbon.errors import ZerocarbonError
from zerocarbon.model.vocabulary import place_label
from zerocarbon.services.dashboard._base import ZERO, check_year, data_year, factories, fig
from zerocarbon.services.dashboard.quality import data_quality
from zerocarbon.services.dashboard.views import overview

log = logging.getLogger(__name__)

#: The reason shown for a factory whose figures failed in a way that is not a problem of its data.
UNEXPECTED = {"zh": "该工厂本年度的数据暂时无法计算（服务器错误，已记录日志）",
              "en": "this factory's figures for the year cannot be computed now (a server error, logged)"}


def _year_of(fid: str, url: str | None) -> int | None:
    """The factory's newest data year, None when it has none or its data cannot be read (its row says why)."""
    try:
        return data_year(fid, url)
    except ZerocarbonError:
        return None
    except Exception:  # one factory's failure never hides the others
        log.exception("data year of factory %s", fid)
        return None


def portfolio(factory_ids: Iterable[str], year: int | None = None, url: str | None = None) -> dict[str, Any]:
    """One row per factory (totals, intensity, renewable share, change against its base year, data
    completeness, alerts), ranked by total emissions (largest first) for the chosen year.

    ``year`` None takes the newest year with data of any of the factories (:func:`data_year`). A
    factory whose inventory cannot be computed for the year is listed with the reason (``error``, zh and
    en: its own located error) instead of figures; the other factories are listed as usual.

    ``intensities`` lists the emission intensity of every product of the factory with the product's
    names and unit (the engine's allocation, as on the overview).
    """
    ids = sorted(set(factory_ids))
    info = {f["id"]: f for f in factories(url) if f["id"] in set(ids)}
    if year is None:
        years = [y for y in (_year_of(f, url) for f in ids if f in info) if y is not None]
        year = max(years) if years else datetime.now(ZoneInfo("Asia/Shanghai")).year
    rows: list[dict[str, Any]] = []
    for fid in ids:
        if fid not in info:
            continue
        base = {"id": fid, "name_zh": info[fid]["name_zh"], "name_en": info[fid]["name_en"] or info[fid]["name_zh"],
                "province": info[fid]["province"], "province_zh": place_label(info[fid]["province"], "zh"),
                "province_en": place_label(info[fid]["province"], "en")}
        try:
            check_year(fid, year, url)  # a year without data says so, with the years that have some
            ov = overview(fid, year, url)
            q = data_quality(fid, year, url)
        except ZerocarbonError as exc:
            rows.append({**base, "error": {"zh": exc.message("zh"), "en": exc.message("en")}})
            continue
        except Exception:  # not the factory's data: logged for the administrator, the others still shown
            log.exception("portfolio row of factory %s, %s", fid, year)
            rows.append({**base, "error": dict(UNEXPECTED)})
            continue
        completeness = [m["completeness_pct"] for m in q["meters"] if m["completeness_pct"] is not None]
        rows.append({
            **base, "total": ov["totals"]["gbt32150_total"], "scope1": ov["totals"]["scope1"],
            "scope2_location": ov["totals"]["scope2_location"], "scope2_market": ov["totals"]["scope2_market"],
            "months_with_data": len(ov["months_with_data"]),
            "intensities": [{k: i[k] for k in ("product", "name_zh", "name_en", "unit", "intensity")}
                            for i in ov["intensities"]],
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
            "provinces": provinces, "total": fig(total), "count": len(rows),
            "province_labels": {p: {"zh": place_label(p, "zh"), "en": place_label(p, "en")} for p in provinces}}


