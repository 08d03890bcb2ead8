"""outbox messages: the kind is one of the known kinds

Revision ID: 0010_outbox_kinds
Revises: 0009_rooms_closures
Create Date: 2026-11-25 09:00:00.000000

"""
from alembic import op



# revision identifiers, used by Alembic.
revision = '0010_outbox_kinds'
down_revision = '0009_rooms_closures'
branch_labels = None
depends_on = None

# The kinds as they are at this revision (app.messages.models.Kind); a later kind needs a new migration.
KINDS = ('confirmation', 'waitlisted', 'promotion', 'reminder', 'change', 'cancellation', 'survey', 'full',
         'unregistered', 'host_link', 'account_welcome', 'password_reset', 'proposal')
KIND_KNOWN = "kind IN (" + ", ".join(f"'{kind}'" for kind in KINDS) + ")"


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_outbox_message_kind_known'), KIND_KNOWN)


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_kind_known'), type_='check')
