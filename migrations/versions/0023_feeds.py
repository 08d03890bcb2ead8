"""feeds of one's own: a person's feed link per e-mail address, users' feed links

Revision ID: 0023_feeds
Revises: 0022_bilingual
Create Date: 2026-12-01 14:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.timeutil import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0023_feeds'
down_revision = '0022_bilingual'
branch_labels = None
depends_on = None

KINDS_BEFORE = ('confirmation', 'waitlisted', 'promotion', 'reminder', 'change', 'cancellation', 'survey', 'full',
                'unregistered', 'links', 'host_link', 'account_welcome', 'password_reset', 'proposal')
KINDS_BEFORE = KINDS_BEFORE + ('posts_blocked',)  # since 0020_posts
KINDS_AFTER = KINDS_BEFORE + ('feed_link',)


def _kinds(kinds) -> None:
    known = "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_outbox_message_kind_known'), known)


def upgrade():
    op.create_table(
        'person_feed',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email_key', sa.String(length=254), nullable=False),
        sa.Column('nonce', sa.String(length=64), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('replaced_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_person_feed')),
        sa.UniqueConstraint('email_key', name=op.f('uq_person_feed_email_key')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_person_feed_token_hash')),
    )
    op.create_table(
        'user_feed',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('nonce', sa.String(length=64), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_feed_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_feed')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_user_feed_token_hash')),
    )
    with op.batch_alter_table('user_feed', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_feed_user_id'), ['user_id'], unique=False)
    _kinds(KINDS_AFTER)


def downgrade():
    op.execute("DELETE FROM outbox_message WHERE kind = 'feed_link'")
    _kinds(KINDS_BEFORE)
    with op.batch_alter_table('user_feed', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_feed_user_id'))
    op.drop_table('user_feed')
    op.drop_table('person_feed')
