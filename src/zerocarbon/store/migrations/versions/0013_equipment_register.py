"""equipment register

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 17:00:00

The factory's equipment register (设备能效台账) as a table, ``equipment``: one row per device code of a
factory, its columns the device's one declaration (``zerocarbon.energy.equipment.EQUIPMENT``: kind,
rated power or capacity, poles, speed, voltage, discharge pressure, cooling, supply, compressor, fan and
pump parameters, efficiency or losses, running hours, load factor, commissioning year, meter link …),
and who changed it last and when. Changes are in the audit chain with the values before and after.
Decimals are Numeric(28, 10).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'equipment',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('factory_id', sa.String(length=64), nullable=False),
        sa.Column('code', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=200), server_default='', nullable=False),
        sa.Column('kind', sa.String(length=64), nullable=False),
        sa.Column('rated_power_kw', sa.Numeric(precision=28, scale=10), nullable=True),
        sa.Column('capacity_kva', sa.Numeric(precision=28, scale=10), nullable=True),
        sa.Column('poles', sa.Integer(), nullable=True),
        sa.Column('speed_rpm', sa.Numeric(precision=28, scale=10), nullable=True),
        sa.Column('voltage_v', sa.Numeric(precision=28, scale=10), nullable=True),
        sa.Column('pressure_mpa', sa.Numeric(precision=28, scale=10), nullable=True),
        sa.Column('cooling', sa.String(length=64), nullable=True),
        sa.Column('ic_code', sa.String(length=64), nullable=True),
        sa.Column('supply', sa.String(length=64), nullable=True),
        sa.Column('compressor_type', sa.String(length=64), nullable=True),
        sa.Column('specific_power', sa.Numeric(precision=28, scale=10), nullable=True),
        sa.Column('fan_type', sa.String(length=64), nullable=True),
        sa.Column('pressure_coefficient', sa.Numeric(precision=28, scale=10), nullable=True),
        sa.Column('specific_speed', sa.Numeric(precision=28, scale=10), nullable=True),
        sa.Column('hub_ratio', sa.Numeric(precision=28, scale=10), nullable=True),
        sa.Column('machine_number', sa.Numeric(precision=28, scale=10), nullable=True),
        sa.Column('pump_type', sa.String(length=64), nullable=True),
        sa.Column('flow_m3h', sa.Numeric(precision=28, scale=10), nullable=True),
        sa.Column('head_m', sa.Numeric(precision=28, scale=10), nullable=True),
        sa.Column('stages', sa.Integer(), nullable=True),
        sa.Column('efficiency_pct', sa.Numeric(precision=28, scale=10), nullable=True),
        sa.Column('efficiency_basis', sa.String(length=64), server_default='nameplate', nullable=False),
        sa.Column('no_load_loss_kw', sa.Numeric(precision=28, scale=10), nullable=True),
        sa.Column('load_loss_kw', sa.Numeric(precision=28, scale=10), nullable=True),
        sa.Column('transformer_type', sa.String(length=64), nullable=True),
        sa.Column('core', sa.String(length=64), nullable=True),
        sa.Column('connection', sa.String(length=200), nullable=True),
        sa.Column('running_hours', sa.Numeric(precision=28, scale=10), nullable=True),
        sa.Column('load_factor', sa.Numeric(precision=28, scale=10), nullable=True),
        sa.Column('commissioning_year', sa.Integer(), nullable=True),
        sa.Column('meter_code', sa.String(length=64), nullable=True),
        sa.Column('facility', sa.String(length=200), nullable=True),
        sa.Column('replacement_cost_yuan', sa.Numeric(precision=28, scale=10), nullable=True),
        sa.Column('updated_by', sa.String(length=200), nullable=False),
        sa.Column('updated_at', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['factory_id'], ['factories.id'], name=op.f('fk_equipment_factory_id_factories')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment')),
        sa.UniqueConstraint('factory_id', 'code', name='uq_equipment_factory_code'),
    )


def downgrade() -> None:
    op.drop_table('equipment')
