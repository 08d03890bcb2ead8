"""The demo's schools: the school activities' pupils ranges and places, counsellors with the activities they
lead, and a few teachers' requests in each state (idempotent: made once)."""
from __future__ import annotations

import secrets
from datetime import date, timedelta

from flask import current_app

from app.accounts.models import User
from app.accounts.services import create_user
from app.calendar import bookings
from app.calendar import services as calendar
from app.calendar.models import Activity
from app.calendar.public_holidays import is_belgian_holiday
from app.errors import DomainError
from app.extensions import db
from app.schools import services as schools
from app.schools.models import SchoolRequest
from app.timeutil import local_today

DOMAIN = "ecole.demo.cdm.brussels"
RANGES = {"pto": (12, 28, "centre,school,online"), "explorama": (10, 25, "centre,school"),
          "inforizon": (10, 25, "centre,online"), "pass-avenir": (8, 24, "centre,school,online")}
COUNSELLORS = (("conseil-sophie@demo.cdm.brussels", "Sophie Lambert", "fr", ("pto", "explorama", "pass-avenir")),
               ("conseil-pieter@demo.cdm.brussels", "Pieter Claes", "nl", ("pto", "inforizon", "pass-avenir")))
# (teacher, school, postcode, network, activity, place, language, state)
REQUESTS = (
    ("Claire Dubois", "Athénée Royal de Saint-Josse", "1210", "fwb_wbe", "pto", "centre", "fr", "new"),
    ("Koen Peeters", "Sint-Jan Berchmanscollege", "1000", "vg_free", "pass-avenir", "online", "nl", "proposed"),
    ("Nadia El Amrani", "Institut Saint-Louis", "1000", "fwb_free", "explorama", "school", "fr", "confirmed"),
    ("Marc Janssens", "Lycée Émile Max", "1030", "fwb_official", "inforizon", "online", "fr", "confirmed"),
    ("Els De Smet", "Atheneum Brussel", "1000", "vg_go", "pto", "centre", "nl", "declined"),
    ("Julie Lemaire", "Collège Saint-Pierre", "1180", "fwb_free", "pass-avenir", "centre", "fr", "cancelled"),
    ("Tom Willems", "Don Bosco Sint-Pieters-Woluwe", "1150", "vg_free", "inforizon", "online", "nl", "done"),
)


def _school_day(days: int, community: str, taken: set[date]) -> date:
    day = local_today() + timedelta(days=days)
    while (day.isoweekday() > 5 or is_belgian_holiday(day) or schools.school_holiday(day, community)
           or day in taken):
        day += timedelta(days=1)
    taken.add(day)
    return day


def load_demo_schools() -> str:
    activities = {a.slug: a for a in db.session.scalars(db.select(Activity).where(Activity.slug.in_(list(RANGES))))}
    for slug, (low, high, places) in RANGES.items():
        if slug in activities:
            activity = activities[slug]
            activity.pupils_min, activity.pupils_max, activity.school_places = low, high, places
    counsellors = []
    for email, name, language, slugs in COUNSELLORS:
        user = db.session.scalar(db.select(User).where(User.email == email))
        if user is None:
            user = create_user(email, name, "counsellor", password=secrets.token_urlsafe(12), language=language)
        bookings.set_counsellor_activities(user, [activities[s] for s in slugs if s in activities])
        counsellors.append(user)
    db.session.flush()
    if db.session.scalar(db.select(SchoolRequest.id).where(SchoolRequest.email.like(f"%@{DOMAIN}")).limit(1)):
        return "Demo schools: requests exist already."
    made, taken = 0, set()
    for n, (teacher, school, postcode, network, slug, place, language, state) in enumerate(REQUESTS):
        if slug not in activities:
            continue
        activity, community = activities[slug], network.split("_")[0]
        first = _school_day(14 + 7 * n, community, taken)
        second = _school_day(21 + 7 * n, community, taken)
        request = schools.submit_request({
            "school_name": school, "postcode": postcode, "network": network, "teacher_name": teacher,
            "email": f"{teacher.split()[0].lower()}.{n}@{DOMAIN}", "phone": "02 563 56 56",
            "activity": str(activity.id),
            "class_level": "s2" if slug == "pto" else "s4", "pupils": str(min(activity.pupils_max or 20, 20)),
            "teaching_language": "nl" if community == "vg" else "fr", "place": place,
            "school_address": f"{school}, {postcode} Bruxelles" if place == "school" else "",
            "date_1": first.isoformat(), "half_1": "morning", "date_2": second.isoformat(), "half_2": "afternoon",
            "comment": ""}, language)
        made += 1
        try:
            _into_state(request, state, counsellors)
        except DomainError as exc:  # a slot the demo's own calendar already holds: the request stays new
            current_app.logger.info("demo request %s stays new: %s", request.id, exc.errors)
    return f"Demo schools: {made} requests, {len(counsellors)} counsellors with their activities."


def _into_state(request: SchoolRequest, state: str, counsellors: list[User]) -> None:
    if state == "new":
        return
    if state == "done":  # a class of last week, held and counted
        day = local_today() - timedelta(days=7)
        while day.isoweekday() > 5 or is_belgian_holiday(day):
            day -= timedelta(days=1)
        start = schools.half_day_start(day, "morning")
        end = start + timedelta(minutes=request.activity.default_duration_minutes)
        session = calendar.create_session(request.activity, start, end, "online", capacity=request.pupils,
                                          language=request.teaching_language, hosts=[counsellors[-1]],
                                          visibility="school")
        session.confirmed_count = request.pupils
        request.session, request.counsellor, request.state = session, counsellors[-1], "done"
        request.slot_start, request.slot_end = session.start_at, session.end_at
        db.session.flush()
        schools.mark_class_attendance(session, request.pupils - 1, 2, None)
        return
    if state == "declined":
        schools.decline(request.id, "Plus de date libre ce trimestre : nous vous recontactons en janvier.")
        return
    slot = next((s for s in schools.free_slots(request) if not s.refused), None)
    if slot is None:
        return
    room = slot.rooms[0] if slot.rooms else None
    counsellor = slot.counsellors[0]
    if state == "proposed":
        schools.propose(request.id, slot.start, room, counsellor)
        return
    schools.confirm(request.id, slot.start, room, counsellor)
    if state == "cancelled":
        schools.cancel_by_teacher(request.token)
