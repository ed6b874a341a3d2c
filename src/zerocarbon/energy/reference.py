"""Reference data of the efficiency standards: one data file per standard and edition, and their loader.

The files live in ``zerocarbon/energy/data/`` (documented in ``docs/efficiency-reference.md``):

* ``gb18613-2020.csv`` — GB 18613-2020 表1, minimum efficiency [%] of three-phase asynchronous motors
  by rated power [kW], number of poles and grade, one row per (power, poles, grade);
* ``gb20052-2024.csv`` — GB 20052-2024 表1, the largest no-load and load losses [kW] of 10 kV
  oil-immersed distribution transformers by capacity [kVA], core, connection group and grade;
* ``gb30254-2024*.csv``, ``gb30253-2024*.csv`` (high-voltage motors, PMSM; loaded by
  :mod:`zerocarbon.energy.grading_more`) and ``gb19153-2019.csv`` (air compressors; loaded by
  :mod:`zerocarbon.energy.compressors`), each with a ``#`` header citing its table and source;
* ``gb*.yaml`` — quota standards (能耗限额; GB 21346-2022, GB 16780-2021, GB 21256-2025, GB 21340-2019,
  GB 21257-2024, GB 32047-2025 …): indicator, unit, grade 1/2/3 limits and correction formulas. A grade
  the standard leaves empty (“—”) is written ``null`` and stays missing (never filled from a neighbour);
* ``ndrc-2023-723-levels.csv`` — the benchmark/baseline levels of 发改产业〔2023〕723号, loaded by
  :mod:`zerocarbon.energy.levels` (its rows become ``quota.BenchmarkLevels``, and ``quota`` imports this module).

Every row carries the standard, its edition, the table or clause, the public source it was read
from and a status: ``verified`` (a second independent source agrees) or ``unverified`` (one
transcription). A new edition of a standard is a new file; nothing here interpolates or fills a
missing value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from zerocarbon.errors import FactorError
from zerocarbon.tables import STATUSES, table_reader

#: Folder of the reference data files (relative to this module, so it works installed or from a checkout).
DATA_DIR = Path(__file__).parent / "data"
GRADES = (1, 2, 3)
MOTOR_COLUMNS = (
    "row_id", "standard", "edition", "effective_from", "table", "rated_power_kw", "poles", "grade",
    "min_efficiency_pct", "source", "check_source", "status",
)


def _decimal(text: object, where: str) -> Decimal:
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation as exc:
        raise FactorError(f"参考数据数值无效：{text!r}", f"invalid number {text!r} in reference data",
                          file=where) from exc
    if not value.is_finite():
        raise FactorError(f"参考数据数值无效：{text!r}", f"invalid number {text!r} in reference data", file=where)
    return value


@dataclass(frozen=True)
class MotorRow:
    """One cell of GB 18613-2020 表1: the minimum efficiency of a grade at one rating and pole number.

    Attributes
    ----------
    row_id : str
        Stable identifier (``GB18613-2020.T1.7.5kW.4p.g1``).
    standard, edition, effective_from, table : str
        Standard number, edition year, date it took effect (ISO) and table.
    rated_power_kw : Decimal
        Rated output power of the table row [kW].
    poles : int
        Number of poles (2, 4, 6, 8).
    grade : int
        Efficiency grade (1 best; 3 is the minimum allowed, 能效限定值).
    min_efficiency_pct : Decimal
        Minimum efficiency of the grade [%].
    source, check_source : str
        Where the value was read, and the independent source that agrees ("" if none).
    status : str
        ``verified`` or ``unverified``.
    """

    row_id: str
    standard: str
    edition: str
    effective_from: str
    table: str
    rated_power_kw: Decimal
    poles: int
    grade: int
    min_efficiency_pct: Decimal
    source: str
    check_source: str
    status: str


@dataclass(frozen=True)
class MotorTable:
    """GB 18613-2020 表1 as loaded: cells keyed by (rated power [kW], poles, grade)."""

    standard: str
    rows: tuple[MotorRow, ...]
    cells: dict[tuple[Decimal, int, int], MotorRow] = field(repr=False)

    @property
    def ratings_kw(self) -> tuple[Decimal, ...]:
        """The rated powers the table lists [kW], ascending."""
        return tuple(sorted({row.rated_power_kw for row in self.rows}))

    @property
    def poles(self) -> tuple[int, ...]:
        """The pole numbers the table lists."""
        return tuple(sorted({row.poles for row in self.rows}))

    def cell(self, rated_power_kw: Decimal, poles: int, grade: int) -> MotorRow | None:
        """The table cell, or None when the table has no such row (never a neighbour)."""
        return self.cells.get((rated_power_kw.normalize(), poles, grade))


def load_motor_table(path: Path | None = None) -> MotorTable:
    """Load a motor efficiency table file (default: GB 18613-2020 表1).

    Parameters
    ----------
    path : Path, optional
        CSV file with the columns of :data:`MOTOR_COLUMNS`; default ``data/gb18613-2020.csv``.

    Returns
    -------
    MotorTable

    Raises
    ------
    FactorError
        A column is missing, a number is invalid, a status is unknown, or a cell is repeated.
    """
    path = path or DATA_DIR / "gb18613-2020.csv"
    return _load_motor_table(path)


def _checked_rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The rows of a reference CSV with their line numbers, after checking its columns and each row's status.

    Raises
    ------
    FactorError
        A column is missing, or a row's status is not one of :data:`STATUSES`.
    """
    where = path.name
    rows = list(enumerate(table_reader(path, columns), start=2))
    for line, raw in rows:
        if raw["status"] not in STATUSES:
            raise FactorError(f"状态无效：{raw['status']!r}", f"unknown status {raw['status']!r}", file=where,
                              row=line, field="status", expected=" | ".join(STATUSES))
    return rows


