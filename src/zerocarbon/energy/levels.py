"""Benchmark (标杆水平) and baseline (基准水平) levels of 《工业重点领域能效标杆水平和基准水平（2023年版）》.

The levels live in ``data/ndrc-2023-723-levels.csv`` (its ``#`` header carries the provenance; see
docs/efficiency-reference.md): one row per indicator of the document's table, with the sector, product,
indicator, unit, the benchmark and baseline (lower is better), the table's 参考标准 when it was read, the
public page it was read from and a status (``verified`` / ``unverified``).

A row applies to a quota indicator of ``data/*.yaml`` only when it names it (``quota_standard``,
``quota_indicator``), which the file does only when the table's 参考标准 names that same standard and
indicator; :func:`levels_for` returns the :class:`~zerocarbon.energy.quota.BenchmarkLevels` of such a row,
with the document stated, for :func:`zerocarbon.energy.quota.evaluate`. :func:`position` places a value
against a row's two levels (达到标杆 / 达到基准 / 未达基准). Nothing is interpolated.

This module (not ``reference.py``) holds the loader because its rows become ``quota.BenchmarkLevels``
and ``quota`` imports ``reference``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from zerocarbon.energy.quota import BenchmarkLevels
from zerocarbon.energy.reference import DATA_DIR, _decimal, load_quota_standard
from zerocarbon.errors import FactorError, InputError, ZerocarbonError
from zerocarbon.tables import STATUSES, table_reader

#: The shipped levels file (read at call time, so a test may point it elsewhere).
LEVELS_PATH = DATA_DIR / "ndrc-2023-723-levels.csv"
DOCUMENT_NO = "发改产业〔2023〕723号"
DOCUMENT_ZH = f"《工业重点领域能效标杆水平和基准水平（2023年版）》（{DOCUMENT_NO}）"
DOCUMENT_EN = ("Energy-efficiency benchmark and baseline levels in key industrial areas (2023 edition), "
               f"NDRC et al. {DOCUMENT_NO}")
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
        return BenchmarkLevels(self.benchmark, self.baseline, f"{self.document}；{self.source}", self.status)


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


@dataclass(frozen=True)
class LevelPosition:
    """Where a unit-product energy x stands against 标杆水平 B and 基准水平 Z (lower is better).

    Attributes
    ----------
    key : str
        ``benchmark`` (x ≤ B), ``baseline`` (B < x ≤ Z) or ``below_baseline`` (x > Z).
    verdict_zh, verdict_en : str
        达到标杆 / 达到基准 / 未达基准 and the English words.
    gap_to_benchmark, gap_to_baseline : Decimal
        x − B and x − Z when positive (what must be saved per unit to reach the level), else 0 [level unit].
    levels : BenchmarkLevels
        The levels used, with their document and status.
    """

    key: str
    verdict_zh: str
    verdict_en: str
    gap_to_benchmark: Decimal
    gap_to_baseline: Decimal
    levels: BenchmarkLevels


def position(levels: BenchmarkLevels, value: Decimal) -> LevelPosition:
    """Place a unit-product energy against a benchmark and a baseline.

    A value equal to a level reaches it (x ≤ B is 达到标杆, x ≤ Z is 达到基准), as a quota grade is reached at
    its limit; comparisons are at full Decimal precision. The verdict is the levels' only: the quota grades
    are :func:`zerocarbon.energy.quota.evaluate`'s.

    Parameters
    ----------
    levels : BenchmarkLevels
        From :meth:`LevelRow.levels`, :func:`levels_for` or the factory's own.
    value : Decimal
        Measured unit-product energy x [the levels' unit], computed as the indicator defines it.

    Returns
    -------
    LevelPosition

    Raises
    ------
    InputError
        The value is not a Decimal.
    """
    if not isinstance(value, Decimal):
        raise InputError("单位产品能耗须为十进制数", "the unit-product energy must be a Decimal", field="value")
    if value <= levels.benchmark:
        key = "benchmark"
    elif value <= levels.baseline:
        key = "baseline"
    else:
        key = "below_baseline"
    zh, en = POSITIONS[key]
    zero = Decimal(0)
    return LevelPosition(key, zh, en, max(value - levels.benchmark, zero), max(value - levels.baseline, zero),
                         levels)
