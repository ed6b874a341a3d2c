"""A product-footprint study file (GB/T 24067-2024): reading and checking, with every error located.

The study is a YAML file (format in docs/footprints.md, "The study file"): goal and scope
(``study``), the products with their declared unit and multi-level bill of materials
(``products``, ``parts``), background datasets with source and licence (``datasets``), supplier
footprints, PACT files among them (``suppliers``), and transport modes with a cited or
user-supplied factor (``transport_modes``). Numbers are read as Decimals from the file's text
(no float detour). An error names the file, the line, the field (``products[0].inputs[2].quantity``)
and what was expected, in Chinese and English; all problems of a file are reported at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from zerocarbon.errors import InputError, InputErrors, UnitError
from zerocarbon.services.footprint.records import (
    ALLOCATION_BASES,
    BOUNDARIES,
    DIMENSIONS,
    DISTRIBUTIONS,
    ELECTRICITY_RULES,
    PACT_UNITS,
    STAGE_KEYS,
    Dataset,
    Item,
    Leg,
    Mode,
    Quality,
    Study,
    Supplier,
    Uncert,
    Use,
)
from zerocarbon.units import conversion_factor


class _Loader(yaml.SafeLoader):
    """YAML with mappings that remember their line and floats read as Decimals from their text."""


class Node(dict[str, Any]):
    """A mapping of the study file that knows the line it starts on (1-based)."""

    line: int | None = None


def _mapping(loader: _Loader, node: yaml.MappingNode) -> Node:
    out = Node({str(k): v for k, v in loader.construct_mapping(node, deep=True).items()})
    out.line = node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
def _decimal(loader: _Loader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(str(loader.construct_scalar(node)))


_Loader.add_constructor("tag:yaml.org,2002:float", _decimal)


class _Reader:
    """Collects the problems of one file, each located."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[InputError] = []

    def fail(self, where: str, line: int | None, zh: str, en: str, expected: str | None = None) -> None:
        self.problems.append(InputError(zh, en, file=str(self.path), row=line, field=where, expected=expected))

    def text(self, node: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
        value = node.get(key, default)
        if value is None or (isinstance(value, str) and not value.strip() and default is None):
            self.fail(f"{where}.{key}", _line(node), f"缺少 {key}", f"{key} is missing", "text")
            return ""
        return str(value)

    def number(self, node: Mapping[str, Any], key: str, where: str, default: Decimal | None = None,
               required: bool = True, check: Callable[[Decimal], bool] | None = None,
               expected: str = "a number") -> Decimal | None:
        if key not in node or node[key] is None:
            if required and default is None:
                self.fail(f"{where}.{key}", _line(node), f"缺少 {key}", f"{key} is missing", expected)
            return default
        raw = node[key]
        try:
            value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
        except InvalidOperation:
            value = None
        if isinstance(raw, bool) or value is None or not value.is_finite() or (check and not check(value)):
            self.fail(f"{where}.{key}", _line(node), f"{key} 的值 {raw!r} 无效", f"{key}: {raw!r} is not valid",
                      expected)
            return default
        return value

    def choice(self, node: Mapping[str, Any], key: str, where: str, options: tuple[str, ...],
               default: str | None = None) -> str:
        value = node.get(key, default)
        if value not in options:
            self.fail(f"{where}.{key}", _line(node), f"{key} 的值 {value!r} 不在可选范围内",
                      f"{key}: {value!r} is not one of the options", " | ".join(options))
            return default or options[0]
        return str(value)

    def mapping(self, node: Mapping[str, Any], key: str, where: str, required: bool = False) -> Node:
        value = node.get(key)
        if value is None:
            if required:
                self.fail(f"{where}.{key}", _line(node), f"缺少 {key}", f"{key} is missing", "a mapping")
            return Node()
        if not isinstance(value, dict):
            self.fail(f"{where}.{key}", _line(node), f"{key} 应为映射", f"{key} must be a mapping", "key: value pairs")
            return Node()
        return value if isinstance(value, Node) else Node(value)

    def items(self, node: Mapping[str, Any], key: str, where: str) -> list[tuple[str, Node]]:
        value = node.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(f"{where}.{key}", _line(node), f"{key} 应为列表，每项为映射", f"{key} must be a list of mappings",
                      "a YAML list")
            return []
        return [(f"{where}.{key}[{i}]".lstrip("."), v if isinstance(v, Node) else Node(v))
                for i, v in enumerate(value)]

    def uncert(self, node: Mapping[str, Any], where: str) -> Uncert:
        u = self.mapping(node, "uncertainty", where)
        if not u:
            return Uncert()
        w = f"{where}.uncertainty"
        kind = self.choice(u, "distribution", w, DISTRIBUTIONS)
        positive = (lambda v: v >= 0)  # noqa: E731 - a tiny predicate
        if kind == "lognormal":
            return Uncert(kind, gsd=self.number(u, "gsd", w, check=lambda v: v >= 1, expected="≥ 1"))
        if kind == "normal":
            return Uncert(kind, pct95=self.number(u, "pct95", w, check=positive, expected="≥ 0 %"))
        if kind in ("uniform", "triangular"):
            return Uncert(kind, low_pct=self.number(u, "low_pct", w, check=lambda v: 0 <= v <= 100,
                                                    expected="0..100 %"),
                          high_pct=self.number(u, "high_pct", w, check=positive, expected="≥ 0 %"))
        return Uncert()

    def quality(self, node: Mapping[str, Any], where: str, primary: Decimal, required: bool = True) -> Quality | None:
        q = self.mapping(node, "dqr", where, required=required)
        if not q:
            return None
        w = f"{where}.dqr"
        rating = (lambda v: 1 <= v <= 5)  # noqa: E731 - PACT v3: DQR 1..5
        vals = [self.number(q, d, w, check=rating, expected="1..5 (PACT v3)") or Decimal(1) for d in DIMENSIONS]
        share = self.number(q, "primary_share", w, default=primary, check=lambda v: 0 <= v <= 1,
                            expected="0..1") or Decimal(0)
        return Quality(technological=vals[0], geographical=vals[1], temporal=vals[2], primary_share=share)


def _line(node: Mapping[str, Any]) -> int | None:
    return getattr(node, "line", None)


def read_yaml(path: Path) -> Node:
    """The study file's top mapping (lines remembered, floats as Decimals)."""
    try:
        body = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except OSError as exc:
        raise InputError("无法读取足迹研究文件", "cannot read the footprint study file", file=str(path),
                         expected="a readable YAML file") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError("足迹研究文件不是有效的 YAML", f"the study file is not valid YAML: {exc}", file=str(path),
                         row=mark.line + 1 if mark else None, expected="YAML") from exc
    if not isinstance(body, Node):
        raise InputError("足迹研究文件应为映射", "the study file must be a mapping", file=str(path),
                         expected="study:, products:, …")
    return body


def load_study(path: str | Path) -> Study:
    """Read and check a study file.

    Raises
    ------
    InputErrors
        Every problem found, each with file, line and field.
    """
    path = Path(path)
    body = read_yaml(path)
    r = _Reader(path)
    s = r.mapping(body, "study", "", required=True)
    w = "study"
    boundary = r.choice(s, "boundary", w, tuple(BOUNDARIES))
    excluded = []
    for where, e in r.items(s, "excluded_stages", w):
        stage = r.choice(e, "stage", where, STAGE_KEYS)
        excluded.append({"stage": stage, "reason_zh": r.text(e, "reason_zh", where),
                         "reason_en": r.text(e, "reason_en", where)})
    stages = tuple(k for k in BOUNDARIES[boundary] if k not in {e["stage"] for e in excluded})
    cut = r.mapping(s, "cut_off", w, required=True)
    cut_off = _cut_off(r, cut, f"{w}.cut_off")
    alloc = r.mapping(s, "allocation", w, required=True)
    basis = r.choice(alloc, "basis", f"{w}.allocation", ALLOCATION_BASES)
    shares = {str(k): r.number(alloc["shares"], str(k), f"{w}.allocation.shares",
                               check=lambda v: 0 <= v <= 1, expected="0..1") or Decimal(0)
              for k in (alloc.get("shares") or {})}
    elec = r.mapping(s, "electricity", w, required=True)
    year = int(r.number(s, "year", w, check=lambda v: v == v.to_integral() and 1990 <= v <= 2100,
                        expected="a year") or 0)
    mc = r.mapping(s, "monte_carlo", w)
    factory = r.mapping(s, "factory", w)
    activity = factory.get("activity_file")
    datasets = tuple(_dataset(r, n, where) for where, n in r.items(body, "datasets", ""))
    suppliers = tuple(_supplier(r, n, where, path) for where, n in r.items(body, "suppliers", ""))
    modes = tuple(_mode(r, n, where) for where, n in r.items(body, "transport_modes", ""))
    parts = tuple(_item(r, n, where, stages, part=True) for where, n in r.items(body, "parts", ""))
    products = tuple(_item(r, n, where, stages, part=False) for where, n in r.items(body, "products", ""))
    if not products:
        r.fail("products", _line(body), "研究中没有产品", "the study has no product", "at least one product")
    study = Study(
        path=path, id=r.text(s, "id", w), synthetic=bool(s.get("synthetic", False)),
        title_zh=r.text(s, "title_zh", w), title_en=r.text(s, "title_en", w), goal_zh=r.text(s, "goal_zh", w),
        goal_en=r.text(s, "goal_en", w), standard=r.text(s, "standard", w, "GB/T 24067-2024"),
        company_name=r.text(s, "company_name", w), company_ids=tuple(str(c) for c in s.get("company_ids") or ()),
        year=year, boundary=boundary, stages=stages, excluded_stages=tuple(excluded), cut_off=cut_off,
        allocation_basis=basis, allocation_shares=shares,
        allocation_reason_zh=r.text(alloc, "reason_zh", f"{w}.allocation"),
        allocation_reason_en=r.text(alloc, "reason_en", f"{w}.allocation"),
        electricity_rule=r.choice(elec, "rule", f"{w}.electricity", ELECTRICITY_RULES),
        electricity_factor_year=int(r.number(elec, "factor_year", f"{w}.electricity", default=Decimal(year))
                                    or year),
        electricity_reason_zh=r.text(elec, "reason_zh", f"{w}.electricity"),
        electricity_reason_en=r.text(elec, "reason_en", f"{w}.electricity"),
        gwp=r.text(s, "gwp", w, "AR6"),
        gate_quality=r.quality(r.mapping(s, "gate_to_gate", w), f"{w}.gate_to_gate", Decimal(1))
        or Quality(Decimal(1), Decimal(1), Decimal(1)),
        iterations=int(r.number(mc, "iterations", f"{w}.monte_carlo", default=Decimal(0),
                                check=lambda v: v == v.to_integral() and 0 <= v <= 100000,
                                expected="0..100000") or 0),
        seed=int(r.number(mc, "seed", f"{w}.monte_carlo", default=Decimal(42)) or 42),
        activity_file=(path.parent / str(activity)) if activity else None,
        products=products, parts=parts, datasets=datasets, suppliers=suppliers, modes=modes,
        created=str(s["created"]) if s.get("created") else None,
        notes=tuple(str(n) for n in s.get("notes") or ()))
    if not study.company_ids or not all(c.lower().startswith("urn:") for c in study.company_ids):
        r.fail(f"{w}.company_ids", _line(s), "公司标识须为 URN 列表", "company_ids must be a list of URNs",
               "[urn:…] (PACT v3)")
    if basis == "economic" and not study.allocation_reason_zh:
        r.fail(f"{w}.allocation.reason_zh", _line(alloc), "经济分配须说明为何不能按物理关系分配",
               "economic allocation needs the reason physical allocation is not possible", "a reason")
    _check_references(r, study)
    if r.problems:
        raise InputErrors(f"足迹研究文件有 {len(r.problems)} 处问题", f"the study file has {len(r.problems)} problems",
                          file=str(path), problems=r.problems)
    return study


def _cut_off(r: _Reader, cut: Node, where: str) -> dict[str, Any]:
    limit = r.number(cut, "max_excluded_pct", where, check=lambda v: 0 <= v <= 100, expected="0..100 %")
    excluded: list[dict[str, Any]] = []
    for w, e in r.items(cut, "excluded", where):
        excluded.append({"item_zh": r.text(e, "item_zh", w), "item_en": r.text(e, "item_en", w),
                         "estimate_pct": r.number(e, "estimate_pct", w, check=lambda v: v >= 0, expected="≥ 0 %")})
    total = sum((e["estimate_pct"] or Decimal(0) for e in excluded), Decimal(0))
    if limit is not None and total > limit:
        r.fail(f"{where}.excluded", _line(cut), f"排除项估计合计 {total} % 超过取舍准则 {limit} %",
               f"the excluded inputs are estimated at {total} %, over the cut-off limit {limit} %",
               f"≤ {limit} %")
    return {"rule_zh": r.text(cut, "rule_zh", where), "rule_en": r.text(cut, "rule_en", where),
            "max_excluded_pct": limit, "excluded": excluded, "excluded_total_pct": total}


def _dataset(r: _Reader, n: Node, where: str) -> Dataset:
    return Dataset(id=r.text(n, "id", where), name_zh=r.text(n, "name_zh", where), name_en=r.text(n, "name_en", where),
                   unit=r.text(n, "unit", where),
                   fossil=r.number(n, "fossil", where, default=Decimal(0)) or Decimal(0),
                   biogenic=r.number(n, "biogenic", where, default=Decimal(0)) or Decimal(0),
                   biogenic_removal=r.number(n, "biogenic_removal", where, default=Decimal(0),
                                             check=lambda v: v <= 0, expected="≤ 0") or Decimal(0),
                   other=r.number(n, "other", where, default=Decimal(0)) or Decimal(0),
                   source=r.text(n, "source", where), licence=r.text(n, "licence", where),
                   quality=r.quality(n, where, Decimal(0)) or Quality(Decimal(5), Decimal(5), Decimal(5)),
                   uncertainty=r.uncert(n, where), line=_line(n))


def _supplier(r: _Reader, n: Node, where: str, study: Path) -> Supplier:
    pact = n.get("pact_file")
    pact_path = (study.parent / str(pact)) if pact else None
    if pact_path is not None and not pact_path.exists():
        r.fail(f"{where}.pact_file", _line(n), f"找不到 PACT 文件 {pact}", f"PACT file {pact} not found",
               "a path relative to the study file")
    stated = pact_path is None
    return Supplier(id=r.text(n, "id", where), name=r.text(n, "name", where), unit=r.text(n, "unit", where),
                    pact_file=pact_path, pact_product=str(n["pact_product"]) if n.get("pact_product") else None,
                    fossil=r.number(n, "fossil", where, required=stated),
                    other=r.number(n, "other", where, default=Decimal(0) if stated else None, required=False),
                    biogenic_removal=r.number(n, "biogenic_removal", where, required=False,
                                              default=Decimal(0) if stated else None),
                    source=r.text(n, "source", where, "" if not stated else None),
                    quality=r.quality(n, where, Decimal(0), required=stated), uncertainty=r.uncert(n, where),
                    line=_line(n))


def _mode(r: _Reader, n: Node, where: str) -> Mode:
    return Mode(id=r.text(n, "id", where), name_zh=r.text(n, "name_zh", where), name_en=r.text(n, "name_en", where),
                factor=r.number(n, "kgco2e_per_tkm", where, check=lambda v: v >= 0, expected="≥ 0 kgCO2e/(t·km)")
                or Decimal(0), source=r.text(n, "source", where),
                quality=r.quality(n, where, Decimal(0)) or Quality(Decimal(5), Decimal(5), Decimal(5)),
                uncertainty=r.uncert(n, where), line=_line(n))


def _item(r: _Reader, n: Node, where: str, stages: tuple[str, ...], part: bool) -> Item:
    uses: list[Use] = []
    legs: list[Leg] = []
    for key, default_stage in (("inputs", "raw_materials"), ("use", "use"), ("end_of_life", "end_of_life")):
        for w, u in r.items(n, key, where):
            stage = r.choice(u, "stage", w, STAGE_KEYS, default_stage)
            if stage not in stages:
                r.fail(f"{w}.stage", _line(u), f"阶段 {stage} 不在研究边界内", f"stage {stage} is outside the boundary",
                       ", ".join(stages))
            uses.append(Use(ref=r.text(u, "id", w), quantity=r.number(u, "quantity", w) or Decimal(0),
                            unit=r.text(u, "unit", w), stage=stage, uncertainty=r.uncert(u, w), where=w,
                            line=_line(u)))
    for key, default_stage in (("transport", "raw_materials"), ("distribution", "distribution")):
        for w, g in r.items(n, key, where):
            stage = r.choice(g, "stage", w, STAGE_KEYS, default_stage)
            if stage not in stages:
                r.fail(f"{w}.stage", _line(g), f"阶段 {stage} 不在研究边界内", f"stage {stage} is outside the boundary",
                       ", ".join(stages))
            tkm = r.number(g, "tkm", w, required=False, check=lambda v: v >= 0, expected="≥ 0 t·km")
            if tkm is None:
                mass = r.number(g, "mass_kg", w, check=lambda v: v >= 0, expected="≥ 0 kg (or tkm)") or Decimal(0)
                km = r.number(g, "distance_km", w, check=lambda v: v >= 0, expected="≥ 0 km") or Decimal(0)
                tkm = mass / 1000 * km
            legs.append(Leg(id=str(g.get("id") or f"{key}{len(legs)}"), mode=r.text(g, "mode", w), tkm=tkm,
                            stage=stage, uncertainty=r.uncert(g, w), where=w, line=_line(g)))
    battery = n.get("battery")
    return Item(id=r.text(n, "id", where), name_zh=r.text(n, "name_zh", where), name_en=r.text(n, "name_en", where),
                unit=r.text(n, "unit", where), uses=tuple(uses), legs=tuple(legs), line=_line(n),
                factory_product=None if part else str(n.get("factory_product") or n.get("id")),
                pact_unit="piece" if part else r.choice(n, "pact_unit", where, PACT_UNITS, "piece"),
                mass_kg=None if part else r.number(n, "mass_kg", where, check=lambda v: v > 0,
                                                   expected="> 0 kg per declared unit (PACT v3)"),
                product_ids=tuple(str(p) for p in n.get("product_ids") or ()),
                fossil_carbon_kgc=Decimal(0) if part else r.number(
                    n, "fossil_carbon_kgc", where, check=lambda v: v >= 0,
                    expected="≥ 0 kgC per declared unit (PACT v3 fossilCarbonContent)") or Decimal(0),
                battery=battery if isinstance(battery, dict) else None)


def _check_references(r: _Reader, study: Study) -> None:
    """Ids unique; every input names a part, dataset or supplier, in a convertible unit; no part uses itself."""
    known = study.item_units()
    ids = [t.id for group in (study.products, study.parts, study.datasets, study.suppliers) for t in group]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        r.fail("id", None, f"标识 {dup} 重复", f"id {dup} is used twice", "unique ids")
    modes = {m.id for m in study.modes}
    for item in (*study.products, *study.parts):
        for u in item.uses:
            if u.ref not in known:
                r.fail(f"{u.where}.id", u.line, f"输入 {u.ref} 未定义", f"input {u.ref} is not defined",
                       "the id of a part, dataset or supplier")
                continue
            if u.unit != known[u.ref][1]:
                try:
                    conversion_factor(u.unit, known[u.ref][1])
                except UnitError:
                    r.fail(f"{u.where}.unit", u.line, f"单位 {u.unit} 不能换算为 {u.ref} 的单位 {known[u.ref][1]}",
                           f"unit {u.unit} cannot be converted to {u.ref}'s unit {known[u.ref][1]}",
                           known[u.ref][1])
        for g in item.legs:
            if g.mode not in modes:
                r.fail(f"{g.where}.mode", g.line, f"运输方式 {g.mode} 未定义",
                       f"transport mode {g.mode} is not defined", ", ".join(sorted(modes)) or "transport_modes")
        if item.battery is not None and item.factory_product is not None:
            for key in ("capacity_kwh", "lifetime_energy_kwh", "lifetime_energy_basis", "model"):
                if key not in item.battery:
                    r.fail(f"products.{item.id}.battery.{key}", item.line, f"电池申报缺少 {key}",
                           f"the battery declaration needs {key}", key)


def unit_factor(from_unit: str, to_unit: str) -> Decimal:
    """Exact factor from a BOM line's unit to the item's unit (1 when the texts are equal)."""
    if from_unit == to_unit:
        return Decimal(1)
    return conversion_factor(from_unit, to_unit)
