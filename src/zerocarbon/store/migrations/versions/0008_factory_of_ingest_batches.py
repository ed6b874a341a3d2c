"""factory of ingest batches

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 09:00:00

Every ingest batch carries the factory it was opened for (``ingest_batches.factory_id``), so the
list of a factory's batches selects by that column instead of by batch names (which confused the
factory ``F`` with ``F:2``, and any batch whose file path read `` zerocarbon/<factory>/``). Batches
already in the store are back-filled from what they hold:

1. the factories whose meters the batch's readings belong to, and
2. the factories of the batch's rejected records (``rejected_records.factory_id``, migration 0005).

A batch gets a factory when these together name exactly one. A batch that holds several factories'
data (the MQTT subscriber over every factory's topics), or nothing that tells, stays empty (NULL):
no factory's list shows it. Batch names are not read.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# The tables as they are at this revision (not the application's schema, which moves on).
_meters = sa.table("meters", sa.column("id", sa.Integer), sa.column("factory_id", sa.String))
_readings = sa.table("readings", sa.column("meter_id", sa.Integer), sa.column("batch_id", sa.Integer))
_batches = sa.table("ingest_batches", sa.column("id", sa.Integer), sa.column("factory_id", sa.String))
_rejected = sa.table("rejected_records", sa.column("batch_id", sa.Integer), sa.column("factory_id", sa.String))


def _owners(conn: sa.Connection, stmt: sa.Select[int, str, str], into: dict[int, set[str]]) -> None:
    """Add (batch, least factory, greatest factory) rows to ``into``: one pass, grouped by batch."""
    for batch_id, low, high in conn.execute(stmt):
        into.setdefault(int(batch_id), set()).update((str(low), str(high)))


def _backfill(conn: sa.Connection) -> None:
    m, r, j = _meters, _readings, _rejected
    owners: dict[int, set[str]] = {}
    # Least and greatest factory per batch: equal when the batch's rows are of one factory.
    _owners(conn, sa.select(r.c.batch_id, sa.func.min(m.c.factory_id), sa.func.max(m.c.factory_id))
            .select_from(r.join(m, m.c.id == r.c.meter_id)).where(r.c.batch_id.is_not(None))
            .group_by(r.c.batch_id), owners)
    _owners(conn, sa.select(j.c.batch_id, sa.func.min(j.c.factory_id), sa.func.max(j.c.factory_id))
            .where(j.c.batch_id.is_not(None), j.c.factory_id.is_not(None)).group_by(j.c.batch_id), owners)
    rows = [{"bid": batch_id, "fid": next(iter(fids))} for batch_id, fids in sorted(owners.items()) if len(fids) == 1]
    if rows:
        conn.execute(sa.update(_batches).where(_batches.c.id == sa.bindparam("bid"))
                     .values(factory_id=sa.bindparam("fid")), rows)


def upgrade() -> None:
    with op.batch_alter_table('ingest_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('factory_id', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_ingest_batches_factory_id_factories'), 'factories',
                                    ['factory_id'], ['id'])
    _backfill(op.get_bind())
    with op.batch_alter_table('ingest_batches', schema=None) as batch_op:
        batch_op.create_index('ix_ingest_batches_factory', ['factory_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ingest_batches', schema=None) as batch_op:
        batch_op.drop_index('ix_ingest_batches_factory')
        batch_op.drop_constraint(batch_op.f('fk_ingest_batches_factory_id_factories'), type_='foreignkey')
        batch_op.drop_column('factory_id')
