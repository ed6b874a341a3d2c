"""Savings of replacing a motor by one of grade 1: energy, CO2, money, simple payback and NPV.

For a motor of rated output power P [kW] running h hours a year at load factor β with efficiency
η₀ [%], replaced by one at the grade-1 minimum efficiency η₁ [%] of the same GB 18613-2020 表1 row:

    shaft power        P_out = P × β                                   [kW]
    input power        P_in  = P_out / (η / 100)                        [kW]
    energy saved       ΔE    = P_out × (100/η₀ − 100/η₁) × h           [kWh/a]
    CO2 avoided        ΔC    = ΔE × EF / 1000                           [tCO2/a], EF [tCO2/MWh]
    money saved        ΔM    = ΔE × tariff                              [元/a], tariff [元/kWh]
    simple payback     T     = cost / ΔM                                [a]
    net present value  NPV   = −cost + Σ_{t=1..n} ΔM / (1 + r)^t        [元]

The efficiency at rated load is applied at the running load (a documented simplification: the
standard grades full-load efficiency only). The replacement is assumed to have exactly the grade-1
minimum, so the saving is a lower bound for a real grade-1 motor. The electricity factor EF is a
parameter: the caller passes the factor of the method regime it reports under. All figures are
:class:`~decimal.Decimal`; nothing is rounded here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from zerocarbon.energy.equipment import Equipment, GradeResult
from zerocarbon.energy.pmsm_vf import VfRow
from zerocarbon.errors import InputError

HUNDRED = Decimal(100)
THOUSAND = Decimal(1000)


@dataclass(frozen=True)
class UpgradeSavings:
    """Savings of upgrading one device to grade 1, with the inputs used.

    Attributes
    ----------
    code : str
        Device code.
    efficiency_now_pct, efficiency_grade1_pct : Decimal
        η₀ and η₁ [%]; η₁ from the table row named in ``row_id``.
    row_id : str
        The GB 18613-2020 表1 cell giving η₁.
    shaft_power_kw : Decimal
        Mean shaft power [kW]: P × β (register), or E_in × η₀ / h when metered (h the running hours,
        8760 h when the register has none; display only, not used in ΔE).
    kwh_per_year : Decimal
        ΔE [kWh/a].
    tco2_per_year : Decimal
        ΔC [tCO2/a].
    money_per_year : Decimal
        ΔM [元/a].
    payback_years : Decimal or None
        cost / ΔM [a]; None when nothing is saved.
    npv : Decimal
        Net present value over ``lifetime_years`` at ``discount_rate`` [元].
    electricity_factor, tariff, replacement_cost, discount_rate : Decimal
        Inputs: EF [tCO2/MWh], tariff [元/kWh], cost [元], r [1].
    lifetime_years : int
        n [a].
    basis : str
        ``register`` (P × β × h from the register) or ``metered`` (the linked meter's input energy).
    metered_input_kwh : Decimal or None
        E_in [kWh/a] of the linked meter when ``basis == "metered"``.
    """

    code: str
    efficiency_now_pct: Decimal
    efficiency_grade1_pct: Decimal
    row_id: str
    shaft_power_kw: Decimal
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
    metered_input_kwh: Decimal | None = None


def kwh_saved_metered(input_kwh: Decimal, efficiency_now_pct: Decimal, efficiency_new_pct: Decimal) -> Decimal:
    """Energy saved per year when the motor's input energy is metered.

    The shaft energy E_in × η₀ is kept; the new input is that over η₁, so ΔE = E_in × (1 − η₀/η₁).

    Parameters
    ----------
    input_kwh : Decimal
        Metered input energy E_in [kWh/a], ≥ 0.
    efficiency_now_pct, efficiency_new_pct : Decimal
        η₀, η₁ [%].

    Returns
    -------
    Decimal
        ΔE [kWh/a].
    """
    if input_kwh < 0:
        raise InputError(f"计量电量不能为负：{input_kwh}", f"metered energy cannot be negative: {input_kwh}",
                         field="metered_input_kwh")
    for name, value in (("efficiency_now_pct", efficiency_now_pct), ("efficiency_new_pct", efficiency_new_pct)):
        if not Decimal(0) < value <= HUNDRED:
            raise InputError(f"效率须在 (0, 100] % 内：{value}", f"efficiency must be in (0, 100] %: {value}",
                             field=name)
    return input_kwh * (1 - efficiency_now_pct / efficiency_new_pct)


def kwh_saved(rated_power_kw: Decimal, load_factor: Decimal, hours: Decimal, efficiency_now_pct: Decimal,
              efficiency_new_pct: Decimal) -> Decimal:
    """Energy saved per year by raising efficiency from η₀ to η₁ at the same shaft power.

    ΔE = P × β × (100/η₀ − 100/η₁) × h.

    Parameters
    ----------
    rated_power_kw : Decimal
        Rated output power P [kW].
    load_factor : Decimal
        β, mean load as a share of rated power [1].
    hours : Decimal
        Running hours h [h/a].
    efficiency_now_pct, efficiency_new_pct : Decimal
        η₀, η₁ [%].

    Returns
    -------
    Decimal
        ΔE [kWh/a]; zero or negative when η₁ ≤ η₀.
    """
    for name, value in (("efficiency_now_pct", efficiency_now_pct), ("efficiency_new_pct", efficiency_new_pct)):
        if not Decimal(0) < value <= HUNDRED:
            raise InputError(f"效率须在 (0, 100] % 内：{value}", f"efficiency must be in (0, 100] %: {value}",
                             field=name)
    shaft = rated_power_kw * load_factor
    return shaft * (HUNDRED / efficiency_now_pct - HUNDRED / efficiency_new_pct) * hours


def npv(cost: Decimal, annual: Decimal, rate: Decimal, years: int) -> Decimal:
    """Net present value of paying ``cost`` now and receiving ``annual`` at the end of each year.

    NPV = −cost + Σ_{t=1..n} annual / (1 + r)^t.

    Parameters
    ----------
    cost : Decimal
        Investment at t = 0 [元].
    annual : Decimal
        Saving per year [元/a].
    rate : Decimal
        Discount rate r [1/a], ≥ 0.
    years : int
        n [a], ≥ 1.

    Returns
    -------
    Decimal
        NPV [元].
    """
    if rate < 0 or years < 1:
        raise InputError("折现率须非负，年限须≥1", "the discount rate must be ≥ 0 and the lifetime ≥ 1 year")
    return -cost + sum((annual / (1 + rate) ** t for t in range(1, years + 1)), Decimal(0))


def upgrade_to_grade1(device: Equipment, grade: GradeResult, *, electricity_factor: Decimal, tariff: Decimal,
                      replacement_cost: Decimal, discount_rate: Decimal, lifetime_years: int,
                      hours: Decimal | None = None, metered_input_kwh: Decimal | None = None) -> UpgradeSavings:
    """Savings of replacing a graded motor by one at the grade-1 minimum of its table row.

    Parameters
    ----------
    device : Equipment
        With ``rated_power_kw`` [kW], ``efficiency_pct`` [%], ``load_factor`` [1] and
        ``running_hours`` [h/a] (or ``hours``).
    grade : GradeResult
        Its grade by :func:`~zerocarbon.energy.equipment.grade_motor`; must carry the table row.
    electricity_factor : Decimal
        Emission factor of electricity of the caller's method regime [tCO2/MWh].
    tariff : Decimal
        Electricity price [元/kWh].
    replacement_cost : Decimal
        Cost of the new motor installed [元].
    discount_rate : Decimal
        r [1/a].
    lifetime_years : int
        Years over which the NPV is taken [a].
    hours : Decimal, optional
        Running hours [h/a] overriding the register.
    metered_input_kwh : Decimal, optional
        The linked meter's input energy of the year [kWh/a]; when given, ΔE = E_in × (1 − η₀/η₁)
        (:func:`kwh_saved_metered`) and the register's hours and load are not used.

    Returns
    -------
    UpgradeSavings

    Raises
    ------
    InputError
        The device was not graded against a table row, or an input is missing.
    """
    eta1 = grade.threshold(1)
    if eta1 is None:  # a converter-fed PMSM's cell (GB 30253-2024 表8) is not a MotorRow
        eta1 = next((r.min_efficiency_pct for r in grade.rows if isinstance(r, VfRow) and r.grade == 1), None)
    if eta1 is None:
        raise InputError(f"设备 {device.code} 没有可用的表格行（{grade.outcome}）",
                         f"device {device.code} has no table row to compare with ({grade.outcome})")
    row_id = next(r.row_id for r in grade.rows if r.grade == 1)
    run = hours if hours is not None else device.running_hours
    needed: tuple[tuple[str, Decimal | None], ...] = (
        ("rated_power_kw", device.rated_power_kw), ("efficiency_pct", device.efficiency_pct))
    if metered_input_kwh is None:
        needed += (("load_factor", device.load_factor), ("running_hours", run))
    missing = [name for name, v in needed if v is None]
    if missing:
        raise InputError(f"设备 {device.code} 缺少：{', '.join(missing)}", f"device {device.code} lacks {missing}",
                         field=missing[0])
    assert device.rated_power_kw is not None and device.efficiency_pct is not None  # for the type checker
    if metered_input_kwh is not None:
        kwh = kwh_saved_metered(metered_input_kwh, device.efficiency_pct, eta1)
        shaft = metered_input_kwh * device.efficiency_pct / HUNDRED / (run or Decimal(8760))
    else:
        assert device.load_factor is not None and run is not None
        kwh = kwh_saved(device.rated_power_kw, device.load_factor, run, device.efficiency_pct, eta1)
        shaft = device.rated_power_kw * device.load_factor
    money = kwh * tariff
    return UpgradeSavings(
        code=device.code, efficiency_now_pct=device.efficiency_pct, efficiency_grade1_pct=eta1, row_id=row_id,
        shaft_power_kw=shaft, kwh_per_year=kwh,
        tco2_per_year=kwh * electricity_factor / THOUSAND, money_per_year=money,
        payback_years=replacement_cost / money if money > 0 else None,
        npv=npv(replacement_cost, money, discount_rate, lifetime_years), electricity_factor=electricity_factor,
        tariff=tariff, replacement_cost=replacement_cost, discount_rate=discount_rate,
        lifetime_years=lifetime_years, basis="metered" if metered_input_kwh is not None else "register",
        metered_input_kwh=metered_input_kwh,
    )
