"""The metered factory: hierarchy (site → workshop → line), meters, meter events and products.

One declaration per entity; the store, the YAML import (``zerocarbon store load``) and the API use
these models. Times are timezone-aware; a naive time is read in the factory's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator, model_validator

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

    code: str = Field(min_length=1)
    name: str = ""
    node: str | None = Field(None, description="code of the node it measures")
    carrier: str = Field(description="electricity | natural_gas | steam | heat | diesel | lpg | water | pv …")
    unit: str = Field(description="unit of the register, e.g. kWh, Nm3, t, GJ, kW")
    register_kind: RegisterKind = Field(description="cumulative counter, value per interval, or instantaneous")
    multiplier: Dec = Field(Decimal(1), gt=0, description="CT/PT ratio or pulse weight [1]")
    interval_seconds: int = Field(900, gt=0, description="reading interval [s]")
    timezone: str = "Asia/Shanghai"
    category: Category | None = Field(None, description="the emission category it feeds")
    item: str | None = Field(None, description="fuel measured (天然气 …) for fuel meters")
    cost_centre: str | None = None
    electricity_kind: Literal["grid", "green_power"] | None = None
    commissioned_at: datetime | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    rollover_at: float | None = Field(None, gt=0, description="counter wraps to 0 at this value [register unit]")
    spike_limit: float | None = Field(None, gt=0, description="flag consumption per interval above this [unit]")
    virtual_formula: str | None = Field(None, description="e.g. 'M01 - M02' or 'sum(children)'")
    steam: SteamSpec | None = Field(None, description="state of the steam a steam meter measures (for its heat)")

    @model_validator(mode="after")
    def _checks(self) -> MeterSpec:
        if self.rollover_at is not None and self.register_kind != "cumulative":
            raise ValueError("rollover_at: only cumulative registers roll over")
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
    """A meter as stored (what validation and interval conversion need)."""

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
