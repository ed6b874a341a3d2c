"""Electricity, heat, recovered CO2 and on-site generation in every view of the regimes chosen.

Each view's treatment comes from its regime (``accounting/data/regimes.yaml``, read by
:mod:`zerocarbon.accounting.regimes`) and is written into the figure: which factor (item, level,
data year, row), why a line counts at zero, why a stated factor is not used, why a line is left out.

* Purchased electricity: E = (AD − GEC) × EF, GEC the retired unbundled certificates allocated to
  the line when the regime counts them (market-based scope 2, zero-carbon regime), else E = AD × EF;
  green power with its proof at 0 where the regime counts it at 0 (GB/T 32150 with the MEE practice,
  ETS, market-based, zero-carbon), at the grid factor where it does not (location-based).
* Exported electricity: E = −AD × EF where the regime nets exports (GB/T 32150, ETS), at 0 in the
  zero-carbon regime when the export is on-site renewable generation ("each at its own factor",
  910号 附件4 二(二)3); memo (no figure) in the GHG Protocol views.
* Heat: E = ±AD × EF, EF the supplier's stated factor where accepted, else the regime's printed
  default (zero-carbon: 0.11 tCO2/GJ, 附件4 二(二)3②) or the library row valid for the data year.

Evidence that decides a claim (``docs/activity-data-format.md``, "Evidence fields"); distributed PV
receives tradable green certificates (国家发展改革委 财政部 国家能源局 发改能源〔2023〕1044号), so the
attribute of on-site generation may have been sold:

* Exported on-site renewable power with ``certificates_kept: false``: no export credit in the views
  that net exports at the grid factor (GB/T 32150, ETS): E = 0, the certificate's holder claims that
  MWh. Zero-carbon regime: unchanged (exports of on-site power are at 0 there anyway).
* Self-consumed on-site generation with ``certificates_kept: false``: in the views that count
  certificates at 0 (market-based scope 2, zero-carbon regime) the MWh is at the view's factor for
  other electricity (residual proxy; national fossil-power factor), as the certificate holder counts
  it at 0 (GHG Protocol Scope 2 Guidance Table 7.1, unique claim). GB/T 32150, ETS and location-
  based count no certificates: unchanged.
* ``certificates_kept`` not stated: the claim stands, with a warning naming the lines.
* Green power with ``inside_settlement_meter`` not stated: counted on top of the grid lines, with a
  warning (``true`` nets it out of the grid lines, :func:`zerocarbon.accounting.scope2.net_of_green_inside_meter`).
"""

from __future__ import annotations

from decimal import Decimal

from zerocarbon.accounting import formulas as fx
from zerocarbon.accounting import notices
from zerocarbon.accounting.context import LineContext, amount_in, in_unit
from zerocarbon.accounting.notices import Notice, phrase, quantity
from zerocarbon.accounting.phrases import BOOLEAN, RULE_STATUS
from zerocarbon.accounting.regimes import Regime, ViewMethod
from zerocarbon.accounting.results import Figure, plain
from zerocarbon.accounting.steam import steam_enthalpy, steam_heat_gj
from zerocarbon.errors import InputError, UnitError
from zerocarbon.factors import FactorValue
from zerocarbon.model.inventory_input import GREEN_KINDS, ActivityLine, Category
from zerocarbon.model.vocabulary import Label
from zerocarbon.units import conversion_factor, parse_unit, same_dimension

GRID_AVERAGE = "electricity_grid_average"
GRID_RESIDUAL = "electricity_grid_excl_market_nonfossil"
RESIDUAL_ITEMS = {"excl_market_nonfossil": GRID_RESIDUAL, "grid_average": GRID_AVERAGE}
ZERO = Decimal(0)

#: Why a view refuses a supplier-specific (stated) electricity factor.
REFUSED_BECAUSE = notices.REFUSED_BECAUSE


def _rule(regime: Regime, key: str) -> Notice:
    """The regime's rule ``key`` as a figure's note cites it: ``regime: value [clause] (status)``, the value in
    each language (``value_zh`` of ``regimes.yaml``)."""
    for rule in regime.rules:
        if rule.get("key") == key:
            clause = phrase("clause", clause=rule["clause"]) if rule.get("clause") else ""
            status = str(rule["status"])
            return phrase("rule", regime=regime.id, value=Label(str(rule.get("value_zh") or rule["value"]),
                                                                str(rule["value"])),
                          clause=clause, status=RULE_STATUS.get(status, Label(status, status)))
    return phrase("rule_only", regime=regime.id)


