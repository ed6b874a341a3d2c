"""The regional view from the region engine's portfolio file (``zerocarbon region assess --portfolio
DIR/<year>.json``), for the authority's dashboard (issue 17).

When the server's ``ZEROCARBON_REGION_PORTFOLIO_DIR`` holds ``<year>.json``, the region page shows that batch
evaluation instead of computing the regional view live from the store. No figure is made here: the rows are the
file's (the accounting core's, :mod:`zerocarbon.services.assessment.region_portfolio`). Only the rows of the
factories the caller may see are kept (and of ``province`` when asked), and they are ranked again among
themselves with :func:`zerocarbon.services.assessment.region.portfolio`, as the live view ranks the visible
factories: a rank never tells of a factory the caller may not see.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from zerocarbon.errors import InputError
from zerocarbon.services.assessment import region as regional

#: What the ranking adds to a row (recomputed among the visible rows).
_RANKED = ("rank_in_industry", "industry_size", "industry_median")
_KEPT: dict[tuple[Hashable, ...], dict[str, Any]] = {}


def portfolio_file(folder: Path | str | None, year: int) -> Path | None:
    """``folder/<year>.json`` when the folder is set and the file exists, else None."""
    if folder is None or str(folder) == "":
        return None
    path = Path(folder) / f"{int(year)}.json"
    return path if path.is_file() else None


def _read(path: Path, year: int) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"区域评价文件无法读取：{e}", f"the region portfolio file cannot be read: {e}",
                         file=str(path)) from e
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise InputError("区域评价文件缺少 rows 列表（应由 zerocarbon region assess --portfolio 写出）",
                         "the region portfolio file has no rows list (write it with zerocarbon region assess "
                         "--portfolio)", file=str(path), field="rows")
    if data.get("year") != int(year):
        raise InputError(f"区域评价文件的年份为 {data.get('year')}，不是 {year}",
                         f"the region portfolio file is of year {data.get('year')}, not {year}",
                         file=str(path), field="year")
    src = data.get("source")
    if not isinstance(src, dict) or not src.get("engine"):
        raise InputError("区域评价文件缺少 source.engine（应由 zerocarbon region assess --portfolio 写出）",
                         "the region portfolio file has no source.engine (write it with zerocarbon region assess "
                         "--portfolio)", file=str(path), field="source.engine")
    return data


def _source(path: Path, src: Mapping[str, Any]) -> dict[str, Any]:
    """Where the rows come from, with a sentence in both languages."""
    computed = src.get("computed_at") or datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(
        timespec="seconds")
    # the layout's folder name only: a page never shows a machine path
    engine, layout = str(src["engine"]), Path(str(src.get("layout") or "")).name
    return {
        "kind": "region_engine", "engine": engine, "layout": layout, "estimate": src.get("estimate"),
        "computed_at": computed, "file": path.name,
        "label": {"zh": f"区域引擎批量评价（{engine}，区域目录 {layout}，计算于 {computed}，文件 {path.name}）",
                  "en": f"batch evaluation by the region engine ({engine}, layout {layout}, computed {computed}, "
                        f"file {path.name})"},
    }


def engine_portfolio(path: Path, factory_ids: tuple[str, ...], year: int, province: str | None) -> dict[str, Any]:
    """The file's regional view restricted to ``factory_ids`` (and ``province``), re-ranked among them, with its
    ``source``; kept per file version. Raises :class:`InputError` naming the file for a file not written by
    ``region assess --portfolio`` for ``year``."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, factory_ids, province or "")
    kept = _KEPT.get(key)
    if kept is not None:
        return kept
    data = _read(path, year)
    visible = set(factory_ids)
    rows = [{k: v for k, v in r.items() if k not in _RANKED} for r in data["rows"]
            if isinstance(r, dict) and r.get("id") in visible and (province is None or r.get("province") == province)]
    out = regional.portfolio(rows, int(year), province)
    out["criteria_set"] = data.get("criteria_set", out["criteria_set"])
    out["source"] = _source(path, data["source"])
    _KEPT[key] = out
    if len(_KEPT) > 32:
        _KEPT.pop(next(iter(_KEPT)))
    return out
