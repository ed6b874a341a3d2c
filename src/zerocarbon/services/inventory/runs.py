"""Use cases of the accounting core: compute an inventory from a file, explain a line, write outputs.

The CLI (and later the API and dashboard) call these functions, so a figure is computed one way.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from zerocarbon.accounting.inventory import compare_years, compute_inventory
from zerocarbon.accounting.notices import Notice, fallback, prose
from zerocarbon.accounting.results import Inventory, plain
from zerocarbon.accounting.uncertainty import DEFAULT_DRAWS, DEFAULT_SEED
from zerocarbon.errors import InputError, InputErrors, ZerocarbonError
from zerocarbon.factors import FactorLibrary, default_library
from zerocarbon.ingest.activity_file import LoadedInput, load_activity_file
from zerocarbon.ingest.columns import FACILITIES
from zerocarbon.model.inventory_input import ActivityLine, InventoryInput
from zerocarbon.model.period import Period
from zerocarbon.model.vocabulary import category_label, parameter_label
from zerocarbon.reports.i18n import MESSAGES, t
from zerocarbon.services.inventory.indicator import zero_carbon_indicator
from zerocarbon.services.metering.rollups import kept_year
from zerocarbon.services.metering.year import MeteredYear, load_factory_meters
from zerocarbon.store.readings import latest_reading_time, read_current
from zerocarbon.timeseries.activity import (
    INVOICE_TOLERANCE,
    discrepancies,
    discrepancy,
    exact_amount,
    merge_metered,
    meter_lines,
)
from zerocarbon.timeseries.activity import inventory_input as metered_input
from zerocarbon.units import unit_label

Progress = Callable[[str], None]


@dataclass
class InventoryRun:
    """An inventory for the requested year, with the other years of the file for comparison."""

    loaded: LoadedInput
    year: int
    inventories: dict[int, Inventory]
    comparison: dict[str, Any]
    #: Lines of a multi-year file outside the reported year and the base year (id, period, place).
    left_out: list[dict[str, Any]] = field(default_factory=list)
    #: the metered year behind the lines read from meters (store runs), for ``explain_line``
    metered: MeteredYear | None = None

    @property
    def data(self) -> InventoryInput:
        return self.loaded.data

    @property
    def inventory(self) -> Inventory:
        return self.inventories[self.year]

    def to_dict(self) -> dict[str, Any]:
        inv = self.inventory.to_dict()
        inv["source_file"] = str(self.loaded.path)
        if "zero-carbon" in inv.get("regimes", {}):
            inv["regimes"]["zero-carbon"]["indicator"] = zero_carbon_indicator(self.inventory).to_dict()
        inv["comparison"] = self.comparison
        inv["other_years"] = {str(y): i.totals.to_dict() for y, i in self.inventories.items() if y != self.year}
        if self.left_out:
            inv["left_out"] = self.left_out
        return inv


def run_inventory(path: str | Path, year: int | None = None, *, library: FactorLibrary | None = None,
                  mc_draws: int = DEFAULT_DRAWS, mc_seed: int = DEFAULT_SEED,
                  progress: Progress | None = None, month: str | None = None,
                  multi_year: bool = False) -> InventoryRun:
    """Read ``path`` and compute the inventory of ``year`` (default: the file's reporting year).

    Every other data year in the file is computed too (without Monte Carlo) for the base-year and
    year-on-year comparison; a problem in any year raises, naming where it is. The year rules are
    those of :func:`run_loaded` (``multi_year``).
    """
    say = progress or (lambda _msg: None)
    say("read")
    return run_loaded(load_activity_file(path), year, library=library, mc_draws=mc_draws, mc_seed=mc_seed,
                      progress=progress, month=month, multi_year=multi_year)


def latest_year(factory_id: str, url: str | None = None) -> int:
    """The local year of the factory's newest reading (what ``--year`` defaults to with ``--factory``).

    Raises
    ------
    InputError
        The factory has no readings yet.
    """
    fm = load_factory_meters(factory_id, url)
    newest = latest_reading_time([int(i) for i in fm.meters["meter_id"].to_pylist()], url)
    if newest is None:
        raise InputError(f"工厂 {factory_id} 尚无计量读数：请给出 --year 或 --month",
                         f"factory {factory_id} has no meter readings yet: give --year or --month", field="year")
    return datetime.fromtimestamp(newest, ZoneInfo(fm.timezone)).year


def run_store_inventory(factory_id: str, year: int | None = None, *, url: str | None = None,
                        declared: str | Path | None = None, month: str | None = None,
                        estimate: str | None = "linear", mc_draws: int = DEFAULT_DRAWS,
                        metered: MeteredYear | None = None) -> InventoryRun:
    """The inventory of a factory from its meter data in the store (``zerocarbon inventory --factory``).

    With ``declared`` (an activity-data file), metered flows come from the meters and the rest (fuels
    bought by invoice, process sources, green-power contracts, other years) from the file
    (:func:`zerocarbon.timeseries.activity.merge_metered`). Gaps in counters are filled linearly
    and flagged as estimated unless ``estimate`` is None. ``metered`` is the year's metered data when
    already computed (:func:`zerocarbon.services.metering.year.metered_year` with the same year and
    ``estimate``), to reuse it; otherwise it is read from the roll-ups the store keeps per meter and month,
    recomputing only the meters and months that data written since touched
    (:func:`zerocarbon.services.metering.rollups.kept_year`; the same figures as a whole scan).
    """
    target = year if year is not None else (Period.parse(month).year if month else None)
    if target is None:
        target = latest_year(factory_id, url)
    if metered is not None and (metered.year != target or metered.estimate != estimate
                                or metered.factory.factory_id != factory_id):
        raise ValueError(f"metered data of {metered.factory.factory_id} {metered.year} (estimate "
                         f"{metered.estimate}) given for {factory_id} {target} (estimate {estimate})")
    my = metered or kept_year(factory_id, target, url, estimate=estimate)  # type: ignore[arg-type]
    lines = meter_lines(my)
    if declared is not None:
        base = _load_declared(Path(declared))
        data = _merge_declared(base, lines, target)
        locations = dict(base.locations)
        path = base.path
    else:  # the factory's meters are already in the metered year: not read again
        data = metered_input(my.factory, lines)
        locations, path = {}, Path(f"store:{factory_id}")
    locations.update({ln.id: {"file": f"store:{factory_id}", "sheet": None, "row": None,
                              "entry": f"meter {', '.join(ln.meters)}"} for ln in lines})
    run = run_loaded(LoadedInput(data, path, locations), target, mc_draws=mc_draws, month=month)
    run.metered = my
    if declared is None:
        run.inventory.warnings.insert(0, METERS_ONLY_WARNING)
    return run


def _load_declared(path: Path) -> LoadedInput:
    """The declared file, named by its file name only: the folder it sits in is the server's (an upload's
    private copy, ``$ZEROCARBON_DECLARED_DIR``), not a place the user knows or should be shown."""
    name = path.name
    try:
        loaded = load_activity_file(path)
    except ZerocarbonError as exc:
        raise dataclasses.replace(exc, file=name if exc.file in (None, str(path)) else exc.file,
                                  message_zh=exc.message_zh.replace(str(path), name),
                                  message_en=exc.message_en.replace(str(path), name)) from exc
    locations = {k: {**v, "file": name} if v.get("file") == str(path) else v for k, v in loaded.locations.items()}
    return LoadedInput(loaded.data, Path(name), locations)


def _merge_declared(base: LoadedInput, lines: list[ActivityLine], year: int) -> InventoryInput:
    """:func:`merge_metered`, with a meter on a node the declared file does not list as a facility refused
    as the factory's own located error (naming each meter and node), never a validation traceback."""
    name = str(base.path)
    declared = {f.id for f in base.data.factory.facilities}
    orphans: dict[str, list[str]] = {}
    for ln in lines:
        if ln.facility not in declared:
            orphans.setdefault(ln.facility, [])
            orphans[ln.facility] += [m for m in ln.meters if m not in orphans[ln.facility]]
    xlsx = base.path.suffix.lower() in (".xlsx", ".xlsm")
    where: dict[str, Any] = {"file": name, "sheet": FACILITIES.zh if xlsx else None,
                             "field": "设施编号" if xlsx else "factory.facilities"}
    if orphans:
        known = ", ".join(sorted(declared)) or "—"
        problems = [InputError(
            f"表计 {'、'.join(meters) or '—'} 安装在节点 {node} 上，但申报数据文件的设施清单中没有 {node}"
            f"（已有：{known}）：请在设施清单中加入 {node}，或把表计改挂到已申报的设施",
            f"meter {', '.join(meters) or '-'} is on node {node}, which the declared file's facility list does "
            f"not include (listed: {known}): add facility {node} to the file, or move the meter to a "
            "declared facility", **where, details={"meters": meters, "node": node})
            for node, meters in sorted(orphans.items())]
        if len(problems) == 1:
            raise problems[0]
        raise InputErrors(f"{len(problems)} 个计量节点不在申报数据文件 {name} 的设施清单中",
                          f"{len(problems)} metered nodes are not in the facility list of the declared file {name}",
                          **where, problems=problems)
    try:
        return merge_metered(base.data, lines, year)
    except ValidationError as exc:  # any other clash of meters and file: still this factory's data, located
        first = exc.errors()[0]
        raise InputError(f"计量数据与申报数据文件 {name} 不一致：{first['msg']}",
                         f"the meter data and the declared file {name} do not fit together: {first['msg']}",
                         file=name, field=".".join(str(p) for p in first.get("loc", ())) or None) from exc


