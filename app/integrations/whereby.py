"""Whereby rooms through the Embedded REST API (``WHEREBY_API_URL``, ``WHEREBY_API_KEY``).

- create: ``POST /meetings`` with the key as Bearer token and ``{"endDate", "roomNamePrefix",
  "roomMode", "fields": ["hostRoomUrl"]}`` → 201 ``{"meetingId", "roomUrl", "hostRoomUrl",
  "startDate", "endDate"}``. The room ends one hour after the session (``endDate``); it is
  ``group`` for more than 4 people (or an unknown number), else ``normal``.
- The API has no idempotency key, so the room name prefix identifies the session: lowercase letters
  and digits, at most 39, made of the readable part of the key and a digest of the whole key (so no
  key's prefix begins another's). The room name is ``/<prefix><random>``.
- find: ``GET /meetings/{meetingId}`` when the id is known, otherwise the listing
  ``GET /meetings?roomName[startsWith]=/<prefix>&fields=hostRoomUrl``, answered as
  ``{"results": [...], "cursor": ...}`` (a bare list is accepted too); the rooms are filtered again
  here on their name, so a server ignoring the filter does no harm. Pages are followed through
  ``cursor`` (bounded).
- update: a meeting's times cannot change. If its ``endDate`` still covers the new end, the same
  room is kept; otherwise a new room is made and the old one deleted (the join links change). The
  old room's deletion is best effort: it expires by itself at its ``endDate``, and a later
  ``ensure_room`` deletes it as an extra.
- delete: ``DELETE /meetings/{meetingId}`` → 204, also when already deleted; 404 counts as gone.
- Errors: 401 key refused and other 4xx → PermanentRoomError; 429 (``Retry-After`` header and
  ``{"error", "data": {"msLeft"}}``), 5xx, time-outs and unreadable answers → TemporaryRoomError.
"""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

import requests

from .http_client import DEFAULT_TIMEOUT, error_body, json_body, new_session, retry_after, send, status_error
from .rooms import MeetingRoom, PermanentRoomError, RoomProvider, TemporaryRoomError, as_utc

DEFAULT_API_URL = "https://api.whereby.dev/v1"
NAME = "Whereby"
END_MARGIN = timedelta(hours=1)
PREFIX_MAX = 39
DIGEST_CHARS = 12
GROUP_ABOVE = 4
MAX_PAGES = 20


def room_name_prefix(key: str) -> str:
    """``[a-z0-9]{<=39}`` for a key: its letters and digits, then a digest of the whole key."""
    if not key:
        raise ValueError("a room key is required")
    readable = re.sub(r"[^a-z0-9]", "", key.lower())[: PREFIX_MAX - DIGEST_CHARS]
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:DIGEST_CHARS]
    return readable + digest


def _iso(value: datetime) -> str:
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _parse_iso(value: str | None) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


