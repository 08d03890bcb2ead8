"""messages that tell what they need: a change's former values on its outbox row, host links told once per user

Revision ID: 0021_messages
Revises: 0020_posts
Create Date: 2026-12-01 14:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.timeutil import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0021_messages'
down_revision = '0020_posts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=True))
    op.create_table(
        'host_link_notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('room_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('link_digest', sa.String(length=16), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.Column('at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['room_id'], ['video_room.id'], name=op.f('fk_host_link_notice_room_id_video_room')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_host_link_notice_user_id_user_account')),
        sa.ForeignKeyConstraint(['message_id'], ['outbox_message.id'],
                                name=op.f('fk_host_link_notice_message_id_outbox_message')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_host_link_notice')),
        sa.UniqueConstraint('room_id', 'user_id', 'link_digest',
                            name=op.f('uq_host_link_notice_room_id_user_id_link_digest')),
    )
    with op.batch_alter_table('host_link_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_host_link_notice_room_id'), ['room_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_host_link_notice_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('host_link_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_host_link_notice_user_id'))
        batch_op.drop_index(batch_op.f('ix_host_link_notice_room_id'))
    op.drop_table('host_link_notice')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('details')
