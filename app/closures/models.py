"""A venue's closure, what it did to each session, and capacity caps for a period."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.calendar.models import Session, Translated, Venue
from app.extensions import db, one_of
from app.mixins import CreatedAtMixin, TimestampsMixin
from app.timeutil import UTCDateTime

ACTIONS = ("online", "cancel")  # what a closure does to the on-site sessions: switch them online, or cancel them


class Closure(Translated, TimestampsMixin, db.Model):
    __tablename__ = "closure"
    __table_args__ = (
        sa.CheckConstraint("last_day >= first_day", name="days_in_order"),
        one_of("action", ACTIONS),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venue.id"), index=True)
    first_day: Mapped[date] = mapped_column(sa.Date)  # Brussels dates, both included
    last_day: Mapped[date] = mapped_column(sa.Date)
    reason_fr: Mapped[str] = mapped_column(sa.String(300))
    reason_nl: Mapped[str] = mapped_column(sa.String(300), default="")
    reason_en: Mapped[str] = mapped_column(sa.String(300), default="")
    action: Mapped[str] = mapped_column(sa.String(6))  # switch on-site sessions online, or cancel them
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    venue: Mapped[Venue] = relationship()
    effects: Mapped[list[ClosureEffect]] = relationship(back_populates="closure", cascade="all, delete-orphan")


class ClosureEffect(db.Model):
    """What a closure did to one session, and what it was before (to undo when the closure ends early)."""

    __tablename__ = "closure_effect"
    __table_args__ = (sa.UniqueConstraint("closure_id", "session_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    closure_id: Mapped[int] = mapped_column(sa.ForeignKey("closure.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("session.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(6))
    previous_format: Mapped[str] = mapped_column(sa.String(12))
    previous_venue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("venue.id"))
    previous_room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("room.id"))
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    closure: Mapped[Closure] = relationship(back_populates="effects")
    session: Mapped[Session] = relationship()


class CapacityCap(Translated, CreatedAtMixin, db.Model):
    """For a period, new registrations on site respect a share of each room's capacity."""

    __tablename__ = "capacity_cap"
    __table_args__ = (
        sa.CheckConstraint("last_day >= first_day", name="days_in_order"),
        sa.CheckConstraint("percent BETWEEN 1 AND 100", name="percent_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("venue.id"))  # none: every venue
    first_day: Mapped[date] = mapped_column(sa.Date)
    last_day: Mapped[date] = mapped_column(sa.Date)
    percent: Mapped[int] = mapped_column()
    reason_fr: Mapped[str] = mapped_column(sa.String(300), default="")
    reason_nl: Mapped[str] = mapped_column(sa.String(300), default="")
    reason_en: Mapped[str] = mapped_column(sa.String(300), default="")

    venue: Mapped[Venue | None] = relationship()
