"""Rate limits on registrations (Flask-Limiter): per client address, per session, per e-mail address.

The page form and the API share the counters (one scope per kind of limit), so a client cannot go
round a limit by switching from one to the other; the staff desk registers without them. The limits
are settings (REGISTRATION_LIMIT_PER_*, read at each request) in Flask-Limiter's notation, several
separated by ";"; "off" lifts one (nothing is counted, the storage is never asked). Chosen defaults and why:

- per client address, 10/minute and 50/hour, every attempt counted: a person registers themselves and
  a relative or two; a public computer (a library, the centre's own hall) serves a few people an hour.
  Beyond that a script is at work: taking a session's 40 seats now needs most of an hour, not 2 s.
- per session, 100/hour, registrations only (a refused attempt does not count, so nobody can close a
  session with bad requests): more than any real rush on one session; a booking-out from many
  addresses is slowed down to what staff can notice.
- per e-mail address, 5/hour and 10/day, registrations only: each one sends a message, so this is also
  how many messages a stranger can make an address receive. Counted on the address in lower case
  without its "+tag" (anna+1@ and anna+2@ are one mailbox), kept as a hash: the counters hold no address.

A client over a limit gets 429 with Retry-After: a page in its language, or {"errors": {...}} from the API.
"""
from __future__ import annotations

import hashlib
import math
import time
from functools import wraps

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address

from app.extensions import limiter
from app.web.urls import id_from

PER_ADDRESS, PER_SESSION, PER_EMAIL = "registrations-address", "registrations-session", "registrations-email"

MESSAGES = {
    PER_ADDRESS: _l("Too many registrations were made from your connection in a short time."),
    PER_SESSION: _l("This session is receiving too many registrations at the moment."),
    PER_EMAIL: _l("Too many registrations were made with this e-mail address in a short time."),
}
FIELDS = {PER_ADDRESS: "request", PER_SESSION: "session", PER_EMAIL: "email"}


def email_key(raw: object) -> str:
    """The mailbox of an address, for counting: lower case, the "+tag" of its local part removed."""
    text = str(raw or "").strip().lower()[:320]
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        return ""  # no address: the limit is skipped, the registration is refused anyway
    mailbox = local.split("+", 1)[0] + "@" + domain
    return hashlib.sha256(mailbox.encode("utf-8", "replace")).hexdigest()[:32]


def _submitted_email() -> object:
    if request.path.startswith("/api/"):
        try:
            body = request.get_json(silent=True)
        except (ValueError, RecursionError):  # the view answers what is wrong with the body
            return None
        return body.get("email") if isinstance(body, dict) else None
    return request.form.get("email")


def _email() -> str:
    return email_key(_submitted_email())


def _session() -> str:
    number = id_from((request.view_args or {}).get("session_id"))
    return str(number) if number else ""


OFF = ("", "off")


def _setting(name: str):
    """The limits of a setting; "off" (or empty) counts nothing and never reaches the limiter's storage."""
    def limits() -> str:
        value = str(current_app.config.get(name) or "").strip()
        return "" if value.lower() in OFF else value
    return limits


def _registered(response) -> bool:
    """A registration was made: the page redirects to it, the API answers it (200 or 201)."""
    return response.status_code < 400


SETTINGS = ("REGISTRATION_LIMIT_PER_EMAIL", "REGISTRATION_LIMIT_PER_SESSION", "REGISTRATION_LIMIT_PER_ADDRESS")


def _all_off() -> bool:
    return not any(_setting(name)() for name in SETTINGS)


def registration_limits(view):
    """The three limits of a view that registers someone, counted with those of the other such view. With
    every one of them off, the view runs without the limiter."""
    limited = limiter.shared_limit(_setting("REGISTRATION_LIMIT_PER_EMAIL"), scope=PER_EMAIL, key_func=_email,
                                   methods=["POST"], deduct_when=_registered, error_message=PER_EMAIL)(view)
    limited = limiter.shared_limit(_setting("REGISTRATION_LIMIT_PER_SESSION"), scope=PER_SESSION,
                                   key_func=_session, methods=["POST"], deduct_when=_registered,
                                   error_message=PER_SESSION)(limited)
    limited = limiter.shared_limit(_setting("REGISTRATION_LIMIT_PER_ADDRESS"), scope=PER_ADDRESS,
                                   key_func=get_remote_address, methods=["POST"], error_message=PER_ADDRESS)(limited)

    @wraps(view)
    def dispatch(*args, **kwargs):
        return view(*args, **kwargs) if _all_off() else limited(*args, **kwargs)

    return dispatch


# --- the answer over a limit ---------------------------------------------------------------------


def retry_after() -> int:
    """Seconds until the limit that was hit lets a request through again (1 at least)."""
    hit = limiter.current_limit
    reset_at = hit.window[0] if hit is not None else time.time() + 60
    return max(1, math.ceil(reset_at - time.time()))


def explanation(error: RateLimitExceeded) -> tuple[str, str]:
    """(field, message) of a limit that was hit, in the request's language."""
    kind = error.description if error.description in MESSAGES else PER_ADDRESS
    minutes = max(1, math.ceil(retry_after() / 60))
    wait = ngettext("Please try again in %(num)s minute.", "Please try again in %(num)s minutes.", minutes)
    return FIELDS[kind], f"{MESSAGES[kind]} {wait}"


def school_request_limits(view):
    """A teacher's requests from one address: SCHOOL_REQUEST_LIMIT_PER_ADDRESS, counted when one is stored."""
    return limiter.limit(_setting("SCHOOL_REQUEST_LIMIT_PER_ADDRESS"), key_func=get_remote_address, methods=["POST"],
                         deduct_when=_registered)(view)
