"""Facebook page posts through the Graph API (``FACEBOOK_GRAPH_URL``, ``FACEBOOK_PAGE_ID``, ``FACEBOOK_PAGE_TOKEN``).

- ``POST {graph}/{page-id}/feed``, form-encoded, with ``message``, ``link`` (the one link preview a post
  shows) and the page token as ``access_token`` → ``{"id": "<page>_<post>"}``; the post's address is
  ``https://www.facebook.com/<page>/posts/<post>``.
- Errors are ``{"error": {"message", "type", "code", "fbtrace_id"}}``, usually with HTTP 400: codes
  4, 17, 32, 613 and 80001 are rate limits (``RateLimited``; the hint comes from ``Retry-After`` or the
  ``estimated_time_to_regain_access`` minutes of ``X-Business-Use-Case-Usage``), 190 a bad token
  (``BadToken``), 506 a duplicate message (``DuplicatePost``), 1 and 2 and any 5xx a passing failure.
- A message holds at most 63,206 characters (Facebook's own limit for a page post).
"""
from __future__ import annotations

import json

import requests

from .http_client import DEFAULT_TIMEOUT
from .social import (
    BadToken,
    DuplicatePost,
    PostFailed,
    Published,
    RateLimited,
    SocialNetwork,
    body_of,
    retry_hint,
    send,
)

DEFAULT_GRAPH_URL = "https://graph.facebook.com/v25.0"
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80001})
BAD_TOKEN_CODE = 190
DUPLICATE_CODE = 506
TEMPORARY_CODES = frozenset({1, 2})
MAX_LENGTH = 63206
NAME = "Facebook"


class FacebookPage(SocialNetwork):
    name = "facebook"
    label = "Facebook"
    max_length = MAX_LENGTH

    def __init__(self, graph_url: str, page_id: str, token: str, *, timeout: float = DEFAULT_TIMEOUT,
                 session: requests.Session | None = None):
        self.graph_url = graph_url.rstrip("/")
        self.page_id = str(page_id)
        self.token = token
        self.timeout = timeout
        self.session = session if session is not None else requests.Session()

    def publish(self, text: str, link: str | None = None) -> Published:
        data = {"message": text, "access_token": self.token}
        if link:
            data["link"] = link
        response = send(self.session, "POST", f"{self.graph_url}/{requests.utils.quote(self.page_id, safe='')}/feed",
                        timeout=self.timeout, network=NAME, data=data)
        body = body_of(response)
        if response.status_code == 200 and isinstance(body, dict) and isinstance(body.get("id"), str):
            post_id = body["id"]
            return Published(self.name, post_id, self.post_url(post_id))
        raise _error(response, body)

    def post_url(self, post_id: str) -> str:
        page, _, post = post_id.partition("_")
        if not post:
            return f"https://www.facebook.com/{post_id}"
        return f"https://www.facebook.com/{page}/posts/{post}"


def _error(response: requests.Response, body) -> Exception:
    status = response.status_code
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        if status == 200:
            return PostFailed(f"{NAME} answered without a post id", temporary=True, status=status)
        return PostFailed(f"{NAME} answered {status}", temporary=status >= 500 or status == 429, status=status)
    code = error.get("code")
    message = str(error.get("message") or "")[:150]
    detail = f" (code {code}: {message})" if message else f" (code {code})"
    if code in RATE_LIMIT_CODES:
        return RateLimited(f"{NAME} rate limit reached{detail}", retry_after=_regain(response),
                           status=status, code=code)
    if code == BAD_TOKEN_CODE:
        return BadToken(f"{NAME} refused the page token{detail}", status=status, code=code)
    if code == DUPLICATE_CODE:
        return DuplicatePost(f"{NAME} already has this message{detail}", status=status, code=code)
    temporary = status >= 500 or code in TEMPORARY_CODES or error.get("is_transient") is True
    return PostFailed(f"{NAME} refused the post{detail}", temporary=temporary, status=status, code=code)


def _regain(response: requests.Response) -> float | None:
    """Seconds until the page may post again: Retry-After, else the business use case's estimate (minutes)."""
    hint = retry_hint(response)
    if hint is not None:
        return hint
    try:
        usage = json.loads(response.headers.get("X-Business-Use-Case-Usage") or "null")
    except ValueError:
        return None
    minutes = []
    if isinstance(usage, dict):
        for entries in usage.values():
            for entry in entries if isinstance(entries, list) else []:
                value = entry.get("estimated_time_to_regain_access") if isinstance(entry, dict) else None
                if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
                    minutes.append(value)
    return max(minutes) * 60.0 if minutes else None
