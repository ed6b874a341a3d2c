"""Unit-product energy against the quota grades, energy per 万元 of value added, and the energy balance.

Inputs are the factory's computed inventory (its energy uses, ``zerocarbon.energy.uses``, valued by
GB/T 2589, ``zerocarbon.energy.comprehensive``), its production, and the register's quota rows and
conversion units. The energy of a product is allocated by the one rule
(``zerocarbon.footprint.allocation``), as for the energy per product of the inventory report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zerocarbon.accounting.results import Inventory
from zerocarbon.energy.balance import Conversion, EnergyBalance, SupplyLine, energy_balance, transformer_loss_kwh
from zerocarbon.energy.comprehensive import comprehensive_energy
from zerocarbon.energy.equipment import Equipment
from zerocarbon.energy.levels import LevelPosition, levels_for, no_levels_text, position
from zerocarbon.energy.quota import BenchmarkLevels, QuotaVerdict, evaluate
from zerocarbon.energy.reference import load_quota_standard
from zerocarbon.energy.register import ConversionRow, QuotaRow
from zerocarbon.energy.uses import line_energy_use
from zerocarbon.errors import ZerocarbonError
from zerocarbon.factors import FactorLibrary
from zerocarbon.footprint.allocation import allocate, product_output
from zerocarbon.model.inventory_input import InventoryInput

THOUSAND = Decimal(1000)


@dataclass(frozen=True)
class IndicatorResult:
    """One quota row graded, or the reason it could not be; with its place between the benchmark and baseline
    levels (``position``, :func:`zerocarbon.energy.levels.position`) when the row has levels."""

    row: QuotaRow
    verdict: QuotaVerdict | None
    value_source: str
    reason_zh: str = ""
    reason_en: str = ""
    position: LevelPosition | None = None

    def to_dict(self) -> dict[str, Any]:
        v = self.verdict
        out: dict[str, Any] = {"product": self.row.product, "standard": self.row.standard,
                               "indicator": self.row.indicator, "value_source": self.value_source,
                               "reason_zh": self.reason_zh, "reason_en": self.reason_en}
        if v is not None:
            ind = v.indicator
            out.update({
                "name_zh": ind.name_zh, "name_en": ind.name_en, "unit": ind.unit, "value": str(v.value),
                "limits": {str(g): str(v.limits[g]) if g in v.limits else "—" for g in (1, 2, 3)}, "grade": v.grade,
                "verdict_zh": _with_document(v.verdict_zh, v), "verdict_en": _with_document(v.verdict_en, v, "en"),
                "missing_grades": list(v.missing_grades), "missing_note_zh": v.missing_note_zh,
                "missing_note_en": v.missing_note_en,
                "gap_to_grade1": None if v.gap_to_grade1 is None else str(v.gap_to_grade1),
                "gap_to_limit": str(v.gap_to_limit),
                "gap_to_benchmark": None if v.gap_to_benchmark is None else str(v.gap_to_benchmark),
                "gap_to_grade1_tce": None if v.gap_to_grade1_tce is None else str(v.gap_to_grade1_tce),
                "gap_to_benchmark_tce": None if v.gap_to_benchmark_tce is None else str(v.gap_to_benchmark_tce),
                "source": f"{ind.standard} {ind.clause} {ind.table}; {ind.source}", "status": ind.status,
                "corrections": [{"id": c.id, "clause": c.clause, "inputs": {k: str(x) for k, x in c.inputs.items()}}
                                for c in v.corrections],
                "levels_source": v.levels.document if v.levels is not None else self.row.levels_source,
                "levels_status": v.levels.status if v.levels is not None else None,
                "benchmark": None if v.levels is None else str(v.levels.benchmark),
                "baseline": None if v.levels is None else str(v.levels.baseline),
                "levels_origin": None if v.levels is None else v.levels.origin,
                # where the value sits between the benchmark and the baseline, or why it is not placed
                "position": None if self.position is None else self.position.to_dict(),
                "position_zh": self.position.text("zh") if self.position is not None else no_levels_text("zh"),
                "position_en": self.position.text("en") if self.position is not None else no_levels_text("en"),
            })
        return out


def _with_document(verdict: str, v: QuotaVerdict, lang: str = "zh") -> str:
    """达到标杆 states the document that sets the benchmark: ``达到标杆（《…》（发改产业〔2023〕723号） …）``; in
    English ``benchmark (…)`` with the document's English text when there is one (ASCII brackets: English text).

    The document is ``BenchmarkLevels.document`` (``document_en``) up to its first ``；`` (``; ``) (where it was read
    follows in ``levels_source``).
    """
    if v.levels is None or v.verdict_en != "benchmark":
        return verdict
    if lang == "en":
        return f"{verdict} ({(v.levels.document_en or v.levels.document).split('；', 1)[0].split('; ', 1)[0]})"
    return f"{verdict}（{v.levels.document.split('；', 1)[0]}）"


def _product_tce(data: InventoryInput, inv: Inventory) -> dict[str, tuple[Decimal, Decimal, str]]:
    """Product id → (energy [tce], output [product unit], unit), allocated by the one rule."""
    pairs = [(r.line.facility, use) for r in inv.lines if (use := line_energy_use(r)) is not None]
    if not pairs or not data.factory.products:
        return {}
    lines = comprehensive_energy([u for _, u in pairs]).lines
    period = str(inv.settings.get("period", inv.year))
    out = {}
    for a in allocate(data.factory.products, ((f, ln.tce) for (f, _), ln in zip(pairs, lines, strict=True))):
        out[a.product.id] = (a.amount, product_output(data.production, a.product, period), a.product.unit)
    return out


def grade_indicators(rows: Sequence[QuotaRow], data: InventoryInput | None, inv: Inventory | None,
                     kgce_per_kwh: Decimal) -> list[IndicatorResult]:
    """Grade each quota row (the entered value, or the product's allocated energy per tonne) and place it between its
    benchmark and baseline levels: the factory's own when the row gives them, else the shipped 2023 row mapped to the
    indicator (:func:`zerocarbon.energy.levels.position`); no levels, no position."""
    per_product = _product_tce(data, inv) if data is not None and inv is not None else {}
    out: list[IndicatorResult] = []
    for row in rows:
        try:
            indicator = load_quota_standard(row.standard).indicator(row.indicator)
        except ZerocarbonError as exc:
            out.append(IndicatorResult(row, None, "", exc.message("zh"), exc.message("en")))
            continue
        value, source, production = row.value, "entered", row.production_t
        if value is None:
            got = per_product.get(row.product)
            if got is None or not got[1]:
                out.append(IndicatorResult(row, None, "", f"清单中没有产品 {row.product} 的能耗与产量，请填写 value",
                                           f"no energy and production of product {row.product} in the inventory: "
                                           "enter the value"))
                continue
            tce, output, unit = got
            if unit != "t" or indicator.unit != "kgce/t":
                out.append(IndicatorResult(row, None, "", f"产品单位 {unit} 与指标单位 {indicator.unit} 不能由综合能耗"
                                                          "换算，请按标准口径填写 value",
                                           f"product unit {unit} and indicator unit {indicator.unit}: not derivable "
                                           "from comprehensive energy; enter the value as the standard defines it"))
                continue
            value, source = tce * THOUSAND / output, "inventory (GB/T 2589, allocated)"
            production = production or output
        levels: BenchmarkLevels | None = None
        if row.benchmark is not None and row.baseline is not None:
            levels = BenchmarkLevels(row.benchmark, row.baseline, row.levels_source or "", "user-supplied",
                                     origin="user-supplied")
        try:
            if levels is None:
                # the factory gives none: the shipped 2023 levels (发改产业〔2023〕723号) mapped to it, if any
                levels = levels_for(row.standard, row.indicator)
            verdict = evaluate(indicator, value, row.correction_inputs(), levels=levels, production=production,
                               kgce_per_kwh=kgce_per_kwh)
            placed = None if levels is None else position(levels, value, unit=indicator.unit, production=production,
                                                          kgce_per_kwh=kgce_per_kwh)
        except ZerocarbonError as exc:
            out.append(IndicatorResult(row, None, source, exc.message("zh"), exc.message("en")))
            continue
        out.append(IndicatorResult(row, verdict, source, position=placed))
    return out


def supply_lines(inv: Inventory) -> list[SupplyLine]:
    """Each energy use of the inventory as a supply line [tce], metered when its line came from meters."""
    pairs = [(r, use) for r in inv.lines if (use := line_energy_use(r)) is not None]
    if not pairs:
        return []
    lines = comprehensive_energy([u for _, u in pairs]).lines
    return [SupplyLine(r.line.facility, ln.item_id, ln.tce, "metered" if r.line.meters else "declared")
            for (r, _), ln in zip(pairs, lines, strict=True)]


def build_balance(inv: Inventory, devices: Sequence[Equipment], conversions: Sequence[ConversionRow],
                  kgce_per_kwh: Decimal, library: FactorLibrary) -> tuple[EnergyBalance | None, list[str]]:
    """The energy balance with the register's conversion units and the transformers' estimated losses."""
    notes: list[str] = []
    supply = supply_lines(inv)
    if not supply:
        return None, ["no energy use in the inventory: no balance / 清单无能源消费，无能量平衡"]
    have = {(s.facility, s.carrier) for s in supply}
    convs: list[Conversion] = []
    for c in conversions:
        carrier = library.resolve_item(c.input_carrier)
        if (c.facility, carrier) not in have:
            notes.append(f"conversion {c.id}: no {carrier} consumed at {c.facility}; left out / "
                         f"转换设备 {c.id}：设施 {c.facility} 无 {carrier} 消费，未计入")
            continue
        convs.append(Conversion(c.id, c.kind, c.facility, carrier, c.output_carrier, efficiency=c.efficiency,
                                outputs=c.output_shares(), note=c.note))
    for d in devices:
        if d.kind != "transformer":
            continue
        needed = (d.facility, d.no_load_loss_kw, d.load_loss_kw, d.load_factor, d.running_hours)
        if any(v is None for v in needed) or (d.facility, "electricity") not in have:
            notes.append(f"transformer {d.code}: facility, losses, load or hours missing (or no electricity at its "
                         f"facility); its loss is not in the balance / 变压器 {d.code} 数据不全，损耗未计入能量平衡")
            continue
        assert d.no_load_loss_kw is not None and d.load_loss_kw is not None and d.facility is not None
        assert d.load_factor is not None and d.running_hours is not None
        kwh = transformer_loss_kwh(d.no_load_loss_kw, d.load_loss_kw, d.load_factor, d.running_hours)
        convs.append(Conversion(d.code, "transformer", d.facility, "electricity", "electricity",
                                loss_tce=kwh * kgce_per_kwh / THOUSAND,
                                note=f"(P0 + β²·Pk)·h = ({d.no_load_loss_kw} + {d.load_factor}²×{d.load_loss_kw}) kW × "
                                     f"{d.running_hours} h = {kwh} kWh"))
    try:
        return energy_balance(supply, convs), notes
    except ZerocarbonError as exc:
        return None, [*notes, exc.message("en")]
