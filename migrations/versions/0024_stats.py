"""statistics: past group activities and past closures, imported for the comparison with earlier years

Revision ID: 0024_stats
Revises: 0023_feeds
Create Date: 2026-12-01 14:15:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.timeutil


# revision identifiers, used by Alembic.
revision = '0024_stats'
down_revision = '0023_feeds'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('past_activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('format', sa.String(length=12), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('audience_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=True),
    sa.Column('row_key', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('created_at', app.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("format IN ('face_to_face', 'online', 'hybrid')", name=op.f('ck_past_activity_format_known')),
    sa.CheckConstraint("language IN ('fr', 'nl', 'en', 'fr_nl')", name=op.f('ck_past_activity_language_known')),
    sa.CheckConstraint('participants >= 0', name=op.f('ck_past_activity_participants_not_negative')),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_past_activity_activity_id_activity')),
    sa.ForeignKeyConstraint(['audience_id'], ['audience.id'], name=op.f('fk_past_activity_audience_id_audience')),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_past_activity_partner_id_partner')),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_past_activity_theme_id_theme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_past_activity')),
    sa.UniqueConstraint('row_key', name=op.f('uq_past_activity_row_key'))
    )
    with op.batch_alter_table('past_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_past_activity_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_past_activity_day'), ['day'], unique=False)

    op.create_table('past_closure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('created_at', app.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('last_day >= first_day', name=op.f('ck_past_closure_days_in_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_past_closure')),
    sa.UniqueConstraint('first_day', 'last_day', name=op.f('uq_past_closure_first_day_last_day'))
    )


def downgrade():
    op.drop_table('past_closure')
    with op.batch_alter_table('past_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_past_activity_day'))
        batch_op.drop_index(batch_op.f('ix_past_activity_activity_id'))
    op.drop_table('past_activity')
