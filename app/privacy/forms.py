"""The forms of the privacy pages: asking for one's data, confirming its erasure, and staff's search."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, StringField, SubmitField
from wtforms.validators import InputRequired


class AskForm(FlaskForm):
    email = EmailField(_l("Your e-mail address"), description=_l(
        "The one you gave when you registered. We send the link to it, and to nobody else."))
    submit = SubmitField(_l("Send me the link"))


class EraseForm(FlaskForm):
    confirm = BooleanField(_l("I understand: my registrations ahead are cancelled and my data is erased for good."),
                           validators=[InputRequired(_l("Tick the box to confirm the erasure."))])
    submit = SubmitField(_l("Erase my data"))


class FindForm(FlaskForm):
    who = StringField(_l("E-mail address or phone number"))
    reason = StringField(_l("Why you need it"), description=_l(
        "Recorded in the audit log with your name, for example: the person's phone call of today."))
    submit = SubmitField(_l("Find"))


class ActOnForm(FlaskForm):
    """Export or erase, for the person found: who they are and why travel with the button (never in the URL)."""

    who = HiddenField()
    reason = HiddenField()


class StaffEraseForm(ActOnForm):
    confirm = BooleanField(_l("The person asked for the erasure; their registrations ahead are cancelled."),
                           validators=[InputRequired(_l("Tick the box to confirm the erasure."))])
