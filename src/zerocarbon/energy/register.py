"""The efficiency register beside the equipment: diagnosis settings, quota indicators, conversion units.

Each part is declared once (:data:`SETTINGS`, :data:`QUOTA_ROWS`, :data:`CONVERSIONS`, like
:data:`~zerocarbon.energy.equipment.EQUIPMENT`); the pydantic models below, the XLSX template's
columns (``zerocarbon.ingest.equipment_file``), the API schema and ``docs/efficiency.md`` come from
these declarations. :class:`EfficiencyRegister` is the whole file: devices, settings, quota rows and
conversions.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from zerocarbon.energy.equipment import Equipment
from zerocarbon.model.entities import Attribute, Entity, model_field


def _a(name: str, kind: Literal["text", "integer", "decimal"], **kw: object) -> Attribute:
    return Attribute(name, kind, spec=name, api=True, **kw)  # type: ignore[arg-type]


#: Settings of the diagnosis (one value each).
SETTINGS = Entity("efficiency_settings", (
    _a("year", "integer", default=None, en="data year of the diagnosis (default: the inventory's)",
       zh="诊断数据年份（默认取核算年份）"),
    _a("tariff_yuan_per_kwh", "decimal", unit="元/kWh", gt=0, en="the factory's electricity tariff (mean price paid)",
       zh="企业平均电价"),
    _a("discount_rate", "decimal", unit="1/a", en="discount rate of the NPV (e.g. 0.06)", zh="净现值折现率（如 0.06）"),
    _a("lifetime_years", "integer", unit="a", gt=0, en="horizon of the NPV", zh="净现值计算年限"),
    _a("grid_region", "text", default=None, en="grid region or province of the location-based factor "
                                              "(default: the factory's province)",
       zh="电网排放因子的区域或省份（默认取企业所在省份）"),
    _a("value_added_10k_yuan", "decimal", unit="万元", default=None, gt=0, en="industrial value added of the year",
       zh="年度工业增加值"),
    _a("value_added_source", "text", default=None, en="where the value added comes from", zh="工业增加值的来源"),
))

#: Unit-product energy indicators to grade against a quota standard (能耗限额).
QUOTA_ROWS = Entity("quota_indicator", (
    _a("product", "text", min_length=1, en="product id of the inventory (or a free name when `value` is given)",
       zh="产品编号（清单中的产品，或填写 value 时为产品名称）"),
    _a("standard", "text", min_length=1, en="quota standard file, e.g. gb16780-2021",
       zh="限额标准文件，如 gb16780-2021"),
    _a("indicator", "text", min_length=1, en="indicator id in that file, e.g. cement.comprehensive_energy",
       zh="指标编号，如 cement.comprehensive_energy"),
    _a("value", "decimal", unit="indicator unit", default=None, en="unit-product energy as the standard defines it "
       "(empty: from the inventory's energy and production)", zh="单位产品能耗（留空则由清单能耗与产量计算）"),
    _a("production_t", "decimal", unit="t", default=None, gt=0, en="production of the period, for the gaps in tce",
       zh="统计期产量（用于折算差距 tce）"),
    _a("corrections", "text", default="", en="inputs of the standard's corrections: name=value; …",
       zh="修正所需参数：名称=数值；…"),
    _a("benchmark", "decimal", unit="indicator unit", default=None, en="benchmark level (标杆水平), with its source",
       zh="标杆水平（须注明来源）"),
    _a("baseline", "decimal", unit="indicator unit", default=None, en="baseline level (基准水平)", zh="基准水平"),
    _a("levels_source", "text", default=None, en="document, table and URL of the benchmark and baseline",
       zh="标杆/基准水平的文件、表号与网址"),
))

#: Conversion units of the energy balance (boilers, compressors, chillers); transformers come from the devices.
CONVERSIONS = Entity("conversion", (
    _a("id", "text", min_length=1, en="identifier", zh="编号"),
    _a("kind", "text", values=("boiler", "air_compressor", "chiller", "other"), en="boiler | air_compressor | "
       "chiller | other", zh="类型"),
    _a("facility", "text", min_length=1, en="facility whose supply of the input carrier it takes", zh="所在设施"),
    _a("input_carrier", "text", min_length=1, en="carrier in (natural_gas, electricity …)", zh="输入能源品种"),
    _a("output_carrier", "text", min_length=1, en="carrier out (heat, compressed_air, cold …)", zh="输出能源品种"),
    _a("efficiency", "decimal", unit="1", gt=0, en="conversion efficiency η (0–1]", zh="转换效率 η（0–1]）"),
    _a("outputs", "text", default="", en="end uses and shares: L1=0.6; L2=0.4 (empty: its own facility)",
       zh="输出去向与份额：L1=0.6；L2=0.4（留空则为本设施）"),
    _a("note", "text", min_length=1, en="where η and the shares come from (test report, nameplate, estimate)",
       zh="效率与份额的来源（测试报告、铭牌或估计）"),
))


def _pairs(text: str, field: str) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for part in text.replace("；", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"{field}: '{part}' is not name=value / 不是 名称=数值")
        try:
            out[name.strip()] = Decimal(value.strip())
        except ArithmeticError as exc:
            raise ValueError(f"{field}: '{value.strip()}' is not a number / 不是数字") from exc
    return out


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EfficiencySettings(Model):
    """Settings of the diagnosis (declared in :data:`SETTINGS`)."""

    year: int | None = model_field(SETTINGS, "year")
    tariff_yuan_per_kwh: Decimal = model_field(SETTINGS, "tariff_yuan_per_kwh")
    discount_rate: Decimal = model_field(SETTINGS, "discount_rate")
    lifetime_years: int = model_field(SETTINGS, "lifetime_years")
    grid_region: str | None = model_field(SETTINGS, "grid_region")
    value_added_10k_yuan: Decimal | None = model_field(SETTINGS, "value_added_10k_yuan")
    value_added_source: str | None = model_field(SETTINGS, "value_added_source")

    @field_validator("discount_rate")
    @classmethod
    def _rate(cls, value: Decimal) -> Decimal:
        if not 0 <= value < 1:
            raise ValueError("discount rate must be in [0, 1) / 折现率须在 [0, 1) 之间")
        return value

    @model_validator(mode="after")
    def _va_source(self) -> EfficiencySettings:
        if self.value_added_10k_yuan is not None and not self.value_added_source:
            raise ValueError("value_added_source is required with value_added_10k_yuan / 填写工业增加值须注明来源")
        return self


class QuotaRow(Model):
    """One indicator to grade (declared in :data:`QUOTA_ROWS`)."""

    product: str = model_field(QUOTA_ROWS, "product")
    standard: str = model_field(QUOTA_ROWS, "standard")
    indicator: str = model_field(QUOTA_ROWS, "indicator")
    value: Decimal | None = model_field(QUOTA_ROWS, "value")
    production_t: Decimal | None = model_field(QUOTA_ROWS, "production_t")
    corrections: str = model_field(QUOTA_ROWS, "corrections")
    benchmark: Decimal | None = model_field(QUOTA_ROWS, "benchmark")
    baseline: Decimal | None = model_field(QUOTA_ROWS, "baseline")
    levels_source: str | None = model_field(QUOTA_ROWS, "levels_source")

    @field_validator("corrections")
    @classmethod
    def _corrections(cls, value: str) -> str:
        _pairs(value, "corrections")
        return value

    @model_validator(mode="after")
    def _levels(self) -> QuotaRow:
        if (self.benchmark is None) != (self.baseline is None):
            raise ValueError("give both benchmark and baseline, or neither / 标杆与基准水平须同时填写")
        if self.benchmark is not None and not self.levels_source:
            raise ValueError("levels_source is required with benchmark and baseline / 标杆与基准水平须注明来源")
        return self

    def correction_inputs(self) -> dict[str, Decimal]:
        """The corrections' inputs as numbers."""
        return _pairs(self.corrections, "corrections")


