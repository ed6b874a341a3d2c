"""Use cases of the accounting core: compute an inventory from a file, explain a line, write outputs.

The CLI (and later the API and dashboard) call these functions, so a figure is computed one way.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zerocarbon.accounting.inventory import compare_years, compute_inventory
from zerocarbon.accounting.results import Inventory, plain
from zerocarbon.accounting.uncertainty import DEFAULT_DRAWS, DEFAULT_SEED
from zerocarbon.errors import InputError
from zerocarbon.factors import FactorLibrary, default_library
from zerocarbon.ingest.activity_file import LoadedInput, load_activity_file
from zerocarbon.model.inventory_input import InventoryInput
from zerocarbon.model.period import Period
from zerocarbon.services.metering import activity as mi
from zerocarbon.services.metering.year import MeteredYear

Progress = Callable[[str], None]


@dataclass
class InventoryRun:
    """An inventory for the requested year, with the other years of the file for comparison."""

    loaded: LoadedInput
    year: int
    inventories: dict[int, Inventory]
    comparison: dict[str, Any]

    @property
    def data(self) -> InventoryInput:
        return self.loaded.data

    @property
    def inventory(self) -> Inventory:
        return self.inventories[self.year]

    def to_dict(self) -> dict[str, Any]:
        inv = self.inventory.to_dict()
        inv["source_file"] = str(self.loaded.path)
        inv["comparison"] = self.comparison
        inv["other_years"] = {str(y): i.totals.to_dict() for y, i in self.inventories.items() if y != self.year}
        return inv


def run_inventory(path: str | Path, year: int | None = None, *, library: FactorLibrary | None = None,
                  mc_draws: int = DEFAULT_DRAWS, mc_seed: int = DEFAULT_SEED,
                  progress: Progress | None = None, month: str | None = None) -> InventoryRun:
    """Read ``path`` and compute the inventory of ``year`` (default: the latest year in the file).

    Every other data year in the file is computed too (without Monte Carlo) for the base-year and
    year-on-year comparison; a problem in any year raises, naming where it is.
    """
    say = progress or (lambda _msg: None)
    say("read")
    return run_loaded(load_activity_file(path), year, library=library, mc_draws=mc_draws, mc_seed=mc_seed,
                      progress=progress, month=month)


def run_store_inventory(factory_id: str, year: int | None = None, *, url: str | None = None,
                        declared: str | Path | None = None, month: str | None = None,
                        estimate: str | None = "linear", mc_draws: int = DEFAULT_DRAWS,
                        metered: MeteredYear | None = None) -> InventoryRun:
    """The inventory of a factory from its meter data in the store (``zerocarbon inventory --factory``).

    With ``declared`` (an activity-data file), metered flows come from the meters and the rest (fuels
    bought by invoice, process sources, green-power contracts, other years) from the file
    (:func:`zerocarbon.services.metering.activity.merge_metered`). Gaps in counters are filled linearly
    and flagged as estimated unless ``estimate`` is None. ``metered`` is the year's metered data when
    already computed (:func:`zerocarbon.services.metering.activity.metered_year` with the same year and
    ``estimate``), to reuse it.
    """
    target = year if year is not None else (Period.parse(month).year if month else None)
    if target is None:
        raise InputError("请给出 --year 或 --month", "give --year or --month", field="year")
    if metered is not None and (metered.year != target or metered.estimate != estimate
                                or metered.factory.factory_id != factory_id):
        raise ValueError(f"metered data of {metered.factory.factory_id} {metered.year} (estimate "
                         f"{metered.estimate}) given for {factory_id} {target} (estimate {estimate})")
    lines = mi.activity_from_meters(factory_id, target, url, estimate=estimate,  # type: ignore[arg-type]
                                    metered=metered)
    if declared is not None:
        base = load_activity_file(declared)
        data = mi.merge_metered(base.data, lines, target)
        locations = dict(base.locations)
        path = base.path
    else:
        data = mi.inventory_input(factory_id, lines, url)
        locations, path = {}, Path(f"store:{factory_id}")
    locations.update({ln.id: {"file": f"store:{factory_id}", "sheet": None, "row": None,
                              "entry": f"meter {', '.join(ln.meters)}"} for ln in lines})
    return run_loaded(LoadedInput(data, path, locations), target, mc_draws=mc_draws, month=month)


def run_loaded(loaded: LoadedInput, year: int | None = None, *, library: FactorLibrary | None = None,
               mc_draws: int = DEFAULT_DRAWS, mc_seed: int = DEFAULT_SEED,
               progress: Progress | None = None, month: str | None = None) -> InventoryRun:
    """The inventory of input already read (from a file, or assembled from meters and declared data).

    With ``month`` (YYYY-MM) the reported inventory is that month's (see ``compute_inventory``).
    """
    if month is not None and year is None:
        year = Period.parse(month).year
    lib = library or default_library()
    say = progress or (lambda _msg: None)
    path = loaded.path
    years = loaded.data.years()
    target = year if year is not None else years[-1]
    if target not in years:
        raise InputError(f"文件中没有 {target} 年的数据", f"the file has no data for {target}", file=str(path),
                         field="period", expected=f"one of {years}")
    inventories: dict[int, Inventory] = {}
    for y in years:
        say(f"compute {y}")
        inventories[y] = compute_inventory(loaded.data, y, lib, locations=loaded.locations,
                                           mc_draws=mc_draws if y == target else 0, mc_seed=mc_seed,
                                           month=month if y == target else None)
    comparison = compare_years(inventories, loaded.data.factory.base_year)
    return InventoryRun(loaded, target, inventories, comparison)


def explain_line(run: InventoryRun, line_id: str, lang: str = "zh") -> str:
    """The derivation of one line in every view, as text a verifier can re-check by hand."""
    try:
        result = run.inventory.line(line_id)
    except KeyError:
        known = ", ".join(r.line.id for r in run.inventory.lines[:12])
        raise InputError(f"没有编号为 {line_id} 的活动数据行（{run.year} 年）",
                         f"no activity line {line_id} in {run.year}", field="line", expected=known + " …") from None
    line = result.line
    zh = lang == "zh"
    out = [
        f"{'活动数据行' if zh else 'Activity line'} {line.id}  [{line.category.value}]  "
        f"{result.item_name_zh if zh else result.item_name_en}",
        f"  {'设施' if zh else 'facility'}: {line.facility}   {'期间' if zh else 'period'}: {line.period}",
        f"  {'活动数据' if zh else 'activity data'}: {line.amount} {line.unit}   "
        f"{'来源' if zh else 'source'}: {line.source or '-'}   {'数据质量' if zh else 'quality'}: {line.data_quality}",
    ]
    where = run.loaded.locations.get(line.id, {})
    if where:
        loc = ", ".join(f"{k}={v}" for k, v in where.items() if v is not None)
        out.append(f"  {'位置' if zh else 'read from'}: {loc}")
    labels = {"gbt32150": "GB/T 32150", "location": "scope (location-based)", "market": "scope (market-based)"}
    for view, fig in result.figures.items():
        out.append("")
        out.append(f"  [{labels[view]}] {fig.formula}  =  {plain(fig.emissions)} tCO2e")
        for key, value in fig.intermediates.items():
            out.append(f"      {key} = {value}")
        for fv in fig.factors:
            t = fv.to_trace()
            src = t["source"] or f"{'实测值' if zh else 'measured'}; evidence: {t['evidence']}"
            extra = f"  fallback: {t['fallback']}" if t["fallback"] else ""
            out.append(f"      {t['parameter']} = {t['value']} {t['unit']}  ← {src}  [{t['status']}]"
                       f"{'  id=' + str(t['factor_id']) if t['factor_id'] else ''}{extra}")
        if fig.note:
            out.append(f"      note: {fig.note}")
    out.append("")
    out.append(f"  {'不确定性' if zh else 'uncertainty'} (95%): ±{result.uncertainty_pct:.2f}%  = √(" +
               " + ".join(f"{p.name} {p.pct}%²" for p in result.uncertainty_parts) + ")")
    return "\n".join(out)


def write_json(run: InventoryRun, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(run.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    return path