@lru_cache(maxsize=8)
def _load_motor_table(path: Path) -> MotorTable:
    where = path.name
    rows: list[MotorRow] = []
    cells: dict[tuple[Decimal, int, int], MotorRow] = {}
    for line, raw in _checked_rows(path, MOTOR_COLUMNS):
        row = MotorRow(
            row_id=raw["row_id"], standard=raw["standard"], edition=raw["edition"],
            effective_from=raw["effective_from"], table=raw["table"],
            rated_power_kw=_decimal(raw["rated_power_kw"], where).normalize(), poles=int(raw["poles"]),
            grade=int(raw["grade"]), min_efficiency_pct=_decimal(raw["min_efficiency_pct"], where),
            source=raw["source"], check_source=raw["check_source"], status=raw["status"],
        )
        key = (row.rated_power_kw, row.poles, row.grade)
        if key in cells:
            raise FactorError(f"表格单元重复：{key}", f"repeated table cell {key}", file=where, row=line)
        cells[key] = row
        rows.append(row)
    standards = {row.standard for row in rows}
    if len(standards) != 1:
        raise FactorError("一个文件只能有一个标准版本", "one file holds one standard edition", file=where)
    return MotorTable(standard=standards.pop(), rows=tuple(rows), cells=cells)


# ------------------------------------------------------------------------------------- transformers
TRANSFORMER_COLUMNS = (
    "row_id", "standard", "edition", "effective_from", "table", "category", "capacity_kva", "core", "connection",
    "grade", "max_no_load_kw", "max_load_kw", "source", "check_source", "status",
)


@dataclass(frozen=True)
class TransformerRow:
    """One grade of one row of GB 20052-2024 表1: the largest no-load and load losses allowed [kW].

    ``connection`` is the table's label (``Dyn11/Yzn11`` covers both groups; ``Yyn0``).
    """

    row_id: str
    standard: str
    edition: str
    effective_from: str
    table: str
    category: str
    capacity_kva: Decimal
    core: str
    connection: str
    grade: int
    max_no_load_kw: Decimal
    max_load_kw: Decimal
    source: str
    check_source: str
    status: str


@lru_cache(maxsize=4)
def load_transformer_table(path: Path | None = None) -> tuple[TransformerRow, ...]:
    """Load a transformer loss table (default: ``data/gb20052-2024.csv``, GB 20052-2024 表1).

    Raises
    ------
    FactorError
        A column is missing, a number or status is invalid, or a cell is repeated.
    """
    path = path or DATA_DIR / "gb20052-2024.csv"
    where = path.name
    rows: list[TransformerRow] = []
    seen: set[tuple[Decimal, str, str, int]] = set()
    for line, raw in _checked_rows(path, TRANSFORMER_COLUMNS):
        row = TransformerRow(
            row_id=raw["row_id"], standard=raw["standard"], edition=raw["edition"],
            effective_from=raw["effective_from"], table=raw["table"], category=raw["category"],
            capacity_kva=_decimal(raw["capacity_kva"], where).normalize(), core=raw["core"],
            connection=raw["connection"], grade=int(raw["grade"]),
            max_no_load_kw=_decimal(raw["max_no_load_kw"], where), max_load_kw=_decimal(raw["max_load_kw"], where),
            source=raw["source"], check_source=raw["check_source"], status=raw["status"])
        key = (row.capacity_kva, row.core, row.connection, row.grade)
        if key in seen:
            raise FactorError(f"表格单元重复：{key}", f"repeated table cell {key}", file=where, row=line)
        seen.add(key)
        rows.append(row)
    return tuple(rows)