#: Said by an inventory made from meter data alone: what no meter measures is not in it.
METERS_ONLY_WARNING = Notice("meters_only")


def run_loaded(loaded: LoadedInput, year: int | None = None, *, library: FactorLibrary | None = None,
               mc_draws: int = DEFAULT_DRAWS, mc_seed: int = DEFAULT_SEED,
               progress: Progress | None = None, month: str | None = None,
               multi_year: bool = False) -> InventoryRun:
    """The inventory of input already read (from a file, or assembled from meters and declared data).

    With ``month`` (YYYY-MM) the reported inventory is that month's (see ``compute_inventory``).

    The year never changes silently: a file holds one reporting year (and the base year's lines,
    ``factory.base_year``); a line of any other year is an error naming it. With ``multi_year`` and
    a ``year``, a file of several years is accepted: the run reports ``year`` and lists the lines
    of the other years (neither ``year`` nor the base year) in ``left_out``.
    """
    if month is not None and year is None:
        year = Period.parse(month).year
    lib = library or default_library()
    say = progress or (lambda _msg: None)
    path = loaded.path
    years = loaded.data.years()
    target, left_out = _choose_year(loaded, year, multi_year)
    if target not in years:
        raise InputError(f"文件中没有 {target} 年的数据", f"the file has no data for {target}", file=str(path),
                         field="period", expected=", ".join(str(y) for y in years))
    inventories: dict[int, Inventory] = {}
    for y in years:
        say(f"compute {y}")
        try:
            inventories[y] = compute_inventory(loaded.data, y, lib, locations=loaded.locations,
                                               mc_draws=mc_draws if y == target else 0, mc_seed=mc_seed,
                                               month=month if y == target else None)
        except ZerocarbonError as exc:  # a problem of the input names the file it came from
            raise exc.with_location(file=str(path)) from exc
    for inv in inventories.values():  # a meter that disagrees with its invoice is visible, with both figures
        shown = {r.line.id for r in inv.lines}
        inv.warnings = sorted(inv.warnings + discrepancies([a for a in loaded.data.activity if a.id in shown]))
    comparison = compare_years(inventories, loaded.data.factory.base_year)
    return InventoryRun(loaded, target, inventories, comparison, left_out)


