"""Display rows for the change by driver (and the method regimes), shared by the HTML report and workbook.

Input is plain data: the ``drivers`` part of :func:`zerocarbon.accounting.inventory.compare_years`
(figures as strings, see :mod:`zerocarbon.accounting.drivers`). Numbers stay ``Decimal`` until the
``fmt_*`` helpers print them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from zerocarbon.accounting.drivers import instruments_in
from zerocarbon.accounting.notices import prose
from zerocarbon.accounting.results import Inventory, LineResult
from zerocarbon.model.inventory_input import Category, InventoryInput
from zerocarbon.reports.content import (
    CENT,
    COMPARED,
    ZERO,
    category_name,
    facility_names,
    fmt_num,
    fmt_pct,
    fmt_t,
    inventory_views,
    item_text,
    round2,
)
from zerocarbon.reports.i18n import t

DRIVER_COLUMNS = ("activity", "factor", "green_power", "certificates", "boundary")


def fmt_signed(value: Decimal) -> str:
    """A change [tCO2e] with its sign: ``+1,563.43``, ``-250.80``, ``0.00``."""
    text = fmt_t(value)
    return text if text.startswith("-") or round2(value) == 0 else f"+{text}"


def _d(value: str | None) -> Decimal:
    return Decimal(value) if value not in (None, "") else Decimal(0)


def _instrument_mwh(streams: list[dict[str, Any]], side: str, kind: str) -> Decimal:
    return sum((_d(s[side][f"{kind}_mwh"]) for s in streams if s.get(side)), Decimal(0))


def _mwh_text(value: Decimal) -> str:
    """MWh as read in a sentence: at most 2 decimals, none when whole (``8,000``, ``1,407.79``)."""
    return fmt_num(value.quantize(CENT).normalize())


def stream_rows(streams: list[dict[str, Any]], data: InventoryInput, lang: str) -> list[dict[str, Any]]:
    """One row per source stream whose figures changed, largest change first."""
    fac = facility_names(data, lang)
    rows: list[dict[str, Any]] = []
    for s in streams:
        values = {k: _d(s[k]) for k in (*DRIVER_COLUMNS, "delta")}
        if all(round2(v) == 0 for v in values.values()):
            continue
        before, after = s.get("before"), s.get("after")
        status = "" if before and after else t("drv.new" if after else "drv.ended", lang)
        item = item_text(s["item"], lang) if s["item"] else ""
        rows.append({
            "name": " · ".join(p for p in (fac.get(s["facility"], s["facility"]), category_name(s["category"], lang),
                                           item) if p),
            "facility": s["facility"], "status": status, "unit": s["unit"],
            "amount_from": _d(before["amount"]) if before else None,
            "amount_to": _d(after["amount"]) if after else None,
            "instruments": values["green_power"] + values["certificates"], **values,
        })
    return rows


def _sentence(name: str, d: Mapping[str, Any], rows: list[dict[str, Any]], pct: Decimal | None, lang: str) -> str:
    delta = _d(d["delta"])
    if round2(delta) == 0:
        return t("drv.sentence_flat", lang).format(name=name, to=fmt_t(_d(d["to"])))
    parts: list[tuple[Decimal, str]] = []
    for key in DRIVER_COLUMNS:
        value = _d(d[key])
        if round2(value) == 0:
            continue
        label = t(f"drv.{key}", lang)
        if key in ("green_power", "certificates"):
            text = t("drv.part_mwh", lang).format(
                label=label, value=fmt_signed(value),
                before=_mwh_text(_instrument_mwh(d["streams"], "before", key)),
                after=_mwh_text(_instrument_mwh(d["streams"], "after", key)))
        elif key == "boundary":
            what = ", ".join(f"{r['status']}: {r['name']}" for r in rows if r["status"])
            text = t("drv.part_boundary", lang).format(label=label, value=fmt_signed(value), what=what)
        else:
            text = t("drv.part", lang).format(label=label, value=fmt_signed(value))
        parts.append((abs(value), text))
    parts.sort(key=lambda p: -p[0])
    return t("drv.sentence", lang).format(
        name=name, verb=t("drv.fell" if delta < 0 else "drv.rose", lang), delta=fmt_t(abs(delta)),
        pct=fmt_pct(pct) if pct is not None else "—", from_=fmt_t(_d(d["from"])), to=fmt_t(_d(d["to"])),
        parts=t("drv.sep", lang).join(text for _, text in parts) or t("drv.none", lang))


def driver_sections(comparison: Mapping[str, Any] | None, year: int, data: InventoryInput,
                    lang: str) -> list[dict[str, Any]]:
    """The change of each compared total against the base year and the previous year, by driver.

    When the previous year is the base year the two are the same comparison and it is shown once.
    """
    drivers: Mapping[str, Any] = (comparison or {}).get("drivers") or {}
    base = (comparison or {}).get("base_year")
    sections: list[dict[str, Any]] = []
    seen: set[int] = set()
    for kind in ("vs_base", "yoy"):
        entry: Mapping[str, Any] = (drivers.get(kind) or {}).get(str(year)) or {}
        if not entry:
            continue
        first = next(iter(entry.values()))
        from_year = int(first["from_year"])
        if from_year in seen:
            continue
        seen.add(from_year)
        rows = []
        for key in [k for k in COMPARED if k in entry] + [k for k in entry if k not in COMPARED]:
            d = entry[key]
            try:
                name = t(f"total.{key}", lang)
            except KeyError:
                name = key
            pct = Decimal(d["pct"]) if d.get("pct") is not None else None
            streams = stream_rows(d["streams"], data, lang)
            rows.append({
                "key": key, "name": name, "from": _d(d["from"]), "to": _d(d["to"]), "delta": _d(d["delta"]),
                "pct": pct, "residual": _d(d["residual"]), "instruments": _d(d["instruments"]),
                **{k: _d(d[k]) for k in DRIVER_COLUMNS},
                "sentence": _sentence(name, d, streams, pct, lang), "streams": streams,
            })
        title = t("drv.title_kind", lang).format(year=year, base=from_year)
        if kind == "vs_base" and (drivers.get("yoy") or {}).get(str(year)) and from_year == year - 1:
            title += t("drv.also_yoy", lang).format(base=base)
        sections.append({"kind": kind, "from_year": from_year, "title": title, "rows": rows})
    return sections


# -- method regimes ----------------------------------------------------------------------------

_NUMBER = re.compile(r"\d[\d.,]*")
#: The total of each regime compared with the GB/T 32150 total (ghg-protocol: scope 1 + scope 2).
HEADLINE = {"total", "total_co2"}


def _label(prefix: str, key: str, lang: str) -> str:
    try:
        return t(f"{prefix}.{key}", lang)
    except KeyError:
        return key


def view_label(view: str, lang: str) -> str:
    return _label("view", view, lang)


def in_lang(entry: Mapping[str, Any], key: str, lang: str) -> str:
    """A text of ``regimes.yaml`` in ``lang``: ``<key>_zh`` / ``<key>_en`` where given, else ``<key>`` (written
    in English for rules and notes, in the document's own language for a clause)."""
    return str(entry.get(f"{key}_{lang}") or entry.get(key) or "")


def _document(doc: Mapping[str, Any], lang: str) -> str:
    """A cited document: number, title (as published), edition and the clause cited."""
    parts = [str(doc[k]) for k in ("number", "title") if doc.get(k)]
    if doc.get("edition") and str(doc["edition"]) not in " ".join(parts):
        parts.append(f"({doc['edition']})")
    clause = in_lang(doc, "clause", lang)
    if clause:
        parts.append(f"· {clause}")
    return " ".join(parts)


def regime_rows(inv: Inventory, lang: str) -> list[dict[str, Any]]:
    """Each regime the inventory computed: name, edition, documents, rules and totals side by side.

    ``diff`` is each figure minus the GB/T 32150 total [tCO2e]; for the GHG Protocol the comparable
    figure is scope 1 + scope 2 (location-based, and market-based).
    """
    reference = inv.totals.gbt32150_total
    rows: list[dict[str, Any]] = []
    for rid, reg in inv.regimes.items():
        totals = {k: Decimal(v) for k, v in (reg.get("totals") or {}).items()}
        figures: list[dict[str, Any]] = []
        if "scope1" in totals:
            for s2 in ("scope2_location", "scope2_market"):
                if s2 in totals:
                    value = totals["scope1"] + totals[s2]
                    figures.append({"label": _label("rt", f"scope1_{s2}", lang), "value": value,
                                    "diff": value - reference, "headline": True})
        for key, value in totals.items():
            if key.endswith("_memo") and value == 0:
                continue
            figures.append({"label": _label("rt", key, lang), "value": value,
                            "diff": value - reference if key in HEADLINE else None, "headline": key in HEADLINE})
        rows.append({
            "id": rid, "name": reg.get("name_zh") if lang == "zh" else (reg.get("name_en") or reg.get("name_zh")),
            "edition": reg.get("edition", ""), "views": [view_label(v, lang) for v in reg.get("views", [])],
            "documents": [{"text": _document(d, lang), "url": d.get("url"), "status": d.get("status", ""),
                           "note": in_lang(d, "note", lang)} for d in reg.get("documents", [])],
            "rules": [{"key": r.get("key", ""), "value": in_lang(r, "value", lang), "clause": r.get("clause") or "",
                       "status": r.get("status", ""), "note": in_lang(r, "note", lang)} for r in reg.get("rules", [])],
            "in_force": reg.get("in_force") or {}, "figures": figures,
        })
    return rows


def _group(result: LineResult, lang: str) -> tuple[str, str]:
    name = category_name(result.category, lang)
    if result.line.electricity_kind == "green_power" and result.category is Category.ELECTRICITY_PURCHASED:
        name = f"{name} · {t('rg.green_power', lang)}"
    elif result.line.item:
        name = f"{name} · {result.item_name_zh if lang == 'zh' else (result.item_name_en or result.item_name_zh)}"
    return (result.category.value + (result.line.electricity_kind or "") + (result.line.item or ""), name)


def treatment_differences(inv: Inventory, lang: str) -> list[dict[str, Any]]:
    """Where each further view differs from the GB/T 32150 view, by group of lines, with the reason.

    A group is a category (with the item, or green power apart); its rows give the two sums [tCO2e],
    the difference and the treatment the view states on its figures (their notes).
    """
    views = [v for v in inventory_views(inv) if v != "gbt32150"]
    out: list[dict[str, Any]] = []
    for view in views:
        groups: dict[str, dict[str, Any]] = {}
        for r in inv.lines:
            if r.biomass:
                continue
            ref, fig = r.figures.get("gbt32150"), r.figures.get(view)
            a = ref.emissions if ref is not None else None
            b = fig.emissions if fig is not None else None
            if a == b:
                continue
            key, name = _group(r, lang)
            g = groups.setdefault(key, {"view": view_label(view, lang), "name": name, "lines": [], "ref": ZERO,
                                        "value": ZERO, "shapes": {}})
            g["lines"].append(r.line.id)
            g["ref"] += a or ZERO
            g["value"] += b or ZERO
            note = prose(fig.note or fig.formula, lang) if fig is not None else t("rg.not_counted", lang)
            shape = _NUMBER.sub("#", note)  # notes that differ only in a line's own figures are one treatment
            if shape not in g["shapes"]:
                g["shapes"][shape] = (note, r.line.id, 0)
            first, line_id, n = g["shapes"][shape]
            g["shapes"][shape] = (first, line_id, n + 1)
        for g in groups.values():
            g["diff"] = g["value"] - g["ref"]
            g["notes"] = [note if n == 1 else t("rg.alike", lang).format(note=note, line=line_id, n=n)
                          for note, line_id, n in g.pop("shapes").values()]
            out.append(g)
    return out


def instrument_sentences(inv: Inventory, lang: str) -> list[str]:
    """Which views count green power and certificates at zero, in MWh (e.g. 8,000 MWh of certificates
    count in market-based scope 2 and the zero-carbon view only)."""
    views = inventory_views(inv)
    found = {v: instruments_in(inv, v) for v in views}
    out: list[str] = []
    for kind in ("green_power", "certificates"):
        counted = [v for v in views if found[v][f"{kind}_mwh"] != 0]
        if not counted:
            continue
        mwh = max(found[v][f"{kind}_mwh"] for v in counted)
        out.append(t(f"rg.{kind}_sentence", lang).format(
            mwh=_mwh_text(mwh), counted=", ".join(view_label(v, lang) for v in counted),
            not_counted=", ".join(view_label(v, lang) for v in views if v not in counted) or t("none", lang)))
    return out
