"""outbox messages: the links sent again to someone who registered twice

Revision ID: 0014_links_kind
Revises: 0010_outbox_kinds
Create Date: 2026-12-01 11:50:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014_links_kind'
down_revision = '0010_outbox_kinds'
branch_labels = None
depends_on = None

BEFORE = ('confirmation', 'waitlisted', 'promotion', 'reminder', 'change', 'cancellation', 'survey', 'full',
          'unregistered', 'host_link', 'account_welcome', 'password_reset', 'proposal')
AFTER = BEFORE[:9] + ('links',) + BEFORE[9:]


def _known(kinds) -> str:
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def _replace(kinds) -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_outbox_message_kind_known'), _known(kinds))


def upgrade():
    _replace(AFTER)


def downgrade():
    op.execute("DELETE FROM outbox_message WHERE kind = 'links'")
    _replace(BEFORE)
