"""The filter form of the calendar: a GET form, so no CSRF token; the queries module validates."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Form, SearchField, SelectField, StringField
from wtforms.widgets import DateInput

from app.calendar.models import DELIVERY_LANGUAGES, FORMATS
from app.calendar.queries import FilterChoices
from app.text import fold
from app.web.labels import DELIVERY_LANGUAGE_LABELS, FORMAT_LABELS


class FilterForm(Form):
    class Meta:
        csrf = False

    q = SearchField(_l("Words in the title or summary"))
    theme = SelectField(_l("Theme"), validate_choice=False)
    audience = SelectField(_l("For whom"), validate_choice=False)
    format = SelectField(_l("On site or online"), validate_choice=False)
    language = SelectField(_l("Language of the session"), validate_choice=False)
    partner = SelectField(_l("Organised by"), validate_choice=False)
    from_ = StringField(_l("First day"), widget=DateInput(), name="from")
    to = StringField(_l("Last day"), widget=DateInput())


def chosen_count(form: FilterForm) -> int:
    """How many of the search and filters are in use (the dates of the list apart)."""
    return sum(1 for name in ("q", "theme", "audience", "format", "language", "partner")
               if (form[name].data or "").strip())


def filter_form(args, choices: FilterChoices, lang: str, errors: dict[str, str]) -> FilterForm:
    """The form filled from the query arguments, its options in the page's language."""
    form = FilterForm(args)
    every = ("", _("Show all"))
    form.theme.choices = [every] + _sorted((t.code, t.localized("label", lang)) for t in choices.themes)
    form.audience.choices = [every] + _sorted((a.code, a.localized("label", lang)) for a in choices.audiences)
    form.format.choices = [every] + [(code, str(FORMAT_LABELS[code])) for code in FORMATS]
    form.language.choices = [every] + [(code, str(DELIVERY_LANGUAGE_LABELS[code])) for code in DELIVERY_LANGUAGES]
    form.partner.choices = [every] + _sorted((p.slug, p.localized("name", lang)) for p in choices.partners)
    for name, message in errors.items():
        field = form._fields.get("from_" if name == "from" else name)
        if field is not None:
            field.errors = [message]
    return form


def _sorted(options) -> list[tuple[str, str]]:
    return sorted(options, key=lambda option: fold(option[1]))
