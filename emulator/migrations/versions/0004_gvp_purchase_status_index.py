"""gvp purchase index with status

`ix_gvp_purchase_user` gains `status`: "does the user have a pending purchase of this
product?" (asked on every CreatePurchase) becomes an index seek instead of a scan of every
purchase of the product, which for a repeatable credit top-up grows with each one.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 21:00:00
"""
from typing import Sequence, Union

from alembic import op

revision: str = '0004'
down_revision: Union[str, None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('gvp_purchase', schema=None) as batch_op:
        batch_op.drop_index('ix_gvp_purchase_user')
        batch_op.create_index('ix_gvp_purchase_user',
                              ['sandbox', 'user_name', 'product_id', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('gvp_purchase', schema=None) as batch_op:
        batch_op.drop_index('ix_gvp_purchase_user')
        batch_op.create_index('ix_gvp_purchase_user', ['sandbox', 'user_name', 'product_id'],
                              unique=False)
