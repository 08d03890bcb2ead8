"""outbox messages rendered by the sender: what the message needs is written with it, its texts at delivery

Revision ID: 0019_outbox_render_later
Revises: 0018_outbox_leases
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_outbox_render_later'
down_revision = '0018_outbox_leases'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.String(length=300), nullable=False, server_default=''))
        batch_op.alter_column('subject', existing_type=sa.String(length=300), nullable=True)
        batch_op.alter_column('body_text', existing_type=sa.Text(), nullable=True)
        batch_op.alter_column('body_html', existing_type=sa.Text(), nullable=True)


def downgrade():
    op.execute("UPDATE outbox_message SET subject = '' WHERE subject IS NULL")
    op.execute("UPDATE outbox_message SET body_text = '' WHERE body_text IS NULL")
    op.execute("UPDATE outbox_message SET body_html = '' WHERE body_html IS NULL")
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.alter_column('body_html', existing_type=sa.Text(), nullable=False)
        batch_op.alter_column('body_text', existing_type=sa.Text(), nullable=False)
        batch_op.alter_column('subject', existing_type=sa.String(length=300), nullable=False)
        batch_op.drop_column('reason')
        batch_op.drop_column('position')