class ConversionRow(Model):
    """One conversion unit of the balance (declared in :data:`CONVERSIONS`)."""

    id: str = model_field(CONVERSIONS, "id")
    kind: Literal["boiler", "air_compressor", "chiller", "other"] = model_field(CONVERSIONS, "kind")
    facility: str = model_field(CONVERSIONS, "facility")
    input_carrier: str = model_field(CONVERSIONS, "input_carrier")
    output_carrier: str = model_field(CONVERSIONS, "output_carrier")
    efficiency: Decimal = model_field(CONVERSIONS, "efficiency")
    outputs: str = model_field(CONVERSIONS, "outputs")
    note: str = model_field(CONVERSIONS, "note")

    @field_validator("efficiency")
    @classmethod
    def _eta(cls, value: Decimal) -> Decimal:
        if value > 1:
            raise ValueError("efficiency is a fraction in (0, 1] / 效率为 (0, 1] 之间的小数")
        return value

    @field_validator("outputs")
    @classmethod
    def _outputs(cls, value: str) -> str:
        shares = _pairs(value, "outputs")
        if shares and sum(shares.values()) != 1:
            raise ValueError("output shares must sum to 1 / 输出份额之和须为 1")
        return value

    def output_shares(self) -> tuple[tuple[str, Decimal], ...]:
        """(end-use node, share) pairs."""
        return tuple(_pairs(self.outputs, "outputs").items())


class EfficiencyRegister(Model):
    """The whole register file: devices, settings, quota indicators, conversion units."""

    factory_id: str = Field("", description="factory the register belongs to")
    devices: tuple[Equipment, ...]
    settings: EfficiencySettings
    quota: tuple[QuotaRow, ...] = ()
    conversions: tuple[ConversionRow, ...] = ()

    @model_validator(mode="after")
    def _unique_codes(self) -> EfficiencyRegister:
        seen: set[str] = set()
        for device in self.devices:
            if device.code in seen:
                raise ValueError(f"device code {device.code} repeated / 设备编号 {device.code} 重复")
            seen.add(device.code)
        return self
