"""The inventory of one data year: lines → views → totals, breakdowns, intensities, uncertainty.

Totals (all in tCO2e, each labelled by its view):

* ``gbt32150_total`` = E_comb + E_proc + E_elec,in − E_elec,out + E_heat,in − E_heat,out − R_recovered
  (GB/T 32150; biomass CO2 excluded and reported separately).
* ``scope1`` = combustion + process (direct) emissions, non-biomass; recovery is a memo item.
* ``scope2_location`` / ``scope2_market`` = purchased electricity and heat by the grid-average factor,
  and by contractual instruments with the residual factor for the rest. Exports are not netted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

from zerocarbon.accounting import notices
from zerocarbon.accounting.drivers import explain_all
from zerocarbon.accounting.lines import LineContext, compute_line
from zerocarbon.accounting.notices import Notice, phrase
from zerocarbon.accounting.phrases import TIER_STATUS
from zerocarbon.accounting.regimes import regime_totals
from zerocarbon.accounting.results import (
    ExcludedInstrument,
    Intensity,
    Inventory,
    LineResult,
    Totals,
    Uncertainty,
    UncertaintyPart,
    plain,
)
from zerocarbon.accounting.scope2 import allocate_certificates, net_of_green_inside_meter
from zerocarbon.accounting.uncertainty import DEFAULT_DRAWS, DEFAULT_SEED, UncertainLine, approach1, monte_carlo
from zerocarbon.errors import FactorError, InputError, ZerocarbonError
from zerocarbon.factors import FactorLibrary, QualityTier, default_library
from zerocarbon.footprint.allocation import allocate, product_output
from zerocarbon.model.inventory_input import SCOPE1, ActivityLine, Category, InventoryInput
from zerocarbon.model.period import Period
from zerocarbon.model.vocabulary import Label
from zerocarbon.units import conversion_factor

ZERO = Decimal(0)


def _uncertainty_parts(result: LineResult, library: FactorLibrary) -> list[UncertaintyPart]:
    line = result.line
    if line.uncertainty_pct is not None:
        parts = [UncertaintyPart("activity", line.uncertainty_pct, f"activity:{line.id}", phrase("u_stated"))]
    else:
        tier = library.quality_tier("activity", line.data_quality)
        parts = [UncertaintyPart("activity", tier.uncertainty_pct, f"activity:{line.id}", _tier_basis(tier))]
    fig = result.figures.get("gbt32150")
    for fv in fig.factors if fig else []:
        if fv.row is not None and fv.row.uncertainty_pct is not None:
            parts.append(UncertaintyPart(fv.parameter, fv.row.uncertainty_pct, fv.key,
                                         phrase("u_row", row=fv.row.factor_id)))
        else:
            tier = library.quality_tier("factor", "measured" if fv.origin == "measured" else "default")
            parts.append(UncertaintyPart(fv.parameter, tier.uncertainty_pct, fv.key, _tier_basis(tier)))
    return parts


def _tier_basis(tier: QualityTier) -> str:
    """The basis of an uncertainty taken from a data-quality tier, named in both languages (built once
    per tier: every line of a tier has the same basis)."""
    key = (tier.name_zh, tier.name_en, tier.status)
    basis = _TIER_BASES.get(key)
    if basis is None:
        basis = _TIER_BASES[key] = phrase("u_tier", tier=Label(tier.name_zh, tier.name_en),
                                          status=TIER_STATUS.get(tier.status, Label(tier.status, tier.status)))
    return basis


_TIER_BASES: dict[tuple[str, str, str], str] = {}


#: Which input field a factor-lookup failure points at.
_REASON_FIELD = {"unknown_item": "item", "no_factor": "period", "unknown_region": "factory.province"}


def _located(exc: ZerocarbonError, where: Mapping[str, Mapping[str, object]], key: str,
             fallback_entry: str) -> ZerocarbonError:
    """``exc`` with the file/sheet/row of the input part ``key`` and a field path a person can follow."""
    loc = dict(where.get(key, {}))
    field = exc.field or _REASON_FIELD.get(str(exc.details.get("reason")), "item")
    prefix = loc.get("entry") or (None if loc.get("row") else fallback_entry)
    located = exc.with_location(file=loc.get("file"), sheet=loc.get("sheet"), row=loc.get("row"))
    return replace(located, field=f"{prefix}.{field}" if prefix else field)


def _add(bucket: dict[str, Decimal], key: str, value: Decimal) -> None:
    bucket[key] = bucket.get(key, ZERO) + value


def compute_inventory(
    data: InventoryInput,
    year: int,
    library: FactorLibrary | None = None,
    *,
    locations: Mapping[str, Mapping[str, object]] | None = None,
    mc_draws: int = DEFAULT_DRAWS,
    mc_seed: int = DEFAULT_SEED,
    month: str | None = None,
) -> Inventory:
    """Compute the inventory of ``data`` for data year ``year``.

    Parameters
    ----------
    data : InventoryInput
        The factory, its settings, activity lines (any years), certificates and production.
    year : int
        Data year [calendar year].
    library : FactorLibrary, optional
        Defaults to the shipped library.
    locations : mapping, optional
        Line id → where the line was read (``file``, ``sheet``, ``row``), so errors name the cell.
    mc_draws, mc_seed : int
        Monte Carlo draws (0 to skip) and seed.
    month : str, optional
        ``YYYY-MM``: the inventory of that month of ``year``. Everything is computed for the year
        (certificates are allocated over the year's purchases) and then only the month's lines are
        kept; lines stated for the whole year cannot be split and are left out, with a warning.

    Raises
    ------
    InputError, FactorError
        Bad input or a factor missing for the data year; the error names the line's file/sheet/row.
    """
    lib = library or default_library()
    where = locations or {}
    lines = [a for a in data.activity if Period.parse(a.period).year == year]
    if not lines:
        raise InputError(f"没有 {year} 年的活动数据", f"no activity data for data year {year}",
                         field="period", expected=f"years present: {data.years()}")
    ctx = LineContext(library=lib, year=year, province=data.factory.province, settings=data.settings)
    try:
        ctx.grid_region()
    except FactorError as exc:
        raise exc.with_location(field="factory.province") from exc
    try:
        activity, netted = net_of_green_inside_meter(list(data.activity))  # green power inside the meter: once
        lines = [a for a in activity if Period.parse(a.period).year == year]
        ctx.regime_warnings.extend(netted)
        covered, serials, applied, excluded = allocate_certificates(
            activity, list(data.certificates), year, data.settings.certificate_matching)
    except ZerocarbonError as exc:
        if "line" in exc.details:
            line_id = str(exc.details["line"])
            raise _located(exc, where, line_id, f"activity[id={line_id}]") from exc
        serial = str(exc.details.get("certificate", ""))
        raise _located(exc, where, f"certificate:{serial}", f"certificates[serial={serial}]") from exc
    ctx.covered_mwh, ctx.covered_serials = covered, serials
    ctx.exports_onsite = _exports_onsite(lines)
    results: list[LineResult] = []
    for line in lines:
        try:
            result = compute_line(line, ctx)
            result.uncertainty_parts = _uncertainty_parts(result, lib)
        except ZerocarbonError as exc:
            raise _located(exc, where, line.id, f"activity[id={line.id}]") from exc
        results.append(result)

    extra_warnings: list[str] = []
    if month is not None:
        period = Period.parse(month)
        if not period.is_month or period.year != year:
            raise InputError(f"“{month}” 不是 {year} 年的月份", f"'{month}' is not a month of {year}", field="month",
                             expected=f"{year}-01 … {year}-12")
        annual = [r.line.id for r in results if not Period.parse(r.line.period).is_month]
        results = [r for r in results if r.line.period == str(period)]
        if annual:
            extra_warnings.append(Notice("annual_lines_left_out", {"n": len(annual), "period": str(period)}, annual))
        if not results:
            raise InputError(f"{period} 没有按月的活动数据", f"no monthly activity data for {period}", field="month")
    counted = [r for r in results if not r.biomass]
    totals = totals_of(results)
    unc = _uncertainty(counted, mc_draws, mc_seed)
    for result, pct in zip(counted, unc[1], strict=True):
        result.uncertainty_pct = pct
    settings = data.settings.model_dump(mode="json")
    settings.update({"province": data.factory.province, "grid_region": ctx.grid_region(), "data_year": year,
                     "period": month or str(year)})
    return Inventory(
        factory_id=data.factory.id, factory_name_zh=data.factory.name_zh, factory_name_en=data.factory.name_en,
        year=year, settings=settings, factor_library_version=lib.version, lines=results, totals=totals,
        breakdowns=_breakdowns(results), intensities=_intensities(data, month or str(year), results),
        uncertainty=unc[0], certificates_applied=applied, certificates_excluded=excluded,
        warnings=sorted(_warnings(results, excluded) + extra_warnings + _regime_warnings(ctx)),
        regimes={reg.id: {**reg.to_dict(), "totals": regime_totals(reg, results)} for reg in ctx.regimes},
    )


def _exports_onsite(lines: list[ActivityLine]) -> bool:
    """Whether the year's exported electricity is within its on-site renewable generation [MWh]."""
    def mwh(cat: Category) -> Decimal:
        return sum((a.amount * conversion_factor(a.unit, "MWh") for a in lines if a.category is cat), ZERO)
    exported = mwh(Category.ELECTRICITY_EXPORTED)
    return exported > 0 and exported <= mwh(Category.ONSITE_RENEWABLE)


def _regime_warnings(ctx: LineContext) -> list[str]:
    """Choices of method a verifier must see: regimes chosen off their years, overrides, refused stated values."""
    out = list(ctx.regime_warnings) + list(dict.fromkeys(ctx.refusals))
    override = ctx.settings.gbt32150_green_power_zero
    if override is not None and "gbt32150" in ctx.views:
        regime, method = ctx.views["gbt32150"]
        if override != method.electricity.green_power_zero:
            out.append(Notice("green_override", {"regime": regime.id, "override": notices.ON_OFF[bool(override)],
                                                 "rule": notices.ON_OFF[bool(method.electricity.green_power_zero)]}))
    return out


def totals_of(results: list[LineResult]) -> Totals:
    """The totals of these line results (the year's, or a month's lines kept in the year's order)."""
    counted = [r for r in results if not r.biomass]
    by_cat: dict[Category, Decimal] = defaultdict(Decimal)
    for r in counted:
        by_cat[r.category] += r.emissions("gbt32150")
    return Totals(
        gbt32150_total=sum((r.emissions("gbt32150") for r in counted), ZERO),
        scope1=sum((r.emissions("location") for r in counted if r.category in SCOPE1), ZERO),
        scope2_location=sum((r.emissions("location") for r in counted if r.scope == "2"), ZERO),
        scope2_market=sum((r.emissions("market") for r in counted if r.scope == "2"), ZERO),
        biomass_co2=sum((r.emissions("gbt32150") for r in results if r.biomass), ZERO),
        exported_electricity=by_cat[Category.ELECTRICITY_EXPORTED],
        exported_heat=by_cat[Category.HEAT_EXPORTED],
        recovered_co2=by_cat[Category.CO2_RECOVERED],
    )


def _breakdowns(results: list[LineResult]) -> dict[str, dict[str, Decimal]]:
    out: dict[str, dict[str, Decimal]] = {k: {} for k in (
        "category", "facility", "source", "gas_co2e", "gas_mass_t", "period", "scope_location", "scope_market",
        "scope1_gas_co2e", "scope1_gas_mass_t")}
    for r in results:
        if r.biomass:
            continue
        e = r.emissions("gbt32150")
        _add(out["category"], r.category.value, e)
        _add(out["facility"], r.line.facility, e)
        _add(out["source"], r.item_name_zh, e)
        _add(out["period"], r.line.period, e)
        if r.scope == "1" or r.category in SCOPE1:
            # by gas: GB/T 32150 view (gas_*) and the GHG Protocol scope 1 (scope1_gas_*: + CH4/N2O of combustion)
            for key, fig in (("", r.figures.get("gbt32150")), ("scope1_", r.figures.get("location"))):
                if fig is not None and fig.gases:
                    for g, mass in fig.gases.items():
                        _add(out[f"{key}gas_co2e"], g, fig.gases_co2e.get(g, ZERO))
                        _add(out[f"{key}gas_mass_t"], g, mass)
                elif fig is not None:
                    _add(out[f"{key}gas_co2e"], r.gas, fig.emissions)
                    if r.gas_mass_t is not None:
                        _add(out[f"{key}gas_mass_t"], r.gas, r.gas_mass_t)
        if r.scope:
            _add(out["scope_location"], f"scope{r.scope}", r.emissions("location"))
            _add(out["scope_market"], f"scope{r.scope}", r.emissions("market"))
    return out


def _intensities(data: InventoryInput, period: str, results: list[LineResult]) -> list[Intensity]:
    """Emissions per unit of product (GB/T 32150 view, biomass CO2 excluded) [tCO2e per unit of output].

    The emissions of each line are allocated to products by the one rule of
    :func:`zerocarbon.footprint.allocation.allocate` (dedicated facilities plus the declared
    ``shared_allocation`` share of the shared ones).
    """
    allocated = allocate(data.factory.products,
                         ((r.line.facility, r.emissions("gbt32150")) for r in results if not r.biomass))
    out: list[Intensity] = []
    for a in allocated:
        p = a.product
        output = product_output(data.production, p, period)
        out.append(Intensity(
            product=p.id, name_zh=p.name_zh, name_en=p.name_en, output=output, unit=p.unit, emissions=a.amount,
            intensity=a.amount / output if output else None,
            derivation=a.derivation("tCO2e", output, lambda v: plain(v, 4)),
        ))
    return out


def _uncertainty(counted: list[LineResult], draws: int, seed: int) -> tuple[Uncertainty | None, list[Decimal]]:
    lines = [(r.emissions("gbt32150"), [(p.key, p.pct) for p in r.uncertainty_parts]) for r in counted]
    total_pct, per_line = approach1(lines)
    if draws <= 0:
        return None, per_line
    mc = monte_carlo([UncertainLine(float(e), tuple((k, float(u)) for k, u in parts)) for e, parts in lines],
                     draws=draws, seed=seed)
    central = float(sum((e for e, _ in lines), ZERO))

    def pct(v: float) -> float:
        return (v - central) / central * 100 if central else 0.0

    return Uncertainty(approach1_pct=total_pct, mc_mean=mc.mean, mc_low=mc.p2_5, mc_high=mc.p97_5,
                       mc_draws=mc.draws, mc_seed=mc.seed, mc_low_pct=pct(mc.p2_5),
                       mc_high_pct=pct(mc.p97_5)), per_line


def _warnings(results: list[LineResult], excluded: list[ExcludedInstrument]) -> list[str]:
    """One warning per cause (a fallback, a factor whose sources disagree or that is unverified), naming
    the lines it concerns, so a verifier sees each issue once."""
    causes: dict[Notice, list[str]] = defaultdict(list)
    for r in results:
        for fig in r.figures.values():
            for omitted in fig.warnings:  # what a figure leaves out (e.g. CH4/N2O without a factor)
                cause = omitted if isinstance(omitted, Notice) else Notice("text", {"text": omitted})
                causes[cause].append(r.line.id)
            for fv in fig.factors:
                if fv.fallback:
                    causes[Notice("factor_fallback", {
                        "item": notices.item(fv.item), "parameter": notices.parameter(fv.parameter),
                        "fallback": notices.fallback(fv.fallback)})].append(r.line.id)
                if fv.row is not None and fv.row.status in ("unverified", "conflict"):
                    causes[Notice(f"factor_{fv.row.status}", {"factor": fv.row.factor_id})].append(r.line.id)
    out: list[str] = [cause.with_lines(sorted(set(lines))) for cause, lines in causes.items()]
    out.extend(Notice("certificate_excluded", {"serial": cert.serial,
                                               "reason": Label(cert.reason_zh, cert.reason_en)})
               for cert in excluded)
    return sorted(out)


def compare_years(inventories: Mapping[int, Inventory], base_year: int | None) -> dict[str, object]:
    """Year-on-year change and change against the base year of the headline totals [tCO2e, %].

    One sign convention, used everywhere a change is shown: for each total,

    * ``from`` = the earlier year's (or the base year's) total, ``to`` = this year's total;
    * ``delta`` = to − from [tCO2e];
    * ``pct`` = (to − from) / from × 100 [%], None when ``from`` is zero.

    A reduction is therefore negative. Progress toward zero as the dashboard shows it
    (``reduction_pct`` = (E_base − E_year) / E_base × 100) is ``−pct`` of ``vs_base``: a relabelling
    of this figure, not another computation.

    Parameters
    ----------
    inventories : mapping of int to Inventory
        The inventory of each data year.
    base_year : int or None
        The factory's base year; ``vs_base`` is empty without it or without its inventory.

    Returns
    -------
    dict
        ``years``, ``base_year``, ``yoy`` (year → total → change against the year before) and
        ``vs_base`` (year → total → change against the base year); figures as strings (full precision).
        ``drivers`` holds, under the same ``yoy``/``vs_base`` → year → total keys, each change split
        into activity, factor, instruments and boundary (:func:`zerocarbon.accounting.drivers.explain_all`).
    """
    def change(a: Decimal, b: Decimal) -> dict[str, str | None]:
        return {"from": str(b), "to": str(a), "delta": str(a - b),
                "pct": None if b == 0 else str((a - b) / b * 100)}

    years = sorted(inventories)
    out: dict[str, object] = {"years": years, "base_year": base_year, "yoy": {}, "vs_base": {}}
    drivers: dict[str, dict[str, object]] = {"yoy": {}, "vs_base": {}}
    keys = ("gbt32150_total", "scope1", "scope2_location", "scope2_market")
    for year in years:
        t = inventories[year].totals
        if year - 1 in inventories:
            p = inventories[year - 1].totals
            out["yoy"][str(year)] = {k: change(getattr(t, k), getattr(p, k)) for k in keys}  # type: ignore[index]
            drivers["yoy"][str(year)] = _drivers(inventories[year - 1], inventories[year])
        if base_year is not None and base_year in inventories and year != base_year:
            b = inventories[base_year].totals
            out["vs_base"][str(year)] = {k: change(getattr(t, k), getattr(b, k)) for k in keys}  # type: ignore[index]
            drivers["vs_base"][str(year)] = _drivers(inventories[base_year], inventories[year])
    out["drivers"] = drivers
    return out


def _drivers(before: Inventory, after: Inventory) -> dict[str, object]:
    """Each compared total's change split by driver (:mod:`zerocarbon.accounting.drivers`)."""
    return {key: d.to_dict() for key, d in explain_all(before, after).items()}
