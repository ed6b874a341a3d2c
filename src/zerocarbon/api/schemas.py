"""Request and response schemas (layered: ``…Create`` / ``…Update`` in, ``…Public`` out).

Figures that a regulator reads (emissions, activity amounts, energy in tce) are decimal *strings*
at full precision, as the engine computed them; round only for display. Times are epoch seconds
[s, UTC] where a machine reads them, with the local ISO text beside where a person does.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from zerocarbon.api.deps import FactoryId
from zerocarbon.model.entities import METER, api_field
from zerocarbon.services.identity.users import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

RoleName = Literal["admin", "factory_manager", "data_entry", "verifier", "authority"]
T = TypeVar("T")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# -------------------------------------------------------------------------------------------- auth
class Token(Out):
    """Answer of sign-in and refresh (OAuth2 password flow)."""

    access_token: str = Field(description="JWT (HS256) to send as Authorization: Bearer …")
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="lifetime of the access token [s]")
    refresh_token: str = Field(description="single-use token for POST /auth/refresh")
    refresh_expires_in: int = Field(description="lifetime of the refresh token [s]")


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=1, max_length=4096)


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)
    new_password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH, pattern=r"^[^\x00]*$")


# ------------------------------------------------------------------------------------------- users
class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=100, pattern=r"^[^\s:\x00-\x1f\x7f]+$")
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH, pattern=r"^[^\x00]*$")
    role: RoleName
    region: str | None = Field(None, min_length=1, max_length=32, pattern=r"^[^\x00-\x1f\x7f]+$",
                               description="province of an authority user, as in factories.province")
    factories: list[FactoryId] = Field(default_factory=list, max_length=1000,
                                       description="factories of a factory_manager, data_entry or verifier")
    display_name: str = Field("", max_length=200, pattern=r"^[^\x00]*$")


class UserUpdate(BaseModel):
    """Fields to change; absent fields stay as they are (``region: null`` clears it)."""

    model_config = ConfigDict(extra="forbid")

    role: RoleName | None = None
    region: str | None = Field(None, min_length=1, max_length=32, pattern=r"^[^\x00-\x1f\x7f]+$")
    active: bool | None = None
    display_name: str | None = Field(None, max_length=200, pattern=r"^[^\x00]*$")


class UserPublic(Out):
    id: int
    username: str
    display_name: str
    role: RoleName
    region: str | None
    active: bool
    created_at: int = Field(description="[s since epoch, UTC]")
    factories: list[str] = Field(description="assigned factories (factory_manager, data_entry, verifier)")


class MePublic(UserPublic):
    visible_factories: list[str] = Field(description="every factory this user may see")
    permissions: list[str] = Field(description="what the role may do in them (role matrix)")


# ---------------------------------------------------------------------------------------- api keys
class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field("", max_length=200, pattern=r"^[^\x00]*$", description="the gateway, e.g. scada-gw-1")


class ApiKeyPublic(Out):
    prefix: str = Field(description="public part of the key (zc_<prefix>_…)")
    factory_id: str
    scope: str
    name: str
    created_by: int | None
    created_at: int
    revoked_at: int | None


class ApiKeyCreated(ApiKeyPublic):
    key: str = Field(description="the whole key zc_<prefix>_<secret>: shown this once, stored only hashed")


# --------------------------------------------------------------------------------------- factories
class FactoryPublic(Out):
    id: str
    name_zh: str
    name_en: str
    province: str = Field(description="province (the region an authority oversees)")
    timezone: str


class NodePublic(Out):
    id: int
    code: str
    kind: str = Field(description="site | workshop | line | facility")
    name_zh: str
    name_en: str
    parent: str | None = Field(description="code of the parent node")
    cost_centre: str | None


class SetupResult(Out):
    factory_id: str
    created: bool = Field(description="true when this call created the factory")
    meters: dict[str, int] = Field(description="store id of each meter by code")


class MeterPublic(Out):
    # The API view of zerocarbon.model.entities.METER (decimals as JSON numbers); a test checks the types.
    id: int = api_field(METER, "id")
    code: str = api_field(METER, "code")
    name: str = api_field(METER, "name")
    node: str | None = api_field(METER, "node")
    carrier: str = api_field(METER, "carrier")
    unit: str = api_field(METER, "unit")
    register_kind: str = api_field(METER, "register_kind")
    multiplier: float = api_field(METER, "multiplier")
    interval_seconds: int = api_field(METER, "interval_seconds")
    timezone: str = api_field(METER, "timezone")
    category: str | None = api_field(METER, "category")
    item: str | None = api_field(METER, "item")
    cost_centre: str | None = api_field(METER, "cost_centre")
    electricity_kind: str | None = api_field(METER, "electricity_kind")
    is_virtual: bool = api_field(METER, "is_virtual")
    virtual_formula: str | None = api_field(METER, "virtual_formula")
    model: str | None = api_field(METER, "model")
    serial_no: str | None = api_field(METER, "serial_no")
    accuracy_class: str | None = api_field(METER, "accuracy_class")
    calibrated_on: date | None = api_field(METER, "calibrated_on")
    calibration_due: date | None = api_field(METER, "calibration_due")
    calibration_certificate: str | None = api_field(METER, "calibration_certificate")


# ---------------------------------------------------------------------------------------- readings
class IngestReportPublic(Out):
    """What happened to a pushed batch. Re-sending it stores nothing twice (duplicates)."""

    batch_id: int
    received: int
    accepted: int
    duplicates: int
    rejected: int
    flagged: int
    reasons: dict[str, int] = Field(description="rejection reason → count (details: GET …/rejected-records)")


class ReadingPublic(Out):
    ts: int = Field(description="[s since epoch, UTC]; start of the interval for interval registers")
    local_time: str = Field(description="ts in the meter's time zone, ISO 8601")
    value: float = Field(description="register value [the meter's unit, before its multiplier]")
    flags: int = Field(description="bitmask: 1 spike, 2 rollover, 4 replacement, 8 late, 16 correction")


class MeterReadingsPublic(Out):
    factory_id: str
    meter: str
    unit: str
    timezone: str
    start: int = Field(description="[s since epoch, UTC], inclusive")
    end: int = Field(description="[s since epoch, UTC], exclusive")
    count: int
    truncated: bool = Field(description="true when more readings than `limit` are in the window")
    readings: list[ReadingPublic]


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


class CorrectionCreate(BaseModel):
    """A correction of one stored reading: a new revision; the old value stays in the store."""

    model_config = ConfigDict(extra="forbid")

    meter: str = Field(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$", description="meter code")
    ts: datetime | int = Field(description="time of the reading: ISO 8601 (naive = factory-local) or epoch [s, UTC]")
    value: float = Field(description="corrected register value [meter unit]")
    reason: str = Field(min_length=1, max_length=2000, pattern=r"^[^\x00]*$", description="why (kept in the audit)")

    _value = field_validator("value")(_finite)

    @field_validator("ts")
    @classmethod
    def _ts(cls, v: datetime | int) -> datetime | int:
        if isinstance(v, int) and not 0 <= v < 10_000_000_000:
            raise ValueError("epoch seconds out of range")
        if isinstance(v, datetime) and not 1970 <= v.year <= 2200:
            raise ValueError("year out of range 1970–2200")
        return v


class CorrectionPublic(Out):
    meter: str
    ts: int = Field(description="[s since epoch, UTC]")
    revision: int = Field(description="the new revision (0 is the original reading)")


# ---------------------------------------------------------------------------------------- activity
class ActivityLinePublic(Out):
    id: str = Field(description="<meter>-<YYYY-MM>")
    facility: str
    category: str
    item: str | None
    amount: str = Field(description="decimal, in `unit`")
    unit: str
    period: str
    source: str
    data_quality: str
    electricity_kind: str
    note: str


# --------------------------------------------------------------------------------------- inventory
class FigurePublic(Out):
    view: str
    emissions_tco2e: str
    formula: str
    factors: list[dict[str, Any]] = Field(description="factor values with provenance (source document, clause)")
    intermediates: dict[str, Any]
    note: str | None = None
    gases: dict[str, dict[str, str]] | None = Field(
        None, description="gas → {mass_t, co2e_t} of a direct-emission figure (CO2, CH4, N2O of combustion …)")
    warnings: list[str] | None = Field(None, description="what the figure leaves out (e.g. a gas without a factor)")


class LineResultPublic(Out):
    id: str
    facility: str
    category: str
    item: str | None
    item_name_zh: str
    item_name_en: str
    period: str
    activity: dict[str, Any] = Field(description="amount, unit, source, data quality")
    gas: str
    gas_mass_t: str | None
    scope: str | None
    biomass: bool
    emissions_tco2e: dict[str, str] = Field(description="view → emissions [tCO2e]")
    figures: dict[str, FigurePublic] = Field(description="view → derivation (the trace)")
    uncertainty_pct: str
    uncertainty_parts: list[dict[str, Any]]


class InventoryPublic(Out):
    """An inventory (GB/T 32150 and scope views) with the trace of every line."""

    model_config = ConfigDict(extra="allow")

    factory_id: str
    period: str = Field(description="YYYY or YYYY-MM")
    year: int
    unit: str = "tCO2e"
    settings: dict[str, Any]
    factor_library_version: str
    totals: dict[str, str]
    breakdowns: dict[str, dict[str, str]]
    intensities: list[dict[str, Any]]
    uncertainty: dict[str, Any] | None
    certificates_applied: Any
    certificates_excluded: list[dict[str, Any]]
    warnings: list[str]
    comparison: dict[str, Any] = Field(description="base year and year-on-year comparison")
    lines: list[LineResultPublic]


class LineTracePublic(Out):
    factory_id: str
    period: str
    line: LineResultPublic
    location: dict[str, Any] = Field(description="where the activity data was read (file/row, or meters)")
    note: str
    explain: dict[str, str] = Field(description="the derivation as text a verifier re-checks by hand: zh, en")


class EnergyPublic(Out):
    """Comprehensive energy consumption (GB/T 2589) of the year, from the inventory's activity lines."""

    factory_id: str
    year: int
    method: str
    electricity_basis: str
    total_tce: str
    by_item: dict[str, str]
    by_period: dict[str, str]
    by_item_period: list[dict[str, Any]]
    coefficients: list[dict[str, Any]]
    lines: list[dict[str, Any]]


