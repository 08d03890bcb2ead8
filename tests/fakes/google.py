"""Google's token endpoint and Calendar API (events with Meet conference data) on 127.0.0.1.

- ``POST /token`` (form: ``grant_type=refresh_token``, ``client_id``, ``client_secret``,
  ``refresh_token``) → ``{"access_token", "expires_in", "token_type": "Bearer"}``; counts the
  tokens issued; each expires after ``token_lifetime`` seconds (``expire_tokens()`` ends them now).
  Wrong client → 401 ``invalid_client``, wrong refresh token → 400 ``invalid_grant``.
- ``/calendar/v3/calendars/{calendarId}/events``: POST (insert, 200), GET, PATCH, DELETE of
  ``/events/{id}``. Ids are checked (base32hex ``0-9a-v``, 5–1024 chars); reusing one gives 409,
  also when that event was deleted. With ``conferenceDataVersion=1`` a ``createRequest`` gives a
  conference ``pending`` for the first ``pending_reads`` reads of the event, then ``success`` with a
  ``hangoutLink``. DELETE → 204, then 410; a deleted event reads as ``status: cancelled``;
  a PATCH with ``status: confirmed`` brings it back.
- Errors in Google's shape ``{"error": {"code", "message", "errors": [{"domain", "reason",
  "message"}]}}``: 401 for a missing, unknown or expired token; ``rate_limit(n)`` gives 403
  ``rateLimitExceeded`` (or another reason, or 429); ``slow_create = seconds`` stores the event,
  then waits before answering.
"""
from __future__ import annotations

import copy
import itertools
import re
import secrets
import string
import time
from urllib.parse import unquote

from werkzeug.wrappers import Request, Response

from .base import FakeServer, json_response

EVENT_ID = re.compile(r"[0-9a-v]{5,1024}")
CALENDAR_PREFIX = "/calendar/v3/calendars/"


def google_error(code: int, message: str, reason: str, domain: str = "global", **extra) -> Response:
    body = {"error": {"code": code, "message": message,
                      "errors": [{"domain": domain, "reason": reason, "message": message}], **extra}}
    return json_response(code, body)


