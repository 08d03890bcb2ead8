"""Times: stored in UTC, shown in Europe/Brussels, series expanded in local wall-clock time."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

UTC = timezone.utc
BRUSSELS = ZoneInfo("Europe/Brussels")


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_local(value: datetime) -> datetime:
    return value.astimezone(BRUSSELS)


def local_today() -> date:
    return utcnow().astimezone(BRUSSELS).date()


def local_to_utc(day: date, at: time) -> datetime:
    """The UTC instant of a Brussels wall-clock time on a day (DST-aware)."""
    return datetime.combine(day, at, tzinfo=BRUSSELS).astimezone(UTC)


def local_span(day: date, at: time, minutes: int) -> tuple[datetime, datetime]:
    """Start and end in UTC of `minutes` of wall-clock time from `at` on `day` in Brussels."""
    start_local = datetime.combine(day, at, tzinfo=BRUSSELS)
    end_local = start_local + timedelta(minutes=minutes)  # wall-clock arithmetic
    return start_local.astimezone(UTC), end_local.astimezone(UTC)


def local_day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """UTC instants from the start of `first` to the end of `last`, in Brussels."""
    return local_to_utc(first, time(0)), local_to_utc(last + timedelta(days=1), time(0))


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every engine (SQLite keeps no offset)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