# ------------------------------------------------------------------------------------ data quality
class Page(BaseModel, Generic[T]):
    total: int
    limit: int
    offset: int
    items: list[T]


class BatchPublic(Out):
    id: int
    factory_id: str = Field(description="the factory the batch was opened for: the one whose list this is")
    source: str = Field(description="file | rest | mqtt | demo")
    name: str
    started_at: int
    finished_at: int | None
    status: str
    accepted: int
    duplicates: int
    rejected: int
    flagged: int


class RejectedRecordPublic(Out):
    id: int
    batch_id: int | None
    factory_id: str = Field(description="the factory the record was sent for: the one whose list this is")
    source: str
    location: str
    field: str
    reason: str
    raw: str
    created_at: int


class DeadLetterPublic(Out):
    id: int
    received_at: int
    topic: str
    payload: str
    reason: str


# --------------------------------------------------------------------------------- sign-off, audit
class SignOffCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=2000, pattern=r"^[^\x00]*$")


class SignOffPublic(Out):
    id: int
    factory_id: str
    period: str
    digest: str = Field(description="sha256 of the inventory's results as signed")
    inputs_digest: str = Field(description="sha256 of its inputs (activity data, readings, factors …)")
    signed_by: int | None
    signed_by_name: str | None
    signed_at: int = Field(description="[s since epoch, UTC]")
    note: str


