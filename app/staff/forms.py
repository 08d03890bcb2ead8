"""The staff forms. They parse what is typed; the services decide what is allowed."""
from __future__ import annotations

from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import CheckboxInput, DateInput, DateTimeLocalInput, ListWidget, NumberInput, TimeInput

from app.calendar.models import DELIVERY_LANGUAGES, FORMATS, LANGS
from app.web.forms import ExistingLocalTime, Within, add_translated_fields
from app.web.labels import CHANNEL_LABELS, DELIVERY_LANGUAGE_LABELS, FORMAT_LABELS, LANGUAGE_NAMES

WEEKDAYS = [(1, _l("Monday")), (2, _l("Tuesday")), (3, _l("Wednesday")), (4, _l("Thursday")), (5, _l("Friday")),
            (6, _l("Saturday")), (7, _l("Sunday"))]


class ParsedField(StringField):
    """A text input read into a value by `parse`; a bad value gets `message`."""

    parse = staticmethod(str)
    message = _l("This value cannot be read.")

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.raw = raw
        self.data = None
        if not raw:
            self.raw_data = []  # blanks only: as good as nothing, so a required field says it is missing
        else:
            try:
                if len(raw) > 20:
                    raise ValueError(raw)
                self.data = self.parse(raw)
            except (ValueError, OverflowError):
                raise ValueError(str(self.message)) from None

    def _value(self):
        if getattr(self, "raw", None) is not None and self.data is None:
            return self.raw
        return "" if self.data is None else self._show(self.data)

    def _show(self, value) -> str:
        return str(value)


DURATION = Within(1, 24 * 60, _l("The duration must be from 1 minute to 24 hours."))


class WholeField(ParsedField):
    widget = NumberInput(min=1)
    parse = staticmethod(int)
    message = _l("Give a whole number.")


class DayField(ParsedField):
    widget = DateInput()
    parse = staticmethod(date.fromisoformat)
    message = _l("Give a date as YYYY-MM-DD.")

    def _show(self, value):
        return value.isoformat()


class ClockField(ParsedField):
    widget = TimeInput()
    message = _l("Give a time as HH:MM.")

    @staticmethod
    def parse(raw):
        return time.fromisoformat(raw[:5] if len(raw) >= 5 else raw)

    def _show(self, value):
        return value.strftime("%H:%M")


class LocalDateTimeField(ParsedField):
    """A datetime-local input: Brussels wall-clock time, without zone (the view adds it)."""

    widget = DateTimeLocalInput()
    message = _l("Give a date and a time, such as 2026-03-04 14:00.")

    @staticmethod
    def parse(raw):
        value = datetime.fromisoformat(raw.replace(" ", "T"))
        if value.tzinfo is not None or not 2000 <= value.year <= 2100:
            raise ValueError(raw)
        return value.replace(second=0, microsecond=0)

    def _show(self, value):
        return value.strftime("%Y-%m-%dT%H:%M")


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):  # the services check the values
        pass


REQUIRED = InputRequired(_l("This field is required."))


def _texts(lang: str):
    name = LANGUAGE_NAMES[lang]
    return {
        f"title_{lang}": StringField(_l("Title (%(language)s)", language=name), render_kw={"lang": lang}),
        f"summary_{lang}": TextAreaField(_l("Summary (%(language)s)", language=name),
                                         render_kw={"lang": lang, "rows": 2}),
        f"description_{lang}": TextAreaField(_l("Description (%(language)s)", language=name),
                                             render_kw={"lang": lang, "rows": 5}),
    }


class ActivityForm(FlaskForm):
    theme = SelectField(_l("Theme"), validate_choice=False)
    audiences = CheckboxesField(_l("For whom"))
    language = SelectField(_l("Language of the sessions"),
                           choices=[(c, DELIVERY_LANGUAGE_LABELS[c]) for c in DELIVERY_LANGUAGES],
                           validate_choice=False)
    default_duration_minutes = WholeField(_l("Usual duration (minutes)"), validators=[REQUIRED])
    default_capacity = WholeField(_l("Usual number of seats"), validators=[REQUIRED])
    organiser = SelectField(_l("Organised by"), validate_choice=False)
    cohosts = CheckboxesField(_l("Co-hosted by"))
    schools_only = BooleanField(_l("For schools only (not shown to the public)"))
    submit = SubmitField(_l("Save the activity"))


for _lang in LANGS:
    for _name, _field in _texts(_lang).items():
        setattr(ActivityForm, _name, _field)


