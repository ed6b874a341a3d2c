"""Use case: the year's hourly carbon totalled by local month × cost centre (or scope, meter, …), as a table,
CSV or XLSX an energy manager opens in Excel.

    kept year and factors (:func:`zerocarbon.services.metering.hourly_export.prepare`)
        → :func:`zerocarbon.timeseries.carbon_totals.hourly_carbon_totals` (DuckDB, exact sums)
        → display columns (meter code for its id), headers in zh or en, the method block

Each hour is charged with the factor of that hour (the annual factor, or the hourly grid series where one is
given), so a month × cost-centre total is the sum of the same rows the hourly download holds, not the month's
energy × an annual factor. Only the totals leave the engine.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from zerocarbon.errors import InputError
from zerocarbon.factors import FactorLibrary
from zerocarbon.services.metering.hourly_export import Lang, header_lines, prepare, text_safe
from zerocarbon.timeseries.carbon_totals import KEYS, hourly_carbon_totals
from zerocarbon.timeseries.intervals import Estimate

__all__ = ["GROUPS", "HEADERS", "HourlyTotals", "Lang", "hourly_totals", "parse_by", "title", "totals_csv",
           "totals_xlsx"]

#: The groupings a user names (``meter`` is the meter's code) and the column each stands for.
GROUPS = {"month": "month", "meter": "meter_id", "category": "category", "scope": "scope", "item": "item",
          "cost_centre": "cost_centre", "factor_kind": "factor_kind"}
#: name → Chinese header, English header (keys first, then the totals).
HEADERS: dict[str, tuple[str, str]] = {
    "month": ("月份", "month"), "meter": ("计量表", "meter"), "category": ("类别", "category"),
    "scope": ("范围", "scope"), "item": ("品种", "item"), "cost_centre": ("成本中心", "cost centre"),
    "factor_kind": ("因子类型", "factor kind"), "co2_t": ("二氧化碳排放 [tCO2]", "CO2 [tCO2]"),
    "activity": ("活动数据 [活动数据单位]", "activity [activity unit]"),
    "activity_unit": ("活动数据单位", "activity unit"),
    "mixed_units": ("活动数据单位不一（未合计）", "mixed units (not summed)"), "hours": ("表·小时数", "meter-hours"),
    "hourly_factor_hours": ("逐时因子表·小时数", "meter-hours with hourly factor"),
    "no_factor_hours": ("无因子表·小时数", "meter-hours without factor")}
TOTALS = ("co2_t", "activity", "activity_unit", "mixed_units", "hours", "hourly_factor_hours", "no_factor_hours")
_TITLE = {"zh": "逐时碳排放汇总（每小时按当时因子计，再按所选维度合计）",
          "en": "Hourly carbon totals (each hour at its own factor, then summed by the chosen keys)"}
_BY = {"zh": "汇总维度", "en": "grouped by"}


@dataclass(frozen=True)
class HourlyTotals:
    """The totals (:attr:`table`: the keys by their names in :data:`GROUPS`, then :data:`TOTALS`) and the method."""

    factory_id: str
    year: int
    by: tuple[str, ...]
    table: pa.Table
    method: dict[str, Any]

    def filename(self, ext: str) -> str:
        return f"{self.factory_id}-hourly-carbon-{self.year}-by-{'-'.join(self.by) or 'total'}.{ext}"

    def rows(self) -> list[dict[str, Any]]:
        return list(self.table.to_pylist())


def parse_by(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """``month,cost_centre`` (or a list) → the grouping names, checked; default month × cost centre."""
    if text is None:
        return ("month", "cost_centre")
    items = [p.strip() for part in ([text] if isinstance(text, str) else text) for p in part.split(",") if p.strip()]
    bad = [p for p in items if p not in GROUPS]
    if bad or len(set(items)) != len(items):
        raise InputError(f"汇总维度须为 {', '.join(GROUPS)} 中的若干项（不重复），实际为 {', '.join(items)}",
                         f"group by some of {', '.join(GROUPS)} (each once), not {', '.join(items)}", field="by",
                         expected=",".join(GROUPS))
    return tuple(items)


def hourly_totals(factory_id: str, year: int, url: str | None = None, *, by: Sequence[str] = ("month", "cost_centre"),
                  meters: Sequence[str] | None = None, months: Sequence[int] | None = None, series: str | None = None,
                  estimate: Estimate | None = "linear", power_as_energy: bool = False,
                  library: FactorLibrary | None = None) -> HourlyTotals:
    """The hourly carbon of ``factory_id``'s local ``year`` summed by ``by`` (names of :data:`GROUPS`)."""
    names = parse_by(list(by))
    p = prepare(factory_id, year, url, meters=meters, months=months, series=series, estimate=estimate,
                power_as_energy=power_as_energy, library=library)
    keys = tuple(GROUPS[n] for n in names)
    assert all(k in KEYS for k in keys)
    raw = hourly_carbon_totals(p.hours, p.factors, p.series, year=year, tz=p.factory.timezone, by=keys,
                               months=p.months)
    cols: dict[str, pa.Array | pa.ChunkedArray] = {}
    for name, key in zip(names, keys, strict=True):
        if key == "meter_id":
            ids = p.factory.meters["meter_id"].combine_chunks()
            cols[name] = pc.take(p.meter_codes(), pc.index_in(raw[key], value_set=ids))
        else:
            cols[name] = raw[key]
    for name in TOTALS:
        cols[name] = raw[name]
    method = dict(p.method, by=list(names), engine="zerocarbon.timeseries.carbon_totals.hourly_carbon_totals "
                                                   "(DuckDB, each hour's tCO2 summed as DECIMAL(38,12))")
    return HourlyTotals(factory_id, year, names, pa.table(cols), method)


