"""GET /api/v1/stats/<year>: the year's headline and monthly figures (no personal data, nothing below a month)."""
from __future__ import annotations

from flask_babel import gettext as _

from app.api import errors
from app.api.blueprint import bp
from app.api.views import _json
from app.errors import NotFound, ValidationError
from app.stats.figures import EARLIEST_YEAR, Figures, Period, cached
from app.timeutil import local_today


def public_figures(figures: Figures, year: int) -> dict:
    return {
        "year": year,
        "activities": dict(figures.activities),
        "contacts": figures.contacts,
        "months": [{"month": m.month, "activities": m.activities, "face_to_face": m.face_to_face,
                    "online": m.online, "hybrid": m.hybrid, "contacts": m.contacts,
                    "contacts_previous_year": m.contacts_previous_year} for m in figures.months],
        "closures": [{"from": first.isoformat(), "to": last.isoformat(), "reason": reason}
                     for first, last, reason in figures.closures],
    }


@bp.get("/stats/<year>")
def stats(year: str):
    errors.use_lang()
    if not (year.isascii() and year.isdigit() and len(year) == 4):
        raise ValidationError({"year": _("Give the year as four digits, such as 2025.")})
    number = int(year)
    if not EARLIEST_YEAR <= number <= local_today().year:
        raise NotFound({"year": _("There are no statistics for this year: give a year from %(first)s to "
                                  "%(last)s.", first=EARLIEST_YEAR, last=local_today().year)})
    return _json(public_figures(cached(Period.year(number)), number))
