"""The audit log: every view, export and erasure of a person's data by staff (who, when, what, why).

It names the person by a keyed hash of their address or phone number, never the address itself, so the log
holds nothing personal once the person is erased, yet an admin can still find what was done about an address.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import db, one_of
from app.timeutil import UTCDateTime, utcnow

ACTIONS = ("search", "view", "export", "erase")
SUBJECT_KINDS = ("email", "phone")


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (one_of("action", ACTIONS), one_of("subject_kind", SUBJECT_KINDS))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(sa.String(10))
    subject_kind: Mapped[str] = mapped_column(sa.String(5))
    subject_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    registrations: Mapped[int] = mapped_column()  # how many registrations it concerned
    reason: Mapped[str] = mapped_column(sa.String(300))  # why, as the staff member wrote it

    actor: Mapped[User | None] = relationship()
