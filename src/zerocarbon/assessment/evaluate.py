"""The zero-carbon verdict: a factory's indicators against a criteria set, with the gap list.

    indicators (plain values with their basis) + criteria set → per criterion met / not met /
    not assessable / not applicable / reported → per level the verdict → gaps ranked by what closes them

Pure: the indicators are handed in by the caller (``services/assessment`` builds them from the
inventory, the efficiency diagnosis, the footprints, the data platform and the instrument ledger),
so every figure is defined once elsewhere and only compared here.

What closes a gap is computed from the factory's own figures where the arithmetic is determined by the
indicator's definition:

* 单位能耗碳排放 ≤ L: CO2 to avoid = (I − L) × energy [t]; as grid electricity replaced by non-fossil
  electricity at the regime's fossil factor f: (I − L) × energy / f [MWh].
* non-fossil share ≥ s: non-fossil energy to add = (s − S) × energy [tce], as electricity at its equal
  value e: that / e [MWh] (energy held constant: a first-order estimate, said so).
* physically traceable share ≥ p of non-fossil electricity N with T traceable: x = (p·N − T)/(1 − p) MWh
  of on-site generation or direct lines replacing grid purchases.
* offset shares ≥ 1: the emissions still to offset [t].
Declared facts (green factory, compliance …) close by evidence, with no amount.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from zerocarbon.assessment.criteria import Condition, CriteriaSet, Criterion, Level

Status = Literal["met", "not_met", "not_assessable", "not_applicable", "reported"]
Value = Decimal | bool | None
ZERO = Decimal(0)
ONE = Decimal(1)


@dataclass(frozen=True)
class Indicator:
    """One indicator of a factory and year, as the services computed it.

    ``basis_*`` says which figure it is (regime, standard, formula); ``reason_*`` why it is missing when
    ``value`` is None; ``evidence`` lists what a verifier can open (files, figure ids, meter codes).
    """

    name: str
    value: Value
    unit: str = ""
    basis_zh: str = ""
    basis_en: str = ""
    reason_zh: str = ""
    reason_en: str = ""
    evidence: tuple[str, ...] = ()

    def basis(self, lang: str) -> str:
        return self.basis_zh if lang == "zh" else (self.basis_en or self.basis_zh)

    def reason(self, lang: str) -> str:
        return self.reason_zh if lang == "zh" else (self.reason_en or self.reason_zh)


@dataclass(frozen=True)
class Closer:
    """One way to close a gap: an amount of something, or evidence to provide."""

    kind: str  # co2_avoided_t | non_fossil_mwh | traceable_mwh | renewable_mwh | offsets_t | evidence | data
    amount: Decimal | None
    unit: str
    text_zh: str
    text_en: str

    def text(self, lang: str) -> str:
        return self.text_zh if lang == "zh" else self.text_en


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    status: Status
    indicator: Indicator | None
    reason_zh: str = ""
    reason_en: str = ""
    shortfall: Decimal | None = None  # in the criterion's unit, > 0 when not met
    closers: tuple[Closer, ...] = ()
    effort_tco2: Decimal | None = None  # CO2 the closing takes (avoided or offset) [t], for ranking

    def reason(self, lang: str) -> str:
        return self.reason_zh if lang == "zh" else self.reason_en


@dataclass(frozen=True)
class LevelVerdict:
    level: Level
    status: Literal["met", "not_met", "not_assessable"]
    not_met: tuple[str, ...]
    not_assessable: tuple[str, ...]


@dataclass(frozen=True)
class SetEvaluation:
    """One criteria set evaluated for one factory and year."""

    criteria_set: CriteriaSet
    year: int
    results: tuple[CriterionResult, ...]
    levels: tuple[LevelVerdict, ...]
    gaps: tuple[CriterionResult, ...]  # not met or not assessable, ranked
    context: dict[str, str] = field(default_factory=dict)

    def result(self, criterion_id: str) -> CriterionResult:
        return next(r for r in self.results if r.criterion.id == criterion_id)

    def level(self, level_id: str) -> LevelVerdict:
        return next(v for v in self.levels if v.level.id == level_id)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (numbers as exact decimal strings, texts in both languages)."""
        s = self.criteria_set

        def num(v: Value) -> Any:
            return str(v) if isinstance(v, Decimal) else v

        def res(r: CriterionResult) -> dict[str, Any]:
            c, ind = r.criterion, r.indicator
            return {
                "id": c.id,
                "indicator": c.indicator,
                "op": c.op,
                "threshold": num(c.threshold),
                "unit": c.unit,
                "level": c.level,
                "status": r.status,
                "value": num(ind.value) if ind else None,
                "value_unit": ind.unit if ind else "",
                "basis": {"zh": ind.basis_zh, "en": ind.basis_en} if ind else None,
                "evidence": list(ind.evidence) if ind else [],
                "reason": {"zh": r.reason_zh, "en": r.reason_en},
                "shortfall": num(r.shortfall),
                "closers": [
                    {
                        "kind": k.kind,
                        "amount": num(k.amount),
                        "unit": k.unit,
                        "text": {"zh": k.text_zh, "en": k.text_en},
                    }
                    for k in r.closers
                ],
                "effort_tco2": num(r.effort_tco2),
                "source": c.source,
                "confidence": c.confidence,
                "note": {"zh": c.note_zh, "en": c.note_en},
            }

        return {
            "criteria_set": s.id,
            "name": {"zh": s.name_zh, "en": s.name_en},
            "confidence": s.confidence,
            "year": self.year,
            "sources": {
                k: {
                    "text": {"zh": v.text, "en": v.text_en or v.text},
                    "url": v.url,
                    "repo": v.repo,
                    "confidence": v.confidence,
                }
                for k, v in s.sources.items()
            },
            "levels": [
                {
                    "id": v.level.id,
                    "name": {"zh": v.level.name_zh, "en": v.level.name_en},
                    "status": v.status,
                    "not_met": list(v.not_met),
                    "not_assessable": list(v.not_assessable),
                }
                for v in self.levels
            ],
            "results": [res(r) for r in self.results],
            "gaps": [r.criterion.id for r in self.gaps],
            "context": dict(self.context),
        }