def _rule_once(ctx: LineContext, regime: Regime, key: str) -> Notice:
    """:func:`_rule`, built once per inventory (the same note on every line of a view)."""
    return ctx.once(("rule", id(regime), key), lambda: _rule(regime, key), regime)


def grid_factor(ctx: LineContext, method: ViewMethod, region: str | None = None) -> tuple[FactorValue, Notice]:
    """The view's factor for grid electricity, and how it was chosen (item, level, data year).

    ``region`` overrides the region of the view's level (a caller that knows the grid region better).
    Looked up once per inventory and view: every grid line of a view has the same factor.
    """
    return ctx.once(("grid_factor", id(method), region), lambda: _grid_factor(ctx, method, region), method)


def _grid_factor(ctx: LineContext, method: ViewMethod, region: str | None) -> tuple[FactorValue, Notice]:
    el = method.electricity
    item = el.factor
    if item.startswith("setting:"):
        item = RESIDUAL_ITEMS[str(getattr(ctx.settings, item.split(":", 1)[1]))]
    year, how = ctx.year, None
    if el.fixed_data_year is not None and (el.fixed_setting is None
                                           or getattr(ctx.settings, el.fixed_setting) == "printed"):
        year, how = el.fixed_data_year, phrase("factor_printed", year=el.fixed_data_year)
    region = region or ctx.level_region(el.level)
    fv = ctx.library.lookup(item, "emission_factor", data_year=year, region=region, policy=ctx.policy)
    code = "factor_residual" if item == GRID_RESIDUAL else "factor_grid"
    return fv, how or phrase(code, item=notices.item(item), year=year, region=notices.place(region))


def _stated(line: ActivityLine, ctx: LineContext, view: str, regime: Regime, method: ViewMethod) -> FactorValue | None:
    stated = line.measured.get("emission_factor")
    if stated is None:
        return None
    if method.electricity.supplier_factor == "accepted":
        return FactorValue.measured(GRID_AVERAGE, "emission_factor", stated.value, stated.unit, stated.evidence)
    why = REFUSED_BECAUSE.get(view, notices.REFUSED_OTHERWISE)
    ctx.refusals.append(Notice("stated_factor_refused", {
        "line": line.id, "value": notices.amount(stated.value), "unit": stated.unit, "view": notices.view(view),
        "regime": regime.id, "why": why}))
    return None


def electricity(line: ActivityLine, ctx: LineContext) -> dict[str, Figure]:
    """Purchased or exported electricity in every view (see the module docstring)."""
    mwh = amount_in(line, "MWh", "电量", "electricity")
    ad = plain(mwh)  # the same in every view
    out: dict[str, Figure] = {}
    for view, (regime, method) in ctx.views.items():
        if line.category is Category.ELECTRICITY_EXPORTED:
            fig = _exported(line, mwh, ctx, view, regime, method)
            if fig is not None and ctx.exports_onsite and line.certificates_kept is None:
                fig.warnings.append(CERTS_NOT_STATED)
        else:
            fig = _purchased(line, mwh, ctx, view, regime, method, ad)
            if line.electricity_kind in GREEN_KINDS and line.inside_settlement_meter is None:
                fig.warnings.append(INSIDE_NOT_STATED)
        if fig is not None:
            out[view] = fig
    return out


#: Texts of the trace without parameters, built once (notices are never changed once made).
F_GREEN_ZERO = phrase("f_green_zero")
FACTOR_STATED = phrase("factor_stated")
#: Warnings of evidence not stated (grouped by cause with the lines in the inventory's warnings).
CERTS_NOT_STATED = Notice("certificates_kept_not_stated")
INSIDE_NOT_STATED = Notice("inside_meter_not_stated")


def _exported(line: ActivityLine, mwh: Decimal, ctx: LineContext, view: str, regime: Regime,
              method: ViewMethod) -> Figure | None:
    if method.exports == "memo":
        return None
    if method.electricity.export_factor == "onsite_zero" and ctx.exports_onsite:
        return Figure(view, ZERO, phrase("f_export_onsite_zero"), [],
                      {"AD_MWh": plain(mwh)}, note=_rule_once(ctx, regime, "exports"))
    if ctx.exports_onsite and line.certificates_kept is False:
        return Figure(view, ZERO, phrase("f_export_sold"), [],
                      {"AD_MWh": plain(mwh), "certificates_kept": phrase("label", text=BOOLEAN[False])},
                      note=phrase("sold_note", why=notices.SOLD),
                      warnings=[Notice("export_credit_removed",
                                              {"view": notices.view(view), "regime": regime.id, "why": notices.SOLD})])
    fv, how = grid_factor(ctx, method)
    ef = in_unit(fv, "tCO2/MWh")
    return Figure(view, -fx.electricity_co2(mwh, ef), phrase("f_exported"), [fv],
                  {"AD_MWh": plain(mwh), "EF_tCO2_per_MWh": plain(ef), "factor_choice": how},
                  note=_rule_once(ctx, regime, "exports"))


