"""Use case: load a factory's metered year from the store, once, and hand it to the core.

    store (meters, nodes, events) → :class:`~zerocarbon.timeseries.year.FactoryMeters`
    store (readings, a DuckDB view per chunk of meters) → :func:`zerocarbon.timeseries.year.scan_year`
        → :class:`~zerocarbon.timeseries.year.MeteredYear` (a plain value)

The chunked scan, the roll-ups and the value itself live in the core
(:mod:`zerocarbon.timeseries.year`); this module only wires the store's reader into it.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pyarrow as pa

from zerocarbon.errors import InputError
from zerocarbon.store.factories import load_meters, metering_setup
from zerocarbon.store.readings import register_readings
from zerocarbon.timeseries.intervals import EVENT_SCHEMA, NODE_SCHEMA, Estimate, meter_table
from zerocarbon.timeseries.year import CHUNK_READINGS, FactoryMeters, MeteredYear, scan_year

__all__ = ["CHUNK_READINGS", "FactoryMeters", "MeteredYear", "load_factory_meters", "metered_year"]


def load_factory_meters(factory_id: str, url: str | None = None) -> FactoryMeters:
    """The factory record, its nodes, meters and meter events from the store."""
    fac, node_rows, event_rows = metering_setup(factory_id, url)
    if fac is None:
        raise InputError(f"没有工厂 {factory_id}", f"no factory '{factory_id}' in the store", field="factory_id")
    nodes = pa.table({name: pa.array([r[i] for r in node_rows], NODE_SCHEMA.field(name).type)
                      for i, name in enumerate(NODE_SCHEMA.names)}, schema=NODE_SCHEMA)
    events = pa.table({name: pa.array([r[i] for r in event_rows], EVENT_SCHEMA.field(name).type)
                       for i, name in enumerate(EVENT_SCHEMA.names)}, schema=EVENT_SCHEMA)
    meters = meter_table(load_meters(factory_id, url), nodes)
    return FactoryMeters(factory_id, str(fac["name_zh"]), str(fac["name_en"] or ""), str(fac["province"]),
                         str(fac["timezone"] or "Asia/Shanghai"), meters, nodes, events)


def metered_year(factory_id: str, year: int, url: str | None = None, *, estimate: Estimate | None = None,
                 power_as_energy: bool = False, hourly: bool = False,
                 progress: Callable[[int, int], None] | None = None,
                 factory: FactoryMeters | None = None) -> MeteredYear:
    """Monthly (and with ``hourly=True`` hourly) roll-ups of the factory's meters over the local calendar
    ``year`` (:func:`zerocarbon.timeseries.year.scan_year` on the store's readings).

    ``factory`` is the factory's meters when already loaded (:func:`load_factory_meters`). The result is
    a plain value: with ``hourly=False`` it holds no hourly roll-ups, and
    :meth:`~zerocarbon.timeseries.year.MeteredYear.hourly` raises (it never goes back to the store).
    """
    fm = factory or load_factory_meters(factory_id, url)

    def view(con: duckdb.DuckDBPyConnection, name: str, ids: list[int], start: int, end: int) -> None:
        register_readings(con, name, ids, start, end, url)

    return scan_year(fm, year, estimate=estimate, power_as_energy=power_as_energy, hourly=hourly,
                     progress=progress, view=view)
