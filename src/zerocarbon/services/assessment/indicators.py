"""The indicators the verdict compares, each taken from the one place that defines its figure.

Where each indicator comes from:

* zero_carbon_intensity, non_fossil_share, traceable_share, energy_tce: ``accounting.zero_carbon``
  through ``services.inventory.indicator`` (the 910号 method);
* electricity_mwh, non_fossil_electricity_mwh, traceable_mwh, renewable_electricity_share: the
  inventory's lines and the same non-fossil split;
* fossil_factor_kg_per_kwh: the zero-carbon view's factor of grid electricity (the figure's factor row);
* equal_value_kgce_per_kwh: the inventory's settings (``equal_value_coefficient`` with its source);
* scope12_t, residual_t, offset_share_*: inventory totals and the ledger's retired credits;
* efficient_equipment_share, energy_per_value_added, energy_at_advanced, product_energy_grade2: the
  efficiency diagnosis;
* footprint_coverage, footprint_reduction: the footprint studies;
* auto_collection_rate, supply chain, disclosure, green factory, compliance …: the declaration;
* centre_functions: the self-check of the 13 functions (``assessment.centre``).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from zerocarbon.accounting.results import Inventory
from zerocarbon.assessment.centre import FunctionCheck, functions_met
from zerocarbon.assessment.evaluate import Indicator
from zerocarbon.model.inventory_input import Category
from zerocarbon.offsets.ledger import Ledger
from zerocarbon.services.assessment.declaration import Declaration
from zerocarbon.services.inventory.indicator import zero_carbon_indicator
from zerocarbon.units import conversion_factor

ZERO = Decimal(0)
ZC_BASIS = ("零碳口径（发改环资〔2025〕910号附件4）", "zero-carbon regime (发改环资〔2025〕910号 annex 4)")


def _ind(
    name: str,
    value: Decimal | bool | None,
    unit: str = "",
    basis: tuple[str, str] = ("", ""),
    reason: tuple[str, str] = ("", ""),
    evidence: tuple[str, ...] = (),
) -> Indicator:
    return Indicator(name, value, unit, basis[0], basis[1], reason[0], reason[1], evidence)


def _dec(v: Any) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def _missing(zh: str, en: str) -> tuple[str, str]:
    return (zh, en)


def _why(reason: str) -> tuple[str, str]:
    """The indicator's reason for "not assessable" (accounting.zero_carbon) in both languages."""
    if not reason:
        return ("", "")
    if "equal value" in reason:
        return (
            "电力须按等价值（910号附件3 二.1）折算，需要当年的供电标准煤耗"
            "（settings.equal_value_coefficient 及其来源），未提供",
            reason,
        )
    if "regime" in reason:
        return ("清单未按零碳口径计算（settings.regimes 须含 zero-carbon）", reason)
    if "zero" in reason:
        return ("综合能耗为零", reason)
    return (reason, reason)


