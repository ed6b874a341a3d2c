"""Dashboard data: the zero-carbon verdict (零碳评价) of a factory, and the authority's regional view.

No figure is made here. The verdict is :func:`zerocarbon.services.assessment.runs.assess_with` on the
cached year run (the same inventory as every other page), with the factory's companion files when it
has them (declaration, ledger, equipment register: :mod:`zerocarbon.services.dashboard.files`); the
regional view is :func:`zerocarbon.services.assessment.region.evaluate_region`, or the region engine's
portfolio file when the server has one for the year (:mod:`.region_file`). This module adds the
labels of both languages (:mod:`zerocarbon.reports.verdict`, the evaluation report's own) and the
rounding for display, so a page shows the figures as the report prints them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Hashable, Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from zerocarbon.assessment.criteria import criteria_set
from zerocarbon.model.vocabulary import place_label
from zerocarbon.reports import verdict as labels
from zerocarbon.services.assessment import region as regional
from zerocarbon.services.assessment.runs import assess_with
from zerocarbon.services.dashboard._base import _cached, check_year, fig, inventory_run
from zerocarbon.services.dashboard.files import companion_file, files_key
from zerocarbon.services.dashboard.progress import current, tracking
from zerocarbon.services.dashboard.region_file import engine_portfolio, portfolio_file
from zerocarbon.store import audit
from zerocarbon.store.db import database_url

LANGS = ("zh", "en")
VERDICT_FILES = ("assessment", "ledger", "equipment")
#: Units of the regional view's key indicators (region.KEYS): the intensity in tCO2/tce, the rest shares.
REGION_UNITS = {"zero_carbon_intensity": "tCO2/tce"}


def _both(fn: Any, *args: Any) -> dict[str, str]:
    return {lang: str(fn(*args, lang)) for lang in LANGS}


def _pair(pair: tuple[str, str] | Mapping[str, str] | None) -> dict[str, str]:
    return {lang: labels._pick(pair, lang) for lang in LANGS}


def _status(key: str) -> dict[str, str]:
    return _pair(labels.STATUS.get(key, (key, key)))


def _indicator(key: str) -> dict[str, str]:
    return _pair(labels.INDICATOR.get(key, (key, key)))


def _gauge(r: Mapping[str, Any]) -> dict[str, float] | None:
    """The value and threshold as numbers for the page's bar (None when the criterion has no numeric test)."""
    if r["op"] not in labels.OPS or r["value"] is None or isinstance(r["value"], bool) or r["threshold"] is None:
        return None
    return {"value": float(Decimal(str(r["value"]))), "threshold": float(Decimal(str(r["threshold"])))}


def _criterion(r: Mapping[str, Any], sources: Mapping[str, Any], levels: Mapping[str, Any]) -> dict[str, Any]:
    src = sources.get(r["source"], {})
    return {
        "id": r["id"], "indicator": r["indicator"], "label": _indicator(r["indicator"]), "level": r["level"],
        "level_name": levels.get(r["level"], {"zh": r["level"], "en": r["level"]}),
        "status": r["status"], "status_label": _status(r["status"]),
        "value": _both(labels.fmt_value, r["value"], r["value_unit"] or r["unit"]),
        "requirement": _both(labels.requirement, r),
        "basis": r["basis"] or {"zh": "", "en": ""}, "reason": r["reason"],
        "source": {"zh": src.get("text", {}).get("zh", r["source"]), "en": src.get("text", {}).get("en", r["source"]),
                   "url": src.get("url") or "", "repo": src.get("repo") or ""},
        "confidence": r["confidence"], "confidence_label": _pair(labels.CONF.get(r["confidence"])),
        "gauge": _gauge(r),
    }


