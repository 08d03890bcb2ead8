"""posts to Facebook and LinkedIn: the queue of posts, each network's state, the message telling staff

Revision ID: 0020_posts
Revises: 0019_outbox_render_later
Create Date: 2026-12-04 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.timeutil import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0020_posts'
down_revision = '0019_outbox_render_later'
branch_labels = None
depends_on = None

KINDS_BEFORE = ('confirmation', 'waitlisted', 'promotion', 'reminder', 'change', 'cancellation', 'survey', 'full',
                'unregistered', 'links', 'host_link', 'account_welcome', 'password_reset', 'proposal')
KINDS_AFTER = KINDS_BEFORE + ('posts_blocked',)


def _known(column, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _message_kinds(kinds) -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_outbox_message_kind_known'), _known('kind', kinds))


def upgrade():
    op.create_table(
        'post',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=4), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('network', sa.String(length=20), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('link', sa.String(length=300), nullable=False),
        sa.Column('edited_by_id', sa.Integer(), nullable=True),
        sa.Column('edited_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('scheduled_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('next_attempt_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=500), nullable=False),
        sa.Column('problem', sa.String(length=20), nullable=False),
        sa.Column('network_post_id', sa.String(length=120), nullable=True),
        sa.Column('url', sa.String(length=300), nullable=True),
        sa.Column('published_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('lease_until', UTCDateTime(timezone=True), nullable=True),
        sa.Column('lease_token', sa.String(length=32), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_known('kind', ('week', 'day')), name=op.f('ck_post_kind_known')),
        sa.CheckConstraint(_known('network', ('facebook', 'linkedin')), name=op.f('ck_post_network_known')),
        sa.CheckConstraint(_known('language', ('fr', 'nl')), name=op.f('ck_post_language_known')),
        sa.CheckConstraint(_known('state', ('queued', 'publishing', 'retrying', 'published', 'failed', 'skipped')),
                           name=op.f('ck_post_state_known')),
        sa.CheckConstraint(_known('problem', ('', 'rate_limited', 'duplicate', 'bad_token', 'unavailable', 'refused',
                                              'too_late', 'no_session', 'not_configured', 'skipped_by_staff')),
                           name=op.f('ck_post_problem_known')),
        sa.ForeignKeyConstraint(['edited_by_id'], ['user_account.id'], name=op.f('fk_post_edited_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_post')),
        sa.UniqueConstraint('network', 'kind', 'day', 'language', name=op.f('uq_post_network_kind_day_language')),
    )
    op.create_index('ix_post_due', 'post', ['state', 'next_attempt_at'], unique=False)
    op.create_table(
        'post_network',
        sa.Column('network', sa.String(length=20), nullable=False),
        sa.Column('blocked_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('blocked_reason', sa.String(length=500), nullable=False),
        sa.Column('token_digest', sa.String(length=16), nullable=False),
        sa.CheckConstraint(_known('network', ('facebook', 'linkedin')), name=op.f('ck_post_network_network_known')),
        sa.PrimaryKeyConstraint('network', name=op.f('pk_post_network')),
    )
    _message_kinds(KINDS_AFTER)


def downgrade():
    op.execute("DELETE FROM outbox_message WHERE kind = 'posts_blocked'")
    _message_kinds(KINDS_BEFORE)
    op.drop_table('post_network')
    op.drop_index('ix_post_due', table_name='post')
    op.drop_table('post')
