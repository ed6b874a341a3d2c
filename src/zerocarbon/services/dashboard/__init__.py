"""Data of the dashboard pages: read models that select, label and format the engine's results.

No figure is defined here. Every figure is the core's, computed by the service functions the CLI
and the API call:

* the inventory: :func:`zerocarbon.services.inventory.runs.run_store_inventory` (meters in the
  store, plus the factory's declared activity file when one is configured, see :func:`declared_file`);
* energy: :func:`zerocarbon.energy.uses.line_energy_use` (the energy uses per carrier) and
  :func:`zerocarbon.energy.comprehensive.comprehensive_energy` (GB/T 2589);
* meter intervals: :func:`zerocarbon.timeseries.intervals.interval_consumption`;
* the **renewable share of electricity** [%] with its parts [MWh], formula and derivation:
  :func:`zerocarbon.renewables.share.renewable_share`;
* emissions and energy **per unit of product**: the one allocation rule of
  :func:`zerocarbon.footprint.allocation.allocate` (the inventory's ``intensities``);
* **progress toward zero**: the change against the base year of
  :func:`zerocarbon.accounting.inventory.compare_years` (``delta`` = E_year − E_base, ``pct`` =
  delta / E_base × 100, a reduction is negative). The overview relabels it as a positive
  reduction, ``reduction_pct`` = −pct = (E_base − E_year) / E_base × 100 (GB/T 32150 view), and
  computes nothing else (:func:`~zerocarbon.services.dashboard.views.progress_toward_zero`).

The read models group the engine's line figures (sums in Decimal) for charts and tables; the
browser only formats what it receives. They read the store only through its repositories
(:mod:`zerocarbon.store.factories`, :mod:`zerocarbon.store.readings`, :mod:`zerocarbon.store.audit`)
and the metering services.

Caching
-------
Results are cached in memory per (function, store, factory, period, store data version). The
version (:func:`store_version`) is :func:`zerocarbon.store.audit.data_version`: the newest entry of
the audit chain that is not about identity. Every write that can change a figure is audited in its
own transaction (a factory set-up with its meters, meter events and production, a batch of
readings opened and closed with its rejected records, a correction, dead letters, a declared
file), so the version changes with each of them; while a batch of readings is still being written
the version also changes every few seconds. The declared file's path and modification time are
part of the key as well (a file in ``$ZEROCARBON_DECLARED_DIR`` is not in the store). Figures are
therefore never stale, and an unchanged store is answered from memory. Concurrent requests for the
same missing entry compute it once (the others wait for it)."""

from __future__ import annotations

from zerocarbon.services.dashboard._base import (
    DECLARED_DIR_ENV,
    cache_clear,
    cache_stats,
    check_year,
    data_year,
    data_years,
    declared_file,
    declared_years,
    default_year,
    factories,
    fig,
    inventory_run,
    metered_years,
    progress,
    store_version,
)
from zerocarbon.services.dashboard.energy import (
    energy_sankey,
)
from zerocarbon.services.dashboard.meters import (
    inventory_table,
    line_trace,
    meter_list,
    meter_series,
)
from zerocarbon.services.dashboard.portfolio import portfolio
from zerocarbon.services.dashboard.quality import (
    data_quality,
    data_quality_summary,
    reports,
)
from zerocarbon.services.dashboard.views import (
    emissions_series,
    overview,
    renewable_share,
)

__all__ = [
    "DECLARED_DIR_ENV",
    "cache_clear",
    "cache_stats",
    "check_year",
    "data_quality",
    "data_quality_summary",
    "data_year",
    "data_years",
    "declared_file",
    "declared_years",
    "default_year",
    "emissions_series",
    "energy_sankey",
    "factories",
    "fig",
    "inventory_run",
    "inventory_table",
    "line_trace",
    "meter_list",
    "meter_series",
    "metered_years",
    "overview",
    "portfolio",
    "progress",
    "renewable_share",
    "reports",
    "store_version",
]
