"""The energy-saving diagnosis (节能降碳诊断) of one factory: grades, savings, measures, indicators, balance.

``diagnose`` composes the core: equipment grades (``energy.equipment``), savings of an upgrade to
grade 1 under each method regime's electricity factor (``energy.savings``,
:mod:`zerocarbon.services.efficiency.factors`), measures (``energy.measures``), unit-product energy
against the quota grades and the energy balance (:mod:`zerocarbon.services.efficiency.indicators`).
The result is a plain value with a ``to_dict`` for JSON, the report, the API and the dashboard.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zerocarbon.accounting.results import Inventory
from zerocarbon.energy.balance import EnergyBalance
from zerocarbon.energy.equipment import EquipmentShare, GradeResult, equipment_share
from zerocarbon.energy.grading import grade_device, row_limit
from zerocarbon.energy.measures import (
    Measure,
    machine_upgrade_measure,
    rank_by_abatement,
    rank_by_payback,
    upgrade_measure,
)
from zerocarbon.energy.quota import energy_per_value_added
from zerocarbon.energy.register import EfficiencyRegister
from zerocarbon.energy.savings import UpgradeSavings, upgrade_to_grade1
from zerocarbon.energy.savings_more import METRICS, MachineSavings, machine_upgrade_to_grade1
from zerocarbon.energy.uses import energy_of
from zerocarbon.errors import ZerocarbonError
from zerocarbon.factors import FactorLibrary, default_library
from zerocarbon.model.inventory_input import InventoryInput, Settings
from zerocarbon.services.efficiency.factors import ViewFactor, electricity_factors
from zerocarbon.services.efficiency.indicators import IndicatorResult, build_balance, grade_indicators

ZERO = Decimal(0)
#: Kinds graded against a minimum efficiency (GB 18613, GB 30254, GB 30253): their grade-1 upgrade is costed.
MOTOR_KINDS = ("motor_lv", "motor_hv", "motor_pmsm")
#: Kinds graded by specific power (GB 19153) or fan / pump efficiency (GB 19761, GB 19762): costed by
#: :func:`~zerocarbon.energy.savings_more.machine_upgrade_to_grade1`.
MACHINE_KINDS = tuple(METRICS)


def _s(v: Decimal | None) -> str | None:
    """A Decimal as text; an exact zero as "0" (never "0E-14" from a difference of sums)."""
    if v is None:
        return None
    return "0" if v == 0 else str(v)


@dataclass
class DeviceResult:
    """A device, its grade and, when it can be upgraded, its savings per view."""

    code: str
    name: str
    kind: str
    facility: str | None
    rated_power_kw: Decimal | None
    efficiency_pct: Decimal | None
    grade: GradeResult
    savings: dict[str, UpgradeSavings | MachineSavings] = field(default_factory=dict)
    note_zh: str = ""
    note_en: str = ""

    def to_dict(self) -> dict[str, Any]:
        g = self.grade
        return {
            "code": self.code, "name": self.name, "kind": self.kind, "facility": self.facility,
            "rated_power_kw": _s(self.rated_power_kw), "efficiency_pct": _s(self.efficiency_pct),
            "outcome": g.outcome, "grade": g.grade, "standard": g.standard,
            "thresholds": {str(r.grade): row_limit(r) for r in g.rows},
            "rows": [r.row_id for r in g.rows], "row_status": sorted({r.status for r in g.rows}),
            "reason_zh": g.reason_zh, "reason_en": g.reason_en, "note_zh": self.note_zh, "note_en": self.note_en,
            "savings": {view: {"kwh_per_year": str(s.kwh_per_year), "tco2_per_year": str(s.tco2_per_year),
                               "money_per_year": str(s.money_per_year), "basis": s.basis,
                               "electricity_factor": str(s.electricity_factor)}
                        for view, s in self.savings.items()},
        }


@dataclass
class Diagnosis:
    """Everything the diagnosis found, for one factory and data year."""

    factory_id: str
    factory_name_zh: str
    factory_name_en: str
    year: int
    synthetic: bool
    register: EfficiencyRegister
    devices: list[DeviceResult]
    share: EquipmentShare
    factors: list[ViewFactor]
    measures: list[Measure]
    indicators: list[IndicatorResult]
    energy_tce: Decimal | None
    energy_per_value_added: Decimal | None
    balance: EnergyBalance | None
    kgce_per_kwh: Decimal
    notes: list[str] = field(default_factory=list)
    #: 台账来源: ``SourcedRegister.to_dict()`` (services.efficiency.register_source); None = a register file.
    register_source: dict[str, Any] | None = None

    def source(self) -> dict[str, Any]:
        """Where the devices came from (台账来源 store/file), in zh and en."""
        return self.register_source or {"source": "file", "file": None, "settings_file": None,
                                        "devices": len(self.register.devices),
                                        "label_zh": "台账来源 file（台账文件）",
                                        "label_en": "register source file (register file)"}

    @property
    def main_view(self) -> str | None:
        """The view measures are ranked by: the first with a factor (the GB/T 32150 edition in force)."""
        return next((f.view for f in self.factors if f.factor is not None), None)

    def by_payback(self) -> list[Measure]:
        return rank_by_payback(self.measures)

    def by_abatement(self) -> list[Measure]:
        view = self.main_view
        return rank_by_abatement(self.measures, view) if view else list(self.measures)

    def summary(self) -> dict[str, Any]:
        """The headline figures."""
        counts: dict[str, int] = {}
        for d in self.devices:
            key = f"grade_{d.grade.grade}" if d.grade.grade else d.grade.outcome
            counts[key] = counts.get(key, 0) + 1
        view = self.main_view
        return {
            "devices": len(self.devices), "counts": counts,
            "share_grade_2_or_better": _s(self.share.share_grade_2_or_better),
            "share_grade_1": _s(self.share.share_grade_1), "total_kw": str(self.share.total_kw),
            "ungraded": list(self.share.ungraded), "excluded": list(self.share.excluded),
            "below_minimum": [d.code for d in self.devices if d.grade.outcome == "below_minimum"],
            "missing_rows": [d.code for d in self.devices if d.grade.outcome == "missing_row"],
            "measures": len(self.measures),
            "kwh_per_year": str(sum((m.kwh_per_year for m in self.measures), ZERO)),
            "money_per_year": str(sum((m.money_per_year for m in self.measures), ZERO)),
            "main_view": view, "register_source": self.source()["source"],
            "tco2_per_year": str(sum((m.tco2_per_year.get(view, ZERO) for m in self.measures), ZERO)) if view else None,
            "energy_tce": _s(self.energy_tce), "energy_per_value_added": _s(self.energy_per_value_added),
        }

    def to_dict(self) -> dict[str, Any]:
        b = self.balance
        st = self.register.settings
        return {
            "factory": {"id": self.factory_id, "name_zh": self.factory_name_zh, "name_en": self.factory_name_en},
            "year": self.year, "synthetic": self.synthetic, "summary": self.summary(),
            "register_source": self.source(),
            "method": {
                "equipment": "GB 18613-2020 表1 (motors), GB 20052-2024 表1 (10 kV oil-immersed transformers), "
                             "GB 30254-2024 表1/表2 (3/6/10 kV motors), GB 30253-2024 表1/表2 (line-start PMSM) and "
                             "GB 19153-2019 表1 (oil-injected rotary compressors, fixed speed), GB 19761-2020 "
                             "表1–表4 (fans), GB 19762-2025 (clean-water pumps, formula in ns and Q), data "
                             "zerocarbon/energy/data/gb18613-2020.csv, gb20052-2024.csv, gb30254-2024.csv, "
                             "gb30254-2024-t2.csv, gb30253-2024.csv, gb30253-2024-t2.csv, gb19153-2019.csv, "
                             "gb19761-2020.csv, gb19762-2025.csv (unverified "
                             "transcriptions; see "
                             "docs/efficiency-reference.md)",
                "savings": "motors: ΔE = P·β·(100/η₀ − 100/η₁)·h, or E_in·(1 − η₀/η₁) when metered; η₁ = grade-1 "
                           "minimum; compressors: ΔE = E₀·(1 − e₁/e₀), fans and pumps: ΔE = E₀·(1 − η₀/η₁), "
                           "E₀ = P·β·h or the metered E_in, e₁/η₁ = grade-1 limit of the row used",
                "tce": f"electricity at {self.kgce_per_kwh} kgce/kWh (GB/T 2589, equivalent value)",
                "equipment_zh": "GB 18613-2020 表1（电动机）、GB 20052-2024 表1（10 kV 油浸式变压器）、"
                                "GB 30254-2024 表1/表2（3/6/10 kV 高压电动机）、GB 30253-2024 表1/表2（异步起动永磁"
                                "同步电动机）、GB 19153-2019 表1（工频喷油回转空压机）、GB 19761-2020 表1–表4"
                                "（通风机）与 GB 19762-2025（清水泵，按比转速与流量公式），数据 "
                                "zerocarbon/energy/data/gb18613-2020.csv、gb20052-2024.csv、gb30254-2024.csv、"
                                "gb30254-2024-t2.csv、gb30253-2024.csv、gb30253-2024-t2.csv、gb19153-2019.csv、"
                                "gb19761-2020.csv、gb19762-2025.csv（未核实的"
                                "转录，见 docs/efficiency-reference.md）",
                "savings_zh": "电动机：ΔE = P·β·(100/η₀ − 100/η₁)·h，有计量时 E_in·(1 − η₀/η₁)，η₁ = 1级能效限值；"
                              "空压机：ΔE = E₀·(1 − e₁/e₀)，风机与水泵：ΔE = E₀·(1 − η₀/η₁)，E₀ = P·β·h 或计量 E_in，"
                              "e₁/η₁ = 所用表格行的1级限值",
                "tce_zh": f"电力按 {self.kgce_per_kwh} kgce/kWh 折算（GB/T 2589，等价值）",
                "tariff_yuan_per_kwh": str(st.tariff_yuan_per_kwh), "discount_rate": str(st.discount_rate),
                "lifetime_years": st.lifetime_years,
            },
            "factors": [f.to_dict() for f in self.factors],
            "devices": [d.to_dict() for d in self.devices],
            "measures": [m.to_dict() for m in self.by_payback()],
            "measures_by_abatement": [m.id for m in self.by_abatement()],
            "indicators": [i.to_dict() for i in self.indicators],
            "value_added": {"value_added_10k_yuan": _s(st.value_added_10k_yuan), "source": st.value_added_source,
                            "energy_tce": _s(self.energy_tce),
                            "tce_per_10k_yuan": _s(self.energy_per_value_added)},
            "balance": None if b is None else {
                "total_supply_tce": _s(b.total_supply), "total_end_use_tce": _s(b.total_end_use),
                "total_loss_tce": _s(b.total_loss), "total_export_tce": _s(b.total_export),
                "estimated_tce": _s(b.estimated_tce), "closure_tce": _s(b.closure),
                "supply_by_carrier": {k: _s(v) for k, v in b.supply_by_carrier.items()},
                "end_use_by_node": {k: _s(v) for k, v in b.end_use_by_node.items()},
                "loss_by_conversion": {k: _s(v) for k, v in b.loss_by_conversion.items()},
                "flows": [{"source": f.source, "target": f.target, "carrier": f.carrier, "tce": _s(f.tce),
                           "basis": f.basis} for f in b.flows],
            },
            "notes": list(self.notes),
        }


def _device_savings(result: DeviceResult, device: Any, factors: list[ViewFactor], register: EfficiencyRegister,
                    metered_kwh: Mapping[str, Decimal]) -> None:
    st = register.settings
    metered = metered_kwh.get(device.meter_code) if device.meter_code else None
    if device.meter_code and metered is None:
        result.note_zh = f"表计 {device.meter_code} 无本年计量数据，按台账运行小时与负载率计算"
        result.note_en = f"meter {device.meter_code} has no metered year: register hours and load used"
    elif metered is not None:
        result.note_zh = f"按表计 {device.meter_code} 的年用电量 {metered} kWh 计算"
        result.note_en = f"from the {metered} kWh/a of meter {device.meter_code}"
    cost = device.replacement_cost_yuan
    for f in factors:
        if f.factor is None:
            continue
        upgrade = machine_upgrade_to_grade1 if device.kind in MACHINE_KINDS else upgrade_to_grade1
        try:
            result.savings[f.view] = upgrade(
                device, result.grade, electricity_factor=f.factor.value, tariff=st.tariff_yuan_per_kwh,
                replacement_cost=cost if cost is not None else ZERO, discount_rate=st.discount_rate,
                lifetime_years=st.lifetime_years, metered_input_kwh=metered)
        except ZerocarbonError as exc:
            result.note_zh, result.note_en = exc.message("zh"), exc.message("en")
            result.savings.clear()
            return


def diagnose(register: EfficiencyRegister, *, year: int, data: InventoryInput | None = None,
             inventory: Inventory | None = None, metered_kwh: Mapping[str, Decimal] | None = None,
             library: FactorLibrary | None = None) -> Diagnosis:
    """Diagnose a factory from its register and (optionally) its inventory.

    Parameters
    ----------
    register : EfficiencyRegister
    year : int
        Data year (factors of this year).
    data : InventoryInput, optional
        The factory's input (province, settings, products, production); without it the factors use
        the default settings and the register's ``grid_region`` (or CN).
    inventory : Inventory, optional
        The computed inventory of ``year``: energy for the indicators and the balance.
    metered_kwh : mapping of str to Decimal, optional
        Meter code → electricity of the year [kWh] (the store's metered year) for devices linked to a meter.
    library : FactorLibrary, optional

    Returns
    -------
    Diagnosis
    """
    lib = library or default_library()
    settings = data.settings if data is not None else Settings()
    province = data.factory.province if data is not None else "CN"
    factors = electricity_factors(settings, year, province, lib, region=register.settings.grid_region)
    kgce = lib.lookup("electricity", "sce_coefficient").value
    notes = [f"{f.view}: no electricity factor ({f.reason})" for f in factors if f.factor is None]
    devices: list[DeviceResult] = []
    measures: list[Measure] = []
    for device in register.devices:
        grade = grade_device(device)
        result = DeviceResult(device.code, device.name, device.kind, device.facility, device.rated_power_kw,
                              device.efficiency_pct, grade)
        if device.kind in MOTOR_KINDS + MACHINE_KINDS and grade.rows and grade.grade != 1:
            _device_savings(result, device, factors, register, metered_kwh or {})
            if result.savings:
                given = device.replacement_cost_yuan is not None
                machines = {v: s for v, s in result.savings.items() if isinstance(s, MachineSavings)}
                motors = {v: s for v, s in result.savings.items() if isinstance(s, UpgradeSavings)}
                measures.append(machine_upgrade_measure(device, machines, investment_given=given, kgce_per_kwh=kgce)
                                if machines else
                                upgrade_measure(device, motors, investment_given=given, kgce_per_kwh=kgce))
                if device.replacement_cost_yuan is None:
                    result.note_zh = ((result.note_zh + "；") if result.note_zh else "") + \
                        "未提供更换费用，不计算回收期与净现值"
                    result.note_en = ((result.note_en + "; ") if result.note_en else "") + \
                        "no replacement cost supplied: no payback or NPV"
        devices.append(result)
    share = equipment_share(register.devices, [d.grade for d in devices])
    energy_tce = energy_of(inventory).total_tce if inventory is not None else None
    va = register.settings.value_added_10k_yuan
    per_va = energy_per_value_added(energy_tce, va) if energy_tce is not None and va is not None else None
    indicators = grade_indicators(register.quota, data, inventory, kgce)
    balance = None
    if inventory is not None:
        balance, bnotes = build_balance(inventory, register.devices, register.conversions, kgce, lib)
        notes.extend(bnotes)
    if not register.quota:
        notes.append("no quota indicator in the register: unit-product energy not graded / 台账未列限额指标")
    factory = data.factory if data is not None else None
    return Diagnosis(
        factory_id=register.factory_id or (factory.id if factory else ""),
        factory_name_zh=factory.name_zh if factory else register.factory_id,
        factory_name_en=(factory.name_en or factory.name_zh) if factory else register.factory_id,
        year=year, synthetic=bool(factory and factory.synthetic), register=register, devices=devices, share=share,
        factors=factors, measures=measures, indicators=indicators, energy_tce=energy_tce,
        energy_per_value_added=per_va, balance=balance, kgce_per_kwh=kgce, notes=notes,
    )