def _choose_year(loaded: LoadedInput, year: int | None, multi_year: bool) -> tuple[int, list[dict[str, Any]]]:
    """The reported year and the lines left out of it (see :func:`run_loaded`), or an error naming
    each line outside the year."""
    data, path = loaded.data, str(loaded.path)
    if not data.activity:
        raise InputError("文件中没有活动数据（活动数据表为空）", "the file has no activity data (the activity sheet "
                         "is empty)", file=path, sheet="活动数据" if loaded.path.suffix.lower() in (".xlsx", ".xlsm")
                         else None, field="activity")
    base = data.factory.base_year
    lines_of: dict[int, list[Any]] = {}
    for line in data.activity:
        lines_of.setdefault(line.period_obj.year, []).append(line)
    reporting = sorted(y for y in lines_of if y != base) or sorted(lines_of)
    if multi_year:
        if year is None:
            raise InputError("多年份文件需用 --year 指定核算年份", "a multi-year file needs --year to say which year "
                             "to report", file=path, field="year", expected=f"one of {sorted(lines_of)}")
        return year, [_where(loaded, ln) for y in sorted(lines_of) if y not in (year, base) for ln in lines_of[y]]
    if len(reporting) <= 1:
        return (year if year is not None else reporting[0]), []
    # the inventory's year: the one asked for, else the year most lines are in (the latest on a tie)
    target = year if year is not None else max(reporting, key=lambda y: (len(lines_of[y]), y))
    outside = [ln for y in reporting if y != target for ln in lines_of[y]]
    problems = [InputError(
        f"活动数据行 {ln.id} 的期间 {ln.period} 不在核算年度 {target} 内",
        f"activity line {ln.id} is dated {ln.period}, outside the inventory year {target}",
        **{k: v for k, v in _where(loaded, ln).items() if k in ("file", "sheet", "row")},
        field=_period_field(_where(loaded, ln)),
        expected=f"{target}-MM，或用 --multi-year --year {target} 核算多年份文件 / {target}-MM, or --multi-year "
                 f"--year {target} for a file of several years") for ln in outside]
    if len(problems) == 1:
        raise problems[0]
    raise InputErrors(f"{len(problems)} 行活动数据不在核算年度 {target} 内",
                      f"{len(problems)} activity lines are outside the inventory year {target}", file=path,
                      field="period", problems=problems[:200])


