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


def exists_locally(day: date, at: time) -> bool:
    """False for a time the clocks skip in Brussels (02:00–03:00 on the last Sunday of March)."""
    wall = datetime.combine(day, at)
    return wall.replace(tzinfo=BRUSSELS).astimezone(UTC).astimezone(BRUSSELS).replace(tzinfo=None) == wall


def real_local(value: datetime) -> datetime:
    """A Brussels time as it really is: one the clocks skip is read as RFC 5545 says, with the offset of
    before the change, so 02:30 on the day clocks go forward is 03:30 summer time."""
    return value.astimezone(UTC).astimezone(BRUSSELS)


def local_span(day: date, at: time, minutes: int) -> tuple[datetime, datetime]:
    """Start and end in UTC of `minutes` of wall-clock time from `at` on `day` in Brussels."""
    start_local = real_local(datetime.combine(day, at, tzinfo=BRUSSELS))
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
