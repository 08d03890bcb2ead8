"""French typography that a catalogue alone cannot give, because it depends on the words put into a message.

- Elision: "de %(name)s" reads "d'Actiris" when the name begins with a vowel ("de Bruxelles Formation"
  otherwise); likewise "que", "jusque", "lorsque", "puisque". `elide` rewrites the translated text before its
  placeholders are filled; `install` makes every gettext of the application (Python and templates) do it.
- The first day of a month is "1er" in French dates ("mardi 1er décembre 2026"): `format_date` and
  `format_datetime` are Flask-Babel's with that rule.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from flask import Flask
from flask_babel import Domain, get_locale
from flask_babel import format_date as babel_format_date
from flask_babel import format_datetime as babel_format_datetime
from jinja2 import pass_context
from markupsafe import Markup

VOWELS = "aeiouyàâäéèêëîïôöûüœæAEIOUYÀÂÄÉÈÊËÎÏÔÖÛÜŒÆ"
# A word that loses its vowel before one, followed by a placeholder.
ELIDABLE = re.compile(r"\b(de|De|que|Que|jusque|Jusque|lorsque|Lorsque|puisque|Puisque) (%\((\w+)\)[sd])")


def _is_french() -> bool:
    try:
        return str(get_locale() or "")[:2] == "fr"
    except RuntimeError:  # outside an application context
        return False


def elide(text: str, variables: dict) -> str:
    """`text` (a French translation not yet filled) with "de %(x)s" made "d'%(x)s" where `x` starts with a vowel."""
    if not variables or "%(" not in text:
        return text

    def fix(match: re.Match) -> str:
        value = str(variables.get(match.group(3), ""))
        if value[:1] and value[0] in VOWELS:
            return f"{match.group(1)[:-1]}'{match.group(2)}"
        return match.group(0)

    return ELIDABLE.sub(fix, text)


class TypographicDomain(Domain):
    """Flask-Babel's domain, eliding in French before the placeholders are filled."""

    def gettext(self, string, **variables):
        s = self.get_translations().ugettext(string)
        if variables and _is_french():
            s = elide(s, variables)
        return s if not variables else s % variables

    def ngettext(self, singular, plural, num, **variables):
        variables.setdefault("num", num)
        s = self.get_translations().ungettext(singular, plural, num)
        if _is_french():
            s = elide(s, variables)
        return s % variables

    def pgettext(self, context, string, **variables):
        s = self.get_translations().upgettext(context, string)
        if variables and _is_french():
            s = elide(s, variables)
        return s if not variables else s % variables


def _template_gettext(domain: Domain):
    @pass_context
    def gettext(context, string, **variables):
        s = domain.get_translations().ugettext(string)
        if variables and _is_french():
            s = elide(s, variables)
        if context.eval_ctx.autoescape:
            s = Markup(s)
        return s % variables if variables else s

    @pass_context
    def ngettext(context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        s = domain.get_translations().ungettext(singular, plural, num)
        if _is_french():
            s = elide(s, variables)
        if context.eval_ctx.autoescape:
            s = Markup(s)
        return s % variables

    return gettext, ngettext


def install(app: Flask) -> None:
    """After Flask-Babel's init_app: its domain and the templates' `_`, `gettext`, `ngettext` elide in French."""
    babel = app.extensions["babel"].instance
    domain = babel.__dict__.get("domain_instance")  # Flask-Babel makes it on first use, per Babel object
    if not isinstance(domain, TypographicDomain):
        domain = TypographicDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))
        babel.domain_instance = domain
    gettext, ngettext = _template_gettext(domain)
    app.jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext, colon=colon)


def colon() -> str:
    """The colon that joins two pieces a template writes itself: French puts a no-break space before it."""
    return "\u00a0: " if _is_french() else ": "


# Dates -----------------------------------------------------------------------------------------

_DAY = re.compile(r"(?<![d'])d(?![d'])")  # the day of the month as one digit or two, outside quotes


def _pattern(fmt: str, kind: str) -> str:
    """A Babel pattern from a named format ("full", "medium"...) or a pattern, in the current locale."""
    if fmt in ("short", "medium", "long", "full"):
        locale = get_locale()
        formats = locale.date_formats if kind == "date" else locale.datetime_formats
        found = formats[fmt]
        return found.pattern if hasattr(found, "pattern") else str(found)
    return fmt


def _first_of_month(value, fmt: str, kind: str) -> str | None:
    """The pattern with "1er" for the first day of a month in French, or None when the rule does not apply."""
    if getattr(value, "day", None) != 1 or not _is_french():
        return None
    pattern = _pattern(fmt, kind)
    if kind == "datetime" and "{" in pattern:  # a named datetime format joins a date and a time: leave it
        return None
    if "MMM" not in pattern or not _DAY.search(pattern):  # "1er" only before a month written out
        return None
    return _DAY.sub("d'er'", pattern, count=1)


def format_date(value: date | datetime, fmt: str = "medium") -> str:
    """Flask-Babel's format_date, with "1er" for the first day of a month in French."""
    pattern = _first_of_month(value, fmt, "date")
    return babel_format_date(value, pattern or fmt)


def format_datetime(value: datetime, fmt: str = "medium") -> str:
    """Flask-Babel's format_datetime, with "1er" for the first day of a month in French."""
    pattern = _first_of_month(value, fmt, "datetime")
    return babel_format_datetime(value, pattern or fmt)
