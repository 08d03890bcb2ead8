"""Videoconference rooms: the one interface every provider implements.

A provider makes a room for one of our sessions, finds it again, follows a change of time and
deletes it. The caller names the session with a stable ``key`` (for example ``"cdm-s123"``); each
provider turns it into what its API allows (a Whereby room name prefix, a Google Calendar event id),
so a room made by a request whose answer was lost can be found again.

Errors are of two kinds, both carrying a short ``reason`` that staff can read:

- ``TemporaryRoomError``: try again later (time-out, connection refused, 5xx, 429 and other rate
  limits, an answer that makes no sense). ``retry_after`` is the delay in seconds the provider asked
  for, when it said one.
- ``PermanentRoomError``: retrying the same request will not help (key refused, bad request,
  provider not configured). Staff must act.

Times passed in are aware datetimes; naive ones are taken as UTC (how they are stored).
The providers are in their own modules; ``registry.provider_for`` sets one up from the settings.
"""
from __future__ import annotations

import abc
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone

log = logging.getLogger(__name__)


@dataclass
class MeetingRoom:
    """A room at a provider. ``extra`` holds what the provider needs later: store it with the room."""

    provider: str
    external_id: str
    join_url: str
    host_url: str
    extra: dict = field(default_factory=dict)


class RoomError(Exception):
    """A room request failed; ``reason`` is short and readable by staff."""

    def __init__(self, reason: str, *, status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status


class TemporaryRoomError(RoomError):
    """Try again later; ``retry_after`` (seconds) when the provider asked for a delay."""

    def __init__(self, reason: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(reason, status=status)
        self.retry_after = retry_after


class PermanentRoomError(RoomError):
    """The same request will fail again: staff must change something (key, settings, data)."""


class RoomProvider(abc.ABC):
    """One videoconference provider: ``name`` is stored with its rooms, ``label`` is shown to people."""

    name: str = ""
    label: str = ""

    @abc.abstractmethod
    def create(self, key: str, start: datetime, end: datetime, title: str, *,
               capacity: int | None = None) -> MeetingRoom:
        """Make a new room for the session ``key``."""

    @abc.abstractmethod
    def find(self, key: str) -> MeetingRoom | None:
        """The room made earlier for ``key``, or None (used after a create that timed out)."""

    def find_all(self, key: str) -> list[MeetingRoom]:
        """Every room for ``key``, the one to keep first (several exist only after lost answers)."""
        room = self.find(key)
        return [room] if room is not None else []

    @abc.abstractmethod
    def update(self, room: MeetingRoom, start: datetime, end: datetime, title: str) -> MeetingRoom:
        """Follow a change of time or title; the answer may be a different room (new links)."""

    @abc.abstractmethod
    def delete(self, room: MeetingRoom) -> None:
        """Delete the room; a room already gone counts as deleted."""


def ensure_room(provider: RoomProvider, key: str, start: datetime, end: datetime, title: str, *,
                capacity: int | None = None) -> MeetingRoom:
    """Exactly one room for ``key``: the existing one if found, else a new one.

    A create whose answer was lost (time-out) may have made a room: it is looked for before a new
    one is made, and right after a create that failed temporarily. Extra rooms for the same key are
    deleted; the one kept is the provider's first (the same choice from any process).
    Calls for one key must not run at the same time (the caller serialises them per session).
    Raises TemporaryRoomError or PermanentRoomError when no room could be had.
    """
    rooms = provider.find_all(key)
    if rooms:
        return _keep_first(provider, rooms)
    try:
        room = provider.create(key, start, end, title, capacity=capacity)
    except TemporaryRoomError:
        # The request may have reached the provider; look once before giving up.
        try:
            rooms = provider.find_all(key)
        except RoomError:
            rooms = []
        if rooms:
            return _keep_first(provider, rooms)
        raise
    return room


def _keep_first(provider: RoomProvider, rooms: list[MeetingRoom]) -> MeetingRoom:
    keep, extras = rooms[0], rooms[1:]
    for extra in extras:
        try:
            provider.delete(extra)
        except TemporaryRoomError as exc:
            # Left for the next run, which finds it again and retries.
            log.warning("extra %s room %s not deleted yet: %s", provider.name, extra.external_id, exc.reason)
    return keep


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime; naive values are taken as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)
