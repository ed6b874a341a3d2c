"""equipment: weighted specific power of variable-speed compressors

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 19:00:00

One more column of the equipment register (``equipment``, migration 0013), from the device's declaration
(``zerocarbon.energy.equipment.EQUIPMENT``): ``weighted_specific_power`` [kW/(m³/min)], the specific power of a
variable-speed oil-injected rotary air compressor weighted over 100, 70 and 40 % of its full-load volume flow
(GB 19153-2019 §6.3.3, formula (3)), which GB 19153-2019 表2 grades. Nullable, Numeric(28, 10) like the
register's other numbers; devices already stored have none (NULL), so a stored variable-speed compressor is
``incomplete`` until its value is uploaded.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('equipment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('weighted_specific_power', sa.Numeric(precision=28, scale=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('equipment', schema=None) as batch_op:
        batch_op.drop_column('weighted_specific_power')
