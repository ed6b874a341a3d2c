"""The instrument ledger: events applied in order, every double counting refused with its reason.

Rules enforced (each refusal names the rule, in Chinese and English):

1. **A serial exists once**: a range that overlaps a range already in the ledger (same kind and
   prefix) is refused, whoever holds it.
2. **A serial retires once**, and only while held: retired, sold or transferred serials cannot be
   retired, sold or transferred again.
3. **A MWh is claimed by trade or by certificate, never both**: the GECs bundled with a green-power
   contract are its proof; once a contract month is claimed through the contract, its bundled GECs cannot
   be retired, and once its bundled GECs are retired, the contract cannot be claimed.
4. **Certificates sold from on-site generation remove that generation's claim**: the sold MWh are listed
   per production month for the accounting (``certificates_kept: false`` of the on-site line).
5. **Validity**: a GEC retires only within its validity (two years from its production month; GECs of
   electricity before 2024 until 2025-12-31: NEA 2024-09-05), never for a period that ended before the
   electricity was produced; storage discharge gets no GEC; non-tradable GECs (self-consumed, off-grid,
   pre-2023 hydro) are not transferred or sold.
6. **Purpose**: GECs and contracts serve electricity claims (scope 2 and the zero-carbon regime); credits
   (CCER, VCS, Gold Standard, Article 6) serve the offset of residual emissions; each retirement needs its
   proof (核销凭证), a contract its consumption proof. No vintage rule for credits is held in a source we
   can cite: vintages are recorded and shown, not judged.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from zerocarbon.model.period import Period
from zerocarbon.offsets.instruments import CREDIT_KINDS, Acquire, Allocate, Event, Instrument, Retire, Transfer

Range = tuple[int, int]


@dataclass(frozen=True)
class Refusal:
    index: int  # 1-based position of the event in the ledger
    event: str
    instrument: str
    rule: str
    reason_zh: str
    reason_en: str

    def reason(self, lang: str) -> str:
        return self.reason_zh if lang == "zh" else self.reason_en


@dataclass(frozen=True)
class Retirement:
    instrument: Instrument
    serials: Range | None  # None for a contract month
    amount: Decimal  # MWh (GEC, contract) or t CO2e (credits)
    unit: str
    period: str
    purpose: str
    on: date  # the event date
    proof: str
    month: str | None = None


@dataclass
class Ledger:
    """The state after applying events: instruments, what each serial became, retirements and refusals."""

    holder: str
    instruments: dict[str, Instrument] = field(default_factory=dict)
    # instrument id → [(from, to, state)], state: held | retired | sold | transferred
    ranges: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)
    retirements: list[Retirement] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    allocations: list[tuple[str, Range | None, str, str]] = field(default_factory=list)
    onsite_sold: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    _contract_claims: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    _bundled_claims: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    # ------------------------------------------------------------------------------- queries
    def claims(self, period: str) -> dict[str, Decimal]:
        """Retired amounts claimed for ``period`` (a year collects its months): GEC MWh, contract MWh,
        credit tonnes."""
        target = Period.parse(period)
        out = {"gec_mwh": Decimal(0), "contract_mwh": Decimal(0), "credits_t": Decimal(0)}
        for r in self.retirements:
            p = Period.parse(r.period)
            if p.year != target.year or (target.month is not None and p.month != target.month):
                continue
            key = (
                "credits_t"
                if r.instrument.kind in CREDIT_KINDS
                else ("contract_mwh" if r.instrument.kind == "green_contract" else "gec_mwh")
            )
            out[key] += r.amount
        return out

    def certificates_for(self, year: int) -> list[dict[str, Any]]:
        """The retired GECs claimed for ``year``, as the accounting's certificate records
        (``model.inventory_input.Certificate``)."""
        out = []
        for r in self.retirements:
            i = r.instrument
            if i.kind != "gec" or Period.parse(r.period).year != year or r.serials is None:
                continue
            out.append(
                {
                    "serial": f"{i.prefix}{r.serials[0]}-{r.serials[1]}",
                    "mwh": str(r.amount),
                    "generation_period": i.production_month,
                    "retired": True,
                    "retired_for": str(year),
                    "bundled_with": i.bundled_with,
                    "technology": i.technology,
                    "evidence": i.evidence,
                    "retirement_proof": r.proof,
                }
            )
        return out

    def held(self, instrument: str) -> int:
        return sum(b - a + 1 for a, b, s in self.ranges.get(instrument, []) if s == "held")

    # ------------------------------------------------------------------------------- apply
    def _refuse(self, n: int, ev: Event, rule: str, zh: str, en: str) -> None:
        inst = ev.instrument.id if isinstance(ev, Acquire) else ev.instrument
        self.refusals.append(Refusal(n, ev.event, inst, rule, zh, en))

    def _overlaps(self, new: Instrument) -> Instrument | None:
        assert new.serial_from is not None and new.serial_to is not None
        for old in self.instruments.values():
            if (
                old.kind == new.kind
                and old.prefix == new.prefix
                and old.serial_from is not None
                and old.serial_to is not None
                and old.serial_from <= new.serial_to
                and new.serial_from <= old.serial_to
            ):
                return old
        return None

    def _span(self, inst: Instrument, a: int | None, b: int | None) -> Range:
        assert inst.serial_from is not None and inst.serial_to is not None
        return (inst.serial_from if a is None else a, inst.serial_to if b is None else b)

    def _state_of(self, inst_id: str, span: Range) -> str | None:
        """'held' when every serial of ``span`` is held; else the first other state met (None: outside)."""
        lo, hi = span
        covered = 0
        for a, b, s in self.ranges[inst_id]:
            if b < lo or a > hi:
                continue
            if s != "held":
                return s
            covered += min(b, hi) - max(a, lo) + 1
        return "held" if covered == hi - lo + 1 else None

    def _mark(self, inst_id: str, span: Range, state: str) -> None:
        lo, hi = span
        out: list[tuple[int, int, str]] = []
        for a, b, s in self.ranges[inst_id]:
            if b < lo or a > hi:
                out.append((a, b, s))
                continue
            if a < lo:
                out.append((a, lo - 1, s))
            out.append((max(a, lo), min(b, hi), state))
            if b > hi:
                out.append((hi + 1, b, s))
        self.ranges[inst_id] = sorted(out)

    def apply(self, events: list[Event]) -> Ledger:
        for n, ev in enumerate(events, start=1):
            if isinstance(ev, Acquire):
                self._acquire(n, ev)
            elif isinstance(ev, Retire):
                self._retire(n, ev)
            elif isinstance(ev, Transfer):
                self._transfer(n, ev)
            else:
                self._allocate(n, ev)
        return self

    def _acquire(self, n: int, ev: Acquire) -> None:
        inst = ev.instrument
        if inst.id in self.instruments:
            self._refuse(
                n,
                ev,
                "unique-id",
                f"工具编号 {inst.id} 已在台账中",
                f"instrument id {inst.id} is already in the ledger",
            )
            return
        if inst.kind == "gec" and inst.origin == "storage":
            self._refuse(
                n,
                ev,
                "no-gec-for-storage",
                "储能放电不核发绿证（国家能源局 2024-09-05 规则）",
                "storage discharge receives no GEC (NEA rules of 2024-09-05)",
            )
            return
        if inst.kind != "green_contract":
            old = self._overlaps(inst)
            if old is not None:
                self._refuse(
                    n,
                    ev,
                    "serial-once",
                    f"序列号与台账中的 {old.id} 重叠：同一证书/减排量不能登记两次",
                    f"serials overlap {old.id} already in the ledger: one certificate or credit is recorded once",
                )
                return
            assert inst.serial_from is not None and inst.serial_to is not None
            self.ranges[inst.id] = [(inst.serial_from, inst.serial_to, "held")]
        self.instruments[inst.id] = inst

    def _known(self, n: int, ev: Transfer | Retire | Allocate) -> Instrument | None:
        inst = self.instruments.get(ev.instrument)
        if inst is None:
            self._refuse(
                n, ev, "unknown", f"台账中没有工具 {ev.instrument}", f"no instrument {ev.instrument} in the ledger"
            )
        return inst

    def _range_ok(self, n: int, ev: Transfer | Retire | Allocate, inst: Instrument) -> Range | None:
        span = self._span(inst, ev.serial_from, ev.serial_to)
        assert inst.serial_from is not None and inst.serial_to is not None
        if span[0] > span[1] or span[0] < inst.serial_from or span[1] > inst.serial_to:
            self._refuse(
                n,
                ev,
                "range",
                f"序列号 {span[0]}–{span[1]} 不在 {inst.id} 的范围内",
                f"serials {span[0]}–{span[1]} are outside {inst.id}",
            )
            return None
        state = self._state_of(inst.id, span)
        if state != "held":
            zh = {"retired": "已核销", "sold": "已出售", "transferred": "已转出"}.get(state or "", "不在持有中")
            en = {"retired": "already retired", "sold": "already sold", "transferred": "already transferred"}.get(
                state or "", "not held"
            )
            self._refuse(
                n,
                ev,
                "retire-once",
                f"{inst.id} 的序列号 {span[0]}–{span[1]} {zh}：不能重复使用",
                f"serials {span[0]}–{span[1]} of {inst.id} are {en}: they cannot be used again",
            )
            return None
        return span

    def _transfer(self, n: int, ev: Transfer) -> None:
        inst = self._known(n, ev)
        if inst is None:
            return
        if inst.kind == "green_contract":
            self._refuse(n, ev, "contract", "绿电合同不能转让", "a green-power contract is not transferred")
            return
        if not inst.tradable:
            self._refuse(
                n,
                ev,
                "non-tradable",
                "自发自用、离网或 2023 年前水电的绿证不可交易，随结算电量转移（国家能源局 2024-09-05）",
                "GECs of self-consumed, off-grid or pre-2023 hydro generation are not tradable; they move "
                "only with the settled electricity (NEA 2024-09-05)",
            )
            return
        span = self._range_ok(n, ev, inst)
        if span is None:
            return
        self._mark(inst.id, span, "sold" if ev.event == "sale" else "transferred")
        if ev.event == "sale" and inst.kind == "gec" and inst.onsite and inst.production_month:
            self.onsite_sold[inst.production_month] += Decimal(span[1] - span[0] + 1)

    def _allocate(self, n: int, ev: Allocate) -> None:
        inst = self._known(n, ev)
        if inst is None:
            return
        span = None if inst.kind == "green_contract" else self._range_ok(n, ev, inst)
        if inst.kind != "green_contract" and span is None:
            return
        Period.parse(ev.period)
        self.allocations.append((inst.id, span, ev.period, ev.facility))

    def _retire(self, n: int, ev: Retire) -> None:
        inst = self._known(n, ev)
        if inst is None:
            return
        period = Period.parse(ev.period)
        credit = inst.kind in CREDIT_KINDS
        if credit and ev.purpose != "offset":
            self._refuse(
                n,
                ev,
                "purpose",
                "减排量（CCER 等）用于抵销剩余排放，不用于电力核算（purpose 应为 offset）",
                "credits (CCER …) offset residual emissions; they do not make electricity green (purpose: offset)",
            )
            return
        if not credit and ev.purpose != "scope2":
            self._refuse(
                n,
                ev,
                "purpose",
                "绿证和绿电合同用于电力核算，不作为抵销减排量（purpose 应为 scope2）",
                "GECs and green-power contracts serve electricity claims, not offsets (purpose: scope2)",
            )
            return
        if inst.kind == "green_contract":
            self._retire_contract(n, ev, inst)
            return
        if not ev.proof and not (inst.kind == "gec" and inst.bundled_with):
            self._refuse(n, ev, "proof", "核销需有核销凭证编号（proof）", "a retirement needs its proof id (proof)")
            return
        if inst.kind == "gec":
            assert inst.production_month is not None
            produced = Period.parse(inst.production_month)
            until = inst.valid_until()
            if until is not None and ev.date > until:
                self._refuse(
                    n,
                    ev,
                    "expired",
                    f"绿证已于 {until} 过期（有效期自生产月起两年，国家能源局 2024-09-05）",
                    f"the GECs expired on {until} (valid two years from the production month, NEA 2024-09-05)",
                )
                return
            if (period.year, period.month or 12) < (produced.year, produced.month or 1):
                self._refuse(
                    n,
                    ev,
                    "before-production",
                    f"申领期 {ev.period} 早于发电月份 {inst.production_month}",
                    f"the period claimed {ev.period} ends before the electricity was produced "
                    f"({inst.production_month})",
                )
                return
            if inst.bundled_with and any(k[0] == inst.bundled_with for k in self._contract_claims):
                self._refuse(
                    n,
                    ev,
                    "trade-or-certificate",
                    f"绿电合同 {inst.bundled_with} 的电量已按合同申领，随附绿证不能再申领",
                    f"the MWh of contract {inst.bundled_with} were claimed through the contract; its bundled "
                    "GECs cannot be claimed as well",
                )
                return
        span = self._range_ok(n, ev, inst)
        if span is None:
            return
        self._mark(inst.id, span, "retired")
        amount = Decimal(span[1] - span[0] + 1)
        if inst.kind == "gec" and inst.bundled_with:
            self._bundled_claims[inst.bundled_with] += amount
        self.retirements.append(
            Retirement(inst, span, amount, "t CO2e" if credit else "MWh", str(period), ev.purpose, ev.date, ev.proof)
        )

    def _retire_contract(self, n: int, ev: Retire, inst: Instrument) -> None:
        if not inst.consumption_proof:
            self._refuse(
                n,
                ev,
                "proof",
                f"绿电合同 {inst.id} 缺少绿色电力消费凭证",
                f"contract {inst.id} has no consumption proof",
            )
            return
        months = (
            [ev.month]
            if ev.month
            else [m for m in inst.monthly_mwh if Period.parse(m).year == Period.parse(ev.period).year]
        )
        if not months or any(m not in inst.monthly_mwh for m in months):
            self._refuse(
                n,
                ev,
                "range",
                f"合同 {inst.id} 没有 {ev.month or ev.period} 的电量",
                f"contract {inst.id} has no volume for {ev.month or ev.period}",
            )
            return
        if self._bundled_claims.get(inst.id):
            self._refuse(
                n,
                ev,
                "trade-or-certificate",
                f"合同 {inst.id} 的随附绿证已核销，电量不能再按合同申领",
                f"the GECs bundled with {inst.id} were retired; its MWh cannot be claimed through the contract too",
            )
            return
        for m in months:
            if (inst.id, m) in self._contract_claims:
                self._refuse(
                    n,
                    ev,
                    "retire-once",
                    f"合同 {inst.id} 的 {m} 电量已申领",
                    f"contract {inst.id} month {m} was already claimed",
                )
                return
        for m in months:
            self._contract_claims[(inst.id, m)] = inst.monthly_mwh[m]
            self.retirements.append(
                Retirement(
                    inst, None, inst.monthly_mwh[m], "MWh", ev.period, ev.purpose, ev.date, inst.consumption_proof, m
                )
            )


def build_ledger(holder: str, events: list[Event]) -> Ledger:
    """Apply ``events`` in order; refused events change nothing and are listed in ``refusals``."""
    return Ledger(holder).apply(events)
