"""The climate disclosure metrics (气候信息披露), aligned with IFRS S2 paragraph 29 and China's
《企业可持续披露准则第1号——气候（试行）》 chapter 5 (指标和目标), from the figures zerocarbon computed.

Sources (reference notes ``standards-intl.md`` §5): IFRS S2 (ISSB, June 2023), paragraphs 27–37, 29(a) GHG
emissions (https://ifrs.org/content/dam/ifrs/publications/html-standards-issb/english/2023/issued/issbs2.html);
企业可持续披露准则第1号——气候（试行）, MOF with MEE and seven other authorities, 2025-12-25, six chapters and
47 articles, chapter 5 climate metrics, targets and the GHG accounting basis (as reported by Rödl China,
https://www.roedl.com.cn/2025/12/25/财政部就企业可持续披露准则第1号答记者问). Which GHG method the Chinese
standard requires and whether its scope 2 must be location-based were not verified: each metric states
the regime that made it, and a metric zerocarbon does not compute says so instead of a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from zerocarbon.reports.i18n import normalise_lang

S2 = "IFRS S2 §29(a)"
CN = "企业可持续披露准则第1号 第五章"


def _num(v: Any, places: int = 2) -> str:
    if v is None:
        return "—"
    d = Decimal(str(v))
    return f"{d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,}"


def disclosure_rows(
    inventory: Mapping[str, Any], assessment: Mapping[str, Any] | None, plan: Mapping[str, Any] | None, lang: str
) -> list[dict[str, str]]:
    """One row per metric: name, value with unit, basis (regime, method), the clauses it answers."""
    zh = normalise_lang(lang) == "zh"
    t = inventory["totals"]
    rows: list[dict[str, str]] = []

    def add(zh_name: str, en_name: str, value: str, basis_zh: str, basis_en: str, ref: str) -> None:
        rows.append(
            {"metric": zh_name if zh else en_name, "value": value, "basis": basis_zh if zh else basis_en, "ref": ref}
        )

    ghg = "GHG Protocol（本报告 ghg-protocol 口径）" if zh else "GHG Protocol (this report's ghg-protocol regime)"
    add("范围一排放（总量）", "Scope 1 emissions (gross)", f"{_num(t['scope1'])} tCO2e", ghg, ghg, f"{S2}(i); {CN}")
    add(
        "范围二排放（基于位置）",
        "Scope 2 emissions, location-based",
        f"{_num(t['scope2_location'])} tCO2e",
        ghg,
        ghg,
        f"{S2}(i),(v); {CN}",
    )
    add(
        "范围二排放（基于市场）",
        "Scope 2 emissions, market-based",
        f"{_num(t['scope2_market'])} tCO2e",
        "含合同工具（绿电交易、绿证），见抵销台账",
        "contractual instruments (green-power trades, certificates) included; see the ledger",
        f"{S2}(v); {CN}",
    )
    add(
        "范围三排放",
        "Scope 3 emissions",
        "—",
        "未核算：zerocarbon 尚不计算范围三（产品碳足迹另见）",
        "not computed: zerocarbon does not account scope 3 yet (see the product footprints)",
        f"{S2}(vi); {CN}",
    )
    add(
        "GB/T 32150 排放总量",
        "GB/T 32150 total",
        f"{_num(t['gbt32150_total'])} tCO2e",
        "国内核算口径（供对照）",
        "the national accounting regime (for comparison)",
        CN,
    )
    for i in inventory.get("intensities", []):
        name = i.get("name_zh") if zh else (i.get("name_en") or i.get("name_zh"))
        add(
            f"单位产品排放：{name}",
            f"Emission intensity: {name}",
            f"{_num(i.get('intensity_tco2e_per_unit'), 4)} tCO2e/{i.get('unit', '')}",
            "GB/T 32150 口径，按分摊规则",
            "GB/T 32150 view, by the allocation rule",
            f"IFRS S2 §29(a)/§33; {CN}",
        )
    if assessment is not None:
        credits = sum(
            (
                Decimal(r["amount"])
                for r in (assessment.get("ledger") or {}).get("retirements", [])
                if r["purpose"] == "offset"
            ),
            Decimal(0),
        )
        add(
            "使用碳信用（已核销）",
            "Carbon credits used (retired)",
            f"{_num(credits)} tCO2e",
            "抵销台账的核销记录（CCER、VCS 等）",
            "retirements in the instrument ledger (CCER, VCS …)",
            f"IFRS S2 §36(e); {CN}",
        )
        ind = assessment.get("indicators", {})
        share = (ind.get("non_fossil_electricity_mwh") or {}).get("value")
        add(
            "非化石电力",
            "Non-fossil electricity",
            f"{_num(share)} MWh",
            "零碳口径（910号附件4）",
            "zero-carbon regime (910号 annex 4)",
            CN,
        )
    if plan is not None and plan.get("roadmap"):
        last = plan["roadmap"][-1]
        add(
            "减排目标（路线图）",
            "Reduction target (roadmap)",
            f"{last.get('year')}: {_num(last.get('residual_t'))} tCO2e",
            "路线图末年的剩余排放（毛排放，未扣除碳信用）",
            "residual emissions in the roadmap's last year (gross, before credits)",
            f"IFRS S2 §33–36; {CN}",
        )
    add("内部碳价", "Internal carbon price", "—", "未提供", "not given", f"{S2}(f); {CN}")
    return rows
