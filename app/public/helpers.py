"""Labels and links shared by the public page templates."""
from __future__ import annotations

from datetime import date, timedelta
from itertools import groupby

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l

from app.timeutil import to_local

FORMAT_LABELS = {
    "face_to_face": _l("Face-to-face"),
    "online": _l("Online"),
    "hybrid": _l("Hybrid: on site or online"),
}

DELIVERY_LANGUAGE_LABELS = {
    "fr": _l("In French"),
    "nl": _l("In Dutch"),
    "en": _l("In English"),
    "fr_nl": _l("In French and Dutch"),
}

# Each language named in itself, so everyone finds their own.
LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English"}


def localized(obj, field: str, lang: str) -> tuple[str, str]:
    """The text of `field` in `lang` (French fallback) and the language it is really in."""
    for code in (lang, "fr", "nl", "en"):
        value = getattr(obj, f"{field}_{code}", None)
        if value:
            return value, code
    return "", lang


def week_start(day: date) -> date:
    """The Monday of the week of `day`."""
    return day - timedelta(days=day.weekday())


def sessions_by_day(sessions, first: date, days: int = 7) -> list[tuple[date, list]]:
    """Every day from `first` with its sessions (in Brussels time), empty days included."""
    found = {day: list(items) for day, items in groupby(sessions, key=lambda s: to_local(s.start_at).date())}
    return [(first + timedelta(days=n), found.get(first + timedelta(days=n), [])) for n in range(days)]


def current_url_in(lang: str) -> str:
    """This page in another language, with the same query string."""
    args = dict(request.view_args or {})
    if request.endpoint and "lang" in args:
        args["lang"] = lang
        path = url_for(request.endpoint, **args)
    else:
        path = url_for("public.index", lang=lang)
    query = request.query_string.decode("utf-8", "replace")
    return f"{path}?{query}" if query else path


def feed_links(lang: str, **filters: str) -> tuple[str, str]:
    """The feed with these filters at the public address: a webcal:// link for calendar apps, and the web one."""
    web = current_app.config["BASE_URL"].rstrip("/") + url_for("feeds.workshops", **filters, lang=lang)
    return "webcal://" + web.split("://", 1)[1], web


def query_with(**changes) -> str:
    """This page's query string with some arguments changed (None removes one)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)
