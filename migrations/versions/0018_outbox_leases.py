"""outbox messages: a Message-ID fixed at queueing, and the fencing token of the lease

Revision ID: 0018_outbox_leases
Revises: 0017_login_sessions
Create Date: 2026-12-02 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_outbox_leases'
down_revision = '0017_login_sessions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.String(length=250), nullable=True))
        batch_op.add_column(sa.Column('lease_token', sa.String(length=32), nullable=True))
    # Messages written before: the Message-ID they would have been given, from their id.
    op.execute("UPDATE outbox_message SET message_id = '<outbox-' || id || '@citedesmetiers.brussels>'")
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.alter_column('message_id', existing_type=sa.String(length=250), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_outbox_message_message_id'), ['message_id'])


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_outbox_message_message_id'), type_='unique')
        batch_op.drop_column('lease_token')
        batch_op.drop_column('message_id')