def _place_fields():
    return dict(
        format=RadioField(_l("Format"), choices=[(c, FORMAT_LABELS[c]) for c in FORMATS], validate_choice=False,
                          validators=[REQUIRED]),
        venue=SelectField(_l("Venue"), validate_choice=False),
        room=SelectField(_l("Room"), validate_choice=False),
        capacity=WholeField(_l("Number of seats"), validators=[REQUIRED]),
    )


class SeriesFields(FlaskForm):
    weekdays = CheckboxesField(_l("Every week on"), choices=WEEKDAYS, coerce=int)
    start_time = ClockField(_l("Start time (Brussels)"), validators=[REQUIRED])
    duration_minutes = WholeField(_l("Duration (minutes)"), validators=[REQUIRED, DURATION])
    start_date = DayField(_l("First date"), validators=[REQUIRED])
    end_date = DayField(_l("Last date"), validators=[REQUIRED])
    language = SelectField(_l("Language of the sessions"), validate_choice=False)


for _name, _field in _place_fields().items():
    setattr(SeriesFields, _name, _field)


class SeriesForm(SeriesFields):
    activity = SelectField(_l("Activity"), validate_choice=False, validators=[REQUIRED])
    preview = SubmitField(_l("Preview the dates"))
    confirm = SubmitField(_l("Create these sessions"))


class SeriesEditForm(SeriesFields):
    submit = SubmitField(_l("Change the future sessions"))


class SessionEditForm(FlaskForm):
    start = LocalDateTimeField(_l("Start (Brussels time)"), validators=[REQUIRED, ExistingLocalTime()])
    duration_minutes = WholeField(_l("Duration (minutes)"), validators=[REQUIRED, DURATION])
    submit = SubmitField(_l("Save the changes"))


for _name, _field in _place_fields().items():
    setattr(SessionEditForm, _name, _field)


class SessionForm(SessionEditForm):
    activity = SelectField(_l("Activity"), validate_choice=False, validators=[REQUIRED])
    language = SelectField(_l("Language of the session"), validate_choice=False)
    duration_minutes = WholeField(_l("Duration (minutes)"), validators=[Optional(), DURATION])
    capacity = WholeField(_l("Number of seats"), validators=[Optional()])
    submit = SubmitField(_l("Create the session"))


class CancelSessionForm(FlaskForm):
    submit = SubmitField(_l("Cancel the session"))


class SkipForm(FlaskForm):
    day = DayField(validators=[REQUIRED])


REASON_TOO_LONG = _l("The reason is too long (300 characters at most).")
add_translated_fields(CancelSessionForm, "reason", _l("Reason, told to everyone registered"), TextAreaField,
                      required=REQUIRED.message, too_long=REASON_TOO_LONG, render_kw={"rows": 2})
add_translated_fields(SkipForm, "reason", _l("Reason"), StringField, too_long=REASON_TOO_LONG)


class MoveForm(FlaskForm):
    day = DayField(validators=[REQUIRED])
    start = LocalDateTimeField(_l("New date and time"), validators=[REQUIRED, ExistingLocalTime()])


class RestoreForm(FlaskForm):
    day = DayField(validators=[REQUIRED])


class DeskForm(FlaskForm):
    """Registering someone who phones, writes or walks in."""

    name = StringField(_l("Name"), validators=[REQUIRED])
    email = EmailField(_l("E-mail address"))
    phone = TelField(_l("Phone number, if the person has no e-mail address"))
    language = RadioField(_l("Language of the messages"), choices=[(c, LANGUAGE_NAMES[c]) for c in LANGS],
                          validators=[REQUIRED], validate_choice=False)
    channel = SelectField(_l("How the person asked"), choices=list(CHANNEL_LABELS.items()), validate_choice=False)
    audience = SelectField(_l("The person is (optional)"), validate_choice=False)
    postcode = StringField(_l("Postcode (optional)"))
    agreed = BooleanField(_l("The person agreed that we keep their name and contact details for this registration"),
                          validators=[InputRequired(_l("Ask the person for their agreement first."))])
    submit = SubmitField(_l("Register this person"))


class ActionForm(FlaskForm):
    """A button: only the CSRF token."""


class ConfirmForm(FlaskForm):
    """The one button of a confirmation step: the CSRF token and the answer that it was confirmed."""

    confirmed = HiddenField()  # "yes" from the confirmation page


class HostsForm(FlaskForm):
    hosts = CheckboxesField(_l("Hosts"), coerce=int)
    submit = SubmitField(_l("Save the hosts"))


class CounsellorActivitiesForm(FlaskForm):
    activities = CheckboxesField(_l("Activities this person may lead"), coerce=int)
    submit = SubmitField(_l("Save the activities"))
