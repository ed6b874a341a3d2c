"""Dashboard data: overview, emissions over time, renewable share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

# the engine's one sum of line results into totals (private to accounting, which has no public name for it)
from zerocarbon.accounting.inventory import totals_of as engine_totals
from zerocarbon.accounting.results import Inventory, Totals
from zerocarbon.model.inventory_input import SCOPE1
from zerocarbon.model.period import Period
from zerocarbon.renewables.share import renewable_share as core_renewable_share
from zerocarbon.reports.content import category_name
from zerocarbon.services.dashboard._base import (
    ZERO,
    _cached,
    _facility_names,
    _factory_row,
    _months,
    _periods,
    declared_file,
    fig,
    inventory_run,
)
from zerocarbon.services.dashboard.quality import data_quality_summary, localised_warnings
from zerocarbon.services.inventory.runs import InventoryRun

#: The scope figures the overview shows, for the year and for its month [tCO2e].
SCOPE_KEYS = ("scope1", "scope2_location", "scope2_market")


# ------------------------------------------------------------------------------------- renewables
def renewable_share(inv: Inventory) -> dict[str, Any]:
    """The renewable share of electricity consumed [%] and its parts [MWh], formatted for display.

    The figure, its formula and derivation are :func:`zerocarbon.renewables.share.renewable_share`'s.
    """
    r = core_renewable_share(inv)
    return {
        "share_pct": fig(r.share_pct, 1), "renewable_mwh": fig(r.renewable_mwh), "consumed_mwh": fig(r.consumed_mwh),
        "parts": {"onsite_consumed_mwh": fig(r.onsite_consumed_mwh),
                  "onsite_generated_mwh": fig(r.onsite_generated_mwh), "exported_mwh": fig(r.exported_mwh),
                  "green_power_mwh": fig(r.green_power_mwh),
                  "certificates_mwh": fig(r.certificates_mwh), "grid_mwh": fig(r.grid_mwh)},
        "formula": r.formula,
        "derivation": r.derivation,
    }


# ---------------------------------------------------------------------------------------- progress
#: How the dashboard labels progress toward zero; the figure is −pct of compare_years' vs_base change.
PROGRESS_FORMULA = "(E_base − E_year) / E_base × 100  (GB/T 32150 view)"


def progress_toward_zero(run: InventoryRun, months_with_data: int) -> dict[str, Any]:
    """Progress against the base year, from the engine's year comparison (``run.comparison``).

    :func:`zerocarbon.accounting.inventory.compare_years` gives the change of the GB/T 32150 total
    against the base year (``delta`` = E_year − E_base, ``pct`` = delta / E_base × 100; a reduction is
    negative). The dashboard shows the reduction as a positive progress: ``reduction_pct`` = −pct,
    ``change`` = delta. This is a relabelling of that figure, not another computation.
    """
    base_year = run.data.factory.base_year
    out: dict[str, Any] = {"base_year": base_year, "available": False}
    vs_base = run.comparison.get("vs_base", {})
    change = vs_base.get(str(run.year)) if isinstance(vs_base, dict) else None
    if base_year is None or change is None:
        return out
    total = change["gbt32150_total"]
    pct = total["pct"]
    out.update({
        "available": True, "base_total": fig(Decimal(total["from"])), "current_total": fig(Decimal(total["to"])),
        "change": fig(Decimal(total["delta"])),
        "reduction_pct": fig(ZERO - Decimal(pct) if pct is not None else None, 1),
        "months_with_data": months_with_data,
        "formula": PROGRESS_FORMULA,
    })
    return out


# --------------------------------------------------------------------------------------- overview
def overview_month(year: int, months: list[str], now: datetime) -> str | None:
    """The month the overview shows beside ``year`` (``YYYY-MM``).

    The current month if ``year`` is the current year (``now``, factory-local time), whether or not
    it has data yet; otherwise the latest month of ``year`` with data (``months``, sorted), or None
    when the year has no monthly data.
    """
    if now.year == year:
        return f"{year}-{now.month:02d}"
    return months[-1] if months else None


def month_totals(run: InventoryRun, month: str) -> Totals:
    """The engine's totals of one month of the run's year, from the year's own line results.

    The engine's month inventory (``compute_inventory(month=...)``, as ``run_store_inventory(month=...)``)
    computes every line for the year, certificates allocated over the year, then totals the month's
    lines in the year's order; the year run has already computed those lines, so the month's totals
    are the same sums of the same line results, to the digit, without computing the year again.
    """
    period = str(Period.parse(month))
    return engine_totals([r for r in run.inventory.lines if r.line.period == period])


def _scopes(totals: Totals | None) -> dict[str, dict[str, str | None]]:
    return {k: fig(getattr(totals, k) if totals is not None else None) for k in SCOPE_KEYS}


def overview(factory_id: str, year: int, url: str | None = None) -> dict[str, Any]:
    """The overview page: headline totals of the year and of one month (see :func:`overview_month`),
    scope 1 and scope 2 (location- and market-based) of both, intensities, renewable share, progress
    against the base year and data-quality alerts.

    Month figures come from the engine's inventory of that month (:func:`month_totals`); they are
    None (shown "—") for a current month without data yet. Lines stated for the whole year belong to
    no month: the months of a year need not add up to it.
    """
    tz = str(_factory_row(factory_id, url)["timezone"] or "Asia/Shanghai")
    now = datetime.now(ZoneInfo(tz))

    def compute() -> dict[str, Any]:
        run = inventory_run(factory_id, year, url)
        inv = run.inventory
        months = _months(inv)
        month = overview_month(year, months, now)
        month_tot = month_totals(run, month) if month in months else None
        progress = progress_toward_zero(run, len(months))
        quality = data_quality_summary(factory_id, year, url)
        return {
            "factory": {"id": factory_id, "name_zh": inv.factory_name_zh, "name_en": inv.factory_name_en},
            "year": year, "period": str(year), "month": month, "months_with_data": months,
            "month_is_current": now.year == year,
            "declared_file": declared_file(factory_id, url) is not None,
            "totals": {k: fig(v) for k, v in inv.totals.__dict__.items()},
            "month_total": fig(month_tot.gbt32150_total if month_tot is not None else None),
            "scopes": _scopes(inv.totals),
            "month_scopes": _scopes(month_tot),
            "intensities": [{
                "product": i.product, "name_zh": i.name_zh, "name_en": i.name_en, "unit": i.unit,
                "output": fig(i.output, 0), "emissions": fig(i.emissions),
                "intensity": fig(i.intensity, 4), "derivation": i.derivation} for i in inv.intensities],
            "renewables": renewable_share(inv),
            "progress": progress,
            # a year stated as a whole (a base year from annual ledgers) is one bar, labelled as the year
            "monthly": [{"period": p, "total": fig(inv.breakdowns["period"][p]), "annual": p not in months}
                        for p in (months or _periods(inv))],
            "annual_only": not months and bool(inv.lines),
            "meters_in_place": quality["meters_in_place"],
            "alerts": quality["alerts"],
            "warnings": localised_warnings(inv.warnings),
            "factor_library_version": inv.factor_library_version,
        }
    # The month shown moves with the calendar, not only with the data: it is part of the key.
    return _cached("overview", url, factory_id, year, compute, f"{now.year}-{now.month:02d}")


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