def _period_field(where: dict[str, Any]) -> str:
    """The period's place: its column header in the template, its entry path in YAML/JSON."""
    if where.get("sheet"):
        return "期间"
    return f"{where['entry']}.period" if where.get("entry") else "period"


def _where(loaded: LoadedInput, line: Any) -> dict[str, Any]:
    place = loaded.locations.get(line.id, {})
    return {"id": line.id, "period": line.period, "file": place.get("file", str(loaded.path)),
            "sheet": place.get("sheet"), "row": place.get("row"), "entry": place.get("entry")}


def explain_line(run: InventoryRun, line_id: str, lang: str = "zh", *, url: str | None = None) -> str:
    """The derivation of one line in every view, as text a verifier can re-check by hand.

    A metered line (a store run, ``run.metered`` set) shows its meters' month: intervals, gaps and
    their sum, and, with the store ``url``, the first and last reading time stamps of the month.
    """
    try:
        result = run.inventory.line(line_id)
    except KeyError:
        known = ", ".join(r.line.id for r in run.inventory.lines[:12])
        raise InputError(f"没有编号为 {line_id} 的活动数据行（{run.year} 年）",
                         f"no activity line {line_id} in {run.year}", field="line", expected=known + " …") from None
    line = result.line
    zh = lang == "zh"
    lang = "zh" if zh else "en"
    quality = t(f"dq.{line.data_quality}", lang) if f"dq.{line.data_quality}" in MESSAGES else line.data_quality
    source = (("计量表 " + "、".join(line.meters)) if zh else ("meters " + ", ".join(line.meters))) \
        if line.meters else (line.source or "-")
    out = [
        f"{'活动数据行' if zh else 'Activity line'} {line.id}  [{category_label(line.category, lang)}]  "
        f"{result.item_name_zh if zh else result.item_name_en}",
        f"  {'设施' if zh else 'facility'}: {line.facility}   {'期间' if zh else 'period'}: {line.period}",
        f"  {'活动数据' if zh else 'activity data'}: {line.amount} {unit_label(line.unit, lang)}   "
        f"{'来源' if zh else 'source'}: {source}   {'数据质量' if zh else 'quality'}: {quality}",
    ]
    where = run.loaded.locations.get(line.id, {})
    if where:
        out.append(f"  {'位置' if zh else 'read from'}: {place_text(where, lang)}")
    out.extend(_metered_lines(run, line, zh, url))
    # the GHG Protocol views hold scope 1 lines too: the label names the method, not a scope
    labels = {"gbt32150": "GB/T 32150",
              "location": "温室气体核算体系·基于位置" if zh else "GHG Protocol (location-based)",
              "market": "温室气体核算体系·基于市场" if zh else "GHG Protocol (market-based)",
              "zero_carbon": "零碳工厂指标" if zh else "zero-carbon indicator"}
    for view, fig in result.figures.items():
        out.append("")
        out.append(f"  [{labels.get(view, view)}] {prose(fig.formula, lang)}  =  {plain(fig.emissions)} tCO2e")
        for key, value in fig.intermediates.items():
            out.append(f"      {key} = {in_lang(prose(value, lang), lang)}")
        for fv in fig.factors:
            tr = fv.to_trace()
            src = tr["source"] or f"{'实测值' if zh else 'measured'}; {'证明' if zh else 'evidence'}: {tr['evidence']}"
            extra = (f"  {'替代取值' if zh else 'fallback'}: {fallback(str(tr['fallback'])).text(lang)}"
                     if tr["fallback"] else "")
            status = t(f"status.{tr['status']}", lang) if f"status.{tr['status']}" in MESSAGES else tr["status"]
            out.append(f"      {parameter_label(str(tr['parameter']), lang)} = {tr['value']} "
                       f"{unit_label(str(tr['unit']), lang)}  ← {src}  [{status}]"
                       f"{'  id=' + str(tr['factor_id']) if tr['factor_id'] else ''}{extra}")
        if fig.note:
            out.append(f"      {'说明' if zh else 'note'}: {in_lang(prose(fig.note, lang), lang)}")
    out.append("")
    out.append(f"  {'不确定性' if zh else 'uncertainty'} (95%): ±{result.uncertainty_pct:.2f}%  = √(" +
               " + ".join(f"{_part_name(p.name, lang)} {p.pct}%²" for p in result.uncertainty_parts) + ")")
    return "\n".join(out)


