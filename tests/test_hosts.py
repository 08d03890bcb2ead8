"""Hosts of sessions: never in two places at once (travel to a school included); the database refuses
an overlapping booking itself on PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.calendar import bookings
from app.calendar import services as calendar
from app.calendar.models import Booking
from app.errors import ValidationError
from app.extensions import db
from tests import factories as f
from tests.factories import soon


@pytest.fixture
def hosts_world():
    place = f.venue(rooms=("Salle 1", "Salle 2"))
    anna = f.user("counsellor", "anna@cdm.example", name="Anna Peeters")
    start = soon(7, hour=10)
    taken = calendar.create_session(f.activity("taken"), start, start + timedelta(hours=2), "face_to_face",
                                    venue=place, room=place.rooms[0], hosts=[anna])
    return place, anna, start, taken


def test_a_host_in_two_sessions_at_once_is_refused_naming_the_other(hosts_world):
    place, anna, start, taken = hosts_world
    act = f.activity("other")
    with pytest.raises(ValidationError) as caught:
        calendar.create_session(act, start + timedelta(hours=1), start + timedelta(hours=3), "online", hosts=[anna])
    message = caught.value.errors["hosts"]
    assert message.startswith("Anna Peeters ") and "Atelier taken" in message and f"{taken.id})" in message
    # Touching ends, another host, or a cancelled session are fine.
    calendar.create_session(act, start + timedelta(hours=2), start + timedelta(hours=3), "online", hosts=[anna])
    other = calendar.create_session(act, start, start + timedelta(hours=1), "online")
    with pytest.raises(ValidationError):
        bookings.set_hosts(other, [anna])
    assert other.hosts == []
    calendar.cancel_session(taken, "")
    bookings.set_hosts(other, [anna])
    assert [h.name for h in other.hosts] == ["Anna Peeters"]


def test_travel_time_around_a_class_at_a_school(hosts_world):
    place, anna, start, taken = hosts_world
    school = f.activity("pto", schools_only=True)
    # 45 minutes of travel after the class at the centre ends at 12:00: a class at a school at 12:30 clashes.
    with pytest.raises(ValidationError) as caught:
        calendar.create_session(school, start + timedelta(minutes=150), start + timedelta(minutes=270),
                                "face_to_face", offsite_address="Rue de l'École 1, 1000 Bruxelles", hosts=[anna])
    assert "Anna Peeters" in caught.value.errors["hosts"]
    at_school = calendar.create_session(school, start + timedelta(minutes=165), start + timedelta(minutes=285),
                                        "face_to_face", offsite_address="Rue de l'École 1, 1000 Bruxelles",
                                        hosts=[anna])
    assert at_school.at_school and at_school.venue_id is None
    # The other way round: a session at the centre 30 minutes after the school class is refused, with the travel said.
    later = at_school.end_at + timedelta(minutes=30)
    with pytest.raises(ValidationError) as caught:
        calendar.create_session(f.activity("late"), later, later + timedelta(hours=1), "online", hosts=[anna])
    assert "45" in caught.value.errors["hosts"] and f"{at_school.id})" in caught.value.errors["hosts"]
    after_travel = at_school.end_at + timedelta(minutes=45)
    calendar.create_session(f.activity("late2"), after_travel, after_travel + timedelta(hours=1), "online",
                            hosts=[anna])


def test_rescheduling_onto_a_hosts_other_session_is_refused(hosts_world):
    place, anna, start, taken = hosts_world
    other = calendar.create_session(f.activity("other"), start + timedelta(hours=3), start + timedelta(hours=4),
                                    "online", hosts=[anna])
    with pytest.raises(ValidationError) as caught:
        calendar.reschedule_session(other, start + timedelta(minutes=90), start + timedelta(minutes=150))
    assert "Anna Peeters" in caught.value.errors["hosts"]
    calendar.reschedule_session(other, start + timedelta(hours=5), start + timedelta(hours=6))
    held = db.session.scalars(db.select(Booking).where(Booking.session_id == other.id)).all()
    assert [(b.kind, b.resource_id, b.start_at) for b in held] == [("host", anna.id, other.start_at)]


def test_bookings_follow_the_session(hosts_world):
    place, anna, start, taken = hosts_world
    kinds = lambda: sorted((b.kind, b.resource_id) for b in db.session.scalars(  # noqa: E731
        db.select(Booking).where(Booking.session_id == taken.id)))
    assert kinds() == [("host", anna.id), ("room", place.rooms[0].id)]
    calendar.update_session(taken, format="online")
    assert kinds() == [("host", anna.id)]
    calendar.cancel_session(taken, "")
    assert kinds() == []


def test_an_overlapping_booking_inserted_directly_is_refused_by_postgresql(hosts_world, postgres_only):
    place, anna, start, taken = hosts_world
    other = calendar.create_session(f.activity("other"), start + timedelta(hours=5), start + timedelta(hours=6),
                                    "online")
    for kind, resource in (("host", anna.id), ("room", place.rooms[0].id)):
        with pytest.raises(IntegrityError) as caught, db.session.begin_nested():
            db.session.add(Booking(session_id=other.id, kind=kind, resource_id=resource,
                                   start_at=start + timedelta(hours=1), end_at=start + timedelta(hours=3)))
            db.session.flush()
        assert caught.value.orig.sqlstate == "23P01"
    with db.session.begin_nested():  # touching ends and another resource are fine
        db.session.add(Booking(session_id=other.id, kind="host", resource_id=anna.id,
                               start_at=start + timedelta(hours=2), end_at=start + timedelta(hours=3)))
        db.session.add(Booking(session_id=other.id, kind="room", resource_id=place.rooms[1].id,
                               start_at=start, end_at=start + timedelta(hours=3)))
        db.session.flush()
    definition = db.session.scalar(sa.text(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'ex_booking_no_overlap'"))
    assert definition.startswith("EXCLUDE USING gist") and "&&" in definition


# The staff pages ---------------------------------------------------------------------------------


def test_staff_set_hosts_and_a_clash_is_shown_on_the_page(client, login_as, hosts_world):
    place, anna, start, taken = hosts_world
    login_as("coordinator", name="Coord")
    other = calendar.create_session(f.activity("other"), start + timedelta(hours=1), start + timedelta(hours=2),
                                    "online")
    bram = f.user("counsellor", "bram@cdm.example", name="Bram Janssens")
    page = client.get(f"/en/staff/sessions/{other.id}/hosts")
    assert page.status_code == 200 and "Anna Peeters" in page.text and "Bram Janssens" in page.text
    refused = client.post(f"/en/staff/sessions/{other.id}/hosts", data={"hosts": [str(anna.id)]})
    assert refused.status_code == 422
    assert "Anna Peeters already leads “Workshop taken (en)”" in refused.text and f"session {taken.id}" in refused.text
    saved = client.post(f"/en/staff/sessions/{other.id}/hosts", data={"hosts": [str(bram.id)]})
    assert saved.status_code == 303
    assert [h.name for h in db.session.get(type(other), other.id).hosts] == ["Bram Janssens"]
    week = client.get(f"/en/staff/?week={start.date().isoformat()}")
    assert "Hosts: Anna Peeters" in week.text and "Hosts: Bram Janssens" in week.text
    mine = client.get(f"/nl/staff/hosts/{bram.id}/sessions")
    assert mine.status_code == 200 and "Workshop other" in mine.text and "Workshop taken" not in mine.text


def test_staff_mark_the_activities_a_counsellor_may_lead(client, login_as):
    login_as("coordinator")
    anna = f.user("counsellor", "anna@cdm.example", name="Anna Peeters")
    pto, cv = f.activity("pto", schools_only=True), f.activity("cv")
    assert client.get("/fr/staff/counsellors/").status_code == 200
    saved = client.post(f"/fr/staff/counsellors/{anna.id}", data={"activities": [str(pto.id)]})
    assert saved.status_code == 303
    assert bookings.qualified_counsellors(pto.id) == [anna] and bookings.qualified_counsellors(cv.id) == []
    listing = client.get("/fr/staff/counsellors/")
    assert "Anna Peeters" in listing.text and "Atelier pto" in listing.text


def test_a_counsellor_sees_their_own_sessions_and_may_not_change_hosts(client, login_as, hosts_world):
    place, anna, start, taken = hosts_world
    login_as(anna)
    page = client.get("/fr/staff/my-sessions")
    assert page.status_code == 200 and "Atelier taken" in page.text
    assert client.get(f"/fr/staff/sessions/{taken.id}/hosts").status_code == 403
    assert client.get(f"/fr/staff/counsellors/{anna.id}").status_code == 403
