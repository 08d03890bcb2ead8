"""Builders for the schools' tests: a school activity with its counsellor and rooms, a teacher's request."""
from __future__ import annotations

from datetime import date, timedelta

import holidays

from app.calendar import bookings
from app.extensions import db
from app.schools import services as schools
from app.timeutil import local_today
from config import DEFAULT_SCHOOL_HOLIDAYS
from tests import factories as f


def _in_school_holidays(day: date) -> bool:
    return any(date.fromisoformat(first) <= day <= date.fromisoformat(last)
               for spans in DEFAULT_SCHOOL_HOLIDAYS.values() for first, last in spans)


def school_day(days: int, *, avoid=()) -> date:
    """The first weekday at least `days` from today that is neither a Belgian public holiday, nor in the
    school holidays of either community, nor in `avoid`."""
    day = local_today() + timedelta(days=days)
    while (day.isoweekday() > 5 or day in holidays.Belgium(years=day.year) or _in_school_holidays(day)
           or day in avoid):
        day += timedelta(days=1)
    return day


def school_world(name="Anna Peeters") -> dict:
    place = f.venue(rooms=("Salle 1", "Salle 2"))
    pto = f.activity("pto", schools_only=True, minutes=100, capacity=30)
    pto.pupils_min, pto.pupils_max = 10, 28
    pto.title_fr, pto.title_nl = "Parcours PTO", "PTO-traject"
    anna = f.user("counsellor", "anna@cdm.example", name=name)
    bookings.set_counsellor_activities(anna, [pto])
    db.session.flush()
    return {"venue": place, "pto": pto, "anna": anna}


def request_data(activity, place="centre", first=None, second=None, **changes) -> dict:
    first = first or school_day(21)
    second = second or school_day(28, avoid=(first,))
    data = {"school_name": "Athénée Royal de Saint-Josse", "postcode": "1210", "network": "fwb_wbe",
            "teacher_name": "Claire Dubois", "email": "claire.dubois@ecole.example.be", "phone": "02 218 00 00",
            "activity": str(activity.id), "class_level": "s2", "pupils": "22", "teaching_language": "fr",
            "place": place, "school_address": "Rue de la Limite 2, 1210 Saint-Josse" if place == "school" else "",
            "date_1": first.isoformat(), "half_1": "morning", "date_2": second.isoformat(), "half_2": "afternoon"}
    data.update(changes)
    return data


def teacher_request(activity, place="centre", language="fr", **kw):
    return schools.submit_request(request_data(activity, place, **kw), language)
