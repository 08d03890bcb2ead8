"""The calendar invitation carried by messages: METHOD:REQUEST to add, METHOD:CANCEL to remove."""
from __future__ import annotations

from urllib.parse import urlsplit

from icalendar import Calendar, Event, vCalAddress, vText

from app.calendar.models import Session
from app.registrations.models import Registration


def session_uid(session: Session, base_url: str) -> str:
    """The same UID everywhere a session appears (feeds, downloads, invitations)."""
    return f"session-{session.id}@{urlsplit(base_url).hostname or 'localhost'}"


def invitation(registration: Registration, method: str, *, base_url: str, organiser_email: str,
               title: str, description: str, location: str, url: str) -> str:
    """An iTIP message for one attendee. Times in UTC, which every client reads without a VTIMEZONE."""
    session = registration.session
    calendar = Calendar()
    calendar.add("prodid", "-//Cite des metiers de Bruxelles//Workshops//FR")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", session_uid(session, base_url))
    event.add("sequence", session.revision)
    event.add("dtstamp", session.updated_at)
    event.add("dtstart", session.start_at)
    event.add("dtend", session.end_at)
    event.add("summary", title)
    event.add("description", description)
    event.add("location", location)
    event.add("url", url)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{organiser_email}")
    organizer.params["cn"] = vText("Cité des métiers de Bruxelles")
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{registration.email}")
    attendee.params["cn"] = vText(registration.name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED" if method == "REQUEST" else "DECLINED")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
