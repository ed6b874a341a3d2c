"""The factory's own declaration for the zero-carbon evaluation (what no meter or invoice shows):
green-factory status, compliance record, management body, supply-chain measures, disclosure carriers,
the centre functions it runs outside zerocarbon, automatic collection, CCUS and the utilisation rates.

A YAML or JSON file; every error located (file, field) in both languages.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from zerocarbon.errors import InputError, InputErrors

SUPPLY_CHAIN_MEASURES = {
    1: ("管理制度与供应商低碳准入", "management system and supplier low-carbon entry criteria"),
    2: ("供应链碳数据协同", "supply-chain carbon-data collaboration"),
    3: ("供应商能力建设", "supplier capacity building"),
    4: ("循环利用与循环包装", "recycling and circular packaging"),
    5: ("追溯信息系统", "information systems for tracking"),
    6: ("清洁物流", "clean logistics"),
}
CARRIERS = {
    "sustainability_report": ("可持续发展报告", "sustainability report"),
    "esg_report": ("ESG 报告", "ESG report"),
    "construction_report": ("零碳工厂建设报告", "zero-carbon factory construction report"),
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Evidenced(_Model):
    holds: bool
    evidence: str = ""

    @model_validator(mode="after")
    def _evidence(self) -> Evidenced:
        if self.holds and not self.evidence:
            raise ValueError("evidence: a fact declared as holding needs its evidence (document, number, date)")
        return self


class Collection(_Model):
    meters_automatic: int = Field(ge=0, description="meters read automatically (MQTT, REST, a reading system)")
    meters_required: int = Field(gt=0, description="meters that should be installed (GB 17167 配备要求)")
    evidence: str = ""

    @model_validator(mode="after")
    def _bounded(self) -> Collection:
        if self.meters_automatic > self.meters_required:
            raise ValueError("meters_automatic: more automatic meters than required meters")
        return self


class Rate(_Model):
    value: Decimal = Field(ge=0, le=1)
    evidence: str = Field(min_length=1)


class Declaration(_Model):
    schema_version: Literal[1] = 1
    factory: str = Field(min_length=1)
    year: int
    computing_facility: bool = False
    green_factory: Evidenced | None = None
    management_body: Evidenced | None = None
    compliance_3y: Evidenced | None = None
    supply_chain_measures: list[int] = Field(default_factory=list)
    disclosure: list[Literal["sustainability_report", "esg_report", "construction_report"]] = Field(
        default_factory=list
    )
    centre_functions: list[int] = Field(default_factory=list, description="functions run outside zerocarbon (1–13)")
    collection: Collection | None = None
    ccus_t: Decimal | None = Field(None, ge=0)
    main_products: list[str] = Field(default_factory=list, description="main product categories (ids)")
    solid_waste_utilisation: Rate | None = None
    waste_heat_utilisation: Rate | None = None
    water_reuse_rate: Rate | None = None

    @model_validator(mode="after")
    def _ranges(self) -> Declaration:
        bad = [m for m in self.supply_chain_measures if m not in SUPPLY_CHAIN_MEASURES]
        if bad or len(set(self.supply_chain_measures)) != len(self.supply_chain_measures):
            raise ValueError("supply_chain_measures: numbers 1–6, each once")
        if any(f < 1 or f > 13 for f in self.centre_functions):
            raise ValueError("centre_functions: numbers 1–13")
        return self


def load_declaration(path: str | Path) -> Declaration:
    """Read a declaration file (YAML or JSON); all its errors at once, located."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
        raw = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise InputError(
            f"无法读取评价声明文件：{exc}", f"cannot read the declaration file: {exc}", file=p.name
        ) from exc
    try:
        return Declaration.model_validate(raw)
    except ValidationError as exc:
        errors = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e["loc"])
            msg = str(e.get("ctx", {}).get("error", "")) or e["msg"]
            errors.append(
                InputError(
                    f"评价声明有误：{where}：{_zh(e['type'], msg)}",
                    f"declaration error: {where}: {msg}",
                    file=p.name,
                    field=where,
                )
            )
        if len(errors) == 1:
            raise errors[0] from exc
        raise InputErrors(
            f"评价声明文件有 {len(errors)} 处错误",
            f"the declaration file has {len(errors)} errors",
            file=p.name,
            problems=errors,
        ) from exc


def _zh(kind: str, msg: str) -> str:
    return {
        "missing": "缺少此项",
        "extra_forbidden": "不认识的字段",
        "bool_parsing": "应为 true 或 false",
        "bool_type": "应为 true 或 false",
        "int_parsing": "应为整数",
        "int_type": "应为整数",
        "decimal_parsing": "应为数字",
        "greater_than": "应大于 0",
        "greater_than_equal": "不能为负",
        "less_than_equal": "不能大于 1",
        "literal_error": "不是允许的取值",
        "string_too_short": "不能为空",
        "list_type": "应为列表",
    }.get(kind, msg)
