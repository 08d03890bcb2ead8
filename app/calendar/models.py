"""Venues, partners, activities, series and their sessions."""
from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db, one_of
from app.i18n import LANGS
from app.mixins import CreatedAtMixin, LastChangedMixin, TimestampsMixin
from app.timeutil import UTCDateTime, utcnow

FORMATS = ("face_to_face", "online", "hybrid")
ON_SITE_FORMATS = tuple(f for f in FORMATS if f != "online")  # held at a venue
ONLINE_FORMATS = tuple(f for f in FORMATS if f != "face_to_face")  # with a videoconference room
DELIVERY_LANGUAGES = LANGS + ("fr_nl",)  # the language a session is held in: one of ours, or French and Dutch
STATUSES = ("scheduled", "cancelled")  # of a session
VISIBILITIES = ("public", "school")  # a school session is one class's: never in any public output
BOOKING_KINDS = ("room", "host")  # what a booking holds
EXCEPTION_KINDS = ("skip", "move")  # of one date of a series


Texts = dict  # {"fr": ..., "nl": ..., "en": ...}: a text staff type in each language


def as_texts(value: str | Texts | None) -> Texts:
    """A text in each language; one plain string is the French text (the others fall back to it)."""
    if value is None:
        return {}
    if isinstance(value, str):
        return {"fr": value}
    return dict(value)


class Translated:
    """Columns `<field>_fr/_nl/_en`; `localized(field, lang)` falls back to French, then Dutch, then English."""

    def localized(self, field: str, lang: str) -> str:
        for code in (lang, "fr", "nl", "en"):
            value = getattr(self, f"{field}_{code}", None) if code in LANGS else None
            if value:
                return value
        return ""

    def texts(self, field: str) -> dict[str, str]:
        """The three texts of `field` as typed, by language ('' where none was)."""
        return {code: getattr(self, f"{field}_{code}", None) or "" for code in LANGS}

    def set_texts(self, field: str, texts: Texts) -> None:
        """Write the three texts of `field`, each stripped (a missing language is left empty)."""
        for code in LANGS:
            setattr(self, f"{field}_{code}", (texts.get(code) or "").strip())


class LabelledMixin(Translated):
    """A row of a reference list: a stable code, and its label in each language (`localized("label", lang)`)."""

    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    label_fr: Mapped[str] = mapped_column(sa.String(120))
    label_nl: Mapped[str] = mapped_column(sa.String(120))
    label_en: Mapped[str] = mapped_column(sa.String(120))


class Theme(LabelledMixin, LastChangedMixin, db.Model):
    __tablename__ = "theme"
    id: Mapped[int] = mapped_column(primary_key=True)


class Audience(LabelledMixin, LastChangedMixin, db.Model):
    __tablename__ = "audience"
    id: Mapped[int] = mapped_column(primary_key=True)


class Venue(Translated, LastChangedMixin, db.Model):
    """A place of the centre or a partner. Brussels streets have an official name in French and in Dutch:
    `localized("address", lang)`."""

    __tablename__ = "venue"
    id: Mapped[int] = mapped_column(primary_key=True)
    name_fr: Mapped[str] = mapped_column(sa.String(160), unique=True)
    name_nl: Mapped[str] = mapped_column(sa.String(160), default="")
    name_en: Mapped[str] = mapped_column(sa.String(160), default="")
    address_fr: Mapped[str] = mapped_column(sa.String(300))
    address_nl: Mapped[str] = mapped_column(sa.String(300), default="")
    address_en: Mapped[str] = mapped_column(sa.String(300), default="")
    accessibility_notes_fr: Mapped[str] = mapped_column(sa.Text, default="")
    accessibility_notes_nl: Mapped[str] = mapped_column(sa.Text, default="")
    accessibility_notes_en: Mapped[str] = mapped_column(sa.Text, default="")
    rooms: Mapped[list[Room]] = relationship(back_populates="venue", order_by="Room.name_fr")


class Room(Translated, LastChangedMixin, db.Model):
    __tablename__ = "room"
    __table_args__ = (sa.UniqueConstraint("venue_id", "name_fr"),
                      sa.CheckConstraint("capacity > 0", name="capacity_positive"))
    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venue.id"), index=True)
    name_fr: Mapped[str] = mapped_column(sa.String(120))
    name_nl: Mapped[str] = mapped_column(sa.String(120), default="")
    name_en: Mapped[str] = mapped_column(sa.String(120), default="")
    capacity: Mapped[int] = mapped_column()
    accessibility_notes_fr: Mapped[str] = mapped_column(sa.Text, default="")
    accessibility_notes_nl: Mapped[str] = mapped_column(sa.Text, default="")
    accessibility_notes_en: Mapped[str] = mapped_column(sa.Text, default="")
    venue: Mapped[Venue] = relationship(back_populates="rooms")


