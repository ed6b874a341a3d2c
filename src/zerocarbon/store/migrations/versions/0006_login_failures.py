"""login failures

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 10:00:00

Failed sign-ins of the last window (``login_failures``), kept in the store so that every worker
process of the server throttles the same attempts (``zerocarbon.services.identity.logins``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('at', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures'))
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index('ix_login_failures_at', ['at'], unique=False)
        batch_op.create_index('ix_login_failures_subject', ['scope', 'subject', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failures_subject')
        batch_op.drop_index('ix_login_failures_at')
    op.drop_table('login_failures')
