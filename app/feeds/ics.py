"""iCalendar files of sessions, built with icalendar.

One builder serves the public feed, the download of one session, the invitations sent by e-mail
(METHOD:REQUEST / CANCEL, see app.messages.invitation) and the calendar file of one registration: the
method, the calendar's name and the refresh interval are arguments. The output depends only on the
sessions, the language and the base URL, never on the clock, so the same data gives the same bytes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterable
from urllib.parse import urlsplit

from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Component, Event, vDDDTypes, vDuration, vInt, vText, vUri
from icalendar.prop import vCategory

from app.calendar.models import Session
from app.calendar.places import place_of
from app.feeds.vtimezone import TZID, brussels_vtimezone
from app.timeutil import BRUSSELS, UTC

PRODID = "-//Cite des metiers de Bruxelles//Workshops//EN"
DEFAULT_REFRESH_HOURS = 6
_DEFAULT = object()


@dataclass(frozen=True)
class Words:
    """The words of one language a calendar file needs, looked up once per file."""

    lang: str
    calendar_name: str
    online: str
    hybrid_place: str
    formats: dict[str, str]
    languages: dict[str, str]
    language_line: str
    format_line: str
    link_line: str
    cancelled_title: str
    cancelled_line: str


def words_for(lang: str) -> Words:
    with force_locale(lang):
        return Words(
            lang=lang,
            calendar_name=_("Cité des métiers – workshops"),
            online=_("Online"),
            hybrid_place=_("%(place)s, and online"),
            formats={"face_to_face": _("Face-to-face"), "online": _("Online"),
                     "hybrid": _("Hybrid: on site and online")},
            languages={"fr": _("French"), "nl": _("Dutch"), "en": _("English"), "fr_nl": _("French and Dutch")},
            language_line=_("Language: %(language)s"),
            format_line=_("Format: %(format)s"),
            link_line=_("Details and registration: %(url)s"),
            cancelled_title=_("Cancelled: %(title)s"),
            cancelled_line=_("This session is cancelled."),
        )


@dataclass(frozen=True)
class Extra:
    """What a feed of one's own adds to a session's event: lines at the end of its description, the
    place to show instead of the session's (the join page of an online session), its own status."""

    lines: tuple[str, ...] = ()
    location: str | None = None
    status: str | None = None  # CANCELLED (the person cancelled), TENTATIVE (on the waiting list)


def uid_host(base_url: str) -> str:
    return urlsplit(base_url).hostname or "localhost"


class _EventWriter:
    """Turns sessions into VEVENTs, keeping the texts shared by sessions of one activity or room."""

    def __init__(self, words: Words, base_url: str, dtstamp: datetime | None):
        self.words = words
        self.base_url = base_url.rstrip("/")
        self.host = uid_host(base_url)
        self.dtstamp = vDDDTypes(dtstamp.astimezone(UTC)) if dtstamp else None
        self._activities: dict[int, tuple[str, str, str]] = {}
        self._places: dict[tuple, str] = {}

    def _activity(self, session: Session) -> tuple[str, str, str]:
        found = self._activities.get(session.activity_id)
        if found is None:
            act, lang = session.activity, self.words.lang
            found = (act.localized("title", lang), act.localized("summary", lang), act.theme.localized("label", lang))
            self._activities[session.activity_id] = found
        return found

    def _location(self, session: Session) -> str:
        key = (session.format, session.venue_id, session.room_id)
        found = self._places.get(key)
        if found is None:
            place = place_of(session, self.words.lang)
            if place is None:
                found = self.words.online
            else:
                found = place.location()
                if place.hybrid:
                    found = self.words.hybrid_place % {"place": found}
            self._places[key] = found
        return found

    def event(self, session: Session, extra: Extra | None = None) -> Event:
        words = self.words
        title, summary, theme = self._activity(session)
        url = f"{self.base_url}/{words.lang}/sessions/{session.id}"
        cancelled = session.status == "cancelled" or (extra is not None and extra.status == "CANCELLED")
        lines = []
        if session.status == "cancelled":
            lines.append(f"{words.cancelled_line} {session.localized('cancel_reason', words.lang)}".rstrip())
        if summary:
            lines += [summary, ""]
        lines += [
            words.language_line % {"language": words.languages.get(session.language, session.language)},
            words.format_line % {"format": words.formats.get(session.format, session.format)},
            words.link_line % {"url": url},
        ]
        if extra is not None and extra.lines:
            lines += ["", *extra.lines]
        event = Event()
        event["UID"] = vText(f"session-{session.id}@{self.host}")
        event["DTSTAMP"] = self.dtstamp or vDDDTypes(session.updated_at.astimezone(UTC))
        event["DTSTART"] = vDDDTypes(session.start_at.astimezone(BRUSSELS))
        event["DTEND"] = vDDDTypes(session.end_at.astimezone(BRUSSELS))
        event["SEQUENCE"] = vInt(session.revision)
        event["CREATED"] = vDDDTypes(session.created_at.astimezone(UTC))
        event["LAST-MODIFIED"] = vDDDTypes(session.updated_at.astimezone(UTC))
        event["SUMMARY"] = vText(words.cancelled_title % {"title": title} if cancelled else title)
        event["DESCRIPTION"] = vText("\n".join(lines))
        event["LOCATION"] = vText(extra.location if extra is not None and extra.location else self._location(session))
        event["URL"] = vUri(url)
        status = "CANCELLED" if cancelled else (extra.status if extra is not None and extra.status else "CONFIRMED")
        event["STATUS"] = vText(status)
        event["CATEGORIES"] = vCategory([theme])
        event["TRANSP"] = vText("OPAQUE")
        return event


