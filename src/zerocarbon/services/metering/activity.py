"""Use cases of meter data: activity data for the inventory, hourly carbon, and the check between them.

    store (meters, nodes, events, readings) → intervals → virtual meters → hours / months
        (the metered year, :mod:`zerocarbon.services.metering.year`)
        → activity lines (one per meter and month) → compute_inventory
        → hourly carbon (annual or hourly factors)

Everything is computed on read, so back-filled (late) readings are in the next result.

Consistency check
-----------------
:func:`check_hourly_against_inventory` computes the year's inventory from the monthly activity
lines (Decimal, :func:`zerocarbon.accounting.inventory.compute_inventory`, location-based view)
and compares it, per meter and in total, with the sum of the hourly carbon (float64) of the same
meters with the annual factors. Both come from the same intervals and the same library rows, so
they agree to rounding: the check passes when |hourly − inventory| ≤ 1e-6 × |inventory| (relative
tolerance, documented float tolerance; an absolute 1e-9 tCO2 when the inventory is 0). Only the
categories in the hourly carbon are compared (fuel combustion, purchased electricity and heat,
on-site renewables); meters of other categories are listed as not compared.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import ValidationError

from zerocarbon.accounting.inventory import compute_inventory
from zerocarbon.errors import InputError
from zerocarbon.factors import FactorLibrary, default_library
from zerocarbon.model.inventory_input import ActivityLine, Category, Facility, FactoryInfo, InventoryInput, SteamSpec
from zerocarbon.model.period import Period
from zerocarbon.services.metering.year import FactoryMeters, MeteredYear, load_factory_meters, metered_year
from zerocarbon.store.grid_series import series_rows
from zerocarbon.timeseries import carbon as tc
from zerocarbon.timeseries.intervals import Estimate

#: Relative tolerance of the hourly-vs-inventory check (float64 sums against Decimal).
REL_TOL = 1e-6
ABS_TOL = 1e-9


def _check_power_meters(fm: FactoryMeters, power_as_energy: bool) -> None:
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


def _sources(my: MeteredYear) -> dict[int, str]:
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


def activity_from_meters(factory_id: str, year: int, url: str | None = None, *, estimate: Estimate | None = None,
                         evidence: dict[str, str] | None = None, power_as_energy: bool = False,
                         metered: MeteredYear | None = None) -> list[ActivityLine]:
    """Activity data from the meters: one line per meter with a category and month.

    Each line: id ``<meter>-<YYYY-MM>``, facility = the meter's node (else the factory), category,
    item and electricity kind from the meter, amount = Σ of the month's intervals [the meter's unit
    × multiplier] (Decimal of the float sum), period ``YYYY-MM`` (local months), source
    ``"meters: <codes>"``, data quality ``metered``; the note counts the month's intervals, missing
    ones, estimated ones and ones not used, so an incomplete month is visible.

    Parameters
    ----------
    evidence : dict, optional
        Meter code → proof of green power (绿电交易凭证); a green-power meter without it raises, as
        green power counts as zero only with proof.
    metered : MeteredYear, optional
        Already computed intervals (to reuse them).

    Raises
    ------
    InputError
        A green-power meter without evidence, or a negative monthly amount (a virtual meter whose
        formula gives less than zero), naming the meter.
    """
    my = metered or metered_year(factory_id, year, url, estimate=estimate, power_as_energy=power_as_energy)
    _check_power_meters(my.factory, my.power_as_energy)
    meters = _codes(my.factory)
    sources = _sources(my)
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
        expected = (int(row["ts_end"]) - int(row["ts"])) // int(m["interval_seconds"])
        missing = expected - int(row["n_intervals"]) - int(row["n_null"])
        note = (f"{row['n_intervals']} of {expected} intervals; {missing} missing; {row['n_estimated']} estimated"
                f"{' (' + my.estimate + ')' if my.estimate else ''}; {row['n_null']} not used")
        try:
            lines.append(ActivityLine(
                id=f"{code}-{row['period']}", facility=m["node_code"] or factory_id, category=Category(m["category"]),
                item=m["item"], amount=Decimal(repr(float(row["value"]))), unit=str(m["energy_unit"]),
                period=str(row["period"]), source=sources[int(row["meter_id"])], data_quality="metered",
                electricity_kind=kind, evidence=proof, note=note, steam=_steam(m), meters=(code,)))
        except ValidationError as exc:
            raise InputError(f"表计 {code} {row['period']} 的活动数据无效：{exc.errors()[0]['msg']}",
                             f"meter {code}, {row['period']}: activity line not valid: {exc.errors()[0]['msg']}",
                             field="amount", details={"meter": code}) from exc
    return lines


def _steam(meter: dict[str, Any]) -> SteamSpec | None:
    """The steam state of a steam meter (None for other meters), for the heat of its mass."""
    if meter.get("steam_pressure_mpa") is None:
        return None
    temperature = meter.get("steam_temperature_c")
    return SteamSpec(pressure_mpa=Decimal(repr(float(meter["steam_pressure_mpa"]))),
                     temperature_c=None if temperature is None else Decimal(repr(float(temperature))),
                     gauge=bool(meter.get("steam_gauge")))


def inventory_input(factory_id: str, lines: list[ActivityLine], url: str | None = None,
                    factory: FactoryMeters | None = None) -> InventoryInput:
    """An :class:`InventoryInput` of the factory with the given (meter) activity lines."""
    fm = factory or load_factory_meters(factory_id, url)
    names = {str(r["code"]): r for r in fm.nodes.to_pylist()}
    facilities = sorted({ln.facility for ln in lines})
    return InventoryInput(
        factory=FactoryInfo(id=fm.factory_id, name_zh=fm.name_zh, name_en=fm.name_en, province=fm.province,
                            facilities=[Facility(id=f, name_zh=str(names[f]["code"]) if f in names else f)
                                        for f in facilities] or [Facility(id=factory_id, name_zh=fm.name_zh)]),
        activity=lines)


def _load_series(name: str, start: int, end: int, url: str | None) -> pa.Table:
    rows = series_rows(name, start, end, url)
    if not rows:
        raise InputError(f"没有名为 {name} 的小时电网排放因子序列（{start}–{end}）",
                         f"no hourly grid-intensity series '{name}' in the store for the year", field="series")
    return pa.table({n: pa.array([r[i] for r in rows], tc.SERIES_SCHEMA.field(n).type)
                     for i, n in enumerate(tc.SERIES_SCHEMA.names)}, schema=tc.SERIES_SCHEMA)


def hourly_carbon(factory_id: str, year: int, url: str | None = None, series: str | pa.Table | None = None, *,
                  estimate: Estimate | None = None, power_as_energy: bool = False,
                  library: FactorLibrary | None = None, metered: MeteredYear | None = None) -> pa.Table:
    """Carbon per meter and local hour of ``year`` [tCO2] (:func:`zerocarbon.timeseries.carbon.hourly_carbon`).

    ``series`` is the name of a grid-intensity series in the store (``grid_factor_series``) or its
    rows as Arrow; it replaces the annual factor of purchased electricity hour by hour. The table
    has a ``meter`` column (code) and carries its derivation as JSON in the schema metadata key
    ``zerocarbon.trace`` (:func:`carbon_trace`): factor rows with provenance, skipped meters, the
    series, gaps and estimated intervals per meter. ``metered``, to reuse a year already loaded, must
    have been loaded with ``hourly=True`` (:meth:`MeteredYear.hourly` raises otherwise).
    """
    my = metered or metered_year(factory_id, year, url, estimate=estimate, power_as_energy=power_as_energy,
                                 hourly=True)
    _check_power_meters(my.factory, my.power_as_energy)
    fm = my.factory
    factors = tc.annual_factors(fm.meters, year, fm.province, library=library or default_library(), tz=fm.timezone)
    rows = series
    if isinstance(series, str):
        rows = _load_series(series, my.start, my.end, url)
    assert rows is None or isinstance(rows, pa.Table)
    out = tc.hourly_carbon(my.hourly(), factors.table, rows)
    ids = fm.meters["meter_id"].combine_chunks()
    codes = fm.meters["code"].combine_chunks()
    indices = pc.index_in(out["meter_id"], value_set=ids).combine_chunks().cast(pa.int32())
    meter = pa.DictionaryArray.from_arrays(indices, codes)
    out = out.add_column(1, "meter", meter)
    code_of = {int(r["meter_id"]): str(r["code"]) for r in fm.meters.to_pylist()}
    gaps: dict[str, dict[str, int]] = {}
    for g in my.gaps.to_pylist():
        entry = gaps.setdefault(code_of.get(int(g["meter_id"]), str(g["meter_id"])), {"missing": 0, "estimated": 0})
        entry["missing"] += int(g["count"])
        entry["estimated"] += int(g["estimated"])
    series_info = None
    if rows is not None:
        srcs = sorted({x for x in rows["source"].unique().to_pylist() if x} if "source" in rows.column_names else [])
        names = sorted({x for x in rows["series"].unique().to_pylist() if x} if "series" in rows.column_names else [])
        series_info = {"series": names, "source": srcs, "hours": rows.num_rows, "unit": "tCO2/MWh"}
    trace = {"factory": factory_id, "year": year, "timezone": fm.timezone, "province": fm.province,
             "view": "location", "unit": "tCO2", "estimate": my.estimate,
             "formula": "co2_t = amount × to_activity × factor (factor of the hour)", **factors.trace(),
             "series": series_info, "gaps": gaps}
    meta = dict(out.schema.metadata or {})
    meta[b"zerocarbon.trace"] = json.dumps(trace, ensure_ascii=False).encode("utf-8")
    return out.replace_schema_metadata(meta)


def carbon_trace(table: pa.Table) -> dict[str, Any]:
    """The derivation stored in the metadata of :func:`hourly_carbon`'s table."""
    raw = (table.schema.metadata or {}).get(b"zerocarbon.trace")
    return dict(json.loads(raw.decode("utf-8"))) if raw else {}