def inventory_indicators(inv: Inventory) -> dict[str, Indicator]:
    """The indicators computed from the inventory alone (every year of a file has them)."""
    zc = zero_carbon_indicator(inv)
    why = _why(zc.not_assessable)
    out = {
        "zero_carbon_intensity": _ind(
            "zero_carbon_intensity",
            zc.intensity,
            "tCO2/tce",
            (
                f"{ZC_BASIS[0]}：E ÷ 综合能耗（电力按等价值）",
                f"{ZC_BASIS[1]}: E ÷ energy (electricity at its equal value)",
            ),
            why,
        ),
        "non_fossil_share": _ind(
            "non_fossil_share",
            zc.non_fossil_share,
            "1",
            (f"{ZC_BASIS[0]}：非化石能源 ÷ 综合能耗", f"{ZC_BASIS[1]}: non-fossil energy ÷ energy"),
            why,
        ),
        "traceable_share": _ind(
            "traceable_share",
            zc.traceable_share,
            "1",
            ("（厂内发电自用 + 绿电直连）÷ 非化石电力", "(on-site used + direct lines) ÷ non-fossil electricity"),
            ("没有非化石电力", "no non-fossil electricity") if zc.traceable_share is None else ("", ""),
        ),
        "energy_tce": _ind(
            "energy_tce", zc.energy_tce, "tce", ("综合能耗（电力按等价值）", "energy (electricity at equal value)"), why
        ),
        "co2_zero_carbon_t": _ind("co2_zero_carbon_t", zc.co2_t, "t", (f"{ZC_BASIS[0]} E", f"{ZC_BASIS[1]} E")),
    }
    el = zc.electricity
    purchased = sum(
        (
            r.line.amount * conversion_factor(r.line.unit, "MWh")
            for r in inv.lines
            if r.category is Category.ELECTRICITY_PURCHASED
        ),
        ZERO,
    )
    consumed = purchased + el.onsite_used
    basis_el = ("购入电力 + 厂内发电自用", "purchased electricity + on-site generation used")
    out["electricity_mwh"] = _ind("electricity_mwh", consumed, "MWh", basis_el)
    out["non_fossil_electricity_mwh"] = _ind(
        "non_fossil_electricity_mwh",
        el.total,
        "MWh",
        ("厂内 + 直连 + 绿电交易 + 绿证", "on-site + direct + green trade + certificates"),
    )
    out["traceable_mwh"] = _ind("traceable_mwh", el.traceable, "MWh", ("厂内 + 直连", "on-site + direct lines"))
    out["renewable_electricity_share"] = _ind(
        "renewable_electricity_share",
        el.total / consumed if consumed else None,
        "1",
        ("非化石电力 ÷ 用电量", "non-fossil electricity ÷ electricity used"),
        ("没有用电量", "no electricity use"),
    )
    fossil = _fossil_factor(inv)
    if fossil is not None:
        out["fossil_factor_kg_per_kwh"] = _ind(
            "fossil_factor_kg_per_kwh",
            fossil,
            "kgCO2/kWh",
            ("零碳口径电网电力因子", "zero-carbon regime grid-electricity factor"),
        )
    equal = inv.settings.get("equal_value_coefficient")
    if equal is not None:
        out["equal_value_kgce_per_kwh"] = _ind(
            "equal_value_kgce_per_kwh", _dec(equal), "kgce/kWh", (str(inv.settings.get("equal_value_source", "")),) * 2
        )  # type: ignore[arg-type]
    t = inv.totals
    scope12 = t.scope1 + (t.scope2_market if t.scope2_market is not None else t.scope2_location)
    out["scope12_t"] = _ind(
        "scope12_t",
        scope12,
        "t",
        (
            "范围一 + 范围二（基于市场）：本项目对“第一类和第二类排放”的解释",
            "scope 1 + scope 2 market-based: this project's reading of 'category 1 and 2 emissions'",
        ),
    )
    out["residual_t"] = _ind(
        "residual_t", zc.co2_t, "t", (f"{ZC_BASIS[0]} E（剩余排放）", f"{ZC_BASIS[1]} E (residual)")
    )
    recovered = abs(t.recovered_co2) if t.recovered_co2 is not None else ZERO
    gross = t.gbt32150_total + recovered
    out["carbon_removal_rate"] = _ind(
        "carbon_removal_rate",
        recovered / gross if gross else None,
        "1",
        ("回收利用 CO2 ÷（GB/T 32150 排放 + 回收量）", "recovered CO2 ÷ (GB/T 32150 emissions + recovered)"),
    )
    return out


def _fossil_factor(inv: Inventory) -> Decimal | None:
    for r in inv.lines:
        if r.category is Category.ELECTRICITY_PURCHASED and r.line.electricity_kind in (None, "grid"):
            fig = r.figures.get("zero_carbon")
            if fig is not None and fig.factors:
                return fig.factors[0].value
    return None


def add_ledger(out: dict[str, Indicator], ledger: Ledger | None, year: int) -> None:
    if ledger is None:
        why = ("没有抵销台账", "no instrument ledger was given")
        out["offset_share_scope12"] = _ind("offset_share_scope12", None, "1", reason=why)
        out["offset_share_total"] = _ind("offset_share_total", None, "1", reason=why)
        return
    credits = ledger.claims(str(year))["credits_t"]
    for name, base in (("offset_share_scope12", "scope12_t"), ("offset_share_total", "residual_t")):
        b = out[base].value
        assert isinstance(b, Decimal)
        out[name] = _ind(
            name,
            credits / b if b > 0 else Decimal(1),
            "1",
            (
                f"台账核销减排量 {credits} t ÷ {out[base].basis_zh}",
                f"credits retired in the ledger {credits} t ÷ {out[base].basis_en}",
            ),
            evidence=tuple(f"{r.instrument.id}:{r.serials}" for r in ledger.retirements if r.purpose == "offset"),
        )


