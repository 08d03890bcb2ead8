"""Form validators every feature's forms share."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms.validators import InputRequired, Length, StopValidation, ValidationError

from app.i18n import LANGS
from app.timeutil import exists_locally
from app.typography import format_date
from app.web.labels import LANGUAGE_NAMES


class Within:
    """A number from `low` to `high`; the message is shown as it is (it may hold a "%")."""

    def __init__(self, low: int, high: int, message):
        self.low, self.high, self.message = low, high, message

    def __call__(self, form, field) -> None:
        if field.data is not None and not self.low <= field.data <= self.high:
            raise StopValidation(str(self.message))


class ExistingLocalTime:
    """A Brussels wall-clock time that exists: not one the clocks skip when summer time begins."""

    def __call__(self, form, field) -> None:
        value = field.data
        if isinstance(value, datetime) and not exists_locally(value.date(), value.time()):
            raise ValidationError(gettext(
                "%(time)s does not exist on %(day)s: the clocks go forward from 2:00 to 3:00 that night. "
                "Choose another time.", time=value.strftime("%H:%M"), day=format_date(value.date(), "d MMMM y")))


def translated_fields(name: str, label, field_class, *, required=None, max_length: int = 300,
                      too_long=None, **options) -> dict:
    """Three fields `<name>_fr/_nl/_en` for a text staff type in each language. French is the one that
    may be required (`required`: its message when missing); Dutch and English left empty show the French."""
    too_long = too_long or _l("The text is too long (%(max)s characters at most).", max=max_length)
    fields = {}
    for lang in LANGS:
        validators = [InputRequired(required)] if required is not None and lang == "fr" else []
        validators.append(Length(max=max_length, message=too_long))
        text = _l("%(label)s (%(language)s)", label=label, language=LANGUAGE_NAMES[lang])
        if lang != "fr":
            text = _l("%(label)s (%(language)s, optional)", label=label, language=LANGUAGE_NAMES[lang])
        render_kw = {"lang": lang, "maxlength": max_length, **options.get("render_kw", {})}
        fields[f"{name}_{lang}"] = field_class(text, validators=validators, render_kw=render_kw)
    return fields


def add_translated_fields(form_class, name: str, label, field_class, **kw) -> None:
    """Put the three fields of `translated_fields` on a form class."""
    for field_name, field in translated_fields(name, label, field_class, **kw).items():
        setattr(form_class, field_name, field)


def texts_of(form, name: str) -> dict[str, str]:
    """What was typed in the three fields of `name`, by language."""
    return {lang: (form[f"{name}_{lang}"].data or "").strip() for lang in LANGS}
