"""Emissions of one activity line in each accounting view, with the factors used and the trace.

The GB/T 32150 view (``gbt32150``) follows GB/T 32150: exported energy and recovered CO2 subtract.
The scope views (``location`` and ``market``) follow the GHG Protocol Scope 2 Guidance: scope 1 lines
are the same figure in every view; purchased electricity and heat get a location-based and a
market-based figure; exported energy is not netted out of scope 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from zerocarbon.accounting import formulas as fx
from zerocarbon.accounting.results import Figure, LineResult, plain
from zerocarbon.accounting.steam import steam_enthalpy, steam_heat_gj
from zerocarbon.errors import FactorError, InputError, UnitError
from zerocarbon.factors import FactorLibrary, FactorValue, FallbackPolicy
from zerocarbon.model.inventory_input import ActivityLine, Category, Settings
from zerocarbon.units import conversion_factor, parse_unit, same_dimension

GRID_AVERAGE = "electricity_grid_average"
GRID_RESIDUAL = "electricity_grid_excl_market_nonfossil"


@dataclass
class LineContext:
    """What every line of one inventory shares: library, data year, region and settings."""

    library: FactorLibrary
    year: int
    province: str
    settings: Settings
    #: MWh of each grid line covered by retired certificates (filled by the scope 2 step)
    covered_mwh: dict[str, Decimal] = field(default_factory=dict)
    covered_serials: dict[str, list[str]] = field(default_factory=dict)

    @property
    def policy(self) -> FallbackPolicy:
        return FallbackPolicy(region_fallback=True, allow_earlier_year=self.settings.allow_earlier_factor_year)

    def factor(self, line: ActivityLine, item: str, parameter: str, *, region: str = "CN",
               variant: str = "", year: int | None = None) -> FactorValue:
        """A measured value from the line if given, else the library's row by the lookup rule."""
        measured = line.measured.get(parameter)
        if measured is not None:
            return FactorValue.measured(item, parameter, measured.value, measured.unit, measured.evidence)
        return self.library.lookup(item, parameter, data_year=year if year is not None else self.year,
                                   region=region, variant=variant, policy=self.policy)

    def grid_region(self) -> str:
        chain = self.library.region_chain(self.province)
        return chain[1] if len(chain) > 2 and self.library.regions[self.province].level == "province" else chain[0]


def _in_unit(value: FactorValue, unit: str) -> Decimal:
    """The factor's value in ``unit``; a factor of the wrong dimension raises."""
    return value.value * conversion_factor(value.unit, unit)


def _amount_in(line: ActivityLine, unit: str, what_zh: str, what_en: str) -> Decimal:
    if not same_dimension(line.unit, unit):
        raise UnitError(f"{what_zh}的单位 “{line.unit}” 量纲不对",
                        f"unit '{line.unit}' of {what_en} has the wrong dimension",
                        field="unit", expected=f"a unit convertible to {unit}")
    return line.amount * conversion_factor(line.unit, unit)


def _q(value: Decimal) -> str:
    return plain(value)


def fuel_combustion(line: ActivityLine, ctx: LineContext, item: str) -> tuple[Decimal, Figure]:
    """Fuel combustion (燃料燃烧): E = FC × NCV × CC × OF × 44/12."""
    ncv = ctx.factor(line, item, "ncv")
    cc = ctx.factor(line, item, "carbon_content")
    of = ctx.factor(line, item, "oxidation_rate")
    try:
        to_gj = conversion_factor(f"({line.unit})*({ncv.unit})", "GJ")
    except UnitError as exc:
        raise UnitError(
            f"燃料用量单位 “{line.unit}” 与低位发热量单位 “{ncv.unit}” 不匹配",
            f"fuel amount unit '{line.unit}' does not match the NCV unit '{ncv.unit}'",
            field="unit", expected=f"a unit that {ncv.unit} applies to (e.g. t, Nm3, 万Nm3)",
        ) from exc
    heat = fx.fuel_activity_gj(line.amount * to_gj, ncv.value)
    cc_v, of_v = _in_unit(cc, "tC/GJ"), _in_unit(of, "dimensionless")
    ef = fx.fuel_emission_factor(cc_v, of_v)
    co2 = heat * ef
    figure = Figure("gbt32150", co2, "E = FC × NCV × CC × OF × 44/12", [ncv, cc, of], {
        "FC": f"{line.amount} {line.unit}", "AD_GJ": _q(heat), "CC_tC_per_GJ": _q(cc_v), "OF": _q(of_v),
        "EF_tCO2_per_GJ": _q(ef),
    })
    return co2, figure


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
        "M_t": _q(mass), "C_tC_per_t": _q(cc_v), "direction": line.direction or "",
    })


