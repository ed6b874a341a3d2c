"""Use case: the regional view of an authority — every factory of a region evaluated for a year, side by
side: verdict, tier, key indicators, ranking and benchmarking within an industry, exported to XLSX.

One factory's problem is that factory's row (its located error), never the region's failure. Progress is
reported per factory (``progress(done, total, factory_id)``).

Tier (培育 / 创建 / 达标): the national notice puts factories on a list and accepts them in batches; how a
factory moves between those stages is not in a text we hold. This view derives a working tier from the
default criteria set, as this project's stated choice: 达标 when the target level is met, 创建 when the
basic requirement is met, 培育 otherwise (including when not assessable).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from functools import partial
from pathlib import Path
from statistics import median
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from zerocarbon.errors import ZerocarbonError
from zerocarbon.services.assessment.verdict import assess
from zerocarbon.services.inventory import cached
from zerocarbon.services.inventory.runs import InventoryRun
from zerocarbon.store.factories import factory_list

Progress = Callable[[int, int, str], None]
TIERS = {
    "target": ("达标", "meets the target"),
    "basic": ("创建", "under construction"),
    "none": ("培育", "cultivation"),
}
TIER_NOTE = (
    "层级为本项目的推定：达到目标水平为“达标”，达到基本要求为“创建”，其余为“培育”",
    "tiers are this project's working rule: target met = 达标, basic met = 创建, otherwise 培育",
)
KEYS = (
    "zero_carbon_intensity",
    "non_fossil_share",
    "traceable_share",
    "renewable_electricity_share",
    "efficient_equipment_share",
)


def _value(ind: dict[str, Any], key: str) -> Decimal | None:
    v = ind.get(key, {}).get("value")
    return None if v is None or isinstance(v, bool) else Decimal(str(v))


def evaluate_region(
    factory_ids: Iterable[str] | None = None,
    year: int = 2023,
    url: str | None = None,
    *,
    province: str | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Evaluate each factory (all of the store, or ``factory_ids``, optionally of one ``province``)."""
    known = {f["id"]: f for f in factory_list(url)}
    ids = sorted(set(factory_ids) if factory_ids is not None else set(known))
    ids = [f for f in ids if f in known and (province is None or known[f]["province"] == province)]
    rows: list[dict[str, Any]] = []
    for n, fid in enumerate(ids, start=1):
        info = known[fid]
        rows.append(factory_row({"id": fid, "name_zh": info["name_zh"], "name_en": info["name_en"],
                                 "province": info["province"]}, partial(cached.year_run, fid, year, url)))
        if progress is not None:
            progress(n, len(ids), fid)
    return portfolio(rows, year, province)


def factory_row(info: Mapping[str, Any], compute: Callable[[], InventoryRun]) -> dict[str, Any]:
    """One factory's row of the regional view: its year run (``compute()``) evaluated (:func:`assess`), or its
    located error. ``info`` holds ``id``, ``name_zh``, ``name_en`` (empty: the Chinese name) and ``province``."""
    row: dict[str, Any] = {"id": info["id"], "name_zh": info["name_zh"],
                           "name_en": info["name_en"] or info["name_zh"], "province": info["province"]}
    try:
        run = compute()
        a = assess(run).to_dict()
    except ZerocarbonError as exc:
        return {**row, "error": {"zh": exc.message("zh"), "en": exc.message("en")}}
    main = a["evaluations"][0]
    levels = {lv["id"]: lv["status"] for lv in main["levels"]}
    tier = "target" if levels.get("target") == "met" else "basic" if levels.get("basic") == "met" else "none"
    row.update({
        "industry": run.data.factory.industry or "—",
        "levels": levels,
        "tier": tier,
        "total_t": str(run.inventory.totals.gbt32150_total),
        "indicators": {k: (None if _value(a["indicators"], k) is None else str(_value(a["indicators"], k)))
                       for k in KEYS},
        "gaps": main["gaps"],
    })
    return row


