"""A Whereby Embedded REST API on 127.0.0.1, as the brief describes it.

- ``POST /meetings`` (Bearer key) with ``endDate`` (ISO 8601, in the future), ``roomNamePrefix``
  (``[a-z0-9]{0,39}``), ``roomMode`` (``normal``/``group``), ``fields`` → 201 ``{"meetingId",
  "roomUrl", "hostRoomUrl" (when asked in fields), "startDate", "endDate"}``; the room name is
  ``/<prefix><uuid>``.
- ``GET /meetings/{id}`` → 200 or 404; ``GET /meetings?roomName[startsWith]=...&limit=&cursor=``
  → ``{"results": [...], "cursor": next or null}``.
- ``DELETE /meetings/{id}`` → 204, also when already deleted.
- 401 ``{"error"}`` for a bad key; ``rate_limit(n, seconds)`` gives 429 with ``Retry-After`` and
  ``{"error", "data": {"msLeft"}}``; ``slow_create = seconds`` makes the room, then waits before
  answering.
"""
from __future__ import annotations

import itertools
import re
import secrets
import uuid
from datetime import datetime, timezone

from werkzeug.wrappers import Request, Response

from .base import FakeServer, json_response

PREFIX = re.compile(r"[a-z0-9]{0,39}")
ROOM_DOMAIN = "https://cdm-test.whereby.com"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


class FakeWhereby(FakeServer):
    def __init__(self, api_key: str = "whereby-test-key", *, page_size: int = 10):
        super().__init__()
        self.api_key = api_key
        self.page_size = page_size
        self.meetings: dict[str, dict] = {}  # meetingId -> meeting (with hostRoomUrl, roomMode)
        self.deleted: set[str] = set()
        self.slow_create = 0.0
        self._rate_limited = 0
        self._retry_after = 0
        self._ids = itertools.count(52755922)

    # -- control ------------------------------------------------------------------------------

    def rate_limit(self, count: int = 1, seconds: int = 30) -> None:
        with self.lock:
            self._rate_limited, self._retry_after = count, seconds

    def rooms_with_prefix(self, prefix: str) -> list[dict]:
        with self.lock:
            return [m for m in self.meetings.values() if m["roomName"].startswith("/" + prefix)]

    @property
    def creates(self) -> int:
        return len(self.calls("POST", "/meetings"))

    # -- API ----------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return json_response(401, {"error": "Access token is missing or invalid"})
        with self.lock:
            if self._rate_limited > 0:
                self._rate_limited -= 1
                return json_response(429, {"error": "Too Many Requests", "data": {"msLeft": self._retry_after * 1000}},
                                     {"Retry-After": str(self._retry_after)})
        parts = [p for p in request.path.split("/") if p]
        if parts == ["meetings"] and request.method == "POST":
            return self._create(request)
        if parts == ["meetings"] and request.method == "GET":
            return self._list(request)
        if len(parts) == 2 and parts[0] == "meetings":
            if request.method == "GET":
                return self._get(parts[1], request)
            if request.method == "DELETE":
                with self.lock:
                    if self.meetings.pop(parts[1], None) is not None:
                        self.deleted.add(parts[1])
                return Response(status=204)
        return json_response(404, {"error": "Not found"})

    def _create(self, request: Request) -> Response:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return json_response(400, {"error": "Body must be JSON"})
        try:
            end = datetime.fromisoformat(str(body.get("endDate", "")).replace("Z", "+00:00"))
        except ValueError:
            return json_response(400, {"error": '"endDate" must be a valid ISO 8601 date'})
        if end.tzinfo is None:
            end = end.replace(tzinfo=timezone.utc)
        if end < _now():
            return json_response(400, {"error": '"endDate" must be in the future'})
        prefix = body.get("roomNamePrefix", "")
        if not isinstance(prefix, str) or not PREFIX.fullmatch(prefix):
            return json_response(400, {"error": '"roomNamePrefix" must match [a-z0-9]{0,39}'})
        mode = body.get("roomMode", "normal")
        if mode not in ("normal", "group"):
            return json_response(400, {"error": '"roomMode" must be one of [normal, group]'})
        fields = body.get("fields", [])
        if not isinstance(fields, list) or any(f not in ("hostRoomUrl", "viewerRoomUrl") for f in fields):
            return json_response(400, {"error": '"fields" has an unknown value'})
        with self.lock:
            meeting_id = str(next(self._ids))
            name = f"/{prefix}{uuid.uuid4()}"
            meeting = {
                "meetingId": meeting_id,
                "roomName": name,
                "roomUrl": ROOM_DOMAIN + name,
                "hostRoomUrl": f"{ROOM_DOMAIN}{name}?roomKey={secrets.token_urlsafe(24)}",
                "startDate": _iso(_now()),
                "endDate": _iso(end.astimezone(timezone.utc)),
                "roomMode": mode,
            }
            self.meetings[meeting_id] = meeting
            slow = self.slow_create
        if slow:
            self.pause(slow)
        return json_response(201, self._public(meeting, fields, with_name=False))

    def _get(self, meeting_id: str, request: Request) -> Response:
        with self.lock:
            meeting = self.meetings.get(meeting_id)
        if meeting is None:
            return json_response(404, {"error": "Meeting not found"})
        return json_response(200, self._public(meeting, _fields(request)))

    def _list(self, request: Request) -> Response:
        starts = request.args.get("roomName[startsWith]")
        try:
            limit = max(1, min(int(request.args.get("limit", self.page_size)), 100))
            offset = int(request.args.get("cursor") or 0)
        except ValueError:
            return json_response(400, {"error": "Bad cursor or limit"})
        with self.lock:
            items = [m for m in self.meetings.values() if not starts or m["roomName"].startswith(starts)]
        page = items[offset:offset + limit]
        cursor = str(offset + limit) if offset + limit < len(items) else None
        fields = _fields(request)
        return json_response(200, {"results": [self._public(m, fields) for m in page], "cursor": cursor})

    @staticmethod
    def _public(meeting: dict, fields, *, with_name: bool = True) -> dict:
        out = {k: meeting[k] for k in ("meetingId", "roomUrl", "startDate", "endDate")}
        if with_name:
            out["roomName"] = meeting["roomName"]
        if "hostRoomUrl" in fields:
            out["hostRoomUrl"] = meeting["hostRoomUrl"]
        return out


def _fields(request: Request) -> list[str]:
    return [f for f in request.args.get("fields", "").split(",") if f]
