"""One declaration per entity: attribute, type, unit, default, description (after PyPSA's attribute tables).

Each entity is a table of :class:`Attribute` rows. The same rows drive every layer, so a field has
one name, one type, one unit and one meaning everywhere:

* the domain model (``zerocarbon.model.metering.MeterSpec``): defaults, bounds and descriptions
  come from :func:`model_field`; a test checks the annotations against :data:`KINDS`;
* the database (``zerocarbon.store.schema.meters``): the columns are built from :attr:`Attribute.db`;
* the API (``zerocarbon.api.schemas.MeterPublic``): :func:`api_field` gives the description; a test
  checks the types;
* the time-series kernel (``zerocarbon.timeseries.intervals.METER_SCHEMA``): the Arrow type of a
  column is :func:`arrow_type_name` of its kind;
* the docs (``docs/entities.md``): :func:`markdown_table` writes the table; a test keeps them equal.

One type per field, mapped the same way in every layer (:data:`KINDS`)::

    kind       model (Python)  database          API (JSON)           kernel (Arrow)
    text       str             String(n) / Text  string               string
    integer    int             Integer           integer              int64
    decimal    Decimal         Numeric(p, s)     number (as today)    float64
    float      float           Float             number               float64
    boolean    bool            Boolean           boolean              bool
    timestamp  datetime (tz)   BigInteger [s]    integer [s, UTC]     int64 [s, UTC]
    date       date            Date              string (ISO 8601)    date32

``decimal`` fields are exact from the file to the database; they become float64 only inside the
vectorised time-series kernel, whose results carry a documented tolerance (CONVENTIONS.md "Numbers").
``float`` fields (thresholds in the register's unit) are floats in every layer.

This module knows no storage library: the database layout is described with plain values and the
store maps them onto SQLAlchemy types.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final, Literal

from pydantic import Field

Kind = Literal["text", "integer", "decimal", "float", "boolean", "timestamp", "date"]


class _Required:
    """Marker of an attribute without a default (it must be given)."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Final = _Required()


@dataclass(frozen=True)
class KindTypes:
    """How one kind of attribute is typed in each layer (see the module docstring)."""

    model: type
    db: str
    api: type
    arrow: str


KINDS: dict[str, KindTypes] = {
    "text": KindTypes(str, "String", str, "string"),
    "integer": KindTypes(int, "Integer", int, "int64"),
    "decimal": KindTypes(Decimal, "Numeric", float, "float64"),
    "float": KindTypes(float, "Float", float, "float64"),
    "boolean": KindTypes(bool, "Boolean", bool, "bool"),
    "timestamp": KindTypes(datetime, "BigInteger", int, "int64"),
    "date": KindTypes(date, "Date", date, "date32"),
}


@dataclass(frozen=True)
class Db:
    """How an attribute is stored: column name and the size of its type.

    ``length`` None for a text column is an unbounded ``Text``; ``precision``/``scale`` are those of
    a ``Numeric``. Nullability and the server default follow from the attribute's default.
    """

    column: str
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    primary_key: bool = False
    foreign_key: str | None = None


@dataclass(frozen=True)
class Attribute:
    """One attribute of an entity, in every layer.

    Attributes
    ----------
    name : str
        The attribute's name (the database column's, unless ``db`` says otherwise).
    kind : Kind
        Its one type (see :data:`KINDS`).
    unit : str
        Unit of a number, ``""`` for none (``1`` for a ratio).
    default : object
        Default value, :data:`REQUIRED` when it must be given, ``None`` when it may be empty.
    en, zh : str
        Meaning, in English (also the model's and the API's description) and in Chinese.
    values : tuple of str
        The allowed values of an enumeration (``()``: any).
    gt : int, optional
        Strict lower bound of a number.
    min_length : int, optional
        Minimum length of a text.
    db : Db, optional
        The database column (None: not stored as such).
    spec : str, optional
        Path in the setup file / domain model (dots for nested: ``steam.pressure_mpa``); None when
        it is not set by the user.
    api : bool
        Whether the API answer shows it.
    arrow : str, optional
        Column of the time-series kernel's table (None: not in it).
    """

    name: str
    kind: Kind
    unit: str = ""
    default: object = REQUIRED
    en: str = ""
    zh: str = ""
    values: tuple[str, ...] = ()
    gt: int | None = None
    min_length: int | None = None
    db: Db | None = None
    spec: str | None = None
    api: bool = False
    arrow: str | None = None

    @property
    def required(self) -> bool:
        """It must be given (no default)."""
        return self.default is REQUIRED

    @property
    def nullable(self) -> bool:
        """It may be empty (its default is None)."""
        return self.default is None

    @property
    def server_default(self) -> str | None:
        """The database default, as SQL text (``"0"``/``"1"`` for booleans), from :attr:`default`."""
        if self.default is REQUIRED or self.default is None:
            return None
        if isinstance(self.default, bool):
            return "1" if self.default else "0"
        return str(self.default)

    @property
    def description(self) -> str:
        """Meaning with the unit in brackets (pvlib style): the model's and the API's description."""
        return f"{self.en} [{self.unit}]" if self.unit else self.en


