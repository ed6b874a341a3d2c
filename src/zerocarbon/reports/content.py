"""What an inventory report says, as display rows shared by the HTML report and the workbook.

Everything here reads an :class:`~zerocarbon.accounting.results.Inventory` and returns plain rows
whose numbers are still full-precision ``Decimal`` [tCO2e unless stated]; rounding happens only in
the ``fmt_*`` helpers, at display time (2 decimals, half-up, for tCO2e).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from markupsafe import Markup, escape

from zerocarbon.accounting.notices import Notice, fallback, notice_text, prose
from zerocarbon.accounting.results import VIEWS, Inventory, LineResult
from zerocarbon.errors import FactorError, InputError
from zerocarbon.factors import FactorValue, default_library
from zerocarbon.model.inventory_input import Category, InventoryInput
from zerocarbon.model.period import Period
from zerocarbon.model.vocabulary import category_label, item_label, parameter_label, place_label
from zerocarbon.reports.i18n import t
from zerocarbon.units import unit_label

ZERO = Decimal(0)
CENT = Decimal("0.01")

#: Headline totals in report order, with the accounting view each one belongs to.
TOTALS: tuple[tuple[str, str], ...] = (
    ("gbt32150_total", "gbt32150"),
    ("scope1", "scope1"),
    ("scope2_location", "location"),
    ("scope2_market", "market"),
    ("biomass_co2", "memo"),
    ("exported_electricity", "gbt32150"),
    ("exported_heat", "gbt32150"),
    ("recovered_co2", "gbt32150"),
)
#: Settings shown with the totals; values of these are translated through the catalogue.
SETTINGS = ("gwp_set", "gbt32150_grid_scope", "gbt32150_green_power_zero", "market_residual_factor",
            "certificate_matching", "steam_heat_reference", "allow_earlier_factor_year", "province", "grid_region")
COMPARED = ("gbt32150_total", "scope1", "scope2_location", "scope2_market")
FLAGGED_STATUS = ("unverified", "conflict")


# -- formatting (display only) ----------------------------------------------------------------

def round2(value: Decimal) -> Decimal:
    """Round a tCO2e figure for display: 2 decimals, half-up (四舍五入)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt_t(value: Decimal | float | None) -> str:
    """A tCO2e figure as printed: thousands separator, 2 decimals; ``—`` when not applicable."""
    if value is None:
        return "—"
    rounded = round2(value if isinstance(value, Decimal) else Decimal(str(value)))
    return f"{rounded if rounded != 0 else abs(rounded):,.2f}"  # never "-0.00"


def fmt_num(value: Decimal | None) -> str:
    """An input amount as stated (no rounding), with a thousands separator."""
    return "—" if value is None else f"{value:,f}"


def fmt_pct(value: Decimal | float | None, places: int = 2) -> str:
    """A percentage [%] with ``places`` decimals and an explicit sign for changes."""
    if value is None:
        return "—"
    q = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{q:,.{places}f}"


def fmt_intensity(value: Decimal | None) -> str:
    """An intensity [tCO2e per unit of output], 4 decimals: 2 would hide most of a per-unit figure."""
    if value is None:
        return "—"
    return f"{value.quantize(Decimal('0.0001'), rounding=ROUND_HALF_UP):,.4f}"


_DECIMAL = re.compile(r"-?\d+\.\d+")
#: Decimals kept for a figure of the trace (an intermediate, a factor): a reader recomputes with them;
#: a figure below 1 keeps this many significant digits instead.
TRACE_PLACES = 6


def _trace_number(text: str) -> str:
    value = Decimal(text)
    places = TRACE_PLACES
    if value != 0 and abs(value) < 1:  # 0.0000067491: keep significant digits, not leading zeros
        places = TRACE_PLACES - value.adjusted() - 1
    if -value.as_tuple().exponent <= places:  # type: ignore[operator]
        return text
    q = format(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), "f")
    return q.rstrip("0").rstrip(".") if "." in q else q


def fmt_trace(value: object) -> str:
    """A value of the trace as printed: every decimal number in it rounded (half-up) to
    :data:`TRACE_PLACES` decimals, or significant digits below 1 — no 28-digit quotients. Display only."""
    return _DECIMAL.sub(lambda m: _trace_number(m.group(0)), str(value))


_ALLOCATION = re.compile(r"^\((\S+) dedicated \+ (\S+) × (\S+) shared\) (\S+) / (\S+) (.+)$")


