"""Market-based scope 2: which grid MWh are covered by retired green certificates (绿证).

Rules (GHG Protocol Scope 2 Guidance quality criteria; NEA GEC rules, 发改能源〔2023〕1044号 and the NEA
page relayed at http://m.sip-scootershop.cn/art/2024/7/19/art_11026_2533075.html):

* 1 GEC = 1 MWh. Only certificates retired (核销) for this factory's consumption in the data year
  count, and only when generated in that year (``certificate_matching="year"``) or in the same month
  as the consumption (``"month"``). Others are listed as excluded, with the reason.
* A certificate bundled with a green-power purchase (绿电交易) is that purchase's proof: it is never
  applied again to grid electricity, and bundled MWh may not exceed the purchase.
* With year matching the certificates cover the year's grid purchases pro rata to their MWh (so
  no month looks greener than another by the order of allocation); with month matching each
  certificate covers its generation month's purchases in period order. A claim larger than the
  grid electricity it could cover is an error (never a silent cap).
* An unbundled certificate counts only with its serial and the retirement proof (核销凭证, NEA GEC
  rules: a certificate conveys the attribute to one consumer only once it is retired for it); one
  without it is listed as excluded.
* Green power stated inside the settlement meter's reading (``inside_settlement_meter: true``) is
  already in the metered grid lines of its period: :func:`net_of_green_inside_meter` subtracts it
  from them (pro rata), so it is not added on top; more green MWh than grid MWh is an error.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from decimal import ROUND_HALF_EVEN, Decimal

from zerocarbon.accounting.notices import Notice, phrase
from zerocarbon.accounting.results import ExcludedInstrument
from zerocarbon.errors import InputError
from zerocarbon.model.inventory_input import GREEN_KINDS, ActivityLine, Category, Certificate
from zerocarbon.model.period import Period
from zerocarbon.units import conversion_factor

#: Precision of a pro-rata certificate share [MWh]: 1 Wh.
SHARE_QUANTUM = Decimal("0.000001")


def _mwh(line: ActivityLine) -> Decimal:
    try:
        return line.amount * conversion_factor(line.unit, "MWh")
    except InputError as exc:
        raise replace(exc, field="unit", details={**exc.details, "line": line.id}) from exc


def allocate_certificates(
    lines: list[ActivityLine], certificates: list[Certificate], year: int, matching: str,
) -> tuple[dict[str, Decimal], dict[str, list[str]], list[dict[str, str]], list[ExcludedInstrument]]:
    """Assign retired certificates to the grid lines of ``year``.

    Returns
    -------
    covered : dict
        line id → MWh covered by certificates.
    serials : dict
        line id → serials applied to it.
    applied : list
        one record per (certificate, line) assignment, for the report.
    excluded : list
        certificates not counted, with the reason.

    Raises
    ------
    InputError
        When certificates claim more MWh than the grid electricity they can cover, or a bundled
        certificate does not fit its green-power line.
    """
    by_id = {line.id: line for line in lines}
    grid = sorted((line for line in lines if line.category is Category.ELECTRICITY_PURCHASED
                   and line.electricity_kind == "grid" and Period.parse(line.period).year == year),
                  key=lambda ln: (Period.parse(ln.period), ln.id))
    excluded: list[ExcludedInstrument] = []
    usable: list[Certificate] = []
    bundled: dict[str, Decimal] = defaultdict(Decimal)
    bundled_serials: dict[str, list[str]] = defaultdict(list)
    for cert in certificates:
        gen = Period.parse(cert.generation_period)
        if Period.parse(cert.retired_for).year != year:
            if gen.year == year or Period.parse(cert.retired_for).year == year:
                excluded.append(ExcludedInstrument(
                    cert.serial, cert.mwh, f"核销所属年份为 {cert.retired_for}，不是 {year}",
                    f"retired for {cert.retired_for}, not {year}"))
            continue
        if cert.bundled_with:
            target = by_id.get(cert.bundled_with)
            if target is None or target.electricity_kind not in GREEN_KINDS:
                raise InputError(f"绿证 {cert.serial} 绑定的 “{cert.bundled_with}” 不是绿电交易行",
                                 f"certificate {cert.serial} is bundled with '{cert.bundled_with}', "
                                 "which is not a green-power line", field="bundled_with",
                                 details={"certificate": cert.serial})
            bundled[cert.bundled_with] += cert.mwh
            bundled_serials[cert.bundled_with].append(cert.serial)
            continue
        if not cert.retired:
            excluded.append(ExcludedInstrument(cert.serial, cert.mwh, "未核销", "not retired"))
        elif gen.year != year:
            excluded.append(ExcludedInstrument(cert.serial, cert.mwh, f"生产年份 {gen.year} 与核算年份 {year} 不符",
                                               f"generated in {gen.year}, not in {year}"))
        elif not cert.retirement_proof:
            excluded.append(ExcludedInstrument(
                cert.serial, cert.mwh, "缺少核销凭证编号（retirement_proof），无法证明已为本企业核销",
                "no retirement proof (核销凭证, retirement_proof): retirement for this factory is not evidenced"))
        else:
            usable.append(cert)
    for line_id, mwh in bundled.items():
        if mwh > _mwh(by_id[line_id]):
            raise InputError(f"绿电交易 {line_id} 绑定的绿证 {mwh} MWh 多于购入电量 {_mwh(by_id[line_id])} MWh",
                             f"certificates bundled with {line_id} ({mwh} MWh) exceed its purchase "
                             f"({_mwh(by_id[line_id])} MWh)", field="mwh",
                             details={"certificate": bundled_serials[line_id][-1]})

    ordered = sorted(usable, key=lambda c: (Period.parse(c.generation_period), c.serial))
    if matching == "year":
        covered, serials, applied = _pro_rata(grid, ordered, year)
    else:
        covered, serials, applied = _by_month(grid, ordered)
    return covered, serials, applied, excluded


def _over_claim(cert: Certificate, left: Decimal, scope: str) -> InputError:
    return InputError(
        f"绿证申报电量大于可对应的购入电网电量：绿证 {cert.serial} 还有 {left} MWh 无可抵扣电量（{scope}）",
        f"green-certificate claim larger than purchased grid electricity: {left} MWh of certificate "
        f"{cert.serial} have no grid electricity left to cover ({scope})",
        field="mwh", expected="retired certificates ≤ purchased grid electricity of the period",
        details={"certificate": cert.serial},
    )


def _pro_rata(grid: list[ActivityLine], certs: list[Certificate], year: int
              ) -> tuple[dict[str, Decimal], dict[str, list[str]], list[dict[str, str]]]:
    """Year matching: the certificates cover every grid line of the year in proportion to its MWh.

    Each line's covered MWh = its MWh × (certificate MWh / grid MWh), rounded to 1 Wh (10⁻⁶ MWh) so
    that every figure computed from it is an exact decimal; the last line takes the exact remainder,
    so the covered MWh add up to the certificates to the last digit.
    """
    grid_total = sum((_mwh(line) for line in grid), Decimal(0))
    running = Decimal(0)
    for cert in certs:
        running += cert.mwh
        if running > grid_total:
            raise _over_claim(cert, running - grid_total, str(year))
    cert_total = running
    covered: dict[str, Decimal] = {}
    given = Decimal(0)
    for i, line in enumerate(grid):
        share = (cert_total - given if i == len(grid) - 1
                 else (_mwh(line) * cert_total / grid_total).quantize(SHARE_QUANTUM, ROUND_HALF_EVEN))
        covered[line.id] = share
        given += share
    names = [c.serial for c in certs]
    serials = {line.id: list(names) for line in grid} if certs else {}
    applied = [{"serial": c.serial, "line": phrase("pro_rata", n=len(grid), year=year), "mwh": str(c.mwh)}
               for c in certs]
    return covered, serials, applied


def _by_month(grid: list[ActivityLine], certs: list[Certificate]
              ) -> tuple[dict[str, Decimal], dict[str, list[str]], list[dict[str, str]]]:
    """Month matching: a certificate covers only consumption of its generation month, in period order."""
    remaining = {line.id: _mwh(line) for line in grid}
    covered: dict[str, Decimal] = defaultdict(Decimal)
    serials: dict[str, list[str]] = defaultdict(list)
    applied: list[dict[str, str]] = []
    for cert in certs:
        left = cert.mwh
        gen = Period.parse(cert.generation_period)
        for line in grid:
            if left == 0:
                break
            if not Period.parse(line.period).contains(gen):
                continue
            take = min(left, remaining[line.id])
            if take == 0:
                continue
            remaining[line.id] -= take
            covered[line.id] += take
            serials[line.id].append(cert.serial)
            applied.append({"serial": cert.serial, "line": line.id, "mwh": str(take)})
            left -= take
        if left > 0:
            raise _over_claim(cert, left, str(gen))
    return dict(covered), dict(serials), applied


def net_of_green_inside_meter(lines: list[ActivityLine]) -> tuple[list[ActivityLine], list[str]]:
    """Grid lines net of the green power inside their settlement meter's reading [MWh].

    A green-power or direct-line purchase stated ``inside_settlement_meter: true`` is part of the
    reading of the settlement meters whose grid lines are in the inventory: its MWh are subtracted
    from the grid lines whose period contains it (or that it contains), in proportion to their MWh
    (1 Wh steps, the last line takes the exact remainder), so every MWh is counted once.

    Returns
    -------
    lines : list
        The lines, grid lines reduced (their note says by what); other lines unchanged.
    notes : list
        One warning per green line netted, for the inventory's warnings.

    Raises
    ------
    InputError
        No grid line of the period, or green MWh larger than the grid MWh they are inside.
    """
    out = list(lines)
    notes: list[str] = []
    for green in (ln for ln in lines if ln.inside_settlement_meter and ln.electricity_kind in GREEN_KINDS):
        gp = Period.parse(green.period)
        idx = [i for i, ln in enumerate(out) if ln.category is Category.ELECTRICITY_PURCHASED
               and ln.electricity_kind == "grid" and (Period.parse(ln.period).contains(gp)
                                                      or gp.contains(Period.parse(ln.period)))]
        grid_total = sum((_mwh(out[i]) for i in idx), Decimal(0))
        need = _mwh(green)
        if need > grid_total:
            raise InputError(
                f"绿电 {green.id} 标明含在结算表计读数内（inside_settlement_meter），"
                f"但同期电网购电只有 {grid_total} MWh，少于其 {need} MWh",
                f"green power {green.id} is stated inside the settlement meter's reading, but the grid lines of "
                f"{green.period} hold only {grid_total} MWh, less than its {need} MWh",
                field="inside_settlement_meter", details={"line": green.id},
                expected="inside: grid lines of the period that contain it; outside: inside_settlement_meter false")
        given = Decimal(0)
        for n, i in enumerate(idx):
            line = out[i]
            share = (need - given if n == len(idx) - 1
                     else (_mwh(line) * need / grid_total).quantize(SHARE_QUANTUM, ROUND_HALF_EVEN))
            given += share
            per_unit = conversion_factor(line.unit, "MWh")
            note = (f"{line.note}; " if line.note else "") + (
                f"含绿电 {green.id} {share} MWh（在结算表计内，已扣除） / net of {share} MWh of {green.id} "
                f"(green power inside the settlement meter)")
            out[i] = line.model_copy(update={"amount": line.amount - share / per_unit, "note": note})
        notes.append(Notice("green_inside_meter", {"green": green.id, "mwh": format(need, "f"), "n": len(idx),
                                                   "period": green.period}))
    return out, notes
