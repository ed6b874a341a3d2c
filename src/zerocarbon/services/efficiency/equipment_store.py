"""The equipment register kept in the store: upload, list, get, delete (the CLI and the API call these).

Rules
-----
* An upload is read by :func:`zerocarbon.ingest.equipment_devices.read_devices`: every problem of every
  row is reported at once (file, sheet, row, field); a file with any problem stores nothing.
* An upload merges by device code: a new code is added, a code whose values differ is replaced, a code
  with the same values is left alone; devices not in the file stay (remove them with :func:`delete`).
  Re-sending the same file therefore changes nothing: no row and no audit entry is written.
* Every addition, change and removal is an ``equipment.add`` / ``equipment.change`` /
  ``equipment.delete`` entry in the audit chain, with the device's values before and after, in the
  same transaction as the write.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zerocarbon.energy.equipment import Equipment
from zerocarbon.errors import InputError
from zerocarbon.ingest.equipment_devices import read_devices
from zerocarbon.store import audit
from zerocarbon.store import equipment as repo
from zerocarbon.store.db import transaction

#: Largest register file accepted [bytes].
MAX_BYTES = 8 * 2**20


@dataclass(frozen=True)
class EquipmentUpload:
    """What an upload did, by device code."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return bool(self.added or self.changed)


def _stored(device: Equipment) -> dict[str, Any]:
    """The device as the store gives it back (decimals normalised, defaults filled)."""
    out: dict[str, Any] = {}
    for name, value in device.model_dump().items():
        if isinstance(value, Decimal):
            value = value.normalize()
            value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value
        out[name] = value
    return out


def _no_factory(factory_id: str) -> InputError:
    return InputError(f"没有工厂 {factory_id}", f"no factory '{factory_id}' in the store", field="factory_id")


def upload(factory_id: str, filename: str | None, content: bytes, *, url: str | None = None,
           now: int | None = None) -> EquipmentUpload:
    """Check a register file and merge its devices into the factory's stored register.

    Parameters
    ----------
    factory_id : str
        The factory (it must be in the store).
    filename : str
        Name of the file (its suffix says how it is read: .xlsx, .yaml, .yml, .json).
    content : bytes
        The file, at most :data:`MAX_BYTES` [bytes].

    Returns
    -------
    EquipmentUpload

    Raises
    ------
    InputError
        Too large, unreadable, no such factory; or :class:`~zerocarbon.errors.InputErrors` with every
        problem of the file. Nothing is stored then.
    """
    name = (filename or "equipment.xlsx").replace("\\", "/").rsplit("/", 1)[-1]
    if len(content) > MAX_BYTES:
        raise InputError(f"文件超过 {MAX_BYTES // 2**20} MiB", f"the file is larger than {MAX_BYTES // 2**20} MiB",
                         file=name, field="file")
    if not content:
        raise InputError("文件为空", "the file is empty", file=name, field="file")
    devices = read_devices(name, content)
    when = int(time.time()) if now is None else int(now)
    actor = audit.current_actor.get()
    done = EquipmentUpload()
    with transaction(url) as conn:
        if not repo.lock_factory(conn, factory_id):
            raise _no_factory(factory_id)
        for device in devices:
            values = _stored(device)
            before = repo.device(conn, factory_id, device.code)
            if before == values:
                done.unchanged.append(device.code)
                continue
            if before is None:
                repo.insert_device(conn, factory_id, values, actor=actor, at=when)
                done.added.append(device.code)
                action = "equipment.add"
            else:
                repo.update_device(conn, factory_id, values, actor=actor, at=when)
                done.changed.append(device.code)
                action = "equipment.change"
            audit.record(conn, action, "equipment", device.code, factory_id, before=before, after=values,
                         actor=actor, at=when)
    return done


def devices(factory_id: str, url: str | None = None, *, entry_order: bool = False) -> list[Equipment]:
    """The factory's stored devices, by code (``entry_order``: in the order they were first stored)."""
    with transaction(url) as conn:
        if not repo.factory_exists(conn, factory_id):
            raise _no_factory(factory_id)
        rows = repo.devices(conn, factory_id, entry_order=entry_order)
    return [Equipment.model_validate(r) for r in rows]


def device(factory_id: str, code: str, url: str | None = None) -> Equipment:
    """One stored device.

    Raises
    ------
    InputError
        ``field="code"``: the factory has no such device.
    """
    with transaction(url) as conn:
        row = repo.device(conn, factory_id, code)
    if row is None:
        raise InputError(f"该工厂没有设备 {code}", f"the factory has no device '{code}'", field="code")
    return Equipment.model_validate(row)


def delete(factory_id: str, code: str, *, url: str | None = None, now: int | None = None) -> None:
    """Remove a device from the factory's register (an ``equipment.delete`` audit entry with its values).

    Raises
    ------
    InputError
        ``field="code"``: the factory has no such device.
    """
    when = int(time.time()) if now is None else int(now)
    with transaction(url) as conn:
        if not repo.lock_factory(conn, factory_id):
            raise _no_factory(factory_id)
        before = repo.device(conn, factory_id, code)
        if before is None or not repo.delete_device(conn, factory_id, code):
            raise InputError(f"该工厂没有设备 {code}", f"the factory has no device '{code}'", field="code")
        audit.record(conn, "equipment.delete", "equipment", code, factory_id, before=before, after=None, at=when)


def device_dict(device: Equipment) -> dict[str, Any]:
    """A device as JSON-ready values (decimals as text, exactly; empty fields as null)."""
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in _stored(device).items()}
