"""The messages about a registration, in the person's language, queued in the caller's transaction."""
from __future__ import annotations

from email.utils import parseaddr

from flask import current_app
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _

from app.attendance.qr import checkin_for_message
from app.calendar.models import ONLINE_FORMATS, Session
from app.calendar.places import place_of
from app.messages import content
from app.messages.invitation import invitation
from app.messages.models import Kind, OutboxMessage
from app.messages.outbox import queue_message
from app.registrations.models import Registration
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


def enqueue(kind: Kind | str, registration: Registration, *, position: int | None = None, reason: str = "",
            dedupe_key: str | None = None, supersede: bool = False,
            remove_from_calendar: bool = False) -> OutboxMessage | None:
    """Queue one message about a registration (not committed). None when its dedupe key was used already,
    or when the person has no e-mail address (registered at the desk with a phone number).

    `supersede`: a message of the same kind still queued for this person is rewritten instead (two edits
    in a row make one message). `remove_from_calendar`: carry a METHOD:CANCEL for the person's calendar.
    """
    kind = Kind(kind)
    if not registration.email:
        return None
    lang = registration.language
    with force_locale(lang):
        details = session_details(registration.session, lang)
        online = registration.session.format in ONLINE_FORMATS and registration.status == "confirmed"
        context = dict(registration=registration, details=details, links=links(registration),
                       paragraphs=content.paragraphs(kind, position=position, reason=reason),
                       checkin=checkin_for_message(kind, registration),
                       join=online and kind in (Kind.REMINDER, Kind.CHANGE, Kind.PROMOTION))
        method = {Kind.CONFIRMATION: "REQUEST", Kind.PROMOTION: "REQUEST", Kind.CHANGE: "REQUEST",
                  Kind.CANCELLATION: "CANCEL", Kind.UNREGISTERED: "CANCEL" if remove_from_calendar else None}.get(kind)
        if method == "REQUEST" and registration.status != "confirmed":
            method = None  # only a seat goes into the person's calendar
        ics = invitation(registration, method, base_url=current_app.config["BASE_URL"],
                         organiser_email=parseaddr(current_app.config["MAIL_FROM"])[1]) if method else None
        subject = content.subject(kind, details["title"])
    return queue_message(
        kind, to_email=registration.email, to_name=registration.name, language=lang, subject=subject,
        template="messages/message", context=context, registration_id=registration.id,
        session_id=registration.session_id, dedupe_key=dedupe_key, ics=ics, ics_method=method, supersede=supersede)
