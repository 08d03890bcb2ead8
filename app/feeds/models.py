"""The secret links of the feeds of one's own: a person's (one per e-mail address) and a user's.

Neither table holds a link: each row holds a random nonce, and the link's token is the HMAC of that
nonce under SECRET_KEY (see app.feeds.links), so the token can be written again into every message
without being stored; the token is looked up by its SHA-256 (`token_hash`). Replacing the nonce
replaces the link, and the old one matches nothing from then on.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import db
from app.mixins import CreatedAtMixin
from app.timeutil import UTCDateTime


class PersonFeed(CreatedAtMixin, db.Model):
    """The feed of every registration of one e-mail address (its normalised key, as registrations keep it)."""

    __tablename__ = "person_feed"
    id: Mapped[int] = mapped_column(primary_key=True)
    email_key: Mapped[str] = mapped_column(sa.String(254), unique=True)
    nonce: Mapped[str] = mapped_column(sa.String(64))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UserFeed(CreatedAtMixin, db.Model):
    """A feed link of a staff or partner user; revoking it deletes the row."""

    __tablename__ = "user_feed"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    nonce: Mapped[str] = mapped_column(sa.String(64))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    user: Mapped[User] = relationship()
