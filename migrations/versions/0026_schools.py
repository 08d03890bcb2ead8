"""schools book class sessions: hosts, counsellors' activities, bookings that never overlap

Revision ID: 0026_schools
Revises: 0025_privacy
Create Date: 2026-12-01 14:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.timeutil


# revision identifiers, used by Alembic.
revision = '0026_schools'
down_revision = '0025_privacy'
branch_labels = None
depends_on = None


KINDS_BEFORE = ('confirmation', 'waitlisted', 'promotion', 'reminder', 'change', 'cancellation', 'survey', 'full',
          'unregistered', 'links', 'host_link', 'account_welcome', 'password_reset', 'proposal')
KINDS_BEFORE = KINDS_BEFORE + ('posts_blocked', 'feed_link', 'my_data')  # since 0020_posts, 0023_feeds, 0025_privacy
KINDS_AFTER = KINDS_BEFORE + ('school_ack', 'school_proposal', 'school_confirmed', 'school_reminder',
                              'school_change', 'school_cancelled')


def _kinds(kinds) -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_outbox_message_kind_known'),
                                         "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")")


def upgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visibility', sa.String(length=6), nullable=False, server_default='public'))
        batch_op.add_column(sa.Column('offsite_address', sa.String(length=300), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_session_venue_when_on_site'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_session_venue_when_on_site'),
            "format = 'online' OR venue_id IS NOT NULL OR offsite_address IS NOT NULL")
        batch_op.create_check_constraint(batch_op.f('ck_session_visibility_known'),
                                         "visibility IN ('public', 'school')")

    op.create_table('session_host',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_session_host_session_id_session'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_session_host_user_id_user_account'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'user_id', name=op.f('pk_session_host'))
    )
    with op.batch_alter_table('session_host', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_host_user_id'), ['user_id'], unique=False)

    op.create_table('counsellor_activity',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'],
                            name=op.f('fk_counsellor_activity_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                            name=op.f('fk_counsellor_activity_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'activity_id', name=op.f('pk_counsellor_activity'))
    )
    with op.batch_alter_table('counsellor_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counsellor_activity_activity_id'), ['activity_id'], unique=False)

    op.create_table('booking',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('start_at', app.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('end_at', app.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('room', 'host')", name=op.f('ck_booking_kind_known')),
    sa.CheckConstraint('end_at > start_at', name=op.f('ck_booking_ends_after_start')),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_booking_session_id_session'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking'))
    )
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.create_index('ix_booking_resource', ['kind', 'resource_id', 'start_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_session_id'), ['session_id'], unique=False)
    # The rooms the scheduled sessions hold already.
    op.execute("INSERT INTO booking (session_id, kind, resource_id, start_at, end_at) "
               "SELECT id, 'room', room_id, start_at, end_at FROM session "
               "WHERE status = 'scheduled' AND format != 'online' AND room_id IS NOT NULL")
    op.create_table('school',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('postcode', sa.String(length=4), nullable=False),
    sa.Column('network', sa.String(length=12), nullable=False),
    sa.Column('created_at', app.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("network IN ('fwb_wbe', 'fwb_official', 'fwb_free', 'vg_go', 'vg_official', 'vg_free')",
                       name=op.f('ck_school_network_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school')),
    sa.UniqueConstraint('name_key', 'postcode', name=op.f('uq_school_name_key_postcode'))
    )
    op.create_table('school_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('teacher_name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('class_level', sa.String(length=8), nullable=False),
    sa.Column('pupils', sa.Integer(), nullable=False),
    sa.Column('teaching_language', sa.String(length=2), nullable=False),
    sa.Column('place', sa.String(length=6), nullable=False),
    sa.Column('school_address', sa.String(length=300), nullable=False),
    sa.Column('accessibility', sa.Text(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('decline_reason', sa.String(length=300), nullable=False),
    sa.Column('slot_start', app.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('slot_end', app.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('room_id', sa.Integer(), nullable=True),
    sa.Column('counsellor_id', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', app.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("class_level IN ('s1', 's2', 's3', 's4', 's5', 's6', 'special')",
                       name=op.f('ck_school_request_class_level_known')),
    sa.CheckConstraint("place IN ('centre', 'school', 'online')", name=op.f('ck_school_request_place_known')),
    sa.CheckConstraint("place != 'school' OR school_address != ''",
                       name=op.f('ck_school_request_address_when_at_school')),
    sa.CheckConstraint('pupils > 0', name=op.f('ck_school_request_pupils_positive')),
    sa.CheckConstraint("state IN ('new', 'proposed', 'confirmed', 'declined', 'cancelled', 'done')",
                       name=op.f('ck_school_request_state_known')),
    sa.CheckConstraint("teaching_language IN ('fr', 'nl')", name=op.f('ck_school_request_teaching_language_known')),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_school_request_activity_id_activity')),
    sa.ForeignKeyConstraint(['counsellor_id'], ['user_account.id'],
                            name=op.f('fk_school_request_counsellor_id_user_account')),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_school_request_room_id_room')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_school_request_school_id_school')),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_school_request_session_id_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_request')),
    sa.UniqueConstraint('session_id', name=op.f('uq_school_request_session_id')),
    sa.UniqueConstraint('token', name=op.f('uq_school_request_token'))
    )
    with op.batch_alter_table('school_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_request_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_school_request_school_id'), ['school_id'], unique=False)
        batch_op.create_index('ix_school_request_state_created', ['state', 'created_at'], unique=False)
    op.create_table('school_request_date',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('half_day', sa.String(length=9), nullable=False),
    sa.CheckConstraint("half_day IN ('morning', 'afternoon')", name=op.f('ck_school_request_date_half_day_known')),
    sa.ForeignKeyConstraint(['request_id'], ['school_request.id'],
                            name=op.f('fk_school_request_date_request_id_school_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_request_date')),
    sa.UniqueConstraint('request_id', 'rank', name=op.f('uq_school_request_date_request_id_rank'))
    )
    with op.batch_alter_table('school_request_date', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_request_date_request_id'), ['request_id'], unique=False)
    op.create_table('class_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('pupils_present', sa.Integer(), nullable=False),
    sa.Column('adults_present', sa.Integer(), nullable=False),
    sa.Column('marked_at', app.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('adults_present >= 0', name=op.f('ck_class_attendance_adults_not_negative')),
    sa.CheckConstraint('pupils_present >= 0', name=op.f('ck_class_attendance_pupils_not_negative')),
    sa.ForeignKeyConstraint(['marked_by_id'], ['user_account.id'],
                            name=op.f('fk_class_attendance_marked_by_id_user_account')),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_class_attendance_session_id_session'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_class_attendance')),
    sa.UniqueConstraint('session_id', name=op.f('uq_class_attendance_session_id'))
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pupils_min', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('pupils_max', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('school_places', sa.String(length=20), nullable=False,
                                      server_default='centre,school,online'))
        batch_op.create_check_constraint(batch_op.f('ck_activity_pupils_range_in_order'),
                                         'pupils_min IS NULL OR pupils_max IS NULL OR pupils_min <= pupils_max')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('school_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_account_school_id'), ['school_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_user_account_school_id_school'), 'school', ['school_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_user_account_role_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_user_account_role_known'),
                                         "role IN ('admin', 'coordinator', 'counsellor', 'partner', 'school')")
        batch_op.create_check_constraint(batch_op.f('ck_user_account_school_users_have_a_school'),
                                         "(role = 'school') = (school_id IS NOT NULL)")
    _kinds(KINDS_AFTER)
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('school_request_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_message_school_request_id'), ['school_request_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_message_school_request_id_school_request'),
                                    'school_request', ['school_request_id'], ['id'])
    if postgresql:
        # The database itself refuses two overlapping bookings of one room or one host.
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute("ALTER TABLE booking ADD CONSTRAINT ex_booking_no_overlap EXCLUDE USING gist "
                   "(kind WITH =, resource_id WITH =, tstzrange(start_at, end_at, '[)') WITH &&)")


def downgrade():
    op.execute("DELETE FROM outbox_message WHERE kind LIKE 'school_%'")
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_school_request_id_school_request'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_message_school_request_id'))
        batch_op.drop_column('school_request_id')
    _kinds(KINDS_BEFORE)
    op.execute("DELETE FROM user_account WHERE role = 'school'")
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_account_school_users_have_a_school'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_user_account_role_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_user_account_role_known'),
                                         "role IN ('admin', 'coordinator', 'counsellor', 'partner')")
        batch_op.drop_constraint(batch_op.f('fk_user_account_school_id_school'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_user_account_school_id'))
        batch_op.drop_column('school_id')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_activity_pupils_range_in_order'), type_='check')
        batch_op.drop_column('school_places')
        batch_op.drop_column('pupils_max')
        batch_op.drop_column('pupils_min')
    op.drop_table('class_attendance')
    op.drop_table('school_request_date')
    op.drop_table('school_request')
    op.drop_table('school')
    op.drop_table('booking')
    op.drop_table('counsellor_activity')
    op.drop_table('session_host')
    op.execute("UPDATE session SET format = 'online' "
               "WHERE offsite_address IS NOT NULL AND venue_id IS NULL AND format != 'online'")
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_session_visibility_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_session_venue_when_on_site'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_session_venue_when_on_site'),
                                         "format = 'online' OR venue_id IS NOT NULL")
        batch_op.drop_column('offsite_address')
        batch_op.drop_column('visibility')
