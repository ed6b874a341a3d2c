"""Which equipment register a factory's diagnosis reads: a file given, or the register kept in the store.

Rules (台账来源 / register source)
----------------------------------
* A register file given explicitly (the CLI's argument, an uploaded file) wins: its devices, settings,
  quota rows and conversion units are used, and the source is ``file``.
* Otherwise, when the store holds devices for the factory (table ``equipment``,
  :mod:`zerocarbon.services.efficiency.equipment_store`), those devices are used — the same
  :class:`~zerocarbon.energy.equipment.Equipment` objects the file import produces — and the source is
  ``store``. The store keeps devices only: the diagnosis settings (tariff, discount rate, horizon, year,
  value added), quota rows and conversion units come from a settings file (the factory's companion
  register ``<factory id>.equipment.yaml`` of :mod:`zerocarbon.services.dashboard.files`, or one named
  explicitly); its own devices are not read then.
* With no stored device, the settings file (if any) is the register, source ``file``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from zerocarbon.energy.equipment import Equipment
from zerocarbon.energy.register import EfficiencyRegister
from zerocarbon.errors import InputError
from zerocarbon.ingest.equipment_file import load_equipment_file
from zerocarbon.services.efficiency import equipment_store

Source = Literal["store", "file"]


@dataclass(frozen=True)
class SourcedRegister:
    """A register and where its devices came from (``file``: the file named; ``store``: the factory's stored
    devices, with the settings, quota rows and conversions of ``settings_file``)."""

    register: EfficiencyRegister
    source: Source
    file: str | None = None
    settings_file: str | None = None

    def to_dict(self) -> dict[str, object]:
        n = len(self.register.devices)
        if self.source == "store":
            extra_zh = f"；参数取自 {self.settings_file}" if self.settings_file else ""
            extra_en = f"; settings from {self.settings_file}" if self.settings_file else ""
            zh, en = f"库中台账，{n} 台设备{extra_zh}", f"{n} stored devices{extra_en}"
        else:
            zh = f"台账文件 {self.file}" if self.file else "台账文件"
            en = f"register file {self.file}" if self.file else "register file"
        return {"source": self.source, "file": self.file, "settings_file": self.settings_file, "devices": n,
                "label_zh": f"台账来源 {self.source}（{zh}）", "label_en": f"register source {self.source} ({en})"}


def with_devices(base: EfficiencyRegister, devices: Sequence[Equipment], factory_id: str) -> EfficiencyRegister:
    """``base`` (settings, quota rows, conversions) with ``devices`` (the factory's stored ones)."""
    return EfficiencyRegister(factory_id=base.factory_id or factory_id, devices=tuple(devices),
                              settings=base.settings, quota=base.quota, conversions=base.conversions)


def _companion(factory_id: str) -> Path | None:
    from zerocarbon.services.dashboard.files import companion_file

    return companion_file(factory_id, "equipment")


def factory_register(factory_id: str, url: str | None = None, *, file: str | Path | None = None,
                     settings: str | Path | None = None, display_name: str | None = None) -> SourcedRegister:
    """The register of a factory in the store, by the rules of this module.

    Parameters
    ----------
    factory_id : str
    url : str, optional
        Store URL (default: the local store).
    file : path, optional
        A register file given explicitly: it wins (source ``file``).
    settings : path, optional
        The file whose settings, quota rows and conversions go with the stored devices (default: the
        factory's companion register ``<factory id>.equipment.*``).

    Raises
    ------
    InputError
        No such factory; stored devices without any settings file; no register at all.
    """
    if file is not None:
        return SourcedRegister(load_equipment_file(file, display_name), "file", display_name or Path(file).name)
    settings_path = Path(settings) if settings is not None else _companion(factory_id)
    base = load_equipment_file(settings_path) if settings_path is not None else None
    # in the order of entry: one upload of a file keeps its rows' order, so its measures rank as the file's do
    stored = equipment_store.devices(factory_id, url, entry_order=True)
    stored_count = len(stored)
    if stored and base is None:
        raise InputError(
            f"库中有工厂 {factory_id} 的 {stored_count} 台设备，但没有诊断参数（电价、折现率、计算年限）："
            f"请给出台账文件（其“参数”表），或放置 {factory_id}.equipment.yaml",
            f"the store holds {stored_count} devices of factory {factory_id} but no diagnosis settings (tariff, "
            f"discount rate, horizon): give a register file (its settings sheet) or place {factory_id}.equipment.yaml",
            field="settings")
    if base is None:
        raise InputError(f"工厂 {factory_id} 没有设备台账（库中无设备，也没有台账文件）",
                         f"factory {factory_id} has no equipment register (no stored device and no register file)",
                         field="equipment")
    assert settings_path is not None
    if not stored:
        return SourcedRegister(base, "file", settings_path.name)
    return SourcedRegister(with_devices(base, stored, factory_id), "store", None, settings_path.name)
