"""Forms of the signed-link pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length


class CancelForm(FlaskForm):
    submit = SubmitField(_l("Yes, cancel my registration"))


class SurveyForm(FlaskForm):
    rating = RadioField(_l("Your mark, from 1 (poor) to 5 (excellent)"), coerce=int,
                        choices=[(n, str(n)) for n in range(1, 6)],
                        validators=[InputRequired(_l("Choose a mark from 1 to 5."))])
    comment = TextAreaField(_l("A comment (optional)"),
                            validators=[Length(max=2000, message=_l("The comment is too long (2000 characters at most)."))])
    submit = SubmitField(_l("Send my answer"))
