"""What a factory states for its inventory: who it is, its boundary, activity data and instruments.

One declaration of each field, with its unit and meaning; the YAML/JSON reader and the Excel
template both map onto these objects (``docs/activity-data-format.md``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from zerocarbon.model.period import Period
from zerocarbon.model.vocabulary import Category as Category  # re-exported: the enum lives in the vocabulary


def _decimal(value: object) -> object:
    """Parse numbers from their text, never through a float (a float input is re-read via repr)."""
    if isinstance(value, Decimal) or value is None:
        return value
    if isinstance(value, bool):
        raise ValueError("a number is expected, not true/false")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if not text:
            raise ValueError("a number is expected, the cell is empty")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"'{value}' is not a number") from None
        if not number.is_finite():
            raise ValueError(f"'{value}' is not a finite number")
        return number
    raise ValueError(f"a number is expected, got {type(value).__name__}")


Dec = Annotated[Decimal, BeforeValidator(_decimal)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


SCOPE1 = {Category.FUEL_COMBUSTION, Category.PROCESS_CARBONATE, Category.PROCESS_MASS_BALANCE,
          Category.PROCESS_GAS, Category.FUGITIVE}
ENERGY_INDIRECT = {Category.ELECTRICITY_PURCHASED, Category.HEAT_PURCHASED}
#: Electricity kinds of non-fossil power bought with proof: green-power trade and direct line (绿电直连).
GREEN_KINDS = ("green_power", "direct_line")


class MeasuredValue(Model):
    """A measured value (实测值) that replaces a library default, with its evidence."""

    value: Dec
    unit: str
    evidence: str = Field(min_length=1, description="lab report, certificate or document id")


class SteamSpec(Model):
    """State of purchased or exported steam, to convert its mass to heat (GJ)."""

    pressure_mpa: Dec = Field(gt=0, description="pressure [MPa]")
    temperature_c: Dec | None = Field(None, description="temperature [°C]; empty for saturated steam")
    gauge: bool = Field(False, description="pressure is gauge (表压) rather than absolute")


class ActivityLine(Model):
    """One line of activity data (活动数据): an amount of something, in a period, at a facility."""

    id: str = Field(min_length=1)
    facility: str = Field(min_length=1)
    category: Category
    item: str | None = Field(None, description="fuel, carbonate or gas (天然气, Na2CO3, HFC-134a …)")
    amount: Dec = Field(description="amount in `unit`")
    unit: str = Field(min_length=1)
    period: str = Field(description="YYYY or YYYY-MM")
    source: str = Field("", description="where the figure comes from (发票, 计量表, 台账 …)")
    data_quality: str = Field("statistical", description="tier in data_quality.csv")
    uncertainty_pct: Dec | None = Field(None, ge=0, description="95 % half-width [%]; overrides the tier")
    measured: dict[str, MeasuredValue] = Field(default_factory=dict,
                                               description="parameter → measured value (ncv, carbon_content …)")
    # process emissions
    purity: Dec = Field(Decimal(1), gt=0, le=1, description="carbonate purity [fraction]")
    calcination_fraction: Dec = Field(Decimal(1), gt=0, le=1, description="fraction decomposed [fraction]")
    direction: Literal["input", "output"] | None = Field(None, description="mass-balance flow direction")
    # electricity and heat
    electricity_kind: Literal["grid", "green_power", "direct_line"] = Field(
        "grid", description="grid purchase; green power bought through a green-power trade (绿电交易); or green "
                            "power from a direct line (绿电直连) to a non-fossil plant")
    steam: SteamSpec | None = None
    # fuel combustion: which IPCC 2006 CH4/N2O table applies (docs/activity-data-format.md)
    combustion: Literal["stationary", "mobile_offroad", "mobile_road"] | None = Field(
        None, description="stationary | mobile_offroad | mobile_road; empty: the fuel's default "
                          "(gasoline mobile_road, every other fuel stationary)")
    evidence: str | None = Field(None, description="proof for green power or CO2 recovery")
    note: str = ""
    meters: tuple[str, ...] = Field((), description="codes of the meters the amount was read from; "
                                                    "empty for declared data (invoices, ledgers …)")
    # evidence that decides a claim (docs/activity-data-format.md, "Evidence fields")
    certificates_kept: bool | None = Field(
        None, description="on-site generation (onsite_renewable, or electricity_exported from it): whether the "
                          "factory kept the green certificates (绿证) issued for it, true, or sold/transferred them, "
                          "false; empty: not stated")
    inside_settlement_meter: bool | None = Field(
        None, description="green power (electricity_kind green_power): whether its MWh are inside the reading of "
                          "the settlement meters whose grid lines are also in the inventory, true, or delivered "
                          "outside them, false; empty: not stated")
    # the declared figure of the same flow and period, kept beside a metered line (set by the merge)
    declared_id: str | None = Field(None, description="id of the declared line (invoice) of the same flow and period")
    declared_amount: Dec | None = Field(None, description="its amount [declared_unit]")
    declared_unit: str | None = None
    declared_source: str | None = None

    @model_serializer(mode="wrap")
    def _without_empty_meters(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # A declared line dumps as it did before lines knew their meters (files, digests stay the same).
        data: dict[str, Any] = handler(self)
        if not self.meters:
            data.pop("meters", None)
        for name in ("certificates_kept", "inside_settlement_meter", "declared_id", "declared_amount",
                     "declared_unit", "declared_source"):  # evidence fields not stated: dumped as before
            if data.get(name) is None:
                data.pop(name, None)
        if self.combustion is None:  # likewise for lines that do not state how a fuel is burnt
            data.pop("combustion", None)
        return data

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        return str(Period.parse(value))

    @field_validator("amount")
    @classmethod
    def _non_negative(cls, value: Decimal) -> Decimal:
        if value < 0:
            raise ValueError("amounts are stated as positive numbers; the category says whether they add or subtract")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ActivityLine:
        # Messages start with "<field>: " so readers can point at the field (see ingest.activity_file).
        needs_item = {Category.FUEL_COMBUSTION, Category.PROCESS_CARBONATE, Category.PROCESS_GAS,
                      Category.PROCESS_MASS_BALANCE, Category.FUGITIVE}
        if self.category in needs_item and not self.item:
            raise ValueError(f"item: category {self.category} needs an item (a fuel, carbonate or gas)")
        if self.combustion is not None and self.category is not Category.FUEL_COMBUSTION:
            raise ValueError(f"combustion: only a fuel-combustion line says how the fuel is burnt, "
                             f"not a {self.category} line")
        if self.category is Category.PROCESS_MASS_BALANCE and self.direction is None:
            raise ValueError("direction: a mass-balance line needs direction: input or output")
        if self.category is Category.CO2_RECOVERED and not self.evidence:
            raise ValueError("evidence: recovered CO2 can only be subtracted with evidence (证明材料)")
        if self.electricity_kind in GREEN_KINDS and not self.evidence:
            raise ValueError("evidence: green power counts as zero only with proof (绿电交易凭证/绿证/直连供电合同)")
        if self.certificates_kept is not None and self.category not in (Category.ONSITE_RENEWABLE,
                                                                        Category.ELECTRICITY_EXPORTED):
            raise ValueError(f"certificates_kept: only on-site generation and exported electricity say whether "
                             f"their certificates were kept, not a {self.category} line")
        if self.inside_settlement_meter is not None and (self.category is not Category.ELECTRICITY_PURCHASED
                                                         or self.electricity_kind not in GREEN_KINDS):
            raise ValueError("inside_settlement_meter: only a green-power or direct-line purchase says whether it is "
                             "inside the settlement meter's reading")
        return self

    @property
    def period_obj(self) -> Period:
        return Period.parse(self.period)


class Certificate(Model):
    """A green electricity certificate (绿证, GEC) or a batch of them; 1 GEC = 1 MWh."""

    serial: str = Field(min_length=1, description="serial number or batch id")
    mwh: Dec = Field(gt=0, description="renewable electricity [MWh]")
    generation_period: str = Field(description="month of generation, YYYY-MM")
    retired: bool = Field(description="retired (核销) for this factory's consumption")
    retired_for: str = Field(description="the consumption year it is retired for, YYYY")
    bundled_with: str | None = Field(None, description="id of the green-power line it came with (绿电交易)")
    technology: str = ""
    evidence: str = ""
    retirement_proof: str = Field("", description="id of the retirement proof (核销凭证) issued for this factory; "
                                                  "an unbundled certificate counts only with it")

    @model_serializer(mode="wrap")
    def _without_empty_proof(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # A certificate without a retirement proof dumps as before the field existed (digests stay the same).
        data: dict[str, Any] = handler(self)
        if not self.retirement_proof:
            data.pop("retirement_proof", None)
        return data

    @field_validator("generation_period", "retired_for")
    @classmethod
    def _period(cls, value: str) -> str:
        return str(Period.parse(value))


class ProductionRecord(Model):
    """Output of a product in a period, for intensities (单位产品排放)."""

    product: str
    period: str
    amount: Dec = Field(ge=0)
    unit: str

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        return str(Period.parse(value))


class Facility(Model):
    id: str = Field(min_length=1)
    name_zh: str
    name_en: str = ""
    kind: str = Field("", description="main production / auxiliary / ancillary (主要/辅助/附属生产系统)")


class Product(Model):
    id: str = Field(min_length=1)
    name_zh: str
    name_en: str = ""
    unit: str = Field(description="unit of output (套, pack, kWh …)")
    facilities: list[str] = Field(default_factory=list, description="facilities dedicated to this product")
    shared_allocation: Dec | None = Field(None, ge=0, le=1,
                                          description="share of shared facilities' emissions [fraction]")


#: Method regimes an inventory can be computed under (``accounting/data/regimes.yaml``).
RegimeId = Literal["gbt32150-2015", "gbt32150-2025", "ets", "ghg-protocol", "zero-carbon"]


class Settings(Model):
    """Choices made for one inventory; every choice is recorded in the results."""

    regimes: list[RegimeId] | None = Field(
        None, description="method regimes to compute (docs/method-regimes.md); default: the GB/T 32150 edition in "
                          "force for the data year, ghg-protocol and zero-carbon")
    gwp_set: Literal["SAR", "AR4", "AR5", "AR6"] = "AR6"
    gbt32150_grid_scope: Literal["national", "regional", "provincial"] = Field(
        "national", description="which grid factor the GB/T 32150 view uses for purchased/exported electricity")
    gbt32150_green_power_zero: bool | None = Field(
        None, description="override the GB/T 32150 regime's rule for green power bought with its consumption proof "
                          "(the regime counts it at 0); an override is recorded as a warning")
    location_grid_scope: Literal["national", "regional", "provincial"] = Field(
        "provincial", description="grid level of the GHG Protocol location-based factor (stated in the results)")
    market_residual_factor: Literal["excl_market_nonfossil", "grid_average"] = Field(
        "excl_market_nonfossil", description="factor for grid electricity not covered by green power or GECs")
    certificate_matching: Literal["year", "month"] = Field(
        "year", description="a GEC covers consumption of the same year, or only of its generation month")
    steam_heat_reference: Literal["water_20c", "none"] = Field(
        "water_20c", description="steam heat = Ma × (En − 83.74) × 10⁻³ (NDRC guides, water at 20 °C) "
                                 "or Ma × En × 10⁻³ (GB/T 32151.34—2024 calculator vectors)")
    allow_earlier_factor_year: bool = Field(
        False, description="use the latest earlier data year when the data year has no factor (recorded)")
    allow_factor_outside_validity: bool = Field(
        False, description="accept a library factor outside its validity period for the data year (a warning "
                           "in the results); without it such a factor is an error")
    zero_carbon_fossil_factor: Literal["printed", "data_year"] = Field(
        "printed", description="zero-carbon regime: the fossil-power factor printed in 发改环资〔2025〕910号 annex 4 "
                               "(0.8325, MEE/NBS 2022 data), or the MEE/NBS fossil factor of the data year")
    equal_value_coefficient: Dec | None = Field(
        None, gt=0, description="electricity 等价值 [kgce/kWh] (that year's 供电标准煤耗) for the zero-carbon "
                                "intensity; no default: without it the intensity is not assessable")
    equal_value_source: str = Field("", description="document, table and year of equal_value_coefficient")

    @model_validator(mode="after")
    def _equal_value_sourced(self) -> Settings:
        if self.equal_value_coefficient is not None and not self.equal_value_source:
            raise ValueError("equal_value_source: an equal-value coefficient needs its source (document, table, year)")
        if self.regimes is not None and len([r for r in self.regimes if r.startswith("gbt32150")]) > 1:
            raise ValueError("regimes: at most one GB/T 32150 edition per inventory")
        return self


class FactoryInfo(Model):
    id: str = Field(min_length=1)
    name_zh: str
    name_en: str = ""
    credit_code: str = Field("", description="统一社会信用代码")
    province: str = Field(description="province (省份) for the grid region")
    industry: str = ""
    address: str = ""
    boundary_zh: str = ""
    boundary_en: str = ""
    base_year: int | None = None
    synthetic: bool = False
    facilities: list[Facility]
    products: list[Product] = Field(default_factory=list)
    # the reporting entity's block of the report (GB/T 32150 asks for the entity's basic information)
    legal_representative: str = Field("", description="法定代表人")
    contact_person: str = Field("", description="填报联系人 (contact person)")
    contact_phone: str = Field("", description="联系电话")
    contact_email: str = Field("", description="电子邮箱")
    preparer: str = Field("", description="报告编制人或编制单位 (who prepared the report)")
    report_date: date | None = Field(None, description="报告日期 (date of the report); empty: the day it is written")

    @model_serializer(mode="wrap")
    def _without_empty_contact(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # A factory that states no contact data dumps as before these fields existed (digests stay the same).
        data: dict[str, Any] = handler(self)
        for name in ENTITY_CONTACT_FIELDS:
            if data.get(name) in ("", None):
                data.pop(name, None)
        return data


#: The optional fields of the entity block, left out of a dump when empty.
ENTITY_CONTACT_FIELDS = ("legal_representative", "contact_person", "contact_phone", "contact_email", "preparer",
                         "report_date")


class InventoryInput(Model):
    """Everything the engine needs for a factory's inventory (one or more data years)."""

    schema_version: Literal[1] = 1
    factory: FactoryInfo
    settings: Settings = Settings()
    activity: list[ActivityLine]
    certificates: list[Certificate] = Field(default_factory=list)
    production: list[ProductionRecord] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> InventoryInput:
        # Messages start with "<section>[<n>].<field>: " (1-based) so readers can point at the row.
        facilities = {f.id for f in self.factory.facilities}
        ids: set[str] = set()
        for n, line in enumerate(self.activity, start=1):
            if line.id in ids:
                raise ValueError(f"activity[{n}].id: activity id '{line.id}' is used twice")
            ids.add(line.id)
            if line.facility not in facilities:
                raise ValueError(f"activity[{n}].facility: facility '{line.facility}' is not declared")
        products = {p.id for p in self.factory.products}
        for n, rec in enumerate(self.production, start=1):
            if rec.product not in products:
                raise ValueError(f"production[{n}].product: product '{rec.product}' is not declared")
        serials: set[str] = set()
        for n, cert in enumerate(self.certificates, start=1):
            if cert.serial in serials:
                raise ValueError(f"certificates[{n}].serial: certificate '{cert.serial}' appears twice "
                                 "(double counting)")
            serials.add(cert.serial)
        return self

    def years(self) -> list[int]:
        return sorted({Period.parse(a.period).year for a in self.activity})