@dataclass(frozen=True)
class Entity:
    """An entity's declaration: its attributes, in the database's column order."""

    name: str
    attributes: tuple[Attribute, ...]

    def __iter__(self) -> Iterator[Attribute]:
        return iter(self.attributes)

    def __getitem__(self, name: str) -> Attribute:
        for attribute in self.attributes:
            if attribute.name == name:
                return attribute
        raise KeyError(f"{self.name} has no attribute {name!r}")

    def by_spec(self, path: str) -> Attribute:
        """The attribute at ``path`` of the domain model (``steam.pressure_mpa`` …)."""
        for attribute in self.attributes:
            if attribute.spec == path:
                return attribute
        raise KeyError(f"{self.name} has no attribute at {path!r} of its model")

    def by_arrow(self, column: str) -> Attribute:
        """The attribute shown in the kernel's column ``column``."""
        for attribute in self.attributes:
            if attribute.arrow == column:
                return attribute
        raise KeyError(f"{self.name} has no attribute in kernel column {column!r}")


def _a(name: str, kind: Kind, **kw: Any) -> Attribute:
    return Attribute(name, kind, **kw)


#: The meter: a register that measures one carrier, and what it feeds.
METER = Entity("meter", (
    _a("id", "integer", en="store id of the meter (assigned by the store)", zh="表计在库中的编号（由库分配）",
       db=Db("id", primary_key=True), api=True, arrow="meter_id"),
    _a("factory_id", "text", en="the factory it belongs to", zh="所属企业", db=Db("factory_id", 64,
                                                                                     foreign_key="factories.id")),
    _a("node_id", "integer", default=None, en="store id of the node it measures", zh="所计量节点在库中的编号",
       db=Db("node_id", foreign_key="nodes.id"), arrow="node_id"),
    _a("node", "text", default=None, en="code of the node it measures", zh="所计量节点的编号",
       spec="node", api=True, arrow="node_code"),
    _a("code", "text", min_length=1, en="the meter code used in files, REST and MQTT; unique in the factory",
       zh="表计编号（文件、REST、MQTT 中使用），企业内唯一", db=Db("code", 64), spec="code", api=True, arrow="code"),
    _a("name", "text", default="", en="name", zh="名称", db=Db("name", 200), spec="name", api=True),
    _a("carrier", "text", en="energy carrier: electricity, natural_gas, steam, heat, diesel, lpg, water, pv …",
       zh="能源品种", db=Db("carrier", 32), spec="carrier", api=True, arrow="carrier"),
    _a("unit", "text", en="unit of the register, e.g. kWh, Nm3, t, GJ, kW", zh="表计读数的单位",
       db=Db("unit", 32), spec="unit", api=True, arrow="unit"),
    _a("register_kind", "text", values=("cumulative", "interval", "instantaneous"),
       en="cumulative counter, value per interval, or instantaneous", zh="读数类型：累计值、区间值或瞬时值",
       db=Db("register_kind", 16), spec="register_kind", api=True, arrow="register_kind"),
    _a("multiplier", "decimal", unit="1", default=Decimal(1), gt=0, en="CT/PT ratio or pulse weight",
       zh="倍率（互感器变比或脉冲当量）", db=Db("multiplier", precision=18, scale=6), spec="multiplier", api=True,
       arrow="multiplier"),
    _a("interval_seconds", "integer", unit="s", default=900, gt=0, en="reading interval", zh="读数间隔",
       db=Db("interval_seconds"), spec="interval_seconds", api=True, arrow="interval_seconds"),
    _a("timezone", "text", default="Asia/Shanghai", en="IANA time zone of the meter's naive dates",
       zh="表计无时区时间所用的时区", db=Db("timezone", 64), spec="timezone", api=True),
    _a("category", "text", default=None, values=("fuel_combustion", "electricity_purchased", "electricity_exported",
                                                 "heat_purchased", "heat_exported", "onsite_renewable", "…"),
       en="the emission category it feeds", zh="所对应的排放类别", db=Db("category", 32), spec="category",
       api=True, arrow="category"),
    _a("item", "text", default=None, en="fuel measured (天然气 …) for fuel meters", zh="燃料表计所计量的燃料品种",
       db=Db("item", 64), spec="item", api=True, arrow="item"),
    _a("cost_centre", "text", default=None, en="cost centre", zh="成本中心", db=Db("cost_centre", 64),
       spec="cost_centre", api=True, arrow="cost_centre"),
    _a("electricity_kind", "text", default=None, values=("grid", "green_power"),
       en="how purchased electricity was bought", zh="购入电力的类型（电网购电或绿电交易）",
       db=Db("electricity_kind", 16), spec="electricity_kind", api=True, arrow="electricity_kind"),
    _a("commissioned_at", "timestamp", default=None, en="commissioning time; readings before it are rejected",
       zh="投运时间，之前的读数被拒收", db=Db("commissioned_at"), spec="commissioned_at"),
    _a("valid_from", "timestamp", default=None, en="start of validity; readings before it are rejected "
                                                   "(the kernel takes the later of this and commissioned_at)",
       zh="有效期开始", db=Db("valid_from"), spec="valid_from", arrow="valid_from"),
    _a("valid_to", "timestamp", default=None, en="end of validity (excluded); readings from it on are rejected",
       zh="有效期结束（不含）", db=Db("valid_to"), spec="valid_to", arrow="valid_to"),
    _a("rollover_at", "float", unit="register unit", default=None, gt=0,
       en="counter wraps to 0 at this value", zh="累计表计数器归零的数值", db=Db("rollover_at"),
       spec="rollover_at", arrow="rollover_at"),
    _a("spike_limit", "float", unit="register unit per interval", default=None, gt=0,
       en="flag consumption per interval above this", zh="单个区间用量超过此值即标记", db=Db("spike_limit"),
       spec="spike_limit", arrow="spike_limit"),
    _a("virtual_formula", "text", default=None, en="e.g. 'M01 - M02' or 'sum(children)': a computed meter",
       zh="虚拟表计的计算公式", db=Db("virtual_formula"), spec="virtual_formula", api=True,
       arrow="virtual_formula"),
    _a("is_virtual", "boolean", default=False, en="computed from other meters (has a virtual_formula)",
       zh="是否为虚拟表计", db=Db("is_virtual"), api=True, arrow="is_virtual"),
    _a("steam_pressure_mpa", "decimal", unit="MPa", default=None, gt=0, en="pressure of the steam measured",
       zh="蒸汽压力", db=Db("steam_pressure_mpa", precision=10, scale=4), spec="steam.pressure_mpa",
       arrow="steam_pressure_mpa"),
    _a("steam_temperature_c", "decimal", unit="°C", default=None, en="temperature of the steam; empty for "
                                                                      "saturated steam",
       zh="蒸汽温度，饱和蒸汽留空", db=Db("steam_temperature_c", precision=10, scale=2), spec="steam.temperature_c",
       arrow="steam_temperature_c"),
    _a("steam_gauge", "boolean", default=False, en="the steam pressure is gauge (表压) rather than absolute",
       zh="蒸汽压力为表压", db=Db("steam_gauge"), spec="steam.gauge", arrow="steam_gauge"),
    # The meter register (能源计量器具一览表: GB 17167-2006《用能单位能源计量器具配备和管理通则》 asks a
    # user of energy to keep one with each meter's model, accuracy class, serial number and its verification
    # (检定/校准) records; clause not checked here). For people and verifiers, not the kernel.
    _a("model", "text", default=None, en="model (type designation) of the instrument", zh="型号",
       db=Db("model", 64), spec="model", api=True),
    _a("serial_no", "text", default=None, en="manufacturer's serial number", zh="出厂编号",
       db=Db("serial_no", 64), spec="serial_no", api=True),
    _a("accuracy_class", "text", default=None, en="accuracy class as marked on the instrument (0.5S, 1.0, 2 …)",
       zh="准确度等级", db=Db("accuracy_class", 16), spec="accuracy_class", api=True),
    _a("calibrated_on", "date", default=None, en="date of the last verification or calibration",
       zh="最近检定/校准日期", db=Db("calibrated_on"), spec="calibrated_on", api=True),
    _a("calibration_due", "date", default=None, en="date the next verification or calibration is due",
       zh="下次检定/校准日期", db=Db("calibration_due"), spec="calibration_due", api=True),
    _a("calibration_certificate", "text", default=None, en="number of the last verification or calibration "
                                                          "certificate", zh="检定/校准证书编号",
       db=Db("calibration_certificate", 64), spec="calibration_certificate", api=True),
))

