"""The back-office form that builds a widget's snippet: a GET form (it changes nothing; the address keeps
the choices), so no CSRF token; the choices are set by the view from the calendar's lists."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Form, IntegerField, RadioField, SelectField
from wtforms.validators import NumberRange, Optional

from app.widget.queries import LIMIT_DEFAULT, LIMIT_MAX


class SnippetForm(Form):
    kind = RadioField(_l("Kind of snippet"), default="script",
                      choices=[("script", _l("A script: the list takes the look of your site")),
                               ("iframe", _l("A frame (iframe): the list keeps its own look"))])
    lang = SelectField(_l("Language of the list"))
    theme = SelectField(_l("Theme"), default="")
    audience = SelectField(_l("Audience"), default="")
    format = SelectField(_l("Format"), default="")
    language = SelectField(_l("Language of the sessions"), default="")
    partner = SelectField(_l("Partner"), default="")
    limit = IntegerField(_l("How many sessions"), default=LIMIT_DEFAULT,
                         validators=[Optional(), NumberRange(1, LIMIT_MAX, _l("Show from 1 to %(max)s sessions."))])
