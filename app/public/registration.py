"""The registration form of a session's page: built in the page's language, read into service input."""
from __future__ import annotations

from flask_babel import gettext as _

from app.calendar.queries import filter_choices
from app.registrations.forms import RegistrationForm, consent_text

SERVICE_FIELDS = ("name", "email", "language", "audience", "postcode")


def registration_form(lang: str) -> RegistrationForm:
    form = RegistrationForm()
    form.consent.label.text = consent_text()
    if not form.language.data:
        form.language.data = lang
    form.audience.choices = [("", _("Prefer not to say"))] + sorted(
        ((a.code, a.localized("label", lang)) for a in filter_choices().audiences), key=lambda c: c[1].casefold())
    return form


def form_data(form: RegistrationForm) -> dict:
    data = {name: getattr(form, name).data or None for name in SERVICE_FIELDS}
    data["consent"] = bool(form.consent.data)
    data["channel"] = "web"
    return data


def attach_errors(form: RegistrationForm, errors: dict[str, str]) -> None:
    """The service's messages beside their fields."""
    for name, message in errors.items():
        field = form._fields.get(name)
        if field is not None:
            field.errors = list(field.errors) + [message]
