"""The messages about a registration, in the person's language, queued in the caller's transaction."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from types import SimpleNamespace

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app.attendance.qr import checkin_for_message
from app.calendar.models import ON_SITE_FORMATS, ONLINE_FORMATS, Room, Session, Venue
from app.calendar.places import place_of
from app.closures.models import Closure
from app.database import in_unit_of_work
from app.extensions import db
from app.feeds.links import person_feed_url
from app.messages import content
from app.messages.addresses import header_text
from app.messages.invitation import invitation
from app.messages.models import Kind, OutboxMessage
from app.messages.outbox import SUBJECT_MAX, message_values, queue_message
from app.registrations.models import Registration
from app.schools.messages import render_school
from app.timeutil import to_local
from app.typography import format_datetime


def links(registration: Registration) -> dict[str, str]:
    """The signed links of a registration (its token is the secret)."""
    base, lang, token = current_app.config["BASE_URL"], registration.language, registration.token
    return {
        "view": f"{base}/{lang}/registration/{token}",
        "cancel": f"{base}/{lang}/registration/{token}/cancel",
        "ics": f"{base}/feeds/registrations/{token}.ics",
        "survey": f"{base}/{lang}/registration/{token}/survey",
        "calendar": f"{base}/{lang}/",
        "join": f"{base}/join/{token}?lang={lang}",  # a damaged link still shows its page in the person's language
    }


def feed_link(registration: Registration) -> str | None:
    """The link of the person's own feed (every registration of their address). Its row is made only
    inside a unit of work, which keeps it; a page only looking (the outbox's preview) makes nothing."""
    return person_feed_url(registration.email_key, registration.language, create=in_unit_of_work(),
                           nonce=registration.known_feed_nonce)


def reminder_window() -> timedelta:
    return timedelta(hours=float(current_app.config.get("REMINDER_HOURS", 24)))


def confirmed_late(registration: Registration) -> bool:
    """Confirmed (or promoted) less than REMINDER_HOURS before the start: no reminder follows, so the
    confirmation carries everything, the join link of an online or hybrid session included."""
    confirmed_at = registration.confirmed_at
    return confirmed_at is not None and confirmed_at >= registration.session.start_at - reminder_window()


def joins_online(registration: Registration, kind: Kind | str) -> bool:
    """Whether a message of `kind` carries the person's join link (through the join page, never the room's
    own address): the reminder, a change and a promotion do; a confirmation (or the links again) when no
    reminder will follow."""
    if registration.session.format not in ONLINE_FORMATS or registration.status != "confirmed":
        return False
    kind = Kind(kind)
    if kind in (Kind.REMINDER, Kind.CHANGE, Kind.PROMOTION):
        return True
    return kind in (Kind.CONFIRMATION, Kind.LINKS) and confirmed_late(registration)


def _when(start: datetime, end: datetime) -> str:
    start, end = to_local(start), to_local(end)
    return _("%(day)s, %(start)s to %(end)s (Brussels time)",
             day=format_datetime(start, "EEEE d MMMM y"), start=format_datetime(start, "HH:mm"),
             end=format_datetime(end, "HH:mm"))


def _place(placed, lang: str, join_below: bool | None) -> str:
    """Where: the venue with its address, "or online" for a hybrid session; an online session says where
    its link is (`join_below`: in this message; False: it comes with the reminder; None: say nothing of it)."""
    found = place_of(placed, lang)
    if found is None:
        if join_below is None:
            return _("Online")
        return _("Online: your link to join is below.") if join_below else \
            _("Online: the link to join comes with your reminder.")
    place = found.with_address()
    return _("%(place)s, or online", place=place) if found.hybrid else place


def session_details(session: Session, lang: str, join_below: bool | None = False) -> dict:
    """The session as a message shows it, in the current locale (`join_below`: see ``_place``)."""
    return {
        "title": session.activity.localized("title", lang),
        "summary": session.activity.localized("summary", lang),
        "when": _when(session.start_at, session.end_at),
        "place": _place(session, lang, join_below),
        "url": f"{current_app.config['BASE_URL']}/{lang}/sessions/{session.id}",
    }


def closure_reason(closure: Closure | None, lang: str) -> str:
    """The reason of a closure as the person reads it, in their language."""
    return closure.localized("reason", lang) if closure is not None else ""


def what_changed(session: Session, before: dict | None, lang: str) -> dict | None:
    """{"when": (was, now), "place": (was, now)} for what a change moved; None when nothing shown moved."""
    if not before:
        return None
    found: dict = {}
    if "start_at" in before:
        was = _when(datetime.fromisoformat(before["start_at"]), datetime.fromisoformat(before["end_at"]))
        now = _when(session.start_at, session.end_at)
        if was != now:
            found["when"] = (was, now)
    if "format" in before:
        venue = db.session.get(Venue, before["venue_id"]) if before.get("venue_id") else None
        room = db.session.get(Room, before["room_id"]) if before.get("room_id") else None
        was = _place(SimpleNamespace(format=before["format"], venue=venue, room=room), lang, None)
        now = _place(session, lang, None)
        if was != now:
            found["place"] = (was, now)
    return found or None


INVITATION_METHODS = {Kind.CONFIRMATION: "REQUEST", Kind.PROMOTION: "REQUEST", Kind.CHANGE: "REQUEST",
                      Kind.CANCELLATION: "CANCEL"}


@dataclass(frozen=True)
class Rendered:
    """A message as it is sent: subject, bodies and calendar invitation."""

    subject: str
    body_text: str
    body_html: str
    ics: str | None
    ics_method: str | None


NOTHING = Rendered("", "", "", None, None)


def render(kind: Kind | str, registration: Registration, *, position: int | None = None, reason: str = "",
           ics_method: str | None = None, dtstamp: datetime | None = None,
           details: dict | None = None) -> Rendered:
    """A message about a registration, from its current data, in the person's language. `ics_method` is
    the invitation it asks for (REQUEST only goes to someone with a seat); `dtstamp` when it was made;
    `details` what its outbox row carries besides (a change's "before", the closure behind it)."""
    kind = Kind(kind)
    lang = registration.language
    session = registration.session
    details = details or {}
    with force_locale(lang):
        join = joins_online(registration, kind)
        shown = session_details(session, lang, join_below=join if registration.status == "confirmed" and kind not in (
            Kind.CANCELLATION, Kind.UNREGISTERED, Kind.FULL, Kind.SURVEY) else None)  # without a seat: no link
        closure = db.session.get(Closure, details["closure"]) if details.get("closure") else None
        if closure is not None:
            reason = closure_reason(closure, lang) or reason
        hybrid_later = (session.format == "hybrid" and registration.status == "confirmed" and not join
                        and kind in (Kind.CONFIRMATION, Kind.LINKS))
        changed = what_changed(session, details.get("before"), lang) if kind == Kind.CHANGE else None
        context = dict(registration=registration, details=shown,
                       links={**links(registration), "feed": feed_link(registration)},
                       paragraphs=content.paragraphs(kind, position=position, reason=reason,
                                                     closure=closure is not None, listed=bool(changed),
                                                     hybrid_later=hybrid_later,
                                                     reminder_hours=reminder_window().total_seconds() / 3600),
                       changed=changed,
                       checkin=checkin_for_message(kind, registration)
                       if session.format in ON_SITE_FORMATS else None,
                       join=join, confirmed=registration.status == "confirmed",
                       kind=kind, lang=lang, to_name=registration.name)
        method = ics_method
        if method == "REQUEST" and registration.status != "confirmed":
            method = None  # only a seat goes into the person's calendar
        ics = invitation(registration, method, base_url=current_app.config["BASE_URL"], dtstamp=dtstamp,
                         organiser_email=parseaddr(current_app.config["MAIL_FROM"])[1]) if method else None
        return Rendered(subject=header_text(content.subject(kind, shown["title"]))[:SUBJECT_MAX],
                        body_text=render_template("messages/message.txt", **context),
                        body_html=render_template("messages/message.html", **context),
                        ics=ics, ics_method=method)


def subject_of(message: OutboxMessage) -> str:
    """The subject of a message, rendered now if it has not been yet (the outbox's list)."""
    if message.subject is not None:
        return message.subject
    if message.school_request_id is not None:
        return render_school(message)[0]
    registration = db.session.get(Registration, message.registration_id) if message.registration_id else None
    if registration is None:
        return ""
    with force_locale(registration.language):
        title = registration.session.activity.localized("title", registration.language)
        return header_text(content.subject(message.kind, title))[:SUBJECT_MAX]


def render_message(message: OutboxMessage) -> Rendered | None:
    """What `message` says: as it was rendered, or rendered now from the current data (nothing stored)."""
    if message.rendered:
        return Rendered(message.subject or "", message.body_text or "", message.body_html or "", message.ics,
                        message.ics_method)
    if message.school_request_id is not None:
        return Rendered(*render_school(message))
    registration = db.session.get(Registration, message.registration_id) if message.registration_id else None
    if registration is None:
        return None
    return render(message.kind, registration, position=message.position, reason=message.reason,
                  ics_method=message.ics_method, dtstamp=message.created_at, details=message.details)


def render_queued(message: OutboxMessage) -> OutboxMessage:
    """Render a message written without its texts and keep them on it (what was sent is what staff see)."""
    rendered = render_message(message) or NOTHING  # its registration is gone: nothing can be written
    for name in ("subject", "body_text", "body_html", "ics", "ics_method"):
        setattr(message, name, getattr(rendered, name))
    return message


def enqueue(kind: Kind | str, registration: Registration, *, position: int | None = None, reason: str = "",
            details: dict | None = None, dedupe_key: str | None = None, supersede: bool = False,
            remove_from_calendar: bool = False) -> OutboxMessage | None:
    """Queue one message about a registration (not committed). None when its dedupe key was used already,
    or when the person has no e-mail address (registered at the desk with a phone number).

    Only what the message needs is written; the sender renders it (``render``) just before it goes.
    `supersede`: a message of the same kind still queued for this person is rewritten instead (two edits
    in a row make one message). `remove_from_calendar`: carry a METHOD:CANCEL for the person's calendar.
    """
    arguments = _about(kind, registration, position=position, reason=reason, details=details,
                       dedupe_key=dedupe_key, remove_from_calendar=remove_from_calendar)
    return queue_message(**arguments, supersede=supersede) if arguments else None


def message_row(kind: Kind | str, registration: Registration, *, position: int | None = None) -> dict | None:
    """The outbox row of a message about a registration not written yet (its id comes with the write that
    adds both, ``database.insert_linked``): what ``enqueue`` would write. None when it has no address."""
    arguments = _about(kind, registration, position=position)
    return message_values(**arguments) if arguments else None


def _about(kind: Kind | str, registration: Registration, *, position: int | None = None, reason: str = "",
           details: dict | None = None, dedupe_key: str | None = None,
           remove_from_calendar: bool = False) -> dict | None:
    """The arguments of ``queue_message`` for a message about `registration`; None when it has no address."""
    kind = Kind(kind)
    if not registration.email:
        return None
    method = INVITATION_METHODS.get(kind)
    if kind == Kind.UNREGISTERED and remove_from_calendar:
        method = "CANCEL"
    if method == "REQUEST" and registration.status != "confirmed":
        method = None  # only a seat goes into the person's calendar
    return dict(kind=kind, to_email=registration.email, to_name=registration.name, language=registration.language,
                registration_id=registration.id, session_id=registration.session_id, dedupe_key=dedupe_key,
                ics_method=method, position=position, reason=reason, details=details)
