"""Method regimes (核算口径) as versioned data: which documents, which emissions, which factors.

The regimes live in ``accounting/data/regimes.yaml`` (prose and reasons in ``docs/method-regimes.md``).
Each regime cites its documents (title, number, edition, clause, URL, status) and declares, per
accounting view it produces, what the engine reads:

* ``gases`` — ``all`` or ``CO2`` (a line of another gas is shown at 0 with the reason);
* ``exports`` — ``netted`` (exported electricity and heat subtract) or ``memo`` (not in the total);
* ``recovered_co2`` — ``subtracted`` or ``memo``;
* ``electricity`` — the grid factor (library item and level), whether green power with proof and
  retired unbundled certificates count at 0, whether a stated supplier factor may replace the
  regime's factor, and the factor of exported electricity;
* ``heat`` — the default (library row valid for the data year, or the regime's printed value) and
  whether a stated supplier factor is accepted.

Views: ``gbt32150`` (the GB/T 32150 edition in force for the data year, or the one chosen),
``location`` and ``market`` (ghg-protocol), ``ets``, ``zero_carbon``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from zerocarbon.accounting.notices import Notice, phrase
from zerocarbon.accounting.results import LineResult
from zerocarbon.errors import FactorError, InputError
from zerocarbon.factors import FactorRow, FactorValue
from zerocarbon.model.inventory_input import ActivityLine, Category, Settings

STATUSES = ("verified", "single-source", "secondary", "unknown")
VIEW_OF = {"gbt32150-2015": ("gbt32150",), "gbt32150-2025": ("gbt32150",), "ets": ("ets",),
           "ghg-protocol": ("location", "market"), "zero-carbon": ("zero_carbon",)}

#: Which measured parameters (实测值) each category uses; any other is refused, never dropped. (Fuel
#: combustion and released gases check their own parameters in :mod:`zerocarbon.accounting.lines`.)
CATEGORY_PARAMETERS: dict[Category, frozenset[str]] = {
    Category.PROCESS_CARBONATE: frozenset({"emission_factor"}),
    Category.PROCESS_MASS_BALANCE: frozenset({"carbon_content"}),
    Category.ELECTRICITY_PURCHASED: frozenset({"emission_factor"}),
    Category.ELECTRICITY_EXPORTED: frozenset(),  # every regime values exports at its own factor
    Category.HEAT_PURCHASED: frozenset({"emission_factor"}),
    Category.HEAT_EXPORTED: frozenset({"emission_factor"}),
    Category.CO2_RECOVERED: frozenset(),
    Category.ONSITE_RENEWABLE: frozenset(),
}


@dataclass(frozen=True)
class ElectricityMethod:
    """How one view treats electricity."""

    factor: str  # library item, or "setting:market_residual_factor"
    level: str  # "national", "regional", "provincial" or "setting:<field>"
    green_power_zero: bool
    certificates_zero: bool
    supplier_factor: str  # "accepted" or "refused"
    export_factor: str  # "grid" or "onsite_zero"
    fixed_data_year: int | None = None
    fixed_setting: str | None = None


@dataclass(frozen=True)
class ViewMethod:
    """What one accounting view of a regime counts and with which factors."""

    view: str
    gases: str
    exports: str
    recovered_co2: str
    electricity: ElectricityMethod
    heat_default: dict[str, str] | None  # None: the library row valid for the data year
    heat_supplier_factor: str


@dataclass(frozen=True)
class Regime:
    """One method regime with its documents, rules and the views it produces."""

    id: str
    name_zh: str
    name_en: str
    edition: str
    documents: tuple[dict[str, Any], ...]
    in_force: dict[str, Any]
    default_for_data_years: dict[str, Any] | None
    views: dict[str, ViewMethod]
    rules: tuple[dict[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name_zh": self.name_zh, "name_en": self.name_en, "edition": self.edition,
                "documents": [dict(d) for d in self.documents], "in_force": dict(self.in_force),
                "views": list(self.views), "rules": [dict(r) for r in self.rules]}

    def heat_factor(self, view: str) -> FactorValue | None:
        """The regime's printed heat default for ``view`` as a factor with provenance, or None (library)."""
        d = self.views[view].heat_default
        if d is None:
            return None
        row = FactorRow(factor_id=f"regime.{self.id}.heat.emission_factor", item="heat", parameter="emission_factor",
                        variant="", gas="CO2", value=Decimal(d["value"]), unit=d["unit"], region="*", data_year=None,
                        valid_from=None, valid_to=None, source_document=d["source_document"],
                        edition=d.get("edition", ""), clause=d.get("clause", ""),
                        status="single-source" if d["status"] == "single-source" else "unverified",
                        preferred=True, uncertainty_pct=None, note=phrase("regime_printed_row", regime=self.id),
                        file="accounting/data/regimes.yaml")
        return FactorValue(item="heat", parameter="emission_factor", value=row.value, unit=row.unit,
                           origin="default", row=row)