def process_gas(line: ActivityLine, ctx: LineContext, item: str) -> tuple[Decimal, Decimal, Figure]:
    """Direct release of a greenhouse gas: E = M × GWP (GWP set chosen per inventory)."""
    gwp = ctx.library.lookup(item, "gwp", variant=ctx.settings.gwp_set, region="*")
    mass = _amount_in(line, "t", "气体排放量", "gas mass")
    gwp_v = _in_unit(gwp, "dimensionless")
    co2e = fx.gas_co2e(mass, gwp_v)
    return mass, co2e, Figure("gbt32150", co2e, f"E = M × GWP({ctx.settings.gwp_set})", [gwp], {
        "M_t": _q(mass), "GWP": _q(gwp_v),
    })


def _electricity_factor(line: ActivityLine, ctx: LineContext, item: str, region: str) -> FactorValue:
    return ctx.factor(line, item, "emission_factor", region=region)


def electricity(line: ActivityLine, ctx: LineContext) -> dict[str, Figure]:
    """Purchased or exported electricity in the three views."""
    mwh = _amount_in(line, "MWh", "电量", "electricity")
    sign = Decimal(-1) if line.category is Category.ELECTRICITY_EXPORTED else Decimal(1)
    scope = ctx.settings.gbt32150_grid_scope
    gbt_region = {"national": "CN", "regional": ctx.grid_region(), "provincial": ctx.province}[scope]
    gbt_fv = ctx.library.lookup(GRID_AVERAGE, "emission_factor", data_year=ctx.year, region=gbt_region,
                                policy=ctx.policy)
    green = line.electricity_kind == "green_power"
    figures: dict[str, Figure] = {}
    if green and ctx.settings.gbt32150_green_power_zero and sign > 0:
        figures["gbt32150"] = Figure("gbt32150", Decimal(0), "E = AD × 0 (green power with proof)", [], {
            "AD_MWh": _q(mwh), "evidence": line.evidence or ""},
            note="GB/T 32151.34—2024 §5.2.6.1 / 附录 D.1.1: non-fossil electricity with proof counts at 0")
    elif sign > 0 and ctx.settings.gbt32150_green_power_zero and ctx.covered_mwh.get(line.id):
        # Grid purchase partly covered by retired GECs: the covered MWh are proven non-fossil (0).
        ef = _in_unit(gbt_fv, "tCO2/MWh")
        covered = ctx.covered_mwh[line.id]
        figures["gbt32150"] = Figure("gbt32150", fx.electricity_co2(mwh - covered, ef), "E = (AD − GEC) × EF",
                                     [gbt_fv], {"AD_MWh": _q(mwh), "GEC_MWh": _q(covered),
                                                "EF_tCO2_per_MWh": _q(ef),
                                                "certificates": ", ".join(ctx.covered_serials.get(line.id, []))},
                                     note="GB/T 32151.34—2024 §5.2.6.1: non-fossil electricity with proof (绿证) at 0")
    else:
        ef = _in_unit(gbt_fv, "tCO2/MWh")
        figures["gbt32150"] = Figure("gbt32150", sign * fx.electricity_co2(mwh, ef),
                                     "E = AD × EF" if sign > 0 else "E = −AD × EF (exported)", [gbt_fv],
                                     {"AD_MWh": _q(mwh), "EF_tCO2_per_MWh": _q(ef)})
    if line.category is Category.ELECTRICITY_EXPORTED:
        return figures
    loc_fv = _electricity_factor(line, ctx, GRID_AVERAGE, ctx.province)
    loc_ef = _in_unit(loc_fv, "tCO2/MWh")
    figures["location"] = Figure("location", fx.electricity_co2(mwh, loc_ef), "E = AD × EF(grid average)",
                                 [loc_fv], {"AD_MWh": _q(mwh), "EF_tCO2_per_MWh": _q(loc_ef)})
    if green:
        figures["market"] = Figure("market", Decimal(0), "E = AD × 0 (green power with proof)", [],
                                   {"AD_MWh": _q(mwh), "evidence": line.evidence or ""},
                                   note="绿电交易/直供绿电，凭证为证 (green-power trade or direct line, with proof)")
        return figures
    covered = ctx.covered_mwh.get(line.id, Decimal(0))
    residual_mwh = mwh - covered
    if ctx.settings.market_residual_factor == "excl_market_nonfossil":
        res_fv = ctx.library.lookup(GRID_RESIDUAL, "emission_factor", data_year=ctx.year, region="CN",
                                    policy=ctx.policy)
    else:
        res_fv = ctx.library.lookup(GRID_AVERAGE, "emission_factor", data_year=ctx.year, region="CN",
                                    policy=ctx.policy)
    res_ef = _in_unit(res_fv, "tCO2/MWh")
    figures["market"] = Figure("market", fx.electricity_co2(residual_mwh, res_ef),
                               "E = (AD − GEC) × EF(residual)", [res_fv], {
                                   "AD_MWh": _q(mwh), "GEC_MWh": _q(covered), "residual_MWh": _q(residual_mwh),
                                   "EF_tCO2_per_MWh": _q(res_ef),
                                   "certificates": ", ".join(ctx.covered_serials.get(line.id, [])),
                               })
    return figures


