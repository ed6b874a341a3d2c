"""Data of the dashboard pages, assembled from the service functions the CLI and the API call.

Every figure here is the engine's: the inventory comes from
:func:`zerocarbon.services.inventory.run_store_inventory` (meters in the store, plus the factory's
declared activity file when one is configured, see :func:`declared_file`), energy from
:func:`zerocarbon.services.demo_metering.energy_uses` and
:func:`zerocarbon.energy.comprehensive.comprehensive_energy`, meter intervals from
:func:`zerocarbon.timeseries.intervals.interval_consumption`. This module selects, labels and
groups them (sums of the engine's line figures, in Decimal), and never computes an emission another
way. The browser only formats what it receives.

Two figures are defined here because the engine has no single function for them; both are sums
of the engine's line data, with their derivation returned beside them:

* **renewable share of electricity** [%] = (on-site renewable generation consumed on site
  + green power bought + green certificates applied) / electricity consumed, where
  electricity consumed = grid purchases + green power + on-site generation − electricity exported
  (as in :func:`~zerocarbon.services.demo_metering.energy_uses`), on-site generation consumed =
  max(generation − export, 0) (exports are counted against on-site generation first), and the
  certificates are those the engine applied to grid purchases (``certificates_applied``) [MWh].
* **progress toward zero** [%] = (base-year total − this year's total) / base-year total × 100,
  GB/T 32150 view, from :func:`zerocarbon.accounting.inventory.compare_years`.

Caching
-------
Results are cached in memory per (function, store, factory, period, store data version). The
version (:func:`store_version`) changes whenever data that can change a figure is written: a new
or updated ingest batch (id, accepted count, status), a correction, a rejected record, a dead
letter, a meter, a meter event or a production record; plus the declared file's modification time.
Figures are therefore never stale, and an unchanged store is answered from memory. Concurrent
requests for the same missing entry compute it once (the others wait for it).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import func, select

from zerocarbon.accounting.results import Inventory, LineResult, plain
from zerocarbon.energy.comprehensive import comprehensive_energy
from zerocarbon.errors import InputError, ZerocarbonError
from zerocarbon.factors import default_library
from zerocarbon.model.inventory_input import SCOPE1, Category
from zerocarbon.model.period import Period
from zerocarbon.reports.content import category_name
from zerocarbon.services.demo_metering import energy_uses
from zerocarbon.services.inventory import InventoryRun, explain_line, run_store_inventory
from zerocarbon.services.meter_inventory import FactoryMeters, load_factory_meters, metered_year
from zerocarbon.store import schema as s
from zerocarbon.store.db import database_url, transaction
from zerocarbon.store.factories import period_bounds
from zerocarbon.store.readings import read_current
from zerocarbon.timeseries.intervals import FLAG_ESTIMATED, Intervals, interval_consumption
from zerocarbon.timeseries.rollups import Freq, evaluate_virtual, rollup_time
from zerocarbon.units import conversion_factor

__all__ = [
    "DECLARED_DIR_ENV", "cache_clear", "data_quality", "data_year", "declared_file", "default_year", "emissions_series",
    "energy_sankey", "factories", "inventory_run", "inventory_table", "line_trace", "meter_list", "meter_series",
    "overview", "portfolio", "renewable_share", "reports", "store_version",
]

#: Directory of declared activity files, one per factory: ``<factory id>.yaml|.yml|.json|.xlsx``.
DECLARED_DIR_ENV = "ZEROCARBON_DECLARED_DIR"
_DECLARED_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")
_SAFE_ID = re.compile(r"^[A-Za-z0-9_.\-]+$")
ZERO = Decimal(0)
#: Most points a meter series returns at its own interval; longer windows are rolled up.
MAX_POINTS = 4000
#: Longest window of the meter explorer [days].
MAX_WINDOW_DAYS = 367
#: Rows of rejected records / dead letters / raw readings listed (counts are always complete).
LIST_LIMIT = 200

T = TypeVar("T")


# ------------------------------------------------------------------------------------------- cache
class _Cache:
    """A bounded LRU of computed results with single-flight computation per key."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._inflight: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]  # type: ignore[no-any-return]
            gate = self._inflight.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if key in self._data:  # computed by the request we waited for
                    self.hits += 1
                    return self._data[key]  # type: ignore[no-any-return]
            value = compute()
            with self._lock:
                self.misses += 1
                self._data[key] = value
                self._data.move_to_end(key)
                while len(self._data) > self.size:
                    self._data.popitem(last=False)
                self._inflight.pop(key, None)
            return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


#: Results per factory and year (inventories, pages): few and expensive.
_CACHE = _Cache(256)
#: Results per meter window or line (load curves, traces): many and cheap; kept apart so that browsing
#: them never evicts an inventory.
_DETAIL_CACHE = _Cache(1024)


def cache_clear() -> None:
    """Forget every cached result (tests; a changed factor library)."""
    _CACHE.clear()
    _DETAIL_CACHE.clear()


def cache_stats() -> dict[str, dict[str, int]]:
    return {name: {"hits": c.hits, "misses": c.misses, "entries": len(c._data)}
            for name, c in (("results", _CACHE), ("details", _DETAIL_CACHE))}


