"""The providers there are, and the one the settings ask for.

``PROVIDERS`` is the one list of provider names of the application: the rooms' check constraint,
the partners' choice and the staff's choice all read it. The settings are read by their environment
names (``JITSI_BASE_URL``, ``WHEREBY_API_URL``, ``WHEREBY_API_KEY``, ``GOOGLE_*``,
``ROOMS_HTTP_TIMEOUT``) from any mapping, so this module needs no application.
"""
from __future__ import annotations

from typing import Any, Mapping

import requests

from .google_meet import DEFAULT_CALENDAR_API_URL, DEFAULT_TOKEN_URL, GoogleMeetProvider, shared_token_store
from .http_client import DEFAULT_TIMEOUT
from .jitsi import DEFAULT_BASE_URL, JitsiProvider
from .rooms import PermanentRoomError, RoomProvider
from .whereby import DEFAULT_API_URL, WherebyProvider

_CLASSES: tuple[type[RoomProvider], ...] = (JitsiProvider, WherebyProvider, GoogleMeetProvider)

PROVIDERS: tuple[str, ...] = tuple(cls.name for cls in _CLASSES)
"""Every provider's name, as rooms and partners store it; the first needs no settings."""

FALLBACK = JitsiProvider.name
"""The provider used when the one asked for lacks its credentials."""

LABELS: dict[str, str] = {cls.name: cls.label for cls in _CLASSES}
"""The name people read for each provider (a brand: the same in every language)."""

CREDENTIALS: dict[str, tuple[str, ...]] = {
    JitsiProvider.name: (),
    WherebyProvider.name: ("WHEREBY_API_KEY",),
    GoogleMeetProvider.name: ("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", "GOOGLE_REFRESH_TOKEN"),
}
"""The settings without which a provider cannot work."""


def is_configured(name: str, config: Mapping[str, Any]) -> bool:
    """Whether ``name`` is a provider whose credentials are all set."""
    return name in CREDENTIALS and all(config.get(setting) for setting in CREDENTIALS[name])


def provider_for(name: str, config: Mapping[str, Any], *, session: requests.Session | None = None) -> RoomProvider:
    """The provider ``name`` (``jitsi``, ``whereby``, ``google_meet``) set up from ``config``.

    Google access tokens are shared by the providers made here for the same account, so making one
    per call costs no new token. A provider without its credentials raises PermanentRoomError; an
    unknown name raises ValueError.
    """
    timeout = http_timeout(config)
    if name == JitsiProvider.name:
        return JitsiProvider(config.get("JITSI_BASE_URL") or DEFAULT_BASE_URL)
    if name == WherebyProvider.name:
        key = config.get("WHEREBY_API_KEY")
        if not key:
            raise PermanentRoomError("Whereby is not configured (WHEREBY_API_KEY is missing)")
        return WherebyProvider(config.get("WHEREBY_API_URL") or DEFAULT_API_URL, key,
                               timeout=timeout, session=session)
    if name == GoogleMeetProvider.name:
        missing = [n for n in CREDENTIALS[name] if not config.get(n)]
        if missing:
            raise PermanentRoomError(f"Google Meet is not configured ({', '.join(missing)} missing)")
        token_url = config.get("GOOGLE_TOKEN_URL") or DEFAULT_TOKEN_URL
        return GoogleMeetProvider(
            token_url=token_url,
            calendar_api_url=config.get("GOOGLE_CALENDAR_API_URL") or DEFAULT_CALENDAR_API_URL,
            client_id=config["GOOGLE_CLIENT_ID"],
            client_secret=config["GOOGLE_CLIENT_SECRET"],
            refresh_token=config["GOOGLE_REFRESH_TOKEN"],
            calendar_id=config.get("GOOGLE_CALENDAR_ID") or "primary",
            timeout=timeout,
            session=session,
            token_store=shared_token_store(token_url, config["GOOGLE_CLIENT_ID"], config["GOOGLE_REFRESH_TOKEN"]),
        )
    raise ValueError(f"unknown room provider {name!r} (expected one of {', '.join(PROVIDERS)})")


def http_timeout(config: Mapping[str, Any]) -> float:
    """``ROOMS_HTTP_TIMEOUT`` in seconds (a number or a numeric string), 10 by default."""
    value = config.get("ROOMS_HTTP_TIMEOUT")
    if value in (None, ""):
        return DEFAULT_TIMEOUT
    try:
        timeout = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"ROOMS_HTTP_TIMEOUT must be a number of seconds, not {value!r}") from None
    if timeout <= 0:
        raise ValueError("ROOMS_HTTP_TIMEOUT must be positive")
    return timeout
