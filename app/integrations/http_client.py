"""What the providers that call an HTTP API share: time-outs, reading answers, turning failures into errors.

Every outbound call goes through a ``requests.Session`` with a time-out (``ROOMS_HTTP_TIMEOUT``
seconds, 10 by default), applied to connecting and to each wait for the answer. Network failures,
time-outs and unreadable answers are ``TemporaryRoomError``; an error status is read by
``status_error`` (401 and other 4xx permanent; 408, 429 and 5xx temporary), after the provider has
looked for what its own API says (a rate limit in the body, a quota).
"""
from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from .rooms import PermanentRoomError, RoomError, TemporaryRoomError

DEFAULT_TIMEOUT = 10.0


def new_session(session: requests.Session | None = None) -> requests.Session:
    """The session given (tests pass one), else a new one; its calls all name their time-out."""
    return session if session is not None else requests.Session()


def send(session: requests.Session, method: str, url: str, *, timeout: float, provider: str,
         **kwargs) -> requests.Response:
    """One HTTP request; network failures and time-outs become TemporaryRoomError."""
    try:
        return session.request(method, url, timeout=timeout, **kwargs)
    except requests.Timeout:
        raise TemporaryRoomError(f"{provider} did not answer within {timeout:g} s") from None
    except requests.ConnectionError:
        raise TemporaryRoomError(f"{provider} could not be reached") from None
    except requests.RequestException as exc:
        raise TemporaryRoomError(f"{provider} request failed ({type(exc).__name__})") from None


def json_body(response: requests.Response, provider: str) -> Any:
    """The JSON of an answer; anything else is a garbage answer (TemporaryRoomError)."""
    try:
        return response.json()
    except ValueError:
        kind = response.headers.get("Content-Type", "no content type").split(";")[0]
        raise TemporaryRoomError(
            f"{provider} answered {response.status_code} with unreadable content ({kind})",
            status=response.status_code,
        ) from None


def error_body(response: requests.Response) -> Any:
    """The JSON of an error answer, or None when it has none (the status then says it all)."""
    try:
        return response.json()
    except ValueError:
        return None


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (a number of seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def retry_after(response: requests.Response) -> float | None:
    """The delay an answer asks for in its Retry-After header, in seconds."""
    return parse_retry_after(response.headers.get("Retry-After"))


def status_error(status: int, provider: str, *, credentials: str, detail: str = "",
                 retry_after: float | None = None) -> RoomError:
    """The error of an unexpected status: ``credentials`` names what a 401 refused ("the API key")."""
    if status == 429:
        return TemporaryRoomError(f"{provider} rate limit reached", status=status, retry_after=retry_after)
    if status == 401:
        return PermanentRoomError(f"{provider} refused {credentials} (401)", status=status)
    if status >= 500 or status == 408:
        return TemporaryRoomError(f"{provider} server error {status}", status=status, retry_after=retry_after)
    if 400 <= status < 500:
        return PermanentRoomError(f"{provider} refused the request ({status}){detail}"[:200], status=status)
    return TemporaryRoomError(f"{provider} answered an unexpected {status}", status=status)
