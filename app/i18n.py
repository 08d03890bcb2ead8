"""Languages: the one rule that decides the language of a request.

Pages carry theirs in the address (app.web.urls puts it in g), the API and the feeds in `?lang=`;
elsewhere Accept-Language decides, and French when none of ours fits.
"""
from __future__ import annotations

from flask import g, request

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
