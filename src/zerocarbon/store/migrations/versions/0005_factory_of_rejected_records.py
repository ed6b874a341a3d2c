"""factory of rejected records

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 09:00:00

Every rejected record carries the factory it was sent for (``rejected_records.factory_id``), so the
data-quality lists select by that column instead of by the names of batches. Records already in the
store are back-filled, most certain evidence first:

1. MQTT rejects: the factory of their topic (``zerocarbon/<factory>/…`` starts their location), as
   the subscriber read it.
2. File and REST rejects: the one factory whose meters the readings of their batch belong to.
3. Otherwise the batch name, ``<factory>:<absolute path>`` for files and ``<factory>:rest:<actor>``
   for REST, when exactly one factory of the store fits it.

What none of these tells stays empty (NULL): no factory's list shows it.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# The tables as they are at this revision (not the application's schema, which moves on).
_factories = sa.table("factories", sa.column("id", sa.String))
_meters = sa.table("meters", sa.column("id", sa.Integer), sa.column("factory_id", sa.String))
_readings = sa.table("readings", sa.column("meter_id", sa.Integer), sa.column("batch_id", sa.Integer))
_batches = sa.table("ingest_batches", sa.column("id", sa.Integer), sa.column("source", sa.String),
                    sa.column("name", sa.Text))
_rejected = sa.table("rejected_records", sa.column("id", sa.Integer), sa.column("batch_id", sa.Integer),
                     sa.column("factory_id", sa.String), sa.column("source", sa.String),
                     sa.column("location", sa.Text))

_ABSOLUTE = re.compile(r"^(/|[A-Za-z]:[\\/])")  # a resolved path, POSIX or Windows


def _factory_of_name(name: str, source: str, factory_ids: list[str]) -> str | None:
    """The one factory whose id starts the batch name as the file and REST batches are named, or None."""
    fits = []
    for fid in factory_ids:
        if not name.startswith(f"{fid}:"):
            continue
        rest = name[len(fid) + 1:]
        if (source == "rest" and rest.startswith("rest:")) or (source == "file" and _ABSOLUTE.match(rest)):
            fits.append(fid)
    return fits[0] if len(fits) == 1 else None


def _backfill(conn: sa.Connection) -> None:
    factory_ids = [str(f) for f in conn.execute(sa.select(_factories.c.id)).scalars()]
    r = _rejected
    for fid in factory_ids:
        prefix = f"zerocarbon/{fid}/"
        conn.execute(sa.update(r).where(r.c.factory_id.is_(None), r.c.source == "mqtt",
                                        sa.func.substr(r.c.location, 1, len(prefix)) == prefix)
                     .values(factory_id=fid))
    batches = conn.execute(
        sa.select(_batches.c.id, _batches.c.source, _batches.c.name)
        .where(_batches.c.id.in_(sa.select(r.c.batch_id).where(r.c.factory_id.is_(None), r.c.source != "mqtt")))
    ).all()
    for batch_id, source, name in batches:
        owners = conn.execute(
            sa.select(_meters.c.factory_id).distinct()
            .select_from(_readings.join(_meters, _meters.c.id == _readings.c.meter_id))
            .where(_readings.c.batch_id == batch_id).limit(2)).scalars().all()
        owner = str(owners[0]) if len(owners) == 1 else _factory_of_name(str(name), str(source), factory_ids)
        if owner is not None:
            conn.execute(sa.update(r).where(r.c.factory_id.is_(None), r.c.source != "mqtt", r.c.batch_id == batch_id)
                         .values(factory_id=owner))


def upgrade() -> None:
    with op.batch_alter_table('rejected_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('factory_id', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_rejected_records_factory_id_factories'), 'factories',
                                    ['factory_id'], ['id'])
    _backfill(op.get_bind())
    with op.batch_alter_table('rejected_records', schema=None) as batch_op:
        batch_op.create_index('ix_rejected_records_factory', ['factory_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('rejected_records', schema=None) as batch_op:
        batch_op.drop_index('ix_rejected_records_factory')
        batch_op.drop_constraint(batch_op.f('fk_rejected_records_factory_id_factories'), type_='foreignkey')
        batch_op.drop_column('factory_id')
