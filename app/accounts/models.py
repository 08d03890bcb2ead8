"""Accounts of the centre's staff and of partner organisations' users. The public has none."""
from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.calendar.models import Activity, Partner, counsellor_activity
from app.extensions import db, one_of
from app.mixins import CreatedAtMixin
from app.schools.models import School
from app.timeutil import UTCDateTime, utcnow

STAFF_ROLES = ("admin", "coordinator", "counsellor")
ROLES = STAFF_ROLES + ("partner",)  # the accounts the users page makes
ALL_ROLES = ROLES + ("school",)  # a school contact's account is made from its school's page


class User(UserMixin, CreatedAtMixin, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        one_of("role", ALL_ROLES, name="role_known"),
        sa.CheckConstraint("(role = 'partner') = (partner_id IS NOT NULL)", name="partner_users_have_a_partner"),
        sa.CheckConstraint("(role = 'school') = (school_id IS NOT NULL)", name="school_users_have_a_school"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)  # normalised, lower case
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(12))
    partner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("partner.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("school.id"), index=True)  # a school contact's
    language: Mapped[str] = mapped_column(sa.String(2), default="fr")
    active: Mapped[bool] = mapped_column(default=True)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # In every session cookie of the account; a new one (logging out, a new password) ends them all.
    session_key: Mapped[str] = mapped_column(sa.String(32), default=lambda: new_session_key())

    partner: Mapped[Partner | None] = relationship()
    school: Mapped[School | None] = relationship()
    # The activities this counsellor may lead (staff mark them).
    activities: Mapped[list[Activity]] = relationship(secondary=counsellor_activity, order_by="Activity.slug")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def get_id(self) -> str:
        # The session cookie names the account, its password's age and its session key (see login.py).
        if not self.session_key:
            self.session_key = new_session_key()
        return f"{self.id}:{int(self.password_changed_at.timestamp())}:{self.session_key}"


def new_session_key() -> str:
    return secrets.token_urlsafe(16)  # 22 characters


class LoginAttempt(db.Model):
    """Failed logins, by address and by account, for the rate limit (shared by every web process)."""

    __tablename__ = "login_attempt"
    __table_args__ = (sa.Index("ix_login_attempt_key_at", "key", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(300))  # "ip:<address>", "account:<e-mail>", "pair:<hash>", "reset:..."
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
