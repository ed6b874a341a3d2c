"""Zero-carbon factory criteria sets (零碳工厂评价指标) as versioned data.

The sets live in ``assessment/data/criteria_sets.yaml``: the national set after MIIT's July 2026 notice
(default; thresholds from a secondary report, labelled so), the zero-carbon park indicator system of
发改环资〔2025〕910号 as a companion, and the provincial and group sets as far as their texts are known.
Every set and criterion names its source and confidence; a threshold that is this project's choice says
so (confidence ``local``). Replacing a number is a change of the data file, not of code.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from zerocarbon.errors import InputError

Op = Literal["le", "ge", "lt", "gt", "eq", "holds", "report"]
Confidence = Literal["V", "S", "local"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Model):
    """A document a reader can find: its text (title, number, date, clause), a URL or repository path."""

    text: str = Field(min_length=1)
    text_en: str = ""
    url: str | None = None
    repo: str | None = Field(None, description="owner/repository:path of a public repository holding the text")
    confidence: Confidence

    def describe(self, lang: str) -> str:
        return self.text if lang == "zh" else (self.text_en or self.text)


class Condition(_Model):
    """A criterion applies only when another indicator satisfies this (e.g. electricity ≥ 5,000 MWh)."""

    indicator: str
    op: Literal["le", "ge", "lt", "gt", "eq"]
    value: Decimal | bool


class Criterion(_Model):
    id: str = Field(min_length=1)
    indicator: str = Field(min_length=1)
    op: Op
    threshold: Decimal | None = None
    unit: str = ""
    level: str
    group: str = ""
    source: str
    confidence: Confidence
    applies_if: tuple[Condition, ...] = ()
    note_zh: str = ""
    note_en: str = ""

    @model_validator(mode="after")
    def _threshold(self) -> Criterion:
        numeric = self.op in ("le", "ge", "lt", "gt", "eq")
        if numeric and self.threshold is None:
            raise ValueError(f"criterion {self.id}: op {self.op} needs a threshold")
        if not numeric and self.threshold is not None:
            raise ValueError(f"criterion {self.id}: op {self.op} takes no threshold")
        return self

    def note(self, lang: str) -> str:
        return self.note_zh if lang == "zh" else (self.note_en or self.note_zh)


class Level(_Model):
    id: str
    name_zh: str
    name_en: str
    includes: tuple[str, ...]

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


class CriteriaSet(_Model):
    id: str = Field(min_length=1)
    name_zh: str
    name_en: str
    confidence: Confidence
    default: bool = False
    sources: dict[str, Source]
    levels: tuple[Level, ...] = Field(min_length=1)
    criteria: tuple[Criterion, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> CriteriaSet:
        level_ids = {lv.id for lv in self.levels}
        for lv in self.levels:
            unknown = set(lv.includes) - {c.level for c in self.criteria}
            if unknown:
                raise ValueError(f"set {self.id}: level {lv.id} includes levels with no criteria: {sorted(unknown)}")
        seen: set[str] = set()
        for c in self.criteria:
            if c.id in seen:
                raise ValueError(f"set {self.id}: criterion id {c.id} is used twice")
            seen.add(c.id)
            if c.source not in self.sources:
                raise ValueError(f"set {self.id}: criterion {c.id} cites unknown source {c.source!r}")
            if c.op != "report" and c.level not in {i for lv in self.levels for i in lv.includes}:
                raise ValueError(
                    f"set {self.id}: criterion {c.id} is in level {c.level!r}, which no level "
                    f"includes (levels: {sorted(level_ids)})"
                )
        return self

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


class CriteriaFile(_Model):
    schema_version: Literal[1]
    version: str
    sets: tuple[CriteriaSet, ...]

    @model_validator(mode="after")
    def _one_default(self) -> CriteriaFile:
        ids = [s.id for s in self.sets]
        if len(ids) != len(set(ids)):
            raise ValueError("criteria set ids must be unique")
        if sum(s.default for s in self.sets) != 1:
            raise ValueError("exactly one criteria set must be the default")
        return self


def load_criteria(path: Path | None = None) -> CriteriaFile:
    """The criteria sets of ``path`` (default: the shipped ``criteria_sets.yaml``), validated."""
    if path is None:
        return _shipped()
    return _parse(Path(path).read_text(encoding="utf-8"), str(path))


@lru_cache(maxsize=1)
def _shipped() -> CriteriaFile:
    text = resources.files("zerocarbon.assessment").joinpath("data/criteria_sets.yaml").read_text(encoding="utf-8")
    return _parse(text, "criteria_sets.yaml")


def _parse(text: str, name: str) -> CriteriaFile:
    try:
        raw = yaml.safe_load(text)
        return CriteriaFile.model_validate(raw)
    except yaml.YAMLError as exc:
        raise InputError(
            f"评价指标集文件不是有效的 YAML：{exc}", f"the criteria file is not valid YAML: {exc}", file=name
        ) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(
            f"评价指标集文件有误：{where}：{first['msg']}",
            f"the criteria file is invalid: {where}: {first['msg']}",
            file=name,
            field=where,
        ) from exc


def criteria_set(set_id: str | None = None, path: Path | None = None) -> CriteriaSet:
    """One set by id (None: the default set)."""
    sets = load_criteria(path).sets
    for s in sets:
        if (set_id is None and s.default) or s.id == set_id:
            return s
    known = ", ".join(s.id for s in sets)
    raise InputError(
        f"没有评价指标集 {set_id!r}；可选：{known}", f"no criteria set {set_id!r}; known: {known}", field="criteria_set"
    )
