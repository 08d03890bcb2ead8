"""Form validators every feature's forms share."""
from __future__ import annotations

from datetime import datetime

from flask_babel import format_date, gettext
from wtforms.validators import StopValidation, ValidationError

from app.timeutil import exists_locally


class Within:
    """A number from `low` to `high`; the message is shown as it is (it may hold a "%")."""

    def __init__(self, low: int, high: int, message):
        self.low, self.high, self.message = low, high, message

    def __call__(self, form, field) -> None:
        if field.data is not None and not self.low <= field.data <= self.high:
            raise StopValidation(str(self.message))


class ExistingLocalTime:
    """A Brussels wall-clock time that exists: not one the clocks skip when summer time begins."""

    def __call__(self, form, field) -> None:
        value = field.data
        if isinstance(value, datetime) and not exists_locally(value.date(), value.time()):
            raise ValidationError(gettext(
                "%(time)s does not exist on %(day)s: the clocks go forward from 2:00 to 3:00 that night. "
                "Choose another time.", time=value.strftime("%H:%M"), day=format_date(value.date(), "d MMMM y")))
