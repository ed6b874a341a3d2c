"""EU Battery Regulation carbon-footprint declaration: Regulation (EU) 2023/1542, Article 7(1) and Annex II.

Text: Regulation (EU) 2023/1542 of the European Parliament and of the Council of 12 July 2023 concerning
batteries and waste batteries, OJ L 191, 28.7.2023, https://eur-lex.europa.eu/eli/reg/2023/1542/oj
(the regulation's own page on EUR-Lex could not be read here; the content list below is taken from
secondary summaries that quote Article 7(1): prodlaw.eu,
https://prodlaw.eu/2026/01/eu-battery-regulation-what-is-the-carbon-footprint-declaration-and-when-does-it-become-mandatory;
Sorena, https://www.sorena.io/artifacts/eu/batteries-regulation/carbon-footprint-declarations;
the corrigendum 32023R1542R(05) of 2024-04-17 is not reflected here).

What Article 7(1) asks the declaration to contain "at least" (points (a) to (g)), implemented here:

- EU-a administrative information about the battery's manufacturer;
- EU-b information about the battery model the declaration applies to;
- EU-c the geographic location of the battery manufacturing plant (one declaration per model per plant);
- EU-d the carbon footprint of the battery [kg CO2e per kWh of the total energy provided by the battery
  over its expected service life];
- EU-e that carbon footprint by life-cycle stage, as described in point 4 of Annex II: raw material
  acquisition and pre-processing; main product production; distribution; end of life and recycling;
- EU-f the identification number of the EU declaration of conformity of the battery;
- EU-g a web link to a public version of the study supporting the values of (d) and (e).

Scope (Art. 7(1)): electric-vehicle batteries, LMT batteries and rechargeable industrial batteries with a
capacity above 2 kWh (those with exclusively external storage on a later date).

NOT implemented, because the text is not adopted or could not be verified (each is printed on the
declaration instead of being invented):

- the calculation methodology: Article 7(1) refers to a Commission delegated act; only the draft
  Ares(2024)3131389 is known (adoption unverified). The figures here come from the caller's GB/T 24067 /
  ISO 14067 study; its method choices travel with the declaration;
- the functional unit's formula: :func:`zerocarbon.footprint.battery.eu_draft_total_energy` (draft only)
  may be used, or the caller states the total energy and how it was obtained;
- electricity: under the draft (§2.4.1) PPAs and guarantees of origin do not lower the footprint; a study
  whose electricity rule let instruments lower it is flagged, not recomputed;
- carbon-footprint performance classes (Art. 7(2)) and maximum values (Art. 7(3)): not adopted; no class
  is assigned and no class bound is used;
- the harmonised format of the declaration (an implementing act): its layout is not known.

Figures are Decimals end to end; nothing is rounded here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from zerocarbon.errors import InputError

EURLEX_URL = "https://eur-lex.europa.eu/eli/reg/2023/1542/oj"
EU_SOURCE = (f"Regulation (EU) 2023/1542, Article 7(1) points (a)-(g) and Annex II point 4 ({EURLEX_URL}); "
             "content as quoted by secondary summaries (prodlaw.eu 2026-01; sorena.io 2026-05)")
EU_DRAFT_ACT = "draft Commission delegated act Ares(2024)3131389 (adoption unverified)"

#: EU-e: the life-cycle stages of Annex II point 4 (key, zh, en).
EU_STAGES: tuple[tuple[str, str, str], ...] = (
    ("raw_material", "原材料获取和预处理", "raw material acquisition and pre-processing"),
    ("main_production", "主要产品生产", "main product production"),
    ("distribution", "分销", "distribution"),
    ("end_of_life", "寿命终止和回收", "end of life and recycling"),
)
EU_STAGE_KEYS = tuple(k for k, _, _ in EU_STAGES)

#: Battery categories of Article 7(1); industrial batteries only above 2 kWh.
EU_CATEGORIES = ("EV", "LMT", "industrial", "industrial-external-storage")
EU_INDUSTRIAL_THRESHOLD_KWH = Decimal(2)

#: Article 7(1) points implemented (key → what the declaration holds).
EU_RULES = {
    "EU-a": "Art. 7(1)(a) administrative information about the manufacturer",
    "EU-b": "Art. 7(1)(b) the battery model",
    "EU-c": "Art. 7(1)(c) geographic location of the manufacturing plant",
    "EU-d": "Art. 7(1)(d) kg CO2e per kWh of total energy provided over the expected service life",
    "EU-e": "Art. 7(1)(e) the same by life-cycle stage (Annex II point 4)",
    "EU-f": "Art. 7(1)(f) identification number of the EU declaration of conformity",
    "EU-g": "Art. 7(1)(g) web link to a public version of the supporting study",
}
#: What is not adopted or not verified, hence not implemented (printed on every declaration).
EU_UNKNOWN = (
    "calculation methodology: the delegated act under Art. 7(1) is known only as the draft Ares(2024)3131389",
    "formula of the total energy over the service life (only the draft's is known)",
    "electricity modelling (the draft excludes PPAs and guarantees of origin)",
    "performance classes (Art. 7(2)) and their bounds: not adopted, no class assigned",
    "maximum life-cycle carbon footprint (Art. 7(3)): not adopted",
    "harmonised format of the declaration (implementing act)",
)
#: Keys of the fields of Article 7(1) a declaration may still lack (a draft before conformity assessment).
OPTIONAL_POINTS = ("declaration_of_conformity_id", "study_url")


@dataclass(frozen=True)
class EuBatteryDeclaration:
    """A carbon-footprint declaration of one battery model made in one plant (Art. 7(1)).

    Attributes
    ----------
    manufacturer, manufacturer_address : str
        EU-a: name and postal address of the manufacturer.
    model : str
        EU-b: the battery model's identifier.
    plant, plant_address : str
        EU-c: the manufacturing plant and its address (town, region, country).
    category : str
        One of :data:`EU_CATEGORIES`.
    capacity_kwh : Decimal
        Rated energy [kWh].
    stages : mapping of str to Decimal
        Emissions of each stage of :data:`EU_STAGES` [kgCO2e per battery].
    total_energy_kwh : Decimal
        Total energy provided over the expected service life [kWh per battery] (the functional unit).
    total_energy_basis : str
        How ``total_energy_kwh`` was obtained.
    total_kgco2e : Decimal
        Σ stages [kgCO2e per battery].
    per_kwh : Decimal
        EU-d: ``total_kgco2e / total_energy_kwh`` [kgCO2e/kWh], unrounded.
    stage_per_kwh : mapping of str to Decimal
        EU-e: each stage over the total energy [kgCO2e/kWh].
    declaration_of_conformity_id, study_url : str or None
        EU-f and EU-g; None while not yet available (listed in ``missing``).
    declared_on : date
        Date of the declaration.
    method : mapping of str to str
        The method choices of the study the figures come from (standard, GWP set, boundary, allocation,
        electricity rule …).
    warnings : tuple of (zh, en)
        What a reader must know about the figures (instruments that lowered the footprint, stages left out).
    energy_formula : mapping of str to str, optional
        The draft formula's inputs when it gave ``total_energy_kwh`` (``usable_energy_kWh``,
        ``vehicle_category``, ``feqc_per_year``, ``service_life_years``), so a page can print it in its language.
    """

    manufacturer: str
    manufacturer_address: str
    model: str
    plant: str
    plant_address: str
    category: str
    capacity_kwh: Decimal
    stages: Mapping[str, Decimal]
    total_energy_kwh: Decimal
    total_energy_basis: str
    total_kgco2e: Decimal
    per_kwh: Decimal
    stage_per_kwh: Mapping[str, Decimal]
    declaration_of_conformity_id: str | None
    study_url: str | None
    declared_on: date
    method: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[tuple[str, str], ...] = ()
    energy_formula: Mapping[str, str] | None = None

    @property
    def missing(self) -> tuple[str, ...]:
        """Points of Article 7(1) not yet filled (EU-f, EU-g): the declaration is then incomplete."""
        return tuple(k for k in OPTIONAL_POINTS if not getattr(self, k))

    def form(self) -> dict[str, Any]:
        """The declaration as plain values, by point of Article 7(1), with its method, sources and unknowns."""
        return {
            "regulation": "Regulation (EU) 2023/1542", "article": "Article 7(1)", "annex": "Annex II",
            "url": EURLEX_URL, "source": EU_SOURCE,
            "a_manufacturer": {"name": self.manufacturer, "address": self.manufacturer_address},
            "b_model": self.model,
            "c_plant": {"name": self.plant, "address": self.plant_address},
            "category": self.category, "capacity_kWh": str(self.capacity_kwh),
            "functional_unit": {"total_energy_kWh": str(self.total_energy_kwh), "basis": self.total_energy_basis,
                                "draft_formula": dict(self.energy_formula) if self.energy_formula else None},
            "d_carbon_footprint_kgCO2e_per_kWh": str(self.per_kwh),
            "e_stages": [{"stage": k, "zh": zh, "en": en, "kgCO2e": str(self.stages[k]),
                          "kgCO2e_per_kWh": str(self.stage_per_kwh[k])} for k, zh, en in EU_STAGES],
            "total_kgCO2e": str(self.total_kgco2e),
            "f_declaration_of_conformity_id": self.declaration_of_conformity_id,
            "g_study_url": self.study_url,
            "declared_on": self.declared_on.isoformat(),
            "complete": not self.missing, "missing": list(self.missing),
            "method": dict(self.method),
            "methodology_status": EU_DRAFT_ACT,
            "performance_class": None,
            "warnings": [{"zh": zh, "en": en} for zh, en in self.warnings],
            "rules_applied": EU_RULES, "rules_not_adopted_or_not_verified": list(EU_UNKNOWN),
        }


def _required(value: str | None, name: str, zh: str) -> str:
    if value is None or not str(value).strip():
        raise InputError(f"欧盟电池碳足迹声明缺少{zh}", f"the EU battery carbon-footprint declaration needs {name}",
                         field=name, expected="a non-empty text")
    return str(value).strip()


def eu_declare(*, manufacturer: str, manufacturer_address: str, model: str, plant: str, plant_address: str,
               category: str, capacity_kwh: Decimal, stages: Mapping[str, Decimal], total_energy_kwh: Decimal,
               total_energy_basis: str, declared_on: date, declaration_of_conformity_id: str | None = None,
               study_url: str | None = None, method: Mapping[str, str] | None = None,
               warnings: tuple[tuple[str, str], ...] = (),
               energy_formula: Mapping[str, str] | None = None) -> EuBatteryDeclaration:
    """The Article 7(1) declaration of one battery model and plant (see the module docstring).

    Parameters
    ----------
    stages : mapping of str to Decimal
        Exactly the four stages of :data:`EU_STAGES` [kgCO2e per battery].
    total_energy_kwh : Decimal
        Total energy provided over the expected service life [kWh per battery], > 0.
    Other parameters are the attributes of :class:`EuBatteryDeclaration`.

    Raises
    ------
    InputError
        A required text empty, an unknown category, an industrial battery of 2 kWh or less, a stage
        missing or unknown, no basis for the total energy, energy not positive, a study link not http(s).
    """
    texts = {k: _required(v, k, zh) for k, v, zh in (
        ("manufacturer", manufacturer, "制造商名称"), ("manufacturer_address", manufacturer_address, "制造商地址"),
        ("model", model, "电池型号"), ("plant", plant, "生产工厂"), ("plant_address", plant_address, "工厂地址"),
        ("total_energy_basis", total_energy_basis, "全寿命总能量的依据"))}
    if category not in EU_CATEGORIES:
        raise InputError(f"未知的电池类别 {category}", f"unknown battery category {category}", field="category",
                         expected=", ".join(EU_CATEGORIES))
    if category.startswith("industrial") and capacity_kwh <= EU_INDUSTRIAL_THRESHOLD_KWH:
        raise InputError(f"工业电池容量 {capacity_kwh} kWh 不超过 2 kWh，不在第 7 条范围内",
                         f"an industrial battery of {capacity_kwh} kWh is not over 2 kWh: outside Article 7",
                         field="capacity_kwh", expected="> 2 kWh")
    missing = [k for k in EU_STAGE_KEYS if k not in stages]
    unknown = [k for k in stages if k not in EU_STAGE_KEYS]
    if missing or unknown:
        raise InputError(f"生命周期阶段须为 {list(EU_STAGE_KEYS)}（缺少 {missing}，多出 {unknown}）",
                         f"the stages must be {list(EU_STAGE_KEYS)} (missing {missing}, unknown {unknown})",
                         field="stages", expected=", ".join(EU_STAGE_KEYS))
    if total_energy_kwh <= 0:
        raise InputError("全寿命总能量须为正数", "the total energy over the service life must be positive",
                         field="total_energy_kwh", expected="> 0 kWh")
    if study_url and not study_url.startswith(("https://", "http://")):
        raise InputError(f"研究公开版本的链接不是网址：{study_url}",
                         f"the study link is not a web address: {study_url}", field="study_url", expected="https://…")
    total = sum((stages[k] for k in EU_STAGE_KEYS), Decimal(0))
    return EuBatteryDeclaration(
        manufacturer=texts["manufacturer"], manufacturer_address=texts["manufacturer_address"], model=texts["model"],
        plant=texts["plant"], plant_address=texts["plant_address"], category=category, capacity_kwh=capacity_kwh,
        stages={k: stages[k] for k in EU_STAGE_KEYS}, total_energy_kwh=total_energy_kwh,
        total_energy_basis=texts["total_energy_basis"], total_kgco2e=total, per_kwh=total / total_energy_kwh,
        stage_per_kwh={k: stages[k] / total_energy_kwh for k in EU_STAGE_KEYS},
        declaration_of_conformity_id=(declaration_of_conformity_id or "").strip() or None,
        study_url=(study_url or "").strip() or None, declared_on=declared_on, method=dict(method or {}),
        warnings=tuple(warnings), energy_formula=dict(energy_formula) if energy_formula else None)
