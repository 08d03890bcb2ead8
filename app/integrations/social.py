"""Social networks: the one interface every network implements ("publish this text with this link").

A network publishes a text on the centre's page and answers with the post's id at the network and its
address (``Published``). Failures are typed, each with a short ``reason`` staff can read:

- ``RateLimited``: the network asks us to slow down; ``retry_after`` is its hint in seconds, when it
  gave one. Try again later, with a growing delay.
- ``DuplicatePost``: the network already has this very text (a post whose answer was lost, published
  again): it is on the page, so it counts as published and is never tried again.
- ``BadToken``: the network refused our credentials; nothing will go until staff replace them.
- ``PostFailed``: anything else; ``temporary`` says whether the same request may pass later (a
  time-out, a server error) or never will (a refused request).

Nothing here knows the application's models; ``social_registry`` sets a network up from the settings.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass

import requests

from .http_client import parse_retry_after


@dataclass(frozen=True)
class Published:
    """A post on a network: its id there (None when the network only said it had it already) and address."""

    network: str
    post_id: str | None
    url: str | None


class SocialError(Exception):
    def __init__(self, reason: str, *, status: int | None = None, code: str | int | None = None):
        super().__init__(reason)
        self.reason, self.status, self.code = reason, status, code


class RateLimited(SocialError):
    def __init__(self, reason: str, *, retry_after: float | None = None, **kw):
        super().__init__(reason, **kw)
        self.retry_after = retry_after


class DuplicatePost(SocialError):
    """The network has this text already: published, not to be sent again."""


class BadToken(SocialError):
    """The network refused the token: staff must give a new one."""


class PostFailed(SocialError):
    def __init__(self, reason: str, *, temporary: bool, **kw):
        super().__init__(reason, **kw)
        self.temporary = temporary


class SocialNetwork(abc.ABC):
    """One network: ``name`` is stored with its posts, ``label`` shown to people (a brand)."""

    name: str = ""
    label: str = ""
    max_length: int = 0

    @abc.abstractmethod
    def publish(self, text: str, link: str | None = None) -> Published:
        """Publish ``text`` (with ``link`` as the post's link) on the page; raises a SocialError."""

    @classmethod
    def length(cls, text: str) -> int:
        """How long the network counts ``text`` to be, against ``max_length``."""
        return len(text)


def send(session: requests.Session, method: str, url: str, *, timeout: float, network: str,
         **kwargs) -> requests.Response:
    """One HTTP request with its time-out; network failures are temporary PostFailed."""
    try:
        return session.request(method, url, timeout=timeout, **kwargs)
    except requests.Timeout:
        raise PostFailed(f"{network} did not answer within {timeout:g} s", temporary=True) from None
    except requests.ConnectionError:
        raise PostFailed(f"{network} could not be reached", temporary=True) from None
    except requests.RequestException as exc:
        raise PostFailed(f"{network} request failed ({type(exc).__name__})", temporary=True) from None


def body_of(response: requests.Response):
    try:
        return response.json()
    except ValueError:
        return None


def retry_hint(response: requests.Response) -> float | None:
    return parse_retry_after(response.headers.get("Retry-After"))
