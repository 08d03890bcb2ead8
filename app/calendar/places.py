"""Where a session (or a proposed one) takes place, read in one place for pages, e-mails, feeds and the API.

A session held online only has no place: `place_of` gives None, and each output says "online" in its own
words. Otherwise the place is its venue, the venue's address and the room if one is chosen; the outputs
join these pieces each in the way they always have (`short`, `with_address`, `location`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from app.calendar.models import Room, Venue


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


def place_of(session: Placed) -> Place | None:
    """The place of a session held on site (face to face or hybrid); None when it is online only."""
    venue, room = session.venue, session.room
    address = getattr(session, "offsite_address", None)
    if session.format != "online" and venue is None and address:  # a class held at its school
        return Place(venue=address, address="", room=None, hybrid=session.format == "hybrid", notes=())
    if session.format == "online" or venue is None:
        return None
    notes = tuple(note for note in (venue.accessibility_notes, room.accessibility_notes if room else "") if note)
    return Place(venue=venue.name, address=venue.address, room=room.name if room else None,
                 hybrid=session.format == "hybrid", notes=notes)
