"""Traction-battery carbon-footprint declaration: China (MIIT, 2027) and the EU draft, as far as the texts are known.

China (工业和信息化部 notice of 2025-12-31 on the carbon-footprint declaration of EV traction
batteries, as relayed by Xinhua: http://www.gwjesjt.cn/fzdt/newshtml/fzjd/20260120100438.htm;
a press relay of the official notice; the notice's own text and any implementing standard were
not retrieved):

- CN-1 scope: every EV traction battery over 2 kWh sold in China;
- CN-2 responsible party: the battery-pack manufacturer;
- CN-3 the footprint covers four life-cycle stages: raw materials (原材料获取), manufacturing
  (生产制造), distribution (分销), recycling (回收利用);
- CN-4 the declared value is the emissions of the four stages divided by the total energy the
  battery delivers over its life [kgCO2e/kWh];
- CN-5 trial period to 2026-12-31 (at least 5 typical pack products per firm, each with a
  third-party verification report), normal operation from 2027-01-01.

Not known from any retrieved text, hence NOT implemented (the caller supplies or decides, and the
declaration lists them): how the lifetime energy is computed (cycles, depth of discharge, service
years) for China; allocation, cut-off and background-data rules; the electricity factor and
whether green certificates count; rounding of the declared value; whether a recycling credit may
be negative; the declaration form's layout; performance classes or limits.

EU (Regulation (EU) 2023/1542 Art. 7 and Annex II; the calculation delegated act exists only as
the draft Ares(2024)3131389, adoption unverified; secondary sources only): four stages (raw material
acquisition and pre-processing, main product production, distribution, end of life and
recycling); functional unit = usable energy at beginning of life × full equivalent cycles per
year × service-life years, with FEqC/year 60 (M1/N1), 20 (L), 250 (M2/M3/N2/N3); PPAs and
guarantees of origin excluded (draft §2.4.1). :func:`eu_draft_total_energy` implements only that.

Figures are Decimals end to end (a regulator reads them); nothing is rounded here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from zerocarbon.errors import InputError

CN_SOURCE = ("MIIT notice of 2025-12-31 on EV traction-battery carbon-footprint declaration (Xinhua relay, "
             "http://www.gwjesjt.cn/fzdt/newshtml/fzjd/20260120100438.htm)")
EU_DRAFT_SOURCE = ("Regulation (EU) 2023/1542 Art. 7, Annex II; draft delegated act Ares(2024)3131389 "
                   "(adoption unverified; secondary sources only)")

#: CN-3: the four life-cycle stages (key, zh, en).
CN_STAGES: tuple[tuple[str, str, str], ...] = (
    ("materials", "原材料获取", "raw material acquisition"),
    ("manufacturing", "生产制造", "manufacturing"),
    ("distribution", "分销", "distribution"),
    ("recycling", "回收利用", "recycling"),
)
#: CN-1: batteries above this capacity are in scope [kWh].
CN_SCOPE_THRESHOLD_KWH = Decimal(2)
#: CN-5: last day of the trial period, first day of normal operation.
CN_TRIAL_END = date(2026, 12, 31)
CN_IN_FORCE = date(2027, 1, 1)

CN_RULES = {
    "CN-1": "scope: EV traction batteries > 2 kWh sold in China",
    "CN-2": "responsible party: the battery-pack manufacturer",
    "CN-3": "four stages: materials, manufacturing, distribution, recycling",
    "CN-4": "declared value = Σ stage emissions [kgCO2e] / lifetime energy delivered [kWh]",
    "CN-5": "trial to 2026-12-31 (≥ 5 typical packs per firm, third-party verified); in force 2027-01-01",
}
CN_UNKNOWN = (
    "lifetime energy formula (cycles, depth of discharge, service years) for China",
    "allocation, cut-off and background-data rules",
    "electricity emission factor to use; whether green certificates (GEC) or PPAs count",
    "rounding and significant figures of the declared value",
    "whether the recycling stage may be negative (credit)",
    "layout and fields of the declaration form",
    "performance classes or maximum values",
)

#: EU draft: full equivalent cycles per year by vehicle category [1/a].
EU_DRAFT_FEQC_PER_YEAR = {"M1": Decimal(60), "N1": Decimal(60), "L": Decimal(20), "M2": Decimal(250),
                          "M3": Decimal(250), "N2": Decimal(250), "N3": Decimal(250)}


@dataclass(frozen=True)
class BatteryDeclaration:
    """A China traction-battery footprint declaration and how it was made.

    Attributes
    ----------
    model : str
        Battery (pack) model.
    manufacturer : str
        The pack manufacturer (CN-2).
    capacity_kwh : Decimal
        Rated energy [kWh].
    stages : mapping of str to Decimal
        Emissions of each stage of :data:`CN_STAGES` [kgCO2e per battery].
    lifetime_energy_kwh : Decimal
        Total energy delivered over the life [kWh per battery], with ``lifetime_energy_basis``.
    lifetime_energy_basis : str
        How the lifetime energy was obtained (no Chinese formula is known).
    total_kgco2e : Decimal
        Σ stages [kgCO2e per battery].
    per_kwh : Decimal
        The declared value, ``total_kgco2e / lifetime_energy_kwh`` [kgCO2e/kWh] (CN-4), unrounded.
    stage_per_kwh : mapping of str to Decimal
        Each stage over the lifetime energy [kgCO2e/kWh].
    phase : str
        ``trial`` or ``in force`` at the declaration date (CN-5).
    """

    model: str
    manufacturer: str
    capacity_kwh: Decimal
    stages: Mapping[str, Decimal]
    lifetime_energy_kwh: Decimal
    lifetime_energy_basis: str
    total_kgco2e: Decimal
    per_kwh: Decimal
    stage_per_kwh: Mapping[str, Decimal]
    phase: str

    def form(self) -> dict[str, object]:
        """The declaration as plain values, with the rules applied, their source and what is unknown."""
        return {"model": self.model, "manufacturer": self.manufacturer, "capacity_kWh": str(self.capacity_kwh),
                "stages": [{"stage": k, "zh": zh, "en": en, "kgCO2e": str(self.stages[k]),
                            "kgCO2e_per_kWh": str(self.stage_per_kwh[k])} for k, zh, en in CN_STAGES],
                "total_kgCO2e": str(self.total_kgco2e), "lifetime_energy_kWh": str(self.lifetime_energy_kwh),
                "lifetime_energy_basis": self.lifetime_energy_basis, "declared_kgCO2e_per_kWh": str(self.per_kwh),
                "phase": self.phase, "rules_applied": CN_RULES, "source": CN_SOURCE,
                "rules_not_published_or_not_found": list(CN_UNKNOWN)}


def in_scope(capacity_kwh: Decimal) -> bool:
    """CN-1: whether a traction battery of ``capacity_kwh`` [kWh] must be declared (> 2 kWh)."""
    return capacity_kwh > CN_SCOPE_THRESHOLD_KWH


def phase(on: date) -> str:
    """CN-5: ``trial`` up to 2026-12-31, ``in force`` from 2027-01-01 (``before`` before the notice of 2025-12-31)."""
    if on < date(2025, 12, 31):
        return "before"
    return "trial" if on <= CN_TRIAL_END else "in force"


def per_lifetime_energy(emissions_kgco2e: Decimal, lifetime_energy_kwh: Decimal) -> Decimal:
    """CN-4: emissions over lifetime energy delivered [kgCO2e/kWh]."""
    if lifetime_energy_kwh <= 0:
        raise InputError("电池全生命周期交付电量须为正数", "the lifetime energy delivered must be positive",
                         field="lifetime_energy_kwh", expected="> 0 kWh")
    return emissions_kgco2e / lifetime_energy_kwh


def declare(model: str, manufacturer: str, capacity_kwh: Decimal, stages: Mapping[str, Decimal],
            lifetime_energy_kwh: Decimal, lifetime_energy_basis: str, on: date) -> BatteryDeclaration:
    """The China declaration of one battery model (rules CN-1 to CN-5).

    Parameters
    ----------
    model, manufacturer : str
        Model and pack manufacturer.
    capacity_kwh : Decimal
        Rated energy [kWh]; must be over 2 kWh (CN-1).
    stages : mapping of str to Decimal
        Exactly the four stages of :data:`CN_STAGES` [kgCO2e per battery].
    lifetime_energy_kwh : Decimal
        Total energy delivered over the life [kWh per battery].
    lifetime_energy_basis : str
        How it was obtained (stated in the declaration; required, as China's formula is unpublished).
    on : date
        Declaration date (for the phase, CN-5).

    Raises
    ------
    InputError
        Out of scope, a stage missing or unknown, no basis for the lifetime energy, energy not positive.
    """
    if not in_scope(capacity_kwh):
        raise InputError(f"电池容量 {capacity_kwh} kWh 不超过 2 kWh，不在申报范围内",
                         f"capacity {capacity_kwh} kWh is not over 2 kWh: outside the declaration's scope (CN-1)",
                         field="capacity_kwh", expected="> 2 kWh")
    keys = [k for k, _, _ in CN_STAGES]
    missing = [k for k in keys if k not in stages]
    unknown = [k for k in stages if k not in keys]
    if missing or unknown:
        raise InputError(f"生命周期阶段须为 {keys}（缺少 {missing}，多出 {unknown}）",
                         f"the stages must be {keys} (missing {missing}, unknown {unknown}) (CN-3)",
                         field="stages", expected=", ".join(keys))
    if not lifetime_energy_basis.strip():
        raise InputError("须说明全生命周期交付电量的计算依据", "state how the lifetime energy was obtained",
                         field="lifetime_energy_basis", expected="a description (China's formula is unpublished)")
    total = sum((stages[k] for k in keys), Decimal(0))
    return BatteryDeclaration(model=model, manufacturer=manufacturer, capacity_kwh=capacity_kwh,
                              stages={k: stages[k] for k in keys}, lifetime_energy_kwh=lifetime_energy_kwh,
                              lifetime_energy_basis=lifetime_energy_basis, total_kgco2e=total,
                              per_kwh=per_lifetime_energy(total, lifetime_energy_kwh),
                              stage_per_kwh={k: per_lifetime_energy(stages[k], lifetime_energy_kwh) for k in keys},
                              phase=phase(on))


def eu_draft_total_energy(usable_energy_kwh: Decimal, category: str, service_life_years: Decimal) -> Decimal:
    """EU draft functional unit: usable energy × FEqC per year × service-life years [kWh] (EU draft only, [S]).

    Parameters
    ----------
    usable_energy_kwh : Decimal
        Usable energy at beginning of life [kWh].
    category : str
        Vehicle category (M1, N1, L, M2, M3, N2, N3).
    service_life_years : Decimal
        Service life [a].
    """
    if category not in EU_DRAFT_FEQC_PER_YEAR:
        raise InputError(f"未知的车辆类别 {category}", f"unknown vehicle category {category}", field="category",
                         expected=", ".join(EU_DRAFT_FEQC_PER_YEAR))
    return usable_energy_kwh * EU_DRAFT_FEQC_PER_YEAR[category] * service_life_years
