"""The meter's one declaration (zerocarbon.model.entities.METER) agrees with every layer built on it.

Model, database, API, time-series kernel and docs each take the meter's attributes from the same
table; these tests fail when one layer drifts (a new field added in one place only, a type changed
in one layer, the docs not regenerated).
"""

from __future__ import annotations

import types
import typing
from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from pydantic import BaseModel
from pydantic_core import PydanticUndefined
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from zerocarbon.api.schemas import MeterPublic
from zerocarbon.model.entities import KINDS, METER, METER_REGISTER, REQUIRED, Attribute, markdown_table
from zerocarbon.model.inventory_input import SteamSpec
from zerocarbon.model.metering import MeterRow, MeterSpec
from zerocarbon.store import schema as s
from zerocarbon.timeseries.intervals import METER_SCHEMA

DOC = Path(__file__).resolve().parents[2] / "docs" / "entities.md"


def _base(annotation: Any) -> tuple[Any, bool]:
    """The type under ``X | None`` and whether None is allowed."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        assert len(rest) == 1
        return rest[0], True
    return annotation, False


def _matches(annotation: Any, expected: type) -> bool:
    if annotation is expected:
        return True
    if typing.get_origin(annotation) is typing.Literal:  # an enumeration of texts
        return expected is str and all(isinstance(v, str) for v in typing.get_args(annotation))
    return expected is str and isinstance(annotation, type) and issubclass(annotation, Enum) \
        and issubclass(annotation, str)


def _check_model(model: type[BaseModel], attribute: Attribute, field: str, expected: type, nullable: bool) -> None:
    hints = typing.get_type_hints(model)
    base, optional = _base(hints[field])
    assert _matches(base, expected), (model.__name__, field, hints[field], attribute.kind)
    assert optional == nullable, (model.__name__, field, "optional", optional)


# ------------------------------------------------------------------------------------------ model
def test_meter_spec_has_exactly_the_declared_attributes_with_their_types_and_defaults() -> None:
    declared = {a.spec: a for a in METER if a.spec is not None and "." not in a.spec}
    assert set(MeterSpec.model_fields) - {"steam"} == set(declared)
    for path, attribute in declared.items():
        info = MeterSpec.model_fields[path]
        _check_model(MeterSpec, attribute, path, KINDS[attribute.kind].model, attribute.nullable)
        assert info.description == attribute.description, path
        if attribute.default is REQUIRED:
            assert info.is_required(), path
        else:
            assert info.default == attribute.default and type(info.default) is type(attribute.default), path


def test_steam_attributes_are_those_of_the_steam_spec() -> None:
    declared = {a.spec.split(".", 1)[1]: a for a in METER if a.spec and a.spec.startswith("steam.")}
    assert set(declared) == set(SteamSpec.model_fields)
    for name, attribute in declared.items():
        # SteamSpec is required as a whole when given: its fields follow the model, the column is nullable
        expected_nullable = SteamSpec.model_fields[name].default is None
        _check_model(SteamSpec, attribute, name, KINDS[attribute.kind].model, expected_nullable)
        default = SteamSpec.model_fields[name].default
        assert default is PydanticUndefined or default == attribute.default, name


def test_bounds_are_enforced_by_the_model() -> None:
    base = {"code": "M", "carrier": "electricity", "unit": "kWh", "register_kind": "interval"}
    for attribute in METER:
        if attribute.gt is None or attribute.spec is None or "." in attribute.spec:
            continue
        with pytest.raises(ValueError, match=attribute.spec):
            MeterSpec.model_validate({**base, attribute.spec: 0})
    with pytest.raises(ValueError, match="code"):
        MeterSpec.model_validate({**base, "code": ""})


def test_kernel_row_has_the_stored_attributes() -> None:
    """MeterRow is the kernel's view of the stored meter (decimals as floats, times as epoch seconds)."""
    stored = {a.db.column for a in METER if a.db is not None}
    # the name and the register (model, calibration …) are for people, not the kernel
    assert {f.name for f in fields(MeterRow)} == stored - {"name", *METER_REGISTER}


