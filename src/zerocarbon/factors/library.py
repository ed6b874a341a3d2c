"""The factor library: versioned CSV tables with provenance on every row, and one lookup rule.

Lookup rule (documented in ``docs/factor-library.md`` and applied by :meth:`FactorLibrary.lookup`)
-------------------------------------------------------------------------------------------------
1. Candidates are the rows of the requested ``item``, ``parameter`` and ``variant`` whose validity
   period (``valid_from``/``valid_to``) contains the requested date, if one is given, and that are
   valid for the requested data year (:meth:`FactorRow.valid_for_year`): a row stated for one data
   year is that year's factor (its ``valid_from`` is the publication date, which may come after the
   data year); a row valid for every year (``data_year`` ``*``) is usable for data year Y only when
   its period [valid_from, valid_to] overlaps the calendar year Y (a document in force on some day
   of Y). A row outside its validity is never taken silently: when it is the only match the lookup
   raises :class:`FactorError` naming the row and the year, unless the policy accepts it
   (``allow_outside_validity``), and then the fallback is recorded.
2. Region: the requested region first, then each parent in ``regions.csv`` (province → grid region
   → ``CN``), then ``*``. Every step past the requested region is recorded as a fallback.
3. Data year: the requested year first, then rows valid for every year (``*``). A row of another
   year is never taken unless the policy allows the latest earlier year, and then it is recorded.
4. Among the rows that remain at the first step that has any, the one marked ``preferred``; when the
   preferred row is not valid for the data year, the best of the valid rows by status (verified,
   single-source, unverified, conflict, assumption), recorded as a fallback.
5. Nothing found raises :class:`FactorError`: nothing is silently defaulted.

A measured value (实测值) given by the user replaces the library row and is recorded with its
evidence (:meth:`FactorValue.measured`).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from zerocarbon.errors import FactorError, ZerocarbonError
from zerocarbon.units import parse_unit

FACTOR_FILES = (
    "fuels.csv", "electricity.csv", "heat.csv", "carbonates.csv", "gwp.csv", "gbt2589.csv",
    "defaults_pre2025.csv",  # defaults for data years before 2025-03-01 (docs/method-regimes.md)
    "fuels_raw_coal.csv", "combustion_nonco2.csv",  # raw coal; CH4/N2O of combustion (IPCC 2006 Vol. 2)
)
FACTOR_COLUMNS = (
    "factor_id", "item", "parameter", "variant", "gas", "value", "unit", "region", "data_year",
    "valid_from", "valid_to", "source_document", "edition", "clause", "status", "preferred",
    "uncertainty_pct", "note",
)
STATUSES = ("verified", "single-source", "unverified", "conflict", "assumption")
ANY = "*"


@dataclass(frozen=True)
class FactorRow:
    """One row of a factor table, exactly as shipped, with its provenance."""

    factor_id: str
    item: str
    parameter: str
    variant: str
    gas: str
    value: Decimal
    unit: str
    region: str
    data_year: int | None
    valid_from: date | None
    valid_to: date | None
    source_document: str
    edition: str
    clause: str
    status: str
    preferred: bool
    uncertainty_pct: Decimal | None
    note: str
    file: str

    def citation(self) -> str:
        """Source, edition and clause in one line, as printed in reports."""
        parts = [self.source_document]
        if self.edition and self.edition not in self.source_document:
            parts.append(f"({self.edition})")
        if self.clause:
            parts.append(self.clause)
        return " ".join(parts)

    def valid_for_year(self, data_year: int | None) -> bool:
        """Whether the row may serve data year ``data_year`` (see the lookup rule, step 1)."""
        if data_year is None or self.data_year is not None:
            return True
        if self.valid_from and self.valid_from > date(data_year, 12, 31):
            return False
        return not (self.valid_to and self.valid_to < date(data_year, 1, 1))

    def validity(self) -> str:
        """The validity period as printed in listings: ``2025-03-01 … `` (open end), ``… 2025-02-28``."""
        if not self.valid_from and not self.valid_to:
            return "*"
        start = self.valid_from.isoformat() if self.valid_from else ""
        end = self.valid_to.isoformat() if self.valid_to else ""
        return f"{start} … {end}".strip()

    def valid_on(self, day: date | None) -> bool:
        if day is None:
            return True
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_to and day > self.valid_to)


@dataclass(frozen=True)
class FactorValue:
    """A factor as used in a calculation: its value and where it came from."""

    item: str
    parameter: str
    value: Decimal
    unit: str
    origin: str  # "default" (library row) or "measured" (实测值 supplied by the user)
    row: FactorRow | None = None
    evidence: str | None = None
    fallback: str | None = None

    @classmethod
    def measured(cls, item: str, parameter: str, value: Decimal, unit: str, evidence: str) -> FactorValue:
        """A user's measured value (实测值), which overrides the default and records its evidence."""
        parse_unit(unit)
        return cls(item=item, parameter=parameter, value=value, unit=unit, origin="measured",
                   evidence=evidence)

    @property
    def key(self) -> str:
        """Identity of the value for correlation in Monte Carlo: the row id or the measurement."""
        if self.row is not None:
            return self.row.factor_id
        return f"measured:{self.item}:{self.parameter}:{self.value}:{self.evidence}"

    def to_trace(self) -> dict[str, str | None]:
        row = self.row
        return {
            "item": self.item,
            "parameter": self.parameter,
            "value": str(self.value),
            "unit": self.unit,
            "origin": self.origin,
            "factor_id": row.factor_id if row else None,
            "source": row.citation() if row else None,
            "source_document": row.source_document if row else None,
            "edition": row.edition if row else None,
            "clause": row.clause if row else None,
            "data_year": (str(row.data_year) if row.data_year else ANY) if row else None,
            "region": row.region if row else None,
            "status": row.status if row else "measured",
            "evidence": self.evidence,
            "fallback": self.fallback,
            "note": row.note if row else None,
        }