def _part_name(name: str, lang: str) -> str:
    """A part of a line's uncertainty: its activity data, or a parameter."""
    if name == "activity":
        return "活动数据" if lang == "zh" else "activity data"
    return parameter_label(name, lang)


#: How gaps were filled, in Chinese.
ESTIMATES = {"linear": "线性插补", "profile": "按典型曲线插补"}
#: Two or more English words in a row (a phrase), as opposed to codes, units and symbols.
_ENGLISH_PHRASE = re.compile(r"[A-Za-z]{2,}[a-z]*[ ,;:()\-]+[a-z]{2,}")
_CJK = re.compile(r"[\u3400-\u9fff]")


def in_lang(text: str, lang: str) -> str:
    """A note of the engine as a page in ``lang`` may show it: in Chinese, an English-only sentence (the
    engine's notes have no Chinese version yet) is replaced by a pointer to the English page."""
    if lang == "zh" and not _CJK.search(text) and _ENGLISH_PHRASE.search(text):
        return "（仅有英文说明，见英文版）"
    return text


def place_text(where: dict[str, Any], lang: str) -> str:
    """Where a line was read, in ``lang``: the file, sheet, row and entry, or the meters of the store."""
    zh = lang == "zh"
    entry = str(where.get("entry") or "")
    if str(where.get("file") or "").startswith("store:"):
        codes = entry.removeprefix("meter ").strip()
        return f"计量表 {codes}" if zh else f"meters {codes}"
    parts = []
    if where.get("file"):
        parts.append(f"文件 {where['file']}" if zh else f"file {where['file']}")
    if where.get("sheet"):
        parts.append(f"工作表 {where['sheet']}" if zh else f"sheet {where['sheet']}")
    if where.get("row") is not None:
        parts.append(f"第 {where['row']} 行" if zh else f"row {where['row']}")
    if entry:
        parts.append(f"条目 {entry}" if zh else f"entry {entry}")
    return ("，" if zh else ", ").join(parts)


