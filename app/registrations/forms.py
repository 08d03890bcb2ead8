"""Forms of the signed-link pages."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.i18n import LANGS
from app.registrations.services import MAX_COMMENT
from app.web.labels import LANGUAGE_NAMES


class CancelForm(FlaskForm):
    submit = SubmitField(_l("Yes, cancel my registration"))


class FeedForm(FlaskForm):
    submit = SubmitField(_l("Replace the link of my calendar"))


class SurveyForm(FlaskForm):
    rating = RadioField(_l("Your mark, from 1 (poor) to 5 (excellent)"), coerce=int,
                        choices=[(n, str(n)) for n in range(1, 6)],
                        validators=[InputRequired(_l("Choose a mark from 1 to 5."))])
    comment = TextAreaField(_l("A comment (optional)"),
                            validators=[Length(max=MAX_COMMENT,
                                               message=_l("The comment is too long (2000 characters at most)."))])
    submit = SubmitField(_l("Send my answer"))


class RegistrationForm(FlaskForm):
    """The public form on a session's page. It checks only its CSRF token: the registration service
    checks every field at once, so a person sees every message together. `website` is a trap for
    robots: people never see it."""

    name = StringField(_l("Your name"))
    email = EmailField(_l("Your e-mail address"))
    language = RadioField(_l("Language of our messages"), validate_choice=False,
                          choices=[(code, LANGUAGE_NAMES[code]) for code in LANGS])
    audience = SelectField(_l("You are (optional)"), validate_choice=False)
    postcode = StringField(_l("Your postcode (optional)"))
    consent = BooleanField(_l("I agree"))  # its words name the retention period: see consent_text()
    website = StringField(_l("Leave this field empty"))
    submit = SubmitField(_l("Register"))


def consent_text() -> str:
    """What the person agrees to, with the retention period of the settings, in the current language."""
    from app.privacy.retention import days, duration

    return _("I agree that the Cité des métiers keeps my name and e-mail address to manage my registration and "
             "send me messages about this session. They are erased %(period)s after the session; only anonymous "
             "counts are kept for our annual report.", period=duration(days("RETENTION_DAYS")))
