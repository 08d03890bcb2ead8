"""registrations: a phone number instead of an e-mail address, for people registered at the desk

Revision ID: 0015_desk_phone
Revises: 0014_links_kind
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_desk_phone'
down_revision = '0014_links_kind'
branch_labels = None
depends_on = None

ACTIVE = "status != 'cancelled'"


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=16), nullable=True))
        batch_op.alter_column('email', existing_type=sa.String(length=254), nullable=True)
        batch_op.alter_column('email_key', existing_type=sa.String(length=254), nullable=True)
        batch_op.create_check_constraint(batch_op.f('ck_registration_email_or_phone'),
                                         "email_key IS NOT NULL OR phone IS NOT NULL")
        batch_op.create_index('uq_registration_session_phone_active', ['session_id', 'phone'], unique=True,
                              sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))


def downgrade():
    # Before this revision every registration has an address: a phone-only one gets one that is never delivered.
    op.execute("UPDATE registration SET email = phone || '@phone.invalid', email_key = phone || '@phone.invalid' "
               "WHERE email_key IS NULL")
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('uq_registration_session_phone_active', sqlite_where=sa.text(ACTIVE),
                            postgresql_where=sa.text(ACTIVE))
        batch_op.drop_constraint(batch_op.f('ck_registration_email_or_phone'), type_='check')
        batch_op.alter_column('email_key', existing_type=sa.String(length=254), nullable=False)
        batch_op.alter_column('email', existing_type=sa.String(length=254), nullable=False)
        batch_op.drop_column('phone')