def heat(line: ActivityLine, ctx: LineContext) -> dict[str, Figure]:
    """Purchased or exported heat (steam converted with the enthalpy tables)."""
    intermediates: dict[str, str] = {}
    if same_dimension(line.unit, "GJ"):
        gj = line.amount * conversion_factor(line.unit, "GJ")
    elif same_dimension(line.unit, "t"):
        if line.steam is None:
            raise InputError("以质量计的蒸汽需要给出压力（及过热温度）", "steam given as a mass needs its pressure "
                             "(and temperature if superheated)", field="steam", expected="steam.pressure_mpa")
        mass = line.amount * conversion_factor(line.unit, "t")
        enthalpy = steam_enthalpy(line.steam.pressure_mpa, line.steam.temperature_c, gauge=line.steam.gauge)
        if ctx.settings.steam_heat_reference == "water_20c":
            gj = steam_heat_gj(mass, enthalpy.value)
            heat_formula = "AD = Ma × (En − 83.74) × 10⁻³"
        else:
            gj = steam_heat_gj(mass, enthalpy.value, Decimal(0))
            heat_formula = "AD = Ma × En × 10⁻³"
        intermediates.update({"steam_t": _q(mass), "enthalpy_kJ_per_kg": _q(enthalpy.value),
                              "enthalpy_method": enthalpy.method, "enthalpy_source": enthalpy.source,
                              "heat_formula": heat_formula})
    else:
        raise UnitError(f"热力单位 “{line.unit}” 不对", f"heat unit '{line.unit}' is neither energy nor steam mass",
                        field="unit", expected="GJ, MJ, TJ, kWh or t of steam")
    ef_fv = ctx.factor(line, "heat", "emission_factor", region="*")
    ef = _in_unit(ef_fv, "tCO2/GJ")
    sign = Decimal(-1) if line.category is Category.HEAT_EXPORTED else Decimal(1)
    intermediates.update({"AD_GJ": _q(gj), "EF_tCO2_per_GJ": _q(ef)})
    co2 = sign * fx.heat_co2(gj, ef)
    formula = "E = AD × EF" if sign > 0 else "E = −AD × EF (exported)"
    figures = {"gbt32150": Figure("gbt32150", co2, formula, [ef_fv], dict(intermediates))}
    if sign > 0:
        figures["location"] = Figure("location", co2, formula, [ef_fv], dict(intermediates))
        figures["market"] = Figure("market", co2, formula, [ef_fv], dict(intermediates),
                                   note="supplier-specific factor" if ef_fv.origin == "measured" else "")
    return figures


