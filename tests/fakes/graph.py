"""A Facebook Graph API on 127.0.0.1 (page posts), as the brief describes it.

- ``POST /{page-id}/feed``, form-encoded, ``message``, optional ``link``, ``access_token`` → 200
  ``{"id": "<page>_<post>"}``.
- Errors ``{"error": {"message", "type", "code", "fbtrace_id"}}`` with HTTP 400: 190 for a token other
  than the page's (``revoke()`` makes the current one bad), 506 for a message the page already
  posted, ``rate_limit(count, code)`` answers the next posts with a rate-limit code (4, 17, 32, 613,
  80001), ``Retry-After`` when a hint is given.
"""
from __future__ import annotations

import itertools
import secrets

from werkzeug.wrappers import Request, Response

from .base import FakeServer, json_response


class FakeGraph(FakeServer):
    def __init__(self, page_id: str = "104512345678901", token: str = "fb-page-token"):
        super().__init__()
        self.page_id, self.token = page_id, token
        self.posts: list[dict] = []  # {"id", "message", "link"}
        self._limits: list[tuple[int, float | None]] = []
        self._ids = itertools.count(880001)

    # -- control ------------------------------------------------------------------------------

    def rate_limit(self, count: int = 1, code: int = 4, retry_after: float | None = None) -> None:
        with self.lock:
            self._limits.extend([(code, retry_after)] * count)

    def revoke(self) -> None:
        with self.lock:
            self.token = "revoked-" + secrets.token_hex(4)

    @property
    def attempts(self) -> int:
        return len(self.calls("POST", "/feed"))

    # -- API ----------------------------------------------------------------------------------

    @staticmethod
    def _error(code: int, message: str, kind: str = "OAuthException", headers: dict | None = None) -> Response:
        return json_response(400, {"error": {"message": message, "type": kind, "code": code,
                                             "fbtrace_id": secrets.token_urlsafe(8)}}, headers)

    def handle(self, request: Request) -> Response:
        parts = [p for p in request.path.split("/") if p]
        if len(parts) != 2 or parts[1] != "feed" or request.method != "POST":
            return self._error(803, "Some of the aliases you requested do not exist", "OAuthException")
        if parts[0] != self.page_id:
            return self._error(100, "Unsupported post request.", "GraphMethodException")
        form = request.form
        with self.lock:
            if form.get("access_token") != self.token:
                return self._error(190, "Error validating access token: The session has been invalidated.")
            if self._limits:
                code, hint = self._limits.pop(0)
                headers = {"Retry-After": str(hint)} if hint is not None else None
                return self._error(code, "(#4) Application request limit reached", headers=headers)
            message = form.get("message", "")
            if not message and not form.get("link"):
                return self._error(100, "(#100) Missing message or attachment", "OAuthException")
            if any(p["message"] == message for p in self.posts):
                return self._error(506, "Duplicate status message")
            post = {"id": f"{self.page_id}_{next(self._ids)}", "message": message, "link": form.get("link")}
            self.posts.append(post)
        return json_response(200, {"id": post["id"]})
