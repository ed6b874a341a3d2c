"""Energy-saving and decarbonisation measures: one type, ranked by payback and by CO2 abated.

A :class:`Measure` is what the diagnosis (节能降碳诊断) proposes and what the roadmap of source
decarbonisation will consume: what it acts on, the energy it saves per year, the CO2 it abates
per year under each method regime's electricity factor, the money it saves at the factory's
tariff, its investment, simple payback and net present value. It carries the derivation of its
figures (``basis`` and ``sources``), so a roadmap built from it can cite them.

Figures are :class:`~decimal.Decimal`; nothing is rounded here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zerocarbon.energy.equipment import Equipment
from zerocarbon.energy.savings import UpgradeSavings
from zerocarbon.energy.savings_more import MachineSavings
from zerocarbon.errors import InputError

#: Electricity at its equivalent value (当量值), GB/T 2589 附录A: 0.1229 kgce/kWh → tce per kWh.
#: The caller passes the coefficient it uses; this name documents the unit only.
TCE_PER_KGCE = Decimal("0.001")


@dataclass(frozen=True)
class Measure:
    """One measure with its yearly effect and its economics.

    Attributes
    ----------
    id : str
        Stable identifier (``upgrade:M-07``).
    kind : str
        ``equipment_upgrade`` (replace by grade 1), later ``process``, ``heat_recovery`` …
    target : str
        What it acts on (device code, process, facility).
    title_zh, title_en : str
        One line describing it.
    facility : str or None
        Facility it belongs to, if known.
    kwh_per_year : Decimal
        Electricity saved [kWh/a].
    tce_per_year : Decimal or None
        Energy saved [tce/a] at the coefficient in ``tce_basis``; None when not converted.
    tco2_per_year : dict of str to Decimal
        CO2 abated [tCO2/a] by method regime id.
    money_per_year : Decimal
        Money saved [元/a].
    investment : Decimal or None
        Investment [元]; None when nobody supplied it (then no payback or NPV).
    payback_years : Decimal or None
        investment / money_per_year [a].
    npv : Decimal or None
        Net present value [元].
    lifetime_years : int or None
        Horizon of the NPV [a].
    basis : str
        How the figures were derived (formula and inputs), in English.
    basis_zh : str
        The same in Chinese.
    sources : tuple of str
        Standards, table rows and factor rows used.
    """

    id: str
    kind: str
    target: str
    title_zh: str
    title_en: str
    facility: str | None
    kwh_per_year: Decimal
    tce_per_year: Decimal | None
    tco2_per_year: dict[str, Decimal]
    money_per_year: Decimal
    investment: Decimal | None
    payback_years: Decimal | None
    npv: Decimal | None
    lifetime_years: int | None
    basis: str
    basis_zh: str
    sources: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """Plain data (Decimals as strings)."""
        def s(v: Decimal | None) -> str | None:
            return None if v is None else str(v)
        return {
            "id": self.id, "kind": self.kind, "target": self.target, "title_zh": self.title_zh,
            "title_en": self.title_en, "facility": self.facility, "kwh_per_year": str(self.kwh_per_year),
            "tce_per_year": s(self.tce_per_year), "tco2_per_year": {k: str(v) for k, v in self.tco2_per_year.items()},
            "money_per_year": str(self.money_per_year), "investment": s(self.investment),
            "payback_years": s(self.payback_years), "npv": s(self.npv), "lifetime_years": self.lifetime_years,
            "basis": self.basis, "basis_zh": self.basis_zh, "sources": list(self.sources),
        }


def upgrade_measure(device: Equipment, by_regime: Mapping[str, UpgradeSavings], *, investment_given: bool,
                    kgce_per_kwh: Decimal | None = None) -> Measure:
    """The measure "replace ``device`` by a grade-1 one" from its savings under each regime.

    Parameters
    ----------
    device : Equipment
        The device.
    by_regime : mapping of str to UpgradeSavings
        Savings computed with each regime's electricity factor (same kWh, tariff and cost).
    investment_given : bool
        Whether the replacement cost was supplied; when False, investment, payback and NPV are None.
    kgce_per_kwh : Decimal, optional
        Electricity coefficient [kgce/kWh] for ``tce_per_year``.

    Returns
    -------
    Measure

    Raises
    ------
    InputError
        ``by_regime`` is empty.
    """
    if not by_regime:
        raise InputError(f"设备 {device.code} 没有任何口径的节能量", f"no savings for device {device.code}")
    first = next(iter(by_regime.values()))
    how = ("metered input E_in × (1 − η₀/η₁)" if first.basis == "metered"
           else f"P × β × (100/η₀ − 100/η₁) × h = {device.rated_power_kw} kW × {device.load_factor} × "
                f"(100/{first.efficiency_now_pct} − 100/{first.efficiency_grade1_pct}) × {device.running_hours} h")
    how_zh = ("计量输入电量 E_in × (1 − η₀/η₁)" if first.basis == "metered"
              else f"P × β × (100/η₀ − 100/η₁) × h（额定功率 {device.rated_power_kw} kW，负载率 "
                   f"{device.load_factor}，年运行 {device.running_hours} h）")
    return _upgrade(device, by_regime, investment_given, kgce_per_kwh,
                    f"η ≥ {first.efficiency_grade1_pct}%", f"η ≥ {first.efficiency_grade1_pct} %",
                    f"ΔE = {how}; tariff {first.tariff} yuan/kWh", f"ΔE = {how_zh}；电价 {first.tariff} 元/kWh")


def _upgrade(device: Equipment, by_regime: Mapping[str, UpgradeSavings | MachineSavings],
             investment_given: bool, kgce_per_kwh: Decimal | None, limit_zh: str, limit_en: str, basis: str,
             basis_zh: str) -> Measure:
    """The one shape of an upgrade measure: figures of the first regime's savings, CO2 under each regime."""
    first = next(iter(by_regime.values()))
    kwh = first.kwh_per_year
    return Measure(
        id=f"upgrade:{device.code}", kind="equipment_upgrade", target=device.code,
        title_zh=f"{device.name or device.code} 更换为1级能效（{limit_zh}）",
        title_en=f"replace {device.name or device.code} by grade 1 ({limit_en})",
        facility=device.facility, kwh_per_year=kwh,
        tce_per_year=kwh * kgce_per_kwh * TCE_PER_KGCE if kgce_per_kwh is not None else None,
        tco2_per_year={regime: s.tco2_per_year for regime, s in by_regime.items()},
        money_per_year=first.money_per_year,
        investment=first.replacement_cost if investment_given else None,
        payback_years=first.payback_years if investment_given else None,
        npv=first.npv if investment_given else None,
        lifetime_years=first.lifetime_years if investment_given else None,
        basis=basis, basis_zh=basis_zh, sources=(first.row_id,),
    )


