"""privacy: erased registrations keep their anonymous counts; outbox bodies purged; the audit log

Revision ID: 0025_privacy
Revises: 0024_stats
Create Date: 2026-12-04 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.timeutil import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0025_privacy'
down_revision = '0024_stats'
branch_labels = None
depends_on = None

BEFORE = ('confirmation', 'waitlisted', 'promotion', 'reminder', 'change', 'cancellation', 'survey', 'full',
          'unregistered', 'links', 'host_link', 'account_welcome', 'password_reset', 'proposal')
BEFORE = BEFORE + ('posts_blocked', 'feed_link')  # since 0020_posts and 0023_feeds
AFTER = BEFORE + ('my_data',)


def _known(kinds) -> str:
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def _kinds(kinds) -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_outbox_message_kind_known'), _known(kinds))


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.alter_column('token', existing_type=sa.String(length=64), nullable=True)
        batch_op.drop_constraint(batch_op.f('ck_registration_email_or_phone'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_registration_email_or_phone'),
                                         "email_key IS NOT NULL OR phone IS NOT NULL OR erased_at IS NOT NULL")
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purged_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_message_created_at'), ['created_at'], unique=False)
    _kinds(AFTER)
    op.create_table(
        'audit_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=10), nullable=False),
        sa.Column('subject_kind', sa.String(length=5), nullable=False),
        sa.Column('subject_hash', sa.String(length=64), nullable=False),
        sa.Column('registrations', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=300), nullable=False),
        sa.CheckConstraint("action IN ('search', 'view', 'export', 'erase')", name=op.f('ck_audit_entry_action_known')),
        sa.CheckConstraint("subject_kind IN ('email', 'phone')", name=op.f('ck_audit_entry_subject_kind_known')),
        sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_audit_entry_actor_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry')),
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_subject_hash'), ['subject_hash'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_subject_hash'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))
    op.drop_table('audit_entry')
    op.execute("DELETE FROM outbox_message WHERE kind = 'my_data'")
    _kinds(BEFORE)
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_created_at'))
        batch_op.drop_column('purged_at')
    # An erased registration cannot go back to having an address: it goes, with what hangs on it.
    for table in ('survey_answer', 'join_event', 'attendance'):
        op.execute(f"DELETE FROM {table} WHERE registration_id IN "
                   "(SELECT id FROM registration WHERE erased_at IS NOT NULL)")
    op.execute("UPDATE outbox_message SET registration_id = NULL WHERE registration_id IN "
               "(SELECT id FROM registration WHERE erased_at IS NOT NULL)")
    op.execute("DELETE FROM registration WHERE erased_at IS NOT NULL")
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_registration_email_or_phone'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_registration_email_or_phone'),
                                         "email_key IS NOT NULL OR phone IS NOT NULL")
        batch_op.alter_column('token', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('erased_at')