def derivation_text(text: str, lang: str) -> str:
    """An intensity's derivation (``footprint.allocation``) in ``lang``, its numbers rounded for display:
    ``(dedicated + share × shared) tCO2e / output unit``."""
    found = _ALLOCATION.match(text)
    if found is None:
        return fmt_trace(text)
    dedicated, share, shared, unit, output, per = (fmt_trace(g) for g in found.groups())
    return t("derivation.allocation", lang).format(dedicated=dedicated, share=share, shared=shared,
                                                   unit=unit_label(unit, lang), output=output,
                                                   per=unit_label(per, lang))


# -- the engine's prose and quoted sources -----------------------------------------------------

def part_name(name: str, lang: str) -> str:
    """An uncertain input of a line as a report names it: its activity data, or a factor parameter."""
    return t("unc.activity", lang) if name == "activity" else parameter_label(name, lang)


def fallback_text(text: str, lang: str) -> str:
    """A factor library's fallback note (``preferred … → …; region 江苏 → 华东``) in ``lang``."""
    return fallback(text).text(lang)


#: A run of Chinese (characters and Chinese punctuation, with any figures or codes inside it).
_ZH = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef"
_ZH_RUN = re.compile(f"[{_ZH}]+(?:[\\w.\\-/ ]*[{_ZH}]+)*")
#: A run of English words (two or more, with the figures, codes and punctuation between them).
_EN_RUN = re.compile(r"[A-Za-z][\w'’.\-/]*(?:[ ,;:()\[\]&–—+=×·/%\d.\-]+[A-Za-z][\w'’.\-/]*)+\)?")
_WORDS = re.compile(r"[A-Za-z][a-z]+[ ,;:()/\-]+[A-Za-z][a-z]+")
LANG_ATTR = {"zh": "zh-CN", "en": "en"}


def quoted(text: object, lang: str) -> Markup:
    """A quoted source (a document's title, its clause, a factor row's source note, a factory's evidence) as
    a page in ``lang`` prints it: as written, each run of the other language marked with its ``lang``
    attribute (a screen reader reads it in that language; the one-language test knows it is a quote).

    The engine's own texts are not quotes: a :class:`~zerocarbon.accounting.notices.Notice` is rendered in
    ``lang`` instead. Escaped: the result is safe markup.
    """
    if isinstance(text, Notice):
        return Markup(escape(text.text(lang)))
    raw = "" if text is None else str(text)
    other = "en" if lang == "zh" else "zh"
    pattern = _EN_RUN if other == "en" else _ZH_RUN
    out: list[str] = []
    last = 0
    for found in pattern.finditer(raw):
        if other == "en" and not _WORDS.search(found.group(0)):
            continue  # a code, a unit or one word: not a phrase of the other language
        out.append(str(escape(raw[last:found.start()])))
        out.append(f'<span lang="{LANG_ATTR[other]}">{escape(found.group(0))}</span>')
        last = found.end()
    out.append(str(escape(raw[last:])))
    return Markup("".join(out))


def trace_text(value: object, lang: str) -> str:
    """A value of the trace as printed: the engine's words in ``lang``, numbers rounded for reading."""
    return fmt_trace(prose(value, lang))


# -- names -----------------------------------------------------------------------------------

def file_label(path: str | None) -> str:
    """A file as a report names it: its name only, never the folder of the machine that wrote it."""
    if not path:
        return "—"
    return str(path).replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def store_label(url: str | None, lang: str) -> str:
    """A store as a report names it: the embedded store with its file name, or the server's kind, never
    a URL with a machine's path or a password (``sqlite:////tmp/x/zerocarbon.db`` → 内置数据库 zerocarbon.db)."""
    text = str(url or "")
    if not text or text.startswith("sqlite"):
        name = file_label(text.split("///", 1)[-1]) if "///" in text else ""
        return t("store.embedded", lang) + (f" ({name})" if name and name != ":memory:" else "")
    return t("store.server", lang).format(kind=text.split(":", 1)[0].split("+", 1)[0])


def item_text(item: str, lang: str) -> str:
    """An item as a user wrote it (``diesel``, ``天然气``, ``NG``) in ``lang``: its library label, through
    the library's aliases; an item the library does not know is shown as written."""
    label = item_label(item, lang)
    if label != item:
        return label
    try:
        return item_label(default_library().resolve_item(item), lang)
    except FactorError:
        return item


def category_name(category: Category | str, lang: str) -> str:
    """The label of an emission category (``zerocarbon.model.vocabulary``)."""
    return category_label(category, lang)


def facility_names(data: InventoryInput, lang: str) -> dict[str, str]:
    return {f.id: (f.name_en or f.name_zh) if lang == "en" else f.name_zh for f in data.factory.facilities}


