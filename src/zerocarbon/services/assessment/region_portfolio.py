"""Use case: the regional view (portfolio) of a region layout, from the engines' metered totals
(``zerocarbon region assess --portfolio FILE``).

    region layout → metered monthly totals per meter (DuckDB or Spark, :mod:`region_engine`)
        → per factory: a metered year (:class:`~zerocarbon.timeseries.year.MeteredYear`) of those totals
        → the inventory (:func:`zerocarbon.services.inventory.runs.run_store_inventory`, with the factory's declared
          file when the layout carries one) → its evaluation and row (:func:`region.factory_row`)
        → the portfolio (:func:`region.portfolio`): the dict :func:`region.evaluate_region` returns

Only the interval arithmetic runs on the engine; the activity lines, the inventory under every regime, the
indicators and the verdict are the accounting core's, the same functions ``zerocarbon region view`` runs on a
store. So the portfolio has the shape of the regional view: ``write_region_xlsx`` writes it, the dashboard's
region page model takes it. The store's view evaluates with counter gaps filled linearly
(:func:`zerocarbon.services.inventory.cached.metered`): assess with ``estimate="linear"`` for the same figures.

Virtual meters come from the engine too (:mod:`zerocarbon.timeseries.virtual_sql`), ``sum(children)`` expanded
through the layout's node tree. What a layout cannot give is the factory's located error, never a silent figure: a
formula with ``sum(children)`` in a layout written before the node tree was exported (no nodes;
:func:`~zerocarbon.timeseries.year.virtual_inputs` refuses it by meter).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from zerocarbon.services.assessment.region import factory_row, portfolio
from zerocarbon.services.assessment.region_engine import Layout, RegionTotals
from zerocarbon.services.inventory.runs import InventoryRun, run_store_inventory
from zerocarbon.timeseries.carbon import year_bounds
from zerocarbon.timeseries.year import FactoryMeters, MeteredYear, virtual_inputs

Progress = Callable[[int, int, str], None]
_MONTHLY = ("meter_id", "period", "ts", "ts_end", "value", "value_exact", "n_intervals", "n_null", "n_estimated",
            "flags")


def metered_year_of(totals: RegionTotals, fm: FactoryMeters) -> MeteredYear:
    """The factory's metered year made of the engine's monthly totals (real and virtual meters).

    ``value`` (float) is the exact total as a float; a month with intervals but no exact total gets NaN, so the
    activity lines refuse it by name as they do on a store (more than 6 decimals).
    """
    mine = totals.monthly.filter(pc.equal(totals.monthly["factory_id"], fm.factory_id))
    exact = mine["value_exact"].to_pylist()
    counts = mine["n_intervals"].to_pylist()
    value = pa.array([None if n == 0 else float("nan") if v is None else float(v) for v, n in
                      zip(exact, counts, strict=True)], pa.float64())
    monthly = mine.append_column("value", value).select(list(_MONTHLY))

    def own(t: pa.Table) -> pa.Table:
        return t.filter(pc.equal(t["factory_id"], fm.factory_id)).drop_columns(["factory_id"])

    start, end = year_bounds(totals.year, fm.timezone)
    return MeteredYear(factory=fm, year=totals.year, start=start, end=end, estimate=totals.estimate,
                       gaps=own(totals.gaps), unused=own(totals.unused), virtual=virtual_inputs(fm),
                       monthly_values=monthly)


def factory_run(totals: RegionTotals, layout: Layout, fm: FactoryMeters) -> InventoryRun:
    """The factory's inventory run from the engine's totals and the layout's declared file (when it has one)."""
    return run_store_inventory(fm.factory_id, totals.year, declared=layout.declared.get(fm.factory_id),
                               estimate=totals.estimate, metered=metered_year_of(totals, fm))


def region_portfolio(totals: RegionTotals, layout: Layout, *, progress: Progress | None = None) -> dict[str, Any]:
    """The regional view of every factory of ``layout`` assessed in ``totals``; ``progress(done, total, id)`` after
    each factory. A factory's problem is its row's located error."""
    done = {r["factory_id"] for r in totals.factories}
    chosen = [fm for fm in layout.factories if fm.factory_id in done]
    rows = []
    for n, fm in enumerate(chosen, start=1):
        rows.append(factory_row({"id": fm.factory_id, "name_zh": fm.name_zh, "name_en": fm.name_en,
                                 "province": fm.province}, partial(factory_run, totals, layout, fm)))
        if progress is not None:
            progress(n, len(chosen), fm.factory_id)
    provinces = {fm.province for fm in chosen}
    out = portfolio(rows, totals.year, provinces.pop() if len(provinces) == 1 else None)
    out["source"] = {"engine": totals.engine, "estimate": totals.estimate, "layout": str(layout.root),
                     "year": totals.year, "metered_seconds": round(totals.seconds, 3),
                     "computed_at": datetime.now(UTC).isoformat(timespec="seconds")}
    return out


def plain(result: dict[str, Any]) -> dict[str, Any]:
    """``result`` with any Decimal as its string (JSON)."""
    def conv(v: Any) -> Any:
        if isinstance(v, Decimal):
            return str(v)
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        if isinstance(v, list):
            return [conv(x) for x in v]
        return v
    return conv(result)  # type: ignore[no-any-return]