# ------------------------------------------------------------------------------------------- quotas
@dataclass(frozen=True)
class Coefficient:
    """One user-supplied coefficient of a ``multiply`` correction, with its meaning in the standard's table."""

    input: str
    meaning_zh: str
    meaning_en: str


@dataclass(frozen=True)
class Correction:
    """A correction of the quota limits that the standard prescribes.

    ``kind == "linear"``: limit_g += (x − reference) × per_unit[g], with x the value of ``input``; with
    ``requires_input`` set, the correction applies only when that input is at least ``requires_min``
    (e.g. GB 21341-2022: the ore-grade correction of ferrochrome needs a Cr/Fe ratio ≥ 2.2), and a lower
    value is refused rather than graded by an unstated rule; with ``after_multiply`` it is added after the
    multiplying corrections (GB 21258-2024: limit × K + the 表2 increase), otherwise before them.
    ``kind == "altitude"``: above ``above_m`` of ``input`` (altitude [m]), the limits of ``grades``
    are multiplied by K = a − b × p / p0, with p the value of ``pressure_input`` [Pa].
    ``kind == "multiply"``: every limit is multiplied by the product of the ``coefficients`` the user
    supplies (e.g. GB 21340-2019 Vc = a × b × c × d, read from the standard's 表2); ``input`` joins
    their names with commas.
    ``kind == "interpolate"``: the limits of ``grades`` are raised by the value read off the table ``points``
    (x, amount) at the input, linearly between two listed x (e.g. GB 21342-2025: coal volatile matter); an
    input outside the first and last x is refused (the standard gives no rule there).
    ``kind == "steps"``: the limits of ``grades`` are raised by the amount of the first band of ``bands``
    (upper bound inclusive, ``None`` for the open last band) that holds the input (e.g. GB 21342-2025: oven
    age); with ``allowed`` set, any other input value is refused (a 0/1 flag), and an input below ``minimum``
    is refused.
    """

    kind: str
    id: str
    input: str
    clause: str
    note_zh: str
    note_en: str
    reference: Decimal = Decimal(0)
    per_unit: dict[int, Decimal] = field(default_factory=dict)
    input_unit: str = ""
    pressure_input: str = ""
    above_m: Decimal = Decimal(0)
    a: Decimal = Decimal(0)
    b: Decimal = Decimal(0)
    p0_pa: Decimal = Decimal(0)
    grades: tuple[int, ...] = GRADES
    coefficients: tuple[Coefficient, ...] = ()
    requires_input: str = ""
    requires_min: Decimal = Decimal(0)
    points: tuple[tuple[Decimal, Decimal], ...] = ()
    bands: tuple[tuple[Decimal | None, Decimal], ...] = ()
    allowed: tuple[Decimal, ...] = ()
    minimum: Decimal | None = None
    after_multiply: bool = False


@dataclass(frozen=True)
class QuotaIndicator:
    """One indicator of a quota standard (能耗限额) with its grade limits (lower is better).

    Attributes
    ----------
    id, name_zh, name_en, product_zh : str
        Identifier and names.
    unit : str
        Unit of the indicator and of the limits (kgce/t, kWh/t …).
    grades : dict of int to Decimal
        Limit of grade 1, 2, 3 before corrections [``unit``]; grade 3 is the 限定值. A grade the
        standard leaves empty (“—”) is absent here and listed in ``missing_grades``.
    standard, edition, effective_from, clause, table, page, source, check_source, status : str
        Provenance of the row.
    corrections : tuple of Correction
        Corrections the standard prescribes for this indicator.
    missing_grades : tuple of int
        Grades the standard does not set for this indicator (该等级标准未规定).
    """

    id: str
    name_zh: str
    name_en: str
    product_zh: str
    unit: str
    grades: dict[int, Decimal]
    standard: str
    edition: str
    effective_from: str
    clause: str
    table: str
    page: str
    source: str
    check_source: str
    status: str
    corrections: tuple[Correction, ...] = ()
    missing_grades: tuple[int, ...] = ()


