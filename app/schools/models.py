"""Schools, their teachers' requests for a class session, and the attendance of a class.

Pupils are minors: nothing about any pupil is asked or stored, only how many come.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.calendar.models import Activity, Room, Session
from app.extensions import db, one_of
from app.mixins import TimestampsMixin
from app.timeutil import UTCDateTime, utcnow

# Education networks, each within its community (the community decides the school holidays).
NETWORKS = ("fwb_wbe", "fwb_official", "fwb_free", "vg_go", "vg_official", "vg_free")
COMMUNITIES = ("fwb", "vg")
CLASS_LEVELS = ("s1", "s2", "s3", "s4", "s5", "s6", "special")
PLACES = ("centre", "school", "online")
HALF_DAYS = ("morning", "afternoon")
MAX_DATES = 3
STATES = ("new", "proposed", "confirmed", "declined", "cancelled", "done")
TEACHING_LANGUAGES = ("fr", "nl")


def community_of(network: str) -> str:
    return network.split("_", 1)[0]


class School(TimestampsMixin, db.Model):
    __tablename__ = "school"
    __table_args__ = (sa.UniqueConstraint("name_key", "postcode"), one_of("network", NETWORKS))
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    name_key: Mapped[str] = mapped_column(sa.String(200))  # folded: the same school however it is typed
    postcode: Mapped[str] = mapped_column(sa.String(4))
    network: Mapped[str] = mapped_column(sa.String(12))

    @property
    def community(self) -> str:
        return community_of(self.network)


class SchoolRequest(TimestampsMixin, db.Model):
    """A teacher's request for a class session of a school activity, from new to done."""

    __tablename__ = "school_request"
    __table_args__ = (
        one_of("state", STATES),
        one_of("place", PLACES),
        one_of("class_level", CLASS_LEVELS),
        one_of("teaching_language", TEACHING_LANGUAGES),
        sa.CheckConstraint("pupils > 0", name="pupils_positive"),
        sa.CheckConstraint("place != 'school' OR school_address != ''", name="address_when_at_school"),
        sa.Index("ix_school_request_state_created", "state", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)  # the teacher's link
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("school.id"), index=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activity.id"), index=True)
    teacher_name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254))
    phone: Mapped[str] = mapped_column(sa.String(40))
    language: Mapped[str] = mapped_column(sa.String(2))  # the teacher's: pages and messages
    class_level: Mapped[str] = mapped_column(sa.String(8))
    pupils: Mapped[int] = mapped_column()
    teaching_language: Mapped[str] = mapped_column(sa.String(2))
    place: Mapped[str] = mapped_column(sa.String(6))
    school_address: Mapped[str] = mapped_column(sa.String(300), default="")
    accessibility: Mapped[str] = mapped_column(sa.Text, default="")
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[str] = mapped_column(sa.String(10), default="new")
    decline_reason: Mapped[str] = mapped_column(sa.String(300), default="")
    # The slot staff proposed (the teacher accepts it with one button), or confirmed.
    slot_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    slot_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("room.id"))
    counsellor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("session.id"), unique=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    school: Mapped[School] = relationship()
    activity: Mapped[Activity] = relationship()
    room: Mapped[Room | None] = relationship()
    counsellor = relationship("User")
    session: Mapped[Session | None] = relationship()
    dates: Mapped[list[PreferredDate]] = relationship(back_populates="request", cascade="all, delete-orphan",
                                                      order_by="PreferredDate.rank")


class PreferredDate(db.Model):
    __tablename__ = "school_request_date"
    __table_args__ = (sa.UniqueConstraint("request_id", "rank"), one_of("half_day", HALF_DAYS))
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("school_request.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column()
    day: Mapped[date] = mapped_column(sa.Date)
    half_day: Mapped[str] = mapped_column(sa.String(9))

    request: Mapped[SchoolRequest] = relationship(back_populates="dates")


class ClassAttendance(db.Model):
    """How many pupils and accompanying adults came to a class session: they count as contacts."""

    __tablename__ = "class_attendance"
    __table_args__ = (sa.CheckConstraint("pupils_present >= 0", name="pupils_not_negative"),
                      sa.CheckConstraint("adults_present >= 0", name="adults_not_negative"))
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("session.id", ondelete="CASCADE"), unique=True)
    pupils_present: Mapped[int] = mapped_column()
    adults_present: Mapped[int] = mapped_column()
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    marked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
