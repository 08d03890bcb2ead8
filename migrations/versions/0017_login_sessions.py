"""accounts: a session key per account, in every login's cookie; logging out or a new password changes it

Revision ID: 0017_login_sessions
Revises: 0016_session_changed_at
Create Date: 2026-12-01 09:00:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_login_sessions'
down_revision = '0016_session_changed_at'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_key', sa.String(length=32), nullable=True))
    accounts = sa.table('user_account', sa.column('id', sa.Integer), sa.column('session_key', sa.String))
    connection = op.get_bind()
    for (account_id,) in connection.execute(sa.select(accounts.c.id)).all():
        connection.execute(accounts.update().where(accounts.c.id == account_id)
                           .values(session_key=secrets.token_urlsafe(16)))
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('session_key', existing_type=sa.String(length=32), nullable=False)


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_key')
