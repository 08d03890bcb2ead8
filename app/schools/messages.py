"""The words of the messages to a teacher, written at delivery from the request as it is then."""
from __future__ import annotations

from email.utils import parseaddr

from flask import current_app, render_template
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from icalendar import vCalAddress, vText, vUri

from app.calendar.places import place_of
from app.extensions import db
from app.feeds.ics import build_calendar, to_ical
from app.messages.addresses import header_text
from app.schools.models import SchoolRequest
from app.timeutil import to_local, utcnow

SUBJECT_MAX = 300


def request_links(request: SchoolRequest) -> dict[str, str]:
    """The teacher's signed links (the request's token is the secret)."""
    base, lang, token = current_app.config["BASE_URL"], request.language, request.token
    return {"view": f"{base}/{lang}/schools/requests/{token}", "join": f"{base}/join/class/{token}",
            "schools": f"{base}/{lang}/schools/"}


def slot_text(request: SchoolRequest) -> str:
    if request.slot_start is None:
        return ""
    start, end = to_local(request.slot_start), to_local(request.slot_end)
    return _("%(day)s, %(start)s to %(end)s (Brussels time)", day=format_datetime(start, "EEEE d MMMM y"),
             start=format_datetime(start, "HH:mm"), end=format_datetime(end, "HH:mm"))


def where_text(request: SchoolRequest) -> str:
    if request.place == "online":
        return _("Online: the link to join comes with the reminder.")
    if request.place == "school":
        return _("At your school: %(address)s", address=request.school_address)
    room = request.room
    if room is None:
        return _("At the Cité des métiers")
    lang = request.language
    return (f"{room.venue.localized('name', lang)}, {room.venue.localized('address', lang)} "
            f"({room.localized('name', lang)})")


def subject(kind: str, title: str) -> str:
    return {
        "school_ack": _("We received your request: %(title)s", title=title),
        "school_proposal": _("A date is proposed for your class: %(title)s", title=title),
        "school_confirmed": _("Your class is booked: %(title)s", title=title),
        "school_reminder": _("Reminder: your class comes soon: %(title)s", title=title),
        "school_change": _("Change to your class: %(title)s", title=title),
        "school_cancelled": _("Your class is cancelled: %(title)s", title=title),
    }[kind]


def paragraphs(kind: str, request: SchoolRequest, reason: str) -> list[str]:
    hours = int(float(current_app.config.get("SCHOOL_CANCEL_HOURS", 48)))
    if kind == "school_ack":
        return [_("Thank you: we received your request for a class session. We will propose a date soon."),
                _("Follow your request, and cancel it if needed, on its page (keep this e-mail):")]
    if kind == "school_proposal":
        return [_("We propose this date for your class. If it suits you, accept it with one button on the "
                  "request's page; otherwise reply to this e-mail."), slot_text(request)]
    if kind == "school_confirmed":
        return [_("Your class session is booked. The calendar file attached adds it to your agenda."),
                slot_text(request)]
    if kind == "school_reminder":
        return [_("Your class session comes soon."), slot_text(request)]
    if kind == "school_change":
        return [_("Your class session has changed. Here is what holds now."), slot_text(request)]
    if request.state == "declined":
        return [_("We are sorry: we cannot hold your class session."),
                _("Reason: %(reason)s", reason=request.decline_reason)]
    return [_("Your class session is cancelled. The room and the counsellor are free again."),
            _("Until %(hours)d hours before a class you can cancel it on its page; later, please phone us.",
              hours=hours)]


def _ics(request: SchoolRequest, method: str, dtstamp) -> str | None:
    session = request.session
    if session is None:
        return None
    calendar = build_calendar([session], request.language, current_app.config["BASE_URL"], name=None,
                              method=method, dtstamp=dtstamp or utcnow(), refresh_hours=None)
    event = calendar.walk("VEVENT")[0]
    event["URL"] = vUri(request_links(request)["view"])  # a class has no public page
    organizer = vCalAddress(f"mailto:{parseaddr(current_app.config['MAIL_FROM'])[1]}")
    organizer.params["CN"] = vText("Cité des métiers de Bruxelles")
    event["ORGANIZER"] = organizer
    attendee = vCalAddress(f"mailto:{request.email}")
    attendee.params["CN"] = vText(request.teacher_name)
    attendee.params["PARTSTAT"] = vText("ACCEPTED" if method == "REQUEST" else "DECLINED")
    attendee.params["RSVP"] = vText("FALSE")
    event["ATTENDEE"] = attendee
    if method == "CANCEL":
        event["STATUS"] = vText("CANCELLED")
    return to_ical(calendar).decode("utf-8")


def render_school(message) -> tuple[str, str, str, str | None, str | None]:
    """(subject, text, HTML, ics, ics method) of a message to a teacher, in the teacher's language."""
    request = db.session.get(SchoolRequest, message.school_request_id)
    lang = request.language
    with force_locale(lang):
        title = request.activity.localized("title", lang)
        session = request.session
        counsellor = request.counsellor.name if request.counsellor is not None else ""
        place = place_of(session, lang) if session is not None else None
        context = dict(
            request=request, kind=message.kind, lang=lang, to_name=request.teacher_name, title=title,
            paragraphs=[p for p in paragraphs(message.kind, request, message.reason) if p],
            links=request_links(request), where=where_text(request) if request.state != "new" else "",
            counsellor=counsellor, place=place,
            join=request.place == "online" and message.kind in ("school_reminder", "school_confirmed",
                                                                 "school_change"),
            cancel_hours=int(float(current_app.config.get("SCHOOL_CANCEL_HOURS", 48))))
        method = message.ics_method
        ics = _ics(request, method, message.created_at) if method else None
        return (header_text(subject(message.kind, title))[:SUBJECT_MAX],
                render_template("messages/school.txt", **context), render_template("messages/school.html", **context),
                ics, method if ics else None)
