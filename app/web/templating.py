"""What the page templates share: local times in the page's language, labels, this page in other languages."""
from __future__ import annotations

from urllib.parse import urlencode

import phonenumbers
from flask import Flask, current_app, g, request, url_for
from flask_babel import format_time, refresh

from app.calendar.places import place_of
from app.i18n import LANGS, current_lang
from app.timeutil import to_local
from app.typography import format_date, format_datetime
from app.web.labels import DELIVERY_LANGUAGE_LABELS, FORMAT_LABELS, LANGUAGE_NAMES


def local_date(value, fmt: str = "full"):
    return format_date(to_local(value).date(), fmt)


def local_time(value):
    return format_time(to_local(value), "HH:mm")


def local_datetime(value, fmt: str = "medium"):
    return format_datetime(value, fmt)


def phone(value) -> str:
    """A stored E.164 number as people read it: +32 470 12 34 56."""
    if not value:
        return ""
    try:
        return phonenumbers.format_number(phonenumbers.parse(value), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return value


def local_iso(value) -> str:
    """An instant as ISO 8601 with its Brussels offset, for <time datetime>."""
    return to_local(value).isoformat(timespec="minutes")


def utc_offset(value) -> str:
    """The Brussels offset of an instant, such as UTC+1 in winter and UTC+2 in summer."""
    minutes = int(to_local(value).utcoffset().total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'+' if minutes >= 0 else '-'}{hours}" + (f":{rest:02d}" if rest else "")


def localized(obj, field: str, lang: str) -> tuple[str, str]:
    """The text of `field` in `lang` (French fallback) and the language it is really in."""
    for code in (lang, "fr", "nl", "en"):
        value = getattr(obj, f"{field}_{code}", None)
        if value:
            return value, code
    return "", lang


def _speaks_language(endpoint: str | None) -> bool:
    return bool(endpoint) and current_app.url_map.is_endpoint_expecting(endpoint, "lang")


def current_url_in(lang: str) -> str:
    """This page in another language, with the same query string."""
    if _speaks_language(request.endpoint):
        path = url_for(request.endpoint, **(request.view_args or {}), lang=lang)
    else:
        path = url_for("public.index", lang=lang)
    query = request.query_string.decode("utf-8", "replace")
    return f"{path}?{query}" if query else path


def query_with(**changes) -> str:
    """This page's address with some query arguments changed (None removes one).

    The query string is written here, not by url_for: an argument named like a part of the address
    (`?lang=nl` on /fr/) stays an argument and never changes the page's own address.
    """
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    path = url_for(request.endpoint, **(request.view_args or {}))
    query = urlencode(args, safe="!$'()*,/:;?@")  # as url_for writes it
    return f"{path}?{query}" if query else path


def _helpers() -> dict:
    return {
        "lang": current_lang(),
        "LANGS": LANGS,
        "LANGUAGE_NAMES": LANGUAGE_NAMES,
        "page_in": current_url_in,
        "page_with": query_with,
        "format_day": format_date,
        "localized_text": localized,
        "utc_offset": utc_offset,
        "format_label": lambda code: FORMAT_LABELS.get(code, code),
        "language_label": lambda code: DELIVERY_LANGUAGE_LABELS.get(code, code),
        "place_of": place_of,
    }


def _forget_language(_exc=None) -> None:
    """The language belongs to one request, even when an app context outlives it."""
    g.pop("lang", None)
    refresh()


def register(app: Flask) -> None:
    for name, function in (("local_date", local_date), ("local_time", local_time),
                           ("local_datetime", local_datetime), ("local_iso", local_iso), ("phone", phone)):
        app.add_template_filter(function, name)
    app.context_processor(_helpers)
    app.teardown_request(_forget_language)
