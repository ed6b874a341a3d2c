"""The planning assumptions file (YAML): site, weather, prices, measures with costs, targets.

Every cost, price and literature figure is written ``{value: …, source: "…"}``; a bare number is
accepted only for the factory's own decisions (sizes, shares, years, tilt). Bad input raises
:class:`~zerocarbon.errors.InputError` naming the file and the field. The format is described in
docs/renewables.md ("planning and roadmap"); the sample is ``zerocarbon/demo/sample_planning.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from zerocarbon.errors import InputError
from zerocarbon.renewables.formulation import Targets
from zerocarbon.renewables.intensity import EnergyBasis

#: Measure kinds the file may use: the core's (renewables.roadmap.KINDS) and three derived from the
#: factory's data by the service (efficiency upgrades of the diagnosis, leak repair, compressor heat).
DERIVED = ("efficiency_upgrades", "air_leak_repair", "compressor_heat_recovery")


@dataclass(frozen=True)
class Sourced:
    """A number with where it comes from."""

    value: float
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "source": self.source}


@dataclass(frozen=True)
class MeasureInput:
    """One measure of the file: its kind, parameters (sourced or the factory's), costs."""

    id: str
    kind: str
    title_zh: str
    title_en: str
    params: dict[str, Sourced]
    capex: Sourced | None
    opex: Sourced | None
    lifetime_years: Sourced | None
    year: int | None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Assumptions:
    """The parsed file."""

    path: Path
    view: str
    start_year: int
    target_year: int
    discount_rate: Sourced
    site: dict[str, float | str]
    weather: Path
    pv_tilt_deg: float
    pv_azimuth_deg: float
    tariff: dict[str, Any]
    gas_price_per_gj: Sourced
    diesel_price_per_t: Sourced
    boiler_efficiency: Sourced
    export_limit_kw: float
    measures: list[MeasureInput]
    targets: dict[str, float]
    sizing: dict[str, dict[str, Sourced]]
    illustrative: bool
    note: str
    #: The standard-coal conversion of ``targets.energy_basis`` (the intensity target needs it).
    energy_basis: EnergyBasis | None = None


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, zh: str, en: str, expected: str | None = None) -> InputError:
        return InputError(zh, en, file=str(self.path), field=where, expected=expected)

    def number(self, node: Any, where: str) -> float:
        if isinstance(node, bool) or not isinstance(node, int | float | str):
            raise self.fail(where, "须为数值", "must be a number", "a number")
        try:
            return float(node)
        except ValueError as exc:
            raise self.fail(where, f"数值无效：{node}", f"not a number: {node}", "a number") from exc

    def sourced(self, node: Any, where: str) -> Sourced:
        if not isinstance(node, Mapping) or "value" not in node or not str(node.get("source") or "").strip():
            raise self.fail(where, "须写成 {value: 数值, source: 来源}", "must be {value: number, source: text}",
                            "{value: …, source: …}")
        return Sourced(self.number(node["value"], f"{where}.value"), str(node["source"]))

    def param(self, node: Any, where: str) -> Sourced:
        if isinstance(node, Mapping):
            return self.sourced(node, where)
        return Sourced(self.number(node, where), "the factory's decision (assumptions file)")


def _targets(r: _Reader, node: Any) -> tuple[dict[str, float], EnergyBasis | None]:
    """``targets``: levels by name (:meth:`Targets.names`) and the energy basis of the intensity target.

    ``targets.energy_basis``: ``electricity_kgce_per_kwh: {value, source}`` (the equal value, the year's
    供电标准煤耗: required, never defaulted) and optionally ``gas_kgce_per_kwh: {value, source}`` (else the
    factor library's GB/T 2589-2008 附录A row, as the core does)."""
    if node is None:
        return {}, None
    if not isinstance(node, Mapping):
        raise r.fail("targets", "targets 须为键值映射", "targets must be a mapping")
    names = Targets.names()
    levels: dict[str, float] = {}
    for k, v in node.items():
        if k == "energy_basis":
            continue
        if k not in names:
            raise r.fail(f"targets.{k}", f"未知目标 {k}", f"unknown target {k}", ", ".join([*names, "energy_basis"]))
        levels[str(k)] = r.number(v, f"targets.{k}")
    eb = node.get("energy_basis")
    where = "targets.energy_basis"
    if eb is None:
        if "intensity_tco2_per_tce" in levels:
            raise r.fail(where, "单位能耗碳排放目标需要 targets.energy_basis（电力等价值折标系数及其来源，即当年"
                                "供电标准煤耗；无默认值）", "the intensity target needs targets.energy_basis (the "
                                "equal value of electricity with its source, the year's 供电标准煤耗; no default)",
                         "energy_basis: {electricity_kgce_per_kwh: {value: …, source: …}}")
        return levels, None
    if not isinstance(eb, Mapping):
        raise r.fail(where, "须为键值映射", "must be a mapping", "{electricity_kgce_per_kwh: {value, source}}")
    unknown = set(eb) - {"electricity_kgce_per_kwh", "gas_kgce_per_kwh"}
    if unknown:
        k = sorted(map(str, unknown))[0]
        raise r.fail(f"{where}.{k}", f"未知键 {k}", f"unknown key {k}", "electricity_kgce_per_kwh, gas_kgce_per_kwh")
    if eb.get("electricity_kgce_per_kwh") is None:
        raise r.fail(f"{where}.electricity_kgce_per_kwh", "缺少电力等价值折标系数（当年供电标准煤耗，kgce/kWh，"
                     "须注明来源；无默认值）", "the equal value of electricity is missing (the year's 供电标准煤耗, "
                     "kgce/kWh, with its source; no default)", "{value: …, source: …}")
    el = r.sourced(eb["electricity_kgce_per_kwh"], f"{where}.electricity_kgce_per_kwh")
    gas = r.sourced(eb["gas_kgce_per_kwh"], f"{where}.gas_kgce_per_kwh") if eb.get("gas_kgce_per_kwh") is not None \
        else None
    try:
        basis = EnergyBasis(el.value, el.source, gas.value if gas else None, gas.source if gas else "")
    except InputError as exc:  # the core names energy_basis.<key>: say which file and where in it
        raise InputError(
            exc.message_zh, exc.message_en, file=str(r.path), field=f"targets.{exc.field or 'energy_basis'}",
            expected=exc.expected) from exc
    return levels, basis


