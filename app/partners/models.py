"""Sessions proposed by partner organisations, waiting for a coordinator's decision."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.calendar.models import FORMATS, Activity, Partner, Room, Session, Venue
from app.extensions import db, one_of
from app.mixins import CreatedAtMixin
from app.timeutil import UTCDateTime, utcnow

PROPOSAL_STATUSES = ("pending", "approved", "refused")


class SessionProposal(CreatedAtMixin, db.Model):
    __tablename__ = "session_proposal"
    __table_args__ = (
        one_of("status", PROPOSAL_STATUSES),
        sa.CheckConstraint("end_at > start_at", name="ends_after_start"),
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        one_of("format", FORMATS),
        sa.CheckConstraint("status != 'approved' OR created_session_id IS NOT NULL", name="approved_has_session"),
        sa.Index("ix_session_proposal_status_created", "status", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partner.id"), index=True)
    proposer_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activity.id"))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    format: Mapped[str] = mapped_column(sa.String(12))
    venue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("venue.id"))
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("room.id"))
    capacity: Mapped[int] = mapped_column()
    language: Mapped[str] = mapped_column(sa.String(5))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    review_note: Mapped[str] = mapped_column(sa.Text, default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("session.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # set by the services

    partner: Mapped[Partner] = relationship()
    proposer: Mapped[User] = relationship(foreign_keys=[proposer_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    activity: Mapped[Activity] = relationship()
    venue: Mapped[Venue | None] = relationship()
    room: Mapped[Room | None] = relationship()
    created_session: Mapped[Session | None] = relationship()
