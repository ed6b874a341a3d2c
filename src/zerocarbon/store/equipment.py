"""Repository of the equipment register (table ``equipment``): a factory's devices by code.

The functions run inside the caller's transaction, so that the lock, the comparison with what is
stored, the writes and their audit entries of one upload share one transaction
(:mod:`zerocarbon.services.efficiency.equipment_store`). Values cross this boundary as plain dicts
keyed by the attributes of :data:`zerocarbon.energy.equipment.EQUIPMENT` (decimals as
:class:`~decimal.Decimal`, normalised: a Numeric column gives back its scale's trailing zeros).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from zerocarbon.energy.equipment import EQUIPMENT
from zerocarbon.store import schema as s

_e = s.equipment
#: The declared attributes, in column order.
FIELDS = tuple(a.name for a in EQUIPMENT if a.db is not None)


def _value(value: Any) -> Any:
    if isinstance(value, float):  # SQLite keeps NUMERIC as REAL when it can: its shortest repr is the value entered
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        value = value.normalize()
        return value.quantize(Decimal(1)) if value == value.to_integral_value() else value
    return value


def _row(row: Any) -> dict[str, Any]:
    data = row._mapping
    return {name: _value(data[name]) for name in FIELDS}


def lock_factory(conn: Connection, factory_id: str) -> bool:
    """Serialise writes to the factory's register until the transaction ends; False when there is no such factory."""
    if conn.dialect.name == "postgresql":
        found = conn.execute(select(s.factories.c.id).where(s.factories.c.id == factory_id).with_for_update()).first()
    else:
        # SQLite: a write matching no row takes the database write lock (as store.activity_files does).
        conn.execute(update(_e).where(_e.c.id < 0).values(updated_at=0))
        found = conn.execute(select(s.factories.c.id).where(s.factories.c.id == factory_id)).first()
    return found is not None


def factory_exists(conn: Connection, factory_id: str) -> bool:
    """Whether the factory is in the store."""
    return conn.execute(select(s.factories.c.id).where(s.factories.c.id == factory_id)).first() is not None


def devices(conn: Connection, factory_id: str, *, entry_order: bool = False) -> list[dict[str, Any]]:
    """The factory's devices, by code; with ``entry_order`` in the order they were first stored (a register
    file's row order after its first upload; a changed device keeps its place)."""
    order = _e.c.id if entry_order else _e.c.code
    rows = conn.execute(select(_e).where(_e.c.factory_id == factory_id).order_by(order)).all()
    return [_row(r) for r in rows]


def device(conn: Connection, factory_id: str, code: str) -> dict[str, Any] | None:
    """One device of the factory, or None."""
    row = conn.execute(select(_e).where(_e.c.factory_id == factory_id, _e.c.code == code)).first()
    return None if row is None else _row(row)


def insert_device(conn: Connection, factory_id: str, values: dict[str, Any], *, actor: str, at: int) -> None:
    """Add a device (``values`` keyed by the declared attributes; absent ones take their default)."""
    conn.execute(insert(_e).values(factory_id=factory_id, updated_by=actor, updated_at=at,
                                   **{k: v for k, v in values.items() if k in FIELDS}))


def update_device(conn: Connection, factory_id: str, values: dict[str, Any], *, actor: str, at: int) -> None:
    """Replace every declared attribute of the device ``values["code"]``."""
    full = {name: values.get(name) for name in FIELDS}
    conn.execute(update(_e).where(_e.c.factory_id == factory_id, _e.c.code == values["code"])
                 .values(updated_by=actor, updated_at=at, **full))


def delete_device(conn: Connection, factory_id: str, code: str) -> bool:
    """Remove a device; False when the factory has no such device."""
    result = conn.execute(delete(_e).where(_e.c.factory_id == factory_id, _e.c.code == code))
    return bool(result.rowcount)
