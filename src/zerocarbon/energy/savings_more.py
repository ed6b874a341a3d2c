"""Savings of replacing an air compressor, a fan or a pump by one at grade 1 of its standard.

The useful output of the machine is kept; only its energy per unit of output changes, so the yearly
energy saved is the yearly input energy E₀ times one ratio taken from the standard's table row the
device was graded against (:mod:`zerocarbon.energy.compressors`, :mod:`~zerocarbon.energy.fans`,
:mod:`~zerocarbon.energy.pumps`):

Air compressors, GB 19153-2019 表1 (specific power e = packaged-compressor input power ÷ its volume
flow rate [kW/(m³/min)], lower is better; grade-1 value e₁ = the largest specific power of grade 1 in
the same power / pressure / cooling cell). The same volume of air V = E₀ / e₀ is delivered:

    ΔE = E₀ × (1 − e₁ / e₀)                                              [kWh/a]

Fans, GB 19761-2020 表1–表4, and clean-water pumps, GB 19762-2025 (fan or pump efficiency η [%],
higher is better; η₁ = the grade-1 minimum of the same band, or of the pump formula at the pump's own
specific speed ns and flow Q). The same air or hydraulic power P_u = P_shaft × η₀ is delivered:

    ΔE = E₀ × (1 − η₀ / η₁)                                              [kWh/a]

with the yearly input energy

    E₀ = P × β × h                   (register)                           [kWh/a]
    E₀ = E_in                        (the device's meter, when linked)    [kWh/a]

P the rated power [kW] (compressors: the table's power column, the drive motor's nominal power; fans
and pumps: the rated power of the drive), β the mean load as a share of it [1] (compressors: mean
packaged input power ÷ P; fans and pumps: mean shaft power ÷ P), h the running hours [h/a].

Simplifications, stated with every result:

* the standards grade a machine at its rated point (specific power at rated pressure; fan efficiency as
  GB 19761-2020 defines it; pump efficiency at the best-efficiency point); the ratio is applied at the
  running load, as :mod:`zerocarbon.energy.savings` does for motors;
* the replacement is assumed to sit exactly on the grade-1 limit, so the saving is a lower bound for a
  real grade-1 machine;
* for fans and pumps on the register basis E₀ is shaft energy: the electricity saved is ΔE ÷ η_drive
  ≥ ΔE, so the figure is again a lower bound (the drive's efficiency is not in the register). On the
  metered basis E_in is electricity and ΔE = E_in (1 − η₀/η₁) holds exactly when the drive's
  efficiency does not change.

Money, CO2, payback and NPV follow :mod:`zerocarbon.energy.savings` (ΔC = ΔE × EF / 1000 with the
caller's electricity factor EF [tCO2/MWh]; ΔM = ΔE × tariff; T = cost / ΔM; NPV by
:func:`~zerocarbon.energy.savings.npv`). Only grade 1 is offered as the target: the advanced level
(能效先进水平) of 《重点用能产品设备能效先进水平、节能水平和准入水平》 is not in the shipped data. All
figures are :class:`~decimal.Decimal`; nothing is rounded here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from zerocarbon.energy.compressors import graded_specific_power
from zerocarbon.energy.equipment import Equipment, GradeResult
from zerocarbon.energy.savings import npv
from zerocarbon.errors import InputError

THOUSAND = Decimal(1000)
HUNDRED = Decimal(100)
MachineKind = Literal["air_compressor", "fan", "pump"]
#: The metric each kind is graded by: (name, unit, lower is better).
METRICS: dict[str, tuple[str, str, bool]] = {
    "air_compressor": ("specific_power", "kW/(m³/min)", True),
    "fan": ("efficiency_pct", "%", False),
    "pump": ("efficiency_pct", "%", False),
}


@dataclass(frozen=True)
class MachineSavings:
    """Savings of upgrading one compressor, fan or pump to grade 1, with the inputs used.

    Attributes
    ----------
    code, kind : str
        Device code and kind (``air_compressor``, ``fan``, ``pump``).
    standard, row_id : str
        The standard and the table row (grade 1) giving the target value.
    metric, unit : str
        ``specific_power`` [kW/(m³/min)] or ``efficiency_pct`` [%].
    value_now, value_grade1 : Decimal
        e₀ and e₁, or η₀ and η₁, in ``unit``.
    ratio : Decimal
        The share of E₀ saved: 1 − e₁/e₀ or 1 − η₀/η₁ [1].
    input_kwh : Decimal
        E₀ [kWh/a]: P × β × h, or the metered E_in.
    kwh_per_year, tco2_per_year, money_per_year : Decimal
        ΔE [kWh/a], ΔC [tCO2/a], ΔM [元/a].
    payback_years : Decimal or None
        cost / ΔM [a]; None when nothing is saved.
    npv : Decimal
        [元] over ``lifetime_years`` at ``discount_rate``.
    electricity_factor, tariff, replacement_cost, discount_rate : Decimal
        EF [tCO2/MWh], tariff [元/kWh], cost [元], r [1/a].
    lifetime_years : int
    basis : str
        ``register`` or ``metered``.
    """

    code: str
    kind: str
    standard: str
    row_id: str
    metric: str
    unit: str
    value_now: Decimal
    value_grade1: Decimal
    ratio: Decimal
    input_kwh: Decimal
    kwh_per_year: Decimal
    tco2_per_year: Decimal
    money_per_year: Decimal
    payback_years: Decimal | None
    npv: Decimal
    electricity_factor: Decimal
    tariff: Decimal
    replacement_cost: Decimal
    discount_rate: Decimal
    lifetime_years: int
    basis: str = "register"

    @property
    def formula(self) -> str:
        """ΔE with the symbols of its metric."""
        return "ΔE = E₀ × (1 − e₁/e₀)" if self.metric == "specific_power" else "ΔE = E₀ × (1 − η₀/η₁)"


def saved_share_specific_power(e_now: Decimal, e_grade1: Decimal) -> Decimal:
    """Share of the input energy saved at the same air delivery: 1 − e₁/e₀ (GB 19153-2019 specific power).

    Parameters
    ----------
    e_now, e_grade1 : Decimal
        e₀ and e₁ [kW/(m³/min)], > 0.

    Returns
    -------
    Decimal
        [1]; ≤ 0 when e₀ ≤ e₁ (nothing to save).
    """
    if e_now <= 0 or e_grade1 <= 0:
        raise InputError(f"比功率须为正：{e_now}、{e_grade1}", f"specific power must be > 0: {e_now}, {e_grade1}",
                         field="specific_power")
    return 1 - e_grade1 / e_now


def saved_share_efficiency(eta_now: Decimal, eta_grade1: Decimal) -> Decimal:
    """Share of the input energy saved at the same useful power: 1 − η₀/η₁ (fan or pump efficiency).

    Parameters
    ----------
    eta_now, eta_grade1 : Decimal
        η₀ and η₁ [%], in (0, 100].

    Returns
    -------
    Decimal
        [1]; ≤ 0 when η₀ ≥ η₁.
    """
    for name, value in (("efficiency_pct", eta_now), ("grade1_efficiency_pct", eta_grade1)):
        if not Decimal(0) < value <= HUNDRED:
            raise InputError(f"效率须在 (0, 100] % 内：{value}", f"efficiency must be in (0, 100] %: {value}",
                             field=name)
    return 1 - eta_now / eta_grade1


def input_energy(rated_power_kw: Decimal, load_factor: Decimal, hours: Decimal) -> Decimal:
    """E₀ = P × β × h [kWh/a] from the register (P [kW], β [1], h [h/a])."""
    if rated_power_kw <= 0 or load_factor <= 0 or hours < 0:
        raise InputError("额定功率、负载率须为正，运行小时数须非负",
                         "rated power and load factor must be > 0, running hours ≥ 0", field="load_factor")
    return rated_power_kw * load_factor * hours


def _grade1_value(device: Equipment, grade: GradeResult) -> tuple[str, Decimal]:
    row = next((r for r in grade.rows if r.grade == 1), None)
    attr = "max_specific_power" if device.kind == "air_compressor" else "min_efficiency_pct"
    value = getattr(row, attr, None) if row is not None else None
    if row is None or not isinstance(value, Decimal):
        raise InputError(f"设备 {device.code} 没有可用的表格行（{grade.outcome}）",
                         f"device {device.code} has no table row to compare with ({grade.outcome})")
    return row.row_id, value


def machine_upgrade_to_grade1(device: Equipment, grade: GradeResult, *, electricity_factor: Decimal,
                              tariff: Decimal, replacement_cost: Decimal, discount_rate: Decimal,
                              lifetime_years: int, hours: Decimal | None = None,
                              metered_input_kwh: Decimal | None = None) -> MachineSavings:
    """Savings of replacing a graded compressor, fan or pump by one at the grade-1 limit of its table row.

    Parameters
    ----------
    device : Equipment
        ``air_compressor`` (with ``specific_power`` [kW/(m³/min)], or ``weighted_specific_power`` for a
        variable-speed one, the value its grade compared), ``fan`` or ``pump`` (with ``efficiency_pct`` [%]),
        and ``rated_power_kw`` [kW], ``load_factor`` [1], ``running_hours`` [h/a] unless metered.
    grade : GradeResult
        Its grade by :func:`~zerocarbon.energy.grading.grade_device`; must carry the table rows
        (``graded`` or ``below_minimum``).
    electricity_factor : Decimal
        EF of the caller's method regime [tCO2/MWh].
    tariff : Decimal
        [元/kWh].
    replacement_cost : Decimal
        [元].
    discount_rate : Decimal
        r [1/a].
    lifetime_years : int
        n [a].
    hours : Decimal, optional
        Running hours [h/a] overriding the register.
    metered_input_kwh : Decimal, optional
        The linked meter's electricity of the year [kWh/a]; replaces P × β × h.

    Returns
    -------
    MachineSavings

    Raises
    ------
    InputError
        The kind is not a compressor, fan or pump, the device was not graded against a table row, or
        an input is missing or out of range.
    """
    if device.kind not in METRICS:
        raise InputError(f"设备 {device.code} 不是空压机、风机或水泵", f"device {device.code} is not a compressor, "
                         "fan or pump", field="kind", expected="air_compressor | fan | pump")
    metric, unit, lower_better = METRICS[device.kind]
    row_id, target = _grade1_value(device, grade)
    now = graded_specific_power(device) if lower_better else device.efficiency_pct
    run = hours if hours is not None else device.running_hours
    needed: list[tuple[str, object]] = [(metric, now)]
    if metered_input_kwh is None:
        needed += [("rated_power_kw", device.rated_power_kw), ("load_factor", device.load_factor),
                   ("running_hours", run)]
    missing = [name for name, v in needed if v is None]
    if missing:
        raise InputError(f"设备 {device.code} 缺少：{', '.join(missing)}", f"device {device.code} lacks {missing}",
                         field=missing[0])
    assert now is not None  # for the type checker
    ratio = saved_share_specific_power(now, target) if lower_better else saved_share_efficiency(now, target)
    if metered_input_kwh is not None:
        if metered_input_kwh < 0:
            raise InputError(f"计量电量不能为负：{metered_input_kwh}",
                             f"metered energy cannot be negative: {metered_input_kwh}", field="metered_input_kwh")
        e0 = metered_input_kwh
    else:
        assert device.rated_power_kw is not None and device.load_factor is not None and run is not None
        e0 = input_energy(device.rated_power_kw, device.load_factor, run)
    # ΔE = E₀ (e₀ − e₁)/e₀ or E₀ (η₁ − η₀)/η₁: the one division last, so that a saving that is a whole number
    # comes out as one (E₀ × a rounded ratio leaves a 1e-23 residue in the outputs)
    kwh = e0 * (now - target) / now if lower_better else e0 * (target - now) / target
    money = kwh * tariff
    return MachineSavings(
        code=device.code, kind=device.kind, standard=grade.standard, row_id=row_id, metric=metric, unit=unit,
        value_now=now, value_grade1=target, ratio=ratio, input_kwh=e0, kwh_per_year=kwh,
        tco2_per_year=kwh * electricity_factor / THOUSAND, money_per_year=money,
        payback_years=replacement_cost / money if money > 0 else None,
        npv=npv(replacement_cost, money, discount_rate, lifetime_years), electricity_factor=electricity_factor,
        tariff=tariff, replacement_cost=replacement_cost, discount_rate=discount_rate,
        lifetime_years=lifetime_years, basis="metered" if metered_input_kwh is not None else "register")
