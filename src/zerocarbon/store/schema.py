"""The store's schema: one declaration of every table (SQLAlchemy Core), for SQLite and PostgreSQL.

Conventions
-----------
* Timestamps are integer seconds since the Unix epoch, UTC (``ts``). For interval registers ``ts`` is
  the start of the half-open interval [ts, ts + interval); for cumulative and instantaneous
  registers it is the reading time. Local time only appears at the edges (input and display).
* Readings are immutable once accepted. A correction is a new row with the same (meter, ts) and the
  next ``revision``; queries take the highest revision, the audit keeps all (table ``corrections``
  says who, when and why).
* Values of readings are floats in the meter's own unit, before the meter's multiplier (CT/PT ratio):
  the raw register. Bulk time-series use floats (CONVENTIONS.md "Numbers"); the multiplier and unit
  are applied when intervals are computed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from zerocarbon.energy.equipment import EQUIPMENT
from zerocarbon.model.entities import METER, METER_UNIQUE, Attribute

metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

#: Reading flags (bitmask in ``readings.flags``).
FLAG_SPIKE = 1          # beyond the meter's spike bound: kept, flagged
FLAG_ROLLOVER = 2       # a cumulative counter wrapped around before this reading
FLAG_REPLACEMENT = 4    # first reading after a meter replacement
FLAG_LATE = 8           # arrived after the interval's roll-ups were computed (back-filled)
FLAG_CORRECTION = 16    # a correction of an earlier revision

factories = Table(
    "factories", metadata,
    Column("id", String(64), primary_key=True),
    Column("name_zh", String(200), nullable=False),
    Column("name_en", String(200), nullable=False, server_default=""),
    Column("province", String(32), nullable=False),
    Column("timezone", String(64), nullable=False, server_default="Asia/Shanghai"),
    Column("created_at", BigInteger, nullable=False),
)

nodes = Table(
    "nodes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("factory_id", String(64), ForeignKey("factories.id"), nullable=False),
    Column("parent_id", Integer, ForeignKey("nodes.id"), nullable=True),
    Column("code", String(64), nullable=False),
    Column("kind", String(16), nullable=False),  # site | workshop | line | facility
    Column("name_zh", String(200), nullable=False),
    Column("name_en", String(200), nullable=False, server_default=""),
    Column("cost_centre", String(64), nullable=True),
    UniqueConstraint("factory_id", "code", name="uq_nodes_factory_code"),
)

def _column(attribute: Attribute) -> Column[Any]:
    """The column of a declared attribute (``zerocarbon.model.entities``): type, key, nullability, default."""
    db = attribute.db
    assert db is not None
    kind_type: Any
    if attribute.kind == "text":
        kind_type = String(db.length) if db.length is not None else Text
    elif attribute.kind == "decimal":
        kind_type = Numeric(db.precision, db.scale)
    else:
        kind_type = {"integer": Integer, "float": Float, "boolean": Boolean, "timestamp": BigInteger,
                     "date": Date}[attribute.kind]
    args: list[Any] = [ForeignKey(db.foreign_key)] if db.foreign_key else []
    if db.primary_key:
        return Column(db.column, kind_type, *args, primary_key=True, autoincrement=True)
    return Column(db.column, kind_type, *args, nullable=attribute.nullable, server_default=attribute.server_default)


#: One row per meter; the columns are the meter's declaration (``zerocarbon.model.entities.METER``,
#: listed in ``docs/entities.md``).
meters = Table(
    "meters", metadata,
    *(_column(a) for a in METER if a.db is not None),
    UniqueConstraint(*METER_UNIQUE, name="uq_meters_factory_code"),
)

meter_events = Table(
    "meter_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("meter_id", Integer, ForeignKey("meters.id"), nullable=False),
    Column("ts", BigInteger, nullable=False),
    Column("kind", String(16), nullable=False),  # replacement | reset
    Column("old_final_value", Float, nullable=True),
    Column("new_initial_value", Float, nullable=True),
    Column("note", Text, nullable=False, server_default=""),
    UniqueConstraint("meter_id", "ts", "kind", name="uq_meter_events_key"),
)

products = Table(
    "products", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("factory_id", String(64), ForeignKey("factories.id"), nullable=False),
    Column("code", String(64), nullable=False),
    Column("name_zh", String(200), nullable=False),
    Column("name_en", String(200), nullable=False, server_default=""),
    Column("unit", String(32), nullable=False),
    UniqueConstraint("factory_id", "code", name="uq_products_factory_code"),
)

production = Table(
    "production", metadata,
    Column("product_id", Integer, ForeignKey("products.id"), primary_key=True),
    Column("period_start", BigInteger, primary_key=True),
    Column("period_end", BigInteger, nullable=False),
    Column("amount", Numeric(24, 6), nullable=False),
    Column("batch_id", Integer, nullable=True),
)

readings = Table(
    "readings", metadata,
    Column("meter_id", Integer, primary_key=True, autoincrement=False),
    Column("ts", BigInteger, primary_key=True, autoincrement=False),
    Column("revision", SmallInteger, primary_key=True, autoincrement=False),
    Column("value", Float, nullable=False),
    Column("flags", Integer, nullable=False, server_default="0"),
    Column("batch_id", Integer, nullable=True),
    Column("received_at", BigInteger, nullable=False),
    Index("ix_readings_batch", "batch_id"),
    sqlite_with_rowid=False,
)

corrections = Table(
    "corrections", metadata,
    Column("meter_id", Integer, primary_key=True, autoincrement=False),
    Column("ts", BigInteger, primary_key=True, autoincrement=False),
    Column("revision", SmallInteger, primary_key=True, autoincrement=False),
    Column("reason", Text, nullable=False),
    Column("corrected_by", String(100), nullable=False, server_default=""),
    Column("created_at", BigInteger, nullable=False),
)

batches = Table(
    "ingest_batches", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(16), nullable=False),  # file | rest | mqtt | demo
    Column("name", Text, nullable=False),          # file path, client, topic
    # The factory the batch was opened for: set by every path in (files, REST pushes, the MQTT
    # subscriber of one factory). Empty for the batches of a subscriber over every factory's topics
    # (they hold several factories' readings), and for batches from before migration 0008 whose
    # factory their readings and rejects did not tell: no factory's list shows those.
    Column("factory_id", String(64), ForeignKey("factories.id"), nullable=True),
    Column("content_hash", String(64), nullable=True),
    Column("started_at", BigInteger, nullable=False),
    Column("finished_at", BigInteger, nullable=True),
    Column("status", String(16), nullable=False, server_default="running"),
    Column("resume_offset", BigInteger, nullable=False, server_default="0"),
    Column("accepted", BigInteger, nullable=False, server_default="0"),
    Column("duplicates", BigInteger, nullable=False, server_default="0"),
    Column("rejected", BigInteger, nullable=False, server_default="0"),
    Column("flagged", BigInteger, nullable=False, server_default="0"),
    Index("ix_ingest_batches_hash", "content_hash"),
    Index("ix_ingest_batches_factory", "factory_id", "id"),  # a factory's batches, newest first
)

rejected = Table(
    "rejected_records", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", Integer, ForeignKey("ingest_batches.id"), nullable=True),
    # The factory the record was sent for: set on every write (store.readings.write_rejects); empty
    # only for records from before migration 0005 whose factory could not be told from their batch.
    Column("factory_id", String(64), ForeignKey("factories.id"), nullable=True),
    Column("source", String(16), nullable=False),
    Column("location", Text, nullable=False, server_default=""),  # file/sheet/row, topic, request
    Column("field", String(64), nullable=False, server_default=""),
    Column("reason", Text, nullable=False),
    Column("raw", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_rejected_records_factory", "factory_id", "id"),  # a factory's rejects, newest first
)

dead_letters = Table(
    "dead_letters", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("received_at", BigInteger, nullable=False),
    Column("topic", Text, nullable=False),
    Column("payload", Text, nullable=False),  # UTF-8 text, or base64 of bytes that were not UTF-8
    Column("reason", Text, nullable=False),
)

grid_factor_series = Table(
    "grid_factor_series", metadata,
    Column("series", String(64), primary_key=True),  # a named hourly intensity series
    Column("ts", BigInteger, primary_key=True, autoincrement=False),
    Column("value", Float, nullable=False),           # tCO2/MWh for the hour [ts, ts+3600)
    Column("source", Text, nullable=False, server_default=""),
)

# ----------------------------------------------------------------------------------- people, keys, audit
users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False, server_default=""),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(32), nullable=False),  # admin | factory_manager | data_entry | verifier | authority
    Column("region", String(32), nullable=True),  # the province an authority user oversees
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("created_at", BigInteger, nullable=False),
)

user_factories = Table(
    "user_factories", metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("factory_id", String(64), ForeignKey("factories.id"), primary_key=True),
)

api_keys = Table(
    "api_keys", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("prefix", String(16), nullable=False, unique=True),  # shown to people; the secret is only hashed
    Column("key_hash", String(255), nullable=False),
    Column("factory_id", String(64), ForeignKey("factories.id"), nullable=False),
    Column("scope", String(32), nullable=False, server_default="readings:write"),
    Column("name", String(200), nullable=False, server_default=""),
    Column("created_by", Integer, ForeignKey("users.id"), nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Column("revoked_at", BigInteger, nullable=True),
)

refresh_tokens = Table(
    "refresh_tokens", metadata,
    Column("jti", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("revoked_at", BigInteger, nullable=True),
)

# Failed sign-ins of the last window, for throttling (services.logins): one row per attempt and per
# limit, so that every worker process counts the same. Old rows are purged as new ones are written.
login_failures = Table(
    "login_failures", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scope", String(8), nullable=False),     # user | ip
    Column("subject", String(64), nullable=False),  # sha256 hex of the user name as typed, or of the client address
    Column("at", BigInteger, nullable=False),       # epoch seconds UTC
    Index("ix_login_failures_subject", "scope", "subject", "at"),
    Index("ix_login_failures_at", "at"),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", BigInteger, nullable=False),              # epoch seconds UTC
    Column("actor", String(200), nullable=False),          # user name, "apikey:<prefix>", "cli:<os user>", "system"
    Column("action", String(64), nullable=False),          # e.g. factory.save, readings.ingest, reading.correct
    Column("entity", String(64), nullable=False),
    Column("entity_id", String(200), nullable=False, server_default=""),
    Column("factory_id", String(64), nullable=True),
    Column("before", Text, nullable=True),                 # canonical JSON
    Column("after", Text, nullable=True),                  # canonical JSON
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
)

signoffs = Table(
    "signoffs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("factory_id", String(64), ForeignKey("factories.id"), nullable=False),
    Column("period", String(16), nullable=False),          # YYYY or YYYY-MM
    Column("digest", String(64), nullable=False),          # sha256 of the inventory's canonical results
    Column("inputs_digest", String(64), nullable=False),   # sha256 of its inputs (readings, activity, factors)
    Column("signed_by", Integer, ForeignKey("users.id"), nullable=True),
    Column("signed_at", BigInteger, nullable=False),
    Column("note", Text, nullable=False, server_default=""),
)

# ----------------------------------------------------------------------------- declared activity data
# Declared activity-data files (fuels by invoice, process sources, green power, certificates, production …)
# as uploaded, one row per version (services.declared). Rows are never changed: the newest version of
# a factory (highest id) is its current declared file; uploading the current bytes again adds nothing.
declared_files = Table(
    "declared_files", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("factory_id", String(64), ForeignKey("factories.id"), nullable=False),
    Column("filename", String(255), nullable=False),       # as uploaded, without any directory
    Column("format", String(8), nullable=False),           # yaml | json | xlsx | xlsm
    Column("content", LargeBinary, nullable=False),        # the bytes as uploaded
    Column("size", BigInteger, nullable=False),            # [bytes]
    Column("sha256", String(64), nullable=False),          # hex digest of content
    Column("uploaded_by", String(200), nullable=False),    # the audit actor: user name, "cli:<os user>" …
    Column("uploaded_at", BigInteger, nullable=False),     # epoch seconds UTC
    Column("note", Text, nullable=False, server_default=""),
    Index("ix_declared_files_factory", "factory_id", "id"),  # a factory's versions, newest first
)

# --------------------------------------------------------------------------- PACT v3 exchange (migration 0012)
# Product footprints as PACT v3 documents (services.footprint.pact_host): "published" are the factory's own,
# served by the PACT host API; "supplier" are suppliers' footprints pulled from their hosts or received in
# events. A document is never changed: a changed footprint is a new row with a new id (PACT v3 ADR-41);
# the row it replaces gets ``deprecated_at`` and is served with status Deprecated.
pact_footprints = Table(
    "pact_footprints", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("factory_id", String(64), ForeignKey("factories.id"), nullable=False),
    Column("origin", String(16), nullable=False),          # published | supplier
    Column("pf_id", String(36), nullable=False),           # ProductFootprint.id (UUID)
    Column("document", Text, nullable=False),              # the v3 document, canonical JSON
    Column("sha256", String(64), nullable=False),          # hex digest of document
    Column("source", Text, nullable=False, server_default=""),  # study/file published from, or the supplier host
    Column("stored_by", String(200), nullable=False),      # the audit actor
    Column("stored_at", BigInteger, nullable=False),       # epoch seconds UTC
    Column("deprecated_at", BigInteger, nullable=True),    # set when a newer footprint replaced it
    UniqueConstraint("factory_id", "origin", "pf_id", name="uq_pact_footprints_key"),
    Index("ix_pact_footprints_factory", "factory_id", "origin", "id"),
)

# OAuth2 client credentials of data recipients (PACT v3 Action Authenticate): each sees one factory's footprints.
pact_clients = Table(
    "pact_clients", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(64), nullable=False, unique=True),
    Column("secret_hash", String(255), nullable=False),    # sha256 of the secret (256 random bits)
    Column("factory_id", String(64), ForeignKey("factories.id"), nullable=False),
    Column("name", String(200), nullable=False, server_default=""),
    Column("created_by", String(200), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("revoked_at", BigInteger, nullable=True),
)

# CloudEvents received on POST /pact/3/events (and the answers to requests), one row per (factory, source, id).
pact_events = Table(
    "pact_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("factory_id", String(64), ForeignKey("factories.id"), nullable=False),
    Column("client_id", String(64), nullable=False),
    Column("event_id", String(200), nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("source", Text, nullable=False),
    Column("body", Text, nullable=False),                  # the event as received, canonical JSON
    Column("received_at", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),          # received | pending | answered
    Column("answer", Text, nullable=True),                 # outcome, canonical JSON: the answer sent, what was kept
    UniqueConstraint("factory_id", "source", "event_id", name="uq_pact_events_key"),
)

# The metered year kept per meter and local month (migration 0010; zerocarbon.store.rollups): the month's
# roll-up row (null when the month has no interval), its gap runs and unused readings as JSON, for one
# factory, year and variant (estimate, power conversion). Derived data: the readings hold all of it.
meter_rollups = Table(
    "meter_rollups", metadata,
    Column("factory_id", String(64), ForeignKey("factories.id"), primary_key=True),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("variant", String(32), primary_key=True),
    Column("meter_id", Integer, primary_key=True, autoincrement=False),
    Column("month", BigInteger, primary_key=True, autoincrement=False),  # local month start [s, UTC]
    Column("month_end", BigInteger, nullable=True),
    Column("period", String(16), nullable=True),           # e.g. 2023-01
    Column("value", Float, nullable=True),
    Column("value_exact", String(48), nullable=True),       # DECIMAL(38,12) as text: exact everywhere
    Column("flags", BigInteger, nullable=True),
    Column("seconds", BigInteger, nullable=True),
    Column("n_intervals", BigInteger, nullable=True),
    Column("n_estimated", BigInteger, nullable=True),
    Column("n_null", BigInteger, nullable=True),
    Column("gaps", Text, nullable=False),                   # JSON: [[start, end, count, bridged_value, estimated]]
    Column("unused", Text, nullable=False),                 # JSON: [[ts, value, reason, count]]
)

# What the stored roll-ups of a factory, year and variant cover: the audit entry up to which the data
# was read, and a fingerprint of the meters, nodes and events they were computed with.
meter_rollup_state = Table(
    "meter_rollup_state", metadata,
    Column("factory_id", String(64), ForeignKey("factories.id"), primary_key=True),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("variant", String(32), primary_key=True),
    Column("audit_id", BigInteger, nullable=False),
    Column("setup", String(64), nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

# ----------------------------------------------------------------------------- alerts and budgets
# Anomaly alerts on meters (zerocarbon.forecast.anomalies, services.forecast.detection): one row per raised
# alert; the same meter, kind and start is stored once, so a re-run adds nothing. Users acknowledge and
# close them (status open → acknowledged → closed); each change is in the audit chain.
alerts = Table(
    "alerts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("factory_id", String(64), ForeignKey("factories.id"), nullable=False),
    Column("meter_code", String(64), nullable=False),
    Column("kind", String(32), nullable=False),            # spike | off_hours | flat_line | level_shift | …
    Column("ts_start", BigInteger, nullable=False),        # [s, UTC], half-open [ts_start, ts_end)
    Column("ts_end", BigInteger, nullable=False),
    Column("severity", String(8), nullable=False),         # low | medium | high
    Column("status", String(16), nullable=False, server_default="open"),  # open | acknowledged | closed
    Column("incident", String(128), nullable=False, server_default=""),
    Column("waste", Float, nullable=False),                # estimated excess [unit]
    Column("unit", String(16), nullable=False),
    Column("tco2", Float, nullable=True),                  # waste × the meter's factor [tCO2]
    Column("money", Float, nullable=True),                 # waste × the configured tariff [currency]
    Column("message_zh", Text, nullable=False),
    Column("message_en", Text, nullable=False),
    Column("evidence", Text, nullable=False),              # JSON: curve, expected band, valuation, counts
    Column("raised_at", BigInteger, nullable=False),
    Column("acknowledged_at", BigInteger, nullable=True),
    Column("acknowledged_by", String(200), nullable=True),
    Column("closed_at", BigInteger, nullable=True),
    Column("closed_by", String(200), nullable=True),
    Column("note", Text, nullable=False, server_default=""),
    Column("delivery_attempts", Integer, nullable=False, server_default="0"),
    Column("delivered_at", BigInteger, nullable=True),     # the webhook answered 2xx
    UniqueConstraint("factory_id", "meter_code", "kind", "ts_start", name="uq_alerts_meter_kind_start"),
    Index("ix_alerts_factory_status", "factory_id", "status", "ts_start"),
)

# Carbon (or energy) budgets of a factory or one of its cost centres for a year or month. Rows are never
# changed: the newest row (highest id) of a factory, cost centre and period is the budget in force.
carbon_budgets = Table(
    "carbon_budgets", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("factory_id", String(64), ForeignKey("factories.id"), nullable=False),
    Column("cost_centre", String(64), nullable=True),      # NULL: the whole factory
    Column("period", String(7), nullable=False),           # YYYY or YYYY-MM
    Column("amount", Numeric(20, 6), nullable=False),
    Column("unit", String(16), nullable=False),            # tCO2
    Column("source", String(16), nullable=False),          # user | roadmap
    Column("note", Text, nullable=False, server_default=""),
    Column("created_by", String(200), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_carbon_budgets_factory_period", "factory_id", "period", "id"),
)

# ------------------------------------------------------------------------ equipment register (migration 0013)
# The factory's energy-using devices (设备能效台账), one row per device code; the columns after the key are the
# device's declaration (``zerocarbon.energy.equipment.EQUIPMENT``, listed in ``docs/efficiency.md``). A row is
# the device as last uploaded: every insert, change and removal is an audit entry with the values before and
# after (services.efficiency.equipment_store), so the history is in the audit chain.
equipment = Table(
    "equipment", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("factory_id", String(64), ForeignKey("factories.id"), nullable=False),
    *(_column(a) for a in EQUIPMENT if a.db is not None),
    Column("updated_by", String(200), nullable=False),      # the audit actor of the last change
    Column("updated_at", BigInteger, nullable=False),       # epoch seconds UTC
    UniqueConstraint("factory_id", "code", name="uq_equipment_factory_code"),
)