class FakeGoogle(FakeServer):
    def __init__(self, *, client_id: str = "client-id.apps.googleusercontent.com", client_secret: str = "client-secret",
                 refresh_token: str = "1//refresh-token", token_lifetime: int = 3599, pending_reads: int = 0):
        super().__init__()
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_token = refresh_token
        self.token_lifetime = token_lifetime
        self.pending_reads = pending_reads  # reads of a new conference that still say "pending"
        self.tokens: dict[str, float] = {}  # access token -> expiry (time.monotonic)
        self.tokens_issued = 0
        self.events: dict[tuple[str, str], dict] = {}  # (calendarId, eventId) -> event
        self.slow_create = 0.0
        self._pending_left: dict[tuple[str, str], int] = {}
        self._rate_limited: list = []  # [count, status, reason]
        self._serial = itertools.count(1)

    # -- control ------------------------------------------------------------------------------

    @property
    def token_url(self) -> str:
        return self.url + "/token"

    @property
    def calendar_api_url(self) -> str:
        return self.url + "/calendar/v3"

    def expire_tokens(self) -> None:
        with self.lock:
            for token in self.tokens:
                self.tokens[token] = 0.0

    def rate_limit(self, count: int = 1, *, status: int = 403, reason: str = "rateLimitExceeded") -> None:
        with self.lock:
            self._rate_limited = [count, status, reason]

    def live_events(self, calendar_id: str = "primary") -> dict[str, dict]:
        with self.lock:
            return {eid: e for (cal, eid), e in self.events.items()
                    if cal == calendar_id and e["status"] != "cancelled"}

    def event(self, event_id: str, calendar_id: str = "primary") -> dict | None:
        with self.lock:
            return self.events.get((calendar_id, event_id))

    # -- serving ------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if request.path == "/token":
            return self._token(request)
        if not request.path.startswith(CALENDAR_PREFIX):
            return google_error(404, "Not Found", "notFound")
        auth = self._check_token(request)
        if auth is not None:
            return auth
        with self.lock:
            if self._rate_limited and self._rate_limited[0] > 0:
                self._rate_limited[0] -= 1
                _, status, reason = self._rate_limited
                if status == 429:
                    return google_error(429, "Rate Limit Exceeded", reason or "rateLimitExceeded")
                return google_error(status, "Rate Limit Exceeded", reason, domain="usageLimits")
        rest = request.path[len(CALENDAR_PREFIX):]
        raw_calendar, _, tail = rest.partition("/")
        calendar = unquote(raw_calendar)
        parts = tail.split("/")
        if parts == ["events"] and request.method == "POST":
            return self._insert(calendar, request)
        if len(parts) == 2 and parts[0] == "events":
            event_id = unquote(parts[1])
            if request.method == "GET":
                return self._get(calendar, event_id)
            if request.method == "PATCH":
                return self._patch(calendar, event_id, request)
            if request.method == "DELETE":
                return self._delete(calendar, event_id)
        return google_error(404, "Not Found", "notFound")

    def _token(self, request: Request) -> Response:
        form = request.form
        if form.get("grant_type") != "refresh_token":
            return json_response(400, {"error": "unsupported_grant_type",
                                       "error_description": "Invalid grant_type: " + form.get("grant_type", "")})
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return json_response(401, {"error": "invalid_client", "error_description": "Unauthorized"})
        if form.get("refresh_token") != self.refresh_token:
            return json_response(400, {"error": "invalid_grant", "error_description": "Bad Request"})
        with self.lock:
            self.tokens_issued += 1
            token = f"ya29.test-{self.tokens_issued}-{secrets.token_urlsafe(12)}"
            self.tokens[token] = time.monotonic() + self.token_lifetime
        return json_response(200, {"access_token": token, "expires_in": self.token_lifetime,
                                   "scope": "https://www.googleapis.com/auth/calendar.events",
                                   "token_type": "Bearer"})

    def _check_token(self, request: Request) -> Response | None:
        header = request.headers.get("Authorization", "")
        token = header[7:] if header.startswith("Bearer ") else None
        with self.lock:
            expiry = self.tokens.get(token) if token else None
        if expiry is None or expiry <= time.monotonic():
            return google_error(401, "Request had invalid authentication credentials. Expected OAuth 2 access "
                                "token, login cookie or other valid authentication credential.", "authError",
                                status="UNAUTHENTICATED")
        return None

    # -- events -------------------------------------------------------------------------------

    def _insert(self, calendar: str, request: Request) -> Response:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return google_error(400, "Parse Error", "parseError")
        event_id = body.get("id")
        if event_id is not None and (not isinstance(event_id, str) or not EVENT_ID.fullmatch(event_id)):
            return google_error(400, "Invalid resource id value.", "invalid")
        for side in ("start", "end"):
            when = body.get(side)
            if not isinstance(when, dict) or not (when.get("dateTime") or when.get("date")):
                return google_error(400, f"Missing {side} time.", "required")
        with self.lock:
            event_id = event_id or f"{next(self._serial):05d}fake"
            if (calendar, event_id) in self.events:
                return google_error(409, "The requested identifier already exists.", "duplicate")
            event = {
                "kind": "calendar#event",
                "id": event_id,
                "status": "confirmed",
                "htmlLink": f"https://www.google.com/calendar/event?eid={event_id}",
                "summary": body.get("summary", ""),
                "start": body["start"],
                "end": body["end"],
                "extendedProperties": body.get("extendedProperties", {}),
                "sequence": 0,
            }
            self.events[(calendar, event_id)] = event
            self._conference(calendar, event, body, request)
            answer = self._view(calendar, event)
            slow = self.slow_create
        if slow:
            self.pause(slow)
        return json_response(200, answer)

    def _conference(self, calendar: str, event: dict, body: dict, request: Request) -> None:
        if request.args.get("conferenceDataVersion") != "1":
            return  # conference data is ignored without the version
        create = (body.get("conferenceData") or {}).get("createRequest")
        if not isinstance(create, dict):
            return
        kind = (create.get("conferenceSolutionKey") or {}).get("type")
        status = "success" if kind == "hangoutsMeet" else "failure"
        code = "-".join("".join(secrets.choice(string.ascii_lowercase) for _ in range(n)) for n in (3, 4, 3))
        event["conferenceData"] = {
            "createRequest": {"requestId": create.get("requestId"),
                              "conferenceSolutionKey": {"type": kind}, "status": {"statusCode": status}},
            "conferenceSolution": {"key": {"type": "hangoutsMeet"}, "name": "Google Meet"},
            "conferenceId": code,
            "_link": f"https://meet.google.com/{code}",
        }
        event.pop("hangoutLink", None)
        if status == "success":
            self._pending_left[(calendar, event["id"])] = self.pending_reads

    def _view(self, calendar: str, event: dict) -> dict:
        """The event as the API shows it now (a pending conference has no link yet)."""
        out = copy.deepcopy(event)
        conference = out.get("conferenceData")
        if conference:
            link = conference.pop("_link")
            status = conference["createRequest"]["status"]
            if status["statusCode"] == "success" and self._pending_left.get((calendar, event["id"]), 0) > 0:
                status["statusCode"] = "pending"
            elif status["statusCode"] == "success":
                out["hangoutLink"] = link
                conference["entryPoints"] = [{"entryPointType": "video", "uri": link, "label": link[8:]}]
        return out

    def _get(self, calendar: str, event_id: str) -> Response:
        with self.lock:
            event = self.events.get((calendar, event_id))
            if event is None:
                return google_error(404, "Not Found", "notFound")
            view = self._view(calendar, event)  # pending while reads are left
            left = self._pending_left.get((calendar, event_id), 0)
            if left > 0:
                self._pending_left[(calendar, event_id)] = left - 1
            return json_response(200, view)

    def _patch(self, calendar: str, event_id: str, request: Request) -> Response:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return google_error(400, "Parse Error", "parseError")
        with self.lock:
            event = self.events.get((calendar, event_id))
            if event is None:
                return google_error(404, "Not Found", "notFound")
            for name in ("summary", "start", "end", "status"):
                if name in body:
                    event[name] = body[name]
            if "conferenceData" in body:
                self._conference(calendar, event, body, request)
            event["sequence"] += 1
            return json_response(200, self._view(calendar, event))

    def _delete(self, calendar: str, event_id: str) -> Response:
        with self.lock:
            event = self.events.get((calendar, event_id))
            if event is None:
                return google_error(404, "Not Found", "notFound")
            if event["status"] == "cancelled":
                return google_error(410, "Resource has been deleted", "deleted")
            event["status"] = "cancelled"
        return Response(status=204)