def add_efficiency(out: dict[str, Indicator], eff: Mapping[str, Any] | None) -> None:
    if eff is None:
        why = ("没有节能诊断（设备台账）", "no efficiency diagnosis (equipment register)")
        for name in (
            "efficient_equipment_share",
            "energy_per_value_added",
            "energy_at_advanced",
            "product_energy_grade2",
        ):
            out[name] = _ind(name, None, reason=why)
        return
    s = eff.get("summary", {})
    out["efficient_equipment_share"] = _ind(
        "efficient_equipment_share",
        _dec(s.get("share_grade_2_or_better")),
        "1",
        (
            "设备台账：2 级及以上额定功率 ÷ 总功率（GB 18613-2020、GB 20052-2024）",
            "register: rated power at grade 2 or better ÷ total (GB 18613-2020, GB 20052-2024)",
        ),
        evidence=(f"register_source:{(eff.get('register_source') or {}).get('source', 'file')}",),
    )
    va = eff.get("value_added") or {}
    out["energy_per_value_added"] = _ind(
        "energy_per_value_added",
        _dec(va.get("tce_per_10k_yuan")),
        "tce/10^4 CNY",
        (f"综合能耗 ÷ 工业增加值（{va.get('source', '')}）", f"energy ÷ value added ({va.get('source', '')})"),
        ("未给出工业增加值", "no value added given"),
    )
    verdicts = [i for i in eff.get("indicators", []) if isinstance(i, Mapping)]
    if not verdicts:
        why = ("数据中没有覆盖本厂产品的能耗限额标准", "no quota standard in the data covers the factory's products")
        out["energy_at_advanced"] = _ind("energy_at_advanced", None, reason=why)
        out["product_energy_grade2"] = _ind("product_energy_grade2", None, reason=why)
        return
    grades = [str(i.get("grade", "")) for i in verdicts]
    out["energy_at_advanced"] = _ind(
        "energy_at_advanced",
        all(g == "1" for g in grades),
        "",
        ("单位产品能耗达到限额 1 级（先进值）", "unit-product energy at quota grade 1 (advanced value)"),
    )
    out["product_energy_grade2"] = _ind(
        "product_energy_grade2",
        all(g in ("1", "2") for g in grades),
        "",
        ("单位产品能耗达到限额 2 级及以上", "unit-product energy at quota grade 2 or better"),
    )


def add_footprints(out: dict[str, Indicator], fp: Mapping[str, Any] | None, decl: Declaration | None) -> None:
    if fp is None:
        why = ("没有产品碳足迹研究", "no product footprint study")
        out["footprint_coverage"] = _ind("footprint_coverage", None, "1", reason=why)
        out["footprint_reduction"] = _ind("footprint_reduction", None, "1", reason=why)
        return
    done = {p["product"] if isinstance(p, Mapping) else str(p) for p in fp.get("products", [])}
    main = set(decl.main_products) if decl and decl.main_products else set(fp.get("main_products", []))
    out["footprint_coverage"] = _ind(
        "footprint_coverage",
        Decimal(len(done & main)) / len(main) if main else None,
        "1",
        ("有碳足迹的主要产品 ÷ 主要产品", "main products with a footprint ÷ main products"),
        ("未声明主要产品", "no main products declared"),
        evidence=tuple(sorted(done)),
    )
    red = fp.get("reduction_vs_base")
    out["footprint_reduction"] = _ind(
        "footprint_reduction",
        _dec(red),
        "1",
        ("重点产品碳足迹较基准年下降", "key-product footprint reduction against the base year"),
        ("没有基准年碳足迹", "no base-year footprint"),
    )


def add_declaration(out: dict[str, Indicator], decl: Declaration | None, checks: list[FunctionCheck]) -> None:
    none = ("没有评价声明文件", "no declaration file was given")
    d = decl
    out["computing_facility"] = _ind("computing_facility", d.computing_facility if d else None, reason=none)
    for name in ("green_factory", "management_body", "compliance_3y"):
        fact = getattr(d, name) if d else None
        out[name] = _ind(
            name,
            fact.holds if fact else None,
            "",
            ("企业声明", "the factory's declaration"),
            none if d is None else ("声明中未填写", "not in the declaration"),
            (fact.evidence,) if fact and fact.evidence else (),
        )
    for name in ("solid_waste_utilisation", "waste_heat_utilisation", "water_reuse_rate"):
        rate = getattr(d, name) if d else None
        out[name] = _ind(
            name,
            rate.value if rate else None,
            "1",
            ("企业声明", "the factory's declaration"),
            none if d is None else ("声明中未填写", "not in the declaration"),
            (rate.evidence,) if rate else (),
        )
    out["supply_chain_measures"] = _ind(
        "supply_chain_measures",
        Decimal(len(d.supply_chain_measures)) if d else None,
        "of 6",
        ("企业声明", "the factory's declaration"),
        none,
    )
    out["disclosure_carriers"] = _ind(
        "disclosure_carriers",
        Decimal(len(d.disclosure)) if d else None,
        "of 3",
        ("企业声明", "the factory's declaration"),
        none,
    )
    col = d.collection if d else None
    out["auto_collection_rate"] = _ind(
        "auto_collection_rate",
        Decimal(col.meters_automatic) / col.meters_required if col else None,
        "1",
        ("自动采集表计 ÷ 应配备表计", "meters read automatically ÷ meters required"),
        none if d is None else ("声明中未填写采集情况", "collection not in the declaration"),
        (col.evidence,) if col and col.evidence else (),
    )
    out["centre_functions"] = _ind(
        "centre_functions",
        Decimal(functions_met(checks)),
        "of 13",
        ("软件可证实的功能 + 企业声明的功能", "functions the software evidences + functions the factory declares"),
    )
