"""The EU Battery Regulation declaration (Regulation (EU) 2023/1542 Art. 7(1)) of a study's batteries.

A product of the study whose ``battery`` block has an ``eu`` block gets a declaration
(:func:`zerocarbon.footprint.eu_battery.eu_declare`) built from the study's own results: the four
stages of Annex II point 4 from the study's stages (raw materials, production, distribution, end of
life), the study's method choices, and the functional unit either stated (``total_energy_kwh`` with
``total_energy_basis``) or from the draft delegated act's formula (``vehicle_category``,
``usable_energy_kwh``, ``service_life_years``; :func:`zerocarbon.footprint.battery.eu_draft_total_energy`).

The ``eu`` block (docs/footprints.md): ``category`` (EV, LMT, industrial, industrial-external-storage),
``manufacturer_address``, ``plant``, ``plant_address``, optional ``manufacturer`` (default: the
battery's, else the study's company), ``declaration_of_conformity_id``, ``study_url``, ``declared_on``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from zerocarbon.errors import InputError
from zerocarbon.footprint.battery import EU_DRAFT_FEQC_PER_YEAR, eu_draft_total_energy
from zerocarbon.footprint.eu_battery import EU_DRAFT_ACT, EuBatteryDeclaration, eu_declare
from zerocarbon.services.footprint.exchange import decimal
from zerocarbon.services.footprint.run import ProductResult, StudyResult

#: EU stage (Annex II point 4) ← study stage (GB/T 24067-2024 stages of services/footprint/records.py).
EU_FROM_STUDY = {"raw_material": "raw_materials", "main_production": "production", "distribution": "distribution",
                 "end_of_life": "end_of_life"}


def _dec(block: Mapping[str, Any], key: str) -> Decimal:
    try:
        return Decimal(str(block[key]))
    except (InvalidOperation, ValueError) as exc:
        raise InputError(f"{key} 不是数字：{block[key]!r}", f"{key} is not a number: {block[key]!r}", field=key,
                         expected="a number") from exc


def _total_energy(eu: Mapping[str, Any]) -> tuple[Decimal, str, dict[str, str] | None]:
    """(total energy [kWh], its basis, the draft formula's inputs when it gave the energy)."""
    if eu.get("total_energy_kwh") is not None:
        basis = str(eu.get("total_energy_basis") or "").strip()
        if not basis:
            raise InputError("给出了全寿命总能量，但未说明依据", "total_energy_kwh is given without total_energy_basis",
                             field="total_energy_basis", expected="how the total energy was obtained")
        return _dec(eu, "total_energy_kwh"), basis, None
    need = [k for k in ("vehicle_category", "usable_energy_kwh", "service_life_years") if eu.get(k) is None]
    if need:
        raise InputError(f"须给出 total_energy_kwh（及依据），或草案公式所需的 {need}",
                         f"give total_energy_kwh (with its basis), or {need} for the draft's formula",
                         field=need[0], expected="total_energy_kwh, or vehicle_category + usable_energy_kwh + "
                                                 "service_life_years")
    usable, years, cat = _dec(eu, "usable_energy_kwh"), _dec(eu, "service_life_years"), str(eu["vehicle_category"])
    energy = eu_draft_total_energy(usable, cat, years)
    formula = {"usable_energy_kWh": str(usable), "vehicle_category": cat,
               "feqc_per_year": str(EU_DRAFT_FEQC_PER_YEAR[cat]), "service_life_years": str(years)}
    basis = f"{EU_DRAFT_ACT}: usable energy {usable} kWh × FEqC/year ({cat}) × {years} a = {energy} kWh"
    return energy, basis, formula


def _warnings(result: StudyResult, product: ProductResult, from_draft: bool) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    s, e = result.study, result.gate.electricity
    if s.synthetic:
        out.append(("合成示例数据：不得用于任何申报。", "Synthetic sample data: not for any real declaration."))
    if e["rule"] == "contractual" and Decimal(str(e["covered_mwh"])) > 0:
        out.append((f"本研究的电力规则允许合同工具（绿电合同、绿证）降低足迹（覆盖 {e['covered_mwh']} MWh）；"
                    "按授权法案草案，购电协议和来源担保不得降低足迹，本值未按草案重算。",
                    f"The study's electricity rule let contractual instruments lower the footprint "
                    f"({e['covered_mwh']} MWh covered); under the draft delegated act PPAs and guarantees of "
                    "origin do not, and this value was not recomputed that way."))
    use = product.stages.get("use")
    if use:
        out.append((f"使用阶段（{use:,.2f} kgCO2e/单位）不属于第 7(1)(e) 条所列阶段，未计入。",
                    f"The use stage ({use:,.2f} kgCO2e per unit) is not one of the stages of Art. 7(1)(e) and is "
                    "not counted."))
    if from_draft:
        out.append(("全寿命总能量按授权法案草案的公式计算（草案未确认通过）。",
                    "The total energy over the service life follows the draft delegated act's formula (adoption "
                    "unverified)."))
    return tuple(out)


def _method(result: StudyResult, product: ProductResult) -> dict[str, str]:
    s, e, a = result.study, result.gate.electricity, result.gate.allocation
    return {"study": s.id, "standard": s.standard, "gwp": s.gwp, "boundary": s.boundary,
            "allocation": str(a["basis"]), "electricity_rule": str(e["rule"]),
            "electricity_factor": f"{e['factor_tco2e_per_mwh']} kgCO2e/kWh ({e['factor_id']}, {e['data_year']})",
            "pact_id": product.pact.id}


def eu_declaration(result: StudyResult, product: ProductResult) -> EuBatteryDeclaration | None:
    """The Article 7(1) declaration of ``product``, or None when its battery block has no ``eu`` block."""
    item = product.item
    battery = item.battery or {}
    eu = battery.get("eu")
    if eu is None:
        return None
    s = result.study
    where = f"products.{item.id}.battery.eu"
    try:
        if not isinstance(eu, Mapping):
            raise InputError("eu 须为键值块", "eu must be a mapping", expected="category, plant, plant_address …")
        missing = [st for st in EU_FROM_STUDY.values() if st not in s.stages]
        if missing:
            raise InputError(f"欧盟声明需要四个阶段，研究边界缺少 {missing}",
                             f"the EU declaration needs the four stages; the boundary lacks {missing}",
                             field="stages", expected=", ".join(EU_FROM_STUDY.values()))
        energy, basis, formula = _total_energy(eu)
        on = eu.get("declared_on") or battery.get("declared_on")
        return eu_declare(
            manufacturer=str(eu.get("manufacturer") or battery.get("manufacturer") or s.company_name),
            manufacturer_address=str(eu.get("manufacturer_address") or ""), model=str(battery.get("model") or ""),
            plant=str(eu.get("plant") or ""), plant_address=str(eu.get("plant_address") or ""),
            category=str(eu.get("category") or ""), capacity_kwh=_dec(battery, "capacity_kwh"),
            stages={k: decimal(product.stages[st], 6) for k, st in EU_FROM_STUDY.items()},
            total_energy_kwh=energy, total_energy_basis=basis,
            declared_on=date.fromisoformat(str(on)) if on else date.today(),
            declaration_of_conformity_id=eu.get("declaration_of_conformity_id"), study_url=eu.get("study_url"),
            method=_method(result, product), warnings=_warnings(result, product, formula is not None),
            energy_formula=formula)
    except InputError as exc:
        located = replace(exc, field=f"{where}.{exc.field}" if exc.field else where)
        raise located.with_location(file=str(s.path), row=item.line) from exc


def eu_declarations(result: StudyResult) -> dict[str, EuBatteryDeclaration]:
    """Product id → its EU declaration, for every product of the study that has one."""
    out = {}
    for p in result.products:
        d = eu_declaration(result, p)
        if d is not None:
            out[p.item.id] = d
    return out