@dataclass
class MeterComparison:
    meter: str
    inventory_tco2: Decimal
    hourly_tco2: float
    rel_diff: float
    ok: bool


@dataclass
class ConsistencyCheck:
    """The year's inventory from meter data against the sum of its hourly carbon (location-based)."""

    factory_id: str
    year: int
    inventory_tco2: Decimal
    hourly_tco2: float
    rel_diff: float
    rel_tol: float
    ok: bool
    meters: list[MeterComparison] = field(default_factory=list)
    not_compared: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"factory_id": self.factory_id, "year": self.year, "inventory_tco2": str(self.inventory_tco2),
                "hourly_tco2": self.hourly_tco2, "rel_diff": self.rel_diff, "rel_tol": self.rel_tol, "ok": self.ok,
                "meters": [{"meter": m.meter, "inventory_tco2": str(m.inventory_tco2), "hourly_tco2": m.hourly_tco2,
                            "rel_diff": m.rel_diff, "ok": m.ok} for m in self.meters],
                "not_compared": self.not_compared}


def _rel(a: float, b: Decimal) -> tuple[float, bool]:
    ref = float(b)
    diff = abs(a - ref)
    if ref == 0:
        return diff, diff <= ABS_TOL
    rel = diff / abs(ref)
    return rel, rel <= REL_TOL


