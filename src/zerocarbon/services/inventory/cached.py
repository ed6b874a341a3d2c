"""Use case: the year of a factory as every face shows it, computed once per store version (cached).

    factory meters (store) → metered year (:mod:`zerocarbon.services.metering.rollups`, kept per meter-month)
        → inventory run with the declared file (:func:`zerocarbon.services.inventory.runs.run_store_inventory`)

The API (:func:`zerocarbon.services.inventory.compute.factory_inventory`), the reports and the
dashboard's read models (:mod:`zerocarbon.services.dashboard`) take the year from here, so they show
the same figures and a year is computed once. Results are kept in memory per (kind, store, factory,
period, store data version, declared file and its modification time): the data version is
:func:`zerocarbon.store.audit.data_version` (see :mod:`zerocarbon.services.dashboard` for why it
changes with every write that can change a figure). Concurrent requests for the same missing entry
compute it once (the others wait for it).

A caller that reports progress (the dashboard) hands in ``tracking``, a function returning a
context manager that yields ``report(stage, done, total)``; the stages are ``meters`` (meters done
of all) and ``engine``.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

from zerocarbon.services.inventory import declared as uploads
from zerocarbon.services.inventory.runs import InventoryRun, run_store_inventory
from zerocarbon.services.metering.rollups import kept_year
from zerocarbon.services.metering.year import FactoryMeters, MeteredYear, load_factory_meters
from zerocarbon.store import audit
from zerocarbon.store.db import database_url

T = TypeVar("T")
#: report(stage, done, total)
Report = Callable[[str, int, int], None]
#: () → a context manager yielding a :data:`Report` while a computation runs
Tracking = Callable[[], AbstractContextManager[Report]]

#: Directory of declared activity files, one per factory: ``<factory id>.yaml|.yml|.json|.xlsx``.
DECLARED_DIR_ENV = "ZEROCARBON_DECLARED_DIR"
_DECLARED_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")
_SAFE_ID = re.compile(r"^[A-Za-z0-9_.\-]+$")


class ResultCache:
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

    def __len__(self) -> int:
        return len(self._data)


#: Factory meters, metered years and year runs: few and expensive.
YEARS = ResultCache(256)


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


def cache_key(kind: str, url: str | None, factory_id: str, period: object, *extra: Hashable) -> tuple[Hashable, ...]:
    """The key of a cached result: kind, store, factory, period, store data version, declared file and mtime."""
    target = database_url(url)
    declared = declared_file(factory_id, target)
    mtime = declared.stat().st_mtime_ns if declared is not None else 0
    return (kind, target, factory_id, str(period), audit.data_version(target), str(declared), mtime, *extra)


@contextmanager
def _untracked() -> Iterator[Report]:
    yield lambda _stage, _done, _total: None


def factory_meters(factory_id: str, url: str | None = None) -> FactoryMeters:
    """The factory's meters, nodes and meter events (cached per store version)."""
    return YEARS.get(cache_key("meters", url, factory_id, ""), lambda: load_factory_meters(factory_id, url))


def metered(factory_id: str, year: int, url: str | None = None, *, power_as_energy: bool = False,
            tracking: Tracking | None = None) -> MeteredYear:
    """The factory's metered year, gaps filled linearly (cached): from the roll-ups kept in the store
    per meter and month, recomputed only where data changed since
    (:func:`zerocarbon.services.metering.rollups.kept_year`); it serves the inventory and the
    data-quality page. ``power_as_energy`` only matters (and only makes
    a second pass) when the factory has power registers. Progress: the stage ``meters``."""
    fm = factory_meters(factory_id, url)
    power = power_as_energy and "instantaneous" in fm.meters["register_kind"].to_pylist()

    def compute() -> MeteredYear:
        with (tracking or _untracked)() as report:
            return kept_year(factory_id, year, url, estimate="linear", power_as_energy=power,
                             progress=lambda done, total: report("meters", done, total), factory=fm)
    return YEARS.get(cache_key("metered", url, factory_id, year, power), compute)


def year_run(factory_id: str, year: int, url: str | None = None, *, tracking: Tracking | None = None) -> InventoryRun:
    """The year's inventory as the engine computes it (cached): ``run_store_inventory`` with the declared
    file, on the cached metered year. Progress: stage ``meters``, then ``engine``."""
    def compute() -> InventoryRun:
        with (tracking or _untracked)() as report:
            measured = metered(factory_id, year, url, tracking=tracking)
            report("engine", 0, 1)
            return run_store_inventory(factory_id, year, url=url, declared=declared_file(factory_id, url),
                                       metered=measured)
    return YEARS.get(cache_key("inventory", url, factory_id, year), compute)


def clear() -> None:
    """Forget every cached year (tests; a changed factor library)."""
    YEARS.clear()