@dataclass(frozen=True)
class Item:
    """An entry of ``items.csv``: what a factor can belong to."""

    item: str
    kind: str
    name_zh: str
    name_en: str
    state: str
    default_unit: str
    biomass: bool
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Region:
    region: str
    name_zh: str
    name_en: str
    level: str
    parent: str


@dataclass(frozen=True)
class QualityTier:
    """A stated data-quality tier and the uncertainty (95 % half-width) it implies."""

    tier: str
    applies_to: str  # "activity" or "factor"
    name_zh: str
    name_en: str
    uncertainty_pct: Decimal
    basis: str
    status: str
    note: str


@dataclass(frozen=True)
class FallbackPolicy:
    """How far a lookup may move away from the requested region and data year."""

    region_fallback: bool = True
    allow_earlier_year: bool = False
    #: take a row outside its validity period when nothing valid exists (recorded as a fallback)
    allow_outside_validity: bool = False


def _parse_decimal(text: str, where: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation as exc:
        raise FactorError(f"因子表数值无效：{where} “{text}”", f"bad number in factor table: {where} '{text}'") from exc
    if not value.is_finite():
        raise FactorError(f"因子表数值无效：{where}", f"non-finite number in factor table: {where}")
    return value


def _parse_date(text: str) -> date | None:
    return date.fromisoformat(text) if text.strip() else None


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class FactorLibrary:
    """All factor tables, the item catalogue and the region tree, with one lookup rule."""

    def __init__(self, rows: list[FactorRow], items: list[Item], regions: list[Region], version: str,
                 quality: list[QualityTier] | None = None) -> None:
        self.rows = rows
        self.quality = {(q.applies_to, q.tier): q for q in quality or []}
        self.items = {i.item: i for i in items}
        self.regions = {r.region: r for r in regions}
        self.version = version
        self._by_key: dict[tuple[str, str, str], list[FactorRow]] = defaultdict(list)
        for row in rows:
            self._by_key[(row.item, row.parameter, row.variant)].append(row)
        self._aliases: dict[str, str] = {}
        self._lookups: dict[tuple[Any, ...], FactorValue] = {}  # answers of lookup(), by its arguments
        for item in items:
            for name in (item.item, item.name_zh, item.name_en, *item.aliases):
                if name:
                    self._aliases[name.strip().lower()] = item.item
        self._check()

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, directory: Path | None = None) -> FactorLibrary:
        """Read and validate every table; a bad row raises :class:`FactorError` naming file and row."""
        base = Path(directory) if directory else Path(str(resources.files("zerocarbon.factors") / "data"))
        items = [
            Item(r["item"], r["kind"], r["name_zh"], r["name_en"], r.get("state", ""), r.get("default_unit", ""),
                 r.get("biomass", "false").strip().lower() == "true",
                 tuple(a.strip() for a in r.get("aliases", "").split("|") if a.strip()))
            for r in _read_csv(base / "items.csv")
        ]
        regions = [Region(r["region"], r["name_zh"], r["name_en"], r["level"], r.get("parent", "") or "")
                   for r in _read_csv(base / "regions.csv")]
        rows: list[FactorRow] = []
        for name in FACTOR_FILES:
            path = base / name
            if not path.exists():
                continue
            for line_no, raw in enumerate(_read_csv(path), start=2):
                rows.append(cls._row(raw, name, line_no))
        quality = [
            QualityTier(r["tier"], r["applies_to"], r["name_zh"], r["name_en"],
                        _parse_decimal(r["uncertainty_pct"], f"data_quality.csv {r['tier']}"), r["basis"],
                        r["status"], r["note"])
            for r in _read_csv(base / "data_quality.csv")
        ] if (base / "data_quality.csv").exists() else []
        version_file = base / "VERSION"
        version = version_file.read_text(encoding="utf-8").strip() if version_file.exists() else "unversioned"
        return cls(rows, items, regions, version, quality)

    @staticmethod
    def _row(raw: dict[str, str], file: str, line_no: int) -> FactorRow:
        where = f"{file} 第{line_no}行"
        missing = [c for c in FACTOR_COLUMNS if c not in raw]
        if missing:
            raise FactorError(f"因子表缺少列 {missing}：{file}", f"factor table {file} lacks columns {missing}")
        try:
            unit = raw["unit"].strip()
            parse_unit(unit)
            status = raw["status"].strip()
            if status not in STATUSES:
                raise FactorError(f"状态无效 “{status}”", f"bad status '{status}'", expected="|".join(STATUSES))
            if not raw["source_document"].strip():
                raise FactorError("因子缺少来源文件", "factor row has no source document")
            year = raw["data_year"].strip()
            unc = raw["uncertainty_pct"].strip()
            return FactorRow(
                factor_id=raw["factor_id"].strip(), item=raw["item"].strip(), parameter=raw["parameter"].strip(),
                variant=raw["variant"].strip(), gas=raw["gas"].strip(),
                value=_parse_decimal(raw["value"], where), unit=unit, region=raw["region"].strip() or ANY,
                data_year=None if year in ("", ANY) else int(year),
                valid_from=_parse_date(raw["valid_from"]), valid_to=_parse_date(raw["valid_to"]),
                source_document=raw["source_document"].strip(), edition=raw["edition"].strip(),
                clause=raw["clause"].strip(), status=status,
                preferred=raw["preferred"].strip().lower() == "true",
                uncertainty_pct=_parse_decimal(unc, where) if unc else None, note=raw["note"].strip(), file=file,
            )
        except ZerocarbonError as exc:
            raise FactorError(exc.message_zh, exc.message_en, file=file, row=line_no,
                              expected=exc.expected) from exc
        except ValueError as exc:
            raise FactorError(f"因子表格式错误：{exc}", f"malformed factor row: {exc}", file=file, row=line_no) from exc

    def _check(self) -> None:
        seen: set[str] = set()
        groups: dict[tuple[str, str, str, str, int | None], list[FactorRow]] = defaultdict(list)
        for row in self.rows:
            if row.factor_id in seen:
                raise FactorError(f"因子编号重复：{row.factor_id}", f"duplicate factor_id {row.factor_id}",
                                  file=row.file)
            seen.add(row.factor_id)
            if row.item not in self.items:
                raise FactorError(f"未登记的项目 “{row.item}”", f"item '{row.item}' is not in items.csv",
                                  file=row.file, field="item")
            if row.region != ANY and row.region not in self.regions:
                raise FactorError(f"未登记的地区 “{row.region}”", f"region '{row.region}' is not in regions.csv",
                                  file=row.file, field="region")
            groups[(row.item, row.parameter, row.variant, row.region, row.data_year)].append(row)
        for key, group in groups.items():
            preferred = [r for r in group if r.preferred]
            if len(preferred) != 1:
                raise FactorError(f"因子组 {key} 须恰有一个首选行（现有 {len(preferred)} 个）",
                                  f"factor group {key} must have exactly one preferred row, has {len(preferred)}",
                                  file=group[0].file)

    # ------------------------------------------------------------------ lookups
    def resolve_item(self, name: str) -> str:
        """The item id for a name or alias a user wrote (天然气, natural gas, NG …)."""
        found = self._aliases.get(name.strip().lower())
        if found is None:
            raise FactorError(f"未知的项目 “{name}”", f"unknown item '{name}'",
                              expected="an item listed by `zerocarbon factors list`",
                              details={"reason": "unknown_item"})
        return found

    def item(self, item_id: str) -> Item:
        return self.items[self.resolve_item(item_id)]

    def region_chain(self, region: str) -> list[str]:
        """The region, its parents up to ``CN``, then ``*``."""
        if region == ANY:
            return [ANY]
        if region not in self.regions:
            raise FactorError(f"未知的地区 “{region}”", f"unknown region '{region}'",
                              expected="a province, a grid region (华东 …) or CN", details={"reason": "unknown_region"})
        chain: list[str] = []
        current: str | None = region
        while current and current not in chain:
            chain.append(current)
            current = self.regions[current].parent if current in self.regions else None
        if "CN" not in chain:
            chain.append("CN")
        chain.append(ANY)
        return chain

    def lookup(self, item: str, parameter: str, *, data_year: int | None = None, region: str = "CN",
               variant: str = "", on: date | None = None,
               policy: FallbackPolicy = FallbackPolicy()) -> FactorValue:
        """Find the factor for ``item``/``parameter`` by the documented rule (see module docstring).

        Raises
        ------
        FactorError
            When no row matches; its message says what was asked for.
        """
        key = (item, parameter, data_year, region, variant, on, policy)
        if key in self._lookups:  # rows never change after construction: the same question has the same answer
            return self._lookups[key]
        found = self._lookup(item, parameter, data_year=data_year, region=region, variant=variant, on=on, policy=policy)
        self._lookups[key] = found
        return found

    def _lookup(self, item: str, parameter: str, *, data_year: int | None, region: str, variant: str,
                on: date | None, policy: FallbackPolicy) -> FactorValue:
        item_id = self.resolve_item(item)
        on_date = [r for r in self._by_key.get((item_id, parameter, variant), []) if r.valid_on(on)]
        candidates = [r for r in on_date if r.valid_for_year(data_year)]
        outside = [r for r in on_date if not r.valid_for_year(data_year)]
        found = self._pick(item_id, parameter, candidates, region, data_year, policy)
        if found is not None:
            return found
        if outside:
            late = self._pick(item_id, parameter, outside, region, data_year, policy)
            if late is not None and late.row is not None:
                row = late.row
                if not policy.allow_outside_validity:
                    raise FactorError(
                        f"因子 {row.factor_id} 的有效期（{row.validity()}）不含数据年份 {data_year}；"
                        "请提供该年份适用的因子或实测值，或在设置中接受（allow_factor_outside_validity）",
                        f"factor {row.factor_id} is valid {row.validity()}, not for data year {data_year}; give a "
                        "factor valid for that year or a measured value, or accept it in the settings "
                        "(allow_factor_outside_validity)",
                        expected=f"a factor valid in {data_year}",
                        details={"reason": "outside_validity", "factor_id": row.factor_id,
                                 "data_year": data_year})
                note = f"outside validity: {row.factor_id} valid {row.validity()}, data year {data_year} (accepted)"
                return replace(late, fallback="; ".join(n for n in (late.fallback, note) if n))
        year_txt = data_year if data_year is not None else "*"
        what = f"{item_id}/{parameter}{'/' + variant if variant else ''}"
        raise FactorError(
            f"因子库中没有 {what}（数据年份 {year_txt}，地区 {region}）",
            f"no factor {what} for data year {year_txt}, region {region}",
            expected="a data year and region covered by the factor library (`zerocarbon factors list`)",
            details={"reason": "no_factor"},
        )

    def _pick(self, item_id: str, parameter: str, candidates: list[FactorRow], region: str,
              data_year: int | None, policy: FallbackPolicy) -> FactorValue | None:
        """Steps 2–4 of the lookup rule on ``candidates``; None when nothing matches."""
        regions = self.region_chain(region) if policy.region_fallback else [region, ANY]
        for step, reg in enumerate(regions):
            in_region = [r for r in candidates if r.region == reg]
            if not in_region:
                continue
            exact = [r for r in in_region if data_year is not None and r.data_year == data_year]
            any_year = [r for r in in_region if r.data_year is None]
            chosen, year_note = exact or any_year, None
            if not chosen and policy.allow_earlier_year and data_year is not None:
                earlier = sorted((r for r in in_region if r.data_year and r.data_year < data_year),
                                 key=lambda r: r.data_year or 0)
                if earlier:
                    latest = earlier[-1].data_year
                    chosen = [r for r in earlier if r.data_year == latest]
                    year_note = f"data year {data_year} → {latest}"
            if not chosen:
                continue
            notes = []
            preferred = [r for r in chosen if r.preferred]
            # A recorded alternative ("conflict", "assumption") never stands in for the preferred row.
            stand_ins = [r for r in chosen if r.status in ("verified", "single-source", "unverified")]
            if preferred:
                row = preferred[0]
            elif stand_ins:
                row = min(stand_ins, key=lambda r: STATUSES.index(r.status))
                group = [r for r in self._by_key.get((row.item, row.parameter, row.variant), [])
                         if r.preferred and r.region == row.region and r.data_year == row.data_year]
                if group:
                    notes.append(f"preferred {group[0].factor_id} not valid for data year {data_year} "
                                 f"→ {row.factor_id}")
            elif any(r.data_year is not None for r in chosen):
                row = chosen[0]  # year-specific rows are exactly one group (one preferred, checked on load)
            else:
                continue
            if step > 0 and reg != ANY:
                notes.append(f"region {region} → {reg}")
            if year_note:
                notes.append(year_note)
            return FactorValue(item=item_id, parameter=parameter, value=row.value, unit=row.unit,
                               origin="default", row=row, fallback="; ".join(notes) or None)
        return None

    def quality_tier(self, applies_to: str, tier: str) -> QualityTier:
        """The uncertainty a stated data-quality tier implies (``data_quality.csv``)."""
        try:
            return self.quality[(applies_to, tier)]
        except KeyError:
            known = sorted(t for a, t in self.quality if a == applies_to)
            raise FactorError(f"未知的数据质量等级 “{tier}”", f"unknown data-quality tier '{tier}'",
                              expected=" | ".join(known)) from None

    def find(self, factor_id: str) -> FactorRow:
        for row in self.rows:
            if row.factor_id == factor_id:
                return row
        raise FactorError(f"没有编号为 {factor_id} 的因子", f"no factor with id {factor_id}")

    def years(self, item: str, parameter: str) -> list[int]:
        """Data years with a row for ``item``/``parameter`` (for error messages and listings)."""
        item_id = self.resolve_item(item)
        return sorted({r.data_year for r in self.rows
                       if r.item == item_id and r.parameter == parameter and r.data_year})


@lru_cache(maxsize=1)
def default_library() -> FactorLibrary:
    """The library shipped with the package (loaded once)."""
    return FactorLibrary.load()
