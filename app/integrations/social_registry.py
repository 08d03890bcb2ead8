"""The social networks there are, the settings each needs, and ``network_for``, which sets one up.

``NETWORKS`` is the one list of network names of the application (the posts' check constraint and
the staff page read it). Settings are read by their environment names from any mapping, so this
module needs no application: ``FACEBOOK_GRAPH_URL``, ``FACEBOOK_PAGE_ID``, ``FACEBOOK_PAGE_TOKEN``;
``LINKEDIN_API_URL``, ``LINKEDIN_VERSION``, ``LINKEDIN_ORGANIZATION_ID``, ``LINKEDIN_TOKEN``;
``POSTS_HTTP_TIMEOUT`` (seconds, 10 by default).
"""
from __future__ import annotations

import hashlib
from typing import Any, Mapping

import requests

from .facebook import DEFAULT_GRAPH_URL, FacebookPage
from .http_client import DEFAULT_TIMEOUT
from .linkedin import DEFAULT_API_URL, LinkedInPage
from .social import SocialNetwork

_CLASSES: tuple[type[SocialNetwork], ...] = (FacebookPage, LinkedInPage)

NETWORKS: tuple[str, ...] = tuple(cls.name for cls in _CLASSES)
LABELS: dict[str, str] = {cls.name: cls.label for cls in _CLASSES}
MAX_LENGTHS: dict[str, int] = {cls.name: cls.max_length for cls in _CLASSES}
_BY_NAME: dict[str, type[SocialNetwork]] = {cls.name: cls for cls in _CLASSES}


def length_of(name: str, text: str) -> int:
    """How long the network ``name`` counts ``text`` to be (LinkedIn counts its escapes)."""
    return _BY_NAME[name].length(text)


def fits(name: str, text: str) -> bool:
    return length_of(name, text) <= MAX_LENGTHS[name]

CREDENTIALS: dict[str, tuple[str, ...]] = {
    FacebookPage.name: ("FACEBOOK_PAGE_ID", "FACEBOOK_PAGE_TOKEN"),
    LinkedInPage.name: ("LINKEDIN_ORGANIZATION_ID", "LINKEDIN_TOKEN", "LINKEDIN_VERSION"),
}
TOKENS: dict[str, str] = {FacebookPage.name: "FACEBOOK_PAGE_TOKEN", LinkedInPage.name: "LINKEDIN_TOKEN"}


def is_configured(name: str, config: Mapping[str, Any]) -> bool:
    return name in CREDENTIALS and all(config.get(setting) for setting in CREDENTIALS[name])


def missing_settings(name: str, config: Mapping[str, Any]) -> list[str]:
    return [setting for setting in CREDENTIALS[name] if not config.get(setting)]


def token_digest(name: str, config: Mapping[str, Any]) -> str:
    """A digest of the network's token (never the token): tells whether staff replaced a refused one."""
    return hashlib.sha256(str(config.get(TOKENS[name]) or "").encode()).hexdigest()[:16]


def network_for(name: str, config: Mapping[str, Any], *, session: requests.Session | None = None) -> SocialNetwork:
    """The network ``name`` set up from ``config``; ValueError when unknown or lacking its settings."""
    if name not in CREDENTIALS:
        raise ValueError(f"unknown social network {name!r} (expected one of {', '.join(NETWORKS)})")
    missing = missing_settings(name, config)
    if missing:
        raise ValueError(f"{LABELS[name]} is not configured ({', '.join(missing)} missing)")
    timeout = http_timeout(config)
    if name == FacebookPage.name:
        return FacebookPage(config.get("FACEBOOK_GRAPH_URL") or DEFAULT_GRAPH_URL, config["FACEBOOK_PAGE_ID"],
                            config["FACEBOOK_PAGE_TOKEN"], timeout=timeout, session=session)
    return LinkedInPage(config.get("LINKEDIN_API_URL") or DEFAULT_API_URL, config["LINKEDIN_VERSION"],
                        config["LINKEDIN_ORGANIZATION_ID"], config["LINKEDIN_TOKEN"], timeout=timeout,
                        session=session)


def http_timeout(config: Mapping[str, Any]) -> float:
    value = config.get("POSTS_HTTP_TIMEOUT")
    if value in (None, ""):
        return DEFAULT_TIMEOUT
    timeout = float(value)
    if timeout <= 0:
        raise ValueError("POSTS_HTTP_TIMEOUT must be positive")
    return timeout
