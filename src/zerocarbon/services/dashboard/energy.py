"""Dashboard data: energy by carrier and its flow through the hierarchy (Sankey)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from itertools import pairwise
from typing import Any

from zerocarbon.accounting.results import LineResult
from zerocarbon.energy.comprehensive import comprehensive_energy
from zerocarbon.energy.uses import line_energy_use
from zerocarbon.errors import ZerocarbonError
from zerocarbon.factors import default_library
from zerocarbon.model.inventory_input import Category
from zerocarbon.model.vocabulary import ENERGY_USES
from zerocarbon.services.dashboard._base import (
    ZERO,
    _cached,
    _facility_names,
    _periods,
    fig,
    inventory_run,
)
from zerocarbon.store.factories import factory_nodes
from zerocarbon.units import unit_label

# ----------------------------------------------------------------------------------------- energy
_CARRIER_NAMES = ENERGY_USES  # (zh, en) labels of the supply flows, from the one vocabulary


def _carrier(r: LineResult) -> str:
    cat = r.category
    if cat is Category.ELECTRICITY_PURCHASED:
        return "green_power" if r.line.electricity_kind == "green_power" else "grid_electricity"
    if cat is Category.ONSITE_RENEWABLE:
        return "onsite_renewable"
    if cat is Category.ELECTRICITY_EXPORTED:
        return "electricity_exported"
    if cat is Category.HEAT_PURCHASED:
        return "heat"
    return default_library().resolve_item(str(r.line.item))


def _carrier_name(key: str) -> tuple[str, str]:
    if key in _CARRIER_NAMES:
        return _CARRIER_NAMES[key]
    try:
        item = default_library().item(key)
        return item.name_zh, item.name_en or item.name_zh
    except (KeyError, ZerocarbonError):
        return key, key


def energy_sankey(factory_id: str, year: int, url: str | None = None) -> dict[str, Any]:
    """Comprehensive energy (GB/T 2589, electricity at its equivalent value) [tce] by carrier and month,
    and a Sankey of its flow: carriers → site → the hierarchy's nodes → facilities.

    Each inventory line that is an energy use (:func:`zerocarbon.energy.uses.line_energy_use`) is converted by
    :func:`comprehensive_energy`; a facility's value is the sum of its lines. On-site generation
    enters the site as a carrier; exported electricity leaves it; what on-site generation leaves
    on site after the export is consumed by the site as a whole (node "not attributed").
    """
    def compute() -> dict[str, Any]:
        run = inventory_run(factory_id, year, url)
        inv = run.inventory
        meta: list[tuple[LineResult, str]] = []
        uses = []
        for r in inv.lines:
            use = line_energy_use(r)
            if use is not None:
                uses.append(use)
                meta.append((r, _carrier(r)))
        if not uses:
            return {"year": year, "unit": "tce", "total_tce": fig(ZERO), "carriers": [], "periods": [],
                    "sankey": {"nodes": [], "links": []}, "coefficients": []}
        ce = comprehensive_energy(uses)
        periods = _periods(inv)
        by_carrier: dict[str, Decimal] = defaultdict(Decimal)
        by_carrier_period: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        physical: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        by_facility: dict[str, Decimal] = defaultdict(Decimal)
        unattributed = ZERO
        for (r, carrier), line in zip(meta, ce.lines, strict=True):
            by_carrier[carrier] += abs(line.tce)
            by_carrier_period[(carrier, r.line.period)] += line.tce
            physical[carrier][line.use.unit] += line.use.amount
            if carrier in ("onsite_renewable", "electricity_exported"):
                unattributed += line.tce
            else:
                by_facility[r.line.facility] += line.tce
        carriers = sorted(by_carrier, key=lambda k: -by_carrier[k])
        facility_names = _facility_names(run)
        nodes_rows = factory_nodes(factory_id, url)
        node_info = {n["code"]: n for n in nodes_rows}
        site = next((n["code"] for n in nodes_rows if n["parent"] is None and n["kind"] == "site"), None)
        site_key = f"node:{site}" if site else "node:__site__"
        labels: dict[str, tuple[str, str, str]] = {}  # key → (zh, en, kind)
        for c in carriers:
            zh, en = _carrier_name(c)
            if c != "electricity_exported":
                labels[f"carrier:{c}"] = (zh, en, "carrier")
        labels[site_key] = ((node_info[site]["name_zh"], node_info[site]["name_en"] or node_info[site]["name_zh"],
                             "site") if site else ("厂区", "Site", "site"))
        links: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for c in carriers:
            if c != "electricity_exported":
                links[(f"carrier:{c}", site_key)] += by_carrier[c]
        if by_carrier.get("electricity_exported"):
            labels["out:export"] = (*_CARRIER_NAMES["electricity_exported"], "output")
            links[(site_key, "out:export")] += by_carrier["electricity_exported"]
        for facility, tce in by_facility.items():
            if tce <= 0:
                continue
            # walk up the hierarchy from the facility's node to the site
            chain: list[str] = []
            code: str | None = facility
            seen: set[str] = set()
            while code is not None and code in node_info and code != site and code not in seen:
                seen.add(code)
                chain.append(code)
                code = node_info[code]["parent"]
            if not chain:
                chain = [facility]
            path = [site_key, *[f"node:{c}" for c in reversed(chain)]]
            for c in chain:
                if f"node:{c}" not in labels:
                    zh, en = facility_names.get(c) or (
                        (node_info[c]["name_zh"], node_info[c]["name_en"] or node_info[c]["name_zh"])
                        if c in node_info else (c, c))
                    labels[f"node:{c}"] = (zh, en, str(node_info[c]["kind"]) if c in node_info else "facility")
            for a, b in pairwise(path):
                links[(a, b)] += tce
        if unattributed > 0:
            labels["node:__unattributed__"] = ("厂区自用（未分摊到设施）", "Site-wide (not attributed)", "facility")
            links[(site_key, "node:__unattributed__")] += unattributed
        keys = list(labels)
        index = {k: i for i, k in enumerate(keys)}
        return {
            "year": year, "unit": "tce", "electricity_basis": ce.electricity_basis,
            "total_tce": fig(ce.total_tce, 3),
            "carriers": [{"key": c, "name_zh": _carrier_name(c)[0], "name_en": _carrier_name(c)[1],
                          "tce": fig(by_carrier[c] * (-1 if c == "electricity_exported" else 1), 3),
                          "physical": [{"unit": u, "unit_zh": unit_label(u, "zh"), "unit_en": unit_label(u, "en"),
                                        "amount": fig(a, 3)} for u, a in physical[c].items()],
                          "values": [float(by_carrier_period.get((c, p), ZERO)) for p in periods]}
                         for c in carriers],
            "periods": periods,
            "facilities": [{"key": f, "name_zh": facility_names.get(f, (f, f))[0],
                            "name_en": facility_names.get(f, (f, f))[1], "tce": fig(v, 3)}
                           for f, v in sorted(by_facility.items(), key=lambda kv: -kv[1])],
            "unattributed_tce": fig(unattributed, 3),
            "sankey": {"nodes": [{"key": k, "name_zh": labels[k][0], "name_en": labels[k][1], "kind": labels[k][2]}
                                 for k in keys],
                       "links": [{"source": index[a], "target": index[b], "value": float(v)}
                                 for (a, b), v in links.items() if v > 0]},
            "coefficients": [{**c.to_trace(), "unit_zh": unit_label(str(c.to_trace()["unit"]), "zh"),
                              "unit_en": unit_label(str(c.to_trace()["unit"]), "en")} for c in ce.coefficients],
            "formula": "E = Σ Eᵢ × kᵢ [tce] (GB/T 2589)",
        }
    return _cached("energy", url, factory_id, year, compute)


