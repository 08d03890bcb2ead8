"""Google Meet rooms through the Google Calendar API's conference data.

- Access token: ``POST {GOOGLE_TOKEN_URL}`` form-encoded ``grant_type=refresh_token``, client id,
  client secret and refresh token → ``{"access_token", "expires_in", "token_type"}``. The token is
  kept and fetched again 60 s before it expires, and once more when the API answers 401.
- create: ``POST {GOOGLE_CALENDAR_API_URL}/calendars/{calendarId}/events?conferenceDataVersion=1&sendUpdates=none``
  with the event ``id`` chosen here from the key (base32hex of ``"cdm/" + key``: only ``0-9a-v``,
  at least 5 characters), start and end in Europe/Brussels, the title as summary and
  ``conferenceData.createRequest`` (a new ``requestId`` per attempt, ``hangoutsMeet``).
  While ``conferenceData.createRequest.status.statusCode`` is ``pending`` the event is read again,
  a few times with growing delays, within the time-out; ``success`` gives ``hangoutLink``.
  A conference that failed (or is missing) is asked for again with a new request id.
- 409 on create means the id exists: made by an earlier attempt whose answer was lost, so that
  event is used; if it was deleted (status ``cancelled``, 404 or 410 when read) it is brought back
  with ``status: confirmed`` and the new times.
- find: ``GET .../events/{id}``; 404, 410 or a ``cancelled`` event → None.
- update: ``PATCH .../events/{id}`` with start, end and summary (and ``status: confirmed``).
- delete: ``DELETE .../events/{id}?sendUpdates=none`` → 204; 410 (already deleted) and 404 count
  as gone.
- Errors ``{"error": {"code", "message", "errors": [{"reason"}]}}``: 401 after one refresh, 403 that
  is not a rate limit, and other 4xx → PermanentRoomError; 403 with a rate-limit reason
  (``rateLimitExceeded``, ``userRateLimitExceeded``, quota reasons), 429, 5xx, time-outs and
  unreadable answers → TemporaryRoomError.

The organiser's calendar owns the meeting, so the host link is the join link.
"""
from __future__ import annotations

import base64
import threading
import time
import uuid
from datetime import datetime
from typing import Callable, Sequence
from zoneinfo import ZoneInfo

import requests

from .http_client import DEFAULT_TIMEOUT, error_body, json_body, new_session, retry_after, send, status_error
from .rooms import MeetingRoom, PermanentRoomError, RoomProvider, TemporaryRoomError, as_utc

DEFAULT_TOKEN_URL = "https://oauth2.googleapis.com/token"
DEFAULT_CALENDAR_API_URL = "https://www.googleapis.com/calendar/v3"
NAME = "Google Calendar"
TIME_ZONE = "Europe/Brussels"
TOKEN_MARGIN = 60.0
POLL_DELAYS = (0.25, 0.5, 1.0, 2.0, 4.0)
RATE_LIMIT_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
QUOTA_REASONS = {"quotaExceeded", "dailyLimitExceeded"}
EVENT_ID_NAMESPACE = "cdm/"
EVENT_ID_MAX = 1024


