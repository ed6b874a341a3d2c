"""The metered factory: hierarchy (site → workshop → line), meters, meter events and products.

One declaration per entity; the store, the YAML import (``zerocarbon store load``) and the API use
these models. Times are timezone-aware; a naive time is read in the factory's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from pydantic import Field, field_validator, model_validator

from zerocarbon.model.entities import METER, model_field
from zerocarbon.model.inventory_input import Category, Dec, Model, SteamSpec

RegisterKind = Literal["cumulative", "interval", "instantaneous"]


class NodeSpec(Model):
    """A place in the factory's hierarchy."""

    code: str = Field(min_length=1)
    kind: Literal["site", "workshop", "line", "facility"] = "facility"
    name_zh: str
    name_en: str = ""
    parent: str | None = Field(None, description="code of the parent node")
    cost_centre: str | None = None


class MeterSpec(Model):
    """A meter and what it feeds. Units of ``spike_limit`` and ``rollover_at`` are the register's."""

    # The setup-file view of zerocarbon.model.entities.METER (docs/entities.md): defaults, bounds, units
    # and descriptions come from the declaration; the annotations are checked against it by a test.

    code: str = model_field(METER, "code")
    name: str = model_field(METER, "name")
    node: str | None = model_field(METER, "node")
    carrier: str = model_field(METER, "carrier")
    unit: str = model_field(METER, "unit")
    register_kind: RegisterKind = model_field(METER, "register_kind")
    multiplier: Dec = model_field(METER, "multiplier")
    interval_seconds: int = model_field(METER, "interval_seconds")
    timezone: str = model_field(METER, "timezone")
    category: Category | None = model_field(METER, "category")
    item: str | None = model_field(METER, "item")
    cost_centre: str | None = model_field(METER, "cost_centre")
    electricity_kind: Literal["grid", "green_power"] | None = model_field(METER, "electricity_kind")
    commissioned_at: datetime | None = model_field(METER, "commissioned_at")
    valid_from: datetime | None = model_field(METER, "valid_from")
    valid_to: datetime | None = model_field(METER, "valid_to")
    rollover_at: float | None = model_field(METER, "rollover_at")
    spike_limit: float | None = model_field(METER, "spike_limit")
    virtual_formula: str | None = model_field(METER, "virtual_formula")
    model: str | None = model_field(METER, "model")
    serial_no: str | None = model_field(METER, "serial_no")
    accuracy_class: str | None = model_field(METER, "accuracy_class")
    calibrated_on: date | None = model_field(METER, "calibrated_on")
    calibration_due: date | None = model_field(METER, "calibration_due")
    calibration_certificate: str | None = model_field(METER, "calibration_certificate")
    steam: SteamSpec | None = Field(None, description="state of the steam a steam meter measures (for its heat)")

    @model_validator(mode="after")
    def _checks(self) -> MeterSpec:
        if self.rollover_at is not None and self.register_kind != "cumulative":
            raise ValueError("rollover_at: only cumulative registers roll over")
        if self.calibrated_on and self.calibration_due and self.calibration_due <= self.calibrated_on:
            raise ValueError("calibration_due: the next calibration must come after the last (calibrated_on)")
        return self


class MeterEventSpec(Model):
    """A replacement or reset of a cumulative meter, so intervals across it stay right."""

    meter: str
    ts: datetime
    kind: Literal["replacement", "reset"]
    old_final_value: float | None = Field(None, description="last reading of the old register [unit]")
    new_initial_value: float | None = Field(None, description="first reading of the new register [unit]")
    note: str = ""


class ProductSpec(Model):
    code: str
    name_zh: str
    name_en: str = ""
    unit: str


class ProductionSpec(Model):
    """Output of a product in a period (a month YYYY-MM or a year YYYY), in the product's unit."""

    product: str
    period: str
    amount: Dec = Field(ge=0, description="output [the product's unit]")

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        from zerocarbon.model.period import Period

        return str(Period.parse(value))


class FactoryRecord(Model):
    id: str = Field(min_length=1)
    name_zh: str
    name_en: str = ""
    province: str
    timezone: str = "Asia/Shanghai"


class FactorySetup(Model):
    """Everything the store needs to know about a factory before readings arrive."""

    factory: FactoryRecord
    nodes: list[NodeSpec] = Field(default_factory=list)
    meters: list[MeterSpec] = Field(default_factory=list)
    events: list[MeterEventSpec] = Field(default_factory=list)
    products: list[ProductSpec] = Field(default_factory=list)
    production: list[ProductionSpec] = Field(default_factory=list)

    @field_validator("nodes")
    @classmethod
    def _unique_nodes(cls, nodes: list[NodeSpec]) -> list[NodeSpec]:
        codes = [n.code for n in nodes]
        dup = {c for c in codes if codes.count(c) > 1}
        if dup:
            raise ValueError(f"node codes used twice: {sorted(dup)}")
        for n in nodes:
            if n.parent is not None and n.parent not in codes:
                raise ValueError(f"node {n.code}: parent {n.parent} is not declared")
        return nodes

    @model_validator(mode="after")
    def _references(self) -> FactorySetup:
        nodes = {n.code for n in self.nodes}
        codes = [m.code for m in self.meters]
        for n, meter in enumerate(self.meters, start=1):
            if codes.count(meter.code) > 1:
                raise ValueError(f"meters[{n}].code: meter code '{meter.code}' is used twice")
            if meter.node is not None and meter.node not in nodes:
                raise ValueError(f"meters[{n}].node: node '{meter.node}' is not declared")
        for n, ev in enumerate(self.events, start=1):
            if ev.meter not in codes:
                raise ValueError(f"events[{n}].meter: meter '{ev.meter}' is not declared")
        products = {p.code for p in self.products}
        for n, rec in enumerate(self.production, start=1):
            if rec.product not in products:
                raise ValueError(f"production[{n}].product: product '{rec.product}' is not declared")
        return self


@dataclass(frozen=True)
class MeterRow:
    """A meter as stored (what validation and interval conversion need).

    The kernel's view of :data:`zerocarbon.model.entities.METER`: the stored attributes under their
    column names, with decimals as floats (``multiplier``, ``steam_*``) since it feeds the vectorised
    time-series code, and times as epoch seconds [s, UTC]. A test keeps its fields equal to the
    declaration's columns.
    """

    id: int
    code: str
    factory_id: str
    node_id: int | None
    carrier: str
    unit: str
    register_kind: str
    multiplier: float
    interval_seconds: int
    timezone: str
    category: str | None
    item: str | None
    cost_centre: str | None
    electricity_kind: str | None
    commissioned_at: int | None
    valid_from: int | None
    valid_to: int | None
    rollover_at: float | None
    spike_limit: float | None
    virtual_formula: str | None
    is_virtual: bool
    steam_pressure_mpa: float | None = None
    steam_temperature_c: float | None = None
    steam_gauge: bool = False
