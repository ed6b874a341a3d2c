"""PACT v3 exchange: footprints, client credentials, events

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 09:00:00

Three new tables for the PACT v3 host-system API and client (docs/footprints.md, "PACT host
system"): ``pact_footprints`` (the factory's published footprints and its suppliers' pulled ones,
as immutable v3 documents), ``pact_clients`` (OAuth2 client credentials of data recipients, the
secret only hashed) and ``pact_events`` (CloudEvents received, and the answers to requests).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'pact_footprints',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('factory_id', sa.String(length=64), nullable=False),
        sa.Column('origin', sa.String(length=16), nullable=False),
        sa.Column('pf_id', sa.String(length=36), nullable=False),
        sa.Column('document', sa.Text(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('source', sa.Text(), server_default='', nullable=False),
        sa.Column('stored_by', sa.String(length=200), nullable=False),
        sa.Column('stored_at', sa.BigInteger(), nullable=False),
        sa.Column('deprecated_at', sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(['factory_id'], ['factories.id'],
                                name=op.f('fk_pact_footprints_factory_id_factories')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pact_footprints')),
        sa.UniqueConstraint('factory_id', 'origin', 'pf_id', name='uq_pact_footprints_key'),
    )
    op.create_index('ix_pact_footprints_factory', 'pact_footprints', ['factory_id', 'origin', 'id'], unique=False)
    op.create_table(
        'pact_clients',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('client_id', sa.String(length=64), nullable=False),
        sa.Column('secret_hash', sa.String(length=255), nullable=False),
        sa.Column('factory_id', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=200), server_default='', nullable=False),
        sa.Column('created_by', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.BigInteger(), nullable=False),
        sa.Column('revoked_at', sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(['factory_id'], ['factories.id'], name=op.f('fk_pact_clients_factory_id_factories')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pact_clients')),
        sa.UniqueConstraint('client_id', name=op.f('uq_pact_clients_client_id')),
    )
    op.create_table(
        'pact_events',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('factory_id', sa.String(length=64), nullable=False),
        sa.Column('client_id', sa.String(length=64), nullable=False),
        sa.Column('event_id', sa.String(length=200), nullable=False),
        sa.Column('event_type', sa.String(length=100), nullable=False),
        sa.Column('source', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('received_at', sa.BigInteger(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('answer', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['factory_id'], ['factories.id'], name=op.f('fk_pact_events_factory_id_factories')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pact_events')),
        sa.UniqueConstraint('factory_id', 'source', 'event_id', name='uq_pact_events_key'),
    )


def downgrade() -> None:
    op.drop_table('pact_events')
    op.drop_table('pact_clients')
    op.drop_index('ix_pact_footprints_factory', table_name='pact_footprints')
    op.drop_table('pact_footprints')