def _reading_span(meter_id: int, start: int, end: int, tz: str, url: str, zh: bool) -> str:
    """First and last stored reading of a meter in the month [start, end] (the reading at ``end``
    closes a counter's last interval), in the meter's local time."""
    ts = read_current([meter_id], start, end + 1, url)["ts"].to_pylist()
    if not ts:
        return f"      {'本月无读数' if zh else 'no readings in the month'}"
    return (f"      {'首个读数' if zh else 'first reading'} {_local(min(ts), tz)}, "
            f"{'最后读数' if zh else 'last reading'} {_local(max(ts), tz)} "
            f"({len(ts)} {'个读数' if zh else 'readings'})")


def _metered_lines(run: InventoryRun, line: ActivityLine, zh: bool, url: str | None = None) -> list[str]:
    """The meters and readings behind a metered line, and the declared invoice beside it."""
    if not line.meters:
        return []
    out = []
    my = run.metered
    if my is None:
        out.append(f"  {'表计' if zh else 'meters'}: {', '.join(line.meters)}  "
                   f"({'未载入表计数据' if zh else 'metered year not loaded'})")
    else:
        ids = {str(r["code"]): int(r["meter_id"]) for r in my.factory.meters.to_pylist()}
        month = my.monthly().to_pylist()
        tz = my.factory.timezone
        for code in line.meters:
            mid = ids.get(code)
            for r in (r for r in month if r["meter_id"] == mid and r["period"] == line.period):
                total = exact_amount(r["value_exact"]) if r["value_exact"] is not None else "-"
                out.append(f"  {'表计' if zh else 'meter'} {code}: {'区间' if zh else 'intervals'} {r['n_intervals']}"
                           f" ({'估算' if zh else 'estimated'} {r['n_estimated']}, {'未用' if zh else 'not used'} "
                           f"{r['n_null']}), {_local(r['ts'], tz)} – {_local(r['ts_end'], tz)}; "
                           f"Σ {'区间值' if zh else 'intervals'} = {total} {line.unit}")
                if url is not None and mid is not None:
                    out.append(_reading_span(mid, int(r["ts"]), int(r["ts_end"]), tz, url, zh))
                for g in my.gaps.to_pylist():
                    if g["meter_id"] == mid and g["start"] < r["ts_end"] and g["end"] > r["ts"]:
                        how = f" ({ESTIMATES.get(my.estimate, my.estimate) if zh else my.estimate})" \
                            if my.estimate else ""
                        out.append(f"      {'缺测' if zh else 'gap'} {_local(g['start'], tz)} – "
                                   f"{_local(g['end'], tz)}: {g['count']} {'个区间' if zh else 'intervals'}, "
                                   f"{'估算' if zh else 'estimated'} {g['estimated']}{how}")
    if line.declared_id is not None:
        found = discrepancy(line)
        tol = f"{INVOICE_TOLERANCE * 100} %"
        verdict = (f"{'差异超出容差' if zh else 'DIFFERS beyond tolerance'} {tol}" if found
                   else f"{'在容差内' if zh else 'within tolerance'} {tol}")
        out.append(f"  {'申报（结算单）' if zh else 'declared (invoice)'} {line.declared_id}: {line.declared_amount} "
                   f"{unit_label(line.declared_unit or line.unit, 'zh' if zh else 'en')}  "
                   f"← {line.declared_source or '-'}  [{verdict}; "
                   f"{'采用表计值' if zh else 'the meter is used'}]")
    return out


def _local(ts: int, tz: str) -> str:
    return datetime.fromtimestamp(int(ts), ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def write_json(run: InventoryRun, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(run.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    return path