def check_hourly_against_inventory(factory_id: str, year: int, url: str | None = None, *,
                                   estimate: Estimate | None = None, evidence: dict[str, str] | None = None,
                                   power_as_energy: bool = False,
                                   library: FactorLibrary | None = None) -> ConsistencyCheck:
    """Annual inventory from meters = Σ of its hourly carbon, per meter and in total (see module docstring)."""
    lib = library or default_library()
    my = metered_year(factory_id, year, url, estimate=estimate, power_as_energy=power_as_energy, hourly=True)
    _check_power_meters(my.factory, my.power_as_energy)
    lines = activity_from_meters(factory_id, year, url, evidence=evidence, metered=my)
    data = inventory_input(factory_id, lines, url, factory=my.factory)
    inventory = compute_inventory(data, year, lib, mc_draws=0)
    carbon = hourly_carbon(factory_id, year, url, library=lib, metered=my)
    hourly_by_meter: dict[str, float] = defaultdict(float)
    for row in tc.summarise(carbon, by=("meter",)).to_pylist():
        hourly_by_meter[str(row["meter"])] += float(row["co2_t"] or 0.0)
    compared = {str(r["meter"]) for r in carbon_trace(carbon).get("factors", [])}
    inv_by_meter: dict[str, Decimal] = defaultdict(Decimal)
    for result in inventory.lines:
        for code in result.line.meters:
            if code in compared:
                inv_by_meter[code] += result.emissions("location")
    comparisons = []
    for code in sorted(compared):
        rel, ok = _rel(hourly_by_meter.get(code, 0.0), inv_by_meter.get(code, Decimal(0)))
        comparisons.append(MeterComparison(code, inv_by_meter.get(code, Decimal(0)), hourly_by_meter.get(code, 0.0),
                                           rel, ok))
    inv_total = sum(inv_by_meter.values(), Decimal(0))
    hourly_total = sum(hourly_by_meter.get(c, 0.0) for c in compared)
    rel, ok = _rel(hourly_total, inv_total)
    not_compared = list(carbon_trace(carbon).get("skipped", []))
    return ConsistencyCheck(factory_id, year, inv_total, hourly_total, rel, REL_TOL,
                            ok and all(c.ok for c in comparisons), comparisons, not_compared)


def _line_key(line: ActivityLine) -> tuple[str, str, str | None, str]:
    item = default_library().resolve_item(line.item) if line.item else None
    return (line.facility, line.category.value, item, line.electricity_kind)


def merge_metered(declared: InventoryInput, metered: list[ActivityLine], year: int) -> InventoryInput:
    """Declared data with the year's metered lines taken from the meters.

    A declared line of ``year`` gives way when a meter line has the same facility, category, item
    and electricity kind (the meters measure that flow); every other declared line stays (fuels
    bought by invoice, green power by contract, process sources, other years).
    """
    covered = {_line_key(m) for m in metered}
    kept = [a for a in declared.activity
            if not (Period.parse(a.period).year == year and _line_key(a) in covered)]
    return InventoryInput.model_validate({**declared.model_dump(), "activity": [
        *(a.model_dump() for a in kept), *(m.model_dump() for m in metered)]})
