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
requests for the same missing entry compute it once (the others wait for it)."""

from __future__ import annotations

from zerocarbon.services.dashboard._base import (
    DECLARED_DIR_ENV,
    cache_clear,
    cache_stats,
    data_year,
    declared_file,
    default_year,
    factories,
    fig,
    inventory_run,
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
from zerocarbon.services.dashboard.quality import (
    data_quality,
    data_quality_summary,
    portfolio,
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
    "data_quality",
    "data_quality_summary",
    "data_year",
    "declared_file",
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
    "overview",
    "portfolio",
    "progress",
    "renewable_share",
    "reports",
    "store_version",
]