def _purchased(line: ActivityLine, mwh: Decimal, ctx: LineContext, view: str, regime: Regime,
               method: ViewMethod, ad: str) -> Figure:
    """Purchased electricity in one view; ``ad`` is ``mwh`` as the trace prints it."""
    el = method.electricity
    green_zero = el.green_power_zero
    if view == "gbt32150" and ctx.settings.gbt32150_green_power_zero is not None:
        green_zero = ctx.settings.gbt32150_green_power_zero
    green = line.electricity_kind in GREEN_KINDS
    if green and green_zero:
        return Figure(view, ZERO, F_GREEN_ZERO, [], {"AD_MWh": ad, "evidence": line.evidence or ""},
                      note=_rule_once(ctx, regime, "electricity_zero"))
    stated = _stated(line, ctx, view, regime, method)
    if stated:
        fv, how = stated, FACTOR_STATED
        ef = in_unit(fv, "tCO2/MWh")
        ef_text = plain(ef)
    else:  # the view's grid factor and its value in tCO2/MWh: the same for every line of the view
        fv, how = grid_factor(ctx, method)
        ef, ef_text = ctx.once(("grid_ef", id(method)), lambda: (in_unit(fv, "tCO2/MWh"),
                                                               plain(in_unit(fv, "tCO2/MWh"))), method)
    inter: dict[str, str] = {"AD_MWh": ad, "EF_tCO2_per_MWh": ef_text, "factor_choice": how}
    certs = ctx.covered_mwh.get(line.id, ZERO)
    serials = ", ".join(ctx.covered_serials.get(line.id, []))
    if green:
        note: str = ctx.once(("green_not_zero", regime.id), lambda: phrase("green_not_zero", regime=regime.id))
    elif el.certificates_zero:
        inter.update({"GEC_MWh": plain(certs), "residual_MWh": plain(mwh - certs), "certificates": serials})
        emissions = fx.electricity_co2(mwh - certs, ef)
        rule = "electricity_other" if view == "zero_carbon" else "residual_proxy"
        return Figure(view, emissions, "E = (AD − GEC) × EF", [fv], inter,
                      note=ctx.once(("certificates_zero", id(regime), rule),
                                    lambda: phrase("certificates_zero", rule=_rule(regime, rule)), regime))
    else:
        note = _rule_once(ctx, regime, "electricity_grid_factor" if view != "location" else "location_based")
        if certs:
            inter["GEC_MWh_not_counted"] = plain(certs)
            note = phrase("certificates_not_counted", rule=note, mwh=plain(certs), serials=serials)
    return Figure(view, fx.electricity_co2(mwh, ef), "E = AD × EF", [fv], inter, note=note)


def heat(line: ActivityLine, ctx: LineContext) -> dict[str, Figure]:
    """Purchased or exported heat (steam converted with the enthalpy tables) in every view."""
    gj, intermediates = heat_gj(line, ctx)
    exported = line.category is Category.HEAT_EXPORTED
    sign = Decimal(-1) if exported else Decimal(1)
    stated = line.measured.get("emission_factor")
    out: dict[str, Figure] = {}
    for view, (regime, method) in ctx.views.items():
        if exported and method.exports == "memo":
            continue
        fv: FactorValue | None = None
        if stated is not None and method.heat_supplier_factor == "accepted":
            fv = FactorValue.measured("heat", "emission_factor", stated.value, stated.unit, stated.evidence)
            note: str = phrase("supplier_heat")
        else:
            if stated is not None:
                ctx.refusals.append(Notice("stated_heat_factor_refused", {
                    "line": line.id, "view": notices.view(view), "regime": regime.id}))
            fv = regime.heat_factor(view)
            note = _rule_once(ctx, regime, "heat")
            if fv is None:
                fv = ctx.library.lookup("heat", "emission_factor", data_year=ctx.year, region="*", policy=ctx.policy)
        ef = in_unit(fv, "tCO2/GJ")
        inter = {**intermediates, "AD_GJ": plain(gj), "EF_tCO2_per_GJ": plain(ef)}
        out[view] = Figure(view, sign * fx.heat_co2(gj, ef), phrase("f_exported") if exported else "E = AD × EF",
                           [fv], inter, note=note)
    return out


