"""The outbox: every message, from queued to sent or failed; nothing is ever deleted."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow

KINDS = ("confirmation", "waitlisted", "promotion", "reminder", "change", "cancellation", "survey", "full",
         "unregistered")
STATUSES = ("queued", "sending", "sent", "failed")


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"
    __table_args__ = (
        sa.CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed')", name="status_known"),
        sa.Index("ix_outbox_message_due", "status", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    # Messages that must go once only (a reminder, a survey) carry a key; a second one is refused.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(80), unique=True)
    registration_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registration.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("session.id"), index=True)
    to_email: Mapped[str] = mapped_column(sa.String(254))
    to_name: Mapped[str] = mapped_column(sa.String(120), default="")
    language: Mapped[str] = mapped_column(sa.String(2))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    ics: Mapped[str | None] = mapped_column(sa.Text)
    ics_method: Mapped[str | None] = mapped_column(sa.String(10))
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
