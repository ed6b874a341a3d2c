"""Grades without the diagnosis settings (仅评定等级): the stored register of a factory that keeps no settings file.

Rules
-----
* Grading needs the devices only (each by the table of its kind's mandatory standard,
  :func:`zerocarbon.energy.grading.grade_device`): the grade, the table rows used, the below-minimum flags
  and 节能装备应用占比 (rated power at grade 2 or better ÷ total, and the share at grade 1,
  :func:`zerocarbon.energy.equipment.equipment_share`) are the same with or without settings.
* Savings, CO2 abated, payback and NPV need the diagnosis settings (:data:`zerocarbon.energy.register.SETTINGS`:
  the tariff, discount rate and horizon, which have no default) and the data year of the electricity factor;
  without them none is computed, nothing is guessed, and the answer says which fields are missing
  (``savings_need_settings``, zh and en).
* The answer has the keys of :meth:`zerocarbon.services.efficiency.diagnose.Diagnosis.to_dict`, with the
  savings figures ``null`` and the lists of measures, indicators and factors empty, so the faces (API, CLI,
  page, reports) show it as they show a diagnosis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from zerocarbon.energy.equipment import Equipment, EquipmentShare, equipment_share
from zerocarbon.energy.grading import grade_device
from zerocarbon.energy.measures import Measure
from zerocarbon.energy.register import SETTINGS
from zerocarbon.services.efficiency import equipment_store
from zerocarbon.services.efficiency.diagnose import DeviceResult
from zerocarbon.store.factories import factory_summary

#: Settings whose absence stops the savings: the declared settings without a default (tariff, rate, horizon).
REQUIRED_SETTINGS = tuple(a for a in SETTINGS.attributes if a.required)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else "0" if value == 0 else str(value)


def _plain(label: str) -> str:
    """A settings label without its example (``净现值折现率（如 0.06）`` → ``净现值折现率``)."""
    return re.sub(r"\s*(（如[^）]*）|\(e\.g\.[^)]*\))", "", label)


def settings_needed(factory_id: str) -> dict[str, Any]:
    """What the savings need and where to give it, in zh and en (``savings_need_settings`` of the answer)."""
    fields = [{"name": a.name, "unit": a.unit, "zh": _plain(a.zh), "en": _plain(a.en)} for a in REQUIRED_SETTINGS]
    names_zh = "、".join(f"{f['zh']}（{f['name']}）" for f in fields)
    names_en = ", ".join(f"{f['en']} ({f['name']})" for f in fields)
    file = f"{factory_id}.equipment.yaml"
    return {
        "fields": fields, "settings_file": file,
        "also": [{"name": "year", "zh": "数据年份（电力排放因子按该年份取值）",
                  "en": "data year of the electricity factor"},
                 {"name": "replacement_cost_yuan", "zh": "每台设备的更换费用（回收期与净现值）",
                  "en": "each device's replacement cost (payback and NPV)"}],
        "message_zh": f"未计算节能量、减排量与回收期：需要诊断参数：{names_zh}，以及数据年份（year，"
                      f"电力排放因子按该年份取值）；设备的更换费用（replacement_cost_yuan）用于回收期与净现值。"
                      f"请给出台账文件的“参数”表，或放置 {file}。以下为能效等级与节能装备应用占比。",
        "message_en": f"No savings, CO2 abated or payback computed: they need the diagnosis settings: {names_en}, and "
                      f"the data year (year) of the electricity factor; each device's replacement cost "
                      f"(replacement_cost_yuan) gives its payback and NPV. Give a register file's settings sheet or "
                      f"place {file}. Shown: the grades and the share of energy-saving equipment.",
    }


@dataclass
class GradesOnly:
    """The grades and shares of a register without diagnosis settings (no savings, no measures).

    The CLI and the reports use it as a :class:`~zerocarbon.services.efficiency.diagnose.Diagnosis`:
    ``devices``, ``year``, ``summary()``, ``source()``, ``by_payback()`` and ``to_dict()``.
    """

    factory_id: str
    year: int | None
    devices: list[DeviceResult]
    share: EquipmentShare
    register_source: dict[str, Any]
    #: the factory's zh and en names from the store (the id where the store has none)
    names: tuple[str, str] | None = None

    def source(self) -> dict[str, Any]:
        return self.register_source

    def by_payback(self) -> list[Measure]:
        """No measures: an upgrade is costed only with the settings."""
        return []

    def summary(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for d in self.devices:
            key = f"grade_{d.grade.grade}" if d.grade.grade else d.grade.outcome
            counts[key] = counts.get(key, 0) + 1
        return {
            "devices": len(self.devices), "counts": counts,
            "share_grade_2_or_better": _text(self.share.share_grade_2_or_better),
            "share_grade_1": _text(self.share.share_grade_1), "total_kw": str(self.share.total_kw),
            "ungraded": list(self.share.ungraded), "excluded": list(self.share.excluded),
            "below_minimum": [d.code for d in self.devices if d.grade.outcome == "below_minimum"],
            "missing_rows": [d.code for d in self.devices if d.grade.outcome == "missing_row"],
            "measures": 0, "kwh_per_year": None, "money_per_year": None, "main_view": None,
            "register_source": self.register_source["source"], "tco2_per_year": None,
            "energy_tce": None, "energy_per_value_added": None, "grades_only": True,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "factory": {"id": self.factory_id, "name_zh": (self.names or (self.factory_id,) * 2)[0],
                        "name_en": (self.names or (self.factory_id,) * 2)[1]},
            "year": self.year, "synthetic": False, "summary": self.summary(),
            "register_source": self.register_source, "grades_only": True,
            "savings_need_settings": settings_needed(self.factory_id),
            "method": {
                "equipment": "each device by the table of its kind's mandatory energy-efficiency standard (the "
                             "standard and table rows are named per device: standard, rows); data "
                             "zerocarbon/energy/data (see docs/efficiency-reference.md)",
                "equipment_zh": "每台设备按其类别的强制性能效标准表格评定（每台设备列出所用标准与表格行："
                                "standard、rows），数据 zerocarbon/energy/data（见 docs/efficiency-reference.md）",
                "savings": None, "savings_zh": None, "tce": None, "tce_zh": None,
                "tariff_yuan_per_kwh": None, "discount_rate": None, "lifetime_years": None,
            },
            "factors": [], "devices": [d.to_dict() for d in self.devices], "measures": [],
            "measures_by_abatement": [], "indicators": [],
            "value_added": {"value_added_10k_yuan": None, "source": None, "energy_tce": None,
                            "tce_per_10k_yuan": None},
            "balance": None, "notes": [],
        }


def grade_devices(factory_id: str, devices: list[Equipment], year: int | None = None) -> GradesOnly:
    """Grade ``devices`` (the factory's stored ones) without settings."""
    results = [DeviceResult(d.code, d.name, d.kind, d.facility, d.rated_power_kw, d.efficiency_pct, grade_device(d))
               for d in devices]
    share = equipment_share(devices, [r.grade for r in results])
    n = len(devices)
    source = {"source": "store", "file": None, "settings_file": None, "devices": n,
              "label_zh": f"台账来源 store（库中台账，{n} 台设备；无诊断参数，仅评定等级）",
              "label_en": f"register source store ({n} stored devices; no settings, grades only)"}
    return GradesOnly(factory_id, year, results, share, source)


def stored_grades(factory_id: str, url: str | None = None, year: int | None = None) -> GradesOnly:
    """The factory's stored devices graded without settings, in their order of entry (as with settings).

    Raises
    ------
    InputError
        No such factory (:func:`~zerocarbon.services.efficiency.equipment_store.devices`).
    """
    graded = grade_devices(factory_id, equipment_store.devices(factory_id, url, entry_order=True), year)
    row = factory_summary(factory_id, url) or {}
    zh = str(row.get("name_zh") or factory_id)
    return replace(graded, names=(zh, str(row.get("name_en") or zh)))
