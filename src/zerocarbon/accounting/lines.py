"""Emissions of one activity line in each accounting view, with the factors used and the trace.

The views and what each counts come from the method regimes chosen for the inventory
(:mod:`zerocarbon.accounting.regimes`): ``gbt32150`` (the GB/T 32150 edition in force for the data
year), ``location`` and ``market`` (GHG Protocol Scope 2), ``ets`` and ``zero_carbon``. Direct
emissions are computed here; electricity, heat, recovery and on-site generation in
:mod:`zerocarbon.accounting.indirect`.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from zerocarbon.accounting import formulas as fx
from zerocarbon.accounting import notices
from zerocarbon.accounting.context import LineContext, amount_in, in_unit
from zerocarbon.accounting.indirect import (
    GRID_AVERAGE,
    GRID_RESIDUAL,
    direct_view,
    electricity,
    heat,
    onsite,
    recovered,
)
from zerocarbon.accounting.notices import Notice, phrase, quantity
from zerocarbon.accounting.phrases import DIRECTIONS, NONCO2_TABLE_LABELS
from zerocarbon.accounting.regimes import check_measured
from zerocarbon.accounting.results import Figure, LineResult, plain
from zerocarbon.errors import FactorError, InputError, UnitError
from zerocarbon.factors import FactorValue
from zerocarbon.model.inventory_input import ActivityLine, Category
from zerocarbon.units import conversion_factor, same_dimension

__all__ = ["GRID_AVERAGE", "GRID_RESIDUAL", "LineContext", "compute_line", "electricity", "heat", "recovered"]


def _in_unit(value: FactorValue, unit: str) -> Decimal:
    return in_unit(value, unit)


def _amount_in(line: ActivityLine, unit: str, what_zh: str, what_en: str) -> Decimal:
    return amount_in(line, unit, what_zh, what_en)


def _q(value: Decimal) -> str:
    return plain(value)


#: How a fuel is burnt → (variants of combustion_nonco2.csv tried in order, the IPCC table they come from,
#: named in both languages by :data:`zerocarbon.accounting.phrases.NONCO2_TABLE_LABELS`).
NONCO2_TABLES: dict[str, tuple[tuple[str, ...], str]] = {
    mode: (variants, NONCO2_TABLE_LABELS[mode].en) for mode, variants in (
        ("stationary", ("stationary_manufacturing",)),
        ("mobile_offroad", ("offroad_industry", "offroad_industry_4stroke")),
        ("mobile_road", ("road", "road_ldv_1995_on")))
}
#: The mode a fuel line takes when it does not say (docs/activity-data-format.md): gasoline is burnt
#: in vehicles; every other fuel in boilers, furnaces, kilns or generators.
DEFAULT_COMBUSTION = {"gasoline": "mobile_road"}
FUEL_PARAMETERS = ("ncv", "carbon_content", "oxidation_rate", "ch4_ef", "n2o_ef")
#: Units of a fuel stated as heat (kWh and MWh are refused: on a fuel line they are a mistake, not a heat)
HEAT_UNITS = ("GJ", "TJ", "MJ", "kJ")
CO2_ONLY_NOTE = phrase("co2_only")


def _fuel_heat(line: ActivityLine, ctx: LineContext, item: str) -> tuple[Decimal, list[FactorValue], dict[str, str]]:
    """Heat of the fuel burnt [GJ]: stated as heat (GJ, MJ, TJ …) or FC × NCV."""
    unused = sorted(set(line.measured) - set(FUEL_PARAMETERS))
    if same_dimension(line.unit, "GJ") and line.unit.strip() not in HEAT_UNITS:
        raise UnitError(f"以热量计的燃料用量须以 GJ、TJ 或 MJ 为单位（不是 “{line.unit}”）",
                        f"a fuel given as heat is stated in GJ, TJ or MJ, not '{line.unit}'",
                        field="unit", expected="GJ, TJ, MJ (heat) or a mass/volume the NCV applies to")
    if same_dimension(line.unit, "GJ"):
        unused = sorted({*unused, *(["ncv"] if "ncv" in line.measured else [])})
    if unused:
        raise InputError(f"燃料燃烧不使用实测参数 {unused}", f"fuel combustion does not use the measured {unused}",
                         field="measured", expected=f"only {', '.join(FUEL_PARAMETERS)} (no ncv for a fuel "
                                                    "given as heat)")
    if same_dimension(line.unit, "GJ"):
        heat = line.amount * conversion_factor(line.unit, "GJ")
        return heat, [], {"AD_given_as_heat": quantity(line.amount, line.unit)}
    ncv = ctx.factor(line, item, "ncv")
    try:
        to_gj = conversion_factor(f"({line.unit})*({ncv.unit})", "GJ")
    except UnitError as exc:
        raise UnitError(
            f"燃料用量单位 “{line.unit}” 与低位发热量单位 “{ncv.unit}” 不匹配",
            f"fuel amount unit '{line.unit}' does not match the NCV unit '{ncv.unit}'",
            field="unit", expected=f"a unit that {ncv.unit} applies to (e.g. t, Nm3, 万Nm3), or heat (GJ, TJ, MJ)",
        ) from exc
    return fx.fuel_activity_gj(line.amount * to_gj, ncv.value), [ncv], {"FC": quantity(line.amount, line.unit)}


def _combustion_gas(line: ActivityLine, ctx: LineContext, item: str, gas: str, mode: str,
                    heat_gj: Decimal) -> tuple[Decimal, Decimal, list[FactorValue]] | None:
    """Mass [t] and CO2e [t] of CH4 or N2O from the fuel (IPCC 2006 Tier 1); None without a factor."""
    parameter = f"{gas.lower()}_ef"
    variants, _ = NONCO2_TABLES[mode]
    ef: FactorValue | None = None
    for variant in variants:
        try:
            ef = ctx.factor(line, item, parameter, region="*", variant=variant)
            break
        except FactorError as exc:
            if exc.details.get("reason") != "no_factor":  # e.g. outside validity: never taken as "no factor"
                raise
            continue
    if ef is None:
        return None
    gas_item = "CH4_biogenic" if gas == "CH4" and ctx.library.items[item].biomass else gas
    gwp = ctx.library.lookup(gas_item, "gwp", variant=ctx.settings.gwp_set, region="*")
    mass = fx.combustion_gas_mass(heat_gj, _in_unit(ef, "t/GJ"))
    return mass, fx.gas_co2e(mass, _in_unit(gwp, "dimensionless")), [ef, gwp]


def fuel_combustion(line: ActivityLine, ctx: LineContext, item: str) -> dict[str, Figure]:
    """Fuel combustion (燃料燃烧) in each view.

    CO2: E = FC × NCV × CC × OF × 44/12 (GB/T 32150-2015 §7.4), or E = AD × CC × OF × 44/12 for a
    fuel stated as heat AD [GJ]. The GB/T 32150 view counts this CO2 only. The scope views add CH4
    and N2O: E_gas = AD × EF_gas × GWP_gas, with the IPCC 2006 Vol. 2 factor of the line's
    combustion mode (:data:`NONCO2_TABLES`) and the inventory's GWP set; a gas without a factor is
    left out with a warning, never guessed.
    """
    heat_gj, heat_factors, heat_inter = _fuel_heat(line, ctx, item)
    cc = ctx.factor(line, item, "carbon_content")
    of = ctx.factor(line, item, "oxidation_rate")
    cc_v, of_v = _in_unit(cc, "tC/GJ"), _in_unit(of, "dimensionless")
    ef = fx.fuel_emission_factor(cc_v, of_v)
    co2 = fx.fuel_co2(heat_gj, cc_v, of_v)
    inter = {**heat_inter, "AD_GJ": _q(heat_gj), "CC_tC_per_GJ": _q(cc_v), "OF": _q(of_v), "EF_tCO2_per_GJ": _q(ef)}
    formula = "E = FC × NCV × CC × OF × 44/12" if heat_factors else phrase("f_fuel_heat")
    co2_factors = [*heat_factors, cc, of]
    gbt = Figure("gbt32150", co2, formula, co2_factors, dict(inter), note=CO2_ONLY_NOTE,
                 gases={"CO2": co2}, gases_co2e={"CO2": co2})
    mode = line.combustion or DEFAULT_COMBUSTION.get(item, "stationary")
    table = NONCO2_TABLE_LABELS[mode]
    ghg_inter = {**inter, "combustion": phrase("combustion_stated", mode=notices.mode(mode)) if line.combustion
                 else phrase("combustion_default", mode=notices.mode(mode), item=notices.item(item)),
                 "nonco2_table": phrase("label", text=table)}
    gases, gases_co2e, factors, missing = {"CO2": co2}, {"CO2": co2}, list(co2_factors), []
    for gas in ("CH4", "N2O"):
        found = _combustion_gas(line, ctx, item, gas, mode, heat_gj)
        if found is None:
            missing.append(gas)
            continue
        gases[gas], gases_co2e[gas] = found[0], found[1]
        factors += found[2]
        ghg_inter.update({f"{gas}_t": _q(found[0]), f"{gas}_tCO2e": _q(found[1])})
    warnings: list[str] = [Notice("gas_not_counted", {
        "gases": "/".join(missing), "item": notices.item(item), "mode": notices.mode(mode), "table": table,
        "give": [f"measured.{g.lower()}_ef" for g in missing]})] if missing else []
    total = sum(gases_co2e.values(), Decimal(0))
    ghg_formula = phrase("f_fuel_ghg", co2=formula, gwp=ctx.settings.gwp_set)
    note = phrase("ghg_note", table=table)
    return {"gbt32150": gbt, **{view: Figure(view, total, ghg_formula, list(factors), dict(ghg_inter), note,
                                             dict(gases), dict(gases_co2e), list(warnings))
                                for view in ("location", "market")}}


def process_carbonate(line: ActivityLine, ctx: LineContext, item: str) -> tuple[Decimal, Figure]:
    """Carbonate decomposition or use (碳酸盐): E = M × P × EF × F."""
    ef = ctx.factor(line, item, "emission_factor")
    mass = _amount_in(line, "t", "碳酸盐用量", "carbonate mass")
    ef_v = _in_unit(ef, "tCO2/t")
    co2 = fx.carbonate_co2(mass, line.purity, ef_v, line.calcination_fraction)
    return co2, Figure("gbt32150", co2, "E = M × P × EF × F", [ef], {
        "M_t": _q(mass), "P": _q(line.purity), "EF_tCO2_per_t": _q(ef_v), "F": _q(line.calcination_fraction),
    })


def process_mass_balance(line: ActivityLine, ctx: LineContext, item: str) -> tuple[Decimal, Figure]:
    """One flow of a carbon mass balance: ±M × C × 44/12 (input adds, output subtracts)."""
    if "carbon_content" not in line.measured:
        raise InputError("碳质量平衡法需要实测含碳量（measured.carbon_content，tC/t）",
                         "a mass-balance flow needs a measured carbon content (measured.carbon_content, tC/t)",
                         field="measured.carbon_content", expected="carbon content [tC/t] with its evidence")
    cc = ctx.factor(line, item, "carbon_content")
    mass = _amount_in(line, "t", "物料量", "material mass")
    cc_v = _in_unit(cc, "tC/t")
    flows = [(mass, cc_v)]
    co2 = fx.mass_balance_co2(flows, []) if line.direction == "input" else fx.mass_balance_co2([], flows)
    return co2, Figure("gbt32150", co2, "E = (Σ M_in × C_in − Σ M_out × C_out) × 44/12", [cc], {
        "M_t": _q(mass), "C_tC_per_t": _q(cc_v),
        "direction": phrase("label", text=DIRECTIONS[line.direction]) if line.direction in DIRECTIONS else "",
    })


def process_gas(line: ActivityLine, ctx: LineContext, item: str) -> tuple[Decimal, Decimal, Figure]:
    """Direct release of a greenhouse gas by a process: E = M × GWP (GWP set chosen per inventory)."""
    return _released_gas(line, ctx, item, f"E = M × GWP({ctx.settings.gwp_set})", "")


def fugitive(line: ActivityLine, ctx: LineContext, item: str) -> tuple[Decimal, Decimal, Figure]:
    """Fugitive emissions (逸散排放): E = M × GWP, M the mass lost (e.g. refrigerant or SF6 refilled) [t].

    GB/T 32150-2015 §7.4 and its GWP appendix for the product; GHG Protocol Corporate Standard,
    direct (scope 1) fugitive emissions. Counted in every view that counts the gas.
    """
    return _released_gas(line, ctx, item, phrase("f_fugitive", gwp=ctx.settings.gwp_set), phrase("fugitive_note"))


def _released_gas(line: ActivityLine, ctx: LineContext, item: str, formula: str,
                  note: str) -> tuple[Decimal, Decimal, Figure]:
    if line.measured:
        raise InputError(f"温室气体排放量不使用实测参数 {sorted(line.measured)}（GWP 取自清单设置）",
                         f"a released gas uses no measured {sorted(line.measured)} (the GWP set is a setting)",
                         field="measured", expected="no measured values")
    gwp = ctx.library.lookup(item, "gwp", variant=ctx.settings.gwp_set, region="*")
    mass = _amount_in(line, "t", "气体排放量", "gas mass")
    gwp_v = _in_unit(gwp, "dimensionless")
    co2e = fx.gas_co2e(mass, gwp_v)
    return mass, co2e, Figure("gbt32150", co2e, formula, [gwp], {"M_t": _q(mass), "GWP": _q(gwp_v)}, note=note,
                              gases={item: mass}, gases_co2e={item: co2e})


_DIRECT_CO2 = {
    Category.PROCESS_CARBONATE: process_carbonate,
    Category.PROCESS_MASS_BALANCE: process_mass_balance,
}


def compute_line(line: ActivityLine, ctx: LineContext) -> LineResult:
    """All figures for one line; a problem raises with the line's id in ``details``."""
    try:
        return _compute_line(line, ctx)
    except (InputError, FactorError) as exc:
        exc.details.setdefault("line", line.id)
        raise


