"""The verifier's parts of the report: entity block, facilities with sources and meters, monitoring, register.

Inputs are the factory's input, the computed inventory and the meter register as plain data (the
``meters`` of the metering findings, :func:`zerocarbon.services.reports.metering.metering_findings`:
one dict per meter with the attributes of :data:`zerocarbon.model.entities.METER_REGISTER`, dates as
ISO text). No store, no service: the report layer stays a renderer.

A meter's calibration is checked against the end of the reporting period: it is *overdue* when its
next verification is due on or before the period's last day, *missing* when the register gives no
date or no accuracy class. Lines labelled "calibrated meter" (data-quality tier ``metered``) that rest
on such a meter, or that name no meter, are listed in the warnings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from zerocarbon.accounting.results import Inventory
from zerocarbon.model.inventory_input import InventoryInput
from zerocarbon.model.period import Period
from zerocarbon.reports.content import category_name, facility_names, item_name, quality_name, system_name
from zerocarbon.reports.i18n import t
from zerocarbon.reports.metering import carrier_name
from zerocarbon.reports.svgcharts import SVG_FONT
from zerocarbon.units import unit_label

#: The data-quality tier that claims a calibrated meter (``factors/data/data_quality.csv``).
METERED_TIER = "metered"
#: At most this many line ids are named in one warning (the rest are counted).
MAX_NAMED = 12


def period_bounds(inv: Inventory) -> tuple[date, date]:
    """First and last day of the reported period (a month when the run is a month's, else the year)."""
    period = Period.parse(str(inv.settings.get("period") or inv.year))
    if period.month is None:
        return date(period.year, 1, 1), date(period.year, 12, 31)
    start = date(period.year, period.month, 1)
    following = date(period.year + (period.month == 12), period.month % 12 + 1, 1)
    return start, following - timedelta(days=1)


def _day(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def entity_rows(data: InventoryInput, inv: Inventory, lang: str, today: date) -> list[tuple[str, str]]:
    """The entity block: (label, value) rows; an empty field reads "not given"."""
    f = data.factory
    start, end = period_bounds(inv)

    def given(value: str) -> str:
        return value or t("ent.not_given", lang)

    return [
        (t("f.name", lang), f.name_zh + (f" ({f.name_en})" if lang == "en" and f.name_en else "")),
        (t("f.credit_code", lang), given(f.credit_code)),
        (t("f.industry", lang), given(f.industry)),
        (t("f.address", lang), given(f.address)),
        (t("ent.legal_rep", lang), given(f.legal_representative)),
        (t("ent.contact", lang), given(f.contact_person)),
        (t("ent.phone", lang), given(f.contact_phone)),
        (t("ent.email", lang), given(f.contact_email)),
        (t("ent.period", lang), t("ent.period_fmt", lang).format(start=start.isoformat(), end=end.isoformat())),
        (t("ent.report_date", lang), (f.report_date or today).isoformat()),
        (t("ent.preparer", lang), given(f.preparer)),
    ]


def declaration(inv: Inventory, standard: str, lang: str) -> str:
    """The declaration paragraph above the signature and seal boxes."""
    start, end = period_bounds(inv)
    period = t("ent.period_fmt", lang).format(start=start.isoformat(), end=end.isoformat())
    return t("ent.declaration_text", lang).format(period=period, standard=standard)


# ------------------------------------------------------------------------------------ meter register
@dataclass
class MeterEntry:
    """One meter of the register, with its calibration status at the end of the period."""

    code: str
    meter: Mapping[str, Any]
    status: str                      # ok | overdue | missing | virtual | unknown
    lines: list[str] = field(default_factory=list)
    metered_lines: list[str] = field(default_factory=list)


def calibration_status(meter: Mapping[str, Any] | None, end: date) -> str:
    """``ok``, ``overdue`` (due on or before ``end``), ``missing`` (no date or class), ``virtual`` or ``unknown``."""
    if meter is None:
        return "unknown"
    if meter.get("is_virtual"):
        return "virtual"
    due = _day(meter.get("calibration_due"))
    if _day(meter.get("calibrated_on")) is None or due is None or not meter.get("accuracy_class"):
        return "missing"
    return "overdue" if due <= end else "ok"


def register_entries(inv: Inventory, meters: Sequence[Mapping[str, Any]] | None) -> list[MeterEntry]:
    """Every meter of the register and every meter a line names, with its status and the lines it feeds."""
    _, end = period_bounds(inv)
    known = {str(m["code"]): m for m in meters or ()}
    fed: dict[str, list[str]] = defaultdict(list)
    fed_metered: dict[str, list[str]] = defaultdict(list)
    for r in inv.lines:
        for code in r.line.meters:
            fed[code].append(r.line.id)
            if r.line.data_quality == METERED_TIER:
                fed_metered[code].append(r.line.id)
    codes = list(known) + sorted(set(fed) - set(known))
    return [MeterEntry(code, known.get(code, {"code": code}), calibration_status(known.get(code), end),
                       fed.get(code, []), fed_metered.get(code, [])) for code in codes]


def _named(ids: list[str]) -> str:
    shown = ", ".join(ids[:MAX_NAMED])
    return shown + (f" … (+{len(ids) - MAX_NAMED})" if len(ids) > MAX_NAMED else "")


def register_warnings(inv: Inventory, entries: list[MeterEntry], lang: str) -> list[str]:
    """Lines labelled "calibrated meter" resting on a meter whose calibration is overdue, missing or unknown."""
    _, end = period_bounds(inv)
    tier = quality_name(METERED_TIER, lang)
    out = []
    for e in entries:
        if e.metered_lines and e.status in ("overdue", "missing", "unknown"):
            out.append(t(f"reg.warn.{e.status}", lang).format(
                meter=e.code, due=e.meter.get("calibration_due") or "—", end=end.isoformat(), tier=tier,
                lines=_named(e.metered_lines)))
    unnamed = [r.line.id for r in inv.lines if r.line.data_quality == METERED_TIER and not r.line.meters]
    if unnamed:
        out.append(t("reg.warn.unnamed", lang).format(n=len(unnamed), tier=tier, lines=_named(unnamed)))
    return out


def register_rows(entries: list[MeterEntry], facilities: Mapping[str, str], lang: str) -> list[dict[str, Any]]:
    """Display rows of the register table."""
    rows = []
    for e in entries:
        m = e.meter
        node = str(m.get("node") or "")
        rows.append({
            "code": e.code, "name": m.get("name") or "", "node": facilities.get(node, node),
            "carrier": carrier_name(str(m["carrier"]), lang) if m.get("carrier") else "—",
            "model": m.get("model") or "—", "serial": m.get("serial_no") or "—",
            "accuracy": m.get("accuracy_class") or "—", "calibrated": m.get("calibrated_on") or "—",
            "due": m.get("calibration_due") or "—", "certificate": m.get("calibration_certificate") or "—",
            "status": e.status, "flagged": e.status in ("overdue", "missing", "unknown") and bool(e.metered_lines),
            "lines": len(e.lines), "metered_lines": len(e.metered_lines),
        })
    return rows


# ------------------------------------------------------------------------------ facilities and sources
def _source_name(result: Any, lang: str) -> str:
    """``category · item``, or the category alone when the item is named like it (on-site generation …)."""
    category, item = category_name(result.category, lang), item_name(result, lang)
    return category if item.lower() == category.lower() else f"{category} · {item}"


def facility_rows(data: InventoryInput, inv: Inventory, meters: Sequence[Mapping[str, Any]] | None,
                  tco2e: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    """Each facility with its emission sources (category · item) and the meters measuring it.

    A meter belongs to the facility its node is, or whose lines it feeds; meters of neither (the
    site's, virtual totals) are listed in a last row for the site.
    """
    names = facility_names(data, lang)
    sources: dict[str, dict[str, None]] = defaultdict(dict)
    by_meter: dict[str, set[str]] = defaultdict(set)
    for r in inv.lines:
        sources[r.line.facility][_source_name(r, lang)] = None
        for code in r.line.meters:
            by_meter[code].add(r.line.facility)
    placed: dict[str, list[str]] = defaultdict(list)
    for m in meters or ():
        code = str(m["code"])
        homes = ({str(m["node"])} if m.get("node") in names else set()) | by_meter.get(code, set())
        for home in sorted(homes) or ["__site__"]:
            placed[home].append(code)
    rows = [{"id": f.id, "name": names[f.id], "kind": system_name(f.kind, lang), "tco2e": tco2e.get(f.id),
             "sources": list(sources.get(f.id, {})), "meters": placed.get(f.id, [])}
            for f in data.factory.facilities]
    if placed.get("__site__"):
        rows.append({"id": "", "name": t("bnd.site", lang), "kind": "", "tco2e": None, "sources": [],
                     "meters": placed["__site__"]})
    return rows


def site_svg(factory_name: str, facilities: list[dict[str, Any]]) -> str:
    """An inline SVG tree: factory → facilities → meters. Text is escaped here (the caller marks it safe)."""
    from markupsafe import escape

    row_h, pad = 26, 8
    heights = [max(1, len(f["meters"])) for f in facilities]
    total = sum(heights) or 1
    height = total * row_h + 2 * pad
    x_root, x_fac, x_met, w_root, w_fac, w_met = 4, 200, 470, 170, 240, 150
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="site-svg" viewBox="0 0 {x_met + w_met + 4} {height}" '
             f'width="100%" role="img" aria-label="{escape(factory_name)}" font-size="12" font-family="{SVG_FONT}">']
    root_y = height / 2
    parts.append(f'<rect x="{x_root}" y="{root_y - 14}" width="{w_root}" height="28" rx="4" fill="#1b6b50"/>'
                 f'<text x="{x_root + 8}" y="{root_y + 4}" fill="#fff">{escape(_clip(factory_name, 13))}</text>')
    y = pad
    for fac, h in zip(facilities, heights, strict=True):
        cy = y + h * row_h / 2
        parts.append(f'<path d="M{x_root + w_root} {root_y} C{x_fac - 20} {root_y} {x_root + w_root + 10} {cy} '
                     f'{x_fac} {cy}" fill="none" stroke="#9aa7a2"/>')
        parts.append(f'<rect x="{x_fac}" y="{cy - 11}" width="{w_fac}" height="22" rx="3" fill="#e3f1eb" '
                     f'stroke="#1b6b50"/><text x="{x_fac + 6}" y="{cy + 4}">'
                     f'{escape(_clip((fac["id"] + " " if fac["id"] else "") + fac["name"], 19))}</text>')
        for i, code in enumerate(fac["meters"]):
            my = y + i * row_h + row_h / 2
            parts.append(f'<path d="M{x_fac + w_fac} {cy} L{x_met} {my}" stroke="#9aa7a2" fill="none"/>'
                         f'<rect x="{x_met}" y="{my - 10}" width="{w_met}" height="20" rx="10" fill="#fff" '
                         f'stroke="#3a6ea5"/><text x="{x_met + 10}" y="{my + 4}" fill="#1f5f99">'
                         f'{escape(code)}</text>')
        y += h * row_h
    parts.append("</svg>")
    return "".join(parts)


def _clip(text: str, width: int) -> str:
    """At most ``width`` characters (a CJK character counts as one; the box is sized for it)."""
    return text if len(text) <= width else text[: width - 1] + "…"


# ---------------------------------------------------------------------------------- monitoring plan
def monitoring_rows(data: InventoryInput, inv: Inventory, meters: Sequence[Mapping[str, Any]] | None,
                    entries: list[MeterEntry], lang: str) -> list[dict[str, Any]]:
    """One row per emission source (facility, category, item): what, how, how often, evidence, calibration."""
    names = facility_names(data, lang)
    known = {str(m["code"]): m for m in meters or ()}
    status = {e.code: e.status for e in entries}
    groups: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for r in inv.lines:
        groups[(r.line.facility, str(r.category), item_name(r, lang))].append(r)
    rows = []
    for (facility, _, item), results in groups.items():
        lines = [r.line for r in results]
        codes = sorted({c for ln in lines for c in ln.meters})
        tiers = sorted({quality_name(ln.data_quality, lang) for ln in lines})
        how = "; ".join(([t("mon.how.meter", lang).format(codes=", ".join(codes))] if codes else []) + tiers)
        periods = {ln.period for ln in lines}
        months = [p for p in periods if len(p) == 7]
        seconds = sorted({int(known[c]["interval_seconds"]) for c in codes if known.get(c, {}).get("interval_seconds")})
        if seconds:
            freq = t("mon.freq.interval", lang).format(minutes="/".join(str(s // 60) for s in seconds))
        elif months and len(months) == len(periods):
            freq = t("mon.freq.monthly", lang).format(n=len(months))
        else:
            freq = t("mon.freq.annual" if not months else "mon.freq.mixed", lang)
        evidence = sorted({ln.source for ln in lines if ln.source and not ln.meters}
                          | {ln.evidence for ln in lines if ln.evidence}
                          | {t("mon.beside", lang).format(source=ln.declared_source) for ln in lines
                             if ln.declared_source})
        units = sorted({unit_label(ln.unit, lang) for ln in lines})
        rows.append({
            "facility": names.get(facility, facility), "source": _source_name(results[0], lang),
            "what": f"{item} [{', '.join(units)}]", "how": how, "frequency": freq, "evidence": evidence,
            "calibration": [(c, status.get(c, "unknown"), (known.get(c) or {}).get("accuracy_class")) for c in codes],
            "lines": len(lines),
        })
    return rows
