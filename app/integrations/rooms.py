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
Every outbound call goes through a ``requests.Session`` with a time-out (``ROOMS_HTTP_TIMEOUT``
seconds, 10 by default), applied to connecting and to each wait for the answer.
"""
from __future__ import annotations

import abc
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Mapping

import requests

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0
PROVIDERS = ("jitsi", "whereby", "google_meet")


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
    """One videoconference provider."""

    name: str = ""

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


def provider_for(name: str, config: Mapping[str, Any], *, session: requests.Session | None = None) -> RoomProvider:
    """The provider ``name`` (``jitsi``, ``whereby``, ``google_meet``) set up from ``config``.

    Reads the settings by their environment names (``WHEREBY_API_URL``, ``WHEREBY_API_KEY``,
    ``GOOGLE_*``, ``JITSI_BASE_URL``, ``ROOMS_HTTP_TIMEOUT``). Google access tokens are shared by
    the providers made here for the same account, so making one per call costs no new token.
    A provider without its credentials raises PermanentRoomError; an unknown name raises ValueError.
    """
    timeout = http_timeout(config)
    if name == "jitsi":
        from .jitsi import DEFAULT_BASE_URL, JitsiProvider

        return JitsiProvider(config.get("JITSI_BASE_URL") or DEFAULT_BASE_URL)
    if name == "whereby":
        from .whereby import DEFAULT_API_URL, WherebyProvider

        key = config.get("WHEREBY_API_KEY")
        if not key:
            raise PermanentRoomError("Whereby is not configured (WHEREBY_API_KEY is missing)")
        return WherebyProvider(config.get("WHEREBY_API_URL") or DEFAULT_API_URL, key,
                               timeout=timeout, session=session)
    if name == "google_meet":
        from .google_meet import DEFAULT_CALENDAR_API_URL, DEFAULT_TOKEN_URL, GoogleMeetProvider, shared_token_store

        missing = [n for n in ("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", "GOOGLE_REFRESH_TOKEN")
                   if not config.get(n)]
        if missing:
            raise PermanentRoomError(f"Google Meet is not configured ({', '.join(missing)} missing)")
        token_url = config.get("GOOGLE_TOKEN_URL") or DEFAULT_TOKEN_URL
        return GoogleMeetProvider(
            token_url=token_url,
            calendar_api_url=config.get("GOOGLE_CALENDAR_API_URL") or DEFAULT_CALENDAR_API_URL,
            client_id=config["GOOGLE_CLIENT_ID"],
            client_secret=config["GOOGLE_CLIENT_SECRET"],
            refresh_token=config["GOOGLE_REFRESH_TOKEN"],
            calendar_id=config.get("GOOGLE_CALENDAR_ID") or "primary",
            timeout=timeout,
            session=session,
            token_store=shared_token_store(token_url, config["GOOGLE_CLIENT_ID"], config["GOOGLE_REFRESH_TOKEN"]),
        )
    raise ValueError(f"unknown room provider {name!r} (expected one of {', '.join(PROVIDERS)})")


def http_timeout(config: Mapping[str, Any]) -> float:
    """``ROOMS_HTTP_TIMEOUT`` in seconds (a number or a numeric string), 10 by default."""
    value = config.get("ROOMS_HTTP_TIMEOUT")
    if value in (None, ""):
        return DEFAULT_TIMEOUT
    try:
        timeout = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"ROOMS_HTTP_TIMEOUT must be a number of seconds, not {value!r}") from None
    if timeout <= 0:
        raise ValueError("ROOMS_HTTP_TIMEOUT must be positive")
    return timeout


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime; naive values are taken as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (a number of seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def send(session: requests.Session, method: str, url: str, *, timeout: float, provider: str,
         **kwargs) -> requests.Response:
    """One HTTP request; network failures and time-outs become TemporaryRoomError."""
    try:
        return session.request(method, url, timeout=timeout, **kwargs)
    except requests.Timeout:
        raise TemporaryRoomError(f"{provider} did not answer within {timeout:g} s") from None
    except requests.ConnectionError:
        raise TemporaryRoomError(f"{provider} could not be reached") from None
    except requests.RequestException as exc:
        raise TemporaryRoomError(f"{provider} request failed ({type(exc).__name__})") from None


def json_body(response: requests.Response, provider: str) -> Any:
    """The JSON of an answer; anything else is a garbage answer (TemporaryRoomError)."""
    try:
        return response.json()
    except ValueError:
        kind = response.headers.get("Content-Type", "no content type").split(";")[0]
        raise TemporaryRoomError(
            f"{provider} answered {response.status_code} with unreadable content ({kind})",
            status=response.status_code,
        ) from None
