"""Jitsi Meet rooms: no call, no credentials; the default provider.

A room is ``{JITSI_BASE_URL}/{name}`` where the name is ``CdM-`` followed by 24 random letters and
digits (about 142 bits: unguessable, so only people given the link find the room). Jitsi creates a
room when the first person arrives and forgets it when the last one leaves, so there is nothing to
find again (``find`` returns None), nothing to delete, and a change of time keeps the same room.

On meet.jit.si the first host must sign in (Google, GitHub...) before the meeting starts; a
self-hosted server has no such rule unless its operator set one up.
"""
from __future__ import annotations

import secrets
import string
from datetime import datetime

from .rooms import MeetingRoom, RoomProvider

DEFAULT_BASE_URL = "https://meet.jit.si"
NAME_PREFIX = "CdM-"
RANDOM_CHARS = 24
ALPHABET = string.ascii_letters + string.digits


def room_name() -> str:
    """An unguessable room name: letters, digits and one dash."""
    return NAME_PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_CHARS))


class JitsiProvider(RoomProvider):
    name = "jitsi"
    label = "Jitsi Meet"

    def __init__(self, base_url: str = DEFAULT_BASE_URL):
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")

    def create(self, key: str, start: datetime, end: datetime, title: str, *,
               capacity: int | None = None) -> MeetingRoom:
        name = room_name()
        url = f"{self.base_url}/{name}"
        return MeetingRoom(self.name, name, url, url, {"key": key, "server": self.base_url})

    def find(self, key: str) -> MeetingRoom | None:
        return None  # nothing is kept on the server before someone joins

    def update(self, room: MeetingRoom, start: datetime, end: datetime, title: str) -> MeetingRoom:
        return room

    def delete(self, room: MeetingRoom) -> None:
        return None