class SignOffCheckPublic(Out):
    unchanged: bool = Field(description="results, inputs and the sign-off record are as signed")
    results_changed: bool
    inputs_changed: bool
    details: dict[str, Any] = Field(description="digests, changed input parts and totals, audit entries since")


class AuditEntryPublic(Out):
    id: int
    at: int
    actor: str
    action: str
    entity: str
    entity_id: str
    factory_id: str | None
    before: Any
    after: Any
    prev_hash: str
    hash: str


# --------------------------------------------------------------------------------------- portfolio
class PortfolioPublic(Out):
    """The visible factories side by side, ranked by total emissions (largest first)."""

    model_config = ConfigDict(extra="allow")

    year: int
    count: int
    provinces: list[str]
    total: dict[str, Any]
    factories: list[dict[str, Any]]


# ------------------------------------------------------------------------------ declared activity files
class ActivityFilePublic(Out):
    """One version of a factory's declared activity-data file (fuels by invoice, certificates, production …)."""

    id: int
    factory_id: str
    filename: str = Field(description="the name it was uploaded under")
    format: Literal["xlsx", "xlsm", "yaml", "json"]
    size: int = Field(description="[bytes]")
    sha256: str = Field(description="sha256 (hex) of the bytes as uploaded")
    uploaded_by: str = Field(description="who uploaded it: the actor of its audit entry")
    uploaded_at: int = Field(description="[s since epoch, UTC]")
    uploaded_at_local: str = Field(description="the same time in the factory's time zone, ISO 8601")
    note: str
    current: bool = Field(description="the version inventories use: the newest")


class ActivityFileUploaded(ActivityFilePublic):
    """Answer of an upload: the version, and what the file holds."""

    created: bool = Field(description="false when these bytes already were the current version: nothing stored")
    years: list[int] = Field(description="data years of the file's activity lines")
    activity_lines: int
    certificates: int
    production_records: int