# --------------------------------------------------------------------------------------- database
def _old_meters_table() -> Table:
    """The table as it was written by hand before the declaration (and as the migrations create it)."""
    metadata = MetaData()
    Table("factories", metadata, Column("id", String(64), primary_key=True))
    Table("nodes", metadata, Column("id", Integer, primary_key=True))
    return Table(
        "meters", metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("factory_id", String(64), ForeignKey("factories.id"), nullable=False),
        Column("node_id", Integer, ForeignKey("nodes.id"), nullable=True),
        Column("code", String(64), nullable=False),
        Column("name", String(200), nullable=False, server_default=""),
        Column("carrier", String(32), nullable=False),
        Column("unit", String(32), nullable=False),
        Column("register_kind", String(16), nullable=False),
        Column("multiplier", Numeric(18, 6), nullable=False, server_default="1"),
        Column("interval_seconds", Integer, nullable=False, server_default="900"),
        Column("timezone", String(64), nullable=False, server_default="Asia/Shanghai"),
        Column("category", String(32), nullable=True),
        Column("item", String(64), nullable=True),
        Column("cost_centre", String(64), nullable=True),
        Column("electricity_kind", String(16), nullable=True),
        Column("commissioned_at", BigInteger, nullable=True),
        Column("valid_from", BigInteger, nullable=True),
        Column("valid_to", BigInteger, nullable=True),
        Column("rollover_at", Float, nullable=True),
        Column("spike_limit", Float, nullable=True),
        Column("virtual_formula", Text, nullable=True),
        Column("is_virtual", Boolean, nullable=False, server_default="0"),
        Column("steam_pressure_mpa", Numeric(10, 4), nullable=True),
        Column("steam_temperature_c", Numeric(10, 2), nullable=True),
        Column("steam_gauge", Boolean, nullable=False, server_default="0"),
        # the meter register (migration 0009)
        Column("model", String(64), nullable=True),
        Column("serial_no", String(64), nullable=True),
        Column("accuracy_class", String(16), nullable=True),
        Column("calibrated_on", Date, nullable=True),
        Column("calibration_due", Date, nullable=True),
        Column("calibration_certificate", String(64), nullable=True),
        UniqueConstraint("factory_id", "code", name="uq_meters_factory_code"),
    )


def _describe(column: Column[Any]) -> tuple[Any, ...]:
    default = column.server_default.arg if column.server_default is not None else None  # type: ignore[attr-defined]
    return (column.name, repr(column.type), column.nullable, column.primary_key, column.autoincrement, default,
            sorted(fk.target_fullname for fk in column.foreign_keys))


def test_meters_table_is_the_declaration_and_unchanged() -> None:
    derived, old = s.meters, _old_meters_table()
    assert [_describe(c) for c in derived.columns] == [_describe(c) for c in old.columns]
    assert [c.name for c in derived.columns] == [a.db.column for a in METER if a.db is not None]
    assert {repr(sorted(c.name for c in u.columns)) for u in derived.constraints if isinstance(u, UniqueConstraint)} \
        == {repr(["code", "factory_id"])}
    for attribute in METER:
        if attribute.db is not None and not attribute.db.primary_key:
            column = derived.c[attribute.db.column]
            assert column.nullable == attribute.nullable, attribute.name
            assert type(column.type).__name__ == ("Text" if attribute.kind == "text" and attribute.db.length is None
                                                  else KINDS[attribute.kind].db), attribute.name


def test_meters_table_is_what_the_migrations_create(store_url: str) -> None:
    from zerocarbon.store.db import get_engine

    with get_engine(store_url).connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), s.metadata)
    assert [d for d in diffs if "'meters'" in repr(d) or "meters." in repr(d) or "uq_meters" in repr(d)] == []


# -------------------------------------------------------------------------------------------- API
def test_api_meter_shows_the_declared_attributes_with_their_wire_types() -> None:
    declared = {a.name: a for a in METER if a.api}
    assert set(MeterPublic.model_fields) == set(declared)
    for name, attribute in declared.items():
        info = MeterPublic.model_fields[name]
        nullable = attribute.nullable and not (attribute.db is not None and attribute.db.primary_key)
        _check_model(MeterPublic, attribute, name, KINDS[attribute.kind].api, nullable)
        assert info.is_required() and info.description == attribute.description, name