def _bad(where: str, what: str) -> FactorError:
    return FactorError(f"口径文件 regimes.yaml 有误：{where}：{what}", f"regimes.yaml: {where}: {what}",
                       file="accounting/data/regimes.yaml")


def _view(name: str, raw: dict[str, Any], where: str) -> ViewMethod:
    for key, allowed in (("gases", ("all", "CO2")), ("exports", ("netted", "memo")),
                         ("recovered_co2", ("subtracted", "memo"))):
        if raw.get(key) not in allowed:
            raise _bad(where, f"{key} must be one of {allowed}")
    el = raw["electricity"]
    if el.get("supplier_factor") not in ("accepted", "refused") or el.get("export_factor") not in ("grid",
                                                                                                  "onsite_zero"):
        raise _bad(where, "electricity.supplier_factor/export_factor")
    heat = raw["heat"]
    default = heat.get("default")
    if default != "library" and not (isinstance(default, dict) and {"value", "unit", "source_document",
                                                                     "status"} <= set(default)):
        raise _bad(where, "heat.default must be 'library' or a value with unit, source_document and status")
    return ViewMethod(
        view=name, gases=raw["gases"], exports=raw["exports"], recovered_co2=raw["recovered_co2"],
        electricity=ElectricityMethod(
            factor=el["factor"], level=el["level"], green_power_zero=bool(el["green_power_zero"]),
            certificates_zero=bool(el["certificates_zero"]), supplier_factor=el["supplier_factor"],
            export_factor=el["export_factor"], fixed_data_year=el.get("fixed_data_year"),
            fixed_setting=el.get("fixed_setting")),
        heat_default=None if default == "library" else {k: str(v) for k, v in default.items()},
        heat_supplier_factor=heat.get("supplier_factor", "accepted"))


def _check_status(items: list[dict[str, Any]], where: str) -> None:
    for n, item in enumerate(items, start=1):
        if item.get("status") not in STATUSES:
            raise _bad(f"{where}[{n}]", f"status must be one of {STATUSES}")


def parse(data: dict[str, Any]) -> dict[str, Regime]:
    """Validate the regimes document; a problem raises :class:`FactorError` naming the regime and field."""
    out: dict[str, Regime] = {}
    for raw in data.get("regimes", []):
        rid = raw.get("id")
        if rid not in VIEW_OF:
            raise _bad(f"regime {rid}", f"unknown id, expected one of {sorted(VIEW_OF)}")
        _check_status(raw.get("documents", []), f"{rid}.documents")
        _check_status(raw.get("rules", []), f"{rid}.rules")
        if not raw.get("documents"):
            raise _bad(rid, "a regime cites at least one document")
        views = {name: _view(name, v, f"{rid}.views.{name}") for name, v in raw["views"].items()}
        if tuple(views) != VIEW_OF[rid]:
            raise _bad(rid, f"views must be {VIEW_OF[rid]}")
        out[rid] = Regime(id=rid, name_zh=raw["name_zh"], name_en=raw["name_en"], edition=str(raw["edition"]),
                          documents=tuple(raw["documents"]), in_force=dict(raw.get("in_force") or {}),
                          default_for_data_years=raw.get("default_for_data_years"), views=views,
                          rules=tuple(raw["rules"]))
    missing = set(VIEW_OF) - set(out)
    if missing:
        raise _bad("regimes", f"missing {sorted(missing)}")
    return out


@lru_cache(maxsize=1)
def load_regimes(path: str | None = None) -> dict[str, Regime]:
    """The shipped regimes (or those of ``path``), validated."""
    file = Path(path) if path else Path(str(resources.files("zerocarbon.accounting") / "data" / "regimes.yaml"))
    with file.open(encoding="utf-8") as handle:
        return parse(yaml.safe_load(handle))


def gbt_edition_in_force(year: int) -> str:
    """The GB/T 32150 regime that is the default for data year ``year`` (from each regime's declared years)."""
    for rid in ("gbt32150-2015", "gbt32150-2025"):
        years = load_regimes()[rid].default_for_data_years or {}
        if (years.get("from") is None or year >= int(years["from"])) and (
                years.get("to") is None or year <= int(years["to"])):
            return rid
    raise InputError(f"没有适用于数据年份 {year} 的 GB/T 32150 版本", f"no GB/T 32150 edition for data year {year}",
                     field="settings.regimes")


