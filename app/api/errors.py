"""The API's one error answer: {"errors": {field: message}}, for every failure under /api/.

Domain errors keep their status (422, 404, 409, 410); HTTP errors (unknown address, wrong method,
...) and unexpected exceptions become the same JSON shape, with messages in the request's language
and never any internal detail.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_babel import refresh
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import HTTPException, MethodNotAllowed, default_exceptions

from app.errors import DomainError
from app.i18n import LANGS, negotiate
from app.web.errors import RETRY_AFTER_OUTAGE, database_unreachable

API_PREFIX = "/api/"


def use_lang() -> tuple[str, bool]:
    """The language of texts and messages: `lang` when valid, else Accept-Language, else French.

    Returns it and whether the `lang` given (if any) was valid.
    """
    raw = request.args.get("lang")
    g.lang = raw if raw in LANGS else negotiate()
    refresh()
    return g.lang, raw is None or raw in LANGS  # an empty `lang=` is no language either


def error_response(status: int, errors: dict[str, str], headers: dict[str, str] | None = None):
    response = jsonify(errors={str(k): str(v) for k, v in errors.items()})
    response.status_code = status
    response.headers.update(headers or {})
    response.vary.add("Accept-Language")
    return response


def _http_error(error: HTTPException):
    code = error.code or 500
    if code == 404:
        return error_response(404, {"path": _("There is nothing at this address in the API.")})
    if isinstance(error, MethodNotAllowed):
        allowed = ", ".join(sorted(error.valid_methods or ()))
        return error_response(405, {"method": _("This method is not allowed here. Allowed: %(allowed)s.",
                                                allowed=allowed)}, {"Allow": allowed})
    if code == 413:
        return error_response(413, {"body": _("The request is too large: at most %(size)s bytes.",
                                              size=current_app.config.get("MAX_CONTENT_LENGTH"))})
    if code >= 500:
        return _server_error(error)
    return error_response(code, {"request": _("The request could not be handled (HTTP %(code)s).", code=code)},
                          {k: v for k, v in error.get_headers() if k.lower() not in ("content-type", "content-length")})


def _server_error(error: Exception):
    return error_response(500, {"server": _("Something went wrong on our side. Please try again later.")})


def _domain_error(error: DomainError):
    retry = getattr(error, "retry_after", None)
    headers = {"Retry-After": str(retry)} if retry else None  # the session's lock was busy: nothing stored
    return error_response(error.status, error.errors, headers)


def _rate_limited(error: RateLimitExceeded):
    from app.web.limits import explanation, retry_after

    use_lang()
    field, message = explanation(error)
    return error_response(429, {field: message}, {"Retry-After": str(retry_after())})


def _unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return _http_error(error)
    if database_unreachable(error):
        current_app.logger.error("database unreachable: %s %s", request.method, request.path)
        return error_response(503, {"server": _("The service is unavailable for a moment; nothing was stored. "
                                                "Please try again in a few minutes.")},
                              {"Retry-After": str(RETRY_AFTER_OUTAGE)})
    current_app.logger.exception("API request failed: %s %s", request.method, request.path)
    return _server_error(error)


def _unrouted() -> Response | None:
    """An /api/ address that matched no route (or not for this method) answers in JSON too."""
    error = request.routing_exception
    if isinstance(error, HTTPException) and (error.code or 0) >= 400 and request.path.startswith(API_PREFIX):
        use_lang()
        return _http_error(error)
    return None


def register(bp: Blueprint) -> None:
    """Install the handlers on the API blueprint, and the JSON answer for unrouted /api/ addresses."""
    bp.register_error_handler(DomainError, _domain_error)
    bp.register_error_handler(RateLimitExceeded, _rate_limited)  # the class wins over its code (429)
    for code in default_exceptions:  # code-specific handlers come before any application-wide one
        bp.register_error_handler(code, _http_error)
    bp.register_error_handler(Exception, _unexpected)
    bp.before_app_request(_unrouted)
