"""How addresses carry a language and ids: `/<lang>/...` blueprints and bounded integer ids.

A blueprint made by `language_blueprint` lives under `/<lang>`: the language leaves the view
arguments for `g.lang` before any view runs, and `url_for` puts the request's language back when
it is not given. Views never carry `lang`. Ids in addresses are ASCII digits from 1 to MAX_ID
(the databases' 32-bit keys); anything else is a 404 before any view runs.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g
from flask_babel import refresh
from werkzeug.routing import BaseConverter, ValidationError

from app.extensions import MAX_ID
from app.i18n import LANGS, select_locale

LANG_PREFIX = "/<lang:lang>"  # the first segment of every page in a language


def id_from(value) -> int | None:
    """`value` as a stored id (ASCII digits or an int, from 1 to MAX_ID), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= MAX_ID else None
    text = str(value or "").lstrip("0")
    if not text or len(text) > 10 or not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if number <= MAX_ID else None


class IdConverter(BaseConverter):
    """`<int:name>`: an id of a row; a too large, zero or non-ASCII number matches no address."""

    regex = r"[0-9]+"
    weight = 50
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = id_from(value)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value) -> str:
        return str(int(value))


class LanguageConverter(BaseConverter):
    """`<lang:lang>`: one of the languages of the pages; any other first segment matches nothing."""

    regex = "|".join(LANGS)
    part_isolating = True


def take_lang(endpoint: str | None, values: dict | None) -> None:
    """The address's language goes to g (Flask-Babel reads it there), out of the view's arguments."""
    if not values or "lang" not in values:
        return
    lang = values.pop("lang")
    if lang not in LANGS:
        abort(404)
    g.lang = lang
    refresh()


def give_lang(endpoint: str, values: dict) -> None:
    """`url_for` without `lang` links in the request's language."""
    if "lang" not in values and current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        values["lang"] = select_locale()


def speaks_language(bp: Blueprint) -> Blueprint:
    """For a blueprint some of whose addresses start with LANG_PREFIX."""
    bp.url_value_preprocessor(take_lang)
    bp.url_defaults(give_lang)
    return bp


def language_blueprint(name: str, import_name: str, url_prefix: str = "") -> Blueprint:
    """A blueprint whose every address is under `/<lang>` (then `url_prefix`)."""
    return speaks_language(Blueprint(name, import_name, url_prefix=LANG_PREFIX + url_prefix))


def register_converters(app) -> None:
    """Before any blueprint: rules are compiled with the converters known when they are added."""
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["lang"] = LanguageConverter
