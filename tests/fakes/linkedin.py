"""A LinkedIn Posts API on 127.0.0.1, as the brief describes it.

- ``POST /posts`` with ``Authorization: Bearer``, ``LinkedIn-Version: YYYYMM`` (one of ``versions``,
  else 426), ``X-Restli-Protocol-Version: 2.0.0`` and the JSON of an organisation's public post →
  201 with an empty body and ``x-restli-id: urn:li:share:<n>``.
- ``commentary`` is read as little text: a backslash shows the reserved character after it; an
  unescaped reserved character ends the text there, silently (the post is still accepted). What the
  page shows is kept in ``posts[i]["shown"]``. More than 3,000 characters: 422.
- 401 for another token (``revoke()``), 422 ``DUPLICATE_POST`` for a commentary the page already has,
  ``rate_limit(count, retry_after)`` answers 429.
"""
from __future__ import annotations

import itertools
import secrets

from werkzeug.wrappers import Request, Response

from .base import FakeServer, json_response

RESERVED = set("\\|{}@[]()<>#*_~")


def little_text(commentary: str) -> str:
    """What LinkedIn shows of a commentary: escapes resolved, cut at the first unescaped reserved character."""
    shown, i = [], 0
    while i < len(commentary):
        c = commentary[i]
        if c == "\\" and i + 1 < len(commentary) and commentary[i + 1] in RESERVED:
            shown.append(commentary[i + 1])
            i += 2
            continue
        if c in RESERVED:
            break
        shown.append(c)
        i += 1
    return "".join(shown)


class FakeLinkedIn(FakeServer):
    def __init__(self, organization_id: str = "10473921", token: str = "li-token", versions=("202611", "202610")):
        super().__init__()
        self.organization_id, self.token, self.versions = organization_id, token, set(versions)
        self.posts: list[dict] = []  # {"id", "commentary", "shown"}
        self._limits: list[float | None] = []
        self._ids = itertools.count(7261000000000000001)

    def rate_limit(self, count: int = 1, retry_after: float | None = None) -> None:
        with self.lock:
            self._limits.extend([retry_after] * count)

    def revoke(self) -> None:
        with self.lock:
            self.token = "revoked-" + secrets.token_hex(4)

    @property
    def attempts(self) -> int:
        return len(self.calls("POST", "/posts"))

    @staticmethod
    def _error(status: int, code: str, message: str, headers: dict | None = None) -> Response:
        return json_response(status, {"status": status, "code": code, "message": message}, headers)

    def handle(self, request: Request) -> Response:
        if request.path.rstrip("/") != "/posts" or request.method != "POST":
            return self._error(404, "NOT_FOUND", "No resource found")
        with self.lock:
            if request.headers.get("Authorization") != f"Bearer {self.token}":
                return self._error(401, "INVALID_ACCESS_TOKEN", "Invalid access token")
            version = request.headers.get("LinkedIn-Version")
            if version not in self.versions:
                return self._error(426, "NONEXISTENT_VERSION", f"Requested version {version} is not active")
            if request.headers.get("X-Restli-Protocol-Version") != "2.0.0":
                return self._error(400, "ILLEGAL_ARGUMENT", "X-Restli-Protocol-Version 2.0.0 is required")
            if self._limits:
                hint = self._limits.pop(0)
                headers = {"Retry-After": str(hint)} if hint is not None else None
                return self._error(429, "TOO_MANY_REQUESTS", "Resource level throttle limit reached", headers)
            body = request.get_json(silent=True)
            problem = self._invalid(body)
            if problem:
                return self._error(422, "UNPROCESSABLE_ENTITY", problem)
            commentary = body["commentary"]
            if len(commentary) > 3000:
                return self._error(422, "UNPROCESSABLE_ENTITY", "commentary is longer than 3000 characters")
            if any(p["commentary"] == commentary for p in self.posts):
                return self._error(422, "DUPLICATE_POST", "Content is a duplicate of " + self.posts[0]["id"])
            post = {"id": f"urn:li:share:{next(self._ids)}", "commentary": commentary,
                    "shown": little_text(commentary)}
            self.posts.append(post)
        return Response(status=201, headers={"x-restli-id": post["id"]})

    def _invalid(self, body) -> str | None:
        if not isinstance(body, dict):
            return "body must be JSON"
        if body.get("author") != f"urn:li:organization:{self.organization_id}":
            return "author is not an organization you administer"
        if not isinstance(body.get("commentary"), str):
            return "commentary is required"
        if body.get("visibility") != "PUBLIC" or body.get("lifecycleState") != "PUBLISHED":
            return "visibility must be PUBLIC and lifecycleState PUBLISHED"
        distribution = body.get("distribution")
        if not isinstance(distribution, dict) or distribution.get("feedDistribution") != "MAIN_FEED":
            return "distribution.feedDistribution must be MAIN_FEED"
        return None
