"""sessions: the moment of their last write (seats included), indexed, to version cached answers

Revision ID: 0016_session_changed_at
Revises: 0015_desk_phone
Create Date: 2026-12-01 12:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.timeutil

# revision identifiers, used by Alembic.
revision = '0016_session_changed_at'
down_revision = '0015_desk_phone'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changed_at', app.timeutil.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE session SET changed_at = updated_at")
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.alter_column('changed_at', existing_type=app.timeutil.UTCDateTime(timezone=True), nullable=False)
        batch_op.create_index(batch_op.f('ix_session_changed_at'), ['changed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_changed_at'))
        batch_op.drop_column('changed_at')
