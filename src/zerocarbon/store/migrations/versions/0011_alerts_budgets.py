"""alerts and carbon budgets

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:00:00

Anomaly alerts on meters with their evidence and their state (``alerts``: open, acknowledged,
closed; webhook delivery) and carbon budgets per factory or cost centre and period
(``carbon_budgets``, newest row in force) — ``zerocarbon.store.alerts``, ``zerocarbon.services.forecast``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'alerts',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('factory_id', sa.String(length=64), nullable=False),
        sa.Column('meter_code', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('ts_start', sa.BigInteger(), nullable=False),
        sa.Column('ts_end', sa.BigInteger(), nullable=False),
        sa.Column('severity', sa.String(length=8), nullable=False),
        sa.Column('status', sa.String(length=16), server_default='open', nullable=False),
        sa.Column('incident', sa.String(length=128), server_default='', nullable=False),
        sa.Column('waste', sa.Float(), nullable=False),
        sa.Column('unit', sa.String(length=16), nullable=False),
        sa.Column('tco2', sa.Float(), nullable=True),
        sa.Column('money', sa.Float(), nullable=True),
        sa.Column('message_zh', sa.Text(), nullable=False),
        sa.Column('message_en', sa.Text(), nullable=False),
        sa.Column('evidence', sa.Text(), nullable=False),
        sa.Column('raised_at', sa.BigInteger(), nullable=False),
        sa.Column('acknowledged_at', sa.BigInteger(), nullable=True),
        sa.Column('acknowledged_by', sa.String(length=200), nullable=True),
        sa.Column('closed_at', sa.BigInteger(), nullable=True),
        sa.Column('closed_by', sa.String(length=200), nullable=True),
        sa.Column('note', sa.Text(), server_default='', nullable=False),
        sa.Column('delivery_attempts', sa.Integer(), server_default='0', nullable=False),
        sa.Column('delivered_at', sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(['factory_id'], ['factories.id'], name=op.f('fk_alerts_factory_id_factories')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts')),
        sa.UniqueConstraint('factory_id', 'meter_code', 'kind', 'ts_start', name='uq_alerts_meter_kind_start'),
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index('ix_alerts_factory_status', ['factory_id', 'status', 'ts_start'], unique=False)
    op.create_table(
        'carbon_budgets',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('factory_id', sa.String(length=64), nullable=False),
        sa.Column('cost_centre', sa.String(length=64), nullable=True),
        sa.Column('period', sa.String(length=7), nullable=False),
        sa.Column('amount', sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column('unit', sa.String(length=16), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('note', sa.Text(), server_default='', nullable=False),
        sa.Column('created_by', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['factory_id'], ['factories.id'],
                                name=op.f('fk_carbon_budgets_factory_id_factories')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_carbon_budgets')),
    )
    with op.batch_alter_table('carbon_budgets', schema=None) as batch_op:
        batch_op.create_index('ix_carbon_budgets_factory_period', ['factory_id', 'period', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('carbon_budgets', schema=None) as batch_op:
        batch_op.drop_index('ix_carbon_budgets_factory_period')
    op.drop_table('carbon_budgets')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_alerts_factory_status')
    op.drop_table('alerts')
