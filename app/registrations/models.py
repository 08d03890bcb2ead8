"""A person's registration for one session."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.calendar.models import Audience, Session
from app.extensions import db, one_of
from app.i18n import LANGS
from app.mixins import CreatedAtMixin
from app.timeutil import UTCDateTime, utcnow

STATUSES = ("confirmed", "waitlisted", "cancelled")
CHANNELS = ("web", "api", "phone", "email", "desk")
ACTIVE = "status != 'cancelled'"


class Registration(CreatedAtMixin, db.Model):
    __tablename__ = "registration"
    __table_args__ = (
        # The last guard against a second active registration of one address on one session.
        sa.Index("uq_registration_session_email_active", "session_id", "email_key", unique=True,
                 sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE)),
        # The same for a phone number, when staff register someone who has no e-mail address.
        sa.Index("uq_registration_session_phone_active", "session_id", "phone", unique=True,
                 sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE)),
        # An erased registration keeps neither: only its anonymous counts stay (app.privacy).
        sa.CheckConstraint("email_key IS NOT NULL OR phone IS NOT NULL OR erased_at IS NOT NULL",
                           name="email_or_phone"),
        sa.Index("ix_registration_session_status", "session_id", "status"),
        one_of("status", STATUSES),
        one_of("channel", CHANNELS),
        one_of("language", LANGS),
    )
    # Not stored: (the session's seats_version, the waiting-list position) read under the lock that wrote
    # the registration, for its answer; worth nothing once a seat has moved.
    known_position = None
    # Not stored: the nonce of its address's feed, read (or made) by the request that wrote the registration,
    # so that its answer needs no look-up (see feeds.links.person_feed_nonce).
    known_feed_nonce = None

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("session.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    # No e-mail address only for someone registered at the desk with a phone number: no messages then.
    email: Mapped[str | None] = mapped_column(sa.String(254))
    email_key: Mapped[str | None] = mapped_column(sa.String(254))  # normalised, lower case: compared for duplicates
    phone: Mapped[str | None] = mapped_column(sa.String(16))  # E.164, such as +32470123456
    language: Mapped[str] = mapped_column(sa.String(2))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    audience_id: Mapped[int | None] = mapped_column(sa.ForeignKey("audience.id"))
    postcode: Mapped[str | None] = mapped_column(sa.String(10))
    channel: Mapped[str] = mapped_column(sa.String(8), default="web")
    status: Mapped[str] = mapped_column(sa.String(10))
    # Order on the waiting list: increasing within a session, never reused.
    waitlist_rank: Mapped[int | None] = mapped_column()
    token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # None once erased
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # set by the services
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    surveyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    told_full_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when its personal data was erased (on request, or by the retention purge).
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[Session] = relationship()
    audience: Mapped[Audience | None] = relationship()


class SurveyAnswer(CreatedAtMixin, db.Model):
    """The short satisfaction survey after a session: one answer per registration."""

    __tablename__ = "survey_answer"
    __table_args__ = (sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id"), unique=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("session.id"), index=True)
    rating: Mapped[int] = mapped_column()
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # set by the services
