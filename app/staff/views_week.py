"""The week of the whole centre, for every member of the back-office."""
from __future__ import annotations

from datetime import date, timedelta

from flask import g, render_template, request
from flask_babel import gettext as _

from app.accounts.access import require
from app.calendar.public_holidays import belgian_holidays
from app.calendar.queries import EARLIEST, LATEST
from app.staff.blueprint import bp
from app.staff.services import week_sessions
from app.timeutil import local_today
from app.videorooms.services import pending_rooms
from app.web.labels import PROVIDER_LABELS
from app.web.weeks import sessions_by_day, week_start


@bp.get("/")
def week():
    require("see_centre")
    raw, error = request.args.get("week"), None
    monday = week_start(local_today())
    if raw:
        try:
            day = date.fromisoformat(raw) if len(raw) == 10 else None
        except ValueError:
            day = None
        if day is None or not EARLIEST <= day <= LATEST:
            error = _("Give the week as a date, for example %(example)s.", example=local_today().isoformat())
        else:
            monday = week_start(day)
    days = sessions_by_day(week_sessions(monday), monday)
    return render_template(
        "staff/week.html", days=days, monday=monday, sunday=monday + timedelta(days=6), error=error,
        previous_week=(monday - timedelta(days=7)).isoformat(), next_week=(monday + timedelta(days=7)).isoformat(),
        today=local_today(), pending_rooms=pending_rooms(), provider_labels=PROVIDER_LABELS,
        holidays=belgian_holidays(monday, monday + timedelta(days=6), g.lang),
    ), 400 if error else 200