#: The attributes of the meter register: shown in the report's register, not used by the kernel.
METER_REGISTER = ("model", "serial_no", "accuracy_class", "calibrated_on", "calibration_due",
                  "calibration_certificate")

#: The unique key of a meter in the store: its code within its factory.
METER_UNIQUE = ("factory_id", "code")

ENTITIES: tuple[Entity, ...] = (METER,)


# ----------------------------------------------------------------------------------- layer helpers
def model_field(entity: Entity, name: str) -> Any:
    """The pydantic ``Field`` of attribute ``name`` (by its model path): default, bounds, description.

    The annotation stays written in the model (for type checkers); a test checks it against the
    attribute's kind.
    """
    attribute = entity.by_spec(name)
    kw: dict[str, Any] = {"description": attribute.description}
    if attribute.gt is not None:
        kw["gt"] = attribute.gt
    if attribute.min_length is not None:
        kw["min_length"] = attribute.min_length
    if attribute.required:
        return Field(**kw)
    return Field(attribute.default, **kw)


def api_field(entity: Entity, name: str) -> Any:
    """The pydantic ``Field`` of attribute ``name`` in an API answer: always present, with its description."""
    attribute = entity[name]
    return Field(description=attribute.description)


def arrow_type_name(entity: Entity, column: str) -> str:
    """The Arrow type (``pyarrow.type_for_alias`` name) of the kernel's column ``column``."""
    return KINDS[entity.by_arrow(column).kind].arrow


