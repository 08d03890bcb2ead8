"""Languages: the public pages carry theirs in the URL; elsewhere Accept-Language decides."""
from __future__ import annotations

from flask import Flask, g, request
from flask_babel import format_date, format_datetime, format_time, refresh

from app.timeutil import to_local

LANGS = ("fr", "nl", "en")
DEFAULT_LANG = "fr"


def negotiate() -> str:
    """The best of our languages for this request's Accept-Language, French when none fits."""
    try:
        best = request.accept_languages.best_match(LANGS)
    except RuntimeError:  # outside a request
        best = None
    return best or DEFAULT_LANG


def select_locale() -> str:
    lang = g.get("lang") if g else None
    return lang if lang in LANGS else negotiate()


def current_lang() -> str:
    return select_locale()


def register_template_helpers(app: Flask) -> None:
    """Filters that show UTC instants in Brussels time, in the page's language."""

    @app.template_filter("local_date")
    def local_date(value, fmt: str = "full"):
        return format_date(to_local(value).date(), fmt)

    @app.template_filter("local_time")
    def local_time(value):
        return format_time(to_local(value), "HH:mm")

    @app.template_filter("local_datetime")
    def local_datetime(value, fmt: str = "medium"):
        return format_datetime(value, fmt)

    @app.url_value_preprocessor
    def take_lang(endpoint, values) -> None:
        """Pages carry their language as the URL's first segment (`lang`): Flask-Babel reads it from g."""
        if values and values.get("lang") in LANGS:
            g.lang = values["lang"]
            refresh()

    @app.teardown_request
    def forget_language(_exc=None) -> None:
        """The language belongs to one request, even when an app context outlives it."""
        g.pop("lang", None)
        refresh()

    @app.context_processor
    def inject_lang():
        return {"lang": current_lang(), "LANGS": LANGS}
