"""Error pages in the visitor's language, for every page of the site.

The API answers its own errors in JSON (app.api.errors); the feeds and static files keep the plain
answers of HTTP. A 500 page says only that something went wrong: never the exception or a traceback.
"""
from __future__ import annotations

from flask import Flask, current_app, g, render_template, request
from flask_babel import refresh
from flask_limiter.errors import RateLimitExceeded
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.i18n import LANGS

MACHINE_PREFIXES = ("/api/", "/feeds/", "/static/")
PAGES = {400: "errors/400.html", 403: "errors/403.html", 404: "errors/404.html", 405: "errors/405.html",
         413: "errors/413.html", 429: "errors/429.html", 500: "errors/500.html", 503: "errors/503.html"}
RETRY_AFTER_OUTAGE = 30


def database_unreachable(error: Exception) -> bool:
    """Whether an error of the database driver means the database cannot be reached (not a bad query)."""
    if not isinstance(error, DBAPIError):
        return False
    return bool(error.connection_invalidated) or isinstance(error, OperationalError)


def _for_machines() -> bool:
    return request.path.startswith(MACHINE_PREFIXES)


def _lang_from_path() -> None:
    """The page's language: the address's first segment when it is one, else the browser's."""
    first = request.path.strip("/").split("/", 1)[0]
    if first in LANGS:
        g.lang = first
    else:
        g.pop("lang", None)
    refresh()


def _page(error: HTTPException):
    if _for_machines():
        return error
    _lang_from_path()
    headers = {k: v for k, v in error.get_headers() if k.lower() == "allow"}  # a 405 says what is allowed
    return render_template(PAGES[error.code]), error.code, headers


def _server_error(error: InternalServerError):
    """Flask has logged the exception already; the visitor only learns that it is not their fault."""
    if _for_machines():
        return InternalServerError()  # HTTP's plain answer, without the original exception
    _lang_from_path()
    return render_template(PAGES[500]), 500


def _database_error(error: DBAPIError):
    """The database down or out of reach: a 503 in the visitor's language (everything was rolled back)."""
    if not database_unreachable(error):
        raise error
    current_app.logger.error("database unreachable: %s %s: %s", request.method, request.path, error.orig)
    if _for_machines():
        return "Service unavailable\n", 503, {"Retry-After": str(RETRY_AFTER_OUTAGE), "Content-Type": "text/plain"}
    _lang_from_path()
    return render_template(PAGES[503]), 503, {"Retry-After": str(RETRY_AFTER_OUTAGE)}


def _too_many(error: RateLimitExceeded):
    """Over a rate limit (app.web.limits): which one, and when to try again."""
    from app.web.limits import explanation, retry_after

    if _for_machines():
        return error
    _lang_from_path()
    _field, message = explanation(error)
    return render_template(PAGES[429], message=message), 429, {"Retry-After": str(retry_after())}


def register(app: Flask) -> None:
    for code in (400, 403, 404, 405, 413):
        app.register_error_handler(code, _page)
    app.register_error_handler(RateLimitExceeded, _too_many)
    app.register_error_handler(InternalServerError, _server_error)
    app.register_error_handler(DBAPIError, _database_error)
