"""Unit-product energy against a quota standard (能耗限额) and the benchmark/baseline levels.

For an indicator whose limits are L₁ < L₂ < L₃ (lower is better; grade 3 is the 限定值) and a
measured unit-product energy x, after the standard's corrections:

* linear corrections (e.g. GB 16780-2021 5.4, clinker ratio c [%]):
  Lg ← Lg + (c − c_ref) × kg;
* altitude corrections (GB 16780-2021 5.3 式(1)), applied after the linear ones, to the grades the
  standard names, when the altitude exceeds the threshold: Lg ← Lg × K, K = a − b × p / p₀;
* multiply corrections (GB 21340-2019 Vc = a × b × c × d), after the linear ones: Lg ← Lg × Πᵢ kᵢ with
  the coefficients kᵢ > 0 the user reads from the standard's table;
* linear corrections marked ``after_multiply`` (GB 21258-2024 表2 increase), after the multiplying ones;
* table corrections, added with the linear ones: ``interpolate`` (GB 21342-2025 volatile matter) Lg ← Lg + y(x),
  y read linearly between the listed points, x outside them refused; ``steps`` (GB 21342-2025 oven age, wet
  quenching) Lg ← Lg + the amount of the band holding x;

the verdict is 达到标杆 when a benchmark level B is given and x ≤ B, otherwise the best grade g with
x ≤ Lg (1级 / 2级 / 3级), otherwise 未达限定值. Comparisons are at full Decimal precision (no
rounding). A grade the standard leaves empty (“—”) stays missing: no value can reach it, its limit
and gap are absent, and the verdict says 该等级标准未规定. The gap is reported per unit of product
[indicator unit] and, when the production and (for electricity indicators) the electricity coefficient
are given, in tce.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from zerocarbon.energy.reference import GRADES, Correction, QuotaIndicator
from zerocarbon.errors import InputError

THOUSAND = Decimal(1000)
ZERO = Decimal(0)
ONE = Decimal(1)
NOT_SET_ZH = "该等级标准未规定"
NOT_SET_EN = "grade not set by the standard"
#: Corrections that add to the limits; they are applied before the multiplying ones (multiply, altitude).
ADDITIVE = frozenset({"linear", "interpolate", "steps"})


@dataclass(frozen=True)
class AppliedCorrection:
    """A correction as applied: what it read, and the limits before and after [indicator unit]."""

    id: str
    clause: str
    inputs: dict[str, Decimal]
    factor: Decimal | None
    before: dict[int, Decimal]
    after: dict[int, Decimal]
    note_zh: str
    note_en: str


@dataclass(frozen=True)
class BenchmarkLevels:
    """Benchmark (标杆水平) and baseline (基准水平) of one indicator, with their provenance.

    Attributes
    ----------
    benchmark, baseline : Decimal
        Levels [same unit as the indicator].
    document : str
        The document that sets them (e.g. 发改产业〔2023〕723号) and where it was read.
    status : str
        ``verified`` or ``unverified`` (``user-supplied`` for the factory's own).
    origin : str
        ``ndrc-2023-723`` for a shipped row of ``data/ndrc-2023-723-levels.csv``, ``user-supplied`` for levels the
        caller gives (the register's ``benchmark``/``baseline`` with their ``levels_source``).
    document_en : str
        The document in English ("" when only ``document`` is known, e.g. the factory's own text).
    """

    benchmark: Decimal
    baseline: Decimal
    document: str
    status: str
    origin: str = "user-supplied"
    document_en: str = ""


def corrected_limits(indicator: QuotaIndicator, inputs: Mapping[str, Decimal]
                     ) -> tuple[dict[int, Decimal], tuple[AppliedCorrection, ...]]:
    """The grade limits after the standard's corrections, with the trace of each correction.

    Parameters
    ----------
    indicator : QuotaIndicator
    inputs : mapping of str to Decimal
        Values the corrections read, by the names in the data file (``clinker_ratio_pct`` [%],
        ``altitude_m`` [m], ``ambient_pressure_pa`` [Pa], ``rare_earth_ore_pct`` [%] …).

    Returns
    -------
    limits : dict of int to Decimal
        Corrected limits of the grades the standard sets [indicator unit] (a missing grade stays absent).
    applied : tuple of AppliedCorrection

    Raises
    ------
    InputError
        An input a correction needs is missing (nothing is assumed).
    """
    limits = dict(indicator.grades)
    applied: list[AppliedCorrection] = []
    # additive ones first, then the multiplying ones, then additions the standard makes after them (GB 21258-2024)
    ordered = sorted(indicator.corrections, key=lambda c: 2 if c.after_multiply else int(c.kind not in ADDITIVE))
    for corr in ordered:
        before = dict(limits)
        if corr.kind == "multiply":
            read = {c.input: _coefficient(inputs, c.input, indicator, corr) for c in corr.coefficients}
            vc = ONE
            for k_i in read.values():
                vc *= k_i
            for g in limits:
                limits[g] = limits[g] * vc
            applied.append(AppliedCorrection(corr.id, corr.clause, read, vc, before, dict(limits),
                                             corr.note_zh, corr.note_en))
            continue
        value = _need(inputs, corr.input, indicator, corr)
        if corr.kind in ("interpolate", "steps"):
            add = _interpolated(value, indicator, corr) if corr.kind == "interpolate" else _step(value, indicator, corr)
            for g in corr.grades:
                if g in limits:
                    limits[g] = limits[g] + add
            applied.append(AppliedCorrection(corr.id, corr.clause, {corr.input: value}, None, before, dict(limits),
                                             corr.note_zh, corr.note_en))
        elif corr.kind == "linear":
            read = {corr.input: value}
            if corr.requires_input:
                cond = _need(inputs, corr.requires_input, indicator, corr)
                if cond < corr.requires_min:
                    raise InputError(
                        f"{indicator.standard} {indicator.name_zh} 的修正（{corr.clause}）仅适用于 "
                        f"{corr.requires_input} ≥ {corr.requires_min}，实际为 {cond}：标准未给出此情形的限额，不予判级",
                        f"the correction {corr.id} ({indicator.standard} {corr.clause}) of {indicator.id} applies only "
                        f"when {corr.requires_input} >= {corr.requires_min} (got {cond}); no rule for this case is "
                        "transcribed, so it is not graded", field=corr.requires_input)
                read[corr.requires_input] = cond
            for g in limits:
                limits[g] = limits[g] + (value - corr.reference) * corr.per_unit[g]
            applied.append(AppliedCorrection(corr.id, corr.clause, read, None, before, dict(limits),
                                             corr.note_zh, corr.note_en))
        elif corr.kind == "altitude":
            if value <= corr.above_m:
                continue
            pressure = _need(inputs, corr.pressure_input, indicator, corr)
            k = corr.a - corr.b * pressure / corr.p0_pa
            for g in corr.grades:
                if g in limits:
                    limits[g] = limits[g] * k
            applied.append(AppliedCorrection(corr.id, corr.clause, {corr.input: value, corr.pressure_input: pressure},
                                             k, before, dict(limits), corr.note_zh, corr.note_en))
    return limits, tuple(applied)


def _interpolated(x: Decimal, indicator: QuotaIndicator, corr: Correction) -> Decimal:
    """The amount read off ``corr.points`` at x, linearly between the two listed points around it."""
    (x0, _), (xn, _) = corr.points[0], corr.points[-1]
    if not x0 <= x <= xn:
        raise InputError(f"{indicator.standard} 修正（{corr.clause}）的 {corr.input} 须在 {x0}–{xn} "
                         f"{corr.input_unit} 之间，实际为 {x}：标准未给出表外的修正，不予判级",
                         f"{corr.input} of the correction {corr.id} ({indicator.standard} {corr.clause}) must lie "
                         f"within {x0}-{xn} {corr.input_unit} (got {x}); the standard gives no rule outside its table, "
                         "so it is not graded", field=corr.input)
    for (xa, ya), (xb, yb) in pairwise(corr.points):
        if x <= xb:
            return ya + (x - xa) * (yb - ya) / (xb - xa)
    return corr.points[-1][1]  # unreachable: x <= xn was checked


def _step(x: Decimal, indicator: QuotaIndicator, corr: Correction) -> Decimal:
    """The amount of the first band of ``corr.bands`` whose upper bound (inclusive) is at least x."""
    if (corr.allowed and x not in corr.allowed) or (corr.minimum is not None and x < corr.minimum):
        expected = " / ".join(str(a) for a in corr.allowed) if corr.allowed else f"≥ {corr.minimum}"
        raise InputError(f"{indicator.standard} 修正（{corr.clause}）的 {corr.input} 须为 {expected}，实际为 {x}",
                         f"{corr.input} of the correction {corr.id} ({indicator.standard} {corr.clause}) must be "
                         f"{expected.replace('≥', '>=')} (got {x})", field=corr.input)
    return next(add for upper, add in corr.bands if upper is None or x <= upper)


def _coefficient(inputs: Mapping[str, Decimal], name: str, indicator: QuotaIndicator, corr: Correction) -> Decimal:
    value = _need(inputs, name, indicator, corr)
    if value <= 0:
        raise InputError(f"{indicator.standard} 修正系数 {name} 须为正数（{corr.clause}）",
                         f"the coefficient {name} ({indicator.standard} {corr.clause}) must be positive", field=name)
    return value


def _need(inputs: Mapping[str, Decimal], name: str, indicator: QuotaIndicator, corr: Correction) -> Decimal:
    if name not in inputs:
        raise InputError(f"{indicator.standard} {indicator.name_zh} 的修正（{corr.clause}）需要 {name}",
                         f"the correction {corr.id} ({indicator.standard} {corr.clause}) of {indicator.id} "
                         f"needs {name}", field=name)
    value = inputs[name]
    if not isinstance(value, Decimal):
        raise InputError(f"{name} 须为十进制数", f"{name} must be a Decimal", field=name)
    if not value.is_finite():  # NaN cannot be compared with a table's points; Infinity is no reading
        raise InputError(f"{name} 须为有限数值，实际为 {value}", f"{name} must be a finite number (got {value})",
                         field=name)
    return value


@dataclass(frozen=True)
class QuotaVerdict:
    """The verdict of one indicator, with the limits used and the gaps.

    Attributes
    ----------
    indicator : QuotaIndicator
    value : Decimal
        Measured unit-product energy x [indicator unit].
    limits : dict of int to Decimal
        Corrected limits of the grades the standard sets [indicator unit].
    corrections : tuple of AppliedCorrection
    grade : int or None
        1–3, or None below the 限定值.
    missing_grades : tuple of int
        Grades the standard does not set for the indicator (该等级标准未规定): never reached.
    verdict_zh : str
        达到标杆 / 1级 / 2级 / 3级 / 未达限定值.
    verdict_en : str
        benchmark / grade 1 / grade 2 / grade 3 / below minimum.
    levels : BenchmarkLevels or None
    gap_to_grade1, gap_to_limit, gap_to_benchmark : Decimal or None
        x − L₁, x − L₃, x − B [indicator unit] when positive (what must be saved per unit); 0 when met;
        None for grade 1 when the standard does not set it, and for the benchmark when no level is given.
    gap_to_grade1_tce, gap_to_limit_tce, gap_to_benchmark_tce : Decimal or None
        The same gaps times the production, in tce [t standard coal], when the production (and for
        kWh indicators the coefficient) is given.
    """

    indicator: QuotaIndicator
    value: Decimal
    limits: dict[int, Decimal]
    corrections: tuple[AppliedCorrection, ...]
    grade: int | None
    verdict_zh: str
    verdict_en: str
    levels: BenchmarkLevels | None
    gap_to_grade1: Decimal | None
    gap_to_limit: Decimal
    gap_to_benchmark: Decimal | None
    gap_to_grade1_tce: Decimal | None
    gap_to_limit_tce: Decimal | None
    gap_to_benchmark_tce: Decimal | None
    missing_grades: tuple[int, ...] = ()

    @property
    def missing_note_zh(self) -> str:
        """``1级、2级：该等级标准未规定``, or "" when every grade is set."""
        return "、".join(f"{g}级" for g in self.missing_grades) + f"：{NOT_SET_ZH}" if self.missing_grades else ""

    @property
    def missing_note_en(self) -> str:
        """``grade 1, grade 2: grade not set by the standard``, or "" when every grade is set."""
        if not self.missing_grades:
            return ""
        return ", ".join(f"grade {g}" for g in self.missing_grades) + f": {NOT_SET_EN}"


def to_tce(per_unit: Decimal, unit: str, production: Decimal, kgce_per_kwh: Decimal | None = None) -> Decimal | None:
    """Convert a per-unit-product quantity times the production into tce.

    Parameters
    ----------
    per_unit : Decimal
        Quantity per tonne of product [``unit``: kgce/t or kWh/t].
    unit : str
        ``kgce/t`` or ``kWh/t``.
    production : Decimal
        Production [t].
    kgce_per_kwh : Decimal, optional
        Electricity coefficient [kgce/kWh] (GB/T 2589: 0.1229 at equivalent value); needed for kWh/t.

    Returns
    -------
    Decimal or None
        [tce]; None when a kWh indicator has no coefficient or the unit is not convertible.
    """
    if unit == "kgce/t":
        return per_unit * production / THOUSAND
    if unit == "kWh/t" and kgce_per_kwh is not None:
        return per_unit * production * kgce_per_kwh / THOUSAND
    return None


def evaluate(indicator: QuotaIndicator, value: Decimal, inputs: Mapping[str, Decimal] | None = None, *,
             levels: BenchmarkLevels | None = None, production: Decimal | None = None,
             kgce_per_kwh: Decimal | None = None) -> QuotaVerdict:
    """Grade a unit-product energy against a quota indicator and, if given, the benchmark level.

    Parameters
    ----------
    indicator : QuotaIndicator
        From :func:`~zerocarbon.energy.reference.load_quota_standard`.
    value : Decimal
        Measured unit-product energy x [indicator unit], computed as the standard defines it.
    inputs : mapping, optional
        Values the corrections need (see :func:`corrected_limits`).
    levels : BenchmarkLevels, optional
        Benchmark and baseline of the indicator (:func:`zerocarbon.energy.levels.levels_for` gives the shipped
        2023 levels of 发改产业〔2023〕723号 mapped to it; see docs/efficiency-reference.md).
    production : Decimal, optional
        Production of the period [t], for the gaps in tce.
    kgce_per_kwh : Decimal, optional
        Electricity coefficient [kgce/kWh] for kWh/t indicators.

    Returns
    -------
    QuotaVerdict
    """
    if not isinstance(value, Decimal):
        raise InputError("单位产品能耗须为十进制数", "the unit-product energy must be a Decimal", field="value")
    if not value.is_finite():
        raise InputError(f"单位产品能耗须为有限数值，实际为 {value}",
                         f"the unit-product energy must be a finite number (got {value})", field="value")
    if value < 0 and all(limit >= 0 for limit in indicator.grades.values()):
        # A negative value is accepted only where the standard sets negative limits (GB 30251-2024 表8, a net exporter).
        raise InputError("单位产品能耗不能为负", "the unit-product energy cannot be negative", field="value")
    limits, applied = corrected_limits(indicator, inputs or {})
    grade = next((g for g in GRADES if g in limits and value <= limits[g]), None)
    if levels is not None and value <= levels.benchmark:
        zh, en = "达到标杆", "benchmark"
    elif grade is not None:
        zh, en = f"{grade}级", f"grade {grade}"
    else:
        zh, en = "未达限定值", "below minimum"
    gap1 = max(value - limits[1], ZERO) if 1 in limits else None
    gap3 = max(value - limits[3], ZERO)
    gapb = max(value - levels.benchmark, ZERO) if levels is not None else None

    def tce(gap: Decimal | None) -> Decimal | None:
        if gap is None or production is None:
            return None
        return to_tce(gap, indicator.unit, production, kgce_per_kwh)

    return QuotaVerdict(
        indicator=indicator, value=value, limits=limits, corrections=applied, grade=grade, verdict_zh=zh,
        verdict_en=en, levels=levels, gap_to_grade1=gap1, gap_to_limit=gap3, gap_to_benchmark=gapb,
        gap_to_grade1_tce=tce(gap1), gap_to_limit_tce=tce(gap3), gap_to_benchmark_tce=tce(gapb),
        missing_grades=indicator.missing_grades,
    )


def energy_per_value_added(energy_tce: Decimal, value_added_10k_yuan: Decimal) -> Decimal:
    """Energy per unit of industrial value added (单位工业增加值能耗).

    Parameters
    ----------
    energy_tce : Decimal
        Comprehensive energy consumption [tce] (GB/T 2589).
    value_added_10k_yuan : Decimal
        Industrial value added [万元], > 0.

    Returns
    -------
    Decimal
        [tce/万元].
    """
    if value_added_10k_yuan <= 0:
        raise InputError("工业增加值须为正数", "the industrial value added must be positive", field="value_added")
    return energy_tce / value_added_10k_yuan
