"""Dashboard data: source decarbonisation (源头减碳) and product footprints (产品碳足迹) of a factory.

* **Planning**: when the factory states planning assumptions (``<factory id>.planning.yaml`` beside its
  declared file, :mod:`zerocarbon.services.dashboard.files`), the plan is
  :func:`zerocarbon.services.planning.runs.make_plan` on the cached year run (the inventory every page shows)
  with the metered hours shaping the load — what :func:`~zerocarbon.services.planning.runs.plan_factory`
  does, on the same year run as the other pages rather than a second inventory without the declared file.
  The equipment register beside it (``<factory id>.equipment.yaml``) adds the diagnosis measures.
* **Footprints**: the PACT v3 footprints the factory has published on its host
  (:func:`zerocarbon.services.footprint.pact_host.footprints`, ``zerocarbon footprint publish``), and the
  suppliers' footprints it has received, read with the one PACT mapper
  (:func:`zerocarbon.footprint.pact.import_document`).

Both are plain selections of the services' results, labelled and rounded for display.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from zerocarbon.footprint.pact import import_document
from zerocarbon.services.dashboard._base import _cached, _factory_row, check_year, fig, inventory_run
from zerocarbon.services.dashboard.files import companion_file, files_key
from zerocarbon.services.footprint import pact_host

PLAN_FILES = ("planning", "equipment")
#: PACT v3 ``declaredUnitOfMeasurement`` values, labelled.
PACT_UNITS = {"kilogram": ("千克", "kg"), "liter": ("升", "litre"), "cubic meter": ("立方米", "m³"),
              "kilowatt hour": ("千瓦时", "kWh"), "megajoule": ("兆焦", "MJ"), "ton kilometer": ("吨公里", "t·km"),
              "square meter": ("平方米", "m²"), "piece": ("件", "piece")}
PACT_STATUS = {"Active": ("有效", "active"), "Deprecated": ("已被替代", "deprecated")}


def _num(x: Any, places: int = 2) -> dict[str, str | None]:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return fig(None)
    return fig(Decimal(repr(float(x))) if isinstance(x, float) else Decimal(str(x)), places)


def _title(m: dict[str, Any]) -> dict[str, str]:
    return {"zh": str(m.get("title_zh") or m.get("id")), "en": str(m.get("title_en") or m.get("id"))}


def _scope(im: dict[str, Any]) -> dict[str, str]:
    """The intensity's scope note with, as the report gives them, why the inventory's part is missing and the
    view (the 910号 indicator is the zero_carbon view's)."""
    acc = im.get("baseline_account") or {}
    return {lang: " ".join(str(x) for x in (im.get(f"note_{lang}"), acc.get(f"reason_{lang}"),
                                            acc.get(f"view_note_{lang}")) if x) for lang in ("zh", "en")}


def plan_view(plan: dict[str, Any], files: dict[str, str | None]) -> dict[str, Any]:
    """The page's selection of a plan (:func:`make_plan`'s dict)."""
    a = plan["assumptions"]
    sizing = plan["sizing"]
    return {
        "available": True, "files": files, "year": plan["year"], "view": plan["view"],
        "illustrative": a["illustrative"], "start_year": a["start_year"], "target_year": a["target_year"],
        "discount_rate_pct": _num(100 * a["discount_rate"]["value"], 1),
        "weather_synthetic": plan["weather"]["synthetic"],
        "pv_yield": _num(plan["weather"]["pv_specific_yield_kwh_per_kwp"], 0),
        "baseline_t": _num(plan["baseline"]["emissions_t"]), "residual_t": _num(plan["residual_at_target_t"]),
        "steps": [{"id": s["id"], "kind": s["kind"], "title": _title(s), "year": s["year"],
                   "abatement_t": _num(s["abatement_t"]), "annual_cost": _num(s["annual_cost"], 0),
                   "capex": _num(s["capex"], 0), "mac": _num(s["mac"], 1),
                   "mac_value": None if s["mac"] is None or not math.isfinite(s["mac"]) else s["mac"],
                   "from_t": s["mac_from_t"], "to_t": s["mac_to_t"]} for s in plan["steps"]],
        "not_assessed": [{"id": m["id"], "title": _title(m),
                          "reason": {"zh": str(m.get("reason_zh") or ""), "en": str(m.get("reason_en") or "")}}
                         for m in plan["not_assessed"]],
        "roadmap": [{"year": r["year"], "measures": list(r["measures"]), "abatement_t": _num(r["abatement_t"]),
                     "residual_t": _num(r["residual_t"]), "residual_value": r["residual_t"],
                     "annual_cost": _num(r["annual_cost"], 0)} for r in plan["roadmap"]],
        "sizing": {"status": sizing["status"],
                   "capacities": {k: _num(v, 1) for k, v in (sizing.get("new_capacities") or {}).items()},
                   "annual_cost": _num(sizing.get("annual_capacity_cost"), 0),
                   "message": {"zh": sizing.get("message_zh", ""), "en": sizing.get("message_en", "")},
                   "intensity_target": _num((sizing.get("targets") or {}).get("intensity_tco2_per_tce"), 4),
                   "energy_tce": _num(sizing.get("energy_tce"), 1),
                   "intensity": _num(sizing.get("zero_carbon_intensity"), 4),
                   "energy_basis": (sizing.get("energy_basis") or {}).get("description"),
                   # whose intensity: the factory's or the modelled flows' only (renewables.intensity.target_trace)
                   "intensity_scope": _scope(im) if (im := sizing.get("intensity_method")) else None},
    }


def factory_plan(factory_id: str, year: int, url: str | None = None) -> dict[str, Any]:
    """The factory's plan for ``year`` (cached per store version and file), or ``available: false`` with the
    file name it would read."""
    check_year(factory_id, year, url)
    assumptions = companion_file(factory_id, "planning")
    if assumptions is None:
        return {"available": False, "expected_file": f"{factory_id}.planning.yaml", "year": year}

    def compute() -> dict[str, Any]:
        from zerocarbon.services.efficiency.runs import diagnose_run, load_register
        from zerocarbon.services.planning.assumptions import load_assumptions
        from zerocarbon.services.planning.load import metered_hourly_kw
        from zerocarbon.services.planning.runs import make_plan

        run = inventory_run(factory_id, year, url)
        register_path = companion_file(factory_id, "equipment")
        register = load_register(register_path) if register_path else None
        plan = make_plan(run, load_assumptions(assumptions), register=register,
                         diagnosis=diagnose_run(register, run) if register else None,
                         hourly_kw=metered_hourly_kw(factory_id, year, url))
        names = {"planning": assumptions.name, "equipment": register_path.name if register_path else None}
        return plan_view(plan, names)

    return _cached("plan", url, factory_id, year, compute, files_key(factory_id, PLAN_FILES))


def _footprint(doc: dict[str, Any]) -> dict[str, Any]:
    fp = import_document(doc)
    unit = PACT_UNITS.get(fp.declared_unit)
    status = PACT_STATUS.get(fp.status, (fp.status, fp.status))
    return {
        "id": fp.id, "product": fp.product_name, "description": fp.product_description,
        "product_ids": list(fp.product_ids), "company": fp.company_name, "created": fp.created[:10],
        "status": fp.status, "status_label": {"zh": status[0], "en": status[1]},
        "pcf": fig(fp.pcf_excluding_biogenic_uptake, 4), "pcf_including": fig(fp.pcf_including_biogenic_uptake, 4),
        "declared_unit": fp.declared_unit, "declared_amount": fig(fp.declared_unit_amount, 3),
        "unit_label": {"zh": unit[0], "en": unit[1]} if unit else None,
        "period": [fp.reference_period_start[:10], fp.reference_period_end[:10]],
        "primary_data_share": fig(fp.primary_data_share, 1), "standards": list(fp.cross_sectoral_standards),
    }


def footprint_list(factory_id: str, url: str | None = None) -> dict[str, Any]:
    """The factory's published PACT footprints (a replaced one marked deprecated) and its suppliers' ones."""
    _factory_row(factory_id, url)
    return {"factory": factory_id,
            "published": [_footprint(d) for d in pact_host.footprints(factory_id, "published", url=url)],
            "suppliers": [_footprint(d) for d in pact_host.footprints(factory_id, "supplier", url=url)]}
