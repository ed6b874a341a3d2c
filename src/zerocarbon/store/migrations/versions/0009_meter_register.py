"""meter register

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 09:00:00

The meter register (能源计量器具一览表) on the meters: each meter's model (型号), serial number
(出厂编号), accuracy class (准确度等级), the date of its last verification or calibration
(最近检定/校准日期), the date the next is due (下次检定日期) and the certificate's number
(证书编号). All nullable: meters already in the store have no register data until their set-up is
saved again with it; the report then says the register is missing for them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('meters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('model', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('serial_no', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('accuracy_class', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('calibrated_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('calibration_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('calibration_certificate', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('meters', schema=None) as batch_op:
        batch_op.drop_column('calibration_certificate')
        batch_op.drop_column('calibration_due')
        batch_op.drop_column('calibrated_on')
        batch_op.drop_column('accuracy_class')
        batch_op.drop_column('serial_no')
        batch_op.drop_column('model')