def item_name(result: LineResult, lang: str) -> str:
    if lang == "zh":
        return result.item_name_zh
    name = result.item_name_en or result.item_name_zh
    return name[:1].upper() + name[1:]


def system_name(kind: str, lang: str) -> str:
    """A facility's system type (主要/辅助/附属生产系统) in ``lang``; free text is shown as written."""
    try:
        return t(f"system.{kind}", lang)
    except KeyError:
        return kind


def quality_name(tier: str, lang: str) -> str:
    """A data-quality tier's display name; an unknown tier is shown as written."""
    try:
        return t(f"dq.{tier}", lang)
    except KeyError:
        return tier


def setting_value(key: str, value: object, lang: str) -> str:
    if key in ("province", "grid_region"):
        return place_label(str(value), lang)
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    try:
        return t(f"setv.{value}", lang)
    except KeyError:
        return str(value)


def settings_rows(inv: Inventory, lang: str) -> list[tuple[str, str]]:
    """The settings an inventory was computed with, known ones first; any newer setting is still shown."""
    keys = [k for k in SETTINGS if k in inv.settings]
    keys += [k for k in inv.settings if k not in SETTINGS and k != "data_year"]
    rows: list[tuple[str, str]] = []
    for key in keys:
        try:
            label = t(f"set.{key}", lang)
        except KeyError:
            label = key
        rows.append((label, setting_value(key, inv.settings[key], lang)))
    rows.append((t("set.factor_library_version", lang), inv.factor_library_version))
    return rows


def select_inventory(inventories: Mapping[int, Inventory], year: int) -> Inventory:
    try:
        return inventories[year]
    except KeyError:
        raise InputError(f"没有 {year} 年的核算结果", f"no inventory for data year {year}", field="year",
                         expected=f"one of {sorted(inventories)}") from None


# -- factors ---------------------------------------------------------------------------------

def factor_key(fv: FactorValue) -> str:
    """The identity printed for a factor: its library row id, or the measurement's key."""
    return fv.row.factor_id if fv.row is not None else fv.key


@dataclass
class FactorUse:
    """A distinct factor and where the inventory used it."""

    key: str
    trace: dict[str, str | None]
    views: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    fallbacks: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return self.trace.get("status") in FLAGGED_STATUS

    @property
    def measured(self) -> bool:
        return self.trace.get("origin") == "measured"


def inventory_views(inv: Inventory) -> list[str]:
    """The accounting views the inventory's lines have figures in: GB/T 32150, location, market, then the
    views of any further regime computed (``ets``, ``zero_carbon`` …), in that order."""
    present = {view for r in inv.lines for view in r.figures}
    order = [*VIEWS, "ets", "zero_carbon"]
    return [v for v in order if v in present] + sorted(present - set(order))


def distinct_factors(inv: Inventory) -> list[FactorUse]:
    """Every distinct factor used in any view, in order of first use."""
    uses: dict[str, FactorUse] = {}
    views = inventory_views(inv)
    for result in inv.lines:
        for view in views:
            fig = result.figures.get(view)
            for fv in fig.factors if fig else []:
                key = factor_key(fv)
                use = uses.setdefault(key, FactorUse(key, fv.to_trace()))
                if view not in use.views:
                    use.views.append(view)
                if result.line.id not in use.lines:
                    use.lines.append(result.line.id)
                if fv.fallback and fv.fallback not in use.fallbacks:
                    use.fallbacks.append(fv.fallback)
    return list(uses.values())


def line_factor_keys(result: LineResult) -> list[str]:
    keys: list[str] = []
    for view in [*VIEWS, *sorted(set(result.figures) - set(VIEWS))]:
        fig = result.figures.get(view)
        for fv in fig.factors if fig else []:
            if factor_key(fv) not in keys:
                keys.append(factor_key(fv))
    return keys


def line_emissions(result: LineResult, view: str) -> Decimal | None:
    """The line's figure in ``view`` [tCO2e], or None when the view does not apply to the line."""
    fig = result.figures.get(view)
    return None if fig is None else fig.emissions


# -- breakdowns ------------------------------------------------------------------------------

@dataclass
class Row:
    key: str
    name: str
    tco2e: Decimal
    share_pct: Decimal | None = None
    mass_t: Decimal | None = None
    note: str = ""


def _share(value: Decimal, total: Decimal) -> Decimal | None:
    return value / total * 100 if total else None


