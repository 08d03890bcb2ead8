"""The messages about a registration, in the person's language, queued in the caller's transaction."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

from flask import current_app, render_template
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _

from app.attendance.qr import checkin_for_message
from app.calendar.models import ONLINE_FORMATS, Session
from app.calendar.places import place_of
from app.extensions import db
from app.messages import content
from app.messages.addresses import header_text
from app.messages.invitation import invitation
from app.messages.models import Kind, OutboxMessage
from app.messages.outbox import SUBJECT_MAX, queue_message
from app.registrations.models import Registration
from app.schools.messages import render_school
from app.timeutil import to_local


def links(registration: Registration) -> dict[str, str]:
    """The signed links of a registration (its token is the secret)."""
    base, lang, token = current_app.config["BASE_URL"], registration.language, registration.token
    return {
        "view": f"{base}/{lang}/registration/{token}",
        "cancel": f"{base}/{lang}/registration/{token}/cancel",
        "ics": f"{base}/feeds/registrations/{token}.ics",
        "survey": f"{base}/{lang}/registration/{token}/survey",
        "calendar": f"{base}/{lang}/",
        "join": f"{base}/join/{token}",
    }


def session_details(session: Session, lang: str) -> dict:
    """The session as a message shows it, in the current locale."""
    start, end = to_local(session.start_at), to_local(session.end_at)
    found = place_of(session)
    if found is None:
        place = _("Online: the link to join comes with your reminder.")
    else:
        place = found.with_address()
        if found.hybrid:
            place = _("%(place)s, or online", place=place)
    return {
        "title": session.activity.localized("title", lang),
        "summary": session.activity.localized("summary", lang),
        "when": _("%(day)s, %(start)s to %(end)s (Brussels time)",
                  day=format_datetime(start, "EEEE d MMMM y"), start=format_datetime(start, "HH:mm"),
                  end=format_datetime(end, "HH:mm")),
        "place": place,
        "url": f"{current_app.config['BASE_URL']}/{lang}/sessions/{session.id}",
    }


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
           ics_method: str | None = None, dtstamp: datetime | None = None) -> Rendered:
    """A message about a registration, from its current data, in the person's language. `ics_method` is
    the invitation it asks for (REQUEST only goes to someone with a seat); `dtstamp` when it was made."""
    kind = Kind(kind)
    lang = registration.language
    with force_locale(lang):
        details = session_details(registration.session, lang)
        online = registration.session.format in ONLINE_FORMATS and registration.status == "confirmed"
        context = dict(registration=registration, details=details, links=links(registration),
                       paragraphs=content.paragraphs(kind, position=position, reason=reason),
                       checkin=checkin_for_message(kind, registration),
                       join=online and kind in (Kind.REMINDER, Kind.CHANGE, Kind.PROMOTION),
                       kind=kind, lang=lang, to_name=registration.name)
        method = ics_method
        if method == "REQUEST" and registration.status != "confirmed":
            method = None  # only a seat goes into the person's calendar
        ics = invitation(registration, method, base_url=current_app.config["BASE_URL"], dtstamp=dtstamp,
                         organiser_email=parseaddr(current_app.config["MAIL_FROM"])[1]) if method else None
        return Rendered(subject=header_text(content.subject(kind, details["title"]))[:SUBJECT_MAX],
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
                  ics_method=message.ics_method, dtstamp=message.created_at)


def render_queued(message: OutboxMessage) -> OutboxMessage:
    """Render a message written without its texts and keep them on it (what was sent is what staff see)."""
    rendered = render_message(message) or NOTHING  # its registration is gone: nothing can be written
    for name in ("subject", "body_text", "body_html", "ics", "ics_method"):
        setattr(message, name, getattr(rendered, name))
    return message


def enqueue(kind: Kind | str, registration: Registration, *, position: int | None = None, reason: str = "",
            dedupe_key: str | None = None, supersede: bool = False,
            remove_from_calendar: bool = False) -> OutboxMessage | None:
    """Queue one message about a registration (not committed). None when its dedupe key was used already,
    or when the person has no e-mail address (registered at the desk with a phone number).

    Only what the message needs is written; the sender renders it (``render``) just before it goes.
    `supersede`: a message of the same kind still queued for this person is rewritten instead (two edits
    in a row make one message). `remove_from_calendar`: carry a METHOD:CANCEL for the person's calendar.
    """
    kind = Kind(kind)
    if not registration.email:
        return None
    method = INVITATION_METHODS.get(kind)
    if kind == Kind.UNREGISTERED and remove_from_calendar:
        method = "CANCEL"
    if method == "REQUEST" and registration.status != "confirmed":
        method = None  # only a seat goes into the person's calendar
    return queue_message(
        kind, to_email=registration.email, to_name=registration.name, language=registration.language,
        registration_id=registration.id, session_id=registration.session_id, dedupe_key=dedupe_key,
        ics_method=method, position=position, reason=reason, supersede=supersede)
