"""Columns many models share: when a row was made, and when it last changed.

Each mixin is the exact column the migrations created, so the schema does not change with them:
- `CreatedAtMixin`: `created_at`, set once.
- `TimestampsMixin`: `created_at`, and `updated_at` moved on by every change the ORM writes.
- `LastChangedMixin`: `updated_at` of the reference rows (venues, rooms, partners, activities, themes,
  audiences), moved on by every change and filled by the database for rows it made itself; the pages'
  and feeds' freshness reads it.
Models whose `updated_at` their services set by hand (sessions, registrations, proposals: a recount of
seats is no change for their readers) declare it themselves.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.timeutil import UTCDateTime, utcnow


class CreatedAtMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TimestampsMixin(CreatedAtMixin):
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class LastChangedMixin:
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow,
                                                 server_default=sa.func.now())
