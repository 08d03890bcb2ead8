"""Forms of the account pages (CSRF through Flask-WTF); the services validate the values."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired

from app.i18n import LANGS
from app.web.labels import LANGUAGE_NAMES


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[InputRequired(_l("Give your e-mail address."))])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Give your password."))])
    next = HiddenField()


class ForgotForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[InputRequired(_l("Give your e-mail address."))])


class ResetForm(FlaskForm):
    password = PasswordField(_l("New password (12 characters at least)"),
                             validators=[InputRequired(_l("Choose a password of at least 12 characters."))])
    password_again = PasswordField(_l("The new password again"), validators=[
        InputRequired(_l("Type the new password a second time.")),
        EqualTo("password", _l("The two passwords differ: type the same one twice."))])


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[InputRequired(_l("Give an e-mail address."))])
    name = StringField(_l("Name"), validators=[InputRequired(_l("Give the person's name."))])
    role = SelectField(_l("Role"), validate_choice=False)
    partner = SelectField(_l("Partner organisation (partner users only)"), validate_choice=False)
    language = SelectField(_l("Language of the messages"), validate_choice=False,
                           choices=[(code, LANGUAGE_NAMES[code]) for code in LANGS])
