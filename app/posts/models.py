"""Posts to the social networks, queued in the database, and what each network's state is."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db, one_of
from app.integrations.social_registry import NETWORKS
from app.mixins import TimestampsMixin
from app.timeutil import UTCDateTime, utcnow

KINDS = ("week", "day")
# One post per language and network: each public reads a whole post in its own language, and a
# bilingual text would hold half as many sessions in LinkedIn's 3,000 characters.
LANGUAGES = ("fr", "nl")
# queued: waiting for its time; publishing: a scheduler holds it (its lease); retrying: a network asked
# us to wait, or failed for a while; published, failed, skipped: done.
STATES = ("queued", "publishing", "retrying", "published", "failed", "skipped")
WAITING = ("queued", "retrying")
DONE = ("published", "failed", "skipped")
# Why a post is waiting, failed, was skipped or counts as published without an id (shown translated; the
# network's own words are in last_error).
PROBLEMS = ("", "rate_limited", "duplicate", "bad_token", "unavailable", "refused", "too_late", "no_session",
            "not_configured", "skipped_by_staff")


class Post(TimestampsMixin, db.Model):
    __tablename__ = "post"
    __table_args__ = (
        sa.UniqueConstraint("network", "kind", "day", "language"),
        one_of("kind", KINDS),
        one_of("network", NETWORKS),
        one_of("language", LANGUAGES),
        one_of("state", STATES),
        one_of("problem", PROBLEMS),
        sa.Index("ix_post_due", "state", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(4))
    day: Mapped[date] = mapped_column(sa.Date)  # the Monday of a week's post, the day of a day's post
    network: Mapped[str] = mapped_column(sa.String(20))
    language: Mapped[str] = mapped_column(sa.String(2))
    text: Mapped[str] = mapped_column(sa.Text)  # as it goes; written again before it goes unless edited
    link: Mapped[str] = mapped_column(sa.String(300))  # the calendar's address, the post's link
    edited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(sa.String(10), default="queued")
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when it goes out
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    problem: Mapped[str] = mapped_column(sa.String(20), default="")
    network_post_id: Mapped[str | None] = mapped_column(sa.String(120))
    url: Mapped[str | None] = mapped_column(sa.String(300))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_token: Mapped[str | None] = mapped_column(sa.String(32))

    @property
    def edited(self) -> bool:
        return self.edited_at is not None


class PostNetwork(db.Model):
    """A network whose token was refused: its posts wait until the token is replaced (or staff resume)."""

    __tablename__ = "post_network"
    __table_args__ = (one_of("network", NETWORKS),)
    network: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    blocked_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    token_digest: Mapped[str] = mapped_column(sa.String(16), default="")  # of the token refused, never the token