class Partner(Translated, LastChangedMixin, db.Model):
    __tablename__ = "partner"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name_fr: Mapped[str] = mapped_column(sa.String(160))
    name_nl: Mapped[str] = mapped_column(sa.String(160))
    name_en: Mapped[str] = mapped_column(sa.String(160))
    contact_name: Mapped[str] = mapped_column(sa.String(160), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    room_provider: Mapped[str | None] = mapped_column(sa.String(20))


activity_audience = sa.Table(
    "activity_audience",
    db.metadata,
    sa.Column("activity_id", sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("audience_id", sa.ForeignKey("audience.id", ondelete="CASCADE"), primary_key=True),
)

activity_cohost = sa.Table(
    "activity_cohost",
    db.metadata,
    sa.Column("activity_id", sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("partner_id", sa.ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True),
)


class Activity(Translated, CreatedAtMixin, LastChangedMixin, db.Model):
    """A kind of workshop; its sessions are the dated occurrences."""

    __tablename__ = "activity"
    __table_args__ = (
        sa.CheckConstraint("default_capacity > 0", name="default_capacity_positive"),
        sa.CheckConstraint("default_duration_minutes > 0", name="default_duration_positive"),
        sa.CheckConstraint("pupils_min IS NULL OR pupils_max IS NULL OR pupils_min <= pupils_max",
                           name="pupils_range_in_order"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title_fr: Mapped[str] = mapped_column(sa.String(200))
    title_nl: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200))
    summary_fr: Mapped[str] = mapped_column(sa.String(500), default="")
    summary_nl: Mapped[str] = mapped_column(sa.String(500), default="")
    summary_en: Mapped[str] = mapped_column(sa.String(500), default="")
    description_fr: Mapped[str] = mapped_column(sa.Text, default="")
    description_nl: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    theme_id: Mapped[int] = mapped_column(sa.ForeignKey("theme.id"), index=True)
    language: Mapped[str] = mapped_column(sa.String(5))
    default_duration_minutes: Mapped[int] = mapped_column(default=120)
    default_capacity: Mapped[int] = mapped_column(default=20)
    organiser_id: Mapped[int | None] = mapped_column(sa.ForeignKey("partner.id"), index=True)
    schools_only: Mapped[bool] = mapped_column(default=False)
    # How many pupils a class of this activity may have (school activities).
    pupils_min: Mapped[int | None] = mapped_column()
    pupils_max: Mapped[int | None] = mapped_column()
    # Where a class of this school activity may be held: "centre", "school", "online", comma separated.
    school_places: Mapped[str] = mapped_column(sa.String(20), default="centre,school,online",
                                               server_default="centre,school,online")

    @property
    def school_place_list(self) -> list[str]:
        return [p for p in self.school_places.split(",") if p]

    theme: Mapped[Theme] = relationship()
    organiser: Mapped[Partner | None] = relationship()
    audiences: Mapped[list[Audience]] = relationship(secondary=activity_audience, order_by="Audience.code")
    cohosts: Mapped[list[Partner]] = relationship(secondary=activity_cohost, order_by="Partner.slug")

    @property
    def partners(self) -> list[Partner]:
        """The organiser first, then the co-hosts."""
        found = [self.organiser] if self.organiser else []
        return found + [p for p in self.cohosts if p not in found]


class Series(TimestampsMixin, db.Model):
    """An activity every week on given weekdays, at a Brussels wall-clock time."""

    __tablename__ = "series"
    __table_args__ = (
        sa.CheckConstraint("end_date >= start_date", name="dates_in_order"),
        sa.CheckConstraint("duration_minutes > 0", name="duration_positive"),
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activity.id"), index=True)
    weekdays: Mapped[str] = mapped_column(sa.String(13))  # ISO weekdays 1-7, comma separated
    start_time: Mapped[time] = mapped_column(sa.Time)
    duration_minutes: Mapped[int] = mapped_column()
    start_date: Mapped[date] = mapped_column(sa.Date)
    end_date: Mapped[date] = mapped_column(sa.Date)
    format: Mapped[str] = mapped_column(sa.String(12))
    venue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("venue.id"))
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("room.id"))
    capacity: Mapped[int] = mapped_column()
    language: Mapped[str | None] = mapped_column(sa.String(5))

    activity: Mapped[Activity] = relationship()
    venue: Mapped[Venue | None] = relationship()
    room: Mapped[Room | None] = relationship()
    exceptions: Mapped[list[SeriesException]] = relationship(
        back_populates="series", cascade="all, delete-orphan", order_by="SeriesException.original_date"
    )

    @property
    def weekday_list(self) -> list[int]:
        return [int(d) for d in self.weekdays.split(",") if d]


class SeriesException(Translated, db.Model):
    """One date of a series skipped, or moved to another time."""

    __tablename__ = "series_exception"
    __table_args__ = (
        sa.UniqueConstraint("series_id", "original_date"),
        one_of("kind", EXCEPTION_KINDS),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("series.id", ondelete="CASCADE"), index=True)
    original_date: Mapped[date] = mapped_column(sa.Date)
    kind: Mapped[str] = mapped_column(sa.String(4))
    new_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason_fr: Mapped[str] = mapped_column(sa.String(300), default="")
    reason_nl: Mapped[str] = mapped_column(sa.String(300), default="")
    reason_en: Mapped[str] = mapped_column(sa.String(300), default="")

    series: Mapped[Series] = relationship(back_populates="exceptions")


class Session(Translated, CreatedAtMixin, db.Model):
    """One dated occurrence of an activity; registrations hang on it."""

    __tablename__ = "session"
    __table_args__ = (
        sa.UniqueConstraint("series_id", "occurrence_date"),
        sa.CheckConstraint("end_at > start_at", name="ends_after_start"),
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        one_of("format", FORMATS),
        one_of("status", STATUSES),
        sa.CheckConstraint("format = 'online' OR venue_id IS NOT NULL OR offsite_address IS NOT NULL",
                           name="venue_when_on_site"),
        one_of("visibility", VISIBILITIES),
        sa.Index("ix_session_status_start", "status", "start_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activity.id"), index=True)
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("series.id"), index=True)
    occurrence_date: Mapped[date | None] = mapped_column(sa.Date)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    format: Mapped[str] = mapped_column(sa.String(12))
    venue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("venue.id"), index=True)
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("room.id"))
    capacity: Mapped[int] = mapped_column()
    language: Mapped[str] = mapped_column(sa.String(5))
    status: Mapped[str] = mapped_column(sa.String(10), default="scheduled")
    cancel_reason_fr: Mapped[str] = mapped_column(sa.String(300), default="")
    cancel_reason_nl: Mapped[str] = mapped_column(sa.String(300), default="")
    cancel_reason_en: Mapped[str] = mapped_column(sa.String(300), default="")
    # Edited by hand: a series edit no longer touches it.
    detached: Mapped[bool] = mapped_column(default=False)
    revision: Mapped[int] = mapped_column(default=0)
    # Kept by the registration services, under the session's lock, so listings need no counting.
    confirmed_count: Mapped[int] = mapped_column(default=0, server_default="0")
    waitlisted_count: Mapped[int] = mapped_column(default=0, server_default="0")
    seats_version: Mapped[int] = mapped_column(default=0, server_default="0")  # grows with every recount
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # set by the services (see _touch)
    # Moves with every write of the row, seats included: its indexed maximum versions the cached answers.
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, index=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    visibility: Mapped[str] = mapped_column(sa.String(6), default="public", server_default="public")
    # Held outside the centre's venues: a class at its school (its hosts then travel before and after).
    offsite_address: Mapped[str | None] = mapped_column(sa.String(300))

    activity: Mapped[Activity] = relationship()
    series: Mapped[Series | None] = relationship()
    venue: Mapped[Venue | None] = relationship()
    room: Mapped[Room | None] = relationship()
    hosts: Mapped[list["User"]] = relationship(  # noqa: F821  (app.accounts.models)
        secondary="session_host", order_by="User.name", viewonly=False)

    @property
    def at_school(self) -> bool:
        return self.offsite_address is not None and self.format != "online"

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def is_over(self) -> bool:
        """Ended: nobody can register any more, whatever seats it had."""
        return self.end_at <= utcnow()

    def seats_taken(self) -> int:
        """Confirmed registrations."""
        return self.confirmed_count

    def waiting_count(self) -> int:
        """People on the waiting list."""
        return self.waitlisted_count

    @property
    def seats_left(self) -> int:
        """Seats still free; under a health-measure cap when the loader applied it (see app.closures.caps)."""
        return max(getattr(self, "capacity_now", self.capacity) - self.seats_taken(), 0)


# Hosts: the staff or partner users who lead a session; a host is never in two places at once.
session_host = sa.Table(
    "session_host",
    db.metadata,
    sa.Column("session_id", sa.ForeignKey("session.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True),
)

# The activities each counsellor may lead (a school class is offered only with a qualified one).
counsellor_activity = sa.Table(
    "counsellor_activity",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("activity_id", sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Booking(db.Model):
    """A room or a host held by a scheduled session, from `start_at` to `end_at` (a host's travel to and
    from a school included). Kept by the calendar services (app.calendar.bookings) beside the session, so
    one table holds every holding: on PostgreSQL an exclusion constraint (the migration's
    `ex_booking_no_overlap`, over `tstzrange(start_at, end_at)` with btree_gist) refuses two overlapping
    bookings of one resource, whatever process writes them."""

    __tablename__ = "booking"
    __table_args__ = (
        one_of("kind", BOOKING_KINDS),
        sa.CheckConstraint("end_at > start_at", name="ends_after_start"),
        sa.Index("ix_booking_resource", "kind", "resource_id", "start_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("session.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(4))
    resource_id: Mapped[int] = mapped_column()  # a room's id, or a host's user id
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)

    session: Mapped[Session] = relationship()