def load_assumptions(path: str | Path) -> Assumptions:
    """Read and check a planning assumptions file."""
    p = Path(path)
    r = _Reader(p)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"无法读取规划假设文件：{exc}", f"cannot read the planning assumptions: {exc}",
                         file=str(p)) from exc
    if not isinstance(doc, Mapping):
        raise r.fail("(root)", "文件须为键值映射", "the file must be a mapping")
    for key in ("start_year", "target_year", "discount_rate", "site", "weather", "tariff", "prices", "measures"):
        if key not in doc:
            raise r.fail(key, f"缺少 {key}", f"{key} is missing")
    site = doc["site"]
    if not isinstance(site, Mapping) or "latitude" not in site or "longitude" not in site:
        raise r.fail("site", "须给出 latitude、longitude", "needs latitude and longitude")
    tariff = doc["tariff"]
    if isinstance(tariff, Mapping) and "table" in tariff:  # a shipped table: its periods and ratios, prices given
        for key in ("user_class", "purchase_price", "non_floating"):
            if key not in tariff:
                raise r.fail(f"tariff.{key}", f"分时电价表需要 tariff.{key}", f"a tariff table needs tariff.{key}")
        tariff = {**tariff, "purchase_price": r.sourced(tariff["purchase_price"], "tariff.purchase_price"),
                  "non_floating": r.sourced(tariff["non_floating"], "tariff.non_floating")}
        tariff["source"] = f"table {tariff['table']}"
    elif not isinstance(tariff, Mapping) or not str(tariff.get("source") or "").strip() or "prices" not in tariff:
        raise r.fail("tariff", "分时电价须有 prices 与 source（或 table）",
                     "the tariff needs prices and a source (or a table)")
    prices = doc["prices"]
    measures = []
    seen: set[str] = set()
    for i, m in enumerate(doc["measures"] or []):
        where = f"measures[{i}]"
        if not isinstance(m, Mapping) or "id" not in m or "kind" not in m:
            raise r.fail(where, "措施须有 id 与 kind", "a measure needs id and kind")
        mid = str(m["id"])
        if mid in seen:
            raise r.fail(f"{where}.id", f"措施编号 {mid} 重复", f"measure id {mid} repeats")
        seen.add(mid)
        known = {"id", "kind", "title_zh", "title_en", "capex", "opex", "lifetime_years", "year", "compressors"}
        params = {k: r.param(v, f"{where}.{k}") for k, v in m.items() if k not in known}
        costs = {k: r.sourced(m[k], f"{where}.{k}") if k in m else None for k in ("capex", "opex", "lifetime_years")}
        measures.append(MeasureInput(
            mid, str(m["kind"]), str(m.get("title_zh") or mid), str(m.get("title_en") or mid), params,
            costs["capex"], costs["opex"], costs["lifetime_years"],
            int(r.number(m["year"], f"{where}.year")) if m.get("year") is not None else None,
            {"compressors": [str(c) for c in m.get("compressors") or []]}))
    targets, basis = _targets(r, doc.get("targets"))
    sizing = {name: {k: r.param(v, f"sizing.{name}.{k}") for k, v in spec.items()}
              for name, spec in (doc.get("sizing") or {}).items()}
    pv = doc.get("pv_array") or {}
    weather = p.parent / str(doc["weather"])
    return Assumptions(
        path=p, view=str(doc.get("view") or "gbt32150"),
        start_year=int(r.number(doc["start_year"], "start_year")),
        target_year=int(r.number(doc["target_year"], "target_year")),
        discount_rate=r.sourced(doc["discount_rate"], "discount_rate"),
        site={"latitude": r.number(site["latitude"], "site.latitude"),
              "longitude": r.number(site["longitude"], "site.longitude"),
              "altitude_m": r.number(site.get("altitude_m", 0), "site.altitude_m"),
              "tz": str(site.get("tz") or "Asia/Shanghai"), "name": str(site.get("name") or "")},
        weather=weather, pv_tilt_deg=r.number(pv.get("tilt_deg", 20), "pv_array.tilt_deg"),
        pv_azimuth_deg=r.number(pv.get("azimuth_deg", 180), "pv_array.azimuth_deg"),
        tariff=dict(tariff),
        gas_price_per_gj=r.sourced(prices.get("gas_yuan_per_gj"), "prices.gas_yuan_per_gj"),
        diesel_price_per_t=r.sourced(prices.get("diesel_yuan_per_t"), "prices.diesel_yuan_per_t"),
        boiler_efficiency=r.sourced(doc.get("boiler_efficiency"), "boiler_efficiency"),
        export_limit_kw=r.number(doc.get("export_limit_kw", float("inf")), "export_limit_kw"),
        measures=measures, targets=targets, energy_basis=basis,
        sizing=sizing, illustrative=bool(doc.get("illustrative", False)), note=str(doc.get("note") or ""),
    )