# ------------------------------------------------------------------------------------------ compare
def _compare(op: str, value: Decimal, threshold: Decimal) -> bool:
    return {
        "le": value <= threshold,
        "ge": value >= threshold,
        "lt": value < threshold,
        "gt": value > threshold,
        "eq": value == threshold,
    }[op]


def _applies(conditions: Sequence[Condition], ind: Mapping[str, Indicator]) -> tuple[bool | None, str, str]:
    """True / False, or None with the reason when a condition's indicator is unknown."""
    for cond in conditions:
        got = ind.get(cond.indicator)
        if got is None or got.value is None:
            why_zh = got.reason_zh if got else "未提供"
            why_en = got.reason_en if got else "not given"
            return (
                None,
                (f"是否适用取决于 {cond.indicator}，该值缺失（{why_zh}）"),
                (f"whether it applies depends on {cond.indicator}, which is missing ({why_en})"),
            )
        if isinstance(cond.value, bool) or isinstance(got.value, bool):
            if bool(got.value) != bool(cond.value):
                return False, "", ""
        elif not _compare(cond.op, Decimal(got.value), Decimal(cond.value)):
            return False, "", ""
    return True, "", ""


def _fmt(v: Decimal, places: int = 2) -> str:
    return f"{v.quantize(Decimal(1).scaleb(-places)):,}"


def _ctx(ind: Mapping[str, Indicator], name: str) -> Decimal | None:
    got = ind.get(name)
    if got is None or got.value is None or isinstance(got.value, bool):
        return None
    return Decimal(got.value)