def _compute_line(line: ActivityLine, ctx: LineContext) -> LineResult:
    check_measured(line)
    cat = line.category
    lib = ctx.library
    scope: str | None
    item_id = lib.resolve_item(line.item) if line.item else None
    item = lib.items[item_id] if item_id else None
    name_zh, name_en = (item.name_zh, item.name_en) if item else (cat.value, cat.value)
    biomass = bool(item and item.biomass)
    gas, gas_mass = "CO2", None
    if cat in _DIRECT_CO2:
        assert item_id is not None  # the model requires an item for these categories
        co2, fig = _DIRECT_CO2[cat](line, ctx, item_id)
        figures, scope, gas_mass = _same_in_all_views(fig), "1", co2
    elif cat is Category.FUEL_COMBUSTION:
        assert item_id is not None
        figures, scope = fuel_combustion(line, ctx, item_id), "1"
        gas_mass = figures["gbt32150"].emissions  # tCO2; CH4/N2O of the scope views in figures[...].gases
    elif cat in (Category.PROCESS_GAS, Category.FUGITIVE):
        assert item_id is not None
        gas_mass, _, fig = (process_gas if cat is Category.PROCESS_GAS else fugitive)(line, ctx, item_id)
        figures, scope, gas = _same_in_all_views(fig), "1", item_id
    elif cat in (Category.ELECTRICITY_PURCHASED, Category.ELECTRICITY_EXPORTED):
        figures = electricity(line, ctx)
        scope = "2" if cat is Category.ELECTRICITY_PURCHASED else None
        name_zh, name_en = ("购入电力", "purchased electricity") if scope else ("输出电力", "exported electricity")
        if line.electricity_kind == "green_power":
            name_zh, name_en = "购入绿电", "purchased green power"
        elif line.electricity_kind == "direct_line":
            name_zh, name_en = "绿电直连", "green power, direct line"
    elif cat in (Category.HEAT_PURCHASED, Category.HEAT_EXPORTED):
        figures = heat(line, ctx)
        scope = "2" if cat is Category.HEAT_PURCHASED else None
        name_zh, name_en = ("购入热力", "purchased heat") if scope else ("输出热力", "exported heat")
    elif cat is Category.CO2_RECOVERED:
        figures, scope = recovered(line, ctx), None
        name_zh, name_en = "二氧化碳回收利用", "CO2 recovered and utilised"
    else:  # ONSITE_RENEWABLE: zero-emission generation, recorded for the energy balance
        figures, scope = onsite(line, ctx), None
        name_zh, name_en = "厂内可再生能源发电", "on-site renewable generation"
    if scope == "1":  # direct emissions in the regime views beyond GB/T and the scope views (ETS, zero-carbon)
        for view, (regime, method) in ctx.views.items():
            if view not in figures:
                figures[view] = direct_view(figures["gbt32150"], view, regime, method)
    if biomass:
        name_zh, name_en = f"{name_zh}（生物质）", f"{name_en} (biomass)"
    return LineResult(line=line, item_name_zh=name_zh, item_name_en=name_en, gas=gas, gas_mass_t=gas_mass,
                      scope=scope, biomass=biomass, figures=figures)


def _same_in_all_views(fig: Figure) -> dict[str, Figure]:
    """A direct-emission figure is the same number in the GB/T 32150 view and both scope views."""
    gases = fig.gases or {"CO2": fig.emissions}  # a direct-CO2 figure (carbonates, mass balance)
    return {view: replace(fig, view=view, gases=dict(gases), gases_co2e=dict(fig.gases_co2e or gases))
            for view in ("gbt32150", "location", "market")}
