"""Who came: one row per registered person marked on the sheet, and one per walk-in."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.calendar.models import Audience, Session
from app.extensions import db, one_of
from app.mixins import CreatedAtMixin
from app.registrations.models import Registration
from app.timeutil import UTCDateTime, utcnow

ATTENDANCE_STATUSES = ("present", "absent")
SOURCES = ("sheet", "qr", "join")  # the sheet of a host, a QR code scanned, a join of the online room


class Attendance(CreatedAtMixin, db.Model):
    __tablename__ = "attendance"
    __table_args__ = (
        # NULLs are distinct on both engines: one row per registered person, any number of walk-ins.
        sa.UniqueConstraint("session_id", "registration_id"),
        # A walk-in carries the key its sheet gave it, so sending it twice stores it once.
        sa.UniqueConstraint("session_id", "walkin_key"),
        one_of("status", ATTENDANCE_STATUSES),
        one_of("source", SOURCES),
        sa.CheckConstraint("(registration_id IS NULL) = (walkin_key IS NOT NULL)", name="registered_or_walkin"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("session.id"), index=True)
    registration_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registration.id"))
    walkin_key: Mapped[str | None] = mapped_column(sa.String(40))
    walkin_name: Mapped[str] = mapped_column(sa.String(120), default="")
    walkin_email: Mapped[str] = mapped_column(sa.String(254), default="")
    audience_id: Mapped[int | None] = mapped_column(sa.ForeignKey("audience.id"))
    status: Mapped[str] = mapped_column(sa.String(8))
    source: Mapped[str] = mapped_column(sa.String(6), default="sheet")
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    marked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    session: Mapped[Session] = relationship()
    registration: Mapped[Registration | None] = relationship()
    audience: Mapped[Audience | None] = relationship()
    marked_by: Mapped[User | None] = relationship()