@dataclass(frozen=True)
class QuotaStandard:
    """A quota standard file as loaded."""

    standard: str
    title_zh: str
    title_en: str
    edition: str
    published: str
    effective_from: str
    source: str
    indicators: tuple[QuotaIndicator, ...]

    def indicator(self, indicator_id: str) -> QuotaIndicator:
        """The indicator ``indicator_id``; raises :class:`FactorError` if the file lacks it."""
        for item in self.indicators:
            if item.id == indicator_id:
                return item
        raise FactorError(f"{self.standard} 无指标 {indicator_id}", f"{self.standard} has no indicator {indicator_id}")


def _grade_map(raw: Any, where: str) -> dict[int, Decimal]:
    if not isinstance(raw, dict) or set(int(k) for k in raw) - set(GRADES):
        raise FactorError(f"等级取值无效：{raw!r}", f"invalid grade values {raw!r}", file=where)
    return {int(k): _decimal(v, where) for k, v in raw.items()}


def _quota_grades(raw: Any, where: str, indicator_id: str) -> tuple[dict[int, Decimal], tuple[int, ...]]:
    """The defined grade limits and the grades the standard leaves empty (``null`` in the file)."""
    if not isinstance(raw, dict) or {int(k) for k in raw} != set(GRADES):
        raise FactorError("须列出1、2、3级限额（标准未规定的等级写 null）",
                          "grades 1, 2 and 3 must be listed (null for a grade the standard does not set)",
                          file=where, field=indicator_id)
    missing = tuple(sorted(int(k) for k, v in raw.items() if v is None))
    grades = {int(k): _decimal(v, where) for k, v in raw.items() if v is not None}
    if 3 not in grades:
        raise FactorError("须有3级限额（限定值）", "grade 3 (the 限定值) is required", file=where, field=indicator_id)
    values = [grades[g] for g in GRADES if g in grades]
    if values != sorted(values):
        raise FactorError("等级限额须随等级递增", "limits must not decrease from grade 1 to 3", file=where,
                          field=indicator_id)
    return grades, missing


def _correction(raw: dict[str, Any], where: str) -> Correction:
    kind = raw.get("kind")
    cid, cinput, clause = str(raw["id"]), str(raw["input"]), str(raw["clause"])
    zh, en = str(raw.get("note_zh", "")), str(raw.get("note_en", ""))
    if kind == "linear":
        req = raw.get("requires") or {}
        return Correction("linear", cid, cinput, clause, zh, en, reference=_decimal(raw["reference"], where),
                          per_unit=_grade_map(raw["per_unit"], where), input_unit=str(raw.get("input_unit", "")),
                          requires_input=str(req.get("input", "")),
                          requires_min=_decimal(req.get("min", "0"), where),
                          after_multiply=bool(raw.get("after_multiply", False)))
    if kind == "altitude":
        return Correction("altitude", cid, cinput, clause, zh, en, pressure_input=str(raw["pressure_input"]),
                          above_m=_decimal(raw["above_m"], where), a=_decimal(raw["a"], where),
                          b=_decimal(raw["b"], where), p0_pa=_decimal(raw["p0_pa"], where),
                          grades=tuple(int(g) for g in raw["grades"]))
    if kind == "multiply":
        coefs = tuple(Coefficient(str(c["input"]), str(c["meaning_zh"]), str(c["meaning_en"]))
                      for c in raw["coefficients"])
        if not coefs or cinput != ",".join(c.input for c in coefs):
            raise FactorError("乘法修正须列出系数，input 为系数名以逗号连接",
                              "a multiply correction lists its coefficients; input joins their names with commas",
                              file=where, field=cid)
        return Correction("multiply", cid, cinput, clause, zh, en, coefficients=coefs)
    if kind in ("interpolate", "steps"):
        return _table_correction(str(kind), raw, where)
    raise FactorError(f"未知修正类型：{kind!r}", f"unknown correction kind {kind!r}", file=where,
                      expected="linear | altitude | multiply | interpolate | steps")