def selected(settings: Settings, year: int) -> tuple[list[Regime], list[str]]:
    """The regimes an inventory computes and the warnings that choice raises.

    The GB/T 32150 edition (in force for ``year`` unless one is named) and ghg-protocol are always
    computed: the reports' ``gbt32150``, ``location`` and ``market`` views come from them.
    """
    regimes = load_regimes()
    in_force = gbt_edition_in_force(year)
    asked = list(settings.regimes) if settings.regimes is not None else [in_force, "ghg-protocol", "zero-carbon"]
    warnings: list[str] = []
    gbt = [r for r in asked if r.startswith("gbt32150")]
    if gbt and gbt[0] != in_force:
        warnings.append(Notice("regime_off_year", {"regime": gbt[0], "year": year, "in_force": in_force}))
    ids = ([] if gbt else [in_force]) + asked
    if "ghg-protocol" not in ids:
        ids.append("ghg-protocol")
    if any(rid == "gbt32150-2025" for rid in ids):
        warnings.append(Notice("regime_2025_carried"))
    return [regimes[rid] for rid in dict.fromkeys(ids)], warnings


def views_of(regimes: list[Regime]) -> dict[str, tuple[Regime, ViewMethod]]:
    """View key → (regime, method), in the order of the regimes."""
    return {name: (reg, method) for reg in regimes for name, method in reg.views.items()}


def check_measured(line: ActivityLine) -> None:
    """Refuse a measured parameter the line's category does not use (it would otherwise be dropped)."""
    allowed = CATEGORY_PARAMETERS.get(line.category)
    if allowed is None:
        return
    extra = sorted(set(line.measured) - allowed)
    if extra:
        raise InputError(f"类别 {line.category.value} 不使用实测参数 {extra}（可用：{sorted(allowed) or '无'}）",
                         f"category {line.category.value} does not use the measured parameter(s) {extra} "
                         f"(usable: {sorted(allowed) or 'none'}); it is refused rather than ignored",
                         field=f"measured.{extra[0]}", expected=" | ".join(sorted(allowed)) or "no measured values")


def _sum(results: list[LineResult], view: str, cats: set[Category] | None = None) -> Decimal:
    return sum((r.emissions(view) for r in results if not r.biomass and (cats is None or r.category in cats)),
               Decimal(0))


def regime_totals(regime: Regime, results: list[LineResult]) -> dict[str, str]:
    """The headline figures of one regime over the inventory's lines [tCO2e; zero-carbon tCO2].

    * GB/T 32150: ``total`` = Σ of the view (exports and recovery subtracted), biomass CO2 as memo;
    * ets: ``total`` = Σ of the ``ets`` view (CO2, net purchases);
    * ghg-protocol: ``scope1`` and scope 2 location- and market-based (exports not netted);
    * zero-carbon: ``total_co2`` = E能源活动 + E工业过程 (910号 附件4 一) with its parts.
    """
    direct = {c for c in Category if c not in INDIRECT}
    if regime.id == "ghg-protocol":
        s2 = {Category.ELECTRICITY_PURCHASED, Category.HEAT_PURCHASED}
        return {"scope1": str(_sum(results, "location", direct)),
                "scope2_location": str(_sum(results, "location", s2)),
                "scope2_market": str(_sum(results, "market", s2))}
    view = next(iter(regime.views))
    out = {"total" if regime.id != "zero-carbon" else "total_co2": str(_sum(results, view))}
    if regime.id == "zero-carbon":
        fuels = _sum(results, view, {Category.FUEL_COMBUSTION})
        out.update({"fuel_combustion": str(fuels), "process": str(_sum(results, view, direct) - fuels),
                    "electricity_net": str(_sum(results, view, {Category.ELECTRICITY_PURCHASED,
                                                                Category.ELECTRICITY_EXPORTED})),
                    "heat_net": str(_sum(results, view, {Category.HEAT_PURCHASED, Category.HEAT_EXPORTED}))})
    out["biomass_co2_memo"] = str(sum((r.emissions(view) for r in results if r.biomass), Decimal(0)))
    return out


INDIRECT = {Category.ELECTRICITY_PURCHASED, Category.ELECTRICITY_EXPORTED, Category.HEAT_PURCHASED,
            Category.HEAT_EXPORTED, Category.CO2_RECOVERED, Category.ONSITE_RENEWABLE}
