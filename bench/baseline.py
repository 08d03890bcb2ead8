"""The reference for the feed: the same sessions written the plain way with icalendar's own API."""
from __future__ import annotations

from datetime import datetime, timezone

from icalendar import Calendar, Event

from app.timeutil import BRUSSELS


def icalendar_feed(sessions, lang: str, base_url: str) -> bytes:
    """One VEVENT per session with DTSTART/DTEND/UID/SUMMARY/DESCRIPTION/LOCATION/URL/SEQUENCE/DTSTAMP."""
    cal = Calendar()
    cal.add("prodid", "-//bench//icalendar reference//EN")
    cal.add("version", "2.0")
    stamp = datetime.now(timezone.utc)
    base = base_url.rstrip("/")
    for session in sessions:
        activity = session.activity
        url = f"{base}/{lang}/sessions/{session.id}"
        if session.venue is None:
            location = "Online"
        else:
            room = [session.room.localized("name", lang)] if session.room else []
            location = ", ".join([session.venue.localized("name", lang), *room,
                                  session.venue.localized("address", lang)])
        event = Event()
        event.add("uid", f"session-{session.id}@bench")
        event.add("dtstamp", stamp)
        event.add("dtstart", session.start_at.astimezone(BRUSSELS))
        event.add("dtend", session.end_at.astimezone(BRUSSELS))
        event.add("sequence", session.revision)
        event.add("summary", activity.localized("title", lang))
        event.add("description", f"{activity.localized('summary', lang)}\n\n{url}")
        event.add("location", location)
        event.add("url", url)
        cal.add_component(event)
    return cal.to_ical()
