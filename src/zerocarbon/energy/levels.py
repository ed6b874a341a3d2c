"""Benchmark (标杆水平) and baseline (基准水平) levels of 《工业重点领域能效标杆水平和基准水平（2023年版）》.

The levels live in ``data/ndrc-2023-723-levels.csv`` (its ``#`` header carries the provenance; see
docs/efficiency-reference.md): one row per indicator of the document's table, with the sector, product,
indicator, unit, the benchmark and baseline (lower is better), the table's 参考标准 when it was read, the
public page it was read from and a status (``verified`` / ``unverified``).

A row applies to a quota indicator of ``data/*.yaml`` only when it names it (``quota_standard``,
``quota_indicator``), which the file does only when the table's 参考标准 names that same standard and
indicator; :func:`levels_for` returns the :class:`~zerocarbon.energy.quota.BenchmarkLevels` of such a row,
with the document stated, for :func:`zerocarbon.energy.quota.evaluate`. :func:`position` places a value
against two levels (达到标杆 / 达到基准 / 未达基准), with the share of the way from the baseline to the benchmark, the
gaps per unit and in tce, what the notice asks of such a plant and where the levels came from; :func:`no_levels_text`
says why an indicator has no position. Nothing is interpolated.

This module (not ``reference.py``) holds the loader because its rows become ``quota.BenchmarkLevels``
and ``quota`` imports ``reference``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from zerocarbon.energy.quota import BenchmarkLevels, to_tce
from zerocarbon.energy.reference import DATA_DIR, _decimal, load_quota_standard
from zerocarbon.errors import FactorError, InputError, ZerocarbonError
from zerocarbon.tables import STATUSES, table_reader

#: The shipped levels file (read at call time, so a test may point it elsewhere).
LEVELS_PATH = DATA_DIR / "ndrc-2023-723-levels.csv"
DOCUMENT_NO = "发改产业〔2023〕723号"
DOCUMENT_ZH = f"《工业重点领域能效标杆水平和基准水平（2023年版）》（{DOCUMENT_NO}）"
DOCUMENT_EN = ("Energy-efficiency benchmark and baseline levels in key industrial areas (2023 edition), "
               f"NDRC et al. {DOCUMENT_NO}")
#: ``BenchmarkLevels.origin`` of a shipped row; levels the caller gives are ``user-supplied``.
SHIPPED = "ndrc-2023-723"
LEVEL_COLUMNS = (
    "row_id", "sector_zh", "product_zh", "indicator_zh", "unit", "benchmark", "baseline", "reference_standard",
    "quota_standard", "quota_indicator", "source", "check_source", "status", "note",
)


@dataclass(frozen=True)
class LevelRow:
    """One row of the 2023 table as shipped.

    Attributes
    ----------
    row_id, sector_zh, product_zh, indicator_zh : str
        Identifier, 重点领域, product and indicator name as in the table.
    unit : str
        Unit of the levels (kgce/t, kWh/t …).
    benchmark, baseline : Decimal
        标杆水平 and 基准水平 [``unit``]; benchmark ≤ baseline (lower is better).
    reference_standard : str
        The table's 参考标准 for the row ("" when not read).
    quota_standard, quota_indicator : str
        The quota file stem and indicator id the levels apply to ("" when not mapped).
    source, check_source, status, note : str
        Where the values were read, the independent second source ("" if none), ``verified`` /
        ``unverified``, and remarks.
    """

    row_id: str
    sector_zh: str
    product_zh: str
    indicator_zh: str
    unit: str
    benchmark: Decimal
    baseline: Decimal
    reference_standard: str
    quota_standard: str
    quota_indicator: str
    source: str
    check_source: str
    status: str
    note: str = ""

    @property
    def document(self) -> str:
        """The document and row, as stated with a verdict (``《…》（发改产业〔2023〕723号） 铁合金冶炼 锰硅合金 …``)."""
        return f"{DOCUMENT_ZH} {self.sector_zh} {self.product_zh} {self.indicator_zh}"

    def levels(self) -> BenchmarkLevels:
        """The row as :class:`~zerocarbon.energy.quota.BenchmarkLevels` (document and source stated)."""
        return BenchmarkLevels(self.benchmark, self.baseline, f"{self.document}；{self.source}", self.status,
                               origin=SHIPPED, document_en=f"{DOCUMENT_EN}, row {self.row_id}; {self.source}")


def load_levels(path: Path | None = None) -> tuple[LevelRow, ...]:
    """Load the benchmark/baseline levels file.

    Parameters
    ----------
    path : Path, optional
        Defaults to :data:`LEVELS_PATH`.

    Returns
    -------
    tuple of LevelRow

    Raises
    ------
    FactorError
        A column, number or status is invalid, a benchmark exceeds its baseline, a row id repeats, or a
        mapped quota indicator is missing, mapped twice or has another unit.
    """
    return _load(path or LEVELS_PATH)


@lru_cache(maxsize=8)
def _load(path: Path) -> tuple[LevelRow, ...]:
    where = path.name
    if not path.exists():
        raise FactorError(f"找不到标杆水平文件：{path}", f"no benchmark-level file {path}", file=where)
    rows: list[LevelRow] = []
    seen: set[str] = set()
    mapped: set[tuple[str, str]] = set()
    for line, raw in enumerate(table_reader(path, LEVEL_COLUMNS), start=2):
        if raw["status"] not in STATUSES:
            raise FactorError(f"状态无效：{raw['status']!r}", f"unknown status {raw['status']!r}", file=where,
                              row=line, field="status", expected=" | ".join(STATUSES))
        row = LevelRow(
            row_id=raw["row_id"], sector_zh=raw["sector_zh"], product_zh=raw["product_zh"],
            indicator_zh=raw["indicator_zh"], unit=raw["unit"], benchmark=_decimal(raw["benchmark"], where),
            baseline=_decimal(raw["baseline"], where), reference_standard=raw["reference_standard"].strip(),
            quota_standard=raw["quota_standard"].strip(), quota_indicator=raw["quota_indicator"].strip(),
            source=raw["source"], check_source=raw["check_source"], status=raw["status"], note=raw["note"] or "",
        )
        if row.row_id in seen:
            raise FactorError(f"行号重复：{row.row_id}", f"repeated row_id {row.row_id}", file=where, row=line)
        seen.add(row.row_id)
        if row.benchmark > row.baseline:
            raise FactorError("标杆水平不能高于基准水平（能耗越低越好）",
                              "the benchmark cannot exceed the baseline (lower energy is better)",
                              file=where, row=line, field="benchmark")
        _check_mapping(row, where, line, mapped)
        rows.append(row)
    return tuple(rows)


def _check_mapping(row: LevelRow, where: str, line: int, mapped: set[tuple[str, str]]) -> None:
    key = (row.quota_standard, row.quota_indicator)
    if not any(key):
        return
    if not all(key) or not row.reference_standard:
        raise FactorError("映射到限额指标须同时给出 quota_standard、quota_indicator 与 reference_standard",
                          "a mapped row needs quota_standard, quota_indicator and the table's reference_standard",
                          file=where, row=line, field="quota_indicator")
    if key in mapped:
        raise FactorError(f"限额指标 {key} 被映射两次", f"quota indicator {key} is mapped twice", file=where,
                          row=line, field="quota_indicator")
    mapped.add(key)
    try:
        indicator = load_quota_standard(row.quota_standard).indicator(row.quota_indicator)
    except ZerocarbonError as exc:
        raise FactorError(f"映射的限额指标不存在：{key}", f"mapped quota indicator {key} not found", file=where,
                          row=line, field="quota_indicator") from exc
    if indicator.unit != row.unit:
        raise FactorError(f"单位不一致：{row.unit} ≠ {indicator.unit}", f"unit {row.unit} differs from the quota "
                          f"indicator's {indicator.unit}", file=where, row=line, field="unit")


def levels_for(standard: str, indicator_id: str, path: Path | None = None) -> BenchmarkLevels | None:
    """The shipped levels of a quota indicator, or None when no row of the 2023 table is mapped to it.

    Parameters
    ----------
    standard : str
        Quota file stem as in the register (``gb21341-2022``).
    indicator_id : str
        Indicator id in that file.
    path : Path, optional
        Levels file; defaults to :data:`LEVELS_PATH`.

    Returns
    -------
    BenchmarkLevels or None
        With ``document`` naming 发改产业〔2023〕723号, the row and its source, and the row's status.
    """
    stem = Path(standard).stem if standard.endswith(".yaml") else standard
    for row in load_levels(path):
        if row.quota_standard == stem and row.quota_indicator == indicator_id:
            return row.levels()
    return None


#: Position of a value against the two levels: key → (zh, en).
POSITIONS = {
    "benchmark": ("达到标杆", "benchmark reached"),
    "baseline": ("达到基准", "baseline reached"),
    "below_baseline": ("未达基准", "below baseline"),
}
#: What the 2023 notice asks of an existing plant in each position: key → (zh, en). Read from the English account of
#: the notice at https://tdd-global.com/ecs-article-information/225704.html (the notice's own text was not read, see
#: docs/efficiency-reference.md): projects planned or under construction are built to the benchmark; existing plants
#: between the two levels are encouraged to upgrade; for existing plants below the baseline the localities set a time
#: limit for technical transformation or elimination (in principle by the end of 2026 for the 11 areas the 2023
#: edition added, by the end of 2025 for the 25 earlier ones, https://www.laitimes.com/en/article/5thph_69x12.html).
ACTIONS = {
    "benchmark": ("已达到标杆水平（拟建、在建项目按标杆水平建设）",
                  "at the benchmark level (the level new and ongoing projects are built to)"),
    "baseline": ("存量项目：鼓励采用绿色低碳工艺技术装备改造升级，向标杆水平看齐",
                 "existing plant: encouraged to upgrade with green, low-carbon processes and equipment towards the "
                 "benchmark"),
    "below_baseline": ("能效低于基准水平：须在地方明确的时限内实施技术改造，否则淘汰（原则上原25个领域2025年底前、"
                       "2023年版新增11个领域2026年底前）",
                       "efficiency below the baseline: technical upgrade within the time limit set locally, or "
                       "elimination (in principle by the end of 2025 for the 25 earlier areas, the end of 2026 for "
                       "the 11 added in 2023)"),
}
#: Where the levels came from: ``BenchmarkLevels.origin`` → (zh, en).
ORIGINS = {
    SHIPPED: ("随附 2023年版 标杆/基准水平表行（data/ndrc-2023-723-levels.csv）",
              "shipped row of the 2023 benchmark/baseline table (data/ndrc-2023-723-levels.csv)"),
    "user-supplied": ("用户提供（台账 标杆水平/基准水平/水平来源）",
                      "user-supplied (register columns benchmark, baseline, levels_source)"),
}
NO_LEVELS = ("无标杆/基准水平：台账未提供，随附的 2023年版 表中也没有映射到本指标的行，不作对标",
             "no benchmark or baseline level: none in the register, and no shipped row of the 2023 table "
             "(NDRC et al. 2023 No. 723) is mapped to this indicator; not placed")
ZERO = Decimal(0)
HUNDRED = Decimal(100)


def _show(value: Decimal, places: int = 2, rounding: str = ROUND_HALF_UP) -> str:
    """A Decimal for a sentence: rounded (half-up unless told) to ``places``, trailing zeros dropped (80, 0.01)."""
    text = f"{value.quantize(Decimal(1).scaleb(-places), rounding=rounding):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _gap(value: Decimal) -> str:
    """A gap for a sentence: as :func:`_show`, but a positive gap that rounds to 0 is ``<0.01``, never ``0``."""
    text = _show(value)
    return "<0.01" if value > 0 and text == "0" else text


@dataclass(frozen=True)
class LevelPosition:
    """Where a unit-product energy x stands against 标杆水平 B and 基准水平 Z (lower is better).

    Attributes
    ----------
    key : str
        ``benchmark`` (x ≤ B), ``baseline`` (B < x ≤ Z: between the two) or ``below_baseline`` (x > Z).
    verdict_zh, verdict_en : str
        达到标杆 / 达到基准 / 未达基准 and the English words.
    gap_to_benchmark, gap_to_baseline : Decimal
        x − B and x − Z when positive (what must be saved per unit to reach the level), else 0 [level unit].
    levels : BenchmarkLevels
        The levels used, with their document, status and origin.
    value : Decimal or None
        x [level unit].
    unit : str
        The unit of x and the levels ("" when not given).
    share_to_benchmark : Decimal or None
        (Z − x) / (Z − B) [-] between the two levels: the share of the way from the baseline to the benchmark
        covered (0 at the baseline, towards 1 at the benchmark); None outside that band.
    gap_to_benchmark_tce, gap_to_baseline_tce : Decimal or None
        The gaps times the production [tce] (:func:`zerocarbon.energy.quota.to_tce`); None without a production,
        for kWh/t without the electricity coefficient, or for another unit.
    """

    key: str
    verdict_zh: str
    verdict_en: str
    gap_to_benchmark: Decimal
    gap_to_baseline: Decimal
    levels: BenchmarkLevels
    value: Decimal | None = None
    unit: str = ""
    share_to_benchmark: Decimal | None = None
    gap_to_benchmark_tce: Decimal | None = None
    gap_to_baseline_tce: Decimal | None = None

    @property
    def action_zh(self) -> str:
        """What the 2023 notice asks of an existing plant in this position (:data:`ACTIONS`)."""
        return ACTIONS[self.key][0]

    @property
    def action_en(self) -> str:
        return ACTIONS[self.key][1]

    def text(self, lang: str) -> str:
        """The position in one sentence in ``lang`` (``zh`` or ``en``), figures rounded for display only.

        Examples (硅铁 B = 1770, Z = 1850 kgce/t, 2000 t): x = 1820 → ``介于标杆与基准之间：已完成由基准 1850 至标杆
        1770 的 37.5%；距标杆 50 kgce/t（100 tce）``. The rounding never contradicts the position: a positive gap
        that rounds to 0 reads ``<0.01``, and the share is not shown as 100 % before the benchmark is reached.
        """
        zh = lang == "zh"
        u = f" {self.unit}" if self.unit else ""
        b, z = _show(self.levels.benchmark), _show(self.levels.baseline)

        def tce(value: Decimal | None) -> str:
            if value is None:
                return ""
            return f"（{_gap(value)} tce）" if zh else f" ({_gap(value)} tce)"

        gap_b = f"{_gap(self.gap_to_benchmark)}{u}{tce(self.gap_to_benchmark_tce)}"
        if self.key == "benchmark":
            return f"达到标杆：不高于标杆 {b}{u}" if zh else f"benchmark reached: at or below the benchmark {b}{u}"
        if self.key == "baseline":
            share = "" if self.share_to_benchmark is None else _show(self.share_to_benchmark * HUNDRED, 1)
            if share == "100" and self.share_to_benchmark is not None:  # x > B: not "100 %" before the benchmark
                share = _show(self.share_to_benchmark * HUNDRED, 1, ROUND_DOWN)
            if zh:
                return f"介于标杆与基准之间：已完成由基准 {z} 至标杆 {b} 的 {share}%；距标杆 {gap_b}"
            return (f"between the benchmark and the baseline: {share} % of the way from the baseline {z} to the "
                    f"benchmark {b}; {gap_b} to the benchmark")
        gap_z = f"{_gap(self.gap_to_baseline)}{u}{tce(self.gap_to_baseline_tce)}"
        if zh:
            return f"未达基准：高于基准 {z}{u}，超出 {gap_z}；距标杆 {gap_b}；{self.action_zh}"
        return (f"below the baseline: above the baseline {z}{u} by {gap_z}; {gap_b} to the benchmark; "
                f"{self.action_en}")

    def to_dict(self) -> dict[str, Any]:
        """Decimals as strings, the sentences and the document in zh and en, the origin with its labels."""
        lv = self.levels

        def s(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        origin = ORIGINS.get(lv.origin, (lv.origin, lv.origin))
        return {
            "key": self.key, "verdict_zh": self.verdict_zh, "verdict_en": self.verdict_en, "value": s(self.value),
            "unit": self.unit, "benchmark": str(lv.benchmark), "baseline": str(lv.baseline),
            "share_to_benchmark": s(self.share_to_benchmark),
            "gap_to_benchmark": str(self.gap_to_benchmark), "gap_to_benchmark_tce": s(self.gap_to_benchmark_tce),
            "gap_to_baseline": str(self.gap_to_baseline), "gap_to_baseline_tce": s(self.gap_to_baseline_tce),
            "action_zh": self.action_zh, "action_en": self.action_en, "text_zh": self.text("zh"),
            "text_en": self.text("en"), "origin": lv.origin, "origin_zh": origin[0], "origin_en": origin[1],
            "document": lv.document, "document_en": lv.document_en or lv.document, "status": lv.status,
        }


def no_levels_text(lang: str) -> str:
    """Why an indicator has no position (:data:`NO_LEVELS`), in ``lang``."""
    return NO_LEVELS[0] if lang == "zh" else NO_LEVELS[1]


def position(levels: BenchmarkLevels, value: Decimal, *, unit: str = "", production: Decimal | None = None,
             kgce_per_kwh: Decimal | None = None) -> LevelPosition:
    """Place a unit-product energy against a benchmark and a baseline.

    A value equal to a level reaches it (x ≤ B is 达到标杆, B < x ≤ Z is 达到基准, x > Z is 未达基准), as a quota
    grade is reached at its limit ("≤" in the quota standards' grading). The 2023 notice's wording (as read in
    English, :data:`ACTIONS`) sorts plants as reaching the benchmark, between the two, or below the baseline, without
    a rule for a value equal to a level; this is the reading taken, and it is the one of
    :func:`zerocarbon.energy.quota.evaluate` (达到标杆 at x ≤ B). Comparisons are at full Decimal precision. The
    verdict is the levels' only: the quota grades are :func:`~zerocarbon.energy.quota.evaluate`'s.

    Parameters
    ----------
    levels : BenchmarkLevels
        From :meth:`LevelRow.levels`, :func:`levels_for` or the factory's own.
    value : Decimal
        Measured unit-product energy x [the levels' unit], computed as the indicator defines it.
    unit : str, optional
        The unit of x and the levels (``kgce/t``, ``kWh/t`` …), for the sentence and the tce.
    production : Decimal, optional
        Production of the period [t], for the gaps in tce.
    kgce_per_kwh : Decimal, optional
        Electricity coefficient [kgce/kWh] for ``kWh/t`` levels.

    Returns
    -------
    LevelPosition

    Raises
    ------
    InputError
        The value or a level is not a finite Decimal, the production is negative, or the benchmark exceeds the
        baseline (lower is better: the levels are refused, never swapped).
    """
    if not isinstance(value, Decimal):
        raise InputError("单位产品能耗须为十进制数", "the unit-product energy must be a Decimal", field="value")
    if not value.is_finite():
        raise InputError(f"单位产品能耗须为有限数值，实际为 {value}",
                         f"the unit-product energy must be a finite number (got {value})", field="value")
    if not (levels.benchmark.is_finite() and levels.baseline.is_finite()):
        raise InputError(f"标杆水平与基准水平须为有限数值，实际为 {levels.benchmark} / {levels.baseline}",
                         f"the benchmark and baseline must be finite numbers (got {levels.benchmark} / "
                         f"{levels.baseline})", field="benchmark")
    if production is not None and (not production.is_finite() or production < 0):
        raise InputError(f"产量须为非负有限数值，实际为 {production}",
                         f"the production must be a finite number ≥ 0 (got {production})", field="production")
    if levels.benchmark > levels.baseline:
        raise InputError(f"标杆水平 {levels.benchmark} 不能高于基准水平 {levels.baseline}（能耗越低越好）",
                         f"the benchmark {levels.benchmark} cannot exceed the baseline {levels.baseline} (lower energy "
                         "is better)", field="benchmark")
    share = None
    if value <= levels.benchmark:
        key = "benchmark"
    elif value <= levels.baseline:
        key = "baseline"
        share = (levels.baseline - value) / (levels.baseline - levels.benchmark)  # B < x ≤ Z, so Z > B
    else:
        key = "below_baseline"
    zh, en = POSITIONS[key]
    gap_b, gap_z = max(value - levels.benchmark, ZERO), max(value - levels.baseline, ZERO)

    def tce(gap: Decimal) -> Decimal | None:
        return None if production is None else to_tce(gap, unit, production, kgce_per_kwh)

    return LevelPosition(key, zh, en, gap_b, gap_z, levels, value=value, unit=unit, share_to_benchmark=share,
                         gap_to_benchmark_tce=tce(gap_b), gap_to_baseline_tce=tce(gap_z))