def _closers(c: Criterion, value: Decimal, ind: Mapping[str, Indicator]) -> tuple[tuple[Closer, ...], Decimal | None]:
    """What closes the gap of a numeric criterion not met, from the factory's own figures."""
    assert c.threshold is not None
    thr = c.threshold
    energy = _ctx(ind, "energy_tce")
    fossil = _ctx(ind, "fossil_factor_kg_per_kwh")
    equal = _ctx(ind, "equal_value_kgce_per_kwh")
    out: list[Closer] = []
    effort: Decimal | None = None
    if c.indicator == "zero_carbon_intensity" and energy is not None:
        co2 = (value - thr) * energy
        effort = co2
        out.append(
            Closer(
                "co2_avoided_t",
                co2,
                "t",
                f"减少 CO2 {_fmt(co2)} t（(单位能耗碳排放 − 限值) × 综合能耗）",
                f"avoid {_fmt(co2)} t CO2 ((intensity − limit) × energy)",
            )
        )
        if fossil:
            mwh = co2 / fossil
            out.append(
                Closer(
                    "non_fossil_mwh",
                    mwh,
                    "MWh",
                    f"相当于以非化石电力替代 {_fmt(mwh)} MWh 电网电力（化石电力因子 {fossil} kgCO2/kWh）",
                    f"equivalent to replacing {_fmt(mwh)} MWh of grid electricity with non-fossil "
                    "electricity "
                    f"(fossil factor {fossil} kgCO2/kWh)",
                )
            )
    elif c.indicator in ("non_fossil_share",) and energy is not None:
        tce = (thr - value) * energy
        out.append(
            Closer(
                "non_fossil_tce",
                tce,
                "tce",
                f"增加非化石能源 {_fmt(tce)} tce（能源总量不变的一阶估计）",
                f"add {_fmt(tce)} tce of non-fossil energy (first-order estimate, energy held constant)",
            )
        )
        if equal:
            mwh = tce / equal
            out.append(
                Closer(
                    "non_fossil_mwh",
                    mwh,
                    "MWh",
                    f"即非化石电力 {_fmt(mwh)} MWh（等价值 {equal} kgce/kWh）",
                    f"i.e. {_fmt(mwh)} MWh of non-fossil electricity (equal value {equal} kgce/kWh)",
                )
            )
            effort = mwh * fossil if fossil else None
    elif c.indicator == "traceable_share":
        total, traceable = _ctx(ind, "non_fossil_electricity_mwh"), _ctx(ind, "traceable_mwh")
        if total is not None and traceable is not None and thr < ONE:
            mwh = (thr * total - traceable) / (ONE - thr)
            out.append(
                Closer(
                    "traceable_mwh",
                    mwh,
                    "MWh",
                    f"新增厂内非化石发电或绿电直连 {_fmt(mwh)} MWh，替代电网购电（(p·N − T)/(1 − p)）",
                    f"add {_fmt(mwh)} MWh of on-site non-fossil generation or direct lines replacing grid "
                    "purchases ((p·N − T)/(1 − p))",
                )
            )
            effort = mwh * fossil if fossil else None
    elif c.indicator == "renewable_electricity_share":
        elec = _ctx(ind, "electricity_mwh")
        if elec is not None:
            mwh = (thr - value) * elec
            out.append(
                Closer(
                    "renewable_mwh",
                    mwh,
                    "MWh",
                    f"增加可再生电力 {_fmt(mwh)} MWh",
                    f"add {_fmt(mwh)} MWh of renewable electricity",
                )
            )
            effort = mwh * fossil if fossil else None
    elif c.indicator in ("offset_share_scope12", "offset_share_total"):
        base = _ctx(ind, "scope12_t" if c.indicator == "offset_share_scope12" else "residual_t")
        if base is not None:
            t = (thr - value) * base
            effort = t
            out.append(
                Closer(
                    "offsets_t",
                    t,
                    "t",
                    f"再核销 {_fmt(t)} t 抵销量（绿证、CCER 等，按台账规则）",
                    f"retire {_fmt(t)} t more offsets (certificates, CCER …, by the ledger's rules)",
                )
            )
    return tuple(out), effort