def title(t: HourlyTotals, lang: Lang = "zh") -> str:
    """One line naming the table: factory, year, keys, in ``lang``."""
    by = " × ".join(HEADERS[n][0 if lang == "zh" else 1] for n in t.by) or ("合计" if lang == "zh" else "total")
    return (f"{t.factory_id} {t.year} 年逐时碳排放汇总（{by}）" if lang == "zh"
            else f"{t.factory_id} hourly carbon {t.year} by {by}")


def _header(t: HourlyTotals, lang: Lang) -> list[str]:
    lines = header_lines(t.method, lang)
    lines[0] = _TITLE[lang]
    by = " × ".join(HEADERS[n][0 if lang == "zh" else 1] for n in t.by)  # no comma: the line stays one CSV cell
    return [*lines, f"{_BY[lang]}: {by or ('合计' if lang == 'zh' else 'total')}"]


def _columns(t: HourlyTotals, lang: Lang) -> list[tuple[str, str]]:
    return [(n, HEADERS[n][0 if lang == "zh" else 1]) for n in (*t.by, *TOTALS)]


def _cell(v: Any, lang: Lang) -> Any:
    if isinstance(v, bool):
        return ("是" if v else "否") if lang == "zh" else ("yes" if v else "no")
    return text_safe(v)


def totals_csv(t: HourlyTotals, lang: Lang = "zh") -> bytes:
    """UTF-8 CSV with a byte-order mark (Excel reads the Chinese), the method as ``# `` lines, then the table."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    for line in _header(t, lang):
        w.writerow([f"# {line}"])
    cols = _columns(t, lang)
    w.writerow([h for _, h in cols])
    for row in t.table.to_pylist():
        w.writerow(["" if row[n] is None else _cell(row[n], lang) for n, _ in cols])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def totals_xlsx(t: HourlyTotals, lang: Lang = "zh") -> bytes:
    """An XLSX workbook: sheet 1 the totals (headers in ``lang``, numbers as numbers), sheet 2 the method."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "汇总" if lang == "zh" else "totals"
    cols = _columns(t, lang)
    ws.append([h for _, h in cols])
    for row in t.table.to_pylist():
        ws.append([_cell(row[n], lang) for n, _ in cols])
    ws.freeze_panes = "A2"
    for i, (_, h) in enumerate(cols):
        ws.column_dimensions[ws.cell(row=1, column=i + 1).column_letter].width = max(12, min(40, len(h) * 2))
    meta = wb.create_sheet("方法" if lang == "zh" else "method")
    for line in _header(t, lang):
        meta.append([line])
    sink = io.BytesIO()
    wb.save(sink)
    return sink.getvalue()
