"""Shared parts of the dashboard data: cache keyed by the store's data version, helpers, inventory runs.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from zerocarbon.accounting.results import Inventory, plain
from zerocarbon.errors import InputError
from zerocarbon.model.period import Period
from zerocarbon.services.dashboard import progress as work_progress
from zerocarbon.services.inventory import declared as uploads
from zerocarbon.services.inventory.runs import InventoryRun, run_store_inventory
from zerocarbon.services.metering.year import FactoryMeters, MeteredYear, load_factory_meters, metered_year
from zerocarbon.store import audit
from zerocarbon.store.db import database_url
from zerocarbon.store.factories import factory_list, factory_record
from zerocarbon.store.readings import latest_reading_time

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
    """The version of the data in the store that figures depend on: :func:`zerocarbon.store.audit.data_version`
    (the newest data entry of the audit chain; see the module docstring). Cheap: two index lookups."""
    return audit.data_version(url)


def _cached(kind: str, url: str | None, factory_id: str, period: object, compute: Callable[[], T],
            *extra: Hashable) -> T:
    target = database_url(url)
    declared = declared_file(factory_id, target)
    mtime = declared.stat().st_mtime_ns if declared is not None else 0
    key = (kind, target, factory_id, str(period), store_version(target), str(declared), mtime, *extra)
    return (_DETAIL_CACHE if kind in _DETAIL_KINDS else _CACHE).get(key, compute)


_DETAIL_KINDS = frozenset({"meter_series", "trace"})


# ----------------------------------------------------------------------------------------- helpers
def declared_file(factory_id: str, url: str | None = None) -> Path | None:
    """The declared activity file of ``factory_id``: the current version uploaded to the store at
    ``url`` (:func:`zerocarbon.services.inventory.declared.current_path`), else the one in
    ``$ZEROCARBON_DECLARED_DIR``, else None.

    Metered flows come from the meters and everything else (fuels bought by invoice, process
    sources, green-power contracts, certificates, production, other years for the base-year
    comparison) from this file, as with ``zerocarbon inventory --factory F --declared FILE``.
    """
    stored = uploads.current_path(factory_id, url)
    if stored is not None:
        return stored
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


def _local(ts: int, tz: str) -> str:
    return datetime.fromtimestamp(int(ts), ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def _factory_row(factory_id: str, url: str | None) -> dict[str, Any]:
    row = factory_record(factory_id, url)
    if row is None:
        raise InputError(f"没有工厂 {factory_id}", f"no factory '{factory_id}' in the store", field="factory_id")
    return row


def factories(url: str | None = None) -> list[dict[str, Any]]:
    """Every factory in the store: id, names, province, time zone."""
    return factory_list(url)


def _factory_meters(factory_id: str, url: str | None) -> FactoryMeters:
    return _cached("meters", url, factory_id, "", lambda: load_factory_meters(factory_id, url))


def _latest_reading(factory_id: str, url: str | None) -> int | None:
    """The newest reading time of the factory's real meters [s, UTC] (one index seek per meter)."""
    fm = _factory_meters(factory_id, url)
    ids = [int(m) for m, v in zip(fm.meters["meter_id"].to_pylist(), fm.meters["is_virtual"].to_pylist(),
                                  strict=True) if not v]
    return latest_reading_time(ids, url)


def data_year(factory_id: str, url: str | None = None) -> int | None:
    """The newest year with data: of the newest meter reading, else the declared file's last year; None without data."""
    def compute() -> int | None:
        fac = _factory_row(factory_id, url)
        latest = _latest_reading(factory_id, url)
        if latest is not None:
            return datetime.fromtimestamp(latest - 1, ZoneInfo(str(fac["timezone"] or "Asia/Shanghai"))).year
        declared = declared_file(factory_id, url)
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


def _work_key(factory_id: str, year: int, url: str | None) -> tuple[str, str, str, int]:
    return ("year", database_url(url), factory_id, int(year))


def progress(factory_id: str, year: int, url: str | None = None) -> dict[str, Any] | None:
    """How far the computation of the factory's year has got (:mod:`zerocarbon.services.dashboard.progress`),
    or None."""
    return work_progress.current(_work_key(factory_id, year, url))


def metered(factory_id: str, year: int, url: str | None = None, *, power_as_energy: bool = False) -> MeteredYear:
    """The factory's metered year, gaps filled linearly (cached): one pass over the year's readings
    serves the inventory and the data-quality page. ``power_as_energy`` only matters (and only
    makes a second pass) when the factory has power registers. Its progress is reported as the
    stage ``meters`` (meters done of all)."""
    fm = _factory_meters(factory_id, url)
    power = power_as_energy and "instantaneous" in fm.meters["register_kind"].to_pylist()

    def compute() -> MeteredYear:
        with work_progress.tracking(_work_key(factory_id, year, url)) as report:
            return metered_year(factory_id, year, url, estimate="linear", power_as_energy=power,
                                progress=lambda done, total: report("meters", done, total))
    return _cached("metered", url, factory_id, year, compute, power)


def inventory_run(factory_id: str, year: int, url: str | None = None) -> InventoryRun:
    """The year's inventory as the engine computes it (cached): ``run_store_inventory`` with the declared
    file, on the cached metered year. Progress: stage ``meters``, then ``engine``."""
    def compute() -> InventoryRun:
        with work_progress.tracking(_work_key(factory_id, year, url)) as report:
            measured = metered(factory_id, year, url)
            report("engine", 0, 1)
            return run_store_inventory(factory_id, year, url=url, declared=declared_file(factory_id, url),
                                       metered=measured)
    return _cached("inventory", url, factory_id, year, compute)


def _facility_names(run: InventoryRun) -> dict[str, tuple[str, str]]:
    return {f.id: (f.name_zh, f.name_en or f.name_zh) for f in run.data.factory.facilities}


def _months(inv: Inventory) -> list[str]:
    return sorted((p for p in inv.breakdowns["period"] if Period.parse(p).is_month), key=Period.parse)


def _periods(inv: Inventory) -> list[str]:
    """Months with data, then any whole-year period (lines not split by month)."""
    months = _months(inv)
    annual = sorted({r.line.period for r in inv.lines if not Period.parse(r.line.period).is_month})
    return months + annual

