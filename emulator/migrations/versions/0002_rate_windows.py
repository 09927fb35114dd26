"""one rate-limit table: GmodStore's limit and the scenario rate_limit effect share rate_window

Replaces gms_rate_window and scenario_window (emulator/ratelimit.py). Their rows are running
fixed windows of at most a few minutes and are not carried over: after the upgrade every
caller starts with a full budget.

Revision ID: 0002r
Revises: 0001
Create Date: 2026-12-01 19:41:31.576214
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0002r'
down_revision: Union[str, None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('rate_window',
    sa.Column('sandbox', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('started', sa.Float(), nullable=False),
    sa.Column('ends', sa.Float(), nullable=False),
    sa.Column('used', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('sandbox', 'scope', 'key')
    )
    with op.batch_alter_table('rate_window', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_window_ends'), ['ends'], unique=False)

    with op.batch_alter_table('scenario_window', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scenario_window_ends'))

    op.drop_table('scenario_window')
    op.drop_table('gms_rate_window')


def downgrade() -> None:
    op.create_table('gms_rate_window',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('sandbox', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('window_start', sa.Float(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('pk'),
    sa.UniqueConstraint('sandbox', 'key', 'window_start', name='uq_gms_rate_window')
    )
    op.create_table('scenario_window',
    sa.Column('sandbox', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('started', sa.Float(), nullable=False),
    sa.Column('ends', sa.Float(), nullable=False),
    sa.Column('used', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('sandbox', 'key')
    )
    with op.batch_alter_table('scenario_window', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scenario_window_ends'), ['ends'], unique=False)

    with op.batch_alter_table('rate_window', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_window_ends'))

    op.drop_table('rate_window')
