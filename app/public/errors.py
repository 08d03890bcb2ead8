"""Friendly error pages in the visitor's language (the API and the feeds keep their own answers)."""
from __future__ import annotations

from flask import g, render_template, request
from flask_babel import refresh

from app.i18n import LANGS
from app.public import bp

MACHINE_PREFIXES = ("/api/", "/feeds/", "/static/")


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


def _page(template: str, status: int):
    _lang_from_path()
    return render_template(template), status


@bp.errorhandler(404)
def page_not_found(error):
    return _page("errors/404.html", 404)


@bp.errorhandler(400)
def page_bad_request(error):
    return _page("errors/400.html", 400)


@bp.app_errorhandler(404)
def not_found(error):
    return error if _for_machines() else _page("errors/404.html", 404)


@bp.app_errorhandler(400)
def bad_request(error):
    return error if _for_machines() else _page("errors/400.html", 400)


@bp.app_errorhandler(403)
def forbidden(error):
    return error if _for_machines() else _page("errors/403.html", 403)