def recovered(line: ActivityLine) -> Figure:
    """CO2 recovered and utilised (回收利用): subtracted in the GB/T 32150 view, with evidence."""
    if parse_unit(line.unit).dimensionality == parse_unit("tCO2").dimensionality:
        mass = line.amount * conversion_factor(line.unit, "tCO2")
    else:
        mass = _amount_in(line, "t", "回收二氧化碳量", "recovered CO2")
    return Figure("gbt32150", -mass, "E = −R (CO2 recovered and utilised)", [],
                  {"R_tCO2": _q(mass), "evidence": line.evidence or ""})


_DIRECT_CO2 = {
    Category.FUEL_COMBUSTION: fuel_combustion,
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
    elif cat is Category.PROCESS_GAS:
        assert item_id is not None
        gas_mass, _, fig = process_gas(line, ctx, item_id)
        figures, scope, gas = _same_in_all_views(fig), "1", item_id
    elif cat in (Category.ELECTRICITY_PURCHASED, Category.ELECTRICITY_EXPORTED):
        figures = electricity(line, ctx)
        scope = "2" if cat is Category.ELECTRICITY_PURCHASED else None
        name_zh, name_en = ("购入电力", "purchased electricity") if scope else ("输出电力", "exported electricity")
        if line.electricity_kind == "green_power":
            name_zh, name_en = "购入绿电", "purchased green power"
    elif cat in (Category.HEAT_PURCHASED, Category.HEAT_EXPORTED):
        figures = heat(line, ctx)
        scope = "2" if cat is Category.HEAT_PURCHASED else None
        name_zh, name_en = ("购入热力", "purchased heat") if scope else ("输出热力", "exported heat")
    elif cat is Category.CO2_RECOVERED:
        figures, scope = {"gbt32150": recovered(line)}, None
        name_zh, name_en = "二氧化碳回收利用", "CO2 recovered and utilised"
    else:  # ONSITE_RENEWABLE: zero-emission generation, recorded for the energy balance
        _amount_in(line, "MWh", "厂内发电量", "on-site generation")
        zero = Figure("gbt32150", Decimal(0), "E = 0 (on-site renewable generation, self-consumed)", [],
                      {"generation": f"{line.amount} {line.unit}"})
        figures, scope = {"gbt32150": zero}, None
        name_zh, name_en = "厂内可再生能源发电", "on-site renewable generation"
    if biomass:
        name_zh, name_en = f"{name_zh}（生物质）", f"{name_en} (biomass)"
    return LineResult(line=line, item_name_zh=name_zh, item_name_en=name_en, gas=gas, gas_mass_t=gas_mass,
                      scope=scope, biomass=biomass, figures=figures)


def _same_in_all_views(fig: Figure) -> dict[str, Figure]:
    """A direct-emission figure is the same number in the GB/T 32150 view and both scope views."""
    return {view: Figure(view, fig.emissions, fig.formula, fig.factors, fig.intermediates, fig.note)
            for view in ("gbt32150", "location", "market")}
