"""The next sessions a widget shows: the public list's filters, from now on, scheduled ones only."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from app.calendar.models import Session
from app.calendar.queries import SessionFilter, page_of_sessions, parse_filters
from app.timeutil import local_today, utcnow

LIMIT_DEFAULT, LIMIT_MAX = 5, 20
AHEAD_DAYS = 90  # how far ahead a widget looks


def widget_filter(args) -> tuple[SessionFilter | None, int, dict[str, str]]:
    """(filter, how many, errors) from the query: the list's filters and `limit` (1 to LIMIT_MAX)."""
    raw = (args.get("limit") or "").strip()
    errors: dict[str, str] = {}
    limit = LIMIT_DEFAULT
    if raw:
        limit = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 3 else 0
        if not 1 <= limit <= LIMIT_MAX:
            errors["limit"] = str(_l("Show from 1 to %(most)s sessions.", most=LIMIT_MAX))
    filters = {name: args.get(name) for name in ("theme", "audience", "format", "language", "partner")}
    today = local_today()
    flt, problems = parse_filters({**filters, "from": today.isoformat(),
                                   "to": (today + timedelta(days=AHEAD_DAYS)).isoformat()})
    errors.update(problems)
    if errors:
        return None, limit, errors
    return replace(flt, include_cancelled=False), limit, {}


def next_sessions(flt: SessionFilter, limit: int) -> list[Session]:
    """The first `limit` sessions of the filter that have not started yet."""
    rows, _next = page_of_sessions(flt, limit, after=(utcnow(), 0))
    return rows
