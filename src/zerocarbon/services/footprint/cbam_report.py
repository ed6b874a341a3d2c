"""CBAM data from an installation's operator to an EU importer (definitive period), from an installation file.

The file (YAML, format in docs/footprints.md "CBAM") names the installation, the reporting period
(a calendar year from 2026) and its CBAM goods: CN code, production route, activity level, the
attributed direct emissions of the process (stated, or a share of the installation's direct emissions),
electricity by source with its emission factor and source, precursors with their specific embedded
emissions and where those come from, or the default value with its source — a default-basis good or precursor
made in China without values takes the shipped row of 2025/2621 Annex I (:mod:`zerocarbon.footprint.cbam_defaults`,
verified or unverified, stated with the value; the good's year mark-up applied by ``footprint/cbam.py``); the carbon
price paid is carried. The installation's direct emissions may come from the factory's inventory (the accounting
core): the CO2 of its scope-1 lines (N2O too when the installation makes fertilisers, PFCs when it
makes aluminium), biomass CO2 left out. ``footprint/cbam.py`` computes every figure; this module reads,
checks (every problem located: file, line, field; zh and en), and writes JSON and XLSX (zh and en).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.styles import Font

from zerocarbon.errors import InputError, InputErrors
from zerocarbon.footprint.cbam import (
    DEFAULTS,
    FIRST_YEAR,
    METHOD,
    REG,
    SECTORS,
    DefaultValue,
    Electricity,
    Good,
    GoodResult,
    Precursor,
    classify,
    installation_see,
)
from zerocarbon.footprint.cbam_defaults import DefaultRow
from zerocarbon.footprint.cbam_defaults import find as find_default
from zerocarbon.reports.i18n import LANG_CODES
from zerocarbon.services.footprint.study import Node, _line, _Loader, _Reader
from zerocarbon.services.inventory.runs import InventoryRun, run_inventory

ELECTRICITY_KINDS = ("grid_default", "direct_link", "ppa")
#: gases of the inventory's scope-1 lines counted as the installation's direct emissions, by sector present
PFC_GASES = ("CF4", "C2F6")
NOT_IMPLEMENTED = (
    "imported electricity (Annex IV points 4.2 and 5 of Regulation (EU) 2023/956)",
    "attribution of installation emissions to production processes (heat, waste gases: 2025/2547 Annex III A); "
    "the attributed direct emissions or their share are inputs",
    "functional units other than tonnes of goods (clinker content of cement, nitrogen content of fertilisers)",
    "the default-value tables of 2025/2621 Annexes I, II and IV beyond the rows shipped for China "
    "(footprint/data/cbam_defaults_2025_2621_cn.csv: cement, aluminium, part of iron and steel); other values are "
    "user-supplied with their source",
    "the free-allocation adjustment (Implementing Regulation (EU) 2025/2620) and the number of CBAM certificates",
    "the Commission's Excel communication template itself (not retrieved); the fields follow 2025/2547 Annex II "
    "point E and the transitional report structure",
)


@dataclass
class CbamReport:
    """An installation's CBAM goods with their specific embedded emissions and how each was made."""

    path: Path
    meta: dict[str, Any]
    year: int
    results: list[GoodResult]
    installation_direct: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The operator → importer data: installation, period, and per good every figure with its derivation."""
        return {"document": "CBAM operator to importer communication (definitive period)", **self.meta,
                "file": str(self.path), "year": self.year, "installation_direct_emissions": self.installation_direct,
                "goods": [good_dict(r) for r in self.results], "legal_basis": [REG, METHOD, DEFAULTS],
                "not_implemented": list(NOT_IMPLEMENTED), "notes": self.notes}


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def good_dict(r: GoodResult) -> dict[str, Any]:
    """One good as plain values (Decimals as strings, full precision)."""
    g, zh, en = r.good, *SECTORS[r.cls.sector]
    price = dict(g.carbon_price) if g.carbon_price else None
    if price is not None:
        price["note"] = (f"carried, not deducted: the reduction is the declarant's ({REG} Art. 9); "
                         + ("on actual emissions" if g.basis == "actual" else
                            "on default values only by default carbon prices (Art. 9(4))"))
    return {
        "id": g.id, "cn_code": r.cls.cn_code, "name_zh": g.name_zh, "name_en": g.name_en, "sector": r.cls.sector,
        "sector_zh": zh, "sector_en": en, "greenhouse_gases": r.cls.gases, "direct_only_annex_ii": r.cls.direct_only,
        "production_route": g.route, "qualifying_parameters": dict(g.qualifying), "activity_level_t": str(g.activity_t),
        "basis": g.basis, "kind": r.kind, "see_direct": str(r.see_direct), "see_indirect": str(r.see_indirect),
        "see_total": str(r.see_total), "ae_direct": str(r.ae_direct), "ae_indirect_own_electricity": str(r.ae_indirect),
        "electricity_mwh_per_t": str(r.mwh_per_t), "electricity_factor_t_per_mwh": _s(r.factor),
        "electricity_sources": [{"mwh": str(e.mwh), "factor": str(e.factor), "kind": e.kind, "source": e.source}
                                for e in g.electricity],
        "precursors": [{"id": p.precursor.id, "name": p.precursor.name, "cn_code": p.cls.cn_code,
                        "country": p.precursor.country, "basis": p.precursor.basis, "mass_t": str(p.precursor.mass_t),
                        "mass_per_t": str(p.m), "see_direct": str(p.see_direct), "see_indirect": str(p.see_indirect),
                        "contribution_direct": str(p.direct), "contribution_indirect": str(p.indirect),
                        "indirect_counted": p.indirect_counted, "counted_zero_origin": p.zero_origin,
                        "source": p.precursor.source or (f"good {p.precursor.good}" if p.precursor.good else "")}
                       for p in r.parts],
        "default_value": None if g.default is None else {
            "total": str(g.default.total), "direct": _s(g.default.direct), "indirect": _s(g.default.indirect),
            "country": g.default.country, "source": g.default.source},
        "markup": _s(r.markup), "default_share_of_see": str(r.default_share), "carbon_price": price,
        "derivation": r.derivation,
    }


def _read(path: Path) -> Node:
    try:
        body = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except OSError as exc:
        raise InputError("无法读取 CBAM 装置文件", "cannot read the CBAM installation file", file=str(path),
                         expected="a readable YAML file") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError("CBAM 装置文件不是有效的 YAML", f"the CBAM installation file is not valid YAML: {exc}",
                         file=str(path), row=mark.line + 1 if mark else None, expected="YAML") from exc
    if not isinstance(body, Node):
        raise InputError("CBAM 装置文件应为映射", "the CBAM installation file must be a mapping", file=str(path),
                         expected="installation:, reporting_period:, goods:")
    return body


def _date(r: _Reader, node: Node, key: str, where: str) -> date | None:
    raw = node.get(key)
    try:
        return raw if isinstance(raw, date) else date.fromisoformat(str(raw))
    except ValueError:
        r.fail(f"{where}.{key}", _line(node), f"{key} 不是日期", f"{key}: {raw!r} is not a date", "YYYY-MM-DD")
        return None


def _electricity(r: _Reader, node: Node, where: str) -> list[Electricity]:
    out = []
    for w, e in r.items(node, "electricity", where):
        mwh = r.number(e, "mwh", w, check=lambda v: v >= 0, expected="≥ 0 MWh")
        ef = r.number(e, "factor_t_per_mwh", w, check=lambda v: v >= 0, expected="≥ 0 tCO2e/MWh")
        kind = r.choice(e, "kind", w, ELECTRICITY_KINDS, "grid_default")
        src = r.text(e, "source", w)
        if mwh is not None and ef is not None:
            out.append(Electricity(mwh, ef, kind, src))
    return out


def _shipped(r: _Reader, node: Node, where: str, cn_code: str, country: str) -> DefaultRow | None:
    """The shipped default value (2025/2621 Annex I, :mod:`zerocarbon.footprint.cbam_defaults`) of a good or
    precursor without values, or None after recording why there is none."""
    try:
        return find_default(cn_code, country, f"{where}.cn_code")
    except InputError as exc:
        r.fail(exc.field or f"{where}.cn_code", _line(node), exc.message("zh"), exc.message("en"), exc.expected)
        return None


def _precursors(r: _Reader, node: Node, where: str) -> list[Precursor]:
    out = []
    for w, p in r.items(node, "precursors", where):
        basis = r.choice(p, "basis", w, ("actual", "default", "own"))
        mass = r.number(p, "mass_t", w, check=lambda v: v >= 0, expected="≥ 0 t")
        see_d = r.number(p, "see_direct", w, required=basis == "actual", check=lambda v: v >= 0,
                         expected="≥ 0 tCO2e/t")
        see_i = r.number(p, "see_indirect", w, Decimal(0), check=lambda v: v >= 0, expected="≥ 0 tCO2e/t")
        src = str(p.get("verification_report") or p.get("source") or "")
        if basis == "default" and see_d is None:  # no values given: the shipped Annex I row (China)
            row = _shipped(r, p, w, str(p.get("cn_code") or ""), str(p.get("country") or ""))
            if row is not None:
                see_d, see_i, src = row.direct, row.indirect or Decimal(0), row.provenance()
        out.append(Precursor(str(p.get("id") or w), str(p.get("name") or ""), r.text(p, "cn_code", w),
                             mass or Decimal(0), basis, str(p.get("country") or "").upper() or "?",
                             see_d or Decimal(0), see_i or Decimal(0), src, str(p["good"]) if p.get("good") else None))
    return out


def load_installation(path: Path) -> tuple[dict[str, Any], list[Good], dict[str, Decimal], dict[str, int | None],
                                           Decimal | None, Decimal | None, _Reader]:
    """Read the file: (meta, goods, direct shares by good, lines by good, installation direct, non-CBAM share)."""
    body = _read(path)
    r = _Reader(path)
    inst = r.mapping(body, "installation", "", required=True)
    period = r.mapping(body, "reporting_period", "", required=True)
    start, end = _date(r, period, "start", "reporting_period"), _date(r, period, "end", "reporting_period")
    if start and end and (start.year != end.year or start > end or start.year < FIRST_YEAR):
        r.fail("reporting_period", _line(period), "报告期须在 2026 年及以后的同一日历年内",
               "the reporting period must lie within one calendar year from 2026", "start and end in one year ≥ 2026")
    meta = {"synthetic": bool(body.get("synthetic", False)),
            "installation": {k: (str(v) if not isinstance(v, dict) else dict(v)) for k, v in inst.items()
                             if k not in ("direct_emissions_t", "non_cbam_share")},
            "reporting_period": {"start": str(start), "end": str(end)}}
    for key in ("name_zh", "name_en", "country", "operator"):
        r.text(inst, key, "installation")
    inst_direct = r.number(inst, "direct_emissions_t", "installation", required=False, check=lambda v: v >= 0,
                           expected="≥ 0 tCO2e")
    non_cbam = r.number(inst, "non_cbam_share", "installation", required=False, check=lambda v: 0 <= v <= 1,
                        expected="0 … 1")
    goods, shares, lines = [], {}, {}
    items = r.items(body, "goods", "")
    if not items:
        r.fail("goods", _line(body), "没有 CBAM 货物", "no CBAM goods", "a list of goods")
    for w, g in items:
        gid = r.text(g, "id", w)
        lines[gid] = _line(g)
        basis = r.choice(g, "basis", w, ("actual", "default"), "actual")
        act = r.number(g, "activity_t", w, check=lambda v: v > 0, expected="> 0 t")
        attr = r.number(g, "attributed_direct_t", w, required=False, check=lambda v: v >= 0, expected="≥ 0 tCO2e")
        share = r.number(g, "direct_share", w, required=False, check=lambda v: 0 <= v <= 1, expected="0 … 1")
        if basis == "actual" and (attr is None) == (share is None):
            r.fail(f"{w}.attributed_direct_t", _line(g), "须给出 attributed_direct_t 或 direct_share 之一",
                   "give exactly one of attributed_direct_t and direct_share", "one of the two")
        if share is not None:
            shares[gid] = share
        d = r.mapping(g, "default_value", w)
        default = None
        if basis == "default" and not d:  # no value given: the shipped Annex I row for the installation's country
            row = _shipped(r, g, w, str(g.get("cn_code") or ""), str(inst.get("country") or ""))
            default = row.default_value() if row is not None else None
        if d:
            total = r.number(d, "total", f"{w}.default_value", check=lambda v: v >= 0, expected="≥ 0 tCO2e/t")
            default = DefaultValue(total or Decimal(0), str(d.get("country") or ""),
                                   r.text(d, "source", f"{w}.default_value"),
                                   r.number(d, "direct", f"{w}.default_value", required=False),
                                   r.number(d, "indirect", f"{w}.default_value", required=False))
        price = r.mapping(g, "carbon_price", w)
        goods.append(Good(gid, r.text(g, "name_zh", w), r.text(g, "name_en", w), r.text(g, "cn_code", w),
                          r.text(g, "production_route", w), act or Decimal(1), basis, attr or Decimal(0),
                          tuple(_electricity(r, g, w)), tuple(_precursors(r, g, w)), default,
                          {k: (str(v) if isinstance(v, Decimal) else v) for k, v in price.items()} or None,
                          {k: str(v) for k, v in r.mapping(g, "qualifying_parameters", w).items()}))
    return meta, goods, shares, lines, inst_direct, non_cbam, r


def installation_direct(run: InventoryRun, sectors: set[str]) -> dict[str, Any]:
    """The installation's direct emissions from the inventory: scope-1 CO2 (+ N2O with fertilisers, PFCs with
    aluminium), biomass CO2 left out; each line taken as the accounting core computed it (GB/T 32150 view)."""
    gases = {"CO2", *(("N2O",) if "fertilisers" in sectors else ()), *(PFC_GASES if "aluminium" in sectors else ())}
    used, left = [], []
    total = Decimal(0)
    for lr in run.inventory.lines:
        if lr.scope != "1":
            continue
        if lr.biomass or lr.gas not in gases:
            left.append({"line": lr.line.id, "gas": lr.gas, "reason": "biomass CO2" if lr.biomass else
                         "gas not covered for these goods (Annex I of 2023/956)"})
            continue
        e = lr.emissions("gbt32150")
        used.append({"line": lr.line.id, "gas": lr.gas, "tco2e": str(e)})
        total += e
    return {"tco2e": total, "source": f"inventory of {run.inventory.factory_id} {run.year} ({run.loaded.path})",
            "lines": used, "left_out": left}


def run_cbam(path: str | Path, inventory: str | Path | InventoryRun | None = None) -> CbamReport:
    """Read an installation file, take the installation's direct emissions from ``inventory`` if given, and
    compute every good's specific embedded emissions.

    Raises
    ------
    InputError
        Every problem of the file at once (InputErrors), or a located calculation error.
    """
    path = Path(path)
    meta, goods, shares, lines, inst_direct, non_cbam, r = load_installation(path)
    if r.problems:
        raise InputErrors(f"CBAM 装置文件有 {len(r.problems)} 处问题", f"the CBAM installation file has "
                          f"{len(r.problems)} problems", file=str(path), problems=r.problems)
    year = int(meta["reporting_period"]["start"][:4])
    direct_info: dict[str, Any] | None = None
    if inventory is not None:
        run = inventory if isinstance(inventory, InventoryRun) else run_inventory(inventory, year, mc_draws=0)
        if run.year != year:
            raise InputError(f"清单年份 {run.year} 与报告期 {year} 不同", f"the inventory is for {run.year}, the "
                             f"reporting period {year}", file=str(path), field="reporting_period",
                             expected=str(run.year))
        sectors = {classify(g.cn_code, f"goods.{g.id}.cn_code").sector for g in goods}
        direct_info = installation_direct(run, sectors)
        if inst_direct is not None and inst_direct != direct_info["tco2e"]:
            raise InputError(f"文件中的装置直接排放 {inst_direct} 与清单 {direct_info['tco2e']} 不同",
                             f"installation.direct_emissions_t {inst_direct} differs from the inventory's "
                             f"{direct_info['tco2e']}", file=str(path), field="installation.direct_emissions_t",
                             expected="leave it out, or the inventory's figure")
        inst_direct = direct_info["tco2e"]
    elif inst_direct is not None:
        direct_info = {"tco2e": inst_direct, "source": "installation.direct_emissions_t of the file", "lines": []}
    if shares:
        if inst_direct is None or non_cbam is None:
            raise InputError("用 direct_share 须给出装置直接排放（--inventory 或 direct_emissions_t）和 non_cbam_share",
                             "direct_share needs the installation's direct emissions (--inventory or "
                             "direct_emissions_t) and non_cbam_share", file=str(path), field="installation",
                             expected="direct_emissions_t (or --inventory) and non_cbam_share")
        if sum(shares.values(), Decimal(0)) + non_cbam != 1:
            raise InputError("各生产过程份额与 non_cbam_share 之和须为 1（装置排放 100% 分配到生产过程）",
                             "the goods' direct_share and non_cbam_share must add up to 1 (100 % of the "
                             "installation's emissions attributed to production processes)", file=str(path),
                             field="goods[].direct_share", expected=f"Σ = 1, found "
                             f"{sum(shares.values(), Decimal(0)) + non_cbam}")
        goods = [g if g.id not in shares else replace(g, attributed_direct_t=shares[g.id] * inst_direct) for g in goods]
    try:
        results = installation_see(goods, year)
    except InputError as exc:
        gid = (exc.field or "").split(".")[1] if (exc.field or "").startswith("goods.") else None
        raise exc.with_location(file=str(path), row=lines.get(gid or "")) from exc
    for res in results:
        if res.good.id in shares:
            res.derivation.insert(0, {"figure": "attributed_direct_t", "formula": "direct_share × installation direct",
                                      "values": f"{shares[res.good.id]} × {inst_direct} = "
                                                f"{res.good.attributed_direct_t}",
                                      "source": str(direct_info["source"] if direct_info else "")})
    notes = [f"{g.id}: the functional unit of {SECTORS[r_.cls.sector][1]} is not tonnes of goods in {METHOD}; "
             "not modelled" for g, r_ in zip(goods, results, strict=True) if r_.cls.sector in ("cement", "fertilisers")]
    if direct_info is not None:
        direct_info = {**direct_info, "tco2e": str(direct_info["tco2e"])}
    return CbamReport(path, meta, year, results, direct_info, notes)


#: Column headers of the workbook: key → (zh, en).
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("id", "货物", "Good"), ("cn_code", "CN 编码", "CN code"), ("name", "名称", "Name"), ("sector", "类别", "Sector"),
    ("production_route", "生产路线", "Production route"), ("activity_level_t", "产量 [t]", "Activity level [t]"),
    ("basis", "依据", "Basis"), ("see_direct", "直接内含排放 [tCO2e/t]", "SEE direct [tCO2e/t]"),
    ("see_indirect", "间接内含排放（计入）[tCO2e/t]", "SEE indirect, counted [tCO2e/t]"),
    ("see_total", "内含排放合计 [tCO2e/t]", "SEE total [tCO2e/t]"), ("markup", "缺省值加成", "Mark-up"),
    ("electricity_mwh_per_t", "耗电 [MWh/t]", "Electricity [MWh/t]"),
    ("electricity_factor_t_per_mwh", "电力排放因子 [tCO2e/MWh]", "Electricity factor [tCO2e/MWh]"),
    ("default_share_of_see", "缺省值占比", "Share of default values"),
    ("direct_only_annex_ii", "仅计直接排放（附件二）", "Direct only (Annex II)"),
)
PRECURSOR_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("good", "货物", "Good"), ("id", "前体", "Precursor"), ("cn_code", "CN 编码", "CN code"),
    ("country", "生产国", "Country"), ("basis", "依据", "Basis"), ("mass_t", "用量 [t]", "Mass [t]"),
    ("mass_per_t", "单耗 [t/t]", "Mass per tonne [t/t]"), ("see_direct", "直接 [tCO2e/t]", "SEE direct [tCO2e/t]"),
    ("see_indirect", "间接 [tCO2e/t]", "SEE indirect [tCO2e/t]"),
    ("indirect_counted", "计入间接", "Indirect counted"), ("source", "来源", "Source"),
)
SHEETS = {"zh": ("货物", "前体", "推导", "装置"), "en": ("Goods", "Precursors", "Derivation", "Installation")}


#: Columns whose values are numbers (written as numbers; every other column as text, CN codes included).
NUMERIC = {"activity_level_t", "see_direct", "see_indirect", "see_total", "markup", "electricity_mwh_per_t",
           "electricity_factor_t_per_mwh", "default_share_of_see", "mass_t", "mass_per_t"}


def _cell(key: str, value: Any) -> Any:
    """A number for the numeric columns (the JSON keeps full precision), the value itself otherwise."""
    return Decimal(value) if key in NUMERIC and isinstance(value, str) else value


def write_xlsx(data: dict[str, Any], path: Path, lang: str) -> Path:
    """The operator → importer data as a workbook with ``lang``'s (zh | en) headers."""
    col = 1 if lang == "zh" else 2
    wb = Workbook()
    ws = wb.active
    names = SHEETS[lang]
    ws.title = names[0]
    ws.append([c[col] for c in COLUMNS])
    for g in data["goods"]:
        row = {**g, "name": g["name_zh" if lang == "zh" else "name_en"],
               "sector": g["sector_zh" if lang == "zh" else "sector_en"]}
        ws.append([_cell(c[0], row[c[0]]) for c in COLUMNS])
    pre = wb.create_sheet(names[1])
    pre.append([c[col] for c in PRECURSOR_COLUMNS])
    for g in data["goods"]:
        for p in g["precursors"]:
            pre.append([_cell(c[0], {**p, "good": g["id"]}[c[0]]) for c in PRECURSOR_COLUMNS])
    der = wb.create_sheet(names[2])
    der.append(["货物", "数值", "公式", "计算", "依据"] if lang == "zh" else
               ["Good", "Figure", "Formula", "Values", "Source"])
    for g in data["goods"]:
        for d in g["derivation"]:
            der.append([g["id"], d["figure"], d["formula"], d["values"], d["source"]])
    inst = wb.create_sheet(names[3])
    for k, v in {**data["installation"], **{f"reporting_period.{k}": v for k, v in data["reporting_period"].items()},
                 "synthetic": data["synthetic"]}.items():
        inst.append([k, json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v])
    for sheet in wb.worksheets:
        for c in sheet[1]:
            c.font = Font(bold=True)
    wb.save(path)
    return path


def write_cbam_outputs(report: CbamReport, out_dir: Path) -> list[Path]:
    """``cbam.json`` and ``cbam.{zh-CN,en}.xlsx`` in ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = report.to_dict()
    files = [out / "cbam.json"]
    files[0].write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    files += [write_xlsx(data, out / f"cbam.{LANG_CODES[lang]}.xlsx", lang) for lang in ("zh", "en")]
    return files