def _gaps(main: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The ranked gap list as the report groups it: missing data with the same remedy is one item."""
    by_id = {r["id"]: r for r in main["results"]}
    out = []
    for g in labels._grouped([by_id[i] for i in main["gaps"]]):
        members = g["members"]
        effort = [Decimal(str(m["effort_tco2"])) for m in members if m.get("effort_tco2") is not None]
        out.append({"status": g["status"], "status_label": _status(g["status"]),
                    "criteria": [{"id": m["id"], "label": _indicator(m["indicator"]),
                                  "value": _both(labels.fmt_value, m["value"], m["value_unit"] or m["unit"]),
                                  "requirement": _both(labels.requirement, m), "reason": m["reason"]}
                                 for m in members],
                    "closers": [c["text"] for c in g["closers"]],
                    "effort_tco2": fig(max(effort)) if effort else None})
    return out


def _levels(evaluation: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"id": lv["id"], "name": lv["name"], "status": lv["status"], "status_label": _status(lv["status"])}
            for lv in evaluation["levels"]]


def verdict_view(assessment: Mapping[str, Any], files: Mapping[str, str | None]) -> dict[str, Any]:
    """The page's data from an assessment's plain dict (``Assessment.to_dict()``)."""
    main = assessment["evaluations"][0]
    level_names = {lv["id"]: lv["name"] for lv in main["levels"]}
    centre = assessment["centre_functions"]
    return {
        "factory": assessment["factory"], "year": assessment["year"], "files": dict(files),
        "set": {"id": main["criteria_set"], "name": main["name"], "confidence": main["confidence"],
                "confidence_label": _pair(labels.CONF.get(main["confidence"]))},
        "levels": _levels(main),
        "criteria": [_criterion(r, main["sources"], level_names) for r in main["results"]],
        "gaps": _gaps(main),
        "centre": [{**c, "status_label": _status(c["status"])} for c in centre],
        "centre_count": {"met": sum(1 for c in centre if c["status"] != "missing"), "total": len(centre)},
        "companions": [{"id": e["criteria_set"], "name": e["name"], "levels": _levels(e)}
                       for e in assessment["evaluations"][1:]],
        "trend": [{"year": t["year"], "levels": [{"id": k, "name": level_names.get(k, {"zh": k, "en": k}),
                                                  "status": v, "status_label": _status(v)}
                                                 for k, v in t["levels"].items()]}
                  for t in assessment["trend"]],
        "notes": assessment["notes"],
        "caveat": _pair(labels.L["caveat"]),
    }


def factory_verdict(factory_id: str, year: int, url: str | None = None) -> dict[str, Any]:
    """The verdict of the factory's year (cached per store version and companion files)."""
    check_year(factory_id, year, url)

    def compute() -> dict[str, Any]:
        run = inventory_run(factory_id, year, url)
        paths = {kind: companion_file(factory_id, kind) for kind in VERDICT_FILES}
        # the equipment register: the stored devices when there are any (services.efficiency.register_source)
        from zerocarbon.services.efficiency.runs import factory_efficiency

        result, _inputs = assess_with(run, declaration=paths["assessment"], ledger=paths["ledger"],
                                      efficiency=factory_efficiency(factory_id, run, url))
        return verdict_view(result.to_dict(), {k: (p.name if p else None) for k, p in paths.items()})

    return _cached("verdict", url, factory_id, year, compute, files_key(factory_id, VERDICT_FILES))


# ------------------------------------------------------------------------------------------- region
def _region_key(ids: tuple[str, ...], year: int, province: str | None, url: str | None) -> tuple[Hashable, ...]:
    return ("region", database_url(url), ids, int(year), province or "")


def region_progress(factory_ids: Iterable[str], year: int, province: str | None = None,
                    url: str | None = None) -> dict[str, Any] | None:
    """How far the regional evaluation of these factories has got (``factories``: done of all), or None."""
    return current(_region_key(tuple(sorted(factory_ids)), year, province, url))


_REGION: dict[tuple[Hashable, ...], tuple[tuple[int, ...], dict[str, Any]]] = {}


def _region_row(r: Mapping[str, Any], indicator_of: Mapping[str, str]) -> dict[str, Any]:
    row = {**r, "province_label": {lang: place_label(r["province"], lang) for lang in LANGS}}
    if "error" in r:
        return row
    row["tier_label"] = _pair(regional.TIERS[r["tier"]])
    row["level_labels"] = {k: _status(v) for k, v in r["levels"].items()}
    row["total"] = fig(Decimal(r["total_t"]))
    row["indicator_display"] = {k: _both(labels.fmt_value, v, REGION_UNITS.get(k, "1"))
                                for k, v in r["indicators"].items()}
    row["gap_labels"] = [_indicator(indicator_of.get(g, g)) for g in r["gaps"]]
    return row


def _decorated(result: Mapping[str, Any]) -> dict[str, Any]:
    """The regional view with the labels of both languages and the display figures."""
    set_ = criteria_set(result["criteria_set"])
    levels = [{"id": lv.id, "name": {"zh": lv.name_zh, "en": lv.name_en}} for lv in set_.levels]
    indicator_of = {c.id: c.indicator for c in set_.criteria}
    return {**result, "rows": [_region_row(r, indicator_of) for r in result["rows"]], "levels": levels,
            "set_name": {"zh": set_.name_zh, "en": set_.name_en},
            "indicators": [{"key": k, "label": _indicator(k)} for k in regional.KEYS]}


def region(factory_ids: Iterable[str], year: int, province: str | None = None,
           url: str | None = None, portfolio_dir: Path | str | None = None) -> dict[str, Any]:
    """The regional evaluation of the factories (:func:`evaluate_region`), kept per store data version; its
    progress is reported per factory under :func:`region_progress`'s key.

    When ``portfolio_dir`` holds ``<year>.json`` written by ``zerocarbon region assess --portfolio``, its rows of
    these factories are served instead, with a ``source`` block (:mod:`.region_file`)."""
    ids = tuple(sorted(factory_ids))
    path = portfolio_file(portfolio_dir, year)
    if path is not None:
        return _decorated(engine_portfolio(path, ids, year, province))
    key = _region_key(ids, year, province, url)
    version = audit.data_version(url)
    kept = _REGION.get(key)
    if kept is not None and kept[0] == version:
        return kept[1]
    with tracking(key) as report:
        report("factories", 0, len(ids))
        result = regional.evaluate_region(ids, year, url, province=province,
                                          progress=lambda done, total, _fid: report("factories", done, total))
    out = _decorated(result)
    _REGION[key] = (version, out)
    if len(_REGION) > 32:
        _REGION.pop(next(iter(_REGION)))
    return out


def region_xlsx(factory_ids: Iterable[str], year: int, province: str | None = None, url: str | None = None,
                lang: str = "zh", portfolio_dir: Path | str | None = None) -> bytes:
    """The regional evaluation as the workbook of :func:`write_region_xlsx` (zh or en), as bytes."""
    result = region(factory_ids, year, province, url, portfolio_dir)
    with tempfile.TemporaryDirectory(prefix="zc-region-") as tmp:
        path = regional.write_region_xlsx(result, Path(tmp) / "region.xlsx", "en" if lang == "en" else "zh")
        return path.read_bytes()
