"""Forms of the posts page."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import InputRequired


class EditPostForm(FlaskForm):
    text = TextAreaField(_l("Text of the post"), validators=[InputRequired(_l("Write the text of the post."))])
    submit = SubmitField(_l("Save this text"))


class PostActionForm(FlaskForm):
    """A button: only the CSRF token."""
