"""Shared parts of the dashboard data: cache keyed by the store's data version, helpers, inventory runs.

The year's metered data and inventory come from :mod:`zerocarbon.services.inventory.cached` (the
use case every face shares); the dashboard adds its progress tracking and caches its own read
models with the same key (:func:`zerocarbon.services.inventory.cached.cache_key`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from zerocarbon.accounting.results import Inventory, plain
from zerocarbon.errors import InputError, ZerocarbonError
from zerocarbon.model.period import Period
from zerocarbon.model.vocabulary import place_label
from zerocarbon.services.dashboard import progress as work_progress
from zerocarbon.services.inventory import cached as years
from zerocarbon.services.inventory.cached import DECLARED_DIR_ENV, declared_file
from zerocarbon.services.inventory.cached import ResultCache as _Cache
from zerocarbon.services.inventory.runs import InventoryRun
from zerocarbon.services.metering.year import FactoryMeters, MeteredYear
from zerocarbon.store import audit
from zerocarbon.store.db import database_url
from zerocarbon.store.factories import factory_list, factory_record
from zerocarbon.store.readings import latest_reading_time, read_current

__all__ = ["DECLARED_DIR_ENV", "declared_file"]

ZERO = Decimal(0)
#: Most points a meter series returns at its own interval; longer windows are rolled up.
MAX_POINTS = 4000
#: Longest window of the meter explorer [days].
MAX_WINDOW_DAYS = 367
#: Rows of rejected records / dead letters / raw readings listed (counts are always complete).
LIST_LIMIT = 200

T = TypeVar("T")


# ------------------------------------------------------------------------------------------- cache
#: Results per factory and year (inventories, pages): few and expensive.
_CACHE = _Cache(256)
#: Results per meter window or line (load curves, traces): many and cheap; kept apart so that browsing
#: them never evicts an inventory.
_DETAIL_CACHE = _Cache(1024)


def cache_clear() -> None:
    """Forget every cached result (tests; a changed factor library), the shared years included."""
    _CACHE.clear()
    _DETAIL_CACHE.clear()
    years.clear()


def cache_stats() -> dict[str, dict[str, int]]:
    return {name: {"hits": c.hits, "misses": c.misses, "entries": len(c)}
            for name, c in (("results", _CACHE), ("details", _DETAIL_CACHE), ("years", years.YEARS))}


def store_version(url: str | None = None) -> tuple[int, ...]:
    """The version of the data in the store that figures depend on: :func:`zerocarbon.store.audit.data_version`
    (the newest data entry of the audit chain; see the module docstring). Cheap: two index lookups."""
    return audit.data_version(url)


def _cached(kind: str, url: str | None, factory_id: str, period: object, compute: Callable[[], T],
            *extra: Hashable) -> T:
    key = years.cache_key(kind, url, factory_id, period, *extra)
    return (_DETAIL_CACHE if kind in _DETAIL_KINDS else _CACHE).get(key, compute)


_DETAIL_KINDS = frozenset({"meter_series", "trace"})


# ----------------------------------------------------------------------------------------- helpers
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
    """Every factory in the store: id, names, province (with its zh and en names), time zone."""
    return [{**f, "province_zh": place_label(f["province"], "zh"), "province_en": place_label(f["province"], "en")}
            for f in factory_list(url)]


def _factory_meters(factory_id: str, url: str | None) -> FactoryMeters:
    return years.factory_meters(factory_id, url)


def _latest_reading(factory_id: str, url: str | None) -> int | None:
    """The newest reading time of the factory's real meters [s, UTC] (one index seek per meter)."""
    fm = _factory_meters(factory_id, url)
    ids = [int(m) for m, v in zip(fm.meters["meter_id"].to_pylist(), fm.meters["is_virtual"].to_pylist(),
                                  strict=True) if not v]
    return latest_reading_time(ids, url)


#: How many years before the newest reading are looked at for older metered data.
METERED_YEARS_BACK = 10
#: Meters probed per older year (the earliest valid first): a year with readings of any of them has meter data.
PROBE_METERS = 3


def _year_bounds(year: int, tz: str) -> tuple[int, int]:
    zone = ZoneInfo(tz)
    return (int(datetime(year, 1, 1, tzinfo=zone).timestamp()), int(datetime(year + 1, 1, 1, tzinfo=zone).timestamp()))


