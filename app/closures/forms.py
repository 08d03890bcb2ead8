"""Forms of the closures pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Optional

from app.closures.models import ACTIONS
from app.web.forms import Within, add_translated_fields

ACTION_LABELS = {"online": _l("Switch them online"), "cancel": _l("Cancel them")}


class ClosureForm(FlaskForm):
    venue = SelectField(_l("Venue"), coerce=int, validators=[InputRequired(_l("Choose a venue."))])
    first_day = DateField(_l("First day closed"), validators=[InputRequired(_l("Give the first day."))])
    last_day = DateField(_l("Last day closed"), validators=[InputRequired(_l("Give the last day."))])
    action = RadioField(_l("Sessions on site during the closure"), default="online",
                        choices=[(action, ACTION_LABELS[action]) for action in ACTIONS])
    preview = SubmitField(_l("Show the sessions concerned"))
    confirm = SubmitField(_l("Confirm the closure"))


class ChangeClosureForm(FlaskForm):
    first_day = DateField(_l("First day closed"), validators=[InputRequired(_l("Give the first day."))])
    last_day = DateField(_l("Last day closed"), validators=[InputRequired(_l("Give the last day."))])
    submit = SubmitField(_l("Change the dates"))


class CapacityCapForm(FlaskForm):
    venue = SelectField(_l("Venue"), coerce=int, validators=[Optional()])
    first_day = DateField(_l("From"), validators=[InputRequired(_l("Give the first day."))])
    last_day = DateField(_l("Until"), validators=[InputRequired(_l("Give the last day."))])
    percent = IntegerField(_l("Share of each room's capacity (%)"), validators=[
        InputRequired(_l("Give a share from 1 to 100 %.")), Within(1, 100, _l("Give a share from 1 to 100 %."))])
    submit = SubmitField(_l("Set the cap"))


TOO_LONG = _l("The reason is too long (300 characters at most).")
add_translated_fields(ClosureForm, "reason", _l("Reason (shown to the public)"), StringField,
                      required=_l("Give the reason, as the public will read it."), too_long=TOO_LONG)
add_translated_fields(CapacityCapForm, "reason", _l("Reason"), StringField, too_long=TOO_LONG)
