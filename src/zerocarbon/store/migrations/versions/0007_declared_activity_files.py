"""declared activity files

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 11:00:00

The declared activity-data files of the factories, as uploaded (``declared_files``): every version
kept, the newest one of a factory current (``zerocarbon.services.inventory.declared``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('declared_files',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('factory_id', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by', sa.String(length=200), nullable=False),
    sa.Column('uploaded_at', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['factory_id'], ['factories.id'], name=op.f('fk_declared_files_factory_id_factories')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declared_files'))
    )
    with op.batch_alter_table('declared_files', schema=None) as batch_op:
        batch_op.create_index('ix_declared_files_factory', ['factory_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('declared_files', schema=None) as batch_op:
        batch_op.drop_index('ix_declared_files_factory')
    op.drop_table('declared_files')