def metered_years(factory_id: str, url: str | None = None) -> list[int]:
    """The local calendar years with meter readings, newest first (empty without readings).

    The newest is the year of the newest reading; an older year counts when some of the meters valid
    then (:data:`PROBE_METERS`, the earliest valid first) have readings in it, looked at no further than
    the earliest start of validity / commissioning of the meters and :data:`METERED_YEARS_BACK` years back.
    """
    def compute() -> list[int]:
        fm = _factory_meters(factory_id, url)
        tz = fm.timezone
        latest = _latest_reading(factory_id, url)
        if latest is None:
            return []
        newest = datetime.fromtimestamp(latest - 1, ZoneInfo(tz)).year
        real = [m for m in fm.meters.to_pylist() if not m["is_virtual"]]
        starts = [m["valid_from"] for m in real]
        oldest = newest - METERED_YEARS_BACK
        if real and all(v is not None for v in starts):
            oldest = max(oldest, datetime.fromtimestamp(min(int(v) for v in starts), ZoneInfo(tz)).year)
        out = [newest]
        for year in range(newest - 1, oldest - 1, -1):
            lo, hi = _year_bounds(year, tz)
            valid = sorted((m for m in real if (m["valid_from"] is None or int(m["valid_from"]) < hi)
                            and (m["valid_to"] is None or int(m["valid_to"]) > lo)),
                           key=lambda m: (m["valid_from"] or 0, int(m["meter_id"])))
            ids = [int(m["meter_id"]) for m in valid[:PROBE_METERS]]
            if ids and read_current(ids, lo, hi, url).num_rows:
                out.append(year)
        return out
    return _cached("metered_years", url, factory_id, "", compute)


def declared_years(factory_id: str, url: str | None = None) -> list[int]:
    """The years of the factory's declared activity file (its reporting year, base year …), newest first."""
    def compute() -> list[int]:
        declared = declared_file(factory_id, url)
        if declared is None:
            return []
        from zerocarbon.ingest.activity_file import load_activity_file

        try:
            return sorted({int(y) for y in load_activity_file(declared).data.years()}, reverse=True)
        except ZerocarbonError:
            return []  # the file's own error is shown by the pages of its years
    return _cached("declared_years", url, factory_id, "", compute)


def data_years(factory_id: str, url: str | None = None) -> list[int]:
    """The years with data, declared or metered, newest first: the years the year menu offers."""
    _factory_row(factory_id, url)
    return sorted(set(metered_years(factory_id, url)) | set(declared_years(factory_id, url)), reverse=True)


def data_year(factory_id: str, url: str | None = None) -> int | None:
    """The newest year with data (declared or metered, :func:`data_years`); None without data."""
    years = data_years(factory_id, url)
    return years[0] if years else None


def default_year(factory_id: str, url: str | None = None) -> int:
    """The year the pages open on: :func:`data_year`, else the current year in the factory's time zone."""
    year = data_year(factory_id, url)
    if year is not None:
        return year
    tz = str(_factory_row(factory_id, url)["timezone"] or "Asia/Shanghai")
    return datetime.now(ZoneInfo(tz)).year


def check_year(factory_id: str, year: int, url: str | None = None) -> None:
    """Refuse a year without data (declared or metered) with the years that have some, in both languages."""
    years = data_years(factory_id, url)
    if year in years:
        return
    if not years:
        raise InputError(f"工厂 {factory_id} 尚无数据：请上传申报活动数据文件或接入计量表",
                         f"factory {factory_id} has no data yet: upload its declared activity file or connect "
                         "its meters", details={"years": []})
    listed_zh = "、".join(str(y) for y in years)
    listed_en = ", ".join(str(y) for y in years)
    raise InputError(f"工厂 {factory_id} 在 {year} 年没有数据（有数据的年份：{listed_zh}）",
                     f"factory {factory_id} has no data for {year} (years with data: {listed_en})",
                     details={"years": years})


def _work_key(factory_id: str, year: int, url: str | None) -> tuple[str, str, str, int]:
    return ("year", database_url(url), factory_id, int(year))


def progress(factory_id: str, year: int, url: str | None = None) -> dict[str, Any] | None:
    """How far the computation of the factory's year has got (:mod:`zerocarbon.services.dashboard.progress`),
    or None."""
    return work_progress.current(_work_key(factory_id, year, url))


def metered(factory_id: str, year: int, url: str | None = None, *, power_as_energy: bool = False) -> MeteredYear:
    """The factory's metered year (:func:`zerocarbon.services.inventory.cached.metered`), its progress
    reported as the stage ``meters`` (meters done of all)."""
    return years.metered(factory_id, year, url, power_as_energy=power_as_energy,
                         tracking=lambda: work_progress.tracking(_work_key(factory_id, year, url)))


def inventory_run(factory_id: str, year: int, url: str | None = None) -> InventoryRun:
    """The year's inventory (:func:`zerocarbon.services.inventory.cached.year_run`, cached). Progress:
    stage ``meters``, then ``engine``."""
    return years.year_run(factory_id, year, url,
                          tracking=lambda: work_progress.tracking(_work_key(factory_id, year, url)))


def _facility_names(run: InventoryRun) -> dict[str, tuple[str, str]]:
    return {f.id: (f.name_zh, f.name_en or f.name_zh) for f in run.data.factory.facilities}


def _months(inv: Inventory) -> list[str]:
    return sorted((p for p in inv.breakdowns["period"] if Period.parse(p).is_month), key=Period.parse)


def _periods(inv: Inventory) -> list[str]:
    """Months with data, then any whole-year period (lines not split by month)."""
    months = _months(inv)
    annual = sorted({r.line.period for r in inv.lines if not Period.parse(r.line.period).is_month})
    return months + annual

