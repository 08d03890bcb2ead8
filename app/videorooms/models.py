"""The videoconference room of a session, as we know it and as we want it."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.calendar.models import Session
from app.extensions import db, one_of
from app.integrations.registry import PROVIDERS
from app.mixins import TimestampsMixin
from app.timeutil import UTCDateTime, utcnow

STATES = ("pending", "ready", "failed", "absent")


class VideoRoom(TimestampsMixin, db.Model):
    """One per session that ever needed a room. `wanted` says whether it should exist now;
    `state` whether the provider agrees: ready, pending (to create, move or delete), failed."""

    __tablename__ = "video_room"
    __table_args__ = (
        one_of("state", STATES),
        one_of("provider", PROVIDERS),
        sa.Index("ix_video_room_due", "state", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("session.id"), unique=True)
    provider: Mapped[str] = mapped_column(sa.String(12))
    chosen_by_staff: Mapped[bool] = mapped_column(default=False)  # else: the organiser's preference
    wanted: Mapped[bool] = mapped_column(default=True)
    state: Mapped[str] = mapped_column(sa.String(8), default="pending")
    # What exists at a provider now (may differ from `provider` after staff chose another one).
    external_provider: Mapped[str | None] = mapped_column(sa.String(12))
    external_id: Mapped[str | None] = mapped_column(sa.String(200))
    join_url: Mapped[str | None] = mapped_column(sa.String(500))
    host_url: Mapped[str | None] = mapped_column(sa.String(1000))
    extra: Mapped[dict | None] = mapped_column(sa.JSON)  # what the provider needs later
    made_for_start: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the times the room was made for
    made_for_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=0)  # grows with every change asked; a sync works on one
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")

    session: Mapped[Session] = relationship()

    @property
    def key(self) -> str:
        """The stable name of this session's room at every provider."""
        return f"cdm-s{self.session_id}"


class JoinEvent(db.Model):
    """A registered person opened their join link (for attendance and statistics)."""

    __tablename__ = "join_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id"), index=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("session.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HostLinkNotice(db.Model):
    """A host link told to one partner user (the link itself is not kept: only its fingerprint), so that
    each user hears of each room's link once, in a daily digest or at once when the session is close."""

    __tablename__ = "host_link_notice"
    __table_args__ = (sa.UniqueConstraint("room_id", "user_id", "link_digest"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("video_room.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    link_digest: Mapped[str] = mapped_column(sa.String(16))
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox_message.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