def build_calendar(
    sessions: Iterable[Session],
    lang: str,
    base_url: str,
    *,
    name: str | None | object = _DEFAULT,
    method: str | None = None,
    dtstamp: datetime | None = None,
    refresh_hours: int | None | object = _DEFAULT,
    extras: Callable[[Session], Extra | None] | None = None,
) -> Calendar:
    """A VCALENDAR of the sessions, soonest first, with the Brussels VTIMEZONE.

    `name` (default: the public feed's name; None: no name, as for a one-file download) and
    `refresh_hours` (default: FEED_REFRESH_HOURS; None: not a subscription) describe a feed.
    With a `method` (REQUEST, CANCEL) give `dtstamp`, the time the message is made. `extras` gives
    what a feed of one's own adds to each session (see Extra).
    """
    words = words_for(lang)
    cal = Calendar()
    cal["VERSION"] = vText("2.0")
    cal["PRODID"] = vText(PRODID)
    cal["CALSCALE"] = vText("GREGORIAN")
    if method:
        cal["METHOD"] = vText(method.upper())
    if name is _DEFAULT:
        name = words.calendar_name
    if name:
        cal["NAME"] = vText(name)
        cal["X-WR-CALNAME"] = vText(name)
    if refresh_hours is _DEFAULT:
        refresh_hours = current_app.config.get("FEED_REFRESH_HOURS", DEFAULT_REFRESH_HOURS) if has_app_context() \
            else DEFAULT_REFRESH_HOURS
    if refresh_hours:
        interval = vDuration(timedelta(hours=int(refresh_hours)))
        interval.params["VALUE"] = "DURATION"
        cal["REFRESH-INTERVAL"] = interval
        cal["X-PUBLISHED-TTL"] = vDuration(timedelta(hours=int(refresh_hours)))
    cal["X-WR-TIMEZONE"] = vText(TZID)
    cal.add_component(brussels_vtimezone())
    writer = _EventWriter(words, base_url, dtstamp)
    for session in sorted(sessions, key=lambda s: (s.start_at, s.id)):
        cal.add_component(writer.event(session, extras(session) if extras else None))
    return cal


def build_feed(sessions: Iterable[Session], lang: str, base_url: str, **options) -> bytes:
    """The bytes of an .ics file of the sessions (see build_calendar for the options)."""
    return to_ical(build_calendar(sessions, lang, base_url, **options))


def to_ical(component: Component) -> bytes:
    """The same bytes as `component.to_ical()`, folded faster.

    icalendar folds a line holding any non-ASCII letter character by character; French and Dutch
    feeds are full of them. Here each line is folded on its UTF-8 bytes, at the same places: at most
    74 octets before each CRLF + space, never inside a character.
    """
    out = []
    for name, value in component.property_items(sorted=True):
        if isinstance(value, bytes):  # BEGIN and END
            text = value
        else:
            text = value.to_ical() if hasattr(value, "to_ical") else vText(value).to_ical()
            if isinstance(text, str):
                text = text.encode("utf-8")
            # A lone CR typed in a text (a reason, say) would end the line for some readers: a line break.
            text = text.replace(b"\r", b"\\n")
        params = getattr(value, "params", None)
        line = b"%s;%s:%s" % (name.encode(), params.to_ical(sorted=True), text) if params \
            else b"%s:%s" % (name.encode(), text)
        out.append(line if len(line) <= FOLD_OCTETS else _fold(line))
    out.append(b"")
    return b"\r\n".join(out)


FOLD_OCTETS = 74  # octets of content per physical line, the folding space excluded


def _fold(line: bytes) -> bytes:
    parts, start, size = [], 0, len(line)
    while size - start > FOLD_OCTETS:
        cut = start + FOLD_OCTETS
        while line[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: cut before its character
            cut -= 1
        parts.append(line[start:cut])
        start = cut
    parts.append(line[start:])
    return b"\r\n ".join(parts)