def _judge(c: Criterion, ind: Mapping[str, Indicator]) -> CriterionResult:
    applies, why_zh, why_en = _applies(c.applies_if, ind)
    got = ind.get(c.indicator)
    if applies is False:
        return CriterionResult(
            c, "not_applicable", got, "不适用（适用条件不满足）", "not applicable (its condition does not hold)"
        )
    if applies is None:
        return CriterionResult(
            c, "not_assessable", got, why_zh, why_en, closers=(Closer("data", None, "", why_zh, why_en),)
        )
    if got is None or got.value is None:
        zh = got.reason_zh if got and got.reason_zh else f"缺少指标 {c.indicator}"
        en = got.reason_en if got and got.reason_en else f"indicator {c.indicator} is missing"
        status: Status = "reported" if c.op == "report" else "not_assessable"
        return CriterionResult(
            c, status, got, zh, en, closers=() if c.op == "report" else (Closer("data", None, "", zh, en),)
        )
    if c.op == "report":
        return CriterionResult(c, "reported", got)
    if c.op == "holds":
        if bool(got.value):
            return CriterionResult(c, "met", got)
        return CriterionResult(
            c,
            "not_met",
            got,
            "声明或证据不满足",
            "the declaration or evidence does not hold",
            closers=(Closer("evidence", None, "", f"提供证据：{c.note_zh}", f"provide evidence: {c.note_en}"),),
        )
    assert c.threshold is not None
    if isinstance(got.value, bool):
        return CriterionResult(c, "not_assessable", got, f"{c.indicator} 应为数值", f"{c.indicator} must be a number")
    value = Decimal(got.value)
    if _compare(c.op, value, c.threshold):
        return CriterionResult(c, "met", got)
    shortfall = abs(value - c.threshold)
    closers, effort = _closers(c, value, ind)
    return CriterionResult(c, "not_met", got, shortfall=shortfall, closers=closers, effort_tco2=effort)


def _rank(results: Sequence[CriterionResult], costs: Mapping[str, Decimal] | None) -> tuple[CriterionResult, ...]:
    """Gaps in the order to work on them: missing data first (it blocks the verdict and costs little), then
    the criteria not met by their cost (``costs``: closer kind → CNY per unit, e.g. from the roadmap) or, with
    no cost, by the CO2 their closing takes; declared facts last among equals."""
    gaps = [r for r in results if r.status in ("not_met", "not_assessable")]

    def key(r: CriterionResult) -> tuple[int, Decimal, str]:
        if r.status == "not_assessable":
            return (0, ZERO, r.criterion.id)
        if costs:
            priced = [k.amount * costs[k.kind] for k in r.closers if k.amount is not None and k.kind in costs]
            if priced:
                return (1, min(priced), r.criterion.id)
        if r.effort_tco2 is not None:
            return (2, r.effort_tco2, r.criterion.id)
        return (3, ZERO, r.criterion.id)

    return tuple(sorted(gaps, key=key))


def evaluate(
    cset: CriteriaSet, indicators: Mapping[str, Indicator], year: int, costs: Mapping[str, Decimal] | None = None
) -> SetEvaluation:
    """Evaluate one factory and year against ``cset``.

    Parameters
    ----------
    cset : CriteriaSet
        The criteria set (:func:`zerocarbon.assessment.criteria.criteria_set`).
    indicators : mapping
        Indicator name → :class:`Indicator` (the names the set uses, and the context names
        ``energy_tce``, ``fossil_factor_kg_per_kwh``, ``equal_value_kgce_per_kwh``,
        ``non_fossil_electricity_mwh``, ``traceable_mwh``, ``electricity_mwh``, ``scope12_t``,
        ``residual_t`` for what closes a gap). A missing indicator makes its criteria not assessable.
    year : int
        The data year evaluated.
    costs : mapping, optional
        Closer kind → cost per unit [CNY/t, CNY/MWh], to rank the gaps by cost.
    """
    results = tuple(_judge(c, indicators) for c in cset.criteria)
    verdicts = []
    for lv in cset.levels:
        inside = [r for r in results if r.criterion.level in lv.includes and r.criterion.op != "report"]
        not_met = tuple(r.criterion.id for r in inside if r.status == "not_met")
        unknown = tuple(r.criterion.id for r in inside if r.status == "not_assessable")
        status: Literal["met", "not_met", "not_assessable"] = (
            "not_met" if not_met else "not_assessable" if unknown else "met"
        )
        verdicts.append(LevelVerdict(lv, status, not_met, unknown))
    context = {
        k: str(v.value)
        for k, v in indicators.items()
        if v.value is not None
        and k in ("energy_tce", "fossil_factor_kg_per_kwh", "equal_value_kgce_per_kwh", "electricity_mwh")
    }
    return SetEvaluation(cset, year, results, tuple(verdicts), _rank(results, costs), context)


def evaluate_years(
    cset: CriteriaSet, by_year: Mapping[int, Mapping[str, Indicator]], costs: Mapping[str, Decimal] | None = None
) -> list[SetEvaluation]:
    """The trend: one evaluation per data year, oldest first."""
    return [evaluate(cset, by_year[y], y, costs) for y in sorted(by_year)]