def heat_gj(line: ActivityLine, ctx: LineContext) -> tuple[Decimal, dict[str, str]]:
    """Heat of the line [GJ]: given as energy, or steam mass × enthalpy (GB/T 32150 / NDRC guides)."""
    intermediates: dict[str, str] = {}
    if same_dimension(line.unit, "GJ"):
        return line.amount * conversion_factor(line.unit, "GJ"), intermediates
    if not same_dimension(line.unit, "t"):
        raise UnitError(f"热力单位 “{line.unit}” 不对", f"heat unit '{line.unit}' is neither energy nor steam mass",
                        field="unit", expected="GJ, MJ, TJ, kWh or t of steam")
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
    intermediates.update({"steam_t": plain(mass), "enthalpy_kJ_per_kg": plain(enthalpy.value),
                          "enthalpy_method": enthalpy.method, "enthalpy_source": enthalpy.source,
                          "heat_formula": heat_formula})
    return gj, intermediates


def recovered(line: ActivityLine, ctx: LineContext) -> dict[str, Figure]:
    """CO2 recovered and utilised (回收利用): subtracted where the regime says so (GB/T 32150), else memo."""
    if parse_unit(line.unit).dimensionality == parse_unit("tCO2").dimensionality:
        mass = line.amount * conversion_factor(line.unit, "tCO2")
    else:
        mass = amount_in(line, "t", "回收二氧化碳量", "recovered CO2")
    inter = {"R_tCO2": plain(mass), "evidence": line.evidence or ""}
    return {view: (Figure(view, -mass, phrase("f_recovered"), [], dict(inter))
                   if method.recovered_co2 == "subtracted" else
                   Figure(view, ZERO, phrase("f_memo"), [], dict(inter), note=_rule_once(ctx, regime, "recovered_co2")))
            for view, (regime, method) in ctx.views.items()}


def onsite(line: ActivityLine, ctx: LineContext) -> dict[str, Figure]:
    """On-site renewable generation: zero emissions, recorded for the energy balance; where its
    certificates were sold, at the view's factor in the views that count certificates (module docstring)."""
    mwh = amount_in(line, "MWh", "厂内发电量", "on-site generation")
    out: dict[str, Figure] = {}
    for view, (regime, method) in ctx.views.items():
        if line.certificates_kept is False and method.electricity.certificates_zero:
            fv, how = grid_factor(ctx, method)
            ef = in_unit(fv, "tCO2/MWh")
            fig = Figure(view, fx.electricity_co2(mwh, ef), phrase("f_onsite_sold"),
                         [fv], {"AD_MWh": plain(mwh), "EF_tCO2_per_MWh": plain(ef), "factor_choice": how,
                                "certificates_kept": phrase("label", text=BOOLEAN[False])},
                         note=phrase("sold_onsite_note", why=notices.SOLD),
                         warnings=[Notice("onsite_zero_removed", {"view": notices.view(view), "regime": regime.id,
                                                                  "why": notices.SOLD})])
        else:
            fig = Figure(view, ZERO, phrase("f_onsite_zero"), [],
                         {"generation": quantity(line.amount, line.unit)})
            if line.certificates_kept is None:
                fig.warnings.append(CERTS_NOT_STATED)
        out[view] = fig
    return out


def direct_view(base: Figure, view: str, regime: Regime, method: ViewMethod) -> Figure:
    """A direct-emission figure in a regime view: the same CO2; other gases at 0 where only CO2 counts."""
    if method.gases != "CO2":
        return Figure(view, base.emissions, base.formula, base.factors, dict(base.intermediates), base.note,
                      dict(base.gases), dict(base.gases_co2e))
    co2 = base.gases_co2e.get("CO2", ZERO) if base.gases_co2e else base.emissions
    if co2 == base.emissions:
        return Figure(view, co2, base.formula, base.factors, dict(base.intermediates), base.note,
                      {"CO2": co2} if co2 else {}, {"CO2": co2} if co2 else {})
    left_out = sorted(g for g in base.gases_co2e if g != "CO2")
    return Figure(view, co2, base.formula if co2 else phrase("f_not_co2"), base.factors if co2 else [],
                  dict(base.intermediates), note=phrase("gases_left_out", gases=", ".join(left_out),
                                                        rule=_rule(regime, "gases")),
                  gases={"CO2": co2} if co2 else {}, gases_co2e={"CO2": co2} if co2 else {})