def breakdowns(data: InventoryInput, inv: Inventory, lang: str) -> dict[str, list[Row]]:
    """Emissions by category, facility, source, gas and period (GB/T 32150 view, biomass excluded)."""
    b = inv.breakdowns
    total = inv.totals.gbt32150_total
    out: dict[str, list[Row]] = {}
    by_cat = b["category"]
    out["category"] = [Row(c.value, category_name(c, lang), by_cat[c.value], _share(by_cat[c.value], total))
                       for c in Category if c.value in by_cat]
    fac = facility_names(data, lang)
    kinds = {f.id: f.kind for f in data.factory.facilities}
    order = {f: i for i, f in enumerate(fac)}
    out["facility"] = [Row(f, fac.get(f, f), v, _share(v, total), note=system_name(kinds.get(f, ""), lang))
                       for f, v in sorted(b["facility"].items(), key=lambda kv: order.get(kv[0], len(order)))]
    names = {r.item_name_zh: item_name(r, lang) for r in inv.lines}
    out["source"] = [Row(k, names.get(k, k), v, _share(v, total))
                     for k, v in sorted(b["source"].items(), key=lambda kv: -kv[1])]
    out["gas"] = [Row(g, g, v, _share(v, total), mass_t=b["gas_mass_t"].get(g)) for g, v in b["gas_co2e"].items()]
    periods = sorted(b["period"], key=lambda p: (Period.parse(p).month is None, Period.parse(p)))
    out["period"] = [Row(p, p if Period.parse(p).is_month else t("period.annual", lang).format(year=p),
                         b["period"][p], _share(b["period"][p], total)) for p in periods]
    return out


def month_by_category(inv: Inventory, lang: str) -> tuple[list[str], list[tuple[str, list[float]]]]:
    """Periods (months, then any whole-year lines) and one series per category [tCO2e], for the chart."""
    cells: dict[tuple[str, Category], Decimal] = {}
    for r in inv.lines:
        if not r.biomass:
            k = (r.line.period, r.category)
            cells[k] = cells.get(k, ZERO) + r.emissions("gbt32150")
    periods = sorted({p for p, _ in cells}, key=lambda p: (Period.parse(p).month is None, Period.parse(p)))
    labels = [p if Period.parse(p).is_month else t("period.annual", lang).format(year=p) for p in periods]
    # a chart shows what the tables print: tCO2e rounded to 2 decimals (display only)
    series = [(category_name(c, lang), [float(round2(cells.get((p, c), ZERO))) for p in periods])
              for c in Category if any((p, c) in cells and cells[(p, c)] != 0 for p in periods)]
    return labels, series


# -- instruments, comparison, warnings ---------------------------------------------------------

def green_power_lines(inv: Inventory) -> list[LineResult]:
    return [r for r in inv.lines if r.category is Category.ELECTRICITY_PURCHASED
            and r.line.electricity_kind == "green_power"]


def certificates_applied(inv: Inventory, lang: str | None = None) -> list[dict[str, Any]]:
    """The certificates counted and the line each covers; with ``lang``, a line that is the engine's words
    (``* (36 grid lines of 2023, pro rata)``) is given in that language."""
    return [{"serial": c["serial"], "line": prose(c["line"], lang) if lang else c["line"], "mwh": Decimal(c["mwh"])}
            for c in inv.certificates_applied]


def comparison_rows(comparison: Mapping[str, Any] | None, year: int) -> dict[str, list[dict[str, Any]]]:
    """Year-on-year and against-base-year changes of the headline totals for ``year``."""
    out: dict[str, list[dict[str, Any]]] = {"yoy": [], "vs_base": []}
    if not comparison:
        return out
    for kind in out:
        entry: Mapping[str, Any] = (comparison.get(kind) or {}).get(str(year)) or {}
        for key in COMPARED if entry else ():
            c = entry[key]
            out[kind].append({"key": key, "from": Decimal(c["from"]), "to": Decimal(c["to"]),
                              "delta": Decimal(c["delta"]), "pct": None if c["pct"] is None else Decimal(c["pct"])})
    return out


def totals_by_year(inventories: Mapping[int, Inventory]) -> list[tuple[int, dict[str, Decimal]]]:
    return [(y, {k: getattr(inventories[y].totals, k) for k in COMPARED}) for y in sorted(inventories)]


def warnings(data: InventoryInput, inv: Inventory, lang: str) -> list[str]:
    """The inventory's warnings in the report language, one per cause (not one per line): each of the
    engine's warnings is a code with parameters (:mod:`zerocarbon.accounting.notices`) rendered in ``lang``."""
    out: list[str] = []
    if data.factory.synthetic:
        out.append(t("warn.synthetic", lang))
    out.extend(notice_text(w, lang) for w in inv.warnings)
    return out
