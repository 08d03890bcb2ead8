"""The week's programme as one printable A4 page, in the address's language."""
from __future__ import annotations

import re
from datetime import date, timedelta

import segno
from flask import current_app, g, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup

from app.cache import renders
from app.calendar.queries import EARLIEST, LATEST, calendar_version, list_sessions, parse_filters
from app.timeutil import local_today
from app.web.urls import language_blueprint
from app.web.weeks import sessions_by_day, week_start

bp = language_blueprint("programme", __name__)

WEEK = re.compile(r"(\d{4})-W(\d{2})")


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(raw: str | None) -> tuple[date | None, str | None]:
    """The Monday of `YYYY-Www` (ISO 8601 week), this week's when not given; or an error."""
    if not raw:
        return week_start(local_today()), None
    found = WEEK.fullmatch(raw.strip())
    try:
        monday = date.fromisocalendar(int(found.group(1)), int(found.group(2)), 1) if found else None
    except ValueError:
        monday = None
    if monday is None:
        return None, _("Give the week as YYYY-Www, for example %(example)s.", example=iso_week(local_today()))
    if not EARLIEST <= monday <= LATEST:
        return None, _("Give a date between the years 2000 and 2100.")
    return monday, None


def qr_svg(url: str) -> Markup:
    """An inline SVG QR code of `url`, sized by the stylesheet; hidden from screen readers (the title
    beside it is the link)."""
    svg = segno.make(url, error="m", micro=False).svg_inline(border=0, omitsize=True, svgclass="qr",
                                                            lineclass=None)
    return Markup(svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))


@bp.get("/programme")
def week():
    monday, problem = parse_week(request.args.get("week"))
    args = {name: request.args.get(name) for name in ("theme", "audience", "format", "language", "partner")}
    flt, errors = parse_filters({k: v for k, v in args.items() if v}) if monday else (None, {})
    if problem or flt is None:
        messages = [problem] if problem else [errors[name] for name in sorted(errors)]
        return render_template("programme/week.html", errors=messages, days=[], monday=None), 400
    version, ttl = calendar_version()
    key = ("programme", request.full_path, g.lang, version)
    return renders.get_or_build(key, lambda: _page(monday, flt), ttl)


def _page(monday: date, flt) -> str:
    sunday = monday + timedelta(days=6)
    sessions = [s for s in list_sessions(flt.shifted(monday, sunday)) if s.status == "scheduled"]
    base = current_app.config["BASE_URL"].rstrip("/")
    urls = {s.id: f"{base}/{g.lang}/sessions/{s.id}" for s in sessions}
    codes = {ident: qr_svg(url) for ident, url in urls.items()}
    days = [(day, items) for day, items in sessions_by_day(sessions, monday) if items]
    return render_template("programme/week.html", errors=[], days=days, monday=monday, sunday=sunday,
                           urls=urls, codes=codes, count=len(sessions), calendar_url=f"{base}/{g.lang}/",
                           week=iso_week(monday), previous=iso_week(monday - timedelta(days=7)),
                           following=iso_week(monday + timedelta(days=7)))
