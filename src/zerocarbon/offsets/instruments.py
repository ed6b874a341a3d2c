"""Instruments and ledger events (碳抵销工具台账): green electricity certificates, green-power contracts,
CCER and international credits, and what happens to them (purchase, transfer, allocation, sale,
retirement).

Rules of the green electricity certificate (绿证, GEC) as NEA's 《可再生能源绿色电力证书核发和交易规则》
(2024-09-05) gives them (reference: ``standards-cn-2026.md`` §2.2, sources
http://m.bailiqin.com/news/show-200432.html and http://hutangcun.com/news/show-200423.html, [V]):
1 GEC = 1 MWh; valid two years counted from the production month inclusive, and GECs for electricity
produced before 2024-01-01 valid to the end of 2025; expired GECs and GECs declared as consumed are
cancelled (核销); self-consumed and off-grid generation receive non-tradable GECs, which move only with
the settled electricity; storage discharge receives none.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from zerocarbon.model.period import Period

Kind = Literal["gec", "green_contract", "ccer", "vcs", "gold_standard", "article6"]
CREDIT_KINDS = ("ccer", "vcs", "gold_standard", "article6")
#: Where the certified electricity came from (the NEA rules decide tradability and whether a GEC exists).
Origin = Literal["grid", "self_consumed", "off_grid", "storage", "hydro_pre2023"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Instrument(_Model):
    """One instrument or a contiguous batch of them, as acquired.

    GECs are a serial range ``serial_from``–``serial_to`` (inclusive, numeric part), one per MWh;
    credits (CCER, VCS, Gold Standard, Article 6) a serial range of tonnes CO2e; a green-power contract
    its monthly volumes [MWh] with the consumption proof.
    """

    id: str = Field(min_length=1)
    kind: Kind
    prefix: str = Field("", description="serial prefix shared by the range (registry, project)")
    serial_from: int | None = Field(None, ge=0)
    serial_to: int | None = Field(None, ge=0)
    production_month: str | None = Field(None, description="GEC: month the electricity was produced, YYYY-MM")
    vintage: int | None = Field(None, description="credits: vintage year")
    technology: str = ""
    project: str = ""
    province: str = ""
    origin: Origin = "grid"
    onsite: bool = Field(False, description="GEC issued for this factory's own on-site generation")
    bundled_with: str | None = Field(None, description="GEC: the green-power contract it came with")
    monthly_mwh: dict[str, Decimal] = Field(default_factory=dict, description="green contract: month → MWh")
    consumption_proof: str = ""
    evidence: str = ""

    @model_validator(mode="after")
    def _shape(self) -> Instrument:
        if self.kind == "green_contract":
            if not self.monthly_mwh:
                raise ValueError("monthly_mwh: a green-power contract needs its monthly volumes")
            for month, mwh in self.monthly_mwh.items():
                Period.parse(month)
                if mwh <= 0:
                    raise ValueError(f"monthly_mwh.{month}: volumes must be positive")
            return self
        if self.serial_from is None or self.serial_to is None or self.serial_to < self.serial_from:
            raise ValueError("serial_from/serial_to: a serial range with serial_to ≥ serial_from is required")
        if self.kind == "gec":
            if self.production_month is None:
                raise ValueError("production_month: a GEC needs its production month")
            Period.parse(self.production_month)
        elif self.vintage is None:
            raise ValueError("vintage: a credit needs its vintage year")
        return self

    @property
    def count(self) -> int:
        """Certificates (MWh) or credits (t CO2e) in the range."""
        assert self.serial_from is not None and self.serial_to is not None
        return self.serial_to - self.serial_from + 1

    @property
    def tradable(self) -> bool:
        """GECs of self-consumed or off-grid generation and of pre-2023 hydro are not tradable (NEA 2024)."""
        return self.kind != "gec" or self.origin not in ("self_consumed", "off_grid", "hydro_pre2023")

    def valid_until(self) -> date | None:
        """Last day a GEC can be claimed: production month + 23 months, end of month; 2025-12-31 for
        electricity produced before 2024-01-01 (NEA 2024-09-05). None for other kinds (no rule held)."""
        if self.kind != "gec" or self.production_month is None:
            return None
        p = Period.parse(self.production_month)
        month = p.month or 1
        if (p.year, month) < (2024, 1):
            return date(2025, 12, 31)
        year, month0 = divmod(p.year * 12 + month - 1 + 24, 12)  # the first month after the validity
        return date(year, month0 + 1, 1) - timedelta(days=1)


class Acquire(_Model):
    event: Literal["purchase", "issue"]
    date: date
    instrument: Instrument
    counterparty: str = ""


class Transfer(_Model):
    event: Literal["transfer", "sale"]
    date: date
    instrument: str
    serial_from: int | None = None
    serial_to: int | None = None
    to: str = Field(min_length=1)


class Allocate(_Model):
    event: Literal["allocate"]
    date: date
    instrument: str
    serial_from: int | None = None
    serial_to: int | None = None
    period: str
    facility: str = ""


class Retire(_Model):
    event: Literal["retire"]
    date: date
    instrument: str
    serial_from: int | None = None
    serial_to: int | None = None
    period: str = Field(description="consumption (GEC, contract) or emission (credits) period claimed, YYYY or YYYY-MM")
    purpose: Literal["scope2", "offset"] = "scope2"
    proof: str = Field("", description="retirement proof (核销凭证) id")
    evidence: str = ""
    month: str | None = Field(None, description="green contract: the contract month claimed")


Event = Annotated[Acquire | Transfer | Allocate | Retire, Field(discriminator="event")]


class LedgerFile(_Model):
    schema_version: Literal[1] = 1
    holder: str = Field(min_length=1, description="the factory id holding the instruments")
    events: list[Event]