class WherebyProvider(RoomProvider):
    name = "whereby"
    label = "Whereby"

    def __init__(self, api_url: str, api_key: str, *, timeout: float = DEFAULT_TIMEOUT,
                 session: requests.Session | None = None):
        self.api_url = api_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.session = new_session(session)

    # -- the interface ------------------------------------------------------------------------

    def create(self, key: str, start: datetime, end: datetime, title: str, *,
               capacity: int | None = None) -> MeetingRoom:
        mode = "normal" if capacity is not None and capacity <= GROUP_ABOVE else "group"
        return self._create(key, room_name_prefix(key), as_utc(end) + END_MARGIN, mode)

    def find(self, key: str, *, meeting_id: str | None = None) -> MeetingRoom | None:
        """The room for ``key``: by ``meeting_id`` when known, else by its name prefix."""
        prefix = room_name_prefix(key)
        if meeting_id:
            room = self._get(meeting_id, key=key, prefix=prefix)
            if room is not None and _name_of(room.join_url).startswith(prefix):
                return room
            if room is not None:
                return None  # that id is another session's room
        rooms = self.find_all(key)
        return rooms[0] if rooms else None

    def find_all(self, key: str) -> list[MeetingRoom]:
        """Every room whose name starts with the key's prefix, the one ending last first."""
        prefix = room_name_prefix(key)
        found: dict[str, MeetingRoom] = {}
        params: dict[str, str] = {"roomName[startsWith]": "/" + prefix, "fields": "hostRoomUrl"}
        for _ in range(MAX_PAGES):
            body = self._call("GET", "/meetings", params=params)
            if isinstance(body, list):
                items, cursor = body, None
            elif isinstance(body, dict) and isinstance(body.get("results"), list):
                items, cursor = body["results"], body.get("cursor")
            else:
                raise TemporaryRoomError(f"{NAME} listing has an unexpected shape")
            for item in items:
                if not isinstance(item, dict):
                    continue
                name = item.get("roomName") or _name_of(str(item.get("roomUrl") or ""))
                if not str(name).lstrip("/").startswith(prefix):
                    continue
                room = self._room(item, key=key, prefix=prefix)
                found[room.external_id] = room
            if not cursor:
                break
            params = {**params, "cursor": str(cursor)}
        return sorted(found.values(), key=_keep_order)

    def update(self, room: MeetingRoom, start: datetime, end: datetime, title: str) -> MeetingRoom:
        gone = False
        current_end = _parse_iso(room.extra.get("endDate"))
        if current_end is None:
            fresh = self._get(room.external_id, key=room.extra.get("key"),
                              prefix=room.extra.get("roomNamePrefix"))
            if fresh is None:
                gone = True
            else:
                fresh.extra = {**room.extra, **{k: v for k, v in fresh.extra.items() if v}}
                room, current_end = fresh, _parse_iso(fresh.extra.get("endDate"))
        if not gone and current_end is not None and current_end >= as_utc(end):
            return room
        key = room.extra.get("key")
        prefix = room.extra.get("roomNamePrefix") or (room_name_prefix(key) if key else None)
        if not prefix:
            raise PermanentRoomError(f"{NAME} room cannot be moved: its name prefix is unknown")
        new = self._create(key, prefix, as_utc(end) + END_MARGIN, room.extra.get("roomMode") or "group")
        if not gone:
            try:
                self.delete(room)
            except TemporaryRoomError:
                pass  # expires at its endDate; a later ensure_room deletes it as an extra
        return new

    def delete(self, room: MeetingRoom) -> None:
        self._call("DELETE", f"/meetings/{_quote(room.external_id)}", gone_ok=True)

    # -- calls --------------------------------------------------------------------------------

    def _create(self, key: str | None, prefix: str, end_date: datetime, mode: str) -> MeetingRoom:
        body = self._call("POST", "/meetings", json={
            "endDate": _iso(end_date),
            "roomNamePrefix": prefix,
            "roomMode": mode,
            "fields": ["hostRoomUrl"],
        }, expect=(200, 201))
        room = self._room(body, key=key, prefix=prefix)
        room.extra.setdefault("roomMode", mode)
        return room

    def _get(self, meeting_id: str, *, key: str | None, prefix: str | None) -> MeetingRoom | None:
        body = self._call("GET", f"/meetings/{_quote(meeting_id)}", params={"fields": "hostRoomUrl"}, gone_ok=True)
        if body is None:
            return None
        return self._room(body, key=key, prefix=prefix)

    def _call(self, method: str, path: str, *, expect: tuple[int, ...] = (200, 201, 204),
              gone_ok: bool = False, **kwargs):
        response = send(self.session, method, self.api_url + path, timeout=self.timeout, provider=NAME,
                        headers={"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"},
                        **kwargs)
        status = response.status_code
        if status in expect:
            if status == 204 or method == "DELETE":
                return None
            return json_body(response, NAME)
        if status == 404 and gone_ok:
            return None
        raise _error(response)

    def _room(self, body, *, key: str | None, prefix: str | None) -> MeetingRoom:
        if not isinstance(body, dict):
            raise TemporaryRoomError(f"{NAME} answered with an unexpected shape")
        meeting_id, room_url = body.get("meetingId"), body.get("roomUrl")
        if meeting_id in (None, "") or not isinstance(room_url, str) or not room_url.startswith("http"):
            raise TemporaryRoomError(f"{NAME} answer lacks meetingId or roomUrl")
        host_url = body.get("hostRoomUrl")
        if not isinstance(host_url, str) or not host_url.startswith("http"):
            host_url = room_url
        extra = {
            "startDate": body.get("startDate"),
            "endDate": body.get("endDate"),
            "roomName": body.get("roomName") or "/" + _name_of(room_url),
        }
        if key:
            extra["key"] = key
        if prefix:
            extra["roomNamePrefix"] = prefix
        if body.get("roomMode"):
            extra["roomMode"] = body["roomMode"]
        return MeetingRoom(self.name, str(meeting_id), room_url, host_url, extra)


def _name_of(url: str) -> str:
    """The room name of a room URL: its path without the leading slash."""
    path = requests.utils.urlparse(url).path
    return path.lstrip("/")


def _quote(value: str) -> str:
    return requests.utils.quote(str(value), safe="")


def _keep_order(room: MeetingRoom):
    """The room to keep first: the one ending last, then the oldest id (the same from any process)."""
    end = _parse_iso(room.extra.get("endDate"))
    stamp = end.timestamp() if end else 0.0
    ident = room.external_id
    return (-stamp, len(ident), ident)


def _error(response: requests.Response) -> Exception:
    status = response.status_code
    body = error_body(response)
    message = body.get("error") if isinstance(body, dict) else None
    detail = f": {message}" if isinstance(message, str) and message else ""
    delay = retry_after(response)
    if status == 429:
        data = body.get("data") if isinstance(body, dict) else None
        ms_left = data.get("msLeft") if isinstance(data, dict) else None
        if isinstance(ms_left, (int, float)) and not isinstance(ms_left, bool) and ms_left >= 0:
            delay = max(delay or 0.0, ms_left / 1000.0)
    return status_error(status, NAME, credentials="the API key", detail=detail, retry_after=delay)