def portfolio(rows: list[dict[str, Any]], year: int, province: str | None) -> dict[str, Any]:
    """The regional view of ``rows`` (:func:`factory_row`): ranked within each industry, with the tier note."""
    _rank(rows)
    return {
        "year": year,
        "province": province,
        "criteria_set": "miit-2026-national",
        "rows": rows,
        "tier_note": {"zh": TIER_NOTE[0], "en": TIER_NOTE[1]},
    }


def _rank(rows: list[dict[str, Any]]) -> None:
    """Within each industry: rank by the physically traceable share (higher first; the intensity needs the
    equal-value coefficient and is often not assessable), and each indicator against the industry median."""
    by_industry: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if "error" not in r:
            by_industry[r["industry"]].append(r)
    for members in by_industry.values():
        ordered = sorted(
            members,
            key=lambda r: (
                r["indicators"]["traceable_share"] is None,
                -Decimal(r["indicators"]["traceable_share"] or 0),
                r["id"],
            ),
        )
        for i, r in enumerate(ordered, start=1):
            r["rank_in_industry"] = i
            r["industry_size"] = len(ordered)
        for key in KEYS:
            values = [Decimal(r["indicators"][key]) for r in members if r["indicators"][key] is not None]
            mid = median(values) if values else None
            for r in members:
                r.setdefault("industry_median", {})[key] = None if mid is None else str(mid)


HEAD = [
    ("企业编号", "factory id"),
    ("企业名称", "name"),
    ("省份", "province"),
    ("行业", "industry"),
    ("层级", "tier"),
    ("基本要求", "basic requirement"),
    ("目标水平", "target level"),
    ("排放总量 tCO2e", "total tCO2e"),
    ("单位能耗碳排放 tCO2/tce", "CO2 per tce"),
    ("非化石能源占比", "non-fossil share"),
    ("物理认定占比", "traceable share"),
    ("可再生电力占比", "renewable electricity share"),
    ("节能装备占比", "efficient equipment share"),
    ("行业内排名", "rank in industry"),
    ("差距", "gaps"),
    ("错误", "error"),
]
STATUS = {"met": ("达到", "met"), "not_met": ("未达到", "not met"), "not_assessable": ("不可评价", "not assessable")}


def write_region_xlsx(result: dict[str, Any], path: Path, lang: str = "zh") -> Path:
    """The regional evaluation as a workbook: numbers as numbers, shares as percentages."""
    zh = lang == "zh"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "区域评价" if zh else "region"
    ws.append([h[0] if zh else h[1] for h in HEAD])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in result["rows"]:
        name = r["name_zh"] if zh else r["name_en"]
        if "error" in r:
            ws.append([r["id"], name, r["province"], *[None] * 12, r["error"]["zh" if zh else "en"]])
            continue
        ind = r["indicators"]
        st = {k: STATUS.get(v, (v, v))[0 if zh else 1] for k, v in r["levels"].items()}
        ws.append(
            [
                r["id"],
                name,
                r["province"],
                r["industry"],
                TIERS[r["tier"]][0 if zh else 1],
                st.get("basic"),
                st.get("target"),
                float(Decimal(r["total_t"])),
                *[None if ind[k] is None else float(Decimal(ind[k])) for k in KEYS],
                f"{r['rank_in_industry']} / {r['industry_size']}",
                ", ".join(r["gaps"]),
                None,
            ]
        )
        row = ws.max_row
        ws.cell(row, 8).number_format = "#,##0.00"
        ws.cell(row, 9).number_format = "0.0000"
        for col in range(10, 14):
            ws.cell(row, col).number_format = "0.0%"
    for i, width in enumerate((16, 36, 8, 22, 10, 12, 12, 16, 14, 12, 12, 12, 12, 10, 40, 40), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = ws.dimensions
    ws.append([])
    ws.append([result["tier_note"]["zh" if zh else "en"]])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