def rank_by_payback(measures: Iterable[Measure]) -> list[Measure]:
    """Measures with a payback, shortest first (ties by larger CO2-free money saving), then the others."""
    items = list(measures)
    with_pb = sorted((m for m in items if m.payback_years is not None),
                     key=lambda m: (m.payback_years, -m.money_per_year, m.id))
    return with_pb + sorted((m for m in items if m.payback_years is None), key=lambda m: m.id)


def rank_by_abatement(measures: Iterable[Measure], regime: str) -> list[Measure]:
    """Measures by CO2 abated under ``regime`` [tCO2/a], largest first (ties by id).

    Raises
    ------
    InputError
        A measure has no figure for ``regime``.
    """
    items = list(measures)
    for m in items:
        if regime not in m.tco2_per_year:
            raise InputError(f"措施 {m.id} 没有口径 {regime} 的减排量", f"measure {m.id} has no figure for {regime}",
                             field="regime")
    return sorted(items, key=lambda m: (-m.tco2_per_year[regime], m.id))


def _shown(value: Decimal) -> str:
    """A limit for a title: as written in the table, or to 0.01 when computed (GB 19762's formula)."""
    return f"{value:.2f}" if value.as_tuple().exponent < -2 else str(value)  # type: ignore[operator]


def machine_upgrade_measure(device: Equipment, by_regime: Mapping[str, MachineSavings], *, investment_given: bool,
                            kgce_per_kwh: Decimal | None = None) -> Measure:
    """The measure "replace this compressor, fan or pump by a grade-1 one" (:mod:`zerocarbon.energy.savings_more`).

    Parameters are those of :func:`upgrade_measure`, with the savings of
    :func:`~zerocarbon.energy.savings_more.machine_upgrade_to_grade1`.

    Raises
    ------
    InputError
        ``by_regime`` is empty.
    """
    if not by_regime:
        raise InputError(f"设备 {device.code} 没有任何口径的节能量", f"no savings for device {device.code}")
    first = next(iter(by_regime.values()))
    now, target = _shown(first.value_now), _shown(first.value_grade1)
    sym, sym1 = ("e₀", "e₁") if first.metric == "specific_power" else ("η₀", "η₁")
    ratio = f"(1 − {target}/{now})" if first.metric == "specific_power" else f"(1 − {now}/{target})"
    e0 = "metered E_in" if first.basis == "metered" else \
        f"P × β × h = {device.rated_power_kw} kW × {device.load_factor} × {device.running_hours} h"
    e0_zh = "计量输入电量 E_in" if first.basis == "metered" else \
        (f"P × β × h（额定功率 {device.rated_power_kw} kW，负载率 {device.load_factor}，"
         f"年运行 {device.running_hours} h）")
    limit = f"{'≤' if first.metric == 'specific_power' else '≥'} {target} {first.unit}"
    what = "e" if first.metric == "specific_power" else "η"
    return _upgrade(device, by_regime, investment_given, kgce_per_kwh, f"{what} {limit}", f"{what} {limit}",
                    f"{first.formula} with E₀ = {e0}, {sym}/{sym1} of {first.standard}: {ratio}; tariff "
                    f"{first.tariff} yuan/kWh",
                    f"{first.formula}，E₀ = {e0_zh}，{first.standard}：{ratio}；电价 {first.tariff} 元/kWh")
