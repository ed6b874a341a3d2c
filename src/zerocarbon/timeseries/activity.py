"""Activity data from a metered year: one line per meter with a category and month (pure).

    MeteredYear (:mod:`zerocarbon.timeseries.year`) → activity lines → InventoryInput
    declared file + metered lines → merged input, each metered line beside its declared invoice

Amounts are the exact decimal sums of the intervals (``value_exact``, see
:mod:`zerocarbon.timeseries.intervals`): 1406600 kWh, not 1406600.000000003.

Meter against invoice
---------------------
When a declared line (an invoice, a settlement bill) and a metered line measure the same flow
(same facility, category, item and electricity kind) in the same period, the meter's figure is
used and the declared one is kept beside it on the line (``ActivityLine.declared_amount``), so
``inventory explain`` shows both. They differ visibly when |meter − invoice| > :data:`INVOICE_TOLERANCE`
× |invoice|: :func:`discrepancies` names both figures and the inventory lists it as a warning.
The tolerance is a convention of this project (0.5 %), not a value taken from a standard: no
published threshold for reconciling a settlement bill with a sub-meter was found.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from zerocarbon.accounting.notices import Notice, quantity
from zerocarbon.errors import InputError
from zerocarbon.factors import default_library
from zerocarbon.model.inventory_input import ActivityLine, Category, Facility, FactoryInfo, InventoryInput, SteamSpec
from zerocarbon.model.period import Period
from zerocarbon.timeseries.year import FactoryMeters, MeteredYear
from zerocarbon.units import conversion_factor

#: Relative difference between a meter and the declared invoice of the same flow and period above
#: which the inventory warns [fraction]. A project convention (see the module docstring).
INVOICE_TOLERANCE = Decimal("0.005")


def check_power_meters(fm: FactoryMeters, power_as_energy: bool) -> None:
    """A power register that feeds a category would silently drop out without power_as_energy: refuse."""
    if power_as_energy:
        return
    for m in fm.meters.to_pylist():
        if m["category"] and m["register_kind"] == "instantaneous":
            raise InputError(f"表计 {m['code']} 为功率表（瞬时值），须以 power_as_energy=True 折算为电量",
                             f"meter {m['code']} is a power register feeding {m['category']}: pass "
                             "power_as_energy=True to convert it to energy (mean power × duration)",
                             field="power_as_energy", details={"meter": m["code"]})


def _codes(fm: FactoryMeters) -> dict[int, dict[str, Any]]:
    return {int(r["meter_id"]): r for r in fm.meters.to_pylist()}


def sources(my: MeteredYear) -> dict[int, str]:
    """'meters: <codes>' per meter: itself, or for a virtual meter the meters its formula uses."""
    meters = _codes(my.factory)
    out = {mid: f"meters: {m['code']}" for mid, m in meters.items()}
    inputs: dict[int, list[str]] = defaultdict(list)
    for row in my.virtual.terms.to_pylist():
        inputs[int(row["meter_id"])].append(str(row["input_code"]))
    for mid, codes in inputs.items():
        m = meters[mid]
        out[mid] = f"meters: {', '.join(sorted(codes))} (virtual {m['code']} = {m['virtual_formula']})"
    return out


def exact_amount(value: Decimal) -> Decimal:
    """An exact sum without its trailing zeros, never in exponent form (1406600.000000000000 → 1406600)."""
    n = value.normalize()
    return n.quantize(Decimal(1)) if n == n.to_integral_value() else n


def steam(meter: dict[str, Any]) -> SteamSpec | None:
    """The steam state of a steam meter (None for other meters), for the heat of its mass."""
    if meter.get("steam_pressure_mpa") is None:
        return None
    temperature = meter.get("steam_temperature_c")
    return SteamSpec(pressure_mpa=Decimal(repr(float(meter["steam_pressure_mpa"]))),
                     temperature_c=None if temperature is None else Decimal(repr(float(temperature))),
                     gauge=bool(meter.get("steam_gauge")))


def meter_lines(my: MeteredYear, evidence: dict[str, str] | None = None) -> list[ActivityLine]:
    """Activity lines of the metered year: one per meter with a category and month.

    Each line: id ``<meter>-<YYYY-MM>``, facility = the meter's node (else the factory), category,
    item and electricity kind from the meter, amount = the exact Σ of the month's intervals [the
    meter's unit × multiplier], period ``YYYY-MM`` (local months), source ``"meters: <codes>"``,
    data quality ``metered``; the note counts the month's intervals, missing ones, estimated ones
    and ones not used, so an incomplete month is visible.

    Raises
    ------
    InputError
        A green-power meter without evidence, a month whose readings have more decimals than the
        exact scale (no exact sum), or a negative monthly amount, naming the meter.
    """
    check_power_meters(my.factory, my.power_as_energy)
    factory_id = my.factory.factory_id
    meters = _codes(my.factory)
    srcs = sources(my)
    proofs = evidence or {}
    lines: list[ActivityLine] = []
    for row in my.monthly().to_pylist():
        m = meters[int(row["meter_id"])]
        if not m["category"] or row["value"] is None:
            continue
        code = str(m["code"])
        kind = m["electricity_kind"] or "grid"
        proof = proofs.get(code)
        if kind == "green_power" and not proof:
            raise InputError(f"表计 {code} 为绿电，须提供绿电交易凭证 (evidence)",
                             f"meter {code} is green power: give its proof in evidence={{'{code}': ...}}",
                             field="evidence", details={"meter": code})
        if row["value_exact"] is None:
            raise InputError(f"表计 {code} {row['period']}：有读数的小数位多于 6 位，无法精确求和（未做舍入）",
                             f"meter {code}, {row['period']}: some readings have more than 6 decimals, so the month "
                             "has no exact sum (nothing was rounded); correct the readings or the multiplier",
                             field="value", details={"meter": code, "period": str(row["period"])})
        expected = (int(row["ts_end"]) - int(row["ts"])) // int(m["interval_seconds"])
        missing = expected - int(row["n_intervals"]) - int(row["n_null"])
        note = (f"{row['n_intervals']} of {expected} intervals; {missing} missing; {row['n_estimated']} estimated"
                f"{' (' + my.estimate + ')' if my.estimate else ''}; {row['n_null']} not used")
        try:
            lines.append(ActivityLine(
                id=f"{code}-{row['period']}", facility=m["node_code"] or factory_id, category=Category(m["category"]),
                item=m["item"], amount=exact_amount(row["value_exact"]), unit=str(m["energy_unit"]),
                period=str(row["period"]), source=srcs[int(row["meter_id"])], data_quality="metered",
                electricity_kind=kind, evidence=proof, note=note, steam=steam(m), meters=(code,)))
        except ValidationError as exc:
            raise InputError(f"表计 {code} {row['period']} 的活动数据无效：{exc.errors()[0]['msg']}",
                             f"meter {code}, {row['period']}: activity line not valid: {exc.errors()[0]['msg']}",
                             field="amount", details={"meter": code}) from exc
    return lines


def inventory_input(fm: FactoryMeters, lines: list[ActivityLine]) -> InventoryInput:
    """An :class:`InventoryInput` of the factory ``fm`` with the given (meter) activity lines."""
    names = {str(r["code"]): r for r in fm.nodes.to_pylist()}
    facilities = sorted({ln.facility for ln in lines})
    return InventoryInput(
        factory=FactoryInfo(id=fm.factory_id, name_zh=fm.name_zh, name_en=fm.name_en, province=fm.province,
                            facilities=[Facility(id=f, name_zh=str(names[f]["code"]) if f in names else f)
                                        for f in facilities] or [Facility(id=fm.factory_id, name_zh=fm.name_zh)]),
        activity=lines)


def _line_key(line: ActivityLine) -> tuple[str, str, str | None, str]:
    item = default_library().resolve_item(line.item) if line.item else None
    return (line.facility, line.category.value, item, line.electricity_kind)


def merge_metered(declared: InventoryInput, metered: list[ActivityLine], year: int) -> InventoryInput:
    """Declared data with the year's metered lines taken from the meters.

    A declared line of ``year`` gives way when a meter line has the same facility, category, item
    and electricity kind (the meters measure that flow); every other declared line stays (fuels
    bought by invoice, green power by contract, process sources, other years). A declared line of
    the same flow and the same period is kept beside the meter's line (``declared_id``,
    ``declared_amount``, ``declared_unit``, ``declared_source``), with its evidence fields, so the
    choice of the meter is visible (:func:`discrepancies`).
    """
    covered = {_line_key(m) for m in metered}
    by_flow: dict[tuple[tuple[str, str, str | None, str], str], list[ActivityLine]] = defaultdict(list)
    kept: list[ActivityLine] = []
    for a in declared.activity:
        if Period.parse(a.period).year == year and _line_key(a) in covered:
            by_flow[(_line_key(a), a.period)].append(a)
        else:
            kept.append(a)
    merged = []
    for m in metered:
        beside = by_flow.get((_line_key(m), m.period), [])
        if len(beside) == 1:
            d = beside[0]
            extra: dict[str, Any] = {"declared_id": d.id, "declared_amount": d.amount, "declared_unit": d.unit,
                                     "declared_source": d.source or d.data_quality}
            for name in ("certificates_kept", "inside_settlement_meter"):
                if getattr(d, name) is not None and getattr(m, name) is None:
                    extra[name] = getattr(d, name)
            m = m.model_copy(update=extra)
        merged.append(m)
    return InventoryInput.model_validate({**declared.model_dump(), "activity": [
        *(a.model_dump() for a in kept), *(m.model_dump() for m in merged)]})


def discrepancy(line: ActivityLine) -> tuple[Decimal, Decimal, Decimal] | None:
    """(meter amount, declared amount in the meter's unit, relative difference) when the metered
    ``line`` has a declared figure beside it that differs by more than :data:`INVOICE_TOLERANCE`."""
    if line.declared_amount is None or not line.meters:
        return None
    declared = line.declared_amount * conversion_factor(line.declared_unit or line.unit, line.unit)
    diff = abs(line.amount - declared)
    rel = diff / abs(declared) if declared else (Decimal(0) if diff == 0 else Decimal(1))
    return (line.amount, declared, rel) if rel > INVOICE_TOLERANCE else None


def discrepancies(lines: list[ActivityLine]) -> list[str]:
    """One warning per metered line whose declared invoice differs beyond :data:`INVOICE_TOLERANCE`,
    with both figures: a :class:`~zerocarbon.accounting.notices.Notice` (``meter_vs_declared``), rendered in
    the reader's language."""
    out: list[str] = []
    for line in lines:
        found = discrepancy(line)
        if found is None:
            continue
        meter, declared, rel = found
        out.append(Notice("meter_vs_declared", {
            "line": line.id, "meters": list(line.meters), "meter": quantity(meter, line.unit),
            "declared_id": line.declared_id, "declared": quantity(line.declared_amount or Decimal(0),
                                                                 line.declared_unit or line.unit),
            "declared_in": quantity(declared, line.unit), "pct": (rel * 100).quantize(Decimal("0.01")),
            "tolerance": INVOICE_TOLERANCE * 100}))
    return out