# ------------------------------------------------------------------------------------------- docs
def _default_text(attribute: Attribute) -> str:
    if attribute.db is not None and attribute.db.primary_key:
        return "assigned"
    if attribute.required:
        return "required"
    if attribute.default is None:
        return "none"
    if isinstance(attribute.default, bool):
        return f"`{str(attribute.default).lower()}`"
    return f'`{attribute.default}`' if attribute.default != "" else '`""`'


def _db_text(db: Db | None, kind: Kind) -> str:
    if db is None:
        return ""
    if kind == "text":
        kind_db = f"String({db.length})" if db.length is not None else "Text"
    elif kind == "decimal":
        kind_db = f"Numeric({db.precision}, {db.scale})"
    else:
        kind_db = KINDS[kind].db
    extra = " PK" if db.primary_key else (f" → {db.foreign_key}" if db.foreign_key else "")
    return f"`{db.column}` {kind_db}{extra}"


def markdown_table(entity: Entity) -> str:
    """The entity's declaration as a Markdown table (``docs/entities.md`` holds it verbatim)."""
    head = ("| attribute | type | unit | default | setup file | API | kernel (Arrow) | database | meaning | 含义 |\n"
            "|---|---|---|---|---|---|---|---|---|---|\n")
    rows = []
    for a in entity:
        meaning = a.en + (" (values: " + ", ".join(f"`{v}`" if v != "…" else v for v in a.values) + ")"
                          if a.values else "")
        arrow = f"`{a.arrow}` {KINDS[a.kind].arrow}" if a.arrow else ""
        rows.append(f"| `{a.name}` | {a.kind} | {a.unit} | {_default_text(a)} | "
                    f"{'`' + a.spec + '`' if a.spec else ''} | {'yes' if a.api else ''} | {arrow} | "
                    f"{_db_text(a.db, a.kind)} | {meaning.replace('|', '&#124;')} | {a.zh} |")
    return head + "\n".join(rows) + "\n"
