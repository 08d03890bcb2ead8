"""Forms of the partner pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, SubmitField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.integrations.registry import LABELS as PROVIDER_LABELS
from app.partners.services import MAX_NOTE
from app.validation import CAPACITY_OUT_OF_RANGE, MAX_CAPACITY


def _optional_int(value):
    return int(value) if value not in (None, "", "None") and str(value).isdigit() and len(str(value)) < 10 else None


class ProposalForm(FlaskForm):
    activity = SelectField(_l("Activity"), coerce=_optional_int,
                           validators=[InputRequired(_l("Choose one of the activities in the list."))])
    day = DateField(_l("Date"), validators=[InputRequired(_l("Give the date."))])
    start = TimeField(_l("Start (Brussels time)"), validators=[InputRequired(_l("Give the start time."))])
    end = TimeField(_l("End (Brussels time)"), validators=[InputRequired(_l("Give the end time."))])
    format = SelectField(_l("Format"), validators=[InputRequired()])
    venue = SelectField(_l("Venue (for face-to-face and hybrid sessions)"), coerce=_optional_int, validate_choice=False)
    room = SelectField(_l("Room (optional)"), coerce=_optional_int, validate_choice=False)
    capacity = IntegerField(_l("Capacity"), validators=[
        InputRequired(_l("Give the number of seats.")),
        NumberRange(min=1, max=MAX_CAPACITY, message=CAPACITY_OUT_OF_RANGE)])
    language = SelectField(_l("Language of the session"), validators=[InputRequired()])
    note = TextAreaField(_l("Note for the centre (optional)"), validators=[
        Optional(), Length(max=MAX_NOTE, message=_l("The note is too long (1000 characters at most)."))])
    submit = SubmitField(_l("Send the proposal"))


class ReviewForm(FlaskForm):
    note = TextAreaField(_l("Note for the partner (required to refuse)"), validators=[
        Optional(), Length(max=MAX_NOTE, message=_l("The note is too long (1000 characters at most)."))])
    approve = SubmitField(_l("Approve"))
    refuse = SubmitField(_l("Refuse"))


class ProviderForm(FlaskForm):
    provider = RadioField(_l("Videoconference platform"), choices=list(PROVIDER_LABELS.items()),
        validators=[InputRequired(_l("Choose Jitsi Meet, Whereby or Google Meet."))])
    submit = SubmitField(_l("Save"))
