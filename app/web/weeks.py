"""Calendar weeks as the pages show them: from Monday, day by day, in Brussels time."""
from __future__ import annotations

from datetime import date, timedelta
from itertools import groupby

from app.timeutil import to_local


def week_start(day: date) -> date:
    """The Monday of the week of `day`."""
    return day - timedelta(days=day.weekday())


def sessions_by_day(sessions, first: date, days: int = 7) -> list[tuple[date, list]]:
    """Every day from `first` with its sessions (in Brussels time), empty days included."""
    found = {day: list(items) for day, items in groupby(sessions, key=lambda s: to_local(s.start_at).date())}
    return [(first + timedelta(days=n), found.get(first + timedelta(days=n), [])) for n in range(days)]
