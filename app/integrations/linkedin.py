"""LinkedIn page posts through the Posts API (``LINKEDIN_API_URL``, ``LINKEDIN_VERSION``,
``LINKEDIN_ORGANIZATION_ID``, ``LINKEDIN_TOKEN``).

- ``POST {api}/posts`` with ``Authorization: Bearer``, ``LinkedIn-Version: YYYYMM``,
  ``X-Restli-Protocol-Version: 2.0.0`` and the JSON of a public organisation post → 201 with an empty
  body and the post's URN in ``x-restli-id``; its address is ``https://www.linkedin.com/feed/update/<urn>/``.
- ``commentary`` is "little text": ``\\ | { } @ [ ] ( ) < > # * _ ~`` are reserved. Unescaped, the post
  is accepted but its text silently ends at the first of them, so every one is escaped with a
  backslash (``escape``): the text shows whole, brackets, hashes and underscores of addresses included.
- At most 3,000 characters, counted here on the commentary as sent (escapes included).
- 401 a bad token (``BadToken``), 422 ``DUPLICATE_POST`` (``DuplicatePost``), 426 an unknown version,
  429 a rate limit (``RateLimited``, hint from ``Retry-After``), 5xx and time-outs passing failures.
- A post has no link field of its own: the link is the text's last line (added when the text lacks it).
"""
from __future__ import annotations

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

DEFAULT_API_URL = "https://api.linkedin.com/rest"
RESERVED = frozenset("\\|{}@[]()<>#*_~")
MAX_LENGTH = 3000
NAME = "LinkedIn"


def escape(text: str) -> str:
    """``text`` in little text: every reserved character preceded by a backslash."""
    return "".join("\\" + c if c in RESERVED else c for c in text)


def with_link(text: str, link: str | None) -> str:
    """The text ending with the link (as its own line) when it does not hold it yet."""
    if not link or link in text:
        return text
    return f"{text.rstrip()}\n{link}"


class LinkedInPage(SocialNetwork):
    name = "linkedin"
    label = "LinkedIn"
    max_length = MAX_LENGTH

    def __init__(self, api_url: str, version: str, organization_id: str, token: str, *,
                 timeout: float = DEFAULT_TIMEOUT, session: requests.Session | None = None):
        self.api_url = api_url.rstrip("/")
        self.version = str(version)
        self.author = f"urn:li:organization:{organization_id}"
        self.token = token
        self.timeout = timeout
        self.session = session if session is not None else requests.Session()

    @classmethod
    def length(cls, text: str) -> int:
        return len(escape(text))

    def publish(self, text: str, link: str | None = None) -> Published:
        payload = {
            "author": self.author,
            "commentary": escape(with_link(text, link)),
            "visibility": "PUBLIC",
            "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                             "thirdPartyDistributionChannels": []},
            "lifecycleState": "PUBLISHED",
        }
        headers = {"Authorization": f"Bearer {self.token}", "LinkedIn-Version": self.version,
                   "X-Restli-Protocol-Version": "2.0.0", "Content-Type": "application/json"}
        response = send(self.session, "POST", f"{self.api_url}/posts", timeout=self.timeout, network=NAME,
                        json=payload, headers=headers)
        if response.status_code == 201:
            urn = response.headers.get("x-restli-id")
            if not urn:
                raise PostFailed(f"{NAME} answered 201 without the post's id", temporary=False, status=201)
            return Published(self.name, urn, f"https://www.linkedin.com/feed/update/{urn}/")
        raise _error(response)


def _error(response: requests.Response) -> Exception:
    status = response.status_code
    body = body_of(response)
    code = body.get("code") if isinstance(body, dict) else None
    message = str(body.get("message") or "")[:150] if isinstance(body, dict) else ""
    detail = f": {message}" if message else ""
    if status == 401:
        return BadToken(f"{NAME} refused the token (401){detail}", status=status, code=code)
    if status == 429:
        return RateLimited(f"{NAME} rate limit reached (429)", retry_after=retry_hint(response), status=status)
    if status == 422 and (code == "DUPLICATE_POST" or "DUPLICATE_POST" in message):
        return DuplicatePost(f"{NAME} already has this post (422 DUPLICATE_POST)", status=status, code=code)
    if status == 426:
        return PostFailed(f"{NAME} does not accept the version of LINKEDIN_VERSION (426){detail}",
                          temporary=False, status=status, code=code)
    temporary = status >= 500 or status == 408
    return PostFailed(f"{NAME} refused the post ({status}){detail}", temporary=temporary, status=status, code=code)