def store_version(url: str | None = None) -> tuple[int, ...]:
    """A fingerprint of the data in the store that figures depend on (see the module docstring).

    Cheap: maxima and counts over small tables (batches, corrections, rejects, meters), never over
    the readings themselves.
    """
    b = s.batches
    with transaction(url) as conn:
        row = conn.execute(select(
            select(func.coalesce(func.max(b.c.id), 0)).scalar_subquery(),
            select(func.coalesce(func.sum(b.c.accepted), 0)).scalar_subquery(),
            select(func.count()).select_from(b).where(b.c.status == "running").scalar_subquery(),
            select(func.count()).select_from(s.corrections).scalar_subquery(),
            select(func.coalesce(func.max(s.rejected.c.id), 0)).scalar_subquery(),
            select(func.coalesce(func.max(s.dead_letters.c.id), 0)).scalar_subquery(),
            select(func.count()).select_from(s.meters).scalar_subquery(),
            select(func.count()).select_from(s.meter_events).scalar_subquery(),
            select(func.count()).select_from(s.production).scalar_subquery(),
            select(func.count()).select_from(s.factories).scalar_subquery(),
        )).one()
    version = tuple(int(v or 0) for v in row)
    if version[2]:
        # A batch still being written changes the readings without changing the counts above until it
        # closes: figures over it are recomputed at most every few seconds.
        version = (*version, int(time.time() // 5))
    return version


def _cached(kind: str, url: str | None, factory_id: str, period: object, compute: Callable[[], T],
            *extra: Hashable) -> T:
    target = database_url(url)
    declared = declared_file(factory_id)
    mtime = declared.stat().st_mtime_ns if declared is not None else 0
    key = (kind, target, factory_id, str(period), store_version(target), str(declared), mtime, *extra)
    return (_DETAIL_CACHE if kind in _DETAIL_KINDS else _CACHE).get(key, compute)


_DETAIL_KINDS = frozenset({"meter_series", "trace"})


# ----------------------------------------------------------------------------------------- helpers
def declared_file(factory_id: str) -> Path | None:
    """The declared activity file of ``factory_id`` in ``$ZEROCARBON_DECLARED_DIR``, if there is one.

    Metered flows come from the meters and everything else (fuels bought by invoice, process
    sources, green-power contracts, certificates, production, other years for the base-year
    comparison) from this file, as with ``zerocarbon inventory --factory F --declared FILE``.
    """
    folder = os.environ.get(DECLARED_DIR_ENV)
    if not folder or not _SAFE_ID.match(factory_id) or factory_id.startswith("."):
        return None
    for suffix in _DECLARED_SUFFIXES:
        candidate = Path(folder) / f"{factory_id}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def fig(value: Decimal | None, places: int = 2) -> dict[str, str | None]:
    """A figure for display: the full-precision value and its rounded text (half-up, thousands separated)."""
    if value is None:
        return {"value": None, "display": None}
    quantum = Decimal(1).scaleb(-places)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    return {"value": plain(value, 28), "display": f"{rounded:,.{places}f}"}


def _mwh(amount: Decimal, unit: str) -> Decimal:
    return amount if unit == "MWh" else amount * conversion_factor(unit, "MWh")


def _local(ts: int, tz: str) -> str:
    return datetime.fromtimestamp(int(ts), ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def _factory_row(factory_id: str, url: str | None) -> dict[str, Any]:
    with transaction(url) as conn:
        row = conn.execute(select(s.factories).where(s.factories.c.id == factory_id)).mappings().first()
    if row is None:
        raise InputError(f"没有工厂 {factory_id}", f"no factory '{factory_id}' in the store", field="factory_id")
    return dict(row)


def factories(url: str | None = None) -> list[dict[str, Any]]:
    """Every factory in the store: id, names, province, time zone."""
    with transaction(url) as conn:
        rows = conn.execute(select(s.factories.c.id, s.factories.c.name_zh, s.factories.c.name_en,
                                   s.factories.c.province, s.factories.c.timezone)
                            .order_by(s.factories.c.id)).mappings().all()
    return [dict(r) for r in rows]


def _factory_meters(factory_id: str, url: str | None) -> FactoryMeters:
    return _cached("meters", url, factory_id, "", lambda: load_factory_meters(factory_id, url))


def _latest_reading(factory_id: str, url: str | None) -> int | None:
    """The newest reading time of the factory's real meters [s, UTC] (one index seek per meter)."""
    fm = _factory_meters(factory_id, url)
    ids = [int(m) for m, v in zip(fm.meters["meter_id"].to_pylist(), fm.meters["is_virtual"].to_pylist(),
                                  strict=True) if not v]
    latest: int | None = None
    r = s.readings
    with transaction(url) as conn:
        for mid in ids:
            ts = conn.execute(select(func.max(r.c.ts)).where(r.c.meter_id == mid)).scalar()
            if ts is not None and (latest is None or int(ts) > latest):
                latest = int(ts)
    return latest


def data_year(factory_id: str, url: str | None = None) -> int | None:
    """The newest year with data: of the newest meter reading, else the declared file's last year; None without data."""
    def compute() -> int | None:
        fac = _factory_row(factory_id, url)
        latest = _latest_reading(factory_id, url)
        if latest is not None:
            return datetime.fromtimestamp(latest - 1, ZoneInfo(str(fac["timezone"] or "Asia/Shanghai"))).year
        declared = declared_file(factory_id)
        if declared is not None:
            from zerocarbon.ingest.activity_file import load_activity_file

            years = load_activity_file(declared).data.years()
            if years:
                return int(years[-1])
        return None
    return _cached("data_year", url, factory_id, "", compute)


def default_year(factory_id: str, url: str | None = None) -> int:
    """The year the pages open on: :func:`data_year`, else the current year in the factory's time zone."""
    year = data_year(factory_id, url)
    if year is not None:
        return year
    tz = str(_factory_row(factory_id, url)["timezone"] or "Asia/Shanghai")
    return datetime.now(ZoneInfo(tz)).year


def inventory_run(factory_id: str, year: int, url: str | None = None) -> InventoryRun:
    """The year's inventory as the engine computes it (cached): ``run_store_inventory`` with the declared file."""
    return _cached("inventory", url, factory_id, year,
                   lambda: run_store_inventory(factory_id, year, url=url, declared=declared_file(factory_id)))


def _facility_names(run: InventoryRun) -> dict[str, tuple[str, str]]:
    return {f.id: (f.name_zh, f.name_en or f.name_zh) for f in run.data.factory.facilities}


def _months(inv: Inventory) -> list[str]:
    return sorted((p for p in inv.breakdowns["period"] if Period.parse(p).is_month), key=Period.parse)


def _periods(inv: Inventory) -> list[str]:
    """Months with data, then any whole-year period (lines not split by month)."""
    months = _months(inv)
    annual = sorted({r.line.period for r in inv.lines if not Period.parse(r.line.period).is_month})
    return months + annual


# ------------------------------------------------------------------------------------- renewables
def renewable_share(inv: Inventory) -> dict[str, Any]:
    """Renewable share of electricity consumed [%] and its parts [MWh] (definition: module docstring)."""
    grid = green = generated = exported = ZERO
    for r in inv.lines:
        line = r.line
        if line.category is Category.ELECTRICITY_PURCHASED:
            mwh = _mwh(line.amount, line.unit)
            if line.electricity_kind == "green_power":
                green += mwh
            else:
                grid += mwh
        elif line.category is Category.ONSITE_RENEWABLE:
            generated += _mwh(line.amount, line.unit)
        elif line.category is Category.ELECTRICITY_EXPORTED:
            exported += _mwh(line.amount, line.unit)
    # certificates applied to grid purchases (bundled ones are the proof of green power, not listed here)
    certificates = sum((Decimal(c["mwh"]) for c in inv.certificates_applied), ZERO)
    consumed = grid + green + generated - exported
    onsite = max(generated - exported, ZERO)
    renewable = onsite + green + certificates
    share = renewable / consumed * 100 if consumed > 0 else None
    return {
        "share_pct": fig(share, 1), "renewable_mwh": fig(renewable), "consumed_mwh": fig(consumed),
        "parts": {"onsite_consumed_mwh": fig(onsite), "onsite_generated_mwh": fig(generated),
                  "exported_mwh": fig(exported), "green_power_mwh": fig(green), "certificates_mwh": fig(certificates),
                  "grid_mwh": fig(grid)},
        "formula": "(max(PV − export, 0) + green power + GEC) / (grid + green power + PV − export) × 100",
        "derivation": f"({plain(onsite, 3)} + {plain(green, 3)} + {plain(certificates, 3)}) MWh / "
                      f"{plain(consumed, 3)} MWh",
    }


# --------------------------------------------------------------------------------------- overview
def overview(factory_id: str, year: int, url: str | None = None) -> dict[str, Any]:
    """The overview page: headline totals of the year and of its latest month, intensities, renewable
    share, progress against the base year and data-quality alerts."""
    def compute() -> dict[str, Any]:
        run = inventory_run(factory_id, year, url)
        inv = run.inventory
        months = _months(inv)
        month = months[-1] if months else None
        tz = str(_factory_row(factory_id, url)["timezone"] or "Asia/Shanghai")
        now = datetime.now(ZoneInfo(tz))
        if now.year == year and f"{year}-{now.month:02d}" in months:
            month = f"{year}-{now.month:02d}"
        base_year = run.data.factory.base_year
        progress: dict[str, Any] = {"base_year": base_year, "available": False}
        if base_year is not None and base_year in run.inventories and base_year != year:
            base = run.inventories[base_year].totals.gbt32150_total
            current = inv.totals.gbt32150_total
            progress.update({
                "available": True, "base_total": fig(base), "current_total": fig(current),
                "change": fig(current - base),
                "reduction_pct": fig((base - current) / base * 100 if base else None, 1),
                "months_with_data": len(months),
                "formula": "(E_base − E_year) / E_base × 100  (GB/T 32150 view)",
            })
        quality = data_quality_summary(factory_id, year, url)
        return {
            "factory": {"id": factory_id, "name_zh": inv.factory_name_zh, "name_en": inv.factory_name_en},
            "year": year, "period": str(year), "month": month, "months_with_data": months,
            "declared_file": declared_file(factory_id) is not None,
            "totals": {k: fig(v) for k, v in inv.totals.__dict__.items()},
            "month_total": fig(inv.breakdowns["period"].get(month, ZERO)) if month else fig(None),
            "scopes": {"scope1": fig(inv.totals.scope1), "scope2_location": fig(inv.totals.scope2_location),
                       "scope2_market": fig(inv.totals.scope2_market)},
            "intensities": [{
                "product": i.product, "name_zh": i.name_zh, "name_en": i.name_en, "unit": i.unit,
                "output": fig(i.output, 0), "emissions": fig(i.emissions),
                "intensity": fig(i.intensity, 4), "derivation": i.derivation} for i in inv.intensities],
            "renewables": renewable_share(inv),
            "progress": progress,
            "monthly": [{"period": p, "total": fig(inv.breakdowns["period"][p])} for p in months],
            "alerts": quality["alerts"],
            "warnings": inv.warnings,
            "factor_library_version": inv.factor_library_version,
        }
    return _cached("overview", url, factory_id, year, compute)


# -------------------------------------------------------------------------------------- emissions
def _series(periods: list[str], cells: dict[tuple[str, str], Decimal], names: dict[str, tuple[str, str]],
            order: Iterable[str]) -> list[dict[str, Any]]:
    out = []
    for key in order:
        values = [cells.get((key, p), ZERO) for p in periods]
        zh, en = names.get(key, (key, key))
        out.append({"key": key, "name_zh": zh, "name_en": en, "values": [float(v) for v in values],
                    "total": fig(sum(values, ZERO))})
    return out


def emissions_series(factory_id: str, year: int, url: str | None = None) -> dict[str, Any]:
    """Emissions per period by category, scope, source and facility [tCO2e] (sums of the engine's lines).

    Category, source and facility are in the GB/T 32150 view without biomass (as the engine's
    breakdowns); scopes are scope 1 and scope 2 location- and market-based (as the engine's totals).
    """
    def compute() -> dict[str, Any]:
        run = inventory_run(factory_id, year, url)
        inv = run.inventory
        periods = _periods(inv)
        facility_names = _facility_names(run)
        dims: dict[str, dict[tuple[str, str], Decimal]] = {k: defaultdict(Decimal) for k in
                                                           ("category", "source", "facility", "scope")}
        names: dict[str, dict[str, tuple[str, str]]] = {k: {} for k in dims}
        for r in inv.lines:
            if r.biomass:
                continue
            p = r.line.period
            e = r.emissions("gbt32150")
            cat = r.category.value
            dims["category"][(cat, p)] += e
            names["category"][cat] = (category_name(cat, "zh"), category_name(cat, "en"))
            dims["source"][(r.item_name_zh, p)] += e
            names["source"][r.item_name_zh] = (r.item_name_zh, r.item_name_en or r.item_name_zh)
            dims["facility"][(r.line.facility, p)] += e
            names["facility"][r.line.facility] = facility_names.get(r.line.facility, (r.line.facility,) * 2)
            if r.category in SCOPE1:
                dims["scope"][("scope1", p)] += r.emissions("location")
            if r.scope == "2":
                dims["scope"][("scope2_location", p)] += r.emissions("location")
                dims["scope"][("scope2_market", p)] += r.emissions("market")
        names["scope"] = {"scope1": ("范围一", "Scope 1"),
                          "scope2_location": ("范围二（基于位置）", "Scope 2 (location)"),
                          "scope2_market": ("范围二（基于市场）", "Scope 2 (market)")}

        def order(dim: str) -> list[str]:
            totals: dict[str, Decimal] = defaultdict(Decimal)
            for (key, _), v in dims[dim].items():
                totals[key] += v
            return sorted(totals, key=lambda k: -abs(totals[k]))

        return {
            "year": year, "periods": periods, "unit": "tCO2e",
            "total": [{"period": p, "value": fig(inv.breakdowns["period"].get(p, ZERO))} for p in periods],
            "dimensions": {
                "category": _series(periods, dims["category"], names["category"], order("category")),
                "scope": _series(periods, dims["scope"], names["scope"],
                                 [k for k in ("scope1", "scope2_location", "scope2_market")
                                  if any(key == k for key, _ in dims["scope"])]),
                "source": _series(periods, dims["source"], names["source"], order("source")),
                "facility": _series(periods, dims["facility"], names["facility"], order("facility")),
            },
            "totals": {k: fig(v) for k, v in inv.totals.__dict__.items()},
        }
    return _cached("emissions", url, factory_id, year, compute)


# ----------------------------------------------------------------------------------------- energy
_CARRIER_NAMES = {
    "grid_electricity": ("电网购电", "Grid electricity"),
    "green_power": ("绿电交易", "Green power"),
    "onsite_renewable": ("厂内光伏等可再生能源发电", "On-site renewable generation"),
    "electricity_exported": ("上网/输出电量", "Electricity exported"),
    "heat": ("外购蒸汽/热力", "Purchased steam / heat"),
}


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


def _nodes(factory_id: str, url: str | None) -> list[dict[str, Any]]:
    n, p = s.nodes, s.nodes.alias("parent")
    with transaction(url) as conn:
        rows = conn.execute(select(n.c.code, n.c.kind, n.c.name_zh, n.c.name_en, p.c.code.label("parent"))
                            .select_from(n.outerjoin(p, p.c.id == n.c.parent_id))
                            .where(n.c.factory_id == factory_id)).mappings().all()
    return [dict(r) for r in rows]


def energy_sankey(factory_id: str, year: int, url: str | None = None) -> dict[str, Any]:
    """Comprehensive energy (GB/T 2589, electricity at its equivalent value) [tce] by carrier and month,
    and a Sankey of its flow: carriers → site → the hierarchy's nodes → facilities.

    Each inventory line that is an energy use (:func:`energy_uses`) is converted by
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
            for use in energy_uses(replace(inv, lines=[r])):
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
        nodes_rows = _nodes(factory_id, url)
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
                          "physical": [{"unit": u, "amount": fig(a, 3)} for u, a in physical[c].items()],
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
            "coefficients": [c.to_trace() for c in ce.coefficients],
            "formula": "E = Σ Eᵢ × kᵢ [tce] (GB/T 2589)",
        }
    return _cached("energy", url, factory_id, year, compute)


# ----------------------------------------------------------------------------------------- meters
def meter_list(factory_id: str, url: str | None = None) -> list[dict[str, Any]]:
    """The factory's meters (real and virtual) for the meter explorer."""
    def compute() -> list[dict[str, Any]]:
        fm = _factory_meters(factory_id, url)
        out = []
        for m in fm.meters.to_pylist():
            out.append({k: m[k] for k in ("code", "carrier", "unit", "energy_unit", "register_kind", "category",
                                          "item", "node_code", "interval_seconds", "is_virtual", "virtual_formula",
                                          "electricity_kind")})
        return sorted(out, key=lambda m: (bool(m["is_virtual"]), str(m["code"])))
    return _cached("meter_list", url, factory_id, "", compute)


def _parse_time(text: str | None, tz: str, what: str) -> int | None:
    if text is None or text == "":
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InputError(f"时间 “{text}” 格式无效", f"time '{text}' is not ISO 8601 (YYYY-MM-DD[THH:MM])",
                         field=what, expected="YYYY-MM-DD or YYYY-MM-DDTHH:MM") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz))
    return int(moment.timestamp())


def _intervals(fm: FactoryMeters, codes: list[str], start: int, end: int,
               url: str | None) -> tuple[Intervals, pa.Table]:
    """Interval values of some meters over [start, end) (gaps filled linearly, as for the inventory), and
    the current readings they came from (read with a day's margin on each side, as ``metered_year`` does)."""
    meters = fm.meters.filter(pc.is_in(fm.meters["code"], value_set=pa.array(codes)))
    ids = [int(i) for i in meters["meter_id"].to_pylist()]
    step = max([int(x) for x in meters["interval_seconds"].to_pylist()] or [900])
    readings = read_current(ids, start - 86_400 - step, end + 86_400 + step, url)
    events = fm.events.filter(pc.is_in(fm.events["meter_id"], value_set=pa.array(ids, pa.int64())))
    iv = interval_consumption(readings, meters, start=start, end=end, events=events, estimate="linear",
                              power_as_energy=True)
    return iv, readings


def _readings_of(readings: pa.Table, meter_id: int, start: int, end: int) -> pa.Table:
    """One meter's readings with ``start <= ts < end``, in time order."""
    mask = pc.and_(pc.equal(readings["meter_id"], meter_id),
                   pc.and_(pc.greater_equal(readings["ts"], start), pc.less(readings["ts"], end)))
    return readings.filter(mask).sort_by("ts")


def meter_series(factory_id: str, meter: str, start: str | None = None, end: str | None = None,
                 url: str | None = None) -> dict[str, Any]:
    """A meter's load curve over [start, end) (local times; default the last 7 days of its data).

    Values are interval consumption [the meter's energy unit × multiplier], gaps filled linearly and
    flagged estimated (as for the inventory). Windows longer than :data:`MAX_POINTS` intervals are
    rolled up to hours or days (sums; a period with any estimated interval counts as estimated).
    Gaps are listed as [start, end) runs with their number of intervals.
    """
    fm = _factory_meters(factory_id, url)
    rows = {str(m["code"]): m for m in fm.meters.to_pylist()}
    if meter not in rows:
        raise InputError(f"工厂 {factory_id} 没有表计 {meter}", f"factory {factory_id} has no meter '{meter}'",
                         field="meter", expected=", ".join(sorted(rows)[:20]))
    m = rows[meter]
    tz = fm.timezone
    t_end = _parse_time(end, tz, "end")
    t_start = _parse_time(start, tz, "start")
    if t_end is None:
        latest = _latest_reading(factory_id, url)
        t_end = latest if latest is not None else int(time.time())
        step0 = int(m["interval_seconds"])
        t_end = -(-t_end // step0) * step0
    if t_start is None:
        t_start = t_end - 7 * 86_400
    if t_end <= t_start:
        raise InputError("结束时间须晚于开始时间", "end must be after start", field="end")
    if t_end - t_start > MAX_WINDOW_DAYS * 86_400:
        raise InputError(f"时间窗口不能超过 {MAX_WINDOW_DAYS} 天", f"the window may not exceed {MAX_WINDOW_DAYS} days",
                         field="start")

    def compute() -> dict[str, Any]:
        assert t_start is not None and t_end is not None
        step = int(m["interval_seconds"])
        if m["is_virtual"]:
            real = [str(c) for c, v in zip(fm.meters["code"].to_pylist(), fm.meters["is_virtual"].to_pylist(),
                                           strict=True) if not v]
            iv, _ = _intervals(fm, real, t_start, t_end, url)
            virt = evaluate_virtual(iv.values.select(["meter_id", "ts", "ts_end", "value", "flags"]),
                                    fm.meters, fm.nodes).values
            values = virt.filter(pc.equal(virt["meter_id"], int(m["meter_id"])))
            gaps_rows: list[dict[str, Any]] = []
            readings_count = 0
        else:
            iv, readings = _intervals(fm, [meter], t_start, t_end, url)
            values = iv.values
            gaps_rows = iv.gaps.to_pylist()
            readings_count = _readings_of(readings, int(m["meter_id"]), t_start, t_end + step).num_rows
        n = (t_end - t_start) // step
        resolution = "interval"
        table = values.select(["ts", "ts_end", "value", "flags"]).sort_by("ts") if values.num_rows else values
        if n > MAX_POINTS and values.num_rows:
            freq: Freq = "hour" if n / (3600 / step) <= MAX_POINTS else "day"
            resolution = freq
            table = rollup_time(values.select(["meter_id", "ts", "ts_end", "value", "flags"]), freq, tz=tz)
        xs, ys, est, nulls = [], [], [], []
        ts_list = table["ts"].to_pylist() if table.num_rows else []
        vals = table["value"].to_pylist() if table.num_rows else []
        if "n_estimated" in table.column_names:
            est_flags = [int(x or 0) > 0 for x in table["n_estimated"].to_pylist()]
        else:
            est_flags = [bool(int(f or 0) & FLAG_ESTIMATED) for f in (table["flags"].to_pylist() if table.num_rows
                                                                     else [])]
        for ts, v, e in zip(ts_list, vals, est_flags, strict=True):
            xs.append(_local(ts, tz))
            ys.append(v)
            est.append(e)
            nulls.append(v is None)
        n_est = sum(1 for f in (values["flags"].to_pylist() if values.num_rows else [])
                    if int(f or 0) & FLAG_ESTIMATED)
        gaps = [{"start": _local(g["start"], tz), "end": _local(g["end"], tz), "count": int(g["count"]),
                 "estimated": int(g["estimated"]),
                 "bridged_value": g["bridged_value"]} for g in gaps_rows]
        total = sum((v for v in (values["value"].to_pylist() if values.num_rows else []) if v is not None), 0.0)
        return {
            "meter": {k: m[k] for k in ("code", "carrier", "unit", "energy_unit", "register_kind", "category",
                                        "node_code", "interval_seconds", "is_virtual", "virtual_formula")},
            "start": _local(t_start, tz), "end": _local(t_end, tz), "timezone": tz, "resolution": resolution,
            "unit": m["energy_unit"], "x": xs, "y": ys, "estimated": est,
            "intervals_expected": int(n), "intervals_with_value": int(values.num_rows - sum(nulls) if
                                                                      resolution == "interval" else
                                                                      sum(1 for v in values["value"].to_pylist()
                                                                          if v is not None)),
            "intervals_estimated": n_est, "readings": readings_count, "gaps": gaps,
            "missing_intervals": sum(g["count"] for g in gaps), "sum": total,
            "unused": [{"ts": _local(u["ts"], tz) if u["ts"] is not None else None, "reason": u["reason"],
                        "count": u["count"]} for u in iv.unused.to_pylist()][:LIST_LIMIT],
        }
    return _cached("meter_series", url, factory_id, f"{t_start}-{t_end}", compute, meter)


# -------------------------------------------------------------------------------------- inventory
def inventory_table(factory_id: str, year: int, url: str | None = None) -> dict[str, Any]:
    """Every line of the year's inventory with its emissions per view, and the engine's totals and breakdowns."""
    def compute() -> dict[str, Any]:
        run = inventory_run(factory_id, year, url)
        inv = run.inventory
        facility_names = _facility_names(run)
        lines = []
        for r in inv.lines:
            line = r.line
            lines.append({
                "id": line.id, "facility": line.facility,
                "facility_name_zh": facility_names.get(line.facility, (line.facility,) * 2)[0],
                "facility_name_en": facility_names.get(line.facility, (line.facility,) * 2)[1],
                "category": line.category.value, "category_zh": category_name(line.category, "zh"),
                "category_en": category_name(line.category, "en"), "item_zh": r.item_name_zh,
                "item_en": r.item_name_en, "period": line.period, "amount": fig(line.amount, 3), "unit": line.unit,
                "source": line.source, "data_quality": line.data_quality, "scope": r.scope, "biomass": r.biomass,
                "metered": line.data_quality == "metered" and line.source.startswith("meters:"),
                "emissions": {v: fig(f.emissions) for v, f in r.figures.items()},
                "uncertainty_pct": fig(r.uncertainty_pct, 1),
            })
        unc = inv.uncertainty
        breakdowns = {k: [{"key": kk, "value": fig(vv)} for kk, vv in sorted(v.items(), key=lambda kv: -abs(kv[1]))]
                      for k, v in inv.breakdowns.items()}
        return {
            "factory": {"id": factory_id, "name_zh": inv.factory_name_zh, "name_en": inv.factory_name_en},
            "year": year, "totals": {k: fig(v) for k, v in inv.totals.__dict__.items()}, "lines": lines,
            "breakdowns": breakdowns, "settings": inv.settings, "factor_library_version": inv.factor_library_version,
            "uncertainty": None if unc is None else {
                "approach1_pct": fig(unc.approach1_pct, 2), "mc_low": unc.mc_low, "mc_high": unc.mc_high,
                "mc_low_pct": unc.mc_low_pct, "mc_high_pct": unc.mc_high_pct, "draws": unc.mc_draws},
            "certificates_applied": inv.certificates_applied,
            "certificates_excluded": [{"serial": c.serial, "mwh": str(c.mwh), "reason_zh": c.reason_zh,
                                       "reason_en": c.reason_en} for c in inv.certificates_excluded],
            "warnings": inv.warnings, "comparison": run.comparison,
        }
    return _cached("inventory_table", url, factory_id, year, compute)


_METERS_IN_SOURCE = re.compile(r"^meters: ([^()]+?)(?: \(virtual (\S+) = (.*)\))?$")


def line_trace(factory_id: str, year: int, line_id: str, url: str | None = None) -> dict[str, Any]:
    """The derivation of one inventory line: activity data and where it was read, every view's formula,
    intermediate values and factors with their source documents, the uncertainty parts, the text a
    verifier re-checks by hand (zh and en), and for a metered line the meters and readings behind it."""
    def compute() -> dict[str, Any]:
        run = inventory_run(factory_id, year, url)
        try:
            result = run.inventory.line(line_id)
        except KeyError:
            raise InputError(f"{year} 年没有编号为 {line_id} 的活动数据行", f"no activity line {line_id} in {year}",
                             field="line") from None
        out = result.to_dict()
        out["location"] = run.loaded.locations.get(line_id, {})
        out["note"] = result.line.note
        out["explain"] = {"zh": explain_line(run, line_id, "zh"), "en": explain_line(run, line_id, "en")}
        out["category_zh"] = category_name(result.category, "zh")
        out["category_en"] = category_name(result.category, "en")
        out["emissions_display"] = {v: fig(f.emissions) for v, f in result.figures.items()}
        out["uncertainty_display"] = fig(result.uncertainty_pct, 2)
        out["meters"] = _metered_evidence(factory_id, result, url)
        return out
    return _cached("trace", url, factory_id, year, compute, line_id)


def _metered_evidence(factory_id: str, result: LineResult, url: str | None) -> dict[str, Any] | None:
    line = result.line
    match = _METERS_IN_SOURCE.match(line.source or "")
    if line.data_quality != "metered" or match is None:
        return None
    codes = [c.strip() for c in match.group(1).split(",") if c.strip()]
    fm = _factory_meters(factory_id, url)
    rows = {str(m["code"]): m for m in fm.meters.to_pylist()}
    codes = [c for c in codes if c in rows]
    if not codes:
        return None
    start, end = period_bounds(line.period, fm.timezone)
    iv, readings = _intervals(fm, codes, start, end, url)
    meters = []
    for code in codes:
        m = rows[code]
        mid = int(m["meter_id"])
        step = int(m["interval_seconds"])
        raw = _readings_of(readings, mid, start, end + step)
        vals = iv.values.filter(pc.equal(iv.values["meter_id"], mid))
        daily = rollup_time(vals.select(["meter_id", "ts", "ts_end", "value", "flags"]), "day", tz=fm.timezone) \
            if vals.num_rows else None
        gaps = iv.gaps.filter(pc.equal(iv.gaps["meter_id"], mid)).to_pylist()
        head = raw.slice(0, LIST_LIMIT).to_pylist()
        meters.append({
            "code": code, "unit": m["unit"], "energy_unit": m["energy_unit"], "register_kind": m["register_kind"],
            "multiplier": m["multiplier"], "interval_seconds": step,
            "readings_count": raw.num_rows,
            "readings": [{"time": _local(r["ts"], fm.timezone), "value": r["value"], "flags": r["flags"]}
                         for r in head],
            "readings_truncated": raw.num_rows > LIST_LIMIT,
            "intervals": int(vals.num_rows),
            "estimated": sum(1 for f in vals["flags"].to_pylist() if int(f or 0) & FLAG_ESTIMATED),
            "interval_sum": sum((v for v in vals["value"].to_pylist() if v is not None), 0.0),
            "daily": [] if daily is None else [
                {"day": d["period"], "value": d["value"], "n_intervals": d["n_intervals"],
                 "n_estimated": d["n_estimated"]} for d in daily.to_pylist()],
            "gaps": [{"start": _local(g["start"], fm.timezone), "end": _local(g["end"], fm.timezone),
                      "count": int(g["count"]), "estimated": int(g["estimated"])} for g in gaps],
        })
    return {"period": line.period, "start": _local(start, fm.timezone), "end": _local(end, fm.timezone),
            "timezone": fm.timezone, "virtual": match.group(2), "formula": match.group(3), "meters": meters,
            "engine_note": line.note, "amount": str(line.amount), "unit": line.unit}


# ---------------------------------------------------------------------------------- data quality
def _rejected_filter(factory_id: str) -> Any:
    """Rejected records of a factory: its file batches (name ``<factory>:<path>``) and its MQTT topics."""
    b, r = s.batches, s.rejected
    like_id = factory_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return (b.c.name.like(f"{like_id}:%", escape="\\")) | (r.c.location.like(f"zerocarbon/{like_id}/%", escape="\\"))


def data_quality(factory_id: str, year: int, url: str | None = None) -> dict[str, Any]:
    """Missing intervals (per meter, as runs), estimated intervals, readings not used, rejected records,
    dead letters and the inventory's warnings, for the year."""
    def compute() -> dict[str, Any]:
        fm = _factory_meters(factory_id, url)
        tz = fm.timezone
        my = metered_year(factory_id, year, url, estimate="linear", power_as_energy=True)
        now = int(time.time())
        codes = {int(r["meter_id"]): str(r["code"]) for r in fm.meters.to_pylist()}
        steps = {int(r["meter_id"]): int(r["interval_seconds"]) for r in fm.meters.to_pylist()}
        per_meter: dict[str, dict[str, Any]] = {}
        horizon = min(my.end, now)
        for mid, code in codes.items():
            if mid not in steps:
                continue
            per_meter[code] = {"meter": code, "missing": 0, "estimated": 0, "gaps": 0,
                               "expected": max(0, (horizon - my.start) // steps[mid]), "unused": 0}
        gap_rows = []
        for g in my.intervals.gaps.to_pylist():
            if int(g["start"]) >= now:
                continue  # the future is not missing
            code = codes.get(int(g["meter_id"]), str(g["meter_id"]))
            count = int(g["count"]) if int(g["end"]) <= now else max(0, (now - int(g["start"])) //
                                                                       steps.get(int(g["meter_id"]), 900))
            entry = per_meter.setdefault(code, {"meter": code, "missing": 0, "estimated": 0, "gaps": 0,
                                                "expected": 0, "unused": 0})
            entry["missing"] += count
            entry["estimated"] += int(g["estimated"])
            entry["gaps"] += 1
            gap_rows.append({"meter": code, "start": _local(g["start"], tz), "end": _local(g["end"], tz),
                             "count": count, "estimated": int(g["estimated"])})
        unused = []
        for u in my.intervals.unused.to_pylist():
            code = codes.get(int(u["meter_id"]), str(u["meter_id"]))
            per_meter.setdefault(code, {"meter": code, "missing": 0, "estimated": 0, "gaps": 0, "expected": 0,
                                        "unused": 0})["unused"] += int(u["count"] or 1)
            unused.append({"meter": code, "time": _local(u["ts"], tz) if u["ts"] is not None else None,
                           "reason": u["reason"], "count": int(u["count"] or 1)})
        del my
        for entry in per_meter.values():
            exp = entry["expected"]
            entry["completeness_pct"] = round(100.0 * (exp - entry["missing"]) / exp, 3) if exp else None
        b, r = s.batches, s.rejected
        cond = _rejected_filter(factory_id)
        joined = r.outerjoin(b, b.c.id == r.c.batch_id)
        with transaction(url) as conn:
            n_rejected = int(conn.execute(select(func.count()).select_from(joined).where(cond)).scalar() or 0)
            rejected_rows = conn.execute(
                select(r.c.id, r.c.batch_id, r.c.source, r.c.location, r.c.field, r.c.reason, r.c.raw,
                       r.c.created_at).select_from(joined).where(cond).order_by(r.c.id.desc()).limit(LIST_LIMIT)
            ).mappings().all()
            reasons = conn.execute(select(r.c.reason, func.count()).select_from(joined).where(cond)
                                   .group_by(r.c.reason).order_by(func.count().desc()).limit(20)).all()
            d = s.dead_letters
            like_id = factory_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            dcond = d.c.topic.like(f"zerocarbon/{like_id}/%", escape="\\")
            n_dead = int(conn.execute(select(func.count()).select_from(d).where(dcond)).scalar() or 0)
            dead_rows = conn.execute(select(d.c.id, d.c.received_at, d.c.topic, d.c.payload, d.c.reason)
                                     .where(dcond).order_by(d.c.id.desc()).limit(LIST_LIMIT)).mappings().all()
        try:
            warnings = inventory_run(factory_id, year, url).inventory.warnings
        except ZerocarbonError as exc:
            warnings = [exc.message("en")]
        meters = sorted(per_meter.values(), key=lambda e: (-e["missing"], e["meter"]))
        return {
            "year": year, "timezone": tz,
            "summary": {"missing_intervals": sum(e["missing"] for e in meters),
                        "estimated_intervals": sum(e["estimated"] for e in meters),
                        "gaps": len(gap_rows), "unused": sum(u["count"] for u in unused),
                        "rejected_records": n_rejected, "dead_letters": n_dead, "warnings": len(warnings),
                        "meters_with_gaps": sum(1 for e in meters if e["missing"])},
            "meters": meters, "gaps": gap_rows[:LIST_LIMIT * 5], "unused": unused[:LIST_LIMIT],
            "rejected": [{**dict(row), "created_at": _local(row["created_at"], tz)} for row in rejected_rows],
            "rejected_reasons": [{"reason": str(k), "count": int(v)} for k, v in reasons],
            "dead_letters": [{"id": row["id"], "received_at": _local(row["received_at"], tz), "topic": row["topic"],
                              "payload": str(row["payload"])[:500], "reason": row["reason"]} for row in dead_rows],
            "warnings": warnings,
        }
    return _cached("quality", url, factory_id, year, compute)


def data_quality_summary(factory_id: str, year: int, url: str | None = None) -> dict[str, Any]:
    """The alerts the overview shows (one per kind of problem, with its count)."""
    q = data_quality(factory_id, year, url)
    sm = q["summary"]
    alerts = []
    for key, level in (("missing_intervals", "warn"), ("estimated_intervals", "info"), ("unused", "warn"),
                       ("rejected_records", "warn"), ("dead_letters", "error"), ("warnings", "info")):
        if sm[key]:
            alerts.append({"kind": key, "level": level, "count": sm[key]})
    return {"summary": sm, "alerts": alerts}


# ---------------------------------------------------------------------------------------- reports
def reports(factory_id: str, year: int, url: str | None = None) -> dict[str, Any]:
    """The periods a report can be downloaded for (the year and its months with data) and the API paths."""
    run = inventory_run(factory_id, year, url)
    periods = [str(year), *_months(run.inventory)]
    return {"year": year, "periods": [
        {"period": p, "formats": {fmt: f"/api/v1/factories/{factory_id}/reports/{p}.{fmt}"
                                  for fmt in ("html", "xlsx", "json")}} for p in periods]}


# -------------------------------------------------------------------------------------- portfolio
def portfolio(factory_ids: Iterable[str], year: int | None = None, url: str | None = None) -> dict[str, Any]:
    """One row per factory (totals, intensity, renewable share, change against its base year, data
    completeness, alerts), ranked by total emissions (largest first) for the chosen year.

    ``year`` None takes the newest year with data of any of the factories (:func:`data_year`). A
    factory whose inventory cannot be computed for the year is listed with the reason instead of figures.
    """
    ids = sorted(set(factory_ids))
    info = {f["id"]: f for f in factories(url) if f["id"] in set(ids)}
    if year is None:
        years = [y for y in (data_year(f, url) for f in ids if f in info) if y is not None]
        year = max(years) if years else datetime.now(ZoneInfo("Asia/Shanghai")).year
    rows: list[dict[str, Any]] = []
    for fid in ids:
        if fid not in info:
            continue
        base = {"id": fid, "name_zh": info[fid]["name_zh"], "name_en": info[fid]["name_en"] or info[fid]["name_zh"],
                "province": info[fid]["province"]}
        try:
            ov = overview(fid, year, url)
            q = data_quality(fid, year, url)
        except ZerocarbonError as exc:
            rows.append({**base, "error": {"zh": exc.message("zh"), "en": exc.message("en")}})
            continue
        completeness = [m["completeness_pct"] for m in q["meters"] if m["completeness_pct"] is not None]
        rows.append({
            **base, "total": ov["totals"]["gbt32150_total"], "scope1": ov["totals"]["scope1"],
            "scope2_location": ov["totals"]["scope2_location"], "scope2_market": ov["totals"]["scope2_market"],
            "months_with_data": len(ov["months_with_data"]),
            "intensity": ov["intensities"][0] if ov["intensities"] else None,
            "renewable_share_pct": ov["renewables"]["share_pct"],
            "reduction_vs_base_pct": ov["progress"].get("reduction_pct") if ov["progress"]["available"] else None,
            "base_year": ov["progress"]["base_year"],
            "completeness_pct": round(min(completeness), 3) if completeness else None,
            "alerts": sum(a["count"] for a in ov["alerts"] if a["level"] != "info"),
        })
    ranked = sorted((r for r in rows if "total" in r), key=lambda r: -Decimal(r["total"]["value"]))
    for i, r in enumerate(ranked, 1):
        r["rank"] = i
    provinces = sorted({str(r["province"]) for r in rows})
    total = sum((Decimal(r["total"]["value"]) for r in ranked), ZERO)
    return {"year": year, "factories": [*ranked, *(r for r in rows if "total" not in r)],
            "provinces": provinces, "total": fig(total), "count": len(rows)}