def test_api_keeps_decimals_as_json_numbers() -> None:
    """The wire format is unchanged: the multiplier (a decimal) is a JSON number, as before."""
    row = {"id": 1, "code": "M", "name": "", "node": None, "carrier": "electricity", "unit": "kWh",
           "register_kind": "interval", "multiplier": Decimal("1.5"), "interval_seconds": 900,
           "timezone": "Asia/Shanghai", "category": None, "item": None, "cost_centre": None,
           "electricity_kind": None, "is_virtual": False, "virtual_formula": None,
           **dict.fromkeys(METER_REGISTER)}
    assert '"multiplier":1.5' in MeterPublic(**row).model_dump_json()


# ----------------------------------------------------------------------------------------- kernel
def test_kernel_schema_types_come_from_the_declaration() -> None:
    assert pa.schema([
        ("meter_id", pa.int64()), ("code", pa.string()), ("carrier", pa.string()), ("unit", pa.string()),
        ("energy_unit", pa.string()), ("register_kind", pa.string()), ("multiplier", pa.float64()),
        ("interval_seconds", pa.int64()), ("valid_from", pa.int64()), ("valid_to", pa.int64()),
        ("rollover_at", pa.float64()), ("spike_limit", pa.float64()), ("category", pa.string()),
        ("item", pa.string()), ("cost_centre", pa.string()), ("electricity_kind", pa.string()),
        ("node_id", pa.int64()), ("node_code", pa.string()), ("virtual_formula", pa.string()),
        ("is_virtual", pa.bool_()), ("steam_pressure_mpa", pa.float64()), ("steam_temperature_c", pa.float64()),
        ("steam_gauge", pa.bool_()),
    ]) == METER_SCHEMA
    in_kernel = {a.arrow for a in METER if a.arrow is not None}
    assert in_kernel == set(METER_SCHEMA.names) - {"energy_unit"}
    for attribute in METER:
        if attribute.arrow is not None:
            assert METER_SCHEMA.field(attribute.arrow).type == pa.type_for_alias(KINDS[attribute.kind].arrow)


def test_one_type_per_kind_in_every_layer() -> None:
    assert KINDS["decimal"].model is Decimal and KINDS["timestamp"].model is datetime and KINDS["date"].model is date
    assert {k: (v.db, v.arrow) for k, v in KINDS.items()} == {
        "text": ("String", "string"), "integer": ("Integer", "int64"), "decimal": ("Numeric", "float64"),
        "float": ("Float", "float64"), "boolean": ("Boolean", "bool"), "timestamp": ("BigInteger", "int64"),
        "date": ("Date", "date32")}


# ------------------------------------------------------------------------------------------- docs
def test_docs_table_is_the_declaration() -> None:
    text = DOC.read_text(encoding="utf-8")
    begin, end = "<!-- BEGIN generated: meter -->\n", "<!-- END generated: meter -->"
    assert begin in text and end in text
    shown = text.split(begin, 1)[1].split(end, 1)[0]
    assert shown == markdown_table(METER), "docs/entities.md is out of date: regenerate it (see the page)"


def test_register_dates_round_trip_and_are_checked() -> None:
    """Register dates are ISO dates in the setup file and the API; a due date before the last calibration is refused."""
    base = {"code": "M", "carrier": "electricity", "unit": "kWh", "register_kind": "interval"}
    spec = MeterSpec.model_validate({**base, "accuracy_class": "0.5S", "calibrated_on": "2023-03-01",
                                     "calibration_due": "2025-03-01"})
    assert spec.calibrated_on == date(2023, 3, 1) and spec.accuracy_class == "0.5S"
    with pytest.raises(ValueError, match="calibration_due"):
        MeterSpec.model_validate({**base, "calibrated_on": "2023-03-01", "calibration_due": "2022-03-01"})
    row = {"id": 1, "code": "M", "name": "", "node": None, "carrier": "electricity", "unit": "kWh",
           "register_kind": "interval", "multiplier": 1, "interval_seconds": 900, "timezone": "Asia/Shanghai",
           "category": None, "item": None, "cost_centre": None, "electricity_kind": None, "is_virtual": False,
           "virtual_formula": None, **dict.fromkeys(METER_REGISTER), "calibration_due": date(2025, 3, 1)}
    assert '"calibration_due":"2025-03-01"' in MeterPublic(**row).model_dump_json()


def test_every_attribute_is_described_in_both_languages() -> None:
    for attribute in METER:
        assert attribute.en and attribute.zh, attribute.name
        assert attribute.db is not None or attribute.spec is not None or attribute.arrow is not None, attribute.name
