"""The history the statistics compare with: past group activities and past closures, imported from the
centre's spreadsheets. A past activity counts exactly like a session that took place."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.calendar.models import DELIVERY_LANGUAGES, FORMATS, Activity, Audience, Partner, Theme
from app.extensions import db, one_of
from app.mixins import CreatedAtMixin


class PastActivity(CreatedAtMixin, db.Model):
    """One group activity that took place before the calendar was kept here (one row of an import)."""

    __tablename__ = "past_activity"
    __table_args__ = (
        one_of("format", FORMATS),
        one_of("language", DELIVERY_LANGUAGES),  # NULL passes: not given
        sa.CheckConstraint("participants >= 0", name="participants_not_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, index=True)  # a Brussels date
    activity_id: Mapped[int | None] = mapped_column(sa.ForeignKey("activity.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200), default="")  # as written, when no activity matched
    format: Mapped[str] = mapped_column(sa.String(12))
    participants: Mapped[int] = mapped_column()
    partner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("partner.id"))
    theme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("theme.id"))
    audience_id: Mapped[int | None] = mapped_column(sa.ForeignKey("audience.id"))
    language: Mapped[str | None] = mapped_column(sa.String(5))
    # The row's content and its rank among identical rows of its file: the same file imported again
    # finds every key taken and adds nothing.
    row_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    source: Mapped[str] = mapped_column(sa.String(200), default="")

    activity: Mapped[Activity | None] = relationship()
    partner: Mapped[Partner | None] = relationship()
    theme: Mapped[Theme | None] = relationship()
    audience: Mapped[Audience | None] = relationship()


class PastClosure(CreatedAtMixin, db.Model):
    """A period the premises were closed, before the calendar recorded closures (Brussels dates, both
    included)."""

    __tablename__ = "past_closure"
    __table_args__ = (
        sa.UniqueConstraint("first_day", "last_day"),
        sa.CheckConstraint("last_day >= first_day", name="days_in_order"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    first_day: Mapped[date] = mapped_column(sa.Date)
    last_day: Mapped[date] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