def _table_correction(kind: str, raw: dict[str, Any], where: str) -> Correction:
    """An ``interpolate`` (points, x strictly rising) or ``steps`` (bands, upper bounds rising) correction."""
    cid, cinput, clause = str(raw["id"]), str(raw["input"]), str(raw["clause"])
    zh, en = str(raw.get("note_zh", "")), str(raw.get("note_en", ""))
    unit, grades = str(raw.get("input_unit", "")), tuple(int(g) for g in raw["grades"])
    if kind == "interpolate":
        points = tuple((_decimal(x, where), _decimal(y, where)) for x, y in raw["points"])
        xs = [x for x, _ in points]
        if len(points) < 2 or any(b <= a for a, b in pairwise(xs)):
            raise FactorError("插值修正须有至少两点且自变量严格递增",
                              "an interpolate correction needs at least two points with strictly rising x",
                              file=where, field=cid)
        return Correction(kind, cid, cinput, clause, zh, en, input_unit=unit, grades=grades, points=points)
    bands = tuple((None if up is None else _decimal(up, where), _decimal(add, where)) for up, add in raw["bands"])
    closed = [up for up, _ in bands[:-1] if up is not None]
    if not bands or bands[-1][0] is not None or len(closed) != len(bands) - 1 or any(
            b <= a for a, b in pairwise(closed)):
        raise FactorError("分段修正的上界须递增，且最后一段无上界（null）",
                          "the bands of a steps correction need rising upper bounds and an open (null) last band",
                          file=where, field=cid)
    allowed = tuple(_decimal(a, where) for a in raw.get("allowed", ()))
    minimum = None if raw.get("min") is None else _decimal(raw["min"], where)
    return Correction(kind, cid, cinput, clause, zh, en, input_unit=unit, grades=grades, bands=bands,
                      allowed=allowed, minimum=minimum)


def load_quota_standard(name: str | Path) -> QuotaStandard:
    """Load a quota standard file.

    Parameters
    ----------
    name : str or Path
        A file name in ``data/`` (``"gb21346-2022.yaml"``), a stem (``"gb21346-2022"``) or a path.

    Returns
    -------
    QuotaStandard

    Raises
    ------
    FactorError
        The file is missing, or a value, grade, status or correction is invalid.
    """
    path = Path(name)
    if not path.suffix:
        path = path.with_suffix(".yaml")
    if not path.is_absolute() and not path.exists():
        path = DATA_DIR / path.name
    if not path.exists():
        raise FactorError(f"找不到限额标准文件：{name}", f"no quota standard file {name}", file=str(name))
    return _load_quota(path)


@lru_cache(maxsize=32)
def _load_quota(path: Path) -> QuotaStandard:
    where = path.name
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    indicators: list[QuotaIndicator] = []
    for raw in doc["indicators"]:
        status = str(raw["status"])
        if status not in STATUSES:
            raise FactorError(f"状态无效：{status!r}", f"unknown status {status!r}", file=where, field=raw["id"],
                              expected=" | ".join(STATUSES))
        grades, missing = _quota_grades(raw["grades"], where, str(raw["id"]))
        indicators.append(QuotaIndicator(
            id=str(raw["id"]), name_zh=str(raw["name_zh"]), name_en=str(raw["name_en"]),
            product_zh=str(raw.get("product_zh", "")), unit=str(raw["unit"]), grades=grades,
            standard=str(doc["standard"]), edition=str(doc["edition"]), effective_from=str(doc["effective_from"]),
            clause=str(raw["clause"]), table=str(raw["table"]), page=str(raw.get("page", "")),
            source=" ".join(str(doc["source"]).split()), check_source=str(raw.get("check_source", "")),
            status=status, corrections=tuple(_correction(c, where) for c in raw.get("corrections", ())),
            missing_grades=missing,
        ))
    return QuotaStandard(
        standard=str(doc["standard"]), title_zh=str(doc["title_zh"]), title_en=str(doc["title_en"]),
        edition=str(doc["edition"]), published=str(doc["published"]), effective_from=str(doc["effective_from"]),
        source=" ".join(str(doc["source"]).split()), indicators=tuple(indicators),
    )


def quota_files() -> tuple[str, ...]:
    """Names of the quota standard files shipped in ``data/``."""
    return tuple(sorted(p.name for p in DATA_DIR.glob("*.yaml")))
