"""Where a session (or a proposed one) takes place, read in one place for pages, e-mails, feeds and the API.

A session held online only has no place: `place_of` gives None, and each output says "online" in its own
words. Otherwise the place is its venue, the venue's address and the room if one is chosen; the outputs
join these pieces each in the way they always have (`short`, `with_address`, `location`).

Names, address and notes are in the language asked (the current locale's when none is given), each
falling back to French like every text staff type (`Translated.localized`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from flask_babel import get_locale

from app.calendar.models import Room, Venue
from app.i18n import DEFAULT_LANG, LANGS


class Placed(Protocol):
    format: str
    venue: Venue | None
    room: Room | None


@dataclass(frozen=True)
class Place:
    venue: str
    address: str
    room: str | None
    hybrid: bool  # people may also take part online
    notes: tuple[str, ...]  # accessibility notes written for the venue, then the room

    def short(self) -> str:
        """`Venue · Room`: the back-office and partner pages."""
        return f"{self.venue} · {self.room}" if self.room else self.venue

    def with_address(self) -> str:
        """`Venue, address (Room)`: the e-mails to registered people."""
        return ", ".join(part for part in (self.venue, self.address) if part) + (f" ({self.room})" if self.room else "")

    def location(self) -> str:
        """`Venue, Room, address`, without empty pieces: the LOCATION of calendar files."""
        return ", ".join(part for part in (self.venue, self.room, self.address) if part)


def locale_lang() -> str:
    """The language of the current locale (a message rendered for its recipient, a page), French outside."""
    try:
        found = str(get_locale() or "")[:2]
    except RuntimeError:  # no application context
        found = ""
    return found if found in LANGS else DEFAULT_LANG


def place_of(session: Placed, lang: str | None = None) -> Place | None:
    """The place of a session held on site (face to face or hybrid), its texts in `lang` (the current
    locale's by default); None when it is online only."""
    venue, room = session.venue, session.room
    address = getattr(session, "offsite_address", None)
    if session.format != "online" and venue is None and address:  # a class held at its school
        return Place(venue=address, address="", room=None, hybrid=session.format == "hybrid", notes=())
    if session.format == "online" or venue is None:
        return None
    lang = lang if lang in LANGS else locale_lang()
    notes = tuple(note for note in (venue.localized("accessibility_notes", lang),
                                    room.localized("accessibility_notes", lang) if room else "") if note)
    return Place(venue=venue.localized("name", lang), address=venue.localized("address", lang),
                 room=room.localized("name", lang) if room else None, hybrid=session.format == "hybrid",
                 notes=notes)
