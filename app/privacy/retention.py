"""The retention periods, as settings (README) and as the privacy notice and the consent text say them."""
from __future__ import annotations

from flask import current_app
from flask_babel import ngettext

DEFAULTS = {"RETENTION_DAYS": 365, "OUTBOX_RETENTION_DAYS": 90, "AUDIT_RETENTION_DAYS": 730,
            "LOGIN_ATTEMPT_RETENTION_DAYS": 30, "SCHOOL_RETENTION_DAYS": 365}


def days(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


def duration(number_of_days: int) -> str:
    """A period in words, in the current language: whole years as years, else days."""
    if number_of_days % 365 == 0:
        years = number_of_days // 365
        return ngettext("%(num)s year", "%(num)s years", years)
    return ngettext("%(num)s day", "%(num)s days", number_of_days)


def periods() -> dict[str, str]:
    """Every period in words, by setting name."""
    return {name: duration(days(name)) for name in DEFAULTS}
