"""The calendar invitation carried by messages: METHOD:REQUEST to add, METHOD:CANCEL to remove.

The event is the feeds' own (same UID, texts, time zone and SEQUENCE), with ORGANIZER and ATTENDEE.
"""
from __future__ import annotations

from datetime import datetime

from icalendar import vCalAddress, vText

from app.feeds.ics import build_calendar, to_ical
from app.registrations.models import Registration
from app.timeutil import utcnow


def invitation(registration: Registration, method: str, *, base_url: str, organiser_email: str,
               dtstamp: datetime | None = None) -> str:
    """An iTIP message (RFC 5546) for one attendee of a session, made at `dtstamp` (now by default)."""
    calendar = build_calendar([registration.session], registration.language, base_url, name=None, method=method,
                              dtstamp=dtstamp or utcnow(), refresh_hours=None)
    event = calendar.walk("VEVENT")[0]
    organizer = vCalAddress(f"mailto:{organiser_email}")
    organizer.params["CN"] = vText("Cité des métiers de Bruxelles")
    event["ORGANIZER"] = organizer
    attendee = vCalAddress(f"mailto:{registration.email}")
    attendee.params["CN"] = vText(registration.name)
    attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
    attendee.params["PARTSTAT"] = vText("ACCEPTED" if method == "REQUEST" else "DECLINED")
    attendee.params["RSVP"] = vText("FALSE")
    event["ATTENDEE"] = attendee
    if method == "CANCEL":
        event["STATUS"] = vText("CANCELLED")
    return to_ical(calendar).decode("utf-8")


def personal_calendar(registration: Registration, base_url: str) -> bytes:
    """The file behind a registration's `.ics` link: the session, cancelled if the person cancelled.

    Someone on the waiting list has no seat: the event is TENTATIVE, never CONFIRMED (their pages and
    messages do not offer the file; the link works all the same, and a promotion's invitation, with the
    same UID, turns it into a seat)."""
    calendar = build_calendar([registration.session], registration.language, base_url, name=None, refresh_hours=None)
    event = calendar.walk("VEVENT")[0]
    if registration.status == "cancelled":
        event["STATUS"] = vText("CANCELLED")
    elif registration.status == "waitlisted" and str(event.get("STATUS")) != "CANCELLED":
        event["STATUS"] = vText("TENTATIVE")
    return to_ical(calendar)