class TokenStore:
    """An access token and when it expires (in the provider's clock)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.token: str | None = None
        self.expires = 0.0


_shared_stores: dict[tuple[str, str, str], TokenStore] = {}
_shared_lock = threading.Lock()


def shared_token_store(token_url: str, client_id: str, refresh_token: str) -> TokenStore:
    """One store per account in this process, so providers made for each call reuse the token."""
    with _shared_lock:
        return _shared_stores.setdefault((token_url, client_id, refresh_token), TokenStore())


def event_id(key: str) -> str:
    """The event id for a key: base32hex (``0-9a-v``) of ``"cdm/" + key``, 5 to 1024 characters."""
    if not key:
        raise ValueError("a room key is required")
    encoded = base64.b32hexencode((EVENT_ID_NAMESPACE + key).encode("utf-8")).decode("ascii")
    value = encoded.rstrip("=").lower()
    if len(value) > EVENT_ID_MAX:
        raise ValueError("room key too long for a calendar event id")
    return value


class GoogleMeetProvider(RoomProvider):
    name = "google_meet"
    label = "Google Meet"

    def __init__(self, *, token_url: str, calendar_api_url: str, client_id: str, client_secret: str,
                 refresh_token: str, calendar_id: str = "primary", timeout: float = DEFAULT_TIMEOUT,
                 session: requests.Session | None = None, poll_delays: Sequence[float] = POLL_DELAYS,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 token_store: TokenStore | None = None):
        self.token_url = token_url
        self.calendar_api_url = calendar_api_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_token = refresh_token
        self.calendar_id = calendar_id
        self.timeout = timeout
        self.session = new_session(session)
        self.poll_delays = tuple(poll_delays)
        self.clock = clock
        self.sleep = sleep
        self.tokens = token_store or TokenStore()

    # -- the interface ------------------------------------------------------------------------

    def create(self, key: str, start: datetime, end: datetime, title: str, *,
               capacity: int | None = None) -> MeetingRoom:
        ident = event_id(key)
        body = {
            "id": ident,
            "summary": title,
            **_times(start, end),
            "conferenceData": _create_request(),
            "extendedProperties": {"private": {"cdmKey": key}},
        }
        status, event = self._call("POST", self._events_url(), json=body,
                                   params={"conferenceDataVersion": "1", "sendUpdates": "none"},
                                   allowed=(409,))
        if status == 409:
            existing = self._read(ident)
            if existing is None or existing.get("status") == "cancelled":
                return self._restore(ident, key, start, end, title)
            event = existing
        return self._room(self._with_conference(event), key)

    def find(self, key: str) -> MeetingRoom | None:
        event = self._read(event_id(key))
        if event is None or event.get("status") == "cancelled":
            return None
        return self._room(self._with_conference(event), key)

    def update(self, room: MeetingRoom, start: datetime, end: datetime, title: str) -> MeetingRoom:
        key = room.extra.get("key")
        body = {"summary": title, "status": "confirmed", **_times(start, end)}
        status, event = self._call("PATCH", self._events_url(room.external_id), json=body,
                                   params={"conferenceDataVersion": "1", "sendUpdates": "none"},
                                   allowed=(404, 410))
        if status in (404, 410):
            if not key:
                raise PermanentRoomError(f"{NAME} event of this room no longer exists")
            return self.create(key, start, end, title)
        return self._room(self._with_conference(event), key)

    def delete(self, room: MeetingRoom) -> None:
        self._call("DELETE", self._events_url(room.external_id), params={"sendUpdates": "none"},
                   allowed=(404, 410))

    # -- events -------------------------------------------------------------------------------

    def _events_url(self, ident: str | None = None) -> str:
        url = f"{self.calendar_api_url}/calendars/{requests.utils.quote(self.calendar_id, safe='')}/events"
        return f"{url}/{requests.utils.quote(ident, safe='')}" if ident else url

    def _read(self, ident: str) -> dict | None:
        status, event = self._call("GET", self._events_url(ident), params={"conferenceDataVersion": "1"},
                                   allowed=(404, 410))
        return None if status in (404, 410) else event

    def _restore(self, ident: str, key: str, start: datetime, end: datetime, title: str) -> MeetingRoom:
        """Bring back a deleted event that holds the id, with new times and a new conference."""
        body = {"status": "confirmed", "summary": title, **_times(start, end), "conferenceData": _create_request()}
        status, event = self._call("PATCH", self._events_url(ident), json=body,
                                   params={"conferenceDataVersion": "1", "sendUpdates": "none"},
                                   allowed=(404, 410))
        if status in (404, 410):
            raise PermanentRoomError(f"{NAME} event id {ident} is taken and cannot be restored")
        return self._room(self._with_conference(event), key)

    def _with_conference(self, event: dict) -> dict:
        """The event once its Meet conference exists, reading it again while it is pending."""
        asked_again = False
        waited = 0.0
        delays = iter(self.poll_delays)
        while True:
            state = _conference_state(event)
            if state == "success":
                return event
            if state in ("failure", None) and not asked_again:
                asked_again = True
                _, event = self._call("PATCH", self._events_url(event["id"]),
                                      json={"conferenceData": _create_request()},
                                      params={"conferenceDataVersion": "1", "sendUpdates": "none"})
                continue
            if state in ("failure", None):
                raise TemporaryRoomError(f"{NAME} could not create the Meet conference")
            delay = next(delays, None)
            if delay is None or waited + delay > self.timeout + 1e-6:
                raise TemporaryRoomError(f"{NAME} Meet conference still pending")
            self.sleep(delay)
            waited += delay
            fresh = self._read(event["id"])
            if fresh is None or fresh.get("status") == "cancelled":
                raise TemporaryRoomError(f"{NAME} event disappeared while its conference was pending")
            event = fresh

    def _room(self, event: dict, key: str | None) -> MeetingRoom:
        link = event.get("hangoutLink")
        if not isinstance(link, str) or not link.startswith("https://"):
            link = _video_entry_point(event)
        if not link:
            raise TemporaryRoomError(f"{NAME} event has no Meet link")
        conference = event.get("conferenceData") if isinstance(event.get("conferenceData"), dict) else {}
        extra = {
            "eventId": event.get("id"),
            "calendarId": self.calendar_id,
            "conferenceId": conference.get("conferenceId"),
            "htmlLink": event.get("htmlLink"),
        }
        if key:
            extra["key"] = key
        return MeetingRoom(self.name, str(event.get("id")), link, link, extra)

    # -- HTTP ---------------------------------------------------------------------------------

    def _call(self, method: str, url: str, *, allowed: tuple[int, ...] = (), **kwargs) -> tuple[int, dict | None]:
        """(status, JSON event or None). ``allowed`` error statuses are returned, not raised."""
        refreshed = False
        while True:
            token = self._access_token()
            response = send(self.session, method, url, timeout=self.timeout, provider=NAME,
                            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
                            **kwargs)
            status = response.status_code
            if status == 401 and not refreshed:
                refreshed = True
                self._forget_token(token)
                continue
            if status in allowed:
                return status, None
            if 200 <= status < 300:
                if status == 204 or method == "DELETE":
                    return status, None
                body = json_body(response, NAME)
                if not isinstance(body, dict) or not isinstance(body.get("id"), str):
                    raise TemporaryRoomError(f"{NAME} answered with an unexpected shape", status=status)
                return status, body
            raise _api_error(response)

    def _access_token(self) -> str:
        store = self.tokens
        with store.lock:
            if store.token and self.clock() < store.expires - TOKEN_MARGIN:
                return store.token
            started = self.clock()
            response = send(self.session, "POST", self.token_url, timeout=self.timeout, provider="Google sign-in",
                            data={"grant_type": "refresh_token", "client_id": self.client_id,
                                  "client_secret": self.client_secret, "refresh_token": self.refresh_token},
                            headers={"Accept": "application/json"})
            status = response.status_code
            if status != 200:
                raise _token_error(response)
            body = json_body(response, "Google sign-in")
            token = body.get("access_token") if isinstance(body, dict) else None
            expires_in = body.get("expires_in") if isinstance(body, dict) else None
            if not isinstance(token, str) or not token:
                raise TemporaryRoomError("Google sign-in answer has no access token")
            try:
                lifetime = float(expires_in) if expires_in is not None else 3600.0
            except (TypeError, ValueError):
                lifetime = 3600.0
            store.token, store.expires = token, started + lifetime
            return token

    def _forget_token(self, token: str) -> None:
        with self.tokens.lock:
            if self.tokens.token == token:
                self.tokens.token, self.tokens.expires = None, 0.0


def _times(start: datetime, end: datetime) -> dict:
    zone = ZoneInfo(TIME_ZONE)
    return {
        "start": {"dateTime": as_utc(start).astimezone(zone).isoformat(), "timeZone": TIME_ZONE},
        "end": {"dateTime": as_utc(end).astimezone(zone).isoformat(), "timeZone": TIME_ZONE},
    }


def _create_request() -> dict:
    return {"createRequest": {"requestId": uuid.uuid4().hex, "conferenceSolutionKey": {"type": "hangoutsMeet"}}}


def _conference_state(event: dict) -> str | None:
    conference = event.get("conferenceData")
    if not isinstance(conference, dict):
        return "success" if event.get("hangoutLink") else None
    request = conference.get("createRequest")
    if isinstance(request, dict):
        status = request.get("status")
        code = status.get("statusCode") if isinstance(status, dict) else None
        if code in ("pending", "failure"):
            return code
        if code == "success":
            return "success" if (event.get("hangoutLink") or _video_entry_point(event)) else "pending"
    if event.get("hangoutLink") or _video_entry_point(event):
        return "success"
    return None


def _video_entry_point(event: dict) -> str | None:
    conference = event.get("conferenceData")
    points = conference.get("entryPoints") if isinstance(conference, dict) else None
    for point in points or []:
        if isinstance(point, dict) and point.get("entryPointType") == "video":
            uri = point.get("uri")
            if isinstance(uri, str) and uri.startswith("https://"):
                return uri
    return None


def _api_error(response: requests.Response) -> Exception:
    status = response.status_code
    body = error_body(response)
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    reasons = {
        item.get("reason")
        for item in (error.get("errors") or [] if isinstance(error, dict) else [])
        if isinstance(item, dict)
    }
    detail = f": {message}" if isinstance(message, str) and message else ""
    delay = retry_after(response)
    if status == 403 and reasons & RATE_LIMIT_REASONS:
        return TemporaryRoomError(f"{NAME} rate limit reached", status=status, retry_after=delay)
    if status == 403 and reasons & QUOTA_REASONS:
        return TemporaryRoomError(f"{NAME} quota exhausted", status=status, retry_after=delay or 3600.0)
    return status_error(status, NAME, credentials="the credentials", detail=detail, retry_after=delay)


def _token_error(response: requests.Response) -> Exception:
    status = response.status_code
    body = error_body(response)
    code = body.get("error") if isinstance(body, dict) else None
    if status == 429 or status >= 500:
        return TemporaryRoomError(f"Google sign-in unavailable ({status})", status=status,
                                  retry_after=retry_after(response))
    if 400 <= status < 500:
        reason = code if isinstance(code, str) else str(status)
        return PermanentRoomError(f"Google sign-in refused the credentials ({reason})", status=status)
    return TemporaryRoomError(f"Google sign-in answered an unexpected {status}", status=status)
