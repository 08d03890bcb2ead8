"""The VTIMEZONE of Europe/Brussels, written with yearly rules.

Calendar clients (Outlook above all) shift events by an hour when a time zone is given as a long
list of RDATEs; two RRULEs (the European rule since 1996) are read correctly everywhere.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

TZID = "Europe/Brussels"


def brussels_vtimezone() -> Timezone:
    """A new VTIMEZONE component: CEST from the last Sunday of March, CET from the last of October."""
    daylight = TimezoneDaylight()
    daylight.add("tzname", "CEST")
    daylight.add("tzoffsetfrom", timedelta(hours=1))
    daylight.add("tzoffsetto", timedelta(hours=2))
    daylight.add("dtstart", datetime(1970, 3, 29, 2, 0))
    daylight.add("rrule", vRecur({"FREQ": "YEARLY", "BYMONTH": 3, "BYDAY": "-1SU"}))

    standard = TimezoneStandard()
    standard.add("tzname", "CET")
    standard.add("tzoffsetfrom", timedelta(hours=2))
    standard.add("tzoffsetto", timedelta(hours=1))
    standard.add("dtstart", datetime(1970, 10, 25, 3, 0))
    standard.add("rrule", vRecur({"FREQ": "YEARLY", "BYMONTH": 10, "BYDAY": "-1SU"}))

    timezone = Timezone()
    timezone.add("tzid", TZID)
    timezone.add("x-lic-location", TZID)
    timezone.add_component(daylight)
    timezone.add_component(standard)
    return timezone
