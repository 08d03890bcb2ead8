"""The outbox: every message, from queued to sent or failed; rows stay, their personal data is purged."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db, one_of
from app.messages.addresses import new_message_id
from app.mixins import CreatedAtMixin
from app.timeutil import UTCDateTime, utcnow


class Kind(StrEnum):
    """Every kind of message the outbox carries; the database refuses any other (``kind_known``)."""

    # To a registered person, about their registration.
    CONFIRMATION = "confirmation"
    WAITLISTED = "waitlisted"
    PROMOTION = "promotion"
    REMINDER = "reminder"
    CHANGE = "change"
    CANCELLATION = "cancellation"
    SURVEY = "survey"
    FULL = "full"
    UNREGISTERED = "unregistered"
    LINKS = "links"  # the links again, to someone who registered a second time
    # To the partner users hosting an online session.
    HOST_LINK = "host_link"
    # To a staff or partner account (they carry a sign-in link: staff never read them in the outbox).
    ACCOUNT_WELCOME = "account_welcome"
    PASSWORD_RESET = "password_reset"
    # To the partner user who proposed a session.
    PROPOSAL = "proposal"
    # To the coordinators and admins: a social network refused its token, posts wait.
    POSTS_BLOCKED = "posts_blocked"
    # To a person who replaced the link of their own feed: the new link.
    FEED_LINK = "feed_link"
    # To whoever asked for the data kept about their e-mail address (a signed link, or "nothing kept").
    MY_DATA = "my_data"
    # To the teacher who asked for a class session (rendered by the sender, in the teacher's language).
    SCHOOL_ACK = "school_ack"
    SCHOOL_PROPOSAL = "school_proposal"
    SCHOOL_CONFIRMED = "school_confirmed"
    SCHOOL_REMINDER = "school_reminder"
    SCHOOL_CHANGE = "school_change"
    SCHOOL_CANCELLED = "school_cancelled"


KINDS: tuple[str, ...] = tuple(kind.value for kind in Kind)
STATUSES = ("queued", "sending", "sent", "failed")


class OutboxMessage(CreatedAtMixin, db.Model):
    __tablename__ = "outbox_message"
    __table_args__ = (
        one_of("kind", KINDS),
        one_of("status", STATUSES),
        sa.Index("ix_outbox_message_due", "status", "next_attempt_at"),
        sa.Index("ix_outbox_message_created_at", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    # Messages that must go once only (a reminder, a survey) carry a key; a second one is refused.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(80), unique=True)
    registration_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registration.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("session.id"), index=True)
    # A message to a teacher about a class request, rendered by the sender from the request (app.schools.messages).
    school_request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("school_request.id"), index=True)
    to_email: Mapped[str] = mapped_column(sa.String(254))
    to_name: Mapped[str] = mapped_column(sa.String(120), default="")
    language: Mapped[str] = mapped_column(sa.String(2))
    # What a message about a registration needs to be written: its texts are rendered by the sender,
    # from the current data, just before it goes (None until then), and kept to show what was sent.
    position: Mapped[int | None] = mapped_column()
    reason: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    # What else it needs: a change's former time, place and format ("before"), the closure behind it.
    details: Mapped[dict | None] = mapped_column(sa.JSON)
    subject: Mapped[str | None] = mapped_column(sa.String(300))
    body_text: Mapped[str | None] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    ics: Mapped[str | None] = mapped_column(sa.Text)
    ics_method: Mapped[str | None] = mapped_column(sa.String(10))
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Fixed when the message is queued: a retry is the same message to mail clients.
    message_id: Mapped[str] = mapped_column(sa.String(250), unique=True, default=new_message_id)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The fencing token of the process holding the lease: only that process may mark the message.
    lease_token: Mapped[str | None] = mapped_column(sa.String(32))
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Its address and texts erased (retention, or the person's request): kind, state and dates stay.
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def rendered(self) -> bool:
        return self.body_text is not None
