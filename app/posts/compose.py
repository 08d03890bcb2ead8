"""The texts of the posts: the week's programme and the day's workshops, from the calendar.

One post per language (French, Dutch) and network: each public reads a whole post in its own
language, and one bilingual text would hold half as many sessions within LinkedIn's 3,000 characters.
A post lists the scheduled public sessions of its period not started yet, soonest first, each on one
line (day and times in Brussels time, title in the post's language, format, the language it is held in
when another, seats left or "full") followed by the line of its page's address; it ends with the
calendar's address. Too long for the network, whole sessions are left out from the end and the last
lines say how many more the calendar holds. A period without sessions makes no post.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import force_locale, format_datetime, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.calendar.models import Activity, Session
from app.calendar.queries import SessionFilter, session_query
from app.closures.caps import apply_caps
from app.extensions import db
from app.integrations.social_registry import MAX_LENGTHS, length_of
from app.timeutil import to_local, utcnow

FORMATS = {"face_to_face": _l("face-to-face"), "online": _l("online"), "hybrid": _l("on site or online")}
HELD_IN = {"fr": _l("in French"), "nl": _l("in Dutch"), "en": _l("in English"), "fr_nl": _l("in French and Dutch")}


def period(kind: str, day: date) -> tuple[date, date]:
    """The days a post covers: the week from its Monday, or the one day."""
    if kind == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    return day, day


def postable(query):
    """The one rule of what a post may show (add any new one here): scheduled sessions, never those for
    schools only, and, where sessions carry a visibility, the public ones only."""
    query = query.where(Session.status == "scheduled", Activity.schools_only.is_(False))
    visibility = getattr(Session, "visibility", None)
    if visibility is not None:
        query = query.where(visibility == "public")
    return query


def sessions_for(kind: str, day: date, since: datetime | None = None) -> list[Session]:
    """The sessions a post of ``kind`` on ``day`` lists: its period's, not started at ``since``."""
    first, last = period(kind, day)
    query = postable(session_query(SessionFilter(first=first, last=last, include_cancelled=False)))
    query = query.where(Session.start_at > (since or utcnow()))
    sessions = list(db.session.scalars(query))
    apply_caps(sessions)
    return sessions


@dataclass(frozen=True)
class Composed:
    text: str
    link: str  # the calendar's address: the post's link
    shown: int  # sessions listed
    left_out: int  # sessions cut for the network's length


def calendar_link(lang: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/{lang}/"


def session_link(session: Session, lang: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/{lang}/sessions/{session.id}"


def _line(session: Session, kind: str, lang: str) -> str:
    start, end = to_local(session.start_at), to_local(session.end_at)
    hours = f"{format_datetime(start, 'HH:mm')}–{format_datetime(end, 'HH:mm')}"
    when = f"{format_datetime(start, 'EEE d/M')} {hours}" if kind == "week" else hours
    parts = [when, session.activity.localized("title", lang), str(FORMATS[session.format])]
    if session.language not in (lang, "fr_nl"):
        parts.append(str(HELD_IN.get(session.language, session.language)))
    seats = session.seats_left
    parts.append(ngettext("%(num)d seat left", "%(num)d seats left", seats) if seats > 0 else _("full"))
    return " · ".join(parts)


def _heading(kind: str, day: date) -> str:
    first, last = period(kind, day)
    if kind == "week":
        return _("Our workshops this week, from %(first)s to %(last)s (Brussels time):",
                 first=format_datetime(datetime(first.year, first.month, first.day, 12), "EEEE d MMMM"),
                 last=format_datetime(datetime(last.year, last.month, last.day, 12), "EEEE d MMMM"))
    return _("Our workshops today, %(day)s (Brussels time):",
             day=format_datetime(datetime(day.year, day.month, day.day, 12), "EEEE d MMMM"))


def compose(kind: str, day: date, network: str, lang: str, *, sessions: list[Session] | None = None,
            since: datetime | None = None) -> Composed | None:
    """The post of ``kind`` for ``day`` on ``network`` in ``lang``; None when there is no session to show."""
    if sessions is None:
        sessions = sessions_for(kind, day, since)
    if not sessions:
        return None
    link = calendar_link(lang)
    with force_locale(lang):
        head = [_heading(kind, day), ""]
        blocks = [[_line(s, kind, lang), session_link(s, lang), ""] for s in sessions]
        shown = len(blocks)
        while True:
            left_out = len(sessions) - shown
            if left_out:
                tail = [ngettext("… and %(num)d more workshop in the calendar:",
                                 "… and %(num)d more workshops in the calendar:", left_out), link]
            else:
                tail = [_("Every workshop, free of charge, in our calendar:"), link]
            text = "\n".join(head + [line for block in blocks[:shown] for line in block] + tail)
            if length_of(network, text) <= MAX_LENGTHS[network] or shown == 0:
                break
            shown -= 1
    return Composed(text, link, shown, len(sessions) - shown)
