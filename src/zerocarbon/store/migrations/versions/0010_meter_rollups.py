"""meter roll-ups

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 09:00:00

The metered year kept per meter and local month (``meter_rollups``) and what it covers
(``meter_rollup_state``: the audit entry up to which readings were read, a fingerprint of the
meters, nodes and events), so that a new batch or a correction recomputes only the meters and
months it touches (``zerocarbon.store.rollups``, ``zerocarbon.services.metering.rollups``).
Derived data only: dropping the tables loses nothing that the readings do not hold.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'meter_rollups',
        sa.Column('factory_id', sa.String(length=64), nullable=False),
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('variant', sa.String(length=32), nullable=False),
        sa.Column('meter_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('month', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('month_end', sa.BigInteger(), nullable=True),
        sa.Column('period', sa.String(length=16), nullable=True),
        sa.Column('value', sa.Float(), nullable=True),
        sa.Column('value_exact', sa.String(length=48), nullable=True),
        sa.Column('flags', sa.BigInteger(), nullable=True),
        sa.Column('seconds', sa.BigInteger(), nullable=True),
        sa.Column('n_intervals', sa.BigInteger(), nullable=True),
        sa.Column('n_estimated', sa.BigInteger(), nullable=True),
        sa.Column('n_null', sa.BigInteger(), nullable=True),
        sa.Column('gaps', sa.Text(), nullable=False),
        sa.Column('unused', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['factory_id'], ['factories.id'], name=op.f('fk_meter_rollups_factory_id_factories')),
        sa.PrimaryKeyConstraint('factory_id', 'year', 'variant', 'meter_id', 'month', name=op.f('pk_meter_rollups')),
    )
    op.create_table(
        'meter_rollup_state',
        sa.Column('factory_id', sa.String(length=64), nullable=False),
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('variant', sa.String(length=32), nullable=False),
        sa.Column('audit_id', sa.BigInteger(), nullable=False),
        sa.Column('setup', sa.String(length=64), nullable=False),
        sa.Column('updated_at', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['factory_id'], ['factories.id'],
                                name=op.f('fk_meter_rollup_state_factory_id_factories')),
        sa.PrimaryKeyConstraint('factory_id', 'year', 'variant', name=op.f('pk_meter_rollup_state')),
    )


def downgrade() -> None:
    op.drop_table('meter_rollup_state')
    op.drop_table('meter_rollups')
